//! The LAC's decision for an authenticated subscriber (Junos "L2TP LAC subscriber tunneling"):
//! the domain of the user name selects a domain map; a map that names a tunnel profile
//! tunnels the subscriber through it, and a map without one terminates the subscriber on the
//! LAC itself (PPP, authentication by the map's `access-profile`, an address from its
//! `address-pool`), as the product document describes. RADIUS comes with the AAA issue; a
//! subscriber no map takes is refused with a reason the operator can act on.

use schema::typed::{AccessProfile, DomainMap, RouterConfig};

/// What happens to a subscriber once its credentials are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Tunnel through the tunnel profile of this name (present in the configuration).
    Tunnel {
        profile: String,
    },
    /// Terminate PPP here, authenticating with this access profile (`None`: admit, as the
    /// LNS does without an `aaa-access-profile`).
    Terminate {
        access_profile: Option<String>,
    },
    Refuse(Refusal),
}

/// Why a subscriber was refused; each is counted (`show subscribers summary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Refusal {
    /// The user name has no `@domain` and no `default` map applies.
    NoDomain,
    /// No `access domain map` for the domain (nor a `default` map).
    NoDomainMap,
    /// The map's `access-profile` is not configured (local termination).
    UnknownAccessProfile,
    /// The map names a tunnel profile that is not configured.
    UnknownTunnelProfile,
    /// L2TP is draining or no tunnel of the profile can take the session.
    NoTunnel,
    /// The interface's `max-sessions` or the subscriber table is full.
    Capacity,
    /// RADIUS answered Access-Reject (or a Challenge, which PPP cannot carry).
    RadiusReject,
    /// No RADIUS server answered and no later method of `authentication-order` decided.
    AaaUnavailable,
    /// Too many subscribers wait for RADIUS already: the request queue is full.
    AaaBusy,
    /// RADIUS named a tunnel profile (Tunnel-Group) that is not configured.
    UnknownTunnelGroup,
    /// RADIUS sent tunnel attributes but no tunnel has a server endpoint.
    NoTunnelEndpoint,
    /// The dynamic profile failed: a `mandatory` variable had no value from RADIUS.
    DynamicProfile,
    /// RADIUS named a firewall filter (Ingress-/Egress-Policy-Name into the dynamic
    /// profile's `"$junos-input-filter"`) that is not configured: the profile fails.
    UnknownFilter,
    /// LNS: every `si-` unit of the LAC's `l2tp interface-id` is dedicated and taken; LAC:
    /// every static pp0 unit of the PPPoE session's underlying unit is taken.
    NoStaticInterface,
    /// LNS: the tunnel group's service interface is `disable`d.
    InterfaceDisabled,
}

impl Refusal {
    /// The operator's sentence, as `show subscribers` and the log print it.
    pub fn text(self) -> &'static str {
        match self {
            Refusal::NoDomain => {
                "user name has no domain and neither a none nor a default domain map is configured"
            }
            Refusal::NoDomainMap => "no access domain map for the user's domain",
            Refusal::UnknownAccessProfile => "the domain map's access-profile is not configured",
            Refusal::UnknownTunnelProfile => "the domain map's tunnel-profile is not configured",
            Refusal::NoTunnel => "no tunnel of the tunnel profile could take the session",
            Refusal::Capacity => "subscriber limit reached",
            Refusal::RadiusReject => "RADIUS rejected the subscriber",
            Refusal::AaaUnavailable => {
                "no RADIUS server answered and no other method admitted the subscriber"
            }
            Refusal::AaaBusy => {
                "too many subscribers are waiting for RADIUS: the request queue is full"
            }
            Refusal::UnknownTunnelGroup => {
                "RADIUS named a tunnel profile (Tunnel-Group) that is not configured"
            }
            Refusal::NoTunnelEndpoint => {
                "RADIUS tunnel attributes gave no tunnel a server endpoint"
            }
            Refusal::DynamicProfile => {
                "the dynamic profile's mandatory variable has no value from RADIUS"
            }
            Refusal::UnknownFilter => "RADIUS named a firewall filter that is not configured",
            Refusal::NoStaticInterface => {
                "no free static logical interface (si- of the LAC's l2tp-interface-id, or pp0 on the PPPoE underlying interface)"
            }
            Refusal::InterfaceDisabled => "the tunnel group's service interface is disabled",
        }
    }

    /// The short key used in counters and JSON (`no-domain-map`).
    pub fn key(self) -> &'static str {
        match self {
            Refusal::NoDomain => "no-domain",
            Refusal::NoDomainMap => "no-domain-map",
            Refusal::UnknownAccessProfile => "unknown-access-profile",
            Refusal::UnknownTunnelProfile => "unknown-tunnel-profile",
            Refusal::NoTunnel => "no-tunnel",
            Refusal::Capacity => "capacity",
            Refusal::RadiusReject => "radius-reject",
            Refusal::AaaUnavailable => "aaa-unavailable",
            Refusal::AaaBusy => "aaa-busy",
            Refusal::UnknownTunnelGroup => "unknown-tunnel-group",
            Refusal::NoTunnelEndpoint => "no-tunnel-endpoint",
            Refusal::DynamicProfile => "dynamic-profile",
            Refusal::UnknownFilter => "unknown-filter",
            Refusal::NoStaticInterface => "no-static-interface",
            Refusal::InterfaceDisabled => "interface-disabled",
        }
    }
}

