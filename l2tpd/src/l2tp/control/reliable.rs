//! Reliable delivery of control messages (RFC 2661 §5.8 and appendix A): Ns/Nr, the peer's
//! receive window, slow start and congestion avoidance, retransmission on the Junos schedule,
//! acknowledgement, duplicate detection and in-order delivery of out-of-order arrivals.
//!
//! Acknowledgement policy: every received message makes an acknowledgement due. The next
//! `poll_transmit` sends it piggy-backed on whatever message goes out first, or as a ZLB if
//! nothing does. The runtime polls after handling a datagram and the events it produced, so a
//! reply the owner queues in that turn (an SCCCN, an ICRP) carries the ack and no ZLB is sent;
//! no delayed-ack timer is needed, and the peer's retransmission timer is never left running
//! on our account.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::config::RetransmitSettings;
use super::seq;
use super::stats::ControlStats;
use crate::l2tp::wire::{zlb, ControlHeader, ControlMessage, ControlMessageBuilder, WireError};

/// Where Nr sits in a control header (flags/version, Length, Tunnel ID, Session ID, Ns, Nr:
/// RFC 2661 §3.1). Each (re)transmission carries our current Nr, so a retransmission also
/// acknowledges what arrived since the first attempt.
const NR_OFFSET: usize = 10;

/// A message sent through its whole retransmission schedule without an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exhausted;

/// Which retransmission count a message is subject to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// SCCRQ, SCCRP, SCCCN: `retransmission-count-not-established`.
    Establishment,
    /// Everything else: `retransmission-count-established`.
    Established,
    /// An SCCRP sent while SCCRQs flood in: never retransmitted on a timer (each one would
    /// send five datagrams more to an address that proved nothing), sent again when the peer
    /// repeats the message it answers (a repeat means it was lost), and given up after the
    /// full `retransmission-count-not-established` cycle as any establishment message.
    Quiet,
}

/// What one received message amounted to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// A ZLB: it only acknowledged.
    Zlb,
    /// The message was the next one expected: it and any held messages it unblocked, in order.
    Delivered(Vec<ControlMessage>),
    /// Already delivered; acknowledged again.
    Duplicate,
    /// Ahead of a gap; held until the gap fills.
    Held,
    /// Beyond our receive window; dropped.
    OutOfWindow,
}

/// A snapshot of the send window, for `show` output and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowState {
    pub cwnd: u16,
    pub ssthresh: u16,
    pub peer_rx_window: u16,
    /// Messages sent and not yet acknowledged.
    pub in_flight: usize,
    /// Messages queued behind the window.
    pub unsent: usize,
}

#[derive(Debug)]
struct Unsent {
    ns: u16,
    bytes: Vec<u8>,
    phase: Phase,
}

#[derive(Debug)]
struct InFlight {
    ns: u16,
    bytes: Vec<u8>,
    /// Retransmissions allowed, fixed when the message was first sent.
    limit: u32,
    retransmissions: u32,
    /// The schedule it was first sent under (a commit changes only later messages').
    settings: RetransmitSettings,
    wait: Duration,
    deadline: Instant,
    /// `tunnel-timeout` after the first send: unacknowledged by then, the peer is gone.
    give_up_at: Option<Instant>,
    /// Its timer ran out: the next `poll_transmit` sends it again.
    resend: bool,
    /// [`Phase::Quiet`]: its timer only gives up; a repeat from the peer resends it.
    quiet: bool,
    /// Sent again on the peer's word ([`ReliableChannel::fast_retransmit`]) since its timer
    /// last ran out: once per wait.
    fast_resent: bool,
}

impl InFlight {
    /// The next retransmission, or the give-up time if that comes first.
    fn next_deadline(&self, now: Instant) -> Instant {
        let retransmit = now + self.wait;
        self.give_up_at.map_or(retransmit, |g| g.min(retransmit))
    }

    fn spent(&self, now: Instant) -> bool {
        self.retransmissions >= self.limit || self.give_up_at.is_some_and(|g| now >= g)
    }
}

