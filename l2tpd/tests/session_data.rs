//! The data path of established sessions: PPP frames through encapsulate, the datagram bytes,
//! DataMessage::parse and decapsulate, with and without sequencing, reordered and duplicated.

use std::num::NonZeroU16;

use l2tpd::l2tp::session::{
    CallInfo, DataDrop, EncapError, LnsPolicy, OutgoingMessage, Session, SessionCounters,
};
use l2tpd::l2tp::wire::{ControlHeader, ControlMessage, DataMessage, OffsetPadLimit};
use proptest::prelude::*;

const LAC_TUNNEL: u16 = 43415;
const LNS_TUNNEL: u16 = 23374;

fn carry(out: OutgoingMessage) -> ControlMessage {
    let header = ControlHeader {
        session_id: out.peer_session_id,
        ..ControlHeader::default()
    };
    let bytes = out.builder.emit(header, None).expect("emits");
    ControlMessage::parse(&bytes, None).expect("parses")
}

fn established(sequencing_required: bool, lns_requires: bool) -> (Session, Session) {
    let call = CallInfo {
        serial: 1,
        sequencing_required,
        ..CallInfo::default()
    };
    let policy = LnsPolicy {
        require_sequencing: lns_requires,
        ..LnsPolicy::default()
    };
    let mut lac = Session::new_outgoing_call_lac(NonZeroU16::MIN, call);
    let icrq = carry(lac.poll_message().expect("ICRQ"));
    let mut lns = Session::new_incoming_lns(NonZeroU16::MAX, &icrq, &policy).expect("accepted");
    lac.handle_message(&carry(lns.poll_message().expect("ICRP")));
    lns.handle_message(&carry(lac.poll_message().expect("ICCN")));
    (lac, lns)
}

/// Receives one datagram as the LNS's tunnel would: parse, then hand to the session.
fn receive(session: &mut Session, datagram: &[u8]) -> Result<Vec<u8>, DataDrop> {
    let message = DataMessage::parse(datagram, OffsetPadLimit::default()).expect("parses");
    session.decapsulate(&message).map(<[u8]>::to_vec)
}

const LCP_ECHO: [u8; 12] = [0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4];

#[test]
fn round_trip_without_sequencing() {
    let (mut lac, mut lns) = established(false, false);
    let datagram = lac.encapsulate(LNS_TUNNEL, &LCP_ECHO).expect("established");
    let parsed = DataMessage::parse(&datagram, OffsetPadLimit::default()).expect("parses");
    assert_eq!(parsed.header.sequence, None);
    assert_eq!(parsed.header.tunnel_id, LNS_TUNNEL);
    assert_eq!(parsed.header.session_id, lns.local_id().get());
    assert_eq!(receive(&mut lns, &datagram), Ok(LCP_ECHO.to_vec()));
    // Without sequencing a repeated datagram cannot be told apart, so it is passed up.
    assert_eq!(receive(&mut lns, &datagram), Ok(LCP_ECHO.to_vec()));
    let back = lns
        .encapsulate(LAC_TUNNEL, &LCP_ECHO[..4])
        .expect("established");
    assert_eq!(receive(&mut lac, &back), Ok(LCP_ECHO[..4].to_vec()));
    assert_eq!(
        lns.counters(),
        SessionCounters {
            tx_packets: 1,
            tx_bytes: 4,
            rx_packets: 2,
            rx_bytes: 24,
            ..SessionCounters::default()
        }
    );
}

