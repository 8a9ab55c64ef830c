//! A simulated lab for the subscriber sequences: PPPoE subscribers (the daemon's own
//! discovery client and PPP client role) → our LAC core → UDP → our LNS core, in simulated
//! time. The I/O tasks' fast paths are played by hand, as the port tasks and the L2TP socket
//! readers would run them.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;
use std::time::{Duration, Instant};

use schema::l2tp_rpc::{L2tpShow, Level};
use schema::typed::RouterConfig;

use super::core::Core;
use crate::aaa::radius::{Attribute, Packet};
use crate::l2tp::wire::{ControlMessage, MessageType};
use crate::ppp::client_link::{ClientEvent, ClientLink, ClientLinkConfig};
use crate::ppp::fsm;
use crate::pppoe::access_line::AccessLine;
use crate::pppoe::client::{ClientConfig, ClientEvent as PppoeEvent, DiscoveryClient, Received};
use crate::pppoe::wire::{MacAddr, VlanTag};
use crate::registry::Transmit;
use crate::subscriber::echo;
use crate::subscriber::pppoe_access::PortFacts;

pub(super) const PORT: &str = "veth-sub";
pub(super) const LAC: &str = "127.0.0.71";
pub(super) const LNS: &str = "127.0.0.72";
const AC_MAC: [u8; 6] = [0x02, 0, 0, 0, 0xac, 1];

pub(super) fn config(lines: &str) -> RouterConfig {
    crate::test_config(lines)
}

pub(super) fn lac_config(extra: &str) -> RouterConfig {
    config(&format!(
        "set system host-name lac-s\n\
         set interfaces {PORT} unit 0 family pppoe access-concentrator lac-s\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n\
         set access domain map isp.example tunnel-profile tp\n{extra}"
    ))
}

/// The LNS: one tunnel group on service interface si-0/0/0, a pool of 65,000 addresses.
pub(super) const LNS_BASE: &str = "set system host-name lns-s\n\
     set services l2tp tunnel-group g local-gateway address 127.0.0.72\n\
     set services l2tp tunnel-group g l2tp-access-profile ap\n\
     set services l2tp tunnel-group g service-interface si-0/0/0\n\
     set access profile ap client lac-s l2tp maximum-sessions-per-tunnel 2000\n\
     set access address-assignment pool lab family inet network 198.18.0.0/16\n\
     set access address-assignment pool lab family inet range r low 198.18.0.10\n\
     set access address-assignment pool lab family inet range r high 198.18.255.250\n";

pub(super) fn lns_config() -> RouterConfig {
    config(LNS_BASE)
}

/// One emulated subscriber: PPPoE discovery client and PPP client.
pub(super) struct Sub {
    pub pppoe: DiscoveryClient,
    pub ppp: ClientLink,
    pub events: Vec<ClientEvent>,
    ppp_started: bool,
    /// The identifier of each LCP Echo-Reply received (from the LNS), in order: the PPP
    /// client does not take them.
    pub echo_replies: Vec<u8>,
    /// IPv4 packets received (PPP protocol 0x0021).
    pub ip_received: Vec<Vec<u8>>,
    /// The Value-Size of each CHAP Challenge received (RFC 1994 §4.1), in order.
    pub chap_challenge_sizes: Vec<u8>,
    pub ended: bool,
}

impl Sub {
    /// The address IPCP gave this subscriber (its own), once IPCP is up.
    pub(super) fn address(&self) -> Option<Ipv4Addr> {
        self.events.iter().find_map(|e| match e {
            ClientEvent::IpUp { local, .. } => Some(*local),
            _ => None,
        })
    }

    /// The WINS servers IPCP gave this subscriber (RFC 1877 NBNS), once IPCP is up.
    pub(super) fn nbns(&self) -> Option<Vec<Ipv4Addr>> {
        self.events.iter().find_map(|e| match e {
            ClientEvent::IpUp { nbns, .. } => Some(nbns.clone()),
            _ => None,
        })
    }

    pub(super) fn new(index: u32, user: &str) -> Self {
        Self::with(index, user, "pw", false)
    }

    /// A subscriber that runs IPCP after authenticating, with its password.
    pub(super) fn with(index: u32, user: &str, password: &str, ipcp: bool) -> Self {
        Self::tagged(index, user, password, ipcp, Vec::new())
    }

