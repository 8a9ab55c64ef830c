use super::*;
use crate::parse::parse_at;
use crate::parse::test_schema::TEST_ROOT;
use crate::print::diff_to_text;

fn tree(text: &str) -> Node {
    parse_at(&TEST_ROOT, &[], text).unwrap().tree
}

fn compare(a: &str, b: &str) -> String {
    diff_to_text(&diff_in(&TEST_ROOT, &tree(a), &tree(b), &[]))
}

#[test]
fn identical_trees_have_no_diff() {
    let t = "system { host-name r1; } access { tunnel-profile a; }";
    assert!(diff_in(&TEST_ROOT, &tree(t), &tree(t), &[]).is_empty());
    assert_eq!(compare(t, t), "");
}

#[test]
fn added_subtree_is_shown_whole_under_the_parent() {
    let after = "interfaces { ge-1/1/1 { unit 0 { family { inet { address 198.18.1.0/30; } } } } }";
    let expected = "\
[edit]
+  interfaces {
+      ge-1/1/1 {
+          unit 0 {
+              family inet {
+                  address 198.18.1.0/30;
+              }
+          }
+      }
+  }
";
    assert_eq!(compare("", after), expected);
    assert_eq!(compare(after, ""), expected.replace('+', "-"));
}

#[test]
fn changed_leaf_shows_old_then_new() {
    let a = "services { l2tp { tunnel { idle-timeout 60; } } }";
    let b = "services { l2tp { tunnel { idle-timeout 120; } } }";
    assert_eq!(
        compare(a, b),
        "[edit services l2tp tunnel]\n-  idle-timeout 60;\n+  idle-timeout 120;\n"
    );
}

#[test]
fn one_banner_per_level_in_tree_order() {
    let a = "system { host-name r1; name-server 198.18.0.1; login { user a { class operator; } } } access { tunnel-profile t { tunnel 1; tunnel 5; } }";
    let b = "system { name-server [ 198.18.0.1 198.18.0.2 ]; login { user a { class read-only; } user b; } } access { tunnel-profile t { tunnel 3 { preference 2; } tunnel 5; } tunnel-profile u; } services { l2tp { drain; } }";
    // A level's own lines come before the levels below it, under one banner.
    let expected = "\
[edit]
+  services {
+      l2tp {
+          drain;
+      }
+  }
[edit system]
-  host-name r1;
-  name-server 198.18.0.1;
+  name-server [ 198.18.0.1 198.18.0.2 ];
[edit system login]
+  user b;
[edit system login user a]
-  class operator;
+  class read-only;
[edit access]
+  tunnel-profile u;
[edit access tunnel-profile t]
-  tunnel 1;
+  tunnel 3 {
+      preference 2;
+  }
";
    assert_eq!(compare(a, b), expected);
}

#[test]
fn grouped_lists_compare_under_their_own_banner() {
    let a = "interfaces { ge-0/0/0 { disable; } lo0; } access { radius-server { 198.18.0.1 { port 1812; } } }";
    let b = "interfaces { ge-0/0/0 { description up; } ge-0/0/1; } access { radius-server { 198.18.0.1 { port 1812; } } }";
    let expected = "\
[edit interfaces]
-  lo0;
+  ge-0/0/1;
[edit interfaces ge-0/0/0]
+  description up;
-  disable;
";
    assert_eq!(compare(a, b), expected);
    let c = "access { radius-server { 198.18.0.1 { port 1812; } } }";
    assert_eq!(compare(c, "access;"), "[edit access]\n-  radius-server {\n-      198.18.0.1 {\n-          port 1812;\n-      }\n-  }\n");
}

#[test]
fn tags_show_old_and_new_statement() {
    let a = "services { l2tp { drain; tunnel { idle-timeout 5; } } }";
    let b =
        "services { l2tp { inactive: drain; /* slow */ inactive: tunnel { idle-timeout 5; } } }";
    let expected = "\
[edit services l2tp]
-  drain;
+  inactive: drain;
-  tunnel { ... }
+  /* slow */
+  inactive: tunnel { ... }
";
    assert_eq!(compare(a, b), expected);
}

