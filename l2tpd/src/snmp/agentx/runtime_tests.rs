//! The subagent's thread against a scripted master on a real Unix socket: what it writes,
//! how many views a walk costs, and that its owner reaches it while it is blocked reading.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream as StdStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use agentx::encodings::{SearchRange, SearchRangeList, ID};
use agentx::pdu::{GetNext, Header, Type};

use super::*;
use crate::snmp::view::tests::{at, snapshot_of};

/// Hands out one fixed view and counts how often it was asked for.
struct CountingViews {
    view: Arc<View>,
    asked: Arc<AtomicUsize>,
}

impl ViewSource for CountingViews {
    fn current(&mut self) -> Arc<View> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Arc::clone(&self.view)
    }
}

fn read_pdu(stream: &mut StdStream) -> Vec<u8> {
    let mut pdu = vec![0u8; wire::HEADER_OCTETS];
    stream.read_exact(&mut pdu).expect("header");
    let length = wire::pdu_length(&pdu).expect("sane").expect("header in");
    pdu.resize(length, 0);
    stream
        .read_exact(&mut pdu[wire::HEADER_OCTETS..])
        .expect("payload");
    pdu
}

fn response_to(pdu: &[u8], session_id: u32) -> Vec<u8> {
    let request = Header::from_bytes(pdu).expect("header");
    let mut header = wire::header(Type::Response, session_id, 0, request.packet_id);
    header.payload_length = 8;
    let mut out = header.to_bytes();
    out.extend_from_slice(&[0; 8]);
    out
}

fn get_next(from: &[u32], packet_id: u32) -> Vec<u8> {
    let start = ID::try_from(from.to_vec()).expect("oid");
    let mut next = GetNext::new(SearchRangeList(vec![SearchRange::new(
        start,
        ID::default(),
    )]));
    next.header = wire::header(Type::GetNext, 7, 0, packet_id);
    next.to_bytes().expect("encode")
}

/// The first binding's name of one of our Responses.
fn first_name(pdu: &[u8]) -> Vec<u32> {
    let n = usize::from(pdu[28 + 4]);
    (0..n)
        .map(|i| {
            let at = 28 + 8 + 4 * i;
            u32::from_be_bytes([pdu[at], pdu[at + 1], pdu[at + 2], pdu[at + 3]])
        })
        .collect()
}

/// Accepts the subagent and takes its Open and Registers: JNX-L2TP-MIB's, then IF-MIB's.
fn registered(listener: &UnixListener) -> StdStream {
    let (mut stream, _) = listener.accept().expect("accept");
    let open = read_pdu(&mut stream);
    assert_eq!(Header::from_bytes(&open).expect("open").ty, Type::Open);
    stream.write_all(&response_to(&open, 7)).expect("write");
    for _ in 0..1 + crate::snmp::if_mib::AGENTX_SUBTREES.len() {
        let register = read_pdu(&mut stream);
        assert_eq!(
            Header::from_bytes(&register).expect("register").ty,
            Type::Register
        );
        stream.write_all(&response_to(&register, 7)).expect("write");
    }
    stream
}

/// The scripted master: Open and Register accepted; two GetNexts in one write, both
/// answered in order; then a walk of `steps` GetNexts each from the last answer.
fn master(listener: UnixListener, steps: usize) -> Vec<Vec<u32>> {
    let mut stream = registered(&listener);
    let pair = [get_next(mibs::JNX_L2TP, 1), get_next(mibs::JNX_L2TP, 2)].concat();
    stream.write_all(&pair).expect("write");
    for packet_id in [1, 2] {
        let answer = read_pdu(&mut stream);
        let header = Header::from_bytes(&answer).expect("answer");
        assert_eq!((header.ty, header.packet_id), (Type::Response, packet_id));
    }

    let mut walked = Vec::new();
    let mut from = mibs::JNX_L2TP.to_vec();
    for packet_id in 10..10 + steps as u32 {
        stream
            .write_all(&get_next(&from, packet_id))
            .expect("write");
        let answer = read_pdu(&mut stream);
        from = first_name(&answer);
        walked.push(from.clone());
    }
    walked
}

fn views() -> (CountingViews, Arc<View>, Arc<AtomicUsize>) {
    let view = Arc::new(View::new(snapshot_of(2, 3), at(2_000)));
    let asked = Arc::new(AtomicUsize::new(0));
    let views = CountingViews {
        view: Arc::clone(&view),
        asked: Arc::clone(&asked),
    };
    (views, view, asked)
}

