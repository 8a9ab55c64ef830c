//! Round trips through the text forms for random schema-valid trees of the product's schema
//! (`table::ROOT`, whatever it holds), and "arbitrary text never panics".

use proptest::prelude::*;
use schema::def::{Kind, Stmt, Type};
use schema::parse::{apply_set_lines, parse_config};
use schema::print::{to_set_lines, to_text};
use schema::tokenize::split_words;
use schema::{table, Node, NodeId};
use std::sync::OnceLock;

/// Secrets are generated only once `secret::store_form` works (it is a separate piece of work;
/// until then it panics and secret statements are left out of the trees).
fn secrets_work() -> bool {
    static WORKS: OnceLock<bool> = OnceLock::new();
    *WORKS.get_or_init(|| {
        std::panic::catch_unwind(|| Type::Secret.check("s3cret").is_ok()).unwrap_or(false)
    })
}

fn usable(ty: Type) -> bool {
    ty != Type::Secret || secrets_work()
}

/// Values that satisfy `ty`, in canonical form; addresses from 127/8 and 198.18/15 only.
fn value(ty: Type) -> BoxedStrategy<String> {
    match ty {
        Type::Uint { min, max } => (min..=max).prop_map(|n| n.to_string()).boxed(),
        Type::Int { min, max } => (min..=max).prop_map(|n| n.to_string()).boxed(),
        // A size's canonical form has the largest suffix that divides it (`458758k`); so has a
        // decimal number's (`10m`).
        Type::Size { min, max } | Type::Decimal { min, max } => (min..=max)
            .prop_map(move |n| ty.check(&n.to_string()).unwrap_or_else(|_| n.to_string()))
            .boxed(),
        Type::UintOr { min, max, words } => prop_oneof![
            (min..=max).prop_map(|n| n.to_string()),
            proptest::sample::select(words).prop_map(str::to_string),
        ]
        .boxed(),
        Type::Ipv4 => prop_oneof![
            any::<[u8; 3]>().prop_map(|[a, b, c]| format!("127.{a}.{b}.{c}")),
            (any::<bool>(), any::<[u8; 2]>())
                .prop_map(|(hi, [c, d])| format!("198.{}.{c}.{d}", 18 + u8::from(hi))),
        ]
        .boxed(),
        Type::Ipv4Host => (any::<[u8; 3]>(), any::<bool>())
            .prop_map(|([a, b, c], host)| {
                format!("127.{a}.{b}.{c}{}", if host { "/32" } else { "" })
            })
            .boxed(),
        Type::IpAddr => prop_oneof![
            Just("::1".to_string()),
            any::<[u8; 3]>().prop_map(|[a, b, c]| format!("127.{a}.{b}.{c}")),
        ]
        .boxed(),
        Type::IpPrefix => prop_oneof![
            Just("::1/128".to_string()),
            Just("2001:db8::/32".to_string()),
            Just("127.0.0.0/8".to_string()),
        ]
        .boxed(),
        Type::Ipv4Prefix => (15u32..=32, any::<u32>())
            .prop_map(|(len, bits)| {
                let addr = (198u32 << 24 | 18 << 16) | (bits & 0x1_ffff);
                let mask = u32::MAX << (32 - len);
                format!("{}/{len}", std::net::Ipv4Addr::from(addr & mask))
            })
            .boxed(),
        // A match condition's prefix keeps its host bits as written.
        Type::Ipv4MatchPrefix => (15u32..=32, any::<u32>())
            .prop_map(|(len, bits)| {
                let addr = (198u32 << 24 | 18 << 16) | (bits & 0x1_ffff);
                format!("{}/{len}", std::net::Ipv4Addr::from(addr))
            })
            .boxed(),
        Type::Enum(choices) => proptest::sample::select(choices)
            .prop_map(str::to_string)
            .boxed(),
        Type::Str { max_len } => proptest::string::string_regex(&format!(
            "[a-zA-Z0-9 #;{{}}\\[\\]\"'\\\\/*|\n-]{{0,{}}}",
            max_len.min(12)
        ))
        .map(|s| s.boxed())
        .unwrap_or_else(|_| Just(String::new()).boxed()),
        Type::Identifier { max_len } => proptest::string::string_regex(&format!(
            "[a-z0-9][a-z0-9._@/:-]{{0,{}}}",
            max_len.saturating_sub(1).min(10)
        ))
        .map(|s| s.boxed())
        .unwrap_or_else(|_| Just("x".to_string()).boxed()),
        Type::WildcardName { .. } => "[a-z0-9*][a-z0-9*._@/:-]{0,10}".prop_map(|s| s).boxed(),
        // The canonical form: no leading dot.
        Type::Oid => proptest::collection::vec(0u32..100_000, 1..8)
            .prop_map(|arcs| {
                arcs.iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .boxed(),
        Type::IpAddrOr(words) => prop_oneof![
            Just("::1".to_string()),
            any::<[u8; 3]>().prop_map(|[a, b, c]| format!("127.{a}.{b}.{c}")),
            proptest::sample::select(words).prop_map(str::to_string),
        ]
        .boxed(),
        Type::ClientName => prop_oneof![
            Just("*".to_string()),
            "[a-z0-9][a-z0-9._@/:-]{0,10}".prop_map(|s| s),
        ]
        .boxed(),
        Type::Interface => prop_oneof![
            (0u8..4, 0u8..4, 0u8..8).prop_map(|(a, b, c)| format!("ge-{a}/{b}/{c}")),
            Just("lo0".to_string()),
            Just("inactive:".to_string()),
            // `NAME.N` is Junos shorthand for unit N of NAME (an interface named so is refused
            // at commit), so a generated name never ends in a dot and digits.
            "[a-z][a-z0-9./:-]{0,8}".prop_filter("not IFD.UNIT shorthand", |name| {
                !name.rsplit_once('.').is_some_and(|(_, unit)| {
                    !unit.is_empty() && unit.bytes().all(|b| b.is_ascii_digit())
                })
            }),
        ]
        .boxed(),
        Type::VlanTag => (
            proptest::sample::select(&[None, Some(0x8100u16), Some(0x88a8), Some(0x9100)][..]),
            1u16..=4094,
        )
            .prop_map(|(tpid, id)| match tpid {
                Some(tpid) => format!("{tpid:#06x}.{id}"),
                None => id.to_string(),
            })
            .boxed(),
        Type::Secret => "[a-z0-9]{1,8}"
            .prop_map(|clear| Type::Secret.check(&clear).unwrap_or(clear))
            .boxed(),
        // Variables print quoted (`"$junos-interface-unit"`) and must read back as they were.
        Type::OrVariable(inner) => prop_oneof![
            value(*inner),
            "[a-z][a-z0-9_-]{0,10}".prop_map(|name| format!("${name}")),
        ]
        .boxed(),
    }
}

fn annotation() -> impl Strategy<Value = Option<String>> {
    proptest::option::weighted(
        0.2,
        "[a-z0-9 #;{}\"*/\n-]{1,12}".prop_filter("closes the comment", |s| !s.contains("*/")),
    )
}

/// Inactive flag and annotation on a generated node.
fn tagged(node: impl Strategy<Value = Node>) -> impl Strategy<Value = Node> {
    (node, proptest::bool::weighted(0.15), annotation()).prop_map(
        |(mut node, inactive, annotation)| {
            node.inactive = inactive;
            node.annotation = annotation;
            node
        },
    )
}

/// A random, canonical tree of the contents of a block statement.
fn block(stmt: &'static Stmt, depth: u32) -> BoxedStrategy<Node> {
    block_of(stmt, depth, false)
}

/// [`block`] of a grouped list's own block (`interfaces { interface-range R { ... } }`) when
/// `list_block`, holding only its list-level children; otherwise of a node holding the rest.
fn block_of(stmt: &'static Stmt, depth: u32, list_block: bool) -> BoxedStrategy<Node> {
    // `apply-groups` and `apply-groups-except` stand in every block without being in its
    // table (the root has `apply-groups` in it), first; a grouped list's own block too.
    let anywhere = ["apply-groups", "apply-groups-except"]
        .into_iter()
        .filter(|name| stmt.child_index(name).is_none())
        .filter_map(|name| stmt.child(name));
    let parts: Vec<BoxedStrategy<Vec<(NodeId, Node)>>> = anywhere
        .chain(
            stmt.children
                .iter()
                .filter(|child| child.list_level == list_block),
        )
        .filter_map(|child| child_strategy(child, depth))
        .collect();
    let choice = stmt.choice;
    let exclusive = stmt.exclusive;
    parts
        .prop_map(move |parts| {
            let mut children: Vec<(NodeId, Node)> = parts.into_iter().flatten().collect();
            // A choice holds one of its alternatives.
            if choice {
                children.truncate(1);
            }
            // Of statements that exclude each other (`dedicated | shared`), one per group:
            // setting the second removes the first, so a tree with both is not one a load
            // can give.
            let mut seen_exclusive = vec![false; exclusive.len()];
            children.retain(|(id, _)| {
                let keyword: &str = id.keyword.as_ref();
                match exclusive.iter().position(|group| group.contains(&keyword)) {
                    Some(group) => !std::mem::replace(&mut seen_exclusive[group], true),
                    None => true,
                }
            });
            Node {
                children: children.into_iter().collect(),
                ..Node::default()
            }
        })
        .boxed()
}

fn child_strategy(child: &'static Stmt, depth: u32) -> Option<BoxedStrategy<Vec<(NodeId, Node)>>> {
    let id = NodeId::new(child.name);
    let one = |node: BoxedStrategy<Node>| {
        let id = id.clone();
        proptest::option::weighted(0.5, tagged(node))
            .prop_map(move |n| n.map(|n| (id.clone(), n)).into_iter().collect())
            .boxed()
    };
    Some(match child.kind {
        Kind::Container if depth > 0 => one(block(child, depth - 1)),
        Kind::Container => one(Just(Node::default()).boxed()),
        Kind::Flag => one(Just(Node::default()).boxed()),
        Kind::Leaf(ty) if usable(ty) => one(value(ty)
            .prop_map(|v| Node {
                values: [v].into(),
                ..Node::default()
            })
            .boxed()),
        Kind::LeafList(ty) if usable(ty) => one(proptest::collection::vec(value(ty), 1..4)
            .prop_map(|mut values| {
                let mut seen = Vec::new();
                values.retain(|v| {
                    if seen.contains(v) {
                        false
                    } else {
                        seen.push(v.clone());
                        true
                    }
                });
                Node {
                    values: values.into(),
                    ..Node::default()
                }
            })
            .boxed()),
        Kind::List(ty) if usable(ty) => {
            let entry = if depth > 0 {
                block(child, depth - 1)
            } else {
                Just(Node::default()).boxed()
            };
            let numeric = matches!(ty, Type::Uint { .. });
            // The list's own block, when its statement has one, comes before its entries.
            // Its tags are the whole block's (`inactive: interfaces {`, from `deactivate
            // interfaces`), where the block takes them: a grouped list without list-level
            // statements (`radius-server { apply-groups G; }`) has its entries tagged one by
            // one, and `deactivate radius-server` is refused.
            let list_block = if child.has_list_block() && depth > 0 {
                let block = block_of(child, depth - 1, true);
                let block = if child.block_takes_tags() {
                    tagged(block).boxed()
                } else {
                    block
                };
                proptest::option::weighted(0.5, block).boxed()
            } else {
                Just(None).boxed()
            };
            // A `single` list holds one entry at a time (another replaces it).
            let most = if child.single { 2 } else { 3 };
            (
                proptest::collection::vec((value(ty), tagged(entry)), 0..most),
                list_block,
            )
                .prop_map(move |(entries, list_block)| {
                    let mut out: Vec<(NodeId, Node)> = Vec::new();
                    // Tags alone are kept only on a list that has entries: `deactivate
                    // interfaces` finds no statement to tag in a configuration without any.
                    let kept = |n: &Node| {
                        !n.children.is_empty()
                            || (!entries.is_empty() && (n.inactive || n.annotation.is_some()))
                    };
                    if let Some(node) = list_block.filter(kept) {
                        out.push((NodeId::new(child.name), node));
                    }
                    for (key, node) in entries {
                        if !out
                            .iter()
                            .any(|(id, _)| id.key.as_deref() == Some(key.as_str()))
                        {
                            out.push((NodeId::entry(child.name, key), node));
                        }
                    }
                    if numeric {
                        out.sort_by_key(|(id, _)| {
                            id.key.as_deref().and_then(|k| k.parse::<u64>().ok())
                        });
                    }
                    out
                })
                .boxed()
        }
        _ => return None,
    })
}

fn config() -> BoxedStrategy<Node> {
    block(&table::ROOT, 6).prop_map(wildcards_in_groups).boxed()
}

/// The tree with some list keys inside configuration groups made wildcards (`<ge-0/0/0*>`),
/// which only a group takes: those of every other entry named by an interface or a name.
fn wildcards_in_groups(mut tree: Node) -> Node {
    fn rewrite(node: &mut Node, stmt: &'static Stmt, turn: &mut bool) {
        let ids: Vec<NodeId> = node.children.keys().cloned().collect();
        for id in ids {
            let Some(child_stmt) = stmt.child(&id.keyword) else {
                continue;
            };
            let mut id_now = id.clone();
            let wildcard_type = matches!(
                child_stmt.kind,
                Kind::List(Type::Interface | Type::Identifier { .. })
            );
            if let (true, Some(key)) = (wildcard_type, &id.key) {
                *turn = !*turn;
                if *turn
                    && !node
                        .children
                        .keys()
                        .any(|k| k.key.as_deref() == Some(&format!("<{key}*>")))
                {
                    id_now = NodeId::entry(id.keyword.as_str(), format!("<{key}*>"));
                    let index = node.children.get_index_of(&id).unwrap();
                    let child = node.children.shift_remove(&id).unwrap();
                    node.children.shift_insert(index, id_now.clone(), child);
                }
            }
            if let Some(child) = node.children.get_mut(&id_now) {
                rewrite(child, child_stmt, turn);
            }
        }
    }
    let mut turn = false;
    for (id, group) in tree.children.iter_mut() {
        if id.keyword == "groups" {
            if let Some(groups) = table::ROOT.child("groups") {
                rewrite(group, groups, &mut turn);
            }
        }
    }
    tree
}

fn without_annotations(node: &Node) -> Node {
    Node {
        values: node.values.clone(),
        children: node
            .children
            .iter()
            .map(|(id, n)| (id.clone(), without_annotations(n)))
            .filter(|(id, n)| !bare_list_block(&node.children, id, n))
            .collect(),
        inactive: node.inactive,
        annotation: None,
    }
}

/// A grouped list's own block node left with nothing in it once its tags are taken away:
/// the `set` form has no line that makes one (it held only `annotate interfaces`'s text).
fn bare_list_block(siblings: &schema::tree::Children, id: &NodeId, node: &Node) -> bool {
    id.key.is_none()
        && node.is_empty()
        && !node.inactive
        && node.annotation.is_none()
        && siblings
            .keys()
            .any(|other| other.key.is_some() && other.keyword == id.keyword)
}

/// The tree as one-line brace statements go: no tags, no annotations.
fn untagged(node: &Node) -> Node {
    Node {
        values: node.values.clone(),
        children: node
            .children
            .iter()
            .map(|(id, n)| (id.clone(), untagged(n)))
            .filter(|(id, n)| !bare_list_block(&node.children, id, n))
            .collect(),
        inactive: false,
        annotation: None,
    }
}

/// Each `set` line without its `set` is a brace statement naming a whole path on one line
/// (`interfaces ge-0/0/0 unit 0 family inet address 198.18.0.1/24;`), as Junos reads it.
fn one_line_statements(tree: &Node) -> String {
    to_set_lines(&[], tree)
        .lines()
        .filter_map(|line| line.strip_prefix("set "))
        .map(|line| format!("{};\n", line.trim_end_matches(" ## SECRET-DATA")))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn one_line_statements_read_back(tree in config()) {
        let text = one_line_statements(&tree);
        let back = parse_config(&text);
        prop_assert_eq!(back, Ok(untagged(&tree)), "text:\n{}", text);
    }

    #[test]
    fn brace_form_reads_back(tree in config()) {
        let text = to_text(&[], &tree);
        let back = parse_config(&text);
        prop_assert_eq!(back.as_ref(), Ok(&tree), "text:\n{}", text);
    }

    #[test]
    fn set_form_reads_back(tree in config()) {
        let lines = to_set_lines(&[], &tree);
        let back = apply_set_lines(&Node::default(), &lines);
        prop_assert_eq!(back, Ok(without_annotations(&tree)), "lines:\n{}", lines);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,200}") {
        let _ = parse_config(&text);
        let _ = apply_set_lines(&Node::default(), &text);
        let _ = split_words(&text);
    }

    #[test]
    fn config_like_text_never_panics(text in "([a-z\\-]{1,12}|[ \n{};\"#]|\\[|\\]|/\\*|\\*/|inactive: |set |delete ){0,60}") {
        let _ = parse_config(&text);
        let _ = apply_set_lines(&Node::default(), &text);
        if let Ok(words) = split_words(&text) {
            for w in &words {
                prop_assert!(w.start <= w.end && w.end <= text.len());
            }
        }
    }
}

/// A leaf-list value that is a bracket prints quoted and reads back as a value, in brace text
/// and in set lines (the set form once read a quoted `[` as a list's bracket).
#[test]
fn bracket_values_read_back_in_both_forms() {
    let text = "access {\n    profile 0 {\n        session-options {\n            \
                strip-user-name {\n                delimiter [ \"[\" \"]\" ];\n            \
                }\n        }\n    }\n}\n";
    let tree = parse_config(text).unwrap();
    assert_eq!(to_text(&[], &tree), text);
    let lines = to_set_lines(&[], &tree);
    assert!(lines.contains("delimiter \"[\"\n"), "{lines}");
    assert_eq!(apply_set_lines(&Node::default(), &lines), Ok(tree));
}

#[test]
fn hostile_nesting_is_a_clean_error() {
    let text = "system { ".repeat(100_000);
    assert!(parse_config(&text).is_err());
    let text = "{".repeat(100_000);
    assert!(parse_config(&text).is_err());
}

/// Junos' one-line forms, pasted as Junos prints them (and as its syntax summaries write
/// `local-gateway address A;`), read into the product's schema and print back as Junos
/// shows them.
#[test]
fn junos_one_line_forms_paste_in_and_print_back() {
    let pasted = "\
interfaces { ge-0/0/0 { unit 0 { family inet { address 198.18.67.2/24; } } } }
services { l2tp {
    traceoptions { file jl2tpd size 10m files 5; }
    tunnel-group lns1 { local-gateway address 198.18.0.1; }
} }
";
    let printed = "\
services {
    l2tp {
        traceoptions {
            file jl2tpd size 10m files 5;
        }
        tunnel-group lns1 {
            local-gateway {
                address 198.18.0.1;
            }
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 198.18.67.2/24;
            }
        }
    }
}
";
    let tree = parse_config(pasted).unwrap();
    assert_eq!(to_text(&[], &tree), printed);
    assert_eq!(parse_config(printed), Ok(tree));
}

