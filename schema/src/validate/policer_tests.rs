//! `[edit firewall policer]` and a term's `then policer P`: Junos text in and out, the typed
//! view (decimal suffixes), the ranges, and the commit errors of a policer that is not
//! defined (named, or deleted while a filter names it).

use super::check;
use super::test_errors::errors;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::Node;
use crate::typed::{router_config, FilterAction, Policer};

/// A speed plan as Junos BNG configurations write it, in both filter forms.
const PLAN: &str = r#"firewall {
    family inet {
        filter 10Mbps {
            interface-specific;
            term 1 {
                then {
                    policer p_10Mbps_limit;
                    accept;
                }
            }
        }
    }
    filter legacy {
        term web {
            from {
                protocol tcp;
            }
            then {
                policer shared;
                count web;
            }
        }
        term rest {
            then policer shared;
        }
    }
    policer p_10Mbps_limit {
        if-exceeding {
            bandwidth-limit 10m;
            burst-size-limit 1m;
        }
        then discard;
    }
    policer shared {
        filter-specific;
        if-exceeding {
            bandwidth-limit 8001;
            burst-size-limit 1500;
        }
        then discard;
    }
}
"#;

#[test]
fn a_policer_loads_prints_as_junos_and_reloads_from_set_lines() {
    let root = parse_config(PLAN).expect("parses");
    assert_eq!(to_text(&[], &root), PLAN);
    let sets = to_set_lines(&[], &root);
    for line in [
        "set firewall family inet filter 10Mbps term 1 then policer p_10Mbps_limit\n",
        "set firewall family inet filter 10Mbps term 1 then accept\n",
        "set firewall filter legacy term rest then policer shared\n",
        "set firewall policer p_10Mbps_limit if-exceeding bandwidth-limit 10m\n",
        "set firewall policer p_10Mbps_limit if-exceeding burst-size-limit 1m\n",
        "set firewall policer p_10Mbps_limit then discard\n",
        "set firewall policer shared filter-specific\n",
    ] {
        assert!(sets.contains(line), "{line} in {sets}");
    }
    let reloaded = apply_set_lines(&Node::default(), &sets).expect("set lines load");
    assert_eq!(reloaded, root);
    assert_eq!(check(&root), Ok(vec![]));
}

#[test]
fn the_typed_view_gives_each_term_its_policer_in_bits_and_bytes() {
    let config = router_config(&parse_config(PLAN).expect("parses"));
    let plan = &config.firewall_filters["10Mbps"].terms[0];
    let ten = Policer {
        bandwidth_limit: 10_000_000,
        burst_size_limit: 1_000_000,
        filter_specific: false,
    };
    assert_eq!(plan.policer, Some(("p_10Mbps_limit".into(), ten)));
    assert_eq!(plan.action, FilterAction::Accept);
    let legacy = &config.firewall_filters["legacy"];
    let shared = Policer {
        bandwidth_limit: 8001,
        burst_size_limit: 1500,
        filter_specific: true,
    };
    assert_eq!(legacy.terms[0].policer, Some(("shared".into(), shared)));
    assert_eq!(legacy.terms[0].count.as_deref(), Some("web"));
    assert_eq!(
        legacy.terms[1].action,
        FilterAction::Accept,
        "a policer alone accepts what it lets through"
    );
}

#[test]
fn values_are_written_with_junos_decimal_suffixes_within_its_ranges() {
    let set = |line: &str| apply_set_lines(&Node::default(), &format!("{line}\n"));
    let root = set("set firewall policer P if-exceeding bandwidth-limit 10000000").expect("ok");
    assert!(to_text(&[], &root).contains("bandwidth-limit 10m;"));
    let root = set("set firewall policer P if-exceeding burst-size-limit 1500k").expect("ok");
    assert!(to_text(&[], &root).contains("burst-size-limit 1500k;"));
    assert!(set("set firewall policer P if-exceeding bandwidth-limit 100g").is_ok());
    for (line, message) in [
        (
            "set firewall policer P if-exceeding bandwidth-limit 7999",
            "Value 7999 is not within range (8000..100000000000)",
        ),
        (
            "set firewall policer P if-exceeding bandwidth-limit 101g",
            "Value 101g is not within range (8000..100000000000)",
        ),
        (
            "set firewall policer P if-exceeding burst-size-limit 1499",
            "Value 1499 is not within range (1500..10000000000)",
        ),
        // Juniper's table for a single-rate two-color policer's burst: up to 10 GB.
        (
            "set firewall policer P if-exceeding burst-size-limit 11g",
            "Value 11g is not within range (1500..10000000000)",
        ),
        (
            "set firewall policer P if-exceeding burst-size-limit 1.5m",
            "invalid numeric value: '1.5m'",
        ),
    ] {
        let e = set(line).expect_err(line);
        assert!(format!("{e:?}").contains(message), "{line}: {e:?}");
    }
}

