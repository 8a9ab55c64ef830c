//! What a call carries: the ICRQ's call parameters, the ICCN's connect parameters and the
//! proxy LCP / proxy authentication data (RFC 2661 §4.4.5-4.4.6, §6.6, §6.8).
//!
//! The same types serve both ends: the LAC fills them in and they become AVPs; the LNS reads
//! them back from the messages it receives.

use super::call_strings::{CallString, CallStrings};
use crate::access_loop::{self, AccessLoop, Coding, Decoded};
use crate::l2tp::wire::attribute::{attr, framing, proxy_authen};
use crate::l2tp::wire::{Avp, ControlMessage};

/// The method the LAC used to authenticate the subscriber (Proxy Authen Type, AVP 29).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyAuthenType {
    Textual,
    Chap,
    Pap,
    /// The LAC did not authenticate: the LNS must.
    NoAuthentication,
    MsChapV1,
    /// A value RFC 2661 does not define, kept so it can be logged and refused by PPP.
    Other(u16),
}

impl ProxyAuthenType {
    pub fn from_wire(value: u16) -> Self {
        match value {
            proxy_authen::TEXTUAL => Self::Textual,
            proxy_authen::CHAP => Self::Chap,
            proxy_authen::PAP => Self::Pap,
            proxy_authen::NONE => Self::NoAuthentication,
            proxy_authen::MSCHAP_V1 => Self::MsChapV1,
            other => Self::Other(other),
        }
    }

    pub fn to_wire(self) -> u16 {
        match self {
            Self::Textual => proxy_authen::TEXTUAL,
            Self::Chap => proxy_authen::CHAP,
            Self::Pap => proxy_authen::PAP,
            Self::NoAuthentication => proxy_authen::NONE,
            Self::MsChapV1 => proxy_authen::MSCHAP_V1,
            Self::Other(value) => value,
        }
    }
}

/// Proxy LCP (AVPs 26-28): the LCP Configure-Requests the LAC exchanged with the subscriber,
/// each the LCP packet's option bytes as RFC 2661 carries them. The LNS-side PPP may start LCP
/// Opened from these instead of renegotiating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyLcp {
    pub initial_received: Option<Vec<u8>>,
    pub last_sent: Option<Vec<u8>>,
    pub last_received: Option<Vec<u8>>,
}

impl ProxyLcp {
    /// RFC 2661 §4.4.5: Last Sent and Last Received travel together; without both the LNS
    /// cannot take over the negotiated state and must renegotiate.
    pub fn is_complete(&self) -> bool {
        self.last_sent.is_some() && self.last_received.is_some()
    }
}

/// Proxy authentication (AVPs 29-33).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyAuth {
    pub authen_type: ProxyAuthenType,
    /// The subscriber's user name.
    pub name: Option<Vec<u8>>,
    /// CHAP: the challenge the LAC sent.
    pub challenge: Option<Vec<u8>>,
    /// CHAP: the identifier of that challenge.
    pub id: Option<u8>,
    /// CHAP: the subscriber's response; PAP: the password.
    pub response: Option<Vec<u8>>,
}

/// Everything the LAC learnt from the subscriber on the LNS's behalf.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyData {
    pub lcp: Option<ProxyLcp>,
    pub auth: Option<ProxyAuth>,
}

impl ProxyData {
    pub fn is_empty(&self) -> bool {
        self.lcp.is_none() && self.auth.is_none()
    }

    /// After the ICCN carried them, a LAC needs neither the Configure-Requests nor the
    /// credentials: it keeps that there was proxy LCP, the authentication type and the user
    /// name (its views show them) and drops the rest — the PAP password or CHAP response
    /// should not outlive its use, and 65,000 subscribers' copies cost memory.
    pub fn forget_handed_over(&mut self) {
        if let Some(lcp) = self.lcp.as_mut() {
            *lcp = ProxyLcp::default();
        }
        if let Some(auth) = self.auth.as_mut() {
            auth.challenge = None;
            auth.id = None;
            auth.response = None;
        }
    }

