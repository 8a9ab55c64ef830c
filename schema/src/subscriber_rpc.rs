//! The subscriber and PPPoE operational RPCs: `show subscribers …`, `show pppoe …`,
//! `clear pppoe …` as typed requests and replies. As in [`crate::l2tp_rpc`], field names
//! (kebab-case) are Junos' element names as best known from its command pages, nothing is
//! preformatted: numbers are numbers, times are seconds (login time: seconds since the Unix
//! epoch), states are words the shell capitalises.

use std::fmt;
use std::net::Ipv4Addr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::l2tp_rpc::Level;

/// An Ethernet address, shown and serialised as Junos prints it: `00:00:5e:00:53:01`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacAddress(pub [u8; 6]);

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl std::str::FromStr for MacAddress {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let mut octets = [0u8; 6];
        let mut parts = text.split(':');
        for octet in &mut octets {
            let part = parts
                .next()
                .filter(|p| p.len() == 2)
                .ok_or_else(|| format!("invalid MAC address: '{text}'"))?;
            *octet = u8::from_str_radix(part, 16)
                .map_err(|_| format!("invalid MAC address: '{text}'"))?;
        }
        if parts.next().is_some() {
            return Err(format!("invalid MAC address: '{text}'"));
        }
        Ok(MacAddress(octets))
    }
}

impl Serialize for MacAddress {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MacAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

// ------------------------------------------------------------------ show subscribers

/// `show subscribers [user-name U] [detail | extensive] [summary]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscriberShow {
    pub level: Level,
    /// Only the counts (`summary`), no rows.
    pub summary: bool,
    /// Only this subscriber (exact user name, as Junos matches it).
    pub user_name: Option<String>,
}

/// A subscriber's state, as `show subscribers` names it (Junos: Init, Configured, Active,
/// Terminating).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubscriberState {
    /// Access leg up, PPP and authentication under way.
    Init,
    /// Authenticated, forward leg (L2TP session, address) being set up.
    Configured,
    Active,
    Terminating,
}

/// Junos' "Type" of a subscriber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessType {
    Pppoe,
    /// An LNS subscriber arriving in an L2TP session (the next issue).
    L2tp,
    /// An auto-sensed VLAN (`auto-configure`): the dynamic VLAN unit its PPPoE subscribers
    /// run on, listed as a subscriber of its own as Junos lists it.
    Vlan,
}

/// The PPP authentication the subscriber used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthenticationProtocol {
    Pap,
    Chap,
}

/// The L2TP session that carries a tunnelled subscriber (LAC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscriberTunnel {
    /// The tunnel profile (LAC) or tunnel group (LNS).
    pub tunnel_group: String,
    pub tunnel_local_id: u16,
    pub tunnel_remote_id: u16,
    pub session_local_id: u16,
    /// 0 until the peer assigned its ID.
    pub session_remote_id: u16,
}

/// What RADIUS decided for a subscriber.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscriberAaa {
    /// The server whose Access-Accept admitted it.
    pub radius_server: Option<Ipv4Addr>,
    /// LAC: what chose its tunnel (`domain-map`, `radius-tunnel-group`,
    /// `radius-tunnel-attributes`).
    pub tunnel_decided_by: Option<String>,
    /// Seconds.
    pub session_timeout: Option<u32>,
    pub idle_timeout: Option<u32>,
    /// Attributes of the Accept that were not used, each with why.
    #[serde(rename = "unused-attribute", default)]
    pub unused_attributes: Vec<String>,
}

/// The limits the router enforces on a subscriber (`detail` and `extensive`), each with
/// where it comes from: `radius` (the Accept or a CoA), `ppp idle-timeout` (the user's client
/// entry or its group profile, or the tunnel client's user-group profile), `session-options`
/// (the access profile's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscriberLimits {
    /// Seconds from the login.
    pub session_timeout: Option<u32>,
    pub session_timeout_from: Option<String>,
    /// Seconds without activity.
    pub idle_timeout: Option<u32>,
    pub idle_timeout_from: Option<String>,
    /// Only the subscriber's own packets are activity.
    #[serde(default)]
    pub idle_ingress_only: bool,
}

