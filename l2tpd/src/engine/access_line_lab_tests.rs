//! A subscriber behind a PPPoE intermediate agent (TR-101), in simulated time: the line the
//! agent's tag names reaches the RADIUS server (DSL Forum VSAs, NAS-Port-Id and
//! Calling-Station-Id as the options ask) and `show subscribers detail`; with
//! `access-line-information` on both, the LAC forwards it to the LNS (RFC 5515) and the
//! LNS's requests and view carry it too.

use std::time::Duration;

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::SubscriberShow;

use super::radius_lab_tests::{
    account_or_accept, ip_up, lac_with_radius, lns_with_radius, lns_with_secret,
};
use super::radius_lab_tests::{SECRET, SERVER};
use super::sim_lab::lac_config;
use super::sim_lab::{Lab, RadiusResponder};
use crate::aaa::radius::{attr, code, dsl_forum, AttrKind, Packet};
use crate::pppoe::access_line::AccessLine;

const CIRCUIT: &str = "dslam1 eth 1/1/2:100";
const REMOTE: &str = "cpe-42";

fn dslam_line() -> AccessLine {
    AccessLine {
        circuit_id: Some(CIRCUIT.as_bytes().into()),
        remote_id: Some(REMOTE.as_bytes().into()),
        ..AccessLine::default()
    }
}

fn vsa(packet: &Packet, kind: u8) -> Option<String> {
    let attribute = packet.find(AttrKind::Vendor {
        vendor: dsl_forum::VENDOR,
        kind,
    })?;
    Some(String::from_utf8_lossy(&attribute.value).into_owned())
}

/// The circuit and remote IDs a request carries as DSL Forum VSAs.
fn ids(packet: &Packet) -> (Option<String>, Option<String>) {
    (
        vsa(packet, dsl_forum::AGENT_CIRCUIT_ID),
        vsa(packet, dsl_forum::AGENT_REMOTE_ID),
    )
}

fn both() -> (Option<String>, Option<String>) {
    (Some(CIRCUIT.to_string()), Some(REMOTE.to_string()))
}

