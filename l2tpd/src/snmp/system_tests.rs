use std::time::Duration;

use schema::typed::RouterConfig;

use super::*;

/// A configured group: `snmp { description "BNG east"; contact noc; name bng1; location
/// lab; }`, up for 12.34 s.
pub(crate) fn group() -> SystemGroup {
    SystemGroup {
        description: "BNG east".into(),
        up_time: Duration::from_millis(12_345),
        contact: "noc".into(),
        name: "bng1".into(),
        location: "lab".into(),
    }
}

fn host() -> Host {
    Host {
        name: "box".into(),
        kernel: "Linux 6.1.0-18-amd64".into(),
        machine: "x86_64".into(),
    }
}

fn config(set: &str) -> RouterConfig {
    let tree = schema::edit::load_set(&schema::tree::Node::default(), set, None).expect("loads");
    schema::typed::router_config(&tree)
}

fn system(n: u32) -> Vec<u32> {
    [SYSTEM, &[n, 0]].concat()
}

#[test]
fn each_scalar_has_its_rfc_3418_type() {
    let group = group();
    let get = |n: u32| group.get(&system(n));
    assert_eq!(get(1), Some(Lookup::Value(Value::string("BNG east"))));
    assert_eq!(
        get(2),
        Some(Lookup::Value(Value::ObjectIdentifier(vec![0, 0])))
    );
    // TimeTicks: hundredths of a second.
    assert_eq!(get(3), Some(Lookup::Value(Value::TimeTicks(1_234))));
    assert_eq!(get(4), Some(Lookup::Value(Value::string("noc"))));
    assert_eq!(get(5), Some(Lookup::Value(Value::string("bng1"))));
    assert_eq!(get(6), Some(Lookup::Value(Value::string("lab"))));
    // A router: layer 3 only, 2^(3-1).
    assert_eq!(get(7), Some(Lookup::Value(Value::Integer(4))));
}

#[test]
fn outside_the_scalars_is_no_such_instance_or_object() {
    let group = group();
    assert_eq!(
        group.get(&[SYSTEM, &[1, 1]].concat()),
        Some(Lookup::NoSuchInstance)
    );
    assert_eq!(
        group.get(&[SYSTEM, &[5]].concat()),
        Some(Lookup::NoSuchInstance)
    );
    // sysORLastChange and sysORTable are not served.
    assert_eq!(group.get(&system(8)), Some(Lookup::NoSuchObject));
    assert_eq!(
        group.get(&[SYSTEM, &[9, 1, 2, 1]].concat()),
        Some(Lookup::NoSuchObject)
    );
    assert_eq!(group.get(SYSTEM), Some(Lookup::NoSuchObject));
    assert_eq!(group.get(&[1, 3, 6, 1, 2, 1, 2, 1, 0]), None);
}

#[test]
fn a_walk_gives_the_scalars_in_order_from_anywhere() {
    let group = group();
    let names =
        |from: &[u32]| -> Vec<Vec<u32>> { group.walk_after(from).map(|(o, _)| o).collect() };
    let all: Vec<Vec<u32>> = (1..=7).map(system).collect();
    assert_eq!(names(&[1, 3]), all);
    assert_eq!(names(SYSTEM), all);
    assert_eq!(names(&system(1)), all[1..]);
    assert_eq!(names(&[SYSTEM, &[3]].concat()), all[2..]);
    assert_eq!(names(&[SYSTEM, &[3, 0, 5]].concat()), all[3..]);
    assert!(names(&system(7)).is_empty());
    assert!(names(&[1, 3, 6, 1, 2, 1, 2]).is_empty());
}

#[test]
fn configured_values_win_over_the_defaults() {
    let info = SystemInfo::from_config(
        &config(
            "set system host-name r1\n\
             set snmp description \"BNG east\"\n\
             set snmp contact noc\n\
             set snmp location lab\n\
             set snmp name bng1\n",
        ),
        &host(),
    );
    assert_eq!(
        info,
        SystemInfo {
            description: "BNG east".into(),
            contact: "noc".into(),
            name: "bng1".into(),
            location: "lab".into(),
        }
    );
}

/// As Junos: sysName is `snmp name`, else `system host-name`, else the host's name.
#[test]
fn sys_name_falls_back_to_the_host_name_then_the_hosts() {
    let named = SystemInfo::from_config(
        &config("set system host-name r1\nset snmp location lab\n"),
        &host(),
    );
    assert_eq!(named.name, "r1");
    let bare = SystemInfo::from_config(&config("set snmp location lab\n"), &host());
    assert_eq!(bare.name, "box");
    assert_eq!((bare.contact.as_str(), bare.location.as_str()), ("", "lab"));
    assert_eq!(
        bare.description,
        format!(
            "l2tpd {} L2TP access router (LAC/LNS), kernel Linux 6.1.0-18-amd64 x86_64",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn the_default_description_names_no_vendor_and_survives_an_unreadable_kernel() {
    let text = default_description("1.2.3", &Host::default());
    assert_eq!(text, "l2tpd 1.2.3 L2TP access router (LAC/LNS)");
    assert!(!default_description("1.2.3", &host()).contains("Juniper"));
}

#[test]
fn long_text_is_cut_to_a_display_string_at_a_character_boundary() {
    let group = SystemGroup {
        // 254 ASCII octets then a 2-octet character: 256 octets.
        location: format!("{}é", "a".repeat(254)),
        ..group()
    };
    let Some(Lookup::Value(Value::OctetString(octets))) = group.get(&system(6)) else {
        panic!("sysLocation.0 has a value");
    };
    assert_eq!(octets, "a".repeat(254).into_bytes());
}
