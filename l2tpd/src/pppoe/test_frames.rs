//! What the discovery tests of both roles read from a frame one side sent.

use super::wire::{Body, Code, Frame, MacAddr, Tag, VlanTag};

pub(crate) struct Discovery {
    pub src: MacAddr,
    pub dst: MacAddr,
    pub vlans: Vec<VlanTag>,
    pub code: Code,
    pub session_id: u16,
    pub tags: Vec<Tag>,
}

/// Parses `bytes`, which must be a discovery frame.
pub(crate) fn discovery(bytes: &[u8]) -> Discovery {
    let frame = Frame::parse(bytes).unwrap();
    let Body::Discovery {
        code,
        session_id,
        tags,
    } = frame.body
    else {
        panic!("not a discovery frame");
    };
    Discovery {
        src: frame.src,
        dst: frame.dst,
        vlans: frame.vlans,
        code,
        session_id,
        tags,
    }
}
