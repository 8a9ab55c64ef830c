//! The AAA commands through the shell: the typed request sent, the reply rendered or shown
//! as JSON, a test that is not accepted failing the command, a clear printing nothing.

use super::*;
use crate::shell::render_aaa::tests as samples;
use schema::aaa_rpc::{
    AaaStatisticsCleared, AaaStatisticsSection, AaaStatisticsShow, AaaTest, AaaTestReport,
    AaaTestResult, RadiusServersShow,
};

fn sent(requests: &[Request]) -> Vec<&Request> {
    requests
        .iter()
        .filter(|r| !matches!(r, Request::Hello { .. }))
        .collect()
}

#[test]
fn radius_servers_and_statistics_render_and_show_as_json() {
    let (out, failed, requests) = transcript(
        vec![
            ok(Reply::RadiusServers(samples::servers())),
            ok(Reply::RadiusServers(samples::servers())),
            ok(Reply::AaaStatistics(samples::statistics_reply())),
            ok(Reply::AaaStatisticsCleared(AaaStatisticsCleared {
                servers: 2,
            })),
        ],
        "show network-access aaa radius-servers\n\
         show network-access aaa radius-servers detail | display json\n\
         show network-access aaa statistics accounting\n\
         clear network-access aaa statistics\n",
    );
    assert!(!failed, "{out}");
    assert_eq!(
        sent(&requests),
        [
            &Request::GetRadiusServers(RadiusServersShow { detail: false }),
            &Request::GetRadiusServers(RadiusServersShow { detail: true }),
            &Request::GetAaaStatistics(AaaStatisticsShow {
                section: Some(AaaStatisticsSection::Accounting)
            }),
            &Request::ClearAaaStatistics,
        ]
    );
    assert!(
        out.contains("127.0.0.2  isp      11812  11813  DEAD   0    0         0         -\n"),
        "{out}"
    );
    let json = out
        .split("| display json\n")
        .nth(1)
        .and_then(|rest| rest.split("lab@r0> ").next())
        .unwrap_or_else(|| panic!("{out}"));
    let value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let text = value.to_string();
    for field in [
        "radius-server-information",
        "\"unknown-identifiers\"",
        "\"state\"",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    assert!(
        out.ends_with(
            "lab@r0> show network-access aaa statistics accounting\nAccounting:\n  Record   Sent  \
             Acknowledged  Failed\n  Start    15    15            0\n  Interim  40    38            \
             2\n  Stop     9     8             0\n  Stops awaiting retry:     1\n\
             lab@r0> clear network-access aaa statistics\n"
        ),
        "{out}"
    );
}

#[test]
fn a_clear_prints_nothing_and_a_rejected_test_fails_the_command() {
    let (out, failed, requests) = transcript(
        vec![
            ok(Reply::AaaStatisticsCleared(AaaStatisticsCleared {
                servers: 2,
            })),
            ok(Reply::AaaTest(AaaTestReport {
                result: AaaTestResult::Reject,
                method: None,
                server: Some(std::net::Ipv4Addr::new(127, 0, 0, 1)),
                attributes: vec![],
                elapsed_ms: 1002,
                error: None,
            })),
        ],
        "clear network-access aaa statistics\n\
         test aaa ppp user bob password wrong profile isp\n",
    );
    assert_eq!(
        sent(&requests),
        [
            &Request::ClearAaaStatistics,
            &Request::TestAaaPpp(AaaTest {
                user: "bob".into(),
                password: "wrong".into(),
                profile: Some("isp".into()),
            }),
        ]
    );
    assert_eq!(
        out,
        "lab@r0> clear network-access aaa statistics\n\
         lab@r0> test aaa ppp user bob password wrong profile isp\n\
         Result: reject\nServer: 127.0.0.1\nTime: 1002 ms\n"
    );
    assert!(failed);
}
