//! The static routes' sans-IO part: which routes a configuration asks for, the diff of route
//! sets (add, change, delete), and the reconciler against a recording host.

use super::*;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};

fn key(table: u32, prefix: &str) -> RouteKey {
    RouteKey {
        table,
        prefix: Ipv4Prefix::parse(prefix).unwrap(),
    }
}

fn gw(last: u8) -> StaticNextHop {
    StaticNextHop::Gateways(vec![Ipv4Addr::new(198, 18, 0, last)])
}

fn wanted(routes: &[(RouteKey, StaticNextHop)]) -> RouteSet {
    routes
        .iter()
        .map(|(k, h)| {
            let w = WantedRoute {
                instance: None,
                next_hop: h.clone(),
            };
            (*k, w)
        })
        .collect()
}

fn config(set: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&Default::default(), set).expect("set lines");
    schema::typed::router_config(&tree)
}

#[test]
fn the_main_instance_s_routes_go_in_the_main_table_an_instance_s_in_its_own() {
    let routes = wanted_routes(&config(
        "set routing-options static route 0.0.0.0/0 next-hop 198.18.0.1\n\
         set routing-instances ri1 instance-type virtual-router\n\
         set routing-instances ri1 routing-options static route 0.0.0.0/0 discard\n\
         set routing-options static route 198.18.64.0/24\n",
    ));
    let ri1 = vrf_table_id("ri1");
    let got: Vec<(RouteKey, Option<&str>, &StaticNextHop)> = routes
        .iter()
        .map(|(k, w)| (*k, w.instance.as_deref(), &w.next_hop))
        .collect();
    // The route without a next hop (refused at commit) is not wanted.
    assert_eq!(
        got,
        vec![
            (key(MAIN_TABLE, "0.0.0.0/0"), None, &gw(1)),
            (key(ri1, "0.0.0.0/0"), Some("ri1"), &StaticNextHop::Discard),
        ]
    );
}

#[test]
fn plan_adds_changes_and_deletes_only_the_difference() {
    let present: BTreeMap<RouteKey, StaticNextHop> = [
        (key(254, "198.18.1.0/24"), gw(1)),
        (key(254, "198.18.2.0/24"), gw(2)),
        (key(254, "198.18.3.0/24"), StaticNextHop::Discard),
    ]
    .into();
    let next = wanted(&[
        // Unchanged.
        (key(254, "198.18.1.0/24"), gw(1)),
        // Changed: another gateway.
        (key(254, "198.18.2.0/24"), gw(9)),
        // 198.18.3.0/24 deleted; a new one in another table.
        (key(1_000_123, "198.18.4.0/24"), StaticNextHop::Reject),
    ]);
    assert_eq!(
        plan(&present, &next),
        vec![
            Change::Delete(key(254, "198.18.2.0/24")),
            Change::Delete(key(254, "198.18.3.0/24")),
            Change::Add(key(254, "198.18.2.0/24"), gw(9)),
            Change::Add(key(1_000_123, "198.18.4.0/24"), StaticNextHop::Reject),
        ]
    );
    // Nothing to do when the sets agree.
    let same: RouteSet = wanted(&present.clone().into_iter().collect::<Vec<_>>());
    assert!(plan(&present, &same).is_empty());
}

/// Records every call; refuses what `refuse` names with the given errno, and a second add
/// of a route it holds with EEXIST, as the kernel does.
#[derive(Clone, Default)]
struct Recorder {
    calls: Arc<Mutex<Vec<String>>>,
    table: Arc<Mutex<BTreeMap<RouteKey, StaticNextHop>>>,
    refuse: Arc<Mutex<Option<(RouteKey, i32)>>>,
}

impl Recorder {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

impl RouteHost for Recorder {
    fn add(&mut self, key: RouteKey, next_hop: &StaticNextHop) -> io::Result<()> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("add {} {}", key.table, key.prefix));
        if let Some((k, errno)) = *self.refuse.lock().unwrap() {
            if k == key {
                return Err(io::Error::from_raw_os_error(errno));
            }
        }
        let mut table = self.table.lock().unwrap();
        if table.contains_key(&key) {
            return Err(io::Error::from_raw_os_error(libc::EEXIST));
        }
        table.insert(key, next_hop.clone());
        Ok(())
    }
    fn delete(&mut self, key: RouteKey) -> io::Result<()> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("del {} {}", key.table, key.prefix));
        match self.table.lock().unwrap().remove(&key) {
            Some(_) => Ok(()),
            None => Err(io::Error::from_raw_os_error(libc::ESRCH)),
        }
    }
    fn ours(&mut self) -> io::Result<Vec<RouteKey>> {
        self.calls.lock().unwrap().push("list".to_string());
        Ok(self.table.lock().unwrap().keys().copied().collect())
    }
}

