//! Control messages (RFC 2661 §3.2, §6): a control header, the Message Type AVP first, then
//! the message's AVPs. A control header with no AVPs at all is a ZLB acknowledgement.

use super::attribute::{attr, Avp};
use super::avp::{AvpIter, AVP_HEADER_LEN, VENDOR_IETF};
use super::error::WireError;
use super::header::{ControlHeader, HeaderRepr, OffsetPadLimit, Packet, CONTROL_HEADER_LEN};
use super::hidden;

/// The value of the Message Type AVP. A newtype rather than an enum: an unassigned number is
/// a legal input whose handling depends on its M bit (RFC 2661 §4.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageType(pub u16);

impl MessageType {
    pub const SCCRQ: Self = Self(1);
    pub const SCCRP: Self = Self(2);
    pub const SCCCN: Self = Self(3);
    pub const STOPCCN: Self = Self(4);
    pub const HELLO: Self = Self(6);
    pub const OCRQ: Self = Self(7);
    pub const OCRP: Self = Self(8);
    pub const OCCN: Self = Self(9);
    pub const ICRQ: Self = Self(10);
    pub const ICRP: Self = Self(11);
    pub const ICCN: Self = Self(12);
    pub const CDN: Self = Self(14);
    pub const WEN: Self = Self(15);
    pub const SLI: Self = Self(16);
    /// RFC 5515 §4.1: Connect-Speed-Update-Notification (LAC to LNS, tunnel-wide: Session ID
    /// 0, one Connect Speed Update AVP per session).
    pub const CSUN: Self = Self(28);
    /// RFC 5515 §4.2: Connect-Speed-Update-Request (LNS to LAC).
    pub const CSURQ: Self = Self(29);

    /// Every message type RFC 2661 defines.
    pub const ALL: [Self; 14] = [
        Self::SCCRQ,
        Self::SCCRP,
        Self::SCCCN,
        Self::STOPCCN,
        Self::HELLO,
        Self::OCRQ,
        Self::OCRP,
        Self::OCCN,
        Self::ICRQ,
        Self::ICRP,
        Self::ICCN,
        Self::CDN,
        Self::WEN,
        Self::SLI,
    ];

    /// The RFC's abbreviation, as operators and Wireshark print it.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::SCCRQ => "SCCRQ",
            Self::SCCRP => "SCCRP",
            Self::SCCCN => "SCCCN",
            Self::STOPCCN => "StopCCN",
            Self::HELLO => "HELLO",
            Self::OCRQ => "OCRQ",
            Self::OCRP => "OCRP",
            Self::OCCN => "OCCN",
            Self::ICRQ => "ICRQ",
            Self::ICRP => "ICRP",
            Self::ICCN => "ICCN",
            Self::CDN => "CDN",
            Self::WEN => "WEN",
            Self::SLI => "SLI",
            Self::CSUN => "CSUN",
            Self::CSURQ => "CSURQ",
            _ => return None,
        })
    }

    pub fn is_known(self) -> bool {
        self.name().is_some()
    }

    /// Messages about one call (an unknown M=1 AVP in them clears the session, not the
    /// tunnel: RFC 2661 §4.1).
    pub fn is_session_message(self) -> bool {
        matches!(
            self,
            Self::OCRQ
                | Self::OCRP
                | Self::OCCN
                | Self::ICRQ
                | Self::ICRP
                | Self::ICCN
                | Self::CDN
                | Self::WEN
                | Self::SLI
        )
    }

    /// The AVPs (IETF attribute types) RFC 2661 §6 says this message MUST carry, Message Type
    /// aside.
    pub fn required_avps(self) -> &'static [u16] {
        use attr::*;
        match self {
            Self::SCCRQ | Self::SCCRP => &[
                PROTOCOL_VERSION,
                HOST_NAME,
                FRAMING_CAPABILITIES,
                ASSIGNED_TUNNEL_ID,
            ],
            Self::STOPCCN => &[ASSIGNED_TUNNEL_ID, RESULT_CODE],
            Self::ICRQ => &[ASSIGNED_SESSION_ID, CALL_SERIAL_NUMBER],
            Self::ICRP | Self::OCRP => &[ASSIGNED_SESSION_ID],
            Self::ICCN | Self::OCCN => &[TX_CONNECT_SPEED, FRAMING_TYPE],
            Self::OCRQ => &[
                ASSIGNED_SESSION_ID,
                CALL_SERIAL_NUMBER,
                MINIMUM_BPS,
                MAXIMUM_BPS,
                BEARER_TYPE,
                FRAMING_TYPE,
                CALLED_NUMBER,
            ],
            Self::CDN => &[RESULT_CODE, ASSIGNED_SESSION_ID],
            Self::WEN => &[CALL_ERRORS],
            Self::SLI => &[ACCM],
            _ => &[],
        }
    }
}

