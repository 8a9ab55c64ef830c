//! A subscriber whose PPP ends here: the LNS's, and the LAC's whose domain map does not
//! tunnel it (local termination, as the product document describes). The same steps for
//! both: the credentials against the access profile, an address from the pools when the
//! client first asks for IP, IPCP, then IP between the subscriber and the service interface
//! (`si-…` at the LNS, `pp0` for the LAC's own subscribers), and the address back at the end.

use std::collections::{HashMap, VecDeque};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Instant;

use schema::system_rpc::{StatisticsProtocol, SystemStatistics};
use schema::typed::{PppClient, RouterConfig};

use super::address_pool::{AddressPools, PoolError};
use super::lac::SubscriberLayer;
use super::local_auth::{self, AuthRejection};
use super::table::{AaaGrant, EndCause, Phase, Subscriber, SubscriberId};
use crate::firewall::{reject, Judged};
use crate::io::ip_relay::{ipv4_destination, ipv4_source, ipv4_total_length};
use crate::io::ip_relay::{IpRoute, SharedIpRelay};
use crate::io::prefix_table::PrefixTable;
use crate::ppp::server_link::{Credentials, IpcpServerAddresses};
use crate::ppp::wire::{split_frame, Protocol};
use crate::registry::Registry;

/// PPP protocol number of IPv4.
const PROTOCOL_IP: [u8; 2] = [0x00, 0x21];
/// The service interface of the subscribers a LAC terminates itself (Junos' `pp0`).
pub const LOCAL_SERVICE_INTERFACE: &str = "pp0";

/// IP packets the LNS counted rather than forwarded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpDrops {
    /// From a subscriber with a source address other than its own: on the slow path, and
    /// on the fast path (the I/O shell's table counts those).
    pub spoofed: u64,
    pub spoofed_fast: u64,
    /// For an address no subscriber holds, or from a subscriber whose IPCP is not up.
    pub no_subscriber: u64,
    /// Not IPv4, or too short to be one.
    pub malformed: u64,
    /// The subscriber has no service interface (an LNS tunnel group without
    /// `service-interface`): the IP has nowhere to go.
    pub no_service_interface: u64,
    /// Discarded by the subscriber's input or output filter (issue 16): on the slow path,
    /// and on the fast path (the I/O shell's table counts those).
    pub filtered: u64,
    pub filtered_fast: u64,
}

/// What terminating subscribers needs beside the subscriber table: the address pools, who
/// holds which address, and the IP packets on their way to a service interface.
#[derive(Default)]
pub struct LnsState {
    pub pools: AddressPools,
    pub(super) by_address: HashMap<Ipv4Addr, SubscriberId>,
    /// RADIUS Framed-Route prefixes of subscribers whose IPCP is up (`framed_routes`).
    pub(super) by_prefix: PrefixTable<SubscriberId>,
    /// The prefixes changed: the kernel's routes are to be reconciled.
    pub(super) routes_changed: bool,
    pub(super) ip_out: VecDeque<(Arc<str>, Vec<u8>)>,
    pub ip_drops: IpDrops,
    /// Refused authentications by reason (`show subscribers summary`).
    pub auth_refusals: HashMap<AuthRejection, u64>,
    /// Sessions whose proxy LCP was taken, and those renegotiated.
    pub proxy_lcp_accepted: u64,
    pub lcp_renegotiated: u64,
}

/// The IPv4 packet a PPP frame carries (Address and Control fields optional, RFC 2661 §5.1;
/// protocol field compression allowed), unchecked.
fn ip_payload(frame: &[u8]) -> Option<&[u8]> {
    match split_frame(frame) {
        Ok((Protocol::Ip, packet)) => Some(packet),
        _ => None,
    }
}

fn is_ipcp(frame: &[u8]) -> bool {
    matches!(split_frame(frame), Ok((Protocol::Ipcp, _)))
}

