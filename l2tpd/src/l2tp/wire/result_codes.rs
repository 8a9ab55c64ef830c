//! The numbers of RFC 2661 §4.4.2 Result and Error Codes and RFC 3145 PPP Disconnect Cause
//! Codes, named once for the tunnel and the session automata.

/// StopCCN Result Code values (RFC 2661 §4.4.2).
pub mod stopccn_result {
    pub const GENERAL_REQUEST: u16 = 1;
    pub const GENERAL_ERROR: u16 = 2;
    pub const ALREADY_EXISTS: u16 = 3;
    pub const NOT_AUTHORIZED: u16 = 4;
    pub const UNSUPPORTED_PROTOCOL_VERSION: u16 = 5;
    pub const SHUTTING_DOWN: u16 = 6;
    pub const FSM_ERROR: u16 = 7;
}

/// CDN Result Code values (RFC 2661 §4.4.2, "Defined Result Code values for the CDN message").
pub mod cdn_result {
    pub const LOST_CARRIER: u16 = 1;
    /// The reason is in the Error Code.
    pub const GENERAL_ERROR: u16 = 2;
    pub const ADMINISTRATIVE: u16 = 3;
    pub const NO_FACILITIES_TEMPORARY: u16 = 4;
    pub const NO_FACILITIES_PERMANENT: u16 = 5;
    pub const INVALID_DESTINATION: u16 = 6;
    pub const NO_CARRIER: u16 = 7;
    pub const BUSY: u16 = 8;
    pub const NO_DIAL_TONE: u16 = 9;
    pub const NOT_ESTABLISHED_IN_TIME: u16 = 10;
    pub const NO_FRAMING: u16 = 11;
}

/// General Error Codes, carried with result 2 in StopCCN and CDN (RFC 2661 §4.4.2).
pub mod general_error {
    pub const NONE: u16 = 0;
    pub const NO_CONTROL_CONNECTION: u16 = 1;
    /// "Length is wrong".
    pub const BAD_LENGTH: u16 = 2;
    /// "One of the field values was out of range or reserved field was non-zero".
    pub const OUT_OF_RANGE: u16 = 3;
    pub const INSUFFICIENT_RESOURCES: u16 = 4;
    pub const INVALID_SESSION_ID: u16 = 5;
    pub const VENDOR_SPECIFIC: u16 = 6;
    /// "Try another": the LNS's policy sends the LAC to another LNS.
    pub const TRY_ANOTHER: u16 = 7;
    /// "Session or tunnel was shutdown due to receipt of an unknown AVP with the M-bit set."
    pub const UNKNOWN_MANDATORY_AVP: u16 = 8;
}

/// PPP Disconnect Cause codes used here (RFC 3145 §3; the full table is in the reference).
pub mod disconnect_cause {
    /// "Global error, no information available": what a Junos LAC sends for every PPP end.
    pub const NO_INFORMATION: u16 = 0;
    pub const ADMINISTRATIVE: u16 = 1;
    /// Direction values.
    pub const DIRECTION_GLOBAL: u8 = 0;
    pub const DIRECTION_AT_PEER: u8 = 1;
    pub const DIRECTION_AT_LOCAL: u8 = 2;
}
