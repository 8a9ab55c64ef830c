//! PPP (RFC 1661) for both roles: the server side of the LAC/LNS and the client side of the
//! subscriber emulator. Sans-IO: fed frames and a clock, returning frames to send and events.

pub mod chap;
pub mod client_link;
pub mod fsm;
pub mod ipcp;
pub mod lcp;
pub mod link;
pub mod pap;
pub mod server_link;
pub mod wire;
