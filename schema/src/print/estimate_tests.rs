//! The reservation covers the printed text, without regrowth, and wastes at most a third
//! of it: whole configurations of the kind an operator brings, and a large one.

use super::brace::reservation;
use crate::parse::parse_config;
use crate::tree::Node;
use std::fmt::Write;

/// Printed length, reservation.
fn measured(text: &str) -> (usize, usize) {
    let tree = parse_config(text).unwrap_or_else(|e| panic!("{e}"));
    (super::to_text(&[], &tree).len(), reservation(&tree))
}

/// `n` tunnel profiles and domain maps, as the commit bench loads them.
fn profiles(n: usize) -> String {
    let mut t = String::from("system {\n    host-name r1;\n}\naccess {\n");
    for i in 0..n {
        let _ = write!(
            t,
            "    tunnel-profile tp{i} {{\n        tunnel 1 {{\n            identification lns{i};\n            \
             secret \"s-{i}\";\n            remote-gateway {{\n                address 198.18.{}.{};\n            \
             }}\n        }}\n    }}\n",
            i / 250,
            i % 250 + 1
        );
    }
    t.push_str("    domain {\n");
    for i in 0..n {
        let _ = write!(
            t,
            "        map isp{i}.example {{\n            tunnel-profile tp{i};\n        }}\n"
        );
    }
    t.push_str("    }\n}\n");
    t
}

#[test]
fn the_reservation_holds_the_text_and_wastes_at_most_half_of_it() {
    let whole = [
        include_str!("../parse/testdata/bng-ae-bundle-two-lns.conf").to_string(),
        include_str!("../parse/testdata/lns-static-units-pools.conf").to_string(),
        include_str!("../parse/testdata/system-host-level.conf").to_string(),
        profiles(3),
        profiles(2000),
    ];
    for text in &whole {
        let (printed, reserved) = measured(text);
        assert!(
            printed <= reserved && reserved <= printed + printed / 2,
            "printed {printed} octets, reserved {reserved}: {}",
            text.lines().next().unwrap_or_default()
        );
    }
}

#[test]
fn an_empty_configuration_reserves_nothing() {
    assert_eq!(reservation(&Node::default()), 0);
}