/// Timers long enough that nothing but the owner can wake the thread within a test.
fn slow() -> Timing {
    Timing {
        ping_interval: Duration::from_secs(120),
        first_retry: Duration::from_secs(60),
    }
}

/// Polls `done` until it holds or 10 s have passed.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within 10 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn socket(dir: &tempfile::TempDir, name: &str) -> (PathBuf, UnixListener) {
    let path = dir.path().join(name);
    let listener = UnixListener::bind(&path).expect("bind");
    (path, listener)
}

#[test]
fn pdus_read_together_are_answered_and_a_walk_costs_one_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, listener) = socket(&dir, "agentx.sock");
    let steps = 60;
    let master = std::thread::spawn(move || master(listener, steps));
    let (views, view, asked) = views();
    let mut subagent = Subagent::with_timing(Box::new(views), slow());
    subagent.apply(Some(path.to_str().expect("utf-8 path")));
    let walked = master.join().expect("master");
    let expected: Vec<Vec<u32>> = view
        .walk_after(mibs::JNX_L2TP)
        .take(steps)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(walked, expected);
    // The pair: one view each (neither continues a walk); the walk: its first step only.
    assert_eq!(asked.load(Ordering::SeqCst), 3);
    eventually("the counters published", || {
        subagent.status().requests.requests == 2 + steps as u64
    });
    let status = subagent.status();
    assert_eq!(
        (status.counters.connects, status.counters.registrations),
        (1, 1)
    );
}

/// A commit moving the subagent reaches its thread while it sleeps in a read of the old
/// master: it leaves at once (not at its next timer) and opens with the new one.
#[test]
fn a_new_path_moves_a_subagent_blocked_in_a_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (old_path, old) = socket(&dir, "old.sock");
    let (new_path, new) = socket(&dir, "new.sock");
    let (views, _, _) = views();
    let mut subagent = Subagent::with_timing(Box::new(views), slow());
    subagent.apply(Some(old_path.to_str().expect("utf-8")));
    let mut first = registered(&old);
    eventually("registered", || subagent.status().registered);

    let started = Instant::now();
    subagent.apply(Some(new_path.to_str().expect("utf-8")));
    let _second = registered(&new);
    assert!(started.elapsed() < Duration::from_secs(5));
    // The old master sees the connection end: end of stream, or a reset when the subagent
    // left with an answer of the master's still unread (a Unix stream socket closed with
    // unread data resets its peer); either is the end, a timeout is not.
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    match first.read(&mut [0u8; 64]) {
        Ok(n) => assert_eq!(n, 0, "end of stream"),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    eventually("registered anew", || {
        let s = subagent.status();
        s.registered && s.counters.registrations == 2
    });
    // Leaving a master on a commit is no loss of the session.
    assert_eq!(subagent.status().counters.resets, 0);
}

/// The daemon stopping: the blocked thread is woken, says Close (RFC 2741 6.2.2, reason
/// shutdown) and ends.
#[test]
fn close_wakes_the_thread_and_says_close() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, listener) = socket(&dir, "agentx.sock");
    let (views, _, _) = views();
    let mut subagent = Subagent::with_timing(Box::new(views), slow());
    subagent.apply(Some(path.to_str().expect("utf-8")));
    let mut master = registered(&listener);
    eventually("registered", || subagent.status().registered);
    let started = Instant::now();
    subagent.close();
    assert!(started.elapsed() < Duration::from_secs(5));
    master
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let close = read_pdu(&mut master);
    let header = Header::from_bytes(&close).expect("close");
    assert_eq!((header.ty, header.session_id), (Type::Close, 7));
    assert_eq!(close.get(20), Some(&5), "reason shutdown");
}

/// A master that sends nothing for a ping interval is pinged (the read timeout is the
/// ping timer), and one that answers no pings is left and connected to again.
#[test]
fn a_silent_master_is_pinged_then_left() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (path, listener) = socket(&dir, "agentx.sock");
    let (views, _, _) = views();
    let timing = Timing {
        ping_interval: Duration::from_millis(50),
        first_retry: Duration::from_millis(50),
    };
    let mut subagent = Subagent::with_timing(Box::new(views), timing);
    subagent.apply(Some(path.to_str().expect("utf-8")));
    let mut master = registered(&listener);
    master
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    for _ in 0..3 {
        let ping = read_pdu(&mut master);
        assert_eq!(Header::from_bytes(&ping).expect("ping").ty, Type::Ping);
    }
    // Three unanswered: the next timer gives the session up and the subagent comes back.
    let _again = registered(&listener);
    eventually("a reset counted", || subagent.status().counters.resets == 1);
}
