//! The engine with its runtime, over real loopback UDP. Each test uses its own 127.0.0.x
//! addresses so tests running in parallel never compete for a port.

use std::time::Instant;

use super::*;
use schema::mgmt::TunnelTestState;

fn config(lines: &str) -> Arc<RouterConfig> {
    Arc::new(crate::test_config(lines))
}

fn lac(lac: &str, lns: &str) -> Arc<RouterConfig> {
    config(&format!(
        "set system host-name lac-a\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {lac}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {lns}\n\
         set access tunnel-profile tp tunnel 1 secret s3cret\n"
    ))
}

fn lns(lns: &str, secret: &str) -> Arc<RouterConfig> {
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
    assert_eq!(
        engine.l2tp_rpc(L2tpRpc::DisconnectCauses),
        Err(MgmtError::Failed {
            message: "the L2TP engine is not running".into()
        })
    );
}

/// `show subscribers` and `show | clear pppoe …` travel the engine's RPC path to the task
/// and come back answered there. LEAD: the subscriber tables answer them; this test then
/// checks their replies instead of the sentence.
#[test]
fn subscriber_rpcs_reach_the_running_engine() {
    use super::subscriber_rpc::SubscriberRpc;
    let mut engine = Engine::start().expect("engine");
    assert_eq!(
        engine.l2tp_rpc(L2tpRpc::Subscriber(SubscriberRpc::PppoeServiceNameTables)),
        Ok(Reply::PppoeServiceNameTables(Default::default()))
    );
    assert_eq!(
        engine.l2tp_rpc(L2tpRpc::Subscriber(SubscriberRpc::Subscribers(
            schema::subscriber_rpc::SubscriberShow {
                user_name: Some("nobody@isp.example".into()),
                ..Default::default()
            }
        ))),
        Err(MgmtError::Failed {
            message: "no subscriber with user name nobody@isp.example".into()
        })
    );
}

