//! One subscriber's IP probes once IPCP gave it an address: ICMP Echo Requests to `--ping`
//! once a second until one is answered (at most `--ping-count`), and `--udp-count` datagrams
//! to a UDP echo server, each carrying the subscriber's number. Replies are matched (ICMP by
//! identifier and sequence, UDP by the payload) and counted once each. Sans-IO: IPv4 packets
//! out, IPv4 packets in, a deadline.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use super::ip_packet::{icmp_echo, udp, Echo, Ipv4Packet};

/// As `ping` does by default.
pub const PING_INTERVAL: Duration = Duration::from_secs(1);
/// Datagrams of the flow go this far apart; the last one is waited for as long.
pub const UDP_INTERVAL: Duration = Duration::from_millis(200);
/// How long a reply to the last datagram is waited for.
pub const UDP_WAIT: Duration = Duration::from_secs(1);
/// Each subscriber has its own address, so one source port serves them all.
pub const UDP_SOURCE_PORT: u16 = 40_000;
/// Replies are remembered in a 64-bit mask: no more probes than that per subscriber.
pub const MAX_COUNT: u16 = 64;
const PING_DATA: &[u8] = b"l2tp-emulator ping";

/// What to probe (nothing by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpProbeConfig {
    pub ping: Option<Ipv4Addr>,
    /// Echo Requests at most (1..=64).
    pub ping_count: u16,
    pub udp: Option<SocketAddrV4>,
    /// Datagrams in the flow (1..=64).
    pub udp_count: u16,
    /// The flow's source address instead of the subscriber's own: a subscriber spoofing
    /// its source, which an LNS must drop (no reply can come back to it).
    pub udp_source: Option<Ipv4Addr>,
}

impl IpProbeConfig {
    pub fn is_active(&self) -> bool {
        self.ping.is_some() || self.udp.is_some()
    }
}

/// Sent and answered, summed over subscribers in the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IpCounters {
    pub ping_sent: u64,
    pub ping_replies: u64,
    pub udp_sent: u64,
    pub udp_replies: u64,
}

/// One stream of numbered probes: how many went, which came back, when the next goes.
#[derive(Debug, Default)]
struct Stream {
    count: u16,
    sent: u16,
    /// Bit n: probe n (from 0) was answered.
    answered: u64,
    next: Option<Instant>,
}

impl Stream {
    fn new(count: u16, now: Instant) -> Self {
        Stream {
            count: count.clamp(1, MAX_COUNT),
            sent: 0,
            answered: 0,
            next: Some(now),
        }
    }

    /// Marks probe `n` answered; whether it is a first answer to a probe we sent.
    fn answer(&mut self, n: u16) -> bool {
        if n >= self.sent {
            return false;
        }
        let bit = 1u64 << n;
        let first = self.answered & bit == 0;
        self.answered |= bit;
        first
    }
}

pub struct IpProbe {
    index: usize,
    local: Ipv4Addr,
    ping: Option<(Ipv4Addr, Stream)>,
    udp: Option<(SocketAddrV4, Stream)>,
    /// The UDP flow's source address: `local`, unless the configuration spoofs one.
    udp_source: Ipv4Addr,
    counters: IpCounters,
    /// The IPv4 Identification of our next packet.
    ip_id: u16,
    transmit: VecDeque<Vec<u8>>,
}

impl IpProbe {
    /// Subscriber `index` got `local`; the first probes are due `now`.
    pub fn new(config: &IpProbeConfig, index: usize, local: Ipv4Addr, now: Instant) -> Self {
        let mut probe = IpProbe {
            index,
            local,
            ping: config
                .ping
                .map(|target| (target, Stream::new(config.ping_count, now))),
            udp: config
                .udp
                .map(|target| (target, Stream::new(config.udp_count, now))),
            udp_source: config.udp_source.unwrap_or(local),
            counters: IpCounters::default(),
            ip_id: 1,
            transmit: VecDeque::new(),
        };
        probe.handle_timeout(now);
        probe
    }

    pub fn counters(&self) -> IpCounters {
        self.counters
    }

    /// At least one Echo Reply came back (true when no ping was asked for).
    pub fn ping_answered(&self) -> bool {
        self.ping.as_ref().is_none_or(|(_, s)| s.answered != 0)
    }

    /// At least one datagram came back (true when no flow was asked for).
    pub fn udp_answered(&self) -> bool {
        self.udp.as_ref().is_none_or(|(_, s)| s.answered != 0)
    }

    /// Nothing more will be sent or waited for.
    pub fn finished(&self) -> bool {
        self.poll_timeout().is_none()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let ping = self.ping.as_ref().and_then(|(_, s)| s.next);
        let udp = self.udp.as_ref().and_then(|(_, s)| s.next);
        ping.into_iter().chain(udp).min()
    }

