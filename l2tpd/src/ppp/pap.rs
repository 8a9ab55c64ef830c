//! PAP (RFC 1334 §2) in both roles. Sans-IO: fed PAP packets (the information field after
//! protocol 0xC023) and a clock; they queue packets to send and return what happened.
//! Packets of the wrong code, direction or state are ignored and counted in `ignored`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::fsm;
use super::wire::auth::{pap_code, pap_reply, parse_pap_reply, PapRequest};
use super::wire::control::ControlPacket;
use super::wire::PppError;

/// What the authenticator learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PapAuthenticatorEvent {
    /// The peer's Authenticate-Request: the owner answers or hands over.
    Request { identifier: u8, request: PapRequest },
    /// No Authenticate-Request came within the bound.
    TimedOut,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AuthenticatorState {
    Waiting {
        deadline: Instant,
    },
    /// Credentials reported; the owner has not answered yet.
    Reported,
    /// RFC 1334 §2.2.2: a repeated Authenticate-Request after the answer (our Ack was lost)
    /// gets the same answer again.
    Answered {
        code: u8,
        message: Vec<u8>,
    },
    /// Handed over, timed out or stopped: says nothing more.
    Silent,
}

/// The server side: waits for the peer's Authenticate-Request.
pub struct PapAuthenticator {
    state: AuthenticatorState,
    transmit: VecDeque<Vec<u8>>,
    pub ignored: u64,
}

impl PapAuthenticator {
    /// Starts waiting at `now`; `timeout` bounds the wait for the request.
    pub fn new(now: Instant, timeout: Duration) -> Self {
        PapAuthenticator {
            state: AuthenticatorState::Waiting {
                deadline: now + timeout,
            },
            transmit: VecDeque::new(),
            ignored: 0,
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            AuthenticatorState::Waiting { deadline } => Some(deadline),
            _ => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) -> Option<PapAuthenticatorEvent> {
        match self.state {
            AuthenticatorState::Waiting { deadline } if deadline <= now => {
                self.state = AuthenticatorState::Silent;
                Some(PapAuthenticatorEvent::TimedOut)
            }
            _ => None,
        }
    }

    pub fn handle_packet(
        &mut self,
        bytes: &[u8],
        _now: Instant,
    ) -> Result<Option<PapAuthenticatorEvent>, PppError> {
        let packet = ControlPacket::parse(bytes)?;
        if packet.code != pap_code::AUTHENTICATE_REQUEST {
            self.ignored += 1;
            return Ok(None);
        }
        let request = PapRequest::parse(packet.data)?;
        match &self.state {
            AuthenticatorState::Waiting { .. } => {
                self.state = AuthenticatorState::Reported;
                Ok(Some(PapAuthenticatorEvent::Request {
                    identifier: packet.identifier,
                    request,
                }))
            }
            AuthenticatorState::Answered { code, message } => {
                let (code, message) = (*code, message.clone());
                self.send(code, packet.identifier, &message);
                Ok(None)
            }
            // Reported: the peer resends while the owner (or the LNS) decides.
            AuthenticatorState::Reported | AuthenticatorState::Silent => {
                self.ignored += 1;
                Ok(None)
            }
        }
    }

    /// Proxy authentication at the LNS (RFC 2661 §4.4.5): the request the client gave the
    /// LAC, taken as if it had come here; the owner answers it with `answer`, and a repeat
    /// of it then gets that answer. False, and nothing changed, unless still waiting.
    pub fn adopt(&mut self) -> bool {
        if !matches!(self.state, AuthenticatorState::Waiting { .. }) {
            return false;
        }
        self.state = AuthenticatorState::Reported;
        true
    }

    /// The owner's answer to the request of `identifier`: Authenticate-Ack or -Nak.
    pub fn answer(&mut self, identifier: u8, success: bool, message: &[u8]) {
        let code = if success {
            pap_code::AUTHENTICATE_ACK
        } else {
            pap_code::AUTHENTICATE_NAK
        };
        self.send(code, identifier, message);
        self.state = AuthenticatorState::Answered {
            code,
            message: message.to_vec(),
        };
    }

    /// Pass-through: the LNS answers; we say nothing more and keep no timer.
    pub fn stop(&mut self) {
        self.state = AuthenticatorState::Silent;
    }

    fn send(&mut self, code: u8, identifier: u8, message: &[u8]) {
        // A message longer than 255 octets cannot be counted: send it cut (RFC 1334 §2.2.2).
        let message = &message[..message.len().min(255)];
        let Ok(data) = pap_reply(message) else {
            return;
        };
        if let Ok(bytes) = (ControlPacket {
            code,
            identifier,
            data: &data,
        })
        .to_vec()
        {
            self.transmit.push_back(bytes);
        }
    }
}

/// What the peer learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PapPeerEvent {
    Acked(Vec<u8>),
    Naked(Vec<u8>),
    /// Max-Configure requests went unanswered; a late answer is still taken.
    GaveUp,
}

