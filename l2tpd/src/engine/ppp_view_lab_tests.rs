//! `show ppp interface | summary | statistics` end to end in simulated time (see `sim_lab`):
//! a PPPoE client comes up through the LAC to the LNS, and each router's rows say what its
//! own PPP did with it: the LAC negotiated LCP and took the credentials, then tunnelled it;
//! the LNS took the proxy LCP, authenticated and ran IPCP.

use std::time::Duration;

use schema::ppp_rpc::{AuthenticationState, ControlState, PppPhase, PppRole, PppSession, PppShow};

use super::sim_lab::{config, lac_config, Lab, LNS_BASE};
use crate::ppp::client_link::ClientEvent;

fn rows(core: &super::core::Core, now: std::time::Instant) -> Vec<PppSession> {
    core.subscribers()
        .show_ppp_interfaces(now, &PppShow::default())
        .expect("rows")
        .sessions
}

fn up_lab() -> Lab {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    let i = lab.connect("ppp@isp.example");
    assert!(lab.ip_up(i), "{:?}", lab.subs[i].events);
    lab
}

#[test]
fn the_lns_row_is_its_negotiated_ppp() {
    let lab = up_lab();
    // The client's own address is the LNS's peer address, and the reverse.
    let (client, server) = lab.subs[0]
        .events
        .iter()
        .find_map(|e| match e {
            ClientEvent::IpUp { local, peer, .. } => Some((*local, *peer)),
            _ => None,
        })
        .expect("IPCP up");
    let rows = rows(&lab.lns, lab.now);
    let [row] = rows.as_slice() else {
        panic!("{rows:?}")
    };
    assert!(row.session.starts_with("si-0/0/0."), "{}", row.session);
    assert_eq!(row.role, PppRole::Lns);
    assert_eq!(row.phase, PppPhase::Network);
    assert_eq!(row.lcp_state, Some(ControlState::Opened));
    assert_eq!(row.ipcp_state, Some(ControlState::Opened));
    assert!(row.authentication.is_some(), "{row:?}");
    assert_eq!(row.authentication_state, Some(AuthenticationState::Success));
    assert_eq!(row.user_name.as_deref(), Some("ppp@isp.example"));
    assert_eq!(row.peer_address, Some(client));
    assert_eq!(row.local_address, Some(server));
    // The proxy LCP carried both Magic-Numbers; the client's is the peer's.
    assert!(row.local_magic_number.is_some(), "{row:?}");
    assert!(row.peer_magic_number.is_some(), "{row:?}");
    assert_ne!(row.local_magic_number, row.peer_magic_number);
}

#[test]
fn the_lac_row_is_tunneled_and_keeps_what_it_negotiated() {
    let lab = up_lab();
    let rows = rows(&lab.lac, lab.now);
    let [row] = rows.as_slice() else {
        panic!("{rows:?}")
    };
    assert!(row.session.starts_with("pp0."), "{}", row.session);
    assert_eq!(row.role, PppRole::Lac);
    assert_eq!(row.phase, PppPhase::Tunneled);
    // The LNS speaks for the session now: no LCP or IPCP state of ours to show.
    assert_eq!(row.lcp_state, None);
    assert_eq!(row.ipcp_state, None);
    assert!(row.authentication.is_some(), "{row:?}");
    assert_eq!(row.authentication_state, None);
    assert_eq!(row.user_name.as_deref(), Some("ppp@isp.example"));
    assert!(row.peer_mru.is_some(), "{row:?}");
}

#[test]
fn summaries_and_statistics_count_each_routers_sessions_and_packets() {
    let lab = up_lab();
    let lns = lab.lns.subscribers().ppp_summary(lab.now);
    assert_eq!(lns.total_sessions, 1);
    assert_eq!(lns.in_phase(PppPhase::Network), 1);
    let lac = lab.lac.subscribers().ppp_statistics(lab.now);
    assert_eq!(lac.summary.total_sessions, 1);
    assert_eq!(lac.summary.in_phase(PppPhase::Tunneled), 1);
    // The LAC negotiated LCP with the client and took its credentials.
    assert!(
        lac.packets.lcp.received > 0 && lac.packets.lcp.sent > 0,
        "{lac:?}"
    );
    assert!(
        lac.packets.chap.received + lac.packets.pap.received > 0,
        "{lac:?}"
    );
    assert_eq!(lac.packets.ipcp, Default::default(), "the LAC runs no IPCP");
    // The LNS ran IPCP and answered the authentication.
    let lns = lab.lns.subscribers().ppp_statistics(lab.now);
    assert!(
        lns.packets.ipcp.received > 0 && lns.packets.ipcp.sent > 0,
        "{lns:?}"
    );
    assert!(lns.packets.chap.sent + lns.packets.pap.sent > 0, "{lns:?}");
    assert_eq!(lns.lcp_failures + lns.authentication_failures, 0);
}

