//! The subagent's session with its master, sans-IO: the runtime feeds it each PDU read
//! from the socket and writes back what it returns. It never panics on what the master
//! sends; a PDU it cannot read is answered with parseError when it can be addressed, and
//! counted. When the session cannot go on (Open or Register refused, Close received,
//! pings unanswered) it says so with [`Reset`], and the runtime reconnects.

use agentx::encodings::ID;
use agentx::pdu::{Header, Open, Register, Type};

use super::request::{self, Kind, Malformed, Range, Request};
use super::wire::{self, Binding};
use crate::snmp::agent::MAX_REPETITIONS;
use crate::snmp::if_mib;
use crate::snmp::view::{Lookup, View, Walk};

/// How long the master may wait for our answers before it regards us as gone (seconds).
const TIMEOUT_SECONDS: u64 = 5;
/// Unanswered Pings after which the master is taken to be gone.
const MAX_UNANSWERED_PINGS: u32 = 3;
/// Bindings a GetBulk answer carries at most, whatever it asks for.
const MAX_BULK_BINDINGS: usize = 2_000;

/// Why the session must be given up and opened anew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reset(pub String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Open sent, waiting for its Response.
    Opening {
        packet_id: u32,
    },
    Registering {
        session_id: u32,
        packet_id: u32,
    },
    Registered {
        session_id: u32,
    },
}

/// What happened on the session, for logs and `show` counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounters {
    pub requests: u64,
    pub parse_errors: u64,
    /// Set PDUs: the MIB is read-only.
    pub set_requests: u64,
    pub unsupported_pdus: u64,
}

impl SessionCounters {
    /// Field by field, so a subagent can total its sessions across reconnections.
    pub fn plus(&self, other: &SessionCounters) -> SessionCounters {
        SessionCounters {
            requests: self.requests.saturating_add(other.requests),
            parse_errors: self.parse_errors.saturating_add(other.parse_errors),
            set_requests: self.set_requests.saturating_add(other.set_requests),
            unsupported_pdus: self.unsupported_pdus.saturating_add(other.unsupported_pdus),
        }
    }
}

#[derive(Debug)]
pub struct Session {
    state: State,
    next_packet_id: u32,
    unanswered_pings: u32,
    counters: SessionCounters,
    /// The names of the last row the previous Get/GetNext/GetBulk answered (one per range
    /// it had): a request whose ranges start at exactly those continues a walk (net-snmp
    /// asks one GetNext per repetition of its client's GetBulk, one range per column).
    walk_position: Vec<Vec<u32>>,
    /// IF-MIB's subtrees still to register once JNX-L2TP-MIB is, and the packet ID of the
    /// Register in flight. A master may refuse them (its own IF-MIB holds them): logged,
    /// and the session goes on serving JNX-L2TP-MIB.
    if_mib_pending: Vec<&'static [u32]>,
    if_mib_in_flight: Option<(u32, &'static [u32])>,
}

impl Session {
    /// A new session, and the Open PDU to send first.
    pub fn open() -> (Session, Vec<u8>) {
        let mut session = Session {
            state: State::Opening { packet_id: 0 },
            next_packet_id: 1,
            unanswered_pings: 0,
            counters: SessionCounters::default(),
            walk_position: Vec::new(),
            if_mib_pending: if_mib::AGENTX_SUBTREES.iter().rev().copied().collect(),
            if_mib_in_flight: None,
        };
        let packet_id = session.packet_id();
        session.state = State::Opening { packet_id };
        let mut open = Open::new(oid_id(mibs::JNX_L2TP_MIB_ROOT), "l2tpd JNX-L2TP-MIB");
        open.header = wire::header(Type::Open, 0, 0, packet_id);
        open.timeout = std::time::Duration::from_secs(TIMEOUT_SECONDS);
        let bytes = open.to_bytes().unwrap_or_default();
        (session, bytes)
    }

    pub fn registered(&self) -> bool {
        matches!(self.state, State::Registered { .. })
    }

    pub fn counters(&self) -> SessionCounters {
        self.counters
    }

    fn packet_id(&mut self) -> u32 {
        let id = self.next_packet_id;
        self.next_packet_id = self.next_packet_id.wrapping_add(1);
        id
    }

    /// A Close PDU with reason shutdown (RFC 2741 6.2.2).
    pub fn close_pdu(&mut self) -> Vec<u8> {
        let session_id = match self.state {
            State::Registered { session_id } | State::Registering { session_id, .. } => session_id,
            State::Opening { .. } => 0,
        };
        let packet_id = self.packet_id();
        const SHUTDOWN: u8 = 5;
        wire::pdu(
            wire::header(Type::Close, session_id, 0, packet_id),
            &[SHUTDOWN, 0, 0, 0],
        )
    }

    /// A Ping to send now (once registered), or `Reset` when the master stopped answering.
    pub fn ping(&mut self) -> Result<Option<Vec<u8>>, Reset> {
        let State::Registered { session_id } = self.state else {
            return Ok(None);
        };
        if self.unanswered_pings >= MAX_UNANSWERED_PINGS {
            return Err(Reset(format!(
                "the master answered none of {MAX_UNANSWERED_PINGS} pings"
            )));
        }
        self.unanswered_pings += 1;
        let packet_id = self.packet_id();
        Ok(Some(wire::pdu(
            wire::header(Type::Ping, session_id, 0, packet_id),
            &[],
        )))
    }

