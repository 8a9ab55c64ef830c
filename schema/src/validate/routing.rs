//! Semantic checks of `[edit routing-instances]`: usable names, an interface in at most one
//! instance (a Linux device has one VRF master), and no two instances meeting on a VRF
//! device name or a routing table id (both are derived from the name, see
//! `typed::vrf_device_name` and `typed::vrf_table_id`).

use super::Findings;
use crate::tree::{NodeId, Path};
use crate::typed::{
    instance_name_problem, interface_device, vrf_device_name, vrf_table_id, RouterConfig,
};
use std::collections::BTreeMap;

fn instance_path(name: &str) -> Path {
    vec![NodeId::entry("routing-instances", name)]
}

/// A statement naming a routing instance (`routing-instance NAME`, `aaa-routing-instance
/// NAME`) takes Junos' `default` (the main table) or a configured instance: an error at
/// `path` otherwise, for `statement` (`routing-instance`) with its value.
pub(super) fn referenced_instance(
    config: &RouterConfig,
    path: Path,
    statement: &str,
    instance: Option<&str>,
    findings: &mut Findings,
) {
    let Some(instance) = instance else {
        return;
    };
    if instance == "default" || config.routing_instances.contains_key(instance) {
        return;
    }
    findings.error(
        path,
        format!("{statement} {instance}"),
        "Referenced routing instance is not defined",
    );
}

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    let service_interfaces: Vec<&str> = config
        .l2tp
        .tunnel_groups
        .values()
        .filter_map(|g| g.service_interface.as_deref())
        .collect();
    let mut owners: BTreeMap<&str, &str> = BTreeMap::new();
    let mut devices: BTreeMap<String, &str> = BTreeMap::new();
    let mut tables: BTreeMap<u32, &str> = BTreeMap::new();
    for (name, instance) in &config.routing_instances {
        let statement = format!("routing-instances {name}");
        if let Some(problem) = instance_name_problem(name) {
            findings.error(Vec::new(), statement.clone(), problem);
        }
        let device = vrf_device_name(name);
        if let Some(first) = devices.insert(device.clone(), name) {
            findings.error(
                Vec::new(),
                statement.clone(),
                format!("its VRF device {device} is also routing instance {first}'s: rename one"),
            );
        }
        let table = vrf_table_id(name);
        if let Some(first) = tables.insert(table, name) {
            findings.error(
                Vec::new(),
                statement,
                format!("its routing table {table} is also routing instance {first}'s: rename one"),
            );
        }
        for interface in &instance.interfaces {
            let device = interface_device(interface);
            let statement = format!("interface {interface}");
            match owners.insert(device, name) {
                Some(first) => findings.error(
                    instance_path(name),
                    statement,
                    format!("Interface {device} is already in routing instance {first}"),
                ),
                None if !service_interfaces.contains(&device) => findings.warn(
                    &instance_path(name),
                    &statement,
                    "statement has no effect: only a tunnel group's service interface is \
                     placed in a routing instance",
                ),
                None => {}
            }
        }
    }
}
