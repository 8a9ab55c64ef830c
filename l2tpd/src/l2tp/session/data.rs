//! The data channel of one session (RFC 2661 §3.1, §5.4, §5.8): PPP frames in and out of data
//! messages, the optional Ns sequence, and the per-session counters.
//!
//! Sequencing: a LAC that sends Sequencing Required obliges both sides to sequence; otherwise
//! the LNS decides, and the LAC follows the S bit of what the LNS sends (§5.4). Nr is reserved
//! in data messages: sent as 0, ignored on receipt. Received Ns is checked against the next
//! one expected; a message at or behind it (within half the 16-bit space, as for control
//! messages) is a duplicate or arrived out of order and is dropped, which §5.8 permits rather
//! than holding frames back to reorder them; PPP above copes with loss.

use thiserror::Error;

use crate::l2tp::wire::{DataHeader, DataMessage, Sequence, WireError};

/// Counters of one session's data channel (the MIB's per-session Data Tx/Rx and error rows).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounters {
    pub tx_packets: u64,
    /// PPP octets sent (without the L2TP header).
    pub tx_bytes: u64,
    pub rx_packets: u64,
    /// PPP octets received and passed up.
    pub rx_bytes: u64,
    /// Received with the Ns of the message accepted just before.
    pub rx_duplicates: u64,
    /// Received behind the expected Ns (late, reordered): dropped.
    pub rx_out_of_order: u64,
    /// Ns values skipped over: messages lost (or still to come, then counted out of order).
    pub rx_missing: u64,
    /// Data messages refused before sequencing: the session is not up.
    pub rx_discarded: u64,
}

/// Why a data message was not passed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum DataDrop {
    #[error("session is not established")]
    NotEstablished,
    #[error("duplicate data message Ns {ns}")]
    Duplicate { ns: u16 },
    #[error("data message Ns {ns} arrived out of order (expected {expected})")]
    OutOfOrder { ns: u16, expected: u16 },
}

/// Why a PPP frame could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum EncapError {
    #[error("session is not established")]
    NotEstablished,
    #[error(transparent)]
    Wire(#[from] WireError),
}

/// Which end of the call this data channel is; only the LAC follows the peer's S bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SequencingAuthority {
    /// The LNS: sequences when it or the LAC required it, whatever arrives.
    Decides,
    /// The LAC: sequences when it required it, or while the LNS does.
    FollowsPeer,
}

#[derive(Debug, Clone)]
pub(super) struct DataChannel {
    authority: SequencingAuthority,
    /// Sequencing both sides agreed on at set-up; it cannot be switched off.
    required: bool,
    sending_sequenced: bool,
    next_tx_ns: u16,
    /// `None` until the first sequenced message, which sets the baseline: the peer may start
    /// sequencing mid-session.
    expected_rx_ns: Option<u16>,
    pub(super) counters: SessionCounters,
}

/// Half the sequence space: the RFC 2661 §5.8 window for "behind" versus "ahead".
const HALF_SPACE: u16 = 0x8000;

impl DataChannel {
    pub(super) fn new(authority: SequencingAuthority) -> Self {
        Self {
            authority,
            required: false,
            sending_sequenced: false,
            next_tx_ns: 0,
            expected_rx_ns: None,
            counters: SessionCounters::default(),
        }
    }

    pub(super) fn require_sequencing(&mut self) {
        self.required = true;
        self.sending_sequenced = true;
    }

    pub(super) fn sequencing(&self) -> bool {
        self.sending_sequenced
    }

    /// The data message for `ppp_frame`, addressed with the peer's IDs.
    pub(super) fn encapsulate(
        &mut self,
        peer_tunnel_id: u16,
        peer_session_id: u16,
        ppp_frame: &[u8],
    ) -> Result<Vec<u8>, WireError> {
        let sequence = self.sending_sequenced.then_some(Sequence {
            ns: self.next_tx_ns,
            nr: 0,
        });
        let bytes = DataMessage {
            header: DataHeader {
                tunnel_id: peer_tunnel_id,
                session_id: peer_session_id,
                // The Length field lets the peer ignore link padding; it costs 2 octets.
                with_length: true,
                sequence,
                offset_pad: None,
                priority: false,
            },
            payload: ppp_frame,
        }
        .to_bytes()?;
        if sequence.is_some() {
            self.next_tx_ns = self.next_tx_ns.wrapping_add(1);
        }
        self.counters.tx_packets += 1;
        self.counters.tx_bytes += ppp_frame.len() as u64;
        Ok(bytes)
    }

