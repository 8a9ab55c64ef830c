//! What one control connection is configured with: the `[edit services l2tp tunnel]`
//! retransmission statements, the window and hello interval, and what we say about ourselves in
//! SCCRQ/SCCRP.

use schema::typed::Secret;
use std::time::Duration;

use crate::l2tp::wire::attribute::{bearer, framing};

/// RFC 2661 §5.8: a peer that sends no Receive Window Size AVP has a window of 4, so we leave
/// the AVP out when ours is 4 (Junos does the same at the `rx-window-size` default).
pub const DEFAULT_RX_WINDOW: u16 = 4;

/// Junos and RFC 2661 §5.5 both default to a HELLO after 60 s of silence.
pub const DEFAULT_HELLO_INTERVAL: Duration = Duration::from_secs(60);

/// The longest wait between retransmissions. Junos stops doubling here; RFC 2661 §5.8 only
/// requires any cap to be at least 8 s. A tunnel group's `retransmit-interval` moves it.
pub const MAXIMUM_RETRANSMIT_INTERVAL: Duration = Duration::from_secs(16);

/// RFC 2661 §5.8: a cap on the retransmission interval must not be below 8 s.
const RFC_MINIMUM_CAP: Duration = Duration::from_secs(8);

/// `minimum-retransmission-interval`, `retransmission-count-established` and
/// `retransmission-count-not-established`. A commit that changes them applies to the next
/// control message sent; messages already in flight keep the schedule they started with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetransmitSettings {
    /// The wait before the first retransmission (1–16 s).
    pub minimum_interval: Duration,
    /// Retransmissions of one message on an established tunnel before the tunnel is cleared.
    pub count_established: u32,
    /// The same limit for SCCRQ, SCCRP and SCCCN.
    pub count_not_established: u32,
    /// Where the doubling stops: 16 s, or a tunnel group's `retransmit-interval`.
    pub maximum_interval: Duration,
    /// A tunnel group's `tunnel-timeout`: a message unacknowledged this long means the peer
    /// is gone, even with retransmissions left. `None`: only the count decides.
    pub give_up_after: Option<Duration>,
}

impl Default for RetransmitSettings {
    fn default() -> Self {
        Self {
            minimum_interval: Duration::from_secs(1),
            count_established: 5,
            count_not_established: 5,
            maximum_interval: MAXIMUM_RETRANSMIT_INTERVAL,
            give_up_after: None,
        }
    }
}

impl RetransmitSettings {
    /// The interval actually used: the schema refuses values outside 1–16 s, and a zero wait
    /// here would turn the retransmission timer into a busy loop, so out-of-range values that
    /// reach this far (a hand-built config) are clamped rather than trusted.
    pub fn first_wait(&self) -> Duration {
        self.minimum_interval
            .clamp(Duration::from_secs(1), self.cap())
    }

    /// The wait that follows `wait`: doubled, then held at the cap (16 s by default).
    pub fn next_wait(&self, wait: Duration) -> Duration {
        wait.saturating_mul(2).min(self.cap())
    }

    /// The cap in force, never below the RFC's 8 s whatever a hand-built config says.
    pub fn cap(&self) -> Duration {
        self.maximum_interval.max(RFC_MINIMUM_CAP)
    }

    /// How long a message with `count` retransmissions stays unacknowledged before its sender
    /// gives up: every wait of its schedule added up (47 s at the defaults: 1+2+4+8+16+16).
    pub fn full_cycle(&self, count: u32) -> Duration {
        let mut wait = self.first_wait();
        let mut total = Duration::ZERO;
        for _ in 0..=count {
            total = total.saturating_add(wait);
            wait = self.next_wait(wait);
        }
        total
    }
}

/// Which AVPs of our session messages go hidden (RFC 2661 §4.3). Hiding needs the tunnel
/// secret: without one every AVP is sent in the clear whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvpHiding {
    /// Those that carry credentials (proxy authentication): what our LAC hides.
    Credentials,
    /// None: Junos' tunnel-group default, "AVPs that can be hidden are exposed".
    Nothing,
    /// Every AVP RFC 2661 lets us hide: a tunnel group's `hide-avps`.
    All,
}

