//! `show services l2tp disconnect-cause-summary`: every tunnel and session end, counted by
//! who ended it and why.
//!
//! Ends are counted where the registry reports them: [`EventQueue`] is the registry's event
//! queue, and every `TunnelDown` / `SessionDown` pushed onto it is counted on the way, so no
//! path that ends a tunnel or a session can forget to count it. Calls the LNS refuses never
//! become sessions and are counted by the registry directly.
//!
//! The description is the RFC 2661 name of the Result Code (StopCCN §4.4.2, CDN §4.4.2),
//! refined by the General Error Code for result 2. Ends this router caused add the advisory
//! message it sent (`cleared by operator`, `idle timeout`, `tunnel-group removed`): all
//! result 1, and an operator needs to tell them apart. A peer's advisory text is left out:
//! it is free text, and counting by it would let a peer grow the table without bound.

use std::collections::BTreeMap;

use schema::l2tp_rpc::{DisconnectCause, DisconnectSource, L2tpDisconnectCauses};

use super::chunked_queue::ChunkedQueue;
use super::event::{RegistryEvent, SessionEnd};
use crate::l2tp::control::CloseReason;
use crate::l2tp::session::CdnResult;
use crate::l2tp::wire::{cdn_result, general_error, stopccn_result};

/// Distinct causes kept per table; further ones are counted together (a misbehaving peer
/// varying its errors must not grow the daemon's memory).
const MAX_CAUSES: usize = 256;
const OTHER_CAUSES: &str = "other causes";
/// Advisory messages we sent are short; this bounds one a bug made long.
const MAX_MESSAGE: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Cause {
    source: DisconnectSource,
    result_code: Option<u16>,
    error_code: Option<u16>,
    description: String,
}

#[derive(Debug, Default)]
struct Table(BTreeMap<Cause, u64>);

impl Table {
    fn count(&mut self, cause: Cause) {
        let cause = if self.0.len() >= MAX_CAUSES && !self.0.contains_key(&cause) {
            Cause {
                source: cause.source,
                result_code: None,
                error_code: None,
                description: OTHER_CAUSES.into(),
            }
        } else {
            cause
        };
        let count = self.0.entry(cause).or_default();
        *count = count.saturating_add(1);
    }

    /// Most frequent first, then by description.
    fn report(&self) -> Vec<DisconnectCause> {
        let mut rows: Vec<DisconnectCause> = self
            .0
            .iter()
            .map(|(cause, count)| DisconnectCause {
                source: cause.source,
                result_code: cause.result_code,
                error_code: cause.error_code,
                description: cause.description.clone(),
                count: *count,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.description.cmp(&b.description))
                .then_with(|| a.source.cmp(&b.source))
        });
        rows
    }
}

/// The tunnel and session end counts.
#[derive(Debug, Default)]
pub(super) struct DisconnectCauses {
    tunnels: Table,
    sessions: Table,
}

impl DisconnectCauses {
    fn tunnel_closed(&mut self, reason: &CloseReason) {
        let cause = match reason {
            CloseReason::PeerStopCcn(code) => Cause {
                source: DisconnectSource::Remote,
                result_code: Some(code.result),
                error_code: code.error,
                description: stopccn_text(code.result, code.error),
            },
            CloseReason::Local(code) | CloseReason::Protocol { result: code } => Cause {
                source: DisconnectSource::Local,
                result_code: Some(code.result),
                error_code: code.error,
                description: with_message(stopccn_text(code.result, code.error), &code.message),
            },
            CloseReason::RetransmissionsExhausted => Cause {
                source: DisconnectSource::Local,
                result_code: None,
                error_code: None,
                description: "retransmissions exhausted".into(),
            },
            CloseReason::Authentication(why) => Cause {
                source: DisconnectSource::Local,
                result_code: Some(stopccn_result::NOT_AUTHORIZED),
                error_code: None,
                description: format!("tunnel authentication failed: {why}"),
            },
            CloseReason::UnsupportedVersion { .. } => Cause {
                source: DisconnectSource::Local,
                result_code: Some(stopccn_result::UNSUPPORTED_PROTOCOL_VERSION),
                error_code: None,
                description: stopccn_text(stopccn_result::UNSUPPORTED_PROTOCOL_VERSION, None),
            },
        };
        self.tunnels.count(cause);
    }

