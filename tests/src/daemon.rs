//! Starting, killing and restarting `l2tpd` processes for tests.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Path of a workspace binary next to the running test (`target/<profile>/NAME`).
/// `scripts/test` builds the binaries before it runs the tests.
pub fn bin_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("current test executable");
    let mut dir = exe
        .parent()
        .expect("test executable directory")
        .to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is missing: build the workspace binaries first (`cargo build --bins`, as scripts/test does)",
        path.display()
    );
    path
}

/// What a command printed, stdout then stderr, as one text for assertions.
/// True when the test may go on: it runs as root. Outside CI a test that needs root skips,
/// saying why; CI runs as root, so a skip there is a failure.
pub fn running_as_root(test: &str, why: &str) -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI runs as root; {test} must not skip there"
    );
    eprintln!("skipping {test}: needs root {why}");
    false
}

pub fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A running `l2tpd` with its own state directory; killed when dropped.
pub struct DaemonProcess {
    child: Option<Child>,
    state_dir: PathBuf,
    /// The prompt host name until `system host-name` is configured.
    host_name: String,
    /// Fixes the daemon's random choices (Tunnel IDs, challenges) so transcripts can name IDs.
    random_seed: Option<u64>,
    /// What the daemon's command line starts with (`ip netns exec NS`: the daemon runs in
    /// that network namespace); empty runs `l2tpd` itself.
    wrapper: Vec<OsString>,
    /// Arguments after the usual ones (`--access-link NAME=PATH`).
    extra_args: Vec<OsString>,
    _temp: Option<tempfile::TempDir>,
}

impl DaemonProcess {
    /// Starts a daemon on a fresh temporary state directory.
    pub fn start() -> DaemonProcess {
        Self::start_named("router", None)
    }

    /// Starts a daemon whose prompt reads `root@HOST_NAME`, with its random choices fixed by
    /// `random_seed` when given.
    pub fn start_named(host_name: &str, random_seed: Option<u64>) -> DaemonProcess {
        Self::start_fresh(host_name, random_seed, &[], &[])
    }

    /// Starts a daemon on `state_dir`, which the caller owns (a file system of its own).
    pub fn start_in(state_dir: &Path) -> DaemonProcess {
        let mut d = DaemonProcess {
            child: None,
            state_dir: state_dir.to_path_buf(),
            host_name: "router".to_string(),
            random_seed: None,
            wrapper: Vec::new(),
            extra_args: Vec::new(),
            _temp: None,
        };
        d.restart();
        d
    }

    /// As `start_named`, with more command-line arguments (`--access-link NAME=PATH`).
    pub fn start_with_args(host_name: &str, args: &[&str]) -> DaemonProcess {
        Self::start_fresh(host_name, None, &[], args)
    }

    /// Starts a daemon on a fresh temporary state directory whose command line is
    /// `WRAPPER... l2tpd --state-dir ... EXTRA_ARGS...`: `ip netns exec NS` runs it inside a
    /// network namespace (`ip` execs the daemon, so the pid stays the daemon's).
    pub fn start_wrapped(wrapper: &[&str], extra_args: &[&str]) -> DaemonProcess {
        Self::start_fresh("router", None, wrapper, extra_args)
    }

    /// A daemon on a fresh temporary state directory, `WRAPPER... l2tpd ... EXTRA_ARGS...`.
    fn start_fresh(
        host_name: &str,
        random_seed: Option<u64>,
        wrapper: &[&str],
        extra_args: &[&str],
    ) -> DaemonProcess {
        let temp = tempfile::Builder::new()
            .prefix("l2tpd-test-")
            .tempdir()
            .expect("temp dir");
        let mut d = DaemonProcess {
            child: None,
            state_dir: temp.path().to_path_buf(),
            host_name: host_name.to_string(),
            random_seed,
            wrapper: wrapper.iter().map(OsString::from).collect(),
            extra_args: extra_args.iter().map(OsString::from).collect(),
            _temp: Some(temp),
        };
        d.restart();
        d
    }

    /// Starts (or starts again) the daemon on the same state directory and waits until its
    /// socket answers.
    pub fn restart(&mut self) {
        self.kill9();
        let mut command = match self.wrapper.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(bin_path("l2tpd"));
                command
            }
            None => Command::new(bin_path("l2tpd")),
        };
        command
            .arg("--state-dir")
            .arg(&self.state_dir)
            .arg("--log")
            .arg("warn")
            // Prompts read `root@router` on every machine, so transcripts are portable.
            .arg("--default-host-name")
            .arg(&self.host_name)
            // Tests keep their events in the state directory's `messages`, out of the host's
            // syslog.
            .env("L2TPD_SYSLOG_SOCKET", "none");
        if let Some(seed) = self.random_seed {
            command.arg("--random-seed").arg(seed.to_string());
        }
        command.args(&self.extra_args);
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn l2tpd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if std::os::unix::net::UnixStream::connect(self.socket()).is_ok() {
                return;
            }
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("l2tpd exited during start: {status}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("l2tpd did not open {} within 20 s", self.socket().display());
    }

    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    pub fn socket(&self) -> PathBuf {
        l2tpd::daemon::socket_path(&self.state_dir)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// `None` while the daemon runs; its exit status once it has exited (a crash shows here).
    pub fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// SIGTERM, then the exit status once the daemon is gone (waits at most 10 s).
    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).ok()?);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        child.wait().ok()
    }

    /// SIGKILL: no chance to flush anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Commits `lines` (set, delete, ...) with a `cli -f` script, as an operator would;
    /// panics with the shell's output if the commit does not complete (tests only).
    pub fn commit(&self, lines: &str) {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = dir.path().join("commit.txt");
        std::fs::write(&script, format!("configure\n{lines}commit and-quit\n"))
            .expect("write script");
        let out = self.cli(&["-f", script.to_str().expect("utf-8 path")], "");
        assert!(
            out.status.success(),
            "commit failed:\n{}",
            output_text(&out)
        );
        assert!(
            output_text(&out).contains("commit complete"),
            "{}",
            output_text(&out)
        );
    }

    /// `cli --socket SOCKET -c COMMAND`.
    pub fn run(&self, command: &str) -> Output {
        Command::new(bin_path("cli"))
            .arg("--socket")
            .arg(self.socket())
            .arg("-c")
            .arg(command)
            .output()
            .expect("run cli -c")
    }

    /// Runs `cli --state-dir DIR ARGS...` with `stdin` piped in.
    pub fn cli(&self, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(bin_path("cli"))
            .arg("--state-dir")
            .arg(&self.state_dir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cli");
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes()).expect("write cli stdin");
        }
        child.wait_with_output().expect("cli output")
    }
}

impl Drop for DaemonProcess {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // A clean stop first, so the socket file is removed; then make sure.
            if let Ok(pid) = i32::try_from(c.id()) {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGTERM,
                );
            }
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = c.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
