//! CHAP with MD5 (RFC 1994) in both roles. Sans-IO: fed CHAP packets (the information field
//! after protocol 0xC223) and a clock; they queue packets to send and return what happened.
//! This module reads no entropy: the challenge comes from the caller. Packets of the wrong
//! code, identifier or state are ignored and counted in `ignored`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::fsm;
use super::wire::auth::{chap_code, chap_md5_response, ChapValue};
use super::wire::control::ControlPacket;
use super::wire::PppError;

/// The peer's Response to our Challenge, as the owner (or the LNS) needs it to check it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChapResponse {
    pub identifier: u8,
    pub name: Vec<u8>,
    pub challenge: Vec<u8>,
    pub response: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapAuthenticatorEvent {
    Response(ChapResponse),
    /// No Response with our identifier came within the bound.
    TimedOut,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AuthenticatorState {
    Waiting,
    Reported,
    /// RFC 1994 §4.2: a repeated Response (our answer was lost) gets the same answer.
    Answered {
        code: u8,
        message: Vec<u8>,
    },
    Silent,
}

/// The server side: sends a Challenge on the restart timer, takes the Response that carries
/// its identifier.
pub struct ChapAuthenticator {
    identifier: u8,
    challenge: Vec<u8>,
    name: Vec<u8>,
    state: AuthenticatorState,
    interval: Duration,
    transmissions_left: u32,
    restart_deadline: Option<Instant>,
    /// The bound on the whole exchange, whatever the resends.
    deadline: Instant,
    transmit: VecDeque<Vec<u8>>,
    pub ignored: u64,
}

impl ChapAuthenticator {
    /// Sends the first Challenge at `now`. `challenge` is the caller's random value.
    pub fn new(
        config: fsm::Config,
        identifier: u8,
        challenge: &[u8],
        name: &[u8],
        timeout: Duration,
        now: Instant,
    ) -> Self {
        let mut authenticator = ChapAuthenticator {
            identifier,
            challenge: challenge.to_vec(),
            name: name.to_vec(),
            state: AuthenticatorState::Waiting,
            interval: config.restart_interval,
            transmissions_left: config.max_configure.max(1),
            restart_deadline: None,
            deadline: now + timeout,
            transmit: VecDeque::new(),
            ignored: 0,
        };
        authenticator.send_challenge(now);
        authenticator
    }

    /// The LNS after proxy LCP: the client answered the LAC's Challenge already, so none
    /// goes out now. `adopt` takes that answer (proxy authentication); without it the first
    /// Challenge of our own goes out one restart interval from `now`, and the LNS asks the
    /// client itself (RFC 2661 §4.4.5 makes proxy authentication optional).
    pub fn deferred(
        config: fsm::Config,
        identifier: u8,
        challenge: &[u8],
        name: &[u8],
        timeout: Duration,
        now: Instant,
    ) -> Self {
        ChapAuthenticator {
            identifier,
            challenge: challenge.to_vec(),
            name: name.to_vec(),
            state: AuthenticatorState::Waiting,
            interval: config.restart_interval,
            transmissions_left: config.max_configure.max(1),
            restart_deadline: Some(now + config.restart_interval),
            deadline: now + timeout,
            transmit: VecDeque::new(),
            ignored: 0,
        }
    }

    /// Proxy authentication: the LAC's Challenge (`identifier`, `challenge`) and the
    /// client's Response to it, taken as if exchanged here. The owner answers with `answer`,
    /// under that identifier, and a repeated Response gets the answer again. False, and
    /// nothing changed, unless still waiting for a Response.
    pub fn adopt(&mut self, identifier: u8, challenge: &[u8]) -> bool {
        if self.state != AuthenticatorState::Waiting {
            return false;
        }
        self.identifier = identifier;
        self.challenge = challenge.to_vec();
        self.restart_deadline = None;
        self.state = AuthenticatorState::Reported;
        true
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.state {
            AuthenticatorState::Waiting => Some(
                self.restart_deadline
                    .map_or(self.deadline, |restart| restart.min(self.deadline)),
            ),
            _ => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) -> Option<ChapAuthenticatorEvent> {
        if self.state != AuthenticatorState::Waiting {
            return None;
        }
        if self.deadline <= now {
            self.state = AuthenticatorState::Silent;
            return Some(ChapAuthenticatorEvent::TimedOut);
        }
        match self.restart_deadline {
            Some(restart) if restart <= now && self.transmissions_left > 0 => {
                self.send_challenge(now)
            }
            // Out of resends: the overall bound ends the wait.
            Some(restart) if restart <= now => self.restart_deadline = None,
            _ => {}
        }
        None
    }

    pub fn handle_packet(
        &mut self,
        bytes: &[u8],
        _now: Instant,
    ) -> Result<Option<ChapAuthenticatorEvent>, PppError> {
        let packet = ControlPacket::parse(bytes)?;
        if packet.code != chap_code::RESPONSE || packet.identifier != self.identifier {
            self.ignored += 1;
            return Ok(None);
        }
        let value = ChapValue::parse(packet.data)?;
        match &self.state {
            AuthenticatorState::Waiting => {
                self.state = AuthenticatorState::Reported;
                self.restart_deadline = None;
                Ok(Some(ChapAuthenticatorEvent::Response(ChapResponse {
                    identifier: self.identifier,
                    name: value.name,
                    challenge: self.challenge.clone(),
                    response: value.value,
                })))
            }
            AuthenticatorState::Answered { code, message } => {
                let (code, message) = (*code, message.clone());
                self.queue(code, &message);
                Ok(None)
            }
            AuthenticatorState::Reported | AuthenticatorState::Silent => {
                self.ignored += 1;
                Ok(None)
            }
        }
    }

    /// The owner's answer: Success or Failure, with a message (RFC 1994 §4.2).
    pub fn answer(&mut self, success: bool, message: &[u8]) {
        let code = if success {
            chap_code::SUCCESS
        } else {
            chap_code::FAILURE
        };
        self.queue(code, message);
        self.restart_deadline = None;
        self.state = AuthenticatorState::Answered {
            code,
            message: message.to_vec(),
        };
    }

    /// Pass-through: the LNS answers; we say nothing more and keep no timer.
    pub fn stop(&mut self) {
        self.restart_deadline = None;
        self.state = AuthenticatorState::Silent;
    }

    fn send_challenge(&mut self, now: Instant) {
        // RFC 1994 §4.1 wants a new Identifier per Challenge sent, and a new Identifier a
        // new challenge value, i.e. fresh entropy this module does not read. Like pppd we
        // resend the same packet, so a Response to any copy is valid (and behind a
        // pass-through LAC the LNS checks the one challenge it was forwarded).
        self.transmissions_left = self.transmissions_left.saturating_sub(1);
        self.restart_deadline = Some(now + self.interval);
        let value = ChapValue {
            value: self.challenge.clone(),
            name: self.name.clone(),
        };
        if let Ok(data) = value.emit() {
            self.queue(chap_code::CHALLENGE, &data);
        }
    }

    fn queue(&mut self, code: u8, data: &[u8]) {
        if let Ok(bytes) = (ControlPacket {
            code,
            identifier: self.identifier,
            data,
        })
        .to_vec()
        {
            self.transmit.push_back(bytes);
        }
    }
}

/// Checks a CHAP-MD5 response against the secret, in time independent of where it differs.
pub fn verify_md5(response: &ChapResponse, secret: &[u8]) -> bool {
    let expected = chap_md5_response(response.identifier, secret, &response.challenge);
    response.response.len() == expected.len()
        && response
            .response
            .iter()
            .zip(expected.iter())
            .fold(0u8, |difference, (a, b)| difference | (a ^ b))
            == 0
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChapPeerEvent {
    /// We answered a Challenge (the first of a new identifier).
    Responded,
    Succeeded(Vec<u8>),
    Failed(Vec<u8>),
}

/// The client side: answers every Challenge with MD5(identifier, secret, challenge). It has
/// no timer: the authenticator resends its Challenge when our Response is lost.
pub struct ChapPeer {
    name: Vec<u8>,
    secret: Vec<u8>,
    /// The identifier of the last Challenge we answered.
    answered: Option<u8>,
    finished: bool,
    transmit: VecDeque<Vec<u8>>,
    pub ignored: u64,
}

impl ChapPeer {
    pub fn new(name: &[u8], secret: &[u8]) -> Self {
        ChapPeer {
            name: name.to_vec(),
            secret: secret.to_vec(),
            answered: None,
            finished: false,
            transmit: VecDeque::new(),
            ignored: 0,
        }
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        crate::queue::pop_front_releasing(&mut self.transmit)
    }

    pub fn handle_packet(
        &mut self,
        bytes: &[u8],
        _now: Instant,
    ) -> Result<Option<ChapPeerEvent>, PppError> {
        let packet = ControlPacket::parse(bytes)?;
        match packet.code {
            chap_code::CHALLENGE => {
                let challenge = ChapValue::parse(packet.data)?;
                let response = ChapValue {
                    value: chap_md5_response(packet.identifier, &self.secret, &challenge.value)
                        .to_vec(),
                    name: self.name.clone(),
                };
                let Ok(data) = response.emit() else {
                    return Err(PppError::TooLong);
                };
                if let Ok(bytes) = (ControlPacket {
                    code: chap_code::RESPONSE,
                    identifier: packet.identifier,
                    data: &data,
                })
                .to_vec()
                {
                    self.transmit.push_back(bytes);
                }
                let new = self.answered != Some(packet.identifier);
                self.answered = Some(packet.identifier);
                // RFC 1994 §2: the authenticator may challenge again at any time.
                self.finished = false;
                Ok(new.then_some(ChapPeerEvent::Responded))
            }
            chap_code::SUCCESS | chap_code::FAILURE
                if self.answered == Some(packet.identifier) && !self.finished =>
            {
                self.finished = true;
                let message = packet.data.to_vec();
                Ok(Some(if packet.code == chap_code::SUCCESS {
                    ChapPeerEvent::Succeeded(message)
                } else {
                    ChapPeerEvent::Failed(message)
                }))
            }
            _ => {
                self.ignored += 1;
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
#[path = "chap_tests.rs"]
mod tests;
