//! The one error type of the L2TP codec: every way a datagram can be refused has a name, so the
//! engine can count it and decide between dropping the datagram and tearing something down.

use thiserror::Error;

/// Why a datagram could not be parsed, or a message could not be emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum WireError {
    /// The buffer ends before a field the header or an AVP says is there.
    #[error("truncated: the datagram ends inside the L2TP header")]
    Truncated,
    /// The Ver field is not 2 (1 is L2F, 3 is L2TPv3): RFC 2661 §3.1 says drop it.
    #[error("unsupported L2TP version {0}")]
    BadVersion(u8),
    /// The Length field is shorter than the header or longer than the datagram.
    #[error("bad Length field {length} (header {header_len}, datagram {available})")]
    BadLength {
        length: u16,
        header_len: usize,
        available: usize,
    },
    /// A control message (T=1) without L=1 and S=1, or with O=1 (RFC 2661 §3.1).
    #[error("control message with illegal header flags {flags:#04x}")]
    ControlFlags { flags: u8 },
    /// A data message's offset pad is longer than the configured limit.
    #[error("offset pad of {size} bytes exceeds the limit of {limit}")]
    OffsetPadTooLong { size: u16, limit: u16 },
    /// An AVP's Length is below the 6-byte AVP header or runs past the end of the message.
    #[error("AVP at byte {offset} has bad length {length}")]
    AvpLength { offset: usize, length: u16 },
    /// The first AVP of a control message is not Message Type (RFC 2661 §4.4.1).
    #[error("the first AVP is not Message Type")]
    MessageTypeNotFirst,
    /// A Message Type AVP appears hidden or more than once.
    #[error("Message Type AVP hidden or repeated")]
    BadMessageType,
    /// A known AVP whose value does not have the layout RFC 2661 gives it.
    #[error("malformed value for AVP {vendor}:{attribute}")]
    BadAvpValue { vendor: u16, attribute: u16 },
    /// A hidden AVP arrived and no tunnel secret is configured.
    #[error("hidden AVP {attribute} but no tunnel secret")]
    HiddenWithoutSecret { attribute: u16 },
    /// A hidden AVP arrived (or is to be sent) with no Random Vector AVP before it.
    #[error("hidden AVP {attribute} without a preceding Random Vector")]
    HiddenWithoutRandomVector { attribute: u16 },
    /// The unhidden Original Length runs past the hidden value: wrong secret or corruption.
    #[error("hidden AVP {attribute} does not decode (wrong secret?)")]
    HiddenLength { attribute: u16 },
    /// The sender asked to hide an AVP that RFC 2661 says must travel in the clear.
    #[error("AVP {attribute} must not be hidden")]
    CannotHide { attribute: u16 },
    /// An AVP value does not fit the 10-bit AVP Length field.
    #[error("AVP {attribute} value of {len} bytes does not fit an AVP")]
    AvpTooLong { attribute: u16, len: usize },
    /// The message does not fit the 16-bit Length field.
    #[error("message of {0} bytes does not fit the Length field")]
    MessageTooLong(usize),
    /// The caller's output buffer is too small for the header being emitted.
    #[error("output buffer too small: {needed} bytes needed, {available} available")]
    BufferTooSmall { needed: usize, available: usize },
    /// A data message was handed to the control parser or the other way round.
    #[error("expected a {expected} message")]
    WrongClass { expected: &'static str },
}
