//! What selection looks at: destinations, their lockouts, and the tunnels already open.

use std::net::Ipv4Addr;
use std::time::Instant;

use schema::typed::ProfileTunnel;
use serde::Serialize;

/// A destination (an LNS) as Junos counts them: the peer address within a routing instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DestinationKey {
    pub address: Ipv4Addr,
    /// `None`: the default routing instance.
    pub routing_instance: Option<String>,
}

impl DestinationKey {
    /// The destination a profile tunnel dials, if it names a remote gateway address.
    pub fn of(tunnel: &ProfileTunnel) -> Option<Self> {
        Some(Self {
            address: tunnel.remote_gateway.address?,
            routing_instance: tunnel.routing_instance.clone(),
        })
    }
}

/// A destination kept out of selection after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// When the failure happened: with every destination locked out, the earliest is retried.
    pub since: Instant,
    pub until: Instant,
}

/// A live tunnel (opening or established, not closing) that a new session could join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExistingTunnel {
    pub tunnel_id: u16,
    /// Sessions on it, including calls queued while it is being established.
    pub sessions: u32,
}

/// The registry as selection sees it.
pub trait RegistryView {
    fn lockout(&self, destination: &DestinationKey) -> Option<Lockout>;
    /// A live tunnel to `destination` that a call of profile tunnel `wanted` may join: one
    /// set up with the same identity (`ProfileTunnel::identity`) and the same secret.
    fn existing(
        &self,
        destination: &DestinationKey,
        wanted: &ProfileTunnel,
    ) -> Option<ExistingTunnel>;
}

/// `[edit services l2tp]` flags that shape selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SelectSettings {
    pub fail_over_within_preference: bool,
    pub weighted_load_balancing: bool,
}
