//! `[edit access]` as typed settings.

use super::net::Ipv4Prefix;
use super::secret::Secret;
use super::view::{keyword, View};
use crate::terminate_code::TerminateCodes;
use crate::tree::Node;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TunnelMedium {
    Ipv4,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TunnelType {
    L2tp,
}

/// One end of a tunnel: `remote-gateway` or `source-gateway`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gateway {
    pub address: Option<Ipv4Addr>,
    /// Sent as Host Name / expected from the peer (RADIUS 90/91).
    pub gateway_name: Option<String>,
}

/// `tunnel-profile NAME tunnel N`: one LNS destination of a LAC profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileTunnel {
    pub identification: Option<String>,
    pub logical_system: Option<String>,
    /// `None`: no limit.
    pub max_sessions: Option<u32>,
    pub medium: TunnelMedium,
    /// 0 is the most preferred.
    pub preference: u32,
    pub remote_gateway: Gateway,
    pub routing_instance: Option<String>,
    /// The shared secret (the configuration holds it as `$9$`).
    pub secret: Option<Secret>,
    pub source_gateway: Gateway,
    pub tunnel_type: TunnelType,
}

/// What tells one LAC tunnel from another: the LNS it dials (address within a routing
/// instance), its `identification` (Junos: "same ID + destination = same tunnel"), and how
/// we present ourselves — the source address and the Host Name the LNS knows us by. Two
/// profile tunnels with equal identities would be one tunnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TunnelIdentity<'a> {
    pub remote_address: Option<Ipv4Addr>,
    pub routing_instance: Option<&'a str>,
    pub identification: Option<&'a str>,
    pub source_address: Option<Ipv4Addr>,
    pub source_name: Option<&'a str>,
}

impl ProfileTunnel {
    pub fn identity(&self) -> TunnelIdentity<'_> {
        TunnelIdentity {
            remote_address: self.remote_gateway.address,
            routing_instance: self.routing_instance.as_deref(),
            identification: self.identification.as_deref(),
            source_address: self.source_gateway.address,
            source_name: self.source_gateway.gateway_name.as_deref(),
        }
    }
}

/// A profile's tunnels by number. Boxed: most profiles have one tunnel, and a B-tree leaf
/// reserves room for eleven values, which for 10,000 profiles was 20 MiB of empty slots.
pub type ProfileTunnels = BTreeMap<u8, Box<ProfileTunnel>>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelProfile {
    /// Keyed by tunnel number (1..31), the RFC 2868 tag RADIUS overrides merge into.
    pub tunnels: ProfileTunnels,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AvpAction {
    /// Sent on as received (Junos' default).
    Relay,
    /// Made again by the switch's own policy.
    Regenerate,
    Drop,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelSwitchAvps {
    pub bearer_type: AvpAction,
    pub calling_number: AvpAction,
    pub cisco_nas_port_info: AvpAction,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelSwitchProfile {
    pub avp: TunnelSwitchAvps,
    pub tunnel_profile: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainMap {
    pub aaa_routing_instance: Option<String>,
    pub access_profile: Option<String>,
    pub address_pool: Option<String>,
    pub dynamic_profile: Option<String>,
    pub strip_domain: bool,
    pub target_routing_instance: Option<String>,
    pub tunnel_profile: Option<String>,
    pub tunnel_switch_profile: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthenticationMethod {
    Password,
    Radius,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PppAuthentication {
    Chap,
    Pap,
}

/// `client NAME l2tp { ... }` (on the LNS the client is the peer LAC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct L2tpClient {
    pub interface_id: Option<String>,
    pub lcp_renegotiation: bool,
    pub local_chap: bool,
    pub maximum_sessions_per_tunnel: Option<u32>,
    /// Milliseconds.
    pub multilink_drop_timeout: Option<u32>,
    pub multilink_fragment_threshold: Option<u32>,
    pub ppp_authentication: Option<PppAuthentication>,
    pub ppp_profile: Option<String>,
    pub shared_secret: Option<Secret>,
}

/// `client NAME ppp { ... }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PppClient {
    pub framed_ip_address: Option<Ipv4Addr>,
    pub framed_pool: Option<String>,
    pub interface_id: Option<String>,
    /// Seconds, as the client or its group profile writes it (0 = no LCP echo); `None`:
    /// neither does, and a user-group profile or Junos' 30 s applies.
    pub keepalive: Option<u32>,
    pub primary_dns: Option<Ipv4Addr>,
    pub secondary_dns: Option<Ipv4Addr>,
    pub primary_wins: Option<Ipv4Addr>,
    pub secondary_wins: Option<Ipv4Addr>,
    /// A group profile's `ppp-options { chap; pap; }`: what the subscriber is asked to
    /// authenticate with, CHAP first (empty: the LNS's default, CHAP then PAP).
    pub ppp_options: Vec<PppAuthentication>,
    /// `idle-timeout` in seconds as the client or its group profile writes it (0: none).
    pub idle_timeout: Option<u32>,
}

/// `client NAME { ... }`, with its `group-profile`'s attributes already filled in where the
/// client says nothing (Junos: the client's own statements override the group's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileClient {
    pub chap_secret: Option<Secret>,
    pub pap_password: Option<Secret>,
    pub l2tp: L2tpClient,
    pub ppp: PppClient,
    /// `l2tp aaa-access-profile`: on a tunnel client, the profile its tunnels' PPP users are
    /// authenticated with (over the tunnel group's).
    pub aaa_access_profile: Option<String>,
    /// `user-group-profile`'s PPP attributes: what every PPP user of this client's tunnels
    /// gets where RADIUS and the user's own client entry give nothing.
    pub user_group: Option<PppClient>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiusServer {
    pub port: u16,
    pub accounting_port: u16,
    pub retry: u32,
    /// Seconds.
    pub timeout: u32,
    /// `accounting-retry` / `accounting-timeout` (seconds): `None` means as `retry` /
    /// `timeout`.
    pub accounting_retry: Option<u32>,
    pub accounting_timeout: Option<u32>,
    /// `routing-instance`: the instance (or `default`) this server's requests leave from.
    pub routing_instance: Option<String>,
    pub secret: Option<Secret>,
    pub source_address: Option<Ipv4Addr>,
    /// Requests in flight to this server at once; more wait in the client's queue.
    pub max_outstanding_requests: u32,
    /// `message-authenticator require` (the default): a reply without a valid
    /// Message-Authenticator is dropped (RFC 3579, BlastRADIUS).
    pub require_message_authenticator: bool,
}

/// `radius options calling-station-id-format { ... }`: the chosen values joined by
/// `delimiter` into Calling-Station-Id (NAS identifier, interface, MAC, in that order). All
/// false: the daemon sends the L2TP Calling Number form (`IF:MAC`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingStationIdFormat {
    pub agent_circuit_id: bool,
    pub agent_remote_id: bool,
    pub interface_description: bool,
    pub mac_address: bool,
    pub nas_identifier: bool,
    pub delimiter: String,
}

/// `radius options nas-port-id-format { ... }`: the chosen values joined by `delimiter` into
/// NAS-Port-Id in Junos' order (NAS identifier, interface, circuit ID, remote ID). All false:
/// the interface description alone, as Junos sends by default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NasPortIdFormat {
    pub nas_identifier: bool,
    pub interface_description: bool,
    /// `interface-text-description`: the access interface's configured description.
    #[serde(default)]
    pub interface_text_description: bool,
    pub agent_circuit_id: bool,
    pub agent_remote_id: bool,
    /// `order V …`: the values in this order instead (not mixed with the flags above).
    #[serde(default)]
    pub order: Vec<String>,
    pub delimiter: String,
}

/// `radius options interface-description-format { ... }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceDescriptionFormat {
    /// `exclude-adapter`: `ge-1/2/3` is described as `ge-1/3`.
    pub exclude_adapter: bool,
    /// `exclude-sub-interface`: `ge-1/2/3.100` is described as `ge-1/2/3`.
    pub exclude_sub_interface: bool,
}

/// `radius options accounting-session-id-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AcctSessionIdFormat {
    /// The session ID in decimal.
    #[default]
    Decimal,
    /// `jnpr INTERFACE:SESSION-ID`.
    Description,
}

