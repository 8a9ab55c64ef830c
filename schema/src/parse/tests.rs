use super::test_schema::TEST_ROOT;
use super::*;
use crate::print::brace_text_in;

fn parse(text: &str) -> Result<Node, LoadError> {
    parse_at(&TEST_ROOT, &[], text).map(|p| p.tree)
}

fn err(text: &str) -> (usize, usize, String) {
    let e = parse(text).unwrap_err();
    (e.line, e.column, e.message)
}

const SAMPLE: &str = "\
system {
    host-name r1;
    name-server [ 198.18.0.53 198.18.0.54 ];
    login {
        /* the operator */
        user alice {
            class super-user;
            full-name \"Alice \\\"A\\\" Smith\";
        }
    }
}
interfaces {
    ge-0/0/0 {
        description \"to LNS\";
        unit 0 {
            family inet {
                address 198.18.1.0/30;
            }
        }
    }
    inactive: lo0;
}
access {
    tunnel-profile tp2 {
        tunnel 1 {
            preference 1;
        }
        tunnel 2;
    }
    tunnel-profile tp1;
}
services {
    l2tp {
        drain;
    }
}
";

#[test]
fn sample_parses_and_prints_back_exactly() {
    let tree = parse(SAMPLE).unwrap();
    let host = tree
        .get(&[NodeId::new("system"), NodeId::new("host-name")])
        .unwrap();
    assert_eq!(host.values, vec!["r1"]);
    let user = tree
        .get(&[
            NodeId::new("system"),
            NodeId::new("login"),
            NodeId::entry("user", "alice"),
        ])
        .unwrap();
    assert_eq!(user.annotation.as_deref(), Some("the operator"));
    assert_eq!(
        user.children[&NodeId::new("full-name")].values,
        vec!["Alice \"A\" Smith"]
    );
    assert!(tree.children[&NodeId::entry("interfaces", "lo0")].inactive);
    assert_eq!(brace_text_in(&TEST_ROOT, &[], &tree), SAMPLE);
}

#[test]
fn canonical_order_from_any_written_order() {
    let text = "services { l2tp { drain; } }
access { tunnel-profile b { tunnel 10; tunnel 2; } tunnel-profile a; }
system { login { user x; } host-name r1; }";
    let tree = parse(text).unwrap();
    let top: Vec<String> = tree.children.keys().map(|k| k.to_string()).collect();
    assert_eq!(top, ["system", "access", "services"]);
    let system: Vec<String> = tree.children[0]
        .children
        .keys()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(system, ["host-name", "login"]);
    // Number-keyed entries sort by number; named entries keep the written order.
    let access = &tree.children[1];
    let profiles: Vec<String> = access.children.keys().map(|k| k.to_string()).collect();
    assert_eq!(profiles, ["tunnel-profile b", "tunnel-profile a"]);
    let tunnels: Vec<String> = access.children[0]
        .children
        .keys()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(tunnels, ["tunnel 2", "tunnel 10"]);
}

#[test]
fn comments_tags_and_secret_data_trailer() {
    let text = "# written by hand\nsystem { host-name \"r1\"; ## SECRET-DATA\n}\nprotect: replace: services { inactive: l2tp { drain; } }";
    let parsed = parse_at(&TEST_ROOT, &[], text).unwrap();
    assert_eq!(
        parsed
            .tree
            .get(&[NodeId::new("system"), NodeId::new("host-name")])
            .unwrap()
            .values,
        ["r1"]
    );
    assert!(
        parsed
            .tree
            .get(&[NodeId::new("services"), NodeId::new("l2tp")])
            .unwrap()
            .inactive
    );
    assert_eq!(parsed.replace, vec![vec![NodeId::new("services")]]);
}

#[test]
fn duplicate_statements_merge() {
    let tree = parse("system { host-name a; name-server 198.18.0.1; } system { host-name b; name-server [ 198.18.0.2 198.18.0.1 ]; }").unwrap();
    let system = &tree.children[&NodeId::new("system")];
    assert_eq!(system.children[&NodeId::new("host-name")].values, ["b"]);
    assert_eq!(
        system.children[&NodeId::new("name-server")].values,
        ["198.18.0.1", "198.18.0.2"]
    );
}

