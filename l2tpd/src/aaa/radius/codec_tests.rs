//! The codec: RFC vectors, our own signatures, malformed input, and properties.

use md5::{Digest, Md5};
use proptest::prelude::*;

use super::*;

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

const SECRET: &[u8] = b"testing123";
const AUTHENTICATOR: [u8; 16] = [
    0x3b, 0x26, 0x86, 0xea, 0x28, 0x8b, 0x74, 0x79, 0xd5, 0x36, 0xdc, 0x09, 0xa4, 0xf1, 0x9d, 0xfb,
];

/// RFC 2865 §7.1: "nemo" / "arctangent", secret "xyzzy5461". The bytes are the RFC's.
const RFC2865_REQUEST: &str = "01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb
    98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee
    04 06 c0 a8 01 10 05 06 00 00 00 03";
const RFC2865_ACCEPT: &str = "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf
    9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03";

#[test]
fn rfc2865_example_request_decodes_and_its_password_unhides() {
    let request = Packet::decode(&hex(RFC2865_REQUEST)).unwrap();
    assert_eq!(request.code, code::ACCESS_REQUEST);
    assert_eq!(request.identifier, 0);
    assert_eq!(request.string(attr::USER_NAME), Some(&b"nemo"[..]));
    assert_eq!(request.integer(attr::NAS_PORT), Some(3));
    let hidden = request.string(attr::USER_PASSWORD).unwrap();
    assert_eq!(
        unhide_user_password(hidden, b"xyzzy5461", &request.authenticator).unwrap(),
        b"arctangent"
    );
    assert_eq!(
        hide_user_password(b"arctangent", b"xyzzy5461", &request.authenticator),
        hidden
    );
}

#[test]
fn rfc2865_example_accept_verifies_without_message_authenticator_only_when_relaxed() {
    let request = Packet::decode(&hex(RFC2865_REQUEST)).unwrap();
    let accept = hex(RFC2865_ACCEPT);
    let reply = verify_response(&accept, &request.authenticator, b"xyzzy5461", false).unwrap();
    assert_eq!(reply.code, code::ACCESS_ACCEPT);
    assert_eq!(reply.integer(attr::SERVICE_TYPE), Some(1));
    assert_eq!(
        verify_response(&accept, &request.authenticator, b"xyzzy5461", true),
        Err(VerifyError::MissingMessageAuthenticator)
    );
    assert_eq!(
        verify_response(&accept, &request.authenticator, b"wrong", false),
        Err(VerifyError::BadAuthenticator)
    );
}

#[test]
fn user_password_by_the_algorithm_and_its_length_rules() {
    // b1 = MD5(S + RA), c1 = p1 xor b1; b2 = MD5(S + c1), c2 = p2 xor b2.
    let password = b"a password longer than sixteen";
    let mut p = password.to_vec();
    p.resize(32, 0);
    let b1: [u8; 16] = Md5::new()
        .chain_update(SECRET)
        .chain_update(AUTHENTICATOR)
        .finalize()
        .into();
    let c1: Vec<u8> = p[..16].iter().zip(b1).map(|(x, y)| x ^ y).collect();
    let b2: [u8; 16] = Md5::new()
        .chain_update(SECRET)
        .chain_update(&c1)
        .finalize()
        .into();
    let c2: Vec<u8> = p[16..].iter().zip(b2).map(|(x, y)| x ^ y).collect();
    let hidden = hide_user_password(password, SECRET, &AUTHENTICATOR);
    assert_eq!(hidden, [c1, c2].concat());
    assert_eq!(
        unhide_user_password(&hidden, SECRET, &AUTHENTICATOR).unwrap(),
        password
    );

    assert_eq!(hide_user_password(b"", SECRET, &AUTHENTICATOR).len(), 16);
    assert_eq!(
        hide_user_password(&[b'x'; 16], SECRET, &AUTHENTICATOR).len(),
        16
    );
    assert_eq!(
        hide_user_password(&[b'x'; 17], SECRET, &AUTHENTICATOR).len(),
        32
    );
    assert_eq!(
        hide_user_password(&[b'x'; 128], SECRET, &AUTHENTICATOR).len(),
        128
    );
    for bad in [0, 15, 17, 144] {
        assert_eq!(
            unhide_user_password(&vec![1; bad], SECRET, &AUTHENTICATOR),
            Err(PasswordError::BadUserPasswordLength(bad))
        );
    }
    let mut request = Packet::new(code::ACCESS_REQUEST, 1, AUTHENTICATOR);
    request
        .attributes
        .push(Attribute::string(attr::USER_PASSWORD, [b'x'; 129]));
    assert_eq!(
        request.encode_request(SECRET),
        Err(EncodeError::PasswordTooLong(129))
    );
}