    /// IPv4 packets to send inside PPP.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    /// The link went down: nothing more goes out.
    pub fn stop(&mut self) {
        for stream in [
            self.ping.as_mut().map(|(_, s)| s),
            self.udp.as_mut().map(|(_, s)| s),
        ]
        .into_iter()
        .flatten()
        {
            stream.next = None;
        }
        self.transmit.clear();
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        let local = self.local;
        let identifier = self.index as u16;
        if let Some((target, stream)) = self.ping.as_mut() {
            if stream.next.is_some_and(|at| at <= now) {
                // Until one is answered, once a second, at most `count`; then one more
                // second for the last reply.
                stream.next = if stream.answered != 0 || stream.sent >= stream.count {
                    None
                } else {
                    stream.sent += 1;
                    let echo = Echo {
                        reply: false,
                        identifier,
                        sequence: stream.sent,
                        data: PING_DATA,
                    };
                    self.transmit
                        .push_back(icmp_echo(local, *target, self.ip_id, &echo));
                    self.ip_id = self.ip_id.wrapping_add(1);
                    self.counters.ping_sent += 1;
                    Some(now + PING_INTERVAL)
                };
            }
        }
        if let Some((target, stream)) = self.udp.as_mut() {
            if stream.next.is_some_and(|at| at <= now) {
                // The last one's wait is over: done.
                stream.next = if stream.sent >= stream.count {
                    None
                } else {
                    let payload = udp_payload(self.index, stream.sent);
                    let source = SocketAddrV4::new(self.udp_source, UDP_SOURCE_PORT);
                    self.transmit
                        .push_back(udp(source, *target, self.ip_id, payload.as_bytes()));
                    self.ip_id = self.ip_id.wrapping_add(1);
                    stream.sent += 1;
                    self.counters.udp_sent += 1;
                    Some(
                        now + if stream.sent < stream.count {
                            UDP_INTERVAL
                        } else {
                            UDP_WAIT
                        },
                    )
                };
            }
        }
    }

    /// An IPv4 packet the subscriber received; whether it answered one of our probes.
    pub fn handle_packet(&mut self, bytes: &[u8]) -> bool {
        let Some(packet) = Ipv4Packet::parse(bytes) else {
            return false;
        };
        if packet.dst != self.local {
            return false;
        }
        if let Some(echo) = packet.echo() {
            let Some((target, stream)) = self.ping.as_mut() else {
                return false;
            };
            let ours = echo.reply
                && packet.src == *target
                && echo.identifier == self.index as u16
                && echo.data == PING_DATA
                && echo.sequence >= 1
                && stream.answer(echo.sequence - 1);
            if ours {
                self.counters.ping_replies += 1;
                stream.next = None; // Answered: no more pings.
            }
            return ours;
        }
        let (Some(datagram), Some((target, stream))) = (packet.udp(), self.udp.as_mut()) else {
            return false;
        };
        let ours = datagram.src == *target
            && datagram.dst.port() == UDP_SOURCE_PORT
            && parse_udp_payload(datagram.payload)
                .is_some_and(|(index, n)| index == self.index && stream.answer(n));
        if ours {
            self.counters.udp_replies += 1;
            // Every datagram back: no need to wait any longer.
            if stream.sent >= stream.count
                && stream.answered.count_ones() == u32::from(stream.count)
            {
                stream.next = None;
            }
        }
        ours
    }
}

/// `l2tp-emulator subscriber 5 datagram 0`: who sent it and which one, so that an echo
/// server's reply names both.
fn udp_payload(index: usize, n: u16) -> String {
    format!("l2tp-emulator subscriber {index} datagram {n}")
}

