//! Tunnel attributes: the FreeRADIUS 3.2.1 reply (radius-and-avps.md §1.3) and the ignore rules.

use super::*;

const SECRET: &[u8] = b"testing123";
const REQUEST_AUTHENTICATOR: [u8; 16] = [
    0x3b, 0x26, 0x86, 0xea, 0x28, 0x8b, 0x74, 0x79, 0xd5, 0x36, 0xdc, 0x09, 0xa4, 0xf1, 0x9d, 0xfb,
];

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// The attribute area of the real reply, as the reference lists it.
fn freeradius_area() -> Vec<u8> {
    let mut area = Vec::new();
    area.extend(hex("45 15 01 a9df df5524673a1aba1fbfd51b898b57b070"));
    area.extend(hex("45 15 02 b304 00cd40845a0b39ec6759af37ad86449a"));
    area.extend(hex("40 06 01 00 00 03"));
    area.extend(hex("41 06 01 00 00 01"));
    area.extend(hex("43 0e 01"));
    area.extend(b"198.18.1.10");
    area.extend(hex("52 07 01"));
    area.extend(b"lns1");
    area.extend(hex("53 06 01 00 00 01"));
    area
}

fn accept_with(area: &[u8]) -> Packet {
    let mut bytes = vec![code::ACCESS_ACCEPT, 5, 0, 0];
    bytes.extend_from_slice(&[0; 16]);
    bytes.extend_from_slice(area);
    let length = bytes.len() as u16;
    bytes[2..4].copy_from_slice(&length.to_be_bytes());
    Packet::decode(&bytes).unwrap()
}

#[test]
fn freeradius_tunnel_passwords_decrypt() {
    let accept = accept_with(&freeradius_area());
    let passwords: Vec<_> = accept
        .find_all(AttrKind::Standard(attr::TUNNEL_PASSWORD))
        .map(|a| decrypt_tunnel_password(&a.value, SECRET, &REQUEST_AUTHENTICATOR).unwrap())
        .collect();
    assert_eq!(
        passwords,
        vec![(1, b"s3cret".to_vec()), (2, b"s3cret2".to_vec())]
    );
    // Another secret does not decrypt to the password (Data-Length or content differ).
    let other = decrypt_tunnel_password(
        &accept.attributes[0].value,
        b"testing124",
        &REQUEST_AUTHENTICATOR,
    );
    assert_ne!(other, Ok((1, b"s3cret".to_vec())));
}

#[test]
fn freeradius_reply_groups_by_tag() {
    let accept = accept_with(&freeradius_area());
    let tunnels = tunnel_attributes(&accept, SECRET, &REQUEST_AUTHENTICATOR);
    assert_eq!(tunnels.ignored, vec![]);
    assert_eq!(tunnels.tunnel_group, None);
    assert_eq!(
        tunnels.tunnels,
        vec![
            RadiusTunnel {
                tag: 1,
                tunnel_type: Some(3),
                medium_type: Some(1),
                server_endpoint: Some("198.18.1.10".into()),
                password: Some(b"s3cret".to_vec()),
                assignment_id: Some("lns1".into()),
                preference: Some(1),
                ..RadiusTunnel::default()
            },
            RadiusTunnel {
                tag: 2,
                password: Some(b"s3cret2".to_vec()),
                ..RadiusTunnel::default()
            },
        ]
    );
}

#[test]
fn erx_vsas_fill_the_tunnel_and_the_group() {
    let mut accept = Packet::new(code::ACCESS_ACCEPT, 1, [0; 16]);
    accept.attributes = vec![
        Attribute::vendor(erx::VENDOR, erx::TUNNEL_GROUP, "profile-b"),
        Attribute::vendor(erx::VENDOR, erx::TUNNEL_VIRTUAL_ROUTER, b"\x03vrf-a"),
        Attribute::vendor(erx::VENDOR, erx::TUNNEL_MAXIMUM_SESSIONS, [3, 0, 0, 100]),
        Attribute::vendor(erx::VENDOR, erx::L2TP_RECV_WINDOW_SIZE, [3, 0, 0, 16]),
        Attribute::vendor(
            erx::VENDOR,
            erx::TUNNEL_PASSWORD,
            encrypt_tunnel_password(3, 0x1234, b"pw3", SECRET, &REQUEST_AUTHENTICATOR),
        ),
        Attribute::tagged_string(attr::TUNNEL_CLIENT_AUTH_ID, 3, "lac1"),
        Attribute::tagged_string(attr::TUNNEL_SERVER_AUTH_ID, 3, "lns3"),
        Attribute::tagged_string(attr::TUNNEL_CLIENT_ENDPOINT, 3, "127.0.0.1"),
    ];
    let tunnels = tunnel_attributes(&accept, SECRET, &REQUEST_AUTHENTICATOR);
    assert_eq!(tunnels.tunnel_group.as_deref(), Some("profile-b"));
    assert_eq!(tunnels.ignored, vec![]);
    assert_eq!(
        tunnels.tunnels,
        vec![RadiusTunnel {
            tag: 3,
            client_endpoint: Some("127.0.0.1".into()),
            password: Some(b"pw3".to_vec()),
            client_auth_id: Some("lac1".into()),
            server_auth_id: Some("lns3".into()),
            max_sessions: Some(100),
            routing_instance: Some("vrf-a".into()),
            receive_window: Some(16),
            ..RadiusTunnel::default()
        }]
    );
}

