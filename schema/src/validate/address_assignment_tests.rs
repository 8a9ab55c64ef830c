//! `[edit access address-assignment]` and `[edit access domain]` as Junos writes them: pool
//! links, exclusions, hold-down, active-drain, the utilization marks, address protection,
//! the domain delimiter and parse direction: syntax, ranges, printing, `| display set`, and
//! the commit errors.

use super::test_errors::errors;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_set_lines, to_text};
use crate::tree::Node;

const SET: &str = "\
set access address-assignment pool P1 family inet network 198.18.0.0/24
set access address-assignment pool P1 family inet range R1 low 198.18.0.2
set access address-assignment pool P1 family inet range R1 high 198.18.0.99
set access address-assignment pool P1 link P2
set access address-assignment pool P1 family inet excluded-address 198.18.0.9
set access address-assignment pool P1 family inet excluded-range X1 low 198.18.0.20 high 198.18.0.29
set access address-assignment pool P1 hold-down
set access address-assignment pool P1 active-drain
set access address-assignment pool P2 family inet network 198.18.1.0/24
set access address-assignment pool P2 family inet range R2 low 198.18.1.2
set access address-assignment pool P2 family inet range R2 high 198.18.1.99
set access address-assignment high-utilization 90
set access address-assignment abated-utilization 80
set access address-assignment linked-pool-aggregation
set access address-protection reassign-on-match
set access domain delimiter \"@!\"
set access domain parse-direction left-to-right
";

/// What `show configuration access` prints for [`SET`]: Junos' order, the exclusions
/// where Junos writes them, `excluded-range` on one line.
const TEXT: &str = "\
access {
    address-assignment {
        abated-utilization 80;
        high-utilization 90;
        linked-pool-aggregation;
        pool P1 {
            active-drain;
            family inet {
                network 198.18.0.0/24;
                excluded-address 198.18.0.9;
                excluded-range X1 low 198.18.0.20 high 198.18.0.29;
                range R1 {
                    low 198.18.0.2;
                    high 198.18.0.99;
                }
            }
            hold-down;
            link P2;
        }
        pool P2 {
            family inet {
                network 198.18.1.0/24;
                range R2 {
                    low 198.18.1.2;
                    high 198.18.1.99;
                }
            }
        }
    }
    address-protection {
        reassign-on-match;
    }
    domain {
        delimiter @!;
        parse-direction left-to-right;
    }
}
";

#[test]
fn junos_pool_and_domain_statements_load_print_and_reload() {
    let tree = apply_set_lines(&Node::default(), SET).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &tree), TEXT);
    assert_eq!(parse_config(TEXT).unwrap_or_else(|e| panic!("{e}")), tree);
    let set_lines = to_set_lines(&[], &tree);
    assert_eq!(
        apply_set_lines(&Node::default(), &set_lines).unwrap_or_else(|e| panic!("{e}")),
        tree
    );
    // Nothing of it is refused, and each statement acts.
    let warnings = super::check(&tree).unwrap_or_else(|(e, s)| panic!("{s}: {e:?}"));
    assert_eq!(warnings, Vec::<String>::new());
}

