//! Incoming datagrams to their tunnel and session, and what a tunnel reports back.

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::time::Instant;

use super::counters::Counters;
use super::entry::Origin;
use super::event::{RegistryEvent, SessionEnd, Transmit};
use super::{CallLocation, Registry};
use crate::l2tp::control::{CloseReason, TunnelEvent};
use crate::l2tp::session::{Refusal, RefusalReason, SessionEvent};
use crate::l2tp::wire::{
    ControlMessage, DataMessage, MessageType, OffsetPadLimit, Packet, ResultCode,
};

/// Tunnel ups and downs are the `protocol` trace flag (`crate::trace`).
const TUNNEL_TRACE: &str = "l2tpd::l2tp::tunnel";

impl Registry {
    /// One UDP datagram from `peer`, received on our address `local`.
    pub fn handle_datagram(
        &mut self,
        now: Instant,
        local: Ipv4Addr,
        peer: SocketAddr,
        bytes: &[u8],
    ) {
        let packet = match Packet::new_checked(bytes) {
            Ok(packet) => packet,
            Err(_) => {
                self.drops.malformed += 1;
                return;
            }
        };
        let tunnel_id = packet.tunnel_id();
        tracing::debug!(
            target: crate::trace::MESSAGE,
            "received {} octets from {peer} to {local}: tunnel {tunnel_id}, {}",
            bytes.len(),
            if packet.is_control() { "control" } else { "data" }
        );
        if packet.is_control() && tunnel_id == 0 {
            self.incoming_sccrq(now, local, peer, bytes);
            return;
        }
        if !self.tunnels.contains_key(&tunnel_id) {
            self.drops.unknown_tunnel += 1;
            return;
        }
        if !self.admit_source(tunnel_id, peer, packet.is_control(), bytes) {
            self.drops.wrong_peer += 1;
            return;
        }
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        if packet.is_control() {
            entry.tunnel.handle_datagram(now, bytes);
            self.pump(now, tunnel_id);
            return;
        }
        let message = match DataMessage::parse(bytes, OffsetPadLimit::default()) {
            Ok(message) => message,
            Err(_) => {
                self.drops.malformed += 1;
                return;
            }
        };
        let Some(session) = entry.sessions.get_mut(&message.header.session_id) else {
            self.drops.unknown_session += 1;
            return;
        };
        // Drops are counted by the session itself.
        if let Ok(frame) = session.session.decapsulate(&message) {
            self.events.push_back(RegistryEvent::Frame {
                session: session.call_ref,
                frame: frame.to_vec(),
            });
        }
    }

    /// Drains a tunnel's events, then its datagrams, then files its next deadline. Events
    /// first: a reply they produce (the ICRP to an ICRQ, the ICCN to an ICRP) then carries
    /// the acknowledgement that is due, and no ZLB goes out just before it (RFC 2661 §5.8;
    /// `control::reliable`). `Gone` frees the tunnel only after its last datagrams (a final
    /// ZLB or StopCCN) are out.
    pub(super) fn pump(&mut self, now: Instant, tunnel_id: u16) {
        self.drain_tunnel(now, tunnel_id);
        self.reschedule(tunnel_id);
    }

