//! Commit checks of `interfaces IFD auto-configure`: every range readable and within
//! 1..4094, no two ranges of one interface taking the same tags (which profile would build
//! the VLAN?), the tagging mode that lets the interface see such tags, and a VLAN profile
//! that exists and builds the VLAN's own unit (`"$junos-interface-unit"`), with `family
//! pppoe` when it accepts PPPoE, and takes its tags from the VLAN (`"$junos-vlan-id"`,
//! `"$junos-stacked-vlan-id"`).

use std::collections::BTreeSet;

use super::Findings;
use crate::tree::{NodeId, Path};
use crate::typed::{
    AutoConfigure, ProfileInterface, RouterConfig, VlanRange, VlanRangeProfile, VlanTagging,
};

const UNIT: &str = "$junos-interface-unit";
const IFD: &str = "$junos-interface-ifd-name";
const VLAN_ID: &str = "$junos-vlan-id";
const STACKED_VLAN_ID: &str = "$junos-stacked-vlan-id";

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    // A profile serving several ranges has its tags checked once.
    let mut tags_checked = BTreeSet::new();
    for (name, interface) in &config.interfaces {
        let Some(auto) = &interface.auto_configure else {
            continue;
        };
        tagging(name, interface.vlan_tagging, auto, findings);
        for stacked in [false, true] {
            if let Some(p) = auto.profiles.iter().find(|p| p.stacked == stacked) {
                authentication(config, name, p, findings);
            }
        }
        let mut seen: Vec<(VlanRange, &str, &str)> = Vec::new();
        for p in &auto.profiles {
            let path = profile_path(name, p);
            profile(config, name, p, &path, findings);
            if let Some(unit) = config
                .dynamic_profiles
                .get(&p.profile)
                .and_then(|d| d.vlan_unit(name))
            {
                if tags_checked.insert(&p.profile) {
                    tags_from_the_vlan(&p.profile, unit, findings);
                }
            }
            accepted_types(p, &path, findings);
            for (text, range) in &p.ranges {
                let statement = format!("ranges {text}");
                let Some(range) = range else {
                    let why = VlanRange::parse(text, p.stacked)
                        .err()
                        .unwrap_or_else(|| format!("Invalid VLAN range '{text}'"));
                    findings.error(path.clone(), statement, why);
                    continue;
                };
                if let Some((_, other, owner)) = seen.iter().find(|(r, ..)| r.overlaps(range)) {
                    findings.error(
                        path.clone(),
                        statement,
                        format!(
                            "VLAN range '{text}' overlaps range '{other}' of dynamic-profile {owner}"
                        ),
                    );
                    continue;
                }
                seen.push((*range, text, &p.profile));
            }
        }
    }
}

fn ranges_container(p: &VlanRangeProfile) -> &'static str {
    if p.stacked {
        "stacked-vlan-ranges"
    } else {
        "vlan-ranges"
    }
}

fn profile_path(interface: &str, p: &VlanRangeProfile) -> Path {
    vec![
        NodeId::entry("interfaces", interface),
        NodeId::new("auto-configure"),
        NodeId::new(ranges_container(p)),
        NodeId::entry("dynamic-profile", &p.profile),
    ]
}

/// A range container's `authentication` and `access-profile` (shared by its profiles, so
/// checked once, through its first): the user name needs a part (Junos: "You must include at
/// least one of the optional statements for the username to be valid"), the delimiter may
/// not be `;` (Junos) or blank, and some access profile must do the asking: the ranges' own,
/// else the router's `access-profile` (our rule: without either there is no one to ask).
/// An `access-profile` without `authentication` authenticates nothing: a warning says so.
fn authentication(
    config: &RouterConfig,
    name: &str,
    p: &VlanRangeProfile,
    findings: &mut Findings,
) {
    let at = vec![
        NodeId::entry("interfaces", name),
        NodeId::new("auto-configure"),
        NodeId::new(ranges_container(p)),
    ];
    let Some(auth) = &p.authentication else {
        if p.access_profile.is_some() {
            findings.warn(
                &at,
                "access-profile",
                "statement has no effect: without authentication the ranges' VLANs are created unauthenticated",
            );
        }
        return;
    };
    let mut auth_at = at.clone();
    auth_at.push(NodeId::new("authentication"));
    if !auth.username.has_parts() {
        findings.error(
            auth_at.clone(),
            "username-include",
            "Needs at least one of circuit-id, circuit-type, domain-name, interface-name, radius-realm, remote-id, user-prefix: the VLAN's user name is built from them",
        );
    }
    let delimiter = &auth.username.delimiter;
    if delimiter == ";" || delimiter.trim().is_empty() {
        let mut include = auth_at.clone();
        include.push(NodeId::new("username-include"));
        findings.error(
            include,
            format!("delimiter \"{delimiter}\""),
            "The delimiter may be any one character but ; or a blank",
        );
    }
    if p.access_profile.is_none() && config.access_profile.is_none() {
        findings.error(
            at,
            "authentication",
            "Needs an access profile to authenticate the VLANs with: access-profile here, or the router's [edit access-profile]",
        );
    }
}

