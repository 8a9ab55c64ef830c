//! Arbitrary datagrams into the control-message parser, with and without a tunnel secret.
//! Whatever parses must survive a rebuild: the recognised AVPs, emitted again, parse equal.
#![no_main]

use l2tpd::l2tp::wire::{AvpIter, ControlMessage, ControlMessageBuilder, Packet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(packet) = Packet::new_checked(data) {
        for avp in AvpIter::new(packet.payload()) {
            if avp.is_err() {
                break;
            }
        }
    }
    let _ = ControlMessage::parse(data, Some(b"fuzz-secret"));
    let Ok(message) = ControlMessage::parse(data, None) else {
        return;
    };
    let Some(kind) = message.message_type else {
        return;
    };
    let builder = message
        .avps
        .iter()
        .cloned()
        .fold(ControlMessageBuilder::new(kind), |b, avp| b.avp(avp));
    let bytes = builder
        .emit(message.header, None)
        .expect("a parsed message re-emits");
    let again = ControlMessage::parse(&bytes, None).expect("an emitted message parses");
    assert_eq!(again.avps, message.avps);
    assert_eq!(again.header, message.header);
});
