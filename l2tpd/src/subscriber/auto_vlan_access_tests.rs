//! Auto-sensed VLANs in the access layer: which frames create a unit, when an unused one
//! goes, and what a commit does to the units it created.

use super::*;
use crate::pppoe::wire::{Code, Frame, Tag, VlanTag};

const PORT: &str = "veth-auto";
const AC: [u8; 6] = [0x02, 0, 0, 0, 0xac, 0x16];

fn config(extra: &str) -> RouterConfig {
    let unit = "set dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    crate::test_config(&format!(
        "set interfaces {PORT} flexible-vlan-tagging\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF accept pppoe\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF ranges 100-199\n\
         {unit} vlan-id \"$junos-vlan-id\"\n\
         {unit} family pppoe dynamic-profile PPPOE\n{extra}"
    ))
}

const REMOVE: &str = "set interfaces veth-auto auto-configure remove-when-no-subscribers\n";

fn attached(config: &RouterConfig, now: Instant) -> PppoeAccess {
    let mut access = PppoeAccess::new(now, Box::new(|| [9; 16]));
    access.configure(config);
    access.attach(PORT, PortFacts { mac: AC, mtu: 1500 }, true);
    access
}

fn frame(vlan: u16, code: Code, dst: MacAddr) -> Vec<u8> {
    frame_with(vlan, code, dst, 0, vec![Tag::ServiceName(vec![])])
}

/// The client's discovery frame on `vlan`.
fn frame_with(vlan: u16, code: Code, dst: MacAddr, session_id: u16, tags: Vec<Tag>) -> Vec<u8> {
    let client = MacAddr([0x02, 0x44, 0, 0, 0, 1]);
    Frame::discovery(dst, client, &[VlanTag::dot1q(vlan)], code, session_id, tags)
        .to_bytes()
        .unwrap()
}

fn padi(vlan: u16) -> Vec<u8> {
    frame(vlan, Code::Padi, MacAddr::BROADCAST)
}

/// The client's PADI and PADR on `vlan`; then, `lived` later, its PADT.
fn session_on(access: &mut PppoeAccess, vlan: u16, now: Instant, lived: Duration) {
    let reply = |access: &mut PppoeAccess, frame: Vec<u8>| {
        let mut out = Vec::new();
        access.handle_frame(PORT, &frame, now, &mut out);
        super::tests::tags_of(&out[0])
    };
    let (_, _, tags) = reply(access, padi(vlan));
    let cookie = tags.into_iter().find(|t| matches!(t, Tag::AcCookie(_)));
    let padr = vec![Tag::ServiceName(vec![]), cookie.expect("an AC-Cookie")];
    let (code, session_id, _) = reply(access, frame_with(vlan, Code::Padr, MacAddr(AC), 0, padr));
    assert_eq!(code, Code::Pads);
    let padt = frame_with(vlan, Code::Padt, MacAddr(AC), session_id, vec![]);
    access.handle_frame(PORT, &padt, now + lived, &mut Vec::new());
}

fn receive(access: &mut PppoeAccess, bytes: &[u8], now: Instant) -> (bool, usize) {
    let mut out = Vec::new();
    let taken = access.handle_frame(PORT, bytes, now, &mut out) != Received::NoUnit;
    (taken, out.len())
}

