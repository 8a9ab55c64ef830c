//! `show snmp mib get | walk` output, one object a line as Junos prints it:
//! `jnxL2tpTunnelStatsRemoteTID.17967 = 5`.

use schema::snmp_rpc::{SnmpObjects, SnmpValue};

pub fn objects(objects: &SnmpObjects) -> String {
    let mut out = String::new();
    for object in &objects.objects {
        out.push_str(&object.name);
        out.push_str(" = ");
        out.push_str(&value(&object.value));
        out.push('\n');
    }
    if objects.truncated {
        out.push_str(&format!(
            "(walk stopped after {} objects: walk a column or a row for the rest)\n",
            objects.objects.len()
        ));
    }
    out
}

fn value(value: &SnmpValue) -> String {
    match value {
        SnmpValue::Integer(v) => v.to_string(),
        SnmpValue::OctetString(octets) => octet_string(octets),
        SnmpValue::ObjectIdentifier(oid) => {
            oid.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
        }
        SnmpValue::IpAddress([a, b, c, d]) => format!("{a}.{b}.{c}.{d}"),
        SnmpValue::Counter32(v) | SnmpValue::Gauge32(v) | SnmpValue::TimeTicks(v) => v.to_string(),
        SnmpValue::Counter64(v) => v.to_string(),
        SnmpValue::Null => "NULL".into(),
        SnmpValue::NoSuchObject => "No such object".into(),
    }
}

/// Text when every octet is printable, else the octets in hex (DateAndTime, InetAddress).
fn octet_string(octets: &[u8]) -> String {
    if octets.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        String::from_utf8_lossy(octets).into_owned()
    } else {
        octets
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::snmp_rpc::SnmpObject;

    #[test]
    fn one_line_per_object_with_printable_text_or_hex() {
        let shown = objects(&SnmpObjects {
            objects: vec![
                SnmpObject {
                    oid: vec![1, 3],
                    name: "jnxL2tpTunnelStatsRemoteTID.17967".into(),
                    value: SnmpValue::Integer(5),
                },
                SnmpObject {
                    oid: vec![1, 4],
                    name: "jnxL2tpTunnelStatsRemoteHostName.17967".into(),
                    value: SnmpValue::OctetString(b"lns a".to_vec()),
                },
                SnmpObject {
                    oid: vec![1, 5],
                    name: "jnxL2tpTunnelStatsRemoteAddress.17967".into(),
                    value: SnmpValue::OctetString(vec![127, 0, 9, 2]),
                },
                SnmpObject {
                    oid: vec![1, 6],
                    name: "jnxL2tpStatsPayloadTxPkts.0".into(),
                    value: SnmpValue::Counter64(u64::MAX),
                },
            ],
            truncated: false,
        });
        assert_eq!(
            shown,
            "jnxL2tpTunnelStatsRemoteTID.17967 = 5\n\
             jnxL2tpTunnelStatsRemoteHostName.17967 = lns a\n\
             jnxL2tpTunnelStatsRemoteAddress.17967 = 7f 00 09 02\n\
             jnxL2tpStatsPayloadTxPkts.0 = 18446744073709551615\n"
        );
    }

    #[test]
    fn a_truncated_walk_says_so() {
        let shown = objects(&SnmpObjects {
            objects: vec![SnmpObject {
                oid: vec![1, 3],
                name: "jnxL2tpStatsTotalTunnels.0".into(),
                value: SnmpValue::Gauge32(8),
            }],
            truncated: true,
        });
        assert_eq!(
            shown,
            "jnxL2tpStatsTotalTunnels.0 = 8\n\
             (walk stopped after 1 objects: walk a column or a row for the rest)\n"
        );
    }
}