fn access_request() -> Packet {
    let mut request = Packet::new(code::ACCESS_REQUEST, 7, AUTHENTICATOR);
    request.attributes = vec![
        Attribute::string(attr::USER_NAME, "alice@isp.example"),
        Attribute::string(attr::USER_PASSWORD, "s3cret"),
        Attribute::ipv4(attr::NAS_IP_ADDRESS, "127.0.0.1".parse().unwrap()),
        Attribute::vendor(erx::VENDOR, erx::TUNNEL_GROUP, "tg1"),
    ];
    request
}

#[test]
fn access_request_hides_the_password_and_carries_a_message_authenticator_first() {
    let bytes = access_request().encode_request(SECRET).unwrap();
    let decoded = Packet::decode(&bytes).unwrap();
    assert_eq!(decoded.identifier, 7);
    assert_eq!(decoded.authenticator, AUTHENTICATOR);
    assert_eq!(
        decoded.attributes[0].kind,
        AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR)
    );
    let hidden = decoded.string(attr::USER_PASSWORD).unwrap();
    assert_ne!(hidden, b"s3cret");
    assert_eq!(
        unhide_user_password(hidden, SECRET, &AUTHENTICATOR).unwrap(),
        b"s3cret"
    );
    assert_eq!(
        decoded.vendor(erx::VENDOR, erx::TUNNEL_GROUP),
        Some(&b"tg1"[..])
    );
    // HMAC-MD5 over the packet with the attribute zeroed (RFC 3579 §3.2).
    let mut zeroed = bytes.clone();
    zeroed[22..38].fill(0);
    let mut mac = <hmac::Hmac<Md5> as hmac::Mac>::new_from_slice(SECRET).unwrap();
    hmac::Mac::update(&mut mac, &zeroed);
    assert_eq!(&bytes[22..38], &hmac::Mac::finalize(mac).into_bytes()[..]);
    assert!(verify_request(&bytes, SECRET).is_ok());
}

#[test]
fn a_request_we_sign_verifies_and_one_flipped_bit_fails() {
    let bytes = access_request().encode_request(SECRET).unwrap();
    assert!(verify_request(&bytes, SECRET).is_ok());
    for bit in [22 * 8, 30 * 8 + 3, (bytes.len() - 1) * 8] {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(
            verify_request(&flipped, SECRET),
            Err(VerifyError::BadMessageAuthenticator),
            "bit {bit}"
        );
    }
    assert_eq!(
        verify_request(&bytes, b"other"),
        Err(VerifyError::BadMessageAuthenticator)
    );
}

fn accounting_request() -> Packet {
    let mut request = Packet::new(code::ACCOUNTING_REQUEST, 200, [0xAA; 16]);
    request.attributes = vec![
        Attribute::integer(attr::ACCT_STATUS_TYPE, 1),
        Attribute::string(attr::ACCT_SESSION_ID, "0000002a"),
    ];
    request
}

#[test]
fn accounting_request_authenticator_is_computed() {
    let bytes = accounting_request().encode_request(SECRET).unwrap();
    let mut zeroed = bytes.clone();
    zeroed[4..20].fill(0);
    let expected: [u8; 16] = Md5::new()
        .chain_update(&zeroed)
        .chain_update(SECRET)
        .finalize()
        .into();
    assert_eq!(&bytes[4..20], &expected);
    let decoded = verify_request(&bytes, SECRET).unwrap();
    assert_eq!(decoded.identifier, 200);
    assert!(decoded
        .find(AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR))
        .is_none());
    assert_eq!(
        verify_request(&bytes, b"other"),
        Err(VerifyError::BadAuthenticator)
    );
}

