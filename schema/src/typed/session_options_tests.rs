//! An access profile's `session-options` and `radius attributes exclude / ignore`, as Junos
//! BNG configurations write them: loaded through the real parser, printed back unchanged,
//! reloaded from `| display set`, read into the typed view.

use super::*;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::Node;
use crate::validate::check;

const PROFILE: &str = "\
access {
    group-profile users {
        ppp {
            idle-timeout 900;
        }
    }
    profile RAD {
        authentication-order radius;
        client alice {
            group-profile users;
        }
        client bob {
            group-profile users;
            ppp {
                idle-timeout 0;
            }
        }
        radius {
            authentication-server 127.0.0.1;
            attributes {
                exclude {
                    calling-station-id [ access-request accounting-start ];
                    class accounting-stop;
                    event-timestamp [ accounting-on accounting-start ];
                    nas-port-id access-request;
                }
                ignore {
                    framed-ip-netmask;
                    logical-system:routing-instance;
                }
            }
        }
        radius-server {
            127.0.0.1 {
                secret \"$9$pcG9u1hSyKW871I-wYgUDk.PTnCOBErK8\"; ## SECRET-DATA
            }
        }
        session-options {
            client-idle-timeout 30;
            client-idle-timeout-ingress-only;
            client-session-timeout 1440;
        }
    }
}
";

fn config() -> RouterConfig {
    router_config(&parse_config(PROFILE).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn session_options_and_attribute_filters_print_back_and_reload_from_set_lines() {
    let root = parse_config(PROFILE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &root), PROFILE);
    let sets = to_set_lines(&[], &root);
    for line in [
        "set access profile RAD session-options client-idle-timeout 30\n",
        "set access profile RAD session-options client-session-timeout 1440\n",
        "set access profile RAD session-options client-idle-timeout-ingress-only\n",
        "set access profile RAD radius attributes exclude nas-port-id access-request\n",
        "set access profile RAD radius attributes exclude calling-station-id access-request\n",
        "set access profile RAD radius attributes exclude calling-station-id accounting-start\n",
        "set access profile RAD radius attributes ignore framed-ip-netmask\n",
        "set access profile RAD radius attributes ignore logical-system:routing-instance\n",
        "set access group-profile users ppp idle-timeout 900\n",
    ] {
        assert!(sets.contains(line), "{line} in {sets}");
    }
    let reloaded = apply_set_lines(&Node::default(), &sets).expect("set lines load");
    assert_eq!(reloaded, root);
}

#[test]
fn the_profile_limits_are_read_in_seconds() {
    let c = config();
    let options = c.access_profiles["RAD"].session_options.clone();
    assert_eq!(
        options,
        SessionOptions {
            idle_timeout: Some(30 * 60),
            idle_ingress_only: true,
            session_timeout: Some(1440 * 60),
            strip_user_name: None,
        }
    );
}

#[test]
fn a_client_takes_its_group_idle_timeout_unless_it_writes_its_own() {
    let c = config();
    let clients = &c.access_profiles["RAD"].clients;
    assert_eq!(clients["alice"].ppp.idle_timeout, Some(900));
    assert_eq!(clients["bob"].ppp.idle_timeout, Some(0));
}

#[test]
fn excluded_attributes_are_read_per_message_and_ignored_ones_as_flags() {
    let c = config();
    let profile = &c.access_profiles["RAD"];
    let from = |m| profile.radius_exclude.from_message(m).collect::<Vec<_>>();
    assert_eq!(
        from(RadiusMessage::AccessRequest),
        ["calling-station-id", "nas-port-id"]
    );
    assert_eq!(
        from(RadiusMessage::AccountingStart),
        ["calling-station-id", "event-timestamp"]
    );
    assert_eq!(from(RadiusMessage::AccountingStop), ["class"]);
    assert!(profile.radius_ignore.routing_instance);
    assert!(!profile.radius_ignore.input_filter);
}

#[test]
fn the_junos_ranges_bound_the_timeouts() {
    let set = |line: &str| apply_set_lines(&Node::default(), &format!("{line}\n"));
    let base = "set access profile RAD session-options";
    for ok in [
        "client-idle-timeout 10",
        "client-idle-timeout 1440",
        "client-session-timeout 1",
        "client-session-timeout 527040",
    ] {
        assert!(set(&format!("{base} {ok}")).is_ok(), "{ok}");
    }
    for (bad, range) in [
        ("client-idle-timeout 9", "(10..1440)"),
        ("client-idle-timeout 1441", "(10..1440)"),
        ("client-session-timeout 0", "(1..527040)"),
        ("client-session-timeout 527041", "(1..527040)"),
    ] {
        let error = set(&format!("{base} {bad}")).expect_err(bad).to_string();
        assert!(error.contains(range), "{bad}: {error}");
    }
    let error = set("set access profile RAD radius attributes exclude nas-port-id accounting")
        .expect_err("not a message")
        .to_string();
    assert!(error.contains("accounting"), "{error}");
}

#[test]
fn excluding_an_attribute_never_sent_is_named_at_commit() {
    let root = parse_config(PROFILE).unwrap_or_else(|e| panic!("{e}"));
    let warnings = check(&root).expect("commits");
    let class = warnings
        .iter()
        .find(|w| w.contains("'class'"))
        .unwrap_or_else(|| panic!("class named in {warnings:?}"));
    assert!(class.contains("does not send"), "{class}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("'event-timestamp'") && w.contains("no Accounting-On")),
        "accounting-on named: {warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("nas-port-id")),
        "nas-port-id is sent: {warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("idle-timeout")),
        "idle timeouts are enforced: {warnings:?}"
    );
}

/// Junos' statement page writes `session-options` whole: `client-group`, `pcc-context` and
/// `strip-user-name` beside the limits.
const JUNOS_OPTIONS: &str = "\
access {
    profile RAD {
        session-options {
            client-group [ staff lab ];
            client-idle-timeout 30;
            pcc-context {
                input-service-set-name ss-in;
                output-service-set-name ss-out;
                profile-name pcef1;
            }
            strip-user-name {
                delimiter [ / @ \"$\" % \"#\" ];
                parse-direction right-to-left;
            }
        }
    }
}
";

#[test]
fn junos_session_options_load_print_as_junos_and_reload_from_set_lines() {
    let root = parse_config(JUNOS_OPTIONS).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &root), JUNOS_OPTIONS);
    let sets = to_set_lines(&[], &root);
    for line in [
        "set access profile RAD session-options client-group staff\n",
        "set access profile RAD session-options client-group lab\n",
        "set access profile RAD session-options pcc-context profile-name pcef1\n",
        "set access profile RAD session-options strip-user-name delimiter /\n",
        "set access profile RAD session-options strip-user-name parse-direction right-to-left\n",
    ] {
        assert!(sets.contains(line), "{line} in {sets}");
    }
    let reloaded = apply_set_lines(&Node::default(), &sets).expect("set lines load");
    assert_eq!(reloaded, root);
}

