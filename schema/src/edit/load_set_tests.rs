use super::*;
use crate::parse::test_schema::TEST_ROOT;

fn load(text: &str) -> Result<Node, Vec<SetLineError>> {
    apply(&TEST_ROOT, &Node::default(), text, &[])
}

#[test]
fn comments_and_blank_lines_are_ignored() {
    let tree = load("# a comment\n\n   # indented\r\nset system host-name r1\n").unwrap();
    assert_eq!(tree.children.len(), 1);
}

#[test]
fn every_failing_line_is_reported_and_nothing_loads() {
    let text = "set system host-name r1\n\
                set foo bar\n\
                set access tunnel-profile tp1 tunnel 99 preference 1\n\
                set interfaces ge-0/0/1 unit 0 family inet adress 127.0.0.1/24\n\
                show system\n\
                set system host-name\n";
    let errors = load(text).unwrap_err();
    assert_eq!(
        errors,
        vec![
            SetLineError {
                line: 2,
                column: 5,
                edit_path: String::new(),
                statement: "foo bar".into(),
                word: "foo".into(),
                message: "syntax error.".into(),
            },
            SetLineError {
                line: 3,
                column: 38,
                edit_path: "access tunnel-profile tp1".into(),
                statement: "99 preference 1".into(),
                word: "99".into(),
                message: "Value 99 is not within range (1..31)".into(),
            },
            SetLineError {
                line: 4,
                column: 44,
                edit_path: "interfaces ge-0/0/1 unit 0 family inet".into(),
                statement: "adress 127.0.0.1/24".into(),
                word: "adress".into(),
                message: "syntax error.".into(),
            },
            SetLineError {
                line: 5,
                column: 1,
                edit_path: String::new(),
                statement: "show system".into(),
                word: "show".into(),
                message: "syntax error, expecting <command>.".into(),
            },
            SetLineError {
                line: 6,
                column: 21,
                edit_path: "system".into(),
                statement: "host-name".into(),
                word: String::new(),
                message: "missing argument.".into(),
            },
        ]
    );
}

#[test]
fn relative_lines_name_the_level_they_reached() {
    let level = [NodeId::new("access")];
    let errors = apply(
        &TEST_ROOT,
        &Node::default(),
        "set profile P bogus 1",
        &level,
    )
    .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].edit_path, "access profile P");
    assert_eq!(errors[0].word, "bogus");
    assert_eq!(errors[0].column, 15);
    let errors = apply(
        &TEST_ROOT,
        &Node::default(),
        "set x",
        &[NodeId::new("nope")],
    )
    .unwrap_err();
    assert!(errors[0].message.starts_with("invalid level"));
}

/// Each error as (line, message).
fn line_messages(errors: &[SetLineError]) -> Vec<(usize, &str)> {
    errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect()
}

#[test]
fn junos_statements_this_router_lacks_are_named_not_supported() {
    let errors = apply(
        &crate::table::ROOT,
        &Node::default(),
        "set protocols bgp group ibgp type internal\n\
         set firewall three-color-policer p action loss-priority high then discard\n\
         set system host-name r1\n\
         set sytem host-name r1\n",
        &[],
    )
    .unwrap_err();
    assert_eq!(
        line_messages(&errors),
        vec![
            (
                1,
                "'bgp' under [edit protocols] is not supported by this router."
            ),
            (
                2,
                "'three-color-policer' under [edit firewall] is not supported by this router."
            ),
            (4, "syntax error."),
        ]
    );
}

/// `system internet-options` holds `icmpv4-rate-limit` (Junos' ranges, 0 to 2^32 - 1); its
/// other Junos statements are named as not supported.
#[test]
fn internet_options_check_the_icmpv4_rate_limit_and_name_what_is_not_supported() {
    let root = &crate::table::ROOT;
    let tree = apply(
        root,
        &Node::default(),
        "set system internet-options icmpv4-rate-limit packet-rate 50 bucket-size 2\n",
        &[],
    )
    .unwrap();
    assert_eq!(
        crate::print::to_text(&[], &tree),
        "system {\n    internet-options {\n        \
         icmpv4-rate-limit bucket-size 2 packet-rate 50;\n    }\n}\n"
    );
    let errors = apply(
        root,
        &Node::default(),
        "set system internet-options icmpv4-rate-limit packet-rate 4294967296\n\
         set system internet-options icmpv4-rate-limit bucket-size -1\n\
         set system internet-options gre-path-mtu-discovery\n",
        &[],
    )
    .unwrap_err();
    assert_eq!(
        line_messages(&errors),
        vec![
            (1, "Value 4294967296 is not within range (0..4294967295)"),
            (2, "invalid numeric value: '-1'"),
            (
                3,
                "'gre-path-mtu-discovery' under [edit system internet-options] is not supported by this router."
            ),
        ]
    );
}

/// A quoted `[` or `]` is a value, not the bracket of a list: `| display set` quotes a
/// delimiter `[` so that it reads back (found by the round-trip property test).
#[test]
fn a_quoted_bracket_is_a_value_not_a_list_bracket() {
    let root = &crate::table::ROOT;
    let tree = apply(
        root,
        &Node::default(),
        "set access profile p session-options strip-user-name delimiter \"[\"\n\
         set access profile q session-options strip-user-name delimiter [ \"]\" @ ]\n",
        &[],
    )
    .unwrap();
    let text = crate::print::to_text(&[], &tree);
    assert!(
        text.contains("delimiter \"[\";"),
        "the quoted '[' is the value:\n{text}"
    );
    assert!(
        text.contains("delimiter [ \"]\" @ ];"),
        "a quoted ']' inside a list is one of its values:\n{text}"
    );
    // Unquoted, the brackets still open and close a list, and an open one is an error.
    let errors = apply(
        root,
        &Node::default(),
        "set access profile p session-options strip-user-name delimiter [ @\n",
        &[],
    )
    .unwrap_err();
    assert_eq!(
        line_messages(&errors),
        vec![(1, "syntax error, expecting ']'.")]
    );
}
