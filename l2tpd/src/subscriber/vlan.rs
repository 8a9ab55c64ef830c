//! Which interface unit a received frame belongs to: its VLAN tags, read before anything else
//! is parsed (Junos: `vlan-id` / `vlan-tags outer inner` select the unit; unit 0 without a VLAN
//! takes untagged frames). No kernel VLAN device is needed: the tags are on the frame.

use crate::pppoe::wire::is_vlan_tpid;

/// The VLAN tags a unit takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VlanSelector {
    Untagged,
    Single(u16),
    Stacked { outer: u16, inner: u16 },
}

const VID_MASK: u16 = 0x0fff;

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

/// A frame's VLAN tags, outermost first, as (TPID, VLAN ID) with how many there are; `None`
/// for a frame too short to carry its EtherType or with more than two tags (no unit takes
/// it). The one reading of the tags both the selector and the TPIDs come from.
fn tags(frame: &[u8]) -> Option<([(u16, u16); 2], usize)> {
    let mut tags = [(0, 0); 2];
    for (count, at) in [12, 16, 20].into_iter().enumerate() {
        let ether_type = be16(frame, at)?;
        if !is_vlan_tpid(ether_type, count) {
            return Some((tags, count));
        }
        // A third tag has no slot: no unit takes such a frame.
        let slot = tags.get_mut(count)?;
        *slot = (ether_type, be16(frame, at + 2)? & VID_MASK);
    }
    None
}

/// The selector of a frame's tags; `None` for a frame too short to carry its EtherType or
/// with more than two tags (no unit takes it).
pub fn selector_of(frame: &[u8]) -> Option<VlanSelector> {
    let ([(_, outer), (_, inner)], count) = tags(frame)?;
    Some(match count {
        0 => VlanSelector::Untagged,
        1 => VlanSelector::Single(outer),
        _ => VlanSelector::Stacked { outer, inner },
    })
}

/// The TPIDs of a frame's tags, outermost first (none for a frame no unit takes): what
/// `show interfaces` prints of a VLAN made from it, as it came on the wire.
pub fn tpids_of(frame: &[u8]) -> Vec<u16> {
    tags(frame).map_or_else(Vec::new, |(tags, count)| {
        tags.iter().take(count).map(|(tpid, _)| *tpid).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(tags: &[(u16, u16)]) -> Vec<u8> {
        let mut f = vec![0xff; 6];
        f.extend([2, 0, 0, 0, 0, 1]);
        for (tpid, tci) in tags {
            f.extend(tpid.to_be_bytes());
            f.extend(tci.to_be_bytes());
        }
        f.extend(0x8863u16.to_be_bytes());
        f.extend([0x11, 0x09, 0, 0, 0, 0]);
        f
    }

    #[test]
    fn tags_select_the_unit() {
        assert_eq!(selector_of(&frame(&[])), Some(VlanSelector::Untagged));
        // The priority bits do not matter, only the VLAN ID.
        assert_eq!(
            selector_of(&frame(&[(0x8100, 0xe064)])),
            Some(VlanSelector::Single(100))
        );
        assert_eq!(
            selector_of(&frame(&[(0x88a8, 100), (0x8100, 7)])),
            Some(VlanSelector::Stacked {
                outer: 100,
                inner: 7
            })
        );
        assert_eq!(
            selector_of(&frame(&[(0x9100, 100), (0x8100, 7)])),
            Some(VlanSelector::Stacked {
                outer: 100,
                inner: 7
            })
        );
        assert_eq!(
            selector_of(&frame(&[(0x88a8, 1), (0x8100, 2), (0x8100, 3)])),
            None
        );
        assert_eq!(selector_of(&[0; 13]), None);
    }

    #[test]
    fn tpids_are_read_as_they_came() {
        assert!(tpids_of(&frame(&[])).is_empty());
        assert_eq!(tpids_of(&frame(&[(0x8100, 100)])), [0x8100]);
        assert_eq!(
            tpids_of(&frame(&[(0x88a8, 100), (0x8100, 7)])),
            [0x88a8, 0x8100]
        );
        assert_eq!(
            tpids_of(&frame(&[(0x8100, 100), (0x8100, 7)])),
            [0x8100, 0x8100]
        );
        // 0x9100 is read as an outer tag (pre-standard QinQ), not as an inner one.
        assert_eq!(
            tpids_of(&frame(&[(0x9100, 100), (0x8100, 7)])),
            [0x9100, 0x8100]
        );
        assert_eq!(tpids_of(&frame(&[(0x9100, 100)])), [0x9100]);
        assert_eq!(tpids_of(&frame(&[(0x8100, 100), (0x9100, 7)])), [0x8100]);
        assert!(tpids_of(&[0x81, 0x00]).is_empty());
    }
}
