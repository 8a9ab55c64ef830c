//! `show ppp interface | summary | statistics`: each subscriber's PPP as this router runs
//! it (LAC: LCP and authentication with the PPPoE client until the session is tunnelled;
//! LNS: the client's whole PPP), and the packets the daemon's PPP handled. Read from above
//! the tables, as `views` is; the packet counters are counted where the layer passes frames
//! to and from its links.

use std::time::Instant;

use schema::ppp_rpc::{
    AuthenticationProtocol, AuthenticationState, ControlState, PppPacketCounters, PppPhase,
    PppRole, PppSession, PppSessions, PppShow, PppStatistics, PppSummary,
};

use super::decision::Refusal;
use super::lac::SubscriberLayer;
use super::table::{EndCause, Phase, Subscriber};
use super::views::interface_name;
use crate::ppp::fsm::State;
use crate::ppp::server_link::{LinkPhase, LinkStatus};
use crate::ppp::wire::options::AuthProtocol;
use crate::ppp::wire::{split_frame, Protocol};

/// Counts a frame the layer hands to a link (`received`) or sends from one.
pub(super) fn count_frame(counters: &mut PppPacketCounters, frame: &[u8], received: bool) {
    let Ok((protocol, _)) = split_frame(frame) else {
        if received {
            counters.malformed_received += 1;
        }
        return;
    };
    let count = match protocol {
        Protocol::Lcp => &mut counters.lcp,
        Protocol::Pap => &mut counters.pap,
        Protocol::Chap => &mut counters.chap,
        Protocol::Ipcp => &mut counters.ipcp,
        // IP is traffic (`show interfaces`), not negotiation.
        Protocol::Ip => return,
        Protocol::Other(_) => {
            if received {
                counters.other_received += 1;
            }
            return;
        }
    };
    if received {
        count.received += 1;
    } else {
        count.sent += 1;
    }
}

fn control_state(state: State) -> ControlState {
    match state {
        State::Initial => ControlState::Initial,
        State::Starting => ControlState::Starting,
        State::Closed => ControlState::Closed,
        State::Stopped => ControlState::Stopped,
        State::Closing => ControlState::Closing,
        State::Stopping => ControlState::Stopping,
        State::RequestSent => ControlState::ReqSent,
        State::AckReceived => ControlState::AckRcvd,
        State::AckSent => ControlState::AckSent,
        State::Opened => ControlState::Opened,
    }
}

/// The subscriber's PPP phase: its link's, or without one (the LAC dropped it once the LNS
/// took the session) Tunneled while it is relayed.
fn phase(s: &Subscriber, link: Option<&LinkStatus>) -> PppPhase {
    if s.phase == Phase::Terminating {
        return PppPhase::Disabled;
    }
    match link.map(|l| l.phase) {
        Some(LinkPhase::Establish) => PppPhase::Establish,
        Some(LinkPhase::Authenticate) => PppPhase::Authenticate,
        Some(LinkPhase::Network) => PppPhase::Network,
        Some(LinkPhase::HandedOver) => PppPhase::Tunneled,
        Some(LinkPhase::Dead) => PppPhase::Disabled,
        None if s.phase == Phase::Active => PppPhase::Tunneled,
        None => PppPhase::Disabled,
    }
}

