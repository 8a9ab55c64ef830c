//! Auto-sensed VLANs end to end in simulated time (see `sim_lab`): a PADI on a VLAN no unit
//! selects, inside an `auto-configure` range, creates a dynamic VLAN unit from the range's
//! profile; the subscriber comes up on it with the profile's `family pppoe` (its PPPoE
//! profile), and with `remove-when-no-subscribers` the unit goes when the subscriber leaves.

use std::time::Duration;

use schema::interface_rpc::{InterfaceLevel, InterfaceShow, Interfaces};
use schema::l2tp_rpc::Level;
use schema::subscriber_rpc::{AccessType, SubscriberShow};

use super::sim_lab::{config, lac_config, port_receive, Lab, LNS_BASE, PORT};
use crate::pppoe::wire::{VlanTag, TPID_QINQ_9100};
use crate::subscriber::echo;
use crate::subscriber::table::{AccessLeg, Phase};

/// The PPPoE subscriber's own profile offers PAP only (the LAC's default is CHAP first), so
/// a subscriber authenticating with PAP shows that the VLAN's `family pppoe` chose it.
pub(super) fn vlan_profiles(ranges: &str, extra: &str) -> String {
    vlan_profiles_accepting("pppoe", ranges, extra)
}

/// As [`vlan_profiles`], the single-tag range accepting `accept` (`any`, `[ pppoe inet ]`).
fn vlan_profiles_accepting(accept: &str, ranges: &str, extra: &str) -> String {
    let unit = "set dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    let sunit = "set dynamic-profiles SVLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\"";
    let pp0 = "set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\"";
    format!(
        "set interfaces {PORT} flexible-vlan-tagging\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile VLAN-PROF accept {accept}\n\
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
    lab_accepting("pppoe", extra)
}

fn lab_accepting(accept: &str, extra: &str) -> Lab {
    checked_lab(&vlan_profiles_accepting(accept, "100-199", extra))
}

/// The lab with these LAC lines, which must pass the commit checks (a lab the router
/// would refuse proves nothing).
pub(super) fn checked_lab(lac_lines: &str) -> Lab {
    let tree =
        schema::parse::apply_set_lines(&schema::tree::Node::default(), lac_lines).expect("parses");
    assert_eq!(
        schema::validate::check(&tree).map(|_| ()),
        Ok(()),
        "the lab's configuration commits"
    );
    Lab::new(lac_config(lac_lines), config(LNS_BASE))
}

fn bring_up(lab: &mut Lab) {
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_millis(100));
    }
}

/// `show interfaces NAME detail` at the LAC.
fn show_interface(lab: &Lab, name: &str) -> Interfaces {
    let cfg = lac_config(&vlan_profiles("100-199", ""));
    let show = InterfaceShow {
        name: Some(name.into()),
        level: InterfaceLevel::Detail,
    };
    lab.lac
        .subscribers()
        .show_interfaces(lab.now, lab.lac.registry(), &cfg, &show)
        .expect("shown")
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
    let shown = show_interface(&lab, "veth-sub.1073741824");
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
    let no_unit = lac
        .access
        .counters()
        .remove(PORT)
        .unwrap_or_default()
        .no_unit;
    assert!(no_unit >= 1, "{no_unit}");
}