    fn session_ended(&mut self, end: &SessionEnd) {
        let cause = match end {
            SessionEnd::Disconnected {
                result, by_peer, ..
            } => {
                let description = cdn_text(result.result, result.error);
                Cause {
                    source: if *by_peer {
                        DisconnectSource::Remote
                    } else {
                        DisconnectSource::Local
                    },
                    result_code: Some(result.result),
                    error_code: result.error,
                    description: if *by_peer {
                        description
                    } else {
                        with_message(description, &result.message)
                    },
                }
            }
            SessionEnd::TunnelClosed(reason) => Cause {
                source: match reason {
                    CloseReason::PeerStopCcn(_) => DisconnectSource::Remote,
                    _ => DisconnectSource::Local,
                },
                result_code: None,
                error_code: None,
                description: "tunnel closed".into(),
            },
            SessionEnd::NoTunnel => Cause {
                source: DisconnectSource::Local,
                result_code: None,
                error_code: None,
                description: "no tunnel available".into(),
            },
        };
        self.sessions.count(cause);
    }

    /// The LNS refused an ICRQ with this CDN (drain, session limit, malformed call).
    pub fn call_refused(&mut self, result: &CdnResult) {
        self.sessions.count(Cause {
            source: DisconnectSource::Local,
            result_code: Some(result.result),
            error_code: result.error,
            description: cdn_text(result.result, result.error),
        });
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub fn report(&self) -> L2tpDisconnectCauses {
        L2tpDisconnectCauses {
            tunnels: self.tunnels.report(),
            sessions: self.sessions.report(),
        }
    }
}

/// The registry's outgoing events; counts every end it carries.
#[derive(Debug, Default)]
pub(super) struct EventQueue {
    /// In chunks, not a `VecDeque`: a mass clear queues an event per session (`chunked_queue`).
    queue: ChunkedQueue<RegistryEvent>,
    pub causes: DisconnectCauses,
}

impl EventQueue {
    pub fn push_back(&mut self, event: RegistryEvent) {
        match &event {
            RegistryEvent::TunnelDown { reason, .. } => self.causes.tunnel_closed(reason),
            RegistryEvent::SessionDown { end, .. } => self.causes.session_ended(end),
            _ => {}
        }
        self.queue.push_back(event);
    }

