//! `| display set relative`, `| display detail` and `| display xml` of configurations.

use crate::edit::set;
use crate::print::{to_detail_text, to_set_lines_relative, to_xml};
use crate::tree::{Node, NodeId};

fn config(lines: &[&str]) -> Node {
    let mut t = Node::default();
    for line in lines {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        set(&mut t, &words).expect(line);
    }
    t
}

fn sample() -> Node {
    config(&[
        "system host-name lab1",
        "services l2tp tunnel idle-timeout 120",
        "services l2tp drain",
        "access tunnel-profile tp1 tunnel 1 remote-gateway address 198.18.1.1",
    ])
}

#[test]
fn set_relative_drops_the_level_and_what_is_outside_it() {
    let t = sample();
    let services = [NodeId::new("services")];
    let shown = t.get(&services).cloned().unwrap_or_default();
    assert_eq!(
        to_set_lines_relative(&services, &services, &shown),
        "set l2tp drain\nset l2tp tunnel idle-timeout 120\n"
    );
    // At the top, relative is the same as plain `display set`.
    assert_eq!(
        to_set_lines_relative(&[], &[], &t),
        crate::print::to_set_lines(&[], &t)
    );
}

#[test]
fn detail_puts_help_range_and_default_above_each_statement() {
    let t = sample();
    let text = to_detail_text(&[], &t);
    let expect_in_order = [
        "##",
        "## system: ",
        "##",
        "system {",
        "    ##",
        "    ## host-name: ",
        "    host-name lab1;",
        "}",
    ];
    let mut at = 0;
    for want in expect_in_order {
        let found = text[at..]
            .find(want)
            .unwrap_or_else(|| panic!("{want:?} not after byte {at} in\n{text}"));
        at += found + want.len();
    }
    assert!(text.contains("    ## idle-timeout: "), "{text}");
    assert!(text.contains("## range: "), "{text}");
    assert!(text.contains("        idle-timeout 120;"), "{text}");
    // Each statement line keeps its place in the plain form.
    let plain_text = crate::print::to_text(&[], &t);
    let plain: Vec<&str> = plain_text.lines().collect();
    let detail: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("##"))
        .collect();
    assert_eq!(detail, plain);
}

#[test]
fn xml_of_a_configuration() {
    let mut t = sample();
    if let Some(n) = t.get_mut(&[NodeId::new("services"), NodeId::new("l2tp")]) {
        n.annotation = Some("lab <1>".into());
    }
    if let Some(n) = t.get_mut(&[NodeId::new("system")]) {
        n.inactive = true;
    }
    let xml = to_xml(&[], &t, &[("junos:commit-user", "alice".to_string())], 1);
    let want = r#"    <configuration junos:commit-user="alice">
            <system inactive="inactive">
                <host-name>lab1</host-name>
            </system>
            <services>
                <junos:comment>/* lab &lt;1&gt; */</junos:comment>
                <l2tp>
"#;
    assert!(xml.starts_with(want), "{xml}");
    assert!(xml.contains("                    <drain/>\n"), "{xml}");
    assert!(
        xml.contains("                <tunnel-profile>\n                    <name>tp1</name>\n"),
        "{xml}"
    );
    assert!(xml.ends_with("    </configuration>\n"), "{xml}");
    // A leaf shown on its own sits inside its parents.
    let path = [NodeId::new("system"), NodeId::new("host-name")];
    let leaf = t.get(&path).cloned().unwrap_or_default();
    assert_eq!(
        to_xml(&path, &leaf, &[], 1),
        "    <configuration>\n            <system>\n                <host-name>lab1</host-name>\n            </system>\n    </configuration>\n"
    );
}
