//! net-snmp as the tests and the bench use it: its command-line pollers with only the
//! project's MIB directories loaded (so names resolve and nothing else is read), and snmpd
//! started as an AgentX master on a private configuration.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The project's MIB directories, as `-M` wants them.
pub fn mib_dirs() -> String {
    let mibs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mibs");
    format!("{}:{}", mibs.display(), mibs.join("ietf-subset").display())
}

/// Whether net-snmp's tools are installed. Outside CI a missing tool skips the test with
/// the reason printed; in CI (`CI` set) it fails it, since CI installs them.
pub fn available(tools: &[&str]) -> bool {
    for tool in tools {
        // snmpd's -V means verbose (it would start an agent on UDP 161 and leave it
        // running); its version flag is -v. The pollers' is -V.
        let version = if *tool == "snmpd" { "-v" } else { "-V" };
        let found = Command::new(tool)
            .arg(version)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !found {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have {tool} (Debian packages snmp and snmpd; scripts/test installs them)"
            );
            eprintln!("skipped: {tool} is not installed (Debian packages snmp and snmpd)");
            return false;
        }
    }
    true
}

/// Runs `tool` (snmpget, snmpwalk, snmpbulkwalk…) as SNMPv2c with community `public`
/// against `agent` (`ADDRESS:PORT`), with `args` after the options.
pub fn run(tool: &str, agent: &str, options: &[&str], args: &[&str]) -> Output {
    run_wrapped(&[], tool, agent, options, args)
}

/// [`run`] as `WRAPPER... TOOL ...`: `ip netns exec NS` polls an agent inside a namespace.
pub fn run_wrapped(
    wrapper: &[&str],
    tool: &str,
    agent: &str,
    options: &[&str],
    args: &[&str],
) -> Output {
    let state = std::env::temp_dir().join("l2tpd-tests-net-snmp");
    // net-snmp announces on stderr each state directory it has to create.
    let _ = std::fs::create_dir_all(state.join("cert_indexes"));
    let mut command = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(tool);
            c
        }
        None => Command::new(tool),
    };
    command
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .env("SNMPCONFPATH", &state)
        .env("SNMP_PERSISTENT_DIR", &state)
        .args([
            "-M",
            &mib_dirs(),
            "-m",
            "JNX-L2TP-MIB",
            "-v2c",
            "-c",
            "public",
        ])
        .args(["-r", "1", "-t", "5"])
        .args(options)
        .arg(agent)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"))
}

/// The `NAME = VALUE` lines of a tool's output, names without the `JNX-L2TP-MIB::` prefix.
pub fn lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("JNX-L2TP-MIB::"))
        .map(String::from)
        .collect()
}

/// snmpd as an AgentX master on `agentx_socket`, answering SNMP on `udp:ADDRESS:PORT`.
/// Killed on drop.
pub struct Snmpd {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Snmpd {
    pub fn start(address: &str, port: u16, agentx_socket: &Path) -> Snmpd {
        Self::start_without(address, port, agentx_socket, &[])
    }

    /// [`Snmpd::start`] without snmpd's own MIB modules `modules` (`-I -M1,M2`): leaves
    /// their subtrees to a subagent.
    pub fn start_without(
        address: &str,
        port: u16,
        agentx_socket: &Path,
        modules: &[&str],
    ) -> Snmpd {
        // A socket left by an earlier snmpd would pass for this one's.
        let _ = std::fs::remove_file(agentx_socket);
        let dir = tempfile::tempdir().expect("temp dir");
        let conf = dir.path().join("snmpd.conf");
        std::fs::write(
            &conf,
            format!(
                "master agentx\n\
                 agentXSocket {}\n\
                 agentaddress udp:{address}:{port}\n\
                 rocommunity public 127.0.0.0/8\n",
                agentx_socket.display()
            ),
        )
        .expect("write snmpd.conf");
        let child = Command::new("snmpd")
            .env("MIBDIRS", mib_dirs())
            .env("MIBS", "JNX-L2TP-MIB")
            .env("SNMP_PERSISTENT_DIR", dir.path())
            .args(["-f", "-Lo", "-C", "-c"])
            .arg(&conf)
            .args(if modules.is_empty() {
                Vec::new()
            } else {
                vec!["-I".to_string(), format!("-{}", modules.join(","))]
            })
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start snmpd");
        let snmpd = Snmpd { child, _dir: dir };
        // Ready when the AgentX socket exists (snmpd creates it once configured).
        let deadline = Instant::now() + Duration::from_secs(10);
        while !agentx_socket.exists() {
            assert!(
                Instant::now() < deadline,
                "snmpd did not open {}",
                agentx_socket.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        snmpd
    }
}

impl Drop for Snmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Processes whose command line is exactly `words`.
    fn running(words: &[&str]) -> Vec<u32> {
        let wanted: Vec<u8> = words
            .iter()
            .flat_map(|w| [w.as_bytes(), b"\0"].concat())
            .collect();
        std::fs::read_dir("/proc")
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                    .filter(|pid| {
                        std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == wanted)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `snmpd -V` is snmpd's "verbose", not "version": it starts an agent on UDP 161 of
    /// every address, and it stays after the test.
    #[test]
    fn looking_for_snmpd_starts_no_snmpd() {
        // Only agents this look-up started count: another program may run one of its own.
        let before = running(&["snmpd", "-V"]);
        if !available(&["snmpd"]) {
            return;
        }
        let started: Vec<u32> = running(&["snmpd", "-V"])
            .into_iter()
            .filter(|pid| !before.contains(pid))
            .collect();
        assert_eq!(started, Vec::<u32>::new());
    }
}