    /// Whether `request` goes on from where the previous answer ended (the next step of a
    /// walk), so the runtime may answer it from the same view.
    pub fn continues_walk(&self, request: &Request) -> bool {
        !request.ranges.is_empty()
            && request.ranges.len() == self.walk_position.len()
            && request
                .ranges
                .iter()
                .zip(&self.walk_position)
                .all(|(range, position)| !range.include && range.start == *position)
    }

    /// Handles one whole PDU; returns the PDU to send back, if any.
    pub fn handle(
        &mut self,
        pdu: &[u8],
        view: &View,
        sys_up_time: u32,
    ) -> Result<Option<Vec<u8>>, Reset> {
        self.handle_read(pdu, request::parse(pdu), view, sys_up_time)
    }

    /// [`Session::handle`] with the request already read (`request::parse(pdu)`).
    pub fn handle_read(
        &mut self,
        pdu: &[u8],
        request: Option<Result<Request, Malformed>>,
        view: &View,
        sys_up_time: u32,
    ) -> Result<Option<Vec<u8>>, Reset> {
        let header = match Header::from_bytes(pdu) {
            Ok(header) => header,
            Err(_) => {
                self.counters.parse_errors += 1;
                return Ok(None);
            }
        };
        match header.ty {
            Type::Response => self.master_response(&header, pdu),
            Type::Close => Err(Reset("the master closed the session".into())),
            Type::Get | Type::GetNext | Type::GetBulk => {
                self.counters.requests += 1;
                let request = request.unwrap_or(Err(Malformed));
                let width = request.as_ref().map_or(0, |r| r.ranges.len());
                let answer = request.map(|r| answer(view, &r));
                Ok(Some(match answer {
                    Ok(bindings) => {
                        let row = bindings.len().saturating_sub(width);
                        self.walk_position = bindings
                            .iter()
                            .skip(row)
                            .map(|(name, _)| name.clone())
                            .collect();
                        wire::response(&header, sys_up_time, wire::NO_ERROR, 0, &bindings)
                    }
                    Err(Malformed) => {
                        self.walk_position.clear();
                        self.counters.parse_errors += 1;
                        wire::response(&header, sys_up_time, wire::PARSE_ERROR, 0, &[])
                    }
                }))
            }
            Type::TestSet => {
                self.counters.set_requests += 1;
                Ok(Some(wire::response(
                    &header,
                    sys_up_time,
                    wire::NOT_WRITABLE,
                    1,
                    &[],
                )))
            }
            // A TestSet was refused, so no Commit or Undo should follow; answer one anyway
            // so the master does not wait. Cleanup has no answer.
            Type::CommitSet | Type::UndoSet => Ok(Some(wire::response(
                &header,
                sys_up_time,
                wire::GEN_ERR,
                0,
                &[],
            ))),
            Type::CleanupSet => Ok(None),
            _ => {
                self.counters.unsupported_pdus += 1;
                Ok(Some(wire::response(
                    &header,
                    sys_up_time,
                    wire::PROCESSING_ERROR,
                    0,
                    &[],
                )))
            }
        }
    }

    fn master_response(&mut self, header: &Header, pdu: &[u8]) -> Result<Option<Vec<u8>>, Reset> {
        let error = wire::response_error(pdu)
            .ok_or_else(|| Reset("a Response from the master too short to read".into()))?;
        match self.state {
            State::Opening { packet_id } if header.packet_id == packet_id => {
                if error != wire::NO_ERROR {
                    return Err(Reset(format!("the master refused Open (error {error})")));
                }
                let session_id = header.session_id;
                let packet_id = self.packet_id();
                self.state = State::Registering {
                    session_id,
                    packet_id,
                };
                register_pdu(mibs::JNX_L2TP_MIB_ROOT, session_id, packet_id).map(Some)
            }
            State::Registering {
                session_id,
                packet_id,
            } if header.packet_id == packet_id => {
                if error != wire::NO_ERROR {
                    return Err(Reset(format!(
                        "the master refused to register JNX-L2TP-MIB (error {error})"
                    )));
                }
                self.state = State::Registered { session_id };
                self.register_if_mib(session_id)
            }
            State::Registered { session_id }
                if self
                    .if_mib_in_flight
                    .is_some_and(|(id, _)| id == header.packet_id) =>
            {
                if let Some((_, subtree)) = self.if_mib_in_flight.take() {
                    if error != wire::NO_ERROR {
                        let oid: Vec<String> = subtree.iter().map(u32::to_string).collect();
                        tracing::warn!(
                            "agentx: the master refused to register IF-MIB's {} (error {error}): it serves its own",
                            oid.join(".")
                        );
                    }
                }
                self.register_if_mib(session_id)
            }
            // A Ping's answer (or a late one of anything): the master is alive.
            _ => {
                self.unanswered_pings = 0;
                Ok(None)
            }
        }
    }