/// A stacked range takes 802.1ad (0x88a8 outer), Q-in-Q with 0x8100 on both tags (what
/// many access switches send) and a 0x9100 outer tag; the VLAN and its subscriber show the
/// TPIDs they came under.
#[test]
fn a_stacked_range_creates_a_qinq_vlan() {
    for (outer, tpids) in [
        (VlanTag::dot1ad(1050), [0x88a8, 0x8100]),
        (VlanTag::dot1q(1050), [0x8100, 0x8100]),
        // Pre-standard QinQ switches' service tag.
        (
            VlanTag {
                tpid: TPID_QINQ_9100,
                tci: 1050,
            },
            [0x9100, 0x8100],
        ),
    ] {
        let mut lab = lab("");
        lab.add_tagged("dave@isp.example", vec![outer, VlanTag::dot1q(7)]);
        bring_up(&mut lab);
        let lac = lab.lac.subscribers();
        let vlans = lac.access.auto_vlans();
        assert_eq!(vlans.len(), 1, "{vlans:?}");
        assert_eq!(vlans[0].vlans, [1050, 7]);
        assert_eq!(vlans[0].tpids, tpids);
        assert_eq!(vlans[0].profile, "SVLAN-PROF");
        let subscriber = lac.table.iter().next().expect("the subscriber");
        assert_eq!(subscriber.phase, Phase::Active);
        let rows = lac
            .show_subscribers(lab.lac.registry(), &show(Level::Brief))
            .expect("rows");
        let vlan = &rows.subscribers[0];
        assert_eq!(vlan.stacked_vlan_id, Some(1050));
        assert_eq!(vlan.vlan_id, Some(7));
        assert_eq!(vlan.stacked_vlan_tpid, Some(tpids[0]));
        assert_eq!(vlan.vlan_tpid, Some(tpids[1]));
        let shown = show_interface(&lab, &vlans[0].name);
        let unit = shown.logical[0].vlan.as_ref().expect("a VLAN unit");
        assert_eq!(unit.vlan_tpids, tpids);
    }
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

/// Echo requests from subscriber `i` through its session (they cross to the LNS and back).
fn send_echoes(lab: &mut Lab, i: usize, count: u8) {
    for n in 0..count {
        let request = echo::build(false, n, 0x1000, b"over the VLAN", true);
        let frame = lab.subs[i].pppoe.session_frame(&request).expect("framed");
        let now = lab.now;
        port_receive(now, &mut lab.lac, &mut lab.lns, &frame);
        lab.settle();
    }
}

/// `show interfaces` of the VLAN's unit and of its port: (input packets, input bytes, output
/// packets, output bytes).
fn vlan_traffic(lab: &mut Lab) -> [(u64, u64, u64, u64); 2] {
    // What the fast path relayed, folded in as the views' RPCs do.
    lab.lac.fold_relay_counters();
    let traffic = |name: &str| {
        let shown = show_interface(lab, name);
        let t = match shown.logical.first() {
            Some(unit) => unit.traffic_statistics,
            None => shown.physical[0].traffic_statistics,
        };
        (
            t.input_packets,
            t.input_bytes,
            t.output_packets,
            t.output_bytes,
        )
    };
    [traffic(&format!("{PORT}.1073741824")), traffic(PORT)]
}

/// A VLAN unit counts what its subscribers carried, those still on it and those gone.
#[test]
fn a_vlan_unit_counts_its_subscribers_traffic() {
    let mut lab = lab("");
    lab.add_tagged("erin@isp.example", vec![VlanTag::dot1q(120)]);
    lab.add_tagged("frank@isp.example", vec![VlanTag::dot1q(120)]);
    bring_up(&mut lab);
    send_echoes(&mut lab, 0, 5);
    send_echoes(&mut lab, 1, 3);
    let [unit, port] = vlan_traffic(&mut lab);
    let (mut packets_in, mut bytes_in, mut packets_out, mut bytes_out) = (0, 0, 0, 0);
    for s in lab.lac.subscribers().table.iter() {
        packets_in += s.frames_up;
        bytes_in += s.bytes_up;
        packets_out += s.frames_down;
        bytes_out += s.bytes_down;
    }
    assert!(
        packets_in >= 8 && packets_out >= 8,
        "{packets_in} {packets_out}"
    );
    assert_eq!(unit, (packets_in, bytes_in, packets_out, bytes_out));
    assert_eq!(port, unit, "the port counts its VLAN units");

    // A subscriber leaves: what it carried stays in the unit's counters.
    lab.subs[0].pppoe.terminate();
    lab.settle();
    assert_eq!(lab.lac.subscribers().access.auto_vlans()[0].sessions, 1);
    assert_eq!(vlan_traffic(&mut lab)[0], unit);
    send_echoes(&mut lab, 1, 2);
    let [after, _] = vlan_traffic(&mut lab);
    assert_eq!(after.0, unit.0 + 2, "{after:?} {unit:?}");
    assert_eq!(after.2, unit.2 + 2, "{after:?} {unit:?}");
}

/// `clear auto-configuration interfaces` through the engine's RPC path.
fn clear_vlan(lab: &mut Lab, name: &str) -> Result<schema::mgmt::Reply, String> {
    use super::rpc::L2tpRpc;
    use schema::interface_rpc::AutoVlanClear;
    use schema::mgmt::Request;
    let request = Request::ClearAutoConfigurationInterfaces(AutoVlanClear {
        interface: name.to_string(),
    });
    let rpc = L2tpRpc::from_request(&request).expect("an engine RPC");
    let (reply, answer) = std::sync::mpsc::channel();
    let now = lab.now;
    lab.lac.l2tp_rpc(now, rpc, reply);
    answer.try_recv().expect("answered at once")
}

/// The operator removes a VLAN unit once nobody is on it; one with a session is refused.
#[test]
fn clear_auto_configuration_removes_an_idle_vlan_only() {
    let mut lab = lab("");
    lab.add_tagged("bob@isp.example", vec![VlanTag::dot1q(100)]);
    bring_up(&mut lab);
    let name = format!("{PORT}.1073741824");
    let refused = clear_vlan(&mut lab, &name).expect_err("a session is on it");
    assert!(
        refused.contains(&format!("interface {name} has 1 active PPPoE session")),
        "{refused}"
    );
    assert_eq!(lab.lac.subscribers().access.auto_vlans().len(), 1);
    lab.subs[0].pppoe.terminate();
    lab.settle();
    assert_eq!(lab.lac.subscribers().access.auto_vlans()[0].sessions, 0);
    let cleared = clear_vlan(&mut lab, &name).expect("cleared");
    assert!(
        matches!(&cleared, schema::mgmt::Reply::AutoVlanCleared(c) if c.interface == name),
        "{cleared:?}"
    );
    assert!(lab.lac.subscribers().access.auto_vlans().is_empty());
    let again = clear_vlan(&mut lab, &name).expect_err("gone");
    assert!(
        again.contains(&format!("interface {name} is not an auto-sensed VLAN")),
        "{again}"
    );
}

/// `remove-when-no-subscribers` committed while a VLAN already has nobody on it: the VLAN
/// goes with the commit, not at some later PADI or session end; one with a subscriber stays
/// until its subscriber leaves.
#[test]
fn remove_when_no_subscribers_committed_later_removes_idle_vlans() {
    let mut lab = lab("");
    lab.add_tagged("bob@isp.example", vec![VlanTag::dot1q(100)]);
    lab.add_tagged("carol@isp.example", vec![VlanTag::dot1q(101)]);
    bring_up(&mut lab);
    lab.subs[0].pppoe.terminate();
    lab.settle();
    let sessions: Vec<usize> = lab
        .lac
        .subscribers()
        .access
        .auto_vlans()
        .iter()
        .map(|v| v.sessions)
        .collect();
    assert_eq!(sessions, [0, 1]);
    let now = lab.now;
    let removing = lac_config(&vlan_profiles(
        "100-199",
        "set interfaces veth-sub auto-configure remove-when-no-subscribers\n",
    ));
    lab.lac.apply_config(now, &std::sync::Arc::new(removing));
    lab.settle();
    let vlans = lab.lac.subscribers().access.auto_vlans();
    assert_eq!(vlans.len(), 1, "{vlans:?}");
    assert_eq!(vlans[0].vlans, [101]);
    lab.subs[1].pppoe.terminate();
    lab.settle();
    assert!(lab.lac.subscribers().access.auto_vlans().is_empty());
}

/// `accept any` takes every packet type, PPPoE discovery among them; a range that also names
/// an IPoE type (`inet`, which this router has no subscribers for) still takes PPPoE.
#[test]
fn accept_any_and_pppoe_with_inet_create_the_vlan_from_pppoe_discovery() {
    for accept in ["any", "[ pppoe inet ]"] {
        let mut lab = lab_accepting(accept, "");
        lab.add_tagged("erin@isp.example", vec![VlanTag::dot1q(120)]);
        bring_up(&mut lab);
        let lac = lab.lac.subscribers();
        let vlans = lac.access.auto_vlans();
        assert_eq!(vlans.len(), 1, "accept {accept}: {vlans:?}");
        assert_eq!(vlans[0].vlans, [120]);
        let subscriber = lac.table.iter().next().expect("the subscriber");
        assert_eq!(subscriber.phase, Phase::Active, "accept {accept}");
    }
}

/// Junos' VLAN demux form of a VLAN profile, as operators write it: `demux0 unit
/// "$junos-interface-unit" { vlan-id; demux-options { underlying-interface
/// "$junos-interface-ifd-name"; } family pppoe { … } }`. It builds the VLAN's unit on the
/// port its `underlying-interface` names, and the subscriber comes up on it.
#[test]
fn a_demux0_vlan_profile_over_the_port_creates_the_vlan() {
    let demux = "set dynamic-profiles DEMUX-PROF interfaces demux0 unit \"$junos-interface-unit\"";
    let pp0 = "set dynamic-profiles PPPOE interfaces pp0 unit \"$junos-interface-unit\"";
    let profiles = format!(
        "set interfaces {PORT} flexible-vlan-tagging\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile DEMUX-PROF accept pppoe\n\
         set interfaces {PORT} auto-configure vlan-ranges dynamic-profile DEMUX-PROF ranges any\n\
         {demux} proxy-arp\n\
         {demux} vlan-id \"$junos-vlan-id\"\n\
         {demux} demux-options underlying-interface \"$junos-interface-ifd-name\"\n\
         {demux} family pppoe duplicate-protection\n\
         {demux} family pppoe dynamic-profile PPPOE\n\
         {pp0} ppp-options pap\n\
         {pp0} pppoe-options underlying-interface \"$junos-underlying-interface\"\n\
         {pp0} pppoe-options server\n"
    );
    let tree =
        schema::parse::apply_set_lines(&schema::tree::Node::default(), &profiles).expect("parses");
    assert!(
        schema::validate::check(&tree).is_ok(),
        "{:?}",
        schema::validate::check(&tree)
    );
    let mut lab = Lab::new(lac_config(&profiles), config(LNS_BASE));
    lab.add_tagged("frank@isp.example", vec![VlanTag::dot1q(2001)]);
    bring_up(&mut lab);
    let lac = lab.lac.subscribers();
    let vlans = lac.access.auto_vlans();
    assert_eq!(vlans.len(), 1, "{vlans:?}");
    assert_eq!(vlans[0].vlans, [2001]);
    assert_eq!(vlans[0].profile, "DEMUX-PROF");
    let subscriber = lac.table.iter().next().expect("the subscriber");
    assert_eq!(subscriber.phase, Phase::Active);
}
