//! `routing-options static` (main instance and routing instances) as kernel routes: after
//! each commit the routes the configuration asks for are compared with those this daemon
//! installed ([`plan`], sans-IO), and only the difference goes to the kernel; all of them go
//! at shutdown. A route the kernel refuses (a gateway not on any connected network, a
//! prefix the table already has from someone else) is logged and counted, and the next
//! commit tries again, as for VRF devices (super::routing_instances).

use std::collections::BTreeMap;
use std::io;
use std::time::Instant;

use schema::typed::{vrf_table_id, Ipv4Prefix, RouterConfig, StaticNextHop};

use crate::io::prefix_table::Prefix;
use crate::io::route::MAIN_TABLE;
use crate::io::static_route;
use crate::subscriber::route_view::InstalledStatic;

/// A route's identity in the kernel: its table and prefix. Two with the same key are one
/// route, whose next hop changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteKey {
    pub table: u32,
    pub prefix: Ipv4Prefix,
}

/// One wanted route, with the instance it belongs to (`None`: the main instance).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WantedRoute {
    pub instance: Option<String>,
    pub next_hop: StaticNextHop,
}

pub type RouteSet = BTreeMap<RouteKey, WantedRoute>;

/// The routes `config` asks for: the main instance's in the main table, each routing
/// instance's in its VRF table. Routes without a next hop (refused at commit) are left out.
pub fn wanted_routes(config: &RouterConfig) -> RouteSet {
    let main = config.static_routes.iter().map(|r| (None, MAIN_TABLE, r));
    let instances = config.routing_instances.iter().flat_map(|(name, ri)| {
        ri.static_routes
            .iter()
            .map(move |r| (Some(name.clone()), vrf_table_id(name), r))
    });
    main.chain(instances)
        .filter_map(|(instance, table, route)| {
            let next_hop = route.next_hop.clone()?;
            let key = RouteKey {
                table,
                prefix: route.prefix,
            };
            Some((key, WantedRoute { instance, next_hop }))
        })
        .collect()
}

/// One step toward the wanted set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Delete(RouteKey),
    Add(RouteKey, StaticNextHop),
}

/// One route the kernel took: its next hop, its instance and since when.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Present {
    next_hop: StaticNextHop,
    instance: Option<String>,
    since: Instant,
}

/// The changes that turn `present` into `wanted`: deletions first (a changed route is
/// deleted, then added with its new next hop: an add never replaces, see io::static_route),
/// then additions, each in key order.
pub fn plan(present: &BTreeMap<RouteKey, StaticNextHop>, wanted: &RouteSet) -> Vec<Change> {
    let changed =
        |key: &RouteKey, hop: &StaticNextHop| wanted.get(key).is_none_or(|w| &w.next_hop != hop);
    let deletes = present
        .iter()
        .filter(|(key, hop)| changed(key, hop))
        .map(|(key, _)| Change::Delete(*key));
    let adds = wanted
        .iter()
        .filter(|(key, w)| present.get(key) != Some(&w.next_hop))
        .map(|(key, w)| Change::Add(*key, w.next_hop.clone()));
    deletes.chain(adds).collect()
}

/// What the reconciler does to the host: rtnetlink in the daemon, a record in tests.
pub trait RouteHost: Send {
    fn add(&mut self, key: RouteKey, next_hop: &StaticNextHop) -> io::Result<()>;
    fn delete(&mut self, key: RouteKey) -> io::Result<()>;
    /// The routes of ours the kernel holds, in every table.
    fn ours(&mut self) -> io::Result<Vec<RouteKey>>;
}

/// The host's own routing tables.
pub struct Netlink;

impl RouteHost for Netlink {
    fn add(&mut self, key: RouteKey, next_hop: &StaticNextHop) -> io::Result<()> {
        static_route::add(key.table, key.prefix, next_hop)
    }
    fn delete(&mut self, key: RouteKey) -> io::Result<()> {
        static_route::delete(key.table, key.prefix)
    }
    fn ours(&mut self) -> io::Result<Vec<RouteKey>> {
        let routes = static_route::ours()?;
        Ok(routes
            .into_iter()
            .map(|(table, prefix)| RouteKey { table, prefix })
            .collect())
    }
}

/// The static routes this daemon installed.
pub struct StaticRoutes {
    host: Box<dyn RouteHost>,
    present: BTreeMap<RouteKey, Present>,
    /// Routes the kernel refused to add or delete, since the start.
    failures: u64,
    /// Whether the routes an earlier run left in the kernel were looked for (at the first
    /// commit: [`StaticRoutes::sweep`]).
    swept: bool,
}