    /// A subscriber whose frames carry `vlans` (outermost first).
    pub(super) fn tagged(
        index: u32,
        user: &str,
        password: &str,
        ipcp: bool,
        vlans: Vec<VlanTag>,
    ) -> Self {
        let [a, b, c, d] = index.to_be_bytes();
        let mac = MacAddr([0x02, 0x5b, a, b, c, d]);
        let mut cfg = ClientConfig::new(mac);
        cfg.host_uniq = index.to_be_bytes().to_vec();
        cfg.vlans = vlans;
        Sub {
            pppoe: DiscoveryClient::new(cfg),
            ppp: ClientLink::new(ClientLinkConfig {
                fsm: fsm::Config::default(),
                mru: 1492,
                magic: 0x1000 + index,
                user: user.as_bytes().to_vec(),
                password: password.as_bytes().to_vec(),
                echo: None,
                ipcp,
            }),
            events: Vec::new(),
            ppp_started: false,
            echo_replies: Vec::new(),
            ip_received: Vec::new(),
            chap_challenge_sizes: Vec::new(),
            ended: false,
        }
    }

    /// Acts on discovery's events: PPP starts with the session and ends with it.
    pub(super) fn discovery_events(&mut self, now: Instant) {
        while let Some(event) = self.pppoe.poll_event() {
            match event {
                PppoeEvent::SessionUp { .. } if !self.ppp_started => {
                    self.ppp_started = true;
                    self.ppp.start(now);
                }
                PppoeEvent::SessionDown(_) | PppoeEvent::Failed(_) => {
                    self.ended = true;
                    self.ppp.lower_down();
                }
                PppoeEvent::SessionUp { .. } => {}
            }
        }
    }

    /// Every frame the subscriber has to send now: discovery, then PPP.
    pub(super) fn outgoing(&mut self, now: Instant) -> Vec<Vec<u8>> {
        let mut frames = Vec::new();
        while let Some(frame) = self.pppoe.poll_transmit() {
            frames.push(frame);
        }
        self.discovery_events(now);
        while let Some(ppp) = self.ppp.poll_transmit() {
            frames.extend(self.pppoe.session_frame(&ppp));
        }
        while let Some(event) = self.ppp.poll_event() {
            self.events.push(event);
        }
        frames
    }

    /// A frame from the access concentrator.
    pub(super) fn receive(&mut self, frame: &[u8], now: Instant) {
        let received = self.pppoe.handle_frame(frame, now);
        // A PADS starts PPP before the LAC's first Configure-Request right behind it.
        self.discovery_events(now);
        if let Received::SessionPpp(ppp) = received {
            let ppp = ppp.strip_prefix(&[0xff, 0x03]).unwrap_or(ppp);
            if let Some(reply) = echo::parse(ppp).filter(|e| e.reply) {
                self.echo_replies.push(reply.identifier);
            } else if let Some(packet) = ppp.strip_prefix(&[0x00, 0x21]) {
                self.ip_received.push(packet.to_vec());
            } else {
                // CHAP (0xc223) Challenge (code 1): code, identifier, length, Value-Size.
                if let Some([1, _, _, _, size, ..]) = ppp.strip_prefix(&[0xc2, 0x23]) {
                    self.chap_challenge_sizes.push(*size);
                }
                self.ppp.handle_frame(ppp, now);
            }
        }
    }

    fn mac(&self) -> MacAddr {
        self.pppoe.mac()
    }
}

pub(super) struct Lab {
    pub now: Instant,
    pub lac: Core,
    pub lns: Core,
    pub subs: Vec<Sub>,
    /// Frames the LAC's relay table carried as the I/O tasks would, without the core:
    /// subscriber → LNS, and LNS → subscriber.
    pub fast_up: u64,
    pub fast_down: u64,
    /// The RADIUS servers the LAC and the LNS reach (none: their requests are lost).
    pub lac_radius: Option<RadiusResponder>,
    pub lns_radius: Option<RadiusResponder>,
    /// The type of every control message the LNS sent, in order (ZLB acknowledgements
    /// carry none and are left out).
    pub lns_sent: Vec<MessageType>,
    /// Control messages of this type from the LAC are lost on the way to the LNS.
    pub lost_to_lns: Option<MessageType>,
}

