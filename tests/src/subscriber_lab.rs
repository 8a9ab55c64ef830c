//! PPPoE subscribers through real daemons: a veth pair between two network namespaces made
//! by the test, our LAC (`l2tpd`, AF_PACKET on end 0) and an LNS on loopback inside end 0's
//! namespace, and the `pppoe-emulator` binary on end 1. Everything is deleted when the lab is
//! dropped, also when a test panics. Needs root (see [`crate::netns::may_run_as_root`]).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::daemon::{bin_path, DaemonProcess};
use crate::netns::VethPair;
use crate::ops::{rows, show_json};
use l2tpd::pppoe::wire::MacAddr;

/// The LAC's port and the emulator's interface (the emulator's subscribers use MACs of their
/// own; this one is only the interface's).
pub const LAC_PORT_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x17, 0x00, 0x01]);
pub const EMULATOR_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x17, 0x00, 0x02]);
/// The L2TP ends on the namespace's own loopback: no other test can meet them there.
pub const LAC_ADDRESS: &str = "127.0.17.1";
pub const LNS_ADDRESS: &str = "127.0.17.2";
/// The domain the LAC tunnels; the emulator's user names end with it.
pub const DOMAIN: &str = "isp.example";
pub const USER_FORMAT: &str = "user{n}@isp.example";

/// Our LAC on PPPoE port `port`: every `@isp.example` subscriber goes to the LNS at
/// `lns`.
pub fn lac_lines(port: &str, lns: &str) -> String {
    format!(
        "set system host-name e2e-lac\n\
         set interfaces {port} unit 0 family pppoe access-concentrator e2e-lac\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC_ADDRESS}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {lns}\n\
         set access domain map {DOMAIN} tunnel-profile tp\n"
    )
}

/// Our LNS on `LNS_ADDRESS`, taking sessions from the LAC named `e2e-lac`.
pub fn lns_lines(max_sessions: usize) -> String {
    format!(
        "set system host-name e2e-lns\n\
         set services l2tp tunnel-group g local-gateway address {LNS_ADDRESS}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client e2e-lac l2tp maximum-sessions-per-tunnel {max_sessions}\n"
    )
}

/// The namespaces, and whichever daemons a test starts in end 0's.
pub struct SubscriberLab {
    pub pair: VethPair,
}

impl SubscriberLab {
    /// `tag` (at most 6 characters) keeps the names of tests running at once apart.
    pub fn create(tag: &str) -> SubscriberLab {
        let pair = VethPair::create(tag, [LAC_PORT_MAC, EMULATOR_MAC]);
        pair.loopback_up(0);
        SubscriberLab { pair }
    }

    /// The LAC's host interface (end 0).
    pub fn port(&self) -> &str {
        self.pair.interface(0)
    }

    /// An `l2tpd` running inside end 0's namespace.
    pub fn daemon(&self) -> DaemonProcess {
        DaemonProcess::start_wrapped(&["ip", "netns", "exec", self.pair.namespace(0)], &[])
    }

    /// Our LNS, then our LAC tunnelling to it.
    pub fn lac_and_lns(&self, max_sessions: usize) -> (DaemonProcess, DaemonProcess) {
        let lns = self.daemon();
        lns.commit(&lns_lines(max_sessions));
        let lac = self.daemon();
        lac.commit(&lac_lines(self.port(), LNS_ADDRESS));
        (lac, lns)
    }

    /// `pppoe-emulator --interface END1 --json ARGS...` inside end 1's namespace.
    pub fn emulator(&self, args: &[&str]) -> EmulatorProcess {
        let mut command = self.pair.command(1, bin_path("pppoe-emulator"));
        command
            .args(["--interface", self.pair.interface(1), "--json"])
            .args(["--user-format", USER_FORMAT])
            .args(args);
        EmulatorProcess::spawn(command)
    }
}

/// A running emulator; killed when dropped (a failing test leaves nothing behind).
pub struct EmulatorProcess {
    child: Option<Child>,
}

impl EmulatorProcess {
    pub fn spawn(mut command: Command) -> EmulatorProcess {
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn pppoe-emulator");
        EmulatorProcess { child: Some(child) }
    }

    /// SIGUSR1: one more round of probes; SIGTERM: a PADT for every session, then exit.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        let child = self.child.as_ref().expect("emulator child");
        let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid"));
        nix::sys::signal::kill(pid, signal).expect("signal the emulator");
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("emulator child").id()
    }

    /// Still running?
    pub fn running(&mut self) -> bool {
        let child = self.child.as_mut().expect("emulator child");
        matches!(child.try_wait(), Ok(None))
    }

    /// Waits (at most `limit`) for the emulator to exit; returns whether it succeeded and its
    /// JSON summary. Panics when it does not exit in time or prints no summary.
    pub fn finish(mut self, limit: Duration) -> (bool, Value) {
        let mut child = self.child.take().expect("emulator child");
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for the emulator") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the emulator did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut output = String::new();
        if let Some(mut stdout) = child.stdout.take() {
            std::io::Read::read_to_string(&mut stdout, &mut output).expect("emulator output");
        }
        let summary = serde_json::from_str(output.trim())
            .unwrap_or_else(|e| panic!("no JSON summary ({e}), exit {status}:\n{output}"));
        (status.success(), summary)
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The rows of `show services l2tp session [extensive] | display json`.
pub fn l2tp_sessions(daemon: &DaemonProcess, extensive: bool) -> Vec<Value> {
    let command = if extensive {
        "show services l2tp session extensive"
    } else {
        "show services l2tp session"
    };
    let json = show_json(daemon, command);
    rows(&json, "service-l2tp-session-information", "l2tp-session")
        .into_iter()
        .cloned()
        .collect()
}

/// Polls `probe` every 50 ms until it returns `Some`, at most `limit`; panics with `what`
/// and the last value seen otherwise.
pub fn wait_for<T, F>(what: &str, limit: Duration, mut probe: F) -> T
where
    F: FnMut() -> Result<T, String>,
{
    let deadline = Instant::now() + limit;
    loop {
        match probe() {
            Ok(value) => return value,
            Err(last) if Instant::now() >= deadline => {
                panic!("{what}: not within {limit:?}; last seen: {last}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Waits until `daemon` shows exactly `count` L2TP sessions in state `established`.
pub fn wait_for_established(daemon: &DaemonProcess, who: &str, count: usize, limit: Duration) {
    wait_for(&format!("{count} sessions at the {who}"), limit, || {
        let sessions = l2tp_sessions(daemon, false);
        let established = sessions
            .iter()
            .filter(|s| crate::ops::leaf(s, "state").as_deref() == Some("established"))
            .count();
        if established == count && sessions.len() == count {
            Ok(())
        } else {
            Err(format!(
                "{} sessions, {established} established",
                sessions.len()
            ))
        }
    })
}
