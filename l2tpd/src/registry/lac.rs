//! LAC: placing calls on tunnels of a profile, opening tunnels, failing calls over.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use schema::typed::TunnelProfile;

use super::counters::Counters;
use super::entry::{NewTunnel, Origin, PendingCall, SessionEntry, TunnelEntry};
use super::event::{NoTunnel, RegistryEvent, SessionEnd, SessionRef};
use super::{CallLocation, Registry};
use crate::l2tp::control::event::stopccn_result;
use crate::l2tp::control::Tunnel;
use crate::l2tp::select::{self, Choice, DestinationKey, Failover};
use crate::l2tp::session::{CallInfo, CdnResult, Session, SessionCounters};
use crate::l2tp::wire::{PppDisconnectCause, ResultCode, UDP_PORT};

/// StopCCN for a tunnel whose last session ended `idle-timeout` ago.
pub(super) fn idle_result() -> ResultCode {
    ResultCode {
        result: stopccn_result::GENERAL_REQUEST,
        error: None,
        message: b"idle timeout".to_vec(),
    }
}

/// See [`Registry::relay_leg`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayLeg {
    pub local_tunnel: u16,
    pub local_session: u16,
    pub peer_tunnel: u16,
    pub peer_session: u16,
    pub source: Ipv4Addr,
    pub destination: SocketAddr,
}

/// Why a frame could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("no such session, or not established")]
    NotEstablished,
}

/// A call no tunnel could take, handed back with the reason.
struct Unplaced {
    call: PendingCall,
    why: NoTunnel,
}

impl Registry {
    /// A subscriber's call for `profile_name`: reuses or opens a tunnel of `profile` and
    /// sends the ICRQ once the tunnel is up. The outcome arrives as `SessionUp` or
    /// `SessionDown` for the returned handle.
    pub fn open_session(
        &mut self,
        now: Instant,
        profile_name: &str,
        profile: &TunnelProfile,
        call: CallInfo,
    ) -> Result<SessionRef, NoTunnel> {
        if self.settings.drain {
            return Err(NoTunnel::Draining);
        }
        let call_ref = self.new_call_ref();
        self.open_reserved_session(now, call_ref, profile_name, profile, call)
            .map(|()| call_ref)
    }

    /// A handle for a call that does not exist yet: a subscriber takes it when its PPPoE
    /// session begins, so its `pp0` unit is already the one its L2TP session will show.
    pub fn reserve_call_ref(&mut self) -> SessionRef {
        self.new_call_ref()
    }

    /// [`Registry::open_session`] for a handle from [`Registry::reserve_call_ref`].
    pub fn open_reserved_session(
        &mut self,
        now: Instant,
        call_ref: SessionRef,
        profile_name: &str,
        profile: &TunnelProfile,
        call: CallInfo,
    ) -> Result<(), NoTunnel> {
        if self.settings.drain {
            return Err(NoTunnel::Draining);
        }
        let pending = PendingCall {
            call_ref,
            call: self.settings.outgoing_call(call),
            tried: Vec::new(),
        };
        let spec = Arc::new(profile.clone());
        self.place_call(now, profile_name, &spec, pending, None)
            .map_err(|unplaced| unplaced.why)
    }

