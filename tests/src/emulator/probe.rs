//! The emulator's test frame: an LCP Echo-Request any PPP peer must answer (RFC 1661 §5.8),
//! marked so its Echo-Reply is told apart from the keepalives `ClientLink` runs itself.

use l2tpd::ppp::link::frame;
use l2tpd::ppp::wire::control::{code, magic_data, parse_magic_data, ControlPacket};
use l2tpd::ppp::wire::{split_frame, Protocol};

const MARKER: &[u8] = b"l2tp-emulator-probe";

/// The whole PPP frame of probe `identifier`. The Magic-Number field is zero: the emulator
/// does not know the one `ClientLink` negotiated, and zero is never a peer's own number, so
/// it cannot be mistaken for a looped-back link.
pub fn echo_request(identifier: u8) -> Vec<u8> {
    let data = magic_data(0, MARKER);
    let packet = ControlPacket {
        code: code::ECHO_REQUEST,
        identifier,
        data: &data,
    };
    // Twenty-odd bytes always fit the 16-bit length.
    frame(Protocol::Lcp, &packet.to_vec().unwrap_or_default())
}

/// Whether `ppp` is the Echo-Reply to one of our probes.
pub fn is_echo_reply(ppp: &[u8]) -> bool {
    let Ok((Protocol::Lcp, body)) = split_frame(ppp) else {
        return false;
    };
    let Ok(packet) = ControlPacket::parse(body) else {
        return false;
    };
    packet.code == code::ECHO_REPLY
        && parse_magic_data(packet.data).is_ok_and(|(_, rest)| rest == MARKER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_to_the_probe_is_recognised_and_the_request_itself_is_not() {
        let request = echo_request(7);
        assert_eq!(&request[..6], &[0xc0, 0x21, code::ECHO_REQUEST, 7, 0, 27]);
        assert!(!is_echo_reply(&request));
        let mut reply = request.clone();
        reply[2] = code::ECHO_REPLY;
        reply[6..10].copy_from_slice(&0x1234_5678u32.to_be_bytes());
        assert!(is_echo_reply(&reply));
        // A keepalive reply (no marker) is ClientLink's, not ours.
        let keepalive = [0xc0, 0x21, code::ECHO_REPLY, 1, 0, 8, 1, 2, 3, 4];
        assert!(!is_echo_reply(&keepalive));
        assert!(!is_echo_reply(&[0xc0]));
    }
}
