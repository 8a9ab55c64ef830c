//! Commit check of `pppoe-underlying-options`, Junos' older form of `family pppoe`
//! ("service-name-table", 13.1): the underlying unit "is configured with either the
//! encapsulation ppp-over-ether statement or the family pppoe statement; the two statements
//! are mutually exclusive", and the options go with the encapsulation.

use super::Findings;
use crate::tree::{Node, NodeId};
use crate::typed::{RouterConfig, UnitEncapsulation};

const OPTIONS: &str = "pppoe-underlying-options";

pub(super) fn check(root: &Node, config: &RouterConfig, findings: &mut Findings) {
    for (name, interface) in &config.interfaces {
        for (number, unit) in &interface.units {
            let path = vec![
                NodeId::entry("interfaces", name.as_str()),
                NodeId::entry("unit", number.to_string()),
            ];
            let Some(node) = root.get(&path) else {
                continue;
            };
            if !node.children.contains_key(&NodeId::new(OPTIONS)) {
                continue;
            }
            let family_pppoe = [NodeId::new("family"), NodeId::new("pppoe")];
            if node.get(&family_pppoe).is_some() {
                findings.error(
                    path.clone(),
                    OPTIONS,
                    "family pppoe or pppoe-underlying-options, not both",
                );
            }
            if unit.encapsulation != Some(UnitEncapsulation::PppOverEther) {
                findings.error(
                    path,
                    OPTIONS,
                    "pppoe-underlying-options needs encapsulation ppp-over-ether (or use family pppoe)",
                );
            }
        }
    }
}
