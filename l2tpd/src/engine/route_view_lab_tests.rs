//! `show route` end to end in simulated time (see `sim_lab`): the management request as
//! the shell sends it, answered by the LNS's engine from the routes it installed for a
//! subscriber — its own address and its dynamic profile's access routes — in the table of
//! its routing instance, until it logs out.

use std::net::Ipv4Addr;
use std::sync::mpsc;
use std::time::Duration;

use schema::mgmt::{Reply, Request};
use schema::route_rpc::{
    RouteDestination, RouteInformation, RouteProtocol, RouteShow, RouteSummaryInformation,
    RouteSummaryShow,
};

use super::dynamic_profile_lab_tests::{
    bring_up, framed_accept, ipcp_up, lns_with_access_routes, ACCESS_STANZA, LNS_PROFILE,
};
use super::rpc::{L2tpRpc, RpcOutcome};
use super::sim_lab::{config, lac_config, Lab, LNS_BASE};

fn ask(lab: &mut Lab, request: Request) -> RpcOutcome {
    let rpc = L2tpRpc::from_request(&request).expect("an engine RPC");
    let (reply, answer) = mpsc::channel();
    let now = lab.now;
    lab.lns.l2tp_rpc(now, rpc, reply);
    answer.try_recv().expect("answered at once")
}

fn routes(lab: &mut Lab, show: RouteShow) -> Result<RouteInformation, String> {
    match ask(lab, Request::GetRouteInformation(show))? {
        Reply::Routes(r) => Ok(r),
        other => panic!("not routes: {other:?}"),
    }
}

fn summary(lab: &mut Lab, table: Option<&str>) -> RouteSummaryInformation {
    let show = RouteSummaryShow {
        table: table.map(str::to_string),
    };
    match ask(lab, Request::GetRouteSummaryInformation(show)) {
        Ok(Reply::RouteSummary(s)) => s,
        other => panic!("not a route summary: {other:?}"),
    }
}

/// (destination, protocol, preference, metric, tag, gateway) of every route shown.
type Seen = (
    String,
    RouteProtocol,
    u32,
    Option<u32>,
    Option<u32>,
    Option<Ipv4Addr>,
);

fn seen(info: &RouteInformation) -> Vec<Seen> {
    info.tables
        .iter()
        .flat_map(|t| &t.destinations)
        .flat_map(|rt| {
            rt.entries.iter().map(|e| {
                let to = e.nh.first().and_then(|nh| nh.to);
                let destination = rt.rt_destination.clone();
                (
                    destination,
                    e.protocol_name,
                    e.preference,
                    e.metric,
                    e.rt_tag,
                    to,
                )
            })
        })
        .collect()
}

fn destination(text: &str) -> Option<RouteDestination> {
    Some(RouteDestination::parse(text).expect("a destination"))
}

