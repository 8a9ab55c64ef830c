//! A subscriber behind a PPPoE intermediate agent (TR-101), in simulated time: the line the
//! agent's tag names reaches the RADIUS server (DSL Forum VSAs, NAS-Port-Id and
//! Calling-Station-Id as the options ask) and `show subscribers detail`.

use std::time::Duration;

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::SubscriberShow;

use super::radius_lab_tests::{account_or_accept, ip_up, lac_with_radius, lns_with_secret};
use super::radius_lab_tests::{SECRET, SERVER};
use super::sim_lab::{Lab, RadiusResponder};
use crate::aaa::radius::{attr, code, dsl_forum, AttrKind, Packet};
use crate::pppoe::access_line::AccessLine;

const CIRCUIT: &str = "dslam1 eth 1/1/2:100";
const REMOTE: &str = "cpe-42";

fn dslam_line() -> AccessLine {
    AccessLine {
        circuit_id: Some(CIRCUIT.as_bytes().into()),
        remote_id: Some(REMOTE.as_bytes().into()),
    }
}

fn vsa(packet: &Packet, kind: u8) -> Option<String> {
    let attribute = packet.find(AttrKind::Vendor {
        vendor: dsl_forum::VENDOR,
        kind,
    })?;
    Some(String::from_utf8_lossy(&attribute.value).into_owned())
}

fn text(packet: &Packet, kind: u8) -> Option<String> {
    packet
        .string(kind)
        .map(|v| String::from_utf8_lossy(v).into_owned())
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
    assert_eq!(
        vsa(request, dsl_forum::AGENT_CIRCUIT_ID).as_deref(),
        Some(CIRCUIT)
    );
    assert_eq!(
        vsa(request, dsl_forum::AGENT_REMOTE_ID).as_deref(),
        Some(REMOTE)
    );
    assert_eq!(
        text(request, attr::NAS_PORT_ID),
        Some(format!("{CIRCUIT}#{REMOTE}"))
    );
    assert_eq!(
        text(request, attr::CALLING_STATION_ID).as_deref(),
        Some(REMOTE)
    );
    let start = server
        .received
        .iter()
        .find(|p| p.code == code::ACCOUNTING_REQUEST)
        .expect("a Start");
    assert_eq!(
        vsa(start, dsl_forum::AGENT_CIRCUIT_ID).as_deref(),
        Some(CIRCUIT)
    );
    assert_eq!(
        vsa(start, dsl_forum::AGENT_REMOTE_ID).as_deref(),
        Some(REMOTE)
    );

    let detail = SubscriberShow {
        level: Level::Detail,
        ..SubscriberShow::default()
    };
    let rows = lab
        .lac
        .subscribers()
        .show_subscribers(lab.lac.registry(), &detail)
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
    let start = server
        .received
        .iter()
        .find(|p| p.code == code::ACCOUNTING_REQUEST)
        .expect("a Start");
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
    assert_eq!(text(plain, attr::USER_NAME).as_deref(), Some("wes@isp.example"));
    assert_eq!(vsa(plain, dsl_forum::AGENT_REMOTE_ID), None);
}
