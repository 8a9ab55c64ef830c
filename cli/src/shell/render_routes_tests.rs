use super::*;
use schema::route_rpc::{
    NextHop, NextHopType, ProtocolSummary, RouteProtocol, RouteSummaryTable, RouteTable, Rt,
    RtEntry, TableCounts,
};
use std::net::Ipv4Addr;

/// A subscriber at 198.18.1.5 on si-0/0/0.3 with a Framed-Route 198.18.7.0/24 (metric 5,
/// tag 7, the Framed-Route's gateway), up for 12 s, in the default instance; and one in
/// routing instance ri1 up for 8 days.
fn sample() -> RouteInformation {
    let entry = |protocol, preference, age, metric, tag, to, via: &str| RtEntry {
        active_tag: Some("*".into()),
        protocol_name: protocol,
        preference,
        age,
        metric,
        rt_tag: tag,
        nh: vec![NextHop {
            to,
            via: Some(via.into()),
            nh_type: None,
        }],
    };
    let table = |name: &str, rts: Vec<Rt>| RouteTable {
        table_name: name.into(),
        counts: TableCounts {
            destination_count: rts.len() as u32,
            total_route_count: rts.iter().map(|r| r.entries.len() as u32).sum(),
            active_route_count: rts.len() as u32,
            holddown_route_count: 0,
            hidden_route_count: 0,
        },
        destinations: rts,
    };
    RouteInformation {
        tables: vec![
            table(
                "inet.0",
                vec![
                    Rt {
                        rt_destination: "198.18.1.5/32".into(),
                        entries: vec![entry(
                            RouteProtocol::AccessInternal,
                            12,
                            12,
                            None,
                            None,
                            None,
                            "si-0/0/0.3",
                        )],
                    },
                    Rt {
                        rt_destination: "198.18.7.0/24".into(),
                        entries: vec![entry(
                            RouteProtocol::Access,
                            13,
                            12,
                            Some(5),
                            Some(7),
                            Some(Ipv4Addr::new(198, 18, 1, 5)),
                            "si-0/0/0.3",
                        )],
                    },
                ],
            ),
            table(
                "ri1.inet.0",
                vec![Rt {
                    rt_destination: "198.18.2.9/32".into(),
                    entries: vec![entry(
                        RouteProtocol::AccessInternal,
                        12,
                        8 * 86_400 + 3 * 3600 + 4 * 60 + 5,
                        None,
                        None,
                        None,
                        "si-0/0/1.1073741825",
                    )],
                }],
            ),
        ],
    }
}

#[test]
fn ages_as_junos_writes_them() {
    assert_eq!(brief_age(12), "00:00:12");
    assert_eq!(brief_age(86_399), "23:59:59");
    assert_eq!(brief_age(2 * 86_400 + 83_104), "2d 23:05:04");
    assert_eq!(brief_age(12 * 86_400 + 73_829), "1w5d 20:30:29");
    assert_eq!(brief_age(35 * 7 * 86_400 + 918), "35w0d 00:15:18");
    assert_eq!(detail_age(24 * 86_400 + 11_976), "3w3d 3:19:36");
    assert_eq!(detail_age(5503), "1:31:43");
    assert_eq!(detail_age(12), "0:00:12");
}

#[test]
fn brief_is_the_prefix_column_and_the_next_hop_below() {
    assert_eq!(
        routes(&sample(), RouteLevel::Brief),
        "
inet.0: 2 destinations, 2 routes (2 active, 0 holddown, 0 hidden)
+ = Active Route, - = Last Active, * = Both

198.18.1.5/32      *[Access-internal/12] 00:00:12
                    >  via si-0/0/0.3
198.18.7.0/24      *[Access/13] 00:00:12, metric 5, tag 7
                    >  to 198.18.1.5 via si-0/0/0.3

ri1.inet.0: 1 destinations, 1 routes (1 active, 0 holddown, 0 hidden)
+ = Active Route, - = Last Active, * = Both

198.18.2.9/32      *[Access-internal/12] 1w1d 03:04:05
                    >  via si-0/0/1.1073741825
"
    );
}

#[test]
fn an_inactive_route_has_no_prefix_and_no_star() {
    let mut info = sample();
    let rt = &mut info.tables[0].destinations[0];
    let mut second = rt.entries[0].clone();
    second.active_tag = None;
    second.protocol_name = RouteProtocol::Access;
    second.preference = 13;
    rt.entries.push(second);
    let text = routes(&info, RouteLevel::Brief);
    assert!(
        text.contains(
            "198.18.1.5/32      *[Access-internal/12] 00:00:12
                    >  via si-0/0/0.3
                    [Access/13] 00:00:12
                    >  via si-0/0/0.3
"
        ),
        "{text}"
    );
    let terse = routes(&info, RouteLevel::Terse);
    assert!(
        terse.contains(
            "* ? 198.18.1.5/32      A  12                       >si-0/0/0.3
  ?                    A  13                       >si-0/0/0.3
"
        ),
        "{terse}"
    );
}

#[test]
fn terse_is_junos_columns() {
    let text = routes(&sample(), RouteLevel::Terse);
    assert_eq!(
        text.lines().take(9).collect::<Vec<_>>().join("\n"),
        "
inet.0: 2 destinations, 2 routes (2 active, 0 holddown, 0 hidden)
+ = Active Route, - = Last Active, * = Both

A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path
* ? 198.18.1.5/32      A  12                       >si-0/0/0.3
* ? 198.18.7.0/24      A  13          5            >198.18.1.5

ri1.inet.0: 1 destinations, 1 routes (1 active, 0 holddown, 0 hidden)"
    );
}

