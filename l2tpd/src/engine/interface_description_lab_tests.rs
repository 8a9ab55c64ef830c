//! `access report-interface-descriptions` and `nas-port-id-format interface-text-description`
//! in simulated time: the configured description of the subscriber's access interface (its
//! unit's, else its port's) reaches the RADIUS server in VSA 26-4874-63 and the NAS-Port-Id,
//! in the Access-Request and every accounting record; `radius attributes exclude
//! interface-description` leaves the VSA out of the messages it names.

use std::time::Duration;

use super::radius_lab_tests::{
    account_or_accept, ip_up, lac_with_radius, lns_with_radius, SECRET, SERVER,
};
use super::sim_lab::{lac_config, Lab, RadiusResponder, PORT};
use crate::aaa::radius::{attr, code, erx, AttrKind, Attribute, Packet};
use crate::pppoe::access_line::AccessLine;

const CIRCUIT: &str = "olt-3 pon 1/1/7";

fn line() -> AccessLine {
    AccessLine {
        circuit_id: Some(CIRCUIT.as_bytes().into()),
        ..AccessLine::default()
    }
}

/// The Interface-Desc VSA a request carries.
fn desc(packet: &Packet) -> Option<String> {
    let attribute = packet.find(AttrKind::Vendor {
        vendor: erx::VENDOR,
        kind: erx::INTERFACE_DESC,
    })?;
    Some(String::from_utf8_lossy(&attribute.value).into_owned())
}

fn port_id(packet: &Packet) -> Option<String> {
    packet
        .string(attr::NAS_PORT_ID)
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

fn first(received: &[Packet], which: impl Fn(&Packet) -> bool) -> &Packet {
    received.iter().find(|p| which(p)).expect("the request")
}

fn access_request(received: &[Packet]) -> &Packet {
    first(received, |p| p.code == code::ACCESS_REQUEST)
}

/// Acct-Status-Type Start (RFC 2866 §5.1).
fn start(received: &[Packet]) -> &Packet {
    first(received, |p| {
        p.code == code::ACCOUNTING_REQUEST && p.integer(attr::ACCT_STATUS_TYPE) == Some(1)
    })
}

fn lab_with(extra: &str) -> Lab {
    let config = lac_with_radius(&format!(
        "set access profile ra accounting order radius\n\
         set access profile ra radius accounting-server {SERVER}\n{extra}"
    ));
    let mut lab = Lab::new(config, super::radius_lab_tests::lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    let i = lab.add_on_line("una@isp.example", line());
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    assert!(ip_up(&lab.subs[i].events).is_some(), "the subscriber is up");
    lab
}

fn received(lab: &Lab) -> &[Packet] {
    &lab.lac_radius.as_ref().expect("the LAC's server").received
}

#[test]
fn the_units_description_reaches_radius_in_the_vsa_and_the_nas_port_id() {
    let lab = lab_with(&format!(
        "set interfaces {PORT} description \"olt-3 uplink\"\n\
         set interfaces {PORT} unit 0 description bras-vlan-0\n\
         set access report-interface-descriptions\n\
         set access profile ra radius options nas-port-id-format interface-text-description\n\
         set access profile ra radius options nas-port-id-format agent-circuit-id\n"
    ));
    let request = access_request(received(&lab));
    assert_eq!(desc(request).as_deref(), Some("bras-vlan-0"));
    // Junos' default order: the text description before the agent's circuit ID.
    assert_eq!(
        port_id(request).as_deref(),
        Some(format!("bras-vlan-0#{CIRCUIT}").as_str())
    );
    let start = start(received(&lab));
    assert_eq!(desc(start).as_deref(), Some("bras-vlan-0"));
    assert_eq!(port_id(start), port_id(request));
}

#[test]
fn a_unit_without_a_description_reports_its_ports() {
    let lab = lab_with(&format!(
        "set interfaces {PORT} description olt-3-uplink\n\
         set access report-interface-descriptions\n\
         set access profile ra radius options nas-port-id-format order interface-text-description\n\
         set access profile ra radius options nas-port-id-format order interface-description\n"
    ));
    let request = access_request(received(&lab));
    assert_eq!(desc(request).as_deref(), Some("olt-3-uplink"));
    assert_eq!(
        port_id(request).as_deref(),
        Some(format!("olt-3-uplink#{PORT}.0").as_str())
    );
}

/// Without `report-interface-descriptions` no VSA (the NAS-Port-Id value is its own
/// statement); with no description anywhere, neither the VSA nor an empty NAS-Port-Id part.
#[test]
fn without_the_statement_or_a_description_nothing_is_reported() {
    let lab = lab_with(&format!(
        "set interfaces {PORT} unit 0 description bras-vlan-0\n\
         set access profile ra radius options nas-port-id-format interface-text-description\n"
    ));
    let request = access_request(received(&lab));
    assert_eq!(desc(request), None);
    assert_eq!(port_id(request).as_deref(), Some("bras-vlan-0"));

    let lab = lab_with(
        "set access report-interface-descriptions\n\
         set access profile ra radius options nas-port-id-format interface-text-description\n\
         set access profile ra radius options nas-port-id-format agent-circuit-id\n",
    );
    let request = access_request(received(&lab));
    assert_eq!(desc(request), None);
    assert_eq!(port_id(request).as_deref(), Some(CIRCUIT));
}

#[test]
fn exclude_interface_description_leaves_the_vsa_out_of_the_messages_named() {
    let lab = lab_with(&format!(
        "set interfaces {PORT} unit 0 description bras-vlan-0\n\
         set access report-interface-descriptions\n\
         set access profile ra radius attributes exclude interface-description access-request\n"
    ));
    assert_eq!(desc(access_request(received(&lab))), None);
    assert_eq!(desc(start(received(&lab))).as_deref(), Some("bras-vlan-0"));
}

/// At the LNS the subscriber's interface is its `si-` interface: its description.
#[test]
fn the_lns_reports_its_service_interfaces_description() {
    let lns = lns_with_radius(
        "set interfaces si-0/0/0 description lns-core-1\n\
         set access report-interface-descriptions\n",
    );
    let mut lab = Lab::new(lac_config(""), lns);
    lab.lns_radius = Some(RadiusResponder::new(
        SECRET,
        Box::new(|request: &Packet| -> Option<(u8, Vec<Attribute>)> {
            match request.code {
                code::ACCOUNTING_REQUEST => Some((code::ACCOUNTING_RESPONSE, Vec::new())),
                _ => Some((code::ACCESS_ACCEPT, Vec::new())),
            }
        }),
    ));
    let i = lab.add_on_line("vic@isp.example", line());
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    assert!(ip_up(&lab.subs[i].events).is_some());
    let server = lab.lns_radius.as_ref().unwrap();
    assert_eq!(
        desc(access_request(&server.received)).as_deref(),
        Some("lns-core-1")
    );
}
