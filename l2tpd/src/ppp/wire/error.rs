//! The one error type of the PPP codec: every way a packet can be refused has a name, so the
//! caller can count it; none of them panics.

use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PppError {
    /// The frame ends before a field its header says is there.
    #[error("truncated PPP packet")]
    Truncated,
    /// A protocol number whose low octet is even (RFC 1661 §2 forbids it).
    #[error("malformed protocol field {0:#06x}")]
    BadProtocol(u16),
    /// The Length field is below the header or beyond the frame (RFC 1661 §5).
    #[error("bad Length field {length} ({available} bytes available)")]
    BadLength { length: u16, available: usize },
    /// An option's Length is below 2 or runs past the end of the packet (RFC 1661 §6).
    #[error("option {kind} has bad length {length}")]
    OptionLength { kind: u8, length: u8 },
    /// A known option whose value does not have the size its RFC gives it.
    #[error("option {kind} has a malformed value")]
    OptionValue { kind: u8 },
    /// A packet, option or name too long for its length field.
    #[error("too long to encode")]
    TooLong,
}