#[test]
fn grouped_list_written_either_way() {
    let a = parse("interfaces { ge-0/0/0 { disable; } }").unwrap();
    let b = parse("interfaces ge-0/0/0 { disable; }").unwrap();
    assert_eq!(a, b);
    assert!(a
        .get(&[
            NodeId::entry("interfaces", "ge-0/0/0"),
            NodeId::new("disable")
        ])
        .is_some());
}

#[test]
fn syntax_errors_name_what_was_expected() {
    assert_eq!(
        err("system {\n    host-name r1\n}"),
        (2, 17, "syntax error, expecting ';' after 'r1'".into())
    );
    assert_eq!(
        err("system {\n    host-name r1 ]\n}"),
        (
            2,
            18,
            "syntax error, expecting a word, ';', '{' or '['".into()
        )
    );
    assert_eq!(
        err("system { host-name \"r1; }"),
        (1, 20, "syntax error: unterminated quoted string".into())
    );
    assert_eq!(
        err("system {"),
        (1, 9, "syntax error, expecting '}'".into())
    );
    assert_eq!(err("}"), (1, 1, "syntax error: unexpected '}'".into()));
    assert_eq!(
        err("/* open"),
        (1, 1, "syntax error: unterminated annotation".into())
    );
}

#[test]
fn schema_errors_point_at_the_word() {
    assert_eq!(
        err("services {\n    l2tp {\n        foo;\n    }\n}"),
        (
            3,
            9,
            "syntax error: 'foo' is not a statement under [edit services l2tp]".into()
        )
    );
    assert_eq!(
        err("bogus;"),
        (
            1,
            1,
            "syntax error: 'bogus' is not a statement under [edit]".into()
        )
    );
    assert_eq!(
        err("services { l2tp { tunnel { idle-timeout 99999; } } }"),
        (1, 41, "Value 99999 is not within range (0..86400)".into())
    );
    assert_eq!(
        err("services { l2tp { drain 1; } }"),
        (1, 25, "syntax error: unexpected '1'".into())
    );
    assert_eq!(
        err("system { host-name; }"),
        (
            1,
            10,
            "syntax error, expecting <name> after 'host-name'".into()
        )
    );
    assert_eq!(
        err("system { host-name [ a b ]; }"),
        (1, 20, "syntax error: 'host-name' takes one value".into())
    );
    assert_eq!(
        err("access { tunnel-profile tp1 bogus 1; }"),
        (
            1,
            29,
            "syntax error: 'bogus' is not a statement under [edit access tunnel-profile tp1]"
                .into()
        )
    );
    assert_eq!(
        err("interfaces { -bad { } }"),
        (1, 14, "invalid interface name: '-bad'".into())
    );
    assert_eq!(
        err("replace: interfaces { lo0; }"),
        (
            1,
            1,
            "syntax error: 'interfaces' takes no 'replace:' tag, its entries do".into()
        )
    );
    assert_eq!(
        err("system { sys\u{e9}me; }"),
        (
            1,
            10,
            "syntax error: 'sys\u{e9}me' is not a statement under [edit system]".into()
        )
    );
}

#[test]
fn relative_text_is_checked_at_its_level() {
    let level = [NodeId::new("services"), NodeId::new("l2tp")];
    let l2tp = TEST_ROOT
        .child("services")
        .and_then(|s| s.child("l2tp"))
        .unwrap();
    let parsed = parse_at(l2tp, &level, "drain;").unwrap();
    assert!(parsed.tree.children.contains_key(&NodeId::new("drain")));
    let e = parse_at(l2tp, &level, "nope;").unwrap_err();
    assert_eq!(
        e.message,
        "syntax error: 'nope' is not a statement under [edit services l2tp]"
    );
}