/// The PPPoE access statements as Junos prints them: `vlan-tags outer O inner I;` and
/// `delay 5;` on one line, service names quoted only when they need it.
#[test]
fn pppoe_access_statements_print_as_junos_shows_them() {
    let printed = r#"interfaces {
    ge-1/0/0 {
        flexible-vlan-tagging;
        unit 0 {
            family pppoe {
                short-cycle-protection;
                mtu use-lower-layer;
            }
        }
        unit 100 {
            vlan-id 100;
            family pppoe {
                access-concentrator lac1;
                service-name-table svc;
                short-cycle-protection lockout-time-min 10 lockout-time-max 600;
                mtu 1492;
            }
        }
        unit 101 {
            vlan-tags outer 101 inner 7;
        }
    }
}
protocols {
    pppoe {
        service-name-tables svc {
            service empty {
                terminate;
            }
            service "gold service" {
                delay 5;
                max-sessions 100;
            }
            service any {
                drop;
            }
        }
    }
}
"#;
    let tree = parse_config(printed).unwrap();
    assert_eq!(to_text(&[], &tree), printed);
    let blocks = printed.replace(
        "vlan-tags outer 101 inner 7;",
        "vlan-tags {\n                outer 101;\n                inner 7;\n            }",
    );
    assert_eq!(parse_config(&blocks), Ok(tree.clone()));
    let set = to_set_lines(&[], &tree);
    assert!(
        set.contains("set interfaces ge-1/0/0 unit 101 vlan-tags outer 101\n"),
        "{set}"
    );
    // `| display set` names each lockout bound on a line of its own; loaded back it is the
    // same configuration.
    assert!(
        set.contains(
            "set interfaces ge-1/0/0 unit 100 family pppoe short-cycle-protection lockout-time-max 600\n"
        ),
        "{set}"
    );
    assert!(
        set.contains("set interfaces ge-1/0/0 unit 0 family pppoe short-cycle-protection\n"),
        "{set}"
    );
    assert_eq!(
        schema::parse::apply_set_lines(&schema::tree::Node::default(), &set),
        Ok(tree.clone())
    );
    assert!(
        set.contains(
            "set protocols pppoe service-name-tables svc service \"gold service\" delay 5\n"
        ),
        "{set}"
    );
}

