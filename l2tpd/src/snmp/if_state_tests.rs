use std::time::{Duration, Instant};

use super::*;
use crate::snmp::snapshot::InterfaceRow;

fn config(text: &str) -> RouterConfig {
    let tree = schema::parse::parse_config(text).expect("parses");
    schema::typed::router_config(&tree)
}

fn rows(names: &[&str]) -> Vec<InterfaceRow> {
    names
        .iter()
        .map(|n| InterfaceRow {
            name: n.to_string(),
            ..InterfaceRow::default()
        })
        .collect()
}

#[test]
fn an_if_index_is_kept_and_never_given_twice() {
    let mut state = IfState::new(Instant::now());
    let mut first = rows(&["ge-0/0/1", "ge-0/0/1.100", "si-0/0/0"]);
    state.annotate(&mut first);
    let numbers: Vec<u32> = first.iter().map(|r| r.if_index).collect();
    assert_eq!(numbers, [1, 2, 3]);

    // A later snapshot without ge-0/0/1.100 and with a new interface: the others keep
    // theirs, the new one takes a number never given.
    let mut second = rows(&["pp0", "si-0/0/0", "ge-0/0/1"]);
    state.annotate(&mut second);
    let numbers: Vec<u32> = second.iter().map(|r| r.if_index).collect();
    assert_eq!(numbers, [4, 3, 1]);

    // It comes back with its own number.
    let mut third = rows(&["ge-0/0/1.100"]);
    state.annotate(&mut third);
    assert_eq!(third[0].if_index, 2);
}

#[test]
fn a_port_and_its_trapping_units_change_together() {
    let started = Instant::now();
    let mut state = IfState::new(started);
    state.apply(&config(
        "interfaces { ge-0/0/1 { unit 100 { traps; } unit 200; } ge-0/0/2 { no-traps; } }",
    ));
    let mut numbered = rows(&["ge-0/0/1", "ge-0/0/1.100", "ge-0/0/1.200", "ge-0/0/2"]);
    state.annotate(&mut numbered);
    let traps: Vec<bool> = numbered.iter().map(|r| r.link_traps).collect();
    assert_eq!(
        traps,
        [true, true, false, false],
        "Junos' defaults and the statements"
    );

    let down = started + Duration::from_secs(7);
    assert_eq!(
        state.link("ge-0/0/1", false, down),
        [
            LinkChange {
                if_index: 1,
                up: false
            },
            LinkChange {
                if_index: 2,
                up: false
            }
        ],
        "the port, then its unit with traps; not the unit without"
    );
    // The same state again is no change.
    assert_eq!(
        state.link("ge-0/0/1", false, down + Duration::from_secs(1)),
        []
    );
    // no-traps: the change is recorded, nothing sent.
    assert_eq!(state.link("ge-0/0/2", false, down), []);

    let mut after = rows(&["ge-0/0/1", "ge-0/0/1.200", "ge-0/0/2", "pp0"]);
    state.annotate(&mut after);
    let changed: Vec<Duration> = after.iter().map(|r| r.last_change).collect();
    let seven = Duration::from_secs(7);
    assert_eq!(changed, [seven, seven, seven, Duration::ZERO]);

    let up = state.link("ge-0/0/1", true, down + Duration::from_secs(2));
    assert_eq!(
        up.first(),
        Some(&LinkChange {
            if_index: 1,
            up: true
        })
    );
}

#[test]
fn subscriber_rows_keep_their_numbers_and_stay_out_of_the_map() {
    let mut state = IfState::new(Instant::now());
    let subscriber = *SUBSCRIBER_IF_INDEXES.start() + 7;
    let mut first = rows(&["ge-0/0/1", "pp0.1073741831"]);
    first[1].if_index = subscriber;
    state.annotate(&mut first);
    assert_eq!(first[0].if_index, 1);
    assert_eq!(first[1].if_index, subscriber);
    assert!(!first[1].link_traps, "a subscriber unit sends no link trap");
    assert!(
        !state.numbers.contains_key("pp0.1073741831"),
        "subscriber rows do not grow the map of configured interfaces"
    );
    // The next configured interface takes the next number, not one after the subscriber's.
    let mut second = rows(&["pp0"]);
    state.annotate(&mut second);
    assert_eq!(second[0].if_index, 2);
}
