//! The daemon's system log end to end: `messages` in the state directory in Junos' layout,
//! RFC 3164 packets on the syslog socket, and a stderr log without colour codes when stderr
//! is not a terminal.

use l2tp_tests::{bin_path, DaemonProcess};
use regex::Regex;
use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn messages_syslog_and_plain_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let syslog_path = dir.path().join("log");
    let syslog = UnixDatagram::bind(&syslog_path).expect("bind the syslog socket");
    syslog
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let stderr_path = dir.path().join("stderr");
    let mut daemon = Command::new(bin_path("l2tpd"))
        .arg("--state-dir")
        .arg(&state)
        .arg("--default-host-name")
        .arg("r1")
        .arg("--log")
        .arg("info")
        .arg("--syslog-socket")
        .arg(&syslog_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("spawn l2tpd");
    let pid = daemon.id();

    // `l2tpd serving …`: an untagged info (facility daemon, severity 6).
    let mut buf = [0u8; 2048];
    let packet = loop {
        let n = syslog.recv(&mut buf).expect("a syslog packet");
        let packet = String::from_utf8_lossy(&buf[..n]).into_owned();
        if packet.contains("l2tpd serving") {
            break packet;
        }
    };
    let serving = Regex::new(&format!(
        r"^<30>[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d r1 l2tpd\[{pid}\]: l2tpd serving .*mgmt\.sock$"
    ))
    .expect("pattern");
    assert!(serving.is_match(&packet), "{packet}");

    // A login (authorization, info) reaches `messages` under Junos' factory default
    // (`any notice; authorization info;`) and syslog as auth.info (4 × 8 + 6); the untagged
    // daemon information above does not reach `messages`.
    let out = Command::new(bin_path("cli"))
        .arg("--socket")
        .arg(state.join("mgmt.sock"))
        .arg("-c")
        .arg("show version")
        .output()
        .expect("run cli");
    assert!(out.status.success(), "{out:?}");
    let packet = loop {
        let n = syslog.recv(&mut buf).expect("a syslog packet");
        let packet = String::from_utf8_lossy(&buf[..n]).into_owned();
        if packet.contains("UI_LOGIN_EVENT") {
            break packet;
        }
    };
    assert!(packet.starts_with("<38>"), "{packet}");
    let messages = state.join("messages");
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = std::fs::read_to_string(&messages).unwrap_or_default();
        if text.contains("UI_LOGIN_EVENT") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let line = Regex::new(&format!(
        r"(?m)^[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d  r1 l2tpd\[{pid}\]: UI_LOGIN_EVENT: User '.*' login"
    ))
    .expect("pattern");
    assert!(line.is_match(&text), "{text}");
    assert!(!text.contains("l2tpd serving"), "{text}");

    daemon.kill().expect("kill l2tpd");
    daemon.wait().expect("wait l2tpd");
    let stderr = std::fs::read_to_string(&stderr_path).expect("stderr");
    assert!(stderr.contains("l2tpd serving"), "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "colour codes on a file: {stderr:?}"
    );
}

