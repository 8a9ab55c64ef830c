//! Framed-Route (RFC 2865 §5.22): "a route to be configured on the NAS for this user", as
//! text: a destination prefix in dotted-quad form with an optional `/length`, then a gateway
//! and one or more metrics, separated by spaces (`198.18.60.0/24 0.0.0.0 1`). Servers also
//! send the older `NETWORK MASK ...` form (Cisco's, and FreeRADIUS's examples show both):
//! a dotted mask as the second word is taken as the length when there is no `/length`.
//!
//! The route always goes to the subscriber's session: a gateway of 0.0.0.0 or the
//! subscriber's own address says exactly that, and any other gateway would be behind the
//! subscriber anyway. The metric is kept for the view.

use std::net::Ipv4Addr;

use crate::io::prefix_table::Prefix;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramedRoute {
    pub prefix: Prefix,
    /// The gateway the route names; `None` for `0.0.0.0` or none: the subscriber itself.
    pub gateway: Option<Ipv4Addr>,
    pub metric: Option<u32>,
}

/// Why a Framed-Route was not taken (the subscriber's detail lists it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramedRouteError {
    #[error("not text")]
    NotText,
    #[error("no destination")]
    Empty,
    #[error("destination {0:?} is not an IPv4 address")]
    BadDestination(String),
    #[error("prefix length {0:?} is not 0..32")]
    BadLength(String),
    #[error("{0}: host bits set beyond the prefix length")]
    HostBits(String),
}

/// Reads one Framed-Route value.
pub fn parse_framed_route(value: &[u8]) -> Result<FramedRoute, FramedRouteError> {
    let text = std::str::from_utf8(value).map_err(|_| FramedRouteError::NotText)?;
    let mut words = text.split_ascii_whitespace();
    let destination = words.next().ok_or(FramedRouteError::Empty)?;
    let rest: Vec<&str> = words.collect();
    let (address, length, rest) = match destination.split_once('/') {
        Some((address, length)) => {
            let length: u8 = length
                .parse()
                .ok()
                .filter(|l| *l <= 32)
                .ok_or_else(|| FramedRouteError::BadLength(length.to_string()))?;
            (address, length, rest.as_slice())
        }
        None => match rest.first().and_then(|w| mask_length(w)) {
            Some(length) => (destination, length, rest.get(1..).unwrap_or_default()),
            // No length at all: a host route.
            None => (destination, 32, rest.as_slice()),
        },
    };
    let address: Ipv4Addr = address
        .parse()
        .map_err(|_| FramedRouteError::BadDestination(address.to_string()))?;
    let prefix = Prefix::new(address, length)
        .ok_or_else(|| FramedRouteError::BadLength(length.to_string()))?;
    // `198.18.60.7/24` is a typing error on the server, not 198.18.60.0/24: refuse it rather
    // than route more than was meant.
    if prefix.network() != address {
        return Err(FramedRouteError::HostBits(destination.to_string()));
    }
    let gateway = rest
        .first()
        .and_then(|g| g.parse::<Ipv4Addr>().ok())
        .filter(|g| !g.is_unspecified());
    // After the gateway, the first metric.
    let metric = rest.get(1).and_then(|m| m.parse().ok());
    Ok(FramedRoute {
        prefix,
        gateway,
        metric,
    })
}

/// The length of a contiguous dotted netmask (`255.255.255.0` → 24); `None` for anything
/// else, `0.0.0.0` included (that is a gateway, "the subscriber").
fn mask_length(word: &str) -> Option<u8> {
    let mask = u32::from(word.parse::<Ipv4Addr>().ok()?);
    let length = mask.leading_ones();
    (mask != 0 && mask.checked_shl(length).unwrap_or(0) == 0).then_some(length as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn route(text: &str) -> Result<(String, Option<u32>), FramedRouteError> {
        parse_framed_route(text.as_bytes()).map(|r| (r.prefix.to_string(), r.metric))
    }

    #[test]
    fn a_gateway_other_than_0_0_0_0_is_kept() {
        let gateway = |text: &str| parse_framed_route(text.as_bytes()).map(|r| r.gateway);
        assert_eq!(
            gateway("198.18.60.0/24 127.0.0.5 1"),
            Ok(Some(Ipv4Addr::new(127, 0, 0, 5)))
        );
        assert_eq!(gateway("198.18.60.0/24 0.0.0.0 1"), Ok(None));
        assert_eq!(
            gateway("198.18.61.0 255.255.255.0 127.0.0.6"),
            Ok(Some(Ipv4Addr::new(127, 0, 0, 6)))
        );
        assert_eq!(gateway("198.18.60.0/29"), Ok(None));
    }

    #[test]
    fn the_rfc_form_the_mask_form_and_a_bare_host() {
        assert_eq!(
            route("198.18.60.0/24 0.0.0.0 1"),
            Ok(("198.18.60.0/24".into(), Some(1)))
        );
        assert_eq!(route("198.18.60.0/29"), Ok(("198.18.60.0/29".into(), None)));
        assert_eq!(
            route("198.18.61.0 255.255.255.0 0.0.0.0 5"),
            Ok(("198.18.61.0/24".into(), Some(5)))
        );
        assert_eq!(
            route("198.18.62.1 0.0.0.0 3"),
            Ok(("198.18.62.1/32".into(), Some(3)))
        );
        assert_eq!(
            route("  198.18.63.0/30\t198.18.50.10 "),
            Ok(("198.18.63.0/30".into(), None))
        );
    }

    #[test]
    fn bad_routes_say_why() {
        assert_eq!(route(""), Err(FramedRouteError::Empty));
        assert_eq!(
            route("198.18.60.0/33 0.0.0.0 1"),
            Err(FramedRouteError::BadLength("33".into()))
        );
        assert_eq!(
            route("example.net/24"),
            Err(FramedRouteError::BadDestination("example.net".into()))
        );
        assert_eq!(
            route("198.18.60.7/24 0.0.0.0 1"),
            Err(FramedRouteError::HostBits("198.18.60.7/24".into()))
        );
        assert_eq!(
            parse_framed_route(&[0xff, 0xfe]),
            Err(FramedRouteError::NotText)
        );
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_framed_route(&bytes);
        }

        #[test]
        fn a_printed_prefix_reads_back(address in any::<u32>(), length in 0u8..=32, metric in any::<u32>()) {
            let prefix = Prefix::new(Ipv4Addr::from(address), length).unwrap();
            let text = format!("{prefix} 0.0.0.0 {metric}");
            prop_assert_eq!(
                parse_framed_route(text.as_bytes()),
                Ok(FramedRoute { prefix, gateway: None, metric: Some(metric) })
            );
        }
    }
}
