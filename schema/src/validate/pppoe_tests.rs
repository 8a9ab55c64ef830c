//! Commit checks of VLAN selectors, `family pppoe` and service name tables.

use super::check;
use crate::parse::parse_config;
use crate::tree::path_words;

/// The errors of `commit check` on `text`, as (level, statement, message).
fn errors(text: &str) -> Vec<(String, String, String)> {
    let tree = parse_config(text).expect("parses");
    let (errors, _) = check(&tree).expect_err("check should fail");
    errors
        .into_iter()
        .map(|e| (path_words(&e.path), e.statement, e.message))
        .collect()
}

fn err(path: &str, statement: &str, message: &str) -> (String, String, String) {
    (path.to_string(), statement.to_string(), message.to_string())
}

const VALID: &str = r#"
interfaces {
    ge-1/0/0 {
        flexible-vlan-tagging;
        unit 0 { family pppoe { service-name-table svc; } }
        unit 100 { vlan-id 100; family pppoe { mtu 1492; } }
        unit 101 { vlan-tags outer 100 inner 7; family pppoe { short-cycle-protection; } }
    }
    ge-1/0/1 { vlan-tagging; unit 5 { vlan-id 5; family pppoe; } }
    ge-1/0/2 { stacked-vlan-tagging; unit 5 { vlan-tags outer 5 inner 5; family pppoe; } }
}
protocols { pppoe { service-name-tables svc {
    service any { drop; }
    service empty;
    service gold { delay 3; max-sessions 10; }
} } }
"#;

#[test]
fn a_valid_pppoe_access_configuration_passes() {
    let tree = parse_config(VALID).unwrap();
    assert_eq!(check(&tree), Ok(vec![]));
}

#[test]
fn vlan_id_needs_vlan_tagging_or_flexible_vlan_tagging() {
    for mode in ["", "stacked-vlan-tagging;"] {
        let text = format!("interfaces {{ ge-1/0/0 {{ {mode} unit 100 {{ vlan-id 100; }} }} }}");
        assert_eq!(
            errors(&text),
            vec![err(
                "interfaces ge-1/0/0 unit 100",
                "vlan-id 100",
                "Needs vlan-tagging or flexible-vlan-tagging on interface ge-1/0/0"
            )],
            "{mode}"
        );
    }
}

#[test]
fn vlan_tags_need_stacked_or_flexible_vlan_tagging() {
    for mode in ["", "vlan-tagging;"] {
        let text = format!(
            "interfaces {{ ge-1/0/0 {{ {mode} unit 7 {{ vlan-tags outer 100 inner 7; }} }} }}"
        );
        assert_eq!(
            errors(&text),
            vec![err(
                "interfaces ge-1/0/0 unit 7",
                "vlan-tags outer 100 inner 7",
                "Needs stacked-vlan-tagging or flexible-vlan-tagging on interface ge-1/0/0"
            )],
            "{mode}"
        );
    }
}

#[test]
fn vlan_tags_need_both_tags() {
    let text = "interfaces { ge-1/0/0 { flexible-vlan-tagging; unit 7 { vlan-tags outer 100; } } }";
    let tree = parse_config(text).unwrap();
    let (errors, summary) = check(&tree).expect_err("inner missing");
    assert_eq!(summary, super::MISSING_MANDATORY);
    assert_eq!(errors[0].message, "Missing mandatory statement: 'inner'");
}

#[test]
fn vlan_ids_are_1_to_4094() {
    for id in ["0", "4095"] {
        let text =
            format!("interfaces {{ ge-1/0/0 {{ vlan-tagging; unit 1 {{ vlan-id {id}; }} }} }}");
        let refused = parse_config(&text).expect_err("out of range");
        assert_eq!(
            refused.message,
            format!("Value {id} is not within range (1..4094)")
        );
    }
}

#[test]
fn one_tagging_mode_per_interface() {
    assert_eq!(
        errors("interfaces { ge-1/0/0 { vlan-tagging; flexible-vlan-tagging; } }"),
        vec![err(
            "interfaces ge-1/0/0",
            "flexible-vlan-tagging",
            "Only one of vlan-tagging, stacked-vlan-tagging, flexible-vlan-tagging may be \
             configured (already: vlan-tagging)"
        )]
    );
}

#[test]
fn vlan_id_and_vlan_tags_exclude_each_other() {
    assert_eq!(
        errors(
            "interfaces { ge-1/0/0 { flexible-vlan-tagging;
                unit 1 { vlan-id 1; vlan-tags outer 2 inner 3; } } }"
        ),
        vec![err(
            "interfaces ge-1/0/0 unit 1",
            "vlan-tags",
            "vlan-id and vlan-tags cannot both be configured on one unit"
        )]
    );
}

