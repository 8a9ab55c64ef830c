//! The emulator's final account: how many subscribers got how far, why the others did not,
//! how long setup took, and the frames. One JSON line for scripts and the benchmark.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use serde_json::{json, Value};

use super::core::FrameCounters;
use super::ip_probe::IpCounters;
use super::subscriber::{Phase, Subscriber};

/// Setup times (PADI to `--up-at`) in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl Percentiles {
    /// Nearest-rank percentiles; all zero for no samples.
    pub fn of(mut samples: Vec<Duration>) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        samples.sort_unstable();
        let rank = |p: f64| {
            let at = ((p / 100.0) * samples.len() as f64).ceil() as usize;
            samples[at.clamp(1, samples.len()) - 1].as_secs_f64() * 1000.0
        };
        Self {
            p50: rank(50.0),
            p90: rank(90.0),
            p99: rank(99.0),
            max: rank(100.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub count: usize,
    /// Met the `--up-at` criterion.
    pub up: usize,
    /// Where each subscriber is now.
    pub phases: BTreeMap<&'static str, usize>,
    /// How many got at least this far (PADS, LCP up, ...).
    pub reached: BTreeMap<&'static str, usize>,
    /// Down for a reason other than a planned end.
    pub failures: BTreeMap<String, usize>,
    /// Planned ends (hold ended, stopped).
    pub ended: BTreeMap<String, usize>,
    pub setup_ms: Percentiles,
    pub frames: FrameCounters,
    /// Subscribers whose probe came back.
    pub probes_answered: usize,
    /// Subscribers whose IPCP opened.
    pub ipcp_up: usize,
    /// Distinct addresses IPCP gave (fewer than `ipcp_up`: one was given twice).
    pub addresses: usize,
    /// Pings and UDP datagrams sent and answered, over all subscribers.
    pub ip: IpCounters,
}

impl Summary {
    pub fn of<P>(subscribers: &[Subscriber<P>], frames: &FrameCounters) -> Self {
        let mut summary = Summary {
            count: subscribers.len(),
            up: 0,
            phases: BTreeMap::new(),
            reached: BTreeMap::new(),
            failures: BTreeMap::new(),
            ended: BTreeMap::new(),
            setup_ms: Percentiles::of(
                subscribers
                    .iter()
                    .filter_map(Subscriber::setup_time)
                    .collect(),
            ),
            frames: frames.clone(),
            probes_answered: 0,
            ipcp_up: 0,
            addresses: 0,
            ip: IpCounters::default(),
        };
        let mut addresses = HashSet::new();
        for subscriber in subscribers {
            summary.up += usize::from(subscriber.is_up());
            summary.probes_answered += usize::from(subscriber.probe_answered);
            summary.ipcp_up += usize::from(subscriber.times.ip_up.is_some());
            addresses.extend(subscriber.address);
            if let Some(probe) = &subscriber.ip_probe {
                let c = probe.counters();
                summary.ip.ping_sent += c.ping_sent;
                summary.ip.ping_replies += c.ping_replies;
                summary.ip.udp_sent += c.udp_sent;
                summary.ip.udp_replies += c.udp_replies;
            }
            *summary.phases.entry(subscriber.phase.name()).or_default() += 1;
            let times = &subscriber.times;
            for (phase, at) in [
                (Phase::Session, times.pads),
                (Phase::LcpUp, times.lcp_up),
                (Phase::AuthSent, times.auth_sent),
                (Phase::Authenticated, times.authenticated),
                (Phase::IpUp, times.ip_up),
            ] {
                if at.is_some() {
                    *summary.reached.entry(phase.name()).or_default() += 1;
                }
            }
            if let Some(reason) = &subscriber.down {
                let bucket = if reason.is_planned() {
                    &mut summary.ended
                } else {
                    &mut summary.failures
                };
                *bucket.entry(reason.name()).or_default() += 1;
            }
        }
        summary.addresses = addresses.len();
        summary
    }

    pub fn to_json(&self) -> Value {
        let ms = |value: f64| (value * 1000.0).round() / 1000.0;
        json!({
            "count": self.count,
            "up": self.up,
            "phases": self.phases,
            "reached": self.reached,
            "failures": self.failures,
            "ended": self.ended,
            "setup_ms": {
                "p50": ms(self.setup_ms.p50),
                "p90": ms(self.setup_ms.p90),
                "p99": ms(self.setup_ms.p99),
                "max": ms(self.setup_ms.max),
            },
            "frames": {
                "sent": self.frames.sent,
                "received": self.frames.received,
                "unknown_destination": self.frames.unknown_destination,
                "probes_sent": self.frames.probes_sent,
                "probe_replies": self.frames.probe_replies,
                "probes_answered": self.probes_answered,
            },
            "ipcp_up": self.ipcp_up,
            "addresses": self.addresses,
            "ping_sent": self.ip.ping_sent,
            "ping_replies": self.ip.ping_replies,
            "udp_sent": self.ip.udp_sent,
            "udp_replies": self.ip.udp_replies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples = (1..=100).map(Duration::from_millis).collect();
        let p = Percentiles::of(samples);
        assert_eq!((p.p50, p.p90, p.p99, p.max), (50.0, 90.0, 99.0, 100.0));
        assert_eq!(Percentiles::of(Vec::new()), Percentiles::default());
        let one = Percentiles::of(vec![Duration::from_millis(7)]);
        assert_eq!((one.p50, one.max), (7.0, 7.0));
    }
}