impl SubscriberLayer {
    /// A PPP frame from a terminated subscriber: IP once IPCP is up, PPP otherwise.
    pub(super) fn terminated_frame(
        &mut self,
        now: Instant,
        id: SubscriberId,
        frame: &[u8],
        config: &RouterConfig,
        registry: &mut Registry,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber.frames_up += 1;
        subscriber.bytes_up += frame.len() as u64;
        if let Some(packet) = ip_payload(frame) {
            // Activity for the idle limit is IP: an LCP echo keeps the link, not the session.
            subscriber.ip_packets += 1;
            subscriber.ip_packets_in += 1;
            let drops = &mut self.lns.ip_drops;
            let (Phase::Active, Some(lease)) = (subscriber.phase, subscriber.lease.as_ref()) else {
                drops.no_subscriber += 1;
                return;
            };
            // The packet as its Total Length says (what follows is link padding), as the
            // fast path forwards it.
            let (Some(source), Some(length)) = (ipv4_source(packet), ipv4_total_length(packet))
            else {
                drops.malformed += 1;
                return;
            };
            let packet = &packet[..length];
            // A subscriber may only send from the address it was given, or from a prefix
            // RADIUS routed to it; else only what its `rpf-check fail-filter` passes.
            if !super::framed_routes::sends_from_its_own(subscriber, lease.address, source)
                && !subscriber.filters.passes_rpf_fail(packet, now)
            {
                drops.spoofed += 1;
                return;
            }
            match subscriber.filters.judge_input(packet, now) {
                Judged::Pass => {}
                Judged::Discard => {
                    drops.filtered += 1;
                    return;
                }
                Judged::Reject(message) => {
                    drops.filtered += 1;
                    let mut answer = PROTOCOL_IP.to_vec();
                    let mut icmp = Vec::new();
                    if reject::answer(packet, message, lease.local, &mut icmp)
                        && self.ip_relay.lock().allow_answer(now, &icmp)
                    {
                        // Back down the subscriber's own link.
                        answer.extend_from_slice(&icmp);
                        self.send_to_client(id, &answer, registry);
                    }
                    return;
                }
            }
            let Some(service) = subscriber.service.clone() else {
                drops.no_service_interface += 1;
                return;
            };
            self.lns.ip_out.push_back((service, packet.to_vec()));
            return;
        }
        let first_ipcp =
            subscriber.phase == Phase::Addressing && subscriber.lease.is_none() && is_ipcp(frame);
        // Filters first: a subscriber refused for one takes no address.
        if first_ipcp && self.attach_filters(now, id, config) {
            if let Some(holder) = self.assign_address(now, id, config) {
                self.end(now, holder, EndCause::AddressReclaimed, registry);
            }
        }
        if let Some(link) = self.table.get_mut(id).and_then(|s| s.link.as_mut()) {
            super::ppp_views::count_frame(&mut self.ppp_packets, frame, true);
            link.handle_frame(frame, now);
        }
        self.run_link(now, id, config, registry);
    }

    /// The credentials (the LAC's proxy authentication, or the client's own) against the
    /// subscriber's access profile, method by method (`aaa_flow`), and the answer to the
    /// client.
    pub(super) fn check_credentials(
        &mut self,
        now: Instant,
        id: SubscriberId,
        credentials: Credentials,
        config: &RouterConfig,
        registry: &Registry,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber.user = Some(local_auth::user_name(&credentials));
        subscriber.authentication = Some(match credentials {
            Credentials::Pap { .. } => "pap",
            Credentials::Chap { .. } => "chap",
        });
        self.authenticate_from(now, id, credentials, 0, config, registry);
    }

