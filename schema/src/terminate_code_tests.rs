//! `[edit access terminate-code]`: loaded, shown and reloaded as Junos writes it; read into
//! the typed view; unknown reasons refused with what is allowed; reasons this router never
//! raises warned about at commit.

use super::*;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::typed::router_config;
use crate::validate::check;

const REMAPS: &str = "\
access {
    terminate-code {
        aaa deny server-request-timeout radius 9;
        aaa shutdown idle-timeout radius 10;
        aaa shutdown session-timeout radius 10;
        l2tp session-rx-cdn radius 4294967295;
        ppp pppoe-padt-received radius 2;
    }
}
";

#[test]
fn remaps_print_as_written_and_reload_the_same() {
    let tree = parse_config(REMAPS).unwrap_or_else(|e| panic!("{e}"));
    let shown = to_text(&[], &tree);
    assert_eq!(shown, REMAPS);
    let set = to_set_lines(&[], &tree);
    assert_eq!(
        set,
        "\
set access terminate-code aaa deny server-request-timeout radius 9
set access terminate-code aaa shutdown idle-timeout radius 10
set access terminate-code aaa shutdown session-timeout radius 10
set access terminate-code l2tp session-rx-cdn radius 4294967295
set access terminate-code ppp pppoe-padt-received radius 2
"
    );
    let reloaded = apply_set_lines(&crate::tree::Node::default(), &set).expect("set lines load");
    assert_eq!(reloaded, tree);
    assert_eq!(parse_config(&shown).expect("reload"), tree);
}

#[test]
fn the_block_form_loads_to_the_same_tree() {
    let blocks = "\
access {
    terminate-code {
        aaa {
            shutdown idle-timeout {
                radius 10;
            }
        }
        l2tp session-rx-cdn {
            radius 12;
        }
    }
}
";
    let one_line = "\
access {
    terminate-code {
        aaa shutdown idle-timeout radius 10;
        l2tp session-rx-cdn radius 12;
    }
}
";
    assert_eq!(
        parse_config(blocks).unwrap_or_else(|e| panic!("{e}")),
        parse_config(one_line).unwrap_or_else(|e| panic!("{e}"))
    );
}

#[test]
fn remaps_reach_the_typed_view() {
    let config = router_config(&parse_config(REMAPS).expect("loads"));
    let codes = &config.terminate_codes;
    assert_eq!(codes.code(Protocol::Aaa, "shutdown idle-timeout"), Some(10));
    assert_eq!(
        codes.configured(Protocol::Aaa, "deny server-request-timeout"),
        Some(9)
    );
    assert_eq!(
        codes.code(Protocol::L2tp, "session-rx-cdn"),
        Some(4_294_967_295)
    );
    assert_eq!(codes.code(Protocol::Ppp, "pppoe-padt-received"), Some(2));
    // What is not remapped keeps its default.
    assert_eq!(
        codes.configured(Protocol::L2tp, "session-admin-close"),
        None
    );
    assert_eq!(codes.code(Protocol::L2tp, "session-admin-close"), Some(6));
    assert_eq!(
        router_config(&crate::tree::Node::default()).terminate_codes,
        TerminateCodes::default()
    );
}

#[test]
fn an_unknown_reason_is_refused_with_what_is_allowed() {
    let base = crate::tree::Node::default();
    let error = apply_set_lines(
        &base,
        "set access terminate-code l2tp session-rx-cdm radius 10",
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("session-rx-cdm"), "{error}");
    assert!(
        error.contains("expecting one of issu-in-progress, session-access-interface-down"),
        "{error}"
    );
    let error = apply_set_lines(
        &base,
        "set access terminate-code aaa shutdown idle radius 10",
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("idle-timeout, session-timeout, administrative-reset, remote-reset"),
        "{error}"
    );
    for bad in [
        "set access terminate-code l2tp session-rx-cdn radius 0",
        "set access terminate-code l2tp session-rx-cdn radius 4294967296",
        "set access terminate-code lcp session-rx-cdn radius 1",
    ] {
        assert!(apply_set_lines(&base, bad).is_err(), "{bad}");
    }
}