/// One access route of a subscriber, as the routing table holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AccessRoute {
    /// `198.18.60.0/24`.
    pub prefix: String,
    /// The subscriber's address when the route names none (or 0.0.0.0).
    pub next_hop: Option<Ipv4Addr>,
    /// The subscriber's interface (`si-1/0/0.3221225473`): every access route leads there.
    pub interface: String,
    pub metric: Option<u32>,
    pub preference: u32,
    pub tag: Option<u32>,
}

/// Packets and bytes of one subscriber (`extensive`), from the subscriber's side: `rx` is
/// what the router received from the subscriber.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscriberCounters {
    pub input_packets: u64,
    pub input_bytes: u64,
    pub output_packets: u64,
    pub output_bytes: u64,
}

/// One row of `show subscribers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Subscriber {
    /// `pp0.UNIT` (dynamic units start at [`crate::l2tp_rpc::FIRST_DYNAMIC_UNIT`]).
    pub interface: String,
    pub user_name: Option<String>,
    pub state: SubscriberState,
    pub access_type: AccessType,
    /// The subscriber's address (when the router terminates it; later issues).
    pub ip_address: Option<Ipv4Addr>,
    pub logical_system: String,
    pub routing_instance: String,
    /// The unit the PPPoE session runs on (`ge-1/0/0.100`).
    pub underlying_interface: Option<String>,
    pub mac_address: Option<MacAddress>,
    /// 802.1Q VLAN ID (the inner one under QinQ).
    pub vlan_id: Option<u16>,
    /// The TPID `vlan_id` came under on the wire (0x8100, or 0x88a8).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub vlan_tpid: Option<u16>,
    /// 802.1ad outer VLAN ID (QinQ only).
    pub stacked_vlan_id: Option<u16>,
    /// The outer tag's TPID on the wire (0x88a8 for 802.1ad, 0x8100 for Q-in-Q).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub stacked_vlan_tpid: Option<u16>,
    pub pppoe_session_id: Option<u16>,
    /// The PPPoE intermediate agent's Agent-Circuit-ID and Agent-Remote-ID (TR-101), as
    /// Junos shows them (`detail` and `extensive`); absent when the PADR carried none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub agent_circuit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub agent_remote_id: Option<String>,
    /// The line's Actual-Data-Rate-Upstream / -Downstream (TR-101, RFC 4679), bit/s, as the
    /// agent's tag (LAC) or the LAC's ICRQ (LNS) gave them (`detail` and `extensive`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actual_data_rate_up: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actual_data_rate_down: Option<u64>,
    pub dynamic_profile: Option<String>,
    /// The interface is a configured unit (a static `pp0` unit, an LNS's static `si-`
    /// unit), not one made for the session: `Interface type: Static`.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub static_interface: bool,
    /// Seconds since the Unix epoch.
    pub login_time: i64,
    /// RFC 1661 automaton state of LCP (`opened`, `req-sent`, …).
    pub lcp_state: Option<String>,
    /// LNS: `proxy` when LCP opened from the LAC's proxy LCP, `renegotiated` when it was
    /// negotiated with the client again.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lcp_negotiation: Option<String>,
    pub authentication_protocol: Option<AuthenticationProtocol>,
    pub tunnel: Option<SubscriberTunnel>,
    /// What RADIUS granted (`detail` and `extensive`), when RADIUS admitted the subscriber.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub aaa: Option<SubscriberAaa>,
    /// The session and idle limits enforced (`detail` and `extensive`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub limits: Option<SubscriberLimits>,
    /// The routes installed to the subscriber (`detail` and `extensive`): its dynamic
    /// profile's `routing-options access` routes, or its Framed-Routes without a profile.
    #[serde(
        rename = "access-route",
        skip_serializing_if = "Vec::is_empty",
        default
    )]
    pub access_routes: Vec<AccessRoute>,
    /// With `extensive`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub statistics: Option<SubscriberCounters>,
}