#[test]
fn disconnect_request_with_message_authenticator_verifies_and_tampering_fails() {
    let mut request = Packet::new(code::DISCONNECT_REQUEST, 9, [0; 16]);
    request.attributes = vec![
        Attribute::string(attr::ACCT_SESSION_ID, "abc"),
        Attribute::string(attr::MESSAGE_AUTHENTICATOR, [0; 16]),
    ];
    let bytes = request.encode_request(SECRET).unwrap();
    assert!(verify_request(&bytes, SECRET).is_ok());
    let mut tampered = bytes.clone();
    tampered[24] ^= 0x01; // inside Acct-Session-Id
    assert!(verify_request(&tampered, SECRET).is_err());
    let mut tampered = bytes.clone();
    tampered[6] ^= 0x01; // the Request Authenticator
    assert_eq!(
        verify_request(&tampered, SECRET),
        Err(VerifyError::BadAuthenticator)
    );
}

#[test]
fn response_authenticator_and_message_authenticator_checked() {
    let mut accept = Packet::new(code::ACCESS_ACCEPT, 7, [0; 16]);
    accept.attributes = vec![Attribute::integer(attr::SESSION_TIMEOUT, 3600)];
    let bytes = accept.encode_response(&AUTHENTICATOR, SECRET).unwrap();
    let reply = verify_response(&bytes, &AUTHENTICATOR, SECRET, true).unwrap();
    assert_eq!(reply.identifier, 7);
    assert_eq!(reply.integer(attr::SESSION_TIMEOUT), Some(3600));
    assert_eq!(
        reply.attributes[0].kind,
        AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR)
    );

    // Another request's authenticator: the Response Authenticator does not match.
    assert_eq!(
        verify_response(&bytes, &[0x11; 16], SECRET, true),
        Err(VerifyError::BadAuthenticator)
    );
    // A forged header authenticator.
    let mut forged = bytes.clone();
    forged[4] ^= 0x80;
    assert_eq!(
        verify_response(&forged, &AUTHENTICATOR, SECRET, true),
        Err(VerifyError::BadAuthenticator)
    );
    // A wrong Message-Authenticator under a correct Response Authenticator (an attacker
    // who could forge the MD5 one, BlastRADIUS): still refused.
    let mut wrong_ma = Packet::decode(&bytes).unwrap();
    wrong_ma.attributes[0].value = vec![0x55; 16];
    let mut raw = wrong_ma.encode_raw().unwrap();
    raw[4..20].fill(0);
    let response: [u8; 16] = Md5::new()
        .chain_update(&raw[..4])
        .chain_update(AUTHENTICATOR)
        .chain_update(&raw[20..])
        .chain_update(SECRET)
        .finalize()
        .into();
    raw[4..20].copy_from_slice(&response);
    assert_eq!(
        verify_response(&raw, &AUTHENTICATOR, SECRET, true),
        Err(VerifyError::BadMessageAuthenticator)
    );
    // A request is not a reply.
    let request = access_request().encode_request(SECRET).unwrap();
    assert_eq!(
        verify_response(&request, &AUTHENTICATOR, SECRET, false),
        Err(VerifyError::NotAReply(code::ACCESS_REQUEST))
    );
}

#[test]
fn accounting_response_needs_no_message_authenticator() {
    let response = Packet::new(code::ACCOUNTING_RESPONSE, 200, [0; 16]);
    let bytes = response.encode_response(&AUTHENTICATOR, SECRET).unwrap();
    assert_eq!(bytes.len(), 20);
    assert!(verify_response(&bytes, &AUTHENTICATOR, SECRET, true).is_ok());
}

#[test]
fn two_message_authenticators_or_a_short_one_are_malformed() {
    let mut accept = Packet::new(code::ACCESS_ACCEPT, 1, AUTHENTICATOR);
    accept.attributes = vec![Attribute::string(attr::MESSAGE_AUTHENTICATOR, [0; 4])];
    let raw = accept.encode_raw().unwrap();
    assert_eq!(
        verify_request(
            &{
                let mut r = raw.clone();
                r[0] = code::ACCESS_REQUEST;
                r
            },
            SECRET
        ),
        Err(VerifyError::MalformedMessageAuthenticator)
    );
    let mut request = Packet::new(code::COA_REQUEST, 1, AUTHENTICATOR);
    request.attributes = vec![
        Attribute::string(attr::MESSAGE_AUTHENTICATOR, [0; 16]),
        Attribute::string(attr::MESSAGE_AUTHENTICATOR, [0; 16]),
    ];
    assert_eq!(
        verify_request(&request.encode_raw().unwrap(), SECRET),
        Err(VerifyError::MalformedMessageAuthenticator)
    );
}

