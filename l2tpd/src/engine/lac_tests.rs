//! The LAC sequence end to end in simulated time (see `sim_lab`).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use schema::l2tp_rpc::{ClearLevel, ClearTarget, L2tpClear, L2tpShow, Level};

use super::core::Core;
use super::rpc::L2tpRpc;
use super::sim_lab::{data_counters, lac_config, lns_config, port_receive, Lab, LAC, LNS, PORT};
use crate::l2tp::wire::{DataHeader, DataMessage, Sequence};
use crate::ppp::client_link::ClientEvent;
use crate::subscriber::echo;
use crate::subscriber::table::Phase;

#[test]
fn a_pppoe_subscriber_is_tunnelled_with_proxy_lcp_and_proxy_authentication() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("alice@isp.example");
    lab.settle();
    lab.advance(Duration::from_millis(10));

    let sub = &lab.subs[i];
    assert!(
        sub.events.contains(&ClientEvent::LcpUp) && sub.events.contains(&ClientEvent::AuthSent),
        "{:?}",
        sub.events
    );
    let subscribers: Vec<_> = lab.lac.subscribers().table.iter().collect();
    let [subscriber] = subscribers.as_slice() else {
        panic!("one subscriber at the LAC");
    };
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.user.as_deref(), Some("alice@isp.example"));
    assert_eq!(subscriber.authentication, Some("chap"));

    let sessions = lab.lns_sessions();
    let [session] = sessions.as_slice() else {
        panic!("one session at the LNS: {sessions:?}");
    };
    assert_eq!(session.user_name.as_deref(), Some("alice@isp.example"));
    assert!(session.proxy_lcp, "{session:?}");
    assert_eq!(session.proxy_authentication.as_deref(), Some("chap"));
    // The LAC handed the proxy data over: its view still says what was sent, and whose.
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    let lac_sessions = lab
        .lac
        .registry()
        .sessions(lab.now, &show)
        .expect("sessions")
        .sessions;
    let [lac_session] = lac_sessions.as_slice() else {
        panic!("one session at the LAC: {lac_sessions:?}");
    };
    assert!(lac_session.proxy_lcp);
    assert_eq!(lac_session.proxy_authentication.as_deref(), Some("chap"));
    assert_eq!(lac_session.user_name.as_deref(), Some("alice@isp.example"));

    // A PPP frame from the subscriber crosses to the LNS, and the LNS's answer comes back.
    let request = echo::build(false, 9, 0x1000, b"through the LAC", true);
    let frame = lab.subs[i]
        .pppoe
        .session_frame(&request)
        .expect("session frame");
    let now = lab.now;
    lab.lac.handle_frame(now, PORT, &frame);
    lab.settle();
    assert_eq!(lab.subs[i].echo_replies.len(), 1);
}

#[test]
fn a_padt_ends_the_subscriber_and_its_session_at_the_lns() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("bob@isp.example");
    lab.settle();
    assert_eq!(lab.lns_sessions().len(), 1);
    lab.subs[i].pppoe.terminate();
    lab.settle();
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty(), "{:?}", lab.lns_sessions());
}

#[test]
fn a_cdn_from_the_lns_sends_the_subscriber_a_padt() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("carol@isp.example");
    lab.settle();
    lab.lns_sends_cdn();
    lab.settle();
    assert!(lab.subs[i].ended, "the subscriber got its PADT");
    assert!(lab.lac.subscribers().table.is_empty());
}

#[test]
fn a_subscriber_no_domain_map_tunnels_is_refused_and_counted() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("dave@elsewhere.example");
    lab.settle();
    lab.advance(Duration::from_secs(1));
    assert!(
        lab.subs[i]
            .events
            .iter()
            .any(|e| matches!(e, ClientEvent::AuthFailed(_))),
        "{:?}",
        lab.subs[i].events
    );
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty());
    let refusals = &lab.lac.subscribers().table.refusals;
    assert_eq!(refusals.values().sum::<u64>(), 1, "{refusals:?}");
}

#[test]
fn many_subscribers_come_up_and_all_leave() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    for n in 0..200 {
        lab.add(&format!("user{n}@isp.example"));
    }
    lab.settle();
    lab.advance(Duration::from_millis(10));
    assert_eq!(lab.lac.subscribers().table.len(), 200);
    assert_eq!(lab.lns_sessions().len(), 200);
    for sub in &mut lab.subs {
        sub.pppoe.terminate();
    }
    lab.settle();
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty());
}

