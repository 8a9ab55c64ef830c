//! What `protocols pppoe traceoptions` writes (`crate::trace`, the PPPoE trace): each
//! discovery frame received and sent (flag `protocol`, at verbose) and each session that
//! comes up or ends (flag `session-db`, at info). The frame is parsed again only when the
//! trace wants it: the check costs one atomic load per frame otherwise.

use crate::pppoe::wire::{Body, Frame};

/// `crate::trace::PPPOE`'s discovery frames (the `protocol` flag).
const PROTOCOL: &str = "l2tpd::pppoe::protocol";
/// `crate::trace::PPPOE`'s sessions (the `session-db` flag).
const SESSION: &str = "l2tpd::pppoe::session";

/// A discovery frame `direction` ("received", "sent") on unit `number` of `port`; session
/// frames are not traced (they are the subscribers' data).
pub(super) fn discovery_frame(direction: &str, port: &str, number: u32, bytes: &[u8]) {
    if !tracing::enabled!(target: PROTOCOL, tracing::Level::DEBUG) {
        return;
    }
    let Ok(frame) = Frame::parse(bytes) else {
        return;
    };
    let Body::Discovery {
        code, session_id, ..
    } = frame.body
    else {
        return;
    };
    let code = format!("{code:?}").to_uppercase();
    let [src, dst] = [frame.src.0, frame.dst.0].map(|mac| {
        mac.iter()
            .map(|octet| format!("{octet:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    });
    tracing::debug!(
        target: PROTOCOL,
        "{port}.{number}: {direction} {code} from {src} to {dst}, session {session_id}"
    );
}

/// A session of unit `number` of `port` came up.
pub(super) fn session_up(port: &str, number: u32, session_id: u16) {
    tracing::info!(target: SESSION, "{port}.{number}: session {session_id} up");
}

/// A session of unit `number` of `port` ended, and why.
pub(super) fn session_down(port: &str, number: u32, session_id: u16, why: &str) {
    tracing::info!(target: SESSION, "{port}.{number}: session {session_id} down: {why}");
}
