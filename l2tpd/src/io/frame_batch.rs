//! Reused receive buffers for batched frame I/O: one allocation when the batch is made,
//! none per frame afterwards (issue 10: "received frames go into reused buffers").

use std::ops::Range;

use super::vlan_auxdata::reinsert_tag;
use crate::pppoe::wire::VlanTag;

/// Room in front of every received frame for the one VLAN tag the kernel strips into
/// PACKET_AUXDATA: re-inserting it moves only the 12 MAC bytes, never the payload.
pub const HEADROOM: usize = 4;

/// Largest frame a slot holds by default: a 1500-byte payload, Ethernet header, two VLAN
/// tags and some slack for RFC 4638 baby jumbo frames (PPP-Max-Payload above 1492).
pub const DEFAULT_MAX_FRAME_LEN: usize = 1600;

/// A fixed set of frame buffers ("slots") that a receive call fills from the front.
///
/// After a receive, [`FrameBatch::frames`] yields the frames in arrival order; the next
/// receive overwrites them.
pub struct FrameBatch {
    slots: Vec<Slot>,
    filled: usize,
    max_frame_len: usize,
}

struct Slot {
    buf: Box<[u8]>,
    frame: Range<usize>,
}

impl FrameBatch {
    /// `slots` buffers of `max_frame_len` bytes each, plus [`HEADROOM`] in front and one byte
    /// behind, which only a too-long frame reaches: a receiver that cannot see MSG_TRUNC tells
    /// it that way. A frame longer than `max_frame_len` is dropped and counted by the
    /// receiver, never cut short silently.
    pub fn new(slots: usize, max_frame_len: usize) -> Self {
        let slots = (0..slots.max(1))
            .map(|_| Slot {
                buf: vec![0; HEADROOM + max_frame_len + 1].into_boxed_slice(),
                frame: 0..0,
            })
            .collect();
        Self {
            slots,
            filled: 0,
            max_frame_len,
        }
    }

    /// How many frames one receive can deliver at most.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }

    /// Frames delivered by the last receive.
    pub fn len(&self) -> usize {
        self.filled
    }

    pub fn is_empty(&self) -> bool {
        self.filled == 0
    }

    pub fn get(&self, index: usize) -> Option<&[u8]> {
        (index < self.filled).then(|| {
            let slot = &self.slots[index];
            &slot.buf[slot.frame.clone()]
        })
    }

    /// The received frames, in arrival order.
    pub fn frames(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.slots[..self.filled]
            .iter()
            .map(|slot| &slot.buf[slot.frame.clone()])
    }

    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// The receive area of every slot (behind the headroom), for a receiver that fills
    /// several at once (recvmmsg).
    pub(crate) fn receive_areas(&mut self) -> impl Iterator<Item = &mut [u8]> + '_ {
        self.slots.iter_mut().map(|slot| &mut slot.buf[HEADROOM..])
    }

    /// The whole buffer of slot `index`, headroom included.
    pub(crate) fn slot_mut(&mut self, index: usize) -> &mut [u8] {
        &mut self.slots[index].buf
    }

    /// The receive area of slot `index` (behind the headroom), for a receiver that copies
    /// frames in one at a time (the receive ring).
    pub(crate) fn receive_area(&mut self, index: usize) -> &mut [u8] {
        &mut self.slots[index].buf[HEADROOM..]
    }

    /// Delivers the `len` octets received into slot `from`'s receive area as the next
    /// frame, with `stripped` (the outer VLAN tag the kernel took off, if any) put back in
    /// front of its EtherType, as it was on the wire. `false`, and nothing delivered, when
    /// the tag cannot go back (a frame shorter than its MACs): the receiver counts it.
    pub(crate) fn deliver_received(
        &mut self,
        from: usize,
        len: usize,
        stripped: Option<VlanTag>,
    ) -> bool {
        let mut frame = HEADROOM..HEADROOM + len;
        if let Some(tag) = stripped {
            match reinsert_tag(&mut self.slots[from].buf, frame, tag) {
                Some(tagged) => frame = tagged,
                None => return false,
            }
        }
        self.deliver(from, frame);
        true
    }

    /// The slots after the delivered frames, whole (headroom included), for a receiver that
    /// splits one message over several (a TUN super-packet).
    pub(crate) fn free_slots(&mut self) -> &mut [impl AsRef<[u8]> + AsMut<[u8]>] {
        &mut self.slots[self.filled..]
    }

    /// Records that slot `from` holds a frame at `frame` (indices into the whole buffer) and
    /// makes it the next delivered frame. Slots are swapped, not copied, so a receiver can
    /// skip dropped messages and keep the delivered frames contiguous.
    pub(crate) fn deliver(&mut self, from: usize, frame: Range<usize>) {
        let to = self.filled;
        self.slots.swap(to, from);
        self.slots[to].frame = frame;
        self.filled += 1;
    }
}

impl AsRef<[u8]> for Slot {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl AsMut<[u8]> for Slot {
    fn as_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }
}

impl std::fmt::Debug for FrameBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameBatch")
            .field("capacity", &self.capacity())
            .field("filled", &self.filled)
            .field("max_frame_len", &self.max_frame_len)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivered_slots_stay_contiguous_when_one_is_skipped() {
        let mut batch = FrameBatch::new(3, 8);
        for (i, area) in batch.receive_areas().enumerate() {
            area[0] = i as u8;
        }
        batch.clear();
        // Slot 1 was dropped (e.g. PACKET_OUTGOING): slots 0 and 2 are delivered.
        batch.deliver(0, HEADROOM..HEADROOM + 1);
        batch.deliver(2, HEADROOM..HEADROOM + 1);
        assert_eq!(
            batch.frames().collect::<Vec<_>>(),
            vec![&[0u8][..], &[2u8][..]]
        );
        assert_eq!(batch.get(2), None);
    }
}
