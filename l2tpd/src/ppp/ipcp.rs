//! IPCP (RFC 1332) with the DNS and NBNS options of RFC 1877: the `fsm` automaton with IPCP's
//! options. The server (LNS) assigns the client's address and DNS and NetBIOS name servers by
//! Nak'ing its request; the client (the subscriber emulator) asks for 0.0.0.0 and takes the
//! hints.

use std::net::Ipv4Addr;

use super::fsm::{Policy, Unacceptable, Verdict};
use super::wire::options::{ipcp_kind, IpcpOption, RawOption};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcpRole {
    Server {
        local: Ipv4Addr,
        /// The address the client gets.
        peer: Ipv4Addr,
        primary_dns: Option<Ipv4Addr>,
        secondary_dns: Option<Ipv4Addr>,
        /// WINS servers: answered when set, Rejected when not (a client then stops asking).
        primary_nbns: Option<Ipv4Addr>,
        secondary_nbns: Option<Ipv4Addr>,
        /// `ipcp-suggest-dns-option`: offer the DNS servers to a client that does not ask.
        suggest_dns: bool,
    },
    Client,
}

/// What IPCP agreed: our address, the peer's, the DNS and WINS servers we were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpcpAddresses {
    pub local: Option<Ipv4Addr>,
    pub peer: Option<Ipv4Addr>,
    pub primary_dns: Option<Ipv4Addr>,
    pub secondary_dns: Option<Ipv4Addr>,
    pub primary_nbns: Option<Ipv4Addr>,
    pub secondary_nbns: Option<Ipv4Addr>,
}

pub struct IpcpPolicy {
    role: IpcpRole,
    /// The options of our next request (client: address and DNS wishes, server: address).
    wishes: Vec<IpcpOption>,
    pub addresses: IpcpAddresses,
    /// Server: the DNS servers were offered unasked once; a client that still leaves them
    /// out does not want them, and is not Nak'ed again (which would never converge).
    suggested_dns: bool,
}

impl IpcpPolicy {
    pub fn new(role: IpcpRole) -> Self {
        let wishes = match &role {
            IpcpRole::Server { local, .. } => vec![IpcpOption::IpAddress(*local)],
            // As a Windows client asks: an address, DNS and WINS servers.
            IpcpRole::Client => vec![
                IpcpOption::IpAddress(Ipv4Addr::UNSPECIFIED),
                IpcpOption::PrimaryDns(Ipv4Addr::UNSPECIFIED),
                IpcpOption::PrimaryNbns(Ipv4Addr::UNSPECIFIED),
                IpcpOption::SecondaryDns(Ipv4Addr::UNSPECIFIED),
                IpcpOption::SecondaryNbns(Ipv4Addr::UNSPECIFIED),
            ],
        };
        let mut policy = IpcpPolicy {
            role,
            wishes,
            addresses: IpcpAddresses::default(),
            suggested_dns: false,
        };
        policy.record_wishes();
        policy
    }

    /// The server's value for an option the client asked about; `None`: reject it.
    fn assigned(&self, option: &IpcpOption) -> Option<IpcpOption> {
        let IpcpRole::Server {
            peer,
            primary_dns,
            secondary_dns,
            primary_nbns,
            secondary_nbns,
            ..
        } = &self.role
        else {
            // The client takes whatever address the server names for itself.
            return matches!(option, IpcpOption::IpAddress(_)).then(|| option.clone());
        };
        match option {
            IpcpOption::IpAddress(_) => Some(IpcpOption::IpAddress(*peer)),
            IpcpOption::PrimaryDns(_) => primary_dns.map(IpcpOption::PrimaryDns),
            IpcpOption::SecondaryDns(_) => secondary_dns.map(IpcpOption::SecondaryDns),
            IpcpOption::PrimaryNbns(_) => primary_nbns.map(IpcpOption::PrimaryNbns),
            IpcpOption::SecondaryNbns(_) => secondary_nbns.map(IpcpOption::SecondaryNbns),
            IpcpOption::Unknown(_) => None,
        }
    }
}

impl Policy for IpcpPolicy {
    fn request(&mut self) -> Vec<RawOption> {
        self.wishes.iter().map(IpcpOption::to_raw).collect()
    }