    fn drain_tunnel(&mut self, now: Instant, tunnel_id: u16) {
        let mut gone = false;
        loop {
            let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
                return;
            };
            match entry.tunnel.poll_event() {
                Some(TunnelEvent::Gone) => gone = true,
                Some(event) => self.on_tunnel_event(now, tunnel_id, event),
                None => break,
            }
        }
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        while let Some(payload) = entry.tunnel.poll_transmit(now) {
            tracing::debug!(
                target: crate::trace::MESSAGE,
                "sent {} octets to {}: control of tunnel {tunnel_id}",
                payload.len(),
                entry.peer
            );
            self.transmit.push_back(Transmit {
                source: entry.local,
                destination: entry.peer,
                payload,
            });
        }
        if gone {
            self.free_tunnel(tunnel_id);
        }
    }

    fn on_tunnel_event(&mut self, now: Instant, tunnel_id: u16, event: TunnelEvent) {
        match &event {
            TunnelEvent::Established(peer) => {
                let host = String::from_utf8_lossy(&peer.host_name);
                let address = self.tunnels.get(&tunnel_id).map(|e| e.peer.to_string());
                tracing::info!(
                    target: TUNNEL_TRACE,
                    tag = crate::log::tags::L2TP_TUNNEL_UP,
                    sd.tunnel_id = tunnel_id,
                    sd.peer_name = %host,
                    sd.peer_address = address.as_deref().unwrap_or("-"),
                    "tunnel {tunnel_id} established with {host}{}",
                    address.as_ref().map(|a| format!(" ({a})")).unwrap_or_default()
                )
            }
            TunnelEvent::Closed(reason) => {
                tracing::info!(
                    target: TUNNEL_TRACE,
                    tag = crate::log::tags::L2TP_TUNNEL_DOWN,
                    sd.tunnel_id = tunnel_id,
                    sd.reason = %reason,
                    "tunnel {tunnel_id} closed: {reason}"
                );
            }
            _ => {}
        }
        match event {
            TunnelEvent::Established(_) => {
                self.no_longer_establishing(tunnel_id);
                let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
                    return;
                };
                entry.up_at = Some(now);
                // Idle only if no call is waiting for it (an LNS tunnel: until an ICRQ).
                entry.idle_since = entry.pending.is_empty().then_some(now);
                let peer = entry.peer;
                self.events
                    .push_back(RegistryEvent::TunnelUp { tunnel_id, peer });
                self.start_pending_calls(now, tunnel_id);
            }
            TunnelEvent::SessionMessage { session_id, msg } => {
                let is_lns = self
                    .tunnels
                    .get(&tunnel_id)
                    .is_some_and(|e| matches!(e.origin, Origin::Lns { .. }));
                if session_id == 0 && is_lns && msg.message_type == Some(MessageType::ICRQ) {
                    self.accept_icrq(now, tunnel_id, &msg);
                    return;
                }
                if session_id == 0
                    && matches!(
                        msg.message_type,
                        Some(MessageType::OCRQ) | Some(MessageType::ICRQ)
                    )
                {
                    self.refuse_call(tunnel_id, &msg);
                    return;
                }
                let Some(session) = self
                    .tunnels
                    .get_mut(&tunnel_id)
                    .and_then(|e| e.sessions.get_mut(&session_id))
                else {
                    self.drops.unknown_session += 1;
                    return;
                };
                session.session.handle_message(&msg);
                self.flush_session(now, tunnel_id, session_id);
            }
            TunnelEvent::SpeedUpdate(update) => {
                let taken = self
                    .tunnels
                    .get_mut(&tunnel_id)
                    .and_then(|e| e.sessions.get_mut(&update.session_id))
                    .is_some_and(|s| s.session.update_connect_speeds(update.tx, update.rx));
                if !taken {
                    self.drops.unknown_session += 1;
                }
            }
            TunnelEvent::Closed(reason) => self.tunnel_closed(now, tunnel_id, reason),
            // `pump` frees it once its last datagrams are out.
            TunnelEvent::Gone => {}
        }
    }

    /// An OCRQ (either role), or an ICRQ at a LAC: answered with a CDN (result 5) so the peer
    /// learns at once instead of waiting for a reply that never comes.
    fn refuse_call(&mut self, tunnel_id: u16, msg: &ControlMessage) {
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        let refusal = Refusal::new(msg, 0, RefusalReason::CallNotSupported);
        let _ = entry
            .tunnel
            .send_session_message(refusal.message.peer_session_id, &refusal.message.builder);
        self.drops.sessions_refused += 1;
        self.events.causes.call_refused(&refusal.result);
    }

    /// Passes a session's messages to its tunnel and its events up; frees it once closed.
    pub(super) fn flush_session(&mut self, now: Instant, tunnel_id: u16, session_id: u16) {
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        let Some(session) = entry.sessions.get_mut(&session_id) else {
            return;
        };
        while let Some(message) = session.session.poll_message() {
            // Only a closing tunnel refuses, and its StopCCN already ends the call.
            let _ = entry
                .tunnel
                .send_session_message(message.peer_session_id, &message.builder);
        }
        let mut closed = false;
        while let Some(event) = session.session.poll_event() {
            match event {
                SessionEvent::Established { proxy } => {
                    tracing::info!(
                        target: TUNNEL_TRACE,
                        tag = crate::log::tags::L2TP_SESSION_UP,
                        sd.session_id = session_id,
                        sd.tunnel_id = tunnel_id,
                        "session {session_id} in tunnel {tunnel_id} established"
                    );
                    session.up_at = Some(now);
                    self.events.push_back(RegistryEvent::SessionUp {
                        session: session.call_ref,
                        tunnel_id,
                        session_id,
                        proxy,
                    });
                }
                SessionEvent::Closed {
                    result,
                    cause,
                    by_peer,
                } => {
                    closed = true;
                    let closed_by = if by_peer { "peer" } else { "local" };
                    tracing::info!(
                        target: TUNNEL_TRACE,
                        tag = crate::log::tags::L2TP_SESSION_DOWN,
                        sd.session_id = session_id,
                        sd.tunnel_id = tunnel_id,
                        sd.closed_by = closed_by,
                        sd.result = %result,
                        sd.ppp_disconnect_cause = cause.as_ref().map(|c| c.code),
                        "session {session_id} in tunnel {tunnel_id} closed by {}: {result}{}",
                        if by_peer { "the peer" } else { "this router" },
                        cause
                            .as_ref()
                            .map(|c| format!(", PPP disconnect cause {}", c.code))
                            .unwrap_or_default()
                    );
                    self.events.push_back(RegistryEvent::SessionDown {
                        session: session.call_ref,
                        end: SessionEnd::Disconnected {
                            result,
                            cause,
                            by_peer,
                        },
                        counters: session.counters(),
                    });
                }
                // WEN / SLI are for the PPP side, which is not wired to the registry yet.
                SessionEvent::WanErrors(_) | SessionEvent::LinkInfo(_) => {}
            }
        }
        if closed {
            if let Some((counters, call_ref, static_unit)) =
                entry.sessions.remove_with(&session_id, |gone| {
                    (gone.counters(), gone.call_ref, gone.static_unit.clone())
                })
            {
                entry.retired_sessions = entry.retired_sessions.plus(&counters);
                self.calls.remove(&call_ref);
                if let Some((service, unit)) = static_unit {
                    self.static_units.release(&service, unit);
                }
            }
            if let Some(id) = NonZeroU16::new(session_id) {
                entry.session_ids.release(id);
            }
            if entry.sessions.is_empty() && entry.pending.is_empty() && entry.up_at.is_some() {
                entry.idle_since = Some(now);
            }
        }
    }

    /// Our side closes a tunnel (clear, idle, drain refusal, commit).
    pub(super) fn close_tunnel(&mut self, now: Instant, tunnel_id: u16, result: ResultCode) {
        if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
            entry.tunnel.close(now, result);
        }
        self.pump(now, tunnel_id);
    }

    /// The tunnel is down: its sessions end, a LAC destination that failed is locked out,
    /// and calls still waiting fail over.
    fn tunnel_closed(&mut self, now: Instant, tunnel_id: u16, reason: CloseReason) {
        self.no_longer_establishing(tunnel_id);
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        entry.down = true;
        entry.down_at = Some(now);
        entry.idle_since = None;
        let mut sessions = std::mem::take(&mut entry.sessions);
        for (session_id, session) in sessions.drain() {
            entry.retired_sessions = entry.retired_sessions.plus(&session.counters());
            if let Some(id) = NonZeroU16::new(session_id) {
                entry.session_ids.release(id);
            }
            self.calls.remove(&session.call_ref);
            if let Some((service, unit)) = &session.static_unit {
                self.static_units.release(service, *unit);
            }
            self.events.push_back(RegistryEvent::SessionDown {
                session: session.call_ref,
                end: SessionEnd::TunnelClosed(reason.clone()),
                counters: session.counters(),
            });
        }
        let pending = entry.pending.take();
        let failed = match reason {
            CloseReason::Local(_) => false,
            CloseReason::RetransmissionsExhausted => true,
            _ => entry.up_at.is_none(),
        };
        let (origin, destination) = (entry.origin.clone(), entry.destination);
        self.events
            .push_back(RegistryEvent::TunnelDown { tunnel_id, reason });
        if failed && matches!(origin, Origin::Lac { .. }) {
            let lockout = crate::l2tp::select::Lockout {
                since: now,
                until: now + self.settings.lockout,
            };
            self.lock_out(destination, lockout);
        }
        self.fail_over(now, &origin, destination, failed, pending);
    }

    /// After the post-StopCCN hold: the Tunnel ID and the peer's SCCRQ key are free again.
    pub(super) fn free_tunnel(&mut self, tunnel_id: u16) {
        let Some(entry) = self.remove_tunnel(tunnel_id) else {
            return;
        };
        if let Some(id) = NonZeroU16::new(tunnel_id) {
            self.tunnel_ids.release(id);
        }
        let key = (entry.peer, entry.tunnel.peer().tunnel_id);
        if self.by_peer.get(&key) == Some(&tunnel_id) {
            self.by_peer.remove(&key);
        }
        for call in entry.pending.iter() {
            self.calls.remove(&call.call_ref);
        }
        // Its sessions went when it closed; a tunnel freed without closing (an evicted
        // one still being set up) may not have said so.
        for session in entry.sessions.values() {
            if let Some((service, unit)) = &session.static_unit {
                self.static_units.release(service, *unit);
            }
        }
        let total: Counters = entry.counters();
        if let Some(d) = self.destinations.get_mut(&entry.destination) {
            d.retired = d.retired.plus(&total);
        }
        self.forget_if_empty(entry.destination);
    }

    /// Marks where a call now lives.
    pub(super) fn locate(&mut self, call: super::SessionRef, location: CallLocation) {
        self.calls.insert(call, location);
    }
}
