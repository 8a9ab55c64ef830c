//! The engine with its runtime, over real loopback UDP. Each test uses its own 127.0.0.x
//! addresses so tests running in parallel never compete for a port.

use super::*;
use schema::mgmt::TunnelTestState;

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::typed::router_config(&tree)
}

fn lac(lac: &str, lns: &str) -> RouterConfig {
    config(&format!(
        "set system host-name lac-a\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {lac}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {lns}\n\
         set access tunnel-profile tp tunnel 1 secret s3cret\n"
    ))
}

fn lns(lns: &str, secret: &str) -> RouterConfig {
    config(&format!(
        "set system host-name lns-a\n\
         set services l2tp tunnel-group g local-gateway address {lns}\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-a l2tp shared-secret {secret}\n"
    ))
}

fn test(profile: &str) -> TunnelTest {
    TunnelTest {
        user: "u1@example.net".into(),
        password: "pw".into(),
        tunnel_name: profile.into(),
    }
}

#[test]
fn without_a_runtime_only_the_configuration_is_kept() {
    let mut engine = Engine::default();
    engine
        .apply(&lac("127.0.0.41", "127.0.0.42"))
        .expect("kept");
    assert_eq!(engine.generation(), 1);
    assert!(engine.config().is_some());
    assert_eq!(
        engine.test_tunnel(&test("tp")),
        Err("the L2TP engine is not running".into())
    );
}

#[test]
fn a_bind_failure_refuses_the_configuration() {
    let taken = std::net::UdpSocket::bind("127.0.0.43:1701").expect("take the port first");
    let mut engine = Engine::start().expect("engine");
    let first = lns("127.0.0.44", "x");
    engine.apply(&first).expect("127.0.0.44 is free");
    let err = engine
        .apply(&lns("127.0.0.43", "x"))
        .expect_err("port in use");
    assert_eq!(err, "cannot bind 127.0.0.43:1701: Address already in use");
    assert_eq!(engine.generation(), 1, "the previous configuration stays");
    assert_eq!(engine.config(), Some(&first));
    drop(taken);
}

#[test]
fn test_sessions_come_up_and_answer_the_echo() {
    let mut lns_engine = Engine::start().expect("lns");
    lns_engine
        .apply(&lns("127.0.0.46", "s3cret"))
        .expect("lns binds");
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine
        .apply(&lac("127.0.0.45", "127.0.0.46"))
        .expect("lac binds");
    let mut tunnels = Vec::new();
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let report = lac_engine.test_tunnel(&test("tp")).expect("test ran");
        assert_eq!(report.state, TunnelTestState::Established, "{report:?}");
        assert!(report.echo_round_trip_us.is_some() && report.failure.is_none());
        assert!(report.remote_tunnel_id.is_some() && report.remote_session_id.is_some());
        tunnels.push(report.local_tunnel_id);
        sessions.push(report.local_session_id);
    }
    assert!(
        tunnels.iter().all(|t| *t == tunnels[0]),
        "one tunnel: {tunnels:?}"
    );
    sessions.dedup();
    assert_eq!(sessions.len(), 3, "a session each: {sessions:?}");
    assert_eq!(
        lac_engine.test_tunnel(&test("tp-x")),
        Err("tunnel profile tp-x is not configured".into())
    );
}

#[test]
fn a_wrong_secret_fails_on_tunnel_authentication() {
    let mut lns_engine = Engine::start().expect("lns");
    lns_engine
        .apply(&lns("127.0.0.48", "not-the-secret"))
        .expect("lns binds");
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine
        .apply(&lac("127.0.0.47", "127.0.0.48"))
        .expect("lac binds");
    let report = lac_engine.test_tunnel(&test("tp")).expect("test ran");
    assert_eq!(report.state, TunnelTestState::Failed);
    let why = report.failure.unwrap_or_default();
    assert!(why.contains("tunnel authentication"), "{why}");
}

/// A LAC profile of two tunnels (distinct identifications, so both open) of `max` sessions.
fn lac_two_tunnels(lac: &str, lns: &str, max: u32) -> RouterConfig {
    let mut lines = String::from("set system host-name lac-a\n");
    for n in 1..=2 {
        lines.push_str(&format!(
            "set access tunnel-profile tp tunnel {n} source-gateway address {lac}\n\
             set access tunnel-profile tp tunnel {n} remote-gateway address {lns}\n\
             set access tunnel-profile tp tunnel {n} secret s3cret\n\
             set access tunnel-profile tp tunnel {n} identification t{n}\n\
             set access tunnel-profile tp tunnel {n} max-sessions {max}\n"
        ));
    }
    config(&lines)
}

#[test]
fn a_batch_opens_and_closes_sessions_over_several_tunnels() {
    let mut lns_engine = Engine::start().expect("lns");
    lns_engine
        .apply(&lns("127.0.0.50", "s3cret"))
        .expect("lns binds");
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine
        .apply(&lac_two_tunnels("127.0.0.49", "127.0.0.50", 30))
        .expect("lac binds");
    let timeout = Duration::from_secs(20);

    let opened = lac_engine
        .open_test_sessions("tp", 50, timeout)
        .expect("batch ran");
    assert_eq!(opened.kind, BatchKind::Open);
    assert_eq!(
        (
            opened.requested,
            opened.completed,
            opened.failed,
            opened.held
        ),
        (50, 50, 0, 50),
        "{opened:?}"
    );
    assert!(!opened.timed_out);

    // Two tunnels of 30 hold 60: ten more fit, the eleventh finds no tunnel.
    let more = lac_engine
        .open_test_sessions("tp", 11, timeout)
        .expect("batch ran");
    assert_eq!((more.completed, more.failed, more.held), (10, 1, 60));
    assert_eq!(
        more.first_failure.as_deref(),
        Some("no tunnel of the profile is available")
    );

    let closed = lac_engine.close_test_sessions(timeout).expect("batch ran");
    assert_eq!(closed.kind, BatchKind::Close);
    assert_eq!(
        (
            closed.requested,
            closed.completed,
            closed.failed,
            closed.held
        ),
        (60, 60, 0, 0),
        "{closed:?}"
    );
    // Single tests still work beside the batches, on the same tunnels.
    let report = lac_engine.test_tunnel(&test("tp")).expect("test ran");
    assert_eq!(report.state, TunnelTestState::Established, "{report:?}");
    assert_eq!(
        lac_engine.open_test_sessions("tp-x", 1, timeout),
        Err("tunnel profile tp-x is not configured".into())
    );
}