#[test]
fn identifiers_survive_encoding() {
    for identifier in [0u8, 1, 127, 255] {
        let mut request = access_request();
        request.identifier = identifier;
        let bytes = request.encode_request(SECRET).unwrap();
        assert_eq!(bytes[1], identifier);
        assert_eq!(Packet::decode(&bytes).unwrap().identifier, identifier);
        let mut reply = Packet::new(code::ACCESS_REJECT, identifier, [0; 16]);
        reply.attributes.clear();
        let bytes = reply.encode_response(&AUTHENTICATOR, SECRET).unwrap();
        assert_eq!(
            verify_response(&bytes, &AUTHENTICATOR, SECRET, true)
                .unwrap()
                .identifier,
            identifier
        );
    }
}

#[test]
fn tagged_strings_and_integers() {
    let tagged = Attribute::tagged_string(attr::TUNNEL_SERVER_ENDPOINT, 3, "198.18.1.10");
    assert_eq!(tagged.tagged(), Some((3, &b"198.18.1.10"[..])));
    // A first octet above 0x1F is data: untagged.
    let untagged = Attribute::string(attr::TUNNEL_SERVER_ENDPOINT, "198.18.1.10");
    assert_eq!(untagged.tagged(), Some((0, &b"198.18.1.10"[..])));
    let zero = Attribute::tagged_string(attr::TUNNEL_ASSIGNMENT_ID, 0, "x");
    assert_eq!(zero.tagged(), Some((0, &b"x"[..])));
    let boundary = Attribute::string(attr::TUNNEL_ASSIGNMENT_ID, [0x1F, b'a']);
    assert_eq!(boundary.tagged(), Some((0x1F, &b"a"[..])));
    let boundary = Attribute::string(attr::TUNNEL_ASSIGNMENT_ID, [0x20, b'a']);
    assert_eq!(boundary.tagged(), Some((0, &[0x20, b'a'][..])));

    let integer = Attribute::tagged_integer(attr::TUNNEL_TYPE, 1, 3);
    let mut wire = Vec::new();
    integer.emit(&mut wire).unwrap();
    assert_eq!(wire, [0x40, 0x06, 0x01, 0x00, 0x00, 0x03]);
    assert_eq!(integer.as_tagged_integer(), Some((1, 3)));
    assert_eq!(
        Attribute::integer(attr::TUNNEL_TYPE, 3).as_tagged_integer(),
        Some((0, 3))
    );
    assert_eq!(
        Attribute::string(attr::TUNNEL_TYPE, [1, 0, 3]).as_tagged_integer(),
        None
    );
    assert_eq!(
        Attribute::integer(attr::NAS_PORT, 4194303).as_integer(),
        Some(4194303)
    );
    assert_eq!(Attribute::string(attr::NAS_PORT, [1, 2]).as_integer(), None);
}

#[test]
fn one_vendor_specific_with_two_sub_attributes() {
    // 26, len 19, vendor 4874, (1, "vr1") (64, "tg-a")... two sub-attributes in one 26.
    let mut bytes = vec![code::ACCESS_ACCEPT, 1, 0, 0];
    bytes.extend_from_slice(&[0; 16]);
    bytes.extend_from_slice(&[
        26, 17, 0x00, 0x00, 0x13, 0x0A, 1, 5, b'v', b'r', b'1', 64, 6,
    ]);
    bytes.extend_from_slice(b"tg-a");
    bytes.extend_from_slice(&[1, 7]);
    bytes.extend_from_slice(b"alice");
    let length = bytes.len() as u16;
    bytes[2..4].copy_from_slice(&length.to_be_bytes());
    let packet = Packet::decode(&bytes).unwrap();
    assert_eq!(
        packet.attributes,
        vec![
            Attribute::vendor(erx::VENDOR, erx::VIRTUAL_ROUTER, "vr1"),
            Attribute::vendor(erx::VENDOR, erx::TUNNEL_GROUP, "tg-a"),
            Attribute::string(attr::USER_NAME, "alice"),
        ]
    );
    assert_eq!(
        packet.vendor(erx::VENDOR, erx::TUNNEL_GROUP),
        Some(&b"tg-a"[..])
    );
    assert_eq!(
        attribute_name(packet.attributes[1].kind),
        "ERX-Tunnel-Group"
    );
    assert_eq!(
        attribute_name(AttrKind::Vendor { vendor: 9, kind: 1 }),
        "Attr-26.9.1"
    );
    // A VSA not in the RFC 2865 §5.26 layout stays raw rather than failing the packet.
    let mut odd = Packet::new(code::ACCESS_ACCEPT, 1, [0; 16]);
    odd.attributes = vec![Attribute::string(
        attr::VENDOR_SPECIFIC,
        [0, 0, 0, 9, 1, 9, 9],
    )];
    let decoded = Packet::decode(&odd.encode_raw().unwrap()).unwrap();
    assert_eq!(decoded, odd);
}