#[test]
fn restricted_to_a_path() {
    let a = tree("system { host-name r1; } services { l2tp { tunnel { idle-timeout 5; } } }");
    let b = tree("system { host-name r2; } services { l2tp { tunnel { idle-timeout 6; } } }");
    let path = [NodeId::new("services"), NodeId::new("l2tp")];
    assert_eq!(
        diff_to_text(&diff_in(&TEST_ROOT, &a, &b, &path)),
        "[edit services l2tp tunnel]\n-  idle-timeout 5;\n+  idle-timeout 6;\n"
    );
    let leaf = [NodeId::new("system"), NodeId::new("host-name")];
    assert_eq!(
        diff_to_text(&diff_in(&TEST_ROOT, &a, &b, &leaf)),
        "[edit system]\n-  host-name r1;\n+  host-name r2;\n"
    );
    let missing = [NodeId::new("access")];
    assert!(diff_in(&TEST_ROOT, &a, &b, &missing).is_empty());
    let added = [NodeId::new("services")];
    assert_eq!(
        diff_to_text(&diff_in(&TEST_ROOT, &Node::default(), &b, &added)),
        "[edit]\n+  services {\n+      l2tp {\n+          tunnel {\n+              idle-timeout 6;\n+          }\n+      }\n+  }\n"
    );
}

/// Statements of the product's schema that random edits pick from: leaves, ordered and keyed
/// lists, a grouped list (`interfaces`), leaf-lists, flags.
const POOL: &[&str] = &[
    "system host-name r1",
    "system host-name r2",
    "services l2tp tunnel idle-timeout 120",
    "services l2tp tunnel idle-timeout 60",
    "services l2tp drain",
    "services l2tp tunnel-group tg1 local-gateway address 127.0.0.2",
    "services l2tp tunnel-group tg1 service-interface si-0/0/0",
    "services l2tp tunnel-group tg2 local-gateway address 127.0.0.3",
    "access tunnel-profile tp1 tunnel 1 preference 0",
    "access tunnel-profile tp1 tunnel 1 remote-gateway address 127.0.0.10",
    "access tunnel-profile tp1 tunnel 7 preference 1",
    "access tunnel-profile tp1 tunnel 2 max-sessions 10",
    "access tunnel-profile tp2 tunnel 1 remote-gateway address 127.0.0.11",
    "access tunnel-profile tp3",
    "access tunnel-profile tp0 tunnel 3 preference 2",
    "access domain map example.net tunnel-profile tp1",
    "access domain map a.example tunnel-profile tp2",
    "access profile lns-clients authentication-order [ radius password ]",
    "access profile lns-clients authentication-order password",
    "access address-assignment pool p family inet network 127.16.0.0/16",
    "access address-assignment pool p family inet dhcp-attributes name-server 127.0.0.53",
    "access address-assignment pool p family inet dhcp-attributes name-server 127.0.0.54",
    "interfaces ge-0/0/0 unit 0 family inet address 127.0.0.1/32",
    "interfaces ge-0/0/0 unit 0 family inet address 127.0.0.2/24",
    "interfaces ge-0/0/1 unit 0 family inet address 127.0.0.3/24",
    "interfaces lo0 unit 0 family inet address 127.0.0.9/32",
    "snmp community public authorization read-only",
    "snmp community public clients 127.0.0.0/8",
    "snmp community private clients 127.1.0.0/16",
];

/// A tree from the pool: the chosen statements set in the chosen order (so lists kept in the
/// operator's order differ), some deactivated or annotated.
fn pool_tree(picks: &[(usize, u8)]) -> Node {
    let mut t = Node::default();
    for (i, tag) in picks {
        let Some(line) = POOL.get(*i) else { continue };
        let words: Vec<String> = crate::tokenize::split_words(line)
            .unwrap_or_default()
            .into_iter()
            .map(|w| w.text)
            .collect();
        if crate::edit::set(&mut t, &words).is_err() {
            continue;
        }
        // Tag the statement's first two or three words' level (a block), sometimes.
        let level: Vec<String> = words
            .iter()
            .take(2 + usize::from(tag % 2))
            .cloned()
            .collect();
        match tag % 7 {
            0 => {
                let _ = crate::edit::deactivate(&mut t, &level);
            }
            1 => {
                let _ = crate::edit::annotate(&mut t, &level, "note");
            }
            _ => {}
        }
    }
    t
}

proptest::proptest! {
    /// The linear diff gives exactly the blocks of the algorithm it replaced, for the whole
    /// tree and for a level.
    #[test]
    fn same_blocks_as_the_reference_diff(
        a in proptest::collection::vec((0..POOL.len(), proptest::prelude::any::<u8>()), 0..14),
        b in proptest::collection::vec((0..POOL.len(), proptest::prelude::any::<u8>()), 0..14),
        level in 0usize..4,
    ) {
        let (a, b) = (pool_tree(&a), pool_tree(&b));
        proptest::prop_assert_eq!(
            diff(&a, &b, &[]),
            reference::diff_in(&crate::table::ROOT, &a, &b, &[])
        );
        let path: Vec<NodeId> = match level {
            0 => vec![NodeId::new("access")],
            1 => vec![NodeId::new("access"), NodeId::entry("tunnel-profile", "tp1")],
            2 => vec![NodeId::new("interfaces")],
            _ => vec![NodeId::new("services"), NodeId::new("l2tp")],
        };
        proptest::prop_assert_eq!(
            diff(&a, &b, &path),
            reference::diff_in(&crate::table::ROOT, &a, &b, &path)
        );
    }
}

