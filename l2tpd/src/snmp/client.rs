//! `show snmp mib get | walk`: the daemon asks its own embedded agent over UDP with the
//! `snmp` crate (a v2c client), as an outside poller would, so the command shows exactly
//! what pollers see. Names resolve through the OID constants generated from the MIB.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use schema::snmp_rpc::{SnmpObject, SnmpObjects, SnmpValue};
use schema::typed::SnmpConfig;
use snmp::{SyncSession, Value};

use super::agent::{ClientPrefix, MAX_REPETITIONS};

/// How long one request may wait for the agent's answer.
const TIMEOUT: Duration = Duration::from_secs(2);
/// A walk stops here: it runs on the management thread, and 65,000 sessions × 65 columns
/// (4 million objects) is more than a terminal wants; walk a column or a row instead.
pub const MAX_WALK: usize = 100_000;

/// The nodes above the MIB's objects an operator may start a walk at.
const NODES: [(&str, &[u32]); 6] = [
    ("jnxMibs", mibs::JNX_MIBS),
    ("jnxL2tpMibRoot", mibs::JNX_L2TP_MIB_ROOT),
    ("jnxL2tp", mibs::JNX_L2TP),
    ("jnxL2tpObjects", mibs::JNX_L2TP_OBJECTS),
    ("jnxL2tpScalar", mibs::JNX_L2TP_SCALAR),
    ("jnxL2tpStats", mibs::JNX_L2TP_STATS),
];

/// `show snmp mib get OBJECT`.
pub fn get(config: &SnmpConfig, object: &str) -> Result<SnmpObjects, String> {
    let oid = resolve(object)?;
    let mut session = session(config)?;
    let pdu = session
        .get(&oid)
        .map_err(|e| format!("SNMP get of {object} failed: {e:?}"))?;
    let mut objects: Vec<SnmpObject> = pdu.varbinds.filter_map(|(n, v)| binding(n, v)).collect();
    // snmp 0.2.2 cannot read noSuchObject / noSuchInstance: the binding is simply missing.
    if objects.is_empty() {
        objects.push(SnmpObject {
            name: name_of(&oid),
            oid,
            value: SnmpValue::NoSuchObject,
        });
    }
    Ok(SnmpObjects {
        objects,
        truncated: false,
    })
}

/// `show snmp mib walk OBJECT`: GetBulk until the answers leave OBJECT's subtree.
pub fn walk(config: &SnmpConfig, object: &str) -> Result<SnmpObjects, String> {
    let root = resolve(object)?;
    let mut session = session(config)?;
    let mut objects: Vec<SnmpObject> = Vec::new();
    let mut cursor = root.clone();
    'walk: while objects.len() < MAX_WALK {
        let pdu = session
            .getbulk(&[&cursor], 0, MAX_REPETITIONS)
            .map_err(|e| format!("SNMP walk of {object} failed: {e:?}"))?;
        let before = objects.len();
        for (name, value) in pdu.varbinds {
            let Some(found) = binding(name, value) else {
                // endOfMibView (which snmp 0.2.2 cannot read) or an unreadable value.
                break 'walk;
            };
            // Leaving the subtree ends the walk; an agent going backwards would loop.
            if !found.oid.starts_with(&root) || found.oid <= cursor {
                break 'walk;
            }
            cursor = found.oid.clone();
            objects.push(found);
        }
        if objects.len() == before {
            break;
        }
    }
    let truncated = objects.len() >= MAX_WALK;
    Ok(SnmpObjects { objects, truncated })
}

/// A session to our own agent, with a community it admits from the loopback.
fn session(config: &SnmpConfig) -> Result<SyncSession, String> {
    let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let community = config
        .communities
        .iter()
        .find(|(_, c)| {
            c.clients.is_empty()
                || c.clients.iter().any(|p| {
                    ClientPrefix {
                        address: IpAddr::V4(p.address),
                        length: p.len,
                    }
                    .contains(loopback)
                })
        })
        .map(|(name, _)| name.clone())
        .filter(|_| config.enabled)
        .ok_or_else(|| {
            String::from(
                "the embedded SNMP agent is not configured: set snmp community NAME \
                 (with clients including 127.0.0.1, if any are listed)",
            )
        })?;
    SyncSession::new(
        SocketAddr::new(loopback, config.port),
        community.as_bytes(),
        Some(TIMEOUT),
        1,
    )
    .map_err(|e| format!("cannot open an SNMP session to the embedded agent: {e}"))
}

