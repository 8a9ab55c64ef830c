use super::*;

/// Each control protocol is counted by direction; IP is not negotiation, and a frame whose
/// protocol does not parse or is unknown counts only when received.
#[test]
fn frames_are_counted_by_protocol_and_direction() {
    let mut c = PppPacketCounters::default();
    count_frame(&mut c, &[0xc0, 0x21, 1, 1, 0, 4], true);
    count_frame(&mut c, &[0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4], false);
    count_frame(&mut c, &[0xc0, 0x23, 1, 1, 0, 4], true);
    count_frame(&mut c, &[0xc2, 0x23, 1, 1, 0, 4], false);
    count_frame(&mut c, &[0x80, 0x21, 1, 1, 0, 4], true);
    count_frame(&mut c, &[0x00, 0x21, 0x45], true);
    count_frame(&mut c, &[0x80, 0x57, 1], true);
    count_frame(&mut c, &[0x80, 0x57, 1], false);
    count_frame(&mut c, &[0xc0], true);
    count_frame(&mut c, &[], false);
    assert_eq!((c.lcp.received, c.lcp.sent), (1, 1));
    assert_eq!((c.pap.received, c.pap.sent), (1, 0));
    assert_eq!((c.chap.received, c.chap.sent), (0, 1));
    assert_eq!((c.ipcp.received, c.ipcp.sent), (1, 0));
    assert_eq!(c.other_received, 1);
    assert_eq!(c.malformed_received, 1);
}

#[test]
fn every_fsm_state_has_its_junos_name() {
    for (state, name) in [
        (State::RequestSent, "Req-sent"),
        (State::AckReceived, "Ack-rcvd"),
        (State::AckSent, "Ack-sent"),
        (State::Opened, "Opened"),
        (State::Stopped, "Stopped"),
    ] {
        assert_eq!(control_state(state).junos(), name);
    }
}
