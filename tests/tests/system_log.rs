//! The daemon's system log end to end: `messages` in the state directory in Junos' layout,
//! RFC 3164 packets on the syslog socket, and a stderr log without colour codes when stderr
//! is not a terminal.

use l2tp_tests::bin_path;
use regex::Regex;
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

    let messages = state.join("messages");
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = std::fs::read_to_string(&messages).unwrap_or_default();
        if text.contains("l2tpd serving") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let line = Regex::new(&format!(
        r"(?m)^[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d  r1 l2tpd\[{pid}\]: l2tpd serving .*mgmt\.sock$"
    ))
    .expect("pattern");
    assert!(line.is_match(&text), "{text}");

    daemon.kill().expect("kill l2tpd");
    daemon.wait().expect("wait l2tpd");
    let stderr = std::fs::read_to_string(&stderr_path).expect("stderr");
    assert!(stderr.contains("l2tpd serving"), "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "colour codes on a file: {stderr:?}"
    );
}
