use super::*;
use crate::parse::parse_at;
use crate::parse::test_schema::TEST_ROOT;
use crate::print::brace_text_in;

fn w(line: &str) -> Vec<String> {
    crate::tokenize::split_words(line)
        .unwrap()
        .into_iter()
        .map(|w| w.text)
        .collect()
}

fn ed() -> Editor {
    Editor::new(&TEST_ROOT)
}

fn text(t: &Node) -> String {
    brace_text_in(&TEST_ROOT, &[], t)
}

fn tree(text: &str) -> Node {
    parse_at(&TEST_ROOT, &[], text).unwrap().tree
}

fn set_all(lines: &[&str]) -> Node {
    let mut t = Node::default();
    for line in lines {
        ed().set(&mut t, &w(line)).unwrap();
    }
    t
}

#[test]
fn resolve_abbreviations_and_values() {
    let r = ed().resolve(&w("serv l2 tun idle 060"), true).unwrap();
    assert_eq!(
        crate::tree::path_words(&r.path),
        "services l2tp tunnel idle-timeout"
    );
    assert_eq!(r.values, ["60"]);
    assert_eq!(r.stmt.name, "idle-timeout");
    // `d` begins both `drain` and `disable-failover-protocol`.
    let e = ed().resolve(&w("services l2tp d"), true).unwrap_err();
    assert_eq!(e.word, 2);
    assert_eq!(
        e.message,
        "'d' is ambiguous.\nPossible completions:\n  drain                Drain\n  disable-failover-protocol Silent failover"
    );
    assert_eq!(
        ed().resolve(&w("services bogus"), true).unwrap_err(),
        WordError {
            word: 1,
            message: "syntax error.".into()
        }
    );
    assert_eq!(
        ed().resolve(&w("system host-name"), true).unwrap_err(),
        WordError {
            word: 2,
            message: "missing argument.".into()
        }
    );
    assert_eq!(
        ed().resolve(&w("access tunnel-profile"), true).unwrap_err(),
        WordError {
            word: 2,
            message: "missing argument.".into()
        }
    );
    assert_eq!(
        ed().resolve(&w("services l2tp tunnel idle-timeout 99999"), true)
            .unwrap_err(),
        WordError {
            word: 4,
            message: "Value 99999 is not within range (0..86400)".into()
        }
    );
    assert_eq!(
        ed().resolve(&w("services l2tp drain now"), true)
            .unwrap_err(),
        WordError {
            word: 3,
            message: "syntax error.".into()
        }
    );
    assert_eq!(
        ed().resolve(&w("system host-name a b"), true).unwrap_err(),
        WordError {
            word: 3,
            message: "syntax error.".into()
        }
    );
    let r = ed()
        .resolve(&w("system name-server [ 198.18.0.1 198.18.0.2 ]"), true)
        .unwrap();
    assert_eq!(r.values, ["198.18.0.1", "198.18.0.2"]);
    assert_eq!(
        ed().resolve(&w("system name-server [ 198.18.0.1"), true)
            .unwrap_err()
            .word,
        4
    );
    // Lenient resolution for delete/edit.
    let r = ed().resolve(&w("access tunnel-profile"), false).unwrap();
    assert_eq!(
        r.path,
        vec![NodeId::new("access"), NodeId::new("tunnel-profile")]
    );
}

#[test]
fn set_builds_canonical_order() {
    let t = set_all(&[
        "services l2tp drain",
        "access tunnel-profile b tunnel 10 preference 1",
        "access tunnel-profile b tunnel 2",
        "access tunnel-profile a",
        "system host-name r1",
        "system host-name r2",
        "system name-server 198.18.0.2",
        "system name-server [ 198.18.0.1 198.18.0.2 ]",
        "system login",
        "interfaces ge-0/0/1",
        "interfaces ge-0/0/0 disable",
    ]);
    let expected = "\
system {
    host-name r2;
    name-server [ 198.18.0.2 198.18.0.1 ];
    login;
}
interfaces {
    ge-0/0/1;
    ge-0/0/0 {
        disable;
    }
}
access {
    tunnel-profile b {
        tunnel 2;
        tunnel 10 {
            preference 1;
        }
    }
    tunnel-profile a;
}
services {
    l2tp {
        drain;
    }
}
";
    assert_eq!(text(&t), expected);
    assert_eq!(tree(expected), t);
}

