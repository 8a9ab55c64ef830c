//! A filter instance's counters: packets and bytes per `count` counter, and the packets it
//! discarded. Counted on the data workers' per-packet path, so: no lock, and no cache line
//! shared between threads in the common case — each thread adds to its own shard (a slot
//! chosen once per thread), with relaxed atomics so two threads that share a shard (more
//! threads than shards) still count exactly. Views sum the shards.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Shards per instance: the data workers default to one per core; 8 covers the machines
/// this runs on without making each instance large (8 × 64 octets per 4 counters).
const SHARDS: usize = 8;
/// `u64` cells per cache line.
const CELLS_PER_LINE: usize = 8;

#[repr(align(64))]
#[derive(Debug, Default)]
struct Line([AtomicU64; CELLS_PER_LINE]);

/// The shard of the calling thread, fixed for its life.
fn shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

/// Packets and bytes of `counters` named counters plus one discard counter.
#[derive(Debug)]
pub struct FilterCounters {
    /// Cells of one shard: (packets, bytes) per counter, then the discards' pair.
    cells: usize,
    lines_per_shard: usize,
    lines: Box<[Line]>,
}

/// One counter's totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub packets: u64,
    pub bytes: u64,
}

impl FilterCounters {
    pub fn new(counters: usize) -> FilterCounters {
        let cells = (counters + 1) * 2;
        let lines_per_shard = cells.div_ceil(CELLS_PER_LINE);
        let lines = (0..lines_per_shard * SHARDS)
            .map(|_| Line::default())
            .collect();
        FilterCounters {
            cells,
            lines_per_shard,
            lines,
        }
    }

    fn cell(&self, shard: usize, cell: usize) -> Option<&AtomicU64> {
        let line = self
            .lines
            .get(shard * self.lines_per_shard + cell / CELLS_PER_LINE)?;
        line.0.get(cell % CELLS_PER_LINE)
    }

    fn add_pair(&self, pair: usize, bytes: u64) {
        let shard = shard();
        if let Some(packets) = self.cell(shard, pair * 2) {
            packets.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(octets) = self.cell(shard, pair * 2 + 1) {
            octets.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    /// One packet of `bytes` for counter `index` (an index the filter gave; others are
    /// ignored).
    pub fn count(&self, index: usize, bytes: u64) {
        if index < self.named() {
            self.add_pair(index, bytes);
        }
    }

    /// One packet of `bytes` discarded.
    pub fn discard(&self, bytes: u64) {
        self.add_pair(self.named(), bytes);
    }

    fn named(&self) -> usize {
        self.cells / 2 - 1
    }

    fn total(&self, pair: usize) -> Count {
        let sum = |cell: usize| {
            (0..SHARDS)
                .filter_map(|s| self.cell(s, cell))
                .map(|c| c.load(Ordering::Relaxed))
                .fold(0u64, u64::wrapping_add)
        };
        Count {
            packets: sum(pair * 2),
            bytes: sum(pair * 2 + 1),
        }
    }

    /// Each named counter's totals, in order.
    pub fn totals(&self) -> Vec<Count> {
        (0..self.named()).map(|i| self.total(i)).collect()
    }

    /// What the filter discarded (its terms' `discard` and `reject`, and the implicit
    /// discard at its end).
    pub fn discarded(&self) -> Count {
        self.total(self.named())
    }

    /// `clear firewall`: the named counters back to zero; the discards are a data drop
    /// cause, cleared with the other drop counters, not here.
    pub fn clear(&self) {
        for shard in 0..SHARDS {
            for cell in 0..self.named() * 2 {
                if let Some(c) = self.cell(shard, cell) {
                    c.store(0, Ordering::Relaxed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn counts_from_many_threads_add_up() {
        let counters = Arc::new(FilterCounters::new(5));
        let threads: Vec<_> = (0..12)
            .map(|t| {
                let counters = Arc::clone(&counters);
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        counters.count(t % 5, 100);
                        counters.discard(40);
                    }
                    counters.count(99, 1);
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let totals = counters.totals();
        assert_eq!(totals.len(), 5);
        assert_eq!(totals.iter().map(|c| c.packets).sum::<u64>(), 12_000);
        assert_eq!(totals[0].packets, 3000, "threads 0, 5 and 10");
        assert_eq!(totals[0].bytes, 300_000);
        assert_eq!(
            counters.discarded(),
            Count {
                packets: 12_000,
                bytes: 480_000
            }
        );
        counters.clear();
        assert!(counters.totals().iter().all(|c| *c == Count::default()));
        assert_eq!(counters.discarded().packets, 12_000);
    }

    #[test]
    fn a_filter_without_counters_still_counts_discards() {
        let counters = FilterCounters::new(0);
        counters.count(0, 10);
        counters.discard(10);
        assert!(counters.totals().is_empty());
        assert_eq!(counters.discarded().packets, 1);
    }
}