#[test]
fn deep_nesting_is_a_clean_error() {
    let deep = "system { ".repeat(200_000) + &"} ".repeat(200_000);
    let e = parse(&deep).unwrap_err();
    assert_eq!((e.line, e.column), (1, 10));
    let unknown = "x { ".repeat(200_000);
    assert!(parse(&unknown).is_err());
    let brackets = "[".repeat(100_000);
    assert!(parse(&brackets).is_err());
}

#[test]
fn set_lines_apply_in_order() {
    let text = "# a comment\n\nset system host-name r1\nset access tunnel-profile tp1 tunnel 3 preference 5\nset access tunnel-profile tp1 tunnel 1\nset system name-server 198.18.0.53\ndeactivate system host-name\nannotate system \"core router\"\ndelete access tunnel-profile tp9\nset access radius-server 198.18.0.9 secret \"x y\" ## SECRET-DATA\n";
    let tree = apply_set_lines_in(&TEST_ROOT, &Node::default(), text, &[]).unwrap();
    let system = &tree.children[&NodeId::new("system")];
    assert_eq!(system.annotation.as_deref(), Some("core router"));
    assert!(system.children[&NodeId::new("host-name")].inactive);
    let tp = tree
        .get(&[
            NodeId::new("access"),
            NodeId::entry("tunnel-profile", "tp1"),
        ])
        .unwrap();
    let tunnels: Vec<String> = tp.children.keys().map(|k| k.to_string()).collect();
    assert_eq!(tunnels, ["tunnel 1", "tunnel 3"]);
    let secret = tree.get(&[
        NodeId::new("access"),
        NodeId::entry("radius-server", "198.18.0.9"),
        NodeId::new("secret"),
    ]);
    assert_eq!(secret.unwrap().values, ["x y"]);
}

#[test]
fn set_line_errors_have_line_and_column() {
    let base = Node::default();
    // Every failing line, in one pass: the first, then the others in `more`.
    let e = apply_set_lines_in(
        &TEST_ROOT,
        &base,
        "set system host-name r1\nset system bogus 1\nshow system\nset system host-name",
        &[],
    )
    .unwrap_err();
    let all: Vec<(usize, usize, &str)> = e
        .all()
        .map(|e| (e.line, e.column, e.message.as_str()))
        .collect();
    assert_eq!(
        all,
        [
            (2, 12, "syntax error."),
            (3, 1, "syntax error, expecting <command>."),
            (4, 21, "missing argument.")
        ]
    );
    let e = apply_set_lines_in(
        &TEST_ROOT,
        &base,
        "  set services l2tp tunnel idle-timeout",
        &[],
    )
    .unwrap_err();
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (1, 40, "missing argument.")
    );
    let e = apply_set_lines_in(&TEST_ROOT, &base, "sett system", &[]).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1));
    let e = apply_set_lines_in(&TEST_ROOT, &base, "set system host-name \"r1", &[]).unwrap_err();
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (1, 22, "unterminated quoted string")
    );
    let e = apply_set_lines_in(&TEST_ROOT, &base, "deactivate system", &[]).unwrap_err();
    assert_eq!(e.message, "statement not found");
}

#[test]
fn set_lines_relative_to_a_level() {
    let level = [NodeId::new("services"), NodeId::new("l2tp")];
    let tree = apply_set_lines_in(
        &TEST_ROOT,
        &Node::default(),
        "set drain\nset tunnel idle-timeout 5",
        &level,
    )
    .unwrap();
    assert_eq!(
        tree.get(&[
            NodeId::new("services"),
            NodeId::new("l2tp"),
            NodeId::new("tunnel"),
            NodeId::new("idle-timeout")
        ])
        .unwrap()
        .values,
        ["5"]
    );
    let e = apply_set_lines_in(&TEST_ROOT, &Node::default(), "set bogus", &level).unwrap_err();
    assert_eq!((e.line, e.column), (1, 5));
}

