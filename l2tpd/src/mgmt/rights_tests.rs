use super::*;
use schema::mgmt::ConfigureMode;
use schema::typed::router_config;

fn config(set_lines: &str) -> RouterConfig {
    let tree = schema::edit::load_set(&Node::default(), set_lines, None).expect("loads");
    router_config(&tree)
}

fn show_tunnels() -> Request {
    Request::GetL2tpTunnelInformation(Default::default())
}

fn clear() -> schema::l2tp_rpc::L2tpClear {
    schema::l2tp_rpc::L2tpClear {
        statistics: false,
        target: schema::l2tp_rpc::ClearTarget::LocalSessionId(1),
        confirmed: false,
    }
}

fn clear_sessions() -> Request {
    Request::ClearL2tpSession(clear())
}

#[test]
fn a_fresh_install_and_root_are_super_users() {
    let none = config("");
    assert!(Rights::of(1000, "op", &none).unwrap().has("configure"));
    let some = config("set system login user op class read-only\n");
    assert!(Rights::of(0, "root", &some).unwrap().has("all"));
    assert!(Rights::of(1001, "eve", &some).is_err());
}

#[test]
fn predefined_classes_are_junos_flag_sets() {
    let c = config(
        "set system login user ro class read-only\nset system login user op class operator\nset system login user su class super-user\nset system login user un class unauthorized\n",
    );
    let ro = Rights::of(1, "ro", &c).unwrap();
    let op = Rights::of(1, "op", &c).unwrap();
    let su = Rights::of(1, "su", &c).unwrap();
    let un = Rights::of(1, "un", &c).unwrap();
    assert!(ro.may(&show_tunnels()) && !ro.may(&clear_sessions()));
    assert!(op.may(&clear_sessions()));
    assert!(!op.may(&Request::Configure {
        mode: ConfigureMode::Shared
    }));
    assert!(su.may(&Request::Configure {
        mode: ConfigureMode::Shared
    }));
    assert!(!un.may(&show_tunnels()));
    assert!(un.may(&Request::ExitConfiguration { confirm: true }));
    assert!(su.may_see_secrets() && !op.may_see_secrets());
    assert_eq!(op.level(), LoginClass::Operator);
}

#[test]
fn defined_class_flags_and_command_expressions() {
    let c = config(
        "set system login class noc permissions view\n\
         set system login class noc allow-commands \"clear services l2tp session\"\n\
         set system login class noc deny-commands \"SHOW SUBSCRIBERS|show services l2tp tunnel$\"\n\
         set system login user ann class noc\n",
    );
    let ann = Rights::of(1000, "ann", &c).unwrap();
    assert_eq!(ann.class, "noc");
    // Allowed by a regular expression although `clear` is not among the flags.
    assert!(ann.may(&clear_sessions()));
    assert!(!ann.may(&Request::ClearL2tpTunnel(clear())));
    // Denied (not case-sensitive) although `view` would allow it.
    assert!(!ann.may(&show_tunnels()));
    assert!(!ann.may(&Request::GetSubscribers(Default::default())));
    assert!(ann.may(&Request::GetL2tpSessionInformation(Default::default())));
    assert!(!ann.may(&Request::Configure {
        mode: ConfigureMode::Shared
    }));
}

#[test]
fn configuration_follows_control_flags_and_expressions() {
    let c = config(
        "set system login class cfg permissions [ configure snmp-control ]\n\
         set system login class cfg allow-configuration \"interfaces .* description\"\n\
         set system login class cfg deny-configuration \"snmp community\"\n\
         set system login user ann class cfg\n",
    );
    let ann = Rights::of(1000, "ann", &c).unwrap();
    assert!(ann.may(&Request::Configure {
        mode: ConfigureMode::Shared
    }));
    assert!(ann.may_configure("snmp location lab"));
    assert!(!ann.may_configure("snmp community public authorization read-only"));
    assert!(ann.may_configure("interfaces ge-0/0/0 description uplink"));
    assert!(!ann.may_configure("interfaces ge-0/0/0 mtu 1500"));
    assert!(!ann.may_configure("system host-name r1"));

    let before = schema::edit::load_set(&Node::default(), "set snmp location lab\n", None).unwrap();
    let ok = schema::edit::load_set(
        &before,
        "set snmp contact noc\nset interfaces ge-0/0/0 description up\n",
        None,
    )
    .unwrap();
    assert_eq!(ann.refused_change(&before, &ok), None);
    let bad = schema::edit::load_set(&before, "set system host-name r1\n", None).unwrap();
    assert_eq!(
        ann.refused_change(&before, &bad).as_deref(),
        Some("system host-name")
    );
    // Deleting is changing too.
    assert_eq!(
        ann.refused_change(&bad, &before).as_deref(),
        Some("system host-name")
    );
}

/// allow/deny-configuration-regexps (Junos 11.2): several expressions, any of which allows
/// or denies, deny first; matched as allow/deny-configuration are.
#[test]
fn configuration_regexps_allow_and_deny_each_expression() {
    let c = config(
        "set system login class noc permissions view\n\
         set system login class noc allow-configuration-regexps [ \"interfaces .* description\" \"snmp location\" ]\n\
         set system login class noc deny-configuration-regexps [ \"interfaces ge-0/0/9 .*\" \"system .*\" ]\n\
         set system login user ann class noc\n",
    );
    let ann = Rights::of(1000, "ann", &c).unwrap();
    assert!(ann.may_configure("interfaces ge-0/0/0 description uplink"));
    assert!(ann.may_configure("snmp location lab"));
    assert!(!ann.may_configure("interfaces ge-0/0/9 description uplink"));
    assert!(!ann.may_configure("snmp contact noc"));
    assert!(!ann.may_configure("interfaces ge-0/0/0 mtu 1500"));
    let all = config(
        "set system login class admin permissions all\n\
         set system login class admin deny-configuration-regexps \"system login .*\"\n\
         set system login user bob class admin\n",
    );
    let bob = Rights::of(1000, "bob", &all).unwrap();
    assert!(!bob.configures_everything());
    assert!(!bob.may_configure("system login user x class admin"));
    assert!(bob.may_configure("system host-name r1"));
}

#[test]
fn user_login_statements_need_admin_control() {
    let c = config(
        "set system login class sys permissions [ configure system-control ]\nset system login user ann class sys\n",
    );
    let ann = Rights::of(1000, "ann", &c).unwrap();
    assert!(ann.may_configure("system host-name r1"));
    assert!(!ann.may_configure("system login user eve class super-user"));
}
