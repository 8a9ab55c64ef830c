use super::*;
use crate::mgmt::DiffLine;
use crate::parse::parse_at;
use crate::parse::test_schema::TEST_ROOT;
use serde_json::json;

fn tree(text: &str) -> Node {
    parse_at(&TEST_ROOT, &[], text).unwrap().tree
}

fn set_lines(path: &[NodeId], node: &Node) -> String {
    set::to_set_lines(stmt_for_path_in(&TEST_ROOT, path), path, node)
}

const CONFIG: &str = "system { host-name r1; name-server [ 198.18.0.53 198.18.0.54 ]; login { user \"bob\" { full-name \"Bob B\"; } } }
interfaces { ge-0/0/0 { unit 0 { family { inet { address 198.18.1.0/30; } } } } inactive: lo0; }
access { tunnel-profile tp1 { tunnel 1 { preference 1; } } profile p { authentication-order radius; } }
services { l2tp { /* keep */ drain; inactive: tunnel { idle-timeout 120; } } }";

#[test]
fn brace_form() {
    let expected = "\
system {
    host-name r1;
    name-server [ 198.18.0.53 198.18.0.54 ];
    login {
        user bob {
            full-name \"Bob B\";
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 198.18.1.0/30;
            }
        }
    }
    inactive: lo0;
}
access {
    tunnel-profile tp1 {
        tunnel 1 {
            preference 1;
        }
    }
    profile p {
        authentication-order radius;
    }
}
services {
    l2tp {
        /* keep */
        drain;
        inactive: tunnel {
            idle-timeout 120;
        }
    }
}
";
    assert_eq!(brace::to_text(&TEST_ROOT, &[], &tree(CONFIG)), expected);
}

#[test]
fn brace_form_at_a_level_and_of_a_leaf() {
    let t = tree(CONFIG);
    let path = [NodeId::new("services"), NodeId::new("l2tp")];
    let l2tp = t.get(&path).unwrap();
    assert_eq!(
        brace::to_text(&TEST_ROOT, &path, l2tp),
        "/* keep */\ndrain;\ninactive: tunnel {\n    idle-timeout 120;\n}\n"
    );
    let leaf = [NodeId::new("system"), NodeId::new("host-name")];
    assert_eq!(
        brace::to_text(&TEST_ROOT, &leaf, t.get(&leaf).unwrap()),
        "host-name r1;\n"
    );
}

#[test]
fn tag_like_group_keys_are_quoted() {
    let mut t = Node::default();
    t.ensure(&[NodeId::entry("interfaces", "inactive:")]);
    let text = brace::to_text(&TEST_ROOT, &[], &t);
    assert_eq!(text, "interfaces {\n    \"inactive:\";\n}\n");
    assert_eq!(tree(&text), t);
}

#[test]
fn set_form() {
    let expected = "\
set system host-name r1
set system name-server 198.18.0.53
set system name-server 198.18.0.54
set system login user bob full-name \"Bob B\"
set interfaces ge-0/0/0 unit 0 family inet address 198.18.1.0/30
set interfaces lo0
set access tunnel-profile tp1 tunnel 1 preference 1
set access profile p authentication-order radius
set services l2tp drain
set services l2tp tunnel idle-timeout 120
deactivate interfaces lo0
deactivate services l2tp tunnel
";
    assert_eq!(set_lines(&[], &tree(CONFIG)), expected);
    let t = tree(CONFIG);
    let path = [
        NodeId::new("services"),
        NodeId::new("l2tp"),
        NodeId::new("tunnel"),
    ];
    assert_eq!(
        set_lines(&path, t.get(&path).unwrap()),
        "set services l2tp tunnel idle-timeout 120\ndeactivate services l2tp tunnel\n"
    );
}

#[test]
fn json_form() {
    let t = tree(CONFIG);
    let expected = json!({"configuration": {
        "system": {"host-name": "r1", "name-server": ["198.18.0.53", "198.18.0.54"],
                   "login": {"user": [{"name": "bob", "full-name": "Bob B"}]}},
        "interfaces": [
            {"name": "ge-0/0/0", "unit": [{"name": 0, "family": {"inet": {"address": ["198.18.1.0/30"]}}}]},
            {"name": "lo0", "@": {"inactive": true}}
        ],
        "access": {"tunnel-profile": [{"name": "tp1", "tunnel": [{"name": 1, "preference": 1}]}],
                   "profile": [{"name": "p", "authentication-order": ["radius"]}]},
        "services": {"l2tp": {"drain": [null], "@drain": {"comment": "/* keep */"},
                     "tunnel": {"idle-timeout": 120, "@": {"inactive": true}}}}
    }});
    assert_eq!(json::to_json(&TEST_ROOT, &[], &t), expected);
    let path = [
        NodeId::new("access"),
        NodeId::entry("tunnel-profile", "tp1"),
        NodeId::entry("tunnel", "1"),
    ];
    assert_eq!(
        json::to_json(&TEST_ROOT, &path, t.get(&path).unwrap()),
        json!({"configuration": {"access": {"tunnel-profile": [{"name": "tp1", "tunnel": [{"name": 1, "preference": 1}]}]}}})
    );
    let leaf = [NodeId::new("system"), NodeId::new("host-name")];
    assert_eq!(
        json::to_json(&TEST_ROOT, &leaf, t.get(&leaf).unwrap()),
        json!({"configuration": {"system": {"host-name": "r1"}}})
    );
}

