//! The typed view of a checked configuration that the engine consumes, derived from the
//! tree in exactly one place. Absent statements read as the table's defaults.

mod access;
mod auto_configure;
mod device;
mod dynamic_profile;
mod firewall;
#[cfg(test)]
#[path = "typed/group_profile_tests.rs"]
mod group_profile_tests;
pub mod groups;
#[cfg(test)]
#[path = "typed/groups_list_block_tests.rs"]
mod groups_list_block_tests;
#[cfg(test)]
#[path = "typed/groups_tests.rs"]
mod groups_tests;
pub(crate) mod interface_range;
#[cfg(test)]
#[path = "typed/interface_range_display_tests.rs"]
mod interface_range_display_tests;
#[cfg(test)]
#[path = "typed/interface_range_tests.rs"]
mod interface_range_tests;
mod l2tp;
mod net;
mod pppoe;
mod range_members;
mod routing;
mod secret;
#[cfg(test)]
#[path = "typed/session_options_tests.rs"]
mod session_options_tests;
mod static_pppoe;
mod static_routes;
mod syslog;
mod system;
#[cfg(test)]
mod tests;
mod view;

pub use access::{
    AccessProfile, AccountingOptions, AccountingStatistics, AcctSessionIdFormat, AddressPolicy,
    AddressPool, AddressRange, AuthenticationMethod, AvpAction, CallingStationIdFormat, DomainMap,
    DomainParsing, Gateway, InterfaceDescriptionFormat, L2tpClient, NasPortExtendedFormat,
    NasPortIdFormat, ParseDirection, PoolUtilization, PppAuthentication, PppClient, ProfileClient,
    ProfileTunnel, ProfileTunnels, RadiusExclude, RadiusIgnore, RadiusMessage, RadiusOptions,
    RadiusOverride, RadiusServer, ServerAlgorithm, SessionOptions, TunnelIdentity, TunnelMedium,
    TunnelProfile, TunnelSwitchAvps, TunnelSwitchProfile, TunnelType, DEFAULT_CLIENTS,
};
pub use auto_configure::{
    AutoConfigure, VlanAuthentication, VlanIdRange, VlanRange, VlanRangeProfile, VlanUsername,
    VLAN_IDS,
};
pub use device::{
    Community, CommunityAuthorization, DialOptions, Interface, InterfaceEncapsulation, PppoeFamily,
    PppoeMtu, ShortCycleProtection, SnmpClient, SnmpConfig, SnmpView, TrapGroup, TrapVersion, Unit,
    UnitEncapsulation, UnitVlan, VlanTagging,
};
pub use dynamic_profile::{
    donor_address, is_supported_predefined, AccessRouteTemplate, DonorError, DynamicProfile,
    ProfileInterface, ProfileVariable, RadiusSource, VariableValues, FRAMED_ROUTE_PREFIX,
    LOOPBACK_INTERFACE, PREDEFINED_VARIABLES,
};
pub use firewall::{
    icmp_type_number, port_range, protocol_number, FilterAction, FilterTerm, FirewallFilter,
    InterfaceFilters, MatchConditions, Policer, PrefixMatch, RejectMessage,
    ADMINISTRATIVELY_PROHIBITED, ICMP_TYPES, PORTS, PROTOCOLS, REJECT_MESSAGES,
};
pub use l2tp::{
    AssignmentIdFormat, L2tpConfig, TraceFile, TraceLevel, TraceOptions, TunnelDefaults,
    TunnelGroup, TxAddressChange, TxConnectSpeedMethod, MINIMUM_RETRANSMIT_CAP,
};
pub use net::Ipv4Prefix;
pub use pppoe::{PppoeService, ServiceAction, ServiceName, ServiceNameTable};
pub use routing::{
    instance_name_problem, interface_device, vrf_device_name, vrf_table_id, InstanceType,
    RoutingInstance, FIRST_TABLE_ID, MAX_LINUX_IFNAME, RESERVED_INSTANCE_NAMES, VRF_PREFIX,
};
pub use secret::Secret;
pub use static_pppoe::{PppOptions, StaticPppoe};
pub use static_routes::{StaticNextHop, StaticRoute};
pub use syslog::{
    syslog_file_name_problem, syslog_regex, Facility, Level, Selectors, Severity, StructuredData,
    SyslogConfig, SyslogFile, SyslogHost, SyslogUser, STATE_FILES,
};
pub use system::{login_regex, IcmpRateLimit, LoginClassConfig};

use crate::def::Stmt;
use crate::table::ROOT;
use crate::tree::Node;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use view::View;