#[derive(Debug)]
pub struct ReliableChannel {
    settings: RetransmitSettings,
    /// The peer's Tunnel ID, for the header of our ZLBs (0 until the peer assigned one).
    peer_tunnel_id: u16,
    /// Ns of the next message queued.
    next_ns: u16,
    /// Ns of the next message we expect: our Nr.
    expected_ns: u16,
    unsent: VecDeque<Unsent>,
    in_flight: VecDeque<InFlight>,
    cwnd: u16,
    ssthresh: u16,
    /// Acknowledgements counted towards the next congestion-avoidance increase.
    acks_in_avoidance: u16,
    peer_rx_window: u16,
    /// Slot `i` holds the message with Ns `expected_ns + i`; slot 0 is always empty, since that
    /// one is delivered at once. Its length is our receive window.
    held: VecDeque<Option<ControlMessage>>,
    ack_due: bool,
    /// A message sent once, outside the retransmission machinery (the StopCCN of a tunnel
    /// that gave up on its peer).
    once: Option<Vec<u8>>,
    pub stats: ControlStats,
}

impl ReliableChannel {
    pub fn new(settings: RetransmitSettings, rx_window: u16) -> Self {
        let peer_rx_window = super::config::DEFAULT_RX_WINDOW;
        Self {
            settings,
            peer_tunnel_id: 0,
            next_ns: 0,
            expected_ns: 0,
            unsent: VecDeque::new(),
            in_flight: VecDeque::new(),
            // Appendix A: start with a window of one message and slow-start up to the peer's
            // receive window.
            cwnd: 1,
            ssthresh: peer_rx_window,
            acks_in_avoidance: 0,
            peer_rx_window,
            held: std::iter::repeat_with(|| None)
                .take(usize::from(rx_window.max(1)))
                .collect(),
            ack_due: false,
            once: None,
            stats: ControlStats::default(),
        }
    }

    /// Starts both sequence spaces elsewhere than 0. RFC 2661 starts them at 0; this exists
    /// so the 65535 → 0 wrap can be exercised without sending 65536 messages first.
    #[cfg(test)]
    pub fn with_sequence(mut self, next_ns: u16, expected_ns: u16) -> Self {
        self.next_ns = next_ns;
        self.expected_ns = expected_ns;
        self
    }

    pub fn set_settings(&mut self, settings: RetransmitSettings) {
        self.settings = settings;
    }

    pub fn settings(&self) -> RetransmitSettings {
        self.settings
    }

    pub fn set_peer_tunnel_id(&mut self, id: u16) {
        self.peer_tunnel_id = id;
    }

    /// The peer's Receive Window Size (absent: 4). A window of 0 would deadlock the channel,
    /// so it counts as 1.
    pub fn set_peer_rx_window(&mut self, window: u16) {
        self.peer_rx_window = window.max(1);
        self.ssthresh = self.peer_rx_window;
        self.cwnd = self.cwnd.min(self.peer_rx_window);
    }

    /// The responder learns the peer's first Ns from its SCCRQ.
    pub fn expect_first(&mut self, ns: u16) {
        self.expected_ns = ns;
    }

    pub fn window(&self) -> WindowState {
        WindowState {
            cwnd: self.cwnd,
            ssthresh: self.ssthresh,
            peer_rx_window: self.peer_rx_window,
            in_flight: self.in_flight.len(),
            unsent: self.unsent.len(),
        }
    }

    /// Nothing waits to be sent or acknowledged.
    pub fn is_idle(&self) -> bool {
        self.unsent.is_empty() && self.in_flight.is_empty()
    }

    /// Gives each message its Ns and queues it behind those already queued.
    pub fn queue(
        &mut self,
        builder: &ControlMessageBuilder,
        tunnel_id: u16,
        session_id: u16,
        phase: Phase,
        secret: Option<&[u8]>,
    ) -> Result<(), WireError> {
        let header = ControlHeader {
            tunnel_id,
            session_id,
            ns: self.next_ns,
            nr: self.expected_ns,
        };
        let bytes = builder.emit(header, secret)?;
        self.unsent.push_back(Unsent {
            ns: self.next_ns,
            bytes,
            phase,
        });
        self.next_ns = self.next_ns.wrapping_add(1);
        Ok(())
    }