/// How many subscribers of one kind (`Active: 3`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Count<T> {
    pub name: T,
    pub count: u32,
}

/// `show subscribers summary`: counts by state, by type and by underlying interface (only
/// those with at least one subscriber), and the total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubscriberSummary {
    #[serde(rename = "state-count")]
    pub by_state: Vec<Count<SubscriberState>>,
    #[serde(rename = "client-type-count")]
    pub by_type: Vec<Count<AccessType>>,
    #[serde(rename = "interface-count")]
    pub by_interface: Vec<Count<String>>,
    pub total: u32,
    /// Subscribers that ended since the daemon started, by cause (`client-padt`,
    /// `authentication-failed`, `no-address`, …).
    #[serde(
        rename = "termination-count",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub terminations: Vec<Count<String>>,
    /// Subscribers refused, by reason (the LAC's decision, the LNS's authentication).
    #[serde(
        rename = "refusal-count",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub refusals: Vec<Count<String>>,
}

impl<T: Ord> Count<T> {
    /// How many times each key comes, in the keys' order (only those that come).
    pub fn tally(keys: impl Iterator<Item = T>) -> Vec<Count<T>> {
        let mut map: std::collections::BTreeMap<T, u32> = std::collections::BTreeMap::new();
        for key in keys {
            *map.entry(key).or_default() += 1;
        }
        map.into_iter()
            .map(|(name, count)| Count { name, count })
            .collect()
    }
}

impl SubscriberSummary {
    /// The summary of `subscribers`, each list in its key's order: the one way the daemon
    /// and the tests count.
    pub fn of(subscribers: &[Subscriber]) -> SubscriberSummary {
        SubscriberSummary {
            by_state: Count::tally(subscribers.iter().map(|s| s.state)),
            by_type: Count::tally(subscribers.iter().map(|s| s.access_type)),
            by_interface: Count::tally(
                subscribers
                    .iter()
                    .filter_map(|s| s.underlying_interface.clone()),
            ),
            total: u32::try_from(subscribers.len()).unwrap_or(u32::MAX),
            terminations: Vec::new(),
            refusals: Vec::new(),
        }
    }
}

/// `get-subscribers` → `subscribers-information` (rows) or, with `summary`,
/// `subscribers-summary-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Subscribers {
    #[serde(rename = "subscriber")]
    pub subscribers: Vec<Subscriber>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub summary: Option<SubscriberSummary>,
}

// ------------------------------------------------------------------ show pppoe

/// `show pppoe interfaces [pp0.N]`, `show pppoe statistics [IFNAME]`,
/// `clear pppoe sessions [pp0.N]`, `clear pppoe statistics [IFNAME]`: an optional
/// interface name. One that matches nothing is an error (`no PPPoE session on pp0.7`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeSelect {
    pub interface: Option<String>,
}

/// A PPPoE session's state at the access concentrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppoeSessionState {
    /// PADS sent, PPP not yet up.
    Init,
    SessionUp,
    /// PADT sent or received, being torn down.
    Terminating,
}

/// One `pp0.N` of `show pppoe interfaces`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeInterface {
    pub name: String,
    pub state: PppoeSessionState,
    pub session_id: u16,
    /// The Service-Name of the session's PADR (empty: any service).
    pub service_name: String,
    /// The AC-Name of the PADS (`access-concentrator`, or the host name).
    pub session_ac_name: String,
    pub remote_mac_address: MacAddress,
    pub underlying_interface: String,
    pub mru: u16,
    pub mtu: u16,
    /// A dynamic `pp0` unit, made for the session (always, at our LAC).
    pub auto_configured: bool,
    /// Seconds since the PADS.
    pub session_uptime: u64,
}

/// `get-pppoe-interface-information` → `pppoe-interface-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeInterfaces {
    #[serde(rename = "pppoe-interface")]
    pub interfaces: Vec<PppoeInterface>,
}

