//! `show network-access address-assignment pool [NAME]`: each pool with its network, the
//! router's address in it, its name servers and the use of its addresses, then its ranges.

use schema::subscriber_rpc::{AddressPoolUse, AddressPoolsReply};

pub fn address_pools(reply: &AddressPoolsReply) -> String {
    let mut out = String::new();
    for (n, pool) in reply.pools.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&pool_block(pool));
    }
    if reply.addresses_outside_pools > 0 {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!(
            "Addresses held outside every pool: {}\n",
            reply.addresses_outside_pools
        ));
    }
    out
}

fn pool_block(p: &AddressPoolUse) -> String {
    let mut out = format!("Pool: {}\n  Network: {}", p.pool_name, p.network);
    if let Some(gateway) = p.gateway {
        out.push_str(&format!(", Gateway: {gateway}"));
    }
    out.push('\n');
    let dns: Vec<String> = [p.primary_dns, p.secondary_dns]
        .iter()
        .flatten()
        .map(|a| a.to_string())
        .collect();
    if !dns.is_empty() {
        out.push_str(&format!("  Name servers: {}\n", dns.join(", ")));
    }
    out.push_str(&format!(
        "  Addresses: {} total, {} in use, {} free",
        p.addresses_total, p.addresses_in_use, p.addresses_free
    ));
    // Held by subscribers whose address a commit took out of the pool's ranges.
    if p.addresses_outside > 0 {
        out.push_str(&format!(", {} outside its ranges", p.addresses_outside));
    }
    out.push('\n');
    if let Some(linked) = &p.linked_pool {
        out.push_str(&format!("  Linked pool: {linked}\n"));
    }
    if p.hold_down {
        out.push_str("  State: hold-down (no new addresses are given)\n");
    }
    if !p.ranges.is_empty() {
        out.push_str(&format!(
            "  {:<20} {:<16} {:<16} {:>10} {:>10}\n",
            "Range", "Low", "High", "Total", "In use"
        ));
        for r in &p.ranges {
            out.push_str(&format!(
                "  {:<20} {:<16} {:<16} {:>10} {:>10}\n",
                r.range_name,
                r.range_low.to_string(),
                r.range_high.to_string(),
                r.addresses_total,
                r.addresses_in_use
            ));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::subscriber_rpc::AddressRangeUse;
    use std::net::Ipv4Addr;

    pub fn sample_pools() -> AddressPoolsReply {
        AddressPoolsReply {
            pools: vec![AddressPoolUse {
                pool_name: "p1".into(),
                network: "198.18.0.0/24".into(),
                gateway: Some(Ipv4Addr::new(198, 18, 0, 1)),
                primary_dns: Some(Ipv4Addr::new(127, 0, 0, 53)),
                secondary_dns: Some(Ipv4Addr::new(127, 0, 0, 54)),
                addresses_total: 110,
                addresses_in_use: 12,
                addresses_free: 98,
                addresses_outside: 1,
                linked_pool: Some("p2".into()),
                hold_down: true,
                ranges: vec![
                    AddressRangeUse {
                        range_name: "r1".into(),
                        range_low: Ipv4Addr::new(198, 18, 0, 10),
                        range_high: Ipv4Addr::new(198, 18, 0, 19),
                        addresses_total: 10,
                        addresses_in_use: 10,
                    },
                    AddressRangeUse {
                        range_name: "r2".into(),
                        range_low: Ipv4Addr::new(198, 18, 0, 100),
                        range_high: Ipv4Addr::new(198, 18, 0, 199),
                        addresses_total: 100,
                        addresses_in_use: 2,
                    },
                ],
            }],
            addresses_outside_pools: 0,
        }
    }

    #[test]
    fn one_pool() {
        assert_eq!(
            address_pools(&sample_pools()),
            "\
Pool: p1
  Network: 198.18.0.0/24, Gateway: 198.18.0.1
  Name servers: 127.0.0.53, 127.0.0.54
  Addresses: 110 total, 12 in use, 98 free, 1 outside its ranges
  Linked pool: p2
  State: hold-down (no new addresses are given)
  Range                Low              High                  Total     In use
  r1                   198.18.0.10      198.18.0.19              10         10
  r2                   198.18.0.100     198.18.0.199            100          2
"
        );
    }

    #[test]
    fn addresses_outside_every_pool_and_no_pool() {
        let reply = AddressPoolsReply {
            pools: vec![],
            addresses_outside_pools: 3,
        };
        assert_eq!(
            address_pools(&reply),
            "Addresses held outside every pool: 3\n"
        );
        assert_eq!(address_pools(&AddressPoolsReply::default()), "");
    }
}
