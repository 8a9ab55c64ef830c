//! Static LNS units end to end in simulated time (see `sim_lab`): the LAC's client at the
//! LNS names an `l2tp interface-id`; its sessions take the `si-` units of that identifier,
//! one per `dedicated` unit, many on a `shared` one. The unit is reserved at the ICRQ, so a
//! call with no unit left is refused there, by a CDN with result code 4 instead of an ICRP.

use std::time::Duration;

use schema::l2tp_rpc::{DisconnectSource, Level};
use schema::subscriber_rpc::SubscriberShow;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE};
use crate::l2tp::wire::MessageType;
use crate::subscriber::decision::Refusal;

fn lns(units: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "{LNS_BASE}set access profile ap client lac-s l2tp interface-id lac-ifs\n{units}"
    ))
}

const ONE_DEDICATED: &str =
    "set interfaces si-0/0/0 unit 5 dial-options l2tp-interface-id lac-ifs\n\
     set interfaces si-0/0/0 unit 5 dial-options dedicated\n";

const ONE_SHARED: &str = "set interfaces si-0/0/0 unit 9 dial-options l2tp-interface-id lac-ifs\n\
     set interfaces si-0/0/0 unit 9 dial-options shared\n";

fn interfaces(lab: &Lab) -> Vec<String> {
    let lns = lab.lns.subscribers();
    let rows = lns
        .show_subscribers(
            lab.lns.registry(),
            &SubscriberShow {
                level: Level::Brief,
                ..SubscriberShow::default()
            },
        )
        .expect("rows");
    rows.subscribers.into_iter().map(|s| s.interface).collect()
}

#[test]
fn a_dedicated_unit_takes_one_session_and_refuses_the_next_with_result_4() {
    let mut lab = Lab::new(lac_config(""), lns(ONE_DEDICATED));
    let first = lab.connect("kim@isp.example");
    assert!(lab.ip_up(first));
    // `show subscribers` names the static unit the session took, and so does `show
    // services l2tp session`.
    assert_eq!(interfaces(&lab), vec!["si-0/0/0.5".to_string()]);
    let mut sessions = lab.lns_sessions();
    lab.lns
        .subscribers()
        .name_static_units(&mut sessions, lab.lns.registry());
    let names: Vec<&str> = sessions.iter().map(|s| s.interface_name.as_str()).collect();
    assert_eq!(names, ["si-0/0/0.5"]);
    // `show services l2tp session interface si-0/0/0.5` finds it by that name.
    assert_eq!(
        sessions_on(&mut lab, "si-0/0/0.5"),
        Ok(vec!["si-0/0/0.5".to_string()])
    );
    assert!(sessions_on(&mut lab, "si-0/0/0.6").is_err());

    lab.lns_sent.clear();
    let second = lab.connect("lee@isp.example");
    assert!(!lab.ip_up(second), "{:?}", lab.subs[second].events);
    // Refused at its ICRQ: a CDN answers it, never an ICRP.
    assert_eq!(sent(&lab, MessageType::ICRP), 0, "{:?}", lab.lns_sent);
    assert_eq!(sent(&lab, MessageType::CDN), 1, "{:?}", lab.lns_sent);
    let lns = lab.lns.subscribers();
    assert_eq!(lns.table.len(), 1);
    assert_eq!(
        lns.table.refusals.get(&Refusal::NoStaticInterface),
        Some(&1)
    );
    assert_lac_told_result_4(&lab);

    // The first leaves: its unit is free for the next.
    lab.subs[first].pppoe.terminate();
    lab.settle();
    lab.advance(Duration::from_secs(5));
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    let third = lab.connect("max@isp.example");
    assert!(lab.ip_up(third));
    assert_eq!(interfaces(&lab), vec!["si-0/0/0.5".to_string()]);
}

/// The LAC got a CDN with result code 4, lack of facilities (temporary).
fn assert_lac_told_result_4(lab: &Lab) {
    let causes = lab.lac.registry().disconnect_causes().sessions;
    assert!(
        causes
            .iter()
            .any(|c| c.source == DisconnectSource::Remote && c.result_code == Some(4)),
        "{causes:?}"
    );
}

