//! Configuration options (RFC 1661 §6): Type, Length, Data. The automaton works on raw
//! options so that one automaton serves LCP and IPCP; `LcpOption` and `IpcpOption` give the
//! known ones their meaning. Unknown options stay raw, so they can be Configure-Rejected
//! byte for byte (RFC 1661 §5.4).

use std::net::Ipv4Addr;

use super::{PppError, Protocol};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOption {
    pub kind: u8,
    pub data: Vec<u8>,
}

pub fn parse_options(mut data: &[u8]) -> Result<Vec<RawOption>, PppError> {
    let mut options = Vec::new();
    while let [kind, length, ..] = *data {
        if length < 2 || length as usize > data.len() {
            return Err(PppError::OptionLength { kind, length });
        }
        options.push(RawOption {
            kind,
            data: data[2..length as usize].to_vec(),
        });
        data = &data[length as usize..];
    }
    if data.is_empty() {
        Ok(options)
    } else {
        Err(PppError::Truncated)
    }
}

pub fn emit_options(options: &[RawOption]) -> Result<Vec<u8>, PppError> {
    let mut out = Vec::new();
    for option in options {
        let length = u8::try_from(option.data.len() + 2).map_err(|_| PppError::TooLong)?;
        out.extend_from_slice(&[option.kind, length]);
        out.extend_from_slice(&option.data);
    }
    Ok(out)
}

/// LCP option types (RFC 1661 §6, RFC 1570 for the rest).
pub mod lcp_kind {
    pub const MRU: u8 = 1;
    pub const AUTHENTICATION_PROTOCOL: u8 = 3;
    pub const MAGIC_NUMBER: u8 = 5;
    pub const PFC: u8 = 7;
    pub const ACFC: u8 = 8;
}

