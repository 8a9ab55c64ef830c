use std::net::Ipv4Addr;

use super::*;

#[test]
fn ip_is_found_behind_every_ppp_header_form() {
    let packet = [0x45, 0, 0, 20];
    for frame in [
        vec![0xff, 0x03, 0x00, 0x21, 0x45, 0, 0, 20],
        vec![0x00, 0x21, 0x45, 0, 0, 20],
        vec![0x21, 0x45, 0, 0, 20],
    ] {
        assert_eq!(ip_payload(&frame), Some(&packet[..]), "{frame:?}");
    }
    assert_eq!(ip_payload(&[0xc0, 0x21, 1, 1]), None, "LCP is not IP");
    assert!(is_ipcp(&[0xff, 0x03, 0x80, 0x21, 1]));
    assert!(!is_ipcp(&[0x00, 0x21]));
}

#[test]
fn only_ipv4_headers_give_addresses() {
    let addresses = |p: &[u8]| Some((ipv4_source(p)?, ipv4_destination(p)?));
    let mut header = vec![0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0];
    header.extend_from_slice(&[198, 18, 0, 10, 198, 19, 0, 1]);
    assert_eq!(
        addresses(&header),
        Some((Ipv4Addr::new(198, 18, 0, 10), Ipv4Addr::new(198, 19, 0, 1)))
    );
    let mut v6 = header.clone();
    v6[0] = 0x60;
    assert_eq!(addresses(&v6), None);
    let mut short_ihl = header.clone();
    short_ihl[0] = 0x44;
    assert_eq!(addresses(&short_ihl), None);
    assert_eq!(addresses(&header[..19]), None);
}