#[test]
fn link_loss_ends_every_subscriber_of_the_port_and_their_sessions() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    for n in 0..3 {
        lab.add(&format!("user{n}@isp.example"));
    }
    lab.settle();
    assert_eq!(lab.lns_sessions().len(), 3);
    let now = lab.now;
    lab.lac.port_link(now, PORT, false);
    lab.settle();
    assert!(lab.lac.subscribers().table.is_empty());
    assert!(lab.lns_sessions().is_empty(), "CDNs reached the LNS");
    let ends = &lab.lac.subscribers().table.ends;
    assert_eq!(ends.values().sum::<u64>(), 3, "{ends:?}");
}

#[test]
fn clear_pppoe_sessions_sends_padt_and_cdn() {
    use super::rpc::L2tpRpc;
    use super::subscriber_rpc::SubscriberRpc;
    use schema::subscriber_rpc::PppoeSelect;

    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("erin@isp.example");
    lab.settle();
    let (reply, answer) = std::sync::mpsc::channel();
    let now = lab.now;
    lab.lac.l2tp_rpc(
        now,
        L2tpRpc::Subscriber(SubscriberRpc::ClearPppoeSessions(PppoeSelect::default())),
        reply,
    );
    let cleared = answer.try_recv().expect("answered at once");
    assert!(
        matches!(&cleared, Ok(schema::mgmt::Reply::PppoeCleared(c)) if c.sessions.len() == 1),
        "{cleared:?}"
    );
    lab.settle();
    assert!(lab.subs[i].ended, "the client got its PADT");
    assert!(lab.lns_sessions().is_empty(), "the LNS got its CDN");
}

/// Runs an operator's clear on `core` to its end.
fn clear(core: &mut Core, now: Instant, level: ClearLevel) {
    let (reply, answer) = std::sync::mpsc::channel();
    let clear = L2tpClear {
        statistics: false,
        target: ClearTarget::All,
        confirmed: true,
    };
    core.l2tp_rpc(now, L2tpRpc::Clear { level, clear }, reply);
    for _ in 0..100 {
        if !core.clearing() {
            break;
        }
        core.continue_clears(now);
    }
    assert!(answer.try_recv().is_ok(), "the clear answered");
}

#[test]
fn established_frames_cross_the_fast_path_both_ways_and_the_counters_add_up() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("erin@isp.example");
    lab.settle();
    assert_eq!(
        lab.relayed(),
        1,
        "the Active subscriber is in the relay table"
    );
    let (up_before, down_before) = (lab.fast_up, lab.fast_down);
    for n in 0..20u8 {
        let request = echo::build(false, n, 0x1000, b"fast path", true);
        let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
        let now = lab.now;
        lab.fast_up += port_receive(now, &mut lab.lac, &mut lab.lns, &frame);
        lab.settle();
    }
    assert_eq!(lab.subs[i].echo_replies.len(), 20, "every echo came back");
    assert_eq!(
        lab.fast_up - up_before,
        20,
        "every request took the fast path up"
    );
    assert_eq!(
        lab.fast_down - down_before,
        20,
        "every reply took the fast path down"
    );

    // What the LAC shows includes the fast path, and matches what the LNS saw (the LNS has
    // no fast path: its counts are the session's own).
    let (tx_packets, tx_bytes, rx_packets, rx_bytes) = lab.lac_data_counters();
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    let (lns_tx_packets, lns_tx_bytes, lns_rx_packets, lns_rx_bytes) =
        data_counters(&lab.lns, lab.now, &show);
    assert!(
        tx_packets >= 20 && rx_packets >= 20,
        "{tx_packets} {rx_packets}"
    );
    assert_eq!((tx_packets, tx_bytes), (lns_rx_packets, lns_rx_bytes));
    assert_eq!((rx_packets, rx_bytes), (lns_tx_packets, lns_tx_bytes));
    let subscriber = lab.lac.subscribers().table.iter().next().expect("one");
    assert_eq!(
        (subscriber.frames_up, subscriber.bytes_up),
        (tx_packets, tx_bytes)
    );
    assert_eq!(
        (subscriber.frames_down, subscriber.bytes_down),
        (rx_packets, rx_bytes)
    );
    // Folding twice adds nothing: the numbers never run ahead of what crossed.
    assert_eq!(
        lab.lac_data_counters(),
        (tx_packets, tx_bytes, rx_packets, rx_bytes)
    );
}

