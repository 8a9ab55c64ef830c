//! The jnxL2tp subtree of one snapshot, and before it IF-MIB ([`super::if_mib`]) and the
//! system group ([`super::system`]), as a sorted OID -> value view.
//!
//! Rows are kept in `BTreeMap`s keyed by their MIB index (the INDEX clause's arcs), and a
//! value is computed only when asked for, so a view over 60,000 sessions costs one map
//! entry per row, and get / get-next are a map lookup / range step, never a scan.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::time::SystemTime;

use mibs::{
    jnx_l2tp_session_stats_acct_method as acct_method,
    jnx_l2tp_session_stats_encap_type as encap_type,
    jnx_l2tp_session_stats_framed_protocol as framed_protocol, jnx_l2tp_session_stats_mode as mode,
    jnx_l2tp_tunnel_stats_state as tunnel_state,
};

use super::if_mib::{IfTable, IfWalk};
use super::snapshot::{Counters, SessionRow, SnmpSnapshot, TunnelGroupRow, TunnelRow};
use super::system::{SystemGroup, SystemWalk};
use super::value::{date_and_time, inet_address, inet_address_type, Value};

/// What a Get finds at one OID (RFC 3416 4.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Value(Value),
    /// No object the view serves is named by the OID.
    NoSuchObject,
    /// The object is served, but has no such instance (no such row, or a scalar not `.0`).
    NoSuchInstance,
}

/// Columns of jnxL2tpTunnelGroupStatsTable served (1 is the not-accessible index).
const GROUP_COLUMNS: std::ops::RangeInclusive<u32> = 2..=6;
/// Columns of jnxL2tpTunnelStatsTable served: every accessible one.
const TUNNEL_COLUMNS: std::ops::RangeInclusive<u32> = 2..=35;
/// Columns of jnxL2tpSessionStatsTable served: every accessible one, those without data
/// in the engine at the defaults documented in `session_cell`.
const SESSION_COLUMNS: std::ops::RangeInclusive<u32> = 3..=67;
/// jnxL2tpStats scalars .1 to .13.
const SCALARS: std::ops::RangeInclusive<u32> = 1..=13;

/// The length of the IMPLIED tunnel group name index (the SIZE of TnlGrpName).
const GROUP_NAME_OCTETS: std::ops::RangeInclusive<usize> = 1..=128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    TunnelGroup,
    Tunnel,
    Session,
}

impl Table {
    /// In OID order, which is the order get-next walks them.
    const ALL: [Table; 3] = [Table::TunnelGroup, Table::Tunnel, Table::Session];

    fn entry(self) -> &'static [u32] {
        match self {
            Table::TunnelGroup => mibs::JNX_L2TP_TUNNEL_GROUP_STATS_ENTRY,
            Table::Tunnel => mibs::JNX_L2TP_TUNNEL_STATS_ENTRY,
            Table::Session => mibs::JNX_L2TP_SESSION_STATS_ENTRY,
        }
    }

    fn columns(self) -> std::ops::RangeInclusive<u32> {
        match self {
            Table::TunnelGroup => GROUP_COLUMNS,
            Table::Tunnel => TUNNEL_COLUMNS,
            Table::Session => SESSION_COLUMNS,
        }
    }
}

struct GroupRow {
    group: TunnelGroupRow,
    tunnels: u64,
    sessions: u64,
}

/// A read-only view of one snapshot, taken at `now`.
pub struct View {
    now: SystemTime,
    tunnel_statistics: bool,
    scalars: [Value; 13],
    groups: Vec<GroupRow>,
    tunnels: Vec<TunnelRow>,
    sessions: Vec<SessionRow>,
    /// MIB index -> position in the row vector above, per table.
    group_index: BTreeMap<Vec<u32>, usize>,
    tunnel_index: BTreeMap<Vec<u32>, usize>,
    session_index: BTreeMap<Vec<u32>, usize>,
    /// IF-MIB, whose OIDs all come before jnxL2tp's.
    interfaces: IfTable,
    /// The system group, whose OIDs come before IF-MIB's.
    system: Option<SystemGroup>,
}