/// `radius options client-authentication-algorithm` / `client-accounting-algorithm`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServerAlgorithm {
    /// The first live server of the list, the next ones only when it fails.
    #[default]
    Direct,
    /// Each request starts at the server after the one the previous request started at.
    RoundRobin,
}

/// `radius options { ... }`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiusOptions {
    /// NAS-Identifier (32); `None`: the host name is sent (our choice, as Junos does).
    pub nas_identifier: Option<String>,
    pub calling_station_id_format: CallingStationIdFormat,
    pub nas_port_id_format: NasPortIdFormat,
    pub interface_description_format: InterfaceDescriptionFormat,
    pub accounting_session_id_format: AcctSessionIdFormat,
    /// `ethernet-port-type-virtual`.
    pub ethernet_port_type_virtual: bool,
    /// `nas-port-type ethernet KEYWORD`: the port type's Junos name (`virtual`, `xdsl`…).
    pub nas_port_type_ethernet: Option<String>,
    pub client_authentication_algorithm: ServerAlgorithm,
    pub client_accounting_algorithm: ServerAlgorithm,
    /// Seconds; `None`: `access radius-options revert-interval` applies.
    pub revert_interval: Option<u32>,
    /// `chap-challenge-in-request-authenticator`.
    #[serde(default)]
    pub chap_challenge_in_authenticator: bool,
    #[serde(default)]
    pub overrides: RadiusOverride,
    /// `nas-port-extended-format { ... }`: NAS-Port (5) of Ethernet subscribers is sent,
    /// packed with these widths; `None`: no NAS-Port for them.
    #[serde(default)]
    pub nas_port_extended_format: Option<NasPortExtendedFormat>,
}

/// `nas-port-extended-format { ... }`: the bit width of each field of NAS-Port (0: the field
/// is left out). l2tpd's `subscriber::nas_port` says how the fields are packed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NasPortExtendedFormat {
    pub slot_width: u8,
    pub adapter_width: u8,
    pub port_width: u8,
    /// `stacked`: the S-VLAN field is included.
    pub stacked: bool,
    pub stacked_vlan_width: u8,
    pub vlan_width: u8,
    /// Counted against the 32 bits; its place in NAS-Port is not documented, so no
    /// aggregated Ethernet field is packed.
    pub ae_width: u8,
}

impl NasPortExtendedFormat {
    /// The bits all the configured fields take (Junos: at most 32, or the commit fails).
    pub fn total_width(&self) -> u32 {
        [
            self.slot_width,
            self.adapter_width,
            self.port_width,
            self.stacked_vlan_width,
            self.vlan_width,
            self.ae_width,
        ]
        .iter()
        .map(|w| u32::from(*w))
        .sum()
    }
}

