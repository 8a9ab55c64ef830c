use super::*;

#[test]
fn octets_past_32_bits_go_in_the_gigawords() {
    let usage = Usage {
        session_time: Duration::from_secs(90),
        input_octets: (5u64 << 32) + 7,
        output_octets: 1000,
        input_packets: 3,
        output_packets: 4,
    };
    let mut attributes = Vec::new();
    push_usage(&mut attributes, &usage);
    let packet = Packet {
        code: code::ACCOUNTING_REQUEST,
        identifier: 0,
        authenticator: [0; 16],
        attributes,
    };
    assert_eq!(packet.integer(attr::ACCT_SESSION_TIME), Some(90));
    assert_eq!(packet.integer(attr::ACCT_INPUT_OCTETS), Some(7));
    assert_eq!(packet.integer(attr::ACCT_INPUT_GIGAWORDS), Some(5));
    assert_eq!(packet.integer(attr::ACCT_OUTPUT_OCTETS), Some(1000));
    assert_eq!(packet.integer(attr::ACCT_OUTPUT_GIGAWORDS), None);
    assert_eq!(packet.integer(attr::ACCT_INPUT_PACKETS), Some(3));
}

fn stop(subscriber: u64, due: Instant, attempts: u32) -> QueuedStop {
    QueuedStop {
        subscriber: crate::registry::SessionRef(subscriber),
        due,
        attempts,
        ended: due,
        servers: Vec::new(),
        instance: None,
        request: Packet::new(code::ACCOUNTING_REQUEST, 0, [0; 16]),
        nas_address: crate::aaa::nas_address::NasAddress::FromServer,
    }
}

#[test]
fn a_stop_is_given_up_only_after_every_attempt_and_counted() {
    let now = Instant::now();
    let mut accounting = Accounting::default();
    accounting.requeue_stop(stop(1, now, STOP_ATTEMPTS - 1));
    assert_eq!(accounting.stops.len(), 1);
    assert_eq!(accounting.stats.stops_lost, 0);
    accounting.requeue_stop(stop(2, now, STOP_ATTEMPTS));
    assert_eq!(accounting.stops.len(), 1);
    assert_eq!(accounting.stats.stops_lost, 1);
    assert_eq!(accounting.poll_timeout(), Some(now));
    assert_eq!(accounting.due_stops(now).len(), 1);
    assert_eq!(accounting.poll_timeout(), None);
}

#[test]
fn interims_are_scheduled_per_subscriber_and_a_stop_ends_them() {
    let now = Instant::now();
    let mut accounting = Accounting::default();
    let id = crate::registry::SessionRef(7);
    let accounted = |next| Accounted {
        servers: Vec::new(),
        algorithm: schema::typed::ServerAlgorithm::Direct,
        instance: None,
        interval: Some(Duration::from_secs(600)),
        next,
        immediate_update: false,
        coa_immediate_update: false,
        nas_identifier: Box::from(&b"lac1"[..]),
        nas_address: crate::aaa::nas_address::NasAddress::FromServer,
        carried: Vec::new(),
        excluded_from_stop: Box::default(),
        user_name: None,
    };
    accounting.account(id, accounted(Some(now + Duration::from_secs(600))));
    assert!(accounting.is_accounted(id));
    assert_eq!(accounting.due_interims(now).len(), 0);
    // Rescheduled: the old time is gone.
    accounting.account(id, accounted(Some(now + Duration::from_secs(1200))));
    assert_eq!(
        accounting
            .due_interims(now + Duration::from_secs(600))
            .len(),
        0
    );
    assert!(accounting.forget(id).is_some());
    assert_eq!(accounting.poll_timeout(), None);
    assert!(accounting.forget(id).is_none());
}
