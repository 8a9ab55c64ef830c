use std::net::Ipv4Addr;

use super::*;

fn config(lines: &str) -> RouterConfig {
    crate::test_config(lines)
}

/// The reference's profile: tunnel 1 to 198.18.1.10 with its secret and names.
fn configured() -> RouterConfig {
    config(
        "set access tunnel-profile tp1 tunnel 1 remote-gateway address 198.18.1.10\n\
         set access tunnel-profile tp1 tunnel 1 remote-gateway gateway-name LNS1\n\
         set access tunnel-profile tp1 tunnel 1 source-gateway address 198.18.1.2\n\
         set access tunnel-profile tp1 tunnel 1 secret from-profile\n\
         set access tunnel-profile tp1 tunnel 1 preference 5\n\
         set access tunnel-profile tp2 tunnel 1 remote-gateway address 198.18.2.10\n",
    )
}

fn tagged(tag: u8) -> RadiusTunnel {
    RadiusTunnel {
        tag,
        tunnel_type: Some(3),
        medium_type: Some(1),
        ..RadiusTunnel::default()
    }
}

fn tunnel(choice: &TunnelChoice, number: u8) -> &ProfileTunnel {
    choice.profile.tunnels.get(&number).expect("tunnel")
}

#[test]
fn without_tunnel_attributes_the_domain_maps_profile_is_used_unchanged() {
    let config = configured();
    let mut ignored = Vec::new();
    let choice = decide(
        &config,
        Some("tp1"),
        &TunnelAttributes::default(),
        &mut ignored,
    )
    .expect("no refusal")
    .expect("tunnelled");
    assert_eq!(choice.name, "tp1");
    assert_eq!(choice.source, TunnelSource::DomainMap);
    assert_eq!(&choice.profile, config.tunnel_profiles.get("tp1").unwrap());
    // No map profile and nothing from RADIUS: terminated here.
    assert_eq!(
        decide(&config, None, &TunnelAttributes::default(), &mut ignored),
        Ok(None)
    );
}

#[test]
fn the_tunnel_group_vsa_beats_the_domain_map() {
    let config = configured();
    let attributes = TunnelAttributes {
        tunnel_group: Some("tp2".into()),
        ..TunnelAttributes::default()
    };
    let choice = decide(&config, Some("tp1"), &attributes, &mut Vec::new())
        .unwrap()
        .unwrap();
    assert_eq!(choice.name, "tp2");
    assert_eq!(choice.source, TunnelSource::TunnelGroup);
    assert_eq!(
        tunnel(&choice, 1).remote_gateway.address,
        Some(Ipv4Addr::new(198, 18, 2, 10))
    );
    let unknown = TunnelAttributes {
        tunnel_group: Some("nope".into()),
        ..TunnelAttributes::default()
    };
    assert_eq!(
        decide(&config, Some("tp1"), &unknown, &mut Vec::new()),
        Err(TunnelRefusal::UnknownTunnelGroup("nope".into()))
    );
}

#[test]
fn tag_one_overrides_tunnel_one_attribute_by_attribute_and_tag_two_adds_a_tunnel() {
    let config = configured();
    let attributes = TunnelAttributes {
        tunnel_group: None,
        tunnels: vec![
            RadiusTunnel {
                server_endpoint: Some("198.18.1.20".into()),
                password: Some(b"from-radius".to_vec()),
                ..tagged(1)
            },
            RadiusTunnel {
                server_endpoint: Some("198.18.1.11".into()),
                password: Some(b"s3cret2".to_vec()),
                assignment_id: Some("lns2".into()),
                preference: Some(2),
                ..tagged(2)
            },
        ],
        ignored: Vec::new(),
    };
    let mut ignored = Vec::new();
    let choice = decide(&config, Some("tp1"), &attributes, &mut ignored)
        .unwrap()
        .unwrap();
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(choice.name, "tp1");
    assert_eq!(choice.source, TunnelSource::Attributes);
    let one = tunnel(&choice, 1);
    assert_eq!(
        one.remote_gateway.address,
        Some(Ipv4Addr::new(198, 18, 1, 20))
    );
    assert_eq!(
        one.secret.as_ref().map(Secret::expose),
        Some(&b"from-radius"[..])
    );
    // What RADIUS did not name stays as configured.
    assert_eq!(one.remote_gateway.gateway_name.as_deref(), Some("LNS1"));
    assert_eq!(
        one.source_gateway.address,
        Some(Ipv4Addr::new(198, 18, 1, 2))
    );
    assert_eq!(one.preference, 5);
    let two = tunnel(&choice, 2);
    assert_eq!(
        two.remote_gateway.address,
        Some(Ipv4Addr::new(198, 18, 1, 11))
    );
    assert_eq!(two.identification.as_deref(), Some("lns2"));
    assert_eq!(two.preference, 2);
    // The configured profile itself is untouched.
    let configured = config.tunnel_profiles.get("tp1").unwrap();
    assert_eq!(configured.tunnels.len(), 1);
}

#[test]
fn without_a_profile_radius_describes_all_31_tunnels_itself() {
    let config = configured();
    let attributes = TunnelAttributes {
        tunnel_group: None,
        tunnels: (1..=31)
            .map(|tag| RadiusTunnel {
                server_endpoint: Some(format!("198.18.3.{tag}")),
                preference: Some(u32::from(32 - tag)),
                ..tagged(tag)
            })
            .collect(),
        ignored: Vec::new(),
    };
    let choice = decide(&config, None, &attributes, &mut Vec::new())
        .unwrap()
        .unwrap();
    assert_eq!(choice.name, RADIUS_PROFILE);
    assert_eq!(choice.profile.tunnels.len(), 31);
    let last = tunnel(&choice, 31);
    assert_eq!(last.preference, 1);
    assert_eq!(
        last.remote_gateway.address,
        Some(Ipv4Addr::new(198, 18, 3, 31))
    );
    assert_eq!(last.tunnel_type, TunnelType::L2tp);
}

#[test]
fn unusable_tunnels_are_left_out_with_the_reason_and_none_left_refuses() {
    let config = configured();
    let attributes = TunnelAttributes {
        tunnel_group: None,
        tunnels: vec![
            RadiusTunnel {
                server_endpoint: Some("lns.example".into()),
                ..tagged(1)
            },
            RadiusTunnel {
                tunnel_type: Some(1),
                server_endpoint: Some("198.18.1.30".into()),
                ..tagged(2)
            },
        ],
        ignored: Vec::new(),
    };
    let mut ignored = Vec::new();
    assert_eq!(
        decide(&config, None, &attributes, &mut ignored),
        Err(TunnelRefusal::NoServerEndpoint)
    );
    assert_eq!(ignored.len(), 3, "{ignored:?}");
    // Merged into a configured tunnel, a bad endpoint leaves the configured one.
    let mut ignored = Vec::new();
    let choice = decide(&config, Some("tp1"), &attributes, &mut ignored)
        .unwrap()
        .unwrap();
    assert_eq!(
        tunnel(&choice, 1).remote_gateway.address,
        Some(Ipv4Addr::new(198, 18, 1, 10))
    );
    assert_eq!(choice.profile.tunnels.len(), 1);
}
