//! Semantic checks of `[edit services l2tp]` and `[edit access tunnel-profile]`.

use super::Findings;
use crate::tree::{NodeId, Path};
use crate::typed::{
    AssignmentIdFormat, RouterConfig, TunnelIdentity, TunnelProfile, MINIMUM_RETRANSMIT_CAP,
};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// A domain's destinations span at most 8 preference levels (Junos LAC selection rules).
const MAX_PREFERENCE_LEVELS: usize = 8;

fn l2tp_path() -> Path {
    vec![NodeId::new("services"), NodeId::new("l2tp")]
}

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    tunnel_groups(config, findings);
    tunnel_profiles(config, findings);
    if config.l2tp.tunnel.assignment_id_format == AssignmentIdFormat::ClientServerId {
        let mut path = l2tp_path();
        path.push(NodeId::new("tunnel"));
        findings.warn(
            &path,
            "assignment-id-format client-server-id",
            "statement has no effect: a tunnel is identified by its identification alone",
        );
    }
    if let Some(name) = config
        .l2tp
        .traceoptions
        .as_ref()
        .and_then(|t| t.file.filename.as_deref())
        .filter(|name| name.contains('/'))
    {
        let mut path = l2tp_path();
        path.push(NodeId::new("traceoptions"));
        path.push(NodeId::new("file"));
        findings.error(
            path,
            format!("filename {name}"),
            "A trace file name cannot contain '/': the file is created in the state directory",
        );
    }
    trace_file_match(config, findings);
    if let Some(method) = config
        .l2tp
        .tx_connect_speed_method
        .filter(|m| m.without_source())
    {
        let name = match method {
            crate::typed::TxConnectSpeedMethod::Ancp => "ancp",
            _ => "actual",
        };
        findings.warn(
            &l2tp_path(),
            &format!("tx-connect-speed-method {name}"),
            "statement has no effect: this router has no ANCP or CoS shaping rate, so the \
             connect speeds are the static ones (as Junos falls back when the method has no value)",
        );
    }
    if config.l2tp.drain {
        findings.warn(
            &l2tp_path(),
            "drain",
            "new tunnels, sessions and destinations will be refused",
        );
    }
}

/// Two LNS tunnel groups cannot listen on the same local address: an SCCRQ to it could
/// not be told apart.
fn tunnel_groups(config: &RouterConfig, findings: &mut Findings) {
    let mut owners: BTreeMap<Ipv4Addr, &str> = BTreeMap::new();
    for (name, group) in &config.l2tp.tunnel_groups {
        if let Some(cap) = group
            .retransmit_interval
            .filter(|&cap| cap < MINIMUM_RETRANSMIT_CAP)
        {
            let mut path = l2tp_path();
            path.push(NodeId::entry("tunnel-group", name.as_str()));
            findings.warn(
                &path,
                &format!("retransmit-interval {cap}"),
                &format!(
                    "the longest wait between retransmissions is {MINIMUM_RETRANSMIT_CAP} \
                     seconds, the least RFC 2661 (section 5.8) allows"
                ),
            );
        }
        let Some(address) = group.local_address else {
            continue;
        };
        match owners.get(&address) {
            Some(first) => {
                let mut path = l2tp_path();
                path.push(NodeId::entry("tunnel-group", name.as_str()));
                path.push(NodeId::new("local-gateway"));
                findings.error(
                    path,
                    format!("address {address}"),
                    format!(
                        "Local gateway address {address} is already used by tunnel-group {first}"
                    ),
                );
            }
            None => {
                owners.insert(address, name);
            }
        }
    }
}

/// Paths and statements are built only for an error: a configuration of 20,000 profiles is
/// checked at every commit, and each profile's allocations showed in its cost.
fn tunnel_profiles(config: &RouterConfig, findings: &mut Findings) {
    for (name, profile) in &config.tunnel_profiles {
        let profile_path = || {
            vec![
                NodeId::new("access"),
                NodeId::entry("tunnel-profile", name.as_str()),
            ]
        };
        if profile.tunnels.is_empty() {
            findings.error(
                vec![NodeId::new("access")],
                format!("tunnel-profile {name}"),
                "Tunnel profile has no tunnel",
            );
        }
        if profile.tunnels.len() > MAX_PREFERENCE_LEVELS {
            let levels: BTreeSet<u32> = profile.tunnels.values().map(|t| t.preference).collect();
            if levels.len() > MAX_PREFERENCE_LEVELS {
                findings.error(
                    vec![NodeId::new("access")],
                    format!("tunnel-profile {name}"),
                    format!(
                        "Tunnel profile uses {} preference levels; at most {MAX_PREFERENCE_LEVELS} are supported",
                        levels.len()
                    ),
                );
            }
        }
        if profile.tunnels.len() > 1 {
            same_tunnels(name, profile, findings);
        }
        for (number, tunnel) in &profile.tunnels {
            if tunnel.remote_gateway.address.is_none() {
                findings.error(
                    profile_path(),
                    format!("tunnel {number}"),
                    "Tunnel has no remote-gateway address",
                );
            }
            if tunnel.logical_system.is_some() && tunnel.routing_instance.is_none() {
                findings.error(
                    profile_path(),
                    format!("tunnel {number}"),
                    "logical-system requires routing-instance",
                );
            }
        }
    }
}

/// Two tunnels of a profile with one identity would be one tunnel at run time: the second
/// could never be opened, its `max-sessions` and `preference` would silently mean nothing.
/// A tunnel without a remote address has its own error.
fn same_tunnels(name: &str, profile: &TunnelProfile, findings: &mut Findings) {
    let mut first_of: BTreeMap<TunnelIdentity<'_>, u8> = BTreeMap::new();
    for (number, tunnel) in &profile.tunnels {
        let Some(remote) = tunnel.remote_gateway.address else {
            continue;
        };
        let Some(first) = first_of.get(&tunnel.identity()) else {
            first_of.insert(tunnel.identity(), *number);
            continue;
        };
        let path = vec![
            NodeId::new("access"),
            NodeId::entry("tunnel-profile", name),
            NodeId::entry("tunnel", number.to_string()),
        ];
        findings.error(
            path,
            format!("remote-gateway address {remote}"),
            format!(
                "Tunnel {number} is the same tunnel as tunnel {first}: same remote-gateway \
                 address, routing-instance, identification and source-gateway address and \
                 gateway-name"
            ),
        );
    }
}

/// A trace file's `match "RE"` compiles as the trace applies it (l2tpd's trace and PPPoE's),
/// so a commit never hands the daemon an expression it would have to drop.
fn trace_file_match(config: &RouterConfig, findings: &mut Findings) {
    let traces = [
        (l2tp_path(), config.l2tp.traceoptions.as_ref()),
        (
            vec![NodeId::new("protocols"), NodeId::new("pppoe")],
            config.pppoe_traceoptions.as_ref(),
        ),
    ];
    for (mut path, trace) in traces {
        let Some(re) = trace.and_then(|t| t.file.matches.as_deref()) else {
            continue;
        };
        if let Err(e) = crate::typed::syslog_regex(re) {
            path.push(NodeId::new("traceoptions"));
            path.push(NodeId::new("file"));
            findings.error(path, format!("match \"{re}\""), e);
        }
    }
}