/// The same configuration in the block form, for the one-line forms below.
const GATEWAY_BLOCKS: &str = "\
access {
    tunnel-profile tp1 {
        tunnel 1 {
            remote-gateway {
                address 198.18.0.1;
                gateway-name lns1;
            }
        }
    }
}
";

#[test]
fn a_container_and_its_child_on_one_line() {
    let blocks = parse(GATEWAY_BLOCKS).unwrap();
    // Juniper's syntax summaries write `remote-gateway address A;`, and Junos takes it.
    let one_line = parse(
        "access { tunnel-profile tp1 { tunnel 1 {
            remote-gateway address 198.18.0.1;
            remote-gateway gateway-name lns1;
        } } }",
    );
    assert_eq!(one_line, Ok(blocks.clone()));
    // Several statements of one container on one line, as in `vlan-tags outer 100 inner 7;`.
    let leaves = parse(
        "access { tunnel-profile tp1 { tunnel 1 { remote-gateway address 198.18.0.1 gateway-name lns1; } } }",
    );
    assert_eq!(leaves, Ok(blocks.clone()));
    // A whole path on one line, a list entry among it.
    let path = parse(
        "access tunnel-profile tp1 tunnel 1 remote-gateway address 198.18.0.1 gateway-name lns1;",
    );
    assert_eq!(path, Ok(blocks.clone()));
    let opened = parse(
        "access tunnel-profile tp1 tunnel 1 remote-gateway { address 198.18.0.1; gateway-name lns1; }",
    );
    assert_eq!(opened, Ok(blocks));
}

#[test]
fn family_inet_on_one_line_inside_a_grouped_list() {
    // SAMPLE writes `family inet {`, as Junos shows it; the block form reads the same and
    // prints back as Junos shows it.
    let tree = parse(SAMPLE).unwrap();
    let blocks = SAMPLE.replace(
        "            family inet {\n                address 198.18.1.0/30;\n            }\n",
        "            family {\n                inet {\n                    address 198.18.1.0/30;\n                }\n            }\n",
    );
    assert_ne!(blocks, SAMPLE);
    assert_eq!(parse(&blocks), Ok(tree.clone()));
    assert_eq!(
        brace_text_in(&TEST_ROOT, &[], &parse(&blocks).unwrap()),
        SAMPLE
    );
    let entry_line = SAMPLE.replace(
        "    ge-0/0/0 {\n        description \"to LNS\";\n        unit 0 {\n            family inet {\n                address 198.18.1.0/30;\n            }\n        }\n    }\n",
        "    ge-0/0/0 description \"to LNS\" unit 0 family inet address 198.18.1.0/30;\n",
    );
    assert_ne!(entry_line, SAMPLE);
    assert_eq!(parse(&entry_line), Ok(tree));
}

#[test]
fn tags_on_a_one_line_statement_belong_to_its_last_block() {
    let tree = parse(
        "interfaces { ge-0/0/0 { unit 0 { /* lab */ inactive: family inet { address 198.18.1.0/30; } } } }",
    )
    .unwrap();
    let unit = [
        NodeId::entry("interfaces", "ge-0/0/0"),
        NodeId::entry("unit", "0"),
    ];
    let family = tree
        .get(&[&unit[..], &[NodeId::new("family")]].concat())
        .unwrap();
    assert!(!family.inactive && family.annotation.is_none());
    let inet = &family.children[&NodeId::new("inet")];
    assert!(inet.inactive);
    assert_eq!(inet.annotation.as_deref(), Some("lab"));
    // With no block named, the leaf carries them.
    let tree = parse("services { l2tp { inactive: drain; } }").unwrap();
    assert!(
        tree.get(&[
            NodeId::new("services"),
            NodeId::new("l2tp"),
            NodeId::new("drain")
        ])
        .unwrap()
        .inactive
    );
}

