//! PPPoE access: every interface unit with `family pppoe` and its discovery server
//! (`pppoe::discovery`), the frames of each port handed to the unit its VLAN tags select.
//! Sans-IO: the engine attaches the ports it opened (their MAC and MTU), feeds received
//! frames, and sends what comes back on the port it names.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use schema::interface_rpc::{AutoVlanCleared, TrafficStatistics};
use schema::typed::{
    PppoeFamily, PppoeMtu, RouterConfig, ServiceName, ServiceNameTable, Unit, UnitVlan,
};

use super::auto_vlan::{self, AutoVlan, DynamicVlan, PortAuto, VlanProfile, FIRST_VLAN_UNIT};
use super::vlan::{selector_of, tpids_of, VlanSelector};
use crate::pppoe::discovery::{
    DiscoveryConfig, DiscoveryCounters, DiscoveryServer, EndReason, Event, Handled,
};
use crate::pppoe::short_cycle::ShortCycleConfig;
use crate::pppoe::wire::MacAddr;

/// An interface unit with `family pppoe`, stable for as long as the unit stays configured the
/// same way (its sessions survive commits that do not touch it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitId(pub u32);

/// A frame to send on port `port` (a host interface name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameOut {
    pub port: Arc<str>,
    pub frame: Vec<u8>,
}

/// A PPP frame of an established PPPoE session.
#[derive(Debug, PartialEq, Eq)]
pub struct SessionPpp<'a> {
    pub unit: UnitId,
    pub session_id: u16,
    pub ppp: &'a [u8],
}

/// A session that began or ended on a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessEvent {
    SessionUp {
        unit: UnitId,
        session_id: u16,
    },
    SessionDown {
        unit: UnitId,
        session_id: u16,
        reason: AccessEnd,
    },
    /// A PADI on a VLAN of an authenticated range: AAA decides whether it is created.
    VlanAuthentication(Box<VlanAuthRequest>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessEnd {
    ClientPadt,
    LinkDown,
    /// The unit's `family pppoe` was deleted or changed by a commit.
    Deconfigured,
}

/// What the engine knows of a port it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortFacts {
    pub mac: [u8; 6],
    pub mtu: u16,
}

/// The statements of one unit that shape its discovery server; a commit that changes them
/// restarts the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UnitSpec {
    port: Arc<str>,
    /// The static unit's number, or the dynamic one of an auto-sensed VLAN.
    number: u32,
    selector: VlanSelector,
    /// The TPIDs its tags must carry, outer then inner (`vlan-tags outer 0x9100.100`); `None`
    /// takes a tag under any TPID the frame reader knows.
    tpids: [Option<u16>; 2],
    family: PppoeFamily,
}

impl UnitSpec {
    /// Whether a frame this unit's selector took carries the TPIDs it names.
    fn takes_tpids(&self, frame: &[u8]) -> bool {
        self.tpids == [None, None]
            || tpids_of(frame)
                .iter()
                .zip(self.tpids)
                .all(|(got, wanted)| wanted.is_none_or(|w| w == *got))
    }
}

struct AccessUnit {
    spec: UnitSpec,
    /// `None` until the port is attached (its MAC is the server's).
    server: Option<DiscoveryServer>,
    /// Set for a unit an auto-sensed VLAN created.
    dynamic: Option<DynamicVlan>,
    /// The static pp0 units on this unit (`static_pppoe`): at most that many sessions. Not
    /// part of the spec: a pp0 unit added or removed must not restart the others' sessions.
    static_capacity: Option<usize>,
}

impl AccessUnit {
    /// `eth1.100`: the underlying interface as Junos names it.
    fn name(&self) -> String {
        format!("{}.{}", self.spec.port, self.spec.number)
    }

    /// PPPoE sessions on the unit (none while its server is not running).
    fn session_count(&self) -> usize {
        self.server
            .as_ref()
            .map_or(0, DiscoveryServer::session_count)
    }
}

/// A unit's session cap: its `max-sessions`, within its static pp0 units if it has any.
fn max_sessions(spec: &UnitSpec, static_capacity: Option<usize>) -> Option<usize> {
    let configured = spec.family.max_sessions.map(|n| n as usize);
    match (configured, static_capacity) {
        (Some(max), Some(units)) => Some(max.min(units)),
        (max, units) => max.or(units),
    }
}

/// How long an AC-Cookie stays valid: long enough for a client's PADR retransmissions.
const COOKIE_LIFETIME: Duration = Duration::from_secs(30);
/// Junos' AC-Name when `access-concentrator` is not configured and the host has no name.
const DEFAULT_AC_NAME: &str = "l2tpd";