impl View {
    /// Builds the view; `now` is the instant up and idle times are measured against.
    pub fn new(snapshot: SnmpSnapshot, now: SystemTime) -> Self {
        let SnmpSnapshot {
            tunnel_statistics,
            tunnel_groups,
            tunnels,
            sessions,
            interfaces,
            system,
        } = snapshot;

        let mut per_group: HashMap<&str, (u64, u64)> = HashMap::new();
        for tunnel in &tunnels {
            per_group.entry(&tunnel.tunnel_group).or_default().0 += 1;
        }
        for session in &sessions {
            per_group.entry(&session.tunnel_group).or_default().1 += 1;
        }
        let groups: Vec<GroupRow> = tunnel_groups
            .into_iter()
            .map(|group| {
                let (tunnels, sessions) = per_group
                    .get(group.name.as_str())
                    .copied()
                    .unwrap_or_default();
                GroupRow {
                    group,
                    tunnels,
                    sessions,
                }
            })
            .collect();
        let scalars = global_scalars(&tunnels, sessions.len(), tunnel_statistics);

        // A group whose name cannot be an index (empty, or over 128 octets) is left out
        // rather than served under an OID no manager could have asked for.
        let group_index = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| GROUP_NAME_OCTETS.contains(&g.group.name.len()))
            .map(|(i, g)| (g.group.name.bytes().map(u32::from).collect(), i))
            .collect();
        let tunnel_index = tunnels
            .iter()
            .enumerate()
            .map(|(i, t)| (vec![u32::from(t.local_tid)], i))
            .collect();
        let session_index = sessions
            .iter()
            .enumerate()
            .map(|(i, s)| (vec![u32::from(s.local_tid), u32::from(s.local_sid)], i))
            .collect();

