//! A subscriber behind a DSLAM that reports its line's rates in the PPPoE intermediate-agent
//! tag (TR-101), in simulated time: the rates reach the LAC's RADIUS server as DSL Forum
//! VSAs (RFC 4679, bit/s); with `access-line-information` they cross to the LNS in the ICRQ
//! (RFC 5515) and reach its RADIUS server too; with `tx-connect-speed-method pppoe-ia-tag`
//! the ICCN's Tx / Rx Connect Speed are the actual downstream / upstream rates.

use std::time::Duration;

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::SubscriberShow;

use super::radius_lab_tests::{
    account_or_accept, ip_up, lac_with_radius, lns_with_radius, lns_with_secret,
};
use super::radius_lab_tests::{SECRET, SERVER};
use super::sim_lab::lac_config;
use super::sim_lab::{Lab, RadiusResponder};
use crate::aaa::radius::{attr, code, dsl_forum, AttrKind, Attribute, Packet};
use crate::access_loop::{Characteristic, ACTUAL_DELAY_DOWN, ACTUAL_RATE_DOWN, ACTUAL_RATE_UP};
use crate::pppoe::access_line::AccessLine;

const CIRCUIT: &str = "dslam1 eth 1/1/2:100";
/// The DSLAM's figures: 16,000 kbit/s down, 1,000 kbit/s up, 8 ms interleaving down.
const DOWN_BPS: u32 = 16_000_000;
const UP_BPS: u32 = 1_000_000;

fn dsl_line() -> AccessLine {
    let mut line = AccessLine {
        circuit_id: Some(CIRCUIT.as_bytes().into()),
        ..AccessLine::default()
    };
    line.access_loop
        .set(ACTUAL_RATE_DOWN, Characteristic::Rate(u64::from(DOWN_BPS)));
    line.access_loop
        .set(ACTUAL_RATE_UP, Characteristic::Rate(u64::from(UP_BPS)));
    line.access_loop
        .set(ACTUAL_DELAY_DOWN, Characteristic::Delay(8));
    line
}

/// A 4-octet DSL Forum VSA's value.
fn vsa(packet: &Packet, kind: u8) -> Option<u32> {
    let attribute = packet.find(AttrKind::Vendor {
        vendor: dsl_forum::VENDOR,
        kind,
    })?;
    Some(u32::from_be_bytes(
        attribute.value.as_slice().try_into().ok()?,
    ))
}

/// (down, up, delay down) as a request carries them.
fn rates(packet: &Packet) -> (Option<u32>, Option<u32>, Option<u32>) {
    (
        vsa(packet, dsl_forum::ACTUAL_RATE_DOWN),
        vsa(packet, dsl_forum::ACTUAL_RATE_UP),
        vsa(packet, dsl_forum::ACTUAL_DELAY_DOWN),
    )
}

const THE_LINES: (Option<u32>, Option<u32>, Option<u32>) = (Some(DOWN_BPS), Some(UP_BPS), Some(8));

fn bring_up(lab: &mut Lab, user: &str) -> usize {
    let i = lab.add_on_line(user, dsl_line());
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    i
}

fn first(received: &[Packet], code: u8, status: Option<u32>) -> &Packet {
    received
        .iter()
        .find(|p| {
            p.code == code && (status.is_none() || p.integer(attr::ACCT_STATUS_TYPE) == status)
        })
        .expect("the request")
}

/// The LAC's Access-Request and Accounting-Start carry the line's rates in bit/s (the tag's
/// kbit/s times 1000); `exclude act-data-rate-dn` leaves the downstream one out of the Start.
#[test]
fn the_agents_rates_reach_the_lacs_radius_in_bits_per_second() {
    let config = lac_with_radius(&format!(
        "set access profile ra accounting order radius\n\
         set access profile ra radius accounting-server {SERVER}\n\
         set access profile ra radius attributes exclude act-data-rate-dn accounting-start\n"
    ));
    let mut lab = Lab::new(config, lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    let i = bring_up(&mut lab, "ula@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let server = lab.lac_radius.as_ref().unwrap();
    let request = first(&server.received, code::ACCESS_REQUEST, None);
    assert_eq!(rates(request), THE_LINES);
    let start = first(&server.received, code::ACCOUNTING_REQUEST, Some(1));
    assert_eq!(rates(start), (None, Some(UP_BPS), Some(8)));
}

/// An LNS answering Accept to anyone, and taking every accounting record.
fn accept_all(request: &Packet) -> Option<(u8, Vec<Attribute>)> {
    match request.code {
        code::ACCOUNTING_REQUEST => Some((code::ACCOUNTING_RESPONSE, Vec::new())),
        _ => Some((code::ACCESS_ACCEPT, Vec::new())),
    }
}

/// `access-line-information` on both ends and `tx-connect-speed-method pppoe-ia-tag` on the
/// LAC: the LNS's Access-Request carries the rates the LAC forwarded, and its session's
/// connect speeds (`show services l2tp session`) are the line's, not the port's 1 Gbit/s.
#[test]
fn the_rates_cross_to_the_lns_and_become_the_iccns_connect_speeds() {
    const ON: &str = "set services l2tp access-line-information\n";
    let lac = format!("{ON}set services l2tp tx-connect-speed-method pppoe-ia-tag\n");
    let mut lab = Lab::new(lac_config(&lac), lns_with_radius(ON));
    lab.lns_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_all)));
    let i = bring_up(&mut lab, "vic@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let server = lab.lns_radius.as_ref().unwrap();
    assert_eq!(
        rates(first(&server.received, code::ACCESS_REQUEST, None)),
        THE_LINES
    );
    let sessions = lab.lns_sessions();
    let [session] = sessions.as_slice() else {
        panic!("one LNS session: {sessions:?}");
    };
    assert_eq!(
        (session.tx_connect_speed, session.rx_connect_speed),
        (DOWN_BPS, Some(UP_BPS))
    );
    // `show subscribers detail` at the LNS: the rates the LAC forwarded; not in `brief`.
    for (level, expected) in [
        (Level::Detail, (Some(UP_BPS.into()), Some(DOWN_BPS.into()))),
        (Level::Brief, (None, None)),
    ] {
        let show = SubscriberShow {
            level,
            ..SubscriberShow::default()
        };
        let rows = lab
            .lns
            .subscribers()
            .show_subscribers(lab.lns.registry(), &show)
            .expect("rows");
        let row = &rows.subscribers[0];
        assert_eq!(
            (row.actual_data_rate_up, row.actual_data_rate_down),
            expected,
            "{level:?}"
        );
    }
}

/// Without the method the ICCN keeps the port's speed, rates or not.
#[test]
fn without_the_method_the_iccn_keeps_the_ports_speed() {
    let mut lab = Lab::new(
        lac_config("set services l2tp access-line-information\n"),
        lns_with_radius(""),
    );
    lab.lns_radius = Some(RadiusResponder::new(SECRET, Box::new(accept_all)));
    let i = bring_up(&mut lab, "wen@isp.example");
    assert!(ip_up(&lab.subs[i].events).is_some());
    let sessions = lab.lns_sessions();
    assert_eq!(sessions[0].tx_connect_speed, 1_000_000_000);
    // Nor does an LNS without `access-line-information` read the rates.
    let server = lab.lns_radius.as_ref().unwrap();
    assert_eq!(
        rates(first(&server.received, code::ACCESS_REQUEST, None)),
        (None, None, None)
    );
}