pub struct PppoeAccess {
    units: BTreeMap<UnitId, AccessUnit>,
    /// Per port: (selector → unit), and the attached facts.
    ports: HashMap<Arc<str>, Port>,
    next_unit: u32,
    events: VecDeque<AccessEvent>,
    host_name: Option<String>,
    /// `protocols pppoe service-name-tables`.
    tables: BTreeMap<String, ServiceNameTable>,
    /// Per port: counters of units that are gone, so `show pppoe statistics` does not go
    /// back, and what belongs to the port rather than a unit (the kernel's drops).
    retired: HashMap<Arc<str>, DiscoveryCounters>,
    cookie_source: Box<dyn FnMut() -> [u8; 16] + Send>,
    epoch: Instant,
    /// False while `services l2tp drain` is set: no unit takes new subscribers.
    accepting: bool,
    /// The next auto-sensed VLAN's unit number.
    next_vlan_unit: u32,
}

#[derive(Default)]
struct Port {
    facts: Option<PortFacts>,
    up: bool,
    by_selector: HashMap<VlanSelector, UnitId>,
    /// `native-vlan-id`: untagged frames go to the unit of this VLAN.
    native_vlan: Option<u16>,
    /// `auto-configure`: the VLANs no unit selects that create one.
    auto: Option<PortAuto>,
    /// Units auto-sensed VLANs created on the port.
    vlan_units: usize,
    /// VLANs of authenticated ranges waiting for AAA or refused by it.
    vlan_auth: HashMap<VlanSelector, VlanAuth>,
}

/// What a frame on a VLAN no unit selects leads to.
enum Sensed {
    /// A unit was created for it.
    Unit(UnitId),
    /// Its VLAN waits for AAA or was refused: dropped.
    Held,
    Nothing,
}

/// The VLAN tags `unit` takes: its `vlan-id` or `vlan-tags`; without either only unit 0
/// takes frames (the untagged unit; commit checks refuse the other cases).
fn unit_selector(number: u16, unit: &Unit) -> Option<VlanSelector> {
    match unit.vlan {
        UnitVlan::Single(id) => Some(VlanSelector::Single(id)),
        UnitVlan::Stacked { outer, inner } => Some(VlanSelector::Stacked { outer, inner }),
        UnitVlan::None => (number == 0).then_some(VlanSelector::Untagged),
    }
}

fn wanted_units(config: &RouterConfig) -> Vec<UnitSpec> {
    let mut specs = Vec::new();
    let static_pools = super::static_pppoe::by_underlying(config);
    for (name, interface) in &config.interfaces {
        let port: Arc<str> = Arc::from(name.as_str());
        // A disabled interface or unit takes no subscriber: a commit that disables one
        // ends the sessions on it, as one that deletes it does.
        for (number, unit) in interface.enabled_units() {
            // The underlying unit of static pp0 units serves PPPoE without `family pppoe`
            // (Junos: `encapsulation ppp-over-ether` is enough), with Junos' defaults.
            let is_static = static_pools.contains_key(&format!("{name}.{number}"));
            let family = unit
                .pppoe
                .clone()
                .or_else(|| is_static.then(PppoeFamily::default));
            let (Some(family), Some(selector)) = (family, unit_selector(*number, unit)) else {
                continue;
            };
            specs.push(UnitSpec {
                port: port.clone(),
                number: u32::from(*number),
                selector,
                tpids: unit.vlan_tpids,
                family,
            });
        }
    }
    specs
}

impl PppoeAccess {
    /// `cookie_source` gives each unit's AC-Cookie secret (random in the daemon, fixed in tests).
    pub fn new(epoch: Instant, cookie_source: Box<dyn FnMut() -> [u8; 16] + Send>) -> Self {
        Self {
            units: BTreeMap::new(),
            ports: HashMap::new(),
            next_unit: 1,
            events: VecDeque::new(),
            host_name: None,
            tables: BTreeMap::new(),
            retired: HashMap::new(),
            cookie_source,
            epoch,
            accepting: true,
            next_vlan_unit: FIRST_VLAN_UNIT,
        }
    }

    /// The ports (host interfaces) the configuration needs opened.
    pub fn wanted_ports(config: &RouterConfig) -> Vec<String> {
        let ports: std::collections::BTreeSet<String> = wanted_units(config)
            .into_iter()
            .map(|u| u.port.to_string())
            .chain(auto_vlan::wanted(config).into_keys().map(|p| p.to_string()))
            .collect();
        ports.into_iter().collect()
    }

