//! `show ppp interface | summary | statistics` in Junos' plain style: a `Session NAME,
//! Type: PPP, Phase: P` block per session with its protocol states (and with `extensive` the
//! negotiated options and keepalives), a line per session with `terse`, and the session
//! counts by phase of `show ppp statistics` above the packets the daemon's PPP handled.
//! A field the daemon does not know is left out, never shown as zero.

use super::render_l2tp::duration;
use schema::ppp_rpc::{
    AuthenticationProtocol, AuthenticationState, Count, PacketCount, PppLevel, PppPhase, PppRole,
    PppSession, PppSessions, PppStatistics, PppSummary,
};

fn phase(p: PppPhase) -> &'static str {
    match p {
        PppPhase::Establish => "Establish",
        PppPhase::Authenticate => "Authenticate",
        PppPhase::Network => "Network",
        PppPhase::Tunneled => "Tunneled",
        PppPhase::Disabled => "Disabled",
    }
}

fn role(r: PppRole) -> &'static str {
    match r {
        PppRole::Lac => "LAC",
        PppRole::Lns => "LNS",
    }
}

fn protocol(p: AuthenticationProtocol) -> &'static str {
    match p {
        AuthenticationProtocol::Pap => "PAP",
        AuthenticationProtocol::Chap => "CHAP",
    }
}

/// `LCP: Opened, CHAP: Success, IPCP: Opened`: the states the session has.
fn protocol_states(s: &PppSession) -> String {
    let mut states = Vec::new();
    if let Some(lcp) = s.lcp_state {
        states.push(format!("LCP: {}", lcp.junos()));
    }
    if let (Some(p), Some(state)) = (s.authentication, s.authentication_state) {
        let state = match state {
            AuthenticationState::Pending => "Pending",
            AuthenticationState::Success => "Success",
        };
        states.push(format!("{}: {state}", protocol(p)));
    }
    if let Some(ipcp) = s.ipcp_state {
        states.push(format!("IPCP: {}", ipcp.junos()));
    }
    if states.is_empty() {
        // A tunnelled LAC session: the LNS runs its PPP.
        return "None".into();
    }
    states.join(", ")
}

pub fn sessions(reply: &PppSessions, level: PppLevel) -> String {
    if level == PppLevel::Terse {
        let mut out = format!(
            "{:<26}{:<6}{:<14}{}\n",
            "Session", "Type", "Phase", "Protocol states"
        );
        for s in &reply.sessions {
            out.push_str(&format!(
                "{:<26}{:<6}{:<14}{}\n",
                s.session,
                "PPP",
                phase(s.phase),
                protocol_states(s)
            ));
        }
        return out;
    }
    reply
        .sessions
        .iter()
        .map(|s| session(s, level == PppLevel::Extensive))
        .collect::<Vec<_>>()
        .join("\n")
}

fn session(s: &PppSession, extensive: bool) -> String {
    let mut out = format!(
        "Session {}, Type: PPP, Phase: {}\n  Role: {}",
        s.session,
        phase(s.phase),
        role(s.role)
    );
    if let Some(user) = &s.user_name {
        out.push_str(&format!(", User: {user}"));
    }
    out.push_str(&format!("\n  Protocol states: {}\n", protocol_states(s)));
    if let Some(p) = s.authentication {
        out.push_str(&format!("  Authentication: {}\n", protocol(p)));
    }
    if s.local_address.is_some() || s.peer_address.is_some() {
        let shown = |a: Option<std::net::Ipv4Addr>| a.map_or("-".to_string(), |a| a.to_string());
        out.push_str(&format!(
            "  IPCP: Local address: {}, Peer address: {}\n",
            shown(s.local_address),
            shown(s.peer_address)
        ));
    }
    if extensive {
        let mut options = Vec::new();
        if let Some(mru) = s.local_mru {
            options.push(format!("Local MRU: {mru}"));
        }
        if let Some(mru) = s.peer_mru {
            options.push(format!("Peer MRU: {mru}"));
        }
        if let Some(magic) = s.local_magic_number {
            options.push(format!("Local magic-number: 0x{magic:08x}"));
        }
        if let Some(magic) = s.peer_magic_number {
            options.push(format!("Peer magic-number: 0x{magic:08x}"));
        }
        if !options.is_empty() {
            out.push_str(&format!(
                "  LCP negotiated options: {}\n",
                options.join(", ")
            ));
        }
        match (s.keepalive_interval, s.keepalive_down_count) {
            (Some(interval), Some(down)) => out.push_str(&format!(
                "  Keepalive settings: Interval {interval} seconds, Down-count {down}\n  \
                 Keepalive statistics: Echo-Requests sent: {}, Echo-Replies received: {}, \
                 Unanswered: {}\n",
                s.echo_requests_sent, s.echo_replies_received, s.echoes_unanswered
            )),
            _ => out.push_str("  Keepalive settings: None\n"),
        }
    }
    out.push_str(&format!(
        "  Session uptime: {}\n",
        duration(s.session_uptime)
    ));
    out
}

/// The total, then the sessions by role and by phase (only those with some).
pub fn summary(s: &PppSummary) -> String {
    fn counts<T: Copy>(
        out: &mut String,
        heading: &str,
        counts: &[Count<T>],
        name: fn(T) -> &'static str,
    ) {
        if counts.is_empty() {
            return;
        }
        out.push_str(heading);
        for c in counts {
            out.push_str(&format!(
                "    {:<24}{}\n",
                format!("{}:", name(c.name)),
                c.count
            ));
        }
    }
    let mut out = format!("Total PPP sessions: {}\n", s.total_sessions);
    counts(&mut out, "  Sessions by role:\n", &s.by_role, role);
    counts(&mut out, "  Sessions by phase:\n", &s.by_phase, phase);
    out
}

/// Junos' counts by phase, then the packets and the failures.
pub fn statistics(s: &PppStatistics) -> String {
    let line = |label: &str, value: u64| format!("  {:<36}{value:>10}\n", format!("{label}:"));
    let mut out = String::from("PPP session statistics\n");
    out.push_str(&line("Total sessions", s.summary.total_sessions.into()));
    for p in [
        PppPhase::Establish,
        PppPhase::Authenticate,
        PppPhase::Network,
        PppPhase::Tunneled,
        PppPhase::Disabled,
    ] {
        let label = format!("Sessions in {} phase", phase(p).to_lowercase());
        out.push_str(&line(&label, s.summary.in_phase(p).into()));
    }
    out.push_str(&format!(
        "PPP packet statistics\n  {:<26}{:>10}{:>10}\n",
        "Protocol", "Sent", "Received"
    ));
    let p = &s.packets;
    let packets =
        |name: &str, c: PacketCount| format!("  {name:<26}{:>10}{:>10}\n", c.sent, c.received);
    for (name, count) in [
        ("LCP", p.lcp),
        ("PAP", p.pap),
        ("CHAP", p.chap),
        ("IPCP", p.ipcp),
    ] {
        out.push_str(&packets(name, count));
    }
    out.push_str(&line("Malformed frames received", p.malformed_received));
    out.push_str(&line("Other protocols received", p.other_received));
    out.push_str("PPP failures\n");
    out.push_str(&line("LCP negotiation failures", s.lcp_failures));
    out.push_str(&line("Authentication failures", s.authentication_failures));
    out.push_str(&line("Authentication timeouts", s.authentication_timeouts));
    out.push_str(&line("Address assignment failures", s.address_failures));
    out
}

#[cfg(test)]
#[path = "render_ppp_tests.rs"]
mod tests;
