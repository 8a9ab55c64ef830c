//! Which routing instance an LNS session comes up in (issue 11; the seed, lines 35-45): the
//! one the AAA server names in the subscriber's Virtual-Router VSA [26-1], else the one its
//! tunnel ends in — because without that VSA the AAA server is reachable only from the
//! tunnel's routing instance. (DHCP and non-tunnelled PPPoE subscribers differ: they come
//! up in the default instance; this rule is the LNS's alone.)

use schema::typed::RouterConfig;

/// The routing instance of a session of tunnel group `group`: `aaa` (the Virtual-Router
/// attribute, once AAA returns it — the hook for the AAA issue, which must also refuse an
/// instance that is not configured), else the instance whose `interface` names the group's
/// service interface; `None` is the default instance.
pub fn session_routing_instance(
    config: &RouterConfig,
    group: &str,
    aaa: Option<&str>,
) -> Option<String> {
    if let Some(named) = aaa {
        return Some(named.to_string());
    }
    let service = config
        .l2tp
        .tunnel_groups
        .get(group)?
        .service_interface
        .as_deref()?;
    config.routing_instance_of(service).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> RouterConfig {
        let lines = format!(
            "set services l2tp tunnel-group g local-gateway address 127.0.0.72\n\
             set services l2tp tunnel-group g service-interface si-1/0/0\n\
             set services l2tp tunnel-group h local-gateway address 127.0.0.73\n\
             set services l2tp tunnel-group h service-interface si-1/0/1\n{extra}"
        );
        let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines)
            .expect("set lines parse");
        schema::typed::router_config(&tree)
    }

    #[test]
    fn a_session_comes_up_in_the_instance_its_tunnel_ends_in() {
        let config = config(
            "set routing-instances ri1 instance-type virtual-router\n\
             set routing-instances ri1 interface si-1/0/0.0\n",
        );
        assert_eq!(
            session_routing_instance(&config, "g", None).as_deref(),
            Some("ri1")
        );
        // Group h's service interface is in no instance: the default one.
        assert_eq!(session_routing_instance(&config, "h", None), None);
        assert_eq!(session_routing_instance(&config, "nope", None), None);
    }

    #[test]
    fn the_aaa_virtual_router_attribute_wins() {
        let config = config(
            "set routing-instances ri1 instance-type virtual-router\n\
             set routing-instances ri1 interface si-1/0/0\n",
        );
        assert_eq!(
            session_routing_instance(&config, "g", Some("ri2")).as_deref(),
            Some("ri2")
        );
        assert_eq!(
            session_routing_instance(&config, "h", Some("ri2")).as_deref(),
            Some("ri2")
        );
    }
}
