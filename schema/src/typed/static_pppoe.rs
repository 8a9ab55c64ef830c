//! A static PPPoE subscriber interface (Juniper, "Configuring a PPPoE Server Interface"):
//! `interfaces pp0 unit N { ppp-options; pppoe-options { underlying-interface IFL; server; }
//! keepalives; family inet { unnumbered-address IFL; } }`. Its `ppp-options` are read as a
//! dynamic profile's are ([`ppp_options`]), since Junos gives both the same statements.

use super::device::{ppp_mtu, PppoeMtu};
use super::view::View;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// `ppp-options` of a subscriber interface, static or from a dynamic profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PppOptions {
    /// `authentication [ … ]` in order, else `chap` and `pap` as flagged; empty: not said.
    pub authentication: Vec<String>,
    /// `mru N`: the MRU the subscriber's LCP asks for.
    pub mru: Option<u16>,
    /// `mtu (N | use-lower-layer)`: the PPP MTU of the subscriber's interface.
    pub mtu: Option<PppoeMtu>,
    /// `ipcp-suggest-dns-option`: IPCP offers DNS servers to a client that does not ask.
    pub ipcp_suggest_dns: bool,
    /// `chap { challenge-length minimum N maximum M; }`: the CHAP challenge's length, in
    /// octets, chosen in this range for each challenge.
    #[serde(default)]
    pub chap_challenge_length: Option<(u8, u8)>,
}

pub(super) fn ppp_options(ppp: View<'_>) -> PppOptions {
    let listed = ppp.values("authentication");
    let authentication = if listed.is_empty() {
        ["chap", "pap"]
            .into_iter()
            .filter(|p| ppp.flag(p))
            .map(str::to_string)
            .collect()
    } else {
        listed
    };
    PppOptions {
        authentication,
        mru: ppp.uint("mru"),
        mtu: ppp.string("mtu").as_deref().and_then(ppp_mtu),
        ipcp_suggest_dns: ppp.flag("ipcp-suggest-dns-option"),
        chap_challenge_length: chap_challenge_length(ppp),
    }
}

/// `chap { challenge-length minimum N maximum M; }` as (N, M), when both are given.
fn chap_challenge_length(ppp: View<'_>) -> Option<(u8, u8)> {
    let length = ppp.container("chap").container("challenge-length");
    Some((length.uint("minimum")?, length.uint("maximum")?))
}

/// What a static `pp0` unit says of its subscriber; `None` on a unit without
/// `pppoe-options` (the commit requires it on pp0 and refuses it elsewhere).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticPppoe {
    /// `underlying-interface`, as written (`ge-0/0/1.100`; the commit checks it exists).
    pub underlying_interface: String,
    /// `server`: the router is the session's access concentrator (the commit requires it).
    pub server: bool,
    pub ppp: PppOptions,
    /// `keepalives interval S`: the PPP echo interval.
    pub keepalive_interval: Option<u16>,
    /// `keepalives down-count N`: Echo-Requests left unanswered before the session is
    /// declared down (Junos' default, 3, when not said).
    pub keepalive_down_count: Option<u8>,
    /// `family inet unnumbered-address IFL <preferred-source-address A>`.
    pub unnumbered_address: Option<String>,
    pub preferred_source_address: Option<Ipv4Addr>,
    /// `unnumbered-address IFL destination A`: the address the unit's subscriber is given in
    /// IPCP, unless RADIUS or its client entry names one.
    pub destination: Option<Ipv4Addr>,
}

impl StaticPppoe {
    /// The underlying interface as `IFD.UNIT` (Junos' `ge-0/0/1` is its unit 0).
    pub fn underlying_unit(&self) -> String {
        let name = &self.underlying_interface;
        if name.contains('.') {
            name.clone()
        } else {
            format!("{name}.0")
        }
    }
}

pub(super) fn static_pppoe(u: View<'_>) -> Option<StaticPppoe> {
    let pppoe = u.container("pppoe-options");
    let unnumbered = u
        .container("family")
        .container("inet")
        .container("unnumbered-address");
    Some(StaticPppoe {
        underlying_interface: pppoe.string("underlying-interface")?,
        server: pppoe.flag("server"),
        ppp: ppp_options(u.container("ppp-options")),
        keepalive_interval: u.container("keepalives").uint("interval"),
        keepalive_down_count: u.container("keepalives").uint("down-count"),
        unnumbered_address: unnumbered.string("interface-name"),
        preferred_source_address: unnumbered.address("preferred-source-address"),
        destination: unnumbered.address("destination"),
    })
}