fn text(packet: &Packet, kind: u8) -> Option<String> {
    packet
        .string(kind)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// Acct-Status-Type Start and Stop (RFC 2866 §5.1).
const START: u32 = 1;
const STOP: u32 = 2;

/// The first accounting record of `status` among what the server received.
fn accounting(received: &[Packet], status: u32) -> &Packet {
    received
        .iter()
        .find(|p| {
            p.code == code::ACCOUNTING_REQUEST && p.integer(attr::ACCT_STATUS_TYPE) == Some(status)
        })
        .unwrap_or_else(|| panic!("no accounting record of status {status}"))
}

fn detail() -> SubscriberShow {
    SubscriberShow {
        level: Level::Detail,
        ..SubscriberShow::default()
    }
}

fn bring_up_on_line(lab: &mut Lab, user: &str) -> usize {
    let i = lab.add_on_line(user, dslam_line());
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    i
}

#[test]
fn the_agents_ids_reach_radius_and_show_subscribers() {
    let config = lac_with_radius(&format!(
        "set access profile ra radius options nas-port-id-format agent-circuit-id\n\
         set access profile ra radius options nas-port-id-format agent-remote-id\n\
         set access profile ra radius options calling-station-id-format agent-remote-id\n\
         set access profile ra accounting order radius\n\
         set access profile ra radius accounting-server {SERVER}\n"
    ));
    let mut lab = Lab::new(config, lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    let i = bring_up_on_line(&mut lab, "una@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());

    let server = lab.lac_radius.as_ref().unwrap();
    let request = &server.received[0];
    assert_eq!(request.code, code::ACCESS_REQUEST);
    assert_eq!(ids(request), both());
    assert_eq!(
        text(request, attr::NAS_PORT_ID),
        Some(format!("{CIRCUIT}#{REMOTE}"))
    );
    assert_eq!(
        text(request, attr::CALLING_STATION_ID).as_deref(),
        Some(REMOTE)
    );
    let start = accounting(&server.received, START);
    assert_eq!(ids(start), both());

    let rows = lab
        .lac
        .subscribers()
        .show_subscribers(lab.lac.registry(), &detail())
        .expect("rows");
    let row = &rows.subscribers[0];
    assert_eq!(row.agent_circuit_id.as_deref(), Some(CIRCUIT));
    assert_eq!(row.agent_remote_id.as_deref(), Some(REMOTE));
    let brief = SubscriberShow::default();
    let rows = lab
        .lac
        .subscribers()
        .show_subscribers(lab.lac.registry(), &brief)
        .expect("rows");
    assert_eq!(rows.subscribers[0].agent_circuit_id, None, "detail only");

    // The Stop names the line as the Start did.
    lab.subs[i].ppp.close(lab.now);
    lab.settle();
    for _ in 0..10 {
        lab.advance(Duration::from_secs(1));
    }
    let server = lab.lac_radius.as_ref().unwrap();
    let stop = accounting(&server.received, STOP);
    assert_eq!(ids(stop), both());
}

/// `radius attributes exclude acc-loop-cir-id access-request` leaves the circuit ID's VSA
/// out of the Access-Request only; a subscriber without an agent sends neither.
#[test]
fn exclude_and_a_subscriber_without_an_agent_send_no_vsa() {
    let config = lac_with_radius(&format!(
        "set access profile ra radius attributes exclude acc-loop-cir-id access-request\n\
         set access profile ra accounting order radius\n\
         set access profile ra radius accounting-server {SERVER}\n"
    ));
    let mut lab = Lab::new(config, lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    bring_up_on_line(&mut lab, "vic@isp.example");
    let server = lab.lac_radius.as_ref().unwrap();
    let request = &server.received[0];
    assert_eq!(vsa(request, dsl_forum::AGENT_CIRCUIT_ID), None);
    assert_eq!(
        vsa(request, dsl_forum::AGENT_REMOTE_ID).as_deref(),
        Some(REMOTE)
    );
    let start = accounting(&server.received, START);
    assert_eq!(
        vsa(start, dsl_forum::AGENT_CIRCUIT_ID).as_deref(),
        Some(CIRCUIT)
    );

    let i = lab.add_ip("wes@isp.example", "pw");
    lab.settle();
    assert!(ip_up(&lab.subs[i].events).is_some());
    let server = lab.lac_radius.as_ref().unwrap();
    let plain = server
        .received
        .iter()
        .rfind(|p| p.code == code::ACCESS_REQUEST)
        .unwrap();
    assert_eq!(
        text(plain, attr::USER_NAME).as_deref(),
        Some("wes@isp.example")
    );
    assert_eq!(vsa(plain, dsl_forum::AGENT_REMOTE_ID), None);
}

/// An LNS answering Accept to anyone, and taking every accounting record.
fn accept_all(request: &Packet) -> Option<(u8, Vec<crate::aaa::radius::Attribute>)> {
    match request.code {
        code::ACCOUNTING_REQUEST => Some((code::ACCOUNTING_RESPONSE, Vec::new())),
        _ => Some((code::ACCESS_ACCEPT, Vec::new())),
    }
}

fn lns_ids(lab: &Lab) -> (Option<String>, Option<String>) {
    let server = lab.lns_radius.as_ref().unwrap();
    let request = server
        .received
        .iter()
        .find(|p| p.code == code::ACCESS_REQUEST)
        .expect("the LNS's Access-Request");
    ids(request)
}

/// Junos' `access-line-information` on the LAC and the LNS: the ICRQ carries the agent's IDs,
/// the LNS's Access-Request and accounting carry them as DSL Forum VSAs, its view shows them.
#[test]
fn with_access_line_information_the_lns_learns_the_line_from_the_lac() {
    const ON: &str = "set services l2tp access-line-information\n";
    let lns_extra = format!(
        "{ON}set access profile users accounting order radius\n\
         set access profile users radius accounting-server {SERVER}\n"
    );
    let mut lab = Lab::new(lac_config(ON), lns_with_radius(&lns_extra));
    lab.lns_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_all)));
    let i = bring_up_on_line(&mut lab, "xia@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    assert_eq!(lns_ids(&lab), both());
    let server = lab.lns_radius.as_ref().unwrap();
    let start = accounting(&server.received, START);
    assert_eq!(
        vsa(start, dsl_forum::AGENT_CIRCUIT_ID).as_deref(),
        Some(CIRCUIT)
    );
    let rows = lab
        .lns
        .subscribers()
        .show_subscribers(lab.lns.registry(), &detail())
        .expect("rows");
    assert_eq!(
        rows.subscribers[0].agent_circuit_id.as_deref(),
        Some(CIRCUIT)
    );
    assert_eq!(rows.subscribers[0].agent_remote_id.as_deref(), Some(REMOTE));
}

/// Without the statement on the LAC, the ICRQ carries no access line (Junos' default); without
/// it on the LNS, what the LAC sends is not read.
#[test]
fn without_access_line_information_on_either_side_the_lns_knows_no_line() {
    const ON: &str = "set services l2tp access-line-information\n";
    for (lac, lns) in [("", ON), (ON, "")] {
        let mut lab = Lab::new(lac_config(lac), lns_with_radius(lns));
        lab.lns_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_all)));
        let i = bring_up_on_line(&mut lab, "yan@isp.example");
        assert!(ip_up(&lab.subs[i].events).is_some());
        assert_eq!(lns_ids(&lab), (None, None), "LAC {lac:?}, LNS {lns:?}");
    }
}

/// Junos' LAC sends the subscriber's Calling-Station-Id, as its access profile formats it, in
/// the ICRQ's Calling Number AVP (22), which the LNS's requests carry as their
/// Calling-Station-Id: with `calling-station-id-format agent-remote-id` at the LAC, the LNS's
/// Access-Request names the line by the agent's remote ID, as the LAC's did.
#[test]
fn the_icrq_calling_number_is_the_lacs_calling_station_id() {
    let lac = lac_with_radius(
        "set access profile ra radius options calling-station-id-format agent-remote-id\n",
    );
    // The LAC's RADIUS tunnels to the LNS with the tunnel secret `tunnel-pw`.
    let lns = lns_with_radius("set access profile ap client lac-s l2tp shared-secret tunnel-pw\n");
    let mut lab = Lab::new(lac, lns);
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    lab.lns_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_all)));
    let i = bring_up_on_line(&mut lab, "zoe@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let calling_station = |server: &RadiusResponder| {
        let request = server
            .received
            .iter()
            .find(|p| p.code == code::ACCESS_REQUEST)
            .expect("an Access-Request");
        text(request, attr::CALLING_STATION_ID)
    };
    let lac_said = calling_station(lab.lac_radius.as_ref().unwrap());
    assert_eq!(lac_said.as_deref(), Some(REMOTE));
    assert_eq!(
        calling_station(lab.lns_radius.as_ref().unwrap()),
        lac_said,
        "the LNS learns the line as the LAC's RADIUS did"
    );
}
