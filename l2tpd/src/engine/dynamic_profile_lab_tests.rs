//! Dynamic profiles end to end in simulated time (see `sim_lab`): the LAC's PPPoE unit and
//! the LNS's tunnel group name a profile; each subscriber's PPP takes the profile's values
//! and `show subscribers detail` names the profile.

use std::time::Duration;

use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::SubscriberShow;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::subscriber::table::Phase;

/// The LAC offers PAP only, as its profile's `ppp-options` say (its default is CHAP first).
fn lac_profile() -> String {
    format!(
        "set interfaces {PORT} unit 0 family pppoe dynamic-profile PPPOE\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" ppp-options pap\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" pppoe-options underlying-interface \"$junos-underlying-interface\"\n\
         set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\" pppoe-options server\n"
    )
}

/// The LNS's profile places its subscribers in vr1 and sends keepalives every 7 s.
const LNS_PROFILE: &str = "set services l2tp tunnel-group g dynamic-profile LNS-PROFILE\n\
     set routing-instances vr1 instance-type virtual-router\n\
     set dynamic-profiles LNS-PROFILE variables vr default-value vr1\n\
     set dynamic-profiles LNS-PROFILE routing-instances \"$vr\" interface \"$junos-interface-name\"\n\
     set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" keepalives interval 7\n\
     set dynamic-profiles LNS-PROFILE interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family inet unnumbered-address \"$junos-loopback-interface\"\n";

fn detail() -> SubscriberShow {
    SubscriberShow {
        level: Level::Detail,
        ..SubscriberShow::default()
    }
}

fn bring_up(lab: &mut Lab, user: &str) {
    lab.add_ip(user, "pw");
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

#[test]
fn subscribers_come_up_from_their_profiles_and_show_them() {
    let mut lab = Lab::new(
        lac_config(&lac_profile()),
        config(&format!("{LNS_BASE}{LNS_PROFILE}")),
    );
    bring_up(&mut lab, "alice@isp.example");

    // The LAC: PAP, because the profile offered only PAP.
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("one subscriber at the LAC");
    assert_eq!(subscriber.phase, Phase::Active);
    assert_eq!(subscriber.authentication, Some("pap"));
    let rows = lac
        .show_subscribers(lab.lac.registry(), &detail())
        .expect("rows");
    assert_eq!(
        rows.subscribers[0].dynamic_profile.as_deref(),
        Some("PPPOE")
    );
    assert!(rows.subscribers[0].interface.starts_with("pp0."));

    // The LNS: in vr1 (the profile's user variable), keepalives every 7 s.
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(subscriber.routing_instance.as_deref(), Some("vr1"));
    let next = subscriber
        .link
        .as_ref()
        .and_then(|l| l.poll_timeout())
        .expect("the keepalive timer");
    assert!(next <= lab.now + Duration::from_secs(7), "{next:?}");
    let rows = lns
        .show_subscribers(lab.lns.registry(), &detail())
        .expect("rows");
    let row = &rows.subscribers[0];
    assert_eq!(row.dynamic_profile.as_deref(), Some("LNS-PROFILE"));
    assert_eq!(row.routing_instance, "vr1");
    assert!(row.interface.starts_with("si-0/0/0."), "{}", row.interface);
}

#[test]
fn without_a_profile_the_defaults_stand() {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    bring_up(&mut lab, "bob@isp.example");
    let lac = lab.lac.subscribers();
    let subscriber = lac.table.iter().next().expect("one subscriber at the LAC");
    assert_eq!(subscriber.authentication, Some("chap"));
    assert_eq!(subscriber.dynamic_profile, None);
    let lns = lab.lns.subscribers();
    let subscriber = lns.table.iter().next().expect("one subscriber at the LNS");
    assert_eq!(subscriber.routing_instance, None);
    let next = subscriber
        .link
        .as_ref()
        .and_then(|l| l.poll_timeout())
        .expect("the keepalive timer");
    assert!(next > lab.now + Duration::from_secs(7), "{next:?}");
}