/// An AVP this codec does not recognise, kept so the engine can apply RFC 2661 §4.1: M=1 tears
/// down the session or tunnel, M=0 is skipped (and counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAvp {
    pub vendor: u16,
    pub attr: u16,
    pub mandatory: bool,
    /// The H bit as received; `value` is then still hidden.
    pub hidden: bool,
    /// Any reserved header bit was set, which alone makes the AVP unrecognised.
    pub reserved_bits: bool,
    pub value: Vec<u8>,
}

/// A recognised AVP that arrived hidden and was left so by
/// [`ControlMessage::parse_leaving_hidden`]: its value is still the hidden octets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StillHidden {
    /// An IETF attribute type (hidden vendor AVPs stay in [`ControlMessage::unknown`]).
    pub attr: u16,
    pub mandatory: bool,
    pub value: Vec<u8>,
}

/// What to do with a hidden AVP while parsing.
#[derive(Debug, Clone, Copy)]
enum HiddenAvps<'a> {
    /// Unhide with the tunnel secret; without one, a hidden AVP fails the parse.
    Unhide(Option<&'a [u8]>),
    /// Collect it undecoded in [`ControlMessage::still_hidden`].
    Leave,
}

/// A received control message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlMessage {
    pub header: ControlHeader,
    /// `None` for a ZLB.
    pub message_type: Option<MessageType>,
    /// The M bit of the Message Type AVP: for an unknown type, M=1 means clear the tunnel and
    /// M=0 means ignore the message.
    pub message_type_mandatory: bool,
    /// The recognised AVPs after Message Type, in order, hidden ones already unhidden.
    pub avps: Vec<Avp>,
    pub unknown: Vec<UnknownAvp>,
    /// Recognised AVPs left hidden; always empty unless parsed with
    /// [`ControlMessage::parse_leaving_hidden`].
    pub still_hidden: Vec<StillHidden>,
}

fn is_known_ietf(vendor: u16, attribute: u16) -> bool {
    vendor == VENDOR_IETF
        && (attribute <= attr::SEQUENCING_REQUIRED && attribute != 20
            || attribute == attr::PPP_DISCONNECT_CAUSE_CODE
            || attribute == attr::CONNECT_SPEED_UPDATE)
}

impl ControlMessage {
    /// Parses one whole datagram. `secret` is the tunnel secret, needed only to unhide AVPs.
    pub fn parse(bytes: &[u8], secret: Option<&[u8]>) -> Result<Self, WireError> {
        Self::parse_packet(&Packet::new_checked(bytes)?, secret)
    }

    pub fn parse_packet<T: AsRef<[u8]>>(
        packet: &Packet<T>,
        secret: Option<&[u8]>,
    ) -> Result<Self, WireError> {
        Self::parse_with(packet, HiddenAvps::Unhide(secret))
    }

    /// Parses one whole datagram without a secret, keeping hidden AVPs undecoded in
    /// `still_hidden` instead of failing. An LNS reads an SCCRQ this way to learn the LAC's
    /// Host Name (which RFC 2661 senders keep in the clear), which decides the secret the full parse
    /// then needs.
    pub fn parse_leaving_hidden(bytes: &[u8]) -> Result<Self, WireError> {
        Self::parse_with(&Packet::new_checked(bytes)?, HiddenAvps::Leave)
    }

