//! `[edit access] terminate-code` in simulated time: a commit remaps the Acct-Terminate-Cause
//! of the Stops of subscribers that end after it, and of no one before.

use std::sync::Arc;
use std::time::Duration;

use super::radius_lab_tests::{bring_up, lns_with_radius, SERVER};
use super::session_options_lab_tests::lns_lab;
use super::sim_lab::Lab;
use crate::aaa::radius::{attr, code, Packet};

/// The LNS accounts every subscriber to the lab's server.
fn accounting() -> String {
    format!(
        "set access profile users accounting order radius\n\
         set access profile users radius accounting-server {SERVER}\n"
    )
}

/// The Acct-Terminate-Cause of each Stop the server received, in order.
fn stop_causes(lab: &Lab) -> Vec<Option<u32>> {
    lab.lns_radius
        .as_ref()
        .map(|server| server.received.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|p: &&Packet| {
            p.code == code::ACCOUNTING_REQUEST && p.integer(attr::ACCT_STATUS_TYPE) == Some(2)
        })
        .map(|p| p.integer(attr::ACCT_TERMINATE_CAUSE))
        .collect()
}

fn client_ends(lab: &mut Lab, i: usize) {
    lab.subs[i].ppp.close(lab.now);
    lab.settle();
    for _ in 0..5 {
        lab.advance(Duration::from_secs(1));
    }
}

#[test]
fn a_committed_remap_changes_the_cause_of_the_stops_that_follow() {
    let mut lab = lns_lab(&accounting(), Vec::new());
    let first = bring_up(&mut lab, "erin@isp.example");
    let second = bring_up(&mut lab, "fred@isp.example");
    assert_eq!(lab.lns.subscribers().table.len(), 2);

    // The client's LCP Terminate-Request: User Request by default.
    client_ends(&mut lab, first);
    assert_eq!(stop_causes(&lab), [Some(1)]);

    // The operator remaps it; the subscriber still up ends after the commit.
    let remapped = lns_with_radius(&format!(
        "{}set access terminate-code ppp lcp-peer-terminate-term-req radius 4000000000\n",
        accounting()
    ));
    let now = lab.now;
    lab.lns.apply_config(now, &Arc::new(remapped));
    lab.settle();
    assert_eq!(
        stop_causes(&lab),
        [Some(1)],
        "the commit itself ends no one"
    );
    client_ends(&mut lab, second);
    assert_eq!(stop_causes(&lab), [Some(1), Some(4_000_000_000)]);
    assert_eq!(lab.lns.subscribers().table.len(), 0);
}
