//! Commit checks of `[edit routing-instances]`.

use super::{check, MISSING_MANDATORY};
use crate::parse::{apply_set_lines, parse_config};
use crate::print::to_text;
use crate::tree::{path_words, Node};
use crate::typed::{router_config, InstanceType};

const LNS: &str = "set services l2tp tunnel-group g local-gateway address 127.0.0.72\n\
     set services l2tp tunnel-group g service-interface si-1/0/0\n\
     set services l2tp tunnel-group h local-gateway address 127.0.0.73\n\
     set services l2tp tunnel-group h service-interface si-1/0/1\n";

fn tree(extra: &str) -> Node {
    apply_set_lines(&Node::default(), &format!("{LNS}{extra}")).expect("set lines parse")
}

fn errors(extra: &str) -> (Vec<(String, String, String)>, String) {
    let (errors, summary) = check(&tree(extra)).expect_err("check should fail");
    let errors = errors
        .into_iter()
        .map(|e| (path_words(&e.path), e.statement, e.message))
        .collect();
    (errors, summary)
}

fn err(path: &str, statement: &str, message: &str) -> (String, String, String) {
    (path.to_string(), statement.to_string(), message.to_string())
}

#[test]
fn a_virtual_router_with_a_service_interface_passes_and_reads_typed() {
    let root = tree(
        "set routing-instances ri1 instance-type virtual-router\n\
         set routing-instances ri1 interface si-1/0/0.0\n\
         set routing-instances ri2 instance-type virtual-router\n",
    );
    assert_eq!(check(&root), Ok(vec![]));
    let config = router_config(&root);
    let ri1 = &config.routing_instances["ri1"];
    assert_eq!(ri1.instance_type, Some(InstanceType::VirtualRouter));
    assert_eq!(ri1.interfaces, vec!["si-1/0/0.0".to_string()]);
    assert!(config.routing_instances["ri2"].interfaces.is_empty());
    assert_eq!(config.routing_instance_of("si-1/0/0"), Some("ri1"));
    assert_eq!(config.routing_instance_of("si-1/0/1"), None);
}

#[test]
fn the_junos_text_form_parses_and_prints_back() {
    let text = "routing-instances {\n    ri1 {\n        instance-type virtual-router;\n        interface si-1/0/0.0;\n    }\n}\n";
    let root = parse_config(text).expect("parses");
    assert_eq!(to_text(&[], &root), text);
}

#[test]
fn instance_type_is_mandatory() {
    let (errors, summary) = errors("set routing-instances ri1 interface si-1/0/0\n");
    assert_eq!(summary, MISSING_MANDATORY);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].2.contains("instance-type"), "{errors:?}");
}

#[test]
fn only_the_virtual_router_type_is_accepted() {
    let result = apply_set_lines(
        &Node::default(),
        "set routing-instances ri1 instance-type vrf\n",
    );
    assert!(result.is_err());
}

#[test]
fn an_interface_belongs_to_one_instance_only() {
    let (errors, _) = errors(
        "set routing-instances a instance-type virtual-router\n\
         set routing-instances a interface si-1/0/0\n\
         set routing-instances b instance-type virtual-router\n\
         set routing-instances b interface si-1/0/0.0\n",
    );
    assert_eq!(
        errors,
        vec![err(
            "routing-instances b",
            "interface si-1/0/0.0",
            "Interface si-1/0/0 is already in routing instance a"
        )]
    );
}

#[test]
fn reserved_names_are_refused() {
    for name in ["default", "master"] {
        let (errors, _) = errors(&format!(
            "set routing-instances {name} instance-type virtual-router\n"
        ));
        assert_eq!(
            errors,
            vec![err(
                "",
                &format!("routing-instances {name}"),
                &format!("'{name}' is a reserved routing instance name")
            )]
        );
    }
}

#[test]
fn names_that_cannot_make_a_device_name_are_refused() {
    let (errors, _) = errors("set routing-instances a.b instance-type virtual-router\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].1, "routing-instances a.b");
}

#[test]
fn long_names_that_meet_on_one_vrf_device_are_refused() {
    // Same first six characters; find two whose 16-bit hashes meet.
    let names = (0..200_000)
        .map(|i| format!("custom-{i}"))
        .fold(std::collections::HashMap::new(), |mut seen, name| {
            seen.entry(crate::typed::vrf_device_name(&name))
                .or_insert_with(Vec::new)
                .push(name);
            seen
        })
        .into_values()
        .find(|names| names.len() > 1)
        .expect("a 16-bit hash collides within 200,000 names");
    let (errors, _) = errors(&format!(
        "set routing-instances {} instance-type virtual-router\n\
         set routing-instances {} instance-type virtual-router\n",
        names[0], names[1]
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].2.contains("VRF device"), "{errors:?}");
}

#[test]
fn an_interface_that_is_no_service_interface_warns() {
    let warnings = check(&tree(
        "set routing-instances ri1 instance-type virtual-router\n\
         set routing-instances ri1 interface ge-0/0/0.0\n",
    ))
    .expect("warnings only");
    assert_eq!(
        warnings,
        vec![
            "warning: [edit routing-instances ri1] 'interface ge-0/0/0.0': statement has no \
              effect: only a tunnel group's service interface is placed in a routing instance"
        ]
    );
}
