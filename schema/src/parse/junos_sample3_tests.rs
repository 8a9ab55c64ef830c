//! Issue 16, third sample (branch wt-h98): statements of Juniper-published Junos text that
//! the router refused, each written here in its documented form with our own values (the
//! pages are named in docs/junos-coverage.md, "Third sample (h98)"). Each loads as Junos
//! writes it, prints back character for character and its set form reloads to the same tree.

use super::junos_gaps_tests::no_effect;
use crate::parse::parse_config;
use crate::typed::router_config;

/// Examples: Configuring Static Filters (subscriber-mgmt-services, current release) writes
/// a filter's address conditions with host bits set (`source-address { a.b.c.10/24; }`).
/// Taken as written; the packet is matched under the prefix's length (the matcher masks).
#[test]
fn filter_address_conditions_take_prefixes_with_host_bits() {
    let text = "\
firewall {
    family inet {
        filter sub-in {
            term t1 {
                from {
                    destination-address {
                        198.18.8.20/24 except;
                    }
                    source-address {
                        198.18.7.10/24;
                    }
                }
                then {
                    count c1;
                    accept;
                }
            }
            term t2 {
                from {
                    address {
                        198.18.9.1/16;
                    }
                }
                then discard;
            }
        }
    }
}
";
    assert_eq!(no_effect(text), Vec::<String>::new());
    let config = router_config(&parse_config(text).unwrap());
    let term = &config.firewall_filters["sub-in"].terms[0];
    let source = term.from.source_address[0].prefix;
    assert_eq!(source.to_string(), "198.18.7.10/24");
    assert!(source.contains("198.18.7.200".parse().unwrap()));
    assert!(!source.contains("198.18.6.10".parse().unwrap()));
    // Still a prefix: a length past 32 or a bare address is refused.
    for bad in ["198.18.7.10/33", "198.18.7.10"] {
        let wrong = text.replace("198.18.7.10/24", bad);
        assert!(parse_config(&wrong).is_err(), "{bad}");
    }
}