/// The client side: sends Authenticate-Request on the restart timer until answered.
pub struct PapPeer {
    request: Vec<u8>,
    identifier: u8,
    transmissions_left: u32,
    interval: Duration,
    deadline: Option<Instant>,
    answered: bool,
    transmit: VecDeque<Vec<u8>>,
    pub ignored: u64,
}

impl PapPeer {
    pub fn new(config: fsm::Config, peer_id: &[u8], password: &[u8]) -> Result<Self, PppError> {
        let request = PapRequest {
            peer_id: peer_id.to_vec(),
            password: password.to_vec(),
        }
        .emit()?;
        Ok(PapPeer {
            request,
            identifier: 0,
            transmissions_left: config.max_configure.max(1),
            interval: config.restart_interval,
            deadline: None,
            answered: false,
            transmit: VecDeque::new(),
            ignored: 0,
        })
    }

    pub fn start(&mut self, now: Instant) {
        self.send_request(now);
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadline
    }

    pub fn handle_timeout(&mut self, now: Instant) -> Option<PapPeerEvent> {
        match self.deadline {
            Some(deadline) if deadline <= now => {}
            _ => return None,
        }
        if self.transmissions_left == 0 {
            self.deadline = None;
            return Some(PapPeerEvent::GaveUp);
        }
        self.send_request(now);
        None
    }

    /// Any Ack or Nak while unanswered is taken whatever its identifier: behind a
    /// pass-through LAC the LNS answers the identifier the LAC forwarded, which may be an
    /// earlier one of our resends (pppd does the same).
    pub fn handle_packet(
        &mut self,
        bytes: &[u8],
        _now: Instant,
    ) -> Result<Option<PapPeerEvent>, PppError> {
        let packet = ControlPacket::parse(bytes)?;
        let acked = match packet.code {
            pap_code::AUTHENTICATE_ACK => true,
            pap_code::AUTHENTICATE_NAK => false,
            _ => {
                self.ignored += 1;
                return Ok(None);
            }
        };
        if self.answered {
            self.ignored += 1;
            return Ok(None);
        }
        // A reply without its message is still an answer (some servers send none).
        let message = parse_pap_reply(packet.data).unwrap_or_default().to_vec();
        self.answered = true;
        self.deadline = None;
        Ok(Some(if acked {
            PapPeerEvent::Acked(message)
        } else {
            PapPeerEvent::Naked(message)
        }))
    }

    fn send_request(&mut self, now: Instant) {
        // RFC 1334 §2.2.1: the Identifier MUST change with each Authenticate-Request.
        self.identifier = self.identifier.wrapping_add(1);
        self.transmissions_left = self.transmissions_left.saturating_sub(1);
        self.deadline = Some(now + self.interval);
        if let Ok(bytes) = (ControlPacket {
            code: pap_code::AUTHENTICATE_REQUEST,
            identifier: self.identifier,
            data: &self.request,
        })
        .to_vec()
        {
            self.transmit.push_back(bytes);
        }
    }
}

#[cfg(test)]
#[path = "pap_tests.rs"]
mod tests;