    /// The Register of IF-MIB's next subtree, if any is left.
    fn register_if_mib(&mut self, session_id: u32) -> Result<Option<Vec<u8>>, Reset> {
        let Some(subtree) = self.if_mib_pending.pop() else {
            return Ok(None);
        };
        let packet_id = self.packet_id();
        self.if_mib_in_flight = Some((packet_id, subtree));
        register_pdu(subtree, session_id, packet_id).map(Some)
    }
}

fn register_pdu(subtree: &[u32], session_id: u32, packet_id: u32) -> Result<Vec<u8>, Reset> {
    let mut register = Register::new(oid_id(subtree));
    register.header = wire::header(Type::Register, session_id, 0, packet_id);
    // RFC 2741 6.2.3: 127 is the default priority (the crate leaves 0).
    register.priority = 127;
    register
        .to_bytes()
        .map_err(|e| Reset(format!("cannot encode Register: {e}")))
}

fn oid_id(oid: &[u32]) -> ID {
    ID::try_from(oid.to_vec()).unwrap_or_default()
}

fn answer(view: &View, request: &Request) -> Vec<(Vec<u32>, Binding)> {
    match request.kind {
        Kind::Get => get(view, &request.ranges),
        Kind::GetNext => request
            .ranges
            .iter()
            .map(|r| RangeWalk::new(view, r).step())
            .collect(),
        Kind::GetBulk {
            non_repeaters,
            max_repetitions,
        } => get_bulk(view, non_repeaters, max_repetitions, &request.ranges),
    }
}

fn get(view: &View, ranges: &[Range]) -> Vec<(Vec<u32>, Binding)> {
    ranges
        .iter()
        .map(|range| {
            let binding = match view.get(&range.start) {
                Lookup::Value(value) => Binding::Value(value),
                Lookup::NoSuchObject => Binding::NoSuchObject,
                Lookup::NoSuchInstance => Binding::NoSuchInstance,
            };
            (range.start.clone(), binding)
        })
        .collect()
}

/// One SearchRange walked in order (RFC 2741 7.2.3.2): the first instance in
/// [start, end) (start itself only when `include` is set), then each following one, then
/// endOfMibView named by start, for ever. The view is searched once, at the start.
struct RangeWalk<'a> {
    /// Start itself, when it is included and exists: given before the walk.
    first: Option<(Vec<u32>, crate::snmp::value::Value)>,
    walk: Walk<'a>,
    start: &'a [u32],
    end: &'a [u32],
    ended: bool,
}

impl<'a> RangeWalk<'a> {
    fn new(view: &'a View, range: &'a Range) -> Self {
        let first = match (range.include, view.get(&range.start)) {
            (true, Lookup::Value(value)) => Some((range.start.clone(), value)),
            _ => None,
        };
        RangeWalk {
            first,
            walk: view.walk_after(&range.start),
            start: &range.start,
            end: &range.end,
            ended: false,
        }
    }

    fn step(&mut self) -> (Vec<u32>, Binding) {
        let found = if self.ended {
            None
        } else {
            self.first.take().or_else(|| self.walk.next())
        };
        match found {
            Some((name, value)) if self.end.is_empty() || name.as_slice() < self.end => {
                (name, Binding::Value(value))
            }
            _ => {
                self.ended = true;
                (self.start.to_vec(), Binding::EndOfMibView)
            }
        }
    }
}

/// RFC 2741 7.2.3.3, with max-repetitions capped as the embedded agent caps it: each
/// repeater is one walk along the view, row by row, so a repetition costs a step, not a
/// search.
fn get_bulk(
    view: &View,
    non_repeaters: u16,
    max_repetitions: u16,
    ranges: &[Range],
) -> Vec<(Vec<u32>, Binding)> {
    let split = usize::from(non_repeaters).min(ranges.len());
    let (singles, repeaters) = ranges.split_at(split);
    let mut out: Vec<(Vec<u32>, Binding)> = singles
        .iter()
        .map(|r| RangeWalk::new(view, r).step())
        .collect();
    let mut walks: Vec<RangeWalk> = repeaters.iter().map(|r| RangeWalk::new(view, r)).collect();
    let repetitions = u32::from(max_repetitions).min(MAX_REPETITIONS);
    let width = walks.len();
    for repetition in 0..repetitions {
        if walks.is_empty() || out.len() >= MAX_BULK_BINDINGS {
            break;
        }
        for walk in &mut walks {
            let (mut name, binding) = walk.step();
            // Each repetition searches from the previous one's name (RFC 2741 7.2.3.3), so
            // endOfMibView is named by the repeater's last instance.
            if binding == Binding::EndOfMibView && repetition > 0 {
                if let Some((previous, _)) = out.len().checked_sub(width).and_then(|i| out.get(i)) {
                    name = previous.clone();
                }
            }
            out.push((name, binding));
        }
        // Once every repeater is past the end, further rows would only repeat that.
        if walks.iter().all(|w| w.ended) {
            break;
        }
    }
    out
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
