//! Which description a subscriber's interface reports, and when the VSA goes.

use std::sync::Arc;
use std::time::Instant;

use super::*;
use crate::registry::SessionRef;

fn config(lines: &str) -> RouterConfig {
    crate::test_config(lines)
}

fn pppoe(underlying: &str) -> Subscriber {
    crate::subscriber::radius_options::tests::pppoe_subscriber(1, underlying)
}

fn lns(service: &str, static_unit: Option<u16>) -> Subscriber {
    let access = AccessLeg::L2tp {
        tunnel_id: 1,
        session_id: 2,
        group: "g".into(),
        lac: "lac-s".into(),
    };
    let mut subscriber = Subscriber::without_link(SessionRef(2), access, Instant::now());
    subscriber.service = Some(Arc::from(service));
    subscriber.static_unit = static_unit;
    subscriber
}

const DESCRIBED: &str = "set interfaces ge-1/0/0 description olt-3-uplink\n\
     set interfaces ge-1/0/0 vlan-tagging\n\
     set interfaces ge-1/0/0 unit 100 vlan-id 100\n\
     set interfaces ge-1/0/0 unit 100 description bras-vlan-100\n\
     set interfaces ge-1/0/0 unit 200 vlan-id 200\n\
     set interfaces si-0/0/0 description lns-core\n\
     set interfaces si-0/0/0 unit 5 description wholesale-isp-b\n";

#[test]
fn the_units_description_wins_then_the_ports() {
    let config = config(DESCRIBED);
    assert_eq!(
        text_description(&config, &pppoe("ge-1/0/0.100")),
        Some("bras-vlan-100")
    );
    assert_eq!(
        text_description(&config, &pppoe("ge-1/0/0.200")),
        Some("olt-3-uplink"),
        "a unit without a description: its port's"
    );
    // An auto-sensed VLAN's unit number is beyond any configured unit.
    assert_eq!(
        text_description(&config, &pppoe("ge-1/0/0.1073741824")),
        Some("olt-3-uplink")
    );
    assert_eq!(
        text_description(&config, &lns("si-0/0/0", Some(5))),
        Some("wholesale-isp-b")
    );
    assert_eq!(
        text_description(&config, &lns("si-0/0/0", None)),
        Some("lns-core")
    );
}

#[test]
fn with_no_description_anywhere_there_is_none() {
    let config = config(
        "set interfaces ge-1/0/0 vlan-tagging\n\
         set interfaces ge-1/0/0 unit 100 vlan-id 100\n",
    );
    assert_eq!(text_description(&config, &pppoe("ge-1/0/0.100")), None);
    assert_eq!(text_description(&config, &pppoe("ge-9/9/9.100")), None);
    assert_eq!(text_description(&config, &lns("si-0/0/0", None)), None);
}

#[test]
fn the_vsa_goes_only_with_report_interface_descriptions() {
    let quiet = config(DESCRIBED);
    assert_eq!(interface_desc_attribute(&quiet, Some("olt-3-uplink")), None);
    let reporting = config(&format!(
        "{DESCRIBED}set access report-interface-descriptions\n"
    ));
    assert_eq!(
        interface_desc_attribute(&reporting, Some("olt-3-uplink")),
        Some(Attribute::vendor(4874, 63, "olt-3-uplink"))
    );
    assert_eq!(interface_desc_attribute(&reporting, None), None);
}

/// Junos reports up to 64 characters; a longer description is cut on a character boundary.
#[test]
fn a_long_description_is_cut_at_64_characters() {
    let long = format!("{}é-tail", "x".repeat(63));
    let config = config(&format!("set interfaces ge-1/0/0 description \"{long}\"\n"));
    assert_eq!(
        text_description(&config, &pppoe("ge-1/0/0.0")),
        Some("x".repeat(63).as_str())
    );
}