#[test]
fn sequencing_required_by_the_lac_counts_duplicates_and_reordering() {
    let (mut lac, mut lns) = established(true, false);
    assert!(lac.sequencing() && lns.sequencing());
    let datagrams: Vec<Vec<u8>> = (0u8..4)
        .map(|n| {
            lac.encapsulate(LNS_TUNNEL, &[0xc0, 0x21, n])
                .expect("established")
        })
        .collect();
    let ns: Vec<_> = datagrams
        .iter()
        .map(|d| {
            DataMessage::parse(d, OffsetPadLimit::default())
                .expect("parses")
                .header
                .sequence
                .map(|s| s.ns)
        })
        .collect();
    assert_eq!(ns, [Some(0), Some(1), Some(2), Some(3)]);

    assert!(receive(&mut lns, &datagrams[0]).is_ok());
    assert_eq!(
        receive(&mut lns, &datagrams[0]),
        Err(DataDrop::Duplicate { ns: 0 })
    );
    assert!(
        receive(&mut lns, &datagrams[2]).is_ok(),
        "a gap is accepted"
    );
    assert_eq!(
        receive(&mut lns, &datagrams[1]),
        Err(DataDrop::OutOfOrder { ns: 1, expected: 3 })
    );
    assert_eq!(receive(&mut lns, &datagrams[3]), Ok(vec![0xc0, 0x21, 3]));
    let c = lns.counters();
    assert_eq!(
        (
            c.rx_packets,
            c.rx_duplicates,
            c.rx_out_of_order,
            c.rx_missing
        ),
        (3, 1, 1, 1)
    );
    assert_eq!(c.rx_bytes, 9);
}

#[test]
fn lns_policy_turns_sequencing_on_and_the_lac_follows() {
    let (mut lac, mut lns) = established(false, true);
    assert!(lns.sequencing());
    assert!(!lac.sequencing(), "the LAC did not ask");
    let from_lns = lns.encapsulate(LAC_TUNNEL, &LCP_ECHO).expect("established");
    assert!(receive(&mut lac, &from_lns).is_ok());
    assert!(
        lac.sequencing(),
        "RFC 2661 §5.4: the LAC follows the LNS's S bit"
    );
    let from_lac = lac.encapsulate(LNS_TUNNEL, &LCP_ECHO).expect("established");
    let parsed = DataMessage::parse(&from_lac, OffsetPadLimit::default()).expect("parses");
    assert!(parsed.header.sequence.is_some());
}

#[test]
fn no_data_before_established_or_after_close() {
    let mut lac = Session::new_outgoing_call_lac(NonZeroU16::MIN, CallInfo::default());
    assert_eq!(
        lac.encapsulate(LNS_TUNNEL, &LCP_ECHO),
        Err(EncapError::NotEstablished)
    );
    let (mut lac, mut lns) = established(false, false);
    let datagram = lac.encapsulate(LNS_TUNNEL, &LCP_ECHO).expect("established");
    lns.disconnect(l2tpd::l2tp::session::CdnResult::lost_carrier(), None);
    assert_eq!(receive(&mut lns, &datagram), Err(DataDrop::NotEstablished));
    assert_eq!(lns.counters().rx_discarded, 1);
}

proptest! {
    /// Datagrams shuffled and duplicated in transit: each frame is passed up at most once,
    /// in increasing Ns order, and every datagram is either passed up or counted.
    #[test]
    fn shuffled_and_duplicated_traffic(
        count in 1usize..40,
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..120),
    ) {
        let (mut lac, mut lns) = established(true, false);
        let datagrams: Vec<Vec<u8>> = (0..count)
            .map(|n| lac.encapsulate(LNS_TUNNEL, &(n as u32).to_be_bytes()).expect("established"))
            .collect();
        let mut last: Option<u32> = None;
        for pick in &picks {
            let datagram = pick.get(&datagrams);
            if let Ok(frame) = receive(&mut lns, datagram) {
                let n = u32::from_be_bytes(frame.try_into().expect("4 octets"));
                prop_assert!(last.is_none_or(|l| n > l), "{} after {:?}", n, last);
                last = Some(n);
            }
        }
        let c = lns.counters();
        prop_assert_eq!(c.rx_packets + c.rx_duplicates + c.rx_out_of_order, picks.len() as u64);
    }
}
