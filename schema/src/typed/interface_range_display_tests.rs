//! `| display inheritance` of interface ranges: Juniper's `show | display inheritance` page
//! shows "interface ranges configuration data in expanded format and information about the
//! source interface-range from which the configuration has been expanded": each member
//! with the range's statements written under it, each one it took commented.

use crate::parse::parse_config;
use crate::print::{to_inheritance_set_lines, to_inheritance_text};
use crate::tree::NodeId;

const RANGE: &str = "\
interfaces {
    interface-range access {
        member \"ge-0/0/[1-2]\";
        description \"from the range\";
        unit 100 {
            vlan-id 100;
        }
    }
    ge-0/0/2 {
        description \"its own\";
        unit 100 {
            encapsulation ppp-over-ether;
        }
    }
}
";

#[test]
fn each_statement_a_member_takes_from_a_range_is_commented() {
    let tree = parse_config(RANGE).unwrap_or_else(|e| panic!("{e}"));
    let shown = to_inheritance_text(&[NodeId::new("interfaces")], &tree, true);
    // The members the range alone names come after the configuration's own, as the
    // commit's expanded tree has them.
    assert_eq!(
        shown,
        "\
interfaces {
    ge-0/0/2 {
        description \"its own\";
        unit 100 {
            encapsulation ppp-over-ether;
            ##
            ## '100' was expanded from interface-range 'access'
            ##
            vlan-id 100;
        }
    }
    ##
    ## 'ge-0/0/1' was expanded from interface-range 'access'
    ##
    ge-0/0/1 {
        ##
        ## 'from the range' was expanded from interface-range 'access'
        ##
        description \"from the range\";
        ##
        ## '100' was expanded from interface-range 'access'
        ##
        unit 100 {
            ##
            ## '100' was expanded from interface-range 'access'
            ##
            vlan-id 100;
        }
    }
}
"
    );
    let plain = to_inheritance_text(&[NodeId::new("interfaces")], &tree, false);
    assert!(!plain.contains("##"), "{plain}");
    assert!(!plain.contains("interface-range"), "{plain}");
    let set = to_inheritance_set_lines(&[], &tree);
    assert!(
        set.contains("set interfaces ge-0/0/1 unit 100 vlan-id 100\n"),
        "{set}"
    );
    assert!(!set.contains("interface-range"), "{set}");
}
