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

/// The LNS's address pool (inside 198.18.0.0/15), its gateway and service interface.
pub const POOL_NETWORK: &str = "198.18.100.0/24";
pub const POOL_FIRST: &str = "198.18.100.10";
pub const POOL_LAST: &str = "198.18.100.250";
pub const SERVICE_INTERFACE: &str = "si-0/0/0";
/// Its Linux name (a `/` cannot be in one).
pub const SERVICE_DEVICE: &str = "si-0-0-0";

/// Our LNS as `lns_lines`, terminating PPP: a pool the subscribers' addresses come from and
/// the service interface their IP leaves by.
pub fn lns_ip_lines(max_sessions: usize) -> String {
    format!(
        "{}set services l2tp tunnel-group g service-interface {SERVICE_INTERFACE}\n\
         set access address-assignment pool p family inet network {POOL_NETWORK}\n\
         set access address-assignment pool p family inet range r low {POOL_FIRST}\n\
         set access address-assignment pool p family inet range r high {POOL_LAST}\n\
         set access address-assignment pool p family inet dhcp-attributes name-server 198.18.254.53\n",
        lns_lines(max_sessions)
    )
}

/// An "internet" namespace behind end 0's (where the LAC and LNS run): a veth pair between
/// them, 198.18.254.1/30 on end 0's side (which forwards), 198.18.254.2/30 on the host's,
/// and a route back to the subscribers' pool. The kernel there answers pings; a test may
/// run more (a UDP echo server) with [`Internet::run_in`]. Deleted when dropped.
pub struct Internet {
    namespace: String,
}

/// The internet host's address, as the subscribers ping it.
pub const INTERNET_HOST: &str = "198.18.254.2";

impl Internet {
    pub fn attach(lab: &SubscriberLab, tag: &str) -> Internet {
        let pid = std::process::id() % 1_000_000;
        let namespace = format!("{tag}-{pid}-i");
        let (near, far) = (format!("{tag}{pid}i"), format!("{tag}{pid}j"));
        let routers = lab.pair.namespace(0);
        crate::netns::ip(&["netns", "add", &namespace]);
        let internet = Internet { namespace };
        let ns = internet.namespace.as_str();
        crate::netns::ip(&[
            "link", "add", &near, "netns", routers, "type", "veth", "peer", "name", &far, "netns",
            ns,
        ]);
        crate::netns::ip(&[
            "-n",
            routers,
            "addr",
            "add",
            "198.18.254.1/30",
            "dev",
            &near,
        ]);
        crate::netns::ip(&["-n", routers, "link", "set", &near, "up"]);
        crate::netns::ip(&["-n", ns, "addr", "add", "198.18.254.2/30", "dev", &far]);
        crate::netns::ip(&["-n", ns, "link", "set", &far, "up"]);
        crate::netns::ip(&["-n", ns, "link", "set", "lo", "up"]);
        crate::netns::ip(&[
            "-n",
            ns,
            "route",
            "add",
            POOL_NETWORK,
            "via",
            "198.18.254.1",
        ]);
        let status = Command::new("ip")
            .args([
                "netns",
                "exec",
                routers,
                "sysctl",
                "-q",
                "-w",
                "net.ipv4.ip_forward=1",
            ])
            .status()
            .expect("run sysctl");
        assert!(status.success(), "enable forwarding in {routers}");
        internet
    }

    /// Spawns `f` on a thread inside the internet namespace (sockets it makes stay there).
    pub fn spawn_in<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> std::thread::JoinHandle<T> {
        let namespace = format!("/run/netns/{}", self.namespace);
        std::thread::spawn(move || {
            let handle = std::fs::File::open(&namespace).expect("open the namespace");
            nix::sched::setns(&handle, nix::sched::CloneFlags::CLONE_NEWNET).expect("setns");
            f()
        })
    }
}

impl Drop for Internet {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.namespace])
            .status();
    }
}

/// A UDP echo server on the internet host's port 7 for `lifetime` at most (bounded: it
/// stops by itself). Returns how many datagrams it echoed.
pub fn udp_echo_server(internet: &Internet, lifetime: Duration) -> std::thread::JoinHandle<usize> {
    internet.spawn_in(move || {
        let socket = std::net::UdpSocket::bind((INTERNET_HOST, crate::ip_host::ECHO_PORT))
            .expect("bind the echo server");
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("read timeout");
        let deadline = Instant::now() + lifetime;
        let mut echoed = 0;
        let mut buffer = [0u8; 2048];
        while Instant::now() < deadline {
            if let Ok((len, from)) = socket.recv_from(&mut buffer) {
                if socket.send_to(&buffer[..len], from).is_ok() {
                    echoed += 1;
                }
            }
        }
        echoed
    })
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
        self.lac_and_lns_with(&lns_lines(max_sessions))
    }

    /// Our LNS configured with `lns` (e.g. [`lns_ip_lines`]), then our LAC tunnelling to it.
    pub fn lac_and_lns_with(&self, lns: &str) -> (DaemonProcess, DaemonProcess) {
        let lns_daemon = self.daemon();
        lns_daemon.commit(lns);
        let lac = self.daemon();
        lac.commit(&lac_lines(self.port(), LNS_ADDRESS));
        (lac, lns_daemon)
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

/// The count at `path` in an emulator's JSON summary (`["ipcp_up"]`, `["failures",
/// "auth-failed"]`); panics with the summary when it is not there.
pub fn summary_count(summary: &Value, path: &[&str]) -> u64 {
    path.iter()
        .fold(summary, |v, key| &v[*key])
        .as_u64()
        .unwrap_or_else(|| panic!("{path:?} in {summary}"))
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

/// How many of `daemon`'s L2TP sessions have received at least one data message.
pub fn sessions_with_data(daemon: &DaemonProcess) -> usize {
    l2tp_sessions(daemon, true)
        .iter()
        .filter(|s| {
            crate::ops::elements(s, "statistics")
                .first()
                .is_some_and(|c| crate::ops::number(c, "data-rx-packets") > 0)
        })
        .count()
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
