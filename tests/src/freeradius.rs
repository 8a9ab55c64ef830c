//! FreeRADIUS (Debian's `freeradius` 3.2 package) as the real RADIUS server of the AAA tests:
//! one `freeradius -X` per [`FreeRadius`], on a private copy of `/etc/freeradius/3.0` in a
//! temporary directory, listening on loopback ports picked for it, with a `detail` log of
//! every Access-Request and Accounting-Request it received for the test to read.
//!
//! The edits are those of `shared/reference/peers-and-interop.md` §5.2: `raddbdir` (without
//! it `${confdir}` still reads `/etc`), `logdir` and `run_dir` in the copy, `proxy_requests
//! = no` (a proxy socket would bind the wildcard address), listeners on 127.0.0.1 in the
//! `default` virtual server (never `-i`/`-p` on the command line: that listener has no
//! virtual server and every request fails with `No Auth-Type found`), the `inner-tunnel`
//! port moved off 18120. The server runs as the user that starts it (the copy's `user` and
//! `group` are removed), so that it can write into the test's directory.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs the daemon and its configuration.
const FREERADIUS: &str = "/usr/sbin/freeradius";
const RADDB: &str = "/etc/freeradius/3.0";
/// `freeradius -X` prints this once every listener is open.
const READY: &str = "Ready to process requests";
/// How long the server may take to start or to reload.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// Names of the detail modules this harness adds (`mods-enabled/l2tpd_test_detail`).
const AUTH_DETAIL_MODULE: &str = "l2tpd_test_auth_detail";
const ACCT_DETAIL_MODULE: &str = "l2tpd_test_acct_detail";

/// Why a test did not run: printed, and the test returns early. Only outside CI (in CI,
/// `CI` set, a missing FreeRADIUS is a failure: scripts/test installs it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip(pub String);

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "skipped: {}", self.0)
    }
}

/// What the server is started with besides its users file.
#[derive(Debug, Clone)]
pub struct Options {
    /// The shared secret of the one client, 127.0.0.0/8.
    pub secret: String,
    /// The address it listens on.
    pub address: std::net::Ipv4Addr,
    /// Its authentication and accounting ports; free ones when `None`. (A second server on
    /// another loopback address can take the first one's ports, as a second server of a
    /// router's list usually has.)
    pub ports: Option<[u16; 2]>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            secret: "testing123".into(),
            address: std::net::Ipv4Addr::LOCALHOST,
            ports: None,
        }
    }
}

/// The kind of request [`FreeRadius::radclient`] sends (radclient's command word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    Auth,
    Acct,
    Status,
    Disconnect,
    Coa,
}

impl RequestKind {
    fn word(self) -> &'static str {
        match self {
            RequestKind::Auth => "auth",
            RequestKind::Acct => "acct",
            RequestKind::Status => "status",
            RequestKind::Disconnect => "disconnect",
            RequestKind::Coa => "coa",
        }
    }
}

/// A running `freeradius -X` on its own configuration; killed on drop.
pub struct FreeRadius {
    child: Child,
    auth_port: u16,
    acct_port: u16,
    secret: String,
    log: PathBuf,
    /// The modification time last given to the users file (see `reload_users`).
    users_mtime: std::time::SystemTime,
    /// When the modules were last (re)loaded (see `reload`).
    modules_loaded: Instant,
    dir: tempfile::TempDir,
}