    fn parse_with<T: AsRef<[u8]>>(
        packet: &Packet<T>,
        hidden_avps: HiddenAvps<'_>,
    ) -> Result<Self, WireError> {
        let header = match HeaderRepr::parse(packet, OffsetPadLimit::default())? {
            HeaderRepr::Control(header) => header,
            HeaderRepr::Data(_) => {
                return Err(WireError::WrongClass {
                    expected: "control",
                })
            }
        };
        let mut message = Self {
            header,
            message_type: None,
            message_type_mandatory: false,
            avps: Vec::new(),
            unknown: Vec::new(),
            still_hidden: Vec::new(),
        };
        let mut iter = AvpIter::new(packet.payload());
        let Some(first) = iter.next() else {
            return Ok(message); // ZLB
        };
        let first = first?;
        if first.vendor_id() != VENDOR_IETF
            || first.attribute_type() != attr::MESSAGE_TYPE
            || first.reserved_bits_set()
        {
            return Err(WireError::MessageTypeNotFirst);
        }
        if first.hidden() {
            return Err(WireError::BadMessageType);
        }
        match Avp::decode(VENDOR_IETF, attr::MESSAGE_TYPE, true, first.value())? {
            Avp::MessageType(t) => message.message_type = Some(t),
            _ => return Err(WireError::BadMessageType),
        }
        message.message_type_mandatory = first.mandatory();

        let mut random_vector: Option<&[u8]> = None;
        for avp in iter {
            let avp = avp?;
            let (vendor, attribute) = (avp.vendor_id(), avp.attribute_type());
            if avp.reserved_bits_set() || !is_known_ietf(vendor, attribute) {
                message.unknown.push(UnknownAvp {
                    vendor,
                    attr: attribute,
                    mandatory: avp.mandatory(),
                    hidden: avp.hidden(),
                    reserved_bits: avp.reserved_bits_set(),
                    value: avp.value().to_vec(),
                });
                continue;
            }
            let plain;
            let value = if avp.hidden() {
                if attribute == attr::MESSAGE_TYPE || attribute == attr::RANDOM_VECTOR {
                    return Err(WireError::BadAvpValue { vendor, attribute });
                }
                let secret = match hidden_avps {
                    HiddenAvps::Unhide(secret) => {
                        secret.ok_or(WireError::HiddenWithoutSecret { attribute })?
                    }
                    HiddenAvps::Leave => {
                        // Without a Random Vector no secret could ever unhide it.
                        if random_vector.is_none() {
                            return Err(WireError::HiddenWithoutRandomVector { attribute });
                        }
                        message.still_hidden.push(StillHidden {
                            attr: attribute,
                            mandatory: avp.mandatory(),
                            value: avp.value().to_vec(),
                        });
                        continue;
                    }
                };
                let rv = random_vector.ok_or(WireError::HiddenWithoutRandomVector { attribute })?;
                plain = hidden::unhide(attribute, secret, rv, avp.value())?;
                &plain[..]
            } else {
                avp.value()
            };
            let decoded = Avp::decode(vendor, attribute, avp.mandatory(), value)?;
            match decoded {
                Avp::MessageType(_) => return Err(WireError::BadMessageType),
                Avp::RandomVector(_) => random_vector = Some(avp.value()),
                _ => {}
            }
            message.avps.push(decoded);
        }
        Ok(message)
    }

    pub fn is_zlb(&self) -> bool {
        self.message_type.is_none()
    }

    /// The first recognised AVP of this IETF attribute type.
    pub fn get(&self, attribute: u16) -> Option<&Avp> {
        self.avps
            .iter()
            .find(|avp| avp.vendor_id() == VENDOR_IETF && avp.attribute_type() == attribute)
    }

    /// Whether an AVP of this IETF attribute type was left hidden.
    pub fn is_still_hidden(&self, attribute: u16) -> bool {
        self.still_hidden.iter().any(|h| h.attr == attribute)
    }

