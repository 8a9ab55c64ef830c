//! Object identifiers as operators write them: dotted numbers (`1.3.6.1.4.1.2636`, a leading
//! dot allowed) or a MIB name with an optional instance (`jnxL2tp`, `pingMIB`,
//! `jnxL2tpTunnelStatsRemoteTID.17967`, `JNX-L2TP-MIB::jnxL2tp`). Junos takes names in
//! `snmp view V oid NAME` (Juniper's SNMP examples write `oid pingMIB include;`) and in
//! `show snmp mib`; both resolve here.

/// Named nodes above the MIB objects: the registration tree down to the MIBs this router
/// serves or an operator's view commonly names (RFC 2578's `internet` subtree, MIB-II's
/// groups, IF-MIB, DISMAN-PING-MIB, SNMPv2's modules, Juniper's SMI), and the JNX-L2TP-MIB
/// nodes that are not objects. The objects themselves come from the MIB (`mibs`).
const NODES: &[(&str, &[u32])] = &[
    ("iso", &[1]),
    ("org", &[1, 3]),
    ("dod", &[1, 3, 6]),
    ("internet", &[1, 3, 6, 1]),
    ("mgmt", &[1, 3, 6, 1, 2]),
    ("mib-2", &[1, 3, 6, 1, 2, 1]),
    ("system", &[1, 3, 6, 1, 2, 1, 1]),
    ("interfaces", &[1, 3, 6, 1, 2, 1, 2]),
    ("ip", &[1, 3, 6, 1, 2, 1, 4]),
    ("snmp", &[1, 3, 6, 1, 2, 1, 11]),
    ("ifMIB", &[1, 3, 6, 1, 2, 1, 31]),
    ("pingMIB", &[1, 3, 6, 1, 2, 1, 80]),
    ("private", &[1, 3, 6, 1, 4]),
    ("enterprises", &[1, 3, 6, 1, 4, 1]),
    ("snmpV2", &[1, 3, 6, 1, 6]),
    ("snmpModules", &[1, 3, 6, 1, 6, 3]),
    ("juniperMIB", mibs::JUNIPER_MIB),
    ("jnxMibs", mibs::JNX_MIBS),
    ("jnxPingMIB", &[1, 3, 6, 1, 4, 1, 2636, 3, 7]),
    ("jnxL2tpMibRoot", mibs::JNX_L2TP_MIB_ROOT),
    ("jnxL2tp", mibs::JNX_L2TP),
    ("jnxL2tpObjects", mibs::JNX_L2TP_OBJECTS),
    ("jnxL2tpScalar", mibs::JNX_L2TP_SCALAR),
    ("jnxL2tpStats", mibs::JNX_L2TP_STATS),
];

/// The OID `text` names, with `more` consulted for names this module does not know (the
/// daemon's system group objects, `sysDescr`); the error says what was wrong with it.
pub fn resolve_with(
    text: &str,
    more: impl Fn(&str) -> Option<Vec<u32>>,
) -> Result<Vec<u32>, String> {
    let trimmed = text.trim().trim_start_matches('.');
    let unqualified = trimmed.rsplit("::").next().unwrap_or(trimmed);
    let mut parts = unqualified.split('.');
    let head = parts.next().unwrap_or_default();
    let mut oid = match head.parse::<u32>() {
        Ok(first) => vec![first],
        Err(_) => named(head)
            .or_else(|| more(head))
            .ok_or_else(|| format!("unknown MIB object '{head}'"))?,
    };
    for part in parts {
        oid.push(
            part.parse::<u32>()
                .map_err(|_| format!("invalid OID '{text}'"))?,
        );
    }
    if oid.len() < 2 || oid.len() > 128 {
        return Err(format!("invalid OID '{text}'"));
    }
    Ok(oid)
}

/// [`resolve_with`] with the names this module knows.
pub fn resolve(text: &str) -> Result<Vec<u32>, String> {
    resolve_with(text, |_| None)
}

/// The OID of a named node or MIB object.
fn named(name: &str) -> Option<Vec<u32>> {
    mibs::object_named(name)
        .map(|o| o.oid)
        .or_else(|| NODES.iter().find(|(n, _)| *n == name).map(|(_, oid)| *oid))
        .map(<[u32]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_resolve() {
        assert_eq!(
            resolve(".1.3.6.1.4.1.2636"),
            Ok(vec![1, 3, 6, 1, 4, 1, 2636])
        );
        assert_eq!(resolve("pingMIB"), Ok(vec![1, 3, 6, 1, 2, 1, 80]));
        assert_eq!(resolve("jnxMibs"), Ok(mibs::JNX_MIBS.to_vec()));
        assert_eq!(
            resolve("JNX-L2TP-MIB::jnxL2tpTunnelStatsRemoteTID.17967"),
            Ok([mibs::JNX_L2TP_TUNNEL_STATS_REMOTE_TID, &[17967]].concat())
        );
        assert_eq!(
            resolve_with("sysName.0", |n| (n == "sysName")
                .then(|| vec![1, 3, 6, 1, 2, 1, 1, 5])),
            Ok(vec![1, 3, 6, 1, 2, 1, 1, 5, 0])
        );
    }

    #[test]
    fn what_does_not_resolve_says_why() {
        assert_eq!(resolve("fooMIB"), Err("unknown MIB object 'fooMIB'".into()));
        assert_eq!(resolve("jnxMibs.x"), Err("invalid OID 'jnxMibs.x'".into()));
        assert_eq!(resolve("1"), Err("invalid OID '1'".into()));
        assert!(resolve("").is_err());
    }
}
