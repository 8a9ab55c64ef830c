//! The call a test subscriber makes: what a PPPoE subscriber's negotiation with the LAC would
//! have produced, handed to the LNS as proxy LCP and proxy authentication (RFC 2661 §4.4.5).

use crate::l2tp::session::{CallInfo, ProxyAuth, ProxyAuthenType, ProxyData, ProxyLcp};

/// PPPoE's MRU (RFC 2516 §7: 1500 minus the 8 octets of PPPoE and PPP headers).
const PPPOE_MRU: u16 = 1492;
/// LCP option types (RFC 1661 §6).
const OPTION_MRU: u8 = 1;
const OPTION_AUTH_PROTOCOL: u8 = 3;
const OPTION_MAGIC_NUMBER: u8 = 5;
/// PPP protocol number of PAP.
const PROTOCOL_PAP: u16 = 0xc023;

fn mru_option() -> [u8; 4] {
    let [hi, lo] = PPPOE_MRU.to_be_bytes();
    [OPTION_MRU, 4, hi, lo]
}

fn magic_option(magic: u32) -> [u8; 6] {
    let [a, b, c, d] = magic.to_be_bytes();
    [OPTION_MAGIC_NUMBER, 6, a, b, c, d]
}

/// The call of test subscriber `user`/`password`: LCP agreed on the PPPoE MRU, each side
/// with its magic number, the LAC asked for PAP and the subscriber authenticated with it.
pub fn test_call(serial: u32, user: &str, password: &str, magics: (u32, u32)) -> CallInfo {
    let (subscriber_magic, lac_magic) = magics;
    let subscriber_request: Vec<u8> = mru_option()
        .into_iter()
        .chain(magic_option(subscriber_magic))
        .collect();
    let [pap_hi, pap_lo] = PROTOCOL_PAP.to_be_bytes();
    let lac_request: Vec<u8> = mru_option()
        .into_iter()
        .chain([OPTION_AUTH_PROTOCOL, 4, pap_hi, pap_lo])
        .chain(magic_option(lac_magic))
        .collect();
    CallInfo {
        serial,
        proxy: ProxyData {
            lcp: Some(ProxyLcp {
                initial_received: Some(subscriber_request.clone()),
                last_sent: Some(lac_request),
                last_received: Some(subscriber_request),
            }),
            auth: Some(ProxyAuth {
                authen_type: ProxyAuthenType::Pap,
                name: Some(user.as_bytes().to_vec()),
                challenge: None,
                id: None,
                response: Some(password.as_bytes().to_vec()),
            }),
        },
        ..CallInfo::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_data_is_complete_pap() {
        let call = test_call(4, "u1@example.net", "pw", (0x0a0b_0c0d, 1));
        assert_eq!(call.serial, 4);
        let lcp = call.proxy.lcp.expect("proxy LCP");
        assert!(lcp.is_complete());
        assert_eq!(
            lcp.last_received.as_deref(),
            Some(&[1, 4, 0x05, 0xd4, 5, 6, 0x0a, 0x0b, 0x0c, 0x0d][..])
        );
        assert_eq!(
            lcp.last_sent.as_deref(),
            Some(&[1, 4, 0x05, 0xd4, 3, 4, 0xc0, 0x23, 5, 6, 0, 0, 0, 1][..])
        );
        let auth = call.proxy.auth.expect("proxy auth");
        assert_eq!(auth.authen_type, ProxyAuthenType::Pap);
        assert_eq!(auth.name.as_deref(), Some(&b"u1@example.net"[..]));
        assert_eq!(auth.response.as_deref(), Some(&b"pw"[..]));
    }
}
