//! Static LNS units: `dial-options` on `si-` units and the client `l2tp interface-id` that
//! selects them.

use super::check;
use super::test_errors::errors;
use crate::parse::parse_config;
use crate::print::to_text;
use crate::typed::{router_config, DialOptions};

/// Juniper's static LNS: two dedicated units and a shared one, each named by a client.
const STATIC_LNS: &str = r#"interfaces {
    si-1/0/0 {
        unit 5 {
            dial-options {
                l2tp-interface-id lac1-ifs;
                dedicated;
            }
            family inet;
        }
        unit 6 {
            dial-options {
                l2tp-interface-id lac1-ifs;
                dedicated;
            }
        }
        unit 7 {
            dial-options {
                l2tp-interface-id lac2-ifs;
                shared;
            }
        }
    }
}
access {
    profile lns-clients {
        client lac1 {
            l2tp {
                interface-id lac1-ifs;
            }
        }
        client lac2 {
            l2tp {
                interface-id lac2-ifs;
            }
        }
    }
}
"#;

#[test]
fn static_lns_units_load_print_back_and_read_typed() {
    let root = parse_config(STATIC_LNS).expect("parses");
    assert_eq!(to_text(&[], &root), STATIC_LNS);
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let units = &config.interfaces["si-1/0/0"].units;
    assert_eq!(
        units[&5].dial_options,
        Some(DialOptions {
            l2tp_interface_id: Some("lac1-ifs".into()),
            dedicated: true,
            shared: false,
        })
    );
    assert!(units[&7].dial_options.as_ref().is_some_and(|d| d.shared));
}

#[test]
fn a_client_interface_id_no_unit_carries_is_refused() {
    let text = STATIC_LNS.replace(" interface-id lac2-ifs;", " interface-id lac9-ifs;");
    assert_eq!(
        errors(&text),
        [(
            "access profile lns-clients client lac2 l2tp".to_string(),
            "interface-id lac9-ifs".to_string(),
            "No si- logical interface or dynamic profile has dial-options l2tp-interface-id lac9-ifs".to_string()
        )]
    );
}

/// Juniper's dynamic LNS example: the client's `interface-id` is the tunnel group's dynamic
/// profile's `dial-options l2tp-interface-id`, with no static unit carrying it.
#[test]
fn a_client_interface_id_the_groups_dynamic_profile_carries_commits() {
    let text = format!(
        "{}dynamic-profiles {{\n    lns {{\n        interfaces {{\n            \"$junos-interface-ifd-name\" {{\n                \
         unit \"$junos-interface-unit\" {{\n                    dial-options {{\n                        \
         l2tp-interface-id lac9-ifs;\n                        dedicated;\n                    }}\n                }}\n            }}\n        }}\n    }}\n}}\n",
        with_group(Some("si-1/0/0"))
            .replace(" interface-id lac2-ifs;", " interface-id lac9-ifs;")
            .replace(
                "            l2tp-access-profile lns-clients;\n",
                "            l2tp-access-profile lns-clients;\n            dynamic-profile lns;\n"
            )
    );
    let root = parse_config(&text).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    // The same profile not named by the client's tunnel group: that group refuses it.
    let unnamed = text.replace("            dynamic-profile lns;\n", "");
    assert_eq!(
        errors(&unnamed),
        [(
            "access profile lns-clients client lac2 l2tp".to_string(),
            "interface-id lac9-ifs".to_string(),
            "No unit of si-1/0/0, the service-interface of tunnel group g, nor its dynamic profile has dial-options l2tp-interface-id lac9-ifs".to_string()
        )]
    );
}

#[test]
fn dial_options_take_one_of_dedicated_and_shared_on_an_si_unit_other_than_0() {
    let both = STATIC_LNS.replace(
        "lac2-ifs;\n                shared;",
        "lac2-ifs;\n                dedicated;\n                shared;",
    );
    assert_eq!(
        errors(&both),
        [(
            "interfaces si-1/0/0 unit 7 dial-options".to_string(),
            "dedicated shared".to_string(),
            "Only one of dedicated or shared may be configured".to_string()
        )]
    );
    let neither = STATIC_LNS.replace("lac2-ifs;\n                shared;", "lac2-ifs;");
    assert_eq!(
        errors(&neither),
        [(
            "interfaces si-1/0/0 unit 7 dial-options".to_string(),
            "l2tp-interface-id lac2-ifs".to_string(),
            "Either 'dedicated' or 'shared' must be configured".to_string()
        )]
    );
    let unit_zero = STATIC_LNS.replace("unit 7 {", "unit 0 {");
    let found = errors(&unit_zero);
    assert!(
        found.contains(&(
            "interfaces si-1/0/0 unit 0".to_string(),
            "dial-options".to_string(),
            "Unit 0 of an inline services interface is reserved: use another unit for L2TP sessions"
                .to_string()
        )),
        "{found:?}"
    );
    let ethernet = STATIC_LNS.replace("si-1/0/0", "ge-1/0/0");
    let found = errors(&ethernet);
    assert!(
        found.contains(&(
            "interfaces ge-1/0/0 unit 5".to_string(),
            "dial-options".to_string(),
            "dial-options is valid only on inline services (si-) interfaces".to_string()
        )),
        "{found:?}"
    );
}

