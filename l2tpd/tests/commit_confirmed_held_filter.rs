//! A filter subscribers hold by the name RADIUS gave (issue 16) against the ways a
//! configuration can lose it: the automatic rollback of `commit confirmed` takes place all the
//! same (it is the operator's safety net; the engine keeps the filter for its holders), while
//! an operator's `rollback N` + `commit` is refused by the commit check, as `load override` +
//! `commit` is. The engine here answers the commit check as the running engine does
//! (`filters_held_but_gone`: a filter it runs, held, that the new configuration lacks).

use std::sync::{Arc, Mutex};

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::ConfigApply;
use l2tpd::mgmt::Mgmt;
use schema::mgmt::{CheckError, ClientKind, ConfigureMode, MgmtError, Reply, Request};
use schema::tree::NodeId;
use schema::typed::RouterConfig;

const START: i64 = 1_795_500_000;
const HELD: &str = "NO-DNS";

/// Whether each configuration the engine was given to run had the held filter.
type Applied = Arc<Mutex<Vec<bool>>>;

/// Subscribers are logged in holding [`HELD`] by RADIUS's name whenever it runs.
struct HeldFilterEngine {
    applied: Applied,
}

impl HeldFilterEngine {
    fn runs_held(&self) -> bool {
        self.applied.lock().unwrap().last() == Some(&true)
    }
}

impl ConfigApply for HeldFilterEngine {
    fn apply(&mut self, config: &Arc<RouterConfig>) -> Result<(), String> {
        let has = config.firewall_filters.contains_key(HELD);
        self.applied.lock().unwrap().push(has);
        Ok(())
    }

    fn check_host(&self, config: &RouterConfig) -> Vec<CheckError> {
        if !self.runs_held() || config.firewall_filters.contains_key(HELD) {
            return Vec::new();
        }
        vec![CheckError {
            path: vec![NodeId::new("firewall")],
            statement: format!("filter {HELD}"),
            message: format!("Filter {HELD} is in use: 1 subscriber holds it"),
        }]
    }
}

fn start(clock: &ManualClock, dir: &std::path::Path) -> (Mgmt, Applied, u64) {
    let applied = Applied::default();
    let engine = HeldFilterEngine {
        applied: Arc::clone(&applied),
    };
    let store = commit_db::RedbStore::open(dir, None, clock.now()).expect("open store");
    let mut m = Mgmt::start(
        Box::new(store),
        Box::new(engine),
        Arc::new(clock.clone()),
        "router".into(),
    )
    .expect("start");
    let (id, _) = m
        .open_session(0, "root".into(), ClientKind::Cli, None, 1)
        .expect("session");
    let configure = Request::Configure {
        mode: ConfigureMode::Shared,
    };
    m.handle(id, configure).result.expect("configure");
    (m, applied, id)
}

fn set(m: &mut Mgmt, id: u64, line: &str) {
    let words = line
        .split_whitespace()
        .map(schema::edit::Arg::from)
        .collect();
    m.handle(id, Request::Set { words }).result.expect("set");
}

fn commit(m: &mut Mgmt, id: u64, confirmed: Option<u32>) -> Result<Reply, MgmtError> {
    let request = Request::Commit {
        check: false,
        confirmed,
        comment: None,
        and_quit: false,
    };
    m.handle(id, request).result
}

/// r1 without the filter, then r2 adding it (confirmed or not); subscribers then hold it.
fn r2_adds_the_filter(m: &mut Mgmt, id: u64, confirmed: Option<u32>) {
    set(m, id, "system host-name r1");
    commit(m, id, None).expect("r1");
    set(
        m,
        id,
        &format!("firewall family inet filter {HELD} term t then accept"),
    );
    commit(m, id, confirmed).expect("r2");
}

#[test]
fn the_automatic_rollback_happens_though_subscribers_hold_the_filter_it_removes() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    let (mut m, applied, id) = start(&clock, dir.path());
    r2_adds_the_filter(&mut m, id, Some(1));
    assert_eq!(applied.lock().unwrap().last(), Some(&true));

    clock.advance(60);
    assert!(m.tick(), "rolled back");
    assert_eq!(
        applied.lock().unwrap().last(),
        Some(&false),
        "the engine runs the configuration without the filter (and keeps it for its holders)"
    );
}

#[test]
fn rollback_n_and_commit_is_refused_while_subscribers_hold_the_filter() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    let (mut m, applied, id) = start(&clock, dir.path());
    r2_adds_the_filter(&mut m, id, None);
    let runs = applied.lock().unwrap().len();

    m.handle(id, Request::Rollback { index: 1 })
        .result
        .expect("rollback 1 loads the candidate");
    let Err(MgmtError::Check { errors, .. }) = commit(&mut m, id, None) else {
        panic!("the commit must fail its check");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].statement, format!("filter {HELD}"));
    assert_eq!(
        applied.lock().unwrap().len(),
        runs,
        "nothing was applied: the filter still runs"
    );
}
