//! The emulator: N subscribers on one link, started at a bounded rate, demultiplexed by
//! destination MAC, timers in one queue (a heap with lazy deletion: O(log n) per deadline,
//! never a scan of every subscriber).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::time::Instant;

use l2tpd::ppp::client_link::ClientEvent as PppEvent;
use l2tpd::ppp::link::frame;
use l2tpd::ppp::wire::{split_frame, Protocol};
use l2tpd::pppoe::client::{ClientConfig, ClientEvent, DiscoveryClient, Received, SessionEnd};
use l2tpd::pppoe::wire::MacAddr;

use super::config::{EmulatorConfig, EndWith, UpAt};
use super::ip_probe::IpProbe;
use super::ppp_client::{PppClient, PppParams};
use super::probe;
use super::subscriber::{DownReason, Phase, Subscriber};
use super::summary::Summary;

/// Frames in and out, and the probes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameCounters {
    pub sent: u64,
    pub received: u64,
    /// Received for no subscriber of ours (another host's frame on a shared segment).
    pub unknown_destination: u64,
    pub probes_sent: u64,
    pub probe_replies: u64,
}

pub struct Emulator<P> {
    config: EmulatorConfig,
    subscribers: Vec<Subscriber<P>>,
    by_mac: HashMap<MacAddr, usize>,
    epoch: Option<Instant>,
    /// The next subscriber to start.
    next_start: usize,
    in_flight: usize,
    timers: BinaryHeap<Reverse<(Instant, usize)>>,
    transmit: VecDeque<Vec<u8>>,
    counters: FrameCounters,
    probe_identifier: u8,
    stopped: bool,
}

impl<P: PppClient> Emulator<P> {
    pub fn new(config: EmulatorConfig) -> Self {
        let subscribers: Vec<Subscriber<P>> = (0..config.count)
            .map(|index| Subscriber::new(index, DiscoveryClient::new(discovery(&config, index))))
            .collect();
        let by_mac = subscribers
            .iter()
            .map(|subscriber| (subscriber.discovery.mac(), subscriber.index))
            .collect();
        Self {
            config,
            subscribers,
            by_mac,
            epoch: None,
            next_start: 0,
            in_flight: 0,
            timers: BinaryHeap::new(),
            transmit: VecDeque::new(),
            counters: FrameCounters::default(),
            probe_identifier: 0,
            stopped: false,
        }
    }

    pub fn config(&self) -> &EmulatorConfig {
        &self.config
    }

    pub fn subscribers(&self) -> &[Subscriber<P>] {
        &self.subscribers
    }

    pub fn counters(&self) -> &FrameCounters {
        &self.counters
    }