#[test]
fn delete_statements_members_and_misses() {
    let mut t = set_all(&[
        "system host-name r1",
        "system name-server [ 198.18.0.1 198.18.0.2 ]",
        "access tunnel-profile a",
        "access tunnel-profile b",
        "services l2tp drain",
    ]);
    assert_eq!(
        ed().delete(&mut t, &w("system name-server 198.18.0.1")),
        Ok(Applied::Done)
    );
    assert_eq!(
        t.get(&[NodeId::new("system"), NodeId::new("name-server")])
            .unwrap()
            .values,
        ["198.18.0.2"]
    );
    assert_eq!(
        ed().delete(&mut t, &w("system name-server 198.18.0.1")),
        Ok(Applied::NotFound)
    );
    assert_eq!(
        ed().delete(&mut t, &w("system name-server 198.18.0.2")),
        Ok(Applied::Done)
    );
    assert!(t
        .get(&[NodeId::new("system"), NodeId::new("name-server")])
        .is_none());
    assert_eq!(
        ed().delete(&mut t, &w("system host-name r9")),
        Ok(Applied::NotFound)
    );
    assert_eq!(
        ed().delete(&mut t, &w("system host-name")),
        Ok(Applied::Done)
    );
    // `system` had nothing else: the empty container goes with it.
    assert!(t.get(&[NodeId::new("system")]).is_none());
    assert_eq!(
        ed().delete(&mut t, &w("services l2tp tunnel")),
        Ok(Applied::NotFound)
    );
    assert_eq!(
        ed().delete(&mut t, &w("access tunnel-profile")),
        Ok(Applied::Done)
    );
    assert!(t.get(&[NodeId::new("access")]).is_none());
    assert_eq!(
        ed().delete(&mut t, &w("services bogus")).unwrap_err().word,
        1
    );
    assert_eq!(ed().delete(&mut t, &[] as &[String]), Ok(Applied::Done));
    assert!(t.children.is_empty());
    assert_eq!(ed().delete(&mut t, &[] as &[String]), Ok(Applied::NotFound));
}

#[test]
fn activate_deactivate_annotate() {
    let mut t = set_all(&["services l2tp drain", "system host-name r1"]);
    assert_eq!(
        ed().set_inactive(&mut t, &w("services l2tp"), true),
        Ok(Applied::Done)
    );
    assert_eq!(
        ed().set_inactive(&mut t, &w("system host-name"), true),
        Ok(Applied::Done)
    );
    assert_eq!(
        ed().set_inactive(&mut t, &w("services l2tp tunnel"), true),
        Ok(Applied::NotFound)
    );
    assert_eq!(
        ed().annotate(&mut t, &w("services"), "edge"),
        Ok(Applied::Done)
    );
    assert_eq!(text(&t), "system {\n    inactive: host-name r1;\n}\n/* edge */\nservices {\n    inactive: l2tp {\n        drain;\n    }\n}\n");
    assert_eq!(
        ed().set_inactive(&mut t, &w("services l2tp"), false),
        Ok(Applied::Done)
    );
    assert_eq!(ed().annotate(&mut t, &w("services"), ""), Ok(Applied::Done));
    assert_eq!(text(&t), "system {\n    inactive: host-name r1;\n}\nservices {\n    l2tp {\n        drain;\n    }\n}\n");
    assert_eq!(
        ed().annotate(&mut t, &w("services"), "a */ b")
            .unwrap_err()
            .word,
        1
    );
    assert_eq!(
        ed().set_inactive(&mut t, &[] as &[String], true)
            .unwrap_err()
            .message,
        "missing argument."
    );
    assert_eq!(
        ed().annotate(&mut t, &w("access"), "x"),
        Ok(Applied::NotFound)
    );
}

