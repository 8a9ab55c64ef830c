//! Session ID → slot of one tunnel's `SessionTable`, in pages of consecutive IDs.
//!
//! A `BTreeMap<u16, u32>` did this until a teardown of 65,000 sessions was profiled: its
//! searches and removals (several per closed call, at both ends) were 7 % of the teardown,
//! each a walk of nodes that no longer stay in the caches (issue 15, item 4). A tunnel's
//! Session IDs are given out in sequence (`SessionIdAllocator`), so they fill pages of
//! `PAGE` consecutive IDs densely: a look-up finds its page where dense pages put it (else by
//! a binary search of the sorted page numbers, two octets a page) and reads one slot. The
//! pages sit inline in a `VecDeque`, not boxed (no pointer more to follow): sessions come and
//! go mostly in ID order, so pages are added at the back and emptied at the front, where a
//! deque moves nothing (a `Vec` moved every later page, 260 octets each, at each emptied one).

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::ops::{Bound, RangeBounds};

/// IDs per page: 64 slots of 4 octets, so a tunnel with one session holds 260 octets here.
const PAGE: usize = 64;

#[derive(Debug, Clone)]
struct Page {
    /// Slots in use.
    used: u8,
    /// The slot of ID `page number × PAGE + i`, plus one (0 is a free ID).
    slots: [Option<NonZeroU32>; PAGE],
}

impl Page {
    fn new() -> Self {
        Self {
            used: 0,
            slots: [None; PAGE],
        }
    }
}

fn split(id: u16) -> (u16, usize) {
    (id / PAGE as u16, usize::from(id) % PAGE)
}

/// An ordered map from Session ID to slot. See the module docs.
#[derive(Debug, Clone, Default)]
pub(super) struct SessionIndex {
    /// Page numbers, ascending; `pages[i]` is the page numbered `numbers[i]`.
    numbers: VecDeque<u16>,
    pages: VecDeque<Page>,
    len: usize,
}

impl SessionIndex {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where page `number` is (`Ok`), or would go (`Err`). Pages of a tunnel whose IDs are
    /// dense follow each other without a gap, so the page is first looked for where that
    /// would put it: one probe instead of a binary search, whose every step was a load that
    /// missed the cache at 65,000 sessions (7 % of a teardown in `perf`).
    fn position(&self, number: u16) -> Result<usize, usize> {
        if let Some(first) = self.numbers.front() {
            let guess = usize::from(number.wrapping_sub(*first));
            if self.numbers.get(guess) == Some(&number) {
                return Ok(guess);
            }
        }
        self.numbers.binary_search(&number)
    }

    fn page(&self, number: u16) -> Option<&Page> {
        let at = self.position(number).ok()?;
        self.pages.get(at)
    }

    pub fn get(&self, id: u16) -> Option<u32> {
        let (number, at) = split(id);
        let slot = (*self.page(number)?.slots.get(at)?)?;
        Some(slot.get() - 1)
    }

    /// Maps `id` to `slot`; returns the slot it had.
    pub fn insert(&mut self, id: u16, slot: u32) -> Option<u32> {
        let (number, at) = split(id);
        let index = match self.position(number) {
            Ok(index) => index,
            Err(index) => {
                self.numbers.insert(index, number);
                self.pages.insert(index, Page::new());
                index
            }
        };
        let page = self.pages.get_mut(index)?;
        let place = page.slots.get_mut(at)?;
        // A slot below u32::MAX always has a successor: the table holds at most 65,535.
        let old = place.replace(NonZeroU32::new(slot.saturating_add(1))?);
        match old {
            Some(old) => Some(old.get() - 1),
            None => {
                page.used += 1;
                self.len += 1;
                None
            }
        }
    }

    /// Unmaps `id`; returns its slot. A page left empty goes.
    pub fn remove(&mut self, id: u16) -> Option<u32> {
        let (number, at) = split(id);
        let index = self.position(number).ok()?;
        let page = self.pages.get_mut(index)?;
        let old = page.slots.get_mut(at)?.take()?;
        page.used -= 1;
        self.len -= 1;
        if page.used == 0 {
            self.numbers.remove(index);
            self.pages.remove(index);
        }
        Some(old.get() - 1)
    }

