//! xl2tpd (Debian's `xl2tpd` package) as a real third-party L2TP peer for interoperability
//! tests: one instance per [`Xl2tpd`], with its configuration, secrets, PID file and control
//! pipe in a private temporary directory, logging to a file the test reads.
//!
//! xl2tpd forks `/usr/sbin/pppd` for every call, with the call's pty on its stdin and stdout.
//! No test may run the real pppd (on a machine with kernel PPP it would configure an
//! interface on the host), so [`Ppp`] says what answers instead:
//! - [`Ppp::Responder`]: xl2tpd runs in a private mount namespace in which `/usr/sbin` is a
//!   tmpfs holding only `pppd`, a link to our `ppp-responder`; xl2tpd itself is started from
//!   the host's `/usr/sbin`, bind-mounted into the test's directory. Calls stay up and LCP
//!   echoes are answered. The host's `/usr/sbin` is never touched (the mounts exist only in
//!   the namespace, which ends with xl2tpd and its calls), and pppd need not be installed.
//!   The namespace needs root.
//! - [`Ppp::StopAtOnce`]: the real pppd gets an options file with an option it does not
//!   know, stops while reading it before it opens anything, and xl2tpd ends every call with
//!   a CDN a few milliseconds after it came up.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::net::Ipv4Addr;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs the daemon.
const XL2TPD: &str = "/usr/sbin/xl2tpd";
/// xl2tpd reads its control pipe with a plain `read()`: two commands written back to back
/// arrive as one and neither is understood, so writes are spaced by this much.
const CONTROL_PACE: Duration = Duration::from_millis(20);
/// xl2tpd prints this once its UDP socket is bound.
const LISTENING: &str = "Listening on IP address";
/// How long xl2tpd may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(10);
/// The option that makes every pppd stop at once (see the module documentation).
const PPPD_OPTIONS_STOP: &str = "l2tpd-interop-test-no-such-pppd-option\n";
/// ppp-responder reads only the credentials of pppd's options (xl2tpd passes the `[lac]`
/// section's `name` as `name NAME`, and this file as `file PATH`).
const PPPD_OPTIONS_RESPONDER: &str = "# read by ppp-responder, which stands in for pppd\n";
/// util-linux `unshare`, which starts xl2tpd in its own mount namespace.
const UNSHARE: &str = "/usr/bin/unshare";
/// Run by `sh` inside the new mount namespace, with the responder's path, the directory to
/// bind the host's `/usr/sbin` on, then xl2tpd's arguments. `set -e`: a mount that fails
/// stops everything before xl2tpd could run the real pppd.
const NAMESPACE_SCRIPT: &str = r#"set -e
responder=$1
host_sbin=$2
shift 2
mount --bind /usr/sbin "$host_sbin"
mount -t tmpfs -o mode=0755,size=64k ppp-responder /usr/sbin
ln -s "$responder" /usr/sbin/pppd
exec "$host_sbin/xl2tpd" "$@"
"#;

/// What answers when xl2tpd starts pppd for a call (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ppp {
    /// `ppp-responder` in place of pppd: calls stay up and answer LCP echoes.
    Responder,
    /// The real pppd, stopped at once by its options file: every call is cleared.
    StopAtOnce,
}

impl Ppp {
    /// The responder where it can run; elsewhere (not root), the stopping pppd, after
    /// saying why on stderr. In CI (`CI=true`) the responder must run: panics if it cannot.
    pub fn best_available() -> Ppp {
        match responder_unavailable() {
            None => Ppp::Responder,
            Some(why) if std::env::var("CI").as_deref() == Ok("true") => {
                panic!("CI must run xl2tpd with ppp-responder: {why}")
            }
            Some(why) => {
                eprintln!("xl2tpd calls are cleared at once here: {why}");
                Ppp::StopAtOnce
            }
        }
    }
}

