use std::net::Ipv4Addr;

use schema::typed::{AccessRouteTemplate, DynamicProfile, ProfileVariable, VariableValues};

use super::*;

fn prefix(a: [u8; 4], length: u8) -> Prefix {
    Prefix::new(a.into(), length).expect("a prefix")
}

fn framed(a: [u8; 4], length: u8, gateway: Option<[u8; 4]>, metric: Option<u32>) -> FramedRoute {
    FramedRoute {
        prefix: prefix(a, length),
        gateway: gateway.map(Ipv4Addr::from),
        metric,
    }
}

/// Juniper's stanza: every part from the Framed-Route.
fn framed_stanza() -> AccessRouteTemplate {
    AccessRouteTemplate {
        prefix: FRAMED_ROUTE_PREFIX.into(),
        next_hop: Some("$junos-framed-route-nexthop".into()),
        metric: Some("$junos-framed-route-cost".into()),
        preference: Some("$junos-framed-route-distance".into()),
        tag: None,
    }
}

fn profile(routes: Vec<AccessRouteTemplate>) -> DynamicProfile {
    DynamicProfile {
        access_routes: routes,
        ..DynamicProfile::default()
    }
}

#[test]
fn each_framed_route_takes_the_stanza_with_its_own_parts() {
    let p = profile(vec![framed_stanza()]);
    let routes = [
        framed([127, 9, 0, 0], 24, Some([127, 0, 0, 66]), Some(5)),
        framed([127, 9, 1, 0], 29, None, None),
    ];
    let out = instantiate("P", &p, &VariableValues::new(), &routes);
    assert_eq!(
        out.routes,
        vec![
            AccessRoute {
                prefix: prefix([127, 9, 0, 0], 24),
                next_hop: Some(Ipv4Addr::new(127, 0, 0, 66)),
                metric: Some(5),
                preference: ACCESS_PREFERENCE,
                tag: None,
            },
            // No gateway, no metric: the subscriber, no metric, Junos' preference 13.
            AccessRoute {
                prefix: prefix([127, 9, 1, 0], 29),
                next_hop: None,
                metric: None,
                preference: 13,
                tag: None,
            },
        ]
    );
    assert!(out.not_used.is_empty(), "{:?}", out.not_used);
}

#[test]
fn the_stanzas_literal_values_win_over_radius() {
    let p = profile(vec![AccessRouteTemplate {
        metric: Some("9".into()),
        preference: Some("20".into()),
        tag: Some("7".into()),
        ..framed_stanza()
    }]);
    let out = instantiate(
        "P",
        &p,
        &VariableValues::new(),
        &[framed([127, 9, 0, 0], 24, None, Some(5))],
    );
    assert_eq!(
        out.routes,
        vec![AccessRoute {
            prefix: prefix([127, 9, 0, 0], 24),
            next_hop: None,
            metric: Some(9),
            preference: 20,
            tag: Some(7),
        }]
    );
}

#[test]
fn a_literal_route_is_installed_once_and_user_variables_fill_it() {
    let mut p = profile(vec![AccessRouteTemplate {
        prefix: "127.8.0.0/16".into(),
        next_hop: Some("$junos-interface-name".into()),
        tag: Some("$t".into()),
        ..AccessRouteTemplate::default()
    }]);
    p.variables.insert(
        "t".into(),
        ProfileVariable {
            default_value: Some("42".into()),
            ..ProfileVariable::default()
        },
    );
    let mut values = VariableValues::new();
    values.insert("$junos-interface-name".into(), "si-0/0/0.5".into());
    let out = instantiate("P", &p, &values, &[]);
    assert_eq!(
        out.routes,
        vec![AccessRoute {
            prefix: prefix([127, 8, 0, 0], 16),
            next_hop: None,
            metric: None,
            preference: 13,
            tag: Some(42),
        }]
    );
}

#[test]
fn without_the_framed_stanza_radius_routes_are_listed_not_installed() {
    let out = instantiate(
        "P",
        &profile(vec![]),
        &VariableValues::new(),
        &[framed([127, 9, 0, 0], 24, None, None)],
    );
    assert!(out.routes.is_empty());
    assert_eq!(
        out.not_used,
        vec![
            "Framed-Route 127.9.0.0/24: dynamic profile P has no routing-options access route \"$junos-framed-route-ip-address-prefix\""
                .to_string()
        ]
    );
}

#[test]
fn a_value_that_does_not_fit_leaves_the_route_out_with_why() {
    let p = profile(vec![
        AccessRouteTemplate {
            prefix: "127.8.0.1/16".into(),
            ..AccessRouteTemplate::default()
        },
        AccessRouteTemplate {
            prefix: "127.7.0.0/16".into(),
            metric: Some("$missing".into()),
            ..AccessRouteTemplate::default()
        },
    ]);
    let out = instantiate("P", &p, &VariableValues::new(), &[]);
    assert!(out.routes.is_empty());
    assert_eq!(
        out.not_used,
        vec![
            "dynamic profile P: access route 127.8.0.1/16: '127.8.0.1/16' is not an IPv4 prefix"
                .to_string(),
            "dynamic profile P: access route 127.7.0.0/16: $missing has no value for this subscriber"
                .to_string(),
        ]
    );
}