    /// The client's first IPCP packet: the address is taken now, when the client asks for
    /// IP (a client that never runs IPCP, like a `test services l2tp tunnel` call, holds
    /// none), and IPCP starts with it. Without an address the subscriber is refused with
    /// that cause: LCP terminates (and at the LNS the LAC gets a CDN saying so). Returns the
    /// subscriber to log out under `address-protection reassign-on-match`: the holder of the
    /// address outside every pool that RADIUS gave this one (which is refused all the same,
    /// as Junos does, and gets the address when it tries again).
    fn assign_address(
        &mut self,
        now: Instant,
        id: SubscriberId,
        config: &RouterConfig,
    ) -> Option<SubscriberId> {
        let subscriber = self.table.get_mut(id)?;
        let user = subscriber.user.clone().unwrap_or_default();
        let profile = subscriber.access_profile(config);
        let client = profile.and_then(|p| p.clients.get(&user));
        // Junos: the profile's `domain-name-server-inet`, else `[edit access]`'s.
        let configured_dns = profile
            .map(|p| p.name_servers.as_slice())
            .filter(|servers| !servers.is_empty())
            .unwrap_or(&config.name_servers);
        // At the LNS, the tunnel client's user-group profile comes after the user's entry.
        let user_group = match &subscriber.access {
            super::table::AccessLeg::L2tp { group, lac, .. } => {
                super::lns::tunnel_user_group(config, group, lac)
            }
            _ => None,
        };
        // RADIUS's Framed-IP-Address and Framed-Pool first, then the local client entry's,
        // then a static unit's `destination`, then the domain map's pool.
        let grant = subscriber.aaa.as_deref();
        let fixed = grant
            .and_then(|g| g.framed_address)
            .or_else(|| client.and_then(|c| c.ppp.framed_ip_address))
            .or(subscriber.unit_peer_address);
        let lease = match fixed {
            Some(fixed) => self.lns.pools.allocate_fixed(fixed, id.0),
            None => {
                let pool = grant
                    .and_then(|g| g.framed_pool.as_deref())
                    .or_else(|| client.and_then(|c| c.ppp.framed_pool.as_deref()))
                    .or_else(|| user_group.and_then(|g| g.framed_pool.as_deref()))
                    .or_else(|| super::decision::address_pool(config, &user));
                self.lns.pools.allocate(pool, id.0)
            }
        };
        log_pool_alarms(&mut self.lns.pools);
        let reclaim = match &lease {
            Err(PoolError::InUse(address)) if config.address_policy.reassign_on_match => self
                .lns
                .pools
                .reassignable_holder(*address)
                .filter(|holder| *holder != id.0)
                .map(crate::registry::SessionRef),
            _ => None,
        };
        let Some(link) = subscriber.link.as_mut() else {
            return reclaim;
        };
        let lease = match lease {
            // The profile's own address (an unnumbered donor's) is ours in IPCP.
            Ok(mut lease) => {
                lease.local = subscriber.local_address.unwrap_or(lease.local);
                lease
            }
            Err(why) => {
                tracing::info!("subscriber {user}: no address: {why}");
                if let Some(holder) = reclaim {
                    tracing::info!(
                        "subscriber {}: address reassigned to {user} (reassign-on-match), logged out",
                        holder.0
                    );
                }
                subscriber.phase = Phase::Terminating;
                subscriber.end_cause = Some(EndCause::NoAddress);
                link.close(now);
                return reclaim;
            }
        };
        // DNS and WINS servers: RADIUS's, then the user's client entry's, then the tunnel
        // client's user-group profile's, then (DNS) the access profile's or the router's
        // `domain-name-server-inet`, (WINS) the pool's `dhcp-attributes wins-server`.
        // Junos documents RADIUS > access profile > global for PPP, and a pool's name
        // servers for DHCP only ("DNS Name Server Addresses for Subscriber Management"):
        // they never reach PPP, and a commit with no other source says so.
        let server = |from_grant: fn(&AaaGrant) -> Option<Ipv4Addr>,
                      from_ppp: fn(&PppClient) -> Option<Ipv4Addr>,
                      configured: Option<Ipv4Addr>,
                      from_pool: Option<Ipv4Addr>| {
            grant
                .and_then(from_grant)
                .or_else(|| client.and_then(|c| from_ppp(&c.ppp)))
                .or_else(|| user_group.and_then(from_ppp))
                .or(configured)
                .or(from_pool)
        };
        let [first_dns, second_dns] = [0, 1].map(|i| configured_dns.get(i).copied());
        let addresses = IpcpServerAddresses {
            local: lease.local,
            peer: lease.address,
            primary_dns: server(|g| g.primary_dns, |p| p.primary_dns, first_dns, None),
            secondary_dns: server(|g| g.secondary_dns, |p| p.secondary_dns, second_dns, None),
            primary_nbns: server(
                |g| g.primary_wins,
                |p| p.primary_wins,
                None,
                lease.primary_wins,
            ),
            secondary_nbns: server(
                |g| g.secondary_wins,
                |p| p.secondary_wins,
                None,
                lease.secondary_wins,
            ),
            suggest_dns: subscriber.ipcp_suggest_dns,
        };
        link.start_ipcp(addresses, now);
        self.lns.by_address.insert(lease.address, id);
        subscriber.lease = Some(lease);
        None
    }

