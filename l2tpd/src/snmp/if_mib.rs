//! IF-MIB (RFC 2863) over the interface rows of one snapshot: ifNumber, the ifTable and
//! ifXTable columns the router has data for, indexed by ifIndex.
//!
//! Rows sit in a `BTreeMap` keyed by ifIndex and values are computed when asked for, as
//! the jnxL2tp tables of [`super::view`] are: a get is a lookup, a walk a step along the
//! map, never a scan.

use std::collections::BTreeMap;
use std::ops::Bound;

use super::snapshot::InterfaceRow;
use super::value::Value;
use super::view::Lookup;

/// interfaces.ifNumber.0 (1.3.6.1.2.1.2.1.0).
pub const IF_NUMBER: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 1];
/// ifTable.ifEntry.
pub const IF_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 2, 2, 1];
/// ifMIB.ifMIBObjects.ifXTable.ifXEntry.
pub const IF_X_ENTRY: &[u32] = &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
/// The subtrees IF-MIB's objects are under.
pub const SUBTREES: [&[u32]; 2] = [&[1, 3, 6, 1, 2, 1, 2], &[1, 3, 6, 1, 2, 1, 31]];
/// What an AgentX subagent registers: ifNumber, ifTable and ifXTable, the subtrees
/// net-snmp's own IF-MIB module registers, so that a master that leaves them out
/// (`snmpd -I -interfaces,ifTable,ifXTable`) hands them to the subagent, and one that
/// serves its own refuses them as duplicates.
pub const AGENTX_SUBTREES: [&[u32]; 3] = [
    IF_NUMBER,
    &[1, 3, 6, 1, 2, 1, 2, 2],
    &[1, 3, 6, 1, 2, 1, 31, 1, 1],
];

/// ifIndex, ifDescr, ifType, ifMtu, ifAdminStatus, ifOperStatus, ifLastChange, ifInOctets,
/// ifInUcastPkts, ifOutOctets, ifOutUcastPkts. The others (ifSpeed, ifPhysAddress, the
/// error and discard counts) the router has no data for and does not serve.
const IF_COLUMNS: &[u32] = &[1, 2, 3, 4, 7, 8, 9, 10, 11, 16, 17];
/// ifName, ifHCInOctets, ifHCInUcastPkts, ifHCOutOctets, ifHCOutUcastPkts,
/// ifLinkUpDownTrapEnable, ifAlias.
const IF_X_COLUMNS: &[u32] = &[1, 6, 7, 10, 11, 14, 18];

/// ifAdminStatus up(1): the interface is not `disable`d (a link trap is only sent for one).
pub const ADMIN_UP: i32 = 1;
/// ifAdminStatus down(2): `disable`.
const ADMIN_DOWN: i32 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    If,
    IfX,
}

impl Table {
    /// In OID order.
    const ALL: [Table; 2] = [Table::If, Table::IfX];

    fn entry(self) -> &'static [u32] {
        match self {
            Table::If => IF_ENTRY,
            Table::IfX => IF_X_ENTRY,
        }
    }

    fn columns(self) -> &'static [u32] {
        match self {
            Table::If => IF_COLUMNS,
            Table::IfX => IF_X_COLUMNS,
        }
    }
}

/// The IF-MIB rows of one snapshot; none is no IF-MIB.
#[derive(Default)]
pub struct IfTable {
    rows: Vec<InterfaceRow>,
    /// ifIndex -> position in `rows`.
    index: BTreeMap<u32, usize>,
}