        View {
            now,
            tunnel_statistics,
            scalars,
            groups,
            tunnels,
            sessions,
            group_index,
            tunnel_index,
            session_index,
            interfaces: IfTable::new(interfaces),
            system,
        }
    }

    /// The value at exactly `oid` (a Get).
    pub fn get(&self, oid: &[u32]) -> Lookup {
        if let Some(found) = self.system.as_ref().and_then(|s| s.get(oid)) {
            return found;
        }
        if let Some(found) = self.interfaces.get(oid) {
            return found;
        }
        let stats = mibs::JNX_L2TP_STATS;
        if let Some(rest) = oid.strip_prefix(stats) {
            return match rest {
                [n, 0] if SCALARS.contains(n) => Lookup::Value(self.scalar(*n)),
                [n, ..] if SCALARS.contains(n) => Lookup::NoSuchInstance,
                _ => Lookup::NoSuchObject,
            };
        }
        for table in Table::ALL {
            let Some(rest) = oid.strip_prefix(table.entry()) else {
                continue;
            };
            let Some((&column, index)) = rest.split_first() else {
                return Lookup::NoSuchObject;
            };
            if !table.columns().contains(&column) {
                return Lookup::NoSuchObject;
            }
            return self
                .index(table)
                .get(index)
                .and_then(|&row| self.cell(table, row, column))
                .map_or(Lookup::NoSuchInstance, Lookup::Value);
        }
        Lookup::NoSuchObject
    }

    /// The first instance after `oid` in lexicographic order (a GetNext), or `None` at the
    /// end of the view. Any OID is accepted: one before the subtree finds its first
    /// instance.
    pub fn get_next(&self, oid: &[u32]) -> Option<(Vec<u32>, Value)> {
        self.walk_after(oid).next()
    }

    /// Up to `max` instances following `oid`, as a GetBulk repeater walks them.
    pub fn get_bulk(&self, oid: &[u32], max: usize) -> Vec<(Vec<u32>, Value)> {
        self.walk_after(oid).take(max).collect()
    }

    /// The instances after `oid`, in order: one lookup to find the first, then a step
    /// along the table's index per instance, so a GetBulk or a walk never searches from
    /// the start again.
    pub fn walk_after(&self, oid: &[u32]) -> Walk<'_> {
        let cursor = match SCALARS
            .clone()
            .find(|n| scalar_instance(*n).as_slice() > oid)
        {
            Some(n) => Cursor::Scalars(n),
            None => self.rows_after(oid),
        };
        Walk {
            view: self,
            system: self.system.as_ref().map(|s| s.walk_after(oid)),
            interfaces: Some(self.interfaces.walk_after(oid)),
            cursor,
        }
    }

    /// Where the walk goes on in the tables, after `oid` (which is past the scalars).
    fn rows_after(&self, oid: &[u32]) -> Cursor<'_> {
        for (t, table) in Table::ALL.into_iter().enumerate() {
            let entry = table.entry();
            let columns = table.columns();
            if oid < entry {
                return self.first_rows(t);
            }
            let Some(rest) = oid.strip_prefix(entry) else {
                continue;
            };
            match rest.split_first() {
                None => return self.first_rows(t),
                Some((column, _)) if column < columns.start() => return self.first_rows(t),
                Some((&column, index)) if columns.contains(&column) => {
                    return Cursor::Rows {
                        table: t,
                        column,
                        rows: self
                            .index(table)
                            .range::<[u32], _>((Bound::Excluded(index), Bound::Unbounded)),
                    }
                }
                // Past the table's last column: on to the next table.
                Some(_) => continue,
            }
        }
        Cursor::End
    }

    /// The first column of table number `t` of `Table::ALL`, from its first row.
    fn first_rows(&self, t: usize) -> Cursor<'_> {
        match Table::ALL.get(t) {
            Some(&table) => Cursor::Rows {
                table: t,
                column: *table.columns().start(),
                rows: self.index(table).range::<[u32], _>(..),
            },
            None => Cursor::End,
        }
    }

    fn index(&self, table: Table) -> &BTreeMap<Vec<u32>, usize> {
        match table {
            Table::TunnelGroup => &self.group_index,
            Table::Tunnel => &self.tunnel_index,
            Table::Session => &self.session_index,
        }
    }

    fn scalar(&self, n: u32) -> Value {
        let i = (n as usize).saturating_sub(1);
        self.scalars.get(i).cloned().unwrap_or(Value::Gauge32(0))
    }

    fn cell(&self, table: Table, row: usize, column: u32) -> Option<Value> {
        match table {
            Table::TunnelGroup => self.groups.get(row).and_then(|g| group_cell(g, column)),
            Table::Tunnel => self
                .tunnels
                .get(row)
                .and_then(|t| self.tunnel_cell(t, column)),
            Table::Session => self
                .sessions
                .get(row)
                .and_then(|s| self.session_cell(s, column)),
        }
    }

    fn tunnel_cell(&self, t: &TunnelRow, column: u32) -> Option<Value> {
        // enable-snmp-tunnel-statistics gates the data counters only (Junos behaviour).
        let data = |count: u64| if self.tunnel_statistics { count } else { 0 };
        let c = &t.counters;
        Some(match column {
            2 => Value::string(&t.service_interface),
            3 => Value::string(&t.tunnel_group),
            4 => Value::Integer(t.remote_tid.into()),
            5 => inet_address_type(Some(t.remote.ip())),
            6 => inet_address(Some(t.remote.ip())),
            7 => Value::Unsigned32(t.remote.port().into()),
            8 => Value::gauge32(self.sessions_in(t.local_tid)),
            9 => Value::Integer(t.state),
            10 => inet_address_type(Some(t.local.ip())),
            11 => inet_address(Some(t.local.ip())),
            12 => Value::Unsigned32(t.local.port().into()),
            13 => Value::string(&t.local_host_name),
            14 => Value::string(&t.remote_host_name),
            15 => Value::Integer(i32::try_from(t.max_sessions).unwrap_or(i32::MAX)),
            16 => Value::Integer(t.window_size.into()),
            17 => Value::Integer(t.hello_interval.into()),
            18 => date_and_time(t.created),
            19 => Value::time_ticks(self.since(t.created)),
            20 => Value::time_ticks(t.idle),
            21 => date_and_time(t.collection_start),
            22 => Value::counter32(c.control_tx_packets),
            23 => Value::Counter64(c.control_tx_octets),
            24 => Value::counter32(c.control_rx_packets),
            25 => Value::Counter64(c.control_rx_octets),
            26 => Value::counter32(data(c.data_tx_packets)),
            27 => Value::Counter64(data(c.data_tx_octets)),
            28 => Value::counter32(data(c.data_rx_packets)),
            29 => Value::Counter64(data(c.data_rx_octets)),
            30 => Value::counter32(c.error_tx_packets),
            31 => Value::counter32(c.error_rx_packets),
            32 => Value::counter32(c.control_tx_octets),
            33 => Value::counter32(c.control_rx_octets),
            34 => Value::Counter64(data(c.data_tx_packets)),
            35 => Value::Counter64(data(c.data_rx_packets)),
            _ => return None,
        })
    }

    /// Columns the engine has no data for answer with the value Junos documents for
    /// unsupported objects: zero, empty, or the enumeration's "unknown"/"none".
    fn session_cell(&self, s: &SessionRow, column: u32) -> Option<Value> {
        let c = &s.counters;
        let framed = s.assigned_address;
        Some(match column {
            3 => Value::string(&s.service_interface),
            4 => Value::string(&s.tunnel_group),
            5 => Value::Integer(s.remote_sid.into()),
            6 => Value::Unsigned32(s.interface_unit),
            // Every session this router carries is single-link PPP.
            7 => Value::Integer(encap_type::PPP),
            8 => Value::Integer(0),
            9 => Value::Integer(s.state),
            10 => Value::string(&s.user_name),
            11 => Value::Integer(mode::UNKNOWN),
            12 => inet_address_type(Some(s.local.ip())),
            13 => inet_address(Some(s.local.ip())),
            14 => Value::Unsigned32(s.local.port().into()),
            15 => inet_address_type(Some(s.remote.ip())),
            16 => inet_address(Some(s.remote.ip())),
            17 => Value::Unsigned32(s.remote.port().into()),
            18 => Value::string(&s.local_host_name),
            19 => Value::string(&s.remote_host_name),
            20 => inet_address_type(s.assigned_address),
            21 => inet_address(s.assigned_address),
            22 => Value::Integer(i32::try_from(s.local_mru).unwrap_or(i32::MAX)),
            23 => Value::Integer(i32::try_from(s.remote_mru).unwrap_or(i32::MAX)),
            24 => Value::Unsigned32(s.tx_speed),
            25 => Value::Unsigned32(s.rx_speed),
            26 => Value::Integer(s.call_bearer_type),
            27 => Value::Integer(s.framing_type),
            28 => Value::truth(s.lcp_renegotiation),
            29 => Value::Integer(s.auth_method),
            // The NAS columns describe a RADIUS client's view; this router has none to report.
            30 => inet_address_type(None),
            31 => inet_address(None),
            32 => Value::Unsigned32(0),
            33 => Value::Integer(framed_protocol::PPP),
            34 => inet_address_type(framed),
            35 => inet_address(framed),
            36 => Value::string(&s.calling_station_id),
            37 => Value::string(&s.called_station_id),
            38 => Value::Integer(0),
            39 => Value::string(&s.acct_session_id),
            40 => Value::Integer(if s.radius_accounting {
                acct_method::RADIUS
            } else {
                acct_method::LOCAL
            }),
            41 => Value::gauge32(self.since(s.created).as_secs()),
            42 => Value::Integer(s.nas_port_type),
            43 | 44 => Value::Integer(0),
            45..=48 => Value::OctetString(Vec::new()),
            49 => Value::Unsigned32(s.call_serial_number),
            50 => date_and_time(s.created),
            51 => Value::time_ticks(self.since(s.created)),
            52 => Value::time_ticks(s.idle),
            53 => date_and_time(s.collection_start),
            54 => Value::counter32(c.control_tx_packets),
            55 => Value::Counter64(c.control_tx_octets),
            56 => Value::counter32(c.control_rx_packets),
            57 => Value::Counter64(c.control_rx_octets),
            58 => Value::counter32(c.data_tx_packets),
            59 => Value::Counter64(c.data_tx_octets),
            60 => Value::counter32(c.data_rx_packets),
            61 => Value::Counter64(c.data_rx_octets),
            62 => Value::counter32(c.error_tx_packets),
            63 => Value::counter32(c.error_rx_packets),
            64 => Value::counter32(c.control_tx_octets),
            65 => Value::counter32(c.control_rx_octets),
            66 => Value::Counter64(c.data_tx_packets),
            67 => Value::Counter64(c.data_rx_packets),
            _ => return None,
        })
    }

    fn sessions_in(&self, local_tid: u16) -> u64 {
        let tid = u32::from(local_tid);
        self.session_index.range(vec![tid]..vec![tid + 1]).count() as u64
    }

    fn since(&self, then: SystemTime) -> std::time::Duration {
        self.now.duration_since(then).unwrap_or_default()
    }
}