/// Everything the engine needs from a committed configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouterConfig {
    pub host_name: Option<String>,
    /// Each configured user's class name: a predefined class (`super-user`, `operator`,
    /// `read-only`, `unauthorized`) or one of `login_classes`.
    pub login_users: BTreeMap<String, String>,
    /// `[edit system login class]`.
    pub login_classes: BTreeMap<String, LoginClassConfig>,
    /// `[edit system time-zone]`, as written (checked at commit).
    pub time_zone: Option<String>,
    /// `[edit system login message]`, as written (`\n` not yet a new line).
    pub login_message: Option<String>,
    /// `[edit system login announcement]`, as written: shown once logged in.
    #[serde(default)]
    pub login_announcement: Option<String>,
    /// `[edit system syslog]`.
    #[serde(default)]
    pub syslog: SyslogConfig,
    /// `[edit system internet-options icmpv4-rate-limit]`.
    #[serde(default)]
    pub icmpv4_rate_limit: IcmpRateLimit,
    pub l2tp: L2tpConfig,
    pub tunnel_profiles: BTreeMap<String, TunnelProfile>,
    pub tunnel_switch_profiles: BTreeMap<String, TunnelSwitchProfile>,
    /// Keyed by the subscriber's domain (`isp.example`).
    pub domain_maps: BTreeMap<String, DomainMap>,
    pub access_profiles: BTreeMap<String, AccessProfile>,
    /// `[edit access radius-server]`: the servers every profile may use.
    pub radius_servers: BTreeMap<Ipv4Addr, RadiusServer>,
    /// `[edit access-profile]`: the profile for subscribers no domain map names.
    pub access_profile: Option<String>,
    /// `[edit access radius-options revert-interval]`: seconds a server that stopped
    /// answering is left alone before it is tried again.
    pub radius_revert_interval: u32,
    /// `[edit access report-interface-descriptions]`: subscribers' requests carry their
    /// access interface's description (VSA 26-4874-63).
    #[serde(default)]
    pub report_interface_descriptions: bool,
    /// `[edit access radius-disconnect-port]`: where Disconnect and CoA requests arrive.
    pub radius_disconnect_port: u16,
    /// `[edit access radius-disconnect]`: who may send them, with the secret.
    pub radius_disconnect: BTreeMap<Ipv4Addr, Option<Secret>>,
    /// `[edit access domain-name-server]` and `domain-name-server-inet`: subscribers' name
    /// servers when neither RADIUS nor their access profile gives any.
    pub name_servers: Vec<Ipv4Addr>,
    /// `[edit access address-assignment pool]`.
    pub address_pools: BTreeMap<String, AddressPool>,
    /// `[edit access address-assignment]` `high-utilization` / `abated-utilization`.
    #[serde(default)]
    pub pool_utilization: PoolUtilization,
    /// `[edit access address-assignment] linked-pool-aggregation`, `[edit access
    /// address-protection] reassign-on-match`.
    #[serde(default)]
    pub address_policy: AddressPolicy,
    /// `[edit access domain]` `delimiter` / `parse-direction`.
    #[serde(default)]
    pub domain_parsing: DomainParsing,
    /// `[edit access terminate-code]`: the Acct-Terminate-Cause codes it remaps.
    #[serde(default)]
    pub terminate_codes: crate::terminate_code::TerminateCodes,
    pub interfaces: BTreeMap<String, Interface>,
    /// `[edit protocols pppoe traceoptions]`: the PPPoE trace file; `None`, none.
    pub pppoe_traceoptions: Option<TraceOptions>,
    /// `[edit protocols pppoe service-name-tables]`.
    pub pppoe_service_name_tables: BTreeMap<String, ServiceNameTable>,
    pub snmp: SnmpConfig,
    /// `[edit routing-options static]`: the main instance's static routes.
    #[serde(default)]
    pub static_routes: Vec<StaticRoute>,
    /// `[edit routing-instances]`.
    pub routing_instances: BTreeMap<String, RoutingInstance>,
    /// `[edit dynamic-profiles]`.
    #[serde(default)]
    pub dynamic_profiles: BTreeMap<String, DynamicProfile>,
    /// `[edit firewall family inet filter]`.
    #[serde(default)]
    pub firewall_filters: BTreeMap<String, FirewallFilter>,
}

/// The typed view of `root`, which should have passed `validate::check`. Inactive
/// statements are ignored. Values a checked tree cannot hold (unparsable numbers or
/// addresses) read as absent rather than failing.
pub fn router_config(root: &Node) -> RouterConfig {
    active_router_config(&root.without_inactive())
}

