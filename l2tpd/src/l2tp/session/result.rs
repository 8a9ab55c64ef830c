//! Why a call ends: the CDN Result Code (RFC 2661 §4.4.2) and the PPP Disconnect Cause Code
//! (RFC 3145), with the numbers named.

use crate::l2tp::wire::{Avp, PppDisconnectCause, ResultCode};

pub use crate::l2tp::wire::{cdn_result, disconnect_cause, general_error};

/// The Result Code of a CDN, sent or received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnResult {
    pub result: u16,
    /// `None` when the peer sent the 2-octet form.
    pub error: Option<u16>,
    /// Advisory text; octets as received, not necessarily UTF-8.
    pub message: Vec<u8>,
}

impl CdnResult {
    pub fn new(result: u16, error: u16, message: impl Into<Vec<u8>>) -> Self {
        Self {
            result,
            error: Some(error),
            message: message.into(),
        }
    }

    /// Result 1: the subscriber's link went away (PADT, LCP down at the LAC).
    pub fn lost_carrier() -> Self {
        Self::new(cdn_result::LOST_CARRIER, general_error::NONE, Vec::new())
    }

    /// Result 3: an operator cleared the session.
    pub fn administrative(message: impl Into<Vec<u8>>) -> Self {
        Self::new(cdn_result::ADMINISTRATIVE, general_error::NONE, message)
    }

    /// Result 2 with the given General Error Code.
    pub fn general_error(error: u16, message: impl Into<Vec<u8>>) -> Self {
        Self::new(cdn_result::GENERAL_ERROR, error, message)
    }

    pub fn to_avp(&self) -> Avp {
        Avp::ResultCode(ResultCode {
            result: self.result,
            error: self.error,
            message: self.message.clone(),
        })
    }

    pub fn message_text(&self) -> String {
        String::from_utf8_lossy(&self.message).into_owned()
    }
}

/// `result 3 error 0 "cleared by operator"`, as the system log and traces write it.
impl std::fmt::Display for CdnResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "result {}", self.result)?;
        if let Some(error) = self.error {
            write!(f, " error {error}")?;
        }
        if !self.message.is_empty() {
            write!(f, " \"{}\"", self.message_text())?;
        }
        Ok(())
    }
}

impl From<&ResultCode> for CdnResult {
    fn from(code: &ResultCode) -> Self {
        Self {
            result: code.result,
            error: code.error,
            message: code.message.clone(),
        }
    }
}

/// The cause a LAC reports when the subscriber's PPP ends, whatever ended it: Junos sends
/// code 0 "global error, no information available" (product document, LAC event sequence).
pub fn lac_ppp_ended_cause() -> PppDisconnectCause {
    PppDisconnectCause {
        code: disconnect_cause::NO_INFORMATION,
        protocol: 0,
        direction: disconnect_cause::DIRECTION_GLOBAL,
        message: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_code_avp_round_trip() {
        let result = CdnResult::general_error(general_error::TRY_ANOTHER, "draining");
        let Avp::ResultCode(code) = result.to_avp() else {
            panic!("not a Result Code AVP");
        };
        assert_eq!((code.result, code.error), (2, Some(7)));
        assert_eq!(CdnResult::from(&code), result);
        assert_eq!(result.message_text(), "draining");
        assert_eq!(CdnResult::lost_carrier().result, 1);
        assert_eq!(CdnResult::administrative("clear").result, 3);
    }

    #[test]
    fn lac_cause_is_global_no_information() {
        let cause = lac_ppp_ended_cause();
        assert_eq!((cause.code, cause.direction), (0, 0));
    }
}