    /// A commit: units that stay the same keep their sessions; the others end theirs. Every
    /// unit follows the new `service-name-tables` and `services l2tp drain` (drain refuses
    /// new subscribers and lets those in progress finish).
    pub fn configure(&mut self, config: &RouterConfig) {
        self.host_name = config.host_name.clone();
        self.tables = config.pppoe_service_name_tables.clone();
        self.accepting = !config.l2tp.drain;
        let kept: Vec<UnitId> = self.units.keys().copied().collect();
        for id in kept {
            let Some(unit) = self.units.get(&id) else {
                continue;
            };
            let table = self.service_table(&unit.spec);
            if let Some(server) = self.units.get_mut(&id).and_then(|u| u.server.as_mut()) {
                server.set_service_table(table);
                server.set_accepting(self.accepting);
            }
        }
        let wanted = wanted_units(config);
        let mut autos = auto_vlan::wanted(config);
        for (name, port) in self.ports.iter_mut() {
            port.auto = autos.remove(name);
            // A commit may have fixed what made AAA refuse (the profile, the server, the
            // user name): a refused VLAN may ask again at once.
            port.vlan_auth
                .retain(|_, a| matches!(a, VlanAuth::Pending { .. }));
        }
        for (name, auto) in autos {
            self.ports.entry(name).or_default().auto = Some(auto);
        }
        let gone: Vec<UnitId> = self
            .units
            .iter()
            .filter(|(_, unit)| match &unit.dynamic {
                None => !wanted.contains(&unit.spec),
                Some(vlan) => !self.vlan_still_wanted(&unit.spec, vlan, &wanted),
            })
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.remove_unit(id);
        }
        for spec in wanted {
            if self.units.values().any(|u| u.spec == spec) {
                continue;
            }
            let id = UnitId(self.next_unit);
            self.next_unit = self.next_unit.wrapping_add(1).max(1);
            let port = self.ports.entry(spec.port.clone()).or_default();
            port.by_selector.insert(spec.selector, id);
            let facts = port.facts;
            let server = facts.map(|facts| self.new_server(&spec, facts, None));
            self.units.insert(
                id,
                AccessUnit {
                    spec,
                    server,
                    dynamic: None,
                    static_capacity: None,
                },
            );
        }
        self.cap_static_units(config);
        self.ports.retain(|_, port| {
            port.facts.is_some() || !port.by_selector.is_empty() || port.auto.is_some()
        });
        for (name, port) in self.ports.iter_mut() {
            port.native_vlan = config
                .interfaces
                .get(&**name)
                .and_then(|i| i.native_vlan_id);
        }
    }

    /// A VLAN unit stays through a commit while a range of its port still takes its tags
    /// with the same profile and `family pppoe`, and no static unit now selects them.
    fn vlan_still_wanted(&self, spec: &UnitSpec, vlan: &DynamicVlan, wanted: &[UnitSpec]) -> bool {
        let tags = auto_vlan::tags_of(spec.selector);
        let ranged = self
            .ports
            .get(&spec.port)
            .and_then(|p| p.auto.as_ref()?.profile_for(&tags))
            .is_some_and(|p| p.ranges.profile == vlan.profile && p.family == spec.family);
        let shadowed = wanted
            .iter()
            .any(|w| w.port == spec.port && w.selector == spec.selector);
        ranged && !shadowed
    }

    /// Each unit's cap: its `max-sessions`, and no more sessions than it has static pp0
    /// units (a PADI beyond them gets no PADO, counted as a `max-sessions` refusal).
    fn cap_static_units(&mut self, config: &RouterConfig) {
        let pools = super::static_pppoe::by_underlying(config);
        for unit in self.units.values_mut().filter(|u| u.dynamic.is_none()) {
            let capacity = pools.get(&unit.name()).map(Vec::len);
            unit.static_capacity = capacity;
            let max = max_sessions(&unit.spec, capacity);
            if let Some(server) = unit.server.as_mut() {
                server.set_max_sessions(max);
            }
        }
    }

    fn new_server(
        &mut self,
        spec: &UnitSpec,
        facts: PortFacts,
        static_capacity: Option<usize>,
    ) -> DiscoveryServer {
        let mut config = self.discovery_config(spec, facts);
        config.max_sessions = max_sessions(spec, static_capacity);
        let mut server = DiscoveryServer::new(config, (self.cookie_source)(), self.epoch);
        server.set_accepting(self.accepting);
        server
    }

    fn discovery_config(&self, spec: &UnitSpec, facts: PortFacts) -> DiscoveryConfig {
        let ac_name = self.ac_name_of(spec);
        let mut config = DiscoveryConfig::new(MacAddr(facts.mac), ac_name);
        config.duplicate_protection = spec.family.duplicate_protection;
        config.short_cycle = spec
            .family
            .short_cycle_protection
            .map(|s| ShortCycleConfig {
                lockout_min: Duration::from_secs(s.lockout_time_min.into()),
                lockout_max: Duration::from_secs(s.lockout_time_max.into()),
                ..ShortCycleConfig::default()
            });
        config.max_payload = session_max_payload(spec.family.mtu, facts.mtu);
        config.cookie_lifetime = COOKIE_LIFETIME;
        config.service_table = self.service_table(spec);
        config
    }

    /// The unit's `service-name-table`; without one (or naming a table that commit checks
    /// would have refused) every Service-Name is served, as Junos does.
    fn service_table(&self, spec: &UnitSpec) -> Option<ServiceNameTable> {
        let name = spec.family.service_name_table.as_ref()?;
        self.tables.get(name).cloned()
    }

    fn remove_unit(&mut self, id: UnitId) {
        let Some(mut unit) = self.units.remove(&id) else {
            return;
        };
        if let Some(port) = self.ports.get_mut(&unit.spec.port) {
            port.by_selector.retain(|_, u| *u != id);
            if unit.dynamic.is_some() {
                port.vlan_units = port.vlan_units.saturating_sub(1);
            }
        }
        if let Some(server) = unit.server.as_mut() {
            server.link_down();
            while let Some(event) = server.poll_event() {
                if let Event::SessionDown { session_id, .. } = event {
                    self.events.push_back(AccessEvent::SessionDown {
                        unit: id,
                        session_id,
                        reason: AccessEnd::Deconfigured,
                    });
                }
            }
            self.retire(&unit.spec.port, server.counters());
        }
    }

    fn retire(&mut self, port: &Arc<str>, counters: &DiscoveryCounters) {
        let total = self.retired.entry(port.clone()).or_default();
        total.add(counters);
    }

    /// The engine opened `port`: its units start their discovery servers.
    pub fn attach(&mut self, port: &str, facts: PortFacts, up: bool) {
        let Some((name, entry)) = self.ports.get_key_value(port) else {
            return;
        };
        let name = name.clone();
        let ids: Vec<UnitId> = entry.by_selector.values().copied().collect();
        if let Some(entry) = self.ports.get_mut(&name) {
            entry.facts = Some(facts);
            entry.up = up;
        }
        for id in ids {
            let Some(spec) = self.units.get(&id).map(|u| u.spec.clone()) else {
                continue;
            };
            let Some(capacity) = self
                .units
                .get(&id)
                .filter(|u| u.server.is_none())
                .map(|u| u.static_capacity)
            else {
                continue;
            };
            let server = self.new_server(&spec, facts, capacity);
            if let Some(unit) = self.units.get_mut(&id) {
                unit.server = Some(server);
            }
        }
    }

    /// The MTU and link state of `port`, once the engine has opened (attached) it.
    pub fn port_link(&self, port: &str) -> Option<(u16, bool)> {
        let entry = self.ports.get(port)?;
        Some((entry.facts?.mtu, entry.up))
    }

    /// The port's link went down (or came back): down ends every session on it.
    pub fn set_link(&mut self, port: &str, up: bool) {
        let Some(entry) = self.ports.get_mut(port) else {
            return;
        };
        let was_up = std::mem::replace(&mut entry.up, up);
        if !was_up || up {
            return;
        }
        let ids: Vec<UnitId> = entry.by_selector.values().copied().collect();
        for id in ids {
            if let Some(server) = self.units.get_mut(&id).and_then(|u| u.server.as_mut()) {
                server.link_down();
            }
            if self.drain_unit_events(id) && self.removes_when_idle(id) {
                self.remove_unit(id);
            }
        }
    }

    pub fn poll_event(&mut self) -> Option<AccessEvent> {
        self.events.pop_front()
    }

    /// Sessions that entry `service` of table `table` holds, over the units using the table
    /// (`show pppoe service-name-tables`).
    pub fn service_sessions(&self, table: &str, service: &ServiceName) -> usize {
        self.units
            .values()
            .filter(|u| u.spec.family.service_name_table.as_deref() == Some(table))
            .filter_map(|u| u.server.as_ref())
            .map(|server| server.service_sessions(service))
            .sum()
    }

    /// The earliest timer of any unit (a PADO held back by `action delay`, an unused
    /// VLAN's removal).
    pub fn poll_timeout(&self) -> Option<Instant> {
        let servers = self
            .units
            .values()
            .filter_map(|u| u.server.as_ref()?.poll_timeout());
        let vlans = self
            .units
            .values()
            .filter_map(|u| u.dynamic.as_ref()?.remove_at);
        servers.chain(vlans).min()
    }

    /// Runs the units' timers due by `now`; what they send is queued in `out`.
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Vec<FrameOut>) {
        let expired: Vec<UnitId> = self
            .units
            .iter()
            .filter(|(_, u)| {
                let due = u.dynamic.as_ref().and_then(|d| d.remove_at);
                due.is_some_and(|at| at <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in expired {
            if self.removes_when_idle(id) {
                self.remove_unit(id);
            } else if let Some(vlan) = self.units.get_mut(&id).and_then(|u| u.dynamic.as_mut()) {
                vlan.remove_at = None;
            }
        }
        for unit in self.units.values_mut() {
            let Some(server) = unit.server.as_mut() else {
                continue;
            };
            if server.poll_timeout().is_none_or(|due| due > now) {
                continue;
            }
            server.handle_timeout(now);
            while let Some(frame) = server.poll_transmit() {
                out.push(FrameOut {
                    port: unit.spec.port.clone(),
                    frame,
                });
            }
        }
    }

    /// Queues the unit's session events; true when a session ended.
    fn drain_unit_events(&mut self, id: UnitId) -> bool {
        let Some(unit) = self.units.get_mut(&id) else {
            return false;
        };
        let (port, number) = (&unit.spec.port, unit.spec.number);
        let Some(server) = unit.server.as_mut() else {
            return false;
        };
        let mut ended = false;
        while let Some(event) = server.poll_event() {
            ended |= matches!(event, Event::SessionDown { .. });
            trace_session(port, number, &event);
            self.events.push_back(match event {
                Event::SessionUp { session_id } => AccessEvent::SessionUp {
                    unit: id,
                    session_id,
                },
                Event::SessionDown { session_id, reason } => AccessEvent::SessionDown {
                    unit: id,
                    session_id,
                    reason: match reason {
                        EndReason::ClientPadt => AccessEnd::ClientPadt,
                        EndReason::LinkDown => AccessEnd::LinkDown,
                    },
                },
            });
        }
        ended
    }

    /// True for an auto-sensed VLAN's unit with no session on a port with
    /// `remove-when-no-subscribers`.
    fn removes_when_idle(&self, id: UnitId) -> bool {
        let Some(unit) = self.units.get(&id).filter(|u| u.dynamic.is_some()) else {
            return false;
        };
        let removes = self
            .ports
            .get(&unit.spec.port)
            .and_then(|p| p.auto.as_ref())
            .is_some_and(|a| a.remove_when_no_subscribers);
        let sessions = unit.session_count();
        removes && sessions == 0
    }

    /// After discovery on an auto-sensed VLAN's unit (`session_ended`: a session of it just
    /// ended): with `remove-when-no-subscribers` a unit left without sessions goes at once,
    /// or once short-cycle lockouts could have passed; one that never had a session goes
    /// when its client's AC-Cookie would have expired.
    fn settle_vlan(&mut self, id: UnitId, now: Instant, session_ended: bool) {
        if !self.removes_when_idle(id) {
            if let Some(vlan) = self.units.get_mut(&id).and_then(|u| u.dynamic.as_mut()) {
                vlan.remove_at = None;
            }
            return;
        }
        let Some(unit) = self.units.get_mut(&id) else {
            return;
        };
        // The VLAN's discovery server holds its clients' lockouts: removed sooner, a
        // locked-out client's next PADI would build it anew, lockout forgotten. Asked only
        // when a session ended (it walks the clients the server remembers), not per PADI.
        let lockouts_end = session_ended
            .then(|| unit.server.as_ref()?.lockouts_end(now))
            .flatten();
        let Some(vlan) = unit.dynamic.as_mut() else {
            return;
        };
        let at = match (session_ended, lockouts_end) {
            (true, None) => return self.remove_unit(id),
            (true, Some(end)) => end,
            (false, _) => now + auto_vlan::UNUSED_VLAN_LIFETIME,
        };
        vlan.remove_at = Some(vlan.remove_at.map_or(at, |was| was.max(at)));
    }

    /// After a commit: on a port with `remove-when-no-subscribers` (perhaps just added), a VLAN
    /// unit that already has no session goes as if its last subscriber had just left: at once,
    /// or once short-cycle lockouts could have passed. Units already due keep their time.
    pub fn settle_idle_vlans(&mut self, now: Instant) {
        let unscheduled: Vec<UnitId> = self
            .units
            .iter()
            .filter(|(_, u)| u.dynamic.as_ref().is_some_and(|d| d.remove_at.is_none()))
            .map(|(id, _)| *id)
            .collect();
        for id in unscheduled {
            if self.removes_when_idle(id) {
                self.settle_vlan(id, now, true);
            }
        }
    }

    /// A PADI on a VLAN no unit selects: the unit its port's `auto-configure` creates for
    /// it, if a range accepting PPPoE takes its tags and the port has room; with the range's
    /// `authentication`, AAA is asked first (vlan_auth_access.rs).
    fn auto_sense(
        &mut self,
        port: &str,
        selector: VlanSelector,
        frame: &[u8],
        now: Instant,
    ) -> Sensed {
        // While draining no subscriber is taken: no VLAN is made for one either.
        if !self.accepting {
            return Sensed::Nothing;
        }
        if let Some(held) = self.vlan_auth_state(port, selector, now) {
            return held;
        }
        let Some((name, entry)) = self.ports.get_key_value(port) else {
            return Sensed::Nothing;
        };
        let Some(facts) = entry.facts else {
            return Sensed::Nothing;
        };
        if entry.vlan_units >= auto_vlan::MAX_VLANS_PER_PORT || !auto_vlan::is_padi(frame) {
            return Sensed::Nothing;
        }
        let Some(profile) = entry
            .auto
            .as_ref()
            .and_then(|a| a.profile_for(&auto_vlan::tags_of(selector)))
            .cloned()
        else {
            return Sensed::Nothing;
        };
        let name = name.clone();
        if profile.ranges.authentication.is_some() {
            return self.ask_for_vlan(&name, selector, &profile, frame, now);
        }
        match self.create_vlan_unit(&name, selector, &profile, frame, facts) {
            Some(id) => Sensed::Unit(id),
            None => Sensed::Nothing,
        }
    }

    /// The unit of an auto-sensed VLAN, from `profile`, remembering the TPIDs of the PADI
    /// that created it.
    fn create_vlan_unit(
        &mut self,
        port: &Arc<str>,
        selector: VlanSelector,
        profile: &VlanProfile,
        padi: &[u8],
        facts: PortFacts,
    ) -> Option<UnitId> {
        let spec = UnitSpec {
            port: port.clone(),
            number: self.next_vlan_unit,
            selector,
            tpids: [None, None],
            family: profile.family.clone(),
        };
        let dynamic = DynamicVlan {
            profile: profile.ranges.profile.clone(),
            tpids: tpids_of(padi),
            created: std::time::SystemTime::now(),
            remove_at: None,
            gone: TrafficStatistics::default(),
        };
        self.next_vlan_unit = self
            .next_vlan_unit
            .checked_add(1)
            .unwrap_or(FIRST_VLAN_UNIT);
        let id = UnitId(self.next_unit);
        self.next_unit = self.next_unit.wrapping_add(1).max(1);
        let server = self.new_server(&spec, facts, None);
        let entry = self.ports.get_mut(port)?;
        entry.by_selector.insert(selector, id);
        entry.vlan_units += 1;
        self.units.insert(
            id,
            AccessUnit {
                spec,
                server: Some(server),
                dynamic: Some(dynamic),
                static_capacity: None,
            },
        );
        Some(id)
    }

    /// The auto-sensed VLANs' units, by unit number.
    pub fn auto_vlans(&self) -> Vec<AutoVlan> {
        let mut vlans: Vec<AutoVlan> = self
            .units
            .values()
            .filter_map(|u| {
                let vlan = u.dynamic.as_ref()?;
                Some(AutoVlan {
                    name: u.name(),
                    port: u.spec.port.to_string(),
                    unit: u.spec.number,
                    vlans: auto_vlan::tags_of(u.spec.selector),
                    tpids: vlan.tpids.clone(),
                    profile: vlan.profile.clone(),
                    pppoe_profile: u.spec.family.dynamic_profile.clone(),
                    sessions: u.session_count(),
                    created: vlan.created,
                    gone: vlan.gone,
                })
            })
            .collect();
        vlans.sort_by_key(|v| v.unit);
        vlans
    }

    /// `clear auto-configuration interfaces NAME`: the auto-sensed VLAN's unit goes. One with
    /// PPPoE sessions stays: as Junos refuses to clear an interface set that still has active
    /// members, the operator logs them out first (`clear pppoe sessions`).
    pub fn clear_auto_vlan(&mut self, name: &str) -> Result<AutoVlanCleared, String> {
        let found = self
            .units
            .iter()
            .find(|(_, u)| u.dynamic.is_some() && u.name() == name);
        let Some((&id, unit)) = found else {
            return Err(format!("interface {name} is not an auto-sensed VLAN"));
        };
        let sessions = unit.session_count();
        if sessions > 0 {
            let plural = if sessions == 1 { "" } else { "s" };
            return Err(format!(
                "interface {name} has {sessions} active PPPoE session{plural}: clear pppoe sessions first"
            ));
        }
        self.remove_unit(id);
        Ok(AutoVlanCleared {
            interface: name.to_string(),
        })
    }

    /// A subscriber of `unit` left having carried `traffic`: an auto-sensed VLAN's unit keeps
    /// it in its counters.
    pub fn count_gone(&mut self, unit: UnitId, traffic: &TrafficStatistics) {
        if let Some(vlan) = self.units.get_mut(&unit).and_then(|u| u.dynamic.as_mut()) {
            vlan.gone.add(traffic);
        }
    }

    /// One frame received on `port`. A discovery reply is queued in `out`; a session's PPP
    /// frame is handed back. Frames no unit takes are counted as such by the caller.
    pub fn handle_frame<'a>(
        &mut self,
        port: &str,
        bytes: &'a [u8],
        now: Instant,
        out: &mut Vec<FrameOut>,
    ) -> Received<'a> {
        let Some(entry) = self.ports.get(port) else {
            return Received::NoUnit;
        };
        let Some(selector) = selector_of(bytes) else {
            return Received::NoUnit;
        };
        let known = entry.by_selector.get(&selector).copied().or_else(|| {
            let native = entry
                .native_vlan
                .filter(|_| selector == VlanSelector::Untagged)?;
            entry
                .by_selector
                .get(&VlanSelector::Single(native))
                .copied()
        });
        let id = match known {
            Some(id) => id,
            None => match self.auto_sense(port, selector, bytes, now) {
                Sensed::Unit(id) => id,
                Sensed::Held => return Received::VlanUnauthorized,
                Sensed::Nothing => return Received::NoUnit,
            },
        };
        let Some(unit) = self.units.get_mut(&id) else {
            return Received::NoUnit;
        };
        if !unit.spec.takes_tpids(bytes) {
            return Received::NoUnit;
        }
        let port = unit.spec.port.clone();
        let Some(server) = unit.server.as_mut() else {
            return Received::NoUnit;
        };
        let number = unit.spec.number;
        super::pppoe_trace::discovery_frame("received", &port, number, bytes);
        let received = match server.handle_frame(bytes, now) {
            Handled::Nothing => Received::Consumed,
            Handled::Reply(frame) => {
                super::pppoe_trace::discovery_frame("sent", &port, number, &frame);
                out.push(FrameOut { port, frame });
                Received::Consumed
            }
            Handled::SessionPpp { session_id, ppp } => Received::Ppp(SessionPpp {
                unit: id,
                session_id,
                ppp,
            }),
        };
        let ended = self.drain_unit_events(id);
        if !matches!(received, Received::Ppp(_)) {
            self.settle_vlan(id, now, ended);
        }
        received
    }

    /// `ppp` framed for session `session_id` of `unit`.
    pub fn session_frame(&self, unit: UnitId, session_id: u16, ppp: &[u8]) -> Option<FrameOut> {
        let ppp = crate::ppp::wire::strip_address_control(ppp);
        let unit = self.units.get(&unit)?;
        let frame = unit.server.as_ref()?.session_frame(session_id, ppp)?;
        Some(FrameOut {
            port: unit.spec.port.clone(),
            frame,
        })
    }

    /// Ends a session from our side: the PADT to send (none if the session is already gone).
    pub fn terminate(&mut self, id: UnitId, session_id: u16, now: Instant) -> Option<FrameOut> {
        let unit = self.units.get_mut(&id)?;
        let frame = unit.server.as_mut()?.terminate(session_id, now)?;
        let out = FrameOut {
            port: unit.spec.port.clone(),
            frame,
        };
        self.settle_vlan(id, now, true);
        Some(out)
    }

    /// A session's port and our MAC on it, as the relay's fast path frames toward it.
    pub fn session_port(&self, unit: UnitId) -> Option<(Arc<str>, MacAddr)> {
        let unit = self.units.get(&unit)?;
        Some((unit.spec.port.clone(), unit.server.as_ref()?.ac_mac()))
    }

    /// The client MAC, VLAN tags and negotiated PPP payload ceiling of a session.
    pub fn session(
        &self,
        unit: UnitId,
        session_id: u16,
    ) -> Option<&crate::pppoe::discovery::Session> {
        self.units.get(&unit)?.server.as_ref()?.session(session_id)
    }

    /// `eth1.100`: the unit's name.
    pub fn unit_name(&self, unit: UnitId) -> Option<String> {
        self.units.get(&unit).map(AccessUnit::name)
    }

    /// The dynamic profile of a session that asked for `service_name`: its service-name-table
    /// entry's `dynamic-profile`, else the unit's `family pppoe dynamic-profile` (Junos: the
    /// service's profile overrides the interface's).
    pub fn dynamic_profile(&self, unit: UnitId, service_name: &[u8]) -> Option<String> {
        let spec = &self.units.get(&unit)?.spec;
        let service = String::from_utf8_lossy(service_name);
        self.service_table(spec)
            .and_then(|table| table.lookup(&service)?.dynamic_profile.clone())
            .or_else(|| spec.family.dynamic_profile.clone())
    }

    /// Per port, its units' counters summed with those of units that are gone.
    pub fn counters(&self) -> BTreeMap<String, DiscoveryCounters> {
        let mut totals: BTreeMap<String, DiscoveryCounters> = self
            .retired
            .iter()
            .map(|(port, c)| (port.to_string(), c.clone()))
            .collect();
        for unit in self.units.values() {
            let total = totals.entry(unit.spec.port.to_string()).or_default();
            if let Some(server) = &unit.server {
                total.add(server.counters());
            }
        }
        totals
    }

    /// Sessions per unit name, for `show pppoe interfaces` and summaries.
    pub fn session_count(&self) -> usize {
        self.units.values().map(AccessUnit::session_count).sum()
    }

    /// Frames the kernel dropped on `port` before the engine read them.
    pub fn add_kernel_drops(&mut self, port: &str, count: u64) {
        self.count_on_port(port, |c| c.kernel_drops += count);
    }

    /// A frame of `port` that [`Self::handle_frame`] dropped (`NoUnit`, `VlanUnauthorized`),
    /// counted on the port for `show pppoe statistics`.
    pub fn count_dropped(&mut self, port: &str, why: &Received<'_>) {
        match why {
            Received::NoUnit => self.count_on_port(port, |c| c.no_unit += 1),
            Received::VlanUnauthorized => self.count_on_port(port, |c| c.vlan_awaiting_aaa += 1),
            Received::Consumed | Received::Ppp(_) => {}
        }
    }

    /// Port-level counters live beside those of the port's units gone (`retired`), so they
    /// add up the same way and `clear pppoe statistics` clears them.
    fn count_on_port(&mut self, port: &str, count: impl FnOnce(&mut DiscoveryCounters)) {
        let Some((name, _)) = self.ports.get_key_value(port) else {
            return;
        };
        let name = name.clone();
        count(self.retired.entry(name).or_default());
    }

    /// `clear pppoe statistics [PORT]`.
    pub fn clear_statistics(&mut self, port: Option<&str>) {
        let chosen = |p: &str| port.is_none_or(|wanted| wanted == p);
        self.retired.retain(|p, _| !chosen(p));
        for unit in self.units.values_mut() {
            if !chosen(&unit.spec.port) {
                continue;
            }
            if let Some(server) = unit.server.as_mut() {
                server.clear_counters();
            }
        }
    }

    /// Sessions per port, for `show pppoe statistics`.
    pub fn sessions_per_port(&self) -> BTreeMap<String, u32> {
        let mut counts = BTreeMap::new();
        for unit in self.units.values() {
            let sessions = unit.session_count();
            *counts.entry(unit.spec.port.to_string()).or_default() +=
                u32::try_from(sessions).unwrap_or(u32::MAX);
        }
        counts
    }

    /// The AC-Name unit `unit` sends.
    pub fn ac_name(&self, unit: UnitId) -> Option<String> {
        let unit = self.units.get(&unit)?;
        Some(self.ac_name_of(&unit.spec))
    }

    /// `access-concentrator`, else the host name, else ours.
    fn ac_name_of(&self, spec: &UnitSpec) -> String {
        spec.family
            .access_concentrator
            .clone()
            .or_else(|| self.host_name.clone())
            .unwrap_or_else(|| DEFAULT_AC_NAME.to_string())
    }
}