#[test]
fn a_subscribers_routes_are_listed_while_it_is_up_and_go_with_it() {
    let mut lab = Lab::new(lac_config(""), lns_with_access_routes(ACCESS_STANZA));
    lab.lns_radius = Some(framed_accept());
    bring_up(&mut lab, "ida@isp.example");
    let (address, _) = ipcp_up(&lab.subs[0].events).expect("IPCP up");
    let host = format!("{address}/32");

    let all = routes(&mut lab, RouteShow::default()).expect("routes");
    assert_eq!(all.tables.len(), 1);
    let table = &all.tables[0];
    assert_eq!(table.table_name, "inet.0");
    assert_eq!(
        (
            table.counts.destination_count,
            table.counts.total_route_count
        ),
        (4, 4)
    );
    assert_eq!(table.counts.active_route_count, 4);
    // Sorted by address, then length; the Framed-Routes by the stanza, the literal route at
    // its own preference, the subscriber's address as Access-internal/12.
    let mut expected: Vec<Seen> = vec![
        (
            host.clone(),
            RouteProtocol::AccessInternal,
            12,
            None,
            None,
            None,
        ),
        (
            "198.18.60.0/24".into(),
            RouteProtocol::Access,
            13,
            Some(5),
            Some(7),
            Some(address),
        ),
        (
            "198.18.61.0/29".into(),
            RouteProtocol::Access,
            13,
            None,
            Some(7),
            Some(address),
        ),
        (
            "198.18.70.0/24".into(),
            RouteProtocol::Access,
            20,
            None,
            None,
            Some(address),
        ),
    ];
    expected.sort_by_key(|s| {
        let d = RouteDestination::parse(&s.0).expect("a prefix");
        (d.address, d.length)
    });
    assert_eq!(seen(&all), expected);
    for rt in &table.destinations {
        let e = &rt.entries[0];
        assert_eq!(e.active_tag.as_deref(), Some("*"));
        assert!(
            e.nh[0]
                .via
                .as_deref()
                .is_some_and(|v| v.starts_with("si-0/0/0.")),
            "{:?}",
            e.nh
        );
    }
    let age = table.destinations[0].entries[0].age;

    // The age counts from IPCP up.
    lab.advance(Duration::from_secs(30));
    let later = routes(&mut lab, RouteShow::default()).expect("routes");
    assert_eq!(later.tables[0].destinations[0].entries[0].age, age + 30);

    // A destination: the longest route that holds it, and the routes inside it.
    let at = |text| RouteShow {
        destination: destination(text),
        ..RouteShow::default()
    };
    let one = routes(&mut lab, at("198.18.60.9")).expect("routes");
    assert_eq!(seen(&one)[0].0, "198.18.60.0/24");
    assert_eq!(seen(&one).len(), 1);
    // The table's counts stay the whole table's.
    assert_eq!(one.tables[0].counts.destination_count, 4);
    let inside = routes(&mut lab, at("198.18.60.0/23")).expect("routes");
    let names: Vec<String> = seen(&inside).into_iter().map(|s| s.0).collect();
    assert_eq!(names, vec!["198.18.60.0/24", "198.18.61.0/29"]);
    let exact = RouteShow {
        exact: true,
        ..at("198.18.60.0/23")
    };
    assert!(routes(&mut lab, exact).expect("routes").tables.is_empty());
    let exact = RouteShow {
        exact: true,
        ..at("198.18.61.0/29")
    };
    assert_eq!(seen(&routes(&mut lab, exact).expect("routes")).len(), 1);
    // No match prints nothing: no table at all.
    assert!(routes(&mut lab, at("203.0.113.1"))
        .expect("routes")
        .tables
        .is_empty());
    let own = routes(&mut lab, at(&address.to_string())).expect("routes");
    assert_eq!(seen(&own), vec![expected_internal(&host)]);

    // By protocol.
    let internal = RouteShow {
        protocol: Some(RouteProtocol::AccessInternal),
        ..RouteShow::default()
    };
    assert_eq!(
        seen(&routes(&mut lab, internal).expect("routes")),
        vec![expected_internal(&host)]
    );
    let access = RouteShow {
        protocol: Some(RouteProtocol::Access),
        ..RouteShow::default()
    };
    assert_eq!(seen(&routes(&mut lab, access).expect("routes")).len(), 3);

    // The summary counts each protocol.
    let s = summary(&mut lab, None);
    assert_eq!(s.tables.len(), 1);
    let counts: Vec<(RouteProtocol, u32, u32)> = s.tables[0]
        .protocols
        .iter()
        .map(|p| {
            (
                p.protocol_name,
                p.protocol_route_count,
                p.active_route_count,
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            (RouteProtocol::Access, 3, 3),
            (RouteProtocol::AccessInternal, 1, 1)
        ]
    );

    // Tables: `inet` begins inet.0; a table the router has no instance for is an error.
    let table = |name: &str| RouteShow {
        table: Some(name.into()),
        ..RouteShow::default()
    };
    assert_eq!(
        seen(&routes(&mut lab, table("inet")).expect("routes")).len(),
        4
    );
    assert_eq!(
        routes(&mut lab, table("vr9")),
        Err("routing table vr9 not found".to_string())
    );

    // Logout: every route goes.
    lab.subs[0].pppoe.terminate();
    lab.settle();
    lab.advance(Duration::from_secs(5));
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    assert!(routes(&mut lab, RouteShow::default())
        .expect("routes")
        .tables
        .is_empty());
    assert!(summary(&mut lab, None).tables.is_empty());
}

fn expected_internal(host: &str) -> Seen {
    (
        host.to_string(),
        RouteProtocol::AccessInternal,
        12,
        None,
        None,
        None,
    )
}

#[test]
fn a_subscriber_in_a_routing_instance_has_its_routes_in_that_instances_table() {
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{LNS_PROFILE}")));
    bring_up(&mut lab, "vera@isp.example");
    let (address, _) = ipcp_up(&lab.subs[0].events).expect("IPCP up");

    let all = routes(&mut lab, RouteShow::default()).expect("routes");
    let names: Vec<&str> = all.tables.iter().map(|t| t.table_name.as_str()).collect();
    assert_eq!(names, vec!["vr1.inet.0"]);
    assert_eq!(
        seen(&all),
        vec![expected_internal(&format!("{address}/32"))]
    );

    let in_table = |name: &str| RouteShow {
        table: Some(name.into()),
        ..RouteShow::default()
    };
    assert_eq!(
        routes(&mut lab, in_table("vr1"))
            .expect("routes")
            .tables
            .len(),
        1
    );
    // inet.0 is a table the router has, empty here: nothing, and no error.
    assert!(routes(&mut lab, in_table("inet.0"))
        .expect("routes")
        .tables
        .is_empty());
    assert_eq!(
        summary(&mut lab, Some("vr1")).tables[0].table_name,
        "vr1.inet.0"
    );
}

/// The static routes the task installed (engine::static_routes hands them to the core after
/// each commit) are listed as `Static` at preference 5, each in its instance's table, beside
/// the subscribers' routes; `protocol static` and the summary count them.
#[test]
fn installed_static_routes_are_listed_in_their_instances_tables() {
    use crate::io::prefix_table::Prefix;
    use crate::subscriber::route_view::InstalledStatic;
    use schema::route_rpc::{NextHopType, STATIC_PREFERENCE};
    use schema::typed::StaticNextHop;

    let mut lab = Lab::new(
        lac_config(""),
        config(&format!(
            "{LNS_BASE}set routing-instances ri1 instance-type virtual-router\n"
        )),
    );
    let since = lab.now;
    let prefix = |a: [u8; 4], l| Prefix::new(Ipv4Addr::from(a), l).unwrap();
    lab.lns.set_static_routes(vec![
        InstalledStatic {
            instance: None,
            prefix: prefix([0, 0, 0, 0], 0),
            next_hop: StaticNextHop::Gateways(vec![Ipv4Addr::new(198, 18, 0, 1)]),
            since,
        },
        InstalledStatic {
            instance: Some("ri1".into()),
            prefix: prefix([198, 18, 128, 0], 17),
            next_hop: StaticNextHop::Discard,
            since,
        },
    ]);
    lab.now += Duration::from_secs(9);
    let info = routes(&mut lab, RouteShow::default()).expect("routes");
    let tables: Vec<&str> = info.tables.iter().map(|t| t.table_name.as_str()).collect();
    assert_eq!(tables, ["inet.0", "ri1.inet.0"]);
    let default = &info.tables[0].destinations[0];
    assert_eq!(default.rt_destination, "0.0.0.0/0");
    let entry = &default.entries[0];
    assert_eq!(
        (entry.protocol_name, entry.preference, entry.age),
        (RouteProtocol::Static, STATIC_PREFERENCE, 9)
    );
    assert_eq!(entry.active_tag.as_deref(), Some("*"));
    assert_eq!(entry.nh[0].to, Some(Ipv4Addr::new(198, 18, 0, 1)));
    let ri1 = &info.tables[1].destinations[0];
    assert_eq!(ri1.rt_destination, "198.18.128.0/17");
    assert_eq!(ri1.entries[0].nh[0].nh_type, Some(NextHopType::Discard));

    let only_static = RouteShow {
        protocol: Some(RouteProtocol::Static),
        table: Some("ri1".into()),
        ..RouteShow::default()
    };
    let info = routes(&mut lab, only_static).expect("routes");
    assert_eq!(info.tables.len(), 1);
    assert_eq!(info.tables[0].table_name, "ri1.inet.0");
    let s = summary(&mut lab, None);
    assert_eq!(
        s.tables[0].protocols[0].protocol_name,
        RouteProtocol::Static
    );
    assert_eq!(s.tables[0].protocols[0].protocol_route_count, 1);
}
