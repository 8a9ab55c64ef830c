//! What the operator of the emulator chooses: how many subscribers, how fast, who they are,
//! and when a subscriber counts as up.

use std::str::FromStr;
use std::time::Duration;

use l2tpd::pppoe::wire::{MacAddr, VlanTag};

use super::ip_probe::IpProbeConfig;

/// The point at which a subscriber counts as up. Behind our LAC in issue 10 the LNS does not
/// answer authentication yet, so `AuthSent` is the furthest a pass-through subscriber gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpAt {
    /// PPPoE session, LCP opened and the credentials sent.
    AuthSent,
    /// The authenticator said yes.
    Authenticated,
    /// IPCP opened with an address.
    Ip,
}

impl FromStr for UpAt {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auth-sent" => Ok(UpAt::AuthSent),
            "authenticated" => Ok(UpAt::Authenticated),
            "ip" => Ok(UpAt::Ip),
            other => Err(format!(
                "'{other}': --up-at takes auth-sent, authenticated or ip"
            )),
        }
    }
}

/// How a subscriber leaves after its hold time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndWith {
    /// A PADT at once, as a host that is switched off (RFC 2516 §5.5).
    Padt,
    /// LCP Terminate-Request first, then the PADT, as pppd does on a clean hang-up.
    LcpTerminate,
}

impl FromStr for EndWith {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "padt" => Ok(EndWith::Padt),
            "lcp-terminate" => Ok(EndWith::LcpTerminate),
            other => Err(format!("'{other}': --end-with takes padt or lcp-terminate")),
        }
    }
}

#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub count: usize,
    /// Subscribers started per second.
    pub rate: f64,
    /// Subscribers started but not yet up (nor failed) at most: a slow LAC slows the start
    /// rate instead of drowning in retransmissions.
    pub max_in_flight: usize,
    /// `{n}` is replaced by the subscriber's number, from 1.
    pub user_format: String,
    pub password: Vec<u8>,
    /// Empty asks for any service.
    pub service_name: Vec<u8>,
    pub ac_name: Option<Vec<u8>>,
    /// The unit's tags, outermost first.
    pub vlans: Vec<VlanTag>,
    /// RFC 4638: ask for a PPP payload above 1492.
    pub max_payload: Option<u16>,
    pub up_at: UpAt,
    /// How long a subscriber stays up before it leaves; `None` stays until `stop`.
    pub hold: Option<Duration>,
    pub end_with: EndWith,
    /// The second octet of every subscriber MAC, so that two emulators on one segment differ.
    pub mac_group: u8,
    /// Seeds the LCP Magic-Numbers (the caller draws it; the core reads no entropy).
    pub seed: u64,
    /// Pings and UDP datagrams once IPCP is up (needs `up_at: Ip`).
    pub ip_probes: IpProbeConfig,
}

impl EmulatorConfig {
    pub fn new(count: usize) -> Self {
        Self {
            count,
            rate: 1000.0,
            max_in_flight: 1000,
            user_format: "user{n}@isp.example".to_string(),
            password: b"secret".to_vec(),
            service_name: Vec::new(),
            ac_name: None,
            vlans: Vec::new(),
            max_payload: None,
            up_at: UpAt::AuthSent,
            hold: None,
            end_with: EndWith::Padt,
            mac_group: 0x50,
            seed: 1,
            ip_probes: IpProbeConfig::default(),
        }
    }

    /// Subscriber `index` (from 0) is number `index + 1` in its user name.
    pub fn user_name(&self, index: usize) -> String {
        self.user_format.replace("{n}", &(index + 1).to_string())
    }

    /// A locally administered unicast MAC (IEEE 802 §8.2: bit 1 of the first octet set, bit 0
    /// clear) holding the index, so a frame's destination names its subscriber.
    pub fn mac(&self, index: usize) -> MacAddr {
        let [a, b, c, d] = (index as u32).to_be_bytes();
        MacAddr([0x02, self.mac_group, a, b, c, d])
    }

    /// The instant offset at which subscriber `index` may start.
    pub fn start_offset(&self, index: usize) -> Duration {
        if self.rate <= 0.0 || !self.rate.is_finite() {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(index as f64 / self.rate)
    }

    /// A non-zero Magic-Number per subscriber (splitmix64 of seed and index).
    pub fn magic(&self, index: usize) -> u32 {
        let mut z = self
            .seed
            .wrapping_add((index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) as u32).max(1)
    }
}
