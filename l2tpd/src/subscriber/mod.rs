//! Subscribers: one object per subscriber with its access leg (a PPPoE session, an L2TP
//! session at the LNS, or a test call: `test_call`), its PPP, its
//! authentication result and its forward leg (an L2TP session at the LAC). The LAC sequence of
//! the product document is written here, once (`lac`):
//!
//! 1. PPPoE discovery grants a session (`pppoe_access`); LCP starts with the client.
//! 2. LCP opens (proxy LCP) and the client authenticates (proxy authentication): the LAC
//!    collects the PAP password or the CHAP challenge and response without checking them;
//!    the LNS checks them and answers the client.
//! 3. RADIUS authenticates when the subscriber's access profile lists it (`aaa`,
//!    `aaa_flow`), and its tunnel attributes override the profile (`radius_tunnels`); the
//!    domain map decides (`decision`): tunnel through a tunnel profile, terminate, or refuse.
//! 4. The registry selects a destination and tunnel and opens the session; its ICRQ/ICCN carry
//!    proxy LCP and proxy authentication (`proxy`).
//! 5. PPP frames are relayed PPPoE ↔ L2TP unchanged until PADT, link loss, LCP Terminate,
//!    a CDN or StopCCN from the LNS, or an operator clear ends the subscriber on both sides.
//!
//! Sans-IO like the protocol cores: frames, registry events and time in; frames out.

pub mod aaa;
mod aaa_flow;
mod aaa_views;
pub mod access_routes;
pub mod accounting;
mod accounting_flow;
pub mod address_pool;
pub mod auto_vlan;
pub mod batch;
mod batch_ppp;
mod chap_challenge;
pub mod decision;
mod dynamic_auth;
pub mod dynamic_profile;
pub mod echo;
mod filters;
mod framed_routes;
pub mod if_index_pool;
mod interface_mib;
mod interface_text;
mod interface_views;
mod lac;
mod lns;
pub mod lns_units;
pub mod local_auth;
mod nas_port;
pub mod ppp_sizes;
mod ppp_views;
pub mod pppoe_access;
mod pppoe_trace;
mod profile_flow;
pub mod proxy;
mod radius_exclude;
pub mod radius_options;
mod radius_override;
pub mod radius_tunnels;
pub mod route_view;
pub mod routing_instance;
mod session_limits;
pub mod static_pppoe;
pub mod table;
pub mod terminate_reason;
mod termination;
pub mod test_call;
mod test_call_proxy;
mod views;
pub mod vlan;
pub mod vlan_auth;

pub use lac::SubscriberLayer;
pub use lns::SERVICE_MTU;
pub use termination::{IpDrops, LnsState, LOCAL_SERVICE_INTERFACE};