#[test]
fn keepalives_are_counted_per_session() {
    let mut lab = up_lab();
    let before = rows(&lab.lns, lab.now).remove(0);
    let interval = before.keepalive_interval.expect("the LNS sends keepalives");
    for _ in 0..3 {
        lab.advance(Duration::from_secs(u64::from(interval)));
    }
    let after = rows(&lab.lns, lab.now).remove(0);
    assert!(
        after.echo_requests_sent >= before.echo_requests_sent + 2,
        "{before:?} {after:?}"
    );
    // The client answers every one.
    assert_eq!(after.echo_replies_received, after.echo_requests_sent);
    assert_eq!(after.echoes_unanswered, 0);
    assert!(after.session_uptime >= 3 * u64::from(interval));
}

#[test]
fn an_unknown_interface_is_an_error_not_an_empty_table() {
    let lab = up_lab();
    for name in ["pp0.9", "si-0/0/0.9", ""] {
        let show = PppShow {
            interface: Some(name.into()),
            ..PppShow::default()
        };
        assert_eq!(
            lab.lns.subscribers().show_ppp_interfaces(lab.now, &show),
            Err(format!("no PPP session on {name}"))
        );
    }
    let name = rows(&lab.lns, lab.now).remove(0).session;
    let show = PppShow {
        interface: Some(name.clone()),
        ..PppShow::default()
    };
    let one = lab.lns.subscribers().show_ppp_interfaces(lab.now, &show);
    assert_eq!(one.map(|r| r.sessions.len()), Ok(1), "{name}");
}

/// While RADIUS thinks, the LAC's session has LCP up and waits in the Authenticate phase;
/// the Access-Reject that follows is counted as an authentication failure, and the session
/// is gone from the table.
#[test]
fn a_session_awaiting_radius_authenticates_and_a_reject_is_counted() {
    use super::radius_lab_tests::{lac_with_radius, lns_with_secret, SECRET};
    use super::sim_lab::RadiusResponder;
    use crate::aaa::radius::code;

    let mut lab = Lab::new(lac_with_radius(""), lns_with_secret(""));
    let mut server = RadiusResponder::new(
        SECRET,
        Box::new(|_| Some((code::ACCESS_REJECT, Vec::new()))),
    );
    server.hold = true;
    lab.lac_radius = Some(server);
    lab.add_ip("mallory@isp.example", "pw");
    lab.settle();
    lab.advance(Duration::from_millis(100));
    let waiting = rows(&lab.lac, lab.now);
    let [row] = waiting.as_slice() else {
        panic!("{waiting:?}")
    };
    assert_eq!(row.phase, PppPhase::Authenticate);
    assert_eq!(row.lcp_state, Some(ControlState::Opened));
    assert_eq!(row.authentication_state, Some(AuthenticationState::Pending));
    let summary = lab.lac.subscribers().ppp_summary(lab.now);
    assert_eq!(summary.in_phase(PppPhase::Authenticate), 1);
    assert_eq!(
        lab.lac
            .subscribers()
            .ppp_statistics(lab.now)
            .authentication_failures,
        0
    );

    let now = lab.now;
    let mut server = lab.lac_radius.take().expect("server");
    assert!(server.release(now, &mut lab.lac) >= 1);
    server.hold = false;
    lab.lac_radius = Some(server);
    lab.settle();
    lab.advance(Duration::from_secs(5));
    let statistics = lab.lac.subscribers().ppp_statistics(lab.now);
    assert_eq!(statistics.authentication_failures, 1, "{statistics:?}");
    assert_eq!(statistics.summary.total_sessions, 0);
    assert!(rows(&lab.lac, lab.now).is_empty());
}
