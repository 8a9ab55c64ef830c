//! NAS-Port (attribute 5) of a PPPoE subscriber at the LAC, in simulated time (`sim_lab`):
//! packed as `nas-port-extended-format` asks (`subscriber::nas_port`) in the Access-Request
//! and the accounting Start, left out where `radius attributes exclude nas-port` says, and
//! not sent without the format (Junos' default layout is not documented).

use std::time::Duration;

use super::radius_lab_tests::{
    account_or_accept, ip_up, lac_with_radius_on, lns_with_secret, SECRET, SERVER,
};
use super::sim_lab::{Lab, RadiusResponder, PORT};
use crate::aaa::radius::{attr, code, Packet};
use crate::pppoe::wire::VlanTag;

/// A LAC whose subscribers come tagged with VLAN 100 on unit 100 of `veth-sub`, asking
/// RADIUS and accounting to it; `extra`: more of the profile `ra`.
fn lab(extra: &str) -> Lab {
    let config = lac_with_radius_on(
        &format!(
            "set interfaces {PORT} vlan-tagging\n\
             set interfaces {PORT} unit 100 vlan-id 100\n\
             set interfaces {PORT} unit 100 family pppoe access-concentrator lac-s\n"
        ),
        &format!(
            "set access profile ra accounting order radius\n\
             set access profile ra radius accounting-server {SERVER}\n{extra}"
        ),
    );
    let mut lab = Lab::new(config, lns_with_secret(""));
    lab.lac_radius = Some(RadiusResponder::new(SECRET, Box::new(account_or_accept)));
    let i = lab.add_tagged("nina@isp.example", vec![VlanTag::dot1q(100)]);
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    assert!(
        ip_up(&lab.subs[i].events).is_some(),
        "{:?}",
        lab.subs[i].events
    );
    lab
}

/// The NAS-Port of the Access-Request and of the accounting Start.
fn nas_ports(lab: &Lab) -> (Option<u32>, Option<u32>) {
    let received = &lab.lac_radius.as_ref().expect("the server").received;
    let of = |kind| {
        received
            .iter()
            .find(|p: &&Packet| p.code == kind)
            .unwrap_or_else(|| panic!("a request of code {kind}: {received:?}"))
            .integer(attr::NAS_PORT)
    };
    (of(code::ACCESS_REQUEST), of(code::ACCOUNTING_REQUEST))
}

/// `veth-sub` is a Linux name without a number: slot, adapter and port 0; VLAN 100 in the
/// low 12 bits, the port's 8 bits above it (0), and the S-VLAN not packed (no `stacked`).
#[test]
fn a_pppoe_subscribers_requests_carry_the_nas_port_the_extended_format_packs() {
    let packed = lab(
        "set access profile ra radius options nas-port-extended-format slot-width 4\n\
         set access profile ra radius options nas-port-extended-format adapter-width 4\n\
         set access profile ra radius options nas-port-extended-format port-width 8\n\
         set access profile ra radius options nas-port-extended-format vlan-width 12\n",
    );
    assert_eq!(nas_ports(&packed), (Some(100), Some(100)));
    // Only the VLAN's 4 low bits: 100 is 0b110_0100.
    let narrow =
        lab("set access profile ra radius options nas-port-extended-format vlan-width 4\n");
    assert_eq!(nas_ports(&narrow), (Some(4), Some(4)));
    let without = lab("");
    assert_eq!(nas_ports(&without), (None, None));
}

/// `radius attributes exclude nas-port access-request` applies to the finished request: the
/// Start still carries it.
#[test]
fn exclude_nas_port_leaves_it_out_of_the_messages_it_names() {
    let excluded = lab(
        "set access profile ra radius options nas-port-extended-format vlan-width 12\n\
         set access profile ra radius attributes exclude nas-port access-request\n",
    );
    assert_eq!(nas_ports(&excluded), (None, Some(100)));
}
