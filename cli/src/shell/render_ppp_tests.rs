use super::*;
use schema::ppp_rpc::{ControlState, Count, PppPacketCounters};

fn lns() -> PppSession {
    PppSession {
        session: "si-0/0/0.3221225474".into(),
        role: PppRole::Lns,
        phase: PppPhase::Network,
        lcp_state: Some(ControlState::Opened),
        authentication: Some(AuthenticationProtocol::Chap),
        authentication_state: Some(AuthenticationState::Success),
        user_name: Some("u1@isp.example".into()),
        ipcp_state: Some(ControlState::Opened),
        local_address: Some("198.18.0.1".parse().unwrap()),
        peer_address: Some("198.18.0.10".parse().unwrap()),
        local_mru: Some(1500),
        peer_mru: Some(1492),
        local_magic_number: Some(0x1a2b_3c4d),
        peer_magic_number: Some(0x0506_0708),
        keepalive_interval: Some(10),
        keepalive_down_count: Some(3),
        echo_requests_sent: 4,
        echo_replies_received: 3,
        echoes_unanswered: 1,
        session_uptime: 3_725,
    }
}

fn lac() -> PppSession {
    PppSession {
        authentication: Some(AuthenticationProtocol::Pap),
        peer_mru: Some(1492),
        session_uptime: 5,
        ..PppSession::new("pp0.3221225473".into(), PppRole::Lac, PppPhase::Tunneled)
    }
}

#[test]
fn a_session_block_shows_its_states_and_extensive_its_options() {
    let reply = PppSessions {
        sessions: vec![lns(), lac()],
    };
    assert_eq!(
        sessions(&reply, PppLevel::Default),
        "Session si-0/0/0.3221225474, Type: PPP, Phase: Network\n  \
         Role: LNS, User: u1@isp.example\n  \
         Protocol states: LCP: Opened, CHAP: Success, IPCP: Opened\n  \
         Authentication: CHAP\n  \
         IPCP: Local address: 198.18.0.1, Peer address: 198.18.0.10\n  \
         Session uptime: 01:02:05\n\
         \n\
         Session pp0.3221225473, Type: PPP, Phase: Tunneled\n  \
         Role: LAC\n  \
         Protocol states: None\n  \
         Authentication: PAP\n  \
         Session uptime: 00:00:05\n"
    );
    let extensive = sessions(&reply, PppLevel::Extensive);
    assert!(
        extensive.contains(
            "  LCP negotiated options: Local MRU: 1500, Peer MRU: 1492, \
         Local magic-number: 0x1a2b3c4d, Peer magic-number: 0x05060708\n  \
         Keepalive settings: Interval 10 seconds, Down-count 3\n  \
         Keepalive statistics: Echo-Requests sent: 4, Echo-Replies received: 3, Unanswered: 1\n"
        ),
        "{extensive}"
    );
    // The tunnelled LAC session knows only the peer's MRU, and sends no keepalives.
    assert!(
        extensive
            .contains("  LCP negotiated options: Peer MRU: 1492\n  Keepalive settings: None\n"),
        "{extensive}"
    );
}

#[test]
fn terse_is_a_line_per_session() {
    let reply = PppSessions {
        sessions: vec![lns(), lac()],
    };
    assert_eq!(
        sessions(&reply, PppLevel::Terse),
        "Session                   Type  Phase         Protocol states\n\
         si-0/0/0.3221225474       PPP   Network       LCP: Opened, CHAP: Success, IPCP: Opened\n\
         pp0.3221225473            PPP   Tunneled      None\n"
    );
    assert_eq!(sessions(&PppSessions::default(), PppLevel::Default), "");
}

#[test]
fn summary_lists_roles_and_phases_with_sessions() {
    let s = PppSummary::of(&[lns(), lac(), lns()]);
    assert_eq!(
        summary(&s),
        "Total PPP sessions: 3\n  Sessions by role:\n    LAC:                    1\n    \
         LNS:                    2\n  Sessions by phase:\n    Network:                2\n    \
         Tunneled:               1\n"
    );
    assert_eq!(summary(&PppSummary::default()), "Total PPP sessions: 0\n");
}

#[test]
fn statistics_show_every_phase_then_the_packets_and_failures() {
    let s = PppStatistics {
        summary: PppSummary {
            total_sessions: 2,
            by_role: vec![],
            by_phase: vec![Count {
                name: PppPhase::Network,
                count: 2,
            }],
        },
        packets: PppPacketCounters {
            lcp: PacketCount {
                received: 7,
                sent: 9,
            },
            malformed_received: 1,
            ..PppPacketCounters::default()
        },
        lcp_failures: 0,
        authentication_failures: 2,
        authentication_timeouts: 0,
        address_failures: 0,
    };
    let text = statistics(&s);
    for line in [
        "  Total sessions:                              2\n",
        "  Sessions in establish phase:                 0\n",
        "  Sessions in network phase:                   2\n",
        "  Sessions in tunneled phase:                  0\n",
        "  Protocol                        Sent  Received\n",
        "  LCP                                9         7\n",
        "  IPCP                               0         0\n",
        "  Malformed frames received:                   1\n",
        "  Authentication failures:                     2\n",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

/// `| display json` carries the typed fields under Junos' root, kebab-case, absent ones left
/// out.
#[test]
fn json_is_structured() {
    let reply = PppSessions {
        sessions: vec![lac()],
    };
    let json = serde_json::to_value(&reply).unwrap();
    let row = &json["ppp-session"][0];
    assert_eq!(row["session"], "pp0.3221225473");
    assert_eq!(row["phase"], "tunneled");
    assert_eq!(row["role"], "lac");
    assert_eq!(row["peer-mru"], 1492);
    assert!(row.get("lcp-state").is_none(), "{row}");
    assert_eq!(
        schema::ppp_rpc::roots::PPP_INTERFACES,
        "ppp-interface-information"
    );
}