/// How many control messages of type `kind` the LNS has sent.
fn sent(lab: &Lab, kind: MessageType) -> usize {
    lab.lns_sent.iter().filter(|k| **k == kind).count()
}

/// Two ICRQs for the last dedicated unit arrive before either call is up: the first takes
/// the unit at its ICRQ, the second is refused there and then.
#[test]
fn two_icrqs_racing_for_the_last_dedicated_unit_cannot_both_have_it() {
    let mut lab = Lab::new(lac_config(""), lns(ONE_DEDICATED));
    let first = lab.add_ip("kim@isp.example", "pw");
    let second = lab.add_ip("lee@isp.example", "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
    assert_eq!(sent(&lab, MessageType::ICRP), 1, "{:?}", lab.lns_sent);
    assert_eq!(sent(&lab, MessageType::CDN), 1, "{:?}", lab.lns_sent);
    assert_eq!(
        [lab.ip_up(first), lab.ip_up(second)]
            .iter()
            .filter(|up| **up)
            .count(),
        1
    );
    assert_eq!(interfaces(&lab), vec!["si-0/0/0.5".to_string()]);
    assert_eq!(lab.lns.registry().static_unit_sessions("si-0/0/0", 5), 1);
    assert_lac_told_result_4(&lab);
}

/// A lab whose only call was accepted (ICRP) and holds the dedicated unit, but never comes
/// up: the LAC's ICCN is lost on the way, and so are the LAC's ICCNs until told otherwise.
fn a_call_held_before_its_iccn() -> Lab {
    let mut lab = Lab::new(lac_config(""), lns(ONE_DEDICATED));
    lab.lost_to_lns = Some(MessageType::ICCN);
    let first = lab.connect("kim@isp.example");
    assert!(!lab.ip_up(first));
    assert_eq!(sent(&lab, MessageType::ICRP), 1, "{:?}", lab.lns_sent);
    assert_eq!(
        lab.lns.subscribers().table.len(),
        0,
        "not up: no subscriber"
    );
    assert_eq!(lab.lns.registry().static_unit_sessions("si-0/0/0", 5), 1);
    lab
}

/// A call that ends before it is up gives its reserved unit back: the LAC's ICCN is lost,
/// the LNS ends the waiting call, and the next subscriber has the unit.
#[test]
fn a_unit_reserved_at_the_icrq_comes_back_when_the_call_never_comes_up() {
    let mut lab = a_call_held_before_its_iccn();

    lab.lns_sends_cdn();
    assert_eq!(lab.lns.registry().static_unit_sessions("si-0/0/0", 5), 0);
    lab.lost_to_lns = None;
    lab.advance(Duration::from_secs(2));
    let next = lab.connect("max@isp.example");
    assert!(lab.ip_up(next), "{:?}", lab.subs[next].events);
    assert_eq!(interfaces(&lab), vec!["si-0/0/0.5".to_string()]);
}

/// The same when nobody ends the call: its setup times out at the LNS (or the LAC gives the
/// tunnel up first), and the unit is not left held.
#[test]
fn a_unit_reserved_at_the_icrq_comes_back_when_the_call_setup_times_out() {
    let mut lab = a_call_held_before_its_iccn();
    for _ in 0..70 {
        lab.advance(Duration::from_secs(1));
    }
    assert!(lab.lns_sessions().is_empty(), "{:?}", lab.lns_sessions());
    assert_eq!(lab.lns.registry().static_unit_sessions("si-0/0/0", 5), 0);
}

#[test]
fn a_shared_unit_takes_many_sessions() {
    let mut lab = Lab::new(lac_config(""), lns(ONE_SHARED));
    for user in ["ned@isp.example", "ola@isp.example", "pia@isp.example"] {
        let i = lab.connect(user);
        assert!(lab.ip_up(i), "{user}");
    }
    assert_eq!(interfaces(&lab), vec!["si-0/0/0.9".to_string(); 3]);
}

#[test]
fn without_an_interface_id_sessions_take_dynamic_units() {
    let mut lab = Lab::new(
        lac_config(""),
        config(&format!("{LNS_BASE}{ONE_DEDICATED}")),
    );
    for user in ["quy@isp.example", "ray@isp.example"] {
        let i = lab.connect(user);
        assert!(lab.ip_up(i), "{user}");
    }
    let names = interfaces(&lab);
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| n != "si-0/0/0.5"), "{names:?}");
}