#[test]
fn every_end_takes_the_subscriber_off_the_fast_path() {
    type End = fn(&mut Lab, usize);
    let ends: [(&str, End); 6] = [
        ("PADT from the subscriber", |lab, i| {
            lab.subs[i].pppoe.terminate()
        }),
        ("CDN from the LNS", |lab, _| lab.lns_sends_cdn()),
        ("StopCCN from the LNS", |lab, _| {
            clear(&mut lab.lns, lab.now, ClearLevel::Tunnel)
        }),
        ("clear services l2tp session at the LAC", |lab, _| {
            clear(&mut lab.lac, lab.now, ClearLevel::Session)
        }),
        ("link loss on the port", |lab, _| {
            lab.lac.port_link(lab.now, PORT, false)
        }),
        ("shutdown", |lab, _| lab.lac.shutdown(lab.now)),
    ];
    for (how, end) in ends {
        let mut lab = Lab::new(lac_config(""), lns_config());
        let i = lab.add("frank@isp.example");
        lab.settle();
        assert_eq!(lab.relayed(), 1, "{how}: relayed once Active");
        let request = echo::build(false, 1, 0x1000, b"last words", true);
        let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
        let now = lab.now;
        assert_eq!(port_receive(now, &mut lab.lac, &mut lab.lns, &frame), 1);
        end(&mut lab, i);
        lab.settle();
        assert_eq!(lab.relayed(), 0, "{how}: the entry is gone");
        assert!(lab.lac.subscribers().table.is_empty(), "{how}");
        // A frame of the ended session is no longer relayed.
        assert_eq!(
            port_receive(lab.now, &mut lab.lac, &mut lab.lns, &frame),
            0,
            "{how}"
        );
    }
}

#[test]
fn a_session_the_lns_starts_sequencing_leaves_the_fast_path() {
    let mut lab = Lab::new(lac_config(""), lns_config());
    let i = lab.add("heidi@isp.example");
    lab.settle();
    assert_eq!(lab.relayed(), 1);
    let show = L2tpShow {
        level: Level::Extensive,
        ..L2tpShow::default()
    };
    let sessions = lab
        .lac
        .registry()
        .sessions(lab.now, &show)
        .expect("sessions")
        .sessions;
    let [session] = sessions.as_slice() else {
        panic!("one session: {sessions:?}");
    };
    // RFC 2661 §5.4: the LNS may begin sequencing mid-session; the LAC follows its S bit,
    // and sequenced data is the session's to number and check, never the table's.
    let reply = echo::build(true, 1, 0x2000, b"now sequenced", true);
    let sequenced = DataMessage {
        header: DataHeader {
            tunnel_id: session.tunnel_local_id,
            session_id: session.session_local_id,
            with_length: true,
            sequence: Some(Sequence { ns: 0, nr: 0 }),
            ..DataHeader::default()
        },
        payload: &reply,
    }
    .to_bytes()
    .expect("a data message");
    let relay = lab.lac.relay();
    let mut frame = Vec::new();
    let lns = SocketAddr::new(LNS.parse().expect("an address"), 1701);
    assert!(
        relay
            .lock()
            .relay_down(lns, &sequenced, &mut frame)
            .is_none(),
        "a sequenced data message takes the slow path"
    );
    let now = lab.now;
    lab.lac
        .handle_datagram(now, LAC.parse().expect("an address"), lns, &sequenced);
    lab.settle();
    assert_eq!(
        lab.subs[i].echo_replies.len(),
        1,
        "the frame reached the subscriber"
    );
    assert_eq!(lab.relayed(), 0, "the session left the fast path");
    let request = echo::build(false, 2, 0x1000, b"numbered now", true);
    let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
    assert_eq!(port_receive(now, &mut lab.lac, &mut lab.lns, &frame), 0);
    lab.settle();
    assert_eq!(
        lab.subs[i].echo_replies.len(),
        2,
        "relayed on the slow path, both ways"
    );
}