/// `radius options override { ... }`: at the LNS, values the LAC conveyed instead of the
/// LNS's own. Only `nas-ip-address` has an effect here (the others warn at commit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiusOverride {
    /// `calling-station-id remote-circuit-id`.
    pub calling_station_id_remote_circuit_id: bool,
    /// `nas-ip-address tunnel-client-gateway-address`: NAS-IP-Address is the LAC's tunnel
    /// endpoint, or absent when that is not known.
    pub nas_ip_address_tunnel_client_gateway: bool,
    /// `nas-port tunnel-client-nas-port`.
    pub nas_port_tunnel_client: bool,
    /// `nas-port-type tunnel-client-nas-port-type`.
    pub nas_port_type_tunnel_client: bool,
}

/// `radius attributes ignore { ... }`: attributes of an Access-Accept not used. The filter
/// names (the dynamic profile's `"$junos-input-filter"` then has no value), the routing
/// instance (`logical-system:routing-instance`: the Virtual-Router VSA). Framed-IP-Netmask
/// is never used, so its flag is not read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiusIgnore {
    pub input_filter: bool,
    pub output_filter: bool,
    pub routing_instance: bool,
}

/// A message `radius attributes exclude` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RadiusMessage {
    AccessRequest,
    AccountingOff,
    AccountingOn,
    AccountingStart,
    AccountingStop,
}

/// `radius attributes exclude { ATTRIBUTE [ MESSAGE ... ]; }`: each attribute (Junos' name)
/// with the messages it is left out of, in configuration order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiusExclude {
    pub attributes: Vec<(String, Vec<RadiusMessage>)>,
}

impl RadiusExclude {
    /// The attributes (Junos' names) left out of `message`.
    pub fn from_message(&self, message: RadiusMessage) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .filter(move |(_, messages)| messages.contains(&message))
            .map(|(name, _)| name.as_str())
    }
}

/// `session-options { ... }`, in seconds (Junos writes minutes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionOptions {
    /// `client-idle-timeout`.
    pub idle_timeout: Option<u32>,
    /// `client-idle-timeout-ingress-only`: only what the subscriber sends is activity.
    pub idle_ingress_only: bool,
    /// `client-session-timeout`.
    pub session_timeout: Option<u32>,
    /// `strip-user-name { delimiter [ ... ]; parse-direction ...; }`: where the login name
    /// is cut (the delimiter and what follows it go). `None` without the statement or
    /// without a delimiter (then nothing is cut).
    #[serde(default)]
    pub strip_user_name: Option<DomainParsing>,
}

impl SessionOptions {
    /// `user` as `strip-user-name` modifies it: up to the first delimiter found in the parse
    /// direction (Junos: `drgt21@example.com$84` with `@$` is `drgt21` from the left,
    /// `drgt21@example.com` from the right); unchanged without a delimiter in it.
    pub fn stripped_user_name<'u>(&self, user: &'u str) -> &'u str {
        self.strip_user_name
            .as_ref()
            .and_then(|strip| strip.split(user))
            .map_or(user, |(kept, _)| kept)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountingStatistics {
    /// Session time only.
    Time,
    /// Octets and packets as well as time.
    VolumeTime,
}

/// `accounting { order radius; ... }`: RADIUS accounting is on for the profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountingOptions {
    /// Minutes between Interim-Updates; `None`: none are sent.
    pub update_interval: Option<u32>,
    pub statistics: AccountingStatistics,
    /// `accounting-stop-on-failure`.
    pub stop_on_failure: bool,
    /// `accounting-stop-on-access-deny`.
    pub stop_on_access_deny: bool,
    /// `immediate-update`: an Interim-Update once the Start is answered (or times out).
    pub immediate_update: bool,
    /// `coa-immediate-update`: an Interim-Update after each acknowledged CoA-Request.
    pub coa_immediate_update: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessProfile {
    pub authentication_order: Vec<AuthenticationMethod>,
    pub clients: BTreeMap<String, ProfileClient>,
    pub authentication_servers: Vec<Ipv4Addr>,
    pub accounting_servers: Vec<Ipv4Addr>,
    /// Servers defined inside the profile; they take precedence over `access radius-server`.
    pub radius_servers: BTreeMap<Ipv4Addr, RadiusServer>,
    pub radius_options: RadiusOptions,
    pub radius_ignore: RadiusIgnore,
    pub radius_exclude: RadiusExclude,
    pub session_options: SessionOptions,
    /// `Some` when `accounting order` lists `radius` (Junos: that is what turns RADIUS
    /// accounting on); the other `accounting` statements alone do nothing (a commit warning).
    pub accounting: Option<AccountingOptions>,
    /// `domain-name-server` and `domain-name-server-inet`, in the order written.
    pub name_servers: Vec<Ipv4Addr>,
}

/// Junos' names for the client that takes any LAC no other client names, in the order they
/// are tried: MX documentation writes `default`, M-series `*`.
pub const DEFAULT_CLIENTS: [&str; 2] = ["default", "*"];

impl AccessProfile {
    /// The client entry for the peer (LAC) called `host_name`: its own, else the default
    /// client (`default`, then `*`).
    pub fn tunnel_client(&self, host_name: &str) -> Option<&ProfileClient> {
        self.clients
            .get(host_name)
            .or_else(|| DEFAULT_CLIENTS.iter().find_map(|d| self.clients.get(*d)))
    }