/// Single-tag ranges need `vlan-tagging` or `flexible-vlan-tagging`, stacked ones
/// `stacked-vlan-tagging` or `flexible-vlan-tagging`, as units with such tags do.
fn tagging(name: &str, mode: Option<VlanTagging>, auto: &AutoConfigure, findings: &mut Findings) {
    let mut reported = [false; 2];
    for p in &auto.profiles {
        let (allowed, needed) = if p.stacked {
            (
                VlanTagging::StackedVlanTagging,
                "stacked-vlan-tagging or flexible-vlan-tagging",
            )
        } else {
            (
                VlanTagging::VlanTagging,
                "vlan-tagging or flexible-vlan-tagging",
            )
        };
        let ok = mode.is_some_and(|m| m == allowed || m == VlanTagging::FlexibleVlanTagging);
        if ok || std::mem::replace(&mut reported[usize::from(p.stacked)], true) {
            continue;
        }
        findings.error(
            vec![
                NodeId::entry("interfaces", name),
                NodeId::new("auto-configure"),
            ],
            ranges_container(p),
            format!("Needs {needed} on interface {name}"),
        );
    }
}

/// Junos creates VLANs for DHCP and IP packets too; this router's subscribers arrive by
/// PPPoE only, so an IPoE type in `accept` creates nothing: a warning says so, and whether
/// the range still makes VLANs from PPPoE discovery.
fn accepted_types(p: &VlanRangeProfile, path: &Path, findings: &mut Findings) {
    let ipoe = p.accepts_ipoe.join(" ");
    let message = match (p.accepts_pppoe, ipoe.is_empty()) {
        (true, true) => return,
        (false, true) => "statement has no effect: only PPPoE discovery (accept pppoe or any) \
                          creates a VLAN on this router"
            .to_string(),
        (false, false) => format!(
            "statement has no effect: this router has no IPoE subscribers, so {ipoe} packets \
             create no VLAN; only PPPoE discovery (accept pppoe or any) does"
        ),
        (true, false) => format!(
            "statement has no effect for {ipoe}: this router has no IPoE subscribers; this \
             range's VLANs are created by PPPoE discovery only"
        ),
    };
    findings.warn(path, "accept", &message);
}

/// The range's profile exists, names the VLAN's unit, and carries PPPoE when it accepts it.
fn profile(
    config: &RouterConfig,
    interface: &str,
    p: &VlanRangeProfile,
    path: &Path,
    findings: &mut Findings,
) {
    let mut at = path.clone();
    at.pop();
    let statement = format!("dynamic-profile {}", p.profile);
    let Some(profile) = config.dynamic_profiles.get(&p.profile) else {
        findings.error(at, statement, "Referenced dynamic profile is not defined");
        return;
    };
    let Some(unit) = profile.vlan_unit(interface) else {
        findings.error(
            at,
            statement,
            format!(
                "Dynamic profile {} has no interfaces \"{IFD}\" unit \"{UNIT}\" (or demux0 unit \"{UNIT}\" over the port): a VLAN profile builds the VLAN's own unit",
                p.profile
            ),
        );
        return;
    };
    if p.accepts_pppoe && unit.pppoe.is_none() {
        findings.error(
            at,
            statement,
            format!(
                "Dynamic profile {} has no family pppoe on unit \"{UNIT}\": accept pppoe needs it",
                p.profile
            ),
        );
    }
}

/// One profile serves every VLAN of its ranges, so its unit's tags are the VLAN's own: a
/// literal `vlan-id 100` would give each auto-sensed VLAN's unit the same tag, whatever tag
/// its PADI came with.
fn tags_from_the_vlan(profile: &str, unit: &ProfileInterface, findings: &mut Findings) {
    let path = vec![
        NodeId::entry("dynamic-profiles", profile),
        NodeId::entry("interfaces", &unit.name),
        NodeId::entry("unit", &unit.unit),
    ];
    let literal = |written: &Option<String>, wanted: &str| {
        written
            .as_deref()
            .filter(|w| *w != wanted)
            .map(str::to_string)
    };
    let mut refuse = |statement: String, wanted: &str| {
        findings.error(
            path.clone(),
            statement,
            format!("An auto-sensed VLAN's unit takes its tag from the VLAN: use \"{wanted}\""),
        );
    };
    if let Some(id) = literal(&unit.vlan_id, VLAN_ID) {
        refuse(format!("vlan-id {id}"), VLAN_ID);
    }
    if let Some(outer) = literal(&unit.vlan_outer, STACKED_VLAN_ID) {
        refuse(format!("vlan-tags outer {outer}"), STACKED_VLAN_ID);
    }
    if let Some(inner) = literal(&unit.vlan_inner, VLAN_ID) {
        refuse(format!("vlan-tags inner {inner}"), VLAN_ID);
    }
}
