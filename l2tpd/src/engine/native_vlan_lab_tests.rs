//! `native-vlan-id` end to end in simulated time (see `sim_lab`): on a VLAN-tagged port,
//! untagged PPPoE subscribers are taken by the unit whose `vlan-id` is the native one, beside
//! the subscribers that tag their frames with it; the untagged ones are answered untagged.

use std::time::Duration;

use super::sim_lab::{config, Lab, LAC, LNS, LNS_BASE, PORT};
use crate::pppoe::wire::VlanTag;
use crate::subscriber::table::AccessLeg;

fn lac(native: &str) -> schema::typed::RouterConfig {
    config(&format!(
        "set system host-name lac-s\n\
         set interfaces {PORT} vlan-tagging\n{native}\
         set interfaces {PORT} unit 100 vlan-id 100\n\
         set interfaces {PORT} unit 100 family pppoe access-concentrator lac-s\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set access domain map isp.example tunnel-profile tp\n"
    ))
}

fn settle(lab: &mut Lab) {
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

/// Each LAC subscriber's unit and VLAN tags, in subscriber order.
fn legs(lab: &Lab) -> Vec<(String, Vec<u16>)> {
    let mut rows: Vec<_> = lab.lac.subscribers().table.iter().collect();
    rows.sort_by_key(|s| s.id);
    rows.into_iter()
        .filter_map(|s| match &s.access {
            AccessLeg::Pppoe {
                underlying, vlans, ..
            } => Some((underlying.clone(), vlans.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn untagged_subscribers_reach_the_native_vlans_unit_and_stay_untagged() {
    let mut lab = Lab::new(
        lac(&format!("set interfaces {PORT} native-vlan-id 100\n")),
        config(LNS_BASE),
    );
    let untagged = lab.add_ip("kim@isp.example", "pw");
    let tagged = lab.add_tagged("lee@isp.example", vec![VlanTag::dot1q(100)]);
    settle(&mut lab);
    assert!(lab.ip_up(untagged), "{:?}", lab.subs[untagged].events);
    assert!(lab.ip_up(tagged), "{:?}", lab.subs[tagged].events);
    let unit = format!("{PORT}.100");
    assert_eq!(
        legs(&lab),
        [(unit.clone(), vec![]), (unit, vec![100])],
        "one unit, each subscriber answered as it sent"
    );
}

#[test]
fn without_native_vlan_id_untagged_frames_find_no_unit() {
    let mut lab = Lab::new(lac(""), config(LNS_BASE));
    let untagged = lab.add_ip("kim@isp.example", "pw");
    settle(&mut lab);
    assert!(!lab.ip_up(untagged));
    assert!(legs(&lab).is_empty());
}