    /// The settings of the server at `address` for this profile: the profile's own
    /// `radius-server` entry, else `[edit access radius-server]` (Junos' precedence).
    pub fn radius_server<'a>(
        &'a self,
        config: &'a super::RouterConfig,
        address: Ipv4Addr,
    ) -> Option<&'a RadiusServer> {
        self.radius_servers
            .get(&address)
            .or_else(|| config.radius_servers.get(&address))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressRange {
    pub low: Ipv4Addr,
    pub high: Ipv4Addr,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressPool {
    /// `family inet network` (mandatory, so present in a checked tree).
    pub network: Option<Ipv4Prefix>,
    pub ranges: BTreeMap<String, AddressRange>,
    /// `family inet dhcp-attributes name-server`: the first two are the subscribers' primary
    /// and secondary DNS (IPCP options 129 and 131).
    pub name_servers: Vec<Ipv4Addr>,
    /// `family inet dhcp-attributes wins-server`: the first two are the subscribers' primary
    /// and secondary NetBIOS name servers (IPCP options 130 and 132).
    pub wins_servers: Vec<Ipv4Addr>,
    /// `family inet excluded-address` and `excluded-range`: never handed out.
    #[serde(default)]
    pub excluded: BTreeMap<String, AddressRange>,
    /// `link`: the pool tried when this one has no free address.
    #[serde(default)]
    pub link: Option<String>,
    /// `hold-down` or `active-drain`: no new address is given from the pool; its
    /// subscribers keep theirs.
    #[serde(default)]
    pub hold_down: bool,
}

/// `[edit access address-assignment]` `high-utilization` and `abated-utilization`: the use
/// (percent) of a pool above which an alarm is raised, and below which it clears.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolUtilization {
    pub high: Option<u8>,
    pub abated: Option<u8>,
}

/// `[edit access address-assignment] linked-pool-aggregation` and `[edit access
/// address-protection]`: how addresses are searched and defended across pools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressPolicy {
    /// `linked-pool-aggregation`: linked pools are searched from each one's next address
    /// first (Junos' noncontiguous allocation), rather than each whole in turn.
    pub linked_pool_aggregation: bool,
    /// `address-protection reassign-on-match`: the holder of an address outside every pool
    /// that RADIUS gives another subscriber is logged out (the newcomer is still refused).
    pub reassign_on_match: bool,
}

/// `[edit access domain]` `delimiter` and `parse-direction`: how a user name splits into
/// user and domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainParsing {
    /// Any of these characters separates user and domain (Junos: `@` unless configured).
    pub delimiters: String,
    pub direction: ParseDirection,
}

