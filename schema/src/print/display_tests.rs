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

/// Junos holds interfaces and routing instances in a container of the list's name, one
/// `<interface>` / `<instance>` element an entry; the list's own block (`interface-range`,
/// its `inactive:` and comment) is the container's. Other grouped lists' entries stand
/// alone (`<radius-server><name>`).
#[test]
fn xml_wraps_interfaces_and_routing_instances_as_junos_does() {
    let mut t = config(&[
        "interfaces interface-range access member ge-0/0/2",
        "interfaces interface-range access description subscribers",
        "interfaces ge-0/0/1 description uplink",
        "interfaces lo0 unit 0 description loopback",
        "routing-instances ri1 instance-type virtual-router",
        "access radius-server 127.0.0.1 secret s",
    ]);
    crate::edit::deactivate(&mut t, &["interfaces".to_string()]).expect("deactivate");
    crate::edit::annotate(&mut t, &["interfaces".to_string()], "access side").expect("annotate");
    let xml = to_xml(&[], &t, &[], 0);
    let interfaces = "        <junos:comment>/* access side */</junos:comment>
        <interfaces inactive=\"inactive\">
            <interface-range>
                <name>access</name>
                <member>
                    <name>ge-0/0/2</name>
                </member>
                <description>subscribers</description>
            </interface-range>
            <interface>
                <name>ge-0/0/1</name>
                <description>uplink</description>
            </interface>
            <interface>
                <name>lo0</name>
                <unit>
                    <name>0</name>
                    <description>loopback</description>
                </unit>
            </interface>
        </interfaces>
";
    assert!(xml.contains(interfaces), "{xml}");
    let instances = "        <routing-instances>
            <instance>
                <name>ri1</name>
                <instance-type>virtual-router</instance-type>
            </instance>
        </routing-instances>
";
    assert!(xml.contains(instances), "{xml}");
    assert!(
        xml.contains("        <access>\n            <radius-server>\n                <name>127.0.0.1</name>\n"),
        "{xml}"
    );
    // One entry shown by its path: the container and the entry's element around it.
    let entry = [NodeId::entry("interfaces", "ge-0/0/1")];
    let shown = t.get(&entry).cloned().unwrap_or_default();
    let xml = to_xml(&entry, &shown, &[], 0);
    assert!(
        xml.contains("        <interfaces>\n            <interface>\n                <name>ge-0/0/1</name>\n                <description>uplink</description>\n            </interface>\n        </interfaces>\n"),
        "{xml}"
    );
}

/// The JSON shape of the same: `"interfaces": {"interface-range": [...], "interface": [...]}`.
#[test]
fn json_wraps_interfaces_and_routing_instances_as_junos_does() {
    let mut t = config(&[
        "interfaces interface-range access member ge-0/0/2",
        "interfaces ge-0/0/1 description uplink",
        "routing-instances ri1 instance-type virtual-router",
    ]);
    crate::edit::deactivate(&mut t, &["interfaces".to_string()]).expect("deactivate");
    let json = crate::print::to_json(&[], &t);
    let interfaces = &json["configuration"]["interfaces"];
    assert_eq!(
        interfaces["@"]["inactive"],
        serde_json::json!(true),
        "{json}"
    );
    assert_eq!(interfaces["interface-range"][0]["name"], "access", "{json}");
    assert_eq!(interfaces["interface"][0]["name"], "ge-0/0/1", "{json}");
    assert_eq!(
        interfaces["interface"][0]["description"], "uplink",
        "{json}"
    );
    let instance = &json["configuration"]["routing-instances"]["instance"][0];
    assert_eq!(instance["name"], "ri1", "{json}");
    assert_eq!(instance["instance-type"], "virtual-router", "{json}");
    let entry = [NodeId::entry("interfaces", "ge-0/0/1")];
    let shown = t.get(&entry).cloned().unwrap_or_default();
    let json = crate::print::to_json(&entry, &shown);
    assert_eq!(
        json["configuration"]["interfaces"]["interface"][0]["description"], "uplink",
        "{json}"
    );
}