fn parse_udp_payload(payload: &[u8]) -> Option<(usize, u16)> {
    let text = std::str::from_utf8(payload).ok()?;
    let rest = text.strip_prefix("l2tp-emulator subscriber ")?;
    let (index, n) = rest.split_once(" datagram ")?;
    Some((index.parse().ok()?, n.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ip_host;

    const LOCAL: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 10);
    const HOST: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);

    fn config(ping: bool, udp: bool) -> IpProbeConfig {
        IpProbeConfig {
            ping: ping.then_some(HOST),
            ping_count: 3,
            udp: udp.then_some(SocketAddrV4::new(HOST, ip_host::ECHO_PORT)),
            udp_count: 3,
            udp_source: None,
        }
    }

    #[test]
    fn a_spoofed_udp_source_replaces_the_subscribers_own_address() {
        const OTHER: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 99);
        let t0 = Instant::now();
        let spoofing = IpProbeConfig {
            udp_source: Some(OTHER),
            ..config(true, true)
        };
        let mut probe = IpProbe::new(&spoofing, 1, LOCAL, t0);
        let sources: Vec<(Ipv4Addr, bool)> = sent(&mut probe)
            .iter()
            .map(|p| Ipv4Packet::parse(p).unwrap())
            .map(|p| (p.src, p.udp().is_some()))
            .collect();
        // Only the UDP flow lies; the ping still comes from the subscriber's address.
        assert_eq!(sources, vec![(LOCAL, false), (OTHER, true)]);
    }

    fn sent(probe: &mut IpProbe) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| probe.poll_transmit()).collect()
    }

    #[test]
    fn pings_once_a_second_until_answered_at_most_count() {
        let t0 = Instant::now();
        let mut probe = IpProbe::new(&config(true, false), 5, LOCAL, t0);
        let first = sent(&mut probe);
        assert_eq!(first.len(), 1);
        let echo = Ipv4Packet::parse(&first[0]).unwrap();
        assert_eq!((echo.src, echo.dst), (LOCAL, HOST));
        assert_eq!(
            echo.echo().map(|e| (e.identifier, e.sequence)),
            Some((5, 1))
        );
        assert_eq!(probe.poll_timeout(), Some(t0 + PING_INTERVAL));
        // Unanswered: again a second later, then a third, then it gives up.
        for n in 2..=3 {
            let at = t0 + PING_INTERVAL * (n - 1);
            probe.handle_timeout(at);
            assert_eq!(sent(&mut probe).len(), 1, "ping {n}");
        }
        probe.handle_timeout(t0 + PING_INTERVAL * 3);
        assert!(sent(&mut probe).is_empty());
        assert!(probe.finished() && !probe.ping_answered());
        // A late reply to the second still counts, once.
        let second = icmp_echo(
            HOST,
            LOCAL,
            9,
            &Echo {
                reply: true,
                identifier: 5,
                sequence: 2,
                data: PING_DATA,
            },
        );
        assert!(probe.handle_packet(&second));
        assert!(!probe.handle_packet(&second), "duplicate");
        assert_eq!(
            probe.counters(),
            IpCounters {
                ping_sent: 3,
                ping_replies: 1,
                ..IpCounters::default()
            }
        );
    }

    #[test]
    fn an_answered_ping_stops_and_foreign_replies_do_not_count() {
        let t0 = Instant::now();
        let mut probe = IpProbe::new(&config(true, false), 5, LOCAL, t0);
        let request = sent(&mut probe).remove(0);
        let mut reply = ip_host::reply(&request).unwrap();
        // Another subscriber's identifier, or a sequence never sent: not ours.
        for (identifier, sequence) in [(6, 1), (5, 2), (5, 0)] {
            let other = icmp_echo(
                HOST,
                LOCAL,
                1,
                &Echo {
                    reply: true,
                    identifier,
                    sequence,
                    data: PING_DATA,
                },
            );
            assert!(!probe.handle_packet(&other), "{identifier}/{sequence}");
        }
        assert!(probe.handle_packet(&reply));
        assert!(probe.finished() && probe.ping_answered());
        probe.handle_timeout(t0 + PING_INTERVAL);
        assert!(sent(&mut probe).is_empty());
        reply[19] ^= 1; // another destination, checksum now wrong too
        assert!(!probe.handle_packet(&reply));
    }

    #[test]
    fn a_udp_flow_of_count_datagrams_is_echoed() {
        let t0 = Instant::now();
        let mut probe = IpProbe::new(&config(false, true), 7, LOCAL, t0);
        let mut packets = sent(&mut probe);
        probe.handle_timeout(t0 + UDP_INTERVAL);
        packets.extend(sent(&mut probe));
        probe.handle_timeout(t0 + UDP_INTERVAL * 2);
        packets.extend(sent(&mut probe));
        assert_eq!(packets.len(), 3);
        let payload = Ipv4Packet::parse(&packets[1])
            .unwrap()
            .udp()
            .unwrap()
            .payload;
        assert_eq!(payload, b"l2tp-emulator subscriber 7 datagram 1");
        assert_eq!(probe.poll_timeout(), Some(t0 + UDP_INTERVAL * 2 + UDP_WAIT));
        for packet in &packets[..2] {
            assert!(probe.handle_packet(&ip_host::reply(packet).unwrap()));
        }
        assert!(!probe.finished(), "waits for the third");
        assert!(probe.handle_packet(&ip_host::reply(&packets[2]).unwrap()));
        assert!(probe.finished() && probe.udp_answered());
        assert_eq!(
            probe.counters(),
            IpCounters {
                udp_sent: 3,
                udp_replies: 3,
                ..IpCounters::default()
            }
        );
        // Our own datagram is not a reply (it comes from us, not the server).
        assert!(!probe.handle_packet(&packets[0]));
    }

    #[test]
    fn stopped_it_sends_nothing_more() {
        let t0 = Instant::now();
        let mut probe = IpProbe::new(&config(true, true), 1, LOCAL, t0);
        assert_eq!(sent(&mut probe).len(), 2);
        probe.stop();
        assert!(probe.finished());
        probe.handle_timeout(t0 + PING_INTERVAL);
        assert!(sent(&mut probe).is_empty());
    }
}