/// Why [`Ppp::Responder`] cannot be used here, or `None` when it can.
pub fn responder_unavailable() -> Option<String> {
    if !nix::unistd::geteuid().is_root() {
        return Some(
            "ppp-responder replaces pppd inside a private mount namespace, which needs root".into(),
        );
    }
    if !Path::new(UNSHARE).exists() {
        return Some(format!(
            "{UNSHARE} is not installed (Debian package util-linux)"
        ));
    }
    None
}

/// Which end xl2tpd plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// `[lns default]`: answers any LAC.
    Lns,
    /// `[lac NAME]` dialling `lns` (port 1701) when told `c NAME` on the control pipe.
    Lac { name: String, lns: Ipv4Addr },
}

/// One xl2tpd instance's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xl2tpdConfig {
    /// `listen-addr`; xl2tpd always uses UDP port 1701.
    pub listen: Ipv4Addr,
    /// The Host Name AVP it sends (our LNS looks its LAC clients up by it).
    pub hostname: String,
    /// The tunnel secret, for any peer; `None` runs without tunnel authentication.
    pub secret: Option<String>,
    pub role: Role,
    pub ppp: Ppp,
    /// The secret ppp-responder authenticates with (`password` in pppd's options file);
    /// `None`: its default, `responder`. The user is the `[lac]` section's name.
    pub ppp_password: Option<String>,
}

impl Xl2tpdConfig {
    /// The `xl2tpd.conf` text for a state directory `dir`.
    fn render(&self, dir: &Path) -> String {
        let mut conf = format!(
            "[global]\n\
             listen-addr = {}\n\
             port = 1701\n\
             access control = no\n\
             auth file = {}\n\
             ; with kernel L2TP, pppd would get a PPPoL2TP socket instead of the pty\n\
             force userspace = yes\n\
             ; the tests read these lines to see how far a tunnel or a call got\n\
             debug tunnel = yes\n\
             debug state = yes\n",
            self.listen,
            dir.join("l2tp-secrets").display()
        );
        match &self.role {
            Role::Lns => conf.push_str(
                "[lns default]\n\
                 ; only handed to pppd, which never configures them: see the module documentation\n\
                 ip range = 198.18.100.10-198.18.100.50\n\
                 local ip = 198.18.100.1\n",
            ),
            Role::Lac { name, lns } => conf.push_str(&format!(
                "[lac {name}]\n\
                 lns = {lns}\n\
                 name = {name}\n\
                 autodial = no\n\
                 redial = no\n"
            )),
        }
        let challenge = if self.secret.is_some() { "yes" } else { "no" };
        conf.push_str(&format!(
            "hostname = {}\n\
             challenge = {challenge}\n\
             require authentication = no\n\
             length bit = yes\n\
             pppoptfile = {}\n",
            self.hostname,
            dir.join("options.ppp").display()
        ));
        conf
    }

    /// The pppd options file (`pppoptfile`) text.
    fn pppd_options(&self) -> String {
        match (self.ppp, &self.ppp_password) {
            (Ppp::Responder, Some(password)) => {
                format!("{PPPD_OPTIONS_RESPONDER}password \"{password}\"\n")
            }
            (Ppp::Responder, None) => PPPD_OPTIONS_RESPONDER.to_string(),
            (Ppp::StopAtOnce, _) => PPPD_OPTIONS_STOP.to_string(),
        }
    }
}