    fn check(&mut self, options: &[RawOption]) -> Verdict {
        let (mut naks, mut rejects) = (Vec::new(), Vec::new());
        for raw in options {
            let assigned = IpcpOption::from_raw(raw)
                .ok()
                .and_then(|option| Some((self.assigned(&option)?, option)));
            match assigned {
                None => rejects.push(raw.clone()),
                Some((assigned, asked)) if assigned != asked => naks.push(assigned.to_raw()),
                Some(_) => {}
            }
        }
        if !rejects.is_empty() {
            return Verdict::Reject(rejects);
        }
        naks.extend(self.unasked_dns(options));
        if !naks.is_empty() {
            return Verdict::Nak(naks);
        }
        for option in options
            .iter()
            .filter_map(|raw| IpcpOption::from_raw(raw).ok())
        {
            if let IpcpOption::IpAddress(address) = option {
                self.addresses.peer = Some(address);
            }
        }
        Verdict::Ack
    }

    fn nak_received(&mut self, options: &[RawOption]) -> Result<(), Unacceptable> {
        for hint in options
            .iter()
            .filter_map(|raw| IpcpOption::from_raw(raw).ok())
        {
            // RFC 1332 §3.3: a Nak'ed address is the one the peer wants us to use.
            if let Some(wish) = self
                .wishes
                .iter_mut()
                .find(|wish| wish.to_raw().kind == hint.to_raw().kind)
            {
                *wish = hint;
            } else if matches!(self.role, IpcpRole::Client)
                && matches!(
                    hint,
                    IpcpOption::PrimaryDns(_) | IpcpOption::SecondaryDns(_)
                )
            {
                // RFC 1661 §5.3: a Nak may name an option the request left out, to prompt
                // the peer to include it; name servers are worth taking.
                self.wishes.push(hint);
            }
        }
        self.record_wishes();
        Ok(())
    }

    fn reject_received(&mut self, options: &[RawOption]) -> Result<(), Unacceptable> {
        if options.iter().any(|o| o.kind == ipcp_kind::IP_ADDRESS) {
            // Without an address there is no IP to carry.
            return Err(Unacceptable);
        }
        self.wishes
            .retain(|wish| !options.iter().any(|o| o.kind == wish.to_raw().kind));
        self.record_wishes();
        Ok(())
    }
}

impl IpcpPolicy {
    /// With `ipcp-suggest-dns-option`, once per negotiation: the DNS servers the request
    /// `options` does not ask for, as hints to append to the Nak.
    fn unasked_dns(&mut self, options: &[RawOption]) -> Vec<RawOption> {
        let IpcpRole::Server {
            primary_dns,
            secondary_dns,
            suggest_dns: true,
            ..
        } = &self.role
        else {
            return Vec::new();
        };
        if self.suggested_dns {
            return Vec::new();
        }
        let asked = |kind: u8| options.iter().any(|o| o.kind == kind);
        let hints: Vec<RawOption> = [
            (
                ipcp_kind::PRIMARY_DNS,
                primary_dns.map(IpcpOption::PrimaryDns),
            ),
            (
                ipcp_kind::SECONDARY_DNS,
                secondary_dns.map(IpcpOption::SecondaryDns),
            ),
        ]
        .into_iter()
        .filter(|(kind, _)| !asked(*kind))
        .filter_map(|(_, hint)| hint.map(|h| h.to_raw()))
        .collect();
        self.suggested_dns = !hints.is_empty();
        hints
    }

