use super::*;
use schema::aaa_rpc::*;
use std::net::Ipv4Addr;

pub fn servers() -> RadiusServers {
    RadiusServers {
        servers: vec![
            RadiusServerStatus {
                address: Ipv4Addr::new(127, 0, 0, 1),
                profile: None,
                authentication_port: 1812,
                accounting_port: 1813,
                state: RadiusServerState::Up,
                state_since: 1_796_270_400,
                outstanding: 2,
                counters: RadiusServerCounters {
                    access_requests: 10,
                    access_accepts: 7,
                    access_rejects: 2,
                    access_challenges: 0,
                    accounting_requests: 5,
                    accounting_responses: 5,
                    timeouts: 1,
                    retransmissions: 3,
                    malformed_responses: 0,
                    bad_authenticators: 1,
                    unknown_identifiers: 4,
                },
                last_round_trip_ms: Some(2),
                average_round_trip_ms: Some(3),
            },
            RadiusServerStatus {
                address: Ipv4Addr::new(127, 0, 0, 2),
                profile: Some("isp".into()),
                authentication_port: 11812,
                accounting_port: 11813,
                state: RadiusServerState::Dead,
                state_since: 1_796_270_460,
                outstanding: 0,
                counters: RadiusServerCounters::default(),
                last_round_trip_ms: None,
                average_round_trip_ms: None,
            },
        ],
    }
}

#[test]
fn radius_servers_brief_is_one_line_each() {
    assert_eq!(
        radius_servers(&servers(), false),
        "\
Server     Profile  Auth   Acct   State  Out  Requests  Timeouts  RTT ms
127.0.0.1  -        1812   1813   UP     2    15        1         3
127.0.0.2  isp      11812  11813  DEAD   0    0         0         -
"
    );
    assert_eq!(radius_servers(&RadiusServers::default(), false), "");
}

#[test]
fn radius_servers_detail_shows_every_counter() {
    assert_eq!(
        radius_servers(&servers(), true),
        "\
RADIUS server: 127.0.0.1
  Authentication port: 1812, Accounting port: 1813
  State: UP since 2026-12-03 04:00:00 UTC
  Outstanding requests: 2
  Access requests:          10
  Access accepts:           7
  Access rejects:           2
  Access challenges:        0
  Accounting requests:      5
  Accounting responses:     5
  Timeouts:                 1
  Retransmissions:          3
  Malformed responses:      0
  Bad authenticators:       1
  Unknown identifiers:      4
  Round trip: last 2 ms, average 3 ms

RADIUS server: 127.0.0.2 (access profile isp)
  Authentication port: 11812, Accounting port: 11813
  State: DEAD since 2026-12-03 04:01:00 UTC
  Outstanding requests: 0
  Access requests:          0
  Access accepts:           0
  Access rejects:           0
  Access challenges:        0
  Accounting requests:      0
  Accounting responses:     0
  Timeouts:                 0
  Retransmissions:          0
  Malformed responses:      0
  Bad authenticators:       0
  Unknown identifiers:      0
  Round trip: last - ms, average - ms
"
    );
}

pub fn statistics_reply() -> AaaStatistics {
    AaaStatistics {
        authentication: AuthenticationStatistics {
            requests: 20,
            accepts: 15,
            rejects: 3,
            timeouts: 1,
            queue_full: 1,
        },
        accounting: AccountingStatistics {
            starts: AccountingRecordCounters {
                sent: 15,
                acknowledged: 15,
                failed: 0,
            },
            interims: AccountingRecordCounters {
                sent: 40,
                acknowledged: 38,
                failed: 2,
            },
            stops: AccountingRecordCounters {
                sent: 9,
                acknowledged: 8,
                failed: 0,
            },
            stops_awaiting_retry: 1,
        },
        dynamic_requests: DynamicRequestStatistics {
            disconnect_requests: 4,
            coa_requests: 2,
            acks: 5,
            naks: 1,
            unknown_client: 3,
            malformed: 0,
            bad_authenticator: 2,
            not_dynamic_request: 0,
        },
    }
}