/// Every frame an interface's PPPoE discovery received, sent and refused, by reason: the
/// daemon counts in this type (`pppoe::discovery`) and `show pppoe statistics` shows it, so
/// no field can be counted and not shown. Declared through one macro so that `add` cannot
/// miss a field.
macro_rules! counters {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: u64,)*
        }

        impl $name {
            /// Adds `other` field by field (a port's units summed, and units gone since).
            pub fn add(&mut self, other: &$name) {
                $(self.$field += other.$field;)*
            }
        }
    };
}

counters! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub struct PppoeCounters {
        pub padi_received,
        pub pado_sent,
        pub padr_received,
        pub pads_sent,
        pub padt_received,
        pub padt_sent,
        /// Frames the codec refused.
        pub malformed,
        /// PADRs whose DSL Forum intermediate-agent tag (TR-101) broke its layout: the tag
        /// was left out, the session granted without an access line.
        pub agent_tag_malformed,
        /// Access-loop characteristics (line rates, delays, encapsulation) of an
        /// intermediate-agent tag left out for a wrong length or a repetition; the rest of
        /// the tag was used.
        pub agent_characteristic_malformed,
        /// Unicast to another MAC (another access concentrator on the segment), or a PADI that
        /// is neither broadcast nor to us.
        pub not_for_us,
        /// A group address as source: no client has one.
        pub bad_source,
        /// PADO or PADS received: we are the concentrator, not a host.
        pub unexpected_code,
        /// PADI or PADR with a non-zero SESSION_ID (RFC 2516 §5.1, §5.3).
        pub nonzero_session_id,
        /// PADI or PADR without exactly one Service-Name tag (RFC 2516 §5.1).
        pub service_name_missing,
        /// A Service-Name we do not serve: no PADO, or a PADS with Service-Name-Error.
        pub service_name_refused,
        /// A Service-Name whose `service-name-table` action is `drop`.
        pub service_name_dropped,
        /// Refused at the service's `max-sessions` in the `service-name-table`.
        pub service_max_sessions_refused,
        /// PADOs held back by `action delay N`, sent once the delay has passed.
        pub pado_delayed,
        /// PADIs refused because the queue of delayed PADOs was full.
        pub pado_delay_queue_full,
        /// A PADI repeated while its delayed PADO is still waiting: not queued twice.
        pub padi_while_delayed,
        pub padr_cookie_missing,
        /// Forged, for another MAC, or expired: indistinguishable by design.
        pub padr_cookie_invalid,
        /// A PADR repeated because its PADS was lost: the same PADS again, no new session.
        pub padr_retransmitted,
        /// Refused at `max-sessions`, with every static pp0 unit of the underlying unit
        /// busy, or with the session-id space exhausted.
        pub max_sessions_refused,
        /// Refused by `duplicate-protection`.
        pub duplicate_refused,
        /// Refused by `short-cycle-protection`: the client MAC is locked out.
        pub short_cycle_refused,
        /// Refused while `services l2tp drain` is set (and delayed PADOs dropped by it).
        pub draining_refused,
        /// Frames the kernel dropped before the daemon read them: the port's receive buffer
        /// was full (a burst the engine could not keep up with).
        pub kernel_drops,
        /// Frames no PPPoE unit of the port takes: a VLAN no unit or range selects, or tags
        /// under a TPID the unit does not name.
        pub no_unit,
        /// Frames on a VLAN of an authenticated range that AAA has not accepted: waiting for
        /// its answer, or held down after a refusal.
        pub vlan_awaiting_aaa,
        pub padt_unknown_session,
        pub padt_wrong_mac,
        pub session_frame_unknown_session,
        pub session_frame_wrong_mac,
    }
}

/// The counters of one underlying interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeInterfaceStatistics {
    pub underlying_interface: String,
    pub active_sessions: u32,
    #[serde(flatten)]
    pub counters: PppoeCounters,
}

/// `get-pppoe-statistics` → `pppoe-statistics-information`: the router's totals, then
/// each underlying interface (one, when the command names it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeStatistics {
    pub active_sessions: u32,
    pub totals: PppoeCounters,
    #[serde(rename = "pppoe-underlying-interface")]
    pub interfaces: Vec<PppoeInterfaceStatistics>,
}