/// The instance of scalar `n` of jnxL2tpStats (`.n.0`).
fn scalar_instance(n: u32) -> Vec<u32> {
    [mibs::JNX_L2TP_STATS, &[n, 0]].concat()
}

/// Where a [`Walk`] is.
enum Cursor<'a> {
    /// The next scalar to give.
    Scalars(u32),
    /// In a column of a table (the number of one of `Table::ALL`), the rows still to give.
    Rows {
        table: usize,
        column: u32,
        rows: std::collections::btree_map::Range<'a, Vec<u32>, usize>,
    },
    End,
}

/// The view's instances in lexicographic order from a starting point: scalars, then each
/// table column by column (the MIB's order: every row of column 2 before column 3).
pub struct Walk<'a> {
    view: &'a View,
    /// The system group's instances come first, then IF-MIB's, each until it has no more.
    system: Option<SystemWalk<'a>>,
    interfaces: Option<IfWalk<'a>>,
    cursor: Cursor<'a>,
}

impl Iterator for Walk<'_> {
    type Item = (Vec<u32>, Value);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(system) = &mut self.system {
            match system.next() {
                Some(found) => return Some(found),
                None => self.system = None,
            }
        }
        if let Some(interfaces) = &mut self.interfaces {
            match interfaces.next() {
                Some(found) => return Some(found),
                None => self.interfaces = None,
            }
        }
        loop {
            match &mut self.cursor {
                Cursor::Scalars(n) if SCALARS.contains(n) => {
                    let scalar = *n;
                    *n += 1;
                    return Some((scalar_instance(scalar), self.view.scalar(scalar)));
                }
                Cursor::Scalars(_) => self.cursor = self.view.first_rows(0),
                Cursor::Rows {
                    table,
                    column,
                    rows,
                } => {
                    let Some(&kind) = Table::ALL.get(*table) else {
                        self.cursor = Cursor::End;
                        continue;
                    };
                    for (index, &row) in rows.by_ref() {
                        if let Some(value) = self.view.cell(kind, row, *column) {
                            return Some(([kind.entry(), &[*column], index].concat(), value));
                        }
                    }
                    if *column < *kind.columns().end() {
                        *column += 1;
                        *rows = self.view.index(kind).range::<[u32], _>(..);
                    } else {
                        self.cursor = self.view.first_rows(*table + 1);
                    }
                }
                Cursor::End => return None,
            }
        }
    }
}

