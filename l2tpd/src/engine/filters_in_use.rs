//! A commit check that needs the subscribers: a firewall filter that subscribers hold by
//! the name RADIUS gave them (Ingress-/Egress-Policy-Name into `"$junos-input-filter"`)
//! cannot be deleted while they are logged in. The configuration alone cannot see such a
//! use (no statement names the filter), and deleting it would leave those subscribers
//! unfiltered. Junos keeps static objects that active subscribers' filters use in the same
//! way ("you cannot delete that object from the configuration while the subscriber is
//! logged in").

use std::collections::BTreeMap;

use schema::mgmt::CheckError;
use schema::tree::NodeId;

/// One error per filter the commit would take from subscribers holding it, in name order.
pub(super) fn errors(gone: &BTreeMap<String, usize>) -> Vec<CheckError> {
    gone.iter()
        .map(|(name, holders)| {
            let subscribers = if *holders == 1 {
                "1 subscriber holds it".to_string()
            } else {
                format!("{holders} subscribers hold it")
            };
            CheckError {
                path: vec![NodeId::new("firewall")],
                statement: format!("filter {name}"),
                message: format!(
                    "Filter {name} is in use: {subscribers} by the name RADIUS gave; it cannot \
                     be deleted while they are logged in"
                ),
            }
        })
        .collect()
}

/// The engine did not answer the question (stopped, or busy beyond the check's wait).
pub(super) fn not_checked(why: &str) -> CheckError {
    CheckError {
        path: vec![NodeId::new("firewall")],
        statement: "filter".into(),
        message: format!("Cannot check which filters subscribers hold: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_in_use_is_one_error_naming_it_and_its_holders() {
        let gone: BTreeMap<String, usize> = [("OUT".to_string(), 1), ("NO-DNS".to_string(), 3)]
            .into_iter()
            .collect();
        let errors = errors(&gone);
        let shown: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.statement.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "filter NO-DNS",
                    "Filter NO-DNS is in use: 3 subscribers hold it by the name RADIUS gave; it \
                     cannot be deleted while they are logged in"
                ),
                (
                    "filter OUT",
                    "Filter OUT is in use: 1 subscriber holds it by the name RADIUS gave; it \
                     cannot be deleted while they are logged in"
                ),
            ]
        );
        assert!(errors
            .iter()
            .all(|e| e.path == vec![NodeId::new("firewall")]));
        assert!(super::errors(&BTreeMap::new()).is_empty());
    }
}