#[test]
fn only_a_padi_in_a_range_creates_a_unit_and_it_answers() {
    let now = Instant::now();
    let mut access = attached(&config(""), now);
    // A PADR (or anything but a PADI) on an unknown VLAN creates nothing.
    let padr = frame(150, Code::Padr, MacAddr(AC));
    assert_eq!(receive(&mut access, &padr, now), (false, 0));
    assert_eq!(receive(&mut access, &padi(200), now), (false, 0));
    assert!(access.auto_vlans().is_empty());
    // The PADI is answered (PADO) by the new unit, named with Junos' dynamic unit number.
    assert_eq!(receive(&mut access, &padi(150), now), (true, 1));
    let vlans = access.auto_vlans();
    assert_eq!(vlans.len(), 1);
    assert_eq!(vlans[0].name, "veth-auto.1073741824");
    assert_eq!(vlans[0].pppoe_profile.as_deref(), Some("PPPOE"));
    // A second PADI on the same VLAN reaches the same unit.
    assert_eq!(receive(&mut access, &padi(150), now), (true, 1));
    assert_eq!(receive(&mut access, &padi(151), now), (true, 1));
    let names: Vec<String> = access.auto_vlans().into_iter().map(|v| v.name).collect();
    assert_eq!(names, ["veth-auto.1073741824", "veth-auto.1073741825"]);
}

#[test]
fn an_unused_vlan_goes_once_its_cookie_could_no_longer_be_used() {
    let now = Instant::now();
    let mut access = attached(&config(REMOVE), now);
    receive(&mut access, &padi(150), now);
    let due = now + auto_vlan::UNUSED_VLAN_LIFETIME;
    assert_eq!(access.poll_timeout(), Some(due));
    let mut out = Vec::new();
    access.handle_timeout(due - Duration::from_secs(1), &mut out);
    assert_eq!(access.auto_vlans().len(), 1);
    access.handle_timeout(due, &mut out);
    assert!(access.auto_vlans().is_empty());
    assert_eq!(access.poll_timeout(), None);

    // Without remove-when-no-subscribers it stays.
    let mut access = attached(&config(""), now);
    receive(&mut access, &padi(150), now);
    assert_eq!(access.poll_timeout(), None);
    access.handle_timeout(now + Duration::from_secs(3600), &mut out);
    assert_eq!(access.auto_vlans().len(), 1);
}

#[test]
fn a_commit_keeps_vlans_its_ranges_still_take_and_removes_the_others() {
    let now = Instant::now();
    let mut access = attached(&config(""), now);
    receive(&mut access, &padi(150), now);
    receive(&mut access, &padi(190), now);
    // Same ranges plus an unrelated statement: both stay.
    access.configure(&config(REMOVE));
    assert_eq!(access.auto_vlans().len(), 2);
    // The range shrinks below 190: that VLAN goes.
    access.configure(&config(&format!(
        "delete interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF ranges 100-199\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF ranges 100-180\n"
    )));
    let tags: Vec<Vec<u16>> = access.auto_vlans().into_iter().map(|v| v.vlans).collect();
    assert_eq!(tags, [vec![150]]);
    // A static unit now selects VLAN 150: it takes the frames, the dynamic unit goes.
    access.configure(&config(&format!(
        "set interfaces {PORT} unit 150 vlan-id 150\nset interfaces {PORT} unit 150 family pppoe\n"
    )));
    assert!(access.auto_vlans().is_empty());
    assert_eq!(receive(&mut access, &padi(150), now), (true, 1));
    assert!(access.auto_vlans().is_empty());
    // Units 1 and 2 were the VLANs; 3 is the static unit that answered.
    assert_eq!(
        access.unit_name(UnitId(3)).as_deref(),
        Some("veth-auto.150")
    );
}

#[test]
fn a_draining_router_makes_no_vlan() {
    let now = Instant::now();
    let mut access = attached(&config("set services l2tp drain\n"), now);
    assert_eq!(receive(&mut access, &padi(150), now), (false, 0));
    assert!(access.auto_vlans().is_empty());
    access.configure(&config(""));
    assert_eq!(receive(&mut access, &padi(150), now), (true, 1));
}

