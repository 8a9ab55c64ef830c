//! Commit check of a subscriber interface's `ppp-options chap challenge-length minimum N
//! maximum M`: Junos requires the maximum to be "equal to or greater than the minimum"
//! ("challenge-length (Static and Dynamic PPP)"). Both a static `pp0` unit and a dynamic
//! profile's unit take the statement.

use super::Findings;
use crate::tree::{NodeId, Path};
use crate::typed::RouterConfig;

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    if let Some(pp0) = config.interfaces.get("pp0") {
        for (number, unit) in &pp0.units {
            if let Some(pppoe) = &unit.static_pppoe {
                let path = vec![
                    NodeId::entry("interfaces", "pp0"),
                    NodeId::entry("unit", number.to_string()),
                ];
                challenge_length(pppoe.ppp.chap_challenge_length, path, findings);
            }
        }
    }
    for (name, profile) in &config.dynamic_profiles {
        for template in &profile.interfaces {
            let path = vec![
                NodeId::entry("dynamic-profiles", name),
                NodeId::entry("interfaces", &template.name),
                NodeId::entry("unit", &template.unit),
            ];
            challenge_length(template.chap_challenge_length, path, findings);
        }
    }
}

/// `unit` is the path of the unit whose `ppp-options` hold the range.
fn challenge_length(range: Option<(u8, u8)>, mut unit: Path, findings: &mut Findings) {
    let Some((minimum, maximum)) = range else {
        return;
    };
    if maximum < minimum {
        unit.extend([NodeId::new("ppp-options"), NodeId::new("chap")]);
        findings.error(
            unit,
            format!("challenge-length minimum {minimum} maximum {maximum}"),
            format!(
                "The maximum challenge length ({maximum}) is below the minimum ({minimum}): the maximum must be equal to or greater than the minimum"
            ),
        );
    }
}
