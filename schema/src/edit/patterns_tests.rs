use super::*;
use crate::edit::set;

fn w(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

fn config(lines: &[&str]) -> Node {
    let mut t = Node::default();
    for line in lines {
        set(&mut t, &w(line)).expect(line);
    }
    t
}

fn profiles(t: &Node) -> Vec<String> {
    t.get(&[NodeId::new("access")])
        .map(|a| {
            a.children
                .keys()
                .filter(|id| id.keyword == "tunnel-profile")
                .filter_map(|id| id.key.as_ref().map(|k| k.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn three_profiles() -> Node {
    config(&[
        "access tunnel-profile lns1 tunnel 1 remote-gateway address 198.18.1.1",
        "access tunnel-profile lns2 tunnel 1 remote-gateway address 198.18.1.2",
        "access tunnel-profile backup tunnel 1 remote-gateway address 198.18.1.3",
        "system host-name lns1-router",
    ])
}

#[test]
fn wildcard_matches_whole_names_of_the_list() {
    let t = three_profiles();
    let words = w("access tunnel-profile");
    assert_eq!(
        wildcard_matches(&t, &words, "lns.*").unwrap(),
        ["lns1", "lns2"]
    );
    // Anchored: `lns` alone matches no whole name.
    assert!(wildcard_matches(&t, &words, "lns").unwrap().is_empty());
    assert_eq!(
        wildcard_matches(&t, &w("access tunnel-p"), "b.*|lns2").unwrap(),
        ["lns2", "backup"]
    );
}

#[test]
fn wildcard_delete_removes_only_the_matches() {
    let mut t = three_profiles();
    let deleted = wildcard_delete(&mut t, &w("access tunnel-profile"), "lns[0-9]").unwrap();
    assert_eq!(deleted, ["lns1", "lns2"]);
    assert_eq!(profiles(&t), ["backup"]);
    // The host name that also matches is not a profile: untouched.
    assert!(t
        .get(&[NodeId::new("system"), NodeId::new("host-name")])
        .is_some());
}

#[test]
fn wildcard_errors_name_the_word() {
    let t = three_profiles();
    let e = wildcard_matches(&t, &w("access tunnel-profile"), "lns(").unwrap_err();
    assert_eq!(e.word, 2);
    assert_eq!(e.message, "invalid regular expression 'lns('");
    // A single entry or a leaf is not something with names to match.
    let e = wildcard_matches(&t, &w("system host-name"), ".*").unwrap_err();
    assert_eq!(e.word, 1);
    assert!(e.message.starts_with("syntax error"), "{}", e.message);
    let e = wildcard_matches(&t, &w("bogus"), ".*").unwrap_err();
    assert_eq!(e.word, 0);
}

#[test]
fn replace_pattern_renames_names_and_values_not_keywords() {
    let mut t = three_profiles();
    let n = replace_pattern(&mut t, &[], "lns", "lac", None).unwrap();
    // Two profile names and the host name.
    assert_eq!(n, 3);
    assert_eq!(profiles(&t), ["lac1", "lac2", "backup"]);
    assert_eq!(
        t.get(&[NodeId::new("system"), NodeId::new("host-name")])
            .map(|n| n.values.to_strings()),
        Some(vec!["lac1-router".to_string()])
    );
}

#[test]
fn replace_pattern_groups_upto_and_level() {
    let mut t = three_profiles();
    // `\1` as on Junos, and only below the level.
    let access = [NodeId::new("access")];
    let n = replace_pattern(
        &mut t,
        &access,
        r"198\.18\.1\.([0-9])",
        r"198.18.2.\1",
        Some(2),
    )
    .unwrap();
    assert_eq!(n, 2);
    let text = crate::print::to_set_lines(&[], &t);
    assert!(
        text.contains("lns1 tunnel 1 remote-gateway address 198.18.2.1"),
        "{text}"
    );
    assert!(
        text.contains("lns2 tunnel 1 remote-gateway address 198.18.2.2"),
        "{text}"
    );
    assert!(
        text.contains("backup tunnel 1 remote-gateway address 198.18.1.3"),
        "{text}"
    );
    let system = [NodeId::new("system")];
    assert_eq!(
        replace_pattern(&mut t, &system, "lns", "x", None).unwrap(),
        1
    );
    assert_eq!(profiles(&t), ["lns1", "lns2", "backup"]);
}

#[test]
fn replace_pattern_refuses_collisions_and_bad_patterns() {
    let mut t = three_profiles();
    let before = t.clone();
    let e = replace_pattern(&mut t, &[], "lns[12]", "lns", None).unwrap_err();
    assert!(
        e.contains("two statements named 'tunnel-profile lns'"),
        "{e}"
    );
    assert_eq!(t, before, "a refused replace changes nothing");
    assert_eq!(
        replace_pattern(&mut t, &[], "(", "x", None).unwrap_err(),
        "invalid regular expression '('"
    );
}

/// `delete` alone at `[edit]` (the shell asked first) empties the configuration.
#[test]
fn delete_of_the_top_level_empties_everything() {
    let mut t = three_profiles();
    assert_eq!(
        crate::edit::delete(&mut t, &[] as &[String]),
        Ok(crate::edit::Applied::Done)
    );
    assert!(t.children.is_empty());
    assert_eq!(
        crate::edit::delete(&mut t, &[] as &[String]),
        Ok(crate::edit::Applied::NotFound)
    );
}

/// Junos' own example: the interfaces whose names match, and no other.
#[test]
fn wildcard_delete_of_interfaces() {
    let mut t = config(&[
        "interfaces ge-0/0/1 unit 0",
        "interfaces ge-0/0/2 unit 0",
        "interfaces ge-1/0/1 unit 0",
    ]);
    let deleted = wildcard_delete(&mut t, &w("interfaces"), "ge-0/0/[1-3]").unwrap();
    assert_eq!(deleted, ["ge-0/0/1", "ge-0/0/2"]);
    assert_eq!(
        t.children
            .keys()
            .filter_map(|id| id.key.clone())
            .collect::<Vec<_>>(),
        ["ge-1/0/1"]
    );
}
