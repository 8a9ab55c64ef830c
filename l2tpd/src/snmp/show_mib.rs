//! `show snmp mib get | walk`: read inside the daemon from the same view the agents
//! answer from, as Junos reads its MIB in-process. No agent needs to be configured and
//! nothing goes over UDP. Names resolve through the OID constants generated from the MIB.

use schema::snmp_rpc::{SnmpObject, SnmpObjects, SnmpValue};

use super::system;
use super::value::Value;
use super::view::{Lookup, View};

/// A walk stops here: 65,000 sessions × 65 columns (4 million objects) is more than a
/// terminal wants; walk a column or a row instead.
pub const MAX_WALK: usize = 100_000;

/// `show snmp mib get OBJECT`: the value, or why there is none (RFC 3416 4.2.1).
pub fn get(view: &View, oid: &[u32]) -> SnmpObjects {
    let value = match view.get(oid) {
        Lookup::Value(value) => snmp_value(value),
        Lookup::NoSuchObject => SnmpValue::NoSuchObject,
        Lookup::NoSuchInstance => SnmpValue::NoSuchInstance,
    };
    SnmpObjects {
        objects: vec![object(oid.to_vec(), value)],
        truncated: false,
    }
}

/// `show snmp mib walk OBJECT`: every instance under OBJECT, in OID order. When there is
/// none, the walk says why as net-snmp's snmpwalk does: the Get of OBJECT itself (so a
/// walk of an instance shows it), or endOfMibView when nothing follows OBJECT at all.
pub fn walk(view: &View, root: &[u32]) -> SnmpObjects {
    walk_up_to(view, root, MAX_WALK)
}

fn walk_up_to(view: &View, root: &[u32], limit: usize) -> SnmpObjects {
    let mut objects: Vec<SnmpObject> = Vec::new();
    let mut cursor = root.to_vec();
    let mut ended = false;
    while objects.len() < limit {
        let Some((oid, value)) = view.get_next(&cursor) else {
            ended = true;
            break;
        };
        if !oid.starts_with(root) {
            break;
        }
        cursor.clone_from(&oid);
        objects.push(object(oid, snmp_value(value)));
    }
    if objects.is_empty() {
        // The root may itself be the view's last instance: then it is shown.
        return if ended && !matches!(view.get(root), Lookup::Value(_)) {
            SnmpObjects {
                objects: vec![object(root.to_vec(), SnmpValue::EndOfMibView)],
                truncated: false,
            }
        } else {
            get(view, root)
        };
    }
    let truncated = objects.len() >= limit
        && view
            .get_next(&cursor)
            .is_some_and(|(o, _)| o.starts_with(root));
    SnmpObjects { objects, truncated }
}

fn object(oid: Vec<u32>, value: SnmpValue) -> SnmpObject {
    SnmpObject {
        name: name_of(&oid),
        oid,
        value,
    }
}

/// A dotted OID (`1.3.6.1.4.1.2636.3.49`, leading dot allowed) or a MIB name with an
/// optional instance (`jnxL2tpTunnelStatsRemoteTID.17967`, `JNX-L2TP-MIB::jnxL2tp`,
/// `SNMPv2-MIB::sysDescr.0`, `system`).
pub fn resolve(object: &str) -> Result<Vec<u32>, String> {
    schema::snmp_oid::resolve_with(object, system::object_named)
}

/// `jnxL2tpTunnelStatsRemoteTID.17967`, `sysDescr.0`, or the dotted OID outside those.
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
        None => system::name_of(oid).unwrap_or_else(|| dotted(oid)),
    }
}

