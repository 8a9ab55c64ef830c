//! The relay's forwarding table (issue 10, "established sessions forward data through a
//! per-session table in the I/O layer"): one entry per Active subscriber, looked up by the
//! port tasks and the L2TP socket readers for every data frame, so an established session's
//! frames cross PPPoE ↔ L2TP without an event, an allocation or a trip through the engine.
//!
//! Pure data and byte work, no I/O: the subscriber layer installs and removes entries, the
//! shell calls [`RelayTable::relay_up`] / [`RelayTable::relay_down`] with reused buffers.
//! What misses the table (discovery, another session, a sequenced data message, a frame
//! from an unexpected peer) goes the slow path through the engine, as before.
//!
//! The LAC does not look inside the PPP frame (Junos LAC behaviour: PPP control from either
//! side is relayed like data once the LNS has the call), so a hit is decided on the headers
//! alone.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};

use super::id_hash::IdMap;

use crate::pppoe::wire::{
    MacAddr, VlanTag, ETHERTYPE_SESSION, PPPOE_HEADER_LEN, TPID_8021AD, TPID_8021Q,
};
use crate::registry::{RelayLeg, SessionRef};

/// RFC 2516 §4: VER 1, TYPE 1.
const PPPOE_VER_TYPE: u8 = 0x11;
/// At most two VLAN tags (QinQ), as the PPPoE codec.
const MAX_TAGS: usize = 2;
/// RFC 2661 §3.1: T=0, L=1, S=0, O=0, P=0, Ver=2. The Length field lets the LNS ignore link
/// padding, as the slow path's data messages carry it.
pub(super) const L2TP_DATA_FLAGS: u16 = 0x4002;
/// Flags, Length, Tunnel ID, Session ID.
pub(super) const L2TP_DATA_HEADER_LEN: usize = 8;
/// Flag bits of the first octet pair (RFC 2661 §3.1).
const FLAG_T: u16 = 0x8000;
const FLAG_L: u16 = 0x4000;
const FLAG_S: u16 = 0x0800;
const FLAG_O: u16 = 0x0200;
const VERSION_MASK: u16 = 0x000f;

/// What the subscriber layer knows once a subscriber is Active: both legs' addressing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRoute {
    pub call: SessionRef,
    /// The access side: the port, the client, our MAC on that port, the tags of the unit.
    pub port: Arc<str>,
    pub client: MacAddr,
    pub our_mac: MacAddr,
    pub vlans: Vec<VlanTag>,
    pub pppoe_session: u16,
    /// The L2TP side: both ends' IDs, our source address and the LNS's.
    pub l2tp: RelayLeg,
}

/// Frames and PPP octets (without either leg's headers, as the slow path counts them)
/// relayed by one entry and not yet added to the session's and subscriber's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayCounters {
    pub up_packets: u64,
    pub up_bytes: u64,
    pub down_packets: u64,
    pub down_bytes: u64,
}

impl RelayCounters {
    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// The subscriber → LNS key: as a session frame arrives on a port, before the unit is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct UpKey {
    client: [u8; 6],
    /// VIDs outermost first, 0 where there is no tag (VID 0 never selects a unit).
    vids: [u16; MAX_TAGS],
    session_id: u16,
}

#[derive(Debug)]
struct Entry {
    route: RelayRoute,
    /// Ethernet + VLAN + PPPoE header toward the client, its length field zero.
    down_header: Vec<u8>,
    counters: RelayCounters,
}

/// Where an encapsulated subscriber frame goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpTarget {
    pub source: Ipv4Addr,
    pub destination: SocketAddr,
}

/// The table; shared between the engine (installs, removes, folds counters) and the I/O
/// tasks (lookups), each holding the lock for one batch at most.
#[derive(Debug, Default)]
pub struct RelayTable {
    /// Keyed by what we assign (call references, our IDs): the unkeyed [`IdMap`]. `up` is
    /// keyed by the subscriber's MAC, its choice: the standard keyed hasher.
    entries: IdMap<SessionRef, Entry>,
    up: HashMap<Arc<str>, HashMap<UpKey, SessionRef>>,
    down: IdMap<(u16, u16), SessionRef>,
}

/// The handle the engine and its tasks share. A `Mutex` rather than a `RefCell`: the port
/// tasks and socket readers are `tokio::spawn`ed (Send), and the lock is taken once per
/// receive batch, never across an await, so on the single-threaded runtime it is never
/// contended and costs one uncontended atomic pair per batch of up to 64 frames.
#[derive(Debug, Clone, Default)]
pub struct SharedRelay(Arc<Mutex<RelayTable>>);