/// Waits until `file` in the state directory holds `text`; its contents then (bounded).
fn wait_for(daemon: &DaemonProcess, file: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let log = std::fs::read_to_string(daemon.state_dir().join(file)).unwrap_or_default();
        if log.contains(text) {
            return log;
        }
        assert!(Instant::now() < deadline, "{text} not in {file}:\n{log}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A commit of `system syslog` files and a host takes effect at once: each file gets the
/// facilities it names, the host the ones it names as RFC 3164 datagrams, `messages` nothing
/// more; deleting the stanza brings `messages` back.
#[test]
fn committed_syslog_files_and_hosts_take_effect_at_once() {
    let listener = UdpSocket::bind("127.0.0.1:0").expect("bind a UDP listener");
    listener
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let port = listener.local_addr().expect("address").port();
    let daemon = DaemonProcess::start();
    let pid = daemon.pid().expect("pid");
    daemon.commit(&format!(
        "set system syslog file commits interactive-commands any\n\
         set system syslog file commits explicit-priority\n\
         set system syslog file logins authorization info\n\
         set system syslog file logins match \"login\"\n\
         set system syslog host 127.0.0.1 interactive-commands notice\n\
         set system syslog host 127.0.0.1 port {port}\n\
         set system syslog host 127.0.0.1 log-prefix pop1\n"
    ));
    // UI_COMMIT was logged before the commit applied; UI_COMMIT_COMPLETED after.
    let commits = wait_for(&daemon, "commits", "UI_COMMIT_COMPLETED");
    let stamp = r"[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d";
    let line = Regex::new(&format!(
        r"(?m)^{stamp}  router l2tpd\[{pid}\]: %INTERACT-5-UI_COMMIT_COMPLETED: commit complete$"
    ))
    .expect("pattern");
    assert!(line.is_match(&commits), "{commits}");
    assert!(!commits.contains("UI_LOGIN_EVENT"), "{commits}");

    let mut buf = [0u8; 2048];
    let mut next = || {
        let n = listener.recv(&mut buf).expect("a datagram");
        String::from_utf8_lossy(&buf[..n]).into_owned()
    };
    let packet = Regex::new(&format!(
        r"^<189>{stamp} router pop1: l2tpd\[{pid}\]: UI_COMMIT_COMPLETED: commit complete$"
    ))
    .expect("pattern");
    let first = next();
    assert!(packet.is_match(&first), "{first}");

    // Another session: its login goes to `logins` only; its commit to `commits` and the
    // host only (local7.notice = 189).
    daemon.commit("set system login message hello\n");
    let logins = wait_for(&daemon, "logins", "UI_LOGIN_EVENT");
    assert!(!logins.contains("UI_LOGOUT_EVENT"), "match: {logins}");
    assert!(!logins.contains("UI_COMMIT"), "{logins}");
    let seen: Vec<String> = (0..2).map(|_| next()).collect();
    assert!(seen[0].contains("UI_COMMIT: User"), "{seen:?}");
    assert!(packet.is_match(&seen[1]), "{seen:?}");
    assert!(seen.iter().all(|p| p.starts_with("<189>")), "{seen:?}");
    let messages = std::fs::read_to_string(daemon.state_dir().join("messages")).unwrap_or_default();
    assert!(!messages.contains("UI_COMMIT_COMPLETED"), "{messages}");

    // `show log` reads a configured file.
    let out = daemon.run("show log commits | match COMPLETED | count");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Count: 2 lines"),
        "{out:?}"
    );

    // Without syslog files, `messages` again, at once.
    daemon.commit("delete system syslog\n");
    wait_for(&daemon, "messages", "UI_COMMIT_COMPLETED");
}

/// `console { … }`: the daemon writes what the console selects to the console (here a file
/// standing for it: `L2TP_TEST_CONSOLE`, read by debug builds only), as syslogd writes a
/// terminal.
#[test]
fn the_console_gets_what_it_selects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let console = dir.path().join("console");
    std::fs::write(&console, "").expect("create the console");
    let var = format!("L2TP_TEST_CONSOLE={}", console.display());
    let daemon = DaemonProcess::start_wrapped(&["env", &var], &[]);
    let pid = daemon.pid().expect("pid");
    daemon.commit("set system syslog console interactive-commands notice\n");
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = std::fs::read_to_string(&console).unwrap_or_default();
        if text.contains("UI_COMMIT_COMPLETED") {
            break text;
        }
        assert!(Instant::now() < deadline, "nothing on the console:\n{text}");
        std::thread::sleep(Duration::from_millis(20));
    };
    let line = Regex::new(&format!(
        r"(?m)^[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d  router l2tpd\[{pid}\]: UI_COMMIT_COMPLETED: commit complete\r$"
    ))
    .expect("pattern");
    assert!(line.is_match(&text), "{text:?}");
    assert!(!text.contains("UI_LOGIN_EVENT"), "{text}");
}
