//! The registry as JNX-L2TP-MIB presents it: the plain rows of `snmp::snapshot`, and the
//! per-session data counters the SNMP statistics poller copies, in MIB index order.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Bound;
use std::time::{Instant, SystemTime};

use mibs::{
    jnx_l2tp_session_stats_acct_nas_port_type as nas_port_type,
    jnx_l2tp_session_stats_auth_method as auth_method,
    jnx_l2tp_session_stats_call_bearer_type as bearer_type,
    jnx_l2tp_session_stats_framing_type as framing_type,
    jnx_l2tp_tunnel_stats_state as tunnel_state,
};

use super::counters::{self, Counters};
use super::entry::{Origin, SessionEntry, TunnelEntry};
use super::{filter, interface, Registry};
use crate::l2tp::control::TunnelState;
use crate::l2tp::session::ProxyAuthenType;
use crate::l2tp::wire::UDP_PORT;
use crate::snmp::poller::{DataCounters, Poller, Sample, SessionKey, SessionSource};
use crate::snmp::snapshot::{self, SessionRow, SnmpSnapshot, TunnelGroupRow, TunnelRow};

/// RFC 2661 4.4.3 Bearer Type and Framing Type: bit 0 digital / synchronous, bit 1 analog /
/// asynchronous.
const DIGITAL_OR_SYNC: u32 = 1;
const ANALOG_OR_ASYNC: u32 = 2;

impl SessionSource for Registry {
    fn samples(
        &self,
        (from, to): (Bound<SessionKey>, Bound<SessionKey>),
        limit: usize,
        out: &mut Vec<Sample>,
    ) {
        let tunnel_bound = |b: Bound<SessionKey>| match b {
            Bound::Included((t, _)) | Bound::Excluded((t, _)) => Bound::Included(t),
            Bound::Unbounded => Bound::Unbounded,
        };
        // Within the bound's own tunnel the session part applies; other tunnels are whole.
        let session_bound = |b: Bound<SessionKey>, tunnel: u16| match b {
            Bound::Included((t, s)) if t == tunnel => Bound::Included(s),
            Bound::Excluded((t, s)) if t == tunnel => Bound::Excluded(s),
            _ => Bound::Unbounded,
        };
        let mut left = limit;
        for (&tunnel_id, entry) in self.tunnels.range((tunnel_bound(from), tunnel_bound(to))) {
            let range = (session_bound(from, tunnel_id), session_bound(to, tunnel_id));
            for (session_id, session) in entry.sessions.range(range).take(left) {
                out.push(Sample {
                    key: (tunnel_id, session_id),
                    call: session.call_ref.0,
                    counters: data_counters(&session.counters()),
                });
                left -= 1;
            }
            if left == 0 {
                return;
            }
        }
    }
}

impl Registry {
    /// Whether the session at `key` is still the call `call` (for pruning the poller cache).
    pub fn carries_call(&self, (tunnel_id, session_id): SessionKey, call: u64) -> bool {
        self.tunnels
            .get(&tunnel_id)
            .and_then(|t| t.sessions.get(&session_id))
            .is_some_and(|s| s.call_ref.0 == call)
    }

