//! LNS: admitting SCCRQs by tunnel group and access profile, and accepting ICRQs.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use schema::typed::TunnelGroup;

use super::entry::{NewTunnel, Origin, SessionEntry, TunnelEntry};
use super::event::{RegistryEvent, Transmit};
use super::static_units::Reservation;
use super::{CallLocation, Registry, SessionRef};
use crate::l2tp::control::event::{general_error, stopccn_result};
use crate::l2tp::control::{PeerAuth, Reject, Tunnel, TunnelEvent, TunnelState};
use crate::l2tp::select::DestinationKey;
use crate::l2tp::session::{CallInfo, LnsPolicy, Refusal, RefusalReason, Session};
use crate::l2tp::wire::attribute::attr;
use crate::l2tp::wire::{Avp, ControlMessage, MessageType, ResultCode, WireError};
use crate::pppoe::access_line::AccessLine;

/// What the LNS decided about a calling LAC.
struct Admission {
    auth: PeerAuth,
    max_sessions: Option<u32>,
}

impl Registry {
    /// A control message for Tunnel ID 0: a new SCCRQ, or a retransmission of one.
    pub(super) fn incoming_sccrq(
        &mut self,
        now: Instant,
        local: Ipv4Addr,
        peer: SocketAddr,
        bytes: &[u8],
    ) {
        // Hidden AVPs need the secret, which depends on the Host Name inside: the SCCRQ is
        // read first with its hidden AVPs left undecoded (Host Name travels in the clear), and
        // `Tunnel::new_responder` parses it again with the secret found for that Host Name.
        let Ok(sccrq) = ControlMessage::parse_leaving_hidden(bytes) else {
            self.drops.malformed += 1;
            return;
        };
        if sccrq.message_type != Some(MessageType::SCCRQ) {
            self.drops.unknown_tunnel += 1;
            return;
        }
        if sccrq.is_still_hidden(attr::HOST_NAME) {
            // A hidden Host Name cannot choose the client whose secret would unhide it.
            self.drops.hidden_undecodable += 1;
            return;
        }
        let host_name = match sccrq.get(attr::HOST_NAME) {
            Some(Avp::HostName(name)) => String::from_utf8_lossy(name).into_owned(),
            _ => String::new(),
        };
        let peer_tunnel_id = match sccrq.get(attr::ASSIGNED_TUNNEL_ID) {
            Some(Avp::AssignedTunnelId(id)) => *id,
            _ if sccrq.is_still_hidden(attr::ASSIGNED_TUNNEL_ID) => {
                match self.unhidden_peer_tunnel_id(local, &host_name, bytes) {
                    Some(id) => id,
                    None => {
                        self.drops.hidden_undecodable += 1;
                        return;
                    }
                }
            }
            _ => {
                self.drops.malformed += 1;
                return;
            }
        };
        if let Some(tunnel_id) = self.by_peer.get(&(peer, peer_tunnel_id)).copied() {
            if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
                entry.tunnel.handle_datagram(now, bytes);
            }
            self.pump(now, tunnel_id);
            return;
        }
        // Every tunnel of the source counts, whatever its state: otherwise tunnels that
        // leave establishment (refused, closing) would let one address fill the table.
        if self.tunnels_from(peer.ip()) >= self.settings.max_tunnels_per_source {
            self.drops.flood += 1;
            return;
        }
        let Some((group_name, group)) = self
            .tunnel_group(local)
            .map(|(name, g)| (name.to_owned(), g.clone()))
        else {
            self.drops.no_tunnel_group += 1;
            return;
        };
        let admission = self.admit(group.l2tp_access_profile.as_deref(), &host_name);
        let Some(tunnel_id) = self.tunnel_ids.allocate() else {
            self.drops.no_tunnel_id += 1;
            return;
        };
        let mut cfg = super::group::tunnel_config(&self.settings, &group);
        cfg.quiet_sccrp = self.sccrq_flood(now);
        let local_name = String::from_utf8_lossy(&cfg.host_name).into_owned();
        let mut tunnel = match Tunnel::new_responder(
            cfg,
            tunnel_id.get(),
            bytes,
            admission.auth,
            now,
            &mut self.rng,
        ) {
            Ok(tunnel) => tunnel,
            Err(reject) => {
                self.tunnel_ids.release(tunnel_id);
                if is_hidden_failure(&reject) {
                    self.drops.hidden_undecodable += 1;
                } else {
                    self.drops.malformed += 1;
                }
                return;
            }
        };
        if self.settings.drain {
            // The StopCCN replaces the SCCRP not yet sent (a refusal already queued stays).
            tunnel.close(now, drain_refusal());
        }
        if tunnel.state() != TunnelState::WaitCtlConn {
            self.refuse_statelessly(now, local, peer, tunnel);
            self.tunnel_ids.release(tunnel_id);
            return;
        }
        if self.establishing_count() >= self.settings.max_establishing {
            if let Some(oldest) = self.establishing_to_evict() {
                // Silently: a StopCCN to an address that never proved anything would only
                // reflect the flood.
                self.free_tunnel(oldest);
                self.drops.establishing_evicted += 1;
            }
        }
        let destination = self.destination_id(DestinationKey {
            address: match peer.ip() {
                std::net::IpAddr::V4(v4) => v4,
                std::net::IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
            },
            routing_instance: None,
        });
        let start = rand::Rng::random(&mut self.rng);
        self.insert_tunnel(
            tunnel_id.get(),
            TunnelEntry::new(
                NewTunnel {
                    tunnel,
                    peer,
                    local: Some(local),
                    local_name,
                    destination,
                    origin: Origin::Lns { group: group_name },
                    max_sessions: admission.max_sessions,
                },
                start,
                now,
            ),
        );
        self.by_peer.insert((peer, peer_tunnel_id), tunnel_id.get());
        self.pump(now, tunnel_id.get());
    }

    /// True while SCCRQs flood in: more tunnels wait for their SCCCN than a healthy LNS ever
    /// sees at once (`Settings::quiet_sccrp_above`). SCCRPs then go quiet, those already
    /// waiting too when the flood begins, so the LNS sends no more than it reads; a real LAC
    /// whose SCCRP was lost repeats its SCCRQ and gets it again.
    fn sccrq_flood(&mut self, now: Instant) -> bool {
        let waiting = self.establishing_count();
        let threshold = self.settings.quiet_sccrp_above;
        if waiting == threshold {
            for tunnel_id in self.establishing_ids() {
                if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
                    entry.tunnel.quieten(now);
                }
                self.reschedule(tunnel_id);
            }
        }
        waiting >= threshold
    }

    /// An SCCRQ refused before any tunnel exists (no access-profile client, drain, a bad
    /// version or missing AVP, a failed challenge): its StopCCN goes out once and nothing
    /// is kept — no tunnel, no retransmission, no post-StopCCN hold. RFC 2661 §5.7 wants
    /// the StopCCN delivered reliably, but the sender has proved nothing: keeping state for
    /// it let one address fill the table, and up to six StopCCNs per SCCRQ made us a
    /// reflector. A LAC that missed the StopCCN retransmits its SCCRQ and is refused again.
    /// The end is still reported (and counted by cause).
    fn refuse_statelessly(
        &mut self,
        now: Instant,
        local: Ipv4Addr,
        peer: SocketAddr,
        mut tunnel: Tunnel,
    ) {
        if let Some(payload) = tunnel.poll_transmit(now) {
            self.transmit.push_back(Transmit {
                source: Some(local),
                destination: peer,
                payload,
            });
        }
        let tunnel_id = tunnel.local_tunnel_id();
        while let Some(event) = tunnel.poll_event() {
            if let TunnelEvent::Closed(reason) = event {
                self.events
                    .push_back(RegistryEvent::TunnelDown { tunnel_id, reason });
            }
        }
        self.drops.sccrq_refused += 1;
    }

    /// The tunnel group listening on our address `local`.
    fn tunnel_group(&self, local: Ipv4Addr) -> Option<(&str, &TunnelGroup)> {
        self.config
            .l2tp
            .tunnel_groups
            .iter()
            .find(|(_, g)| g.local_address == Some(local))
            .map(|(name, g)| (name.as_str(), g))
    }

    /// The LAC's Assigned Tunnel ID from an SCCRQ that hides it, unhidden with the secret of
    /// the access-profile client its Host Name selects. `None` when there is no such secret
    /// or it does not decode the AVP: then there is no tunnel to address a StopCCN to, and
    /// answering a source that cannot prove the secret would only reflect traffic.
    fn unhidden_peer_tunnel_id(
        &self,
        local: Ipv4Addr,
        host_name: &str,
        bytes: &[u8],
    ) -> Option<u16> {
        let (_, group) = self.tunnel_group(local)?;
        let admission = self.admit(group.l2tp_access_profile.as_deref(), host_name);
        let PeerAuth::Admitted {
            secret: Some(secret),
        } = admission.auth
        else {
            return None;
        };
        match ControlMessage::parse(bytes, Some(secret.expose()))
            .ok()?
            .get(attr::ASSIGNED_TUNNEL_ID)
        {
            Some(Avp::AssignedTunnelId(id)) => Some(*id),
            _ => None,
        }
    }

    /// The LAC named `host_name` in access profile `profile` (see the module docs).
    fn admit(&self, profile: Option<&str>, host_name: &str) -> Admission {
        let Some(profile) = profile else {
            return Admission {
                auth: PeerAuth::Admitted { secret: None },
                max_sessions: None,
            };
        };
        let client = self
            .config
            .access_profiles
            .get(profile)
            .and_then(|p| p.tunnel_client(host_name));
        match client {
            None => Admission {
                auth: PeerAuth::Refused,
                max_sessions: None,
            },
            Some(client) => Admission {
                auth: PeerAuth::Admitted {
                    secret: client.l2tp.shared_secret.clone(),
                },
                max_sessions: client.l2tp.maximum_sessions_per_tunnel.filter(|m| *m > 0),
            },
        }
    }

    /// An ICRQ on an LNS tunnel: a new session, or a CDN refusing it.
    pub(super) fn accept_icrq(&mut self, now: Instant, tunnel_id: u16, icrq: &ControlMessage) {
        let drain = self.settings.drain;
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        let policy = LnsPolicy {
            accept_new: !drain,
            max_sessions_per_tunnel: entry.max_sessions,
            sessions_in_tunnel: u32::try_from(entry.sessions.len()).unwrap_or(u32::MAX),
            require_sequencing: false,
        };
        let Some(session_id) = entry.session_ids.allocate() else {
            let refusal = Refusal::new(icrq, 0, RefusalReason::SessionLimit);
            self.events.causes.call_refused(&refusal.result);
            let _ = entry
                .tunnel
                .send_session_message(refusal.message.peer_session_id, &refusal.message.builder);
            self.drops.sessions_refused += 1;
            return;
        };
        let accepted = Session::new_incoming_lns(session_id, icrq, &policy).and_then(|session| {
            // The static unit, once the ICRQ itself is sound (`static_units`).
            let Origin::Lns { group } = &entry.origin else {
                return Ok((session, None));
            };
            let lac = String::from_utf8_lossy(&entry.tunnel.peer().host_name);
            let (why, interface_disabled) =
                match self.static_units.reserve(&self.config, group, &lac) {
                    Reservation::NotWanted => return Ok((session, None)),
                    Reservation::Held(service, unit) => {
                        return Ok((session, Some((service, unit))))
                    }
                    Reservation::Refused(why) => (why, false),
                    Reservation::Disabled(why) => (why, true),
                };
            tracing::info!("LNS tunnel {tunnel_id}: ICRQ from {lac} refused: {why}");
            self.events.push_back(RegistryEvent::StaticUnitUnavailable {
                tunnel_id,
                interface_disabled,
            });
            Err(Refusal::new(
                icrq,
                session_id.get(),
                RefusalReason::NoFacilities(why),
            ))
        });
        match accepted {
            Ok((session, static_unit)) => {
                entry.idle_since = None;
                let call_ref = SessionRef(self.next_call);
                self.next_call += 1;
                entry.sessions.insert(
                    session_id.get(),
                    SessionEntry {
                        session,
                        call_ref,
                        up_at: None,
                        baseline: None,
                        static_unit,
                    },
                );
                self.locate(
                    call_ref,
                    CallLocation::Active {
                        tunnel_id,
                        session_id: session_id.get(),
                    },
                );
                self.watch_call_setup(now, tunnel_id, session_id.get());
                self.flush_session(now, tunnel_id, session_id.get());
            }
            Err(refusal) => {
                self.events.causes.call_refused(&refusal.result);
                entry.session_ids.release(session_id);
                let _ = entry.tunnel.send_session_message(
                    refusal.message.peer_session_id,
                    &refusal.message.builder,
                );
                self.drops.sessions_refused += 1;
            }
        }
    }
}