impl Default for DomainParsing {
    fn default() -> Self {
        DomainParsing {
            delimiters: "@".into(),
            direction: ParseDirection::RightToLeft,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParseDirection {
    LeftToRight,
    RightToLeft,
}

impl DomainParsing {
    /// `user` split at its delimiter as the parse direction finds it: (user, domain).
    /// `None` when the name holds no delimiter. Junos: from the right the domain follows the
    /// last delimiter, from the left the first (`a@b@c` → `c`, or `b@c`).
    pub fn split<'u>(&self, user: &'u str) -> Option<(&'u str, &'u str)> {
        let is_delimiter = |c: char| self.delimiters.contains(c);
        let at = match self.direction {
            ParseDirection::RightToLeft => user.rfind(is_delimiter)?,
            ParseDirection::LeftToRight => user.find(is_delimiter)?,
        };
        let width = user[at..].chars().next().map_or(1, char::len_utf8);
        Some((&user[..at], &user[at + width..]))
    }
}

impl AddressPool {
    /// The most addresses one pool's ranges may count: the allocator keeps a bit per address,
    /// so this is 2 MiB; a bigger pool is surely a typing error (a /8 is 16.7 million
    /// subscribers).
    pub const MAX_ADDRESSES: u64 = 1 << 24;

    /// The sum of the ranges' sizes (overlaps counted twice; a reversed range counts one).
    pub fn range_sizes(&self) -> u64 {
        self.ranges
            .values()
            .map(|r| u64::from(u32::from(r.high)).saturating_sub(u64::from(u32::from(r.low))) + 1)
            .sum()
    }

    /// The addresses of `network` a subscriber or the router may hold: all but the network
    /// and broadcast addresses, except in a /31 or /32 (RFC 3021) where there are none.
    pub fn host_addresses(&self) -> Option<(Ipv4Addr, Ipv4Addr)> {
        let network = self.network?;
        let (low, high) = (u32::from(network.network()), u32::from(network.broadcast()));
        Some(if network.len >= 31 {
            (low.into(), high.into())
        } else {
            ((low + 1).into(), (high - 1).into())
        })
    }

    /// The router's own address in the pool (its IPCP address, the service interface's
    /// address): the lowest host address of `network` outside every range, so that it is
    /// never handed out and needs no statement of its own (typically `.1`).
    pub fn gateway(&self) -> Option<Ipv4Addr> {
        let (low, high) = self.host_addresses()?;
        let mut ranges: Vec<(u32, u32)> = self
            .ranges
            .values()
            .map(|r| (u32::from(r.low), u32::from(r.high)))
            .collect();
        ranges.sort_unstable();
        let mut candidate = u32::from(low);
        for (range_low, range_high) in ranges {
            if range_low > candidate {
                break;
            }
            if range_high >= candidate {
                candidate = range_high.checked_add(1)?;
            }
        }
        (candidate <= u32::from(high)).then(|| candidate.into())
    }
}

fn gateway(g: View<'_>) -> Gateway {
    Gateway {
        address: g.address("address"),
        gateway_name: g.string("gateway-name"),
    }
}

fn profile_tunnel(t: View<'_>) -> ProfileTunnel {
    ProfileTunnel {
        identification: t.string("identification"),
        logical_system: t.string("logical-system"),
        max_sessions: t.uint("max-sessions"),
        medium: t.keyword("medium").unwrap_or(TunnelMedium::Ipv4),
        preference: t.number("preference"),
        remote_gateway: gateway(t.container("remote-gateway")),
        routing_instance: t.string("routing-instance"),
        secret: t.secret("secret"),
        source_gateway: gateway(t.container("source-gateway")),
        tunnel_type: t.keyword("type").unwrap_or(TunnelType::L2tp),
    }
}

/// What the previous commit read of one list: the container that held it, and its values.
pub(super) type Previous<'a, T> = Option<(Option<&'a Node>, &'a BTreeMap<String, T>)>;

/// The entries `keyword NAME` below `parent`, each read with `read`, or, where `previous`
/// holds the entry by the same pointer, its previous value. The previous map is copied
/// whole and only the changed entries are read and put in: a copy in key order costs far
/// less than a lookup by name per entry in a map of 20,000 (each a chain of cache misses).
/// When entries were deleted (the copy then holds more than the tree), the map is read
/// again whole.
fn entries_since<'a, T: Clone>(
    parent: View<'a>,
    keyword: &'a str,
    previous: Previous<'a, T>,
    read: impl Fn(View<'a>) -> T,
) -> BTreeMap<String, T> {
    let Some((before, values)) = previous else {
        return all_entries(parent, keyword, &read);
    };
    let mut map = values.clone();
    let mut count = 0;
    for (name, entry, unchanged) in parent.entries_since(keyword, before) {
        count += 1;
        if !unchanged {
            map.insert(name.to_string(), read(entry));
        }
    }
    if map.len() == count {
        map
    } else {
        all_entries(parent, keyword, &read)
    }
}

/// Sorted as (name, view) pairs before any entry is read: collecting the read entries (a
/// domain map is 200 octets) in the tree's order made `BTreeMap` sort them by moving them,
/// a pass over all of them per merge level, which missed the cache more per entry the longer
/// the list (docs/performance.md, stage h91). Read in key order, the collect finds them sorted.
fn all_entries<'a, T>(
    parent: View<'a>,
    keyword: &'a str,
    read: &impl Fn(View<'a>) -> T,
) -> BTreeMap<String, T> {
    let mut views: Vec<(&str, View<'a>)> = parent.entries(keyword).collect();
    // Names are unique among a container's entries of one keyword: no order to keep.
    views.sort_unstable_by_key(|&(name, _)| name);
    views
        .into_iter()
        .map(|(name, entry)| (name.to_string(), read(entry)))
        .collect()
}

pub(super) fn tunnel_profiles(
    access: View<'_>,
    previous: Previous<'_, TunnelProfile>,
) -> BTreeMap<String, TunnelProfile> {
    entries_since(access, "tunnel-profile", previous, |p| {
        let tunnels = p
            .entries("tunnel")
            .filter_map(|(id, t)| Some((id.parse::<u8>().ok()?, Box::new(profile_tunnel(t)))))
            .collect();
        TunnelProfile { tunnels }
    })
}

pub(super) fn tunnel_switch_profiles(access: View<'_>) -> BTreeMap<String, TunnelSwitchProfile> {
    access
        .entries("tunnel-switch-profile")
        .map(|(name, p)| {
            let avp = p.container("avp");
            let action = |name: &str| avp.keyword(name).unwrap_or(AvpAction::Relay);
            let profile = TunnelSwitchProfile {
                avp: TunnelSwitchAvps {
                    bearer_type: action("bearer-type"),
                    calling_number: action("calling-number"),
                    cisco_nas_port_info: action("cisco-nas-port-info"),
                },
                tunnel_profile: p.string("tunnel-profile"),
            };
            (name.to_string(), profile)
        })
        .collect()
}

pub(super) fn domain_maps(
    access: View<'_>,
    previous: Previous<'_, DomainMap>,
) -> BTreeMap<String, DomainMap> {
    entries_since(access.container("domain"), "map", previous, |m| DomainMap {
        aaa_routing_instance: m.string("aaa-routing-instance"),
        access_profile: m.string("access-profile"),
        address_pool: m.string("address-pool"),
        dynamic_profile: m.string("dynamic-profile"),
        strip_domain: m.flag("strip-domain"),
        target_routing_instance: m.string("target-routing-instance"),
        tunnel_profile: m.string("tunnel-profile"),
        tunnel_switch_profile: m.string("tunnel-switch-profile"),
    })
}

/// A client over its group profile: a statement the client writes wins, else the group's.
struct Layered<'a> {
    own: View<'a>,
    group: Option<View<'a>>,
}

impl<'a> Layered<'a> {
    fn container(&self, name: &str) -> Layered<'a> {
        Layered {
            own: self.own.container(name),
            group: self.group.as_ref().map(|g| g.container(name)),
        }
    }

    /// The view that holds `name`: the client's if it writes it, else the group's if that
    /// does, else the client's (for its default).
    fn holder(&self, name: &str) -> &View<'a> {
        match &self.group {
            Some(group) if !self.own.has(name) && group.has(name) => group,
            _ => &self.own,
        }
    }

    fn string(&self, name: &str) -> Option<String> {
        self.holder(name).string(name)
    }

