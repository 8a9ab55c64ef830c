//! Arbitrary Ethernet frames into the PPPoE codec and the discovery server: nothing panics,
//! what parses re-emits and re-parses to the same frame, and frames that carry no valid
//! AC-Cookie never allocate a session. The tags of any discovery frame go through the
//! intermediate-agent parser too (the server reads it only behind a valid cookie), and a line
//! it reads re-encodes to a tag that reads the same.
#![no_main]

use l2tpd::pppoe::access_line;
use l2tpd::pppoe::discovery::{DiscoveryConfig, DiscoveryServer};
use l2tpd::pppoe::wire::{Body, Frame, MacAddr};
use libfuzzer_sys::fuzz_target;
use std::time::Instant;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = Frame::parse(data) {
        let bytes = frame.to_bytes().expect("a parsed frame re-emits");
        let again = Frame::parse(&bytes).expect("an emitted frame parses");
        assert_eq!(again, frame);
        if let Body::Discovery { tags, .. } = &frame.body {
            // A line read whole (no characteristic left out) is what its own tag reads as.
            if let Ok(Some(read)) = access_line::read_tags(tags) {
                if read.malformed_characteristics == 0 {
                    let again = access_line::read_tags(&[read.line.to_tag()])
                        .expect("a line's own tag reads")
                        .expect("and is a DSL Forum tag");
                    assert_eq!(again.line, read.line);
                }
            }
        }
    }
    let now = Instant::now();
    let config = DiscoveryConfig::new(MacAddr([2, 0, 0, 0, 0, 0xac]), "fuzz-ac");
    let mut server = DiscoveryServer::new(config, [0x5a; 16], now);
    let _ = server.handle_frame(data, now);
    assert_eq!(server.session_count(), 0, "no session without a cookie we issued");
});
