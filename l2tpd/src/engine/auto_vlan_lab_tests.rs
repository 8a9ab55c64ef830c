//! Auto-sensed VLANs end to end in simulated time (see `sim_lab`): a PADI on a VLAN no unit
//! selects, inside an `auto-configure` range, creates a dynamic VLAN unit from the range's
//! profile; the subscriber comes up on it with the profile's `family pppoe` (its PPPoE
//! profile), and with `remove-when-no-subscribers` the unit goes when the subscriber leaves.

use std::time::Duration;

use schema::interface_rpc::{InterfaceLevel, InterfaceShow};
use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::{AccessType, SubscriberShow};

use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::pppoe::wire::VlanTag;
use crate::subscriber::table::{AccessLeg, Phase};

/// The PPPoE subscriber's own profile offers PAP only (the LAC's default is CHAP first), so
/// a subscriber authenticating with PAP shows that the VLAN's `family pppoe` chose it.
fn vlan_profiles(ranges: &str, extra: &str) -> String {
    let unit = "set dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    let sunit = "set dynamic-profiles SVLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    let pp0 = "set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\"";
    format!(
        "set interfaces {PORT} flexible-vlan-tagging\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF accept pppoe\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF ranges {ranges}\n\
         set interfaces {PORT} auto-configure stacked-vlan-ranges dynamic-profile SVLAN-PROF accept pppoe\n\
         set interfaces {PORT} auto-configure stacked-vlan-ranges dynamic-profile SVLAN-PROF ranges 1000-1100,any\n\
         {unit} vlan-id \"$junos-vlan-id\"\n\
         {unit} family pppoe dynamic-profile PPPOE\n\
         {sunit} vlan-tags outer \"$junos-stacked-vlan-id\" inner \"$junos-vlan-id\"\n\
         {sunit} family pppoe dynamic-profile PPPOE\n\
         {pp0} ppp-options pap\n\
         {pp0} pppoe-options underlying-interface \"$junos-underlying-interface\"\n\
         {pp0} pppoe-options server\n{extra}"
    )
}

fn lab(extra: &str) -> Lab {
    let lac = lac_config(&vlan_profiles("100-199", extra));
    let tree = schema::parse::apply_set_lines(
        &schema::tree::Node::default(),
        &vlan_profiles("100-199", extra),
    )
    .expect("parses");
    assert_eq!(
        schema::validate::check(&tree).map(|_| ()),
        Ok(()),
        "the lab's configuration commits"
    );
    Lab::new(lac, config(LNS_BASE))
}