    /// Sends a message once, with the next Ns, and never retransmits it: for the last word to
    /// a peer that acknowledged nothing through a whole retransmission schedule. Whatever is
    /// queued or in flight is forgotten, so nothing else follows it.
    pub fn send_once(
        &mut self,
        builder: &ControlMessageBuilder,
        tunnel_id: u16,
        session_id: u16,
        secret: Option<&[u8]>,
    ) -> Result<(), WireError> {
        self.abandon();
        let header = ControlHeader {
            tunnel_id,
            session_id,
            ns: self.next_ns,
            nr: self.expected_ns,
        };
        self.once = Some(builder.emit(header, secret)?);
        Ok(())
    }

    /// Forgets messages never sent, giving their Ns back: used before a StopCCN, which must
    /// not wait behind session messages the peer will never act on.
    pub fn drop_unsent(&mut self) {
        if let Some(first) = self.unsent.front() {
            self.next_ns = first.ns;
        }
        self.unsent.clear();
    }

    /// Stops sending anything but acknowledgements: the peer has gone.
    pub fn abandon(&mut self) {
        self.drop_unsent();
        self.in_flight.clear();
    }

    /// Takes one received message through acknowledgement and sequencing.
    pub fn receive(&mut self, msg: ControlMessage) -> Receipt {
        let advanced = self.acknowledge(msg.header.nr);
        if msg.is_zlb() {
            self.stats.zlb_received += 1;
            if !advanced {
                self.fast_retransmit(msg.header.nr);
            }
            return Receipt::Zlb;
        }
        // Every sequenced message is acknowledged, duplicates included (RFC 2661 §5.8): a
        // duplicate means our earlier acknowledgement was lost.
        self.ack_due = true;
        let ns = msg.header.ns;
        let ahead = usize::from(seq::distance(self.expected_ns, ns));
        if ahead == 0 {
            let mut delivered = vec![msg];
            self.advance();
            while let Some(Some(_)) = self.held.front() {
                if let Some(Some(next)) = self.held.pop_front() {
                    delivered.push(next);
                }
                self.held.push_back(None);
                self.expected_ns = self.expected_ns.wrapping_add(1);
            }
            return Receipt::Delivered(delivered);
        }
        if seq::before(ns, self.expected_ns) {
            self.stats.duplicates += 1;
            // The peer never heard our reply: a quiet one goes again, and carries the
            // acknowledgement a ZLB would have (a ZLB alone would end the peer's
            // retransmissions, and with them the only ones left).
            for m in self.in_flight.iter_mut().filter(|m| m.quiet) {
                m.resend = true;
            }
            return Receipt::Duplicate;
        }
        match self.held.get_mut(ahead) {
            Some(slot @ None) => {
                *slot = Some(msg);
                self.stats.out_of_order += 1;
                Receipt::Held
            }
            Some(Some(_)) => {
                self.stats.duplicates += 1;
                Receipt::Duplicate
            }
            None => {
                self.stats.out_of_window += 1;
                Receipt::OutOfWindow
            }
        }
    }

    fn advance(&mut self) {
        self.held.pop_front();
        self.held.push_back(None);
        self.expected_ns = self.expected_ns.wrapping_add(1);
    }

    /// Nr acknowledges every message before it. An Nr older than our oldest unacknowledged
    /// message is stale (a reordered or duplicated datagram); one beyond what we sent is bogus.
    /// Both are ignored.
    /// Returns whether anything was acknowledged.
    fn acknowledge(&mut self, nr: u16) -> bool {
        let Some(oldest) = self.in_flight.front() else {
            return false;
        };
        let acked = usize::from(seq::distance(oldest.ns, nr));
        if acked == 0 || acked > self.in_flight.len() {
            return false;
        }
        for _ in 0..acked {
            self.in_flight.pop_front();
            self.open_window();
        }
        true
    }

