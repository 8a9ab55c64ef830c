use super::*;
use crate::access_loop::{Characteristic, ACTUAL_RATE_DOWN, ACTUAL_RATE_UP};

fn settings(lines: &str) -> Settings {
    Settings::from_config(&crate::test_config(lines))
}

/// A PPPoE subscriber's call as `subscriber::proxy` builds it: the port's speed, and the
/// line of an agent that gave 16 Mbit/s down and 1 Mbit/s up.
fn dsl_call() -> CallInfo {
    let mut call = CallInfo {
        tx_connect_speed: 1_000_000_000,
        ..CallInfo::default()
    };
    call.access_loop
        .set(ACTUAL_RATE_DOWN, Characteristic::Rate(16_000_000));
    call.access_loop
        .set(ACTUAL_RATE_UP, Characteristic::Rate(1_000_000));
    call
}

/// Junos `pppoe-ia-tag` (before 13.1 `dsl-forum`): AVP 24 is the actual downstream rate,
/// AVP 38 the upstream one.
#[test]
fn with_the_agents_method_the_speeds_are_the_lines_actual_rates() {
    for method in ["pppoe-ia-tag", "dsl-forum"] {
        let sent = settings(&format!(
            "set services l2tp tx-connect-speed-method {method}\n"
        ))
        .outgoing_call(dsl_call());
        assert_eq!(
            (sent.tx_connect_speed, sent.rx_connect_speed),
            (16_000_000, Some(1_000_000)),
            "{method}"
        );
    }
}

/// `static` (the default), `advisory`, and the methods whose source this router lacks keep
/// the port's speed.
#[test]
fn other_methods_keep_the_static_speed() {
    for lines in [
        "",
        "set services l2tp tx-connect-speed-method static\n",
        "set services l2tp tx-connect-speed-method advisory\n",
        "set services l2tp tx-connect-speed-method ancp\n",
        "set services l2tp tx-connect-speed-method actual\n",
    ] {
        let sent = settings(lines).outgoing_call(dsl_call());
        assert_eq!(
            (sent.tx_connect_speed, sent.rx_connect_speed),
            (1_000_000_000, None),
            "{lines:?}"
        );
    }
}

/// No downstream rate, or a rate of 0: the static speed. No upstream rate: AVP 38 left out
/// (the LNS takes AVP 24 for both) unless `rx-connect-speed-when-equal`.
#[test]
fn a_missing_rate_falls_back() {
    let method = "set services l2tp tx-connect-speed-method pppoe-ia-tag\n";
    let mut zero = dsl_call();
    zero.access_loop
        .set(ACTUAL_RATE_DOWN, Characteristic::Rate(0));
    let sent = settings(method).outgoing_call(zero);
    assert_eq!(
        (sent.tx_connect_speed, sent.rx_connect_speed),
        (1_000_000_000, None)
    );
    let mut down_only = CallInfo {
        tx_connect_speed: 1_000_000_000,
        ..CallInfo::default()
    };
    down_only
        .access_loop
        .set(ACTUAL_RATE_DOWN, Characteristic::Rate(16_000_000));
    let sent = settings(method).outgoing_call(down_only.clone());
    assert_eq!(
        (sent.tx_connect_speed, sent.rx_connect_speed),
        (16_000_000, None)
    );
    let equal = format!("{method}set services l2tp rx-connect-speed-when-equal\n");
    let sent = settings(&equal).outgoing_call(down_only);
    assert_eq!(sent.rx_connect_speed, Some(16_000_000));
}

/// The rate AVPs go only with `access-line-information`; the speeds do not need it.
#[test]
fn the_rate_avps_need_access_line_information_the_speeds_do_not() {
    let method = "set services l2tp tx-connect-speed-method pppoe-ia-tag\n";
    let sent = settings(method).outgoing_call(dsl_call());
    assert!(sent.access_loop.is_empty());
    assert_eq!(sent.tx_connect_speed, 16_000_000);
    let with = format!("{method}set services l2tp access-line-information\n");
    let sent = settings(&with).outgoing_call(dsl_call());
    assert_eq!(sent.access_loop, dsl_call().access_loop);
}
