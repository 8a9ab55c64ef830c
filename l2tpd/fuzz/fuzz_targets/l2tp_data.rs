//! Arbitrary datagrams into the data-message parser; what parses must re-emit and re-parse
//! to the same header and payload.
#![no_main]

use l2tpd::l2tp::wire::{DataMessage, OffsetPadLimit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limit = OffsetPadLimit::new(256);
    let Ok(message) = DataMessage::parse(data, limit) else {
        return;
    };
    let bytes = message.to_bytes().expect("a parsed message re-emits");
    let again = DataMessage::parse(&bytes, limit).expect("an emitted message parses");
    assert_eq!(again, message);
});