#[test]
fn commits_install_change_and_remove_routes_and_shutdown_removes_all() {
    let host = Recorder::default();
    let mut routes = StaticRoutes::new(Box::new(host.clone()));
    let a = key(254, "198.18.1.0/24");
    let b = key(254, "198.18.2.0/24");
    routes.apply(&wanted(&[(a, gw(1)), (b, StaticNextHop::Discard)]));
    assert_eq!(
        host.take(),
        vec!["list", "add 254 198.18.1.0/24", "add 254 198.18.2.0/24"]
    );
    // The same commit again touches nothing.
    routes.apply(&wanted(&[(a, gw(1)), (b, StaticNextHop::Discard)]));
    assert!(host.take().is_empty());
    // a changes its gateway, b goes.
    routes.apply(&wanted(&[(a, gw(2))]));
    assert_eq!(
        host.take(),
        vec![
            "del 254 198.18.1.0/24",
            "del 254 198.18.2.0/24",
            "add 254 198.18.1.0/24"
        ]
    );
    assert_eq!(host.table.lock().unwrap().get(&a), Some(&gw(2)));
    assert_eq!(routes.present().len(), 1);
    drop(routes);
    assert_eq!(host.take(), vec!["del 254 198.18.1.0/24"]);
    assert!(host.table.lock().unwrap().is_empty());
}

#[test]
fn a_refused_route_is_counted_not_kept_and_tried_again_next_commit() {
    let host = Recorder::default();
    let mut routes = StaticRoutes::new(Box::new(host.clone()));
    let a = key(254, "198.18.1.0/24");
    *host.refuse.lock().unwrap() = Some((a, libc::ENETUNREACH));
    routes.apply(&wanted(&[(a, gw(1))]));
    assert_eq!(routes.failures(), 1);
    assert!(routes.present().is_empty());
    *host.refuse.lock().unwrap() = None;
    host.take();
    routes.apply(&wanted(&[(a, gw(1))]));
    assert_eq!(host.take(), vec!["add 254 198.18.1.0/24"]);
    assert_eq!(routes.present().len(), 1);
}

#[test]
fn a_route_left_by_an_earlier_run_is_replaced() {
    let host = Recorder::default();
    let a = key(254, "198.18.1.0/24");
    host.table.lock().unwrap().insert(a, StaticNextHop::Reject);
    let mut routes = StaticRoutes::new(Box::new(host.clone()));
    routes.apply(&wanted(&[(a, gw(1))]));
    assert_eq!(
        host.take(),
        vec![
            "list",
            "add 254 198.18.1.0/24",
            "del 254 198.18.1.0/24",
            "add 254 198.18.1.0/24"
        ]
    );
    assert_eq!(host.table.lock().unwrap().get(&a), Some(&gw(1)));
    assert_eq!(routes.failures(), 0);
}

#[test]
fn a_route_deleted_by_hand_is_forgotten() {
    let host = Recorder::default();
    let mut routes = StaticRoutes::new(Box::new(host.clone()));
    let a = key(254, "198.18.1.0/24");
    routes.apply(&wanted(&[(a, gw(1))]));
    host.table.lock().unwrap().clear();
    routes.apply(&RouteSet::new());
    assert!(routes.present().is_empty());
    assert_eq!(routes.failures(), 0);
}

/// A daemon killed with routes installed (SIGKILL, a crash) leaves them in the kernel. Those
/// the configuration still has are taken over at the first commit (above); the others, which
/// a `discard` among them would keep blackholing, are deleted then too.
#[test]
fn routes_left_by_an_earlier_run_that_the_configuration_lost_are_deleted_once() {
    let host = Recorder::default();
    let kept = key(254, "198.18.1.0/24");
    let lost = key(1_000_123, "198.18.9.0/24");
    host.table.lock().unwrap().insert(kept, gw(1));
    host.table
        .lock()
        .unwrap()
        .insert(lost, StaticNextHop::Discard);
    let mut routes = StaticRoutes::new(Box::new(host.clone()));
    routes.apply(&wanted(&[(kept, gw(1))]));
    assert_eq!(
        host.take(),
        vec![
            "list",
            "del 1000123 198.18.9.0/24",
            "add 254 198.18.1.0/24",
            "del 254 198.18.1.0/24",
            "add 254 198.18.1.0/24"
        ]
    );
    assert_eq!(
        host.table.lock().unwrap().keys().collect::<Vec<_>>(),
        [&kept]
    );
    // Once: the next commit asks the kernel nothing more.
    routes.apply(&wanted(&[(kept, gw(1))]));
    assert!(host.take().is_empty());
}