/// What a service-name-table entry does (`action`), flattened for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppoeServiceAction {
    Terminate,
    Drop,
    Delay,
}

/// One `service` of a table as `show pppoe service-name-tables` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeServiceEntry {
    /// `any`, `empty` or the name.
    pub service_name: String,
    pub action: PppoeServiceAction,
    /// Seconds, for `delay`.
    pub delay: Option<u8>,
    pub max_sessions: Option<u32>,
    pub active_sessions: u32,
    pub dynamic_profile: Option<String>,
    pub routing_instance: Option<String>,
}

impl PppoeServiceEntry {
    /// The entry of a configured service, with `active_sessions` sessions using it.
    pub fn of(service: &crate::typed::PppoeService, active_sessions: u32) -> Self {
        use crate::typed::ServiceAction;
        let (action, delay) = match service.action {
            ServiceAction::Terminate => (PppoeServiceAction::Terminate, None),
            ServiceAction::Drop => (PppoeServiceAction::Drop, None),
            ServiceAction::Delay(seconds) => (PppoeServiceAction::Delay, Some(seconds)),
        };
        PppoeServiceEntry {
            service_name: service.name.to_string(),
            action,
            delay,
            max_sessions: service.max_sessions,
            active_sessions,
            dynamic_profile: service.dynamic_profile.clone(),
            routing_instance: service.routing_instance.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeServiceNameTable {
    pub table_name: String,
    #[serde(rename = "service")]
    pub services: Vec<PppoeServiceEntry>,
}

/// `get-pppoe-service-name-tables` → `pppoe-service-name-table-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeServiceNameTables {
    #[serde(rename = "service-name-table")]
    pub tables: Vec<PppoeServiceNameTable>,
}

/// What `clear pppoe sessions` ended, or whose counters `clear pppoe statistics` reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PppoeCleared {
    /// `clear pppoe statistics`: counters reset, nothing closed.
    pub statistics: bool,
    /// The `pp0.N` sessions ended (PADT sent).
    pub sessions: Vec<String>,
    /// The underlying interfaces whose counters were reset.
    pub interfaces: Vec<String>,
}

/// `show network-access address-assignment pool [NAME]`: one pool, or all when `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AddressPoolSelect {
    pub name: Option<String>,
}

/// One `range` of a pool and how many of its addresses are held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AddressRangeUse {
    pub range_name: String,
    pub range_low: Ipv4Addr,
    pub range_high: Ipv4Addr,
    /// Addresses of the range that can be handed out (the network's own network and
    /// broadcast addresses are not).
    pub addresses_total: u64,
    pub addresses_in_use: u64,
}

/// One address pool: its network, the router's address in it, and the use of its ranges.
/// Ranges may overlap, so the pool's counts are of distinct addresses, not the ranges' sum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AddressPoolUse {
    pub pool_name: String,
    /// `a.b.c.d/len`.
    pub network: String,
    /// Our IPCP address in the pool (the lowest address of the network outside every range).
    pub gateway: Option<Ipv4Addr>,
    pub primary_dns: Option<Ipv4Addr>,
    pub secondary_dns: Option<Ipv4Addr>,
    pub addresses_total: u64,
    pub addresses_in_use: u64,
    pub addresses_free: u64,
    /// Subscribers still holding an address of this pool that a commit took out of its
    /// ranges (or excluded): held until they leave, never handed out meanwhile.
    pub addresses_outside: u64,
    /// `link`: the pool searched next when this one has no free address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_pool: Option<String>,
    /// `hold-down` or `active-drain`: no new address is given from the pool.
    #[serde(default)]
    pub hold_down: bool,
    #[serde(rename = "address-range")]
    pub ranges: Vec<AddressRangeUse>,
}

/// `get-address-assignment-pool` → `address-pool-information`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AddressPoolsReply {
    #[serde(rename = "address-pool")]
    pub pools: Vec<AddressPoolUse>,
    /// Addresses held that no configured pool's ranges contain (a removed pool's, a fixed
    /// `framed-ip-address` outside every pool). Counted only when no pool is named.
    pub addresses_outside_pools: u64,
}