fn with_attribute_area(area: &[u8]) -> Vec<u8> {
    let mut bytes = vec![code::ACCESS_ACCEPT, 1, 0, 0];
    bytes.extend_from_slice(&[0; 16]);
    bytes.extend_from_slice(area);
    let length = bytes.len() as u16;
    bytes[2..4].copy_from_slice(&length.to_be_bytes());
    bytes
}

#[test]
fn malformed_packets_are_decode_errors() {
    assert_eq!(Packet::decode(&[]), Err(DecodeError::Short(0)));
    assert_eq!(Packet::decode(&[2; 19]), Err(DecodeError::Short(19)));
    // Length field below 20, above what arrived, above 4096.
    let mut bytes = with_attribute_area(&[]);
    bytes[3] = 19;
    assert!(matches!(
        Packet::decode(&bytes),
        Err(DecodeError::BadLength { .. })
    ));
    bytes[3] = 21;
    assert!(matches!(
        Packet::decode(&bytes),
        Err(DecodeError::BadLength { .. })
    ));
    let mut big = vec![0u8; 5000];
    big[2..4].copy_from_slice(&4097u16.to_be_bytes());
    assert!(matches!(
        Packet::decode(&big),
        Err(DecodeError::BadLength { .. })
    ));
    // Attribute: truncated (only its type), over-long (Length past the end), Length 0 and 1.
    for area in [&[1u8][..], &[1, 10, b'a'], &[1, 0], &[1, 1, 0], &[26, 0]] {
        assert!(
            matches!(
                Packet::decode(&with_attribute_area(area)),
                Err(DecodeError::BadAttribute { .. })
            ),
            "{area:?}"
        );
    }
    // Length 2 is an empty value, which is structurally fine.
    let packet = Packet::decode(&with_attribute_area(&[25, 2])).unwrap();
    assert_eq!(packet.attributes, vec![Attribute::string(attr::CLASS, [])]);
    // Octets beyond the Length field are padding (RFC 2865 §3).
    let mut padded = with_attribute_area(&[25, 3, 9]);
    padded.extend_from_slice(&[0xFF; 7]);
    assert_eq!(
        Packet::decode(&padded).unwrap().attributes,
        vec![Attribute::string(attr::CLASS, [9])]
    );
}

#[test]
fn encoder_refuses_what_does_not_fit() {
    let mut packet = Packet::new(code::ACCESS_ACCEPT, 1, [0; 16]);
    packet.attributes = vec![Attribute::string(attr::CLASS, [0; 254])];
    assert_eq!(
        packet.encode_response(&AUTHENTICATOR, SECRET),
        Err(EncodeError::AttributeTooLong(AttrKind::Standard(
            attr::CLASS
        )))
    );
    packet.attributes = vec![Attribute::vendor(erx::VENDOR, 1, [0; 248])];
    assert!(matches!(
        packet.encode_response(&AUTHENTICATOR, SECRET),
        Err(EncodeError::AttributeTooLong(_))
    ));
    packet.attributes = vec![Attribute::string(attr::CLASS, [0; 253]); 17];
    assert!(matches!(
        packet.encode_response(&AUTHENTICATOR, SECRET),
        Err(EncodeError::TooLong(_))
    ));
    assert_eq!(
        Packet::new(code::ACCESS_ACCEPT, 1, [0; 16]).encode_request(SECRET),
        Err(EncodeError::NotARequest(code::ACCESS_ACCEPT))
    );
    assert_eq!(
        Packet::new(code::ACCESS_REQUEST, 1, [0; 16]).encode_response(&AUTHENTICATOR, SECRET),
        Err(EncodeError::NotAReply(code::ACCESS_REQUEST))
    );
}

#[test]
fn chap_password_is_ident_then_response() {
    let attribute = chap_password(0x42, &[7; 16]);
    assert_eq!(attribute.kind, AttrKind::Standard(attr::CHAP_PASSWORD));
    assert_eq!(attribute.value.len(), 17);
    assert_eq!(attribute.value[0], 0x42);
    assert_eq!(&attribute.value[1..], &[7; 16]);
}

