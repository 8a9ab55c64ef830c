use super::*;
use proptest::prelude::*;

const MAGIC: u32 = 0x5eed_0001;

fn lcp_frame(code: u8, id: u8, data: &[u8]) -> Vec<u8> {
    lcp::build_frame(PROTOCOL_LCP, &lcp::build_packet(code, id, data, 1500))
}

fn transmitted(actions: &[Action]) -> Vec<Vec<u8>> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Transmit(frame) => Some(frame.clone()),
            _ => None,
        })
        .collect()
}

fn logged(actions: &[Action]) -> String {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Log(line) => Some(line.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn it_asks_for_its_magic_number_and_repeats_until_max_configure() {
    let t0 = Instant::now();
    let mut r = Responder::new(MAGIC, Credentials::default());
    let first = r.start(t0);
    let request = lcp_frame(code::CONFIGURE_REQUEST, 1, &lcp::magic_number_option(MAGIC));
    assert_eq!(transmitted(&first), std::slice::from_ref(&request));
    assert_eq!(r.poll_timeout(), Some(t0 + RESTART_TIMER));
    // Nothing before the timer.
    assert_eq!(r.handle_timeout(t0 + Duration::from_secs(1)), []);
    let mut now = t0;
    for _ in 1..MAX_CONFIGURE {
        now += RESTART_TIMER;
        assert_eq!(
            transmitted(&r.handle_timeout(now)),
            std::slice::from_ref(&request)
        );
    }
    now += RESTART_TIMER;
    let last = r.handle_timeout(now);
    assert_eq!(transmitted(&last), Vec::<Vec<u8>>::new());
    assert!(logged(&last).contains("no longer asking"), "{last:?}");
    assert_eq!(r.poll_timeout(), None);
}

#[test]
fn echo_requests_are_answered_before_and_after_lcp_opens() {
    let now = Instant::now();
    let mut r = Responder::new(MAGIC, Credentials::default());
    r.start(now);
    // Our daemon's test echo: no LCP negotiation, magic number of its own.
    let echo = [
        0xff, 0x03, 0xc0, 0x21, 9, 7, 0, 12, 1, 2, 3, 4, b'p', b'i', b'n', b'g',
    ];
    let actions = r.handle_frame(now, &echo);
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(
            code::ECHO_REPLY,
            7,
            &[0, 0, 0, 0, b'p', b'i', b'n', b'g']
        )],
        "magic number zero until negotiated"
    );
    assert!(logged(&actions).contains("echo reply sent"));

    // Compressed Address/Control and Protocol fields are read too.
    let actions = r.handle_frame(now, &[0xc0, 0x21, 9, 8, 0, 8, 0, 0, 0, 0]);
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::ECHO_REPLY, 8, &[0; 4])]
    );

    // The peer acks ours and we ack its: Opened, and the reply carries our magic.
    let ack = r.handle_frame(
        now,
        &lcp_frame(code::CONFIGURE_ACK, 1, &lcp::magic_number_option(MAGIC)),
    );
    assert!(!logged(&ack).contains("opened"), "{ack:?}");
    assert_eq!(
        r.poll_timeout(),
        None,
        "an acknowledged request is not repeated"
    );
    let theirs = lcp::magic_number_option(0x0102_0304);
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 42, &theirs));
    // No authentication asked for: IPCP starts at once.
    let sent = transmitted(&actions);
    assert_eq!(sent[0], lcp_frame(code::CONFIGURE_ACK, 42, &theirs));
    assert_eq!(
        sent[1][..5],
        [0xff, 0x03, 0x80, 0x21, code::CONFIGURE_REQUEST]
    );
    assert_eq!(sent.len(), 2);
    assert!(logged(&actions).contains("LCP opened"));
    assert!(r.opened());
    let actions = r.handle_frame(now, &lcp_frame(code::ECHO_REQUEST, 9, &[1, 2, 3, 4]));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::ECHO_REPLY, 9, &MAGIC.to_be_bytes())]
    );
}

#[test]
fn authentication_we_can_do_is_acknowledged_other_kinds_naked_and_short_ones_rejected() {
    let now = Instant::now();
    let mut r = Responder::new(MAGIC, Credentials::default());
    r.start(now);
    let chap_md5 = [3, 5, 0xc2, 0x23, 5];
    let mut options = lcp::magic_number_option(9);
    options.extend_from_slice(&chap_md5);
    options.extend_from_slice(&[1, 4, 0x05, 0xdc]); // MRU 1500
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 3, &options));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::CONFIGURE_ACK, 3, &options)]
    );
    assert!(
        logged(&actions).contains("authenticating with CHAP-MD5"),
        "{actions:?}"
    );
    let pap = [3, 4, 0xc0, 0x23];
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 4, &pap));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::CONFIGURE_ACK, 4, &pap)]
    );
    // MS-CHAPv2 and EAP: Nak'ed with CHAP-MD5, once however many were asked for.
    let ms_chap_v2 = [3, 5, 0xc2, 0x23, 0x81];
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 5, &ms_chap_v2));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::CONFIGURE_NAK, 5, &chap_md5)]
    );
    let eap = [3, 4, 0xc2, 0x27];
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 6, &eap));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::CONFIGURE_NAK, 6, &chap_md5)]
    );
    // Too short to name a protocol: Rejected, and a Reject wins over a Nak.
    let mut short = vec![3, 3, 0xc0];
    short.extend_from_slice(&eap);
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 7, &short));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::CONFIGURE_REJECT, 7, &[3, 3, 0xc0])]
    );
    // Malformed options: silently discarded.
    let actions = r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 8, &[5, 9, 0]));
    assert_eq!(transmitted(&actions), Vec::<Vec<u8>>::new());
    // Nothing was acknowledged last: LCP is not opened, nothing above it runs.
    r.handle_frame(
        now,
        &lcp_frame(code::CONFIGURE_ACK, 1, &lcp::magic_number_option(MAGIC)),
    );
    assert!(!r.opened());
}

