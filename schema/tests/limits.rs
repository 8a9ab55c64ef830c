//! Strings have the lengths Junos gives them, on every path into a configuration (`set`,
//! `load`, `annotate`, the commit check), and an error quotes at most a short prefix of the
//! value it refuses: a 10 MB value never comes back in a message.

use schema::edit;
use schema::mgmt::LoadMode;
use schema::validate::check_and_view;
use schema::{Node, NodeId, Type};

const HUGE: usize = 10 * 1024 * 1024;

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}

fn set(tree: &mut Node, line: &str) -> Result<(), String> {
    edit::set(tree, &words(line)).map_err(|e| e.message)
}

/// The whole refusal of `line` with its last word replaced by `value`.
fn set_error(line: &str, value: &str) -> String {
    let mut w = words(line);
    w.push(value.to_string());
    edit::set(&mut Node::default(), &w)
        .err()
        .unwrap_or_else(|| panic!("'{line} …' ({} chars) was accepted", value.len()))
        .message
}

#[test]
fn errors_never_echo_a_huge_value() {
    let huge = "a".repeat(HUGE);
    let spaced = format!("a {huge}");
    for (line, value) in [
        ("system login user u1 full-name", huge.as_str()),
        ("system host-name", spaced.as_str()),
        ("access tunnel-profile", spaced.as_str()),
        ("services l2tp tunnel idle-timeout", huge.as_str()),
        ("access radius-server", huge.as_str()),
        (
            "access tunnel-profile tp1 tunnel 1 source-gateway address",
            huge.as_str(),
        ),
        ("interfaces", huge.as_str()),
        ("access radius-server 127.0.0.1 secret", huge.as_str()),
    ] {
        let message = set_error(line, value);
        assert!(message.len() < 300, "{line}: {} bytes", message.len());
    }
    let text = format!("system {{ host-name {spaced}; }}\n");
    let e = edit::load(&Node::default(), LoadMode::Merge, &text, None).unwrap_err();
    assert!(e.message.len() < 300, "load: {} bytes", e.message.len());
}

#[test]
fn names_are_at_most_63_characters() {
    let mut tree = Node::default();
    let name = "p".repeat(63);
    set(
        &mut tree,
        &format!("access tunnel-profile {name} tunnel 1 preference 1"),
    )
    .unwrap();
    let message = set_error("access tunnel-profile", &"p".repeat(64));
    assert!(message.contains("63"), "{message}");
}

#[test]
fn secrets_are_at_most_255_characters() {
    let mut tree = Node::default();
    set(
        &mut tree,
        &format!("access radius-server 127.0.0.1 secret {}", "s".repeat(255)),
    )
    .unwrap();
    let message = set_error("access radius-server 127.0.0.1 secret", &"s".repeat(256));
    assert!(message.contains("255"), "{message}");
    // An obfuscated value is held to the same limit once decoded.
    let long = schema::secret::encode(&"s".repeat(256));
    let message = set_error("access radius-server 127.0.0.1 secret", &long);
    assert!(message.contains("255"), "{message}");
}

#[test]
fn free_text_refuses_terminal_control_characters() {
    let message = set_error("system login user u1 full-name", "Eve\u{1b}]0;pwned\u{7}");
    assert!(message.contains("control character"), "{message}");
}

#[test]
fn annotations_are_bounded_on_every_path() {
    let mut tree = Node::default();
    set(&mut tree, "system host-name r1").unwrap();
    let path = words("system host-name");
    edit::annotate(&mut tree, &path, &"n".repeat(1024)).unwrap();
    let e = edit::annotate(&mut tree, &path, &"n".repeat(1025)).unwrap_err();
    assert!(e.message.contains("1024"), "{}", e.message);
    let e = edit::annotate(&mut tree, &path, "\u{1b}[2J").unwrap_err();
    assert!(e.message.contains("control character"), "{}", e.message);

    let text = format!(
        "system {{\n    /* {} */\n    host-name r1;\n}}\n",
        "n".repeat(1025)
    );
    let e = edit::load(&Node::default(), LoadMode::Merge, &text, None).unwrap_err();
    assert!(e.message.contains("1024"), "{}", e.message);

    // A tree that got one anyway (an older database) fails the commit check, not the daemon.
    let node = tree
        .get_mut(&[NodeId::new("system"), NodeId::new("host-name")])
        .unwrap();
    node.annotation = Some("n".repeat(HUGE));
    let Err((errors, _)) = check_and_view(&tree) else {
        panic!("the commit check must fail")
    };
    assert!(errors[0].message.contains("1024"), "{errors:?}");
    assert!(errors[0].message.len() < 300);
}

#[test]
fn type_check_truncates_what_it_quotes() {
    let e = Type::Str { max_len: 10 }
        .check(&"x".repeat(HUGE))
        .unwrap_err();
    assert!(e.len() < 300, "{} bytes", e.len());
    assert!(e.contains("xxxx"), "{e}");
}
