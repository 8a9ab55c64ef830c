//! `routing-options static`: load, print and reload in both forms, the typed view, and the
//! commit checks (one kind of next hop, no host bits, Junos' other statements named).

use super::check;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::{path_words, Node};
use crate::typed::{router_config, StaticNextHop, StaticRoute};
use std::net::Ipv4Addr;

/// A main-table default route, a route of two gateways, a discard and a reject, and a
/// routing instance with a static route of its own, as Junos shows them.
const BRACE: &str = "\
routing-options {
    static {
        route 0.0.0.0/0 next-hop 198.18.0.1;
        route 198.18.64.0/24 next-hop [ 198.18.0.2 198.18.0.3 ];
        route 198.18.128.0/17 discard;
        route 198.19.0.0/16 reject;
    }
}
routing-instances {
    ri1 {
        instance-type virtual-router;
        routing-options {
            static {
                route 198.18.200.0/24 next-hop 198.18.1.1;
            }
        }
    }
}
";

const SET: &str = "\
set routing-options static route 0.0.0.0/0 next-hop 198.18.0.1
set routing-options static route 198.18.64.0/24 next-hop 198.18.0.2
set routing-options static route 198.18.64.0/24 next-hop 198.18.0.3
set routing-options static route 198.18.128.0/17 discard
set routing-options static route 198.19.0.0/16 reject
set routing-instances ri1 instance-type virtual-router
set routing-instances ri1 routing-options static route 198.18.200.0/24 next-hop 198.18.1.1
";

fn prefix(text: &str) -> crate::typed::Ipv4Prefix {
    crate::typed::Ipv4Prefix::parse(text).unwrap()
}

#[test]
fn static_routes_load_print_and_reload_in_both_forms() {
    let braced = parse_config(BRACE).expect("brace form loads");
    assert_eq!(to_text(&[], &braced), BRACE);
    let set = apply_set_lines(&Node::default(), SET).expect("set form loads");
    assert_eq!(set, braced);
    assert_eq!(to_set_lines(&[], &braced), SET);
    assert_eq!(parse_config(&to_text(&[], &set)).unwrap(), braced);
    assert_eq!(check(&braced), Ok(vec![]));
}

#[test]
fn a_route_of_more_than_one_statement_is_a_block() {
    // A route is one statement here, so the block form is only read, and shown on one line.
    let text = "routing-options { static { route 198.18.64.0/24 { next-hop 198.18.0.2; } } }";
    let root = parse_config(text).expect("block form loads");
    assert!(to_text(&[], &root).contains("route 198.18.64.0/24 next-hop 198.18.0.2;"));
}

#[test]
fn the_typed_view_holds_each_instance_s_routes() {
    let config = router_config(&parse_config(BRACE).unwrap());
    assert_eq!(
        config.static_routes,
        vec![
            StaticRoute {
                prefix: prefix("0.0.0.0/0"),
                next_hop: Some(StaticNextHop::Gateways(vec![Ipv4Addr::new(198, 18, 0, 1)])),
            },
            StaticRoute {
                prefix: prefix("198.18.64.0/24"),
                next_hop: Some(StaticNextHop::Gateways(vec![
                    Ipv4Addr::new(198, 18, 0, 2),
                    Ipv4Addr::new(198, 18, 0, 3)
                ])),
            },
            StaticRoute {
                prefix: prefix("198.18.128.0/17"),
                next_hop: Some(StaticNextHop::Discard),
            },
            StaticRoute {
                prefix: prefix("198.19.0.0/16"),
                next_hop: Some(StaticNextHop::Reject),
            },
        ]
    );
    assert_eq!(
        config.routing_instances["ri1"].static_routes,
        vec![StaticRoute {
            prefix: prefix("198.18.200.0/24"),
            next_hop: Some(StaticNextHop::Gateways(vec![Ipv4Addr::new(198, 18, 1, 1)])),
        }]
    );
}

#[test]
fn a_route_without_a_next_hop_is_refused_at_commit() {
    let root = parse_config(
        "routing-options { static { route 198.18.64.0/24; } }\n\
         routing-instances { ri1 { instance-type virtual-router; \
         routing-options { static { route 198.18.65.0/24; } } } }",
    )
    .expect("loads");
    let (errors, _) = check(&root).expect_err("refused");
    let errors: Vec<(String, String, String)> = errors
        .into_iter()
        .map(|e| (path_words(&e.path), e.statement, e.message))
        .collect();
    let want = |path: &str, route: &str| {
        (
            path.to_string(),
            format!("route {route}"),
            "a static route needs one of next-hop, discard or reject".to_string(),
        )
    };
    assert_eq!(
        errors,
        vec![
            want("routing-options static", "198.18.64.0/24"),
            want(
                "routing-instances ri1 routing-options static",
                "198.18.65.0/24"
            ),
        ]
    );
}

#[test]
fn set_of_another_kind_of_next_hop_replaces_the_first() {
    let root = apply_set_lines(
        &Node::default(),
        "set routing-options static route 198.18.64.0/24 next-hop 198.18.0.2\n\
         set routing-options static route 198.18.64.0/24 discard\n",
    )
    .unwrap();
    assert_eq!(
        to_set_lines(&[], &root),
        "set routing-options static route 198.18.64.0/24 discard\n"
    );
    // A gateway replaces the discard; a second gateway joins the first.
    let root = apply_set_lines(
        &root,
        "set routing-options static route 198.18.64.0/24 next-hop 198.18.0.2\n\
         set routing-options static route 198.18.64.0/24 next-hop 198.18.0.3\n",
    )
    .unwrap();
    assert_eq!(
        to_text(&[], &root),
        "routing-options {\n    static {\n        route 198.18.64.0/24 next-hop [ 198.18.0.2 198.18.0.3 ];\n    }\n}\n"
    );
}

#[test]
fn two_kinds_of_next_hop_in_brace_text_are_refused_at_commit() {
    let root =
        parse_config("routing-options { static { route 198.18.64.0/24 { discard; reject; } } }")
            .expect("loads");
    let (errors, _) = check(&root).expect_err("refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        path_words(&errors[0].path),
        "routing-options static route 198.18.64.0/24"
    );
}

#[test]
fn a_prefix_with_host_bits_set_or_an_ipv6_gateway_is_refused_at_load() {
    let e = parse_config("routing-options { static { route 198.18.64.1/24 discard; } }")
        .expect_err("host bits");
    assert!(
        e.message.contains("'198.18.64.1/24' has host bits set"),
        "{e}"
    );
    let e = apply_set_lines(
        &Node::default(),
        "set routing-options static route 198.18.64.0/24 next-hop 2001:db8::1\n",
    )
    .expect_err("IPv6 gateway");
    assert!(e.message.contains("IPv6 is not supported"), "{e}");
}

#[test]
fn junos_statements_beside_static_routes_are_named_not_supported() {
    for text in [
        "routing-options { router-id 198.18.0.1; }",
        "routing-options { autonomous-system 65000; }",
        "routing-options { static { route 198.18.64.0/24 { next-hop 198.18.0.2; preference 7; } } }",
        "routing-instances { ri1 { routing-options { rib-groups { g; } } } }",
    ] {
        let e = parse_config(text).expect_err(text);
        assert!(e.message.contains("not supported"), "{text}: {e}");
    }
}