#[test]
fn a_nak_or_reject_of_the_magic_number_changes_the_request() {
    let now = Instant::now();
    let mut r = Responder::new(MAGIC, Credentials::default());
    r.start(now);
    // A Nak for an older request is ignored.
    let stale = r.handle_frame(
        now,
        &lcp_frame(code::CONFIGURE_NAK, 9, &lcp::magic_number_option(1)),
    );
    assert_eq!(transmitted(&stale), Vec::<Vec<u8>>::new());
    let nak = r.handle_frame(
        now,
        &lcp_frame(code::CONFIGURE_NAK, 1, &lcp::magic_number_option(1)),
    );
    let new_magic = next_magic(MAGIC);
    assert_ne!(new_magic, MAGIC);
    assert_eq!(
        transmitted(&nak),
        [lcp_frame(
            code::CONFIGURE_REQUEST,
            2,
            &lcp::magic_number_option(new_magic)
        )]
    );
    let reject = r.handle_frame(
        now,
        &lcp_frame(
            code::CONFIGURE_REJECT,
            2,
            &lcp::magic_number_option(new_magic),
        ),
    );
    assert_eq!(
        transmitted(&reject),
        [lcp_frame(code::CONFIGURE_REQUEST, 3, &[])]
    );
    // An Ack that does not repeat our options is not one.
    let wrong = r.handle_frame(
        now,
        &lcp_frame(code::CONFIGURE_ACK, 3, &lcp::magic_number_option(1)),
    );
    assert!(logged(&wrong).contains("discarded"), "{wrong:?}");
    assert_eq!(r.poll_timeout(), Some(now + RESTART_TIMER));
}

#[test]
fn terminate_request_is_acknowledged_then_the_responder_exits_a_restart_time_later() {
    let now = Instant::now();
    let mut r = Responder::new(MAGIC, Credentials::default());
    r.start(now);
    let actions = r.handle_frame(now, &lcp_frame(code::TERMINATE_REQUEST, 5, b"bye"));
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::TERMINATE_ACK, 5, b"bye")]
    );
    assert!(!actions.contains(&Action::Exit), "{actions:?}");
    // Stopping: a repeated Terminate-Request is acknowledged, anything else discarded, and
    // our Configure-Request is not resent.
    let again = r.handle_frame(now, &lcp_frame(code::TERMINATE_REQUEST, 6, b""));
    assert_eq!(
        transmitted(&again),
        [lcp_frame(code::TERMINATE_ACK, 6, b"")]
    );
    let echo = r.handle_frame(now, &lcp_frame(code::ECHO_REQUEST, 7, &[0; 4]));
    assert_eq!(transmitted(&echo), Vec::<Vec<u8>>::new());
    assert_eq!(r.poll_timeout(), Some(now + RESTART_TIMER));
    let early = r.handle_timeout(now + RESTART_TIMER - Duration::from_millis(1));
    assert!(!early.contains(&Action::Exit), "{early:?}");
    let late = r.handle_timeout(now + RESTART_TIMER);
    assert_eq!(transmitted(&late), Vec::<Vec<u8>>::new());
    assert_eq!(late.last(), Some(&Action::Exit));
}

#[test]
fn unknown_codes_and_protocols() {
    let now = Instant::now();
    let mut r = Responder::new(MAGIC, Credentials::default());
    r.start(now);
    let unknown = lcp_frame(42, 6, &[1, 2]);
    let actions = r.handle_frame(now, &unknown);
    assert_eq!(
        transmitted(&actions),
        [lcp_frame(code::CODE_REJECT, 6, &[42, 6, 0, 6, 1, 2])]
    );
    // IPv6CP (which we do not speak) before Opened: discarded; after: Protocol-Reject.
    let ipv6cp = lcp::build_frame(0x8057, &[1, 1, 0, 4]);
    assert_eq!(
        transmitted(&r.handle_frame(now, &ipv6cp)),
        Vec::<Vec<u8>>::new()
    );
    r.handle_frame(
        now,
        &lcp_frame(code::CONFIGURE_ACK, 1, &lcp::magic_number_option(MAGIC)),
    );
    r.handle_frame(now, &lcp_frame(code::CONFIGURE_REQUEST, 1, &[]));
    assert!(r.opened());
    assert_eq!(
        transmitted(&r.handle_frame(now, &ipv6cp)),
        [lcp_frame(
            code::PROTOCOL_REJECT,
            1,
            &[0x80, 0x57, 1, 1, 0, 4]
        )]
    );
}

proptest! {
    #[test]
    fn arbitrary_frames_never_panic(frames in proptest::collection::vec(
        proptest::collection::vec(any::<u8>(), 0..40), 0..20)) {
        let now = Instant::now();
        let mut r = Responder::new(MAGIC, Credentials::default());
        r.start(now);
        for frame in &frames {
            for action in r.handle_frame(now, frame) {
                if let Action::Transmit(out) = action {
                    prop_assert!(out.len() <= PEER_MRU + 4);
                }
            }
        }
        // LCP frames too, so the parser gets past the protocol field.
        for frame in &frames {
            let mut lcp = vec![0xc0, 0x21];
            lcp.extend_from_slice(frame);
            let _ = r.handle_frame(now, &lcp);
        }
    }
}