/// The name of the domain map Junos falls back to when the user's domain has none.
const DEFAULT_MAP: &str = "default";
/// The name of the domain map Junos uses for a user name without a domain (Juniper, "map
/// (Domain Map)": "the domain map the router uses when a subscriber username does not have a
/// domain or realm name").
const NO_DOMAIN_MAP: &str = "none";

/// The domain of `user` (`alice@isp.example` → `isp.example`) as `[edit access domain]`
/// `delimiter` and `parse-direction` split it (Junos' defaults: `@`, from the right, so the
/// last `@` separates it).
pub fn domain_of<'u>(config: &RouterConfig, user: &'u str) -> Option<&'u str> {
    config
        .domain_parsing
        .split(user)
        .map(|(_, domain)| domain)
        .filter(|d| !d.is_empty())
}

/// The domain map for `user`: its domain's (case-insensitively: DNS names), else the most
/// specific wildcard map that matches it ([`wildcard_match`]), else `default`. A user name
/// without a domain takes `none`, else `default` (the page does not say what it takes
/// without a `none` map; `default` is what it took here before `none` was built).
fn map_of<'c>(config: &'c RouterConfig, user: &str) -> Option<(&'c String, &'c DomainMap)> {
    let maps = &config.domain_maps;
    match domain_of(config, user) {
        Some(domain) => maps
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(domain))
            .or_else(|| {
                // The most literal characters win (our choice: Juniper's page does not say
                // which of two matching wildcard maps is taken); the first name on a tie.
                let matching = maps.iter().filter_map(|(name, map)| {
                    Some((wildcard_match(name, domain)?, std::cmp::Reverse(name), map))
                });
                let best = matching.max_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)))?;
                Some((best.1 .0, best.2))
            })
            .or_else(|| maps.get_key_value(DEFAULT_MAP)),
        None => maps
            .get_key_value(NO_DOMAIN_MAP)
            .or_else(|| maps.get_key_value(DEFAULT_MAP)),
    }
}

/// Whether the wildcard map `name` matches `domain` (Juniper, "map (Domain Map)": the first
/// `*` stands for zero or more characters, anywhere in the name; another `*` is a plain
/// character), case-insensitively; `Some` of how many characters of the name are literal.
/// `None` for a name without `*`.
fn wildcard_match(name: &str, domain: &str) -> Option<usize> {
    let (before, after) = name.split_once('*')?;
    let (domain, head, tail) = (domain.as_bytes(), before.as_bytes(), after.as_bytes());
    let fits = domain.len() >= head.len() + tail.len()
        && domain[..head.len()].eq_ignore_ascii_case(head)
        && domain[domain.len() - tail.len()..].eq_ignore_ascii_case(tail);
    fits.then_some(head.len() + tail.len())
}

/// The domain map's `tunnel-profile` for `user` (RADIUS tunnel attributes merge into it).
pub fn map_tunnel_profile<'c>(config: &'c RouterConfig, user: &str) -> Option<&'c str> {
    map_of(config, user)?.1.tunnel_profile.as_deref()
}

/// The access profile that authenticates `user` at the LAC: its domain map's
/// `access-profile`.
pub fn map_access_profile<'c>(config: &'c RouterConfig, user: &str) -> Option<&'c str> {
    map_of(config, user)?.1.access_profile.as_deref()
}

/// The access profile the LAC's AAA uses for `user`: its domain map's, else the router's
/// (`[edit] access-profile`).
pub fn lac_access_profile<'c>(config: &'c RouterConfig, user: &str) -> Option<&'c str> {
    map_access_profile(config, user).or(config.access_profile.as_deref())
}

/// The domain map's `dynamic-profile` for `user`.
pub fn map_dynamic_profile<'c>(config: &'c RouterConfig, user: &str) -> Option<&'c str> {
    map_of(config, user)?.1.dynamic_profile.as_deref()
}