fn bring_up(lab: &mut Lab) {
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

fn show(level: Level) -> SubscriberShow {
    SubscriberShow {
        level,
        ..SubscriberShow::default()
    }
}

#[test]
fn a_padi_in_a_range_creates_the_vlan_and_the_subscriber_comes_up_on_it() {
    let mut lab = lab("set interfaces veth-sub auto-configure remove-when-no-subscribers\n");
    lab.add_tagged("alice@isp.example", vec![VlanTag::dot1q(150)]);
    bring_up(&mut lab);

    let lac = lab.lac.subscribers();
    let vlans = lac.access.auto_vlans();
    assert_eq!(vlans.len(), 1, "{vlans:?}");
    assert_eq!(vlans[0].name, format!("{PORT}.1073741824"));
    assert_eq!(vlans[0].vlans, [150]);
    assert_eq!(vlans[0].profile, "VLAN-PROF");
    assert_eq!(vlans[0].sessions, 1);

    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
    // The VLAN's family pppoe named PPPOE, which offers PAP only.
    assert_eq!(subscriber.authentication, Some("pap"));
    assert_eq!(subscriber.dynamic_profile.as_deref(), Some("PPPOE"));
    let AccessLeg::Pppoe {
        underlying, vlans, ..
    } = &subscriber.access
    else {
        panic!("a PPPoE subscriber");
    };
    assert_eq!(underlying, &format!("{PORT}.1073741824"));
    assert_eq!(vlans, &[150]);

    // `show subscribers`: the VLAN, then the PPPoE subscriber on pp0 above it.
    let rows = lac
        .show_subscribers(lab.lac.registry(), &show(Level::Detail))
        .expect("rows");
    let kinds: Vec<(AccessType, &str)> = rows
        .subscribers
        .iter()
        .map(|r| (r.access_type, r.interface.as_str()))
        .collect();
    assert_eq!(kinds[0], (AccessType::Vlan, "veth-sub.1073741824"));
    assert_eq!(kinds[1].0, AccessType::Pppoe);
    assert!(kinds[1].1.starts_with("pp0."), "{kinds:?}");
    assert_eq!(
        rows.subscribers[0].dynamic_profile.as_deref(),
        Some("VLAN-PROF")
    );
    assert_eq!(rows.subscribers[0].vlan_id, Some(150));
    assert_eq!(
        rows.subscribers[1].underlying_interface.as_deref(),
        Some("veth-sub.1073741824")
    );

    // `show interfaces` of the VLAN's unit: its tag and profiles, one PPPoE session.
    let cfg = lac_config(&vlan_profiles("100-199", ""));
    let shown = lac
        .show_interfaces(
            lab.now,
            lab.lac.registry(),
            &cfg,
            &InterfaceShow {
                name: Some("veth-sub.1073741824".into()),
                level: InterfaceLevel::Detail,
            },
        )
        .expect("the VLAN's unit");
    let vlan = shown.logical[0].vlan.as_ref().expect("a VLAN unit");
    assert_eq!(vlan.vlan_ids, [150]);
    assert_eq!(vlan.dynamic_profile, "VLAN-PROF");
    assert_eq!(vlan.pppoe_dynamic_profile.as_deref(), Some("PPPOE"));
    assert_eq!(vlan.pppoe_sessions, 1);

    // The client leaves: the VLAN has no subscriber and goes.
    lab.subs[0].pppoe.terminate();
    lab.settle();
    let lac = lab.lac.subscribers();
    assert!(lac.table.iter().next().is_none());
    assert!(lac.access.auto_vlans().is_empty());
    let rows = lac
        .show_subscribers(lab.lac.registry(), &show(Level::Brief))
        .expect("rows");
    assert!(rows.subscribers.is_empty(), "{:?}", rows.subscribers);
}

#[test]
fn without_remove_when_no_subscribers_the_vlan_stays() {
    let mut lab = lab("");
    lab.add_tagged("bob@isp.example", vec![VlanTag::dot1q(100)]);
    bring_up(&mut lab);
    assert_eq!(lab.lac.subscribers().access.auto_vlans().len(), 1);
    lab.subs[0].pppoe.terminate();
    lab.settle();
    lab.advance(Duration::from_secs(600));
    let vlans = lab.lac.subscribers().access.auto_vlans();
    assert_eq!(vlans.len(), 1);
    assert_eq!(vlans[0].sessions, 0);
}

#[test]
fn a_vlan_in_no_range_is_dropped_and_counted() {
    let mut lab = lab("");
    lab.add_tagged("carol@isp.example", vec![VlanTag::dot1q(200)]);
    lab.settle();
    let lac = lab.lac.subscribers();
    assert!(lac.access.auto_vlans().is_empty());
    assert!(lac.table.iter().next().is_none());
    assert!(lac.no_unit_frames >= 1, "{}", lac.no_unit_frames);
}

#[test]
fn a_stacked_range_creates_a_qinq_vlan() {
    let mut lab = lab("");
    lab.add_tagged(
        "dave@isp.example",
        vec![VlanTag::dot1ad(1050), VlanTag::dot1q(7)],
    );
    bring_up(&mut lab);
    let lac = lab.lac.subscribers();
    let vlans = lac.access.auto_vlans();
    assert_eq!(vlans.len(), 1, "{vlans:?}");
    assert_eq!(vlans[0].vlans, [1050, 7]);
    assert_eq!(vlans[0].profile, "SVLAN-PROF");
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
    let rows = lac
        .show_subscribers(lab.lac.registry(), &show(Level::Brief))
        .expect("rows");
    assert_eq!(rows.subscribers[0].stacked_vlan_id, Some(1050));
    assert_eq!(rows.subscribers[0].vlan_id, Some(7));
}

#[test]
fn two_subscribers_share_their_vlan_which_goes_with_the_last() {
    let mut lab = lab("set interfaces veth-sub auto-configure remove-when-no-subscribers\n");
    lab.add_tagged("erin@isp.example", vec![VlanTag::dot1q(120)]);
    lab.add_tagged("frank@isp.example", vec![VlanTag::dot1q(120)]);
    bring_up(&mut lab);
    let vlans = lab.lac.subscribers().access.auto_vlans();
    assert_eq!(vlans.len(), 1, "{vlans:?}");
    assert_eq!(vlans[0].sessions, 2);
    lab.subs[0].pppoe.terminate();
    lab.settle();
    assert_eq!(lab.lac.subscribers().access.auto_vlans()[0].sessions, 1);
    lab.subs[1].pppoe.terminate();
    lab.settle();
    assert!(lab.lac.subscribers().access.auto_vlans().is_empty());
}