    fn push_avps(&self, avps: &mut Vec<Avp>) {
        if let Some(lcp) = &self.lcp {
            let fields = [
                (
                    &lcp.initial_received,
                    Avp::InitialReceivedLcpConfreq as fn(_) -> _,
                ),
                (&lcp.last_sent, Avp::LastSentLcpConfreq),
                (&lcp.last_received, Avp::LastReceivedLcpConfreq),
            ];
            for (value, avp) in fields {
                if let Some(value) = value {
                    avps.push(avp(value.clone()));
                }
            }
        }
        if let Some(auth) = &self.auth {
            avps.push(Avp::ProxyAuthenType(auth.authen_type.to_wire()));
            if let Some(name) = &auth.name {
                avps.push(Avp::ProxyAuthenName(name.clone()));
            }
            if let Some(challenge) = &auth.challenge {
                avps.push(Avp::ProxyAuthenChallenge(challenge.clone()));
            }
            if let Some(id) = auth.id {
                avps.push(Avp::ProxyAuthenId(id));
            }
            if let Some(response) = &auth.response {
                avps.push(Avp::ProxyAuthenResponse(response.clone()));
            }
        }
    }

    /// Reads the proxy AVPs of an ICCN. Proxy authentication without its Type AVP is ignored:
    /// without knowing the method the LNS cannot use the rest.
    pub fn from_iccn(iccn: &ControlMessage) -> Self {
        let mut lcp = ProxyLcp::default();
        let mut authen_type = None;
        let mut name = None;
        let mut challenge = None;
        let mut id = None;
        let mut response = None;
        for avp in &iccn.avps {
            match avp {
                Avp::InitialReceivedLcpConfreq(v) => lcp.initial_received = Some(v.clone()),
                Avp::LastSentLcpConfreq(v) => lcp.last_sent = Some(v.clone()),
                Avp::LastReceivedLcpConfreq(v) => lcp.last_received = Some(v.clone()),
                Avp::ProxyAuthenType(t) => authen_type = Some(ProxyAuthenType::from_wire(*t)),
                Avp::ProxyAuthenName(v) => name = Some(v.clone()),
                Avp::ProxyAuthenChallenge(v) => challenge = Some(v.clone()),
                Avp::ProxyAuthenId(v) => id = Some(*v),
                Avp::ProxyAuthenResponse(v) => response = Some(v.clone()),
                _ => {}
            }
        }
        Self {
            lcp: (lcp != ProxyLcp::default()).then_some(lcp),
            auth: authen_type.map(|authen_type| ProxyAuth {
                authen_type,
                name,
                challenge,
                id,
                response,
            }),
        }
    }
}

/// Whether an ICCN AVP carries a subscriber credential and so travels hidden when the tunnel
/// has a secret (RFC 2661 §4.3). Only Proxy Authen Response qualifies: for PAP it is the
/// password itself, for CHAP the response an eavesdropper holding the (clear) challenge and
/// identifier could test password guesses against offline. The Proxy Authen Challenge is not
/// hidden: the LAC already sent it to the subscriber in the clear on the access link, and
/// with the response hidden it gives an observer nothing to attack.
pub(super) fn is_credential(avp: &Avp) -> bool {
    matches!(avp, Avp::ProxyAuthenResponse(_))
}

/// The parameters of one incoming call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    /// Call Serial Number (AVP 15): identifies the call in both ends' logs.
    pub serial: u32,
    /// Bearer Type bits (AVP 18); PPPoE subscribers have none.
    pub bearer_type: Option<u32>,
    pub physical_channel_id: Option<u32>,
    /// Calling Number (AVP 22; Junos fills it with the subscriber's access line identity),
    /// Called Number, Sub-Address, Private Group ID and RFC 5515's Agent-Circuit-Id and
    /// Agent-Remote-Id (vendor 3561, types 1 and 2, never mandatory, in the ICRQ), in one
    /// allocation (`call_strings`); read through the accessors below.
    pub strings: CallStrings,
    /// RFC 5515 §3.3–3.17 (vendor 3561, types 0x81 on, never mandatory): the line's rates
    /// (64-bit, bit/s), interleaving delays and encapsulation, in the ICRQ.
    pub access_loop: AccessLoop,
    /// Framing Type (AVP 19) sent in the ICCN.
    pub framing_type: u32,
    /// (Tx) Connect Speed (AVP 24), bits per second, LAC to subscriber.
    pub tx_connect_speed: u32,
    /// Rx Connect Speed (AVP 38), when it differs from the Tx speed or is asked for.
    pub rx_connect_speed: Option<u32>,
    /// The LAC sends Sequencing Required (AVP 39): data messages must carry Ns/Nr both ways.
    pub sequencing_required: bool,
    pub proxy: ProxyData,
}