/// CHAP's algorithm octet for MD5 (RFC 1994 §3).
const CHAP_MD5: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthProtocol {
    Pap,
    ChapMd5,
    /// Another protocol or CHAP algorithm (MS-CHAP, EAP): kept so it can be Nak'ed.
    Other {
        protocol: u16,
        data: Vec<u8>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LcpOption {
    Mru(u16),
    AuthenticationProtocol(AuthProtocol),
    MagicNumber(u32),
    ProtocolFieldCompression,
    AddressControlFieldCompression,
    Unknown(RawOption),
}

fn fixed<const N: usize>(option: &RawOption) -> Result<[u8; N], PppError> {
    option
        .data
        .as_slice()
        .try_into()
        .map_err(|_| PppError::OptionValue { kind: option.kind })
}

impl LcpOption {
    pub fn from_raw(option: &RawOption) -> Result<LcpOption, PppError> {
        Ok(match option.kind {
            lcp_kind::MRU => LcpOption::Mru(u16::from_be_bytes(fixed(option)?)),
            lcp_kind::AUTHENTICATION_PROTOCOL => {
                let [high, low, rest @ ..] = option.data.as_slice() else {
                    return Err(PppError::OptionValue { kind: option.kind });
                };
                let protocol = u16::from_be_bytes([*high, *low]);
                LcpOption::AuthenticationProtocol(match (Protocol::from_number(protocol), rest) {
                    (Protocol::Pap, []) => AuthProtocol::Pap,
                    (Protocol::Chap, [CHAP_MD5]) => AuthProtocol::ChapMd5,
                    _ => AuthProtocol::Other {
                        protocol,
                        data: rest.to_vec(),
                    },
                })
            }
            lcp_kind::MAGIC_NUMBER => LcpOption::MagicNumber(u32::from_be_bytes(fixed(option)?)),
            lcp_kind::PFC => {
                fixed::<0>(option)?;
                LcpOption::ProtocolFieldCompression
            }
            lcp_kind::ACFC => {
                fixed::<0>(option)?;
                LcpOption::AddressControlFieldCompression
            }
            _ => LcpOption::Unknown(option.clone()),
        })
    }

    pub fn to_raw(&self) -> RawOption {
        let (kind, data) = match self {
            LcpOption::Mru(mru) => (lcp_kind::MRU, mru.to_be_bytes().to_vec()),
            LcpOption::AuthenticationProtocol(auth) => {
                let mut data = Vec::new();
                match auth {
                    AuthProtocol::Pap => data.extend_from_slice(&0xC023u16.to_be_bytes()),
                    AuthProtocol::ChapMd5 => {
                        data.extend_from_slice(&0xC223u16.to_be_bytes());
                        data.push(CHAP_MD5);
                    }
                    AuthProtocol::Other {
                        protocol,
                        data: rest,
                    } => {
                        data.extend_from_slice(&protocol.to_be_bytes());
                        data.extend_from_slice(rest);
                    }
                }
                (lcp_kind::AUTHENTICATION_PROTOCOL, data)
            }
            LcpOption::MagicNumber(magic) => (lcp_kind::MAGIC_NUMBER, magic.to_be_bytes().to_vec()),
            LcpOption::ProtocolFieldCompression => (lcp_kind::PFC, Vec::new()),
            LcpOption::AddressControlFieldCompression => (lcp_kind::ACFC, Vec::new()),
            LcpOption::Unknown(raw) => return raw.clone(),
        };
        RawOption { kind, data }
    }
}

/// IPCP option types (RFC 1332 §3, RFC 1877 §1).
pub mod ipcp_kind {
    pub const IP_ADDRESS: u8 = 3;
    pub const PRIMARY_DNS: u8 = 129;
    pub const PRIMARY_NBNS: u8 = 130;
    pub const SECONDARY_DNS: u8 = 131;
    pub const SECONDARY_NBNS: u8 = 132;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IpcpOption {
    IpAddress(Ipv4Addr),
    PrimaryDns(Ipv4Addr),
    SecondaryDns(Ipv4Addr),
    /// NetBIOS name servers (WINS), RFC 1877 §1.2 and §1.4.
    PrimaryNbns(Ipv4Addr),
    SecondaryNbns(Ipv4Addr),
    Unknown(RawOption),
}

impl IpcpOption {
    pub fn from_raw(option: &RawOption) -> Result<IpcpOption, PppError> {
        let address = || fixed::<4>(option).map(Ipv4Addr::from);
        Ok(match option.kind {
            ipcp_kind::IP_ADDRESS => IpcpOption::IpAddress(address()?),
            ipcp_kind::PRIMARY_DNS => IpcpOption::PrimaryDns(address()?),
            ipcp_kind::SECONDARY_DNS => IpcpOption::SecondaryDns(address()?),
            ipcp_kind::PRIMARY_NBNS => IpcpOption::PrimaryNbns(address()?),
            ipcp_kind::SECONDARY_NBNS => IpcpOption::SecondaryNbns(address()?),
            _ => IpcpOption::Unknown(option.clone()),
        })
    }

    pub fn to_raw(&self) -> RawOption {
        let (kind, address) = match self {
            IpcpOption::IpAddress(address) => (ipcp_kind::IP_ADDRESS, address),
            IpcpOption::PrimaryDns(address) => (ipcp_kind::PRIMARY_DNS, address),
            IpcpOption::SecondaryDns(address) => (ipcp_kind::SECONDARY_DNS, address),
            IpcpOption::PrimaryNbns(address) => (ipcp_kind::PRIMARY_NBNS, address),
            IpcpOption::SecondaryNbns(address) => (ipcp_kind::SECONDARY_NBNS, address),
            IpcpOption::Unknown(raw) => return raw.clone(),
        };
        RawOption {
            kind,
            data: address.octets().to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The options of a LAC's LCP Configure-Request: MRU 1492, CHAP-MD5, magic 0x01020304,
    /// then an unknown option 0x0d (Callback) with one octet.
    static LCP_REQUEST_OPTIONS: [u8; 18] = [
        0x01, 0x04, 0x05, 0xd4, 0x03, 0x05, 0xc2, 0x23, 0x05, 0x05, 0x06, 0x01, 0x02, 0x03, 0x04,
        0x0d, 0x03, 0x06,
    ];

    /// IPCP Configure-Request options: address 0.0.0.0, primary DNS 127.0.0.53.
    static IPCP_REQUEST_OPTIONS: [u8; 12] = [0x03, 0x06, 0, 0, 0, 0, 0x81, 0x06, 127, 0, 0, 53];

    fn typed<T>(bytes: &[u8], from_raw: fn(&RawOption) -> Result<T, PppError>) -> Vec<T> {
        let raw = parse_options(bytes).unwrap();
        raw.iter().map(|o| from_raw(o).unwrap()).collect()
    }

    #[test]
    fn parses_and_emits_real_lcp_options() {
        let typed = typed(&LCP_REQUEST_OPTIONS, LcpOption::from_raw);
        assert_eq!(
            typed,
            [
                LcpOption::Mru(1492),
                LcpOption::AuthenticationProtocol(AuthProtocol::ChapMd5),
                LcpOption::MagicNumber(0x01020304),
                LcpOption::Unknown(RawOption {
                    kind: 0x0d,
                    data: vec![6]
                }),
            ]
        );
        let back: Vec<_> = typed.iter().map(LcpOption::to_raw).collect();
        assert_eq!(emit_options(&back).unwrap(), LCP_REQUEST_OPTIONS);
    }

    #[test]
    fn parses_pap_pfc_acfc_and_refuses_malformed_values() {
        let typed = typed(
            &[0x03, 0x04, 0xc0, 0x23, 0x07, 0x02, 0x08, 0x02],
            LcpOption::from_raw,
        );
        assert_eq!(
            typed,
            [
                LcpOption::AuthenticationProtocol(AuthProtocol::Pap),
                LcpOption::ProtocolFieldCompression,
                LcpOption::AddressControlFieldCompression,
            ]
        );
        let short_mru = RawOption {
            kind: 1,
            data: vec![5],
        };
        assert_eq!(
            LcpOption::from_raw(&short_mru),
            Err(PppError::OptionValue { kind: 1 })
        );
        assert_eq!(
            parse_options(&[0x01, 0x01]),
            Err(PppError::OptionLength { kind: 1, length: 1 })
        );
        assert_eq!(
            parse_options(&[0x01, 0x05, 0, 0]),
            Err(PppError::OptionLength { kind: 1, length: 5 })
        );
        assert_eq!(parse_options(&[0x01]), Err(PppError::Truncated));
    }

    #[test]
    fn parses_and_emits_real_ipcp_options() {
        let typed = typed(&IPCP_REQUEST_OPTIONS, IpcpOption::from_raw);
        assert_eq!(
            typed,
            [
                IpcpOption::IpAddress(Ipv4Addr::UNSPECIFIED),
                IpcpOption::PrimaryDns(Ipv4Addr::new(127, 0, 0, 53)),
            ]
        );
        let back: Vec<_> = typed.iter().map(IpcpOption::to_raw).collect();
        assert_eq!(emit_options(&back).unwrap(), IPCP_REQUEST_OPTIONS);
    }

    fn lcp_option() -> impl Strategy<Value = LcpOption> {
        prop_oneof![
            any::<u16>().prop_map(LcpOption::Mru),
            Just(LcpOption::AuthenticationProtocol(AuthProtocol::Pap)),
            Just(LcpOption::AuthenticationProtocol(AuthProtocol::ChapMd5)),
            any::<u32>().prop_map(LcpOption::MagicNumber),
            Just(LcpOption::ProtocolFieldCompression),
            Just(LcpOption::AddressControlFieldCompression),
            (9u8..=255, proptest::collection::vec(any::<u8>(), 0..8))
                .prop_map(|(kind, data)| LcpOption::Unknown(RawOption { kind, data })),
        ]
    }

    fn ipcp_option() -> impl Strategy<Value = IpcpOption> {
        let address = any::<[u8; 4]>().prop_map(Ipv4Addr::from);
        prop_oneof![
            address.clone().prop_map(IpcpOption::IpAddress),
            address.clone().prop_map(IpcpOption::PrimaryDns),
            address.clone().prop_map(IpcpOption::SecondaryDns),
            address.clone().prop_map(IpcpOption::PrimaryNbns),
            address.prop_map(IpcpOption::SecondaryNbns),
            (133u8..=255, proptest::collection::vec(any::<u8>(), 0..8))
                .prop_map(|(kind, data)| IpcpOption::Unknown(RawOption { kind, data })),
        ]
    }

    proptest! {
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(options) = parse_options(&bytes) {
                for option in &options {
                    let _ = LcpOption::from_raw(option);
                    let _ = IpcpOption::from_raw(option);
                }
            }
        }

        #[test]
        fn emit_then_parse_is_identity(options in proptest::collection::vec(lcp_option(), 0..8)) {
            let raw: Vec<_> = options.iter().map(LcpOption::to_raw).collect();
            prop_assert_eq!(typed(&emit_options(&raw).unwrap(), LcpOption::from_raw), options);
        }

        #[test]
        fn ipcp_emit_then_parse_is_identity(options in proptest::collection::vec(ipcp_option(), 0..8)) {
            let raw: Vec<_> = options.iter().map(IpcpOption::to_raw).collect();
            prop_assert_eq!(typed(&emit_options(&raw).unwrap(), IpcpOption::from_raw), options);
        }
    }
}
