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
use std::hash::{Hash, Hasher};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UpKey {
    client: [u8; 6],
    /// VIDs outermost first, 0 where there is no tag (VID 0 never selects a unit).
    vids: [u16; MAX_TAGS],
    session_id: u16,
}

/// Hashes only what the daemon and its configuration chose, never the client's MAC (the
/// subscriber's own choice), which is compared but not hashed: the unit's tags and the
/// PPPoE session ID its discovery server assigned, unique within the unit. So the unkeyed
/// [`IdMap`] serves this map too (see `id_hash.rs` for why unkeyed is safe for keys the
/// daemon inserts): two installed keys share a hash only when they share tags and session
/// ID, which one unit's server never hands out twice. Equal keys hash equally, as `Hash`
/// requires.
impl Hash for UpKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let [outer, inner] = self.vids;
        state.write_u64(
            u64::from(outer) << 32 | u64::from(inner) << 16 | u64::from(self.session_id),
        );
    }
}

/// The ports' frames toward the LNS, what the up direction reads per frame and nothing
/// more: small enough that a port's map of 1,000 subscribers is about 100 KiB, one probe
/// into one contiguous array per frame (profiled: the whole route behind a second map was
/// a cache miss per frame, docs/performance.md stage 7).
#[derive(Debug)]
struct UpEntry {
    our_mac: [u8; 6],
    peer_tunnel: u16,
    peer_session: u16,
    source: Ipv4Addr,
    destination: SocketAddr,
    call: SessionRef,
    packets: u64,
    bytes: u64,
}

/// One port's subscribers, found once per receive batch ([`RelayTable::up_port`]).
#[derive(Debug, Default)]
pub struct UpPort {
    entries: IdMap<UpKey, UpEntry>,
}

/// Ethernet (12) + two tags (8) + EtherType (2) + PPPoE header (6).
const MAX_DOWN_HEADER: usize = 12 + 4 * MAX_TAGS + 2 + PPPOE_HEADER_LEN;

/// The LNS's data toward the port, what the down direction reads per datagram: the peer
/// it must come from and the prebuilt header toward the client, inline.
#[derive(Debug)]
struct DownEntry {
    peer: SocketAddr,
    port: Arc<str>,
    /// Ethernet + VLAN + PPPoE header toward the client, its length field zero.
    header: [u8; MAX_DOWN_HEADER],
    header_len: u8,
    call: SessionRef,
    packets: u64,
    bytes: u64,
}

/// Where a call's two entries are, for installs, removals and counters (never per packet).
#[derive(Debug)]
struct Installed {
    port: Arc<str>,
    up: UpKey,
    down: (u16, u16),
}

/// Where an encapsulated subscriber frame goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpTarget {
    pub source: Ipv4Addr,
    pub destination: SocketAddr,
}

/// The table; shared between the engine (installs, removes, folds counters) and the I/O
/// tasks (lookups), each holding the lock for one batch at most.
///
/// One map per direction, each holding what that direction needs (issue 15, item 2,
/// stage 8): a frame or datagram costs one probe with one multiply for a hash, and the
/// port's map is looked up by name once per batch, not per frame. All three maps are keyed
/// by what we assign (call references, our IDs, the PPPoE session ID with the unit's tags;
/// see [`UpKey`]'s `Hash`): the unkeyed [`IdMap`].
#[derive(Debug, Default)]
pub struct RelayTable {
    calls: IdMap<SessionRef, Installed>,
    up: HashMap<Arc<str>, UpPort>,
    down: IdMap<(u16, u16), DownEntry>,
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
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    pub fn contains(&self, call: SessionRef) -> bool {
        self.calls.contains_key(&call)
    }

    /// Adds (or replaces) the entry of `route.call`. A route with more tags than a PPPoE
    /// unit has (two) is not installed: its frames never parse here, so the slow path
    /// keeps them, as it did.
    pub fn install(&mut self, route: RelayRoute) {
        let counters = self.remove(route.call).unwrap_or_default();
        let Some((header, header_len)) = down_header(&route) else {
            return;
        };
        let call = route.call;
        let up = up_key(&route);
        let down = (route.l2tp.local_tunnel, route.l2tp.local_session);
        let leg = &route.l2tp;
        let previous_up = self
            .up
            .entry(route.port.clone())
            .or_default()
            .entries
            .insert(
                up,
                UpEntry {
                    our_mac: route.our_mac.0,
                    peer_tunnel: leg.peer_tunnel,
                    peer_session: leg.peer_session,
                    source: leg.source,
                    destination: leg.destination,
                    call,
                    packets: counters.up_packets,
                    bytes: counters.up_bytes,
                },
            );
        let previous_down = self.down.insert(
            down,
            DownEntry {
                peer: leg.destination,
                port: route.port.clone(),
                header,
                header_len,
                call,
                packets: counters.down_packets,
                bytes: counters.down_bytes,
            },
        );
        // Another call's key taken over (the engine removes a call before its IDs are
        // reused, so this is a safeguard): that call no longer relays in that direction,
        // and its removal must not take this call's entry with it (`remove` checks).
        for other in [previous_up.map(|e| e.call), previous_down.map(|e| e.call)]
            .into_iter()
            .flatten()
            .filter(|other| *other != call)
        {
            tracing::debug!("relay: call {other:?}'s key reused by {call:?}");
        }
        self.calls.insert(
            call,
            Installed {
                port: route.port,
                up,
                down,
            },
        );
    }