#[test]
fn a_vlan_is_held_while_its_client_is_locked_out_for_the_configured_time() {
    // The VLAN's own profile locks its clients out for 20 s after a short cycle: with
    // remove-when-no-subscribers the VLAN stays that long (it holds the lockout), no longer.
    let lockout = format!(
        "{REMOVE}set dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \
         \"$junos-interface-unit\" family pppoe short-cycle-protection lockout-time-min 20 \
         lockout-time-max 20\n"
    );
    let t0 = Instant::now();
    let mut access = attached(&config(&lockout), t0);
    let ended = t0 + Duration::from_secs(5);
    session_on(&mut access, 150, t0, Duration::from_secs(5));
    let due = ended + Duration::from_secs(20);
    assert_eq!(access.poll_timeout(), Some(due));
    let mut out = Vec::new();
    access.handle_timeout(due - Duration::from_millis(1), &mut out);
    assert_eq!(access.auto_vlans().len(), 1);
    access.handle_timeout(due, &mut out);
    assert!(access.auto_vlans().is_empty());

    // A session that lived past the short-cycle threshold (60 s) locks nobody out: its VLAN
    // goes when it ends.
    let mut access = attached(&config(&lockout), t0);
    session_on(&mut access, 150, t0, Duration::from_secs(61));
    assert!(access.auto_vlans().is_empty());
    assert_eq!(access.poll_timeout(), None);
}

const AUTHENTICATED: &str = "\
set interfaces veth-auto auto-configure vlan-ranges authentication username-include interface-name\n\
set interfaces veth-auto auto-configure vlan-ranges access-profile A\n\
set access profile A authentication-order radius\n";

/// The VLAN authentication events queued so far.
fn vlan_requests(access: &mut PppoeAccess) -> Vec<u16> {
    std::iter::from_fn(|| access.poll_event())
        .filter_map(|e| match e {
            AccessEvent::VlanAuthentication(r) => Some(auto_vlan::tags_of(r.selector)[0]),
            _ => None,
        })
        .collect()
}

/// An authenticated range asks once per VLAN, drops the VLAN's frames while AAA decides,
/// creates the unit and answers the held PADI on Accept, and holds a refused VLAN down until
/// the hold-down passes or a commit lifts it.
#[test]
fn an_authenticated_range_asks_aaa_once_and_creates_the_vlan_only_on_accept() {
    let now = Instant::now();
    let config = config(AUTHENTICATED);
    let mut access = attached(&config, now);
    let mut out = Vec::new();
    for _ in 0..3 {
        assert_eq!(
            access.handle_frame(PORT, &padi(150), now, &mut out),
            Received::VlanUnauthorized
        );
    }
    assert!(out.is_empty(), "no PADO before AAA answers");
    assert_eq!(vlan_requests(&mut access), [150], "asked once");
    assert!(access.auto_vlans().is_empty());
    access.vlan_authenticated(PORT, VlanSelector::Single(150), true, now, &mut out);
    assert_eq!(access.auto_vlans().len(), 1);
    assert_eq!(out.len(), 1, "the held PADI's PADO");
    assert_eq!(super::tests::tags_of(&out[0]).0, Code::Pado);

    // Refused: held down, not asked again, until the hold-down passes.
    access.handle_frame(PORT, &padi(160), now, &mut out);
    assert_eq!(vlan_requests(&mut access), [160]);
    access.vlan_authenticated(PORT, VlanSelector::Single(160), false, now, &mut out);
    let later = now + VLAN_AUTH_HOLD_DOWN - Duration::from_secs(1);
    assert_eq!(
        access.handle_frame(PORT, &padi(160), later, &mut out),
        Received::VlanUnauthorized
    );
    assert!(vlan_requests(&mut access).is_empty());
    access.handle_frame(PORT, &padi(160), now + VLAN_AUTH_HOLD_DOWN, &mut out);
    assert_eq!(vlan_requests(&mut access), [160]);
    // Refused again; a commit lifts the hold-down at once.
    access.vlan_authenticated(PORT, VlanSelector::Single(160), false, now, &mut out);
    access.configure(&config);
    access.handle_frame(PORT, &padi(160), now, &mut out);
    assert_eq!(vlan_requests(&mut access), [160]);
    assert_eq!(access.auto_vlans().len(), 1, "only the accepted VLAN");
}
