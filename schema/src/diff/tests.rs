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