/// The LNS's answer to `show services l2tp session interface NAME`: its rows' interface
/// names, or the error it gives.
fn sessions_on(lab: &mut Lab, name: &str) -> Result<Vec<String>, String> {
    let show = schema::l2tp_rpc::L2tpShow {
        filter: schema::l2tp_rpc::L2tpFilter {
            interface: Some(name.to_string()),
            ..Default::default()
        },
        ..Default::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let now = lab.now;
    lab.lns
        .l2tp_rpc(now, super::rpc::L2tpRpc::Sessions(show), tx);
    match rx.try_recv().expect("answered at once") {
        Ok(schema::mgmt::Reply::L2tpSessions(s)) => {
            Ok(s.sessions.into_iter().map(|s| s.interface_name).collect())
        }
        Ok(other) => Err(format!("{other:?}")),
        Err(e) => Err(format!("{e:?}")),
    }
}

/// `clear services l2tp session interface si-0/0/0.5` ends the session on that static unit.
#[test]
fn a_clear_naming_the_static_unit_ends_its_session() {
    let mut lab = Lab::new(lac_config(""), lns(ONE_DEDICATED));
    let first = lab.connect("kim@isp.example");
    assert!(lab.ip_up(first));
    let clear = |name: &str| super::rpc::L2tpRpc::Clear {
        level: schema::l2tp_rpc::ClearLevel::Session,
        clear: schema::l2tp_rpc::L2tpClear {
            statistics: false,
            target: schema::l2tp_rpc::ClearTarget::Interface(name.into()),
            confirmed: true,
        },
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let now = lab.now;
    lab.lns.l2tp_rpc(now, clear("si-0/0/0.6"), tx.clone());
    lab.lns.l2tp_rpc(now, clear("si-0/0/0.5"), tx);
    for _ in 0..100 {
        if !lab.lns.clearing() {
            break;
        }
        lab.lns.continue_clears(now);
    }
    lab.advance(std::time::Duration::from_secs(2));
    assert!(matches!(rx.try_recv(), Ok(Err(_))), "no session on unit 6");
    let second = rx.try_recv();
    assert!(
        matches!(second, Ok(Ok(_))),
        "the clear found unit 5 session: {second:?}"
    );
    assert!(lab.lns_sessions().is_empty(), "the session was cleared");
}

/// Juniper's dynamic LNS example: the LAC client's `interface-id` is the one the tunnel
/// group's dynamic profile's `dial-options` carry, and no static unit does: every session
/// comes up on a dynamic unit of that profile.
#[test]
fn an_interface_id_of_the_groups_dynamic_profile_gives_dynamic_units() {
    let profile = "set dynamic-profiles lns interfaces \"$junos-interface-ifd-name\" \
         unit \"$junos-interface-unit\" dial-options l2tp-interface-id lac-ifs\n\
         set dynamic-profiles lns interfaces \"$junos-interface-ifd-name\" \
         unit \"$junos-interface-unit\" dial-options dedicated\n\
         set services l2tp tunnel-group g dynamic-profile lns\n";
    let mut lab = Lab::new(lac_config(""), lns(profile));
    let first = lab.connect("kim@isp.example");
    let second = lab.connect("lee@isp.example");
    assert!(lab.ip_up(first) && lab.ip_up(second));
    let names = interfaces(&lab);
    assert_eq!(names.len(), 2);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("si-0/0/0.") && n != "si-0/0/0.5"),
        "{names:?}"
    );
    assert_eq!(
        lab.lns
            .subscribers()
            .table
            .refusals
            .get(&Refusal::NoStaticInterface),
        None
    );
}