#[test]
fn untagged_out_of_range_and_malformed_are_ignored_with_a_reason() {
    let mut accept = Packet::new(code::ACCESS_ACCEPT, 1, [0; 16]);
    let bad_password = {
        let mut value = encrypt_tunnel_password(1, 1, b"pw", SECRET, &REQUEST_AUTHENTICATOR);
        value.pop();
        value
    };
    accept.attributes = vec![
        // Untagged string (first octet is data): Junos merges tags 1–31 only.
        Attribute::string(attr::TUNNEL_SERVER_ENDPOINT, "198.18.1.10"),
        Attribute::tagged_string(attr::TUNNEL_ASSIGNMENT_ID, 0, "x"),
        // Tagged integer with another length.
        Attribute::string(attr::TUNNEL_TYPE, [1, 0, 0, 0, 3]),
        // Tag above 31 on an integer.
        Attribute::tagged_integer(attr::TUNNEL_PREFERENCE, 0x20, 1),
        Attribute::tagged_integer(attr::TUNNEL_MEDIUM_TYPE, 0, 1),
        Attribute::string(attr::TUNNEL_PASSWORD, bad_password),
        Attribute::string(attr::TUNNEL_PASSWORD, [1, 0x80]),
        Attribute::tagged_string(attr::TUNNEL_CLIENT_AUTH_ID, 2, [0xFF, 0xFE]),
        Attribute::vendor(erx::VENDOR, erx::L2TP_RECV_WINDOW_SIZE, [1, 1, 0, 0]),
        // Kept: the rest does not spoil it.
        Attribute::tagged_integer(attr::TUNNEL_TYPE, 31, 3),
    ];
    let tunnels = tunnel_attributes(&accept, SECRET, &REQUEST_AUTHENTICATOR);
    let reasons: Vec<&str> = tunnels.ignored.iter().map(|(_, why)| *why).collect();
    assert_eq!(
        reasons,
        vec![
            tunnel::UNTAGGED,
            tunnel::UNTAGGED,
            tunnel::BAD_LENGTH,
            tunnel::TAG_OUT_OF_RANGE,
            tunnel::UNTAGGED,
            tunnel::UNDECRYPTABLE,
            tunnel::UNDECRYPTABLE,
            tunnel::NOT_UTF8,
            tunnel::OUT_OF_RANGE,
        ]
    );
    assert_eq!(
        tunnels.ignored[0].0,
        AttrKind::Standard(attr::TUNNEL_SERVER_ENDPOINT)
    );
    assert_eq!(
        tunnels.tunnels,
        vec![RadiusTunnel {
            tag: 31,
            tunnel_type: Some(3),
            ..RadiusTunnel::default()
        }]
    );
}

#[test]
fn thirty_one_tunnels_come_back_in_tag_order() {
    let mut accept = Packet::new(code::ACCESS_ACCEPT, 1, [0; 16]);
    for tag in (1..=31u8).rev() {
        accept.attributes.push(Attribute::tagged_integer(
            attr::TUNNEL_PREFERENCE,
            tag,
            u32::from(32 - tag),
        ));
    }
    let tunnels = tunnel_attributes(&accept, SECRET, &REQUEST_AUTHENTICATOR);
    let tags: Vec<u8> = tunnels.tunnels.iter().map(|t| t.tag).collect();
    assert_eq!(tags, (1..=31).collect::<Vec<_>>());
    assert_eq!(tunnels.tunnels[0].preference, Some(31));
}