fn arb_attribute() -> impl Strategy<Value = Attribute> {
    prop_oneof![
        // Any standard type but 26, whose value would be split as a VSA.
        (
            any::<u8>().prop_filter("not 26", |k| *k != attr::VENDOR_SPECIFIC),
            proptest::collection::vec(any::<u8>(), 0..=253)
        )
            .prop_map(|(kind, value)| Attribute::new(AttrKind::Standard(kind), value)),
        (
            any::<u32>(),
            any::<u8>(),
            proptest::collection::vec(any::<u8>(), 0..=247)
        )
            .prop_map(|(vendor, kind, value)| Attribute::vendor(vendor, kind, value)),
    ]
}

proptest! {
    #[test]
    fn decode_of_encode_is_identity(
        code in any::<u8>(),
        identifier in any::<u8>(),
        authenticator in any::<[u8; 16]>(),
        attributes in proptest::collection::vec(arb_attribute(), 0..12),
    ) {
        let packet = Packet { code, identifier, authenticator, attributes };
        if let Ok(bytes) = packet.encode_raw() {
            prop_assert_eq!(Packet::decode(&bytes).unwrap(), packet);
        }
    }

    #[test]
    fn signed_replies_verify(
        identifier in any::<u8>(),
        request_authenticator in any::<[u8; 16]>(),
        attributes in proptest::collection::vec(arb_attribute(), 0..6),
    ) {
        let mut packet = Packet::new(code::ACCESS_ACCEPT, identifier, [0; 16]);
        packet.attributes = attributes
            .into_iter()
            .filter(|a| a.kind != AttrKind::Standard(attr::MESSAGE_AUTHENTICATOR))
            .collect();
        if let Ok(bytes) = packet.encode_response(&request_authenticator, SECRET) {
            let reply = verify_response(&bytes, &request_authenticator, SECRET, true).unwrap();
            prop_assert_eq!(&reply.attributes[1..], &packet.attributes[..]);
        }
    }

    #[test]
    fn tunnel_password_round_trip(
        tag in 0u8..=0x1F,
        salt in any::<u16>(),
        password in proptest::collection::vec(any::<u8>(), 1..=240),
        authenticator in any::<[u8; 16]>(),
    ) {
        let value = encrypt_tunnel_password(tag, salt, &password, SECRET, &authenticator);
        prop_assert_eq!(value[1] & 0x80, 0x80);
        prop_assert!((value.len() - 3).is_multiple_of(16));
        let (got_tag, got) = decrypt_tunnel_password(&value, SECRET, &authenticator).unwrap();
        prop_assert_eq!(got_tag, tag);
        prop_assert_eq!(got, password);
    }

    #[test]
    fn user_password_round_trip(
        password in proptest::collection::vec(1u8..=255, 0..=128),
        authenticator in any::<[u8; 16]>(),
    ) {
        let hidden = hide_user_password(&password, SECRET, &authenticator);
        prop_assert!(hidden.len() >= 16 && hidden.len() <= 128 && hidden.len().is_multiple_of(16));
        prop_assert_eq!(unhide_user_password(&hidden, SECRET, &authenticator).unwrap(), password);
    }

    #[test]
    fn nothing_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = Packet::decode(&bytes);
        let _ = verify_response(&bytes, &AUTHENTICATOR, SECRET, true);
        let _ = verify_request(&bytes, SECRET);
        let _ = decrypt_tunnel_password(&bytes, SECRET, &AUTHENTICATOR);
        let _ = unhide_user_password(&bytes, SECRET, &AUTHENTICATOR);
        if let Ok(packet) = Packet::decode(&bytes) {
            let _ = tunnel_attributes(&packet, SECRET, &AUTHENTICATOR);
        }
    }

    #[test]
    fn nothing_panics_on_plausible_packets(
        code in any::<u8>(),
        area in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        // A valid header in front, so the attribute walk is what gets exercised.
        let mut bytes = with_attribute_area(&area);
        bytes[0] = code;
        let _ = verify_response(&bytes, &AUTHENTICATOR, SECRET, false);
        let _ = verify_request(&bytes, SECRET);
        if let Ok(packet) = Packet::decode(&bytes) {
            let _ = tunnel_attributes(&packet, SECRET, &AUTHENTICATOR);
        }
    }
}
