//! Session ID allocation for one tunnel (RFC 2661 §3.1: Session IDs are chosen by the receiver,
//! are local to the tunnel and are never 0).
//!
//! The cursor only moves forward, so a released ID is reused as late as possible: a CDN still
//! being retransmitted, or a data message in flight, then never lands on a newer session.
//! The in-use set is a bitmap split into 16 pages of 4096 IDs that exist only while they hold
//! an ID, so a tunnel with a handful of sessions costs one 512-octet page, not 8 KiB, and
//! full pages are skipped whole: finding a free ID costs at most 16 page checks and 64 word
//! checks, whatever the occupancy.

use std::num::NonZeroU16;

const WORD_BITS: usize = 64;
const PAGE_IDS: usize = 4096;
const PAGE_WORDS: usize = PAGE_IDS / WORD_BITS;
const PAGES: usize = (u16::MAX as usize + 1) / PAGE_IDS;
/// Every non-zero 16-bit value.
pub const MAX_SESSIONS_PER_TUNNEL: u32 = u16::MAX as u32;

#[derive(Debug, Clone)]
struct Page {
    used: u16,
    words: [u64; PAGE_WORDS],
}

/// The Session IDs one tunnel has handed out.
#[derive(Debug, Clone)]
pub struct SessionIdAllocator {
    pages: [Option<Box<Page>>; PAGES],
    /// The next ID to try.
    cursor: u16,
    in_use: u32,
}

/// Splits an ID into (page, word, bit); every u16 lands inside the fixed arrays.
fn locate(id: u16) -> (usize, usize, u32) {
    let id = usize::from(id);
    (
        id / PAGE_IDS,
        (id % PAGE_IDS) / WORD_BITS,
        (id % WORD_BITS) as u32,
    )
}

/// IDs a page can hold: page 0 never holds ID 0.
fn capacity(page: usize) -> u16 {
    if page == 0 {
        (PAGE_IDS - 1) as u16
    } else {
        PAGE_IDS as u16
    }
}

impl SessionIdAllocator {
    /// `start` is where the search begins; the caller draws it at random so that IDs are not
    /// predictable across tunnels and restarts (a stale peer then rarely hits a live session).
    pub fn new(start: u16) -> Self {
        Self {
            pages: Default::default(),
            cursor: start.max(1),
            in_use: 0,
        }
    }

    /// A free non-zero ID, or `None` when all 65,535 are taken.
    pub fn allocate(&mut self) -> Option<NonZeroU16> {
        if self.in_use >= MAX_SESSIONS_PER_TUNNEL {
            return None;
        }
        let from = usize::from(self.cursor);
        let id = self
            .find_free(from, PAGES * PAGE_IDS)
            .or_else(|| self.find_free(1, from))?;
        let id = u16::try_from(id).ok().and_then(NonZeroU16::new)?;
        self.mark(id.get());
        self.cursor = id.get().checked_add(1).unwrap_or(1);
        Some(id)
    }

    /// Returns `id` to the pool; false if it was not allocated.
    pub fn release(&mut self, id: NonZeroU16) -> bool {
        let (page, word, bit) = locate(id.get());
        let Some(slot) = self.pages.get_mut(page) else {
            return false;
        };
        let Some(entry) = slot.as_mut() else {
            return false;
        };
        let Some(bits) = entry.words.get_mut(word) else {
            return false;
        };
        if *bits & (1 << bit) == 0 {
            return false;
        }
        *bits &= !(1 << bit);
        entry.used -= 1;
        if entry.used == 0 {
            *slot = None;
        }
        self.in_use -= 1;
        true
    }

    pub fn is_allocated(&self, id: NonZeroU16) -> bool {
        let (page, word, bit) = locate(id.get());
        self.pages
            .get(page)
            .and_then(Option::as_ref)
            .and_then(|p| p.words.get(word))
            .is_some_and(|bits| bits & (1 << bit) != 0)
    }

    /// How many IDs are allocated.
    pub fn len(&self) -> u32 {
        self.in_use
    }

    pub fn is_empty(&self) -> bool {
        self.in_use == 0
    }

    fn mark(&mut self, id: u16) {
        let (page, word, bit) = locate(id);
        if let Some(slot) = self.pages.get_mut(page) {
            let entry = slot.get_or_insert_with(|| {
                Box::new(Page {
                    used: 0,
                    words: [0; PAGE_WORDS],
                })
            });
            if let Some(bits) = entry.words.get_mut(word) {
                *bits |= 1 << bit;
                entry.used += 1;
                self.in_use += 1;
            }
        }
    }