    /// Every tunnel group, tunnel and session as the MIB's rows. `now` and `wall` are the
    /// same instant on the monotonic and the wall clock (the MIB's DateAndTime columns need
    /// the latter). The tunnel data counters are those of ended sessions plus the poller's
    /// cache of the live ones, so a walk never costs the engine a sum over every session.
    pub fn snmp_snapshot(&self, now: Instant, wall: SystemTime, poller: &Poller) -> SnmpSnapshot {
        let at = |then: Instant| {
            wall.checked_sub(now.saturating_duration_since(then))
                .unwrap_or(SystemTime::UNIX_EPOCH)
        };
        let mut tunnels = Vec::with_capacity(self.tunnels.len());
        let mut sessions = Vec::new();
        for (&tunnel_id, entry) in &self.tunnels {
            let local = SocketAddr::new(
                IpAddr::V4(entry.local.unwrap_or(Ipv4Addr::UNSPECIFIED)),
                UDP_PORT,
            );
            let group = group_name(entry).to_string();
            let service_interface = self.service_interface(entry);
            let mut data = data_counters(&entry.retired_sessions);
            for (session_id, session) in entry.sessions.iter() {
                data = data.plus(&poller.cached((tunnel_id, session_id), session.call_ref.0));
                if let Some(row) =
                    self.session_row(tunnel_id, entry, session_id, session, local, &at)
                {
                    sessions.push(SessionRow {
                        service_interface: service_interface.clone(),
                        tunnel_group: group.clone(),
                        ..row
                    });
                }
            }
            let control = counters::of_control(entry.tunnel.stats()).since(&entry.control_baseline);
            tunnels.push(TunnelRow {
                local_tid: tunnel_id,
                remote_tid: entry.tunnel.peer().tunnel_id,
                service_interface,
                tunnel_group: group,
                local,
                remote: entry.peer,
                state: mib_tunnel_state(entry.tunnel.state()),
                local_host_name: entry.local_name.clone(),
                remote_host_name: host_name(entry),
                max_sessions: entry.max_sessions.unwrap_or(0),
                window_size: entry.tunnel.peer().rx_window,
                hello_interval: u16::try_from(entry.tunnel.hello_interval().as_secs())
                    .unwrap_or(u16::MAX),
                created: at(entry.opened_at),
                idle: entry
                    .idle_since
                    .map_or_else(Default::default, |t| now.saturating_duration_since(t)),
                collection_start: at(entry.statistics_since),
                counters: snapshot::Counters {
                    control_tx_packets: control.control_tx_packets,
                    control_tx_octets: control.control_tx_bytes,
                    control_rx_packets: control.control_rx_packets,
                    control_rx_octets: control.control_rx_bytes,
                    data_tx_packets: data.tx_packets,
                    data_tx_octets: data.tx_octets,
                    data_rx_packets: data.rx_packets,
                    data_rx_octets: data.rx_octets,
                    error_tx_packets: 0,
                    error_rx_packets: control.errors,
                },
            });
        }
        SnmpSnapshot {
            tunnel_statistics: self.config.l2tp.enable_snmp_tunnel_statistics,
            tunnel_groups: self.tunnel_groups(),
            tunnels,
            sessions,
            // The subscriber layer's: the engine adds them (`Core::snmp_interfaces`).
            interfaces: Vec::new(),
            // The SNMP thread's, from the configuration and its uptime.
            system: None,
        }
    }

    /// LNS tunnel groups and LAC tunnel profiles: what tunnels are counted under.
    fn tunnel_groups(&self) -> Vec<TunnelGroupRow> {
        let lns = self
            .config
            .l2tp
            .tunnel_groups
            .iter()
            .map(|(name, g)| TunnelGroupRow {
                name: name.clone(),
                gateway: g.local_address.map(IpAddr::V4),
                service_interface: g.service_interface.clone().unwrap_or_default(),
            });
        let lac = self
            .config
            .tunnel_profiles
            .keys()
            .map(|name| TunnelGroupRow {
                name: name.clone(),
                gateway: None,
                service_interface: String::new(),
            });
        lns.chain(lac).collect()
    }

    fn service_interface(&self, entry: &TunnelEntry) -> String {
        match &entry.origin {
            Origin::Lns { group } => self
                .config
                .l2tp
                .tunnel_groups
                .get(group)
                .and_then(|g| g.service_interface.clone())
                .unwrap_or_default(),
            Origin::Lac { .. } => String::new(),
        }
    }

