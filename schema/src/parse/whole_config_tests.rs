//! Whole configurations of the kind an operator brings, written as Junos shows them: a BNG
//! whose subscribers arrive on an aggregated Ethernet bundle (member links, native VLAN, a
//! disabled spare port and unit, auto-sensed VLANs into dynamic profiles, the access line
//! sent to the LNS, RADIUS formats with the agent's IDs, a stripped user name) tunnelling to
//! two LNSs; and an LNS with static and dynamic `si-` units, loose reverse-path checking,
//! linked pools with exclusions and address protection. Each loads whole, prints back
//! character for character, commits with exactly the warnings for what the host does
//! instead, and its `| display set` form loads to the same tree.

use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::Node;
use crate::typed::{router_config, UnitVlan};

const BNG: &str = include_str!("testdata/bng-ae-bundle-two-lns.conf");
const LNS: &str = include_str!("testdata/lns-static-units-pools.conf");

/// Loads `text`, checks it prints back as written and that its set form is the same tree;
/// returns the tree and the commit's warnings.
pub(super) fn load_whole(text: &str) -> (Node, Vec<String>) {
    let tree = parse_config(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &tree), text);
    let set = to_set_lines(&[], &tree);
    let again = apply_set_lines(&Node::default(), &set).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, tree, "display set loads to the same tree");
    let warnings = crate::validate::check(&tree).unwrap_or_else(|e| panic!("{e:?}"));
    (tree, warnings)
}

/// The statement each warning names, with its level.
pub(super) fn warned(warnings: &[String]) -> Vec<&str> {
    warnings
        .iter()
        .map(|w| w.split(": statement has no effect").next().unwrap_or(w))
        .collect()
}

#[test]
fn a_bng_on_an_ae_bundle_tunnelling_to_two_lnss_loads_whole() {
    let (tree, warnings) = load_whole(BNG);
    assert_eq!(
        warned(&warnings),
        [
            "warning: [edit] 'chassis'",
            "warning: [edit interfaces xe-0/0/0] 'gigether-options'",
            "warning: [edit interfaces xe-0/0/1] 'gigether-options'",
            "warning: [edit interfaces xe-0/0/3 unit 0 family inet] 'no-redirects'",
            "warning: [edit interfaces ae0] 'aggregated-ether-options'",
        ]
    );
    let config = router_config(&tree);
    let ae0 = &config.interfaces["ae0"];
    assert_eq!(ae0.native_vlan_id, Some(10));
    assert_eq!(ae0.units[&10].vlan, UnitVlan::Single(10));
    assert!(ae0.units[&20].disable && !ae0.disable);
    assert!(config.interfaces["xe-0/0/2"].disable);
    assert!(config.l2tp.access_line_information);
    assert!(config.report_interface_descriptions);
    assert!(
        config.access_profiles["bng-aaa"]
            .radius_options
            .nas_port_id_format
            .interface_text_description
    );
    assert_eq!(config.tunnel_profiles["to-lns"].tunnels.len(), 2);
}

#[test]
fn an_lns_with_static_units_and_linked_pools_loads_whole() {
    let (tree, warnings) = load_whole(LNS);
    assert_eq!(
        warned(&warnings),
        [
            "warning: [edit] 'chassis'",
            "warning: [edit interfaces si-0/0/0] 'hierarchical-scheduler'",
        ]
    );
    let config = router_config(&tree);
    let si = &config.interfaces["si-0/0/0"];
    assert!(si.units[&101].disable && !si.units[&100].disable);
    let profile = &config.dynamic_profiles["LNS-PROF"];
    assert!(profile.interfaces[0].rpf_loose);
}

/// A Junos `system` stanza as a production router shows it, in Junos' order: what the host
/// does instead (resolver, routes, operator logins, host names, time, archives) loads, prints
/// back and is named at commit one statement at a time; the login message, classes and
/// users, the syslog files and the ICMP rate limit are the router's own.
#[test]
fn a_production_system_stanza_loads_whole_and_names_what_the_host_does() {
    let (_, warnings) = load_whole(include_str!("testdata/system-host-level.conf"));
    assert_eq!(
        warned(&warnings),
        [
            "warning: [edit system] 'domain-name'",
            "warning: [edit system] 'domain-search'",
            "warning: [edit system] 'backup-router 198.18.0.254'",
            "warning: [edit system] 'no-redirects'",
            "warning: [edit system] 'no-ping-record-route'",
            "warning: [edit system] 'no-ping-time-stamp'",
            "warning: [edit system] 'arp'",
            "warning: [edit system internet-options] 'icmpv6-rate-limit'",
            "warning: [edit system internet-options] 'no-source-quench'",
            "warning: [edit system internet-options] 'tcp-drop-synfin-set'",
            "warning: [edit system internet-options] 'no-ipv6-path-mtu-discovery'",
            "warning: [edit system internet-options] 'no-tcp-reset'",
            "warning: [edit system] 'authentication-order'",
            "warning: [edit system] 'location'",
            "warning: [edit system] 'ports'",
            "warning: [edit system] 'root-authentication'",
            "warning: [edit system] 'name-server 198.18.53.1'",
            "warning: [edit system] 'name-server 198.18.53.2'",
            "warning: [edit system] 'radius-server 198.18.9.30'",
            "warning: [edit system] 'tacplus-server 198.18.9.31'",
            "warning: [edit system] 'static-host-mapping lns-a'",
            "warning: [edit system login] 'retry-options'",
            "warning: [edit system login class noc] 'login-alarms'",
            "warning: [edit system login user ops] 'uid'",
            "warning: [edit system login] 'password'",
            "warning: [edit system] 'services'",
            "warning: [edit system] 'archival'",
            "warning: [edit system] 'max-configurations-on-flash'",
            "warning: [edit system] 'ntp'",
        ]
    );
}