/// The routing instance `user`'s AAA requests go in: its domain map's
/// `aaa-routing-instance`; `None` (the main table) without one or for Junos' `default`.
pub fn map_aaa_routing_instance<'c>(config: &'c RouterConfig, user: &str) -> Option<&'c str> {
    map_of(config, user)?
        .1
        .aaa_routing_instance
        .as_deref()
        .filter(|instance| *instance != "default")
}

/// The user name AAA sees: without its domain when the domain map says `strip-domain`.
pub fn aaa_user_name<'u>(config: &RouterConfig, user: &'u str) -> &'u str {
    match (map_of(config, user), config.domain_parsing.split(user)) {
        (Some((_, map)), Some((local, _))) if map.strip_domain => local,
        _ => user,
    }
}

/// The User-Name of `user`'s RADIUS requests under `profile`: the domain map's
/// `strip-domain`, then the profile's `session-options strip-user-name`. Its Access-Requests
/// and its accounting records carry the same name (Junos modifies the user name at login,
/// before any AAA service: the server accounts the name it authenticated).
pub fn radius_user_name<'u>(
    config: &RouterConfig,
    profile: &AccessProfile,
    user: &'u str,
) -> &'u str {
    profile
        .session_options
        .stripped_user_name(aaa_user_name(config, user))
}

/// The `address-pool` the user's domain map names (the LNS, and a LAC that terminates).
pub fn address_pool<'c>(config: &'c RouterConfig, user: &str) -> Option<&'c str> {
    map_of(config, user)?.1.address_pool.as_deref()
}

