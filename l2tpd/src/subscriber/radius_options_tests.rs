//! The attributes each `radius options` statement makes of a subscriber.

use std::time::Instant;

use schema::typed::{
    AcctSessionIdFormat, InterfaceDescriptionFormat, NasPortIdFormat, RadiusOptions,
};

use super::*;
use crate::access_loop::AccessLoop;
use crate::registry::SessionRef;
use crate::subscriber::pppoe_access::UnitId;

/// A PPPoE request without an intermediate agent's tag.
static NO_LINE: AccessLine = AccessLine {
    circuit_id: None,
    remote_id: None,
    access_loop: AccessLoop::NONE,
};

fn dslam_line() -> AccessLine {
    AccessLine {
        circuit_id: Some(b"dslam1 eth 1/1/2:100"[..].into()),
        remote_id: Some(b"cpe-42"[..].into()),
        ..AccessLine::default()
    }
}

fn options(lines: &str) -> RadiusOptions {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines).unwrap();
    let mut config = schema::typed::router_config(&tree);
    config.access_profiles.remove("p").unwrap().radius_options
}

/// A PPPoE subscriber on `underlying` behind the DSLAM of [`dslam_line`] (shared with the
/// interface description's tests).
pub(crate) fn pppoe_subscriber(id: u64, underlying: &str) -> Subscriber {
    let access = AccessLeg::Pppoe {
        unit: UnitId(1),
        session_id: 7,
        mac: [2, 0, 0x5e, 0x10, 0, 1],
        vlans: vec![100],
        tpids: vec![0x8100],
        underlying: underlying.to_string(),
        line: dslam_line(),
    };
    Subscriber::without_link(SessionRef(id), access, Instant::now())
}

