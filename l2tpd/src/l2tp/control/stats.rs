//! Per-tunnel control-channel counters, as `show services l2tp tunnel extensive` and the
//! JNX-L2TP-MIB tunnel statistics report them.

/// Counters of one control connection. They only ever grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ControlStats {
    /// Datagrams sent: messages, retransmissions and ZLBs.
    pub tx_packets: u64,
    pub tx_bytes: u64,
    /// Datagrams handed to this tunnel, well-formed or not.
    pub rx_packets: u64,
    pub rx_bytes: u64,
    /// Messages sent again: after their retransmission timer ran out, or at once on the
    /// peer's duplicate acknowledgement (also counted in `fast_retransmissions`).
    pub retransmissions: u64,
    /// Of those, sent again on a duplicate acknowledgement (a later message arrived and
    /// this one did not).
    pub fast_retransmissions: u64,
    /// Messages received again (Ns already delivered); each is re-acknowledged.
    pub duplicates: u64,
    /// Messages received ahead of a gap, held until the gap fills.
    pub out_of_order: u64,
    /// Messages beyond our receive window, dropped.
    pub out_of_window: u64,
    pub zlb_sent: u64,
    pub zlb_received: u64,
    pub hellos_sent: u64,
    /// Tunnel authentication failures in either direction.
    pub auth_failures: u64,
    /// Datagrams that did not parse, or messages lacking an AVP RFC 2661 §6 requires.
    pub malformed: u64,
    /// Messages that make no sense in the tunnel's state.
    pub unexpected: u64,
}
