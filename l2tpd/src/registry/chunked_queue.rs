//! A first-in first-out queue in fixed chunks: what the registry's events wait in.
//!
//! A `VecDeque` doubles as it grows and copies every waiting element each time. A
//! `clear services l2tp session all` of 65,000 sessions queues 65,000 `SessionDown` events
//! before the engine drains them, and the copies at each doubling (cold, 11 MB at the end)
//! were the largest source of cache misses in a teardown after the call's drop (issue 15,
//! item 4; docs/performance.md, stage h87). Here an element is written once where it stays
//! until it is taken: chunks are allocated as the queue grows and freed as it empties, and
//! only the chunks' handles (32 octets each) move when the deque of chunks grows.

use std::collections::VecDeque;

/// Elements per chunk: small enough to stay below glibc's mmap threshold (64 of the
/// registry's events are about 11 KB), large enough that the deque of chunks stays short.
const CHUNK: usize = 64;

#[derive(Debug)]
pub(super) struct ChunkedQueue<T> {
    /// Never holds an empty chunk except a lone one at the front, kept so that a queue
    /// drained after each push allocates nothing.
    chunks: VecDeque<VecDeque<T>>,
}

impl<T> Default for ChunkedQueue<T> {
    fn default() -> Self {
        Self {
            chunks: VecDeque::new(),
        }
    }
}

impl<T> ChunkedQueue<T> {
    pub fn push_back(&mut self, value: T) {
        match self.chunks.back_mut() {
            // A chunk never grows past what it was given, so its elements never move.
            Some(back) if back.len() < back.capacity() => back.push_back(value),
            _ => {
                let mut chunk = VecDeque::with_capacity(CHUNK);
                chunk.push_back(value);
                self.chunks.push_back(chunk);
            }
        }
    }

    pub fn pop_front(&mut self) -> Option<T> {
        let front = self.chunks.front_mut()?;
        let value = front.pop_front();
        if front.is_empty() && self.chunks.len() > 1 {
            self.chunks.pop_front();
        }
        value
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.chunks.iter().map(VecDeque::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any sequence of pushes and pops gives what a `VecDeque` gives, across chunk edges.
        #[test]
        fn behaves_as_a_vecdeque(ops in proptest::collection::vec(any::<Option<u16>>(), 0..700)) {
            let mut queue = ChunkedQueue::default();
            let mut model = VecDeque::new();
            for op in ops {
                match op {
                    Some(value) => {
                        queue.push_back(value);
                        model.push_back(value);
                    }
                    None => prop_assert_eq!(queue.pop_front(), model.pop_front()),
                }
                prop_assert_eq!(queue.len(), model.len());
            }
            while let Some(value) = model.pop_front() {
                prop_assert_eq!(queue.pop_front(), Some(value));
            }
            prop_assert_eq!(queue.pop_front(), None);
        }
    }

    /// The point of the chunks: what is queued is never moved, so its address holds until it
    /// is taken, however long the queue grows.
    #[test]
    fn a_queued_element_never_moves() {
        let mut queue = ChunkedQueue::default();
        queue.push_back(0_u64);
        let first: *const u64 = queue.chunks[0].front().expect("queued");
        for value in 1..10 * CHUNK as u64 {
            queue.push_back(value);
        }
        let still: *const u64 = queue.chunks[0].front().expect("queued");
        assert_eq!(first, still);
        assert_eq!(queue.chunks.len(), 10);
        for value in 0..10 * CHUNK as u64 {
            assert_eq!(queue.pop_front(), Some(value));
        }
        // Drained: one empty chunk kept for the next push.
        assert_eq!(queue.chunks.len(), 1);
        assert_eq!(queue.pop_front(), None);
    }
}
