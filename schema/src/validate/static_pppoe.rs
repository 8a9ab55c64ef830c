//! Commit checks of static PPPoE subscriber interfaces (Juniper, "Configuring a PPPoE Server
//! Interface"): `interfaces pp0 unit N` with `pppoe-options { underlying-interface IFL;
//! server; }`. The underlying unit must exist and carry `encapsulation ppp-over-ether`, as
//! Junos requires of a PPPoE underlying interface. A unit whose `family pppoe` names a
//! `dynamic-profile` gives its sessions dynamic pp0 units; Junos documents no way to say
//! which of the two a PADI would get, so the commit refuses the mix instead of choosing.

use super::Findings;
use crate::tree::{quote_word, Node, NodeId, Path};
use crate::typed::{
    donor_address, Interface, RouterConfig, StaticPppoe, UnitEncapsulation, UnitVlan,
};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The pseudo-interface of PPPoE subscriber units.
const PP0: &str = "pp0";

/// The statements only a pp0 unit takes here, with where they stand below the unit.
const PP0_ONLY: [&[&str]; 5] = [
    &["ppp-options"],
    &["pppoe-options"],
    &["keepalives"],
    &["no-keepalives"],
    &["family", "inet", "unnumbered-address"],
];

pub(super) fn check(root: &Node, config: &RouterConfig, findings: &mut Findings) {
    for (name, interface) in &config.interfaces {
        if name == PP0 {
            let mut peers: BTreeMap<Ipv4Addr, u16> = BTreeMap::new();
            for (number, unit) in &interface.units {
                pp0_unit(
                    config,
                    *number,
                    unit.static_pppoe.as_ref(),
                    &mut peers,
                    findings,
                );
            }
        } else {
            pp0_only_statements(root, name, interface, findings);
        }
    }
}

fn unit_path(interface: &str, number: u16) -> Path {
    vec![
        NodeId::entry("interfaces", interface),
        NodeId::entry("unit", number.to_string()),
    ]
}

/// `ppp-options` and the others configure a PPPoE subscriber's interface: on an Ethernet or
/// `si-` unit they would do nothing.
fn pp0_only_statements(root: &Node, name: &str, interface: &Interface, findings: &mut Findings) {
    for number in interface.units.keys() {
        let path = unit_path(name, *number);
        let Some(unit) = root.get(&path) else {
            continue;
        };
        for statement in PP0_ONLY {
            let (last, parents) = statement.split_last().unwrap_or((&"", &[]));
            let ids: Path = statement.iter().map(|word| NodeId::new(*word)).collect();
            if unit.get(&ids).is_none() {
                continue;
            }
            let mut at = path.clone();
            at.extend(parents.iter().map(|word| NodeId::new(*word)));
            findings.error(
                at,
                *last,
                format!(
                    "{last} is valid only on a static PPPoE interface (pp0) here, not on {name}"
                ),
            );
        }
    }
}

fn pp0_unit(
    config: &RouterConfig,
    number: u16,
    pppoe: Option<&StaticPppoe>,
    peers: &mut BTreeMap<Ipv4Addr, u16>,
    findings: &mut Findings,
) {
    let path = unit_path(PP0, number);
    let Some(pppoe) = pppoe else {
        let interface = vec![NodeId::entry("interfaces", PP0)];
        findings.missing(interface, format!("unit {number}"), "pppoe-options");
        return;
    };
    if !pppoe.server {
        findings.missing(path.clone(), "pppoe-options", "server");
    }
    let mut at = path.clone();
    at.push(NodeId::new("pppoe-options"));
    let statement = format!(
        "underlying-interface {}",
        quote_word(&pppoe.underlying_interface)
    );
    if let Some(why) = underlying_problem(config, &pppoe.underlying_unit()) {
        findings.error(at, statement, why);
    }
    // The router's own address on the unit: the unnumbered donor's.
    let mut own = None;
    if let Some(donor) = pppoe.unnumbered_address.as_deref() {
        match donor_address(&config.interfaces, donor, pppoe.preferred_source_address) {
            Ok(address) => own = Some(address),
            Err(why) => {
                let mut at = path;
                at.extend([NodeId::new("family"), NodeId::new("inet")]);
                findings.error(
                    at,
                    format!("unnumbered-address {}", quote_word(donor)),
                    why.to_string(),
                );
            }
        }
    }
    destination(number, pppoe, own, peers, findings);
}

/// `unnumbered-address IFL destination A`: A is the one subscriber's address, so neither the
/// router's own address on the unit (`own`, the donor's) nor another unit's peer.
fn destination(
    number: u16,
    pppoe: &StaticPppoe,
    own: Option<Ipv4Addr>,
    peers: &mut BTreeMap<Ipv4Addr, u16>,
    findings: &mut Findings,
) {
    let Some(peer) = pppoe.destination else {
        return;
    };
    let donor = pppoe.unnumbered_address.as_deref().unwrap_or_default();
    let why = if own == Some(peer) {
        format!("Destination {peer} is the router's own address on this unit ({donor}'s)")
    } else if let Some(first) = peers.get(&peer) {
        format!("Destination {peer} is already the peer of pp0 unit {first}")
    } else {
        peers.insert(peer, number);
        return;
    };
    let mut at = unit_path(PP0, number);
    at.extend([NodeId::new("family"), NodeId::new("inet")]);
    findings.error(
        at,
        format!(
            "unnumbered-address {} destination {peer}",
            quote_word(donor)
        ),
        why,
    );
}

/// Why `underlying` (`IFD.UNIT`) cannot carry the pp0 unit's PPPoE session, if it cannot.
fn underlying_problem(config: &RouterConfig, underlying: &str) -> Option<String> {
    let (device, unit) = underlying.rsplit_once('.')?;
    let unit_number = unit.parse::<u16>().unwrap_or(u16::MAX);
    let Some(unit) = config
        .interfaces
        .get(device)
        .and_then(|i| i.units.get(&unit_number))
    else {
        return Some(format!("Interface {underlying} is not configured"));
    };
    if unit.encapsulation != Some(UnitEncapsulation::PppOverEther) {
        return Some(format!(
            "Interface {underlying} needs 'encapsulation ppp-over-ether' to carry PPPoE"
        ));
    }
    // Only unit 0 takes untagged frames (validate::pppoe): another unit without a VLAN
    // would never see the client's PADI.
    if unit.vlan == UnitVlan::None && unit_number != 0 {
        return Some(format!(
            "Interface {underlying} takes no PPPoE frames: a unit other than 0 needs vlan-id or vlan-tags"
        ));
    }
    let profile = unit
        .pppoe
        .as_ref()
        .and_then(|f| f.dynamic_profile.as_deref());
    if let Some(profile) = profile {
        return Some(format!(
            "Interface {underlying} gives its PPPoE sessions dynamic interfaces (family pppoe dynamic-profile {profile}): a static pp0 unit cannot also take them"
        ));
    }
    None
}