/// The Junos reply root of each show RPC (`| display xml` / `| display json`).
pub mod roots {
    pub const SUBSCRIBERS: &str = "subscribers-information";
    pub const SUBSCRIBERS_SUMMARY: &str = "subscribers-summary-information";
    pub const PPPOE_INTERFACES: &str = "pppoe-interface-information";
    pub const PPPOE_STATISTICS: &str = "pppoe-statistics-information";
    pub const PPPOE_SERVICE_NAME_TABLES: &str = "pppoe-service-name-table-information";
    pub const ADDRESS_POOLS: &str = "address-pool-information";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_addresses_read_and_print_as_junos_does() {
        let mac: MacAddress = "00:00:5e:00:53:0A".parse().unwrap();
        assert_eq!(mac.to_string(), "00:00:5e:00:53:0a");
        assert_eq!(
            serde_json::to_string(&mac).unwrap(),
            "\"00:00:5e:00:53:0a\""
        );
        for bad in [
            "",
            "00:00:5e:00:53",
            "00:00:5e:00:53:01:02",
            "0:00:5e:00:53:01",
            "zz:00:5e:00:53:01",
        ] {
            assert!(bad.parse::<MacAddress>().is_err(), "{bad}");
        }
    }

    fn subscriber(state: SubscriberState, underlying: &str) -> Subscriber {
        Subscriber {
            interface: "pp0.1073741825".into(),
            user_name: Some("u1@example.net".into()),
            state,
            access_type: AccessType::Pppoe,
            ip_address: None,
            logical_system: "default".into(),
            routing_instance: "default".into(),
            underlying_interface: Some(underlying.into()),
            mac_address: None,
            vlan_id: None,
            vlan_tpid: None,
            stacked_vlan_id: None,
            stacked_vlan_tpid: None,
            pppoe_session_id: Some(1),
            agent_circuit_id: None,
            agent_remote_id: None,
            actual_data_rate_up: None,
            actual_data_rate_down: None,
            dynamic_profile: None,
            static_interface: false,
            login_time: 0,
            lcp_state: None,
            lcp_negotiation: None,
            authentication_protocol: None,
            tunnel: None,
            aaa: None,
            limits: None,
            access_routes: Vec::new(),
            statistics: None,
        }
    }

    #[test]
    fn the_summary_counts_by_state_type_and_interface() {
        let list = [
            subscriber(SubscriberState::Active, "ge-1/0/0.100"),
            subscriber(SubscriberState::Init, "ge-1/0/0.100"),
            subscriber(SubscriberState::Active, "ge-1/0/0.0"),
        ];
        let s = SubscriberSummary::of(&list);
        assert_eq!(s.total, 3);
        assert_eq!(
            s.by_state,
            [
                Count {
                    name: SubscriberState::Init,
                    count: 1
                },
                Count {
                    name: SubscriberState::Active,
                    count: 2
                }
            ]
        );
        assert_eq!(
            s.by_type,
            [Count {
                name: AccessType::Pppoe,
                count: 3
            }]
        );
        assert_eq!(
            s.by_interface,
            [
                Count {
                    name: "ge-1/0/0.0".to_string(),
                    count: 1
                },
                Count {
                    name: "ge-1/0/0.100".to_string(),
                    count: 2
                }
            ]
        );
    }

    #[test]
    fn a_service_entry_from_the_configuration() {
        use crate::typed::{PppoeService, ServiceAction, ServiceName};
        let service = PppoeService {
            name: ServiceName::Named("gold".into()),
            action: ServiceAction::Delay(5),
            max_sessions: Some(100),
            dynamic_profile: None,
            routing_instance: None,
        };
        let entry = PppoeServiceEntry::of(&service, 3);
        assert_eq!(entry.service_name, "gold");
        assert_eq!(entry.action, PppoeServiceAction::Delay);
        assert_eq!(entry.delay, Some(5));
        assert_eq!(entry.active_sessions, 3);
    }
}
