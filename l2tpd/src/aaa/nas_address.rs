//! NAS-IP-Address (attribute 4) of the client's requests. Junos sends it in its subscriber
//! management requests; the address is the one the request leaves from: the server's
//! `source-address` ("each RADIUS request sent to a RADIUS server uses the specified source
//! address"), else the one the kernel picks to reach the server. It is therefore set per
//! server, when the request is encoded for it (a request failing over to another server may
//! leave from another address).

use std::net::{Ipv4Addr, SocketAddrV4};

use super::radius::{attr, AttrKind, Attribute, Packet};

/// Whose NAS-IP-Address a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NasAddress {
    /// The address the request leaves from, for each server it is sent to.
    FromServer,
    /// What the request was built with (one, or none: `radius options override
    /// nas-ip-address tunnel-client-gateway-address` when the LAC's address is not known).
    AsBuilt,
}

/// The kernel's source address towards a server, asked of the I/O shell: (routing instance
/// name, `None` for the main table; server address and port). `None`: no route.
pub type LocalAddressFinder = Box<dyn FnMut(Option<&str>, SocketAddrV4) -> Option<Ipv4Addr> + Send>;

/// Octets the attribute adds to a request (type, length, four octets).
pub(super) const ATTRIBUTE_LEN: usize = 6;

/// Puts `address` as the request's NAS-IP-Address, replacing the one an earlier server's
/// encoding put there; `None` leaves it without one.
pub(super) fn set(packet: &mut Packet, address: Option<Ipv4Addr>) {
    packet
        .attributes
        .retain(|a| a.kind != AttrKind::Standard(attr::NAS_IP_ADDRESS));
    if let Some(address) = address {
        packet
            .attributes
            .push(Attribute::ipv4(attr::NAS_IP_ADDRESS, address));
    }
}

#[cfg(test)]
#[path = "nas_address_tests.rs"]
mod tests;
