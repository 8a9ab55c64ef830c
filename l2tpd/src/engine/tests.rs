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