impl Default for CallInfo {
    fn default() -> Self {
        Self {
            serial: 0,
            bearer_type: None,
            physical_channel_id: None,
            strings: CallStrings::default(),
            access_loop: AccessLoop::default(),
            // A PPPoE session is a synchronous (octet-oriented, no HDLC stuffing) link.
            framing_type: framing::SYNC,
            tx_connect_speed: 0,
            rx_connect_speed: None,
            sequencing_required: false,
            proxy: ProxyData::default(),
        }
    }
}

/// RFC 5515 §3: the Broadband (DSL) Forum's vendor ID and its access line AVPs' types.
const VENDOR_BROADBAND_FORUM: u16 = 3561;
const BBF_AGENT_CIRCUIT_ID: u16 = 1;
const BBF_AGENT_REMOTE_ID: u16 = 2;
/// TR-101's bound on either ID; a longer or empty one is not an ID and is left unread.
const MAX_AGENT_ID_LEN: usize = 63;

impl CallInfo {
    pub fn calling_number(&self) -> Option<&[u8]> {
        self.strings.get(CallString::CallingNumber)
    }

    pub fn called_number(&self) -> Option<&[u8]> {
        self.strings.get(CallString::CalledNumber)
    }

    pub fn sub_address(&self) -> Option<&[u8]> {
        self.strings.get(CallString::SubAddress)
    }

    pub fn agent_circuit_id(&self) -> Option<&[u8]> {
        self.strings.get(CallString::AgentCircuitId)
    }

    pub fn agent_remote_id(&self) -> Option<&[u8]> {
        self.strings.get(CallString::AgentRemoteId)
    }

    pub fn private_group_id(&self) -> Option<&[u8]> {
        self.strings.get(CallString::PrivateGroupId)
    }

    /// The ICRQ AVPs after Assigned Session ID (RFC 2661 §6.6).
    pub(super) fn icrq_avps(&self) -> Vec<Avp> {
        let mut avps = vec![Avp::CallSerialNumber(self.serial)];
        if let Some(bearer) = self.bearer_type {
            avps.push(Avp::BearerType(bearer));
        }
        if let Some(channel) = self.physical_channel_id {
            avps.push(Avp::PhysicalChannelId(channel));
        }
        if let Some(number) = self.calling_number() {
            avps.push(Avp::CallingNumber(number.to_vec()));
        }
        if let Some(number) = self.called_number() {
            avps.push(Avp::CalledNumber(number.to_vec()));
        }
        if let Some(sub) = self.sub_address() {
            avps.push(Avp::SubAddress(sub.to_vec()));
        }
        for (attr, id) in [
            (BBF_AGENT_CIRCUIT_ID, self.agent_circuit_id()),
            (BBF_AGENT_REMOTE_ID, self.agent_remote_id()),
        ] {
            if let Some(id) = id {
                avps.push(Avp::Unknown {
                    vendor: VENDOR_BROADBAND_FORUM,
                    attr,
                    mandatory: false,
                    value: id.to_vec(),
                });
            }
        }
        for (kind, characteristic) in self.access_loop.entries() {
            avps.push(Avp::Unknown {
                vendor: VENDOR_BROADBAND_FORUM,
                attr: u16::from(kind),
                mandatory: false,
                value: access_loop::encode(characteristic, Coding::L2tp),
            });
        }
        avps
    }

    /// The ICCN AVPs (RFC 2661 §6.8).
    pub(super) fn iccn_avps(&self) -> Vec<Avp> {
        let mut avps = vec![
            Avp::TxConnectSpeed(self.tx_connect_speed),
            Avp::FramingType(self.framing_type),
        ];
        self.proxy.push_avps(&mut avps);
        if let Some(group) = self.private_group_id() {
            avps.push(Avp::PrivateGroupId(group.to_vec()));
        }
        if let Some(speed) = self.rx_connect_speed {
            avps.push(Avp::RxConnectSpeed(speed));
        }
        if self.sequencing_required {
            avps.push(Avp::SequencingRequired);
        }
        avps
    }

