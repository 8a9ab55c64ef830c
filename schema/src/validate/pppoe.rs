//! Semantic checks of VLAN selectors and `family pppoe`.
//!
//! Junos refuses, at commit, a unit whose VLAN statement the interface's tagging mode does
//! not allow and two units of one interface that select the same frames; a PPPoE unit
//! without a VLAN takes the untagged frames, which only unit 0 may do.

use super::Findings;
use crate::tree::{Node, NodeId, Path};
use crate::typed::{Interface, RouterConfig, UnitVlan, VlanTagging};
use std::collections::BTreeMap;

const TAGGING_MODES: [&str; 3] = [
    "vlan-tagging",
    "stacked-vlan-tagging",
    "flexible-vlan-tagging",
];

pub(super) fn check(root: &Node, config: &RouterConfig, findings: &mut Findings) {
    for (name, interface) in &config.interfaces {
        tagging_modes(root, name, findings);
        units(root, name, interface, findings);
        native_vlan(name, interface, findings);
    }
}

/// `native-vlan-id N` gives untagged frames to the unit with `vlan-id N`: it needs the
/// single-tag modes that allow such a unit, and without one the frames go nowhere.
fn native_vlan(name: &str, interface: &Interface, findings: &mut Findings) {
    let Some(id) = interface.native_vlan_id else {
        return;
    };
    let statement = format!("native-vlan-id {id}");
    let single = [VlanTagging::VlanTagging, VlanTagging::FlexibleVlanTagging];
    if !interface.vlan_tagging.is_some_and(|m| single.contains(&m)) {
        findings.error(
            interface_path(name),
            statement,
            format!("Needs vlan-tagging or flexible-vlan-tagging on interface {name}"),
        );
        return;
    }
    let untagged_unit = interface
        .units
        .iter()
        .find(|(_, u)| u.vlan == UnitVlan::None && u.pppoe.is_some());
    if let Some((number, _)) = untagged_unit {
        findings.error(
            interface_path(name),
            statement,
            format!(
                "unit {number} already takes the untagged frames of {name} (it has no vlan-id)"
            ),
        );
    } else if !interface
        .units
        .values()
        .any(|u| u.vlan == UnitVlan::Single(id))
    {
        findings.warn(
            &interface_path(name),
            &statement,
            &format!("no unit of {name} has vlan-id {id}: untagged frames are dropped"),
        );
    }
}

fn interface_path(name: &str) -> Path {
    vec![NodeId::entry("interfaces", name)]
}

fn unit_path(name: &str, unit: u16) -> Path {
    let mut path = interface_path(name);
    path.push(NodeId::entry("unit", unit.to_string()));
    path
}

/// One tagging mode per interface: the typed view cannot tell that two were set.
fn tagging_modes(root: &Node, name: &str, findings: &mut Findings) {
    let Some(node) = root.get(&interface_path(name)) else {
        return;
    };
    let set: Vec<&str> = TAGGING_MODES
        .into_iter()
        .filter(|mode| node.children.contains_key(&NodeId::new(*mode)))
        .collect();
    if let [_, extra @ ..] = set.as_slice() {
        for mode in extra {
            findings.error(
                interface_path(name),
                *mode,
                format!(
                    "Only one of {} may be configured (already: {})",
                    TAGGING_MODES.join(", "),
                    set[0]
                ),
            );
        }
    }
}

fn units(root: &Node, name: &str, interface: &Interface, findings: &mut Findings) {
    let tagging = interface.vlan_tagging;
    let mut selectors: BTreeMap<UnitVlan, u16> = BTreeMap::new();
    for (&number, unit) in &interface.units {
        let path = unit_path(name, number);
        if unit.pppoe.is_some() && name.starts_with("si-") {
            findings.error(
                path.clone(),
                "family pppoe",
                "Not allowed on a service interface (si-): PPPoE runs on Ethernet interfaces",
            );
        }
        let has = |keyword: &str| {
            root.get(&path)
                .is_some_and(|u| u.children.contains_key(&NodeId::new(keyword)))
        };
        if has("vlan-id") && has("vlan-tags") {
            findings.error(
                path.clone(),
                "vlan-tags",
                "vlan-id and vlan-tags cannot both be configured on one unit",
            );
            continue;
        }
        let (statement, allowed) = match unit.vlan {
            UnitVlan::None => {
                if unit.pppoe.is_some() && number != 0 && !name.starts_with("si-") {
                    findings.error(
                        path.clone(),
                        "family pppoe",
                        format!(
                            "unit {number} has no vlan-id or vlan-tags: only unit 0 takes \
                             untagged PPPoE frames"
                        ),
                    );
                }
                continue;
            }
            UnitVlan::Single(id) => (
                format!("vlan-id {id}"),
                [VlanTagging::VlanTagging, VlanTagging::FlexibleVlanTagging],
            ),
            UnitVlan::Stacked { outer, inner } => (
                format!("vlan-tags outer {outer} inner {inner}"),
                [
                    VlanTagging::StackedVlanTagging,
                    VlanTagging::FlexibleVlanTagging,
                ],
            ),
        };
        if !tagging.is_some_and(|mode| allowed.contains(&mode)) {
            let needed = match unit.vlan {
                UnitVlan::Single(_) => "vlan-tagging or flexible-vlan-tagging",
                _ => "stacked-vlan-tagging or flexible-vlan-tagging",
            };
            findings.error(
                path.clone(),
                statement.clone(),
                format!("Needs {needed} on interface {name}"),
            );
        }
        match selectors.get(&unit.vlan) {
            Some(first) => findings.error(
                path,
                statement,
                format!("The same VLAN is already selected by unit {first} of {name}"),
            ),
            None => {
                selectors.insert(unit.vlan, number);
            }
        }
    }
}