/// The PPP payload ceiling of a unit's sessions from `family pppoe mtu` and the interface
/// MTU. Junos' `mtu` is the PPP MTU, "not including the overhead of the lower layers" (`mtu
/// (Dynamic and Static PPPoE)`), so `mtu N` is the payload itself, not N - 8; it cannot
/// exceed what the link carries (interface MTU - 8, RFC 2516 §7), and JunosE likewise takes
/// the lesser of the two. `use-lower-layer` is the interface MTU less those 8 octets, and so
/// is the ceiling without `mtu` (it used to be held at 1492 or more, which a link with an MTU
/// below 1500 cannot carry). Either way the part above 1492 goes only to clients that ask
/// for it with PPP-Max-Payload (RFC 4638 §4).
pub fn session_max_payload(mtu: Option<PppoeMtu>, link_mtu: u16) -> u16 {
    let lower_layer = link_mtu.saturating_sub(PPPOE_AND_PPP_HEADERS);
    match mtu {
        None | Some(PppoeMtu::UseLowerLayer) => lower_layer,
        Some(PppoeMtu::Bytes(bytes)) => bytes.min(lower_layer),
    }
}

/// The PPPoE header (6) and the PPP protocol field (2) inside an Ethernet payload.
const PPPOE_AND_PPP_HEADERS: u16 = 8;

