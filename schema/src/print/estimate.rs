//! About how long a tree's brace text will be, so [`super::brace::to_text`] writes it into
//! one allocation. Grown by doubling, the 10 MB text of a 20,000-profile commit was copied
//! whole at each doubling past the cache's size, a read and a write miss per 64 octets:
//! a quarter of the text step's misses at 5,000 profiles and a growing share, where the
//! rest is constant per profile (issue 15, item 4; docs/performance.md, "Stage h95").
//!
//! An estimate, not a count: a count would read every node once more, the misses the
//! printing itself costs. A long run of one statement (`tunnel-profile tp0` to `tp19999`)
//! is estimated from a few of its entries spread along it; anything else is read whole.
//! Being wrong costs only memory (too long) or one more copy (too short), never the text.

use crate::tree::{Children, Node};

/// Entries read from a long run of one statement.
const SAMPLES: usize = 16;

/// A run longer than this is sampled; a shorter one is read whole.
const SAMPLED_RUN: usize = 4 * SAMPLES;

/// Octets of `node`'s contents at `depth` as the brace form writes them: each statement's
/// indent, words and `;` or ` {` ... `}`. The forms that write fewer lines (inline and
/// one-line containers) come out longer than printed; the `## SECRET-DATA` trailers and a
/// grouped list's own `name {` line, shorter: the caller adds a margin.
pub(super) fn contents_len(node: &Node, depth: usize) -> usize {
    let children = &node.children;
    let mut total = 0usize;
    let mut start = 0;
    while let Some((id, _)) = children.get_index(start) {
        let end = run_end(children, start, &id.keyword);
        let run = end - start;
        let step = if run > SAMPLED_RUN { run / SAMPLES } else { 1 };
        let (mut read, mut octets) = (0usize, 0usize);
        for (id, child) in (start..end)
            .step_by(step)
            .filter_map(|i| children.get_index(i))
        {
            let words = id.keyword.len() + id.key.as_ref().map_or(0, |k| k.len() + 1);
            octets = octets.saturating_add(statement_len(words, child, depth));
            read += 1;
        }
        total = total.saturating_add(octets.saturating_mul(run) / read.max(1));
        start = end;
    }
    total
}

/// One statement of `words` octets (keyword and key) with its values and block.
fn statement_len(words: usize, node: &Node, depth: usize) -> usize {
    let indent = 4 * depth;
    // A value: a space before it, quotes about it when it needs them (secrets always).
    let values: usize = node.values.iter().map(|v| v.len() + 3).sum();
    // `words values;\n` or `words {\n` ... `}\n`.
    let line = indent + words + values + 2;
    if node.children.is_empty() {
        line
    } else {
        (line + 1 + indent + 2).saturating_add(contents_len(node, depth + 1))
    }
}

/// The end of the run of children named `keyword` that starts at `start`: a list's entries
/// stand together (`Children` keeps schema order), so the end is found by galloping and
/// halving, reading a few entries of a run of 20,000, not each one.
fn run_end(children: &Children, start: usize, keyword: &str) -> usize {
    let same = |i: usize| {
        children
            .get_index(i)
            .is_some_and(|(id, _)| id.keyword == keyword)
    };
    // `low` is in the run, `high` past it.
    let (mut low, mut high) = (start, start + 1);
    while same(high) {
        low = high;
        high = start + 2 * (high - start);
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if same(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}