#[test]
fn one_line_statements_refuse_what_their_parts_refuse() {
    assert_eq!(
        err("access { tunnel-profile tp1 tunnel 1 remote-gateway address; }"),
        (
            1,
            53,
            "syntax error, expecting <address> after 'address'".into()
        )
    );
    assert_eq!(
        err("access { tunnel-profile tp1 tunnel 1 remote-gateway address 198.18.0.1 { } }"),
        (1, 53, "syntax error: 'address' takes no block".into())
    );
    assert_eq!(
        err("access { tunnel-profile tp1 tunnel 1 remote-gateway port 1; }"),
        (
            1,
            53,
            "syntax error: 'port' is not a statement under [edit access tunnel-profile tp1 tunnel 1 remote-gateway]"
                .into()
        )
    );
    assert_eq!(
        err("access { tunnel-profile tp1 tunnel 99 preference 1; }"),
        (1, 36, "Value 99 is not within range (1..31)".into())
    );
    // A one-line statement closes what it opened: the `}` after it is one too many.
    assert_eq!(
        err("system login user alice class operator; }"),
        (1, 41, "syntax error: unexpected '}'".into())
    );
}

/// `[edit services l2tp traceoptions]` of the test schema.
fn traceoptions() -> Vec<NodeId> {
    ["services", "l2tp", "traceoptions"]
        .map(NodeId::new)
        .to_vec()
}

fn file_text(tree: &Node) -> String {
    brace_text_in(
        &TEST_ROOT,
        &traceoptions(),
        tree.get(&traceoptions()).unwrap(),
    )
}

#[test]
fn a_one_line_container_reads_and_prints_on_one_line() {
    let blocks = parse(
        "services { l2tp { traceoptions { file { filename l2tpd; size 10485760; files 5; } } } }",
    )
    .unwrap();
    // As Junos writes it: the file name without its keyword, a size with a suffix.
    let junos =
        parse("services { l2tp { traceoptions { file l2tpd size 10m files 5; } } }").unwrap();
    assert_eq!(junos, blocks);
    assert_eq!(file_text(&blocks), "file l2tpd size 10m files 5;\n");
    // In any order, the keyword of the file name written or not.
    let reordered =
        parse("services l2tp traceoptions file files 5 filename l2tpd size 10240k;").unwrap();
    assert_eq!(reordered, blocks);
    // A file name that reads as a keyword keeps its keyword.
    let named_size = parse(
        "services { l2tp { traceoptions { file filename size size 10240 world-readable; } } }",
    )
    .unwrap();
    assert_eq!(
        file_text(&named_size),
        "file filename size size 10k world-readable;\n"
    );
    // A tag inside needs the block form.
    let tagged =
        parse("services { l2tp { traceoptions { file { filename l2tpd; inactive: files 5; } } } }")
            .unwrap();
    assert_eq!(
        file_text(&tagged),
        "file {\n    filename l2tpd;\n    inactive: files 5;\n}\n"
    );
    assert_eq!(
        parse(&format!(
            "services {{ l2tp {{ traceoptions {{ {} }} }} }}",
            file_text(&tagged)
        )),
        Ok(tagged)
    );
}

#[test]
fn one_line_container_errors() {
    assert_eq!(
        err("services l2tp traceoptions file l2tpd other;"),
        (1, 39, "syntax error: unexpected 'other'".into())
    );
    assert_eq!(
        err("services l2tp traceoptions file l2tpd { }"),
        (1, 33, "syntax error, expecting ';' after 'l2tpd'".into())
    );
    assert_eq!(
        err("services l2tp traceoptions file l2tpd size 2g;"),
        (
            1,
            44,
            "Value 2g is not within range (10240..1073741824)".into()
        )
    );
}

#[test]
fn set_lines_take_the_positional_value() {
    let tree = apply_set_lines_in(
        &TEST_ROOT,
        &Node::default(),
        "set services l2tp traceoptions file l2tpd\nset services l2tp traceoptions file size 10m\n",
        &[],
    )
    .unwrap();
    let blocks =
        parse("services { l2tp { traceoptions { file { filename l2tpd; size 10485760; } } } }")
            .unwrap();
    assert_eq!(tree, blocks);
}
