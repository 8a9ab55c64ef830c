//! RADIUS accounting (RFC 2866, 2867, 2869): Start when a subscriber is up, Interim-Update
//! every `accounting update-interval`, Stop with the final counters and the terminate cause
//! when it ends. A subscriber is accounted when its access profile names accounting servers
//! (`radius accounting-server`, or its own `radius-server` entries with `accounting`).
//!
//! A Stop is what billing depends on: when no server answers it, it waits and is sent again
//! (with Acct-Delay-Time saying how late it is), a bounded number of times, in a bounded
//! queue; what is given up is counted.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use schema::terminate_code::TerminateCodes;
use schema::typed::{AccessProfile, RouterConfig, ServerAlgorithm};

use super::table::{AccessLeg, Subscriber, SubscriberId};
use crate::aaa::nas_address::NasAddress;
use crate::aaa::radius::{attr, code, Attribute, Packet};

/// RFC 2866 Acct-Status-Type.
const START: u32 = 1;
const STOP: u32 = 2;
const INTERIM_UPDATE: u32 = 3;
/// Acct-Authentic: RADIUS (1) or Local (2).
const AUTHENTIC_RADIUS: u32 = 1;
const AUTHENTIC_LOCAL: u32 = 2;
/// A Stop no server took is sent again after this long…
pub const STOP_RETRY_AFTER: Duration = Duration::from_secs(30);
/// …this many times (about ten minutes), then given up and counted.
pub const STOP_ATTEMPTS: u32 = 20;
/// Stops waiting to be sent again, at most (a long outage of every server); beyond it the
/// oldest is given up and counted.
pub const STOP_QUEUE: usize = 65_536;

/// One kind of accounting request: sent (first time), answered, unanswered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounters {
    pub sent: u64,
    pub acknowledged: u64,
    pub failed: u64,
}

/// Counters of `show network-access aaa statistics accounting`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountingStats {
    pub starts: RecordCounters,
    pub interims: RecordCounters,
    pub stops: RecordCounters,
    /// Stops given up after every attempt, or pushed out of a full queue.
    pub stops_lost: u64,
}

impl AccountingStats {
    pub(super) fn of(&mut self, status: Kind) -> &mut RecordCounters {
        match status {
            Kind::Start => &mut self.starts,
            Kind::Interim => &mut self.interims,
            Kind::Stop => &mut self.stops,
        }
    }
}

/// Which accounting request a request in flight is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Start,
    Interim,
    Stop,
}

/// A Stop that no server took yet.
pub(super) struct QueuedStop {
    pub subscriber: SubscriberId,
    pub due: Instant,
    pub attempts: u32,
    pub ended: Instant,
    pub servers: Vec<Ipv4Addr>,
    /// The routing instance its requests go in (`aaa-routing-instance`).
    pub instance: Option<Arc<str>>,
    pub request: Packet,
    /// Whose NAS-IP-Address it carries (`Accounted::nas_address`).
    pub nas_address: NasAddress,
}

/// What accounting keeps of an accounted subscriber: where its requests go, and when.
pub(super) struct Accounted {
    pub servers: Vec<Ipv4Addr>,
    /// `client-accounting-algorithm`: the order each record tries `servers` in.
    pub algorithm: ServerAlgorithm,
    /// The routing instance its requests go in (`aaa-routing-instance`).
    pub instance: Option<Arc<str>>,
    pub interval: Option<Duration>,
    pub next: Option<Instant>,
    /// `immediate-update` and `coa-immediate-update`: an Interim-Update once the Start is
    /// answered, and after each acknowledged CoA-Request.
    pub immediate_update: bool,
    pub coa_immediate_update: bool,
    /// The profile's NAS-Identifier (`radius options nas-identifier`, else the host name).
    pub nas_identifier: Box<[u8]>,
    /// Whose NAS-IP-Address every record carries: the address it leaves from, else (the
    /// LNS's `override nas-ip-address`) the one in `carried`, or none.
    pub nas_address: NasAddress,
    /// What every record carries besides, fixed at the Start: the subscriber's NAS-Port-Id
    /// and NAS-Port-Type, and at the LAC the tunnel its session runs in (RFC 2867).
    pub carried: Vec<Attribute>,
    /// The attribute types `radius attributes exclude` leaves out of the Stop and the
    /// Interim-Updates (`radius_exclude`; empty for most profiles).
    pub excluded_from_stop: Box<[crate::aaa::radius::AttrKind]>,
    /// The User-Name of every record: the name its Access-Request carried
    /// (`decision::radius_user_name`), fixed at the Start.
    pub user_name: Option<Box<str>>,
}