#[test]
fn json_keeps_schema_order() {
    let t = tree("services { l2tp { drain; } } system { host-name r1; }");
    let text = serde_json::to_string(&json::to_json(&TEST_ROOT, &[], &t)).unwrap();
    assert_eq!(
        text,
        r#"{"configuration":{"system":{"host-name":"r1"},"services":{"l2tp":{"drain":[null]}}}}"#
    );
}

#[test]
fn diff_text() {
    let blocks = vec![
        DiffBlock {
            path: vec![],
            lines: vec![
                DiffLine {
                    sign: DiffSign::Added,
                    text: "interfaces {".into(),
                },
                DiffLine {
                    sign: DiffSign::Added,
                    text: "    ge-1/1/1;".into(),
                },
                DiffLine {
                    sign: DiffSign::Added,
                    text: "}".into(),
                },
            ],
        },
        DiffBlock {
            path: vec![
                NodeId::new("services"),
                NodeId::new("l2tp"),
                NodeId::new("tunnel"),
            ],
            lines: vec![
                DiffLine {
                    sign: DiffSign::Removed,
                    text: "idle-timeout 60;".into(),
                },
                DiffLine {
                    sign: DiffSign::Added,
                    text: "idle-timeout 120;".into(),
                },
                DiffLine {
                    sign: DiffSign::Context,
                    text: "}".into(),
                },
            ],
        },
    ];
    let expected = "[edit]\n+  interfaces {\n+      ge-1/1/1;\n+  }\n[edit services l2tp tunnel]\n-  idle-timeout 60;\n+  idle-timeout 120;\n   }\n";
    assert_eq!(diff_to_text(&blocks), expected);
    assert_eq!(diff_to_text(&[]), "");
}

#[test]
fn set_form_of_a_positional_leaf() {
    let t = tree(
        "services { l2tp { traceoptions { file l2tpd size 10m; } } }
         access { tunnel-profile tp1; }",
    );
    assert_eq!(
        set_lines(&[], &t),
        "set access tunnel-profile tp1\n\
         set services l2tp traceoptions file l2tpd\n\
         set services l2tp traceoptions file size 10m\n"
    );
    // A file name that starts like a keyword keeps its keyword; so does a deactivated one.
    let t = tree("services { l2tp { traceoptions { file si; } } }");
    assert_eq!(
        set_lines(&[], &t),
        "set services l2tp traceoptions file filename si\n"
    );
    let t = tree("services { l2tp { traceoptions { file { inactive: filename l2tpd; } } } }");
    assert_eq!(
        set_lines(&[], &t),
        "set services l2tp traceoptions file filename l2tpd\n\
         deactivate services l2tp traceoptions file filename\n"
    );
}

/// The text written line by line is the text of the kept lines (`indent_lines`), which the
/// diff and `| display detail` still use, for whole trees and for a statement at a level.
#[test]
fn written_text_is_the_kept_lines_indented() {
    let whole = tree(CONFIG);
    let mut kept = Vec::new();
    brace::contents_lines(Some(&TEST_ROOT), &whole, 0, &mut kept);
    assert_eq!(brace_text_in(&TEST_ROOT, &[], &whole), indent_lines(&kept));
    assert!(brace_text_in(&TEST_ROOT, &[], &whole).contains("        user bob {\n"));

    let path = [NodeId::new("system"), NodeId::new("host-name")];
    let leaf = whole.get(&path).unwrap();
    let mut kept = Vec::new();
    brace::statement_lines(
        stmt_for_path_in(&TEST_ROOT, &path),
        &path[1],
        leaf,
        0,
        Head::Keyword,
        false,
        &mut kept,
    );
    assert_eq!(brace_text_in(&TEST_ROOT, &path, leaf), indent_lines(&kept));
    assert_eq!(indent_lines(&kept), "host-name r1;\n");
}