/// One subscriber's row of `show ppp interface`.
pub(super) fn ppp_session(s: &Subscriber, now: Instant) -> PppSession {
    let link = s.link.as_ref().map(|l| l.status());
    let link = link.as_ref();
    let authentication = match link.and_then(|l| l.negotiated.authentication.as_ref()) {
        Some(AuthProtocol::Pap) => Some(AuthenticationProtocol::Pap),
        Some(AuthProtocol::ChapMd5) => Some(AuthenticationProtocol::Chap),
        Some(AuthProtocol::Other { .. }) => None,
        // No link any more (LAC, tunnelled): what the client authenticated with.
        None => match s.authentication {
            Some("pap") => Some(AuthenticationProtocol::Pap),
            Some("chap") => Some(AuthenticationProtocol::Chap),
            _ => None,
        },
    };
    // Only the end that answers the client knows the outcome: the LNS, or a LAC that
    // terminates locally. A tunnelled LAC session's answer came from the LNS.
    let authentication_state = match link.map(|l| l.phase) {
        _ if authentication.is_none() => None,
        Some(LinkPhase::Authenticate) => Some(AuthenticationState::Pending),
        Some(LinkPhase::Network) => Some(AuthenticationState::Success),
        _ => None,
    };
    let (local_address, peer_address) = match link.and_then(|l| l.ipcp_addresses) {
        Some((local, peer)) => (Some(local), Some(peer)),
        None => (None, None),
    };
    let echo = link.map(|l| l.echo);
    let echo_config = echo.and_then(|e| e.config);
    PppSession {
        session: interface_name(s),
        role: if s.is_lns() {
            PppRole::Lns
        } else {
            PppRole::Lac
        },
        phase: phase(s, link),
        lcp_state: link.map(|l| control_state(l.lcp)),
        authentication,
        authentication_state,
        user_name: s.user.clone(),
        ipcp_state: link.and_then(|l| l.ipcp).map(control_state),
        local_address,
        peer_address,
        local_mru: link.map(|l| l.local_mru),
        peer_mru: link.and_then(|l| l.negotiated.peer_mru).or(s.mru),
        local_magic_number: link.and_then(|l| l.local_magic),
        peer_magic_number: link.and_then(|l| l.negotiated.peer_magic),
        keepalive_interval: echo_config
            .map(|c| u32::try_from(c.interval.as_secs()).unwrap_or(u32::MAX)),
        keepalive_down_count: echo_config.map(|c| c.max_failures),
        echo_requests_sent: echo.map_or(0, |e| e.requests_sent),
        echo_replies_received: echo.map_or(0, |e| e.replies_received),
        echoes_unanswered: echo.map_or(0, |e| e.unanswered),
        session_uptime: now.saturating_duration_since(s.since).as_secs(),
    }
}

impl SubscriberLayer {
    /// Every subscriber with PPP (test calls have none), by handle.
    fn ppp_subscribers(&self) -> Vec<&Subscriber> {
        let mut chosen: Vec<&Subscriber> =
            self.table.iter().filter(|s| !s.is_test_call()).collect();
        chosen.sort_by_key(|s| s.id);
        chosen
    }

    /// `show ppp interface [NAME] [extensive | terse]`: the level is the shell's.
    pub fn show_ppp_interfaces(&self, now: Instant, show: &PppShow) -> Result<PppSessions, String> {
        let sessions: Vec<PppSession> = self
            .ppp_subscribers()
            .into_iter()
            .filter(|s| {
                show.interface
                    .as_deref()
                    .is_none_or(|name| interface_name(s) == name)
            })
            .map(|s| ppp_session(s, now))
            .collect();
        if sessions.is_empty() {
            if let Some(name) = &show.interface {
                return Err(format!("no PPP session on {name}"));
            }
        }
        Ok(PppSessions { sessions })
    }

    /// `show ppp summary`.
    pub fn ppp_summary(&self, now: Instant) -> PppSummary {
        let rows: Vec<PppSession> = self
            .ppp_subscribers()
            .into_iter()
            .map(|s| ppp_session(s, now))
            .collect();
        PppSummary::of(&rows)
    }

    /// `show ppp statistics`.
    pub fn ppp_statistics(&self, now: Instant) -> PppStatistics {
        let ended = |cause| self.table.ends.get(&cause).copied().unwrap_or(0);
        let rejected = self
            .table
            .refusals
            .get(&Refusal::RadiusReject)
            .copied()
            .unwrap_or(0);
        PppStatistics {
            summary: self.ppp_summary(now),
            packets: self.ppp_packets,
            lcp_failures: ended(EndCause::NegotiationFailed),
            authentication_failures: ended(EndCause::AuthenticationFailed) + rejected,
            authentication_timeouts: ended(EndCause::AuthenticationTimeout),
            address_failures: ended(EndCause::NoAddress),
        }
    }
}

#[cfg(test)]
#[path = "ppp_views_tests.rs"]
mod tests;