    /// Our current wishes are what an Ack will confirm.
    fn record_wishes(&mut self) {
        self.addresses = IpcpAddresses {
            local: self.addresses.local,
            peer: self.addresses.peer,
            ..IpcpAddresses::default()
        };
        for wish in &self.wishes {
            let (slot, address) = match wish {
                IpcpOption::IpAddress(address) => (&mut self.addresses.local, address),
                IpcpOption::PrimaryDns(address) => (&mut self.addresses.primary_dns, address),
                IpcpOption::SecondaryDns(address) => (&mut self.addresses.secondary_dns, address),
                IpcpOption::PrimaryNbns(address) => (&mut self.addresses.primary_nbns, address),
                IpcpOption::SecondaryNbns(address) => (&mut self.addresses.secondary_nbns, address),
                IpcpOption::Unknown(_) => continue,
            };
            *slot = Some(*address);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppp::fsm::{Config, Event, Fsm, State};
    use crate::ppp::wire::control::ControlPacket;
    use crate::ppp::wire::Protocol;
    use std::time::Instant;

    fn negotiate(server_role: IpcpRole) -> (Fsm<IpcpPolicy>, Fsm<IpcpPolicy>) {
        negotiate_with(server_role, IpcpPolicy::new(IpcpRole::Client))
    }

    fn negotiate_with(
        server_role: IpcpRole,
        client: IpcpPolicy,
    ) -> (Fsm<IpcpPolicy>, Fsm<IpcpPolicy>) {
        let now = Instant::now();
        let mut server = Fsm::new(
            Protocol::Ipcp,
            Config::default(),
            IpcpPolicy::new(server_role),
        );
        let mut client = Fsm::new(Protocol::Ipcp, Config::default(), client);
        for fsm in [&mut server, &mut client] {
            fsm.open(now);
            fsm.up(now);
        }
        for _ in 0..100 {
            let to_client: Vec<_> = std::iter::from_fn(|| server.poll_transmit()).collect();
            let to_server: Vec<_> = std::iter::from_fn(|| client.poll_transmit()).collect();
            if to_client.is_empty() && to_server.is_empty() {
                break;
            }
            for packet in to_client {
                client
                    .handle_packet(&ControlPacket::parse(&packet).unwrap(), now)
                    .unwrap();
            }
            for packet in to_server {
                server
                    .handle_packet(&ControlPacket::parse(&packet).unwrap(), now)
                    .unwrap();
            }
        }
        (server, client)
    }

    fn server_role(primary_dns: Option<Ipv4Addr>) -> IpcpRole {
        IpcpRole::Server {
            local: Ipv4Addr::new(127, 0, 80, 1),
            peer: Ipv4Addr::new(127, 0, 80, 2),
            primary_dns,
            secondary_dns: None,
            primary_nbns: None,
            secondary_nbns: None,
            suggest_dns: false,
        }
    }

    /// A Windows client asks for WINS servers with 0.0.0.0 (RFC 1877 §1.2, §1.4).
    fn windows_request() -> Vec<RawOption> {
        [
            IpcpOption::IpAddress(Ipv4Addr::UNSPECIFIED),
            IpcpOption::PrimaryNbns(Ipv4Addr::UNSPECIFIED),
            IpcpOption::SecondaryNbns(Ipv4Addr::UNSPECIFIED),
        ]
        .iter()
        .map(IpcpOption::to_raw)
        .collect()
    }

    #[test]
    fn a_server_with_wins_servers_naks_them_to_the_client() {
        let IpcpRole::Server { local, peer, .. } = server_role(None) else {
            unreachable!()
        };
        let (primary, secondary) = (
            Ipv4Addr::new(127, 0, 80, 137),
            Ipv4Addr::new(127, 0, 80, 138),
        );
        let mut policy = IpcpPolicy::new(IpcpRole::Server {
            local,
            peer,
            primary_dns: None,
            secondary_dns: None,
            primary_nbns: Some(primary),
            secondary_nbns: Some(secondary),
            suggest_dns: false,
        });
        let expected: Vec<RawOption> = [
            IpcpOption::IpAddress(peer),
            IpcpOption::PrimaryNbns(primary),
            IpcpOption::SecondaryNbns(secondary),
        ]
        .iter()
        .map(IpcpOption::to_raw)
        .collect();
        assert_eq!(
            policy.check(&windows_request()),
            Verdict::Nak(expected.clone())
        );
        // The client takes the hints: its next request is acknowledged.
        assert_eq!(policy.check(&expected), Verdict::Ack);
        assert_eq!(policy.addresses.peer, Some(peer));
    }

    fn suggesting(primary: Option<Ipv4Addr>, secondary: Option<Ipv4Addr>) -> IpcpRole {
        let IpcpRole::Server { local, peer, .. } = server_role(None) else {
            unreachable!()
        };
        IpcpRole::Server {
            local,
            peer,
            primary_dns: primary,
            secondary_dns: secondary,
            primary_nbns: None,
            secondary_nbns: None,
            suggest_dns: true,
        }
    }

    fn raw(options: &[IpcpOption]) -> Vec<RawOption> {
        options.iter().map(IpcpOption::to_raw).collect()
    }

    /// `ipcp-suggest-dns-option`: a request without DNS options is Nak'ed with the servers,
    /// once; a client that still leaves them out is acknowledged (Nak'ing again would never
    /// converge), and one that asks gets the usual answer.
    #[test]
    fn a_suggesting_server_offers_unasked_dns_servers_once() {
        let (primary, secondary) = (Ipv4Addr::new(127, 0, 80, 53), Ipv4Addr::new(127, 0, 80, 54));
        let peer = Ipv4Addr::new(127, 0, 80, 2);
        let address_only = raw(&[IpcpOption::IpAddress(peer)]);
        let mut policy = IpcpPolicy::new(suggesting(Some(primary), Some(secondary)));
        assert_eq!(
            policy.check(&address_only),
            Verdict::Nak(raw(&[
                IpcpOption::PrimaryDns(primary),
                IpcpOption::SecondaryDns(secondary),
            ]))
        );
        assert_eq!(policy.check(&address_only), Verdict::Ack);

        // Only the one the client left out; with the address's own Nak.
        let mut policy = IpcpPolicy::new(suggesting(Some(primary), Some(secondary)));
        let partial = raw(&[
            IpcpOption::IpAddress(Ipv4Addr::UNSPECIFIED),
            IpcpOption::PrimaryDns(primary),
        ]);
        assert_eq!(
            policy.check(&partial),
            Verdict::Nak(raw(&[
                IpcpOption::IpAddress(peer),
                IpcpOption::SecondaryDns(secondary),
            ]))
        );

        // Nothing to offer, or not asked to: no Nak.
        let mut policy = IpcpPolicy::new(suggesting(None, None));
        assert_eq!(policy.check(&address_only), Verdict::Ack);
        let mut policy = IpcpPolicy::new(server_role(Some(primary)));
        assert_eq!(policy.check(&address_only), Verdict::Ack);
    }

    /// A client that asks for no name servers takes the ones a suggesting server offers.
    #[test]
    fn a_client_that_asks_no_dns_takes_the_servers_offered() {
        let primary = Ipv4Addr::new(127, 0, 80, 53);
        let mut quiet = IpcpPolicy::new(IpcpRole::Client);
        quiet.wishes = vec![IpcpOption::IpAddress(Ipv4Addr::UNSPECIFIED)];
        let (server, client) = negotiate_with(suggesting(Some(primary), None), quiet);
        assert_eq!(server.state(), State::Opened);
        assert_eq!(client.state(), State::Opened);
        assert_eq!(client.policy.addresses.primary_dns, Some(primary));
    }

    #[test]
    fn a_server_without_wins_servers_rejects_the_nbns_options() {
        let mut policy = IpcpPolicy::new(server_role(None));
        let rejected: Vec<RawOption> = windows_request().split_off(1);
        assert_eq!(policy.check(&windows_request()), Verdict::Reject(rejected));
    }

    #[test]
    fn the_client_gets_its_address_and_dns_from_the_server() {
        let (server, mut client) = negotiate(server_role(Some(Ipv4Addr::new(127, 0, 80, 53))));
        assert_eq!(server.state(), State::Opened);
        assert_eq!(client.state(), State::Opened);
        assert_eq!(client.poll_event(), Some(Event::Started));
        assert_eq!(client.poll_event(), Some(Event::Up));
        assert_eq!(
            client.policy.addresses,
            IpcpAddresses {
                local: Some(Ipv4Addr::new(127, 0, 80, 2)),
                peer: Some(Ipv4Addr::new(127, 0, 80, 1)),
                primary_dns: Some(Ipv4Addr::new(127, 0, 80, 53)),
                secondary_dns: None,
                primary_nbns: None,
                secondary_nbns: None,
            }
        );
        assert_eq!(
            server.policy.addresses.peer,
            Some(Ipv4Addr::new(127, 0, 80, 2))
        );
    }

    #[test]
    fn a_server_without_dns_rejects_the_dns_options() {
        let (server, client) = negotiate(server_role(None));
        assert_eq!(server.state(), State::Opened);
        assert_eq!(client.state(), State::Opened);
        assert_eq!(client.policy.addresses.primary_dns, None);
        assert_eq!(
            client.policy.addresses.local,
            Some(Ipv4Addr::new(127, 0, 80, 2))
        );
    }
}