#[test]
fn two_units_of_one_interface_cannot_select_the_same_vlan() {
    assert_eq!(
        errors(
            "interfaces {
                ge-1/0/0 { flexible-vlan-tagging;
                    unit 1 { vlan-id 100; } unit 2 { vlan-id 100; }
                    unit 3 { vlan-tags outer 100 inner 7; } unit 4 { vlan-tags outer 100 inner 7; }
                    unit 5 { vlan-tags outer 100 inner 8; } }
                ge-1/0/1 { vlan-tagging; unit 1 { vlan-id 100; } } }"
        ),
        vec![
            err(
                "interfaces ge-1/0/0 unit 2",
                "vlan-id 100",
                "The same VLAN is already selected by unit 1 of ge-1/0/0"
            ),
            err(
                "interfaces ge-1/0/0 unit 4",
                "vlan-tags outer 100 inner 7",
                "The same VLAN is already selected by unit 3 of ge-1/0/0"
            ),
        ]
    );
}

#[test]
fn only_unit_0_takes_untagged_pppoe_frames() {
    assert_eq!(
        errors("interfaces { ge-1/0/0 { unit 0 { family pppoe; } unit 9 { family pppoe; } } }"),
        vec![err(
            "interfaces ge-1/0/0 unit 9",
            "family pppoe",
            "unit 9 has no vlan-id or vlan-tags: only unit 0 takes untagged PPPoE frames"
        )]
    );
}

#[test]
fn family_pppoe_is_refused_on_a_service_interface() {
    assert_eq!(
        errors("interfaces { si-1/0/0 { unit 0 { family pppoe; } unit 3 { family pppoe; } } }"),
        vec![
            err(
                "interfaces si-1/0/0 unit 0",
                "family pppoe",
                "Not allowed on a service interface (si-): PPPoE runs on Ethernet interfaces"
            ),
            err(
                "interfaces si-1/0/0 unit 3",
                "family pppoe",
                "Not allowed on a service interface (si-): PPPoE runs on Ethernet interfaces"
            ),
        ]
    );
}

#[test]
fn service_name_table_must_name_a_configured_table() {
    assert_eq!(
        errors(
            "interfaces { ge-1/0/0 { unit 0 { family pppoe { service-name-table nope; } } } }
             protocols { pppoe { service-name-tables svc { service any; } } }"
        ),
        vec![err(
            "interfaces ge-1/0/0 unit 0 family pppoe",
            "service-name-table nope",
            "Referenced service name table is not defined"
        )]
    );
}

#[test]
fn a_service_takes_one_action() {
    assert_eq!(
        errors(
            "protocols { pppoe { service-name-tables svc {
                service any { drop; delay 4; } } } }"
        ),
        vec![err(
            "protocols pppoe service-name-tables svc service any",
            "drop delay",
            "Only one of terminate or drop or delay may be configured"
        )]
    );
    let refused = parse_config(
        "protocols { pppoe { service-name-tables svc { service any { delay 121; } } } }",
    )
    .expect_err("delay out of range");
    assert_eq!(refused.message, "Value 121 is not within range (1..120)");
}

#[test]
fn short_cycle_lockout_min_may_not_exceed_max() {
    // Equal bounds fix the lockout (Junos allows it); min above max, written or defaulted
    // (300 s), is refused, in a static unit and in a dynamic profile's unit alike.
    let ok = r#"interfaces { ge-1/0/0 { vlan-tagging; unit 1 { vlan-id 1;
        family pppoe { short-cycle-protection lockout-time-min 20 lockout-time-max 20; } } } }"#;
    assert_eq!(check(&parse_config(ok).unwrap()), Ok(vec![]));
    let text = r#"interfaces { ge-1/0/0 { vlan-tagging; unit 1 { vlan-id 1;
        family pppoe { short-cycle-protection lockout-time-min 120 lockout-time-max 60; } } } }
        dynamic-profiles VLAN-PROF { interfaces "$junos-interface-ifd-name" {
            unit "$junos-interface-unit" { vlan-id "$junos-vlan-id";
                family pppoe { short-cycle-protection lockout-time-min 600; } } } }"#;
    assert_eq!(
        errors(text),
        [
            err(
                "dynamic-profiles VLAN-PROF interfaces \"$junos-interface-ifd-name\" unit \"$junos-interface-unit\" family pppoe",
                "short-cycle-protection",
                "lockout-time-min 600 is above lockout-time-max 300: the shortest lockout must \
                 not exceed the longest (lockout-time-max defaults to 300)"
            ),
            err(
                "interfaces ge-1/0/0 unit 1 family pppoe",
                "short-cycle-protection",
                "lockout-time-min 120 is above lockout-time-max 60: the shortest lockout must \
                 not exceed the longest (lockout-time-max defaults to 300)"
            ),
        ]
    );
}

