//! A keyless list (`snmp client-list L { P; P restrict; }`): its entries stand by their key
//! alone in every form Junos writes, and the community that names the list is enforced with
//! its prefixes.

use crate::edit;
use crate::parse::{apply_set_lines, parse_config};
use crate::print::{to_json, to_set_lines, to_text, to_xml};
use crate::tree::{Node, NodeId};
use crate::typed::{router_config, SnmpClient};
use crate::validate::check;

const TEXT: &str = "\
snmp {
    client-list pollers {
        127.0.0.0/8;
        127.0.0.5/32 restrict;
        ::1/128;
    }
    community public {
        client-list-name pollers;
    }
}
";

const SET: &str = "\
set snmp client-list pollers 127.0.0.0/8
set snmp client-list pollers 127.0.0.5/32 restrict
set snmp client-list pollers ::1/128
set snmp community public client-list-name pollers
";

fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn brace_text_round_trips_with_bare_prefixes() {
    let tree = parse_config(TEXT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_text(&[], &tree), TEXT);
    let entry = [
        NodeId::new("snmp"),
        NodeId::entry("client-list", "pollers"),
        NodeId::entry("", "127.0.0.5/32"),
    ];
    assert!(tree.get(&entry).is_some_and(|n| !n.children.is_empty()));
}

#[test]
fn set_lines_name_the_prefix_without_a_keyword() {
    let tree = parse_config(TEXT).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(to_set_lines(&[], &tree), SET);
    let loaded = apply_set_lines(&Node::default(), SET).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded, tree);
}

#[test]
fn typed_set_and_delete_reach_one_prefix() {
    let mut root = Node::default();
    for line in SET.lines() {
        edit::set(&mut root, &words(line.trim_start_matches("set "))).unwrap();
    }
    assert_eq!(to_text(&[], &root), TEXT);
    edit::delete(
        &mut root,
        &words("snmp client-list pollers 127.0.0.5/32 restrict"),
    )
    .unwrap();
    assert!(to_text(&[], &root).contains("        127.0.0.5/32;\n"));
    edit::delete(&mut root, &words("snmp client-list pollers ::1/128")).unwrap();
    assert!(!to_text(&[], &root).contains("::1/128"));
    // Not a prefix: the value's own error, as for any key.
    let e = edit::set(&mut root, &words("snmp client-list pollers bogus")).unwrap_err();
    assert_eq!(e.word, 3, "{e:?}");
}

#[test]
fn a_shown_entry_is_named_by_its_key() {
    let tree = parse_config(TEXT).unwrap_or_else(|e| panic!("{e}"));
    let path = edit::edit_target(&words("snmp client-list pollers 127.0.0.5/32")).unwrap();
    assert_eq!(
        crate::edit::banner(&path),
        "[edit snmp client-list pollers 127.0.0.5/32]"
    );
    let node = tree.get(&path).unwrap();
    assert_eq!(to_text(&path, node), "restrict;\n");
}

#[test]
fn xml_and_json_name_the_entries_client_address_list() {
    let tree = parse_config(TEXT).unwrap_or_else(|e| panic!("{e}"));
    let xml = to_xml(&[], &tree, &[], 0);
    assert!(
        xml.contains(
            "<client-address-list>\n                    <name>127.0.0.5/32</name>\n                    <restrict/>\n                </client-address-list>"
        ),
        "{xml}"
    );
    let json = to_json(&[], &tree);
    let list = &json["configuration"]["snmp"]["client-list"][0];
    assert_eq!(list["name"], "pollers");
    assert_eq!(list["client-address-list"][1]["name"], "127.0.0.5/32");
    assert_eq!(
        list["client-address-list"][1]["restrict"],
        serde_json::json!([null])
    );
}

#[test]
fn a_community_takes_the_prefixes_of_its_list() {
    let tree = parse_config(TEXT).unwrap_or_else(|e| panic!("{e}"));
    check(&tree).unwrap_or_else(|(e, s)| panic!("{s}: {e:?}"));
    let config = router_config(&tree);
    let clients = &config.snmp.communities["public"].clients;
    assert_eq!(
        clients,
        &vec![
            SnmpClient::parse("127.0.0.0/8", false)[0],
            SnmpClient::parse("127.0.0.5/32", true)[0],
            SnmpClient::parse("::1/128", false)[0],
        ]
    );
}

#[test]
fn clients_and_a_client_list_together_are_refused() {
    let text = TEXT.replace(
        "        client-list-name pollers;\n",
        "        client-list-name pollers;\n        clients {\n            127.0.0.1/32;\n        }\n",
    );
    let tree = parse_config(&text).unwrap_or_else(|e| panic!("{e}"));
    let (errors, _) = check(&tree).unwrap_err();
    let found: Vec<_> = errors
        .iter()
        .map(|e| {
            (
                crate::tree::path_words(&e.path),
                e.statement.as_str(),
                e.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "snmp community public".to_string(),
            "client-list-name pollers",
            "client-list-name and clients are mutually exclusive"
        )]
    );
}

#[test]
fn an_unknown_client_list_is_refused() {
    let text = TEXT.replace("client-list-name pollers", "client-list-name nobody");
    let tree = parse_config(&text).unwrap_or_else(|e| panic!("{e}"));
    let (errors, _) = check(&tree).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].statement, "client-list-name nobody");
    assert_eq!(errors[0].message, "Referenced client list is not defined");
}

#[test]
fn a_word_that_is_no_prefix_names_the_block() {
    let e = parse_config("snmp {\n    client-list l {\n        bogus;\n    }\n}\n").unwrap_err();
    assert_eq!((e.line, e.column), (3, 9), "{e}");
}
