//! AAA: the RADIUS codec and client (RFC 2865, 2866, 2868, 2869, 3579, 5176). Sans-IO, like
//! the protocol cores: the engine owns the sockets and the clock.

pub mod client;
pub mod dynamic_authorization;
pub mod nas_address;
pub mod radius;
pub mod server_order;
