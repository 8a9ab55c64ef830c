//! `[edit services l2tp]` statements that shape what a LAC sends, seen on the wire: a LAC
//! registry and an LNS registry on simulated time.
//! - `tx-address-change`: the network makes everything the LNS sends appear to come from
//!   `lns_seen_as`, another address or port than the LAC called;
//! - `disable-calling-number-avp`, `rx-connect-speed-when-equal`: the ICRQ and ICCN.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Instant;

use l2tpd::l2tp::session::{CallInfo, CallString, CallStrings, CdnResult};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{Avp, ControlMessage, MessageType};
use l2tpd::registry::{Registry, RegistryEvent, SessionRef};
use schema::typed::RouterConfig;

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 72, 1);
const LNS: Ipv4Addr = Ipv4Addr::new(127, 0, 72, 2);
const LNS_MOVED: Ipv4Addr = Ipv4Addr::new(127, 0, 72, 3);

fn config(lines: &str) -> RouterConfig {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::validate::check(&tree).expect("a valid configuration");
    schema::typed::router_config(&tree)
}

fn lac_config(extra: &str) -> RouterConfig {
    config(&format!(
        "set access tunnel-profile tp tunnel 1 source-gateway address {LAC}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {LNS}\n{extra}"
    ))
}

fn policy_lines(policy: Option<&str>) -> String {
    policy.map_or(String::new(), |p| {
        format!("set services l2tp tunnel tx-address-change {p}\n")
    })
}

fn addr(ip: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::new(ip.into(), port)
}

struct Net {
    lac: Registry,
    lns: Registry,
    now: Instant,
    /// Where the LAC sees the LNS's datagrams come from.
    lns_seen_as: SocketAddr,
    /// Where the LAC sent each datagram, in order.
    lac_sent_to: Vec<SocketAddr>,
    /// What the LAC sent, in order.
    lac_sent: Vec<Vec<u8>>,
    lac_events: Vec<RegistryEvent>,
}

impl Net {
    fn new(lac_extra: &str, lns_seen_as: SocketAddr) -> Self {
        Self::with_lns(lac_extra, "", lns_seen_as)
    }

    fn with_lns(lac_extra: &str, lns_extra: &str, lns_seen_as: SocketAddr) -> Self {
        let lns = config(&format!(
            "set services l2tp tunnel-group g local-gateway address {LNS}\n{lns_extra}"
        ));
        Self {
            lac: Registry::new(lac_config(lac_extra), 1),
            lns: Registry::new(lns, 2),
            now: Instant::now(),
            lns_seen_as,
            lac_sent_to: Vec::new(),
            lac_sent: Vec::new(),
            lac_events: Vec::new(),
        }
    }

    /// Delivers both ways until quiet. The LNS gets whatever the LAC sends, wherever it was
    /// addressed: which address the LAC chose is what the tests look at.
    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(t) = self.lac.poll_transmit() {
                moved = true;
                self.lac_sent_to.push(t.destination);
                self.lac_sent.push(t.payload.clone());
                self.lns
                    .handle_datagram(self.now, LNS, addr(LAC, 1701), &t.payload);
            }
            while let Some(t) = self.lns.poll_transmit() {
                moved = true;
                self.lac
                    .handle_datagram(self.now, LAC, self.lns_seen_as, &t.payload);
            }
            while let Some(e) = self.lac.poll_event() {
                self.lac_events.push(e);
            }
            while self.lns.poll_event().is_some() {}
            if !moved {
                return;
            }
        }
    }

    fn call(&mut self) -> SessionRef {
        self.place(CallInfo {
            serial: 1,
            ..CallInfo::default()
        })
    }

    fn place(&mut self, call: CallInfo) -> SessionRef {
        let tp = lac_config("").tunnel_profiles["tp"].clone();
        let call = self
            .lac
            .open_session(self.now, "tp", &tp, call)
            .expect("placed");
        self.settle();
        call
    }

    fn up(&self, call: SessionRef) -> bool {
        self.lac_events
            .iter()
            .any(|e| matches!(e, RegistryEvent::SessionUp { session, .. } if *session == call))
    }

    /// Where the LAC sent after its SCCRQ (which went to the configured LNS).
    fn later_destinations(&self) -> Vec<SocketAddr> {
        let mut later = self.lac_sent_to[1..].to_vec();
        later.dedup();
        later
    }
}

/// Where the LAC sends after its SCCRQ when the LNS answers from `seen_as`; the session must
/// come up either way.
fn destinations_after(policy: Option<&str>, seen_as: SocketAddr) -> Vec<SocketAddr> {
    let mut net = Net::new(&policy_lines(policy), seen_as);
    let call = net.call();
    assert!(net.up(call), "{policy:?}: the session comes up");
    assert_eq!(net.lac_sent_to[0], addr(LNS, 1701), "the SCCRQ");
    net.later_destinations()
}

