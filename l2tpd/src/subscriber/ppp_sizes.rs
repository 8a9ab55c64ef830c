//! A subscriber's PPP sizes from its dynamic profile's `ppp-options mru` and `mtu`
//! (Junos: "the MRU the router uses during LCP negotiation" and the PPP MTU, "excluding the
//! lower-layer header size"). Both are held to what the lower layer carries, as JunosE
//! documents for its `ppp mru` (the lesser of the configured MRU and the lower layer's):
//! a PPPoE session carries no more than its payload (RFC 2516 §7, RFC 4638), and the peer
//! takes no more than the MRU it asked for (RFC 1661 §6.1).

use schema::typed::PppoeMtu;

/// The MRU the subscriber's LCP asks for: the profile's, never above `lower_layer` (a
/// PPPoE session's payload); without one, `lower_layer` itself.
pub fn own_mru(profile_mru: Option<u16>, lower_layer: u16) -> u16 {
    profile_mru.map_or(lower_layer, |mru| mru.min(lower_layer))
}

/// The MTU of the subscriber's interface: the profile's `mtu N`, else (`use-lower-layer`,
/// or no `mtu`) what the lower layer carries; never above the MRU the peer asked for, which
/// is the most it takes.
pub fn interface_mtu(
    profile_mtu: Option<PppoeMtu>,
    peer_mru: Option<u16>,
    lower_layer: u16,
) -> u16 {
    let configured = match profile_mtu {
        Some(PppoeMtu::Bytes(bytes)) => bytes.min(lower_layer),
        None | Some(PppoeMtu::UseLowerLayer) => lower_layer,
    };
    peer_mru.map_or(configured, |peer| configured.min(peer))
}

/// The MTU of an LNS subscriber's interface: an L2TP session has no payload ceiling of its
/// own, so only the profile's `mtu N` and the peer's MRU bound it; `None` before LCP gave
/// the peer's MRU and with no `mtu N`.
pub fn tunnelled_interface_mtu(
    profile_mtu: Option<PppoeMtu>,
    peer_mru: Option<u16>,
) -> Option<u16> {
    match (profile_mtu, peer_mru) {
        (Some(PppoeMtu::Bytes(_)), _) | (_, Some(_)) => {
            Some(interface_mtu(profile_mtu, peer_mru, u16::MAX))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profiles_mru_is_asked_for_within_the_lower_layer() {
        assert_eq!(own_mru(None, 1492), 1492);
        assert_eq!(own_mru(Some(1400), 1492), 1400);
        // A PPPoE session cannot carry 1500 without PPP-Max-Payload.
        assert_eq!(own_mru(Some(1500), 1492), 1492);
    }

    #[test]
    fn the_interface_mtu_is_the_profiles_within_the_link_and_the_peers_mru() {
        assert_eq!(interface_mtu(None, Some(1492), 1492), 1492);
        assert_eq!(interface_mtu(None, Some(1400), 1492), 1400);
        assert_eq!(
            interface_mtu(Some(PppoeMtu::Bytes(1380)), Some(1492), 1492),
            1380
        );
        assert_eq!(
            interface_mtu(Some(PppoeMtu::Bytes(1480)), Some(1400), 1492),
            1400
        );
        assert_eq!(interface_mtu(Some(PppoeMtu::Bytes(9000)), None, 1492), 1492);
        assert_eq!(
            interface_mtu(Some(PppoeMtu::UseLowerLayer), None, 1480),
            1480
        );
    }

    #[test]
    fn a_tunnelled_interfaces_mtu_is_bounded_by_the_profile_and_the_peer_only() {
        assert_eq!(tunnelled_interface_mtu(None, None), None);
        assert_eq!(tunnelled_interface_mtu(None, Some(1492)), Some(1492));
        let mtu = Some(PppoeMtu::Bytes(1380));
        assert_eq!(tunnelled_interface_mtu(mtu, Some(1492)), Some(1380));
        assert_eq!(tunnelled_interface_mtu(mtu, None), Some(1380));
        let lower = Some(PppoeMtu::UseLowerLayer);
        assert_eq!(tunnelled_interface_mtu(lower, Some(1460)), Some(1460));
    }
}