    /// Every (ID, slot) in ID order.
    pub fn iter(&self) -> impl Iterator<Item = (u16, u32)> + '_ {
        self.range(..)
    }

    /// The (ID, slot) pairs whose IDs fall in `range`, in ID order. An empty or inverted
    /// range yields nothing (where `BTreeMap::range` would panic).
    pub fn range<R: RangeBounds<u16>>(&self, range: R) -> impl Iterator<Item = (u16, u32)> + '_ {
        let (low, high) = inclusive(&range).unwrap_or((1, 0));
        let first = self.numbers.partition_point(|n| *n < split(low).0);
        self.numbers
            .iter()
            .zip(&self.pages)
            .skip(first)
            .take_while(move |(number, _)| **number <= split(high).0)
            .flat_map(|(number, page)| {
                let base = usize::from(*number) * PAGE;
                page.slots.iter().enumerate().filter_map(move |(i, slot)| {
                    let id = u16::try_from(base + i).ok()?;
                    Some((id, slot.as_ref()?.get() - 1))
                })
            })
            .filter(move |(id, _)| (low..=high).contains(id))
    }
}

/// `range` as its lowest and highest IDs, or `None` when it holds none.
fn inclusive(range: &impl RangeBounds<u16>) -> Option<(u16, u16)> {
    let low = match range.start_bound() {
        Bound::Included(id) => *id,
        Bound::Excluded(id) => id.checked_add(1)?,
        Bound::Unbounded => 0,
    };
    let high = match range.end_bound() {
        Bound::Included(id) => *id,
        Bound::Excluded(id) => id.checked_sub(1)?,
        Bound::Unbounded => u16::MAX,
    };
    (low <= high).then_some((low, high))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u16, u32),
        Remove(u16),
        Range(Bound<u16>, Bound<u16>),
    }

    fn bound() -> impl Strategy<Value = Bound<u16>> {
        // IDs near the ends of the space and around page edges.
        let id = prop_oneof![0u16..300, 65_280u16..=u16::MAX];
        prop_oneof![
            id.clone().prop_map(Bound::Included),
            id.prop_map(Bound::Excluded),
            Just(Bound::Unbounded),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        let id = prop_oneof![0u16..300, 65_280u16..=u16::MAX];
        prop_oneof![
            6 => (id.clone(), 0u32..70_000).prop_map(|(id, slot)| Op::Insert(id, slot)),
            4 => id.prop_map(Op::Remove),
            2 => (bound(), bound()).prop_map(|(a, b)| Op::Range(a, b)),
        ]
    }

    proptest! {
        /// Any sequence of inserts, removals and ranged walks answers as a B-tree would,
        /// across page edges and both ends of the ID space.
        #[test]
        fn behaves_as_a_btreemap(ops in proptest::collection::vec(op(), 0..500)) {
            let mut index = SessionIndex::default();
            let mut model: BTreeMap<u16, u32> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(id, slot) => {
                        prop_assert_eq!(index.insert(id, slot), model.insert(id, slot));
                    }
                    Op::Remove(id) => prop_assert_eq!(index.remove(id), model.remove(&id)),
                    Op::Range(low, high) => {
                        let got: Vec<(u16, u32)> = index.range((low, high)).collect();
                        let want: Vec<(u16, u32)> = match inclusive(&(low, high)) {
                            Some((l, h)) => model.range(l..=h).map(|(k, v)| (*k, *v)).collect(),
                            None => Vec::new(),
                        };
                        prop_assert_eq!(got, want);
                    }
                }
                prop_assert_eq!(index.len(), model.len());
                for (id, slot) in &model {
                    prop_assert_eq!(index.get(*id), Some(*slot));
                }
                let all: Vec<(u16, u32)> = index.iter().collect();
                let want: Vec<(u16, u32)> = model.iter().map(|(k, v)| (*k, *v)).collect();
                prop_assert_eq!(all, want);
                // Only pages that hold an ID are kept.
                prop_assert_eq!(index.pages.len(), index.numbers.len());
                prop_assert!(index.pages.iter().all(|p| p.used > 0));
            }
        }
    }

    #[test]
    fn an_emptied_page_goes() {
        let mut index = SessionIndex::default();
        for id in 60..70u16 {
            index.insert(id, u32::from(id));
        }
        assert_eq!(index.numbers, [0, 1]);
        for id in 64..70u16 {
            assert_eq!(index.remove(id), Some(u32::from(id)));
        }
        assert_eq!(index.numbers, [0]);
        assert_eq!(index.get(64), None);
        assert_eq!(index.get(63), Some(63));
    }
}
