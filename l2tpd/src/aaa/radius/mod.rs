//! The RADIUS wire format: packets, attributes (tagged ones and vendor-specific ones), the
//! authenticators and the hidden passwords. Our own codec: the `radius` crate mis-encodes
//! tagged attributes (dependencies.md).

pub mod attribute;
pub mod authenticator;
pub mod dictionary;
pub mod framed_route;
pub mod packet;
pub mod password;
pub mod tunnel;

pub use attribute::{AttrKind, Attribute};
pub use authenticator::{verify_request, verify_response, VerifyError};
pub use dictionary::{attr, attribute_name, code, code_name, dsl_forum, erx};
pub use framed_route::{parse_framed_route, FramedRoute, FramedRouteError};
pub use packet::{DecodeError, EncodeError, Packet};
pub use password::{
    chap_password, decrypt_tunnel_password, encrypt_tunnel_password, hide_user_password,
    unhide_user_password, PasswordError, MAX_USER_PASSWORD,
};
pub use tunnel::{tunnel_attributes, RadiusTunnel, TunnelAttributes};

#[cfg(test)]
#[path = "codec_tests.rs"]
mod codec_tests;
#[cfg(test)]
#[path = "tunnel_tests.rs"]
mod tunnel_tests;