    /// IPCP is open: the subscriber's IP flows, and its routes are installed.
    pub(super) fn network_up(
        &mut self,
        now: Instant,
        id: SubscriberId,
        peer: Ipv4Addr,
        registry: &Registry,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        subscriber.phase = Phase::Active;
        subscriber.routes_since = Some(now);
        tracing::info!(
            "subscriber {}: IPCP up, address {peer}",
            subscriber.user.as_deref().unwrap_or("?")
        );
        self.install_framed_routes(id);
        self.install_ip_route(id, registry);
    }

    /// IP packets a service interface received, for subscribers (the slow path: the I/O
    /// shell's table takes the packets of subscribers it knows).
    pub fn handle_ip_packets(
        &mut self,
        now: Instant,
        service: &str,
        packets: &[Vec<u8>],
        registry: &mut Registry,
    ) {
        for packet in packets {
            let Some(destination) = ipv4_destination(packet) else {
                self.lns.ip_drops.malformed += 1;
                continue;
            };
            let Some(id) = self.subscriber_for(destination) else {
                self.lns.ip_drops.no_subscriber += 1;
                continue;
            };
            let Some(subscriber) = self.table.get_mut(id) else {
                continue;
            };
            if subscriber.phase != Phase::Active {
                self.lns.ip_drops.no_subscriber += 1;
                continue;
            }
            let length = ipv4_total_length(packet).unwrap_or(packet.len());
            let packet_only = packet.get(..length).unwrap_or(packet);
            match subscriber.filters.judge_output(packet_only, now) {
                Judged::Pass => {}
                Judged::Discard => {
                    self.lns.ip_drops.filtered += 1;
                    continue;
                }
                Judged::Reject(message) => {
                    self.lns.ip_drops.filtered += 1;
                    let router = subscriber.lease.as_ref().map(|l| l.local);
                    let mut answer = Vec::new();
                    let answered = router
                        .is_some_and(|r| reject::answer(packet_only, message, r, &mut answer))
                        && self.ip_relay.lock().allow_answer(now, &answer);
                    if answered {
                        // Back out the service interface the packet came in by.
                        self.lns.ip_out.push_back((Arc::from(service), answer));
                    }
                    continue;
                }
            }
            subscriber.frames_down += 1;
            subscriber.ip_packets += 1;
            subscriber.bytes_down += (packet.len() + PROTOCOL_IP.len()) as u64;
            let mut frame = Vec::with_capacity(packet.len() + PROTOCOL_IP.len());
            frame.extend_from_slice(&PROTOCOL_IP);
            frame.extend_from_slice(packet);
            self.send_to_client(id, &frame, registry);
        }
    }

    /// The subscriber's IP takes the I/O shell's fast path from now on, when its session
    /// allows (no sequencing: see `Registry::relay_leg`); otherwise it stays on the slow path.
    fn install_ip_route(&mut self, id: SubscriberId, registry: &Registry) {
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        let (Some(lease), Some(service), Some(leg)) = (
            subscriber.lease.as_ref(),
            subscriber.service.clone(),
            registry.relay_leg(id),
        ) else {
            return;
        };
        self.ip_relay.lock().install(IpRoute {
            call: id,
            address: lease.address,
            routed: super::framed_routes::routed_prefixes(subscriber),
            service,
            router: lease.local,
            l2tp: leg,
            filters: subscriber.filters.clone(),
        });
    }

