//! Authenticated auto-sensed VLANs end to end in simulated time (see `sim_lab`): with the
//! range's `authentication`, the first PADI on a new VLAN sends an Access-Request named as
//! `username-include` builds it; the VLAN exists only once RADIUS accepts, and the held PADI
//! then gets its PADO; a Reject leaves no VLAN and no PADO, and the VLAN is not asked for
//! again until the hold-down has passed.

use std::time::Duration;

use super::auto_vlan_lab_tests::{checked_lab, vlan_profiles};
use super::radius_lab_tests::{SECRET, SERVER};
use super::sim_lab::{Lab, RadiusResponder, PORT};
use crate::aaa::radius::{attr, code, unhide_user_password, Packet};
use crate::pppoe::access_line::AccessLine;
use crate::pppoe::client::ClientState;
use crate::pppoe::wire::VlanTag;
use crate::subscriber::pppoe_access::VLAN_AUTH_HOLD_DOWN;
use crate::subscriber::table::Phase;

const CIRCUIT: &str = "dslam1 eth 1/1/2:150";

fn authenticated_lab() -> Lab {
    let ranges = format!("set interfaces {PORT} auto-configure vlan-ranges");
    let auth = format!(
        "{ranges} access-profile VLAN-AAA\n\
         {ranges} authentication password vlan-secret\n\
         {ranges} authentication username-include user-prefix bng1\n\
         {ranges} authentication username-include circuit-id\n\
         {ranges} authentication username-include interface-name\n\
         {ranges} authentication username-include domain-name vlan.example\n\
         set access profile VLAN-AAA authentication-order radius\n\
         set access profile VLAN-AAA radius authentication-server {SERVER}\n\
         set access radius-server {SERVER} secret {SECRET}\n\
         set access radius-server {SERVER} timeout 2\n\
         set access radius-server {SERVER} retry 1\n\
         set access radius-server {SERVER} message-authenticator optional\n"
    );
    checked_lab(&vlan_profiles("100-199", &auth))
}

/// RADIUS answering VLAN requests with `answer` (the subscriber's own PPP authentication
/// never reaches it: its domain map asks no RADIUS).
fn radius(answer: u8) -> RadiusResponder {
    RadiusResponder::new(SECRET, Box::new(move |_| Some((answer, Vec::new()))))
}

fn user_name(request: &Packet) -> String {
    String::from_utf8_lossy(request.string(attr::USER_NAME).expect("User-Name")).into_owned()
}

/// Frames the port dropped on a VLAN awaiting (or refused by) AAA.
fn held_frames(lab: &Lab) -> u64 {
    lab.lac
        .subscribers()
        .access
        .counters()
        .remove(PORT)
        .unwrap_or_default()
        .vlan_awaiting_aaa
}

fn on_vlan_150(lab: &mut Lab) -> usize {
    let line = AccessLine {
        circuit_id: Some(CIRCUIT.as_bytes().into()),
        remote_id: None,
        ..AccessLine::default()
    };
    lab.add_tagged_on_line("alice@isp.example", vec![VlanTag::dot1q(150)], line)
}

#[test]
fn the_vlan_is_created_only_once_radius_accepts_it_and_the_held_padi_gets_its_pado() {
    let mut lab = authenticated_lab();
    let mut server = radius(code::ACCESS_ACCEPT);
    server.hold = true;
    lab.lac_radius = Some(server);
    let i = on_vlan_150(&mut lab);
    lab.settle();
    // The client retransmits its PADI while RADIUS thinks: one request, no VLAN, no PADO.
    lab.advance(Duration::from_secs(1));
    let lac = lab.lac.subscribers();
    assert!(lac.access.auto_vlans().is_empty());
    assert_eq!(lac.access.vlans_awaiting_aaa(), 1);
    assert!(
        held_frames(&lab) >= 1,
        "the retransmission is dropped, and counted on the port"
    );
    assert_eq!(lab.subs[i].pppoe.state(), ClientState::Discovering);
    let server = lab.lac_radius.as_ref().expect("server");
    assert_eq!(server.received.len(), 1, "asked once");
    let request = &server.received[0];
    assert_eq!(request.code, code::ACCESS_REQUEST);
    assert_eq!(
        user_name(request),
        format!("bng1.{CIRCUIT}.{PORT}:0150@vlan.example"),
        "user-prefix, the agent's circuit ID, interface-name, then @domain-name"
    );
    let hidden = request.string(attr::USER_PASSWORD).expect("User-Password");
    assert_eq!(
        unhide_user_password(hidden, SECRET.as_bytes(), &request.authenticator).ok(),
        Some(b"vlan-secret".to_vec())
    );

    // The Accept creates the VLAN and answers the held PADI: the subscriber comes up on it.
    let now = lab.now;
    let released = lab
        .lac_radius
        .as_mut()
        .expect("server")
        .release(now, &mut lab.lac);
    assert_eq!(released, 1);
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    let lac = lab.lac.subscribers();
    let vlans = lac.access.auto_vlans();
    assert_eq!(vlans.len(), 1, "{vlans:?}");
    assert_eq!(vlans[0].vlans, [150]);
    assert_eq!(lac.access.vlans_awaiting_aaa(), 0);
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(
        lab.lac_radius.as_ref().expect("server").received.len(),
        1,
        "the subscriber's own login asks no RADIUS here"
    );
}

#[test]
fn a_reject_creates_no_vlan_sends_no_pado_and_is_not_asked_again_until_the_hold_down_passes() {
    let mut lab = authenticated_lab();
    lab.lac_radius = Some(radius(code::ACCESS_REJECT));
    let i = on_vlan_150(&mut lab);
    lab.settle();
    // The client's PADI retransmissions until it gives up (1 + 2 + 4 + 8 s).
    for _ in 0..20 {
        lab.advance(Duration::from_secs(1));
    }
    let lac = lab.lac.subscribers();
    assert!(lac.access.auto_vlans().is_empty());
    assert_eq!(lac.access.vlans_awaiting_aaa(), 0);
    assert!(lac.table.iter().next().is_none(), "no subscriber");
    // `show pppoe statistics` counts them on the port.
    assert!(held_frames(&lab) >= 3, "{}", held_frames(&lab));
    assert_eq!(
        lab.subs[i].pppoe.counters().padr_sent,
        0,
        "no PADO (a PADO is answered by a PADR)"
    );
    assert_ne!(lab.subs[i].pppoe.state(), ClientState::Session);
    assert_eq!(
        lab.lac_radius.as_ref().expect("server").received.len(),
        1,
        "the retransmitted PADIs do not ask again"
    );

    // Past the hold-down a new PADI asks again.
    lab.advance(VLAN_AUTH_HOLD_DOWN);
    on_vlan_150(&mut lab);
    lab.settle();
    assert_eq!(lab.lac_radius.as_ref().expect("server").received.len(), 2);
    assert!(lab.lac.subscribers().access.auto_vlans().is_empty());
}

#[test]
fn without_an_answer_the_vlan_is_held_down_as_if_refused() {
    let mut lab = authenticated_lab();
    // No server in the lab: the requests are lost, the client's retries run out.
    on_vlan_150(&mut lab);
    lab.settle();
    for _ in 0..10 {
        lab.advance(Duration::from_secs(1));
    }
    let lac = lab.lac.subscribers();
    assert!(lac.access.auto_vlans().is_empty());
    assert_eq!(
        lac.access.vlans_awaiting_aaa(),
        0,
        "the VLAN is no longer waiting"
    );
    assert_eq!(lac.aaa.stats.auth_timeouts, 1);
}