/// How a lab RADIUS server answers a request: a code and attributes, or silence.
pub(super) type Answerer = Box<dyn FnMut(&Packet) -> Option<(u8, Vec<Attribute>)>>;

/// A RADIUS server in the lab: it keeps every request it received (decoded) and answers as
/// `answer` says, signed with `secret`.
pub(super) struct RadiusResponder {
    pub secret: Vec<u8>,
    pub answer: Answerer,
    pub received: Vec<Packet>,
    /// Answers are kept back (a slow server) until [`RadiusResponder::release`].
    pub hold: bool,
    /// The VRF device each request's socket was bound to, in the order received.
    pub devices: Vec<Option<String>>,
    held: Vec<(crate::aaa::client::SocketId, std::net::SocketAddr, Vec<u8>)>,
}

impl RadiusResponder {
    pub fn new(secret: &str, answer: Answerer) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
            answer,
            received: Vec::new(),
            hold: false,
            devices: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Delivers the answers kept back, in order; how many.
    pub fn release(&mut self, now: Instant, core: &mut Core) -> usize {
        let held = std::mem::take(&mut self.held);
        for (socket, from, bytes) in &held {
            core.handle_radius_datagram(now, *socket, *from, bytes);
        }
        held.len()
    }

    /// Takes what `core` sent to RADIUS and answers it.
    fn serve(&mut self, now: Instant, core: &mut Core) -> usize {
        let mut moved = 0;
        while let Some(t) = core.poll_radius_transmit() {
            moved += 1;
            let request = Packet::decode(&t.bytes).expect("our request decodes");
            // A real server answers each kind on its own port only (the lab's servers use
            // the default ports).
            let port = match request.code {
                crate::aaa::radius::code::ACCOUNTING_REQUEST => 1813,
                _ => 1812,
            };
            assert_eq!(t.to.port(), port, "code {} sent to {}", request.code, t.to);
            let answer = (self.answer)(&request);
            self.received.push(request.clone());
            self.devices.push(core.radius_socket_device(t.socket));
            let Some((code, attributes)) = answer else {
                continue;
            };
            let mut reply = Packet::new(code, request.identifier, [0; 16]);
            reply.attributes = attributes;
            let bytes = reply
                .encode_response(&request.authenticator, &self.secret)
                .expect("the reply encodes");
            if self.hold {
                self.held.push((t.socket, t.to, bytes));
                continue;
            }
            core.handle_radius_datagram(now, t.socket, t.to, &bytes);
        }
        moved
    }
}

/// Drops what a core without a RADIUS server sends (the server is unreachable).
fn drop_radius(core: &mut Core) -> usize {
    std::iter::from_fn(|| core.poll_radius_transmit()).count()
}

impl Lab {
    pub fn new(lac_config: RouterConfig, lns_config: RouterConfig) -> Self {
        let now = Instant::now();
        let mut lac = Core::new(&Arc::new(lac_config), Some(11));
        // The lab's network: each router reaches its RADIUS servers from its tunnel address.
        lac.set_radius_local_address_finder(Box::new(|_, _| LAC.parse().ok()));
        lac.attach_port(
            PORT,
            PortFacts {
                mac: AC_MAC,
                mtu: 1500,
            },
            true,
        );
        let mut lns = Core::new(&Arc::new(lns_config), Some(12));
        lns.set_radius_local_address_finder(Box::new(|_, _| LNS.parse().ok()));
        Lab {
            now,
            lac,
            lns,
            subs: Vec::new(),
            fast_up: 0,
            fast_down: 0,
            lac_radius: None,
            lns_radius: None,
            lns_sent: Vec::new(),
            lost_to_lns: None,
        }
    }

    pub fn add(&mut self, user: &str) -> usize {
        let index = self.subs.len();
        self.add_sub(Sub::new(u32::try_from(index).expect("few"), user))
    }

    /// A subscriber that runs IPCP, with its password.
    pub fn add_ip(&mut self, user: &str, password: &str) -> usize {
        let index = u32::try_from(self.subs.len()).expect("few");
        self.add_sub(Sub::with(index, user, password, true))
    }

    /// A subscriber that runs IPCP on these VLAN tags (outermost first).
    pub fn add_tagged(&mut self, user: &str, vlans: Vec<VlanTag>) -> usize {
        let index = u32::try_from(self.subs.len()).expect("few");
        self.add_sub(Sub::tagged(index, user, "pw", true, vlans))
    }

