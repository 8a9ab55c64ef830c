//! `cli -c '... | refresh N'` as a process: it repeats the show against a stand-in daemon
//! until SIGINT (Ctrl-C), then exits 0.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use schema::l2tp_rpc::L2tpTunnels;
use schema::mgmt::{decode_line, encode_line, LoginClass, Reply, Request, Response};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixListener;
use std::process::{Command, Stdio};

/// Answers hello and every tunnel show (with no tunnels) on one connection.
fn serve(listener: UnixListener) {
    let Ok((stream, _)) = listener.accept() else {
        return;
    };
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { return };
        let reply = match decode_line::<Request>(&line) {
            Ok(Request::Hello { .. }) => Reply::Hello {
                user: "lab".into(),
                class: LoginClass::SuperUser,
                host_name: "r0".into(),
                version: "0".into(),
                time_zone: None,
                login_message: None,
                login_announcement: None,
                idle_timeout: None,
            },
            Ok(Request::GetL2tpTunnelInformation(_)) => Reply::L2tpTunnels(L2tpTunnels::default()),
            _ => return,
        };
        let response = Response {
            result: Ok(reply),
            notices: vec![],
        };
        if writer.write_all(encode_line(&response).as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn refresh_runs_until_sigint_then_exits_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = dir.path().join("mgmt.sock");
    let listener = UnixListener::bind(&socket).expect("bind");
    std::thread::spawn(move || serve(listener));
    let mut child = Command::new(env!("CARGO_BIN_EXE_cli"))
        .arg("--socket")
        .arg(&socket)
        .arg("-c")
        .arg("show services l2tp tunnel | refresh 1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn cli");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    // Two runs prove the loop; each is only its timestamp line (no tunnels, no text).
    for _ in 0..2 {
        let line = lines.next().expect("a line").expect("text");
        assert!(
            line.starts_with("---(refreshed at ") && line.ends_with(" UTC)---"),
            "{line}"
        );
    }
    let pid = i32::try_from(child.id()).expect("pid");
    kill(Pid::from_raw(pid), Signal::SIGINT).expect("SIGINT");
    let status = child.wait().expect("exit");
    assert_eq!(status.code(), Some(0), "{status:?}");
}
