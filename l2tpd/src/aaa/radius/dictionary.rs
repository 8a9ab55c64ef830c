//! Packet codes and attribute numbers (FreeRADIUS `dictionary.rfc2865` … `rfc5176`,
//! `dictionary.erx`) and their names for logs and shows.

use std::borrow::Cow;

use super::attribute::AttrKind;

/// Packet codes (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3).
pub mod code {
    pub const ACCESS_REQUEST: u8 = 1;
    pub const ACCESS_ACCEPT: u8 = 2;
    pub const ACCESS_REJECT: u8 = 3;
    pub const ACCOUNTING_REQUEST: u8 = 4;
    pub const ACCOUNTING_RESPONSE: u8 = 5;
    pub const ACCESS_CHALLENGE: u8 = 11;
    pub const STATUS_SERVER: u8 = 12;
    pub const DISCONNECT_REQUEST: u8 = 40;
    pub const DISCONNECT_ACK: u8 = 41;
    pub const DISCONNECT_NAK: u8 = 42;
    pub const COA_REQUEST: u8 = 43;
    pub const COA_ACK: u8 = 44;
    pub const COA_NAK: u8 = 45;
}

/// Standard attribute types (RFC 2865 §5, 2866 §5, 2867, 2868 §3, 2869 §5, 3579, 5176 §3).
pub mod attr {
    pub const USER_NAME: u8 = 1;
    pub const USER_PASSWORD: u8 = 2;
    pub const CHAP_PASSWORD: u8 = 3;
    pub const NAS_IP_ADDRESS: u8 = 4;
    pub const NAS_PORT: u8 = 5;
    pub const SERVICE_TYPE: u8 = 6;
    pub const FRAMED_PROTOCOL: u8 = 7;
    pub const FRAMED_IP_ADDRESS: u8 = 8;
    pub const REPLY_MESSAGE: u8 = 18;
    pub const FRAMED_ROUTE: u8 = 22;
    pub const CLASS: u8 = 25;
    pub const VENDOR_SPECIFIC: u8 = 26;
    pub const SESSION_TIMEOUT: u8 = 27;
    pub const IDLE_TIMEOUT: u8 = 28;
    pub const CALLED_STATION_ID: u8 = 30;
    pub const CALLING_STATION_ID: u8 = 31;
    pub const NAS_IDENTIFIER: u8 = 32;
    pub const ACCT_STATUS_TYPE: u8 = 40;
    pub const ACCT_DELAY_TIME: u8 = 41;
    pub const ACCT_INPUT_OCTETS: u8 = 42;
    pub const ACCT_OUTPUT_OCTETS: u8 = 43;
    pub const ACCT_SESSION_ID: u8 = 44;
    pub const ACCT_AUTHENTIC: u8 = 45;
    pub const ACCT_SESSION_TIME: u8 = 46;
    pub const ACCT_INPUT_PACKETS: u8 = 47;
    pub const ACCT_OUTPUT_PACKETS: u8 = 48;
    pub const ACCT_TERMINATE_CAUSE: u8 = 49;
    pub const ACCT_INPUT_GIGAWORDS: u8 = 52;
    pub const ACCT_OUTPUT_GIGAWORDS: u8 = 53;
    pub const EVENT_TIMESTAMP: u8 = 55;
    pub const CHAP_CHALLENGE: u8 = 60;
    pub const NAS_PORT_TYPE: u8 = 61;
    pub const TUNNEL_TYPE: u8 = 64;
    pub const TUNNEL_MEDIUM_TYPE: u8 = 65;
    pub const TUNNEL_CLIENT_ENDPOINT: u8 = 66;
    pub const TUNNEL_SERVER_ENDPOINT: u8 = 67;
    pub const ACCT_TUNNEL_CONNECTION: u8 = 68;
    pub const TUNNEL_PASSWORD: u8 = 69;
    pub const CONNECT_INFO: u8 = 77;
    pub const MESSAGE_AUTHENTICATOR: u8 = 80;
    pub const TUNNEL_PRIVATE_GROUP_ID: u8 = 81;
    pub const TUNNEL_ASSIGNMENT_ID: u8 = 82;
    pub const TUNNEL_PREFERENCE: u8 = 83;
    pub const ACCT_INTERIM_INTERVAL: u8 = 85;
    pub const NAS_PORT_ID: u8 = 87;
    pub const FRAMED_POOL: u8 = 88;
    pub const TUNNEL_CLIENT_AUTH_ID: u8 = 90;
    pub const TUNNEL_SERVER_AUTH_ID: u8 = 91;
    pub const ERROR_CAUSE: u8 = 101;
}

