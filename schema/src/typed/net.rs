//! IPv4 prefixes and interface addresses as the engine and the checks need them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::Ipv4Addr;

/// `a.b.c.d/len`. For a network the host bits are zero; for an interface address
/// (`198.18.0.1/24`) `address` is the host and the network is `network()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Ipv4Prefix {
    pub address: Ipv4Addr,
    pub len: u8,
}

impl Ipv4Prefix {
    /// Reads `a.b.c.d/len`, host bits allowed.
    pub fn parse(text: &str) -> Option<Ipv4Prefix> {
        let (address, len) = text.split_once('/')?;
        let len: u8 = len
            .parse()
            .ok()
            .filter(|l| *l <= 32 && !len.starts_with('+'))?;
        Some(Ipv4Prefix {
            address: address.parse().ok()?,
            len,
        })
    }

    pub fn mask(&self) -> u32 {
        if self.len == 0 {
            0
        } else {
            u32::MAX << (32 - u32::from(self.len))
        }
    }

    pub fn network(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.address) & self.mask())
    }

    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.address) | !self.mask())
    }

    pub fn contains(&self, address: Ipv4Addr) -> bool {
        u32::from(address) & self.mask() == u32::from(self.address) & self.mask()
    }
}

impl fmt::Display for Ipv4Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_contain() {
        let p = Ipv4Prefix::parse("198.18.0.1/24").unwrap();
        assert_eq!(p.network(), Ipv4Addr::new(198, 18, 0, 0));
        assert_eq!(p.broadcast(), Ipv4Addr::new(198, 18, 0, 255));
        assert!(p.contains(Ipv4Addr::new(198, 18, 0, 200)));
        assert!(!p.contains(Ipv4Addr::new(198, 18, 1, 0)));
        let all = Ipv4Prefix::parse("0.0.0.0/0").unwrap();
        assert!(all.contains(Ipv4Addr::new(127, 0, 0, 1)));
        for bad in [
            "198.18.0.1",
            "198.18.0.1/33",
            "198.18.0.1/",
            "x/24",
            "198.18.0.1/+8",
            "198.18.0.1/-1",
        ] {
            assert!(Ipv4Prefix::parse(bad).is_none(), "{bad}");
        }
    }
}
