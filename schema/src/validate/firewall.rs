//! Commit checks of `[edit firewall family inet filter]`: every protocol, port and ICMP type
//! reads (the typed view leaves out what does not), and a term has at most one terminating
//! action. That the filters interfaces and dynamic profiles name exist is a table reference
//! (`refers_to`), checked structurally. `firewall filter F`, Junos' older form of
//! `firewall family inet filter F`, is checked the same; one name may not be both.

use super::Findings;
use crate::tree::{Node, NodeId, Path};
use crate::typed::{icmp_type_number, port_range, protocol_number};

/// The terminating actions Junos allows one of.
const ACTIONS: [&str; 3] = ["accept", "discard", "reject"];

pub(super) fn check(root: &Node, findings: &mut Findings) {
    let path = |words: &[&str]| -> Path { words.iter().map(|w| NodeId::new(*w)).collect() };
    let inet = path(&["firewall", "family", "inet"]);
    let legacy = path(&["firewall"]);
    for level in [&inet, &legacy] {
        let Some(node) = root.get(level) else {
            continue;
        };
        for (filter_id, filter) in node
            .children
            .iter()
            .filter(|(id, _)| id.keyword == "filter")
        {
            for (term_id, term) in &filter.children {
                let mut term_path = level.clone();
                term_path.push(filter_id.clone());
                term_path.push(term_id.clone());
                from(term, &term_path, findings);
                then(term, &term_path, findings);
            }
            let defined_twice = level == &legacy
                && root
                    .get(&inet)
                    .is_some_and(|i| i.children.contains_key(filter_id));
            if defined_twice {
                findings.error(
                    legacy.clone(),
                    format!("filter {}", filter_id.key.as_deref().unwrap_or_default()),
                    "Filter is also defined at [edit firewall family inet]: one name, one filter",
                );
            }
        }
    }
}

fn from(term: &Node, term_path: &Path, findings: &mut Findings) {
    let Some(from) = term.children.get(&NodeId::new("from")) else {
        return;
    };
    let mut path = term_path.clone();
    path.push(NodeId::new("from"));
    for (id, node) in &from.children {
        let read: fn(&str) -> Result<(), String> = match id.keyword.as_str() {
            "protocol" => |w| protocol_number(w).map(drop),
            "port" | "destination-port" | "source-port" => |w| port_range(w).map(drop),
            "icmp-type" => |w| icmp_type_number(w).map(drop),
            _ => continue,
        };
        for value in &node.values {
            if let Err(why) = read(value) {
                findings.error(path.clone(), format!("{} {value}", id.keyword), why);
            }
        }
    }
}

fn then(term: &Node, term_path: &Path, findings: &mut Findings) {
    let Some(then) = term.children.get(&NodeId::new("then")) else {
        return;
    };
    let set: Vec<&str> = ACTIONS
        .into_iter()
        .filter(|a| then.children.contains_key(&NodeId::new(*a)))
        .collect();
    if let [first, extra @ ..] = set.as_slice() {
        let mut path = term_path.clone();
        path.push(NodeId::new("then"));
        for action in extra {
            findings.error(
                path.clone(),
                *action,
                format!(
                    "Only one of {} may be configured (already: {first})",
                    ACTIONS.join(", ")
                ),
            );
        }
    }
}