    /// What an ICRQ says about the call; the serial number is 0 if absent (the caller has
    /// already refused an ICRQ without one).
    pub(super) fn from_icrq(icrq: &ControlMessage) -> Self {
        let mut call = Self::default();
        // Gathered first, so the strings take one allocation (`CallStrings`).
        let mut strings: Vec<(CallString, Option<&[u8]>)> = Vec::new();
        for avp in &icrq.avps {
            match avp {
                Avp::CallSerialNumber(v) => call.serial = *v,
                Avp::BearerType(v) => call.bearer_type = Some(*v),
                Avp::PhysicalChannelId(v) => call.physical_channel_id = Some(*v),
                Avp::CallingNumber(v) => strings.push((CallString::CallingNumber, Some(v))),
                Avp::CalledNumber(v) => strings.push((CallString::CalledNumber, Some(v))),
                Avp::SubAddress(v) => strings.push((CallString::SubAddress, Some(v))),
                _ => {}
            }
        }
        // Vendor AVPs arrive among the unrecognised ones, hidden ones still hidden (RFC 5515
        // gives no reason to hide them; one that is stays unread).
        for avp in &icrq.unknown {
            if avp.vendor != VENDOR_BROADBAND_FORUM || avp.hidden || avp.reserved_bits {
                continue;
            }
            let id_ok = (1..=MAX_AGENT_ID_LEN).contains(&avp.value.len());
            match avp.attr {
                BBF_AGENT_CIRCUIT_ID if id_ok => {
                    strings.push((CallString::AgentCircuitId, Some(&avp.value)));
                }
                BBF_AGENT_REMOTE_ID if id_ok => {
                    strings.push((CallString::AgentRemoteId, Some(&avp.value)));
                }
                // Access-loop characteristics (RFC 5515 §3.3 on): one of the wrong length
                // is left unread, as is anything newer.
                attr => {
                    if let Ok(kind) = u8::try_from(attr) {
                        if let Decoded::Known(c) =
                            access_loop::decode(kind, &avp.value, Coding::L2tp)
                        {
                            call.access_loop.set(kind, c);
                        }
                    }
                }
            }
        }
        call.strings = CallStrings::from_fields(&strings);
        call
    }

    /// Adds what an ICCN says to the ICRQ's parameters.
    pub(super) fn absorb_iccn(&mut self, iccn: &ControlMessage) {
        for avp in &iccn.avps {
            match avp {
                Avp::TxConnectSpeed(v) => self.tx_connect_speed = *v,
                Avp::FramingType(v) => self.framing_type = *v,
                Avp::RxConnectSpeed(v) => self.rx_connect_speed = Some(*v),
                Avp::PrivateGroupId(v) => self
                    .strings
                    .set(CallString::PrivateGroupId, Some(v.as_slice())),
                Avp::SequencingRequired => self.sequencing_required = true,
                _ => {}
            }
        }
        self.proxy = ProxyData::from_iccn(iccn);
    }
}

/// The AVP numbers a message lacks among those RFC 2661 requires, as text for a Result Code
/// message.
pub(super) fn describe_missing(missing: &[u16]) -> String {
    let names: Vec<String> = missing.iter().map(|a| avp_name(*a)).collect();
    format!("missing mandatory AVP {}", names.join(", "))
}

