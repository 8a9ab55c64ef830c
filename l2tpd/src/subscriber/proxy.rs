//! What the LAC hands the LNS for a subscriber it negotiated with: proxy LCP (AVPs 26–28) and
//! proxy authentication (AVPs 29–33), RFC 2661 §4.4.5, with the Calling Number that names the
//! access line.

use crate::l2tp::session::{
    CallInfo, CallString, CallStrings, ProxyAuth, ProxyAuthenType, ProxyData, ProxyLcp,
};
use crate::ppp::server_link::{Credentials, ProxyLcpRecord};
use crate::pppoe::access_line::AccessLine;

/// Proxy authentication from the credentials the subscriber gave. PAP carries the password
/// as the response (RFC 2661 §4.4.5: "the PAP password") and the request's identifier, so the
/// LNS answers the client under it; CHAP its identifier, challenge and response, so the LNS
/// can check them with the secret it knows.
pub fn proxy_auth(credentials: &Credentials) -> ProxyAuth {
    match credentials {
        Credentials::Pap {
            identifier,
            name,
            password,
        } => ProxyAuth {
            authen_type: ProxyAuthenType::Pap,
            name: Some(name.clone()),
            challenge: None,
            id: Some(*identifier),
            response: Some(password.clone()),
        },
        Credentials::Chap {
            identifier,
            name,
            challenge,
            response,
        } => ProxyAuth {
            authen_type: ProxyAuthenType::Chap,
            name: Some(name.clone()),
            challenge: Some(challenge.clone()),
            id: Some(*identifier),
            response: Some(response.clone()),
        },
    }
}

pub fn proxy_lcp(record: &ProxyLcpRecord) -> ProxyLcp {
    ProxyLcp {
        initial_received: record.initial_received.clone(),
        last_sent: record.last_sent.clone(),
        last_received: record.last_received.clone(),
    }
}

/// (Tx) Connect Speed (AVP 24, mandatory in the ICCN): without a shaping rate or an ANCP /
/// PPPoE-IA line rate, a LAC reports its access interface's speed. Ports do not report their
/// speed to the engine yet, so it is Gigabit Ethernet's: never 0, which some LNSs refuse.
pub const ACCESS_SPEED_BPS: u32 = 1_000_000_000;

/// The call of a PPPoE subscriber. `calling_number` names the access line (see
/// [`calling_number`]), `line` what its PPPoE intermediate agent said of it.
pub fn pppoe_call(
    serial: u32,
    lcp: &ProxyLcpRecord,
    credentials: &Credentials,
    calling_number: String,
    line: &AccessLine,
) -> CallInfo {
    CallInfo {
        serial,
        // The agent IDs are sent only with `access-line-information`
        // (`Settings::outgoing_call`).
        strings: CallStrings::from_fields(&[
            (CallString::CallingNumber, Some(calling_number.as_bytes())),
            (CallString::AgentCircuitId, line.circuit_id.as_deref()),
            (CallString::AgentRemoteId, line.remote_id.as_deref()),
        ]),
        // The rates also give the ICCN's speeds with `tx-connect-speed-method pppoe-ia-tag`
        // (`Settings::outgoing_call`), with or without `access-line-information`.
        access_loop: line.access_loop.clone(),
        tx_connect_speed: ACCESS_SPEED_BPS,
        proxy: ProxyData {
            lcp: Some(proxy_lcp(lcp)),
            auth: Some(proxy_auth(credentials)),
        },
        ..CallInfo::default()
    }
}

/// The access line of a PPPoE subscriber as Calling Number: the underlying interface (with
/// its VLANs) and the client's MAC address, in the form Junos prints subscribers' MACs
/// (`eth1.100:00:11:22:33:44:55`). Without an agent circuit ID this is what identifies the
/// line to the LNS and to RADIUS accounting.
pub fn calling_number(underlying_interface: &str, mac: [u8; 6]) -> String {
    let mac = mac
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    format!("{underlying_interface}:{mac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chap_credentials_become_proxy_chap_with_the_identifier() {
        let auth = proxy_auth(&Credentials::Chap {
            identifier: 7,
            name: b"u@isp.example".to_vec(),
            challenge: vec![1; 16],
            response: vec![2; 16],
        });
        assert_eq!(auth.authen_type, ProxyAuthenType::Chap);
        assert_eq!(auth.id, Some(7));
        assert_eq!(auth.challenge.as_deref(), Some(&[1u8; 16][..]));
        assert_eq!(auth.response.as_deref(), Some(&[2u8; 16][..]));
    }

    #[test]
    fn pap_credentials_carry_the_password_as_response() {
        let call = pppoe_call(
            3,
            &ProxyLcpRecord {
                initial_received: Some(vec![1, 4, 5, 0xd4]),
                last_sent: Some(vec![3, 4, 0xc0, 0x23]),
                last_received: Some(vec![1, 4, 5, 0xd4]),
            },
            &Credentials::Pap {
                identifier: 9,
                name: b"u@isp.example".to_vec(),
                password: b"pw".to_vec(),
            },
            calling_number("eth1.100", [0, 0x11, 0x22, 0x33, 0x44, 0x55]),
            &AccessLine::default(),
        );
        assert_eq!(
            call.calling_number(),
            Some(&b"eth1.100:00:11:22:33:44:55"[..])
        );
        let auth = call.proxy.auth.expect("auth");
        assert_eq!(auth.authen_type, ProxyAuthenType::Pap);
        assert_eq!(auth.response.as_deref(), Some(&b"pw"[..]));
        assert_eq!(
            auth.id,
            Some(9),
            "Proxy Authen ID: the PAP request's identifier"
        );
        assert!(call.proxy.lcp.expect("lcp").is_complete());
    }
}