#[test]
fn statistics_show_the_section_asked_for() {
    let both = statistics(&statistics_reply(), None);
    assert_eq!(
        both,
        "\
Authentication:
  Requests:                 20
  Accepts:                  15
  Rejects:                  3
  Timeouts:                 1
  Queue full:               1

Accounting:
  Record   Sent  Acknowledged  Failed
  Start    15    15            0
  Interim  40    38            2
  Stop     9     8             0
  Stops awaiting retry:     1

Dynamic requests:
  Disconnect requests:      4
  CoA requests:             2
  ACKs sent:                5
  NAKs sent:                1
  Dropped:
    Unknown client:         3
    Malformed:              0
    Bad authenticator:      2
    Not a dynamic request:  0
"
    );
    let sections: Vec<&str> = both.split("\n\n").collect();
    let [authentication, accounting, dynamic] = sections.as_slice() else {
        panic!("{both}");
    };
    assert_eq!(
        statistics(
            &statistics_reply(),
            Some(AaaStatisticsSection::Authentication)
        ),
        format!("{authentication}\n")
    );
    assert_eq!(
        statistics(&statistics_reply(), Some(AaaStatisticsSection::Accounting)),
        format!("{accounting}\n")
    );
    assert_eq!(
        statistics(
            &statistics_reply(),
            Some(AaaStatisticsSection::DynamicRequests)
        ),
        *dynamic
    );
}

#[test]
fn subscribers_one_line_each_with_names_escaped() {
    let reply = AaaSubscribers {
        subscribers: vec![
            AaaSubscriber {
                user_name: "alice@isp.example".into(),
                session_id: 7,
                method: AaaMethod::Radius,
                server: Some(Ipv4Addr::new(127, 0, 0, 1)),
                tunnel_source: Some(TunnelDecisionSource::RadiusTunnelAttributes),
                accounting_session_id: Some("00000007".into()),
            },
            AaaSubscriber {
                user_name: "bob\x1b[2J".into(),
                session_id: 8,
                method: AaaMethod::Local,
                server: None,
                tunnel_source: None,
                accounting_session_id: None,
            },
        ],
    };
    let text = subscribers(&reply);
    assert!(!text.contains('\x1b'), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "User name          Session ID  Method  Server     Tunnel decided by         Accounting session ID"
    );
    assert_eq!(
        lines[1],
        "alice@isp.example  7           radius  127.0.0.1  radius-tunnel-attributes  00000007"
    );
    assert!(
        lines[2].contains("  8           local   -          -"),
        "{text}"
    );
    assert_eq!(subscribers(&AaaSubscribers::default()), "");
}

#[test]
fn test_reports_result_server_time_and_attributes() {
    let accept = AaaTestReport {
        result: AaaTestResult::Accept,
        method: Some(AaaMethod::Radius),
        server: Some(Ipv4Addr::new(127, 0, 0, 1)),
        attributes: vec![
            AaaAttribute {
                name: "Tunnel-Type:1".into(),
                value: "L2TP".into(),
            },
            AaaAttribute {
                name: "Tunnel-Server-Endpoint:1".into(),
                value: "198.18.1.10".into(),
            },
        ],
        elapsed_ms: 4,
        error: None,
    };
    assert_eq!(
        test(&accept),
        "\
Result: accept (radius)
Server: 127.0.0.1
Time: 4 ms
Attributes:
  Name                      Value
  Tunnel-Type:1             L2TP
  Tunnel-Server-Endpoint:1  198.18.1.10
"
    );
    let timeout = AaaTestReport {
        result: AaaTestResult::Timeout,
        method: None,
        server: None,
        attributes: vec![],
        elapsed_ms: 9000,
        error: Some("no server answered\x07".into()),
    };
    let text = test(&timeout);
    assert!(text.starts_with("Result: timeout\nTime: 9000 ms\nReason: no server answered"));
    assert!(!text.contains('\x07'), "{text}");
}