    /// A session's row, or `None` for a LAC call still waiting for its ICRP: the MIB has
    /// no state for it (Junos does not list such calls either).
    fn session_row(
        &self,
        tunnel_id: u16,
        entry: &TunnelEntry,
        session_id: u16,
        s: &SessionEntry,
        local: SocketAddr,
        at: &impl Fn(Instant) -> SystemTime,
    ) -> Option<SessionRow> {
        let state = s.session.state().mib_value()?;
        let call = s.session.call();
        let counters = s.counters();
        let started = s.up_at.unwrap_or(entry.opened_at);
        let text = |bytes: Option<&[u8]>| {
            bytes
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        Some(SessionRow {
            local_tid: tunnel_id,
            local_sid: session_id,
            remote_sid: s.session.peer_id().map_or(0, |id| id.get()),
            service_interface: String::new(),
            tunnel_group: String::new(),
            interface_unit: interface::unit(s.call_ref),
            state,
            user_name: filter::user_name(s)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default(),
            local,
            remote: entry.peer,
            local_host_name: entry.local_name.clone(),
            remote_host_name: host_name(entry),
            assigned_address: None,
            local_mru: 0,
            remote_mru: 0,
            tx_speed: call.tx_connect_speed,
            rx_speed: call.rx_connect_speed.unwrap_or(call.tx_connect_speed),
            call_bearer_type: match call.bearer_type {
                Some(bits) if bits & DIGITAL_OR_SYNC != 0 => bearer_type::DIGITAL,
                Some(bits) if bits & ANALOG_OR_ASYNC != 0 => bearer_type::ANALOG,
                _ => bearer_type::NONE,
            },
            framing_type: if call.framing_type & DIGITAL_OR_SYNC != 0 {
                framing_type::SYNC
            } else if call.framing_type & ANALOG_OR_ASYNC != 0 {
                framing_type::ASYNC
            } else {
                framing_type::NONE
            },
            lcp_renegotiation: false,
            auth_method: call
                .proxy
                .auth
                .as_ref()
                .map_or(auth_method::NONE, |a| mib_auth_method(a.authen_type)),
            calling_station_id: text(call.calling_number()),
            called_station_id: text(call.called_number()),
            acct_session_id: String::new(),
            radius_accounting: false,
            // Subscribers reach this router over PPPoE.
            nas_port_type: nas_port_type::ETHERNET,
            call_serial_number: call.serial,
            created: at(started),
            idle: Default::default(),
            collection_start: at(started),
            counters: snapshot::Counters {
                data_tx_packets: counters.data_tx_packets,
                data_tx_octets: counters.data_tx_bytes,
                data_rx_packets: counters.data_rx_packets,
                data_rx_octets: counters.data_rx_bytes,
                error_rx_packets: counters.errors,
                ..snapshot::Counters::default()
            },
        })
    }
}

fn data_counters(c: &Counters) -> DataCounters {
    DataCounters {
        tx_packets: c.data_tx_packets,
        tx_octets: c.data_tx_bytes,
        rx_packets: c.data_rx_packets,
        rx_octets: c.data_rx_bytes,
    }
}

fn group_name(entry: &TunnelEntry) -> &str {
    match &entry.origin {
        Origin::Lac { profile, .. } => profile,
        Origin::Lns { group } => group,
    }
}

fn host_name(entry: &TunnelEntry) -> String {
    String::from_utf8_lossy(&entry.tunnel.peer().host_name).into_owned()
}

/// The MIB knows only the responder's states; an initiator waiting for SCCRP is unknown.
fn mib_tunnel_state(state: TunnelState) -> i32 {
    match state {
        TunnelState::WaitCtlReply => tunnel_state::UNKNOWN,
        TunnelState::WaitCtlConn => tunnel_state::CC_RESPONDER_WAIT_CTL_CONN,
        TunnelState::Established => tunnel_state::ESTABLISHED,
        TunnelState::Closing => tunnel_state::TERMINATE,
        TunnelState::Gone => tunnel_state::CLOSED,
    }
}

fn mib_auth_method(kind: ProxyAuthenType) -> i32 {
    match kind {
        ProxyAuthenType::Textual => auth_method::TEXT,
        ProxyAuthenType::Chap => auth_method::PPP_CHAP,
        ProxyAuthenType::Pap => auth_method::PPP_PAP,
        ProxyAuthenType::NoAuthentication => auth_method::NONE,
        ProxyAuthenType::MsChapV1 => auth_method::PPP_MS_CHAP_V1,
        ProxyAuthenType::Other(_) => auth_method::OTHER,
    }
}
