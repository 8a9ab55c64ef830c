//! The subagent against a scripted master on a real Unix socket: what it writes, and how
//! many views a walk costs.

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream as StdStream};
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
    async fn current(&mut self) -> Arc<View> {
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

/// The scripted master: Open and Register accepted; two GetNexts in one write, both
/// answered in order; then a walk of `steps` GetNexts each from the last answer.
fn master(listener: UnixListener, steps: usize) -> Vec<Vec<u32>> {
    let (mut stream, _) = listener.accept().expect("accept");
    let open = read_pdu(&mut stream);
    assert_eq!(Header::from_bytes(&open).expect("open").ty, Type::Open);
    stream.write_all(&response_to(&open, 7)).expect("write");
    let register = read_pdu(&mut stream);
    assert_eq!(
        Header::from_bytes(&register).expect("register").ty,
        Type::Register
    );
    stream.write_all(&response_to(&register, 7)).expect("write");

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

#[tokio::test]
async fn pdus_read_together_are_answered_and_a_walk_costs_one_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("agentx.sock");
    let listener = UnixListener::bind(&path).expect("bind");
    let steps = 60;
    let master = std::thread::spawn(move || master(listener, steps));

    let view = Arc::new(View::new(snapshot_of(2, 3), at(2_000)));
    let asked = Arc::new(AtomicUsize::new(0));
    let mut views = CountingViews {
        view: Arc::clone(&view),
        asked: Arc::clone(&asked),
    };
    let mut subagent = Subagent::default();
    subagent.apply(Some(path.to_str().expect("utf-8 path")));
    // Until the master hangs up after its script.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(deadline, subagent.next_event())
            .await
            .expect("the script ends in time");
        if let Event::Broken(_) = event {
            break;
        }
        subagent.handle(event, &mut views).await;
    }
    let walked = master.join().expect("master");
    let expected: Vec<Vec<u32>> = view
        .walk_after(mibs::JNX_L2TP)
        .take(steps)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(walked, expected);
    // The pair: one view each (neither continues a walk); the walk: its first step only.
    assert_eq!(asked.load(Ordering::SeqCst), 3);
    assert_eq!(subagent.status().requests.requests, 2 + steps as u64);
}
