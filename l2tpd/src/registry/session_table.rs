//! One tunnel's sessions, by Session ID: the entries in a slab, the IDs in an ordered index.
//!
//! A session entry is over 600 B. Kept in a B-tree, each was a boxed allocation of its own
//! among every other allocation of the daemon, and every look-up walked the tree's nodes to a
//! pointer and then to the entry: at 65,000 sessions neither the nodes nor the entries stay in
//! the caches, and a teardown paid for both (issue 15, item 4). Here the entries sit in
//! fixed-size chunks, in the order they were created (a freed slot is taken by the next new
//! session), and the index (`session_index`) maps each Session ID to its slot with about 4
//! octets per session, so it stays small enough to be cached. Sessions of a tunnel get consecutive IDs and are
//! usually set up and torn down in the same order, so walking them walks memory forward,
//! which the processor's prefetcher follows.
//!
//! Iteration is in Session ID order, as the B-tree's was: `show`, the clears and the SNMP
//! walks list sessions in that order.

use std::ops::RangeBounds;

use super::entry::SessionEntry;
use super::session_index::SessionIndex;

/// Entries per chunk: a chunk is allocated whole and never moves, so growing the table never
/// copies entries (a `Vec` of entries would copy them all at each doubling, and keep up to
/// twice the room they need).
const CHUNK: usize = 64;

/// Inline on purpose (clippy would box the large variant): a slab of boxes would be the
/// pointer chase this table exists to avoid.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
enum Slot {
    Used(SessionEntry),
    /// Free; the next free slot, if any (a stack: the most recently freed is reused first).
    Free(Option<u32>),
}

/// The sessions of one tunnel. See the module docs.
#[derive(Debug, Default)]
pub(super) struct SessionTable {
    /// Session ID → slot.
    index: SessionIndex,
    /// Each holds up to `CHUNK` slots; only the last may be shorter.
    chunks: Vec<Vec<Slot>>,
    /// The most recently freed slot.
    free: Option<u32>,
}

fn split(slot: u32) -> (usize, usize) {
    let slot = slot as usize;
    (slot / CHUNK, slot % CHUNK)
}

impl SessionTable {
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    fn slot(&self, slot: u32) -> Option<&SessionEntry> {
        let (chunk, at) = split(slot);
        match self.chunks.get(chunk)?.get(at)? {
            Slot::Used(entry) => Some(entry),
            Slot::Free(_) => None,
        }
    }

    fn slot_mut(&mut self, slot: u32) -> Option<&mut SessionEntry> {
        let (chunk, at) = split(slot);
        match self.chunks.get_mut(chunk)?.get_mut(at)? {
            Slot::Used(entry) => Some(entry),
            Slot::Free(_) => None,
        }
    }

    pub fn get(&self, session_id: &u16) -> Option<&SessionEntry> {
        self.slot(self.index.get(*session_id)?)
    }

    pub fn get_mut(&mut self, session_id: &u16) -> Option<&mut SessionEntry> {
        let slot = self.index.get(*session_id)?;
        self.slot_mut(slot)
    }

    pub fn get_key_value(&self, session_id: &u16) -> Option<(u16, &SessionEntry)> {
        Some((*session_id, self.get(session_id)?))
    }

    /// Adds the session `session_id`; one already there is replaced and returned.
    pub fn insert(&mut self, session_id: u16, entry: SessionEntry) -> Option<SessionEntry> {
        if let Some(old) = self.get_mut(&session_id) {
            return Some(std::mem::replace(old, entry));
        }
        let slot = match self.take_free() {
            Some(slot) => {
                if let Some(place) = self.place(slot) {
                    *place = Slot::Used(entry);
                }
                slot
            }
            None => self.push(entry),
        };
        self.index.insert(session_id, slot);
        None
    }

    fn place(&mut self, slot: u32) -> Option<&mut Slot> {
        let (chunk, at) = split(slot);
        self.chunks.get_mut(chunk)?.get_mut(at)
    }

    /// Unlinks the most recently freed slot from the free list.
    fn take_free(&mut self) -> Option<u32> {
        let slot = self.free?;
        self.free = match self.place(slot) {
            Some(Slot::Free(next)) => *next,
            // The list holds free slots only; were it ever otherwise, forget it and grow.
            _ => None,
        };
        Some(slot).filter(|slot| matches!(self.place(*slot), Some(Slot::Free(_))))
    }

    /// A new slot at the end.
    fn push(&mut self, entry: SessionEntry) -> u32 {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => last.push(Slot::Used(entry)),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(Slot::Used(entry));
                self.chunks.push(chunk);
            }
        }
        let filled = self.chunks.last().map_or(0, Vec::len);
        // Both at least 1 here. At most 65,535 sessions per tunnel: the slot fits a u32.
        ((self.chunks.len() - 1) * CHUNK + filled - 1) as u32
    }

    /// Removes the session `session_id`, first handing it to `last_look` (for what the
    /// caller keeps of it: its counters, its call). The entry is dropped where it lies, not
    /// moved out: moving 600 B out of a slot that is no longer cached costs more than the
    /// few fields a caller reads.
    pub fn remove_with<R>(
        &mut self,
        session_id: &u16,
        last_look: impl FnOnce(&SessionEntry) -> R,
    ) -> Option<R> {
        let slot = self.index.get(*session_id)?;
        let next = self.free;
        let place = self.place(slot)?;
        let Slot::Used(entry) = place else {
            return None;
        };
        let kept = last_look(entry);
        *place = Slot::Free(next);
        self.index.remove(*session_id);
        self.free = Some(slot);
        if self.index.is_empty() {
            // The last one: give the room back (a tunnel may stay up for hours, idle).
            self.chunks = Vec::new();
            self.free = None;
        }
        Some(kept)
    }

    /// Every session, in Session ID order.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &SessionEntry)> + '_ {
        self.index
            .iter()
            .filter_map(|(id, slot)| Some((id, self.slot(slot)?)))
    }

    /// The sessions whose IDs fall in `range`, in order.
    pub fn range<R: RangeBounds<u16>>(
        &self,
        range: R,
    ) -> impl Iterator<Item = (u16, &SessionEntry)> + '_ {
        self.index
            .range(range)
            .filter_map(|(id, slot)| Some((id, self.slot(slot)?)))
    }

    pub fn values(&self) -> impl Iterator<Item = &SessionEntry> + '_ {
        self.iter().map(|(_, entry)| entry)
    }

    /// Every session, mutable, in slot order (not Session ID order: for updates that do not
    /// depend on order).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut SessionEntry> + '_ {
        self.chunks
            .iter_mut()
            .flatten()
            .filter_map(|slot| match slot {
                Slot::Used(entry) => Some(entry),
                Slot::Free(_) => None,
            })
    }

    /// Empties the table, handing over every session in Session ID order.
    pub fn drain(&mut self) -> impl Iterator<Item = (u16, SessionEntry)> {
        let index = std::mem::take(&mut self.index);
        let mut chunks = std::mem::take(&mut self.chunks);
        self.free = None;
        let order: Vec<(u16, u32)> = index.iter().collect();
        order.into_iter().filter_map(move |(id, slot)| {
            let (chunk, at) = split(slot);
            let place = chunks.get_mut(chunk)?.get_mut(at)?;
            match std::mem::replace(place, Slot::Free(None)) {
                Slot::Used(entry) => Some((id, entry)),
                Slot::Free(_) => None,
            }
        })
    }
}

#[cfg(test)]
#[path = "session_table_tests.rs"]
mod tests;