    fn uint<T: TryFrom<u64>>(&self, name: &str) -> Option<T> {
        self.holder(name).uint(name)
    }

    /// A number the client or its group writes (its default does not count).
    fn written<T: TryFrom<u64>>(&self, name: &str) -> Option<T> {
        let holder = self.holder(name);
        holder.has(name).then(|| holder.uint(name)).flatten()
    }

    fn address(&self, name: &str) -> Option<Ipv4Addr> {
        self.holder(name).address(name)
    }

    fn flag(&self, name: &str) -> bool {
        self.holder(name).flag(name)
    }
}

/// A group profile's `ppp` as a tunnel's users inherit it (no fixed address in a group).
fn group_ppp(group: View<'_>) -> PppClient {
    let ppp = group.container("ppp");
    PppClient {
        framed_ip_address: None,
        framed_pool: ppp.string("framed-pool"),
        interface_id: ppp.string("interface-id"),
        keepalive: ppp.uint("keepalive"),
        idle_timeout: ppp.uint("idle-timeout"),
        primary_dns: ppp.address("primary-dns"),
        secondary_dns: ppp.address("secondary-dns"),
        primary_wins: ppp.address("primary-wins"),
        secondary_wins: ppp.address("secondary-wins"),
        ppp_options: [
            ("chap", PppAuthentication::Chap),
            ("pap", PppAuthentication::Pap),
        ]
        .into_iter()
        .filter(|(word, _)| ppp.container("ppp-options").flag(word))
        .map(|(_, auth)| auth)
        .collect(),
    }
}

fn client(c: View<'_>, access: View<'_>) -> ProfileClient {
    let group = |statement: &str| {
        c.value(statement)
            .and_then(|name| access.entries("group-profile").find(|(n, _)| *n == name))
            .map(|(_, g)| g)
    };
    let layered = Layered {
        own: c,
        group: group("group-profile"),
    };
    let l2tp = layered.container("l2tp");
    let multilink = c.container("l2tp").container("multilink");
    let own_l2tp = c.container("l2tp");
    let ppp = layered.container("ppp");
    ProfileClient {
        chap_secret: c.secret("chap-secret"),
        pap_password: c.secret("pap-password"),
        aaa_access_profile: own_l2tp.string("aaa-access-profile"),
        user_group: group("user-group-profile").map(group_ppp),
        l2tp: L2tpClient {
            interface_id: l2tp.string("interface-id"),
            lcp_renegotiation: l2tp.flag("lcp-renegotiation"),
            local_chap: l2tp.flag("local-chap"),
            maximum_sessions_per_tunnel: l2tp.uint("maximum-sessions-per-tunnel"),
            multilink_drop_timeout: multilink.uint("drop-timeout"),
            multilink_fragment_threshold: multilink.uint("fragment-threshold"),
            ppp_authentication: own_l2tp.keyword("ppp-authentication"),
            ppp_profile: own_l2tp.string("ppp-profile"),
            shared_secret: own_l2tp.secret("shared-secret"),
        },
        ppp: PppClient {
            framed_ip_address: ppp.address("framed-ip-address"),
            framed_pool: ppp.string("framed-pool"),
            interface_id: ppp.string("interface-id"),
            keepalive: ppp.written("keepalive"),
            idle_timeout: ppp.written("idle-timeout"),
            primary_dns: ppp.address("primary-dns"),
            secondary_dns: ppp.address("secondary-dns"),
            primary_wins: ppp.address("primary-wins"),
            secondary_wins: ppp.address("secondary-wins"),
            ppp_options: Vec::new(),
        },
    }
}

fn radius_server(s: View<'_>) -> RadiusServer {
    RadiusServer {
        port: s.number("port"),
        accounting_port: s.number("accounting-port"),
        retry: s.number("retry"),
        timeout: s.number("timeout"),
        accounting_retry: s.uint("accounting-retry"),
        accounting_timeout: s.uint("accounting-timeout"),
        routing_instance: s.string("routing-instance"),
        secret: s.secret("secret"),
        source_address: s.address("source-address"),
        max_outstanding_requests: s.number("max-outstanding-requests"),
        require_message_authenticator: s.value("message-authenticator") != Some("optional"),
    }
}

fn radius_options(options: View<'_>) -> RadiusOptions {
    let format = options.container("calling-station-id-format");
    let port_id = options.container("nas-port-id-format");
    let description = options.container("interface-description-format");
    RadiusOptions {
        nas_identifier: options.string("nas-identifier"),
        calling_station_id_format: CallingStationIdFormat {
            agent_circuit_id: format.flag("agent-circuit-id"),
            agent_remote_id: format.flag("agent-remote-id"),
            interface_description: format.flag("interface-description"),
            mac_address: format.flag("mac-address"),
            nas_identifier: format.flag("nas-identifier"),
            delimiter: options
                .string("calling-station-id-delimiter")
                .unwrap_or_default(),
        },
        nas_port_id_format: NasPortIdFormat {
            nas_identifier: port_id.flag("nas-identifier"),
            interface_description: port_id.flag("interface-description"),
            interface_text_description: port_id.flag("interface-text-description"),
            agent_circuit_id: port_id.flag("agent-circuit-id"),
            agent_remote_id: port_id.flag("agent-remote-id"),
            order: port_id.values("order"),
            delimiter: options.string("nas-port-id-delimiter").unwrap_or_default(),
        },
        interface_description_format: InterfaceDescriptionFormat {
            exclude_adapter: description.flag("exclude-adapter"),
            exclude_sub_interface: description.flag("exclude-sub-interface"),
        },
        accounting_session_id_format: options
            .keyword("accounting-session-id-format")
            .unwrap_or_default(),
        ethernet_port_type_virtual: options.flag("ethernet-port-type-virtual"),
        nas_port_type_ethernet: options
            .container("nas-port-type")
            .container("ethernet")
            .flags()
            .into_iter()
            .next(),
        client_authentication_algorithm: options
            .keyword("client-authentication-algorithm")
            .unwrap_or_default(),
        client_accounting_algorithm: options
            .keyword("client-accounting-algorithm")
            .unwrap_or_default(),
        revert_interval: options.uint("revert-interval"),
        chap_challenge_in_authenticator: options.flag("chap-challenge-in-request-authenticator"),
        overrides: radius_override(options.container("override")),
        nas_port_extended_format: nas_port_extended_format(
            options.container("nas-port-extended-format"),
        ),
    }
}

