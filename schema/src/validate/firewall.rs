//! Commit checks of `[edit firewall family inet filter]`: every protocol, port and ICMP type
//! reads (the typed view leaves out what does not), and a term has at most one terminating
//! action. That the filters interfaces and dynamic profiles name exist is a table reference
//! (`refers_to`), checked structurally.

use super::Findings;
use crate::tree::{Node, NodeId, Path};
use crate::typed::{icmp_type_number, port_range, protocol_number};

/// The terminating actions Junos allows one of.
const ACTIONS: [&str; 3] = ["accept", "discard", "reject"];

pub(super) fn check(root: &Node, findings: &mut Findings) {
    let filters: Path = ["firewall", "family", "inet"]
        .into_iter()
        .map(NodeId::new)
        .collect();
    let Some(inet) = root.get(&filters) else {
        return;
    };
    for (filter_id, filter) in &inet.children {
        for (term_id, term) in &filter.children {
            let mut term_path = filters.clone();
            term_path.push(filter_id.clone());
            term_path.push(term_id.clone());
            from(term, &term_path, findings);
            then(term, &term_path, findings);
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