/// Decides for `user` under `config`.
pub fn decide(config: &RouterConfig, user: &str) -> Decision {
    let map = map_of(config, user);
    let Some((_, map)) = map else {
        return Decision::Refuse(if domain_of(config, user).is_some() {
            Refusal::NoDomainMap
        } else {
            Refusal::NoDomain
        });
    };
    let Some(profile) = &map.tunnel_profile else {
        if let Some(access) = &map.access_profile {
            if !config.access_profiles.contains_key(access) {
                return Decision::Refuse(Refusal::UnknownAccessProfile);
            }
        }
        return Decision::Terminate {
            access_profile: map.access_profile.clone(),
        };
    };
    if !config.tunnel_profiles.contains_key(profile) {
        return Decision::Refuse(Refusal::UnknownTunnelProfile);
    }
    Decision::Tunnel {
        profile: profile.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(lines: &str) -> RouterConfig {
        crate::test_config(lines)
    }

    const PROFILE: &str =
        "set access tunnel-profile tp1 tunnel 1 remote-gateway address 127.0.0.2\n\
        set access tunnel-profile tp1 tunnel 1 source-gateway address 127.0.0.1\n";

    #[test]
    fn a_mapped_domain_is_tunnelled_through_its_profile() {
        let c = config(&format!(
            "{PROFILE}set access domain map isp.example tunnel-profile tp1\n"
        ));
        assert_eq!(
            decide(&c, "alice@ISP.example"),
            Decision::Tunnel {
                profile: "tp1".into()
            }
        );
        assert_eq!(
            decide(&c, "bob@other.example"),
            Decision::Refuse(Refusal::NoDomainMap)
        );
        assert_eq!(decide(&c, "carol"), Decision::Refuse(Refusal::NoDomain));
    }

    #[test]
    fn the_default_map_catches_unmapped_domains_and_bare_names() {
        let c = config(&format!(
            "{PROFILE}set access domain map default tunnel-profile tp1\n"
        ));
        for user in ["bob@other.example", "carol", "x@"] {
            assert_eq!(
                decide(&c, user),
                Decision::Tunnel {
                    profile: "tp1".into()
                },
                "{user}"
            );
        }
    }

    #[test]
    fn a_map_without_a_tunnel_profile_terminates_locally() {
        let c = config("set access domain map isp.example strip-domain\n");
        assert_eq!(
            decide(&c, "a@isp.example"),
            Decision::Terminate {
                access_profile: None
            }
        );
        let c = config(
            "set access domain map isp.example access-profile local\n\
             set access profile local authentication-order none\n",
        );
        assert_eq!(
            decide(&c, "a@isp.example"),
            Decision::Terminate {
                access_profile: Some("local".into())
            }
        );
        let c = config("set access domain map isp.example access-profile missing\n");
        assert_eq!(
            decide(&c, "a@isp.example"),
            Decision::Refuse(Refusal::UnknownAccessProfile)
        );
    }

    /// Juniper, "map (Domain Map)": with no exact map, a wildcard map (one `*`, zero or more
    /// characters, anywhere; a later `*` is a plain character) is looked up, then `default`.
    #[test]
    fn a_wildcard_map_takes_a_domain_no_map_names_exactly() {
        let c = config(
            "set access domain map *.example address-pool any-example\n\
             set access domain map *.north.example address-pool north\n\
             set access domain map xyz*northern.example address-pool xyz\n\
             set access domain map a*b*c address-pool star\n\
             set access domain map isp.example address-pool exact\n\
             set access domain map default address-pool fallback\n",
        );
        let pool = |user| address_pool(&c, user);
        assert_eq!(pool("u@isp.example"), Some("exact"), "an exact map first");
        assert_eq!(pool("u@other.example"), Some("any-example"));
        assert_eq!(
            pool("u@OTHER.Example"),
            Some("any-example"),
            "DNS names: any case"
        );
        assert_eq!(
            pool("u@a.north.example"),
            Some("north"),
            "the most specific"
        );
        assert_eq!(
            pool("u@xyznorthern.example"),
            Some("xyz"),
            "zero characters"
        );
        assert_eq!(pool("u@xyz-12.northern.example"), Some("xyz"));
        assert_eq!(pool("u@aXb*c"), Some("star"), "the second * is a character");
        assert_eq!(pool("u@aXbYc"), Some("fallback"));
        assert_eq!(
            pool("u@example"),
            Some("fallback"),
            "`.example` needs its dot"
        );
        assert_eq!(pool("u@isp.net"), Some("fallback"));
    }

    /// `none` takes the user names without a domain; `default` still takes the rest.
    #[test]
    fn the_none_map_takes_names_without_a_domain() {
        let c = config(
            "set access domain map none address-pool bare\n\
             set access domain map default address-pool fallback\n",
        );
        assert_eq!(address_pool(&c, "carol"), Some("bare"));
        assert_eq!(
            address_pool(&c, "carol@"),
            Some("bare"),
            "an empty domain is none"
        );
        assert_eq!(address_pool(&c, "carol@isp.example"), Some("fallback"));
        assert_eq!(
            address_pool(&c, "carol@none"),
            Some("bare"),
            "a domain named none"
        );
    }

    #[test]
    fn a_map_names_the_pool_of_its_subscribers() {
        let c = config("set access domain map isp.example address-pool p1\n");
        assert_eq!(address_pool(&c, "a@isp.example"), Some("p1"));
        assert_eq!(address_pool(&c, "a@other.example"), None);
    }

    #[test]
    fn the_last_at_separates_the_domain() {
        let c = config("");
        assert_eq!(domain_of(&c, "a@b@isp.example"), Some("isp.example"));
        assert_eq!(domain_of(&c, "a@"), None);
        assert_eq!(domain_of(&c, "plain"), None);
    }

    #[test]
    fn a_configured_delimiter_and_left_to_right_parsing_split_the_name() {
        // Junos' example: user1@abc.com@xyz.com is in xyz.com from the right, in
        // abc.com@xyz.com from the left.
        let c = config(
            "set access domain parse-direction left-to-right
             set access domain map abc.com@xyz.com address-pool p1
             set access domain map xyz.com address-pool p2
             set access domain map isp.example strip-domain
",
        );
        assert_eq!(
            domain_of(&c, "user1@abc.com@xyz.com"),
            Some("abc.com@xyz.com")
        );
        assert_eq!(address_pool(&c, "user1@abc.com@xyz.com"), Some("p1"));
        assert_eq!(aaa_user_name(&c, "a@isp.example"), "a");
        let c = config(
            "set access domain map abc.com@xyz.com address-pool p1
             set access domain map xyz.com address-pool p2
",
        );
        assert_eq!(address_pool(&c, "user1@abc.com@xyz.com"), Some("p2"));
        // Junos' other example: bob@abc.com, pete!xyz.com and maria\pqr.com with the
        // delimiters @, ! and \; once delimiters are set, @ counts only if listed.
        let c = config(
            "set access domain delimiter \"@!\\\\\"\n\
             set access domain map isp.example strip-domain\n",
        );
        assert_eq!(c.domain_parsing.delimiters, "@!\\");
        assert_eq!(domain_of(&c, "bob@abc.com"), Some("abc.com"));
        assert_eq!(domain_of(&c, "pete!xyz.com"), Some("xyz.com"));
        assert_eq!(domain_of(&c, "maria\\pqr.com"), Some("pqr.com"));
        assert_eq!(aaa_user_name(&c, "carol!isp.example"), "carol");
        // Right to left, the rightmost of any delimiter separates the domain.
        assert_eq!(domain_of(&c, "a@b!isp.example"), Some("isp.example"));
        let c = config("set access domain delimiter !\n");
        assert_eq!(domain_of(&c, "bob@abc.com"), None);
        assert_eq!(domain_of(&c, "bob@abc!xyz.com"), Some("xyz.com"));
    }
}