    /// A subscriber that runs IPCP behind a PPPoE intermediate agent naming `line` (its
    /// tag in the PADI and PADR, as the agent inserts it).
    pub fn add_on_line(&mut self, user: &str, line: AccessLine) -> usize {
        let index = u32::try_from(self.subs.len()).expect("few");
        let mut sub = Sub::with(index, user, "pw", true);
        sub.pppoe.set_access_line(line);
        self.add_sub(sub)
    }

    /// A subscriber on these VLAN tags behind an intermediate agent naming `line`.
    pub fn add_tagged_on_line(
        &mut self,
        user: &str,
        vlans: Vec<VlanTag>,
        line: AccessLine,
    ) -> usize {
        let index = u32::try_from(self.subs.len()).expect("few");
        let mut sub = Sub::tagged(index, user, "pw", true, vlans);
        sub.pppoe.set_access_line(line);
        self.add_sub(sub)
    }

    fn add_sub(&mut self, mut sub: Sub) -> usize {
        let index = self.subs.len();
        sub.pppoe.start(self.now);
        self.subs.push(sub);
        index
    }

    /// Moves frames and datagrams until nothing moves.
    pub fn settle(&mut self) {
        for _ in 0..200 {
            if self.step() == 0 {
                return;
            }
        }
        panic!("the lab did not settle");
    }

    pub fn step(&mut self) -> usize {
        let now = self.now;
        let mut moved = 0;
        // Subscribers → LAC.
        for sub in &mut self.subs {
            for frame in sub.outgoing(now) {
                self.fast_up += port_receive(now, &mut self.lac, &mut self.lns, &frame);
                moved += 1;
            }
        }
        // LAC → subscribers, by destination MAC (or to all for broadcast).
        let by_mac: HashMap<MacAddr, usize> = self
            .subs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.mac(), i))
            .collect();
        let mut to_subscribers = Vec::new();
        while let Some(out) = self.lac.poll_frame() {
            assert_eq!(&*out.port, PORT);
            to_subscribers.push(out.frame);
        }
        while let Some(t) = self.lac.poll_transmit() {
            moved += 1;
            if self.lost_to_lns.is_some() && control_type(&t.payload) == self.lost_to_lns {
                continue;
            }
            let (source, destination) = addresses(&t);
            self.lns
                .handle_datagram(now, *destination.ip(), source, &t.payload);
        }
        // LNS → LAC: what the relay table takes goes straight to the port, as the L2TP
        // socket reader would send it; the rest to the core.
        let relay = self.lac.relay();
        let mut frame = Vec::new();
        while let Some(t) = self.lns.poll_transmit() {
            let (source, destination) = addresses(&t);
            moved += 1;
            self.lns_sent.extend(control_type(&t.payload));
            let fast = relay
                .lock()
                .relay_down(source, &t.payload, &mut frame)
                .is_some();
            if fast {
                self.fast_down += 1;
                to_subscribers.push(frame.clone());
            } else {
                self.lac
                    .handle_datagram(now, *destination.ip(), source, &t.payload);
            }
        }
        while let Some(out) = self.lac.poll_frame() {
            to_subscribers.push(out.frame);
        }
        moved += match self.lac_radius.as_mut() {
            Some(server) => server.serve(now, &mut self.lac),
            None => drop_radius(&mut self.lac),
        };
        moved += match self.lns_radius.as_mut() {
            Some(server) => server.serve(now, &mut self.lns),
            None => drop_radius(&mut self.lns),
        };
        while let Some(out) = self.lac.poll_frame() {
            to_subscribers.push(out.frame);
        }
        for frame in to_subscribers {
            let dst = MacAddr(frame[..6].try_into().expect("a MAC"));
            let Some(&i) = by_mac.get(&dst) else {
                continue;
            };
            moved += 1;
            self.subs[i].receive(&frame, now);
        }
        moved
    }

    /// The LNS ends its only session (a CDN), as when its subscriber logs out.
    pub fn lns_sends_cdn(&mut self) {
        let session = self.lns_sessions().pop().expect("a session");
        let call = self
            .lns
            .registry()
            .call_at(session.tunnel_local_id, session.session_local_id)
            .expect("its call");
        self.lns.close_session_for_test(self.now, call);
    }

    /// Entries in the LAC's relay table.
    pub fn relayed(&self) -> usize {
        self.lac.relay().lock().len()
    }

    /// A session's data counters at the LAC (fast path folded in, as views see them).
    pub fn lac_data_counters(&mut self) -> (u64, u64, u64, u64) {
        self.lac.fold_relay_counters();
        let show = L2tpShow {
            level: Level::Extensive,
            ..L2tpShow::default()
        };
        data_counters(&self.lac, self.now, &show)
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
        let now = self.now;
        self.lac.handle_timeout(now);
        self.lns.handle_timeout(now);
        for sub in &mut self.subs {
            sub.pppoe.handle_timeout(now);
            sub.ppp.handle_timeout(now);
        }
        self.settle();
    }

    /// A subscriber that runs IPCP (password `pw`), given half a second of simulated time
    /// to come up; its index.
    pub fn connect(&mut self, user: &str) -> usize {
        let i = self.add_ip(user, "pw");
        self.settle();
        for _ in 0..5 {
            self.advance(Duration::from_millis(100));
        }
        i
    }

    /// Subscriber `i` authenticated and its IPCP came up.
    pub fn ip_up(&self, i: usize) -> bool {
        self.subs[i]
            .events
            .iter()
            .any(|e| matches!(e, ClientEvent::IpUp { .. }))
    }

    pub fn lns_sessions(&self) -> Vec<schema::l2tp_rpc::L2tpSession> {
        let show = L2tpShow {
            level: Level::Extensive,
            ..L2tpShow::default()
        };
        self.lns
            .registry()
            .sessions(self.now, &show)
            .map(|s| s.sessions)
            .unwrap_or_default()
    }
}