/// What a received frame was.
#[derive(Debug, PartialEq, Eq)]
pub enum Received<'a> {
    /// No unit of the port takes its VLAN tags (or the port has no attached unit).
    NoUnit,
    /// Discovery (answered or counted by the unit's server).
    Consumed,
    /// On a VLAN of an authenticated range that AAA has not accepted (yet): dropped.
    VlanUnauthorized,
    Ppp(SessionPpp<'a>),
}

#[path = "vlan_auth_access.rs"]
mod vlan_auth_access;
use vlan_auth_access::VlanAuth;
pub use vlan_auth_access::{VlanAuthRequest, VLAN_AUTH_HOLD_DOWN};

#[cfg(test)]
#[path = "pppoe_access_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "auto_vlan_access_tests.rs"]
mod auto_vlan_tests;

/// A unit's session event in the PPPoE trace.
fn trace_session(port: &str, number: u32, event: &Event) {
    match event {
        Event::SessionUp { session_id } => {
            super::pppoe_trace::session_up(port, number, *session_id)
        }
        Event::SessionDown { session_id, reason } => {
            let why = match reason {
                EndReason::ClientPadt => "PADT from the client",
                EndReason::LinkDown => "link down",
            };
            super::pppoe_trace::session_down(port, number, *session_id, why)
        }
    }
}
