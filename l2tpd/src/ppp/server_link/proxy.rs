//! Proxy LCP at the LNS (RFC 2661 §4.4.5, AVPs 27 and 28): can the LCP the LAC agreed with the
//! subscriber become ours, and what did it agree. Last Sent is the LAC's own request, which
//! the client acked: its options are now ours. Last Received is the client's request, which
//! the LAC acked: the peer's options.

use std::fmt;

use super::ProxyLcpRecord;
use crate::ppp::lcp::{Negotiated, DEFAULT_MRU, MINIMUM_MRU};
use crate::ppp::wire::options::{parse_options, AuthProtocol, LcpOption};

/// ACCM (RFC 1662 §7.1): escapes for asynchronous HDLC, meaningless on a synchronous link
/// such as L2TP's, so a LAC that agreed one left us nothing to honour.
const ACCM: u8 = 2;

/// Why proxy LCP cannot be taken; the owner renegotiates LCP with the client then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyLcpRefusal {
    /// Last Sent or Last Received is missing (RFC 2661 §4.4.5: they travel together).
    Incomplete,
    /// Option bytes that do not parse.
    Malformed,
    /// Parsed, but not something this LNS would have agreed to.
    Unacceptable(&'static str),
}

impl fmt::Display for ProxyLcpRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyLcpRefusal::Incomplete => {
                f.write_str("proxy LCP incomplete (no Last Sent or Last Received request)")
            }
            ProxyLcpRefusal::Malformed => f.write_str("proxy LCP malformed"),
            ProxyLcpRefusal::Unacceptable(why) => write!(f, "proxy LCP unacceptable: {why}"),
        }
    }
}

impl std::error::Error for ProxyLcpRefusal {}

/// What the LAC agreed, as this end's LCP holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ProxyLcpValues {
    pub negotiated: Negotiated,
    /// The Magic-Number the client knows for us (the LAC's).
    pub our_magic: Option<u32>,
}

/// Accepts what our own negotiation would have acked, in the same terms as `lcp.rs`: MRUs
/// from the same floor (64, not IP's 576: a proxy is refused exactly when renegotiating the
/// same values would fail, so refusing never costs a renegotiation that ends where it began),
/// the authentication protocol one of `authentication` (none when that is empty), no option
/// we do not speak. PFC and ACFC need nothing from us (`split_frame` takes both forms), ACCM
/// means nothing on a synchronous link.
pub(super) fn judge(
    record: &ProxyLcpRecord,
    authentication: &[AuthProtocol],
) -> Result<ProxyLcpValues, ProxyLcpRefusal> {
    let (Some(last_sent), Some(last_received)) = (&record.last_sent, &record.last_received) else {
        return Err(ProxyLcpRefusal::Incomplete);
    };
    let mut negotiated = Negotiated::default();
    let mut our_magic = None;
    for option in options(last_sent)? {
        match option {
            LcpOption::Mru(mru) if mru < MINIMUM_MRU => {
                return Err(ProxyLcpRefusal::Unacceptable("our MRU below 64"))
            }
            LcpOption::AuthenticationProtocol(protocol) => {
                negotiated.authentication = Some(protocol)
            }
            LcpOption::MagicNumber(0) => {
                return Err(ProxyLcpRefusal::Unacceptable("our Magic-Number zero"))
            }
            LcpOption::MagicNumber(magic) => our_magic = Some(magic),
            LcpOption::Mru(_)
            | LcpOption::ProtocolFieldCompression
            | LcpOption::AddressControlFieldCompression => {}
            LcpOption::Unknown(raw) if raw.kind == ACCM => {}
            LcpOption::Unknown(_) => {
                return Err(ProxyLcpRefusal::Unacceptable(
                    "an LCP option of ours we do not support",
                ))
            }
        }
    }
    for option in options(last_received)? {
        match option {
            LcpOption::Mru(mru) if mru < MINIMUM_MRU => {
                return Err(ProxyLcpRefusal::Unacceptable("client MRU below 64"))
            }
            LcpOption::Mru(mru) => negotiated.peer_mru = Some(mru),
            // We never authenticate ourselves to a subscriber (lcp.rs rejects it too).
            LcpOption::AuthenticationProtocol(_) => {
                return Err(ProxyLcpRefusal::Unacceptable(
                    "the client asks us to authenticate",
                ))
            }
            LcpOption::MagicNumber(0) => {
                return Err(ProxyLcpRefusal::Unacceptable("client Magic-Number zero"))
            }
            LcpOption::MagicNumber(magic) => negotiated.peer_magic = Some(magic),
            LcpOption::ProtocolFieldCompression => negotiated.peer_pfc = true,
            LcpOption::AddressControlFieldCompression => {}
            LcpOption::Unknown(raw) if raw.kind == ACCM => {}
            LcpOption::Unknown(_) => {
                return Err(ProxyLcpRefusal::Unacceptable(
                    "a client LCP option we do not support",
                ))
            }
        }
    }
    if our_magic.is_some() && our_magic == negotiated.peer_magic {
        return Err(ProxyLcpRefusal::Unacceptable(
            "equal Magic-Numbers (a looped link)",
        ));
    }
    match &negotiated.authentication {
        None if authentication.is_empty() => {}
        None => return Err(ProxyLcpRefusal::Unacceptable("no authentication agreed")),
        Some(_) if authentication.is_empty() => {
            return Err(ProxyLcpRefusal::Unacceptable(
                "authentication agreed where none is configured",
            ))
        }
        Some(agreed) if !authentication.contains(agreed) => {
            return Err(ProxyLcpRefusal::Unacceptable(
                "an authentication protocol we do not offer",
            ))
        }
        Some(_) => {}
    }
    Ok(ProxyLcpValues {
        negotiated,
        our_magic,
    })
}