    /// Selects a tunnel for `pending` and queues or starts it there; gives the call back,
    /// with the reason, when no tunnel can take it.
    fn place_call(
        &mut self,
        now: Instant,
        profile_name: &str,
        spec: &Arc<TunnelProfile>,
        pending: PendingCall,
        failed_preference: Option<u32>,
    ) -> Result<(), Box<Unplaced>> {
        let unplaced = |call, why| Box::new(Unplaced { call, why });
        {
            let mut rotation = std::mem::take(&mut self.rotation);
            let choice = select::select(
                profile_name,
                &spec.tunnels,
                &*self,
                self.settings.select,
                Failover {
                    tried: &pending.tried,
                    failed_preference,
                },
                &mut rotation,
                now,
            );
            self.rotation = rotation;
            let tunnel_id = match choice {
                Choice::NoneAvailable(why) => {
                    return Err(unplaced(pending, NoTunnel::NoneAvailable(why)))
                }
                Choice::Reuse { tunnel_id, .. } => tunnel_id,
                Choice::Open {
                    number,
                    destination,
                } => match self.open_tunnel(now, profile_name, spec, number, destination) {
                    Some(id) => id,
                    // Out of Tunnel IDs: nothing else will do better.
                    None => return Err(unplaced(pending, NoTunnel::NoTunnelId)),
                },
            };
            let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
                return Err(unplaced(pending, NoTunnel::NoTunnelId));
            };
            entry.idle_since = None;
            let call_ref = pending.call_ref;
            entry.pending.push(pending);
            let up = entry.up_at.is_some();
            self.locate(call_ref, CallLocation::Pending { tunnel_id });
            if up {
                self.start_pending_calls(now, tunnel_id);
            }
            self.pump(now, tunnel_id);
            Ok(())
        }
    }

    /// Opens a tunnel for `profile`'s tunnel `number`; the SCCRQ is queued.
    fn open_tunnel(
        &mut self,
        now: Instant,
        profile_name: &str,
        spec: &Arc<TunnelProfile>,
        number: u8,
        destination: DestinationKey,
    ) -> Option<u16> {
        let tunnel_spec = spec.tunnels.get(&number)?;
        let Some(tunnel_id) = self.tunnel_ids.allocate() else {
            self.drops.no_tunnel_id += 1;
            return None;
        };
        let local_name = tunnel_spec.source_gateway.gateway_name.as_deref();
        let mut cfg = self
            .settings
            .tunnel_config(local_name, tunnel_spec.secret.as_ref());
        cfg.expected_peer_name = tunnel_spec
            .remote_gateway
            .gateway_name
            .as_ref()
            .map(|name| name.clone().into_bytes());
        let local_name = String::from_utf8_lossy(&cfg.host_name).into_owned();
        let tunnel = Tunnel::new_initiator(cfg, tunnel_id.get(), now, &mut self.rng);
        let peer = SocketAddr::new(destination.address.into(), UDP_PORT);
        let destination_id = self.destination_id(destination);
        let start = rand::Rng::random(&mut self.rng);
        self.insert_tunnel(
            tunnel_id.get(),
            TunnelEntry::new(
                NewTunnel {
                    tunnel,
                    peer,
                    local: tunnel_spec.source_gateway.address,
                    local_name,
                    destination: destination_id,
                    origin: Origin::Lac {
                        profile: profile_name.to_string(),
                        spec: Arc::clone(spec),
                        number,
                        preference: tunnel_spec.preference,
                    },
                    max_sessions: select::capacity(tunnel_spec),
                },
                start,
                now,
            ),
        );
        Some(tunnel_id.get())
    }

    /// The tunnel is up: every queued call sends its ICRQ.
    pub(super) fn start_pending_calls(&mut self, now: Instant, tunnel_id: u16) {
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return;
        };
        let pending = entry.pending.take();
        let mut started = Vec::new();
        for call in pending {
            let Some(session_id) = entry.session_ids.allocate() else {
                self.calls.remove(&call.call_ref);
                self.events.push_back(RegistryEvent::SessionDown {
                    session: call.call_ref,
                    end: SessionEnd::NoTunnel,
                    counters: Counters::default(),
                });
                continue;
            };
            let session = Session::new_outgoing_call_lac(session_id, call.call);
            entry.sessions.insert(
                session_id.get(),
                SessionEntry {
                    session,
                    call_ref: call.call_ref,
                    up_at: None,
                    baseline: None,
                    static_unit: None,
                },
            );
            started.push((call.call_ref, session_id.get()));
        }
        for (call_ref, session_id) in started {
            self.locate(
                call_ref,
                CallLocation::Active {
                    tunnel_id,
                    session_id,
                },
            );
            self.watch_call_setup(now, tunnel_id, session_id);
            self.flush_session(now, tunnel_id, session_id);
        }
    }

    /// Calls queued on a tunnel that went down: after a failure they try the next
    /// candidate of their profile; otherwise (or with none left) they end.
    pub(super) fn fail_over(
        &mut self,
        now: Instant,
        origin: &Origin,
        destination: u32,
        failed: bool,
        pending: Vec<PendingCall>,
    ) {
        let Origin::Lac {
            profile,
            spec,
            preference,
            ..
        } = origin
        else {
            return;
        };
        let key = self.destinations.get(&destination).map(|d| d.key.clone());
        for mut call in pending {
            self.calls.remove(&call.call_ref);
            if failed && !self.settings.drain {
                if let Some(key) = &key {
                    call.tried.push(key.clone());
                }
                match self.place_call(now, profile, spec, call, Some(*preference)) {
                    Ok(()) => continue,
                    Err(back) => call = back.call,
                }
            }
            self.events.push_back(RegistryEvent::SessionDown {
                session: call.call_ref,
                end: SessionEnd::NoTunnel,
                counters: Counters::default(),
            });
        }
    }

    /// Ends a call from our side (the subscriber logged out): CDN, or for a call still
    /// waiting for its tunnel, just forgets it.
    pub fn close_session(
        &mut self,
        now: Instant,
        call: SessionRef,
        result: CdnResult,
        cause: Option<PppDisconnectCause>,
    ) -> bool {
        match self.calls.get(&call).copied() {
            None => false,
            Some(CallLocation::Pending { tunnel_id }) => {
                if let Some(entry) = self.tunnels.get_mut(&tunnel_id) {
                    entry.pending.remove(call);
                }
                self.calls.remove(&call);
                self.events.push_back(RegistryEvent::SessionDown {
                    session: call,
                    end: SessionEnd::Disconnected {
                        result,
                        cause,
                        by_peer: false,
                    },
                    counters: Counters::default(),
                });
                true
            }
            Some(CallLocation::Active {
                tunnel_id,
                session_id,
            }) => {
                if let Some(session) = self
                    .tunnels
                    .get_mut(&tunnel_id)
                    .and_then(|e| e.sessions.get_mut(&session_id))
                {
                    session.session.disconnect(result, cause);
                }
                self.flush_session(now, tunnel_id, session_id);
                self.pump(now, tunnel_id);
                true
            }
        }
    }

    /// Sends a PPP frame on an established session.
    pub fn send_frame(&mut self, call: SessionRef, frame: &[u8]) -> Result<(), FrameError> {
        let (tunnel_id, session_id) = self.active_call(call).ok_or(FrameError::NotEstablished)?;
        let entry = self
            .tunnels
            .get_mut(&tunnel_id)
            .ok_or(FrameError::NotEstablished)?;
        let peer_tunnel_id = entry.tunnel.peer().tunnel_id;
        let session = entry
            .sessions
            .get_mut(&session_id)
            .ok_or(FrameError::NotEstablished)?;
        let payload = session
            .session
            .encapsulate(peer_tunnel_id, frame)
            .map_err(|_| FrameError::NotEstablished)?;
        self.transmit.push_back(super::Transmit {
            source: entry.local,
            destination: entry.peer,
            payload,
        });
        Ok(())
    }

    /// The addressing of an established call's data channel, for the relay's fast path:
    /// `None` while the call is not established, when its tunnel has no source address (it
    /// sends from the wildcard socket) or while its data messages are sequenced (their Ns
    /// must be counted by the session, so they stay on the slow path).
    pub fn relay_leg(&self, call: SessionRef) -> Option<RelayLeg> {
        let (tunnel_id, session_id) = self.active_call(call)?;
        let entry = self.tunnels.get(&tunnel_id)?;
        let session = &entry.sessions.get(&session_id)?.session;
        if session.sequencing() {
            return None;
        }
        Some(RelayLeg {
            local_tunnel: tunnel_id,
            local_session: session_id,
            peer_tunnel: entry.tunnel.peer().tunnel_id,
            peer_session: session.peer_id()?.get(),
            source: entry.local?,
            destination: entry.peer,
        })
    }

    /// Data counted by the relay's fast path for `call`, added to the session's own so
    /// every view includes them. Ignored for a call that is gone.
    pub fn add_relayed(&mut self, call: SessionRef, relayed: &SessionCounters) {
        let Some((tunnel_id, Some(session_id))) = self.locate_call(call) else {
            return;
        };
        if let Some(session) = self
            .tunnels
            .get_mut(&tunnel_id)
            .and_then(|t| t.sessions.get_mut(&session_id))
        {
            session.session.add_relayed(relayed);
        }
    }

    /// Where a call is: (local tunnel ID, local session ID once it has one).
    pub fn locate_call(&self, call: SessionRef) -> Option<(u16, Option<u16>)> {
        match self.calls.get(&call)? {
            CallLocation::Pending { tunnel_id } => Some((*tunnel_id, None)),
            CallLocation::Active {
                tunnel_id,
                session_id,
            } => Some((*tunnel_id, Some(*session_id))),
        }
    }
}
