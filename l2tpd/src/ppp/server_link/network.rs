//! The network phase at the LNS: IPCP (RFC 1332) in the server role, with the DNS and NBNS
//! options of RFC 1877. The client gets the address and name servers the owner chose, by Nak;
//! IP itself
//! is the owner's (it routes IP frames before they reach the link).

use std::net::Ipv4Addr;
use std::time::Instant;

use crate::ppp::fsm::{self, Event, Fsm, State};
use crate::ppp::ipcp::{IpcpPolicy, IpcpRole};
use crate::ppp::wire::control::ControlPacket;
use crate::ppp::wire::{PppError, Protocol};

/// What IPCP assigns at the LNS. Equal `local` and `peer` are the owner's problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpcpServerAddresses {
    /// Our address (the service interface's).
    pub local: Ipv4Addr,
    /// The client's: any other it asks for is Nak'ed with this one.
    pub peer: Ipv4Addr,
    /// RFC 1877: answered when set, Rejected when not.
    pub primary_dns: Option<Ipv4Addr>,
    pub secondary_dns: Option<Ipv4Addr>,
    /// RFC 1877's NetBIOS name servers (WINS): the same.
    pub primary_nbns: Option<Ipv4Addr>,
    pub secondary_nbns: Option<Ipv4Addr>,
    /// `ipcp-suggest-dns-option`: a request that asks for no DNS server is Nak'ed once with
    /// the servers above (RFC 1661 §5.3 lets a Nak name options the request left out).
    pub suggest_dns: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NetworkEvent {
    /// IPCP Opened: the client took `peer`.
    Up { peer: Ipv4Addr },
    /// IPCP left Opened or could not open: a subscriber without IP is of no use.
    Failed,
}

pub(super) struct Network {
    ipcp: Fsm<IpcpPolicy>,
    addresses: IpcpServerAddresses,
}

impl Network {
    pub fn new(config: fsm::Config, addresses: IpcpServerAddresses) -> Self {
        Network {
            ipcp: Fsm::new(Protocol::Ipcp, config, policy(addresses)),
            addresses,
        }
    }

    /// Open and Up: our Configure-Request goes out.
    pub fn start(&mut self, now: Instant) {
        self.ipcp.open(now);
        self.ipcp.up(now);
    }

    /// IPCP opened: its queues need no room kept for the negotiation.
    pub fn shrink_queues(&mut self) {
        self.ipcp.shrink_queues();
    }

    /// IPCP's RFC 1661 state (`show ppp interface`).
    pub fn state(&self) -> State {
        self.ipcp.state()
    }

    /// Ours and the client's address, as the owner chose them.
    pub fn addresses(&self) -> (Ipv4Addr, Ipv4Addr) {
        (self.addresses.local, self.addresses.peer)
    }

    pub fn started(&self) -> bool {
        self.ipcp.state() != State::Initial
    }

    /// LCP renegotiates: IPCP starts over when the network phase comes again (RFC 1661
    /// §3.7). True if it was Opened.
    pub fn reset(&mut self) -> bool {
        let opened = self.ipcp.state() == State::Opened;
        self.ipcp = Fsm::new(Protocol::Ipcp, self.ipcp.config(), policy(self.addresses));
        opened
    }

    /// An IPCP packet (the information field after protocol 0x8021).
    pub fn handle_packet(&mut self, information: &[u8], now: Instant) -> Result<(), PppError> {
        let packet = ControlPacket::parse(information)?;
        self.ipcp.handle_packet(&packet, now)
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.ipcp.handle_timeout(now);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.ipcp.poll_timeout()
    }

    /// An IPCP packet to send, without the protocol field.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.ipcp.poll_transmit()
    }

    pub fn poll_event(&mut self) -> Option<NetworkEvent> {
        loop {
            match self.ipcp.poll_event()? {
                Event::Up => {
                    let peer = self
                        .ipcp
                        .policy
                        .addresses
                        .peer
                        .unwrap_or(self.addresses.peer);
                    return Some(NetworkEvent::Up { peer });
                }
                Event::Down | Event::Finished(_) => return Some(NetworkEvent::Failed),
                Event::Started => {}
            }
        }
    }
}

fn policy(addresses: IpcpServerAddresses) -> IpcpPolicy {
    IpcpPolicy::new(IpcpRole::Server {
        local: addresses.local,
        peer: addresses.peer,
        primary_dns: addresses.primary_dns,
        secondary_dns: addresses.secondary_dns,
        primary_nbns: addresses.primary_nbns,
        secondary_nbns: addresses.secondary_nbns,
        suggest_dns: addresses.suggest_dns,
    })
}