#[test]
fn short_cycle_lockout_times_are_1_to_86400() {
    for (statement, value) in [("lockout-time-min", "0"), ("lockout-time-max", "86401")] {
        let text = format!(
            "interfaces {{ ge-1/0/0 {{ unit 0 {{ family pppoe {{ short-cycle-protection {statement} {value}; }} }} }} }}"
        );
        let refused = parse_config(&text).expect_err("out of range");
        assert_eq!(
            refused.message,
            format!("Value {value} is not within range (1..86400)")
        );
    }
}

#[test]
fn vlan_tags_take_a_tpid_before_the_id() {
    let text = |outer: &str| {
        format!(
            "interfaces {{ ge-1/0/0 {{ stacked-vlan-tagging; unit 1 {{ vlan-tags outer {outer} inner 0x8100.7; }} }} }}"
        )
    };
    for (written, kept) in [
        ("0x9100.100", "0x9100.100"),
        ("0x88A8.100", "0x88a8.100"),
        ("0x8100.100", "0x8100.100"),
        ("100", "100"),
    ] {
        let tree = parse_config(&text(written)).expect("a TPID Junos takes");
        assert_eq!(check(&tree), Ok(vec![]));
        let printed = crate::print::to_text(&[], &tree);
        assert!(
            printed.contains(&format!("vlan-tags outer {kept} inner 0x8100.7;")),
            "{printed}"
        );
    }
    for (written, why) in [
        (
            "0x9200.100",
            "invalid TPID '0x9200': expecting one of 0x8100, 0x88a8, 0x9100",
        ),
        (
            "9100.100",
            "invalid TPID '9100': expecting one of 0x8100, 0x88a8, 0x9100",
        ),
        ("0x9100.4095", "Value 4095 is not within range (1..4094)"),
        ("0x9100.", "invalid numeric value: ''"),
    ] {
        let refused = parse_config(&text(written)).expect_err(written);
        assert_eq!(refused.message, why, "{written}");
    }
}

#[test]
fn native_vlan_id_gives_untagged_frames_to_its_vlan_unit() {
    let text = "interfaces { ge-1/0/0 { flexible-vlan-tagging; native-vlan-id 100; \
                unit 100 { vlan-id 100; family pppoe; } } }";
    let tree = parse_config(text).unwrap();
    assert_eq!(check(&tree), Ok(vec![]));
}

#[test]
fn native_vlan_id_needs_a_single_tag_mode() {
    for mode in ["", "stacked-vlan-tagging;"] {
        let text = format!(
            "interfaces {{ ge-1/0/0 {{ {mode} native-vlan-id 100; \
             unit 0 {{ family pppoe; }} }} }}"
        );
        assert_eq!(
            errors(&text),
            vec![err(
                "interfaces ge-1/0/0",
                "native-vlan-id 100",
                "Needs vlan-tagging or flexible-vlan-tagging on interface ge-1/0/0"
            )],
            "{mode}"
        );
    }
}

#[test]
fn native_vlan_id_and_an_untagged_pppoe_unit_cannot_share_the_frames() {
    let text = "interfaces { ge-1/0/0 { vlan-tagging; native-vlan-id 100; \
                unit 0 { family pppoe; } unit 100 { vlan-id 100; family pppoe; } } }";
    assert_eq!(
        errors(text),
        vec![err(
            "interfaces ge-1/0/0",
            "native-vlan-id 100",
            "unit 0 already takes the untagged frames of ge-1/0/0 (it has no vlan-id)"
        )]
    );
}

#[test]
fn native_vlan_id_without_its_unit_warns_that_untagged_frames_are_dropped() {
    let text = "interfaces { ge-1/0/0 { vlan-tagging; native-vlan-id 7; \
                unit 100 { vlan-id 100; family pppoe; } } }";
    let tree = parse_config(text).unwrap();
    assert_eq!(
        check(&tree),
        Ok(vec![
            "warning: [edit interfaces ge-1/0/0] 'native-vlan-id 7': no unit of ge-1/0/0 \
             has vlan-id 7: untagged frames are dropped"
                .to_string()
        ])
    );
}
