use std::collections::BTreeMap;
use std::num::NonZeroU16;

use proptest::prelude::*;

use super::*;
use crate::l2tp::session::{CallInfo, Session};
use crate::registry::event::SessionRef;

/// An entry told apart by its call handle.
fn entry(session_id: u16, call: u64) -> SessionEntry {
    let id = NonZeroU16::new(session_id).unwrap_or(NonZeroU16::MIN);
    SessionEntry {
        session: Session::new_outgoing_call_lac(id, CallInfo::default()),
        call_ref: SessionRef(call),
        up_at: None,
        baseline: None,
        static_unit: None,
    }
}

fn calls<'a>(it: impl Iterator<Item = (u16, &'a SessionEntry)>) -> Vec<(u16, u64)> {
    it.map(|(id, e)| (id, e.call_ref.0)).collect()
}

#[derive(Debug, Clone)]
enum Op {
    Insert(u16),
    Remove(u16),
    Get(u16),
    Range(u16, u16),
    Drain,
}

fn op() -> impl Strategy<Value = Op> {
    // A small ID space, so that inserts replace and removes hit.
    let id = 1u16..200;
    prop_oneof![
        6 => id.clone().prop_map(Op::Insert),
        4 => id.clone().prop_map(Op::Remove),
        2 => id.clone().prop_map(Op::Get),
        1 => (id.clone(), id).prop_map(|(a, b)| Op::Range(a.min(b), a.max(b))),
        1 => Just(Op::Drain),
    ]
}

proptest! {
    /// Any sequence of opens and closes leaves the table holding what a B-tree would, in
    /// the same order.
    #[test]
    fn behaves_as_a_btreemap(ops in proptest::collection::vec(op(), 0..400)) {
        let mut table = SessionTable::default();
        let mut model: BTreeMap<u16, u64> = BTreeMap::new();
        for (call, op) in (1u64..).zip(ops) {
            match op {
                Op::Insert(id) => {
                    let old = table.insert(id, entry(id, call)).map(|e| e.call_ref.0);
                    prop_assert_eq!(old, model.insert(id, call));
                }
                Op::Remove(id) => {
                    let gone = table.remove_with(&id, |e| e.call_ref.0);
                    prop_assert_eq!(gone, model.remove(&id));
                }
                Op::Get(id) => {
                    prop_assert_eq!(table.get(&id).map(|e| e.call_ref.0), model.get(&id).copied());
                    if let Some(e) = table.get_mut(&id) {
                        e.call_ref = SessionRef(call);
                        model.insert(id, call);
                    }
                }
                Op::Range(from, to) => {
                    let want: Vec<(u16, u64)> =
                        model.range(from..=to).map(|(k, v)| (*k, *v)).collect();
                    prop_assert_eq!(calls(table.range(from..=to)), want);
                }
                Op::Drain => {
                    let drained: Vec<(u16, u64)> =
                        table.drain().map(|(id, e)| (id, e.call_ref.0)).collect();
                    let want: Vec<(u16, u64)> = std::mem::take(&mut model).into_iter().collect();
                    prop_assert_eq!(drained, want);
                }
            }
            prop_assert_eq!(table.len(), model.len());
            prop_assert_eq!(table.is_empty(), model.is_empty());
            let want: Vec<(u16, u64)> = model.iter().map(|(k, v)| (*k, *v)).collect();
            prop_assert_eq!(calls(table.iter()), want);
            let mut unordered: Vec<u64> = table.values_mut().map(|e| e.call_ref.0).collect();
            unordered.sort_unstable();
            let mut want: Vec<u64> = model.values().copied().collect();
            want.sort_unstable();
            prop_assert_eq!(unordered, want);
        }
    }
}

#[test]
fn freed_slots_are_reused_before_the_table_grows() {
    let mut table = SessionTable::default();
    for id in 1..=200u16 {
        table.insert(id, entry(id, u64::from(id)));
    }
    let chunks = table.chunks.len();
    for id in (1..=200u16).step_by(2) {
        assert!(table.remove_with(&id, |_| ()).is_some());
    }
    for id in 1000..1100u16 {
        table.insert(id, entry(id, u64::from(id)));
    }
    assert_eq!(table.chunks.len(), chunks);
    assert_eq!(table.len(), 200);
}

#[test]
fn the_last_removal_gives_the_room_back() {
    let mut table = SessionTable::default();
    for id in 1..=100u16 {
        table.insert(id, entry(id, 1));
    }
    for id in 1..=100u16 {
        table.remove_with(&id, |_| ());
    }
    assert!(table.is_empty());
    assert!(table.chunks.is_empty());
    assert_eq!(table.free, None);
    table.insert(7, entry(7, 2));
    assert_eq!(table.get(&7).map(|e| e.call_ref.0), Some(2));
}