impl SharedRelay {
    pub fn lock(&self) -> MutexGuard<'_, RelayTable> {
        // A panic while holding the lock would be a bug in this file's pure code; the table
        // stays consistent (every mutation is a single insert or remove), so go on with it.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl RelayTable {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains(&self, call: SessionRef) -> bool {
        self.entries.contains_key(&call)
    }

    /// Adds (or replaces) the entry of `route.call`.
    pub fn install(&mut self, route: RelayRoute) {
        let counters = self.remove(route.call).unwrap_or_default();
        let call = route.call;
        self.up
            .entry(route.port.clone())
            .or_default()
            .insert(up_key(&route), call);
        self.down
            .insert((route.l2tp.local_tunnel, route.l2tp.local_session), call);
        let down_header = down_header(&route);
        self.entries.insert(
            call,
            Entry {
                route,
                down_header,
                counters,
            },
        );
    }

    /// Removes `call`'s entry; its counters not yet folded into the session's.
    pub fn remove(&mut self, call: SessionRef) -> Option<RelayCounters> {
        let entry = self.entries.remove(&call)?;
        let route = &entry.route;
        if let Some(port) = self.up.get_mut(&route.port) {
            port.remove(&up_key(route));
            if port.is_empty() {
                self.up.remove(&route.port);
            }
        }
        self.down
            .remove(&(route.l2tp.local_tunnel, route.l2tp.local_session));
        Some(entry.counters)
    }

    /// Takes every entry's counters since the last call (zeroing them), for views.
    pub fn take_counters(&mut self) -> Vec<(SessionRef, RelayCounters)> {
        self.entries
            .iter_mut()
            .filter(|(_, e)| !e.counters.is_zero())
            .map(|(call, e)| (*call, std::mem::take(&mut e.counters)))
            .collect()
    }

    /// Takes one entry's counters since the last call.
    pub fn take_counters_of(&mut self, call: SessionRef) -> RelayCounters {
        self.entries
            .get_mut(&call)
            .map(|e| std::mem::take(&mut e.counters))
            .unwrap_or_default()
    }

    /// A frame received on `port`: when it is a session frame of a relayed subscriber, its
    /// L2TP data message is written into `out` (cleared first) and the target returned;
    /// `None` leaves the frame to the slow path.
    pub fn relay_up(&mut self, port: &str, frame: &[u8], out: &mut Vec<u8>) -> Option<UpTarget> {
        let session = parse_session_frame(frame)?;
        let call = *self.up.get(port)?.get(&session.key)?;
        let entry = self.entries.get_mut(&call)?;
        if session.dst != entry.route.our_mac.0 {
            return None;
        }
        let leg = &entry.route.l2tp;
        encapsulate_l2tp(leg.peer_tunnel, leg.peer_session, session.ppp, out)?;
        entry.counters.up_packets += 1;
        entry.counters.up_bytes += session.ppp.len() as u64;
        Some(UpTarget {
            source: leg.source,
            destination: leg.destination,
        })
    }

    /// A UDP datagram from `peer`: when it is an unsequenced data message for a relayed
    /// session from that session's LNS, the PPPoE frame is written into `out` (cleared
    /// first) and the port to send it on returned; `None` leaves it to the slow path
    /// (control messages, sequenced data, which the session's Ns check must see, strangers).
    pub fn relay_down(
        &mut self,
        peer: SocketAddr,
        datagram: &[u8],
        out: &mut Vec<u8>,
    ) -> Option<&Arc<str>> {
        let data = parse_unsequenced_data(datagram)?;
        let call = *self.down.get(&(data.tunnel_id, data.session_id))?;
        let entry = self.entries.get_mut(&call)?;
        if entry.route.l2tp.destination != peer {
            return None;
        }
        encapsulate_pppoe(&entry.down_header, data.ppp, out)?;
        entry.counters.down_packets += 1;
        entry.counters.down_bytes += data.ppp.len() as u64;
        Some(&entry.route.port)
    }
}

fn up_key(route: &RelayRoute) -> UpKey {
    let mut vids = [0; MAX_TAGS];
    for (vid, tag) in vids.iter_mut().zip(&route.vlans) {
        *vid = tag.vid();
    }
    UpKey {
        client: route.client.0,
        vids,
        session_id: route.pppoe_session,
    }
}

/// The header toward the client, as `pppoe::discovery` frames a session frame: the client's
/// MAC, ours, the tags the client used, 0x8864, VER/TYPE, CODE 0, the session ID, length 0.
fn down_header(route: &RelayRoute) -> Vec<u8> {
    let mut header = Vec::with_capacity(14 + 4 * MAX_TAGS + PPPOE_HEADER_LEN);
    header.extend_from_slice(&route.client.0);
    header.extend_from_slice(&route.our_mac.0);
    for tag in &route.vlans {
        header.extend_from_slice(&tag.tpid.to_be_bytes());
        header.extend_from_slice(&tag.tci.to_be_bytes());
    }
    header.extend_from_slice(&ETHERTYPE_SESSION.to_be_bytes());
    header.extend_from_slice(&[PPPOE_VER_TYPE, 0]);
    header.extend_from_slice(&route.pppoe_session.to_be_bytes());
    header.extend_from_slice(&[0, 0]);
    header
}