/// A dotted OID (`1.3.6.1.4.1.2636.3.49`, leading dot allowed) or a MIB name with an
/// optional instance (`jnxL2tpTunnelStatsRemoteTID.17967`, `JNX-L2TP-MIB::jnxL2tp`).
pub fn resolve(object: &str) -> Result<Vec<u32>, String> {
    let text = object.trim().trim_start_matches('.');
    let text = text.rsplit("::").next().unwrap_or(text);
    let mut parts = text.split('.');
    let head = parts.next().unwrap_or_default();
    let numbers = |parts: std::str::Split<'_, char>| -> Result<Vec<u32>, String> {
        parts
            .map(|p| {
                p.parse::<u32>()
                    .map_err(|_| format!("invalid OID '{object}'"))
            })
            .collect()
    };
    let mut oid = if let Ok(first) = head.parse::<u32>() {
        vec![first]
    } else {
        mibs::object_named(head)
            .map(|o| o.oid)
            .or_else(|| NODES.iter().find(|(n, _)| *n == head).map(|(_, oid)| *oid))
            .ok_or_else(|| format!("unknown MIB object '{head}'"))?
            .to_vec()
    };
    oid.extend(numbers(parts)?);
    if oid.len() < 2 || oid.len() > 128 {
        return Err(format!("invalid OID '{object}'"));
    }
    Ok(oid)
}

/// `jnxL2tpTunnelStatsRemoteTID.17967`, or the dotted OID outside our MIBs.
pub fn name_of(oid: &[u32]) -> String {
    let dotted = |arcs: &[u32]| {
        arcs.iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".")
    };
    match mibs::object_of(oid) {
        Some(object) => {
            let instance = oid.get(object.oid.len()..).unwrap_or_default();
            if instance.is_empty() {
                object.name.to_string()
            } else {
                format!("{}.{}", object.name, dotted(instance))
            }
        }
        None => dotted(oid),
    }
}

fn binding(name: snmp::ObjectIdentifier<'_>, value: Value<'_>) -> Option<SnmpObject> {
    let mut buf: snmp::ObjIdBuf = [0; 128];
    let oid = name.read_name(&mut buf).ok()?.to_vec();
    let value = match value {
        Value::Integer(v) => SnmpValue::Integer(v),
        Value::OctetString(v) => SnmpValue::OctetString(v.to_vec()),
        Value::ObjectIdentifier(v) => {
            let mut buf: snmp::ObjIdBuf = [0; 128];
            SnmpValue::ObjectIdentifier(v.read_name(&mut buf).ok()?.to_vec())
        }
        Value::IpAddress(v) => SnmpValue::IpAddress(v),
        Value::Counter32(v) => SnmpValue::Counter32(v),
        Value::Unsigned32(v) => SnmpValue::Gauge32(v),
        Value::Timeticks(v) => SnmpValue::TimeTicks(v),
        Value::Counter64(v) => SnmpValue::Counter64(v),
        Value::Null => SnmpValue::Null,
        _ => return None,
    };
    Some(SnmpObject {
        name: name_of(&oid),
        oid,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_resolve_alike() {
        let mut remote_tid = mibs::JNX_L2TP_TUNNEL_STATS_REMOTE_TID.to_vec();
        remote_tid.push(17967);
        assert_eq!(
            resolve("jnxL2tpTunnelStatsRemoteTID.17967"),
            Ok(remote_tid.clone())
        );
        assert_eq!(
            resolve("JNX-L2TP-MIB::jnxL2tpTunnelStatsRemoteTID.17967"),
            Ok(remote_tid.clone())
        );
        assert_eq!(
            resolve(".1.3.6.1.4.1.2636.3.49.1.1.3.1.4.17967"),
            Ok(remote_tid.clone())
        );
        assert_eq!(resolve("jnxL2tp"), Ok(mibs::JNX_L2TP.to_vec()));
        assert_eq!(name_of(&remote_tid), "jnxL2tpTunnelStatsRemoteTID.17967");
        assert_eq!(name_of(&[1, 3, 6, 1, 2, 1, 1, 1, 0]), "1.3.6.1.2.1.1.1.0");
    }

    #[test]
    fn bad_objects_are_refused_with_the_reason() {
        assert_eq!(
            resolve("sysDescr.0"),
            Err("unknown MIB object 'sysDescr'".into())
        );
        assert_eq!(resolve("jnxL2tp.x"), Err("invalid OID 'jnxL2tp.x'".into()));
        assert!(resolve("1").is_err());
        assert!(resolve("").is_err());
    }

    #[test]
    fn without_a_community_the_agent_is_not_there_to_ask() {
        let config = SnmpConfig {
            enabled: true,
            description: None,
            location: None,
            contact: None,
            communities: Default::default(),
            port: 161,
            agentx_socket: None,
        };
        let error = get(&config, "jnxL2tp").err().unwrap_or_default();
        assert!(error.contains("not configured"), "{error}");
    }
}
