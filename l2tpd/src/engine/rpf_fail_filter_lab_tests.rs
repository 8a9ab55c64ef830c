//! `rpf-check fail-filter` end to end in simulated time (see `sim_lab`), on the engine's
//! slow path: the LNS's dynamic profile names a fail filter; a subscriber's packet from a
//! source that is not its own goes through it instead of being dropped (Junos' "fail-filter
//! (Dynamic Profiles)": the filter determines what happens to the failed packets).

use std::net::Ipv4Addr;
use std::sync::Arc;

use super::firewall_lab_tests::{bring_up, send_up, udp, INTERNET};
use super::sim_lab::{config, lac_config, Lab, LNS_BASE};

/// SPOOF-OK accepts what comes from 198.18.77.0/24 (a customer's own network, routed
/// elsewhere) and counts and discards the rest.
const FAIL_FILTER: &str = "\
set firewall family inet filter SPOOF-OK term customer from source-address 198.18.77.0/24\n\
set firewall family inet filter SPOOF-OK term customer then accept\n\
set firewall family inet filter SPOOF-OK term rest then count failed\n\
set firewall family inet filter SPOOF-OK term rest then discard\n\
set services l2tp tunnel-group g dynamic-profile LNS-PROFILE\n\
set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" keepalives interval 30\n";

const RPF_CHECK: &str = "set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet rpf-check fail-filter SPOOF-OK\n";

#[test]
fn a_packet_that_fails_the_source_check_goes_through_the_fail_filter() {
    let customer = Ipv4Addr::new(198, 18, 77, 5);
    let stranger = Ipv4Addr::new(198, 18, 78, 5);

    // Without a fail filter, both are dropped as spoofed.
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{FAIL_FILTER}")));
    bring_up(&mut lab, "rpf@isp.example");
    let from_customer = udp(customer, INTERNET, 80);
    let from_stranger = udp(stranger, INTERNET, 80);
    assert_eq!(send_up(&mut lab, &[&from_customer, &from_stranger]), vec![]);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.spoofed, 2);

    // With it: the filter accepts the customer's network, and discards the rest (still a
    // spoofed packet, and counted by the filter's term).
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!("{LNS_BASE}{FAIL_FILTER}{RPF_CHECK}")),
    );
    let address = bring_up(&mut lab, "rpf@isp.example");
    let own = udp(address, INTERNET, 80);
    assert_eq!(
        send_up(&mut lab, &[&from_customer, &from_stranger, &own]),
        vec![
            (Arc::from("si-0/0/0"), from_customer),
            (Arc::from("si-0/0/0"), own)
        ]
    );
    let layer = lab.lns.subscribers();
    assert_eq!(layer.lns.ip_drops.spoofed, 1);
    let counted: Vec<(String, u64)> = layer
        .firewall
        .instances(Some("SPOOF-OK"))
        .iter()
        .flat_map(|i| i.counters())
        .map(|(name, count)| (name, count.packets))
        .collect();
    assert_eq!(counted, [("failed".to_string(), 1)]);
}

/// `rpf-check mode loose`: the engine forwards a subscriber's packet from a source not its
/// own to the service interface (whose kernel loose check judges it: rp_filter 2, asked for
/// by the interface's spec), where a strict subscriber's is dropped as spoofed.
#[test]
fn a_loose_subscriber_is_not_held_to_its_own_sources() {
    let stranger = Ipv4Addr::new(198, 18, 78, 5);
    let loose = "set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet rpf-check mode loose\n";
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!("{LNS_BASE}{FAIL_FILTER}{loose}")),
    );
    bring_up(&mut lab, "loose@isp.example");
    let from_stranger = udp(stranger, INTERNET, 80);
    assert_eq!(
        send_up(&mut lab, &[&from_stranger]),
        vec![(Arc::from("si-0/0/0"), from_stranger)]
    );
    assert_eq!(lab.lns.subscribers().lns.ip_drops.spoofed, 0);
    let specs = lab.lns.service_interfaces();
    assert!(specs.iter().all(|s| s.loose_reverse_path), "{specs:?}");

    // Strict (no mode): the same packet is spoofed, and the kernel's check stays off.
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{FAIL_FILTER}")));
    bring_up(&mut lab, "strict@isp.example");
    let from_stranger = udp(stranger, INTERNET, 80);
    assert_eq!(send_up(&mut lab, &[&from_stranger]), vec![]);
    assert_eq!(lab.lns.subscribers().lns.ip_drops.spoofed, 1);
    assert!(lab
        .lns
        .service_interfaces()
        .iter()
        .all(|s| !s.loose_reverse_path));
}