impl FreeRadius {
    /// Copies the system configuration, applies the edits, puts `users` at the top of
    /// `mods-config/files/authorize` and starts the server; returns once it is ready.
    /// `Err(Skip)` when FreeRADIUS is not installed or its configuration is not readable
    /// (outside CI only: in CI that panics).
    /// Any other failure panics with the server's log.
    pub fn start(users: &str, options: Options) -> Result<FreeRadius, Skip> {
        if !Path::new(FREERADIUS).exists() || !Path::new(RADDB).is_dir() {
            return Err(skip(
                "freeradius is not installed (Debian packages freeradius and freeradius-utils; \
                 scripts/test installs them)",
            ));
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let raddb = dir.path().join("raddb");
        let copied = Command::new("cp")
            .arg("-a")
            .arg(RADDB)
            .arg(&raddb)
            .output()
            .expect("run cp");
        if !copied.status.success() {
            // The EAP certificates and keys are readable by root and freerad only.
            return Err(skip(&format!(
                "cannot copy {RADDB} (run as root or as freerad): {}",
                String::from_utf8_lossy(&copied.stderr).trim()
            )));
        }
        for sub in ["log", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("log and run directories");
        }
        let [free_auth, free_acct, inner_port] = free_udp_ports();
        let [auth_port, acct_port] = options.ports.unwrap_or([free_auth, free_acct]);
        configure(
            &raddb,
            dir.path(),
            options.address,
            [auth_port, acct_port, inner_port],
        );
        write_clients(&raddb, &options.secret);
        write_users(&raddb, users);

        let log = dir.path().join("freeradius.log");
        let out = std::fs::File::create(&log).expect("create the log");
        let err = out.try_clone().expect("log handle");
        let child = Command::new(FREERADIUS)
            .arg("-X")
            .arg("-d")
            .arg(&raddb)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .expect("start freeradius");
        let mut server = FreeRadius {
            child,
            auth_port,
            acct_port,
            secret: options.secret,
            log,
            users_mtime: std::time::SystemTime::now(),
            modules_loaded: Instant::now(),
            dir,
        };
        server.wait_for_log(READY, 0);
        server.modules_loaded = Instant::now();
        Ok(server)
    }

    pub fn auth_port(&self) -> u16 {
        self.auth_port
    }

    pub fn acct_port(&self) -> u16 {
        self.acct_port
    }

    /// The server's process (benchmarks read its CPU time from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The server's `-X` output so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The detail log of the Access-Requests received (attributes as FreeRADIUS prints them,
    /// one `Attr = value` per line, a blank line between requests). Empty before the first.
    pub fn auth_detail(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("auth-detail")).unwrap_or_default()
    }