#[test]
fn rename_copy_insert() {
    let mut t = set_all(&[
        "access tunnel-profile a tunnel 1",
        "access tunnel-profile b",
        "access tunnel-profile c",
        "access tunnel-profile a tunnel 5",
    ]);
    ed().rename(
        &mut t,
        &w("access tunnel-profile a"),
        &w("tunnel-profile z"),
    )
    .unwrap();
    let names = |t: &Node| {
        t.children[0]
            .children
            .keys()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    assert_eq!(
        names(&t),
        "tunnel-profile z,tunnel-profile b,tunnel-profile c"
    );
    ed().copy(&mut t, &w("access tunnel-profile z"), &w("y"))
        .unwrap();
    assert_eq!(
        names(&t),
        "tunnel-profile z,tunnel-profile b,tunnel-profile c,tunnel-profile y"
    );
    assert_eq!(t.children[0].children[3], t.children[0].children[0]);
    let e = ed()
        .rename(
            &mut t,
            &w("access tunnel-profile z"),
            &w("tunnel-profile b"),
        )
        .unwrap_err();
    assert_eq!(
        e,
        WordError {
            word: 5,
            message: "target statement already exists".into()
        }
    );
    let e = ed()
        .rename(&mut t, &w("access tunnel-profile q"), &w("r"))
        .unwrap_err();
    assert_eq!(e.message, "statement not found");
    assert_eq!(
        ed().rename(&mut t, &w("access tunnel-profile z"), &w("profile r"))
            .unwrap_err()
            .word,
        4
    );
    assert_eq!(
        ed().rename(&mut t, &w("access tunnel-profile z"), &[])
            .unwrap_err()
            .message,
        "missing argument."
    );
    // Renaming a numbered entry puts it in numeric order.
    ed().rename(
        &mut t,
        &w("access tunnel-profile z tunnel 1"),
        &w("tunnel 9"),
    )
    .unwrap();
    let tunnels: Vec<String> = t.children[0].children[0]
        .children
        .keys()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(tunnels, ["tunnel 5", "tunnel 9"]);
    ed().insert(
        &mut t,
        &w("access tunnel-profile y"),
        true,
        &w("tunnel-profile b"),
    )
    .unwrap();
    assert_eq!(
        names(&t),
        "tunnel-profile z,tunnel-profile y,tunnel-profile b,tunnel-profile c"
    );
    ed().insert(&mut t, &w("access tunnel-profile z"), false, &w("c"))
        .unwrap();
    assert_eq!(
        names(&t),
        "tunnel-profile y,tunnel-profile b,tunnel-profile c,tunnel-profile z"
    );
    let e = ed()
        .insert(
            &mut t,
            &w("access tunnel-profile z tunnel 5"),
            true,
            &w("tunnel 9"),
        )
        .unwrap_err();
    assert_eq!(
        e.message,
        "cannot insert: 'tunnel' entries are kept in numeric order"
    );
    assert_eq!(
        ed().insert(&mut t, &w("access tunnel-profile z"), true, &w("nope"))
            .unwrap_err()
            .message,
        "statement not found"
    );
    assert_eq!(
        ed().rename(&mut t, &w("system host-name x"), &w("y"))
            .unwrap_err()
            .message,
        "syntax error, expecting a list entry."
    );
}

#[test]
fn edit_targets() {
    assert_eq!(
        ed().edit_target(&w("serv l2tp")).unwrap(),
        vec![NodeId::new("services"), NodeId::new("l2tp")]
    );
    assert_eq!(
        ed().edit_target(&w("interfaces ge-0/0/0 unit 1")).unwrap(),
        vec![
            NodeId::entry("interfaces", "ge-0/0/0"),
            NodeId::entry("unit", "1")
        ]
    );
    assert_eq!(ed().edit_target(&[]).unwrap(), Vec::<NodeId>::new());
    assert_eq!(
        ed().edit_target(&w("system host-name r1")).unwrap_err(),
        WordError {
            word: 1,
            message: "syntax error.".into()
        }
    );
    assert_eq!(
        ed().edit_target(&w("access tunnel-profile"))
            .unwrap_err()
            .message,
        "missing argument."
    );
    // Grouped lists are levels of their own, as `[edit interfaces]` on Junos.
    assert_eq!(
        ed().edit_target(&w("interfaces")).unwrap(),
        vec![NodeId::new("interfaces")]
    );
    assert_eq!(
        ed().edit_target(&w("access radius-server")).unwrap(),
        vec![NodeId::new("access"), NodeId::new("radius-server")]
    );
    assert_eq!(
        stmt_for_path_in(
            &TEST_ROOT,
            &[NodeId::new("access"), NodeId::entry("tunnel-profile", "x")]
        )
        .map(|s| s.name),
        Some("tunnel-profile")
    );
    assert!(stmt_for_path_in(&TEST_ROOT, &[NodeId::new("nope")]).is_none());
}

#[test]
fn load_modes() {
    let base = tree("system { host-name r1; name-server 198.18.0.1; } access { tunnel-profile a { tunnel 1 { preference 1; } } tunnel-profile b; }");
    let text_in = "system { host-name r2; } access { replace: tunnel-profile a { tunnel 2; } }";
    let merged = load::load(&TEST_ROOT, &base, LoadMode::Merge, text_in, &[]).unwrap();
    assert_eq!(
        text(&merged),
        "system {\n    host-name r2;\n    name-server 198.18.0.1;\n}\naccess {\n    tunnel-profile a {\n        tunnel 1 {\n            preference 1;\n        }\n        tunnel 2;\n    }\n    tunnel-profile b;\n}\n"
    );
    let replaced = load::load(&TEST_ROOT, &base, LoadMode::Replace, text_in, &[]).unwrap();
    assert_eq!(
        text(&replaced),
        "system {\n    host-name r2;\n    name-server 198.18.0.1;\n}\naccess {\n    tunnel-profile a {\n        tunnel 2;\n    }\n    tunnel-profile b;\n}\n"
    );
    let overridden = load::load(&TEST_ROOT, &base, LoadMode::Override, text_in, &[]).unwrap();
    assert_eq!(overridden, tree(text_in));
    let set = load::load(
        &TEST_ROOT,
        &base,
        LoadMode::Set,
        "delete access\nset services l2tp drain",
        &[],
    )
    .unwrap();
    assert_eq!(text(&set), "system {\n    host-name r1;\n    name-server 198.18.0.1;\n}\nservices {\n    l2tp {\n        drain;\n    }\n}\n");
    let level = vec![NodeId::new("access"), NodeId::entry("tunnel-profile", "b")];
    let relative = load::load(&TEST_ROOT, &base, LoadMode::Merge, "tunnel 3;", &level).unwrap();
    assert!(relative
        .get(&[
            NodeId::new("access"),
            NodeId::entry("tunnel-profile", "b"),
            NodeId::entry("tunnel", "3")
        ])
        .is_some());
    let e = load::load(
        &TEST_ROOT,
        &base,
        LoadMode::Merge,
        "x;",
        &[NodeId::new("system"), NodeId::new("host-name")],
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "invalid level for relative load: system host-name"
    );
    let e = load::load(&TEST_ROOT, &base, LoadMode::Merge, "system {", &[]).unwrap_err();
    assert_eq!((e.line, e.column), (1, 9));
}

#[test]
fn delete_prunes_containers_left_empty_but_keeps_list_entries() {
    let mut t = set_all(&[
        "services l2tp drain",
        "access tunnel-profile a",
        "system host-name r1",
    ]);
    assert_eq!(
        ed().delete(&mut t, &w("services l2tp drain")),
        Ok(Applied::Done)
    );
    assert!(
        t.get(&[NodeId::new("services")]).is_none(),
        "empty services l2tp is pruned"
    );
    assert_eq!(
        ed().delete(&mut t, &w("access tunnel-profile a")),
        Ok(Applied::Done)
    );
    assert!(
        t.get(&[NodeId::new("access")]).is_none(),
        "access left empty is pruned"
    );
    assert!(t
        .get(&[NodeId::new("system"), NodeId::new("host-name")])
        .is_some());
}

/// Junos sets several statements of a one-line container in one command, the positional
/// file name among them; a mistake anywhere in the command sets nothing.
#[test]
fn set_several_statements_of_a_one_line_container() {
    let t = set_all(&["services l2tp traceoptions file l2tpd size 10m files 5 world-readable"]);
    assert_eq!(
        t,
        tree("services { l2tp { traceoptions { file l2tpd size 10485760 files 5 world-readable; } } }")
    );
    let mut t = Node::default();
    let e = ed()
        .set(
            &mut t,
            &w("services l2tp traceoptions file l2tpd size 10m files 1"),
        )
        .unwrap_err();
    assert_eq!(
        (e.word, e.message.as_str()),
        (8, "Value 1 is not within range (2..1000)")
    );
    let e = ed()
        .set(
            &mut t,
            &w("services l2tp traceoptions file l2tpd size 10m bogus"),
        )
        .unwrap_err();
    assert_eq!((e.word, e.message.as_str()), (7, "syntax error."));
    let e = ed()
        .set(&mut t, &w("services l2tp traceoptions file l2tpd files"))
        .unwrap_err();
    assert_eq!((e.word, e.message.as_str()), (6, "missing argument."));
    assert_eq!(t, Node::default(), "nothing was set");
}

/// Any container, not only a one-line one: after a leaf's value or a flag the next word is
/// another statement of the same container (`set system login user u class c
/// authentication ...`, the form every Junos guide gives), and from there the command goes
/// on down as usual. A word that is no statement there is the error, and nothing is set.
#[test]
fn set_goes_on_at_the_container_after_a_leaf_or_a_flag() {
    let ed = Editor::new(&crate::table::ROOT);
    let mut t = Node::default();
    for command in [
        "system login user ops class super-user authentication encrypted-password \"$6$abc$def\"",
        "access address-assignment pool P1 family inet range R1 low 198.18.0.2 high 198.18.0.99",
        "access profile RAD radius-server 127.0.0.1 secret \"$9$jtq5F/CtOBE690IRhvM\" port 1812 retry 5",
        "services l2tp drain disable-failover-protocol",
    ] {
        ed.set(&mut t, &w(command))
            .unwrap_or_else(|e| panic!("{command}: {e:?}"));
    }
    let mut each = Node::default();
    for command in [
        "system login user ops class super-user",
        "system login user ops authentication encrypted-password \"$6$abc$def\"",
        "access address-assignment pool P1 family inet range R1 low 198.18.0.2",
        "access address-assignment pool P1 family inet range R1 high 198.18.0.99",
        "access profile RAD radius-server 127.0.0.1 secret \"$9$jtq5F/CtOBE690IRhvM\"",
        "access profile RAD radius-server 127.0.0.1 port 1812",
        "access profile RAD radius-server 127.0.0.1 retry 5",
        "services l2tp drain",
        "services l2tp disable-failover-protocol",
    ] {
        ed.set(&mut each, &w(command)).unwrap();
    }
    assert_eq!(t, each);

    let mut t = Node::default();
    let e = ed
        .set(
            &mut t,
            &w("access profile RAD radius-server 127.0.0.1 secret s port 1812 bogus 1"),
        )
        .unwrap_err();
    assert_eq!((e.word, e.message.as_str()), (9, "syntax error."));
    let e = ed
        .set(
            &mut t,
            &w("access profile RAD radius-server 127.0.0.1 port 1812 port 1813"),
        )
        .unwrap_err();
    assert_eq!(
        (e.word, e.message.as_str()),
        (7, "syntax error."),
        "each statement once"
    );
    assert_eq!(t, Node::default(), "nothing was set");
}

/// A PPPoE service's `terminate | drop | delay S` are alternatives: each `set` replaces the
/// alternative set before it, as on Junos.
#[test]
fn setting_one_alternative_of_a_choice_removes_the_others() {
    let ed = Editor::new(&crate::table::ROOT);
    let at = "protocols pppoe service-name-tables svc service any";
    let mut t = Node::default();
    for (command, left) in [
        ("delay 5", "delay"),
        ("drop", "drop"),
        ("terminate", "terminate"),
        ("delay 3", "delay"),
    ] {
        ed.set(&mut t, &w(&format!("{at} {command}"))).unwrap();
        let path = [
            NodeId::new("protocols"),
            NodeId::new("pppoe"),
            NodeId::entry("service-name-tables", "svc"),
            NodeId::entry("service", "any"),
        ];
        let action = t.get(&path).expect("service");
        let set: Vec<&str> = action
            .children
            .keys()
            .map(|id| id.keyword.as_str())
            .collect();
        assert_eq!(set, [left], "after {command}");
    }
    assert_eq!(crate::validate::check(&t), Ok(vec![]));
}

#[test]
fn ifd_dot_unit_is_junos_shorthand_for_the_unit() {
    assert_eq!(
        ed().edit_target(&w("interfaces ge-0/0/0.100")).unwrap(),
        vec![
            NodeId::entry("interfaces", "ge-0/0/0"),
            NodeId::entry("unit", "100")
        ]
    );
    let t = set_all(&["interfaces ge-0/0/0.0 family inet address 127.0.0.1/32"]);
    assert_eq!(
        t,
        set_all(&["interfaces ge-0/0/0 unit 0 family inet address 127.0.0.1/32"])
    );
    // The unit keeps its range.
    assert_eq!(
        ed().edit_target(&w("interfaces ge-0/0/0.99999"))
            .unwrap_err()
            .message,
        "Value 99999 is not within range (0..16385)"
    );
    // Lists without units take dotted keys as they are.
    assert_eq!(
        ed().edit_target(&w("access profile a.1")).unwrap(),
        vec![NodeId::new("access"), NodeId::entry("profile", "a.1")]
    );
}

#[test]
fn an_interface_literally_named_like_a_unit_can_be_deleted() {
    let mut t = tree("interfaces { ge-0/0/3.0 { description x; } ge-0/0/3 { unit 0; } }");
    assert_eq!(
        ed().delete(&mut t, &w("interfaces ge-0/0/3.0")).unwrap(),
        Applied::Done
    );
    assert_eq!(
        text(&t),
        "interfaces {\n    ge-0/0/3 {\n        unit 0;\n    }\n}\n"
    );
    // Without such an entry, the shorthand names the unit.
    assert_eq!(
        ed().delete(&mut t, &w("interfaces ge-0/0/3.0")).unwrap(),
        Applied::Done
    );
    assert_eq!(text(&t), "interfaces {\n    ge-0/0/3;\n}\n");
}

#[test]
fn a_grouped_list_entry_cannot_take_the_list_name() {
    // `edit interfaces` at `[edit interfaces]`: Junos has no interface named `interfaces`.
    assert_eq!(
        ed().edit_target(&w("interfaces interfaces")).unwrap_err(),
        WordError {
            word: 1,
            message: "syntax error.".into()
        }
    );
}

#[test]
fn load_relative_at_a_grouped_list_level_takes_its_entries() {
    let level = [NodeId::new("interfaces")];
    let t = load::load(
        &TEST_ROOT,
        &Node::default(),
        LoadMode::Merge,
        "ge-0/0/5 {\n    description x;\n}",
        &level,
    )
    .unwrap();
    assert_eq!(
        text(&t),
        "interfaces {\n    ge-0/0/5 {\n        description x;\n    }\n}\n"
    );
    let t = load::load(
        &TEST_ROOT,
        &Node::default(),
        LoadMode::Set,
        "set ge-0/0/5 description x",
        &level,
    )
    .unwrap();
    assert_eq!(
        text(&t),
        "interfaces {\n    ge-0/0/5 {\n        description x;\n    }\n}\n"
    );
    // Errors keep the operator's line numbers.
    let e = load::load(
        &TEST_ROOT,
        &Node::default(),
        LoadMode::Merge,
        "ge-0/0/5 {\n    bogus x;\n}",
        &level,
    )
    .unwrap_err();
    assert_eq!(e.line, 2);
}

/// `short-cycle-protection` is on by being there: deleting its last lockout bound leaves it
/// on with Junos' defaults, not off.
#[test]
fn delete_keeps_a_presence_container_left_empty() {
    let unit = "interfaces ge-1/0/0 unit 0 family pppoe short-cycle-protection";
    // The product's own table: the test schema has no such statement.
    let ed = || Editor::new(&crate::table::ROOT);
    let mut t = Node::default();
    ed().set(&mut t, &w(&format!("{unit} lockout-time-max 60")))
        .unwrap();
    assert_eq!(
        ed().delete(&mut t, &w(&format!("{unit} lockout-time-max"))),
        Ok(Applied::Done)
    );
    let path: Vec<NodeId> = [
        NodeId::entry("interfaces", "ge-1/0/0"),
        NodeId::entry("unit", "0"),
        NodeId::new("family"),
        NodeId::new("pppoe"),
        NodeId::new("short-cycle-protection"),
    ]
    .into();
    assert!(t.get(&path).is_some_and(|n| n.is_empty()));
    // Deleted itself, it goes, and so does the family pppoe it leaves empty.
    assert_eq!(ed().delete(&mut t, &w(unit)), Ok(Applied::Done));
    assert!(t.get(&path[..2]).is_some_and(|n| n.is_empty()));
}

/// A dynamic profile's `filter input F { ... }` is one statement (a `single` list): `load
/// merge` of another name replaces it, as `set` does; the same name merges into it.
#[test]
fn load_merge_replaces_a_single_entry_list() {
    let unit = "dynamic-profiles { p { interfaces { pp0 { unit \"$junos-interface-unit\" { family inet { filter { FILTER } } } } } } }";
    let base =
        crate::parse::parse_config(&unit.replace("FILTER", "input a { precedence 5; } output c;"))
            .unwrap();
    let merged = |text: &str| {
        let text = unit.replace("FILTER", text);
        let out = load::load(&crate::table::ROOT, &base, LoadMode::Merge, &text, &[]).unwrap();
        crate::print::to_set_lines(&[], &out)
            .lines()
            .map(|l| l.rsplit(" filter ").next().unwrap_or(l).to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(merged("input b;"), ["input b", "output c"]);
    assert_eq!(
        merged("input a { precedence 7; }"),
        ["input a precedence 7", "output c"]
    );
}