#[derive(Default)]
pub struct Accounting {
    pub stats: AccountingStats,
    /// Subscribers whose Start went out.
    accounted: HashMap<SubscriberId, Accounted>,
    /// Interim-Update schedule.
    interims: BTreeSet<(Instant, SubscriberId)>,
    pub(super) stops: VecDeque<QueuedStop>,
    /// The committed `[edit access terminate-code]`: a Stop's Acct-Terminate-Cause is read
    /// from it when the subscriber ends.
    pub(super) terminate_codes: TerminateCodes,
}

impl Accounting {
    pub(super) fn is_accounted(&self, id: SubscriberId) -> bool {
        self.accounted.contains_key(&id)
    }

    pub(super) fn get(&self, id: SubscriberId) -> Option<&Accounted> {
        self.accounted.get(&id)
    }

    /// `id`'s next Interim-Update, a period on from `now` (its last was taken by
    /// `due_interims`).
    pub(super) fn reschedule(&mut self, id: SubscriberId, now: Instant) {
        let Some(accounted) = self.accounted.get_mut(&id) else {
            return;
        };
        accounted.next = accounted.interval.map(|every| now + every);
        if let Some(at) = accounted.next {
            self.interims.insert((at, id));
        }
    }

    /// `id` is accounted as `accounted` says (replacing what was scheduled before).
    pub(super) fn account(&mut self, id: SubscriberId, accounted: Accounted) {
        let next = accounted.next;
        if let Some(old) = self.accounted.insert(id, accounted).and_then(|a| a.next) {
            self.interims.remove(&(old, id));
        }
        if let Some(at) = next {
            self.interims.insert((at, id));
        }
    }

    /// `id` ended: what it was accounted with, if it was (its Stop is due).
    pub(super) fn forget(&mut self, id: SubscriberId) -> Option<Accounted> {
        let accounted = self.accounted.remove(&id)?;
        if let Some(at) = accounted.next {
            self.interims.remove(&(at, id));
        }
        Some(accounted)
    }

    /// Subscribers accounted now.
    pub fn accounted_count(&self) -> usize {
        self.accounted.len()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let interim = self.interims.first().map(|(at, _)| *at);
        let stop = self.stops.front().map(|s| s.due);
        interim.into_iter().chain(stop).min()
    }

    /// Subscribers whose Interim-Update is due.
    pub(super) fn due_interims(&mut self, now: Instant) -> Vec<(Instant, SubscriberId)> {
        let mut due = Vec::new();
        while let Some(first) = self.interims.first().copied() {
            if first.0 > now {
                break;
            }
            self.interims.remove(&first);
            due.push(first);
        }
        due
    }

    /// Queues a Stop again (or for the first time after its request failed).
    pub(super) fn requeue_stop(&mut self, stop: QueuedStop) {
        if stop.attempts >= STOP_ATTEMPTS {
            self.stats.stops_lost += 1;
            return;
        }
        if self.stops.len() >= STOP_QUEUE {
            self.stops.pop_front();
            self.stats.stops_lost += 1;
        }
        self.stops.push_back(stop);
    }