    /// The lowest free ID in `[from, to)`, never 0.
    fn find_free(&self, from: usize, to: usize) -> Option<usize> {
        let mut id = from.max(1);
        while id < to {
            let page_index = id / PAGE_IDS;
            let page_start = page_index * PAGE_IDS;
            let page = match self.pages.get(page_index)? {
                None => return Some(id),
                Some(page) if page.used == capacity(page_index) => {
                    id = page_start + PAGE_IDS;
                    continue;
                }
                Some(page) => page,
            };
            let word_index = (id - page_start) / WORD_BITS;
            for (w, bits) in page.words.iter().enumerate().skip(word_index) {
                let word_start = page_start + w * WORD_BITS;
                // Bits below `id` in its own word count as taken, and so does ID 0.
                let below = if w == word_index {
                    (1u64 << (id - word_start)) - 1
                } else {
                    0
                };
                let zero = u64::from(word_start == 0);
                let free = (!(bits | below | zero)).trailing_zeros() as usize;
                if free < WORD_BITS {
                    let found = word_start + free;
                    return (found < to).then_some(found);
                }
            }
            id = page_start + PAGE_IDS;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn id(n: u16) -> NonZeroU16 {
        NonZeroU16::new(n).expect("non-zero in tests")
    }

    #[test]
    fn wraps_past_65535_and_skips_zero() {
        let mut ids = SessionIdAllocator::new(65534);
        let got: Vec<u16> = (0..4)
            .map(|_| ids.allocate().expect("free").get())
            .collect();
        assert_eq!(got, [65534, 65535, 1, 2]);
        assert_eq!(SessionIdAllocator::new(0).allocate(), Some(id(1)));
    }

    #[test]
    fn skips_in_use_and_reuses_released_ids_last() {
        let mut ids = SessionIdAllocator::new(100);
        let a = ids.allocate().expect("free");
        let b = ids.allocate().expect("free");
        assert_eq!((a.get(), b.get()), (100, 101));
        assert!(ids.release(a));
        assert!(!ids.release(a), "double release is refused");
        // 100 is free again, but the cursor has moved on.
        assert_eq!(ids.allocate(), Some(id(102)));
        assert!(ids.is_allocated(b) && !ids.is_allocated(a));
        assert_eq!(ids.len(), 2);
    }

    #[test]
    fn all_65535_then_exhausted_then_the_released_one() {
        let mut ids = SessionIdAllocator::new(40_000);
        let mut seen = vec![false; 65536];
        for _ in 0..MAX_SESSIONS_PER_TUNNEL {
            let n = usize::from(ids.allocate().expect("not yet full").get());
            assert!(!seen[n], "{n} handed out twice");
            seen[n] = true;
        }
        assert!(!seen[0]);
        assert_eq!(ids.allocate(), None);
        assert!(ids.release(id(12_345)));
        assert_eq!(ids.allocate(), Some(id(12_345)));
        assert_eq!(ids.allocate(), None);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Allocate,
        /// Release the n-th allocated ID (modulo how many there are).
        Release(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![3 => Just(Op::Allocate), 2 => any::<usize>().prop_map(Op::Release)]
    }

    proptest! {
        #[test]
        fn matches_a_set_model(start in any::<u16>(), ops in proptest::collection::vec(op(), 1..400)) {
            let mut ids = SessionIdAllocator::new(start);
            let mut model = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Allocate => {
                        let got = ids.allocate().expect("far from full");
                        prop_assert!(model.insert(got.get()), "{} already in use", got);
                    }
                    Op::Release(n) if !model.is_empty() => {
                        let victim = *model.iter().nth(n % model.len()).expect("in range");
                        prop_assert!(ids.release(id(victim)));
                        model.remove(&victim);
                    }
                    Op::Release(_) => {}
                }
                prop_assert_eq!(ids.len() as usize, model.len());
            }
            for n in &model {
                prop_assert!(ids.is_allocated(id(*n)));
            }
        }
    }

    proptest! {
        // Each case fills all 65,535 IDs: fewer cases keep the debug build quick.
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn dense_pages_are_searched_correctly(start in any::<u16>(), holes in proptest::collection::btree_set(1u16.., 1..50)) {
            // Fill everything, punch holes, and check each hole is found exactly once.
            let mut ids = SessionIdAllocator::new(start);
            while ids.allocate().is_some() {}
            for h in &holes {
                prop_assert!(ids.release(id(*h)));
            }
            let mut refilled = BTreeSet::new();
            while let Some(got) = ids.allocate() {
                prop_assert!(refilled.insert(got.get()));
            }
            prop_assert_eq!(refilled, holes);
        }
    }
}