/// False (and why, on stderr) when xl2tpd is missing outside CI; in CI it must be there.
pub fn present_or_skip() -> bool {
    match unavailable() {
        None => true,
        Some(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI must run the xl2tpd tests: {why}")
        }
        Some(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

/// Why xl2tpd cannot be used here, or `None` when it can.
pub fn unavailable() -> Option<String> {
    if Path::new(XL2TPD).exists() {
        None
    } else {
        Some(format!("{XL2TPD} is not installed (Debian package xl2tpd)"))
    }
}

/// A running xl2tpd; stopped and its directory removed when dropped.
pub struct Xl2tpd {
    child: Option<Child>,
    dir: tempfile::TempDir,
    last_command: Option<Instant>,
}

impl Xl2tpd {
    /// Writes the configuration and starts `xl2tpd -D` on it; returns once it listens.
    /// Panics (the test fails) when it cannot start.
    pub fn start(config: &Xl2tpdConfig) -> Xl2tpd {
        Self::start_wrapped(config, &[])
    }

    /// As [`Xl2tpd::start`], with the command line prefixed by `wrapper`: `ip netns exec NS`
    /// runs xl2tpd (and the calls' responders) inside that network namespace. Every step
    /// execs the next, so the child's PID is still xl2tpd's.
    pub fn start_wrapped(config: &Xl2tpdConfig, wrapper: &[&str]) -> Xl2tpd {
        let dir = tempfile::Builder::new()
            .prefix("xl2tpd-test-")
            .tempdir()
            .expect("temp dir");
        let path = dir.path();
        std::fs::write(path.join("xl2tpd.conf"), config.render(path)).expect("write xl2tpd.conf");
        // `them us secret`: the same secret whichever host names the two ends use.
        let secrets = config
            .secret
            .as_ref()
            .map(|s| format!("* * {s}\n"))
            .unwrap_or_default();
        let secrets_path = path.join("l2tp-secrets");
        std::fs::write(&secrets_path, secrets).expect("write l2tp-secrets");
        std::fs::set_permissions(&secrets_path, std::fs::Permissions::from_mode(0o600))
            .expect("chmod l2tp-secrets");
        std::fs::write(path.join("options.ppp"), config.pppd_options()).expect("write options.ppp");
        let log = File::create(path.join("xl2tpd.log")).expect("create xl2tpd.log");
        let wrapped = |program: &str| match wrapper.split_first() {
            Some((first, rest)) => {
                let mut command = Command::new(first);
                command.args(rest).arg(program);
                command
            }
            None => Command::new(program),
        };
        let mut command = match config.ppp {
            Ppp::Responder => {
                let host_sbin = path.join("host-sbin");
                std::fs::create_dir(&host_sbin).expect("create host-sbin");
                let mut command = wrapped(UNSHARE);
                command
                    .args(["--mount", "--propagation", "private", "--"])
                    .args(["/bin/sh", "-c", NAMESPACE_SCRIPT, "xl2tpd-namespace"])
                    .arg(crate::bin_path("ppp-responder"))
                    .arg(host_sbin);
                command
            }
            Ppp::StopAtOnce => wrapped(XL2TPD),
        };
        // `unshare` and `sh` exec in turn, so the child's PID is xl2tpd's: signals reach it.
        let child = command
            .arg("-D")
            .arg("-c")
            .arg(path.join("xl2tpd.conf"))
            .arg("-p")
            .arg(path.join("xl2tpd.pid"))
            .arg("-C")
            .arg(path.join("l2tp-control"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("spawn xl2tpd");
        let mut x = Xl2tpd {
            child: Some(child),
            dir,
            last_command: None,
        };
        if let Err(e) = x.wait_for(LISTENING, START_TIMEOUT) {
            panic!("xl2tpd did not start: {e}");
        }
        x
    }

    /// The directory holding its configuration and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Everything xl2tpd (and the pppd or ppp-responder it forked) printed so far.
    pub fn log(&self) -> String {
        let bytes = std::fs::read(self.dir.path().join("xl2tpd.log")).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// How many log lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.log().lines().filter(|l| l.contains(needle)).count()
    }

    /// Polls the log until a line contains `needle`; returns that line, or the whole log
    /// in the error when `timeout` passes or xl2tpd exits first.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let log = self.log();
            if let Some(line) = log.lines().find(|l| l.contains(needle)) {
                return Ok(line.to_string());
            }
            if let Some(status) = self.exited() {
                return Err(format!(
                    "xl2tpd exited ({status}) before logging {needle:?}:\n{log}"
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "no {needle:?} from xl2tpd within {timeout:?}:\n{log}"
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Its exit status, once it has exited.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Writes one command (`c NAME`, `d NAME`, ...) to its control pipe, at least
    /// `CONTROL_PACE` after the previous one.
    pub fn command(&mut self, line: &str) -> Result<(), String> {
        if let Some(last) = self.last_command {
            let due = last + CONTROL_PACE;
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
        }
        let pipe = self.dir.path().join("l2tp-control");
        // Non-blocking: with no reader (xl2tpd gone) the open fails with ENXIO instead of
        // hanging the test.
        let mut control = OpenOptions::new()
            .write(true)
            .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
            .open(&pipe)
            .map_err(|e| format!("cannot open {}: {e}", pipe.display()))?;
        control
            .write_all(format!("{line}\n").as_bytes())
            .map_err(|e| format!("cannot write to {}: {e}", pipe.display()))?;
        self.last_command = Some(Instant::now());
        Ok(())
    }

    fn pid_path(&self) -> PathBuf {
        self.dir.path().join("xl2tpd.pid")
    }
}

impl Drop for Xl2tpd {
    /// SIGTERM ends xl2tpd (SIGKILL if it does not stop in time); its exit closes the
    /// calls' ptys, on which each ppp-responder exits too.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child);
        }
        let _ = std::fs::remove_file(self.pid_path());
        // The host's `/usr/sbin` is bound on `host-sbin` only inside xl2tpd's namespace,
        // so here it is an empty directory. Should it not be (the mount leaked out of the
        // namespace), the directory must not be removed recursively: that would empty the
        // host's `/usr/sbin`.
        let host_sbin = self.dir.path().join("host-sbin");
        if host_sbin.exists() && std::fs::remove_dir(&host_sbin).is_err() {
            eprintln!(
                "{} is not empty: left in place with its directory",
                host_sbin.display()
            );
            self.dir.disable_cleanup(true);
        }
    }
}

fn stop(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lac_configuration_dials_our_lns_with_a_challenge() {
        let config = Xl2tpdConfig {
            listen: "127.0.1.1".parse().expect("address"),
            hostname: "xl-lac".into(),
            secret: Some("s3cret".into()),
            role: Role::Lac {
                name: "ours".into(),
                lns: "127.0.1.2".parse().expect("address"),
            },
            ppp: Ppp::Responder,
            ppp_password: None,
        };
        let conf = config.render(Path::new("/d"));
        assert!(conf.contains("listen-addr = 127.0.1.1\n"), "{conf}");
        assert!(conf.contains("force userspace = yes\n"), "{conf}");
        assert!(conf.contains("auth file = /d/l2tp-secrets\n"), "{conf}");
        assert!(conf.contains("[lac ours]\nlns = 127.0.1.2\n"), "{conf}");
        assert!(
            conf.contains("hostname = xl-lac\nchallenge = yes\n"),
            "{conf}"
        );
        assert!(conf.contains("pppoptfile = /d/options.ppp\n"), "{conf}");
        assert!(!conf.contains("[lns"), "{conf}");
        assert!(!config.pppd_options().contains("password"));
        let config = Xl2tpdConfig {
            ppp_password: Some("wrong secret".into()),
            ..config
        };
        assert!(
            config
                .pppd_options()
                .ends_with("\npassword \"wrong secret\"\n"),
            "{}",
            config.pppd_options()
        );
    }

    #[test]
    fn lns_configuration_without_secret_has_no_challenge() {
        let config = Xl2tpdConfig {
            listen: "127.0.1.2".parse().expect("address"),
            hostname: "xl-lns".into(),
            secret: None,
            role: Role::Lns,
            ppp: Ppp::StopAtOnce,
            ppp_password: Some("not used".into()),
        };
        let conf = config.render(Path::new("/d"));
        assert!(conf.contains("[lns default]\n"), "{conf}");
        assert!(conf.contains("challenge = no\n"), "{conf}");
        assert!(!conf.contains("[lac"), "{conf}");
        // The real pppd stops on its options file: no password is written for it.
        assert_eq!(config.pppd_options(), PPPD_OPTIONS_STOP);
    }
}