#[test]
fn client_group_and_pcc_context_are_named_at_commit_and_strip_user_name_is_not() {
    let root = parse_config(JUNOS_OPTIONS).unwrap_or_else(|e| panic!("{e}"));
    let warnings = check(&root).expect("commits");
    let named = |word: &str| warnings.iter().filter(|w| w.contains(word)).count();
    assert_eq!(named("client-group"), 1, "{warnings:?}");
    assert_eq!(named("pcc-context"), 1, "{warnings:?}");
    assert_eq!(named("strip-user-name"), 0, "{warnings:?}");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
}

#[test]
fn strip_user_name_cuts_at_the_first_delimiter_in_the_parse_direction() {
    let strip = |lines: &str| {
        let tree = apply_set_lines(&Node::default(), lines).unwrap_or_else(|e| panic!("{e}"));
        router_config(&tree).access_profiles["RAD"]
            .session_options
            .clone()
    };
    let base =
        "set access profile RAD session-options strip-user-name delimiter [ / @ $ % \"#\" ]\n";
    // Junos' own examples: the default direction is left-to-right.
    let left = strip(base);
    assert_eq!(left.stripped_user_name("drgt21@example.com$84"), "drgt21");
    let right = strip(&format!(
        "{base}set access profile RAD session-options strip-user-name parse-direction right-to-left\n"
    ));
    assert_eq!(
        right.stripped_user_name("drgt21@example.com$84"),
        "drgt21@example.com"
    );
    // No delimiter in the name, or none configured: unchanged.
    assert_eq!(left.stripped_user_name("plain"), "plain");
    let none = strip(
        "set access profile RAD session-options strip-user-name parse-direction left-to-right\n",
    );
    assert_eq!(none.strip_user_name, None);
    assert_eq!(none.stripped_user_name("a@b"), "a@b");
}

#[test]
fn a_strip_user_name_delimiter_is_one_character_and_not_a_blank() {
    let set = |line: &str| apply_set_lines(&Node::default(), &format!("{line}\n"));
    let base = "set access profile RAD session-options strip-user-name delimiter";
    let error = set(&format!("{base} @@"))
        .expect_err("two characters")
        .to_string();
    assert!(error.contains('1'), "{error}");
    let blank = set(&format!("{base} \" \"")).expect("loads");
    let (errors, _) = check(&blank).expect_err("a blank is refused");
    assert!(
        errors
            .iter()
            .any(|e| e.message == "A delimiter is one character, not a blank"),
        "{errors:?}"
    );
}
