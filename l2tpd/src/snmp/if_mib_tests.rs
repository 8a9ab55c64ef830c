use std::time::Duration;

use schema::interface_rpc::TrafficStatistics;

use super::*;
use crate::snmp::snapshot::{if_type, oper_status};

fn row(name: &str, if_index: u32, traffic: Option<u64>) -> InterfaceRow {
    InterfaceRow {
        name: name.into(),
        if_index,
        if_type: if_type::ETHERNET_CSMACD,
        mtu: 1500,
        // ge-0/0/9 is `disable`d.
        admin_down: name == "ge-0/0/9",
        oper_status: oper_status::UP,
        alias: format!("{name} port"),
        traffic: traffic.map(|n| TrafficStatistics {
            input_bytes: n,
            input_packets: n / 100,
            output_bytes: 2 * n,
            output_packets: n / 50,
        }),
        last_change: Duration::from_secs(3),
        link_traps: true,
    }
}

/// Rows in no order, one without traffic, one not numbered yet.
fn table() -> IfTable {
    IfTable::new(vec![
        row("ge-0/0/1.100", 7, Some(1 << 33)),
        row("ge-0/0/1", 2, Some(1 << 33)),
        row("ge-0/0/9", 3, None),
        row("pp0", 0, Some(5)),
    ])
}

fn at(entry: &[u32], column: u32, if_index: u32) -> Vec<u32> {
    [entry, &[column, if_index]].concat()
}

#[test]
fn columns_are_indexed_by_if_index() {
    let t = table();
    assert_eq!(
        t.get(&[IF_NUMBER, &[0]].concat()),
        Some(Lookup::Value(Value::Integer(3))),
        "the unnumbered row is not counted"
    );
    assert_eq!(
        t.get(&at(IF_ENTRY, 2, 7)),
        Some(Lookup::Value(Value::string("ge-0/0/1.100")))
    );
    assert_eq!(
        t.get(&at(IF_ENTRY, 8, 2)),
        Some(Lookup::Value(Value::Integer(1)))
    );
    // ifAdminStatus: up(1), down(2) for a disabled interface.
    assert_eq!(
        t.get(&at(IF_ENTRY, 7, 2)),
        Some(Lookup::Value(Value::Integer(1)))
    );
    assert_eq!(
        t.get(&at(IF_ENTRY, 7, 3)),
        Some(Lookup::Value(Value::Integer(2)))
    );
    assert_eq!(
        t.get(&at(IF_ENTRY, 9, 2)),
        Some(Lookup::Value(Value::TimeTicks(300)))
    );
    // Counter32 is the low 32 bits, the HC column the whole count.
    assert_eq!(
        t.get(&at(IF_ENTRY, 10, 2)),
        Some(Lookup::Value(Value::Counter32(0)))
    );
    assert_eq!(
        t.get(&at(IF_X_ENTRY, 6, 2)),
        Some(Lookup::Value(Value::Counter64(1 << 33)))
    );
    assert_eq!(
        t.get(&at(IF_X_ENTRY, 10, 2)),
        Some(Lookup::Value(Value::Counter64(1 << 34)))
    );
    assert_eq!(
        t.get(&at(IF_X_ENTRY, 18, 2)),
        Some(Lookup::Value(Value::string("ge-0/0/1 port")))
    );
    assert_eq!(
        t.get(&at(IF_X_ENTRY, 14, 2)),
        Some(Lookup::Value(Value::Integer(1)))
    );
}

#[test]
fn what_is_not_there_is_told_apart() {
    let t = table();
    // No traffic carried: no instance, not a zero that would pass for one.
    assert_eq!(t.get(&at(IF_ENTRY, 10, 3)), Some(Lookup::NoSuchInstance));
    assert_eq!(t.get(&at(IF_ENTRY, 2, 4)), Some(Lookup::NoSuchInstance));
    assert_eq!(
        t.get(&[at(IF_ENTRY, 2, 2).as_slice(), &[0]].concat()),
        Some(Lookup::NoSuchInstance)
    );
    // ifSpeed is not served.
    assert_eq!(t.get(&at(IF_ENTRY, 5, 2)), Some(Lookup::NoSuchObject));
    assert_eq!(
        t.get(&[IF_NUMBER, &[1]].concat()),
        Some(Lookup::NoSuchInstance)
    );
    assert_eq!(t.get(&[1, 3, 6, 1, 2, 1, 2, 9]), Some(Lookup::NoSuchObject));
    // Outside IF-MIB: not this table's to answer.
    assert_eq!(t.get(&[1, 3, 6, 1, 4, 1, 2636]), None);
}

#[test]
fn a_walk_goes_column_by_column_in_if_index_order() {
    let t = table();
    let walked: Vec<Vec<u32>> = t.walk_after(&[1, 3, 6, 1, 2, 1]).map(|(o, _)| o).collect();
    let mut expected = vec![[IF_NUMBER, &[0]].concat()];
    for column in IF_COLUMNS {
        for if_index in [2, 3, 7] {
            // ge-0/0/9 (3) carries no traffic: its counter columns are skipped.
            if if_index == 3 && [10, 11, 16, 17].contains(column) {
                continue;
            }
            expected.push(at(IF_ENTRY, *column, if_index));
        }
    }
    for column in IF_X_COLUMNS {
        for if_index in [2, 3, 7] {
            if if_index == 3 && [6, 7, 10, 11].contains(column) {
                continue;
            }
            expected.push(at(IF_X_ENTRY, *column, if_index));
        }
    }
    assert_eq!(walked, expected);
    let mut sorted = walked.clone();
    sorted.sort();
    assert_eq!(walked, sorted, "lexicographic order");

    // From every instance, the walk goes on at the next one.
    for (i, oid) in walked.iter().enumerate() {
        let next = t.walk_after(oid).next().map(|(o, _)| o);
        assert_eq!(next.as_ref(), walked.get(i + 1), "after {oid:?}");
    }
}

#[test]
fn a_walk_starts_anywhere() {
    let t = table();
    let first = |oid: &[u32]| t.walk_after(oid).next().map(|(o, _)| o);
    // Between rows, at a column with no index, at a column not served.
    assert_eq!(first(&at(IF_ENTRY, 2, 5)), Some(at(IF_ENTRY, 2, 7)));
    assert_eq!(first(&[IF_ENTRY, &[3]].concat()), Some(at(IF_ENTRY, 3, 2)));
    assert_eq!(first(&at(IF_ENTRY, 5, 9)), Some(at(IF_ENTRY, 7, 2)));
    // Past the ifTable's last column: the ifXTable.
    assert_eq!(first(&at(IF_ENTRY, 22, 0)), Some(at(IF_X_ENTRY, 1, 2)));
    assert_eq!(first(&[1, 3, 6, 1, 2, 1, 3]), Some(at(IF_X_ENTRY, 1, 2)));
    // Past IF-MIB: nothing.
    assert_eq!(first(&at(IF_X_ENTRY, 18, 7)), None);
    assert_eq!(first(&[1, 3, 6, 1, 2, 1, 32]), None);
}

#[test]
fn no_rows_is_no_if_mib() {
    let t = IfTable::new(vec![row("pp0", 0, None)]);
    assert_eq!(t.walk_after(&[]).next(), None);
    assert_eq!(t.get(&[IF_NUMBER, &[0]].concat()), None);
}