    /// The detail log of the Accounting-Requests received.
    pub fn acct_detail(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("acct-detail")).unwrap_or_default()
    }

    /// Replaces the users file and makes the server read it again (SIGHUP); returns once it
    /// has.
    pub fn reload_users(&mut self, users: &str) {
        let path = write_users(&self.dir.path().join("raddb"), users);
        // FreeRADIUS rereads a file on HUP only if its modification time (in seconds)
        // changed since it read it: a file rewritten within the same second would be
        // ignored, so each version gets a time of its own, later than the last.
        let at = (std::time::SystemTime::now() + Duration::from_secs(2))
            .max(self.users_mtime + Duration::from_secs(2));
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(at))
            .expect("set the users file's time");
        self.users_mtime = at;
        self.reload();
    }

    /// SIGHUP: the server reads the files of its modules that changed (the users file)
    /// again. Returns once it is ready again.
    pub fn reload(&mut self) {
        // A module loaded or reloaded within 2 s (whole seconds) ignores a HUP (FreeRADIUS 3's
        // module_hup_module), and nothing in the log says so: wait that out.
        let quiet_until = self.modules_loaded + Duration::from_millis(3100);
        if let Some(wait) = quiet_until.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let from = self.log().len();
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGHUP).expect("SIGHUP");
        self.wait_for_log("Received HUP signal", from);
        let hup = from
            + self
                .log()
                .get(from..)
                .and_then(|l| l.find("Received HUP"))
                .unwrap_or(0);
        self.wait_for_log(READY, hup);
        self.modules_loaded = Instant::now();
    }

    /// Runs `radclient -x 127.0.0.1:PORT KIND SECRET` with `attributes` (radclient's text:
    /// `User-Name = "u", User-Password = "p"`) and returns what it printed (stdout, then
    /// stderr). For an Access-Request to this server use `auth_port()`; for a Disconnect or
    /// CoA to the router, the router's port (the secret is this server's client secret).
    pub fn radclient(&self, port: u16, kind: RequestKind, attributes: &str) -> String {
        radclient(port, kind, &self.secret, attributes)
    }

    /// Waits until the log, from byte `from` on, contains `text`; panics with the log if the
    /// server ends or the time runs out.
    fn wait_for_log(&mut self, text: &str, from: usize) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let log = self.log();
            if log.get(from..).is_some_and(|l| l.contains(text)) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("freeradius ended ({status}) before '{text}':\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "freeradius did not say '{text}' within {START_TIMEOUT:?}:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for FreeRadius {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test that cannot run here: printed, or in CI (`CI` set) a failure.
fn skip(why: &str) -> Skip {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run FreeRADIUS: {why}"
    );
    let skip = Skip(why.to_string());
    eprintln!("{skip}");
    skip
}

/// `radclient` against 127.0.0.1:`port`, returning stdout then stderr. One try, 3 s.
pub fn radclient(port: u16, kind: RequestKind, secret: &str, attributes: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("radclient")
        .args(["-x", "-r", "1", "-t", "3"])
        .arg(format!("127.0.0.1:{port}"))
        .arg(kind.word())
        .arg(secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run radclient (Debian package freeradius-utils)");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(attributes.as_bytes())
            .expect("write radclient's input");
    }
    let output = child.wait_with_output().expect("radclient output");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Three distinct free UDP ports on 127.0.0.1 (held together while they are picked, so they
/// differ; another process may still take one before the server binds it).
fn free_udp_ports() -> [u16; 3] {
    let sockets: Vec<UdpSocket> = (0..3)
        .map(|_| UdpSocket::bind("127.0.0.1:0").expect("bind a free port"))
        .collect();
    let port = |i: usize| sockets[i].local_addr().expect("local address").port();
    [port(0), port(1), port(2)]
}

/// The edits of radiusd.conf, the default and inner-tunnel virtual servers, and the detail
/// modules.
fn configure(raddb: &Path, dir: &Path, address: std::net::Ipv4Addr, [auth, acct, inner]: [u16; 3]) {
    edit(&raddb.join("radiusd.conf"), |text| {
        text.lines()
            .filter_map(|line| {
                let key = line.split('=').next().unwrap_or("").trim();
                Some(match key {
                    "raddbdir" => format!("raddbdir = {}", raddb.display()),
                    "logdir" => format!("logdir = {}", dir.join("log").display()),
                    "run_dir" => format!("run_dir = {}", dir.join("run").display()),
                    "proxy_requests" => "proxy_requests = no".into(),
                    // Run as whoever starts the test, who owns the directory.
                    "user" | "group" if line.starts_with('\t') => return None,
                    _ => line.to_string(),
                })
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    edit(&raddb.join("sites-available/default"), |text| {
        let listeners = format!(
            "listen {{\n\ttype = auth\n\tipaddr = {address}\n\tport = {auth}\n}}\n\
             listen {{\n\ttype = acct\n\tipaddr = {address}\n\tport = {acct}\n}}\n"
        );
        let text = replace_listen_blocks(text, &listeners);
        // The detail logs come first, so a request is logged whatever the rest decides.
        let text = text.replacen(
            "\nauthorize {\n",
            &format!("\nauthorize {{\n\t{AUTH_DETAIL_MODULE}\n"),
            1,
        );
        text.replacen(
            "\naccounting {\n",
            &format!("\naccounting {{\n\t{ACCT_DETAIL_MODULE}\n"),
            1,
        )
    });
    edit(&raddb.join("sites-available/inner-tunnel"), |text| {
        text.replace("port = 18120", &format!("port = {inner}"))
    });
    let module = |name: &str, file: &str| {
        format!(
            "detail {name} {{\n\tfilename = {}\n\tescape_filenames = no\n\tpermissions = 0600\n\
             \theader = \"%t\"\n}}\n",
            dir.join(file).display()
        )
    };
    std::fs::write(
        raddb.join("mods-enabled/l2tpd_test_detail"),
        module(AUTH_DETAIL_MODULE, "auth-detail") + &module(ACCT_DETAIL_MODULE, "acct-detail"),
    )
    .expect("write the detail modules");
}

/// `text` with every top-level `listen { ... }` block removed and `listeners` in place of the
/// first.
fn replace_listen_blocks(text: &str, listeners: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let mut replaced = false;
    for line in text.lines() {
        if !inside && line == "listen {" {
            inside = true;
            if !replaced {
                out.push_str(listeners);
                replaced = true;
            }
            continue;
        }
        if inside {
            inside = line != "}";
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    assert!(replaced, "sites-available/default has no listen block");
    out
}

/// One client, the whole loopback network, with the test's secret. The stock clients go.
fn write_clients(raddb: &Path, secret: &str) {
    std::fs::write(
        raddb.join("clients.conf"),
        format!(
            "client l2tpd-tests {{\n\tipaddr = 127.0.0.0/8\n\tproto = *\n\tsecret = \"{secret}\"\n\
             \trequire_message_authenticator = no\n\tnas_type = other\n}}\n"
        ),
    )
    .expect("write clients.conf");
}

/// `users` on top of the stock `mods-config/files/authorize` (the stock entries after it
/// still apply to users it does not name).
fn write_users(raddb: &Path, users: &str) -> PathBuf {
    let path = raddb.join("mods-config/files/authorize");
    let stock = std::fs::read_to_string(format!("{RADDB}/mods-config/files/authorize"))
        .expect("read the stock users file");
    std::fs::write(&path, format!("{users}\n\n{stock}")).expect("write the users file");
    path
}

fn edit(path: &Path, change: impl FnOnce(&str) -> String) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    std::fs::write(path, change(&text)).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_blocks_are_replaced_once() {
        let text = "a\nlisten {\n\tport = 0\n\tlimit {\n\t}\n}\nb\nlisten {\n}\nc\n";
        assert_eq!(
            replace_listen_blocks(text, "L\n"),
            "a\nL\nb\nc\n",
            "the nested block's brace is indented, the listen block's is not"
        );
    }
}