    /// A ZLB that acknowledges nothing new while later messages are in flight: the peer
    /// acknowledges each arrival, so one of those later messages reached it and the oldest
    /// did not (lost, or late). The oldest goes again at once, once per wait, outside its
    /// schedule (its timer and its retransmission count are unchanged): otherwise a few
    /// losses of one message in a row hold every later message of the tunnel behind it
    /// for the doubling waits, tens of seconds on a lossy path (seen in
    /// `engine::lossy_sim_tests` and in CI's `l2tp_lossy`). TCP's fast retransmit, on the
    /// first duplicate acknowledgement: a control channel has too few messages in flight
    /// to wait for three.
    fn fast_retransmit(&mut self, nr: u16) {
        if self.in_flight.len() < 2 {
            return;
        }
        let Some(oldest) = self.in_flight.front_mut() else {
            return;
        };
        if oldest.ns != nr || oldest.quiet || oldest.fast_resent {
            return;
        }
        oldest.fast_resent = true;
        oldest.resend = true;
        self.stats.fast_retransmissions += 1;
    }

    /// Appendix A: below the threshold each acknowledgement widens the window by one (slow
    /// start); above it, a full window's worth of acknowledgements does (congestion avoidance).
    fn open_window(&mut self) {
        if self.cwnd < self.ssthresh {
            self.cwnd += 1;
        } else {
            self.acks_in_avoidance += 1;
            if self.acks_in_avoidance >= self.cwnd {
                self.cwnd = self.cwnd.saturating_add(1);
                self.acks_in_avoidance = 0;
            }
        }
        self.cwnd = self.cwnd.min(self.peer_rx_window);
    }

    /// How long a quiet message waits for its acknowledgement: the whole cycle its
    /// retransmissions would have taken.
    fn quiet_wait(&self) -> Duration {
        self.settings
            .full_cycle(self.settings.count_not_established)
    }

    /// Makes the establishment messages in flight quiet (see [`Phase::Quiet`]): an SCCRQ flood
    /// began after they were sent. Each waits a whole cycle from now before giving up.
    pub fn quieten(&mut self, now: Instant) {
        let wait = self.quiet_wait();
        for m in self.in_flight.iter_mut().filter(|m| !m.quiet) {
            m.quiet = true;
            m.limit = m.retransmissions;
            m.wait = wait;
            m.deadline = m.next_deadline(now);
        }
    }

    /// The earliest retransmission deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.in_flight.iter().map(|m| m.deadline).min()
    }

    /// Marks every message whose wait ran out for retransmission, or reports that one has no
    /// retransmissions left, or has been unacknowledged for the group's `tunnel-timeout`.
    /// Each message keeps its own schedule: the first wait is
    /// `minimum-retransmission-interval`, each later one doubles up to 16 s (or the group's
    /// `retransmit-interval`).
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Exhausted> {
        let mut any = false;
        for m in self.in_flight.iter_mut().filter(|m| m.deadline <= now) {
            if m.spent(now) {
                return Err(Exhausted);
            }
            m.retransmissions += 1;
            m.fast_resent = false;
            m.wait = m.settings.next_wait(m.wait);
            m.deadline = m.next_deadline(now);
            m.resend = true;
            any = true;
        }
        if any {
            // Appendix A: a loss halves the threshold and restarts slow start.
            self.ssthresh = (self.cwnd / 2).max(1);
            self.cwnd = 1;
            self.acks_in_avoidance = 0;
        }
        Ok(())
    }

    /// The next datagram to send: a retransmission, a new message if the window allows, or a
    /// ZLB if an acknowledgement is due and nothing else carried it.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<Vec<u8>> {
        let nr = self.expected_ns;
        if let Some(bytes) = self.poll_once() {
            return Some(bytes);
        }
        if let Some(m) = self.in_flight.iter_mut().find(|m| m.resend) {
            m.resend = false;
            stamp_nr(&mut m.bytes, nr);
            let bytes = m.bytes.clone();
            self.stats.retransmissions += 1;
            return Some(self.sent(bytes));
        }
        let window = usize::from(self.cwnd.min(self.peer_rx_window));
        if self.in_flight.len() < window {
            if let Some(Unsent {
                ns,
                mut bytes,
                phase,
            }) = self.unsent.pop_front()
            {
                stamp_nr(&mut bytes, nr);
                let limit = match phase {
                    Phase::Establishment => self.settings.count_not_established,
                    Phase::Established => self.settings.count_established,
                    Phase::Quiet => 0,
                };
                let quiet = phase == Phase::Quiet;
                let mut message = InFlight {
                    ns,
                    bytes: bytes.clone(),
                    limit,
                    retransmissions: 0,
                    settings: self.settings,
                    wait: self.settings.first_wait(),
                    deadline: now,
                    give_up_at: self.settings.give_up_after.map(|after| now + after),
                    resend: false,
                    quiet,
                    fast_resent: false,
                };
                if quiet {
                    message.wait = self.quiet_wait();
                }
                message.deadline = message.next_deadline(now);
                self.in_flight.push_back(message);
                return Some(self.sent(bytes));
            }
        }
        if self.ack_due {
            // A ZLB carries the Ns of the next message we will send, without consuming it.
            let bytes = zlb(ControlHeader {
                tunnel_id: self.peer_tunnel_id,
                session_id: 0,
                ns: self.unsent.front().map_or(self.next_ns, |u| u.ns),
                nr,
            });
            self.stats.zlb_sent += 1;
            return Some(self.sent(bytes));
        }
        None
    }

    /// The message of `send_once`, if it has not gone out yet.
    pub fn poll_once(&mut self) -> Option<Vec<u8>> {
        let bytes = self.once.take()?;
        Some(self.sent(bytes))
    }

    fn sent(&mut self, bytes: Vec<u8>) -> Vec<u8> {
        self.ack_due = false;
        self.stats.tx_packets += 1;
        self.stats.tx_bytes += bytes.len() as u64;
        bytes
    }
}

