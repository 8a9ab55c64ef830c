//! One emulated subscriber: its discovery client, its PPP once the session is up, how far it
//! got and when.

use std::net::Ipv4Addr;
use std::time::Instant;

use l2tpd::ppp::client_link::DownReason as PppDown;
use l2tpd::pppoe::client::{DiscoveryClient, Failure};

use super::ip_probe::IpProbe;

/// How far a subscriber is, in the order it gets there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    Waiting,
    Discovering,
    Session,
    LcpUp,
    AuthSent,
    Authenticated,
    IpUp,
    /// LCP Terminate-Request sent at the end of the hold time.
    Closing,
    Down,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Waiting => "waiting",
            Phase::Discovering => "discovering",
            Phase::Session => "session",
            Phase::LcpUp => "lcp-up",
            Phase::AuthSent => "auth-sent",
            Phase::Authenticated => "authenticated",
            Phase::IpUp => "ip-up",
            Phase::Closing => "closing",
            Phase::Down => "down",
        }
    }
}

/// Why a subscriber is down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownReason {
    Discovery(Failure),
    /// The concentrator sent a PADT.
    PeerPadt,
    AuthFailed(Vec<u8>),
    /// PPP ended on its own (echo timeout, peer Terminate, negotiation failed ...).
    Ppp(PppDown),
    /// Left as planned after its hold time.
    HoldEnded,
    /// The emulator was stopped.
    Stopped,
}

impl DownReason {
    /// A short name for the summary's failure counts.
    pub fn name(&self) -> String {
        match self {
            DownReason::Discovery(Failure::NoPado) => "no-pado".into(),
            DownReason::Discovery(Failure::NoPads) => "no-pads".into(),
            DownReason::Discovery(Failure::ServiceNameError(_)) => "service-name-error".into(),
            DownReason::Discovery(Failure::AcSystemError(_)) => "ac-system-error".into(),
            DownReason::Discovery(Failure::GenericError(_)) => "generic-error".into(),
            DownReason::PeerPadt => "peer-padt".into(),
            DownReason::AuthFailed(_) => "auth-failed".into(),
            DownReason::Ppp(reason) => format!("ppp-{}", ppp_down_name(*reason)),
            DownReason::HoldEnded => "hold-ended".into(),
            DownReason::Stopped => "stopped".into(),
        }
    }

    /// Whether the subscriber left because it was meant to.
    pub fn is_planned(&self) -> bool {
        matches!(self, DownReason::HoldEnded | DownReason::Stopped)
    }
}

fn ppp_down_name(reason: PppDown) -> &'static str {
    match reason {
        PppDown::PeerTerminated => "peer-terminated",
        PppDown::EchoTimeout => "echo-timeout",
        PppDown::LoopbackDetected => "loopback-detected",
        PppDown::NegotiationFailed => "negotiation-failed",
        PppDown::AuthTimeout => "auth-timeout",
        PppDown::Closed => "closed",
        PppDown::AuthFailed => "auth-failed",
        PppDown::LowerLayerDown => "lower-layer-down",
        // The LNS's watchdog; a client link never reports it.
        PppDown::NegotiationTimeout => "negotiation-timeout",
    }
}

/// When each step happened.
#[derive(Debug, Clone, Default)]
pub struct Timestamps {
    pub padi_sent: Option<Instant>,
    pub pads: Option<Instant>,
    pub lcp_up: Option<Instant>,
    pub auth_sent: Option<Instant>,
    pub authenticated: Option<Instant>,
    pub ip_up: Option<Instant>,
    /// When the `--up-at` criterion was met.
    pub up: Option<Instant>,
    pub down: Option<Instant>,
}

pub struct Subscriber<P> {
    pub index: usize,
    pub discovery: DiscoveryClient,
    pub ppp: Option<P>,
    pub phase: Phase,
    pub times: Timestamps,
    pub down: Option<DownReason>,
    /// End of the hold time, once up.
    pub hold_until: Option<Instant>,
    /// A reply to one of our probes came back.
    pub probe_answered: bool,
    /// The address IPCP gave us.
    pub address: Option<Ipv4Addr>,
    /// Pings and datagrams once the address is there (`--ping`, `--udp`).
    pub ip_probe: Option<IpProbe>,
    /// The deadline the emulator's timer queue holds for this subscriber.
    pub(super) armed: Option<Instant>,
    /// Counted in the emulator's in-flight total (started, not yet up or down).
    pub(super) counted_in_flight: bool,
}

impl<P> Subscriber<P> {
    pub(super) fn new(index: usize, discovery: DiscoveryClient) -> Self {
        Self {
            index,
            discovery,
            ppp: None,
            phase: Phase::Waiting,
            times: Timestamps::default(),
            down: None,
            hold_until: None,
            probe_answered: false,
            address: None,
            ip_probe: None,
            armed: None,
            counted_in_flight: false,
        }
    }

    /// Started and neither up nor down.
    pub fn in_flight(&self) -> bool {
        self.phase != Phase::Waiting && self.times.up.is_none() && self.down.is_none()
    }

    pub fn is_up(&self) -> bool {
        self.times.up.is_some()
    }

    /// PADI to the `--up-at` criterion.
    pub fn setup_time(&self) -> Option<std::time::Duration> {
        Some(self.times.up?.duration_since(self.times.padi_sent?))
    }

    /// PPP runs (the probe may be sent).
    pub fn lcp_opened(&self) -> bool {
        self.down.is_none() && self.phase >= Phase::LcpUp && self.phase <= Phase::IpUp
    }

    /// LCP is open and no probe of ours has been answered yet.
    pub fn probe_outstanding(&self) -> bool {
        self.lcp_opened() && !self.probe_answered
    }

    /// Moves forward only: a late event never takes a subscriber back.
    pub(super) fn reach(&mut self, phase: Phase) {
        if phase > self.phase {
            self.phase = phase;
        }
    }
}