/// The AAA RPCs travel the same path: answered from the AAA tables, a `test aaa ppp` without
/// a profile refused with what to do.
#[test]
fn aaa_rpcs_reach_the_running_engine() {
    use super::aaa_rpc::AaaRpc;
    use schema::aaa_rpc::{AaaStatisticsCleared, AaaTest, AaaTestResult};
    let mut engine = Engine::start().expect("engine");
    assert_eq!(
        engine.l2tp_rpc(L2tpRpc::Aaa(AaaRpc::ClearStatistics)),
        Ok(Reply::AaaStatisticsCleared(AaaStatisticsCleared {
            servers: 0
        }))
    );
    let test = AaaTest {
        user: "u".into(),
        password: "p".into(),
        profile: None,
    };
    let Ok(Reply::AaaTest(report)) = engine.l2tp_rpc(L2tpRpc::Aaa(AaaRpc::Test(test))) else {
        panic!("a test report");
    };
    assert_eq!(report.result, AaaTestResult::Error);
    assert!(
        report
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("access-profile"),
        "{report:?}"
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
    assert_eq!(engine.config(), Some(&*first));
    // The commit's view itself, shared, not a copy of it.
    assert!(engine.config().is_some_and(|c| std::ptr::eq(c, &*first)));
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
fn lac_two_tunnels(lac: &str, lns: &str, max: u32) -> Arc<RouterConfig> {
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
        Some(
            "no tunnel of the profile is available: tunnel 1: max-sessions 30 reached; \
             tunnel 2: max-sessions 30 reached"
        )
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

fn tunnels_of(engine: &mut Engine) -> Vec<schema::l2tp_rpc::L2tpTunnel> {
    match engine.l2tp_rpc(L2tpRpc::Tunnels(schema::l2tp_rpc::L2tpShow::default())) {
        Ok(Reply::L2tpTunnels(t)) => t.tunnels,
        other => panic!("not a tunnel list: {other:?}"),
    }
}

fn session_count(engine: &mut Engine) -> u32 {
    match engine.l2tp_rpc(L2tpRpc::Summary { statistics: false }) {
        Ok(Reply::L2tpSummary(summary)) => summary.sessions,
        other => panic!("not a summary: {other:?}"),
    }
}

/// A clear of 3,000 sessions on one tunnel runs in steps while the other tunnel's hellos
/// (every second) keep being sent and acknowledged: that tunnel stays up with its session,
/// and its control counters keep growing. Whether a hello waited long enough to be sent
/// again is the machine's speed as much as ours, so it is printed, not asserted; the steps
/// themselves are asserted in simulated time (`core`'s
/// `a_closing_clear_runs_in_steps_and_answers_at_the_end`).
#[test]
fn a_clear_of_3000_sessions_does_not_stall_the_other_tunnel() {
    use schema::l2tp_rpc::{ClearLevel, ClearTarget, L2tpClear};

    let mut lns_engine = Engine::start().expect("lns");
    let mut lns_lines = String::from(
        "set system host-name lns-a\n\
         set services l2tp tunnel-group g local-gateway address 127.0.5.2\n\
         set services l2tp tunnel-group g hello-interval 1\n",
    );
    lns_lines.push_str("set services l2tp tunnel rx-window-size 64\n");
    lns_engine.apply(&config(&lns_lines)).expect("lns binds");
    let mut lines = String::from(
        "set system host-name lac-a\n\
         set services l2tp tunnel hello-interval 1\n\
         set services l2tp tunnel rx-window-size 64\n",
    );
    for (n, max) in [(1, 3000), (2, 10)] {
        lines.push_str(&format!(
            "set access tunnel-profile tp tunnel {n} source-gateway address 127.0.5.1\n\
             set access tunnel-profile tp tunnel {n} remote-gateway address 127.0.5.2\n\
             set access tunnel-profile tp tunnel {n} identification t{n}\n\
             set access tunnel-profile tp tunnel {n} preference {n}\n\
             set access tunnel-profile tp tunnel {n} max-sessions {max}\n"
        ));
    }
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine.apply(&config(&lines)).expect("lac binds");

    let opened = lac_engine
        .open_test_sessions("tp", 3001, Duration::from_secs(120))
        .expect("batch ran");
    assert_eq!((opened.completed, opened.failed), (3001, 0), "{opened:?}");
    let tunnels = tunnels_of(&mut lac_engine);
    let busy = tunnels
        .iter()
        .find(|t| t.sessions == 3000)
        .expect("tunnel 1 is full");
    let other = tunnels
        .iter()
        .find(|t| t.sessions == 1)
        .expect("tunnel 2 took the last one");
    let (busy_id, other_id) = (busy.tunnel_local_id, other.tunnel_local_id);
    let before = other.statistics;

    let clear = L2tpClear {
        statistics: false,
        target: ClearTarget::LocalTunnelId(busy_id),
        confirmed: false,
    };
    let asked = lac_engine.l2tp_rpc(L2tpRpc::Clear {
        level: ClearLevel::Session,
        clear: clear.clone(),
    });
    assert_eq!(
        asked,
        Ok(Reply::ConfirmClear {
            sessions: 3000,
            question: "Clear 3000 L2TP sessions? [yes,no] (no) ".into()
        })
    );
    let cleared = lac_engine.l2tp_rpc(L2tpRpc::Clear {
        level: ClearLevel::Session,
        clear: L2tpClear {
            confirmed: true,
            ..clear
        },
    });
    let Ok(Reply::L2tpCleared(cleared)) = cleared else {
        panic!("not cleared: {cleared:?}");
    };
    assert_eq!(cleared.sessions.len(), 3000);
    assert!(cleared.sessions.iter().all(|(t, _)| *t == busy_id));
    assert_eq!(session_count(&mut lac_engine), 1);

    // Real sockets and real timers here (not the sans-IO core): wait, bounded, for the LNS
    // to take every CDN and for the quiet tunnel to exchange hellos.
    let deadline = Instant::now() + Duration::from_secs(30);
    let after = loop {
        let lns_sessions = session_count(&mut lns_engine);
        let now = tunnels_of(&mut lac_engine);
        let other = now
            .iter()
            .find(|t| t.tunnel_local_id == other_id)
            .expect("the other tunnel stays");
        let grew = other.statistics.control_rx_packets >= before.control_rx_packets + 2;
        if lns_sessions == 1 && grew {
            break other.clone();
        }
        assert!(
            Instant::now() < deadline,
            "LNS sessions {lns_sessions}, other tunnel {other:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(after.state, "established");
    assert_eq!(after.sessions, 1);
    println!(
        "other tunnel control rx {} -> {} packets, {} retransmissions",
        before.control_rx_packets,
        after.statistics.control_rx_packets,
        after.statistics.retransmissions
    );
}

/// Blocks the engine's runtime until the returned sender is used: a deliberately busy engine.
fn stall(engine: &Engine) -> mpsc::Sender<()> {
    let (release, stalled) = mpsc::channel();
    let runtime = engine.runtime.as_ref().expect("runtime");
    runtime
        .commands
        .send(Command::Stall(stalled))
        .expect("stall");
    release
}

/// A commit that reports failure because the runtime was too busy to take the configuration
/// must not see it applied later: the queued configuration is withdrawn, not left to land
/// when the runtime catches up.
#[test]
fn a_configuration_a_busy_runtime_did_not_take_in_time_is_never_applied() {
    let mut engine = Engine::start().expect("engine");
    engine.apply_timeout = Some(Duration::from_millis(200));
    let release = stall(&engine);

    let err = engine
        .apply(&lns("127.0.31.1", "x"))
        .expect_err("the runtime is stalled");
    assert!(err.contains("nothing was applied"), "{err}");
    assert_eq!(engine.generation(), 0);

    release.send(()).expect("release");
    // Commands are handled in order: once this is answered, the queued apply was seen.
    let _ = engine.l2tp_rpc(L2tpRpc::DisconnectCauses);
    std::net::UdpSocket::bind("127.0.31.1:1701")
        .expect("the withdrawn configuration must not have bound 127.0.31.1:1701");
}

/// Putting back the configuration in force after a commit failed in the database must not
/// give up on a busy runtime, or the failed commit's configuration would stay running.
#[test]
fn a_restore_waits_for_a_busy_runtime() {
    let mut engine = Engine::start().expect("engine");
    engine.apply_timeout = Some(Duration::ZERO);
    let release = stall(&engine);

    let restoring = std::thread::spawn(move || {
        let outcome = engine.restore(&lns("127.0.31.2", "x"));
        (engine, outcome)
    });
    // A bounded apply would have given up at once (its timeout is zero); a restore is still
    // waiting however long this takes.
    let watching = Instant::now() + Duration::from_millis(200);
    while Instant::now() < watching && !restoring.is_finished() {
        std::thread::yield_now();
    }
    release.send(()).expect("release");
    let (engine, outcome) = restoring.join().expect("restore thread");
    outcome.expect("restored once the runtime was free");
    assert_eq!(engine.generation(), 1);
    std::net::UdpSocket::bind("127.0.31.2:1701").expect_err("the restored configuration is bound");
}

/// Deleting a tunnel group and committing it again at once (CI, `l2tp_lossy`): the
/// listener and the tunnels' own sockets of the first are closed before the second binds,
/// so the port is never found "already in use" by our own sockets.
#[test]
fn a_tunnel_group_deleted_and_added_again_binds_at_once() {
    let mut lns_engine = Engine::start().expect("lns");
    let group = lns("127.0.0.51", "s3cret");
    lns_engine.apply(&group).expect("lns binds");
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine
        .apply(&lac("127.0.0.52", "127.0.0.51"))
        .expect("lac binds");
    let empty = config("set system host-name lns-a\n");
    for round in 0..20 {
        // The LAC may not have read the last round's StopCCN yet: a test on that tunnel
        // then fails, and the next one opens a new tunnel.
        let established = (0..3).any(|_| {
            let report = lac_engine.test_tunnel(&test("tp")).expect("test ran");
            report.state == TunnelTestState::Established
        });
        assert!(established, "round {round}: no tunnel came up");
        // A commit with the tunnel up, then one that closes the listener under it.
        lns_engine.apply(&group).expect("same configuration");
        lns_engine.apply(&empty).expect("the group deleted");
        lns_engine
            .apply(&group)
            .unwrap_or_else(|e| panic!("round {round}: the group added again: {e}"));
    }
}

/// The LNS's control traffic since it started, gone tunnels' included.
fn control_totals(engine: &mut Engine) -> schema::l2tp_rpc::L2tpCounters {
    match engine.l2tp_rpc(L2tpRpc::Summary { statistics: true }) {
        Ok(Reply::L2tpSummary(summary)) => summary.statistics.expect("statistics asked for"),
        other => panic!("not a summary: {other:?}"),
    }
}

/// Waits, bounded, until the one tunnel between `lac` and `lns` has nothing in flight:
/// each end has received all the other sent, acknowledgements included. Until its first
/// hello (a minute away) the LAC then sends nothing unasked.
fn control_quiet(lac: &mut Engine, lns: &mut Engine, deadline: Instant) {
    loop {
        let (ours, theirs) = (tunnels_of(lac), tunnels_of(lns));
        let (Some(ours), Some(theirs)) = (ours.first(), theirs.first()) else {
            panic!("a tunnel at each end: {ours:?}, {theirs:?}");
        };
        let (a, b) = (ours.statistics, theirs.statistics);
        let quiet = (a.control_tx_packets, a.control_rx_packets)
            == (b.control_rx_packets, b.control_tx_packets);
        if quiet {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never quiet: {ours:?}, {theirs:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A tunnel group deleted says goodbye from its own address: its StopCCN is acknowledged
/// to a socket still open and read, the address stays ours while the tunnel holds its
/// post-StopCCN state, and is the host's again once the tunnel is gone. Real sockets and
/// time: how soon the LAC answers is the machine's (a busy one may cost a retransmission),
/// so what is asserted is that the answer arrived while the tunnel held, not when.
#[test]
fn a_deleted_tunnel_group_closes_its_tunnels_before_its_address() {
    let mut lns_engine = Engine::start().expect("lns");
    // A post-StopCCN hold of 1 + 2 s instead of a minute.
    let short_hold = "set services l2tp tunnel retransmission-count-established 1\n\
                      set services l2tp tunnel minimum-retransmission-interval 1\n";
    let group = config(&format!(
        "set system host-name lns-a\n\
         set services l2tp tunnel-group g local-gateway address 127.0.0.53\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-a l2tp shared-secret s3cret\n{short_hold}"
    ));
    lns_engine.apply(&group).expect("lns binds");
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine
        .apply(&lac("127.0.0.54", "127.0.0.53"))
        .expect("lac binds");
    let report = lac_engine.test_tunnel(&test("tp")).expect("test ran");
    assert_eq!(report.state, TunnelTestState::Established, "{report:?}");
    let deadline = Instant::now() + Duration::from_secs(15);
    control_quiet(&mut lac_engine, &mut lns_engine, deadline);
    let before = control_totals(&mut lns_engine);

    lns_engine
        .apply(&config(&format!(
            "set system host-name lns-a\n{short_hold}"
        )))
        .expect("the group deleted");
    let mut seen_closing = 0;
    loop {
        // The address first, the tunnel after: a tunnel still there after the bind was
        // there during it, however long either took.
        let given_back = std::net::UdpSocket::bind("127.0.0.53:1701").is_ok();
        let tunnels = tunnels_of(&mut lns_engine);
        let Some(tunnel) = tunnels.first() else {
            break;
        };
        assert_eq!(tunnel.state, "closing");
        assert!(
            !given_back,
            "the address is given back while its tunnel still says goodbye"
        );
        seen_closing += 1;
        assert!(Instant::now() < deadline, "the closing tunnel never went");
        // Often: the engine's turns then seldom fall on its periodic pass over the
        // sockets, and the turn that frees the tunnel must not be the only chance to let
        // go of the address.
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(
        seen_closing > 0,
        "the tunnel went before it was seen closing"
    );
    // Nothing asked of the LNS now: no command may be what makes it let go.
    let mut free = false;
    while Instant::now() < deadline && !free {
        free = std::net::UdpSocket::bind("127.0.0.53:1701").is_ok();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(free, "127.0.0.53:1701 still held after its tunnel went");
    // After the StopCCN the LAC sends only acknowledgements: one arrived, at the address
    // of the deleted group, while the tunnel held (a gone tunnel counts nothing more).
    let after = control_totals(&mut lns_engine);
    assert!(
        after.control_rx_packets > before.control_rx_packets,
        "the StopCCN was never acknowledged: {before:?} -> {after:?}"
    );
}

/// The bench's calls hold their sessions as live subscribers do: each asks our LNS for an
/// address by IPCP (so the LNS's 60 s negotiation timeout does not end it) and answers
/// its LCP echo. Without `batch_ppp` no call would ever hold an address.
#[test]
fn batch_calls_take_an_address_at_the_lns() {
    use super::subscriber_rpc::SubscriberRpc;
    use schema::subscriber_rpc::AddressPoolSelect;
    let mut lns_engine = Engine::start().expect("lns");
    let lines = "set system host-name lns-a\n\
         set services l2tp tunnel-group g local-gateway address 127.0.0.56\n\
         set services l2tp tunnel-group g l2tp-access-profile ap\n\
         set access profile ap client lac-a l2tp shared-secret s3cret\n\
         set access address-assignment pool p family inet network 198.19.0.0/24\n\
         set access address-assignment pool p family inet range r low 198.19.0.10\n\
         set access address-assignment pool p family inet range r high 198.19.0.250\n";
    lns_engine.apply(&config(lines)).expect("lns binds");
    let mut lac_engine = Engine::start().expect("lac");
    lac_engine
        .apply(&lac_two_tunnels("127.0.0.55", "127.0.0.56", 30))
        .expect("lac binds");
    let opened = lac_engine
        .open_test_sessions_with_ip("tp", 20, Duration::from_secs(20))
        .expect("batch ran");
    assert_eq!((opened.completed, opened.failed), (20, 0), "{opened:?}");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let in_use = loop {
        let pools = lns_engine.l2tp_rpc(L2tpRpc::Subscriber(SubscriberRpc::AddressPools(
            AddressPoolSelect::default(),
        )));
        let in_use = match pools {
            Ok(Reply::AddressPools(reply)) => reply.pools.first().map(|p| p.addresses_in_use),
            other => panic!("pools: {other:?}"),
        };
        if in_use == Some(20) || std::time::Instant::now() > deadline {
            break in_use;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(in_use, Some(20));
    // And IPCP opened: the subscribers are active (the negotiation timer is off).
    let active = |engine: &mut Engine| {
        let show = schema::subscriber_rpc::SubscriberShow {
            summary: true,
            ..Default::default()
        };
        match engine.l2tp_rpc(L2tpRpc::Subscriber(SubscriberRpc::Subscribers(show))) {
            Ok(Reply::Subscribers(reply)) => reply
                .summary
                .map(|s| {
                    s.by_state
                        .iter()
                        .filter(|c| c.name == schema::subscriber_rpc::SubscriberState::Active)
                        .map(|c| c.count)
                        .sum::<u32>()
                })
                .unwrap_or(0),
            other => panic!("subscribers: {other:?}"),
        }
    };
    while active(&mut lns_engine) < 20 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(active(&mut lns_engine), 20);
    let closed = lac_engine
        .close_test_sessions(Duration::from_secs(20))
        .expect("batch ran");
    assert_eq!(closed.completed, 20, "{closed:?}");
}

/// The commit check's question about the filters subscribers hold reaches the running
/// engine and comes back (nothing held here: no error; no answer would be one); without a
/// runtime it is not asked.
#[test]
fn the_commit_check_asks_the_running_engine_about_filters_in_use() {
    let filter = "set firewall family inet filter F term t then accept\n";
    let engine = Engine::start().expect("engine");
    assert_eq!(engine.check_host(&config(filter)), vec![]);
    assert_eq!(engine.check_host(&config("")), vec![]);
    let idle = Engine::default();
    assert_eq!(idle.check_host(&config("")), vec![]);
}