    /// Stops due to be sent again.
    pub(super) fn due_stops(&mut self, now: Instant) -> Vec<QueuedStop> {
        let mut due = Vec::new();
        while self.stops.front().is_some_and(|s| s.due <= now) {
            if let Some(stop) = self.stops.pop_front() {
                due.push(stop);
            }
        }
        due
    }
}

/// The accounting servers of a profile, in order: its `radius accounting-server` list, else
/// its own `radius-server` entries, else every `access radius-server`. Empty: the subscriber
/// is not accounted (the profile has no `accounting order radius`, or no server).
pub fn accounting_servers(config: &RouterConfig, profile: &AccessProfile) -> Vec<Ipv4Addr> {
    if profile.accounting.is_none() {
        return Vec::new();
    }
    if !profile.accounting_servers.is_empty() {
        return profile.accounting_servers.clone();
    }
    if !profile.radius_servers.is_empty() {
        return profile.radius_servers.keys().copied().collect();
    }
    config.radius_servers.keys().copied().collect()
}

/// The interval of Interim-Updates for a profile (`accounting update-interval`, minutes).
pub fn update_interval(profile: &AccessProfile) -> Option<Duration> {
    profile
        .accounting
        .as_ref()
        .and_then(|a| a.update_interval)
        .map(|minutes| Duration::from_secs(u64::from(minutes) * 60))
}

/// What an accounting request says of a subscriber.
pub(super) struct Usage {
    pub session_time: Duration,
    pub input_octets: u64,
    pub output_octets: u64,
    pub input_packets: u64,
    pub output_packets: u64,
}

impl Usage {
    /// The subscriber's counters: input is what the subscriber sent (RFC 2866 §5.3).
    pub fn of(subscriber: &Subscriber, now: Instant) -> Self {
        Self {
            session_time: now.saturating_duration_since(subscriber.since),
            input_octets: subscriber.bytes_up,
            output_octets: subscriber.bytes_down,
            input_packets: subscriber.frames_up,
            output_packets: subscriber.frames_down,
        }
    }
}

