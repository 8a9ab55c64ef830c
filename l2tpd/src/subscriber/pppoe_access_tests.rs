//! The unit policies as a commit sets them: drain, the service-name table and its delayed
//! PADOs through the access layer's timer, short-cycle protection, and the unit MTU.

use super::*;
use crate::pppoe::wire::{Body, Code, Frame, Tag, VlanTag};

const PORT: &str = "veth-pol";
const AC: [u8; 6] = [0x02, 0, 0, 0, 0xac, 0x15];

fn config(lines: &str) -> RouterConfig {
    crate::test_config(lines)
}

fn unit_config(extra: &str) -> RouterConfig {
    config(&format!(
        "set interfaces {PORT} unit 0 family pppoe access-concentrator ac1\n{extra}"
    ))
}

fn access(config: &RouterConfig, now: Instant) -> PppoeAccess {
    let mut access = PppoeAccess::new(now, Box::new(|| [7; 16]));
    access.configure(config);
    access.attach(PORT, PortFacts { mac: AC, mtu: 1500 }, true);
    access
}

fn client(n: u8) -> MacAddr {
    MacAddr([0x02, 0x33, 0, 0, 0, n])
}

fn discovery(who: MacAddr, dst: MacAddr, code: Code, session_id: u16, tags: Vec<Tag>) -> Vec<u8> {
    Frame::discovery(dst, who, &[], code, session_id, tags)
        .to_bytes()
        .unwrap()
}

fn padi(who: MacAddr, service: &str) -> Vec<u8> {
    let tags = vec![Tag::ServiceName(service.as_bytes().to_vec())];
    discovery(who, MacAddr::BROADCAST, Code::Padi, 0, tags)
}

/// What the access layer sent back for one frame.
fn exchange(access: &mut PppoeAccess, bytes: &[u8], now: Instant) -> Vec<FrameOut> {
    let mut out = Vec::new();
    assert_eq!(
        access.handle_frame(PORT, bytes, now, &mut out),
        Received::Consumed
    );
    out
}

/// A discovery reply's code, session ID and tags (the VLAN tests read them too).
pub(super) fn tags_of(out: &FrameOut) -> (Code, u16, Vec<Tag>) {
    match Frame::parse(&out.frame).unwrap().body {
        Body::Discovery {
            code,
            session_id,
            tags,
        } => (code, session_id, tags),
        Body::Session { .. } => panic!("not a discovery frame"),
    }
}

/// PADI and PADR for the empty service: the session id.
fn connect(access: &mut PppoeAccess, who: MacAddr, now: Instant) -> u16 {
    connect_to(access, who, "", now)
}

fn connect_to(access: &mut PppoeAccess, who: MacAddr, service: &str, now: Instant) -> u16 {
    let out = exchange(access, &padi(who, service), now);
    let (_, _, tags) = tags_of(&out[0]);
    let cookie = tags
        .into_iter()
        .find(|t| matches!(t, Tag::AcCookie(_)))
        .unwrap();
    let padr = vec![Tag::ServiceName(service.as_bytes().to_vec()), cookie];
    let out = exchange(
        access,
        &discovery(who, MacAddr(AC), Code::Padr, 0, padr),
        now,
    );
    let (code, session_id, _) = tags_of(&out[0]);
    assert_eq!(code, Code::Pads);
    session_id
}

fn counters(access: &PppoeAccess) -> DiscoveryCounters {
    access.counters().remove(PORT).unwrap_or_default()
}

#[test]
fn drain_in_a_commit_refuses_new_subscribers_and_keeps_those_connected() {
    let now = Instant::now();
    let mut access = access(&unit_config(""), now);
    let session_id = connect(&mut access, client(1), now);

    access.configure(&unit_config("set services l2tp drain\n"));
    assert!(exchange(&mut access, &padi(client(2), ""), now).is_empty());
    assert_eq!(counters(&access).draining_refused, 1);
    assert_eq!(access.session_count(), 1);
    assert!(access.session(UnitId(1), session_id).is_some());

    access.configure(&unit_config(""));
    connect(&mut access, client(2), now);
}