/// Whether `new_responder` refused the SCCRQ because its hidden AVPs did not unhide: no
/// secret for this LAC, or one that does not decode them.
fn is_hidden_failure(reject: &Reject) -> bool {
    matches!(
        reject,
        Reject::Malformed(
            WireError::HiddenWithoutSecret { .. }
                | WireError::HiddenLength { .. }
                | WireError::HiddenWithoutRandomVector { .. }
        )
    )
}

/// StopCCN for an SCCRQ arriving while draining: RFC 2661 general error 7, "try another",
/// sends the LAC to its next destination, as CDN result 2/7 does for sessions.
fn drain_refusal() -> ResultCode {
    ResultCode {
        result: stopccn_result::GENERAL_ERROR,
        error: Some(general_error::TRY_ANOTHER),
        message: b"not accepting new tunnels (drain)".to_vec(),
    }
}

/// What the LNS's subscriber layer needs to know of an established incoming call: which
/// tunnel group took it (its service interface, its AAA profile) and which LAC sent it (its
/// Host Name selects the `l2tp-access-profile` client, e.g. for `lcp-renegotiation`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LnsCall {
    pub tunnel_id: u16,
    pub session_id: u16,
    pub group: String,
    pub lac_host_name: String,
    /// The static `si-` unit reserved for it at its ICRQ (`static_units`).
    pub static_unit: Option<u16>,
}