/// One control connection's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelConfig {
    /// Our Host Name AVP.
    pub host_name: Vec<u8>,
    /// Initiator: the Host Name the peer must announce in its SCCRP (`remote-gateway
    /// gateway-name`, RFC 2868 Tunnel-Server-Auth-Id). `None`: any name.
    pub expected_peer_name: Option<Vec<u8>>,
    /// Responder: the SCCRP goes quiet (`reliable::Phase::Quiet`), as the registry asks while
    /// SCCRQs flood in.
    pub quiet_sccrp: bool,
    /// The tunnel secret (RFC 2661 §5.1.1). For a responder the secret comes from the
    /// [`PeerAuth`](super::PeerAuth) the registry found for the calling peer instead.
    pub secret: Option<Secret>,
    /// `rx-window-size`: how many out-of-order control messages we hold (4–128).
    pub rx_window_size: u16,
    /// Silence after which we send a HELLO; zero turns HELLOs off.
    pub hello_interval: Duration,
    pub retransmit: RetransmitSettings,
    pub hiding: AvpHiding,
    /// A tunnel group's `maximum-send-window`: the peer's Receive Window Size is honoured up
    /// to this many messages in flight. `None`: as the peer offers.
    pub maximum_send_window: Option<u16>,
    pub firmware_revision: u16,
    pub vendor_name: Vec<u8>,
    pub framing_capabilities: u32,
    pub bearer_capabilities: u32,
}

impl TunnelConfig {
    pub fn new(host_name: impl Into<Vec<u8>>) -> Self {
        Self {
            host_name: host_name.into(),
            expected_peer_name: None,
            quiet_sccrp: false,
            secret: None,
            rx_window_size: DEFAULT_RX_WINDOW,
            hello_interval: DEFAULT_HELLO_INTERVAL,
            retransmit: RetransmitSettings::default(),
            hiding: AvpHiding::Credentials,
            maximum_send_window: None,
            firmware_revision: 0x0100,
            vendor_name: b"l2tpd".to_vec(),
            framing_capabilities: framing::SYNC | framing::ASYNC,
            bearer_capabilities: bearer::DIGITAL | bearer::ANALOG,
        }
    }

    /// Our receive window, never below 1: a zero window would refuse every message.
    pub fn rx_window(&self) -> u16 {
        self.rx_window_size.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// A tunnel's settings and the tunnel itself get formatted into traces and errors: the
    /// secret they hold must never show.
    #[test]
    fn formatting_a_tunnel_never_prints_its_secret() {
        use crate::l2tp::control::{PeerAuth, Tunnel};
        use rand::SeedableRng;
        let mut cfg = TunnelConfig::new("lac");
        cfg.secret = Some(Secret::from("tunnel-clear"));
        let auth = PeerAuth::Admitted {
            secret: cfg.secret.clone(),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let tunnel = Tunnel::new_initiator(cfg.clone(), 1, std::time::Instant::now(), &mut rng);
        for text in [
            format!("{cfg:?}"),
            format!("{cfg:#?}"),
            format!("{auth:?}"),
            format!("{tunnel:?}"),
        ] {
            assert!(text.contains("<secret>"), "{text}");
            assert!(!text.contains("tunnel-clear"), "{text}");
            // Debug of the bytes, as a `Vec<u8>` secret printed before.
            assert!(!text.contains(&format!("{:?}", b"tunnel-clear")), "{text}");
        }
    }

    #[test]
    fn waits_double_then_hold_at_sixteen_seconds() {
        let mut wait = RetransmitSettings::default().first_wait();
        let mut seen = vec![wait];
        for _ in 0..6 {
            wait = RetransmitSettings::default().next_wait(wait);
            seen.push(wait);
        }
        assert_eq!(
            seen,
            [1, 2, 4, 8, 16, 16, 16].map(secs).to_vec(),
            "Junos schedule"
        );
    }

    #[test]
    fn full_cycle_is_the_sum_of_the_schedule() {
        assert_eq!(RetransmitSettings::default().full_cycle(5), secs(47));
        let eight = RetransmitSettings {
            minimum_interval: secs(8),
            ..RetransmitSettings::default()
        };
        assert_eq!(eight.full_cycle(2), secs(40));
    }

    #[test]
    fn out_of_range_interval_is_clamped() {
        let zero = RetransmitSettings {
            minimum_interval: Duration::ZERO,
            ..RetransmitSettings::default()
        };
        assert_eq!(zero.first_wait(), secs(1));
        let huge = RetransmitSettings {
            minimum_interval: secs(600),
            ..RetransmitSettings::default()
        };
        assert_eq!(huge.first_wait(), secs(16));
    }

    #[test]
    fn a_tunnel_group_moves_the_cap_but_never_below_eight_seconds() {
        let thirty = RetransmitSettings {
            maximum_interval: secs(30),
            ..RetransmitSettings::default()
        };
        assert_eq!(thirty.next_wait(secs(16)), secs(30));
        assert_eq!(thirty.full_cycle(5), secs(1 + 2 + 4 + 8 + 16 + 30));
        let two = RetransmitSettings {
            maximum_interval: secs(2),
            ..RetransmitSettings::default()
        };
        assert_eq!(two.next_wait(secs(4)), secs(8));
    }
}