/// Juniper ERX (vendor 4874) VSAs, `dictionary.erx`: the ones Junos reads for L2TP.
pub mod erx {
    pub const VENDOR: u32 = 4874;
    pub const VIRTUAL_ROUTER: u8 = 1;
    pub const PRIMARY_DNS: u8 = 4;
    pub const SECONDARY_DNS: u8 = 5;
    /// NetBIOS name servers, given in IPCP (RFC 1877).
    pub const PRIMARY_WINS: u8 = 6;
    pub const SECONDARY_WINS: u8 = 7;
    /// Tagged string (routing instance of tunnel N).
    pub const TUNNEL_VIRTUAL_ROUTER: u8 = 8;
    /// Tagged, salted and encrypted exactly like Tunnel-Password (69).
    pub const TUNNEL_PASSWORD: u8 = 9;
    /// Tagged integer in the Junos dictionary.
    pub const TUNNEL_MAXIMUM_SESSIONS: u8 = 33;
    /// Tagged integer, like 33.
    pub const L2TP_RECV_WINDOW_SIZE: u8 = 54;
    /// The access interface's configured description (`report-interface-descriptions`).
    pub const INTERFACE_DESC: u8 = 63;
    /// The tunnel-profile name; beats the domain map (26-64, not 48).
    pub const TUNNEL_GROUP: u8 = 64;
}

/// The DSL Forum's (vendor 3561) VSAs, `dictionary.dslforum` (RFC 4679 §4): the access line
/// a PPPoE intermediate agent named, as Junos sends them.
pub mod dsl_forum {
    pub const VENDOR: u32 = 3561;
    pub const AGENT_CIRCUIT_ID: u8 = 1;
    pub const AGENT_REMOTE_ID: u8 = 2;
    /// The access-loop characteristics use their PPPoE sub-option numbers
    /// ([`crate::access_loop`]): 129 Actual-Data-Rate-Upstream … 144
    /// Access-Loop-Encapsulation.
    pub use crate::access_loop::{
        ACTUAL_DELAY_DOWN, ACTUAL_DELAY_UP, ACTUAL_RATE_DOWN, ACTUAL_RATE_UP, ATTAINABLE_RATE_DOWN,
        ATTAINABLE_RATE_UP, ENCAPSULATION,
    };
}

/// The name of a packet code, for logs.
pub fn code_name(code: u8) -> Cow<'static, str> {
    let name = match code {
        code::ACCESS_REQUEST => "Access-Request",
        code::ACCESS_ACCEPT => "Access-Accept",
        code::ACCESS_REJECT => "Access-Reject",
        code::ACCOUNTING_REQUEST => "Accounting-Request",
        code::ACCOUNTING_RESPONSE => "Accounting-Response",
        code::ACCESS_CHALLENGE => "Access-Challenge",
        code::STATUS_SERVER => "Status-Server",
        code::DISCONNECT_REQUEST => "Disconnect-Request",
        code::DISCONNECT_ACK => "Disconnect-ACK",
        code::DISCONNECT_NAK => "Disconnect-NAK",
        code::COA_REQUEST => "CoA-Request",
        code::COA_ACK => "CoA-ACK",
        code::COA_NAK => "CoA-NAK",
        other => return Cow::Owned(format!("Code-{other}")),
    };
    Cow::Borrowed(name)
}

/// The FreeRADIUS name of an attribute, or `Attr-N` / `Attr-26.V.N` for one we do not know.
pub fn attribute_name(kind: AttrKind) -> Cow<'static, str> {
    match kind {
        AttrKind::Standard(number) => match standard_name(number) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(format!("Attr-{number}")),
        },
        AttrKind::Vendor { vendor, kind } => {
            let known = match vendor {
                erx::VENDOR => erx_name(kind),
                dsl_forum::VENDOR => dsl_forum_name(kind),
                _ => None,
            };
            match known {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(format!("Attr-26.{vendor}.{kind}")),
            }
        }
    }
}

