//! What one local client can make the daemon hold through the management socket is bounded:
//! a line before hello is small, a connection that never says hello is closed, connections
//! per user are capped, and a connection closed before the hello reply leaves no session
//! behind (`show system users`). The limits are the README's.

use l2tp_tests::client::Client;
use l2tp_tests::DaemonProcess;
use schema::mgmt::{self, ClientKind, Reply, Request};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// README: "at most 16 connections per user".
const CONNECTIONS_PER_USER: usize = 16;
/// Longer than the README's 4 KiB before hello, far shorter than a configuration.
const LONG_LINE: usize = 64 * 1024;
/// Bounds each wait of these tests; the daemon's own limits are well inside it.
const PATIENCE: Duration = Duration::from_secs(30);

fn hello() -> Request {
    Request::Hello {
        client: ClientKind::Api,
        tty: None,
        pid: std::process::id(),
    }
}

/// Reads what the daemon says before it closes the connection (`None`: the wait ran out).
fn last_words(stream: UnixStream) -> Option<String> {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut reader = BufReader::new(stream);
    let mut said = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => return Some(said),
            Ok(_) => said.push_str(&line),
            // The daemon may reset a connection it refused while we were writing.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Some(said),
            Err(_) => return None,
        }
    }
}

#[test]
fn a_long_line_before_hello_is_refused_at_once() {
    let daemon = DaemonProcess::start();
    let mut stream = UnixStream::connect(daemon.socket()).unwrap();
    stream.set_write_timeout(Some(PATIENCE)).unwrap();
    // The daemon may close while this is still being written: that is the point.
    let _ = stream.write_all(&vec![b'x'; LONG_LINE]);
    let said = last_words(stream).expect("the daemon kept reading a line before hello");
    assert!(said.contains("before hello"), "{said}");
}

#[test]
fn a_connection_that_never_says_hello_is_closed() {
    let daemon = DaemonProcess::start();
    let stream = UnixStream::connect(daemon.socket()).unwrap();
    let started = Instant::now();
    let said = last_words(stream).expect("the daemon kept a silent connection open");
    assert!(said.contains("hello"), "{said}");
    assert!(started.elapsed() < PATIENCE);
}

#[test]
fn connections_are_capped_per_user() {
    let daemon = DaemonProcess::start();
    let mut open: Vec<Client> = (0..CONNECTIONS_PER_USER)
        .map(|n| Client::connect(&daemon.socket()).unwrap_or_else(|e| panic!("client {n}: {e}")))
        .collect();
    let refused = Client::connect(&daemon.socket())
        .err()
        .expect("one too many");
    assert!(
        refused
            .to_string()
            .contains("too many management connections"),
        "{refused}"
    );
    // A closed connection frees its place (the daemon notices the close asynchronously).
    open.pop();
    let deadline = Instant::now() + PATIENCE;
    while Client::connect(&daemon.socket()).is_err() {
        assert!(
            Instant::now() < deadline,
            "a closed connection kept its place"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn closing_before_the_hello_reply_leaves_no_session() {
    let daemon = DaemonProcess::start();
    // Fewer than the per-user cap: closes the daemon has not noticed yet still count.
    for _ in 0..10 {
        let mut stream = UnixStream::connect(daemon.socket()).unwrap();
        stream
            .write_all(mgmt::encode_line(&hello()).as_bytes())
            .unwrap();
        drop(stream);
    }
    let mut observer = Client::connect(&daemon.socket()).unwrap();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let Reply::Users { users, .. } = observer.ok(&Request::ShowSystemUsers) else {
            panic!("not a user list")
        };
        if users.len() == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} sessions of closed connections remain",
            users.len() - 1
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The daemon starts with its soft open-file limit raised to the hard one, whatever it
/// inherited (here a soft limit lowered on purpose).
#[test]
fn the_open_file_limit_is_raised_at_start() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).unwrap();
    if hard <= 256 {
        eprintln!("skipping: the hard open-file limit ({hard}) leaves nothing to raise");
        return;
    }
    // Inherited by the daemon; other tests of this binary open only a few dozen files.
    setrlimit(Resource::RLIMIT_NOFILE, 256, hard).unwrap();
    let daemon = DaemonProcess::start();
    let limits =
        std::fs::read_to_string(format!("/proc/{}/limits", daemon.pid().unwrap())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .expect("a Max open files line");
    let numbers: Vec<&str> = line.split_whitespace().skip(3).take(2).collect();
    assert_eq!(numbers, [hard.to_string(), hard.to_string()], "{line}");
}