fn stamp_nr(bytes: &mut [u8], nr: u16) {
    if let Some(field) = bytes.get_mut(NR_OFFSET..NR_OFFSET + 2) {
        field.copy_from_slice(&nr.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::{Avp, MessageType};

    fn message(serial: u32) -> ControlMessageBuilder {
        ControlMessageBuilder::new(MessageType::ICRQ)
            .avp(Avp::AssignedSessionId(1))
            .avp(Avp::CallSerialNumber(serial))
    }

    fn parse(bytes: &[u8]) -> ControlMessage {
        ControlMessage::parse(bytes, None).expect("our own datagram parses")
    }

    fn ack(nr: u16) -> ControlMessage {
        parse(&zlb(ControlHeader {
            tunnel_id: 1,
            session_id: 0,
            ns: 0,
            nr,
        }))
    }

    fn serial(msg: &ControlMessage) -> Option<u32> {
        match msg.get(crate::l2tp::wire::attribute::attr::CALL_SERIAL_NUMBER) {
            Some(Avp::CallSerialNumber(n)) => Some(*n),
            _ => None,
        }
    }

    fn channel(rx_window: u16) -> ReliableChannel {
        ReliableChannel::new(RetransmitSettings::default(), rx_window)
    }

    #[test]
    fn slow_start_then_congestion_avoidance_never_exceeding_cwnd() {
        let now = Instant::now();
        let mut tx = channel(4);
        tx.set_peer_rx_window(8);
        for n in 0..60 {
            tx.queue(&message(n), 1, 0, Phase::Established, None)
                .expect("encodes");
        }
        let mut cwnd_seen = Vec::new();
        let mut acked = 0u16;
        while !tx.is_idle() {
            // Send everything the window allows: a new message only while in_flight < cwnd.
            while let Some(bytes) = tx.poll_transmit(now) {
                assert!(!parse(&bytes).is_zlb());
                assert!(tx.window().in_flight <= usize::from(tx.window().cwnd));
            }
            cwnd_seen.push(tx.window().cwnd);
            // Acknowledge the oldest message only: one acknowledgement per round.
            acked = acked.wrapping_add(1);
            assert_eq!(tx.receive(ack(acked)), Receipt::Zlb);
        }
        // Slow start: +1 per acknowledgement up to ssthresh = the peer's window (8).
        assert_eq!(&cwnd_seen[..8], &[1, 2, 3, 4, 5, 6, 7, 8]);
        // Then congestion avoidance, capped by the peer's window: it stays at 8.
        assert!(cwnd_seen[8..].iter().all(|c| *c == 8));
    }

    /// Ns of a datagram we sent.
    fn ns_of(bytes: &[u8]) -> u16 {
        parse(bytes).header.ns
    }

    #[test]
    fn a_duplicate_acknowledgement_sends_the_oldest_again_at_once_once_per_wait() {
        let start = Instant::now();
        let mut tx = channel(4);
        tx.set_peer_rx_window(8);
        for n in 0..10 {
            tx.queue(&message(n), 1, 0, Phase::Established, None)
                .expect("encodes");
        }
        // Alone in flight, a ZLB that acknowledges nothing is no sign of a loss.
        assert_eq!(tx.poll_transmit(start).map(|b| ns_of(&b)), Some(0));
        assert_eq!(tx.receive(ack(0)), Receipt::Zlb);
        assert_eq!(tx.poll_transmit(start), None);
        // Window 2, then 3: Ns 2, 3 and 4 in flight.
        tx.receive(ack(1));
        while tx.poll_transmit(start).is_some() {}
        tx.receive(ack(2));
        while tx.poll_transmit(start).is_some() {}
        assert_eq!(tx.window().in_flight, 3);
        let timer = tx.poll_timeout();

        // The peer acknowledges Ns 3's arrival with Nr 2: Ns 2 goes again now, and its
        // schedule stays as it was.
        tx.receive(ack(2));
        assert_eq!(tx.poll_transmit(start).map(|b| ns_of(&b)), Some(2));
        assert_eq!(tx.poll_transmit(start), None);
        assert_eq!(tx.poll_timeout(), timer);
        // Ns 4's arrival says the same: not again before its timer runs out.
        tx.receive(ack(2));
        assert_eq!(tx.poll_transmit(start), None);
        assert_eq!(
            (tx.stats.retransmissions, tx.stats.fast_retransmissions),
            (1, 1)
        );

        // The timer runs out (every message in flight goes again), and the next duplicate
        // acknowledgement may send Ns 2 once more.
        let due = timer.expect("in flight");
        tx.handle_timeout(due).expect("retransmissions left");
        let resent: Vec<u16> = std::iter::from_fn(|| tx.poll_transmit(due))
            .map(|b| ns_of(&b))
            .collect();
        assert_eq!(resent, [2, 3, 4]);
        tx.receive(ack(2));
        assert_eq!(tx.poll_transmit(due).map(|b| ns_of(&b)), Some(2));
        assert_eq!(tx.stats.fast_retransmissions, 2);
        // An acknowledgement that moves on is no duplicate (and the window, back in slow
        // start after the timeout, has no room for Ns 5 yet).
        tx.receive(ack(3));
        assert_eq!(tx.poll_transmit(due), None);
        assert_eq!(tx.stats.fast_retransmissions, 2);
    }

    #[test]
    fn a_timeout_halves_the_threshold_and_restarts_slow_start() {
        let start = Instant::now();
        let mut tx = channel(4);
        tx.set_peer_rx_window(16);
        for n in 0..40 {
            tx.queue(&message(n), 1, 0, Phase::Established, None)
                .expect("encodes");
        }
        let mut next_nr = 0u16;
        // Grow to cwnd 6 with acknowledgements.
        while tx.window().cwnd < 6 {
            while tx.poll_transmit(start).is_some() {}
            next_nr += 1;
            tx.receive(ack(next_nr));
        }
        while tx.poll_transmit(start).is_some() {}
        let deadline = tx.poll_timeout().expect("messages in flight");
        tx.handle_timeout(deadline).expect("retransmissions left");
        let w = tx.window();
        assert_eq!((w.cwnd, w.ssthresh), (1, 3));
        // Retransmissions go out, but no new message while in_flight >= cwnd.
        let in_flight = w.in_flight;
        while tx.poll_transmit(deadline).is_some() {}
        assert_eq!(tx.window().in_flight, in_flight);
        assert_eq!(tx.stats.retransmissions, in_flight as u64);
        assert_eq!(in_flight, 6);
        // Six acknowledgements: slow start 1 -> 2 -> 3 (= ssthresh), then congestion
        // avoidance needs three more for 4, and the sixth only starts the next count.
        next_nr = next_nr.wrapping_add(6);
        tx.receive(ack(next_nr));
        assert_eq!(tx.window().cwnd, 4);
    }

    #[test]
    fn sequence_numbers_wrap_and_reordered_messages_are_delivered_in_order() {
        let now = Instant::now();
        let mut tx = channel(8).with_sequence(65533, 0);
        tx.set_peer_rx_window(8);
        let mut rx = channel(8).with_sequence(0, 65533);
        for n in 0..6 {
            tx.queue(&message(n), 1, 0, Phase::Established, None)
                .expect("encodes");
        }
        // Open the window fully before sending.
        tx.cwnd = 8;
        let mut sent = Vec::new();
        while let Some(bytes) = tx.poll_transmit(now) {
            sent.push(parse(&bytes));
        }
        let ns: Vec<u16> = sent.iter().map(|m| m.header.ns).collect();
        assert_eq!(ns, [65533, 65534, 65535, 0, 1, 2]);
        // Deliver 65535 and 0 before 65534, and 2 before 1.
        let order = [0usize, 2, 3, 1, 5, 4];
        let mut delivered = Vec::new();
        for i in order {
            if let Receipt::Delivered(msgs) = rx.receive(sent[i].clone()) {
                delivered.extend(msgs.iter().filter_map(serial));
            }
        }
        assert_eq!(delivered, [0, 1, 2, 3, 4, 5]);
        assert_eq!(rx.stats.out_of_order, 3);
        // The first message again, after the wrap: a duplicate, re-acknowledged with Nr 3.
        assert_eq!(rx.receive(sent[0].clone()), Receipt::Duplicate);
        let ack_bytes = rx.poll_transmit(now).expect("duplicate is acknowledged");
        let ack_msg = parse(&ack_bytes);
        assert!(ack_msg.is_zlb());
        assert_eq!(ack_msg.header.nr, 3);
        // The acknowledgement across the wrap frees all six.
        tx.receive(ack_msg);
        assert!(tx.is_idle());
    }

    #[test]
    fn messages_beyond_the_receive_window_are_dropped() {
        let now = Instant::now();
        let mut tx = channel(4);
        tx.set_peer_rx_window(16);
        tx.cwnd = 16;
        for n in 0..6 {
            tx.queue(&message(n), 1, 0, Phase::Established, None)
                .expect("encodes");
        }
        let sent: Vec<_> = std::iter::from_fn(|| tx.poll_transmit(now))
            .map(|b| parse(&b))
            .collect();
        let mut rx = channel(4);
        assert_eq!(rx.receive(sent[3].clone()), Receipt::Held);
        assert_eq!(rx.receive(sent[4].clone()), Receipt::OutOfWindow);
        assert_eq!(rx.receive(sent[3].clone()), Receipt::Duplicate);
        assert_eq!(rx.stats.out_of_window, 1);
        assert_eq!(rx.stats.duplicates, 1);
    }

    #[test]
    fn a_queued_reply_carries_the_ack_and_no_zlb_is_sent() {
        let now = Instant::now();
        let mut a = channel(4);
        let mut b = channel(4);
        a.queue(&message(1), 1, 0, Phase::Established, None)
            .expect("encodes");
        let first = parse(&a.poll_transmit(now).expect("sent"));
        assert!(matches!(b.receive(first), Receipt::Delivered(_)));
        b.queue(&message(2), 1, 0, Phase::Established, None)
            .expect("encodes");
        let reply = parse(&b.poll_transmit(now).expect("reply"));
        assert!(!reply.is_zlb());
        assert_eq!((reply.header.ns, reply.header.nr), (0, 1));
        assert_eq!(
            b.poll_transmit(now),
            None,
            "no ZLB after a piggy-backed ack"
        );
        assert_eq!(b.stats.zlb_sent, 0);
        a.receive(reply);
        assert!(a.window().in_flight == 0);
    }

    #[test]
    fn stale_and_bogus_nr_are_ignored() {
        let now = Instant::now();
        let mut tx = channel(4);
        for n in 0..2 {
            tx.queue(&message(n), 1, 0, Phase::Established, None)
                .expect("encodes");
        }
        tx.cwnd = 2;
        while tx.poll_transmit(now).is_some() {}
        tx.receive(ack(9)); // acknowledges messages never sent
        assert_eq!(tx.window().in_flight, 2);
        tx.receive(ack(1));
        assert_eq!(tx.window().in_flight, 1);
        tx.receive(ack(0)); // older than what is in flight
        assert_eq!(tx.window().in_flight, 1);
    }
}