    pub fn pop_front(&mut self) -> Option<RegistryEvent> {
        self.queue.pop_front()
    }
}

fn with_message(description: String, message: &[u8]) -> String {
    let text = String::from_utf8_lossy(message);
    let text = text.trim();
    if text.is_empty() {
        return description;
    }
    let short: String = text.chars().take(MAX_MESSAGE).collect();
    format!("{description} ({short})")
}

/// RFC 2661 §4.4.2, StopCCN Result Code values.
fn stopccn_text(result: u16, error: Option<u16>) -> String {
    let text = match result {
        stopccn_result::GENERAL_REQUEST => "general request to clear control connection",
        stopccn_result::GENERAL_ERROR => return general_error_text(error),
        stopccn_result::ALREADY_EXISTS => "control channel already exists",
        stopccn_result::NOT_AUTHORIZED => "requester is not authorized",
        stopccn_result::UNSUPPORTED_PROTOCOL_VERSION => "protocol version not supported",
        stopccn_result::SHUTTING_DOWN => "requester is being shut down",
        stopccn_result::FSM_ERROR => "finite state machine error",
        other => return format!("result code {other}"),
    };
    text.into()
}

/// RFC 2661 §4.4.2, CDN Result Code values.
fn cdn_text(result: u16, error: Option<u16>) -> String {
    let text = match result {
        cdn_result::LOST_CARRIER => "lost carrier",
        cdn_result::GENERAL_ERROR => return general_error_text(error),
        cdn_result::ADMINISTRATIVE => "administrative reasons",
        cdn_result::NO_FACILITIES_TEMPORARY => "lack of appropriate facilities (temporary)",
        cdn_result::NO_FACILITIES_PERMANENT => "lack of appropriate facilities (permanent)",
        cdn_result::INVALID_DESTINATION => "invalid destination",
        cdn_result::NO_CARRIER => "no carrier detected",
        cdn_result::BUSY => "busy signal",
        cdn_result::NO_DIAL_TONE => "no dial tone",
        cdn_result::NOT_ESTABLISHED_IN_TIME => "call not established in time",
        cdn_result::NO_FRAMING => "no appropriate framing",
        other => return format!("result code {other}"),
    };
    text.into()
}

/// Result 2 ("general error") is only as informative as its General Error Code.
fn general_error_text(error: Option<u16>) -> String {
    let detail = match error {
        None | Some(general_error::NONE) => return "general error".into(),
        Some(general_error::NO_CONTROL_CONNECTION) => "no control connection exists yet",
        Some(general_error::BAD_LENGTH) => "length is wrong",
        Some(general_error::OUT_OF_RANGE) => "field value out of range",
        Some(general_error::INSUFFICIENT_RESOURCES) => "insufficient resources",
        Some(general_error::INVALID_SESSION_ID) => "invalid session id",
        Some(general_error::VENDOR_SPECIFIC) => "vendor-specific error",
        Some(general_error::TRY_ANOTHER) => "try another",
        Some(general_error::UNKNOWN_MANDATORY_AVP) => "unknown mandatory avp",
        Some(other) => return format!("general error {other}"),
    };
    format!("general error: {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::ResultCode;

    fn local_stop(message: &str) -> CloseReason {
        CloseReason::Local(ResultCode {
            result: stopccn_result::GENERAL_REQUEST,
            error: None,
            message: message.as_bytes().to_vec(),
        })
    }

    #[test]
    fn ends_are_counted_by_source_code_and_description_most_frequent_first() {
        let mut causes = DisconnectCauses::default();
        causes.tunnel_closed(&local_stop("idle timeout"));
        causes.tunnel_closed(&CloseReason::RetransmissionsExhausted);
        causes.tunnel_closed(&CloseReason::RetransmissionsExhausted);
        causes.tunnel_closed(&CloseReason::PeerStopCcn(ResultCode {
            result: 1,
            error: None,
            message: b"whatever the peer says".to_vec(),
        }));
        let report = causes.report();
        let rows: Vec<_> = report
            .tunnels
            .iter()
            .map(|c| (c.source, c.result_code, c.description.as_str(), c.count))
            .collect();
        assert_eq!(
            rows,
            [
                (
                    DisconnectSource::Local,
                    None,
                    "retransmissions exhausted",
                    2
                ),
                (
                    DisconnectSource::Remote,
                    Some(1),
                    "general request to clear control connection",
                    1
                ),
                (
                    DisconnectSource::Local,
                    Some(1),
                    "general request to clear control connection (idle timeout)",
                    1
                ),
            ]
        );
        assert!(report.sessions.is_empty());
    }

    #[test]
    fn session_ends_name_the_cdn_result_and_general_error() {
        let mut causes = DisconnectCauses::default();
        causes.session_ended(&SessionEnd::Disconnected {
            result: CdnResult::administrative("cleared by operator"),
            cause: None,
            by_peer: false,
        });
        causes.session_ended(&SessionEnd::Disconnected {
            result: CdnResult::administrative("cleared by operator"),
            cause: None,
            by_peer: true,
        });
        causes.call_refused(&CdnResult::general_error(
            general_error::TRY_ANOTHER,
            "drain",
        ));
        causes.session_ended(&SessionEnd::TunnelClosed(
            CloseReason::RetransmissionsExhausted,
        ));
        let sessions = causes.report().sessions;
        let find = |source, description: &str| {
            sessions
                .iter()
                .find(|c| c.source == source && c.description == description)
                .map(|c| (c.result_code, c.error_code, c.count))
        };
        assert_eq!(
            find(
                DisconnectSource::Local,
                "administrative reasons (cleared by operator)"
            ),
            Some((Some(3), Some(0), 1))
        );
        assert_eq!(
            find(DisconnectSource::Remote, "administrative reasons"),
            Some((Some(3), Some(0), 1))
        );
        assert_eq!(
            find(DisconnectSource::Local, "general error: try another"),
            Some((Some(2), Some(7), 1))
        );
        assert_eq!(
            find(DisconnectSource::Local, "tunnel closed"),
            Some((None, None, 1))
        );
        causes.clear();
        assert_eq!(causes.report(), L2tpDisconnectCauses::default());
    }

    #[test]
    fn the_table_is_bounded() {
        let mut causes = DisconnectCauses::default();
        for result in 0..(MAX_CAUSES as u16 + 50) {
            causes.tunnel_closed(&CloseReason::PeerStopCcn(ResultCode {
                result: 100 + result,
                error: None,
                message: Vec::new(),
            }));
        }
        let tunnels = causes.report().tunnels;
        assert_eq!(tunnels.len(), MAX_CAUSES + 1);
        let other = tunnels
            .iter()
            .find(|c| c.description == OTHER_CAUSES)
            .expect("the overflow row");
        assert_eq!(other.count, 50);
        assert_eq!(
            stopccn_text(stopccn_result::SHUTTING_DOWN, None),
            "requester is being shut down"
        );
    }
}