/// `header` (from [`down_header`]) and `ppp` as one frame in `out`, the PPPoE LENGTH set.
fn encapsulate_pppoe(header: &[u8], ppp: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let ppp = crate::ppp::wire::strip_address_control(ppp);
    let length = u16::try_from(ppp.len()).ok()?;
    out.clear();
    out.extend_from_slice(header);
    let at = out.len() - 2;
    out[at..].copy_from_slice(&length.to_be_bytes());
    out.extend_from_slice(ppp);
    Some(())
}

/// An L2TP data message (T=0, L=1, no sequence, no offset) carrying `ppp` into `out`.
fn encapsulate_l2tp(
    peer_tunnel: u16,
    peer_session: u16,
    ppp: &[u8],
    out: &mut Vec<u8>,
) -> Option<()> {
    let length = u16::try_from(L2TP_DATA_HEADER_LEN + ppp.len()).ok()?;
    out.clear();
    out.extend_from_slice(&L2TP_DATA_FLAGS.to_be_bytes());
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&peer_tunnel.to_be_bytes());
    out.extend_from_slice(&peer_session.to_be_bytes());
    out.extend_from_slice(ppp);
    Some(())
}

struct SessionFrame<'a> {
    dst: [u8; 6],
    key: UpKey,
    ppp: &'a [u8],
}

fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at + 2)?;
    Some(u16::from_be_bytes([pair[0], pair[1]]))
}

/// A PPPoE session frame (RFC 2516 §5: 0x8864, VER/TYPE 0x11, CODE 0), untagged or with up
/// to two tags; anything else is `None`.
fn parse_session_frame(frame: &[u8]) -> Option<SessionFrame<'_>> {
    let dst: [u8; 6] = frame.get(0..6)?.try_into().ok()?;
    let client: [u8; 6] = frame.get(6..12)?.try_into().ok()?;
    let mut vids = [0; MAX_TAGS];
    let mut at = 12;
    let mut tags = 0;
    let ethertype = loop {
        let ethertype = be16(frame, at)?;
        if ethertype != TPID_8021Q && ethertype != TPID_8021AD {
            break ethertype;
        }
        if tags == MAX_TAGS {
            return None;
        }
        vids[tags] = be16(frame, at + 2)? & 0x0fff;
        tags += 1;
        at += 4;
    };
    if ethertype != ETHERTYPE_SESSION {
        return None;
    }
    let header = frame.get(at + 2..at + 2 + PPPOE_HEADER_LEN)?;
    if header[0] != PPPOE_VER_TYPE || header[1] != 0 {
        return None;
    }
    let session_id = u16::from_be_bytes([header[2], header[3]]);
    let length = usize::from(u16::from_be_bytes([header[4], header[5]]));
    let start = at + 2 + PPPOE_HEADER_LEN;
    // Beyond LENGTH is Ethernet padding (RFC 2516 §4), not the subscriber's.
    let ppp = frame.get(start..start + length)?;
    Some(SessionFrame {
        dst,
        key: UpKey {
            client,
            vids,
            session_id,
        },
        ppp,
    })
}

pub(super) struct UnsequencedData<'a> {
    pub tunnel_id: u16,
    pub session_id: u16,
    pub ppp: &'a [u8],
    /// Where `ppp` starts in the datagram.
    pub ppp_at: usize,
}

/// An L2TP data message without Ns/Nr (RFC 2661 §3.1), honouring L and O as the sender chose.
pub(super) fn parse_unsequenced_data(datagram: &[u8]) -> Option<UnsequencedData<'_>> {
    let flags = be16(datagram, 0)?;
    if flags & (FLAG_T | FLAG_S) != 0 || flags & VERSION_MASK != 2 {
        return None;
    }
    let mut at = 2;
    let mut end = datagram.len();
    if flags & FLAG_L != 0 {
        let length = usize::from(be16(datagram, at)?);
        if length > end {
            return None;
        }
        end = length;
        at += 2;
    }
    let tunnel_id = be16(datagram, at)?;
    let session_id = be16(datagram, at + 2)?;
    at += 4;
    if flags & FLAG_O != 0 {
        // Offset pads are rare; the slow path applies its limit to them.
        return None;
    }
    let ppp = datagram.get(at..end)?;
    Some(UnsequencedData {
        tunnel_id,
        session_id,
        ppp,
        ppp_at: at,
    })
}

#[cfg(test)]
#[path = "relay_tests.rs"]
mod tests;