#[test]
fn a_policer_that_is_not_defined_is_named_where_a_term_uses_it() {
    let text = "firewall {
        family inet { filter F { term 1 { then { policer NOPE; accept; } } } }
        filter G { term 2 { then policer GONE; } } }";
    assert_eq!(
        errors(text),
        [
            (
                "firewall family inet filter F term 1 then".to_string(),
                "policer NOPE".to_string(),
                "Referenced policer is not defined".to_string()
            ),
            (
                "firewall filter G term 2 then".to_string(),
                "policer GONE".to_string(),
                "Referenced policer is not defined".to_string()
            ),
        ]
    );
}

#[test]
fn deleting_a_policer_a_filter_uses_fails_the_commit_at_the_term() {
    let root = parse_config(PLAN).expect("parses");
    let deleted =
        apply_set_lines(&root, "delete firewall policer p_10Mbps_limit\n").expect("deletes");
    let (errors, _) = check(&deleted).expect_err("refused");
    let errors: Vec<(String, String, String)> = errors
        .into_iter()
        .map(|e| (crate::tree::path_words(&e.path), e.statement, e.message))
        .collect();
    assert_eq!(
        errors,
        [(
            "firewall family inet filter 10Mbps term 1 then".to_string(),
            "policer p_10Mbps_limit".to_string(),
            "Referenced policer is not defined".to_string()
        )]
    );
}

#[test]
fn a_policer_needs_its_limits_and_its_action() {
    let text = "firewall { policer P { if-exceeding { bandwidth-limit 1m; } } }";
    let root = parse_config(text).expect("parses");
    let (errors, summary) = check(&root).expect_err("refused");
    assert_eq!(summary, "commit failed: (missing mandatory statements)");
    let missing: Vec<String> = errors.iter().map(|e| format!("{e:?}")).collect();
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(
        missing.iter().any(|m| m.contains("burst-size-limit")),
        "{missing:?}"
    );
    assert!(missing.iter().any(|m| m.contains("then")), "{missing:?}");
}

#[test]
fn what_junos_policers_do_beyond_discard_is_named_as_not_supported() {
    for text in [
        "firewall { policer P { if-exceeding { bandwidth-percent 10; burst-size-limit 1m; } then discard; } }",
        "firewall { policer P { if-exceeding { bandwidth-limit 1m; burst-size-limit 1m; } then loss-priority high; } }",
        "firewall { policer P { if-exceeding { bandwidth-limit 1m; burst-size-limit 1m; } then forwarding-class be; } }",
        "firewall { policer P { logical-interface-policer; } }",
        "firewall { hierarchical-policer H; }",
        "interfaces { ge-0/0/0 { unit 0 { family inet { policer { input P; } } } } }",
    ] {
        let e = parse_config(text).expect_err(text);
        assert!(format!("{e:?}").contains("not supported"), "{text}: {e:?}");
    }
}

/// Some published forms write `accept;` after `then policer P;`, outside `then`: Junos reads
/// no `accept` directly under a term, and neither do we; the error names the statement.
#[test]
fn accept_outside_then_is_a_syntax_error_at_that_statement() {
    let text = "firewall { family inet { filter F { term 1 {
        then policer P;
        accept; } } } }";
    let e = parse_config(text).expect_err("refused");
    assert!(
        format!("{e:?}").contains(
            "'accept' is not a statement under [edit firewall family inet filter F term 1]"
        ),
        "{e:?}"
    );
}