/// Junos shows an SNMP community's clients as a block, one prefix a line.
#[test]
fn snmp_clients_read_and_print_as_a_block() {
    let printed = "\
snmp {
    community public {
        clients {
            127.0.0.0/8;
            198.18.0.0/15;
        }
    }
}
";
    let tree = parse_config(printed).unwrap();
    assert_eq!(to_text(&[], &tree), printed);
    assert_eq!(
        to_set_lines(&[], &tree),
        "set snmp community public clients 127.0.0.0/8\n\
         set snmp community public clients 198.18.0.0/15\n"
    );
}

/// Found by `brace_form_reads_back`: a comment (or `inactive:`) on `then` was printed before
/// `then reject;`, and read back onto `reject`. Such a `then` is printed as a block.
#[test]
fn a_comment_on_a_chained_one_line_container_stays_where_it_was() {
    for marked in ["/* why */\n", "inactive: "] {
        let text = format!(
            "firewall {{ family inet {{ filter f {{ term t {{ {marked}then {{ reject; }} }} }} }} }}"
        );
        let tree = parse_config(&text).expect("parses");
        let printed = to_text(&[], &tree);
        assert_eq!(parse_config(&printed).as_ref(), Ok(&tree), "{printed}");
    }
    let plain = parse_config("firewall { family inet { filter f { term t { then reject; } } } }")
        .expect("parses");
    assert!(to_text(&[], &plain).contains("then reject;"));
}