#[test]
fn nas_port_id_is_the_interface_alone_unless_a_format_is_chosen() {
    let plain = options("set access profile p authentication-order radius\n");
    assert_eq!(
        nas_port_id(&plain, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "ge-1/2/3.100"
    );
    // Junos' order whatever order the statements were written in.
    let both = options(
        "set access profile p radius options nas-port-id-format interface-description\n\
         set access profile p radius options nas-port-id-format nas-identifier\n",
    );
    assert_eq!(
        nas_port_id(&both, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "lac1#ge-1/2/3.100"
    );
    let delimited = RadiusOptions {
        nas_port_id_format: NasPortIdFormat {
            delimiter: "%".into(),
            ..both.nas_port_id_format.clone()
        },
        ..both
    };
    assert_eq!(
        nas_port_id(&delimited, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "lac1%ge-1/2/3.100"
    );
    let identifier_only =
        options("set access profile p radius options nas-port-id-format nas-identifier\n");
    assert_eq!(
        nas_port_id(&identifier_only, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "lac1"
    );
    // No agent ID in the request: the interface stands in.
    let agent_only =
        options("set access profile p radius options nas-port-id-format agent-circuit-id\n");
    assert_eq!(
        nas_port_id(&agent_only, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "ge-1/2/3.100"
    );
}

/// Junos' default order puts the agent's IDs after the NAS identifier and the interface.
#[test]
fn nas_port_id_carries_the_agents_ids_in_junos_order() {
    let all = options(
        "set access profile p radius options nas-port-id-format agent-remote-id\n\
         set access profile p radius options nas-port-id-format agent-circuit-id\n\
         set access profile p radius options nas-port-id-format interface-description\n\
         set access profile p radius options nas-port-id-format nas-identifier\n",
    );
    assert_eq!(
        nas_port_id(&all, b"lac1", "ge-1/2/3.100", None, &dslam_line()),
        "lac1#ge-1/2/3.100#dslam1 eth 1/1/2:100#cpe-42"
    );
    let remote =
        options("set access profile p radius options nas-port-id-format agent-remote-id\n");
    assert_eq!(
        nas_port_id(&remote, b"lac1", "ge-1/2/3.100", None, &dslam_line()),
        "cpe-42"
    );
}

/// `interface-text-description`: the configured description, after the interface in Junos'
/// default order and wherever `order` puts it; an interface without one adds nothing.
#[test]
fn nas_port_id_carries_the_text_description_where_junos_puts_it() {
    let all = options(
        "set access profile p radius options nas-port-id-format agent-circuit-id
         set access profile p radius options nas-port-id-format interface-text-description
         set access profile p radius options nas-port-id-format interface-description
",
    );
    let described = Some("olt-3 uplink");
    assert_eq!(
        nas_port_id(&all, b"lac1", "ge-1/2/3.100", described, &dslam_line()),
        "ge-1/2/3.100#olt-3 uplink#dslam1 eth 1/1/2:100"
    );
    assert_eq!(
        nas_port_id(&all, b"lac1", "ge-1/2/3.100", None, &dslam_line()),
        "ge-1/2/3.100#dslam1 eth 1/1/2:100"
    );
    let ordered = options(
        "set access profile p radius options nas-port-id-format order nas-identifier
         set access profile p radius options nas-port-id-format order interface-text-description
",
    );
    assert_eq!(
        nas_port_id(&ordered, b"lac1", "ge-1/2/3.100", described, &NO_LINE),
        "lac1#olt-3 uplink"
    );
    let text_only = options(
        "set access profile p radius options nas-port-id-format interface-text-description
",
    );
    assert_eq!(
        nas_port_id(&text_only, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "ge-1/2/3.100",
        "nothing to join: the interface stands in"
    );
}

/// `order V …` (Junos' custom order): the values as the statements list them.
#[test]
fn nas_port_id_order_puts_the_values_in_the_operators_order() {
    let ordered = options(
        "set access profile p radius options nas-port-id-format order agent-remote-id
         set access profile p radius options nas-port-id-format order nas-identifier
         set access profile p radius options nas-port-id-format order agent-circuit-id
         set access profile p radius options nas-port-id-format order interface-description
",
    );
    assert_eq!(
        nas_port_id(&ordered, b"lac1", "ge-1/2/3.100", None, &dslam_line()),
        "cpe-42#lac1#dslam1 eth 1/1/2:100#ge-1/2/3.100"
    );
    // An agent ID the request did not carry is left out, as in the default order.
    assert_eq!(
        nas_port_id(&ordered, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "lac1#ge-1/2/3.100"
    );
}

/// 26-3561-1 and 26-3561-2, each only when the agent gave it.
#[test]
fn the_agents_ids_become_dsl_forum_vsas() {
    assert_eq!(
        agent_attributes(&dslam_line()),
        vec![
            Attribute::vendor(3561, 1, "dslam1 eth 1/1/2:100"),
            Attribute::vendor(3561, 2, "cpe-42"),
        ]
    );
    let circuit_only = AccessLine {
        remote_id: None,
        ..dslam_line()
    };
    assert_eq!(
        agent_attributes(&circuit_only),
        vec![Attribute::vendor(3561, 1, "dslam1 eth 1/1/2:100")]
    );
    assert!(agent_attributes(&NO_LINE).is_empty());
    // On the wire, RFC 4679 §4's layout: 26, length, vendor 3561, type 1, length, the ID.
    let mut wire = Vec::new();
    agent_attributes(&circuit_only)[0].emit(&mut wire).unwrap();
    let mut expected = vec![26, 28, 0, 0, 0x0d, 0xe9, 1, 22];
    expected.extend_from_slice(b"dslam1 eth 1/1/2:100");
    assert_eq!(wire, expected);
}

/// RFC 4679 §4: the line's characteristics follow the IDs, each a vendor-3561 attribute
/// under its sub-option number, the rates as 4-octet bit/s (the tag's kbit/s times 1000).
#[test]
fn the_access_loop_goes_as_dsl_forum_vsas_in_bits_per_second() {
    use crate::access_loop::{Characteristic, ACTUAL_RATE_DOWN, ACTUAL_RATE_UP, ENCAPSULATION};
    let mut line = dslam_line();
    line.access_loop
        .set(ACTUAL_RATE_UP, Characteristic::Rate(1_000_000));
    line.access_loop
        .set(ACTUAL_RATE_DOWN, Characteristic::Rate(16_000_000));
    line.access_loop
        .set(ENCAPSULATION, Characteristic::Encapsulation([2, 1, 0]));
    let attributes = agent_attributes(&line);
    assert_eq!(
        attributes[2..],
        [
            Attribute::vendor(3561, 129, 1_000_000u32.to_be_bytes()),
            Attribute::vendor(3561, 130, 16_000_000u32.to_be_bytes()),
            Attribute::vendor(3561, 144, [2, 1, 0]),
        ]
    );
    // On the wire: 26, 12, vendor 3561, type 130, length 6, 16,000,000.
    let mut wire = Vec::new();
    attributes[3].emit(&mut wire).unwrap();
    assert_eq!(wire, [26, 12, 0, 0, 0x0d, 0xe9, 130, 6, 0, 0xf4, 0x24, 0]);
}

/// Accounting records name the line as the Access-Request does.
#[test]
fn accounting_records_carry_the_agents_ids() {
    let plain = options("set access profile p authentication-order radius\n");
    let subscriber = pppoe_subscriber(1, "ge-1/2/3.100");
    let config = crate::test_config("");
    let carried = accounting_port_attributes(&plain, b"lac1", &subscriber, &config, &dslam_line());
    assert!(carried.contains(&Attribute::vendor(3561, 1, "dslam1 eth 1/1/2:100")));
    assert!(carried.contains(&Attribute::vendor(3561, 2, "cpe-42")));
}

#[test]
fn interface_description_format_drops_the_adapter_and_the_unit() {
    let format = |exclude_adapter, exclude_sub_interface| InterfaceDescriptionFormat {
        exclude_adapter,
        exclude_sub_interface,
    };
    // (exclude-adapter, exclude-sub-interface, interface, description)
    let cases = [
        (false, false, "ge-1/2/3.100:100", "ge-1/2/3.100:100"),
        (false, true, "ge-1/2/3.100:100", "ge-1/2/3:100"),
        (true, false, "ge-1/2/3.100", "ge-1/3.100"),
        (true, true, "ge-1/2/3.100", "ge-1/3"),
        // A Linux device name has no adapter.
        (true, true, "eth1.100", "eth1"),
    ];
    for (adapter, unit, interface, described) in cases {
        assert_eq!(
            interface_description(format(adapter, unit), interface),
            described
        );
    }
    let options = options(
        "set access profile p radius options interface-description-format exclude-sub-interface\n",
    );
    assert_eq!(
        nas_port_id(&options, b"lac1", "ge-1/2/3.100", None, &NO_LINE),
        "ge-1/2/3"
    );
}

#[test]
fn ethernet_subscribers_are_ethernet_unless_the_options_say_otherwise() {
    let plain = options("set access profile p authentication-order radius\n");
    assert_eq!(ethernet_nas_port_type(&plain), NAS_PORT_TYPE_ETHERNET);
    let virtual_ = options("set access profile p radius options ethernet-port-type-virtual\n");
    assert_eq!(ethernet_nas_port_type(&virtual_), NAS_PORT_TYPE_VIRTUAL);
    let xdsl = options(
        "set access profile p radius options ethernet-port-type-virtual\n\
         set access profile p radius options nas-port-type ethernet xdsl\n",
    );
    assert_eq!(ethernet_nas_port_type(&xdsl), 16);
}

/// Every port type the schema offers has its RFC 2865 value here, and nothing else does.
#[test]
fn every_nas_port_type_keyword_has_a_value() {
    let ethernet = schema::table::stmt_at(&[
        "access",
        "profile",
        "radius",
        "options",
        "nas-port-type",
        "ethernet",
    ])
    .unwrap();
    let mut offered: Vec<&str> = ethernet.children.iter().map(|c| c.name).collect();
    let mut known: Vec<&str> = NAS_PORT_TYPES.iter().map(|(name, _)| *name).collect();
    offered.sort_unstable();
    known.sort_unstable();
    assert_eq!(offered, known);
    let mut values: Vec<u32> = NAS_PORT_TYPES.iter().map(|(_, v)| *v).collect();
    values.sort_unstable();
    values.dedup();
    assert_eq!(values.len(), NAS_PORT_TYPES.len(), "one keyword per value");
}

#[test]
fn acct_session_id_is_decimal_or_junos_description_and_fixed_at_first_use() {
    let mut subscriber = pppoe_subscriber(42, "ge-1/2/3.100");
    assert_eq!(acct_session_id(&subscriber), "42");
    assert_eq!(
        &*acct_session_id_as(AcctSessionIdFormat::Description, &subscriber),
        "jnpr ge-1/2/3.100:42"
    );
    let described =
        options("set access profile p radius options accounting-session-id-format description\n");
    fix_acct_session_id(&mut subscriber, &described);
    assert_eq!(acct_session_id(&subscriber), "jnpr ge-1/2/3.100:42");
    // A commit back to decimal does not change the ID of a subscriber already known by it.
    let decimal = options("set access profile p authentication-order radius\n");
    fix_acct_session_id(&mut subscriber, &decimal);
    assert_eq!(acct_session_id(&subscriber), "jnpr ge-1/2/3.100:42");
    let mut other = pppoe_subscriber(43, "ge-1/2/3.100");
    fix_acct_session_id(&mut other, &decimal);
    fix_acct_session_id(&mut other, &described);
    assert_eq!(acct_session_id(&other), "43");
}
