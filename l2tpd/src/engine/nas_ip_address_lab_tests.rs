//! NAS-IP-Address (attribute 4) in the routers' Access- and Accounting-Requests, in
//! simulated time: the address a request leaves from (the server's `source-address`, else
//! the one the lab's network gives each router: its tunnel address), and at the LNS `radius
//! options override nas-ip-address tunnel-client-gateway-address`: the LAC's.

use std::net::Ipv4Addr;

use super::radius_lab_tests::{
    account_or_accept, bring_up, ip_up, lac_with_radius, SECRET, SERVER,
};
use super::session_options_lab_tests::lns_lab;
use super::sim_lab::{Lab, RadiusResponder, LAC, LNS};
use crate::aaa::radius::{attr, code, AttrKind, Packet};

/// The NAS-IP-Address of the first Access-Request and of the Accounting-Start `received`,
/// each checked to be the only one of its packet.
fn nas_addresses(received: &[Packet]) -> (Ipv4Addr, Ipv4Addr) {
    let of = |code| {
        let packet = received
            .iter()
            .find(|p| p.code == code)
            .unwrap_or_else(|| panic!("a request of code {code}: {received:?}"));
        let all: Vec<_> = packet
            .find_all(AttrKind::Standard(attr::NAS_IP_ADDRESS))
            .collect();
        assert_eq!(all.len(), 1, "one NAS-IP-Address: {packet:?}");
        packet.ipv4(attr::NAS_IP_ADDRESS).expect("an address")
    };
    (of(code::ACCESS_REQUEST), of(code::ACCOUNTING_REQUEST))
}

fn ip(text: &str) -> Ipv4Addr {
    text.parse().expect("an address")
}

#[test]
fn the_lacs_requests_carry_the_address_they_leave_from_or_the_servers_source_address() {
    let accounting = format!(
        "set access profile ra accounting order radius\n\
         set access profile ra radius accounting-server {SERVER}\n"
    );
    for (extra, expected) in [
        (String::new(), ip(LAC)),
        (
            format!("set access radius-server {SERVER} source-address 127.0.0.81\n"),
            ip("127.0.0.81"),
        ),
    ] {
        let mut lab = Lab::new(
            lac_with_radius(&format!("{accounting}{extra}")),
            super::radius_lab_tests::lns_with_secret(""),
        );
        lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
        let i = bring_up(&mut lab, "nia@isp.example");
        assert!(ip_up(&lab.subs[i].events).is_some(), "{extra}");
        let received = &lab.lac_radius.as_ref().expect("server").received;
        assert_eq!(nas_addresses(received), (expected, expected), "{extra}");
    }
}

#[test]
fn the_lns_override_sends_the_lacs_tunnel_address_as_nas_ip_address() {
    let accounting = format!(
        "set access profile users accounting order radius\n\
         set access profile users radius accounting-server {SERVER}\n"
    );
    for (extra, expected) in [
        ("", ip(LNS)),
        (
            "set access profile users radius options override nas-ip-address \
             tunnel-client-gateway-address\n",
            ip(LAC),
        ),
    ] {
        let mut lab = lns_lab(&format!("{accounting}{extra}"), Vec::new());
        let i = bring_up(&mut lab, "otto@isp.example");
        assert!(ip_up(&lab.subs[i].events).is_some(), "{extra}");
        let received = &lab.lns_radius.as_ref().expect("server").received;
        assert_eq!(nas_addresses(received), (expected, expected), "{extra}");
    }
}