/// Whether `level` (a node of `stmt`) already holds an alternative of its child `keyword`:
/// any child when `stmt` is a choice, or another statement of one of `stmt`'s exclusive
/// groups or of `more` (`traps` where it has `no-traps`). What configuration groups and
/// interface ranges would add is then left out: the statement already there wins.
pub(crate) fn holds_alternative(
    stmt: &Stmt,
    level: &Node,
    keyword: &str,
    more: Option<&[&str]>,
) -> bool {
    if stmt.choice && !level.children.is_empty() {
        return true;
    }
    let groups = stmt.exclusive.iter().copied().chain(more);
    let mut alternatives = groups
        .filter(|group| group.contains(&keyword))
        .flat_map(|group| group.iter())
        .filter(|other| **other != keyword);
    alternatives.any(|other| level.children.keys().any(|id| id.keyword == *other))
}

/// [`router_config`] of a tree that holds no inactive statement (`Node::without_inactive`
/// already applied): the commit check has one, and a second search for inactive
/// statements would walk the whole configuration again for nothing.
pub(crate) fn active_router_config(active: &Node) -> RouterConfig {
    active_router_config_since(active, None)
}

/// [`active_router_config`], given the previous configuration's tree and typed view when
/// `active` is a version of that tree: the tunnel profiles and domain maps (the lists that
/// grow to tens of thousands, each entry read on its own) it holds by the same pointer are
/// copied from the previous view instead of read again.
pub(crate) fn active_router_config_since(
    active: &Node,
    previous: Option<(&Node, &RouterConfig)>,
) -> RouterConfig {
    // The commit check hands over a tree already expanded (borrowed again here, at no cost).
    let (grouped, _) = groups::expand(active);
    let (expanded, _) = interface_range::expand(&grouped);
    let active: &Node = &expanded;
    let root = View::new(Some(active), &ROOT);
    let previous_access = previous.map(|(tree, config)| {
        let access = tree.children.get(&crate::tree::NodeId::new("access"));
        (access, config)
    });
    let previous_domain = previous_access.map(|(access, config)| {
        let domain = access.and_then(|a| a.children.get(&crate::tree::NodeId::new("domain")));
        (domain, &config.domain_maps)
    });
    let system = root.container("system");
    let access = root.container("access");
    let interfaces = device::interfaces(root);
    let snmp = device::snmp(root.container("snmp"), &interfaces);
    RouterConfig {
        host_name: system.string("host-name"),
        login_message: system.container("login").string("message"),
        login_announcement: system.container("login").string("announcement"),
        time_zone: system.string("time-zone"),
        syslog: syslog::syslog(system),
        icmpv4_rate_limit: system::icmpv4_rate_limit(system),
        login_users: system
            .container("login")
            .entries("user")
            .filter_map(|(name, user)| Some((name.to_string(), user.string("class")?)))
            .collect(),
        login_classes: system::login_classes(system.container("login")),
        l2tp: l2tp::l2tp_config(root.container("services").container("l2tp")),
        tunnel_profiles: access::tunnel_profiles(
            access,
            previous_access.map(|(node, config)| (node, &config.tunnel_profiles)),
        ),
        tunnel_switch_profiles: access::tunnel_switch_profiles(access),
        domain_maps: access::domain_maps(access, previous_domain),
        access_profiles: access::access_profiles(access),
        radius_servers: access::radius_servers(access),
        access_profile: root.string("access-profile"),
        radius_revert_interval: access.container("radius-options").number("revert-interval"),
        report_interface_descriptions: access.flag("report-interface-descriptions"),
        radius_disconnect_port: access.number("radius-disconnect-port"),
        radius_disconnect: access::radius_disconnect(access),
        name_servers: access::name_servers(access),
        address_pools: access::address_pools(access),
        pool_utilization: access::pool_utilization(access),
        address_policy: access::address_policy(access),
        domain_parsing: access::domain_parsing(access),
        terminate_codes: access::terminate_codes(access),
        interfaces,
        pppoe_traceoptions: l2tp::traceoptions(
            root.container("protocols")
                .container("pppoe")
                .container("traceoptions"),
        ),
        pppoe_service_name_tables: pppoe::service_name_tables(
            root.container("protocols").container("pppoe"),
        ),
        snmp,
        static_routes: static_routes::static_routes(root),
        routing_instances: routing::routing_instances(root),
        dynamic_profiles: dynamic_profile::dynamic_profiles(root),
        firewall_filters: firewall::firewall_filters(root),
    }
}