fn group_cell(g: &GroupRow, column: u32) -> Option<Value> {
    Some(match column {
        2 => inet_address_type(g.group.gateway),
        3 => inet_address(g.group.gateway),
        4 => Value::string(&g.group.service_interface),
        5 => Value::gauge32(g.tunnels),
        6 => Value::gauge32(g.sessions),
        _ => return None,
    })
}

/// jnxL2tpStats: sums over the tunnels that exist now, hence gauges that may fall.
fn global_scalars(tunnels: &[TunnelRow], sessions: usize, tunnel_statistics: bool) -> [Value; 13] {
    let sum = |f: fn(&Counters) -> u64| {
        tunnels
            .iter()
            .fold(0u64, |acc, t| acc.saturating_add(f(&t.counters)))
    };
    let data = |f: fn(&Counters) -> u64| if tunnel_statistics { sum(f) } else { 0 };
    let established = tunnels
        .iter()
        .filter(|t| t.state == tunnel_state::ESTABLISHED)
        .count();
    [
        Value::gauge32(established as u64),
        Value::gauge32(sessions as u64),
        Value::gauge32(sum(|c| c.control_rx_octets)),
        Value::gauge32(sum(|c| c.control_rx_packets)),
        Value::gauge32(sum(|c| c.control_tx_octets)),
        Value::gauge32(sum(|c| c.control_tx_packets)),
        Value::gauge32(data(|c| c.data_rx_octets)),
        Value::Counter64(data(|c| c.data_rx_packets)),
        Value::Counter64(data(|c| c.data_tx_octets)),
        Value::Counter64(data(|c| c.data_tx_packets)),
        Value::Counter64(sum(|c| c.error_tx_packets)),
        Value::Counter64(sum(|c| c.error_rx_packets)),
        Value::Counter64(data(|c| c.data_rx_octets)),
    ]
}

#[cfg(test)]
#[path = "view_tests.rs"]
pub(crate) mod tests;