impl Registry {
    /// The LNS side of `call`, once it is established; `None` for a LAC call or one not up.
    pub fn lns_call(&self, call: SessionRef) -> Option<LnsCall> {
        let (tunnel_id, session_id) = self.active_call(call)?;
        let entry = self.tunnels.get(&tunnel_id)?;
        let Origin::Lns { group } = &entry.origin else {
            return None;
        };
        let static_unit = entry
            .sessions
            .get(&session_id)
            .and_then(|s| s.static_unit.as_ref())
            .map(|(_, unit)| *unit);
        Some(LnsCall {
            tunnel_id,
            session_id,
            group: group.clone(),
            lac_host_name: String::from_utf8_lossy(&entry.tunnel.peer().host_name).into_owned(),
            static_unit,
        })
    }
}

impl Registry {
    /// The IPv4 ends of tunnel `tunnel_id`, as RADIUS names them: the peer's address and our
    /// own (`None`: an IPv6 peer, or the wildcard socket). Absent tunnel: neither.
    pub fn tunnel_endpoints(&self, tunnel_id: u16) -> (Option<Ipv4Addr>, Option<Ipv4Addr>) {
        let Some(entry) = self.tunnels.get(&tunnel_id) else {
            return (None, None);
        };
        let peer = match entry.peer {
            SocketAddr::V4(v4) => Some(*v4.ip()),
            SocketAddr::V6(_) => None,
        };
        (peer, entry.local)
    }

    /// The call information (the LAC's ICRQ and ICCN) of an active call.
    fn active_call_info(&self, call: SessionRef) -> Option<&CallInfo> {
        let (tunnel_id, session_id) = self.active_call(call)?;
        let session = self.tunnels.get(&tunnel_id)?.sessions.get(&session_id)?;
        Some(session.session.call())
    }

    /// The Calling Number of an active call (the LAC's line identity of the subscriber).
    pub fn calling_number(&self, call: SessionRef) -> Option<Vec<u8>> {
        self.active_call_info(call)?
            .calling_number()
            .map(<[u8]>::to_vec)
    }

    /// The access line the LAC's ICRQ named for an active call (RFC 5515 AVPs), read only
    /// with `access-line-information` (Junos' LNS ignores them without it); else empty.
    pub fn access_line(&self, call: SessionRef) -> AccessLine {
        let info = self
            .active_call_info(call)
            .filter(|_| self.settings.access_line_information);
        let Some(info) = info else {
            return AccessLine::default();
        };
        AccessLine {
            circuit_id: info.agent_circuit_id().map(Box::from),
            remote_id: info.agent_remote_id().map(Box::from),
            access_loop: info.access_loop.clone(),
        }
    }
}
