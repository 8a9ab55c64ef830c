//! Access statements as Junos writes them for an LNS: group profiles inherited by a client
//! and by a tunnel's users, the wildcard client, `accounting-order`, and RADIUS server
//! options. Loaded from Junos text through the real parser, printed back unchanged.

use super::*;
use crate::parse::parse_config;
use crate::print::to_text;

const LNS_ACCESS: &str = "\
access {
    group-profile lns-users {
        l2tp {
            maximum-sessions-per-tunnel 500;
        }
        ppp {
            framed-pool lns-pool;
            keepalive 20;
            primary-dns 198.18.0.53;
        }
    }
    group-profile lac-defaults {
        l2tp {
            lcp-renegotiation;
            maximum-sessions-per-tunnel 1000;
        }
    }
    profile lns-tunnels {
        client lac-east {
            group-profile lac-defaults;
            l2tp {
                maximum-sessions-per-tunnel 2000;
                shared-secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            }
            user-group-profile lns-users;
        }
        client * {
            l2tp {
                aaa-access-profile lns-users-radius;
                shared-secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            }
        }
    }
    profile lns-users-radius {
        accounting-order radius;
        authentication-order radius;
        client bob {
            ppp {
                keepalive 0;
            }
        }
    }
    radius-server {
        127.0.0.9 {
            accounting-retry 5;
            accounting-timeout 10;
            routing-instance default;
            secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
        }
    }
}
";

fn config() -> RouterConfig {
    let tree = parse_config(LNS_ACCESS).unwrap_or_else(|e| panic!("{e}"));
    router_config(&tree)
}

#[test]
fn the_access_statements_print_back_as_written() {
    let tree = parse_config(LNS_ACCESS).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &tree), LNS_ACCESS);
}

#[test]
fn a_client_inherits_what_it_does_not_write_from_its_group_profile() {
    let c = config();
    let east = &c.access_profiles["lns-tunnels"].clients["lac-east"];
    // The group's flag, the client's own number over the group's.
    assert!(east.l2tp.lcp_renegotiation);
    assert_eq!(east.l2tp.maximum_sessions_per_tunnel, Some(2000));
    assert_eq!(east.ppp.keepalive, None, "neither writes a keepalive");
}

#[test]
fn a_user_group_profile_carries_the_ppp_attributes_of_the_tunnels_users() {
    let c = config();
    let east = &c.access_profiles["lns-tunnels"].clients["lac-east"];
    let users = east.user_group.as_ref().expect("user-group-profile read");
    assert_eq!(users.framed_pool.as_deref(), Some("lns-pool"));
    assert_eq!(users.keepalive, Some(20));
    assert_eq!(users.primary_dns, Some(Ipv4Addr::new(198, 18, 0, 53)));
}

#[test]
fn the_wildcard_client_takes_any_lac_no_other_client_names() {
    let c = config();
    let profile = &c.access_profiles["lns-tunnels"];
    let any = profile.tunnel_client("lac-west").expect("the * client");
    assert_eq!(any.aaa_access_profile.as_deref(), Some("lns-users-radius"));
    let east = profile.tunnel_client("lac-east").expect("its own entry");
    assert_eq!(east.aaa_access_profile, None);
}

#[test]
fn a_client_written_with_keepalive_zero_keeps_it() {
    let c = config();
    let bob = &c.access_profiles["lns-users-radius"].clients["bob"];
    assert_eq!(bob.ppp.keepalive, Some(0));
}

#[test]
fn accounting_order_radius_turns_accounting_on() {
    let c = config();
    assert!(c.access_profiles["lns-users-radius"].accounting.is_some());
    assert!(c.access_profiles["lns-tunnels"].accounting.is_none());
}

#[test]
fn radius_server_accounting_options_and_instance_are_read() {
    let c = config();
    let server = &c.radius_servers[&Ipv4Addr::new(127, 0, 0, 9)];
    assert_eq!(server.accounting_retry, Some(5));
    assert_eq!(server.accounting_timeout, Some(10));
    assert_eq!(server.routing_instance.as_deref(), Some("default"));
}