#[test]
fn accept_follows_the_lns_to_its_new_address_and_port() {
    let moved = addr(LNS_MOVED, 4000);
    assert_eq!(destinations_after(None, moved), [moved]);
    assert_eq!(destinations_after(Some("accept"), moved), [moved]);
}

#[test]
fn ignore_keeps_sending_to_the_original_but_receives_from_the_new() {
    let moved = addr(LNS_MOVED, 4000);
    assert_eq!(destinations_after(Some("ignore"), moved), [addr(LNS, 1701)]);
}

#[test]
fn ignoring_one_half_follows_the_other() {
    let moved = addr(LNS_MOVED, 4000);
    assert_eq!(
        destinations_after(Some("ignore-ip-address"), moved),
        [addr(LNS, 4000)]
    );
    assert_eq!(
        destinations_after(Some("ignore-udp-port"), moved),
        [addr(LNS_MOVED, 1701)]
    );
}

#[test]
fn a_change_after_the_sccrp_is_dropped() {
    let mut net = Net::new("", addr(LNS, 1701));
    let call = net.call();
    assert!(net.up(call));
    let before = net.lac.drops().wrong_peer;
    // The established tunnel's LNS now speaks from elsewhere: nothing it says is taken.
    net.lns_seen_as = addr(LNS, 4000);
    let sent = net.lac_sent_to.len();
    assert!(net
        .lac
        .close_session(net.now, call, CdnResult::administrative("bye"), None));
    net.settle();
    assert!(net.lac.drops().wrong_peer > before);
    assert!(
        net.lac_sent_to[sent..]
            .iter()
            .all(|d| *d == addr(LNS, 1701)),
        "still sending to the address the tunnel was set up with"
    );
}

/// The first `message_type` the LAC sent (no secret: nothing is hidden).
fn sent(net: &Net, message_type: MessageType) -> ControlMessage {
    net.lac_sent
        .iter()
        .filter_map(|d| ControlMessage::parse(d, None).ok())
        .find(|m| m.message_type == Some(message_type))
        .unwrap_or_else(|| panic!("no {message_type:?} sent"))
}

/// The ICRQ and ICCN of a call on a line of 2 Mb/s both ways, with a Calling Number.
fn call_messages(lac_extra: &str) -> (ControlMessage, ControlMessage) {
    let mut net = Net::new(lac_extra, addr(LNS, 1701));
    let call = net.place(CallInfo {
        serial: 1,
        strings: CallStrings::default().with(CallString::CallingNumber, b"ge-1/0/0.100:100"),
        tx_connect_speed: 2_000_000,
        rx_connect_speed: Some(2_000_000),
        ..CallInfo::default()
    });
    assert!(net.up(call));
    (sent(&net, MessageType::ICRQ), sent(&net, MessageType::ICCN))
}

#[test]
fn disable_calling_number_avp_leaves_avp_22_out() {
    let (icrq, _) = call_messages("");
    assert_eq!(
        icrq.get(attr::CALLING_NUMBER),
        Some(&Avp::CallingNumber(b"ge-1/0/0.100:100".to_vec()))
    );
    let (icrq, _) = call_messages("set services l2tp disable-calling-number-avp\n");
    assert_eq!(icrq.get(attr::CALLING_NUMBER), None);
}

#[test]
fn rx_connect_speed_equal_to_tx_is_sent_only_when_asked() {
    let (_, iccn) = call_messages("");
    assert_eq!(iccn.get(attr::RX_CONNECT_SPEED), None);
    let (_, iccn) = call_messages("set services l2tp rx-connect-speed-when-equal\n");
    assert_eq!(
        iccn.get(attr::RX_CONNECT_SPEED),
        Some(&Avp::RxConnectSpeed(2_000_000))
    );
}

/// Our LAC reads what our LNS hides under `hide-avps`: the call comes up.
#[test]
fn a_lac_with_the_secret_reads_an_lns_that_hides_avps() {
    let secret = "set access tunnel-profile tp tunnel 1 secret s3cret\n";
    let mut net = Net::with_lns(
        secret,
        "set services l2tp tunnel-group g hide-avps\n\
         set services l2tp tunnel-group g l2tp-access-profile lacs\n\
         set access profile lacs client default l2tp shared-secret s3cret\n",
        addr(LNS, 1701),
    );
    let tp = lac_config(secret).tunnel_profiles["tp"].clone();
    let call = net
        .lac
        .open_session(net.now, "tp", &tp, CallInfo::default())
        .expect("placed");
    net.settle();
    assert!(net.up(call));
}