    /// The PPP frame of a received data message, or why it is dropped.
    pub(super) fn decapsulate<'a>(
        &mut self,
        message: &DataMessage<'a>,
    ) -> Result<&'a [u8], DataDrop> {
        match message.header.sequence {
            Some(Sequence { ns, .. }) => {
                if self.authority == SequencingAuthority::FollowsPeer {
                    self.sending_sequenced = true;
                }
                self.check_sequence(ns)?;
            }
            None => {
                if self.authority == SequencingAuthority::FollowsPeer && !self.required {
                    self.sending_sequenced = false;
                }
            }
        }
        self.counters.rx_packets += 1;
        self.counters.rx_bytes += message.payload.len() as u64;
        Ok(message.payload)
    }

    fn check_sequence(&mut self, ns: u16) -> Result<(), DataDrop> {
        if let Some(expected) = self.expected_rx_ns {
            let ahead = ns.wrapping_sub(expected);
            if ahead >= HALF_SPACE {
                return Err(if ns == expected.wrapping_sub(1) {
                    self.counters.rx_duplicates += 1;
                    DataDrop::Duplicate { ns }
                } else {
                    self.counters.rx_out_of_order += 1;
                    DataDrop::OutOfOrder { ns, expected }
                });
            }
            self.counters.rx_missing += u64::from(ahead);
        }
        self.expected_rx_ns = Some(ns.wrapping_add(1));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::OffsetPadLimit;
    use proptest::prelude::*;

    fn sequenced(ns: u16, payload: &[u8]) -> DataMessage<'_> {
        DataMessage {
            header: DataHeader {
                tunnel_id: 1,
                session_id: 2,
                sequence: Some(Sequence { ns, nr: 0 }),
                ..DataHeader::default()
            },
            payload,
        }
    }

    #[test]
    fn sequence_check_across_the_wrap() {
        let mut rx = DataChannel::new(SequencingAuthority::Decides);
        for ns in [65534, 65535, 0, 1] {
            assert_eq!(rx.decapsulate(&sequenced(ns, b"x")), Ok(&b"x"[..]));
        }
        assert_eq!(
            rx.decapsulate(&sequenced(1, b"x")),
            Err(DataDrop::Duplicate { ns: 1 })
        );
        assert_eq!(
            rx.decapsulate(&sequenced(65535, b"x")),
            Err(DataDrop::OutOfOrder {
                ns: 65535,
                expected: 2
            })
        );
        // A gap of three is accepted and counted.
        assert!(rx.decapsulate(&sequenced(5, b"x")).is_ok());
        let c = rx.counters;
        assert_eq!(
            (
                c.rx_packets,
                c.rx_duplicates,
                c.rx_out_of_order,
                c.rx_missing
            ),
            (5, 1, 1, 3)
        );
    }

    #[test]
    fn lac_follows_the_lns_s_bit_unless_it_required_sequencing() {
        let unsequenced = DataMessage {
            header: DataHeader::default(),
            payload: b"p",
        };
        let mut lac = DataChannel::new(SequencingAuthority::FollowsPeer);
        assert!(!lac.sequencing());
        assert!(lac.decapsulate(&sequenced(0, b"p")).is_ok());
        assert!(lac.sequencing());
        assert!(lac.decapsulate(&unsequenced).is_ok());
        assert!(!lac.sequencing());

        let mut required = DataChannel::new(SequencingAuthority::FollowsPeer);
        required.require_sequencing();
        assert!(required.decapsulate(&unsequenced).is_ok());
        assert!(required.sequencing());

        let mut lns = DataChannel::new(SequencingAuthority::Decides);
        assert!(lns.decapsulate(&sequenced(0, b"p")).is_ok());
        assert!(!lns.sequencing(), "the LNS is not led by the LAC's S bit");
    }

    #[test]
    fn encapsulated_bytes_parse_back() {
        let mut tx = DataChannel::new(SequencingAuthority::Decides);
        tx.require_sequencing();
        let frame = [0xff, 0x03, 0xc0, 0x21, 9, 1, 0, 4];
        let first = tx.encapsulate(10, 20, &frame).expect("fits");
        let second = tx.encapsulate(10, 20, &frame).expect("fits");
        let parsed = DataMessage::parse(&second, OffsetPadLimit::default()).expect("parses");
        assert_eq!(parsed.header.sequence, Some(Sequence { ns: 1, nr: 0 }));
        assert_eq!(
            (parsed.header.tunnel_id, parsed.header.session_id),
            (10, 20)
        );
        assert_eq!(parsed.payload, frame);
        assert_eq!(first.len(), second.len());
        assert_eq!((tx.counters.tx_packets, tx.counters.tx_bytes), (2, 16));
    }

    proptest! {
        /// Whatever order messages arrive in, each Ns is passed up at most once, and every
        /// message is either passed up or counted as dropped.
        #[test]
        fn each_ns_at_most_once(start in any::<u16>(), order in proptest::collection::vec(0u16..64, 1..200)) {
            let mut rx = DataChannel::new(SequencingAuthority::Decides);
            let mut delivered = std::collections::HashSet::new();
            for offset in &order {
                let ns = start.wrapping_add(*offset);
                if rx.decapsulate(&sequenced(ns, b"")).is_ok() {
                    prop_assert!(delivered.insert(ns), "Ns {} passed up twice", ns);
                }
            }
            let c = rx.counters;
            prop_assert_eq!(c.rx_packets + c.rx_duplicates + c.rx_out_of_order, order.len() as u64);
        }
    }
}
