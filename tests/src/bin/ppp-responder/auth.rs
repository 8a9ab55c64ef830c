//! Authenticating ourselves to the server in the protocol its LCP asked for: PAP (RFC 1334
//! §2) or CHAP with MD5 (RFC 1994). The daemon's own client automata do the protocol work
//! (`PapPeer` resends its request on the restart timer, `ChapPeer` answers each Challenge
//! with MD5(Identifier || secret || Challenge)); this module turns them into the responder's
//! frames and log lines.

use std::time::Instant;

use l2tpd::ppp::chap::{ChapPeer, ChapPeerEvent};
use l2tpd::ppp::fsm;
use l2tpd::ppp::pap::{PapPeer, PapPeerEvent};
use l2tpd::ppp::wire::options::AuthProtocol;
use l2tpd::ppp::wire::Protocol;

use crate::credentials::Credentials;
use crate::lcp;
use crate::responder::Action;

/// What one packet did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pending,
    Succeeded,
    /// The server refused us; it terminates the link next (RFC 1994 §4.2, RFC 1334 §2.2.2).
    Failed,
}

enum Peer {
    Pap(PapPeer),
    Chap(ChapPeer),
}

/// Our side of authentication, from LCP Opened until the server's verdict (and after, for
/// CHAP: the server may challenge again at any time, RFC 1994 §2).
pub struct Authentication {
    peer: Peer,
    user: String,
}

impl Authentication {
    /// Starts `protocol`: PAP sends its Authenticate-Request at once, CHAP waits for the
    /// Challenge. `None` for a protocol our LCP never agrees to, or a user or secret too long
    /// for PAP's one-octet length fields.
    pub fn start(
        protocol: &AuthProtocol,
        credentials: &Credentials,
        now: Instant,
        actions: &mut Vec<Action>,
    ) -> Option<Self> {
        let user = credentials.user_text();
        let peer = match protocol {
            AuthProtocol::Pap => {
                // The restart timer and Max-Configure of RFC 1661 §4.6, as for LCP.
                let mut pap = PapPeer::new(
                    fsm::Config::default(),
                    &credentials.user,
                    &credentials.secret,
                )
                .ok()?;
                pap.start(now);
                Peer::Pap(pap)
            }
            AuthProtocol::ChapMd5 => {
                Peer::Chap(ChapPeer::new(&credentials.user, &credentials.secret))
            }
            AuthProtocol::Other { .. } => return None,
        };
        let mut auth = Authentication { peer, user };
        if auth.drain(actions) > 0 {
            actions.push(Action::Log(format!(
                "PAP authenticate-request sent (user {})",
                auth.user
            )));
        }
        Some(auth)
    }

    /// The PPP protocol whose frames go to [`Authentication::handle_packet`].
    pub fn protocol(&self) -> Protocol {
        match self.peer {
            Peer::Pap(_) => Protocol::Pap,
            Peer::Chap(_) => Protocol::Chap,
        }
    }

    fn name(&self) -> &'static str {
        match self.peer {
            Peer::Pap(_) => "PAP",
            Peer::Chap(_) => "CHAP",
        }
    }

    /// One packet of our protocol (the information field of its frame).
    pub fn handle_packet(
        &mut self,
        information: &[u8],
        now: Instant,
        actions: &mut Vec<Action>,
    ) -> Outcome {
        let name = self.name();
        let (result, message) = match &mut self.peer {
            Peer::Pap(pap) => match pap.handle_packet(information, now) {
                Ok(Some(PapPeerEvent::Acked(message))) => (Outcome::Succeeded, message),
                Ok(Some(PapPeerEvent::Naked(message))) => (Outcome::Failed, message),
                Ok(Some(PapPeerEvent::GaveUp) | None) => {
                    actions.push(Action::Log(format!(
                        "{name} packet not for an outstanding request discarded"
                    )));
                    return Outcome::Pending;
                }
                Err(e) => {
                    actions.push(Action::Log(format!(
                        "malformed {name} packet discarded: {e}"
                    )));
                    return Outcome::Pending;
                }
            },
            Peer::Chap(chap) => match chap.handle_packet(information, now) {
                Ok(Some(ChapPeerEvent::Responded)) => {
                    self.drain(actions);
                    actions.push(Action::Log(format!(
                        "CHAP challenge received, response sent (user {})",
                        self.user
                    )));
                    return Outcome::Pending;
                }
                Ok(Some(ChapPeerEvent::Succeeded(message))) => (Outcome::Succeeded, message),
                Ok(Some(ChapPeerEvent::Failed(message))) => (Outcome::Failed, message),
                Ok(None) => {
                    // A repeated Challenge is answered again (our Response was lost).
                    let resent = self.drain(actions);
                    actions.push(Action::Log(if resent > 0 {
                        "CHAP challenge repeated, response sent again".to_string()
                    } else {
                        "CHAP packet not for our response discarded".to_string()
                    }));
                    return Outcome::Pending;
                }
                Err(e) => {
                    actions.push(Action::Log(format!(
                        "malformed {name} packet discarded: {e}"
                    )));
                    return Outcome::Pending;
                }
            },
        };
        let message = String::from_utf8_lossy(&message).into_owned();
        actions.push(Action::Log(match result {
            Outcome::Succeeded => format!("authentication succeeded ({name}, message {message:?})"),
            _ => format!("authentication failed ({name}, message {message:?})"),
        }));
        result
    }

    /// When [`Authentication::handle_timeout`] is next due (PAP's restart timer).
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.peer {
            Peer::Pap(pap) => pap.poll_timeout(),
            Peer::Chap(_) => None,
        }
    }

    pub fn handle_timeout(&mut self, now: Instant, actions: &mut Vec<Action>) {
        let Peer::Pap(pap) = &mut self.peer else {
            return;
        };
        if pap.handle_timeout(now) == Some(PapPeerEvent::GaveUp) {
            actions.push(Action::Log(
                "PAP authenticate-request unanswered; no longer sending, still waiting".into(),
            ));
        }
        if self.drain(actions) > 0 {
            actions.push(Action::Log("PAP authenticate-request sent again".into()));
        }
    }

    /// Queues what the automaton has to send; how many packets.
    fn drain(&mut self, actions: &mut Vec<Action>) -> usize {
        let protocol = self.protocol().number();
        let mut sent = 0;
        loop {
            let packet = match &mut self.peer {
                Peer::Pap(pap) => pap.poll_transmit(),
                Peer::Chap(chap) => chap.poll_transmit(),
            };
            let Some(packet) = packet else {
                return sent;
            };
            actions.push(Action::Transmit(lcp::build_frame(protocol, &packet)));
            sent += 1;
        }
    }
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