/// `(dedicated | shared)`: setting one replaces the other, as on Junos.
#[test]
fn setting_dedicated_replaces_shared() {
    let root = parse_config(STATIC_LNS).expect("parses");
    let root = crate::parse::apply_set_lines(
        &root,
        "set interfaces si-1/0/0 unit 7 dial-options dedicated\n",
    )
    .expect("applies");
    let config = router_config(&root);
    let dial = config.interfaces["si-1/0/0"].units[&7]
        .dial_options
        .clone()
        .expect("dial-options");
    assert!(dial.dedicated && !dial.shared, "{dial:?}");
    assert_eq!(check(&root), Ok(vec![]));
}

/// `STATIC_LNS` with a tunnel group taking its LACs through `lns-clients`, on `service`
/// (none: no `service-interface`).
fn with_group(service: Option<&str>) -> String {
    let service = service
        .map(|s| format!("            service-interface {s};\n"))
        .unwrap_or_default();
    format!(
        "{STATIC_LNS}services {{\n    l2tp {{\n        tunnel-group g {{\n            \
         l2tp-access-profile lns-clients;\n            \
         local-gateway {{\n                address 198.18.1.2;\n            }}\n{service}        }}\n    }}\n}}\n"
    )
}

/// The LNS looks for a client's units on the service interface of the tunnel group its LAC
/// called: units elsewhere, or a group without one, would refuse every session.
#[test]
fn a_client_interface_id_must_be_on_its_tunnel_groups_service_interface() {
    let root = parse_config(&with_group(Some("si-1/0/0"))).expect("parses");
    assert_eq!(check(&root), Ok(vec![]));
    let elsewhere = with_group(Some("si-2/0/0")).replace(
        "    si-1/0/0 {",
        "    si-2/0/0 {\n        unit 1 {\n            family inet;\n        }\n    }\n    si-1/0/0 {",
    );
    let client = |name: &str, id: &str, message: &str| {
        (
            format!("access profile lns-clients client {name} l2tp"),
            format!("interface-id {id}"),
            message.to_string(),
        )
    };
    assert_eq!(
        errors(&elsewhere),
        [
            client(
                "lac1",
                "lac1-ifs",
                "No unit of si-2/0/0, the service-interface of tunnel group g, nor its dynamic profile has dial-options l2tp-interface-id lac1-ifs"
            ),
            client(
                "lac2",
                "lac2-ifs",
                "No unit of si-2/0/0, the service-interface of tunnel group g, nor its dynamic profile has dial-options l2tp-interface-id lac2-ifs"
            ),
        ]
    );
    assert_eq!(
        errors(&with_group(None))[0],
        client(
            "lac1",
            "lac1-ifs",
            "Tunnel group g has no service-interface to put its sessions on a unit with l2tp-interface-id lac1-ifs"
        )
    );
}

/// A user's `ppp interface-id` is accepted, as Junos has it, but the daemon does not act on
/// it: the commit says so.
#[test]
fn a_users_ppp_interface_id_warns_that_it_has_no_effect() {
    let text = STATIC_LNS.replace(
        "        client lac2 {",
        "        client kim {\n            ppp {\n                interface-id lac1-ifs;\n            }\n        }\n        client lac2 {",
    );
    let root = parse_config(&text).expect("parses");
    assert_eq!(
        check(&root),
        Ok(vec![
            "warning: [edit access profile lns-clients client kim ppp] 'interface-id': statement has no effect: a session's si- unit is chosen at its ICRQ by the LAC's client (l2tp interface-id); a user's ppp interface-id is not acted on".to_string()
        ])
    );
}