    /// The AVPs RFC 2661 §6 requires in this message type that it lacks.
    pub fn missing_mandatory(&self) -> Vec<u16> {
        self.message_type
            .map(MessageType::required_avps)
            .unwrap_or(&[])
            .iter()
            .copied()
            .filter(|attribute| self.get(*attribute).is_none())
            .collect()
    }

    /// Whether an unrecognised AVP with M=1 obliges the receiver to clear the session (session
    /// messages) or the tunnel.
    pub fn has_unknown_mandatory(&self) -> bool {
        self.unknown.iter().any(|u| u.mandatory)
    }
}

/// Whether an outgoing AVP is hidden (RFC 2661 §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hiding {
    Clear,
    /// Always hidden, with this padding; emitting without a secret is an error.
    Always {
        padding: Vec<u8>,
    },
    /// Hidden with this padding when the message is emitted with a secret, in the clear
    /// otherwise: for values worth protecting that a tunnel without a secret must still send.
    WithSecret {
        padding: Vec<u8>,
    },
}

/// One AVP to send.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outgoing {
    avp: Avp,
    hiding: Hiding,
}

/// Builds a control message with exactly the AVPs given, Message Type first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlMessageBuilder {
    message_type: MessageType,
    avps: Vec<Outgoing>,
}

impl ControlMessageBuilder {
    pub fn new(message_type: MessageType) -> Self {
        Self {
            message_type,
            avps: Vec::new(),
        }
    }

    /// Appends an AVP sent in the clear.
    pub fn avp(mut self, avp: Avp) -> Self {
        self.avps.push(Outgoing {
            avp,
            hiding: Hiding::Clear,
        });
        self
    }

    /// Appends an AVP sent hidden (RFC 2661 §4.3) with the tunnel secret and the Random Vector
    /// AVP added before it. `padding` (random octets, or empty) masks the value's length.
    pub fn hidden_avp(mut self, avp: Avp, padding: Vec<u8>) -> Self {
        self.avps.push(Outgoing {
            avp,
            hiding: Hiding::Always { padding },
        });
        self
    }

    /// Appends an AVP to hide whenever the tunnel has a secret and to send in the clear when
    /// it has none (RFC 2661 §4.3 makes hiding possible only with a secret). The code that
    /// builds a message does not know the tunnel's secret; the tunnel does, and calls
    /// [`Self::hide_sensitive`] before emitting with it.
    pub fn sensitive_avp(mut self, avp: Avp) -> Self {
        self.avps.push(Outgoing {
            avp,
            hiding: Hiding::WithSecret {
                padding: Vec::new(),
            },
        });
        self
    }

    /// Treats every AVP RFC 2661 lets us hide as sensitive (a tunnel group's `hide-avps`).
    pub fn all_hideable_sensitive(mut self) -> Self {
        for out in &mut self.avps {
            if matches!(out.hiding, Hiding::Clear) && out.avp.may_be_hidden() {
                out.hiding = Hiding::WithSecret {
                    padding: Vec::new(),
                };
            }
        }
        self
    }

    /// Whether any AVP was added with [`Self::sensitive_avp`].
    pub fn has_sensitive(&self) -> bool {
        self.avps
            .iter()
            .any(|out| matches!(out.hiding, Hiding::WithSecret { .. }))
    }

    /// Prepares the sensitive AVPs for hiding: inserts a Random Vector AVP holding
    /// `random_vector` just before the first of them (RFC 2661 §4.3: a new Random Vector
    /// before the first hidden AVP of a message, so that no keystream is reused), and gives
    /// each the padding `padding(value_len)` returns. Without sensitive AVPs, unchanged.
    pub fn hide_sensitive(
        mut self,
        random_vector: Vec<u8>,
        mut padding: impl FnMut(usize) -> Vec<u8>,
    ) -> Self {
        let Some(first) = self
            .avps
            .iter()
            .position(|out| matches!(out.hiding, Hiding::WithSecret { .. }))
        else {
            return self;
        };
        let mut value = Vec::new();
        for out in self.avps.iter_mut().skip(first) {
            if let Hiding::WithSecret { padding: pad } = &mut out.hiding {
                value.clear();
                out.avp.encode_value(&mut value);
                *pad = padding(value.len());
            }
        }
        self.avps.insert(
            first,
            Outgoing {
                avp: Avp::RandomVector(random_vector),
                hiding: Hiding::Clear,
            },
        );
        self
    }