impl ProxyLcpRecord {
    /// Whether the MRU the LAC asked the client for (Last Sent; RFC 1661's 1500 when it
    /// asked for none) is within `limit`, the MRU this end is configured for: above it the
    /// client may send more than we take, so LCP is renegotiated for ours. `None`: no limit.
    pub fn mru_within(&self, limit: Option<u16>) -> Result<(), ProxyLcpRefusal> {
        let Some(limit) = limit else {
            return Ok(());
        };
        let last_sent = self
            .last_sent
            .as_deref()
            .ok_or(ProxyLcpRefusal::Incomplete)?;
        let asked = options(last_sent)?
            .into_iter()
            .find_map(|o| match o {
                LcpOption::Mru(mru) => Some(mru),
                _ => None,
            })
            .unwrap_or(DEFAULT_MRU);
        if asked > limit {
            return Err(ProxyLcpRefusal::Unacceptable(
                "the LAC's MRU is above ours (ppp-options mru)",
            ));
        }
        Ok(())
    }
}

fn options(bytes: &[u8]) -> Result<Vec<LcpOption>, ProxyLcpRefusal> {
    parse_options(bytes)
        .map_err(|_| ProxyLcpRefusal::Malformed)?
        .iter()
        .map(|raw| LcpOption::from_raw(raw).map_err(|_| ProxyLcpRefusal::Malformed))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MRU 1492, PAP, magic 0x11111111: a LAC's request.
    const LAC_REQUEST: [u8; 14] = [
        1, 4, 0x05, 0xD4, 3, 4, 0xC0, 0x23, 5, 6, 0x11, 0x11, 0x11, 0x11,
    ];
    /// MRU 1492, magic 0x22222222, PFC, ACFC, ACCM 0: a client's request.
    const CLIENT_REQUEST: [u8; 20] = [
        1, 4, 0x05, 0xD4, 5, 6, 0x22, 0x22, 0x22, 0x22, 7, 2, 8, 2, 2, 6, 0, 0, 0, 0,
    ];

    fn record(last_sent: &[u8], last_received: &[u8]) -> ProxyLcpRecord {
        ProxyLcpRecord {
            initial_received: None,
            last_sent: Some(last_sent.to_vec()),
            last_received: Some(last_received.to_vec()),
        }
    }

    #[test]
    fn a_lac_negotiation_becomes_ours() {
        let values = judge(&record(&LAC_REQUEST, &CLIENT_REQUEST), &[AuthProtocol::Pap]);
        assert_eq!(
            values,
            Ok(ProxyLcpValues {
                negotiated: Negotiated {
                    peer_mru: Some(1492),
                    peer_magic: Some(0x2222_2222),
                    authentication: Some(AuthProtocol::Pap),
                    peer_pfc: true,
                },
                our_magic: Some(0x1111_1111),
            })
        );
    }

    #[test]
    fn refusals_say_why() {
        let pap = [AuthProtocol::Pap];
        let cases: [(ProxyLcpRecord, &[AuthProtocol], ProxyLcpRefusal); 9] = [
            (
                ProxyLcpRecord {
                    last_sent: Some(LAC_REQUEST.to_vec()),
                    ..ProxyLcpRecord::default()
                },
                &pap,
                ProxyLcpRefusal::Incomplete,
            ),
            (
                record(&[1, 4, 5], &CLIENT_REQUEST),
                &pap,
                ProxyLcpRefusal::Malformed,
            ),
            (
                record(&[1, 3, 5], &CLIENT_REQUEST),
                &pap,
                ProxyLcpRefusal::Malformed,
            ),
            (
                record(&LAC_REQUEST, &[1, 4, 0, 10]),
                &pap,
                ProxyLcpRefusal::Unacceptable("client MRU below 64"),
            ),
            (
                record(&LAC_REQUEST, &CLIENT_REQUEST),
                &[AuthProtocol::ChapMd5],
                ProxyLcpRefusal::Unacceptable("an authentication protocol we do not offer"),
            ),
            (
                record(&[1, 4, 0x05, 0xD4], &CLIENT_REQUEST),
                &pap,
                ProxyLcpRefusal::Unacceptable("no authentication agreed"),
            ),
            (
                record(&LAC_REQUEST, &[17, 4, 0x05, 0xD4]),
                &pap,
                ProxyLcpRefusal::Unacceptable("a client LCP option we do not support"),
            ),
            (
                record(&LAC_REQUEST, &[3, 4, 0xC0, 0x23]),
                &pap,
                ProxyLcpRefusal::Unacceptable("the client asks us to authenticate"),
            ),
            (
                record(&LAC_REQUEST, &[5, 6, 0x11, 0x11, 0x11, 0x11]),
                &pap,
                ProxyLcpRefusal::Unacceptable("equal Magic-Numbers (a looped link)"),
            ),
        ];
        for (record, authentication, refusal) in cases {
            assert_eq!(judge(&record, authentication), Err(refusal), "{record:?}");
        }
        assert_eq!(
            ProxyLcpRefusal::Unacceptable("client MRU below 64").to_string(),
            "proxy LCP unacceptable: client MRU below 64"
        );
    }

    #[test]
    fn without_authentication_configured_none_may_be_agreed() {
        let no_auth = [1, 4, 0x05, 0xD4];
        assert!(judge(&record(&no_auth, &CLIENT_REQUEST), &[]).is_ok());
        assert_eq!(
            judge(&record(&LAC_REQUEST, &CLIENT_REQUEST), &[]),
            Err(ProxyLcpRefusal::Unacceptable(
                "authentication agreed where none is configured"
            ))
        );
    }

    #[test]
    fn the_lacs_mru_must_be_within_a_configured_one() {
        let proxy = record(&LAC_REQUEST, &CLIENT_REQUEST);
        assert_eq!(proxy.mru_within(None), Ok(()));
        assert_eq!(proxy.mru_within(Some(1492)), Ok(()));
        let above = Err(ProxyLcpRefusal::Unacceptable(
            "the LAC's MRU is above ours (ppp-options mru)",
        ));
        assert_eq!(proxy.mru_within(Some(1400)), above);
        // A LAC that asked for no MRU receives RFC 1661's 1500.
        let no_mru = record(&[3, 4, 0xC0, 0x23], &CLIENT_REQUEST);
        assert_eq!(no_mru.mru_within(Some(1500)), Ok(()));
        assert_eq!(no_mru.mru_within(Some(1492)), above);
    }
}