#[test]
fn the_service_name_table_and_its_delay_come_from_the_commit() {
    let now = Instant::now();
    let table = "set interfaces veth-pol unit 0 family pppoe service-name-table t\n\
                 set protocols pppoe service-name-tables t service slow delay 2\n";
    let mut access = access(&unit_config(table), now);
    assert!(exchange(&mut access, &padi(client(1), "slow"), now).is_empty());
    assert!(exchange(&mut access, &padi(client(1), "other"), now).is_empty());
    assert_eq!(access.poll_timeout(), Some(now + Duration::from_secs(2)));

    let mut out = Vec::new();
    access.handle_timeout(now + Duration::from_secs(1), &mut out);
    assert!(out.is_empty());
    access.handle_timeout(now + Duration::from_secs(2), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(&*out[0].port, PORT);
    assert_eq!(tags_of(&out[0]).0, Code::Pado);
    assert_eq!(access.poll_timeout(), None);

    // A commit that changes only the table: the unit keeps its server and follows it.
    let dropped = table.replace("delay 2", "drop");
    access.configure(&unit_config(&dropped));
    assert!(exchange(&mut access, &padi(client(2), "slow"), now).is_empty());
    let counters = counters(&access);
    assert_eq!(
        (
            counters.pado_delayed,
            counters.service_name_refused,
            counters.service_name_dropped
        ),
        (1, 1, 1)
    );
}

#[test]
fn short_cycle_protection_from_the_commit_locks_out_a_fast_reconnect() {
    let now = Instant::now();
    let extra = "set interfaces veth-pol unit 0 family pppoe short-cycle-protection\n";
    let mut access = access(&unit_config(extra), now);
    let session_id = connect(&mut access, client(1), now);
    let padt = discovery(client(1), MacAddr(AC), Code::Padt, session_id, vec![]);
    exchange(&mut access, &padt, now);
    assert!(exchange(&mut access, &padi(client(1), ""), now).is_empty());
    assert_eq!(counters(&access).short_cycle_refused, 1);
}

#[test]
fn short_cycle_lockout_times_come_from_the_commit() {
    let t0 = Instant::now();
    let extra = "set interfaces veth-pol unit 0 family pppoe short-cycle-protection \
                 lockout-time-min 30 lockout-time-max 45\n";
    let mut access = access(&unit_config(extra), t0);
    let short_cycle = |access: &mut PppoeAccess, at: Instant| {
        let session_id = connect(access, client(1), at);
        let padt = discovery(client(1), MacAddr(AC), Code::Padt, session_id, vec![]);
        exchange(access, &padt, at);
    };
    // The first lockout is lockout-time-min, the next doubles up to lockout-time-max: the
    // client is refused until it ends, and answered from then on.
    let secs = Duration::from_secs;
    let t1 = t0 + secs(30);
    for (ended, lockout) in [(t0, 30), (t1, 45)] {
        short_cycle(&mut access, ended);
        for (after, refused) in [(lockout - 1, true), (lockout, false)] {
            let out = exchange(&mut access, &padi(client(1), ""), ended + secs(after));
            assert_eq!(out.is_empty(), refused, "{after} s after a short cycle");
        }
    }
}

#[test]
fn unit_mtu_is_the_ppp_mtu_capped_by_the_link() {
    let cases = [
        (None, 1500, 1492),
        (None, 9000, 8992),
        (None, 1400, 1392),
        (Some(PppoeMtu::UseLowerLayer), 9000, 8992),
        (Some(PppoeMtu::UseLowerLayer), 1400, 1392),
        (Some(PppoeMtu::Bytes(1400)), 1500, 1400),
        (Some(PppoeMtu::Bytes(4000)), 9000, 4000),
        (Some(PppoeMtu::Bytes(9000)), 1500, 1492),
    ];
    for (mtu, link, expected) in cases {
        assert_eq!(
            session_max_payload(mtu, link),
            expected,
            "{mtu:?} on {link}"
        );
    }
}

#[test]
fn unit_mtu_from_the_commit_caps_the_session() {
    let now = Instant::now();
    let extra = "set interfaces veth-pol unit 0 family pppoe mtu 1400\n";
    let mut access = access(&unit_config(extra), now);
    let session_id = connect(&mut access, client(1), now);
    let session = access.session(UnitId(1), session_id).unwrap();
    assert_eq!(session.max_payload, 1400);
}

#[test]
fn service_sessions_are_counted_per_table_entry() {
    let now = Instant::now();
    let table = "set interfaces veth-pol unit 0 family pppoe service-name-table t\n\
                 set protocols pppoe service-name-tables t service gold max-sessions 2\n\
                 set protocols pppoe service-name-tables t service any\n";
    let mut access = access(&unit_config(table), now);
    connect_to(&mut access, client(1), "gold", now);
    connect_to(&mut access, client(2), "silver", now);
    connect_to(&mut access, client(3), "bronze", now);
    let gold = ServiceName::Named("gold".into());
    assert_eq!(access.service_sessions("t", &gold), 1);
    assert_eq!(access.service_sessions("t", &ServiceName::Any), 2);
    assert_eq!(access.service_sessions("other", &gold), 0);
}

#[test]
fn kernel_drops_of_a_port_show_in_its_statistics_until_cleared() {
    let now = Instant::now();
    let mut access = access(&unit_config(""), now);
    access.add_kernel_drops(PORT, 7);
    access.add_kernel_drops(PORT, 5);
    access.add_kernel_drops("not-a-port", 100);
    assert_eq!(counters(&access).kernel_drops, 12);
    assert!(!access.counters().contains_key("not-a-port"));
    access.clear_statistics(Some(PORT));
    assert_eq!(counters(&access).kernel_drops, 0);
}

/// Junos: the service-name-table entry's `dynamic-profile` overrides the unit's
/// `family pppoe dynamic-profile` for sessions asking for that service.
#[test]
fn the_service_entrys_dynamic_profile_overrides_the_units() {
    let config = unit_config(&format!(
        "set interfaces {PORT} unit 0 family pppoe dynamic-profile UNIT-P\n\
         set interfaces {PORT} unit 0 family pppoe service-name-table t\n\
         set protocols pppoe service-name-tables t service video dynamic-profile VIDEO-P\n\
         set protocols pppoe service-name-tables t service any terminate\n"
    ));
    let access = access(&config, Instant::now());
    assert_eq!(
        access.dynamic_profile(UnitId(1), b"video").as_deref(),
        Some("VIDEO-P")
    );
    assert_eq!(
        access.dynamic_profile(UnitId(1), b"internet").as_deref(),
        Some("UNIT-P")
    );
    assert_eq!(access.dynamic_profile(UnitId(2), b"video"), None);
}

/// `vlan-tags outer 0x9100.100 inner 7` takes only frames whose outer tag carries 0x9100; a
/// bare `outer 100` takes the tag under any TPID the router reads.
#[test]
fn a_unit_naming_a_tpid_takes_only_frames_carrying_it() {
    let now = Instant::now();
    let qinq = |outer: u16| {
        let vlans = [
            VlanTag {
                tpid: outer,
                tci: 100,
            },
            VlanTag::dot1q(7),
        ];
        let tags = vec![Tag::ServiceName(vec![])];
        Frame::discovery(MacAddr::BROADCAST, client(1), &vlans, Code::Padi, 0, tags)
            .to_bytes()
            .unwrap()
    };
    for (outer, taken) in [("0x9100.100", [true, false, false]), ("100", [true; 3])] {
        let unit = format!(
            "set interfaces {PORT} stacked-vlan-tagging\n\
             set interfaces {PORT} unit 5 vlan-tags outer {outer} inner 7\n\
             set interfaces {PORT} unit 5 family pppoe\n"
        );
        let mut access = access(&config(&unit), now);
        for (tpid, taken) in [0x9100, 0x88a8, 0x8100].into_iter().zip(taken) {
            let mut out = Vec::new();
            let frame = qinq(tpid);
            let received = access.handle_frame(PORT, &frame, now, &mut out);
            assert_eq!(
                received == Received::Consumed && out.len() == 1,
                taken,
                "outer {outer}, frame under {tpid:#06x}"
            );
        }
    }
}