fn snmp_value(value: Value) -> SnmpValue {
    match value {
        Value::Integer(v) => SnmpValue::Integer(v.into()),
        Value::OctetString(v) => SnmpValue::OctetString(v),
        Value::IpAddress(v) => SnmpValue::IpAddress(v),
        Value::Counter32(v) => SnmpValue::Counter32(v),
        Value::Gauge32(v) | Value::Unsigned32(v) => SnmpValue::Gauge32(v),
        Value::TimeTicks(v) => SnmpValue::TimeTicks(v),
        Value::Counter64(v) => SnmpValue::Counter64(v),
        Value::ObjectIdentifier(v) => SnmpValue::ObjectIdentifier(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::snapshot::SnmpSnapshot;
    use crate::snmp::view::tests::{at, snapshot};

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
        assert_eq!(name_of(&[1, 3, 6, 1, 2, 1, 1, 1, 0]), "sysDescr.0");
        assert_eq!(
            resolve("SNMPv2-MIB::sysUpTime.0"),
            Ok(vec![1, 3, 6, 1, 2, 1, 1, 3, 0])
        );
        assert_eq!(resolve("system"), Ok(vec![1, 3, 6, 1, 2, 1, 1]));
        assert_eq!(name_of(&[1, 3, 6, 1, 2, 1, 1, 9, 1]), "1.3.6.1.2.1.1.9.1");
        assert_eq!(name_of(&[1, 3, 6, 1, 2, 1, 2, 1, 0]), "1.3.6.1.2.1.2.1.0");
    }

    #[test]
    fn bad_objects_are_refused_with_the_reason() {
        assert_eq!(
            resolve("sysFoo.0"),
            Err("unknown MIB object 'sysFoo'".into())
        );
        assert_eq!(resolve("jnxL2tp.x"), Err("invalid OID 'jnxL2tp.x'".into()));
        assert!(resolve("1").is_err());
        assert!(resolve("").is_err());
    }

    fn view() -> View {
        View::new(snapshot(true), at(2_000))
    }

    /// The one binding `read` gives for `object`.
    fn only(view: &View, read: fn(&View, &[u32]) -> SnmpObjects, object: &str) -> SnmpObject {
        let oid = resolve(object).expect("resolves");
        let mut objects = read(view, &oid).objects;
        assert_eq!(objects.len(), 1, "{object}: {objects:?}");
        objects.remove(0)
    }

    #[test]
    fn get_tells_a_missing_object_from_a_missing_instance() {
        let view = view();
        for (object, value) in [
            ("jnxL2tpStatsTotalSessions.0", SnmpValue::Gauge32(5)),
            (
                "jnxL2tpTunnelStatsRemoteTID.9999",
                SnmpValue::NoSuchInstance,
            ),
            ("jnxL2tpStatsTotalSessions.1", SnmpValue::NoSuchInstance),
            ("1.3.6.1.4.1.2636.3.49.1.1.9.0", SnmpValue::NoSuchObject),
        ] {
            let found = only(&view, get, object);
            assert_eq!((found.name.as_str(), found.value), (object, value));
        }
    }

    #[test]
    fn a_walk_stays_in_its_subtree_and_says_why_it_found_nothing() {
        let view = view();
        let stats = walk(&view, mibs::JNX_L2TP_STATS);
        assert_eq!(stats.objects.len(), 13);
        assert_eq!(stats.objects[0].name, "jnxL2tpStatsTotalTunnels.0");
        assert!(!stats.truncated);
        let empty = View::new(SnmpSnapshot::default(), at(2_000));
        for (view, object, value) in [
            // A walk of an instance shows the instance, as snmpwalk does.
            (&view, "jnxL2tpStatsTotalSessions.0", SnmpValue::Gauge32(5)),
            // Something follows, but not under the root.
            (&view, "1.3.6.1.4.1.2636.3.48", SnmpValue::NoSuchObject),
            // Nothing follows at all.
            (&view, "1.3.6.1.4.1.2636.3.50", SnmpValue::EndOfMibView),
            (
                &empty,
                "jnxL2tpSessionStatsUserName",
                SnmpValue::EndOfMibView,
            ),
        ] {
            let found = only(view, walk, object);
            assert_eq!((found.name.as_str(), found.value), (object, value));
        }
    }

    /// `show snmp mib get sysDescr.0` and `walk system` read the group by name.
    #[test]
    fn the_system_group_is_shown_by_name() {
        let view = View::new(
            SnmpSnapshot {
                system: Some(crate::snmp::system::tests::group()),
                ..snapshot(true)
            },
            at(2_000),
        );
        let descr = only(&view, get, "sysDescr.0");
        assert_eq!(
            (descr.name.as_str(), descr.value),
            ("sysDescr.0", SnmpValue::OctetString(b"BNG east".to_vec()))
        );
        let walked = walk(&view, &resolve("system").expect("resolves"));
        let names: Vec<&str> = walked.objects.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "sysDescr.0",
                "sysObjectID.0",
                "sysUpTime.0",
                "sysContact.0",
                "sysName.0",
                "sysLocation.0",
                "sysServices.0"
            ]
        );
        assert_eq!(
            walked.objects[1].value,
            SnmpValue::ObjectIdentifier(vec![0, 0])
        );
    }

    #[test]
    fn a_walk_over_the_limit_says_it_was_cut() {
        let view = view();
        let cut = walk_up_to(&view, mibs::JNX_L2TP_STATS, 5);
        assert_eq!(cut.objects.len(), 5);
        assert!(cut.truncated);
        let whole = walk_up_to(&view, mibs::JNX_L2TP_STATS, 13);
        assert_eq!(whole.objects.len(), 13);
        assert!(!whole.truncated, "nothing was left out");
    }
}
