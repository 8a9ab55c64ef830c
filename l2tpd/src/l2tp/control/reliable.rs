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
    wait: Duration,
    deadline: Instant,
    /// Its timer ran out: the next `poll_transmit` sends it again.
    resend: bool,
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
        self.acknowledge(msg.header.nr);
        if msg.is_zlb() {
            self.stats.zlb_received += 1;
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
    fn acknowledge(&mut self, nr: u16) {
        let Some(oldest) = self.in_flight.front() else {
            return;
        };
        let acked = usize::from(seq::distance(oldest.ns, nr));
        if acked == 0 || acked > self.in_flight.len() {
            return;
        }
        for _ in 0..acked {
            self.in_flight.pop_front();
            self.open_window();
        }
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

    /// The earliest retransmission deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.in_flight.iter().map(|m| m.deadline).min()
    }

    /// Marks every message whose wait ran out for retransmission, or reports that one has no
    /// retransmissions left. Each message keeps its own schedule: the first wait is
    /// `minimum-retransmission-interval`, each later one doubles up to 16 s.
    pub fn handle_timeout(&mut self, now: Instant) -> Result<(), Exhausted> {
        let mut any = false;
        for m in self.in_flight.iter_mut().filter(|m| m.deadline <= now) {
            if m.retransmissions >= m.limit {
                return Err(Exhausted);
            }
            m.retransmissions += 1;
            m.wait = RetransmitSettings::next_wait(m.wait);
            m.deadline = now + m.wait;
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
                };
                let wait = self.settings.first_wait();
                self.in_flight.push_back(InFlight {
                    ns,
                    bytes: bytes.clone(),
                    limit,
                    retransmissions: 0,
                    wait,
                    deadline: now + wait,
                    resend: false,
                });
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
