//! `disable` on an interface or a unit, end to end in simulated time (see `sim_lab`): a
//! commit that disables one ends the subscribers on it, as a commit that deletes it does,
//! and while disabled it takes none; IF-MIB says ifAdminStatus down(2), ifOperStatus down.

use std::sync::Arc;
use std::time::Duration;

use schema::typed::RouterConfig;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE, PORT};
use crate::snmp::snapshot::{oper_status, InterfaceRow};
use crate::subscriber::decision::Refusal;

fn commit_lac(lab: &mut Lab, config: RouterConfig) {
    let now = lab.now;
    lab.lac.apply_config(now, &Arc::new(config));
    lab.settle();
    lab.advance(Duration::from_secs(2));
}

fn commit_lns(lab: &mut Lab, config: RouterConfig) {
    let now = lab.now;
    lab.lns.apply_config(now, &Arc::new(config));
    lab.settle();
    lab.advance(Duration::from_secs(2));
}

fn row<'a>(rows: &'a [InterfaceRow], name: &str) -> &'a InterfaceRow {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name} in {rows:#?}"))
}

#[test]
fn disabling_the_pppoe_unit_ends_its_subscribers_and_takes_no_new_one() {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    let first = lab.connect("kim@isp.example");
    assert!(lab.ip_up(first));
    assert_eq!(lab.lac.subscribers().table.len(), 1);
    assert_eq!(lab.lns.subscribers().table.len(), 1);

    commit_lac(
        &mut lab,
        lac_config(&format!("set interfaces {PORT} unit 0 disable\n")),
    );
    assert_eq!(lab.lac.subscribers().table.len(), 0);
    assert_eq!(
        lab.lns.subscribers().table.len(),
        0,
        "the LNS heard the CDN"
    );
    let unit = format!("{PORT}.0");
    let rows = lab.lac.snmp_interfaces();
    assert_eq!(
        (row(&rows, &unit).admin_down, row(&rows, &unit).oper_status),
        (true, oper_status::DOWN)
    );
    assert!(!row(&rows, PORT).admin_down, "only the unit is disabled");

    // A new subscriber's PADI finds no access concentrator there.
    let second = lab.connect("lee@isp.example");
    assert!(!lab.ip_up(second));
    assert_eq!(lab.lac.subscribers().table.len(), 0);

    // Enabled again (`delete … disable`): the next one comes up.
    commit_lac(&mut lab, lac_config(""));
    let third = lab.connect("max@isp.example");
    assert!(lab.ip_up(third), "{:?}", lab.subs[third].events);
}

#[test]
fn disabling_the_port_disables_every_unit_on_it() {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    let first = lab.connect("kim@isp.example");
    assert!(lab.ip_up(first));
    commit_lac(
        &mut lab,
        lac_config(&format!("set interfaces {PORT} disable\n")),
    );
    assert_eq!(lab.lac.subscribers().table.len(), 0);
    let rows = lab.lac.snmp_interfaces();
    for name in [PORT.to_string(), format!("{PORT}.0")] {
        let r = row(&rows, &name);
        assert_eq!(
            (r.admin_down, r.oper_status),
            (true, oper_status::DOWN),
            "{name}"
        );
    }
    let second = lab.connect("lee@isp.example");
    assert!(!lab.ip_up(second));
}

const STATIC_UNIT: &str = "set access profile ap client lac-s l2tp interface-id lac-ifs\n\
     set interfaces si-0/0/0 unit 5 dial-options l2tp-interface-id lac-ifs\n\
     set interfaces si-0/0/0 unit 5 dial-options dedicated\n";

#[test]
fn disabling_a_static_lns_unit_ends_its_session_and_refuses_the_next() {
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{STATIC_UNIT}")));
    let first = lab.connect("kim@isp.example");
    assert!(lab.ip_up(first));
    commit_lns(
        &mut lab,
        config(&format!(
            "{LNS_BASE}{STATIC_UNIT}set interfaces si-0/0/0 unit 5 disable\n"
        )),
    );
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    assert_eq!(
        lab.lac.subscribers().table.len(),
        0,
        "the LAC heard the CDN"
    );
    let second = lab.connect("lee@isp.example");
    assert!(!lab.ip_up(second));
    let lns = lab.lns.subscribers();
    assert_eq!(
        lns.table.refusals.get(&Refusal::NoStaticInterface),
        Some(&1)
    );
}

#[test]
fn a_disabled_service_interface_takes_no_lns_session() {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    let first = lab.connect("kim@isp.example");
    assert!(lab.ip_up(first));
    let disabled = config(&format!("{LNS_BASE}set interfaces si-0/0/0 disable\n"));
    commit_lns(&mut lab, disabled);
    assert_eq!(lab.lns.subscribers().table.len(), 0);
    assert_eq!(lab.lac.subscribers().table.len(), 0);

    let second = lab.connect("lee@isp.example");
    assert!(!lab.ip_up(second));
    let lns = lab.lns.subscribers();
    assert_eq!(
        lns.table.refusals.get(&Refusal::InterfaceDisabled),
        Some(&1)
    );
    let rows = lab.lns.snmp_interfaces();
    let si = row(&rows, "si-0/0/0");
    assert_eq!((si.admin_down, si.oper_status), (true, oper_status::DOWN));
}