fn nas_port_extended_format(format: View<'_>) -> Option<NasPortExtendedFormat> {
    format.present().then(|| NasPortExtendedFormat {
        slot_width: format.number("slot-width"),
        adapter_width: format.number("adapter-width"),
        port_width: format.number("port-width"),
        stacked: format.flag("stacked"),
        stacked_vlan_width: format.number("stacked-vlan-width"),
        vlan_width: format.number("vlan-width"),
        ae_width: format.number("ae-width"),
    })
}

fn radius_override(overrides: View<'_>) -> RadiusOverride {
    RadiusOverride {
        calling_station_id_remote_circuit_id: overrides.value("calling-station-id").is_some(),
        nas_ip_address_tunnel_client_gateway: overrides.value("nas-ip-address").is_some(),
        nas_port_tunnel_client: overrides.value("nas-port").is_some(),
        nas_port_type_tunnel_client: overrides.value("nas-port-type").is_some(),
    }
}

fn radius_ignore(ignore: View<'_>) -> RadiusIgnore {
    RadiusIgnore {
        input_filter: ignore.flag("input-filter"),
        output_filter: ignore.flag("output-filter"),
        routing_instance: ignore.flag("logical-system:routing-instance"),
    }
}

fn radius_exclude(exclude: View<'_>) -> RadiusExclude {
    RadiusExclude {
        attributes: exclude
            .flags()
            .into_iter()
            .map(|name| {
                let messages = exclude.values(&name);
                (name, messages.iter().filter_map(|m| keyword(m)).collect())
            })
            .collect(),
    }
}

fn session_options(options: View<'_>) -> SessionOptions {
    let seconds = |name: &str| options.uint::<u32>(name).map(|m| m.saturating_mul(60));
    SessionOptions {
        idle_timeout: seconds("client-idle-timeout"),
        idle_ingress_only: options.flag("client-idle-timeout-ingress-only"),
        session_timeout: seconds("client-session-timeout"),
        strip_user_name: strip_user_name(options.container("strip-user-name")),
    }
}

/// `strip-user-name`: its delimiters (one character each) and direction, Junos' default
/// left-to-right; `None` when no delimiter is configured.
fn strip_user_name(strip: View<'_>) -> Option<DomainParsing> {
    let delimiters: String = strip.values("delimiter").concat();
    (!delimiters.is_empty()).then(|| DomainParsing {
        delimiters,
        direction: strip
            .keyword("parse-direction")
            .unwrap_or(ParseDirection::LeftToRight),
    })
}

/// `accounting { order radius; }` or the profile's `accounting-order radius` turns it on.
fn accounting(a: View<'_>, profile: View<'_>) -> Option<AccountingOptions> {
    let on = |order: Vec<String>| order.iter().any(|m| m == "radius");
    if !on(a.values("order")) && !on(profile.values("accounting-order")) {
        return None;
    }
    Some(AccountingOptions {
        update_interval: a.uint("update-interval"),
        statistics: a
            .keyword("statistics")
            .unwrap_or(AccountingStatistics::VolumeTime),
        stop_on_failure: a.flag("accounting-stop-on-failure"),
        stop_on_access_deny: a.flag("accounting-stop-on-access-deny"),
        immediate_update: a.flag("immediate-update"),
        coa_immediate_update: a.flag("coa-immediate-update"),
    })
}

/// `[edit access radius-disconnect]`: the clients allowed to send Disconnect and CoA
/// requests, with their secrets (mandatory, so present in a checked tree).
pub(super) fn radius_disconnect(access: View<'_>) -> BTreeMap<Ipv4Addr, Option<Secret>> {
    access
        .entries("radius-disconnect")
        .filter_map(|(address, c)| Some((address.parse().ok()?, c.secret("secret"))))
        .collect()
}

/// The `radius-server` entries below `level` (the `access` level or one profile).
fn radius_server_list(level: View<'_>) -> BTreeMap<Ipv4Addr, RadiusServer> {
    level
        .entries("radius-server")
        .filter_map(|(address, s)| Some((address.parse().ok()?, radius_server(s))))
        .collect()
}

pub(super) fn radius_servers(access: View<'_>) -> BTreeMap<Ipv4Addr, RadiusServer> {
    radius_server_list(access)
}

/// The IPv4 name servers of `[edit access]` or of an access profile: `domain-name-server`
/// (Junos' older statement) then `domain-name-server-inet`.
pub(super) fn name_servers(level: View<'_>) -> Vec<Ipv4Addr> {
    ["domain-name-server", "domain-name-server-inet"]
        .into_iter()
        .flat_map(|statement| level.entries(statement))
        .filter_map(|(address, _)| address.parse().ok())
        .collect()
}

