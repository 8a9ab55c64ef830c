//! `show interfaces` for the subscriber interfaces in Junos' layouts: the `terse` table
//! (Interface, Admin, Link, Proto, Local, Remote), and `Physical interface:` blocks with
//! their `Logical interface` units for the other levels (`brief` the flags and addresses,
//! the default level adds the session and packet counts, `detail` and `extensive` the
//! traffic statistics, `extensive` the LNS's IP drops). Also the lines of
//! `clear network-access aaa subscriber`.

use std::fmt::Write;

use super::render_l2tp::{capitalised, duration};
use schema::interface_rpc::{
    AdminStatus, AutoVlanCleared, InterfaceLevel, Interfaces, LogicalInterface, PhysicalInterface,
    SubscribersLoggedOut, TrafficStatistics, UnitVlan,
};
use schema::subscriber_rpc::SubscriberState;

pub fn interfaces(reply: &Interfaces, level: InterfaceLevel) -> String {
    if level == InterfaceLevel::Terse {
        return terse(reply);
    }
    let mut blocks: Vec<String> = reply.physical.iter().map(|p| physical(p, level)).collect();
    blocks.extend(reply.logical.iter().map(|u| logical(u, level)));
    blocks.join("\n")
}

/// A unit's link is up once its subscriber is: before that it is still being set up.
fn link(state: SubscriberState) -> &'static str {
    if state == SubscriberState::Active {
        "up"
    } else {
        "down"
    }
}

fn terse_row(out: &mut String, cells: [&str; 6]) {
    let [name, admin, link, proto, local, remote] = cells;
    let line = format!("{name:<23} {admin:<5} {link:<4} {proto:<8} {local:<21} {remote}");
    out.push_str(line.trim_end());
    out.push('\n');
}

/// A point-to-point unit: our address under Local, `--> the subscriber's` under Remote.
fn terse_unit(out: &mut String, u: &LogicalInterface) {
    let link = link(u.state);
    match &u.address_family {
        Some(f) => {
            let local = f.local.map(|a| a.to_string()).unwrap_or_default();
            let remote = f
                .destination
                .map(|a| format!("--> {a}"))
                .unwrap_or_default();
            let proto = f.address_family_name.as_str();
            terse_row(out, [&u.name, "up", link, proto, &local, &remote]);
        }
        None => terse_row(out, [&u.name, "up", link, "", "", ""]),
    }
}

fn terse(reply: &Interfaces) -> String {
    let mut out = String::new();
    terse_row(
        &mut out,
        ["Interface", "Admin", "Link", "Proto", "Local", "Remote"],
    );
    for p in &reply.physical {
        terse_row(&mut out, [&p.name, admin(p.admin_status), "up", "", "", ""]);
        for u in &p.units {
            terse_unit(&mut out, u);
        }
    }
    for u in &reply.logical {
        terse_unit(&mut out, u);
    }
    out
}

fn traffic(out: &mut String, indent: &str, t: &TrafficStatistics) {
    let _ = write!(
        out,
        "{indent}Traffic statistics:\n\
         {indent} Input  bytes  : {:>20}\n\
         {indent} Output bytes  : {:>20}\n\
         {indent} Input  packets: {:>20}\n\
         {indent} Output packets: {:>20}\n",
        t.input_bytes, t.output_bytes, t.input_packets, t.output_packets
    );
}

fn packets(out: &mut String, indent: &str, t: &TrafficStatistics) {
    let _ = write!(
        out,
        "{indent}Input packets : {}\n{indent}Output packets: {}\n",
        t.input_packets, t.output_packets
    );
}

/// The terse table's Admin column.
fn admin(status: AdminStatus) -> &'static str {
    match status {
        AdminStatus::Up => "up",
        AdminStatus::Down => "down",
    }
}