/// An Accounting-Request for `subscriber`, named `user_name`. `status`: Start,
/// Interim-Update or Stop (with its Acct-Terminate-Cause).
pub(super) fn request(
    subscriber: &Subscriber,
    user_name: Option<&str>,
    status: Status,
    usage: Option<&Usage>,
    tunnel: &[Attribute],
    nas_identifier: &[u8],
) -> Packet {
    let (status_type, cause) = match status {
        Status::Start => (START, None),
        Status::Interim => (INTERIM_UPDATE, None),
        Status::Stop(cause) => (STOP, Some(cause)),
    };
    let mut attributes = vec![
        Attribute::integer(attr::ACCT_STATUS_TYPE, status_type),
        Attribute::string(
            attr::ACCT_SESSION_ID,
            super::radius_options::acct_session_id(subscriber),
        ),
        Attribute::string(attr::NAS_IDENTIFIER, nas_identifier),
        Attribute::integer(
            attr::ACCT_AUTHENTIC,
            if subscriber.aaa.is_some() {
                AUTHENTIC_RADIUS
            } else {
                AUTHENTIC_LOCAL
            },
        ),
        Attribute::integer(attr::ACCT_DELAY_TIME, 0),
        Attribute::integer(attr::EVENT_TIMESTAMP, unix_seconds(SystemTime::now())),
    ];
    if let Some(user) = user_name {
        attributes.push(Attribute::string(attr::USER_NAME, user));
    }
    if let Some(lease) = &subscriber.lease {
        attributes.push(Attribute::ipv4(attr::FRAMED_IP_ADDRESS, lease.address));
    }
    if let AccessLeg::L2tp {
        tunnel_id,
        session_id,
        ..
    } = &subscriber.access
    {
        attributes.push(Attribute::string(
            attr::ACCT_TUNNEL_CONNECTION,
            format!("{tunnel_id}/{session_id}"),
        ));
    }
    if let Some(usage) = usage {
        push_usage(&mut attributes, usage);
    }
    if let Some(cause) = cause {
        attributes.push(Attribute::integer(attr::ACCT_TERMINATE_CAUSE, cause));
    }
    attributes.extend_from_slice(tunnel);
    Packet {
        code: code::ACCOUNTING_REQUEST,
        identifier: 0,
        authenticator: [0; 16],
        attributes,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Start,
    Interim,
    /// With the Acct-Terminate-Cause (`terminate_reason::terminate_cause`).
    Stop(u32),
}

/// Octets past 32 bits go in the Gigawords attributes (RFC 2869 §5.1, 5.2).
fn push_usage(attributes: &mut Vec<Attribute>, usage: &Usage) {
    let low = |n: u64| (n & 0xffff_ffff) as u32;
    let high = |n: u64| (n >> 32) as u32;
    let seconds = u32::try_from(usage.session_time.as_secs()).unwrap_or(u32::MAX);
    attributes.push(Attribute::integer(attr::ACCT_SESSION_TIME, seconds));
    attributes.push(Attribute::integer(
        attr::ACCT_INPUT_OCTETS,
        low(usage.input_octets),
    ));
    attributes.push(Attribute::integer(
        attr::ACCT_OUTPUT_OCTETS,
        low(usage.output_octets),
    ));
    attributes.push(Attribute::integer(
        attr::ACCT_INPUT_PACKETS,
        low(usage.input_packets),
    ));
    attributes.push(Attribute::integer(
        attr::ACCT_OUTPUT_PACKETS,
        low(usage.output_packets),
    ));
    for (kind, octets) in [
        (attr::ACCT_INPUT_GIGAWORDS, usage.input_octets),
        (attr::ACCT_OUTPUT_GIGAWORDS, usage.output_octets),
    ] {
        if high(octets) > 0 {
            attributes.push(Attribute::integer(kind, high(octets)));
        }
    }
}

/// The tunnel attributes of a LAC subscriber's records (RFC 2867: Acct-Tunnel-Connection
/// and the tunnel's endpoints), tag 0 as in a request.
pub(super) fn tunnel_attributes(
    tunnel_id: u16,
    session_id: u16,
    client_endpoint: Option<Ipv4Addr>,
    server_endpoint: Option<Ipv4Addr>,
) -> Vec<Attribute> {
    let mut attributes = vec![
        Attribute::tagged_integer(attr::TUNNEL_TYPE, 0, 3),
        Attribute::tagged_integer(attr::TUNNEL_MEDIUM_TYPE, 0, 1),
        Attribute::string(
            attr::ACCT_TUNNEL_CONNECTION,
            format!("{tunnel_id}/{session_id}"),
        ),
    ];
    if let Some(address) = client_endpoint {
        attributes.push(Attribute::tagged_string(
            attr::TUNNEL_CLIENT_ENDPOINT,
            0,
            address.to_string(),
        ));
    }
    if let Some(address) = server_endpoint {
        attributes.push(Attribute::tagged_string(
            attr::TUNNEL_SERVER_ENDPOINT,
            0,
            address.to_string(),
        ));
    }
    attributes
}

/// Acct-Delay-Time of a Stop sent again: how long after the subscriber ended (RFC 2866 §5.2).
pub(super) fn set_delay(request: &mut Packet, delay: Duration) {
    let seconds = u32::try_from(delay.as_secs()).unwrap_or(u32::MAX);
    for attribute in &mut request.attributes {
        if attribute.kind == crate::aaa::radius::AttrKind::Standard(attr::ACCT_DELAY_TIME) {
            *attribute = Attribute::integer(attr::ACCT_DELAY_TIME, seconds);
        }
    }
}

fn unix_seconds(at: SystemTime) -> u32 {
    at.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX))
}

#[cfg(test)]
#[path = "accounting_tests.rs"]
mod tests;