    /// The whole datagram. With a `secret`, sensitive AVPs are hidden, so a Random Vector AVP
    /// must precede them (see [`Self::hide_sensitive`]).
    pub fn emit(&self, header: ControlHeader, secret: Option<&[u8]>) -> Result<Vec<u8>, WireError> {
        let mut out = Vec::with_capacity(self.emitted_len(secret));
        out.resize(CONTROL_HEADER_LEN, 0);
        Avp::MessageType(self.message_type).emit(&mut out)?;
        let mut random_vector: Option<&[u8]> = None;
        let mut value = Vec::new();
        for Outgoing { avp, hiding } in &self.avps {
            let attribute = avp.attribute_type();
            if matches!(avp, Avp::MessageType(_)) {
                return Err(WireError::BadMessageType);
            }
            value.clear();
            avp.encode_value(&mut value);
            let padding = match (hiding, secret) {
                (Hiding::Clear, _) | (Hiding::WithSecret { .. }, None) => None,
                (Hiding::Always { padding } | Hiding::WithSecret { padding }, _) => Some(padding),
            };
            match padding {
                None => avp.header(false).emit(&value, &mut out)?,
                Some(padding) => {
                    if !avp.may_be_hidden() {
                        return Err(WireError::CannotHide { attribute });
                    }
                    let secret = secret.ok_or(WireError::HiddenWithoutSecret { attribute })?;
                    let rv =
                        random_vector.ok_or(WireError::HiddenWithoutRandomVector { attribute })?;
                    let hidden = hidden::hide(attribute, secret, rv, &value, padding)?;
                    avp.header(true).emit(&hidden, &mut out)?;
                }
            }
            if let Avp::RandomVector(rv) = avp {
                random_vector = Some(rv);
            }
        }
        let payload_len = out.len() - CONTROL_HEADER_LEN;
        HeaderRepr::Control(header).emit(&mut out, payload_len)?;
        Ok(out)
    }
}

impl ControlMessageBuilder {
    /// The length [`Self::emit`] gives the datagram, so that it is allocated once at its
    /// size. Grown AVP by AVP it was reallocated four or five times per message, and at a
    /// mass teardown (65,000 CDNs) on a heap fragmented by the sessions going away those
    /// reallocations cost more than the rest of the teardown together (issue 15, item 4).
    pub(super) fn emitted_len(&self, secret: Option<&[u8]>) -> usize {
        // The header, then the Message Type AVP (a 2-octet value).
        let mut len = CONTROL_HEADER_LEN + AVP_HEADER_LEN + 2;
        let mut value = Vec::new();
        for Outgoing { avp, hiding } in &self.avps {
            value.clear();
            avp.encode_value(&mut value);
            let hidden_padding = match (hiding, secret) {
                (Hiding::Clear, _) | (Hiding::WithSecret { .. }, None) => None,
                (Hiding::Always { padding } | Hiding::WithSecret { padding }, _) => {
                    Some(padding.len())
                }
            };
            len += AVP_HEADER_LEN
                + match hidden_padding {
                    // A hidden value: its Original Length, the value, then the padding.
                    Some(padding) => 2 + value.len() + padding,
                    None => value.len(),
                };
        }
        len
    }
}

/// A ZLB acknowledgement: a control header and nothing else (RFC 2661 §5.8).
pub fn zlb(header: ControlHeader) -> Vec<u8> {
    let mut out = vec![0u8; CONTROL_HEADER_LEN];
    // 12 octets always fit both the buffer and the Length field.
    let _ = HeaderRepr::Control(header).emit(&mut out, 0);
    out
}