impl IfTable {
    /// Rows not numbered yet (ifIndex 0) are left out: 0 is no ifIndex.
    pub fn new(rows: Vec<InterfaceRow>) -> Self {
        let index = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.if_index != 0)
            .map(|(i, r)| (r.if_index, i))
            .collect();
        IfTable { rows, index }
    }

    /// The value at exactly `oid`, or `None` when `oid` is not under IF-MIB's objects.
    /// With no interface at all (the daemon runs none, or is stopping) IF-MIB is not
    /// served: not even ifNumber.
    pub fn get(&self, oid: &[u32]) -> Option<Lookup> {
        if self.index.is_empty() {
            return None;
        }
        if let Some(rest) = oid.strip_prefix(IF_NUMBER) {
            return Some(match rest {
                [0] => Lookup::Value(self.if_number()),
                _ => Lookup::NoSuchInstance,
            });
        }
        for table in Table::ALL {
            let Some(rest) = oid.strip_prefix(table.entry()) else {
                continue;
            };
            let Some((column, index)) = rest.split_first() else {
                return Some(Lookup::NoSuchObject);
            };
            if !table.columns().contains(column) {
                return Some(Lookup::NoSuchObject);
            }
            let value = match index {
                [if_index] => self.cell(table, *if_index, *column),
                _ => None,
            };
            return Some(value.map_or(Lookup::NoSuchInstance, Lookup::Value));
        }
        SUBTREES
            .iter()
            .any(|tree| oid.starts_with(tree))
            .then_some(Lookup::NoSuchObject)
    }

    /// The instances after `oid` in lexicographic order; none when `oid` is past IF-MIB.
    pub fn walk_after(&self, oid: &[u32]) -> IfWalk<'_> {
        let number = [IF_NUMBER, &[0]].concat();
        let at = if self.index.is_empty() {
            At::End
        } else if oid < number.as_slice() {
            At::Number
        } else {
            self.cells_after(oid)
        };
        IfWalk { table: self, at }
    }

    fn cells_after(&self, oid: &[u32]) -> At<'_> {
        for (t, table) in Table::ALL.into_iter().enumerate() {
            let entry = table.entry();
            if oid < entry {
                return self.column_from(t, 0, Bound::Unbounded);
            }
            let Some(rest) = oid.strip_prefix(entry) else {
                continue;
            };
            let Some((&column, index)) = rest.split_first() else {
                return self.column_from(t, 0, Bound::Unbounded);
            };
            let Some(c) = table.columns().iter().position(|&n| n >= column) else {
                continue;
            };
            if table.columns().get(c) != Some(&column) {
                return self.column_from(t, c, Bound::Unbounded);
            }
            // `.c` alone: the column's first row; `.c.i` (and anything under it): after i.
            let after = index
                .first()
                .map_or(Bound::Unbounded, |&i| Bound::Excluded(i));
            return self.column_from(t, c, after);
        }
        At::End
    }

    fn column_from(&self, t: usize, c: usize, after: Bound<u32>) -> At<'_> {
        At::Cells {
            t,
            c,
            rows: self.index.range((after, Bound::Unbounded)),
        }
    }

    fn if_number(&self) -> Value {
        Value::Integer(i32::try_from(self.index.len()).unwrap_or(i32::MAX))
    }

    fn cell(&self, table: Table, if_index: u32, column: u32) -> Option<Value> {
        let row = self.rows.get(*self.index.get(&if_index)?)?;
        match table {
            Table::If => if_cell(row, column),
            Table::IfX => if_x_cell(row, column),
        }
    }
}

fn if_cell(row: &InterfaceRow, column: u32) -> Option<Value> {
    let traffic = row.traffic;
    Some(match column {
        1 => Value::Integer(i32::try_from(row.if_index).unwrap_or(i32::MAX)),
        // Junos' ifDescr is the interface's name.
        2 => Value::string(&row.name),
        3 => Value::Integer(row.if_type),
        4 => Value::Integer(i32::try_from(row.mtu).unwrap_or(i32::MAX)),
        7 => Value::Integer(if row.admin_down { ADMIN_DOWN } else { ADMIN_UP }),
        8 => Value::Integer(row.oper_status),
        9 => Value::time_ticks(row.last_change),
        10 => Value::counter32(traffic?.input_bytes),
        11 => Value::counter32(traffic?.input_packets),
        16 => Value::counter32(traffic?.output_bytes),
        17 => Value::counter32(traffic?.output_packets),
        _ => return None,
    })
}

fn if_x_cell(row: &InterfaceRow, column: u32) -> Option<Value> {
    let traffic = row.traffic;
    Some(match column {
        1 => Value::string(&row.name),
        6 => Value::Counter64(traffic?.input_bytes),
        7 => Value::Counter64(traffic?.input_packets),
        10 => Value::Counter64(traffic?.output_bytes),
        11 => Value::Counter64(traffic?.output_packets),
        // enabled(1), disabled(2).
        14 => Value::Integer(if row.link_traps { 1 } else { 2 }),
        18 => Value::string(&row.alias),
        _ => return None,
    })
}

/// Where an [`IfWalk`] is.
enum At<'a> {
    Number,
    /// Column number `c` of table number `t` of `Table::ALL`, the rows still to give.
    Cells {
        t: usize,
        c: usize,
        rows: std::collections::btree_map::Range<'a, u32, usize>,
    },
    End,
}

/// IF-MIB's instances in lexicographic order from a starting point: ifNumber.0, then each
/// table column by column, every row of a column before the next.
pub struct IfWalk<'a> {
    table: &'a IfTable,
    at: At<'a>,
}

impl Iterator for IfWalk<'_> {
    type Item = (Vec<u32>, Value);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match &mut self.at {
                At::Number => {
                    self.at = self.table.column_from(0, 0, Bound::Unbounded);
                    return Some(([IF_NUMBER, &[0]].concat(), self.table.if_number()));
                }
                At::Cells { t, c, rows } => {
                    let Some(&kind) = Table::ALL.get(*t) else {
                        self.at = At::End;
                        continue;
                    };
                    let Some(&column) = kind.columns().get(*c) else {
                        self.at = self.table.column_from(*t + 1, 0, Bound::Unbounded);
                        continue;
                    };
                    for (&if_index, _) in rows.by_ref() {
                        if let Some(value) = self.table.cell(kind, if_index, column) {
                            return Some(([kind.entry(), &[column, if_index]].concat(), value));
                        }
                    }
                    self.at = self.table.column_from(*t, *c + 1, Bound::Unbounded);
                }
                At::End => return None,
            }
        }
    }
}

#[cfg(test)]
#[path = "if_mib_tests.rs"]
mod tests;