#[test]
fn a_remap_without_its_code_is_refused_at_commit() {
    let tree = apply_set_lines(
        &crate::tree::Node::default(),
        "set access terminate-code l2tp session-rx-cdn",
    )
    .expect("loads");
    let (errors, _) = check(&tree).unwrap_err();
    assert!(
        errors.iter().any(|e| e.message.contains("'radius'")),
        "{errors:?}"
    );
}

#[test]
fn reasons_this_router_never_raises_warn_and_the_others_do_not() {
    let tree = apply_set_lines(
        &crate::tree::Node::default(),
        "\
set access terminate-code aaa shutdown idle-timeout radius 10
set access terminate-code aaa deny no-resources radius 9
set access terminate-code l2tp issu-in-progress radius 9
set access terminate-code dhcp nak radius 4
",
    )
    .expect("loads");
    let warnings = check(&tree).expect("commits");
    assert_eq!(
        warnings,
        [
            "warning: [edit access terminate-code] 'dhcp nak': statement has no effect: this router serves no DHCP subscribers",
            "warning: [edit access terminate-code] 'aaa deny no-resources': this router never ends a subscriber for this reason; the code is shown but never sent",
            "warning: [edit access terminate-code] 'l2tp issu-in-progress': this router never ends a subscriber for this reason; the code is shown but never sent",
        ],
        "{warnings:#?}"
    );
}

#[test]
fn a_dhcp_reason_outside_junos_list_is_refused_with_what_is_allowed() {
    let base = crate::tree::Node::default();
    let error = apply_set_lines(
        &base,
        "set access terminate-code dhcp lease-time-expired radius 4",
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("lease-time-expired"), "{error}");
    assert!(
        error.contains("expecting one of client-request, lost-carrier, nak, nas-logout, no-offers"),
        "{error}"
    );
}

#[test]
fn every_dhcp_reason_loads_warns_and_shows_only_as_configured() {
    for (i, reason) in DHCP_NAMES.iter().enumerate() {
        let code = 100 + i as u32;
        let tree = apply_set_lines(
            &crate::tree::Node::default(),
            &format!("set access terminate-code dhcp {reason} radius {code}\n"),
        )
        .unwrap_or_else(|e| panic!("{reason}: {e}"));
        let warnings = check(&tree).expect("commits");
        assert_eq!(
            warnings,
            [format!(
                "warning: [edit access terminate-code] 'dhcp {reason}': statement has no effect: this router serves no DHCP subscribers"
            )]
        );
        let codes = router_config(&tree).terminate_codes;
        assert_eq!(codes.code(Protocol::Dhcp, reason), Some(code));
        // No default is known for a DHCP reason: the show lists what is configured, and
        // no default beside it.
        let shown = information(&codes, Some(Protocol::Dhcp));
        let rows: Vec<_> = shown.protocols[0]
            .reasons
            .iter()
            .map(|r| (r.reason.as_str(), r.code, r.default_code))
            .collect();
        assert_eq!(rows, [(*reason, code, None)]);
    }
}

/// The last rows read of Juniper's L2TP and PPP tables load, remap and show with their
/// default beside the remap (the rows past them could not be read; see the module).
#[test]
fn the_last_rows_read_of_each_table_parse_remap_and_show_their_default() {
    for (protocol, keyword, reason, default) in [
        (Protocol::L2tp, "l2tp", "session-rx-iccn-avp-bad-hidden", 10),
        (Protocol::Ppp, "ppp", "bundle-fail-static-link", 10),
        (Protocol::Aaa, "aaa", "shutdown remote-reset", 10),
    ] {
        assert_eq!(
            protocol.reason(reason).map(|r| r.code),
            Some(default),
            "{reason}"
        );
        let tree = apply_set_lines(
            &crate::tree::Node::default(),
            &format!("set access terminate-code {keyword} {reason} radius 3000000000\n"),
        )
        .unwrap_or_else(|e| panic!("{reason}: {e}"));
        let codes = router_config(&tree).terminate_codes;
        assert_eq!(
            codes.code(protocol, reason),
            Some(3_000_000_000),
            "{reason}"
        );
        let shown = information(&codes, Some(protocol));
        let row = shown.protocols[0]
            .reasons
            .iter()
            .find(|r| r.reason == reason)
            .unwrap_or_else(|| panic!("{reason} not shown"));
        assert_eq!((row.code, row.default_code), (3_000_000_000, Some(default)));
    }
}