#[test]
fn detail_is_a_block_per_route() {
    let text = routes(&sample(), RouteLevel::Detail);
    assert_eq!(
        text.lines().take(16).collect::<Vec<_>>().join("\n"),
        "
inet.0: 2 destinations, 2 routes (2 active, 0 holddown, 0 hidden)
198.18.1.5/32 (1 entry, 1 announced)
        *Access-internal Preference: 12
                Next hop type: Interface
                Next hop: via si-0/0/0.3, selected
                State: <Active Int>
                Age: 0:00:12

198.18.7.0/24 (1 entry, 1 announced)
        *Access Preference: 13
                Next hop type: Router
                Next hop: 198.18.1.5 via si-0/0/0.3, selected
                State: <Active Int>
                Age: 0:00:12        Metric: 5
                Tag: 7
"
        .trim_end()
    );
    // Extensive prints what detail does: nothing more is kept.
    assert_eq!(routes(&sample(), RouteLevel::Extensive), text);
}

#[test]
fn summary_is_a_line_per_protocol() {
    let info = RouteSummaryInformation {
        tables: vec![RouteSummaryTable {
            table_name: "inet.0".into(),
            counts: TableCounts {
                destination_count: 3,
                total_route_count: 3,
                active_route_count: 3,
                holddown_route_count: 0,
                hidden_route_count: 0,
            },
            protocols: vec![
                ProtocolSummary {
                    protocol_name: RouteProtocol::Access,
                    protocol_route_count: 1,
                    active_route_count: 1,
                },
                ProtocolSummary {
                    protocol_name: RouteProtocol::AccessInternal,
                    protocol_route_count: 2,
                    active_route_count: 2,
                },
            ],
        }],
    };
    assert_eq!(
        summary(&info),
        "
inet.0: 3 destinations, 3 routes (3 active, 0 holddown, 0 hidden)
              Access:      1 routes,      1 active
     Access-internal:      2 routes,      2 active
"
    );
}

#[test]
fn nothing_selected_prints_nothing() {
    assert_eq!(routes(&RouteInformation::default(), RouteLevel::Brief), "");
    assert_eq!(summary(&RouteSummaryInformation::default()), "");
}

/// `routing-options static`: a gateway (its interface is not read back), two gateways, a
/// discard and a reject, as Junos prints static routes (`[Static/5]`; `Discard` and
/// `Reject` in place of a next hop).
fn static_sample() -> RouteInformation {
    let hop = |to: Option<[u8; 4]>, nh_type| NextHop {
        to: to.map(Ipv4Addr::from),
        via: None,
        nh_type,
    };
    let rt = |destination: &str, nh: Vec<NextHop>| Rt {
        rt_destination: destination.into(),
        entries: vec![RtEntry {
            active_tag: Some("*".into()),
            protocol_name: RouteProtocol::Static,
            preference: 5,
            age: 7,
            metric: None,
            rt_tag: None,
            nh,
        }],
    };
    RouteInformation {
        tables: vec![RouteTable {
            table_name: "inet.0".into(),
            counts: TableCounts {
                destination_count: 4,
                total_route_count: 4,
                active_route_count: 4,
                holddown_route_count: 0,
                hidden_route_count: 0,
            },
            destinations: vec![
                rt("0.0.0.0/0", vec![hop(Some([198, 18, 0, 1]), None)]),
                rt(
                    "198.18.64.0/24",
                    vec![
                        hop(Some([198, 18, 0, 2]), None),
                        hop(Some([198, 18, 0, 3]), None),
                    ],
                ),
                rt(
                    "198.18.128.0/17",
                    vec![hop(None, Some(NextHopType::Discard))],
                ),
                rt("198.19.0.0/16", vec![hop(None, Some(NextHopType::Reject))]),
            ],
        }],
    }
}

#[test]
fn static_routes_show_their_gateways_or_discard_and_reject() {
    assert_eq!(
        routes(&static_sample(), RouteLevel::Brief),
        "
inet.0: 4 destinations, 4 routes (4 active, 0 holddown, 0 hidden)
+ = Active Route, - = Last Active, * = Both

0.0.0.0/0          *[Static/5] 00:00:07
                    >  to 198.18.0.1
198.18.64.0/24     *[Static/5] 00:00:07
                    >  to 198.18.0.2
                    >  to 198.18.0.3
198.18.128.0/17    *[Static/5] 00:00:07
                       Discard
198.19.0.0/16      *[Static/5] 00:00:07
                       Reject
"
    );
    let terse = routes(&static_sample(), RouteLevel::Terse);
    assert!(
        terse.contains("* ? 0.0.0.0/0          S   5                       >198.18.0.1\n"),
        "{terse}"
    );
    assert!(
        terse.contains("* ? 198.18.128.0/17    S   5                       Discard\n"),
        "{terse}"
    );
    let detail = routes(&static_sample(), RouteLevel::Detail);
    assert!(
        detail.contains(
            "198.19.0.0/16 (1 entry, 1 announced)\n        *Static Preference: 5\n                Next hop type: Reject\n                State: <Active Int Ext>\n"
        ),
        "{detail}"
    );
}