/// The edits of `picks` applied to `t` in place: a `set` of a pool statement, or (one tag in
/// three) a `delete` of its first words' level, sometimes deactivated or annotated.
fn edit_tree(t: &mut Node, picks: &[(usize, u8)]) {
    for (i, tag) in picks {
        let Some(line) = POOL.get(*i) else { continue };
        let words: Vec<String> = crate::tokenize::split_words(line)
            .unwrap_or_default()
            .into_iter()
            .map(|w| w.text)
            .collect();
        let level: Vec<String> = words
            .iter()
            .take(2 + usize::from(tag % 2))
            .cloned()
            .collect();
        match tag % 6 {
            0 => {
                let _ = crate::edit::delete(t, &level);
            }
            1 => {
                let _ = crate::edit::set(t, &words);
                let _ = crate::edit::deactivate(t, &level);
            }
            2 => {
                let _ = crate::edit::set(t, &words);
                let _ = crate::edit::annotate(t, &level, "edited");
            }
            _ => {
                let _ = crate::edit::set(t, &words);
            }
        }
    }
}

proptest::proptest! {
    /// A candidate made the way the daemon makes one (a clone of the committed tree, edited
    /// in place, so it shares every subtree it did not touch) compares exactly as the
    /// reference diff says, as a copy sharing nothing does, and as the same tree re-shared
    /// after a whole load (`share_with`); and the edits never show in the tree it came from.
    #[test]
    fn shared_candidate_gives_the_reference_blocks(
        a in proptest::collection::vec((0..POOL.len(), proptest::prelude::any::<u8>()), 0..14),
        edits in proptest::collection::vec((0..POOL.len(), proptest::prelude::any::<u8>()), 0..6),
        level in 0usize..4,
    ) {
        let a = pool_tree(&a);
        let a_before = a.compacted();
        let mut b = a.clone();
        edit_tree(&mut b, &edits);
        proptest::prop_assert_eq!(&a, &a_before);
        let unshared = b.compacted();
        let mut reshared = unshared.compacted();
        let equal = reshared.share_with(&a);
        proptest::prop_assert_eq!(equal, a == b);
        proptest::prop_assert_eq!(&reshared, &b);
        let path: Vec<NodeId> = match level {
            0 => vec![],
            1 => vec![NodeId::new("access")],
            2 => vec![NodeId::new("interfaces")],
            _ => vec![NodeId::new("services"), NodeId::new("l2tp")],
        };
        let expected = reference::diff_in(&crate::table::ROOT, &a_before, &unshared, &path);
        proptest::prop_assert_eq!(&diff(&a, &b, &path), &expected);
        proptest::prop_assert_eq!(&diff(&a, &reshared, &path), &expected);
        proptest::prop_assert_eq!(&diff(&a_before, &unshared, &path), &expected);
    }
}

/// A thousand profiles with one changed: the same single block as before, and the
/// unchanged profiles are paired by position (no hashing) — the aligned case.
#[test]
fn one_change_among_many_profiles_is_one_block() {
    let mut a = Node::default();
    for i in 0..1000 {
        let words: Vec<String> = format!("access tunnel-profile tp{i} tunnel 1 preference 0")
            .split(' ')
            .map(String::from)
            .collect();
        crate::edit::set(&mut a, &words).unwrap();
    }
    let mut b = a.clone();
    let words: Vec<String> = "access tunnel-profile tp500 tunnel 1 preference 3"
        .split(' ')
        .map(String::from)
        .collect();
    crate::edit::set(&mut b, &words).unwrap();
    let blocks = diff(&a, &b, &[]);
    assert_eq!(blocks, reference::diff_in(&crate::table::ROOT, &a, &b, &[]));
    assert_eq!(
        diff_to_text(&blocks),
        "[edit access tunnel-profile tp500 tunnel 1]\n-  preference 0;\n+  preference 3;\n"
    );
}

/// The property test means something only if its statements are taken.
#[test]
fn every_pool_statement_sets() {
    for (i, line) in POOL.iter().enumerate() {
        let t = pool_tree(&[(i, 2)]);
        assert!(!t.children.is_empty(), "{line}");
    }
}