    /// Takes `id` off the IP fast path, its last packets counted first.
    pub(super) fn remove_ip_route(&mut self, id: SubscriberId, registry: &mut Registry) {
        let removed = self.ip_relay.lock().remove(id);
        if let Some(relayed) = removed {
            self.count_relayed(id, &relayed, registry);
        }
    }

    /// The LNS's IP forwarding table, for the I/O tasks.
    pub fn ip_relay(&self) -> &SharedIpRelay {
        &self.ip_relay
    }

    /// Adds what the IP fast path forwarded to the subscribers' and sessions' counters.
    pub fn fold_ip_counters(&mut self, registry: &mut Registry) {
        let taken = self.ip_relay.lock().take_counters();
        for (id, relayed) in taken {
            self.count_relayed(id, &relayed, registry);
        }
        let totals = self.ip_relay.lock().totals();
        self.lns.ip_drops.spoofed_fast = totals.spoofed;
        self.lns.ip_drops.filtered_fast = totals.filtered;
    }

    /// `show system statistics [tcp | icmp]`: the ICMP unreachables and TCP resets the
    /// router originated (the answers of `reject` terms) and those its rate limit refused.
    /// One table counts them for the data workers (each takes its lock) and the slow path
    /// alike.
    pub fn system_statistics(&self, protocol: StatisticsProtocol) -> SystemStatistics {
        let answers = self.ip_relay.lock().totals().answers;
        SystemStatistics::of_answers(answers, protocol)
    }

    /// The next IP packet for a service interface.
    pub fn poll_ip_packet(&mut self) -> Option<(Arc<str>, Vec<u8>)> {
        self.lns.ip_out.pop_front()
    }

    /// Every service interface the configuration needs, with the addresses it carries: each
    /// pool's gateway with the pool's prefix, so the kernel routes every pool network to
    /// it and the daemon finds the subscriber by destination. The tunnel groups name theirs;
    /// `pp0` carries the LAC's own subscribers when a domain map terminates locally.
    pub fn service_interfaces(&self, config: &RouterConfig) -> Vec<(String, Vec<(Ipv4Addr, u8)>)> {
        let mut names: Vec<&str> = config
            .l2tp
            .tunnel_groups
            .values()
            .filter_map(|g| g.service_interface.as_deref())
            .collect();
        if config
            .domain_maps
            .values()
            .any(|m| m.tunnel_profile.is_none())
        {
            names.push(LOCAL_SERVICE_INTERFACE);
        }
        names.sort_unstable();
        names.dedup();
        let gateways = self.lns.pools.gateways();
        names
            .into_iter()
            .map(|name| (name.to_string(), gateways.clone()))
            .collect()
    }

    /// A terminated subscriber's address goes back to its pool.
    pub(super) fn release_address(&mut self, subscriber: &Subscriber) {
        self.remove_framed_routes(subscriber);
        if let Some(lease) = &subscriber.lease {
            if self.lns.by_address.get(&lease.address) == Some(&subscriber.id) {
                self.lns.by_address.remove(&lease.address);
            }
            self.lns.pools.release(lease.address);
            log_pool_alarms(&mut self.lns.pools);
        }
    }
}

/// Junos traps the `high-utilization` and `abated-utilization` crossings of a pool or a
/// linked set of pools; with no address-pool MIB here, the log says it.
pub(super) fn log_pool_alarms(pools: &mut AddressPools) {
    for alarm in pools.take_alarms() {
        let percent = alarm.used * 100 / alarm.size.max(1);
        let linked: Vec<&str> = alarm.linked.iter().map(|name| &**name).collect();
        let pools = if linked.is_empty() {
            format!("address pool {}", alarm.pool)
        } else {
            format!("address pool {} (linked {})", alarm.pool, linked.join(", "))
        };
        let use_text = format!(
            "{} of {} addresses in use ({percent}%)",
            alarm.used, alarm.size
        );
        if alarm.raised {
            tracing::warn!("{pools}: {use_text}, above high-utilization");
        } else {
            tracing::info!("{pools}: {use_text}, down to abated-utilization: alarm cleared");
        }
    }
}

#[cfg(test)]
#[path = "termination_tests.rs"]
mod tests;
