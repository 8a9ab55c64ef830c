//! What the link shows the operator (`show ppp interface`): its phase, the states of LCP and
//! IPCP, what LCP agreed and the keepalives. Read-only: nothing here changes the link.

use std::net::Ipv4Addr;

use super::{Phase, ServerLink};
use crate::ppp::fsm::State;
use crate::ppp::lcp::{EchoStatus, Negotiated};

/// The link's phase as the operator knows it (RFC 1661 §3.2, plus the LAC's hand-over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPhase {
    Establish,
    Authenticate,
    Network,
    /// The LAC relays the session to the LNS: nothing of it is negotiated here any more.
    HandedOver,
    /// LCP finished, or the lower layer went down.
    Dead,
}

/// One link's state, copied out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkStatus {
    pub phase: LinkPhase,
    pub lcp: State,
    pub negotiated: Negotiated,
    pub local_magic: Option<u32>,
    pub local_mru: u16,
    pub echo: EchoStatus,
    /// `None` until the network phase started IPCP (never at the LAC).
    pub ipcp: Option<State>,
    /// IPCP's addresses as configured for the client: ours and the peer's.
    pub ipcp_addresses: Option<(Ipv4Addr, Ipv4Addr)>,
}

impl ServerLink {
    pub fn status(&self) -> LinkStatus {
        LinkStatus {
            phase: match self.phase {
                Phase::Establish => LinkPhase::Establish,
                Phase::Authenticate => LinkPhase::Authenticate,
                Phase::Network => LinkPhase::Network,
                Phase::HandedOver => LinkPhase::HandedOver,
                Phase::Dead => LinkPhase::Dead,
            },
            lcp: self.lcp.state(),
            negotiated: self.lcp.negotiated().clone(),
            local_magic: self.lcp.local_magic(),
            local_mru: self.lcp.local_mru(),
            echo: self.lcp.echo_status(),
            ipcp: self
                .network
                .as_deref()
                .filter(|n| n.started())
                .map(|n| n.state()),
            ipcp_addresses: self.network.as_deref().map(|n| n.addresses()),
        }
    }
}
