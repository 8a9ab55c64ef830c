//! Datagrams for a tunnel that arrive from another address or port than the one we send to,
//! and `[edit services l2tp tunnel] tx-address-change`.
//!
//! RFC 2661 §8.1 lets an LNS answer an SCCRQ from another address or port; Junos' LAC
//! follows that only in the SCCRP, once, while the tunnel is being set up, and drops such a
//! change in any other packet or at any other time. `tx-address-change` says what to make
//! of it (Junos, "Configuring How the LAC Responds to Address and Port Changes"):
//! - `accept` (default): send to, and receive from, the new address and port from now on;
//! - `ignore`: keep sending to the original address and port, but receive from the new ones;
//! - `ignore-ip-address` / `ignore-udp-port`: the same for that half only: we send to the
//!   original address with the new port, or to the new address with the original port.
//!
//! An LNS tunnel keeps the rule it had: the LAC's address is fixed by its SCCRQ; a
//! datagram from the same address but another port is taken, and answered as before.

use std::net::SocketAddr;

use schema::typed::TxAddressChange;

use super::entry::{Origin, TunnelEntry};
use super::Registry;
use crate::l2tp::control::TunnelState;
use crate::l2tp::wire::{ControlMessage, MessageType};

impl Registry {
    /// Whether a datagram for `tunnel_id` from `from` belongs to that tunnel. Applies an
    /// accepted change of the peer's address to where the tunnel sends.
    pub(super) fn admit_source(
        &mut self,
        tunnel_id: u16,
        from: SocketAddr,
        is_control: bool,
        bytes: &[u8],
    ) -> bool {
        let policy = self.settings.tx_address_change;
        let Some(entry) = self.tunnels.get_mut(&tunnel_id) else {
            return false;
        };
        if from == entry.peer || entry.peer_also == Some(from) {
            return true;
        }
        if matches!(entry.origin, Origin::Lns { .. }) {
            return from.ip() == entry.peer.ip();
        }
        // Message Type is never hidden (RFC 2661 §4.3), so it reads without the secret.
        let is_sccrp = is_control
            && entry.tunnel.state() == TunnelState::WaitCtlReply
            && ControlMessage::parse_leaving_hidden(bytes)
                .is_ok_and(|m| m.message_type == Some(MessageType::SCCRP));
        if !is_sccrp {
            return false;
        }
        follow(entry, from, policy);
        true
    }
}

/// The LNS answered our SCCRQ from `from`: where we send and what we accept from now on.
fn follow(entry: &mut TunnelEntry, from: SocketAddr, policy: TxAddressChange) {
    let original = entry.peer;
    let destination = match policy {
        TxAddressChange::Accept => from,
        TxAddressChange::Ignore => original,
        TxAddressChange::IgnoreIpAddress => SocketAddr::new(original.ip(), from.port()),
        TxAddressChange::IgnoreUdpPort => SocketAddr::new(from.ip(), original.port()),
    };
    entry.peer = destination;
    entry.peer_also = (from != destination).then_some(from);
}