fn physical(p: &PhysicalInterface, level: InterfaceLevel) -> String {
    // Junos' words for the configured state (the link of a service interface is always up).
    let enabled = match p.admin_status {
        AdminStatus::Up => "Enabled",
        AdminStatus::Down => "Administratively down",
    };
    let mut out = format!(
        "Physical interface: {}, {enabled}, Physical link is Up\n  Type: {}, Link-level type: {}",
        p.name, p.if_type, p.if_type
    );
    if let Some(mtu) = p.mtu {
        let _ = write!(out, ", MTU: {mtu}");
    }
    let families = if p.address_families.is_empty() {
        "none".to_string()
    } else {
        p.address_families.join(" ")
    };
    let _ = writeln!(
        out,
        "\n  Logical units: {}, Address families: {families}",
        p.logical_interface_count
    );
    match level {
        InterfaceLevel::Detail | InterfaceLevel::Extensive => {
            traffic(&mut out, "  ", &p.traffic_statistics)
        }
        InterfaceLevel::Default => packets(&mut out, "  ", &p.traffic_statistics),
        InterfaceLevel::Brief | InterfaceLevel::Terse => {}
    }
    if level == InterfaceLevel::Extensive {
        if let Some(d) = &p.drops {
            let _ = writeln!(
                out,
                "  Subscriber IP drops:\n    Spoofed source: {}, No subscriber: {}, Malformed: {}, \
                 No service interface: {}, Filtered: {}",
                d.spoofed_source,
                d.no_subscriber,
                d.malformed,
                d.no_service_interface,
                d.filtered
            );
        }
    }
    for u in &p.units {
        out.push('\n');
        out.push_str(&logical(u, level));
    }
    out
}

/// An auto-sensed VLAN's unit in Junos' words: its tags as `VLAN-Tag [ 0x88a8.1000 0x8100.7 ]`
/// (each with the TPID it came under), then the profiles it was built from and the sessions on it.
fn vlan_logical(u: &LogicalInterface, v: &UnitVlan, level: InterfaceLevel) -> String {
    let tags: Vec<String> = v
        .vlan_ids
        .iter()
        .zip(&v.vlan_tpids)
        .map(|(id, tpid)| format!("{tpid:#06x}.{id}"))
        .collect();
    let mut out = format!(
        "  Logical interface {}\n    Flags: Up SNMP-Traps VLAN-Tag [ {} ]  Encapsulation: {}\n",
        u.name,
        tags.join(" "),
        u.encapsulation
    );
    if level == InterfaceLevel::Brief {
        return out;
    }
    let _ = writeln!(
        out,
        "    Dynamic profile: {}, Uptime: {}",
        v.dynamic_profile,
        duration(u.uptime)
    );
    let _ = writeln!(
        out,
        "    Protocol pppoe\n      Dynamic Profile: {}, PPPoE sessions: {}",
        v.pppoe_dynamic_profile.as_deref().unwrap_or("none"),
        v.pppoe_sessions
    );
    out
}

