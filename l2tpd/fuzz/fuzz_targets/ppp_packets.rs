//! Arbitrary PPP frames into the PPP codec: the protocol field, the control packet, LCP and
//! IPCP options, PAP and CHAP. Nothing panics; what parses re-emits and re-parses the same.
#![no_main]

use l2tpd::ppp::wire::auth::{ChapValue, PapRequest};
use l2tpd::ppp::wire::control::ControlPacket;
use l2tpd::ppp::wire::options::{emit_options, parse_options, IpcpOption, LcpOption};
use l2tpd::ppp::wire::split_frame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((_, body)) = split_frame(data) else {
        return;
    };
    let Ok(packet) = ControlPacket::parse(body) else {
        return;
    };
    let bytes = packet.to_vec().expect("a parsed packet re-emits");
    assert_eq!(ControlPacket::parse(&bytes).expect("re-parses"), packet);
    if let Ok(options) = parse_options(packet.data) {
        let again = emit_options(&options).expect("parsed options re-emit");
        assert_eq!(parse_options(&again).expect("re-parse"), options);
        for option in &options {
            let _ = LcpOption::from_raw(option).map(|o| o.to_raw());
            let _ = IpcpOption::from_raw(option).map(|o| o.to_raw());
        }
    }
    if let Ok(request) = PapRequest::parse(packet.data) {
        let again = request.emit().expect("a parsed request re-emits");
        assert_eq!(PapRequest::parse(&again).expect("re-parses"), request);
    }
    if let Ok(value) = ChapValue::parse(packet.data) {
        let again = value.emit().expect("a parsed value re-emits");
        assert_eq!(ChapValue::parse(&again).expect("re-parses"), value);
    }
});