impl Default for StaticRoutes {
    fn default() -> Self {
        Self::new(Box::new(Netlink))
    }
}

impl StaticRoutes {
    pub fn new(host: Box<dyn RouteHost>) -> Self {
        Self {
            host,
            present: BTreeMap::new(),
            failures: 0,
            swept: false,
        }
    }

    /// The next hop of each route installed now.
    pub fn present(&self) -> BTreeMap<RouteKey, StaticNextHop> {
        self.present
            .iter()
            .map(|(key, p)| (*key, p.next_hop.clone()))
            .collect()
    }

    /// The routes installed now, for `show route`.
    pub fn installed(&self) -> Vec<InstalledStatic> {
        self.present
            .iter()
            .filter_map(|(key, p)| {
                Some(InstalledStatic {
                    instance: p.instance.clone(),
                    prefix: Prefix::new(key.prefix.network(), key.prefix.len)?,
                    next_hop: p.next_hop.clone(),
                    since: p.since,
                })
            })
            .collect()
    }

    #[cfg(test)]
    pub fn failures(&self) -> u64 {
        self.failures
    }

    /// Brings the kernel to `wanted`.
    pub fn apply(&mut self, wanted: &RouteSet) {
        if !self.swept {
            self.swept = true;
            self.sweep(wanted);
        }
        for change in plan(&self.present(), wanted) {
            match change {
                Change::Delete(key) => self.delete(key),
                Change::Add(key, next_hop) => {
                    let instance = wanted.get(&key).and_then(|w| w.instance.as_deref());
                    self.add(key, next_hop, instance);
                }
            }
        }
    }

    /// Counts one route the kernel refused; the count since the start, for the log line.
    fn failed(&mut self) -> u64 {
        self.failures += 1;
        self.failures
    }

    /// A daemon that did not stop cleanly (SIGKILL, a crash) left its routes in the kernel:
    /// those `wanted` no longer has are deleted, once, before the first commit's routes go
    /// in (a `discard` among them would go on dropping traffic). Those it still has are
    /// replaced by [`StaticRoutes::add`]. Only routes of our protocol are listed.
    fn sweep(&mut self, wanted: &RouteSet) {
        let leftovers = match self.host.ours() {
            Ok(routes) => routes,
            Err(e) => {
                tracing::warn!("cannot list the static routes an earlier run left: {e}");
                return;
            }
        };
        for key in leftovers.into_iter().filter(|k| !wanted.contains_key(k)) {
            tracing::info!(
                "static route {} (table {}) left by an earlier run, not configured",
                key.prefix,
                key.table
            );
            self.delete(key);
        }
    }

    fn delete(&mut self, key: RouteKey) {
        match self.host.delete(key) {
            Ok(()) => tracing::info!("static route {} deleted (table {})", key.prefix, key.table),
            // Gone already (deleted by hand, or with its VRF's table): gone either way.
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
            Err(e) => {
                let failures = self.failed();
                tracing::warn!(
                    "cannot delete static route {} (table {}): {e} \
                     ({failures} static route failures since start)",
                    key.prefix,
                    key.table
                );
                return;
            }
        }
        self.present.remove(&key);
    }

    /// Adds one route. `EEXIST` may be a route of ours left by an earlier run of the daemon
    /// (the delete matches our protocol only): it is deleted and the add tried once more;
    /// an operator's route of that prefix stays, and ours is not installed.
    fn add(&mut self, key: RouteKey, next_hop: StaticNextHop, instance: Option<&str>) {
        let mut added = self.host.add(key, &next_hop);
        if matches!(&added, Err(e) if e.kind() == io::ErrorKind::AlreadyExists) {
            added = self
                .host
                .delete(key)
                .and_then(|()| self.host.add(key, &next_hop));
        }
        let within = instance.map_or(String::new(), |i| format!(" in routing instance {i}"));
        match added {
            Ok(()) => {
                tracing::info!(
                    "static route {}{within} installed (table {})",
                    key.prefix,
                    key.table
                );
                let instance = instance.map(str::to_string);
                let since = Instant::now();
                let present = Present {
                    next_hop,
                    instance,
                    since,
                };
                self.present.insert(key, present);
            }
            Err(e) => {
                let failures = self.failed();
                tracing::warn!(
                    "static route {}{within} not installed (table {}): {e} \
                     ({failures} static route failures since start); the next commit \
                     tries again",
                    key.prefix,
                    key.table
                );
            }
        }
    }
}

impl Drop for StaticRoutes {
    /// The daemon's static routes go with it.
    fn drop(&mut self) {
        self.apply(&RouteSet::new());
    }
}

#[cfg(test)]
#[path = "static_routes_tests.rs"]
mod tests;