fn logical(u: &LogicalInterface, level: InterfaceLevel) -> String {
    if let Some(v) = &u.vlan {
        return vlan_logical(u, v, level);
    }
    let flags = if u.state == SubscriberState::Active {
        "Up"
    } else {
        "Down"
    };
    let mut out = format!(
        "  Logical interface {}\n    Flags: {flags} Point-To-Point SNMP-Traps Encapsulation: {}\n",
        u.name, u.encapsulation
    );
    if level == InterfaceLevel::Brief {
        if let Some(f) = &u.address_family {
            let local = f.local.map(|a| a.to_string()).unwrap_or_default();
            let remote = f
                .destination
                .map(|a| format!(" --> {a}"))
                .unwrap_or_default();
            let _ = writeln!(out, "    {}  {local}{remote}", f.address_family_name);
        }
        return out;
    }
    let state = match u.state {
        SubscriberState::Init => "Init",
        SubscriberState::Configured => "Configured",
        SubscriberState::Active => "Active",
        SubscriberState::Terminating => "Terminating",
    };
    let _ = writeln!(
        out,
        "    Subscriber: {}, Session ID: {}, State: {state}, Uptime: {}",
        u.user_name.as_deref().unwrap_or("(none)"),
        u.subscriber_session_id,
        duration(u.uptime)
    );
    if let Some(p) = &u.pppoe {
        let _ = writeln!(
            out,
            "    PPPoE:\n      Session ID: {}, Remote MAC address: {},\n      \
             Underlying interface: {}",
            p.session_id, p.remote_mac_address, p.underlying_interface
        );
    }
    if let Some(l) = &u.l2tp {
        let _ = write!(out, "    L2TP:\n      Tunnel group: {}", l.tunnel_group);
        if !l.remote_name.is_empty() {
            let _ = write!(out, ", Remote name: {}", l.remote_name);
        }
        let _ = writeln!(
            out,
            ",\n      Tunnel local ID: {}, Tunnel remote ID: {},\n      \
             Session local ID: {}, Session remote ID: {}",
            l.tunnel_local_id, l.tunnel_remote_id, l.session_local_id, l.session_remote_id
        );
    }
    match level {
        InterfaceLevel::Detail | InterfaceLevel::Extensive => {
            traffic(&mut out, "    ", &u.traffic_statistics)
        }
        _ => packets(&mut out, "    ", &u.traffic_statistics),
    }
    let _ = writeln!(out, "    LCP state: {}", capitalised(&u.lcp_state));
    if let Some(f) = &u.address_family {
        let _ = write!(out, "    Protocol {}", f.address_family_name);
        if let Some(mtu) = f.mtu {
            let _ = write!(out, ", MTU: {mtu}");
        }
        out.push('\n');
        if let (Some(local), Some(destination)) = (f.local, f.destination) {
            let _ = writeln!(
                out,
                "      Addresses, Flags: Is-Primary\n        Destination: {destination}, Local: {local}"
            );
        }
    }
    out
}

/// `Subscriber alice@isp.example logged out (session-id 7, si-0/0/0.1073741831)`: a line each.
/// `clear auto-configuration interfaces`: Junos' `Interface-set NAME deleted`, for a VLAN unit.
pub fn auto_vlan_cleared(reply: &AutoVlanCleared) -> String {
    format!("Interface {} deleted\n", reply.interface)
}

