//! Commit check: every local address the configuration sends L2TP from — a tunnel group's
//! `local-gateway address` (LNS), a tunnel's `source-gateway address` (LAC) — belongs to this
//! host. Otherwise the commit fails, naming the statement, instead of committing a
//! configuration whose socket can never be bound.
//!
//! The test is the one the engine will face: binding a UDP socket to the address (port 0, so
//! it never collides with our own port 1701) fails with EADDRNOTAVAIL when no interface has
//! it. A host with `net.ipv4.ip_nonlocal_bind` set accepts any address, as its kernel would.

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, UdpSocket};

use schema::mgmt::CheckError;
use schema::tree::{NodeId, Path};
use schema::typed::RouterConfig;

use super::sockets::address_not_here;

/// The errors for addresses this host does not have, in configuration order.
pub fn check(config: &RouterConfig) -> Vec<CheckError> {
    check_with(config, is_local)
}

fn is_local(address: Ipv4Addr) -> bool {
    match UdpSocket::bind((address, 0)) {
        Ok(_) => true,
        // Any other failure (no free port, a sandbox) says nothing about the address; the
        // engine reports it when it binds.
        Err(e) => !address_not_here(&e),
    }
}

/// [`check`] with the host's answer given by `is_local` (asked once per address).
fn check_with(config: &RouterConfig, is_local: impl Fn(Ipv4Addr) -> bool) -> Vec<CheckError> {
    let mut missing = Missing {
        is_local,
        known: BTreeSet::new(),
        unknown: BTreeSet::new(),
        errors: Vec::new(),
    };
    for (name, group) in &config.l2tp.tunnel_groups {
        if let Some(address) = group.local_address {
            let path = vec![
                NodeId::new("services"),
                NodeId::new("l2tp"),
                NodeId::entry("tunnel-group", name.as_str()),
                NodeId::new("local-gateway"),
            ];
            missing.check(path, address);
        }
    }
    for (name, profile) in &config.tunnel_profiles {
        for (number, tunnel) in &profile.tunnels {
            if let Some(address) = tunnel.source_gateway.address {
                let path = vec![
                    NodeId::new("access"),
                    NodeId::entry("tunnel-profile", name.as_str()),
                    NodeId::entry("tunnel", number.to_string()),
                    NodeId::new("source-gateway"),
                ];
                missing.check(path, address);
            }
        }
    }
    missing.errors
}

struct Missing<F> {
    is_local: F,
    known: BTreeSet<Ipv4Addr>,
    unknown: BTreeSet<Ipv4Addr>,
    errors: Vec<CheckError>,
}

impl<F: Fn(Ipv4Addr) -> bool> Missing<F> {
    fn check(&mut self, path: Path, address: Ipv4Addr) {
        let local = if self.known.contains(&address) {
            true
        } else if self.unknown.contains(&address) {
            false
        } else if (self.is_local)(address) {
            self.known.insert(address);
            true
        } else {
            self.unknown.insert(address);
            false
        };
        if !local {
            self.errors.push(CheckError {
                path,
                statement: format!("address {address}"),
                message: format!(
                    "Address {address} is not configured on any interface of this host"
                ),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn config(lines: &str) -> RouterConfig {
        crate::engine::config_from_set_lines(lines)
    }

    fn described(errors: &[CheckError]) -> Vec<String> {
        errors
            .iter()
            .map(|e| {
                format!(
                    "[edit {}] '{}': {}",
                    schema::tree::path_words(&e.path),
                    e.statement,
                    e.message
                )
            })
            .collect()
    }

    #[test]
    fn addresses_the_host_lacks_are_errors_naming_the_statement() {
        let c = config(
            "set services l2tp tunnel-group lns1 local-gateway address 127.0.0.1\n\
             set services l2tp tunnel-group lns2 local-gateway address 198.18.0.9\n\
             set access tunnel-profile tp1 tunnel 2 source-gateway address 198.18.0.9\n\
             set access tunnel-profile tp1 tunnel 2 remote-gateway address 127.0.0.2\n\
             set access tunnel-profile tp1 tunnel 3 source-gateway address 127.0.0.1\n\
             set access tunnel-profile tp1 tunnel 3 remote-gateway address 127.0.0.2\n",
        );
        let asked = RefCell::new(Vec::new());
        let errors = check_with(&c, |a| {
            asked.borrow_mut().push(a);
            a.is_loopback()
        });
        assert_eq!(
            described(&errors),
            [
                "[edit services l2tp tunnel-group lns2 local-gateway] 'address 198.18.0.9': Address 198.18.0.9 is not configured on any interface of this host",
                "[edit access tunnel-profile tp1 tunnel 2 source-gateway] 'address 198.18.0.9': Address 198.18.0.9 is not configured on any interface of this host",
            ]
        );
        // Each address is asked about once, however many statements name it.
        assert_eq!(
            asked.into_inner(),
            [Ipv4Addr::new(127, 0, 0, 1), Ipv4Addr::new(198, 18, 0, 9)]
        );
    }

    /// The real probe: every 127/8 address is the host's (Linux answers for the whole
    /// prefix on lo); this test never configures 198.18.255.254 anywhere.
    #[test]
    fn the_host_is_asked_by_binding() {
        let c = config(
            "set services l2tp tunnel-group lns1 local-gateway address 127.0.0.1\n\
             set services l2tp tunnel-group lns2 local-gateway address 198.18.255.254\n",
        );
        assert_eq!(
            described(&check(&c)),
            ["[edit services l2tp tunnel-group lns2 local-gateway] 'address 198.18.255.254': Address 198.18.255.254 is not configured on any interface of this host"]
        );
    }
}
