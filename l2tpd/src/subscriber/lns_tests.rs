use super::*;

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn call(lac: &str) -> LnsCall {
    LnsCall {
        tunnel_id: 1,
        session_id: 2,
        group: "g".into(),
        lac_host_name: lac.into(),
        static_unit: None,
    }
}

fn lcp_renegotiation(c: &RouterConfig, call: &LnsCall) -> bool {
    tunnel_client(c, &call.group, &call.lac_host_name).is_some_and(|c| c.l2tp.lcp_renegotiation)
}

#[test]
fn lcp_renegotiation_follows_the_lacs_client_or_the_default_client() {
    let base = "set services l2tp tunnel-group g l2tp-access-profile ap\n";
    let c = config(&format!(
        "{base}set access profile ap client lac-a l2tp lcp-renegotiation\n\
         set access profile ap client lac-b l2tp maximum-sessions-per-tunnel 5\n"
    ));
    assert!(lcp_renegotiation(&c, &call("lac-a")));
    assert!(!lcp_renegotiation(&c, &call("lac-b")));
    assert!(!lcp_renegotiation(&c, &call("lac-c")));
    let c = config(&format!(
        "{base}set access profile ap client default l2tp lcp-renegotiation\n"
    ));
    assert!(lcp_renegotiation(&c, &call("lac-c")));
}

#[test]
fn the_wildcard_client_and_group_profiles_reach_the_tunnels_users() {
    let c = config(
        "set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access group-profile renegotiate l2tp lcp-renegotiation\n\
         set access group-profile users ppp framed-pool p2\n\
         set access group-profile users ppp keepalive 7\n\
         set access profile ap client * group-profile renegotiate\n\
         set access profile ap client * user-group-profile users\n\
         set access profile ap client lac-a l2tp maximum-sessions-per-tunnel 5\n",
    );
    // Any LAC but lac-a is the `*` client, and inherits its group's flag.
    assert!(lcp_renegotiation(&c, &call("lac-z")));
    assert!(!lcp_renegotiation(&c, &call("lac-a")));
    let users = tunnel_user_group(&c, "g", "lac-z").expect("the * client's user group");
    assert_eq!(users.framed_pool.as_deref(), Some("p2"));
    assert_eq!(users.keepalive, Some(7));
    assert_eq!(tunnel_user_group(&c, "g", "lac-a"), None);
}

#[test]
fn proxy_credentials_need_every_part_of_their_kind() {
    let pap = ProxyAuth {
        authen_type: ProxyAuthenType::Pap,
        name: Some(b"u".to_vec()),
        challenge: None,
        id: Some(4),
        response: Some(b"pw".to_vec()),
    };
    assert_eq!(
        proxy_credentials(&pap),
        Some(Credentials::Pap {
            identifier: 4,
            name: b"u".to_vec(),
            password: b"pw".to_vec()
        })
    );
    let chap_without_challenge = ProxyAuth {
        authen_type: ProxyAuthenType::Chap,
        ..pap.clone()
    };
    assert_eq!(proxy_credentials(&chap_without_challenge), None);
    let none = ProxyAuth {
        authen_type: ProxyAuthenType::NoAuthentication,
        ..pap
    };
    assert_eq!(proxy_credentials(&none), None, "the LNS asks the client");
}

#[test]
fn every_end_tells_the_lac_why() {
    let (result, cause) = cdn_for(EndCause::AuthenticationFailed);
    assert_eq!(result.result, 2);
    assert_eq!(cause.message, b"authentication failed");
    let (result, cause) = cdn_for(EndCause::Cleared);
    assert_eq!(result.result, 3);
    assert_eq!(cause.code, disconnect_cause::ADMINISTRATIVE);
    let (_, cause) = cdn_for(EndCause::ClientTerminate);
    assert_eq!((cause.code, cause.direction), (3, 1));
    let (_, cause) = cdn_for(EndCause::NoAddress);
    assert_eq!(cause.message, b"no address available");
}

#[test]
fn a_user_group_profiles_ppp_options_choose_what_the_client_is_asked_for() {
    let c = config(
        "set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access group-profile pap-only ppp ppp-options pap\n\
         set access profile ap client * user-group-profile pap-only\n",
    );
    let group = tunnel_user_group(&c, "g", "lac-z");
    assert_eq!(authentication(group), Some(vec![AuthProtocol::Pap]));
    assert_eq!(authentication(None), None);
}
