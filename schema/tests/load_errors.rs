//! A brace-text load that lists every error: for any damage done to a valid configuration
//! (a span cut out, a word or brace put in), the load never panics, every error it lists
//! points inside the text, in text order, and a text that loads still prints and reloads
//! to the same tree.

use proptest::prelude::*;
use schema::parse::parse_config;
use schema::print::to_text;

const TEXT: &str = "\
version 20.4R3.8;
system {
    host-name r1;
}
services {
    l2tp {
        traceoptions {
            file jl2tpd size 10m files 5;
            flag all;
        }
        tunnel-group tg1 {
            local-gateway address 127.0.0.2;
            service-interface si-0/0/0;
        }
    }
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            family inet {
                address 127.0.0.2/24;
            }
        }
    }
}
access {
    address-assignment {
        pool p {
            family inet {
                network 127.16.0.0/16;
                dhcp-attributes {
                    name-server {
                        127.0.0.53;
                    }
                }
            }
        }
    }
}
";

fn damaged() -> impl Strategy<Value = String> {
    let insert = prop::sample::select(vec![
        "{",
        "}",
        ";",
        "chassis { x; }",
        "bogus",
        "protocols bgp;",
        "\"",
        "[ a",
        "]",
        "\n",
        "inactive: ",
    ]);
    (0..TEXT.len(), 0..40usize, insert).prop_map(|(at, cut, insert)| {
        let end = (at + cut).min(TEXT.len());
        format!("{}{}{}", &TEXT[..at], insert, &TEXT[end..])
    })
}

proptest! {
    #[test]
    fn damaged_text_reports_errors_in_order_or_loads_whole(text in damaged()) {
        let lines = text.split('\n').count();
        match parse_config(&text) {
            Ok(tree) => {
                let printed = to_text(&[], &tree);
                prop_assert_eq!(parse_config(&printed).ok(), Some(tree));
            }
            Err(e) => {
                let all: Vec<_> = e.all().collect();
                for e in &all {
                    prop_assert!(e.line >= 1 && e.line <= lines, "{} of {}", e, lines);
                    prop_assert!(e.column >= 1);
                }
                prop_assert!(all.iter().skip(1).all(|e| e.more.is_empty()));
                let positions: Vec<_> = all.iter().map(|e| (e.line, e.column)).collect();
                let mut sorted = positions.clone();
                sorted.sort();
                prop_assert_eq!(positions, sorted);
            }
        }
    }
}

/// Found by the proptest above: an empty leaf-list block loaded, then printed back as text
/// that does not load. It is refused where it is written.
#[test]
fn an_empty_leaf_list_block_is_refused() {
    let text = "access {\n    address-assignment {\n        pool p {\n            family inet {\n                network 127.16.0.0/16;\n                dhcp-attributes {\n                    name-server {\n\n                    }\n                }\n            }\n        }\n    }\n}\n";
    let error = parse_config(text).expect_err("an empty leaf-list");
    assert!(
        error
            .to_string()
            .contains("'name-server' needs at least one value"),
        "{error}"
    );
}