#[test]
fn the_typed_view_reads_links_exclusions_hold_down_and_domain_parsing() {
    let tree = apply_set_lines(&Node::default(), SET).unwrap_or_else(|e| panic!("{e}"));
    let config = crate::typed::router_config(&tree);
    let p1 = &config.address_pools["P1"];
    assert_eq!(p1.link.as_deref(), Some("P2"));
    assert!(p1.hold_down);
    let excluded: Vec<(String, String, String)> = p1
        .excluded
        .iter()
        .map(|(k, r)| (k.clone(), r.low.to_string(), r.high.to_string()))
        .collect();
    assert_eq!(
        excluded,
        [
            ("excluded-address 198.18.0.9", "198.18.0.9", "198.18.0.9"),
            ("excluded-range X1", "198.18.0.20", "198.18.0.29"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    assert!(!config.address_pools["P2"].hold_down);
    assert_eq!(config.pool_utilization.high, Some(90));
    assert_eq!(config.pool_utilization.abated, Some(80));
    assert!(config.address_policy.linked_pool_aggregation);
    assert!(config.address_policy.reassign_on_match);
    assert_eq!(config.domain_parsing.delimiters, "@!");
    assert_eq!(
        config.domain_parsing.direction,
        crate::typed::ParseDirection::LeftToRight
    );
    // Junos' defaults: `@`, from the right.
    let plain = crate::typed::router_config(&Node::default());
    assert_eq!(plain.domain_parsing.delimiters, "@");
    assert_eq!(
        plain.domain_parsing.direction,
        crate::typed::ParseDirection::RightToLeft
    );
}

#[test]
fn utilization_marks_are_junos_percentages() {
    for (line, message) in [
        (
            "set access address-assignment high-utilization 100",
            "Value 100 is not within range (2..99)",
        ),
        (
            "set access address-assignment high-utilization 1",
            "Value 1 is not within range (2..99)",
        ),
        (
            "set access address-assignment abated-utilization 99",
            "Value 99 is not within range (1..98)",
        ),
        (
            "set access domain parse-direction backwards",
            "invalid value 'backwards': expecting one of left-to-right, right-to-left",
        ),
    ] {
        let error = apply_set_lines(&Node::default(), line).expect_err(line);
        assert!(error.to_string().contains(message), "{line}: {error}");
    }
}

const TWO_POOLS: &str = "\
set access address-assignment pool A family inet network 198.18.0.0/24
set access address-assignment pool A family inet range r low 198.18.0.2
set access address-assignment pool A family inet range r high 198.18.0.9
set access address-assignment pool B family inet network 198.18.1.0/24
set access address-assignment pool B family inet range r low 198.18.1.2
set access address-assignment pool B family inet range r high 198.18.1.9
";

fn set_errors(extra: &str) -> Vec<(String, String, String)> {
    let tree = apply_set_lines(&Node::default(), &format!("{TWO_POOLS}{extra}"))
        .unwrap_or_else(|e| panic!("{e}"));
    errors(&crate::print::to_text(&[], &tree))
}

fn error(path: &str, statement: &str, message: &str) -> (String, String, String) {
    (path.into(), statement.into(), message.into())
}

#[test]
fn exclusions_outside_the_network_or_reversed_are_refused() {
    let inet = "access address-assignment pool A family inet";
    assert_eq!(
        set_errors(&format!(
            "set {inet} excluded-address 198.18.1.9\n\
             set {inet} excluded-range X low 198.18.0.250 high 198.18.1.3\n\
             set {inet} excluded-range Y low 198.18.0.8 high 198.18.0.4\n"
        )),
        vec![
            error(
                inet,
                "excluded-address 198.18.1.9",
                "Excluded addresses are outside network 198.18.0.0/24"
            ),
            error(
                inet,
                "excluded-range X",
                "Excluded addresses are outside network 198.18.0.0/24"
            ),
            error(
                inet,
                "excluded-range Y",
                "Excluded range low address 198.18.0.8 is above high address 198.18.0.4"
            ),
        ]
    );
}

#[test]
fn a_loop_of_linked_pools_is_refused_naming_its_pools() {
    assert_eq!(
        set_errors(
            "set access address-assignment pool A link B\n\
             set access address-assignment pool B link A\n"
        ),
        vec![error(
            "access address-assignment pool A",
            "link B",
            "Address pools link in a loop: A -> B -> A"
        )]
    );
    assert_eq!(
        set_errors("set access address-assignment pool A link A\n"),
        vec![error(
            "access address-assignment pool A",
            "link A",
            "Address pools link in a loop: A -> A"
        )]
    );
}

#[test]
fn a_pool_is_linked_from_one_pool_at_most() {
    let third = "\
set access address-assignment pool C family inet network 198.18.2.0/24
set access address-assignment pool A link C
set access address-assignment pool B link C
";
    let message = "Address pool C is linked from more than one pool (A, B): a pool may be \
                   linked from one pool only";
    assert_eq!(
        set_errors(third),
        vec![
            error("access address-assignment pool A", "link C", message),
            error("access address-assignment pool B", "link C", message),
        ]
    );
    // A chain A -> B -> C is Junos' own example, and commits.
    let tree = apply_set_lines(
        &Node::default(),
        &format!(
            "{TWO_POOLS}set access address-assignment pool C family inet network 198.18.2.0/24\n\
             set access address-assignment pool A link B\n\
             set access address-assignment pool B link C\n"
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(super::check(&tree).is_ok());
}

#[test]
fn abated_utilization_lies_below_high_utilization() {
    assert_eq!(
        set_errors(
            "set access address-assignment high-utilization 80\n\
             set access address-assignment abated-utilization 80\n"
        ),
        vec![error(
            "access address-assignment",
            "abated-utilization 80",
            "abated-utilization must be below high-utilization (80)"
        )]
    );
    let tree = apply_set_lines(
        &Node::default(),
        &format!("{TWO_POOLS}set access address-assignment abated-utilization 70\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let warnings = super::check(&tree).unwrap_or_else(|(e, s)| panic!("{s}: {e:?}"));
    assert_eq!(
        warnings,
        [
            "warning: [edit access address-assignment] 'abated-utilization': statement has no \
          effect without high-utilization"
        ]
    );
}

#[test]
fn a_delimiter_is_neither_a_semicolon_nor_a_blank() {
    for delimiter in ["\"@;\"", "\"@ !\""] {
        let found = set_errors(&format!("set access domain delimiter {delimiter}\n"));
        assert_eq!(found.len(), 1, "{delimiter}: {found:?}");
        assert_eq!(
            found[0].2, "A delimiter is one to eight characters, neither ';' nor a blank",
            "{delimiter}"
        );
    }
    let error = apply_set_lines(&Node::default(), "set access domain delimiter @!#$%^&*(")
        .expect_err("nine characters");
    assert!(error.to_string().contains("8"), "{error}");
}

#[test]
fn address_protection_alone_and_reassign_on_match_commit_without_warning() {
    for lines in [
        "set access address-protection\n",
        "set access address-protection reassign-on-match\n",
    ] {
        let tree = apply_set_lines(&Node::default(), lines).unwrap_or_else(|e| panic!("{e}"));
        let warnings = super::check(&tree).unwrap_or_else(|(e, s)| panic!("{s}: {e:?}"));
        assert_eq!(warnings, Vec::<String>::new(), "{lines}");
        let config = crate::typed::router_config(&tree);
        assert_eq!(
            config.address_policy.reassign_on_match,
            lines.contains("reassign-on-match")
        );
    }
    let plain = crate::typed::router_config(&Node::default());
    assert_eq!(plain.address_policy, crate::typed::AddressPolicy::default());
}