pub fn logged_out(reply: &SubscribersLoggedOut) -> String {
    reply
        .subscribers
        .iter()
        .map(|s| {
            format!(
                "Subscriber {} logged out (session-id {}, {})\n",
                s.user_name.as_deref().unwrap_or("(unauthenticated)"),
                s.subscriber_session_id,
                s.interface
            )
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::interface_rpc::{
        AddressFamily, LoggedOut, ServiceInterfaceDrops, UnitL2tp, UnitPppoe,
    };
    use schema::subscriber_rpc::MacAddress;
    use std::net::Ipv4Addr;

    fn counts(base: u64) -> TrafficStatistics {
        TrafficStatistics {
            input_bytes: base,
            input_packets: base + 1,
            output_bytes: base + 2,
            output_packets: base + 3,
        }
    }

    pub fn lns_unit() -> LogicalInterface {
        LogicalInterface {
            name: "si-0/0/0.1073741825".into(),
            subscriber_session_id: 1,
            state: SubscriberState::Active,
            user_name: Some("alice@isp.example".into()),
            encapsulation: "PPP".into(),
            lcp_state: "opened".into(),
            uptime: 65,
            l2tp: Some(UnitL2tp {
                tunnel_group: "g".into(),
                remote_name: "lac-s".into(),
                tunnel_local_id: 17967,
                tunnel_remote_id: 1,
                session_local_id: 40553,
                session_remote_id: 12,
            }),
            pppoe: None,
            vlan: None,
            address_family: Some(AddressFamily {
                address_family_name: "inet".into(),
                mtu: Some(1492),
                local: Some(Ipv4Addr::new(198, 18, 0, 1)),
                destination: Some(Ipv4Addr::new(198, 18, 0, 10)),
            }),
            traffic_statistics: counts(1000),
        }
    }

    pub fn sample() -> Interfaces {
        let lac_unit = LogicalInterface {
            name: "pp0.1073741826".into(),
            subscriber_session_id: 2,
            state: SubscriberState::Init,
            user_name: None,
            encapsulation: "PPPoE".into(),
            lcp_state: "req-sent".into(),
            uptime: 1,
            l2tp: None,
            pppoe: Some(UnitPppoe {
                session_id: 3,
                remote_mac_address: MacAddress([0, 0, 0x5e, 0, 0x53, 1]),
                underlying_interface: "ge-1/0/0.100".into(),
            }),
            vlan: None,
            address_family: None,
            traffic_statistics: counts(0),
        };
        Interfaces {
            physical: vec![
                PhysicalInterface {
                    name: "pp0".into(),
                    admin_status: AdminStatus::Up,
                    if_type: "PPPoE".into(),
                    mtu: None,
                    logical_interface_count: 1,
                    address_families: vec![],
                    traffic_statistics: counts(0),
                    drops: None,
                    units: vec![lac_unit],
                },
                PhysicalInterface {
                    name: "si-0/0/0".into(),
                    admin_status: AdminStatus::Up,
                    if_type: "Adaptive-Services".into(),
                    mtu: Some(1460),
                    logical_interface_count: 1,
                    address_families: vec!["inet".into()],
                    traffic_statistics: counts(1000),
                    drops: Some(ServiceInterfaceDrops {
                        spoofed_source: 5,
                        no_subscriber: 6,
                        malformed: 7,
                        no_service_interface: 8,
                        filtered: 9,
                    }),
                    units: vec![lns_unit()],
                },
            ],
            logical: vec![],
        }
    }

    #[test]
    fn terse_is_the_junos_table() {
        assert_eq!(
            interfaces(&sample(), InterfaceLevel::Terse),
            "\
Interface               Admin Link Proto    Local                 Remote
pp0                     up    up
pp0.1073741826          up    down
si-0/0/0                up    up
si-0/0/0.1073741825     up    up   inet     198.18.0.1            --> 198.18.0.10
"
        );
    }

    #[test]
    fn a_disabled_interface_is_administratively_down() {
        let mut reply = sample();
        reply.physical[1].admin_status = AdminStatus::Down;
        let terse = interfaces(&reply, InterfaceLevel::Terse);
        assert!(
            terse.contains("\nsi-0/0/0                down  up\n"),
            "{terse}"
        );
        let brief = interfaces(&reply, InterfaceLevel::Brief);
        assert!(
            brief.contains(
                "Physical interface: si-0/0/0, Administratively down, Physical link is Up\n"
            ),
            "{brief}"
        );
        assert!(
            brief.contains("Physical interface: pp0, Enabled,"),
            "{brief}"
        );
    }

    #[test]
    fn a_named_unit_in_the_default_level() {
        let one = Interfaces {
            physical: vec![],
            logical: vec![lns_unit()],
        };
        assert_eq!(
            interfaces(&one, InterfaceLevel::Default),
            "  Logical interface si-0/0/0.1073741825
    Flags: Up Point-To-Point SNMP-Traps Encapsulation: PPP
    Subscriber: alice@isp.example, Session ID: 1, State: Active, Uptime: 00:01:05
    L2TP:
      Tunnel group: g, Remote name: lac-s,
      Tunnel local ID: 17967, Tunnel remote ID: 1,
      Session local ID: 40553, Session remote ID: 12
    Input packets : 1001
    Output packets: 1003
    LCP state: Opened
    Protocol inet, MTU: 1492
      Addresses, Flags: Is-Primary
        Destination: 198.18.0.10, Local: 198.18.0.1
"
        );
    }

    #[test]
    fn brief_shows_flags_and_addresses_only() {
        let text = interfaces(&sample(), InterfaceLevel::Brief);
        assert!(
            text.contains(
                "Physical interface: si-0/0/0, Enabled, Physical link is Up\n  \
                 Type: Adaptive-Services, Link-level type: Adaptive-Services, MTU: 1460\n  \
                 Logical units: 1, Address families: inet\n\n  \
                 Logical interface si-0/0/0.1073741825\n    \
                 Flags: Up Point-To-Point SNMP-Traps Encapsulation: PPP\n    \
                 inet  198.18.0.1 --> 198.18.0.10\n"
            ),
            "{text}"
        );
        assert!(!text.contains("packets"), "{text}");
        assert!(
            text.contains("  Logical interface pp0.1073741826\n    Flags: Down"),
            "{text}"
        );
    }

    #[test]
    fn extensive_adds_traffic_statistics_and_the_lns_drops() {
        let text = interfaces(&sample(), InterfaceLevel::Extensive);
        assert!(
            text.contains(
                "  Traffic statistics:\n   Input  bytes  :                 1000\n   \
                 Output bytes  :                 1002\n   Input  packets:                 1001\n   \
                 Output packets:                 1003\n  Subscriber IP drops:\n    \
                 Spoofed source: 5, No subscriber: 6, Malformed: 7, No service interface: 8, Filtered: 9\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "    PPPoE:\n      Session ID: 3, Remote MAC address: 00:00:5e:00:53:01,\n      \
                 Underlying interface: ge-1/0/0.100\n"
            ),
            "{text}"
        );
        assert!(text.contains("    LCP state: Req-sent\n"), "{text}");
        // Drops are extensive only.
        let detail = interfaces(&sample(), InterfaceLevel::Detail);
        assert!(detail.contains("Traffic statistics:"), "{detail}");
        assert!(!detail.contains("IP drops"), "{detail}");
    }

    #[test]
    fn logout_lists_who_went() {
        let reply = SubscribersLoggedOut {
            subscribers: vec![LoggedOut {
                subscriber_session_id: 7,
                user_name: Some("alice@isp.example".into()),
                interface: "si-0/0/0.1073741831".into(),
            }],
        };
        assert_eq!(
            logged_out(&reply),
            "Subscriber alice@isp.example logged out (session-id 7, si-0/0/0.1073741831)\n"
        );
    }

    /// An auto-sensed VLAN's unit: its tag, its profiles, its sessions.
    #[test]
    fn an_auto_sensed_vlan_unit_shows_its_tags_and_profiles() {
        let unit = LogicalInterface {
            name: "ge-1/0/0.1073741824".into(),
            subscriber_session_id: 0,
            state: SubscriberState::Active,
            user_name: None,
            encapsulation: "ENET2".into(),
            lcp_state: String::new(),
            uptime: 65,
            l2tp: None,
            pppoe: None,
            vlan: Some(UnitVlan {
                vlan_ids: vec![1000, 7],
                vlan_tpids: vec![0x88a8, 0x8100],
                dynamic_profile: "SVLAN-PROF".into(),
                pppoe_dynamic_profile: Some("PPPOE-PROF".into()),
                pppoe_sessions: 2,
            }),
            address_family: None,
            traffic_statistics: TrafficStatistics::default(),
        };
        let reply = Interfaces {
            physical: Vec::new(),
            logical: vec![unit],
        };
        assert_eq!(
            interfaces(&reply, InterfaceLevel::Default),
            "  Logical interface ge-1/0/0.1073741824\n    \
             Flags: Up SNMP-Traps VLAN-Tag [ 0x88a8.1000 0x8100.7 ]  Encapsulation: ENET2\n    \
             Dynamic profile: SVLAN-PROF, Uptime: 00:01:05\n    \
             Protocol pppoe\n      Dynamic Profile: PPPOE-PROF, PPPoE sessions: 2\n"
        );
    }
}