fn standard_name(number: u8) -> Option<&'static str> {
    use attr::*;
    Some(match number {
        USER_NAME => "User-Name",
        USER_PASSWORD => "User-Password",
        CHAP_PASSWORD => "CHAP-Password",
        NAS_IP_ADDRESS => "NAS-IP-Address",
        NAS_PORT => "NAS-Port",
        SERVICE_TYPE => "Service-Type",
        FRAMED_PROTOCOL => "Framed-Protocol",
        FRAMED_IP_ADDRESS => "Framed-IP-Address",
        REPLY_MESSAGE => "Reply-Message",
        FRAMED_ROUTE => "Framed-Route",
        CLASS => "Class",
        VENDOR_SPECIFIC => "Vendor-Specific",
        SESSION_TIMEOUT => "Session-Timeout",
        IDLE_TIMEOUT => "Idle-Timeout",
        CALLED_STATION_ID => "Called-Station-Id",
        CALLING_STATION_ID => "Calling-Station-Id",
        NAS_IDENTIFIER => "NAS-Identifier",
        ACCT_STATUS_TYPE => "Acct-Status-Type",
        ACCT_DELAY_TIME => "Acct-Delay-Time",
        ACCT_INPUT_OCTETS => "Acct-Input-Octets",
        ACCT_OUTPUT_OCTETS => "Acct-Output-Octets",
        ACCT_SESSION_ID => "Acct-Session-Id",
        ACCT_AUTHENTIC => "Acct-Authentic",
        ACCT_SESSION_TIME => "Acct-Session-Time",
        ACCT_INPUT_PACKETS => "Acct-Input-Packets",
        ACCT_OUTPUT_PACKETS => "Acct-Output-Packets",
        ACCT_TERMINATE_CAUSE => "Acct-Terminate-Cause",
        ACCT_INPUT_GIGAWORDS => "Acct-Input-Gigawords",
        ACCT_OUTPUT_GIGAWORDS => "Acct-Output-Gigawords",
        EVENT_TIMESTAMP => "Event-Timestamp",
        CHAP_CHALLENGE => "CHAP-Challenge",
        NAS_PORT_TYPE => "NAS-Port-Type",
        TUNNEL_TYPE => "Tunnel-Type",
        TUNNEL_MEDIUM_TYPE => "Tunnel-Medium-Type",
        TUNNEL_CLIENT_ENDPOINT => "Tunnel-Client-Endpoint",
        TUNNEL_SERVER_ENDPOINT => "Tunnel-Server-Endpoint",
        ACCT_TUNNEL_CONNECTION => "Acct-Tunnel-Connection",
        TUNNEL_PASSWORD => "Tunnel-Password",
        CONNECT_INFO => "Connect-Info",
        MESSAGE_AUTHENTICATOR => "Message-Authenticator",
        TUNNEL_PRIVATE_GROUP_ID => "Tunnel-Private-Group-Id",
        TUNNEL_ASSIGNMENT_ID => "Tunnel-Assignment-Id",
        TUNNEL_PREFERENCE => "Tunnel-Preference",
        ACCT_INTERIM_INTERVAL => "Acct-Interim-Interval",
        NAS_PORT_ID => "NAS-Port-Id",
        FRAMED_POOL => "Framed-Pool",
        TUNNEL_CLIENT_AUTH_ID => "Tunnel-Client-Auth-Id",
        TUNNEL_SERVER_AUTH_ID => "Tunnel-Server-Auth-Id",
        ERROR_CAUSE => "Error-Cause",
        _ => return None,
    })
}

fn dsl_forum_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        dsl_forum::AGENT_CIRCUIT_ID => "ADSL-Agent-Circuit-Id",
        dsl_forum::AGENT_REMOTE_ID => "ADSL-Agent-Remote-Id",
        // RFC 4679 §4's names (FreeRADIUS dictionary.dslforum).
        0x81 => "Actual-Data-Rate-Upstream",
        0x82 => "Actual-Data-Rate-Downstream",
        0x83 => "Minimum-Data-Rate-Upstream",
        0x84 => "Minimum-Data-Rate-Downstream",
        0x85 => "Attainable-Data-Rate-Upstream",
        0x86 => "Attainable-Data-Rate-Downstream",
        0x87 => "Maximum-Data-Rate-Upstream",
        0x88 => "Maximum-Data-Rate-Downstream",
        0x89 => "Minimum-Data-Rate-Upstream-Low-Power",
        0x8A => "Minimum-Data-Rate-Downstream-Low-Power",
        0x8B => "Maximum-Interleaving-Delay-Upstream",
        0x8C => "Actual-Interleaving-Delay-Upstream",
        0x8D => "Maximum-Interleaving-Delay-Downstream",
        0x8E => "Actual-Interleaving-Delay-Downstream",
        0x90 => "Access-Loop-Encapsulation",
        _ => return None,
    })
}

fn erx_name(kind: u8) -> Option<&'static str> {
    Some(match kind {
        erx::VIRTUAL_ROUTER => "ERX-Virtual-Router-Name",
        erx::PRIMARY_DNS => "ERX-Primary-Dns",
        erx::SECONDARY_DNS => "ERX-Secondary-Dns",
        erx::PRIMARY_WINS => "ERX-Primary-Wins",
        erx::SECONDARY_WINS => "ERX-Secondary-Wins",
        erx::TUNNEL_VIRTUAL_ROUTER => "ERX-Tunnel-Virtual-Router",
        erx::TUNNEL_PASSWORD => "ERX-Tunnel-Password",
        erx::TUNNEL_MAXIMUM_SESSIONS => "ERX-Tunnel-Maximum-Sessions",
        erx::L2TP_RECV_WINDOW_SIZE => "ERX-L2tp-Recv-Window-Size",
        erx::INTERFACE_DESC => "ERX-Interface-Desc",
        erx::TUNNEL_GROUP => "ERX-Tunnel-Group",
        _ => return None,
    })
}
