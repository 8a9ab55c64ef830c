//! The AC-Cookie (RFC 2516 §5.2, Appendix A): a keyed hash over the client's MAC and a time
//! bucket, so the server keeps nothing for a client before a PADR proves, by returning the
//! cookie, that the client sees our replies at the MAC it claims. A PADR flood from forged MACs
//! then costs one hash each and allocates nothing.

use md5::{Digest, Md5};
use std::time::{Duration, Instant};

use super::wire::MacAddr;

/// HMAC-MD5 output; RFC 2104 §2 with B = 64.
pub const COOKIE_LEN: usize = 16;
const BLOCK: usize = 64;

/// Issues and checks cookies. A cookie issued in bucket `b` is accepted in buckets `b` and
/// `b + 1`, so it lives at least one lifetime and at most two.
#[derive(Debug, Clone)]
pub struct CookieJar {
    secret: [u8; 16],
    epoch: Instant,
    lifetime: Duration,
}

impl CookieJar {
    /// `secret` comes from the caller's random source (a fresh one per daemon start), so this
    /// stays deterministic under test. A zero lifetime is raised to one second.
    pub fn new(secret: [u8; 16], epoch: Instant, lifetime: Duration) -> Self {
        Self {
            secret,
            epoch,
            lifetime: lifetime.max(Duration::from_secs(1)),
        }
    }

    fn bucket(&self, now: Instant) -> u64 {
        let elapsed = now.saturating_duration_since(self.epoch);
        (elapsed.as_millis() / self.lifetime.as_millis().max(1)) as u64
    }

    pub fn issue(&self, client: MacAddr, now: Instant) -> [u8; COOKIE_LEN] {
        self.mac_for(client, self.bucket(now))
    }

    pub fn is_valid(&self, client: MacAddr, cookie: &[u8], now: Instant) -> bool {
        let current = self.bucket(now);
        let mut valid = constant_time_eq(&self.mac_for(client, current), cookie);
        if let Some(previous) = current.checked_sub(1) {
            valid |= constant_time_eq(&self.mac_for(client, previous), cookie);
        }
        valid
    }

    fn mac_for(&self, client: MacAddr, bucket: u64) -> [u8; COOKIE_LEN] {
        hmac_md5(&self.secret, &[&client.0, &bucket.to_be_bytes()])
    }
}

/// HMAC-MD5 (RFC 2104 §2) over the concatenation of `parts`.
fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; COOKIE_LEN] {
    let hashed_key;
    let key = if key.len() > BLOCK {
        hashed_key = Md5::digest(key);
        &hashed_key[..]
    } else {
        key
    };
    let mut inner_pad = [0x36u8; BLOCK];
    let mut outer_pad = [0x5cu8; BLOCK];
    for (i, byte) in key.iter().enumerate() {
        inner_pad[i] ^= byte;
        outer_pad[i] ^= byte;
    }
    let mut inner = Md5::new().chain_update(inner_pad);
    for part in parts {
        inner.update(part);
    }
    Md5::new()
        .chain_update(outer_pad)
        .chain_update(inner.finalize())
        .finalize()
        .into()
}

/// No early exit, so a forger cannot learn the cookie byte by byte from response timing.
fn constant_time_eq(expected: &[u8], given: &[u8]) -> bool {
    expected.len() == given.len()
        && expected
            .iter()
            .zip(given)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);

    #[test]
    fn hmac_md5_matches_rfc_2202() {
        // RFC 2202 §2, test cases 2 and 6 (a key longer than the block is hashed first).
        assert_eq!(
            hmac_md5(b"Jefe", &[b"what do ya ", b"want for nothing?"]),
            [
                0x75, 0x0c, 0x78, 0x3e, 0x6a, 0xb0, 0xb5, 0x03, 0xea, 0xa8, 0x6e, 0x31, 0x0a, 0x5d,
                0xb7, 0x38
            ]
        );
        assert_eq!(
            hmac_md5(
                &[0xaa; 80],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            ),
            [
                0x6b, 0x1a, 0xb7, 0xfe, 0x4b, 0xd7, 0xbf, 0x8f, 0x0b, 0x62, 0xe6, 0xce, 0x61, 0xb9,
                0xd0, 0xcd
            ]
        );
    }

    #[test]
    fn cookie_lives_one_to_two_lifetimes() {
        let epoch = Instant::now();
        let jar = CookieJar::new([7; 16], epoch, Duration::from_secs(10));
        let cookie = jar.issue(CLIENT, epoch + Duration::from_secs(9));
        assert!(jar.is_valid(CLIENT, &cookie, epoch + Duration::from_secs(9)));
        assert!(jar.is_valid(CLIENT, &cookie, epoch + Duration::from_secs(19)));
        assert!(!jar.is_valid(CLIENT, &cookie, epoch + Duration::from_secs(20)));
    }

    #[test]
    fn cookie_is_bound_to_mac_and_secret() {
        let epoch = Instant::now();
        let jar = CookieJar::new([7; 16], epoch, Duration::from_secs(10));
        let other_secret = CookieJar::new([8; 16], epoch, Duration::from_secs(10));
        let cookie = jar.issue(CLIENT, epoch);
        assert!(!jar.is_valid(MacAddr([2, 0, 0, 0, 0, 2]), &cookie, epoch));
        assert!(!other_secret.is_valid(CLIENT, &cookie, epoch));
        assert!(!jar.is_valid(CLIENT, &cookie[..15], epoch));
    }
}