/// (from, to) of a datagram between the two cores.
fn addresses(t: &Transmit) -> (SocketAddr, SocketAddrV4) {
    let (Some(source), SocketAddr::V4(destination)) = (t.source, t.destination) else {
        panic!("a datagram without addresses: {t:?}");
    };
    (SocketAddr::new(source.into(), 1701), destination)
}

/// The message type of an L2TP control message (`None`: a data message or a ZLB).
fn control_type(datagram: &[u8]) -> Option<MessageType> {
    ControlMessage::parse_leaving_hidden(datagram)
        .ok()?
        .message_type
}

/// A frame received on the LAC's port: relayed by the table as the port task would
/// (1, straight to the LNS), or handed to the core (0).
pub(super) fn port_receive(now: Instant, lac: &mut Core, lns: &mut Core, frame: &[u8]) -> u64 {
    let mut datagram = Vec::new();
    let target = lac.relay().lock().relay_up(PORT, frame, &mut datagram);
    match target {
        Some(target) => {
            let SocketAddr::V4(destination) = target.destination else {
                panic!("an IPv4 LNS");
            };
            let source = SocketAddr::new(target.source.into(), 1701);
            lns.handle_datagram(now, *destination.ip(), source, &datagram);
            1
        }
        None => {
            lac.handle_frame(now, PORT, frame);
            0
        }
    }
}

/// The only session's data counters: (tx packets, tx bytes, rx packets, rx bytes).
pub(super) fn data_counters(core: &Core, now: Instant, show: &L2tpShow) -> (u64, u64, u64, u64) {
    let sessions = core
        .registry()
        .sessions(now, show)
        .map(|s| s.sessions)
        .unwrap_or_default();
    let [session] = sessions.as_slice() else {
        panic!("one session: {sessions:?}");
    };
    let c = session.statistics.expect("extensive has statistics");
    (
        c.data_tx_packets,
        c.data_tx_bytes,
        c.data_rx_packets,
        c.data_rx_bytes,
    )
}

/// An IPv4 packet (UDP, no checksum) from `source` to `destination`, for the labs' IP paths.
pub(super) fn ipv4_between(source: std::net::Ipv4Addr, destination: std::net::Ipv4Addr) -> Vec<u8> {
    let mut packet = vec![0x45, 0, 0, 24, 0, 1, 0, 0, 64, 17, 0, 0];
    packet.extend_from_slice(&source.octets());
    packet.extend_from_slice(&destination.octets());
    packet.extend_from_slice(b"ping");
    packet
}