fn avp_name(attribute: u16) -> String {
    let name = match attribute {
        attr::RESULT_CODE => "Result Code",
        attr::ASSIGNED_SESSION_ID => "Assigned Session ID",
        attr::CALL_SERIAL_NUMBER => "Call Serial Number",
        attr::TX_CONNECT_SPEED => "Tx Connect Speed",
        attr::FRAMING_TYPE => "Framing Type",
        attr::CALL_ERRORS => "Call Errors",
        attr::ACCM => "ACCM",
        other => return format!("{other}"),
    };
    format!("{attribute} ({name})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::{ControlHeader, ControlMessageBuilder, MessageType};

    fn through_the_wire(kind: MessageType, avps: Vec<Avp>) -> ControlMessage {
        let builder = avps
            .into_iter()
            .fold(ControlMessageBuilder::new(kind), ControlMessageBuilder::avp);
        let bytes = builder.emit(ControlHeader::default(), None).expect("fits");
        ControlMessage::parse(&bytes, None).expect("parses")
    }

    fn chap_call() -> CallInfo {
        CallInfo {
            serial: 77,
            bearer_type: Some(0),
            strings: CallStrings::default()
                .with(CallString::CallingNumber, b"ge-0/0/1.100:100-200")
                .with(CallString::CalledNumber, b"lns1"),
            tx_connect_speed: 1_000_000_000,
            rx_connect_speed: Some(100_000_000),
            sequencing_required: true,
            proxy: ProxyData {
                lcp: Some(ProxyLcp {
                    initial_received: Some(vec![1, 4, 5, 0xd4]),
                    last_sent: Some(vec![3, 5, 0xc2, 0x23, 5]),
                    last_received: Some(vec![1, 4, 5, 0xd4, 5, 6, 1, 2, 3, 4]),
                }),
                auth: Some(ProxyAuth {
                    authen_type: ProxyAuthenType::Chap,
                    name: Some(b"user@example.test".to_vec()),
                    challenge: Some(vec![9; 16]),
                    id: Some(42),
                    response: Some(vec![7; 16]),
                }),
            },
            ..CallInfo::default()
        }
    }

    #[test]
    fn icrq_and_iccn_carry_the_call_intact() {
        let sent = chap_call();
        let icrq = through_the_wire(MessageType::ICRQ, sent.icrq_avps());
        let iccn = through_the_wire(MessageType::ICCN, sent.iccn_avps());
        let mut received = CallInfo::from_icrq(&icrq);
        received.absorb_iccn(&iccn);
        assert_eq!(received, sent);
        assert!(received
            .proxy
            .lcp
            .as_ref()
            .is_some_and(ProxyLcp::is_complete));
    }

    /// RFC 5515: the agent's IDs go as vendor-3561 AVPs with the M bit clear (an LNS that
    /// does not know them skips them), and come back out of the ICRQ.
    #[test]
    fn the_access_line_ids_cross_in_the_icrq_without_the_m_bit() {
        let base = chap_call();
        let sent = CallInfo {
            strings: base
                .strings
                .clone()
                .with(CallString::AgentCircuitId, b"dslam1 eth 1/1/2:100")
                .with(CallString::AgentRemoteId, b"cpe-42"),
            ..base
        };
        let avps = sent.icrq_avps();
        let agent: Vec<&Avp> = avps.iter().filter(|a| a.vendor_id() == 3561).collect();
        assert_eq!(agent.len(), 2);
        assert!(agent.iter().all(|a| !a.mandatory()));
        let icrq = through_the_wire(MessageType::ICRQ, avps);
        let received = CallInfo::from_icrq(&icrq);
        assert_eq!(received.agent_circuit_id(), sent.agent_circuit_id());
        assert_eq!(received.agent_remote_id(), sent.agent_remote_id());
        // An empty or over-long ID from a peer is not taken.
        let odd = through_the_wire(
            MessageType::ICRQ,
            vec![
                Avp::CallSerialNumber(1),
                Avp::Unknown {
                    vendor: 3561,
                    attr: 1,
                    mandatory: false,
                    value: Vec::new(),
                },
                Avp::Unknown {
                    vendor: 3561,
                    attr: 2,
                    mandatory: false,
                    value: vec![b'x'; 64],
                },
            ],
        );
        let received = CallInfo::from_icrq(&odd);
        assert_eq!(
            (received.agent_circuit_id(), received.agent_remote_id()),
            (None, None)
        );
    }

    /// RFC 5515 §3.3 on: the line's rates cross as 64-bit bit/s, its delays and
    /// encapsulation as the RADIUS attributes have them, all vendor 3561 with the M bit clear.
    #[test]
    fn the_access_loop_crosses_in_the_icrq_as_rfc_5515_avps() {
        use crate::access_loop::{Characteristic, ACTUAL_DELAY_UP, ACTUAL_RATE_DOWN};
        use crate::access_loop::{ACTUAL_RATE_UP, ENCAPSULATION};
        let mut sent = chap_call();
        sent.access_loop
            .set(ACTUAL_RATE_UP, Characteristic::Rate(1_000_000));
        sent.access_loop
            .set(ACTUAL_RATE_DOWN, Characteristic::Rate(16_000_000));
        sent.access_loop
            .set(ACTUAL_DELAY_UP, Characteristic::Delay(4));
        sent.access_loop
            .set(ENCAPSULATION, Characteristic::Encapsulation([2, 1, 0]));
        let avps = sent.icrq_avps();
        let down = avps
            .iter()
            .find(|a| (a.vendor_id(), a.attribute_type()) == (3561, 0x82))
            .expect("Actual-Data-Rate-Downstream");
        assert!(!down.mandatory());
        let mut wire = Vec::new();
        down.emit(&mut wire).unwrap();
        // Length 14 (6 + 8 octets), vendor 3561, type 0x82, 16,000,000 as 64 bits.
        assert_eq!(
            wire,
            [0, 14, 0x0d, 0xe9, 0, 0x82, 0, 0, 0, 0, 0, 0xf4, 0x24, 0]
        );
        let received = CallInfo::from_icrq(&through_the_wire(MessageType::ICRQ, avps));
        assert_eq!(received.access_loop, sent.access_loop);
        // A rate in RADIUS' 4 octets is not RFC 5515's: left unread.
        let short = through_the_wire(
            MessageType::ICRQ,
            vec![
                Avp::CallSerialNumber(1),
                Avp::Unknown {
                    vendor: 3561,
                    attr: 0x81,
                    mandatory: false,
                    value: vec![0, 0, 3, 0xe8],
                },
            ],
        );
        assert!(CallInfo::from_icrq(&short).access_loop.is_empty());
    }

    #[test]
    fn no_proxy_avps_means_no_proxy_data() {
        let iccn = through_the_wire(MessageType::ICCN, CallInfo::default().iccn_avps());
        assert!(ProxyData::from_iccn(&iccn).is_empty());
        // Name without a Type is unusable and dropped.
        let iccn = through_the_wire(MessageType::ICCN, vec![Avp::ProxyAuthenName(b"x".to_vec())]);
        assert_eq!(ProxyData::from_iccn(&iccn).auth, None);
    }

    #[test]
    fn authen_types_round_trip() {
        for value in 0..8 {
            assert_eq!(ProxyAuthenType::from_wire(value).to_wire(), value);
        }
        assert_eq!(ProxyAuthenType::from_wire(3), ProxyAuthenType::Pap);
    }

    #[test]
    fn missing_avps_are_named() {
        assert_eq!(
            describe_missing(&[24, 19]),
            "missing mandatory AVP 24 (Tx Connect Speed), 19 (Framing Type)"
        );
        assert_eq!(describe_missing(&[99]), "missing mandatory AVP 99");
    }
}

#[cfg(test)]
mod forget_tests {
    use super::*;

    #[test]
    fn a_lac_forgets_the_credentials_it_handed_over_but_not_whose_they_were() {
        let mut proxy = ProxyData {
            lcp: Some(ProxyLcp {
                initial_received: Some(vec![1, 4, 5, 0xd4]),
                last_sent: Some(vec![3, 5, 0xc2, 0x23, 5]),
                last_received: Some(vec![1, 4, 5, 0xd4]),
            }),
            auth: Some(ProxyAuth {
                authen_type: ProxyAuthenType::Chap,
                name: Some(b"u@isp.example".to_vec()),
                challenge: Some(vec![7; 16]),
                id: Some(1),
                response: Some(vec![9; 16]),
            }),
        };
        proxy.forget_handed_over();
        assert_eq!(proxy.lcp, Some(ProxyLcp::default()));
        let auth = proxy.auth.expect("auth kept");
        assert_eq!(auth.authen_type, ProxyAuthenType::Chap);
        assert_eq!(auth.name.as_deref(), Some(&b"u@isp.example"[..]));
        assert_eq!((auth.challenge, auth.id, auth.response), (None, None, None));
    }
}