    /// Starts the clock of the start rate; the first PADIs go out now.
    pub fn start(&mut self, now: Instant) {
        if self.epoch.is_none() {
            self.epoch = Some(now);
            self.start_due(now);
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        let frame = self.transmit.pop_front()?;
        self.counters.sent += 1;
        Some(frame)
    }

    /// The earliest of the next start and every subscriber's next deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let next_start = self.next_start_at();
        let next_timer = self.timers.peek().map(|Reverse((at, _))| *at);
        match (next_start, next_timer) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// One frame from the link.
    pub fn handle_frame(&mut self, bytes: &[u8], now: Instant) {
        self.counters.received += 1;
        let Some(index) = bytes
            .get(..6)
            .and_then(|dst| <[u8; 6]>::try_from(dst).ok())
            .and_then(|dst| self.by_mac.get(&MacAddr(dst)).copied())
        else {
            self.counters.unknown_destination += 1;
            return;
        };
        let subscriber = &mut self.subscribers[index];
        if let Received::SessionPpp(ppp) = subscriber.discovery.handle_frame(bytes, now) {
            if let Ok((Protocol::Ip, packet)) = split_frame(ppp) {
                // IP is ours, not PPP's: the replies to our pings and datagrams.
                if let Some(probe) = subscriber.ip_probe.as_mut() {
                    probe.handle_packet(packet);
                }
            } else if probe::is_echo_reply(ppp) {
                self.counters.probe_replies += 1;
                subscriber.probe_answered = true;
            } else if let Some(link) = subscriber.ppp.as_mut() {
                link.handle_frame(ppp, now);
            }
        }
        self.settle(index, now);
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.start_due(now);
        while let Some(Reverse((at, index))) = self.timers.peek().copied() {
            if at > now {
                break;
            }
            self.timers.pop();
            let subscriber = &mut self.subscribers[index];
            if subscriber.armed != Some(at) {
                continue; // Superseded by a later deadline.
            }
            subscriber.armed = None;
            subscriber.discovery.handle_timeout(now);
            if let Some(link) = subscriber.ppp.as_mut() {
                link.handle_timeout(now);
            }
            if let Some(probe) = subscriber.ip_probe.as_mut() {
                probe.handle_timeout(now);
            }
            if subscriber.hold_until.is_some_and(|until| until <= now) {
                subscriber.hold_until = None;
                self.end_hold(index, now);
            }
            self.settle(index, now);
        }
        self.start_due(now);
    }

    /// Sends one probe (an LCP Echo-Request) on every subscriber whose LCP is open and whose
    /// probe has not been answered yet; replies are counted in `counters().probe_replies`
    /// and mark the subscriber answered. Returns how many were sent. Call it again for the
    /// ones still unanswered: a probe is one frame, and a pass-through LAC drops frames that
    /// come before its L2TP session to the LNS is established.
    pub fn send_probes(&mut self) -> usize {
        self.probe_identifier = self.probe_identifier.wrapping_add(1);
        let request = probe::echo_request(self.probe_identifier);
        let mut sent = 0;
        for subscriber in &mut self.subscribers {
            if !subscriber.probe_outstanding() {
                continue;
            }
            if let Some(frame) = subscriber.discovery.session_frame(&request) {
                self.transmit.push_back(frame);
                sent += 1;
            }
        }
        self.counters.probes_sent += sent as u64;
        sent
    }

    /// Subscribers with LCP open whose probe has not been answered.
    pub fn probes_outstanding(&self) -> usize {
        self.subscribers
            .iter()
            .filter(|subscriber| subscriber.probe_outstanding())
            .count()
    }

    /// Ends every subscriber: a PADT for each session, and no more starts.
    pub fn stop(&mut self, now: Instant) {
        self.stopped = true;
        for index in 0..self.subscribers.len() {
            let subscriber = &mut self.subscribers[index];
            if subscriber.down.is_some() || subscriber.phase == Phase::Waiting {
                continue;
            }
            Self::go_down(subscriber, DownReason::Stopped, now);
            self.settle(index, now);
        }
    }

    /// Every subscriber met the `--up-at` criterion (some may have left since, as planned).
    pub fn all_up(&self) -> bool {
        self.subscribers.iter().all(Subscriber::is_up)
    }

    /// Nothing more will happen without outside help: every subscriber is down, or up and
    /// holding without an end, its IP probes done.
    pub fn settled(&self) -> bool {
        self.subscribers.iter().all(|subscriber| {
            subscriber.down.is_some()
                || (subscriber.is_up()
                    && self.config.hold.is_none()
                    && subscriber.phase != Phase::Closing
                    && subscriber.ip_probe.as_ref().is_none_or(IpProbe::finished))
        })
    }

    /// Every subscriber that got an address had a reply to its pings (with `--ping`) and to
    /// its datagrams (with `--udp`); true without them.
    pub fn ip_probes_answered(&self) -> bool {
        if !self.config.ip_probes.is_active() {
            return true;
        }
        self.subscribers.iter().all(|subscriber| {
            subscriber.is_up()
                && subscriber
                    .ip_probe
                    .as_ref()
                    .is_some_and(|p| p.ping_answered() && p.udp_answered())
        })
    }

    pub fn summary(&self) -> Summary {
        Summary::of(&self.subscribers, &self.counters)
    }

    fn next_start_at(&self) -> Option<Instant> {
        let epoch = self.epoch?;
        if self.stopped
            || self.next_start >= self.subscribers.len()
            || self.in_flight >= self.config.max_in_flight
        {
            return None;
        }
        Some(epoch + self.config.start_offset(self.next_start))
    }

    fn start_due(&mut self, now: Instant) {
        while let Some(at) = self.next_start_at() {
            if at > now {
                break;
            }
            let index = self.next_start;
            self.next_start += 1;
            let subscriber = &mut self.subscribers[index];
            subscriber.discovery.start(now);
            subscriber.phase = Phase::Discovering;
            subscriber.times.padi_sent = Some(now);
            subscriber.counted_in_flight = true;
            self.in_flight += 1;
            self.settle(index, now);
        }
    }

    /// After anything happened to subscriber `index`: act on its events until none is left,
    /// queue what it sends, and re-arm its timer.
    fn settle(&mut self, index: usize, now: Instant) {
        let config = &self.config;
        let subscriber = &mut self.subscribers[index];
        loop {
            let mut progressed = false;
            // Frames first: what PPP queued before an event that ends the session (the
            // Terminate-Request before Down) must still leave ahead of the PADT.
            while let Some(ppp) = subscriber.ppp.as_mut().and_then(P::poll_transmit) {
                progressed = true;
                if let Some(frame) = subscriber.discovery.session_frame(&ppp) {
                    self.transmit.push_back(frame);
                }
            }
            while let Some(packet) = subscriber
                .ip_probe
                .as_mut()
                .and_then(IpProbe::poll_transmit)
            {
                progressed = true;
                if let Some(frame) = subscriber
                    .discovery
                    .session_frame(&frame(Protocol::Ip, &packet))
                {
                    self.transmit.push_back(frame);
                }
            }
            while let Some(frame) = subscriber.discovery.poll_transmit() {
                progressed = true;
                self.transmit.push_back(frame);
            }
            while let Some(event) = subscriber.discovery.poll_event() {
                progressed = true;
                Self::on_discovery(config, subscriber, event, now);
            }
            while let Some(event) = subscriber.ppp.as_mut().and_then(P::poll_event) {
                progressed = true;
                Self::on_ppp(config, subscriber, event, now);
            }
            if !progressed {
                break;
            }
        }
        if subscriber.counted_in_flight && !subscriber.in_flight() {
            subscriber.counted_in_flight = false;
            self.in_flight -= 1;
        }
        let deadline = [
            subscriber.discovery.poll_timeout(),
            subscriber.ppp.as_ref().and_then(P::poll_timeout),
            subscriber.ip_probe.as_ref().and_then(IpProbe::poll_timeout),
            subscriber.hold_until,
        ]
        .into_iter()
        .flatten()
        .min();
        if deadline != subscriber.armed {
            subscriber.armed = deadline;
            if let Some(at) = deadline {
                self.timers.push(Reverse((at, index)));
            }
        }
    }

    fn on_discovery(
        config: &EmulatorConfig,
        subscriber: &mut Subscriber<P>,
        event: ClientEvent,
        now: Instant,
    ) {
        match event {
            ClientEvent::SessionUp { max_payload, .. } => {
                subscriber.times.pads = Some(now);
                subscriber.reach(Phase::Session);
                let mut link = P::new(PppParams {
                    user: config.user_name(subscriber.index).into_bytes(),
                    password: config.password.clone(),
                    mru: max_payload,
                    magic: config.magic(subscriber.index),
                    ipcp: config.up_at == UpAt::Ip,
                });
                link.start(now);
                subscriber.ppp = Some(link);
            }
            ClientEvent::Failed(failure) => {
                Self::go_down(subscriber, DownReason::Discovery(failure), now)
            }
            ClientEvent::SessionDown(SessionEnd::PeerPadt) => {
                Self::go_down(subscriber, DownReason::PeerPadt, now)
            }
            // Our own PADT: the reason was recorded when we decided to send it.
            ClientEvent::SessionDown(SessionEnd::Terminated) => {}
        }
    }

    fn on_ppp(
        config: &EmulatorConfig,
        subscriber: &mut Subscriber<P>,
        event: PppEvent,
        now: Instant,
    ) {
        if subscriber.down.is_some() {
            return;
        }
        let times = &mut subscriber.times;
        let reached = match event {
            PppEvent::LcpUp => {
                times.lcp_up = Some(now);
                Phase::LcpUp
            }
            PppEvent::AuthSent => {
                times.auth_sent = Some(now);
                Phase::AuthSent
            }
            PppEvent::Authenticated => {
                times.authenticated = Some(now);
                Phase::Authenticated
            }
            PppEvent::IpUp { local, .. } => {
                times.ip_up = Some(now);
                subscriber.address = Some(local);
                if config.ip_probes.is_active() && subscriber.ip_probe.is_none() {
                    subscriber.ip_probe = Some(IpProbe::new(
                        &config.ip_probes,
                        subscriber.index,
                        local,
                        now,
                    ));
                }
                Phase::IpUp
            }
            PppEvent::AuthFailed(message) => {
                return Self::go_down(subscriber, DownReason::AuthFailed(message), now);
            }
            PppEvent::Down(reason) => {
                // The Terminate we sent at the end of the hold time is done.
                let reason = if subscriber.phase == Phase::Closing {
                    DownReason::HoldEnded
                } else {
                    DownReason::Ppp(reason)
                };
                return Self::go_down(subscriber, reason, now);
            }
        };
        if subscriber.phase == Phase::Closing {
            return;
        }
        subscriber.reach(reached);
        let criterion = match config.up_at {
            UpAt::AuthSent => Phase::AuthSent,
            UpAt::Authenticated => Phase::Authenticated,
            UpAt::Ip => Phase::IpUp,
        };
        if reached == criterion && subscriber.times.up.is_none() {
            subscriber.times.up = Some(now);
            subscriber.hold_until = config.hold.map(|hold| now + hold);
        }
    }

    fn end_hold(&mut self, index: usize, now: Instant) {
        let subscriber = &mut self.subscribers[index];
        if subscriber.down.is_some() {
            return;
        }
        match (self.config.end_with, subscriber.ppp.as_mut()) {
            (EndWith::LcpTerminate, Some(link)) => {
                subscriber.phase = Phase::Closing;
                link.close(now);
            }
            _ => Self::go_down(subscriber, DownReason::HoldEnded, now),
        }
    }

    /// Records the end and sends the PADT if the session is still ours to end.
    fn go_down(subscriber: &mut Subscriber<P>, reason: DownReason, now: Instant) {
        if subscriber.down.is_some() {
            return;
        }
        subscriber.down = Some(reason);
        subscriber.times.down = Some(now);
        subscriber.phase = Phase::Down;
        subscriber.hold_until = None;
        subscriber.discovery.terminate();
        if let Some(link) = subscriber.ppp.as_mut() {
            link.lower_down();
        }
        if let Some(probe) = subscriber.ip_probe.as_mut() {
            probe.stop();
        }
    }
}

fn discovery(config: &EmulatorConfig, index: usize) -> ClientConfig {
    let mut discovery = ClientConfig::new(config.mac(index));
    discovery.vlans = config.vlans.clone();
    discovery.service_name = config.service_name.clone();
    discovery.host_uniq = (index as u32).to_be_bytes().to_vec();
    discovery.ac_name = config.ac_name.clone();
    discovery.max_payload = config.max_payload;
    discovery
}