    /// Removes `call`'s entry; its counters not yet folded into the session's.
    pub fn remove(&mut self, call: SessionRef) -> Option<RelayCounters> {
        if !self.calls.contains_key(&call) {
            return None;
        }
        // The entries it still owns (another call may have taken a key over) go with it.
        let counters = self.take_counters_of(call);
        let installed = self.calls.remove(&call)?;
        if let Some(port) = self.up.get_mut(&installed.port) {
            remove_owned(&mut port.entries, &installed.up, |e| e.call == call);
            if port.entries.is_empty() {
                self.up.remove(&installed.port);
            }
        }
        remove_owned(&mut self.down, &installed.down, |e| e.call == call);
        Some(counters)
    }

    /// Takes every entry's counters since the last call (zeroing them), for views.
    pub fn take_counters(&mut self) -> Vec<(SessionRef, RelayCounters)> {
        let calls: Vec<SessionRef> = self.calls.keys().copied().collect();
        calls
            .into_iter()
            .map(|call| (call, self.take_counters_of(call)))
            .filter(|(_, counters)| !counters.is_zero())
            .collect()
    }

    /// Takes one entry's counters since the last call.
    pub fn take_counters_of(&mut self, call: SessionRef) -> RelayCounters {
        let mut counters = RelayCounters::default();
        let Some(installed) = self.calls.get(&call) else {
            return counters;
        };
        if let Some(entry) = self
            .up
            .get_mut(&installed.port)
            .and_then(|port| port.entries.get_mut(&installed.up))
            .filter(|e| e.call == call)
        {
            counters.up_packets = std::mem::take(&mut entry.packets);
            counters.up_bytes = std::mem::take(&mut entry.bytes);
        }
        if let Some(entry) = self
            .down
            .get_mut(&installed.down)
            .filter(|e| e.call == call)
        {
            counters.down_packets = std::mem::take(&mut entry.packets);
            counters.down_bytes = std::mem::take(&mut entry.bytes);
        }
        counters
    }

    /// The subscribers relayed from `port`: looked up once per receive batch, then each
    /// frame with [`UpPort::relay`]. `None`: nothing on that port is relayed.
    pub fn up_port(&mut self, port: &str) -> Option<&mut UpPort> {
        self.up.get_mut(port)
    }

    /// One frame received on `port` ([`UpPort::relay`]); for callers with one frame.
    pub fn relay_up(&mut self, port: &str, frame: &[u8], out: &mut Vec<u8>) -> Option<UpTarget> {
        self.up_port(port)?.relay(frame, out)
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
        let entry = self.down.get_mut(&(data.tunnel_id, data.session_id))?;
        if entry.peer != peer {
            return None;
        }
        let header = entry.header.get(..usize::from(entry.header_len))?;
        encapsulate_pppoe(header, data.ppp, out)?;
        entry.packets += 1;
        entry.bytes += data.ppp.len() as u64;
        Some(&entry.port)
    }
}

impl UpPort {
    /// A frame received on this port: when it is a session frame of a relayed subscriber,
    /// its L2TP data message is written into `out` (cleared first) and the target returned;
    /// `None` leaves the frame to the slow path.
    pub fn relay(&mut self, frame: &[u8], out: &mut Vec<u8>) -> Option<UpTarget> {
        let session = parse_session_frame(frame)?;
        let entry = self.entries.get_mut(&session.key)?;
        if session.dst != entry.our_mac {
            return None;
        }
        encapsulate_l2tp(entry.peer_tunnel, entry.peer_session, session.ppp, out)?;
        entry.packets += 1;
        entry.bytes += session.ppp.len() as u64;
        Some(UpTarget {
            source: entry.source,
            destination: entry.destination,
        })
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

/// Removes `key`'s entry when `owned` says it is the removed call's (not a newer call's
/// that took the key over).
fn remove_owned<K: Hash + Eq, E>(map: &mut IdMap<K, E>, key: &K, owned: impl Fn(&E) -> bool) {
    if map.get(key).is_some_and(owned) {
        map.remove(key);
    }
}

/// The header toward the client, as `pppoe::discovery` frames a session frame: the client's
/// MAC, ours, the tags the client used, 0x8864, VER/TYPE, CODE 0, the session ID, length 0.
/// `None` for more tags than a unit has.
fn down_header(route: &RelayRoute) -> Option<([u8; MAX_DOWN_HEADER], u8)> {
    if route.vlans.len() > MAX_TAGS {
        return None;
    }
    let mut header = [0u8; MAX_DOWN_HEADER];
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        header[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(&route.client.0);
    put(&route.our_mac.0);
    for tag in &route.vlans {
        put(&tag.tpid.to_be_bytes());
        put(&tag.tci.to_be_bytes());
    }
    put(&ETHERTYPE_SESSION.to_be_bytes());
    put(&[PPPOE_VER_TYPE, 0]);
    put(&route.pppoe_session.to_be_bytes());
    put(&[0, 0]);
    let len = u8::try_from(at).ok()?;
    Some((header, len))
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
