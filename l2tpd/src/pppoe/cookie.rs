//! The AC-Cookie (RFC 2516 §5.2, Appendix A): a keyed hash over the client's MAC and a time
//! bucket, so the server keeps nothing for a client before a PADR proves, by returning the
//! cookie, that the client sees our replies at the MAC it claims. A PADR flood from forged MACs
//! then costs one hash each and allocates nothing.

use hmac::{Hmac, Mac};
use md5::Md5;
use std::time::{Duration, Instant};

use super::wire::MacAddr;

/// HMAC-MD5 output (RFC 2104).
pub const COOKIE_LEN: usize = 16;

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
        // Checked in constant time (`verify_slice`), so a forger cannot learn the cookie byte
        // by byte from response timing.
        let valid_in = |bucket: u64| self.keyed(client, bucket).verify_slice(cookie).is_ok();
        valid_in(current) | current.checked_sub(1).is_some_and(valid_in)
    }

    fn mac_for(&self, client: MacAddr, bucket: u64) -> [u8; COOKIE_LEN] {
        self.keyed(client, bucket).finalize().into_bytes().into()
    }

    fn keyed(&self, client: MacAddr, bucket: u64) -> Hmac<Md5> {
        // Any key length is valid for HMAC (RFC 2104 §3): `new_from_slice` cannot fail here.
        let mut mac = <Hmac<Md5> as Mac>::new_from_slice(&self.secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(&client.0);
        mac.update(&bucket.to_be_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);

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