fn addresses(words: Vec<String>) -> Vec<Ipv4Addr> {
    words.iter().filter_map(|w| w.parse().ok()).collect()
}

pub(super) fn access_profiles(access: View<'_>) -> BTreeMap<String, AccessProfile> {
    access
        .entries("profile")
        .map(|(name, p)| {
            let radius = p.container("radius");
            let profile = AccessProfile {
                authentication_order: p
                    .values("authentication-order")
                    .iter()
                    .filter_map(|w| keyword(w))
                    .collect(),
                clients: p
                    .entries("client")
                    .map(|(name, c)| (name.to_string(), client(c, access)))
                    .collect(),
                authentication_servers: addresses(radius.values("authentication-server")),
                accounting_servers: addresses(radius.values("accounting-server")),
                radius_servers: radius_server_list(p),
                radius_options: radius_options(radius.container("options")),
                radius_ignore: radius_ignore(radius.container("attributes").container("ignore")),
                radius_exclude: radius_exclude(radius.container("attributes").container("exclude")),
                session_options: session_options(p.container("session-options")),
                accounting: accounting(p.container("accounting"), p),
                name_servers: name_servers(p),
            };
            (name.to_string(), profile)
        })
        .collect()
}

pub(super) fn address_pools(access: View<'_>) -> BTreeMap<String, AddressPool> {
    access
        .container("address-assignment")
        .entries("pool")
        .map(|(name, p)| {
            let inet = p.container("family").container("inet");
            let pool = AddressPool {
                network: inet.value("network").and_then(Ipv4Prefix::parse),
                ranges: inet
                    .entries("range")
                    .filter_map(|(name, r)| {
                        Some((
                            name.to_string(),
                            AddressRange {
                                low: r.address("low")?,
                                high: r.address("high")?,
                            },
                        ))
                    })
                    .collect(),
                name_servers: addresses(inet.container("dhcp-attributes").values("name-server")),
                wins_servers: addresses(inet.container("dhcp-attributes").values("wins-server")),
                excluded: excluded_addresses(inet),
                link: p.string("link"),
                hold_down: p.flag("hold-down") || p.flag("active-drain"),
            };
            (name.to_string(), pool)
        })
        .collect()
}

/// A pool's `excluded-address`es (each a range of one) and `excluded-range`s, keyed by the
/// statement as the operator wrote it (`excluded-range X1`), which commit errors name.
fn excluded_addresses(inet: View<'_>) -> BTreeMap<String, AddressRange> {
    let single = inet.entries("excluded-address").filter_map(|(address, _)| {
        let address: Ipv4Addr = address.parse().ok()?;
        Some((
            format!("excluded-address {address}"),
            AddressRange {
                low: address,
                high: address,
            },
        ))
    });
    let ranges = inet.entries("excluded-range").filter_map(|(name, r)| {
        Some((
            format!("excluded-range {name}"),
            AddressRange {
                low: r.address("low")?,
                high: r.address("high")?,
            },
        ))
    });
    single.chain(ranges).collect()
}

/// `[edit access address-assignment]` `high-utilization` / `abated-utilization`.
pub(super) fn pool_utilization(access: View<'_>) -> PoolUtilization {
    let assignment = access.container("address-assignment");
    PoolUtilization {
        high: assignment.uint("high-utilization"),
        abated: assignment.uint("abated-utilization"),
    }
}

/// `linked-pool-aggregation` and `address-protection reassign-on-match`.
pub(super) fn address_policy(access: View<'_>) -> AddressPolicy {
    AddressPolicy {
        linked_pool_aggregation: access
            .container("address-assignment")
            .flag("linked-pool-aggregation"),
        reassign_on_match: access
            .container("address-protection")
            .flag("reassign-on-match"),
    }
}

/// `[edit access domain]` `delimiter` / `parse-direction` (Junos' defaults: `@`, from the
/// right).
pub(super) fn domain_parsing(access: View<'_>) -> DomainParsing {
    let domain = access.container("domain");
    let defaults = DomainParsing::default();
    DomainParsing {
        delimiters: domain
            .string("delimiter")
            .filter(|d| !d.is_empty())
            .unwrap_or(defaults.delimiters),
        direction: domain
            .keyword("parse-direction")
            .unwrap_or(defaults.direction),
    }
}

/// `[edit access terminate-code]`: each remap under its protocol, AAA's reasons with their
/// `deny` or `shutdown` word (`shutdown idle-timeout`).
pub(super) fn terminate_codes(access: View<'_>) -> TerminateCodes {
    use crate::terminate_code::Protocol;
    let codes = access.container("terminate-code");
    let aaa = codes.container("aaa");
    let mut remaps = TerminateCodes::default();
    let aaa_entries = ["deny", "shutdown"].into_iter().flat_map(|group| {
        aaa.entries(group)
            .map(move |(reason, entry)| (Protocol::Aaa, format!("{group} {reason}"), entry))
    });
    let others = [Protocol::Dhcp, Protocol::L2tp, Protocol::Ppp]
        .into_iter()
        .flat_map(|protocol| {
            codes
                .entries(protocol.keyword())
                .map(move |(reason, entry)| (protocol, reason.to_string(), entry))
        });
    for (protocol, reason, entry) in aaa_entries.chain(others) {
        if let Some(code) = entry.uint("radius") {
            remaps.remap(protocol, reason, code);
        }
    }
    remaps
}
