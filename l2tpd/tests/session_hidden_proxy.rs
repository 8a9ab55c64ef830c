//! The LAC's ICCN over real tunnels: with a tunnel secret the subscriber's PAP password (Proxy
//! Authen Response) must not appear in the clear on the wire, and the LNS must still recover
//! the proxy data intact; without a secret the ICCN goes out as it always did.

use std::num::NonZeroU16;
use std::time::Instant;

use l2tpd::l2tp::control::{PeerAuth, Tunnel, TunnelConfig, TunnelEvent, TunnelState};
use l2tpd::l2tp::session::{
    CallInfo, LnsPolicy, ProxyAuth, ProxyAuthenType, ProxyData, ProxyLcp, Session, SessionEvent,
    SessionState,
};
use l2tpd::l2tp::wire::attribute::attr;
use l2tpd::l2tp::wire::{AvpIter, ControlMessage, MessageType};
use rand::rngs::StdRng;
use rand::SeedableRng;
use schema::typed::Secret;

const PASSWORD: &[u8] = b"correct-horse-battery-staple";
const SECRET: &[u8] = b"tunnel-s3cret";

fn id(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero")
}

fn pap_proxy() -> ProxyData {
    ProxyData {
        lcp: Some(ProxyLcp {
            initial_received: Some(vec![0x01, 0x04, 0x05, 0xd4]),
            last_sent: Some(vec![0x01, 0x04, 0x05, 0xd4, 0x03, 0x04, 0xc0, 0x23]),
            last_received: Some(vec![0x01, 0x04, 0x05, 0xd4]),
        }),
        auth: Some(ProxyAuth {
            authen_type: ProxyAuthenType::Pap,
            name: Some(b"subscriber@example.test".to_vec()),
            challenge: None,
            id: Some(1),
            response: Some(PASSWORD.to_vec()),
        }),
    }
}

/// A LAC and an LNS, each a tunnel with one session, over a lossless in-order network.
struct Pair {
    now: Instant,
    secret: Option<Secret>,
    lac: Tunnel,
    lns: Option<Tunnel>,
    lac_session: Session,
    lns_session: Option<Session>,
    /// Every datagram the LAC sent, in order.
    lac_sent: Vec<Vec<u8>>,
    lns_proxy: Option<ProxyData>,
}

impl Pair {
    fn new(secret: Option<&[u8]>) -> Self {
        let now = Instant::now();
        let mut rng = StdRng::seed_from_u64(9);
        let mut lac_cfg = TunnelConfig::new("lac");
        lac_cfg.secret = secret.map(Secret::new);
        let call = CallInfo {
            serial: 7,
            tx_connect_speed: 1_000_000_000,
            proxy: pap_proxy(),
            ..CallInfo::default()
        };
        Self {
            now,
            secret: secret.map(Secret::new),
            lac: Tunnel::new_initiator(lac_cfg, 100, now, &mut rng),
            lns: None,
            lac_session: Session::new_outgoing_call_lac(id(10), call),
            lns_session: None,
            lac_sent: Vec::new(),
            lns_proxy: None,
        }
    }

    /// Moves datagrams, tunnel events and session messages until nothing moves.
    fn settle(&mut self) {
        loop {
            let mut moved = false;
            while let Some(datagram) = self.lac.poll_transmit(self.now) {
                moved = true;
                self.deliver_to_lns(&datagram);
                self.lac_sent.push(datagram);
            }
            if let Some(lns) = self.lns.as_mut() {
                while let Some(datagram) = lns.poll_transmit(self.now) {
                    moved = true;
                    self.lac.handle_datagram(self.now, &datagram);
                }
            }
            moved |= self.lac_events();
            moved |= self.lns_events();
            moved |= self.session_messages();
            if !moved {
                return;
            }
        }
    }

    fn deliver_to_lns(&mut self, datagram: &[u8]) {
        match self.lns.as_mut() {
            Some(lns) => lns.handle_datagram(self.now, datagram),
            None => {
                let auth = PeerAuth::Admitted {
                    secret: self.secret.clone(),
                };
                let mut rng = StdRng::seed_from_u64(11);
                let lns = Tunnel::new_responder(
                    TunnelConfig::new("lns"),
                    200,
                    datagram,
                    auth,
                    self.now,
                    &mut rng,
                )
                .expect("an SCCRQ");
                self.lns = Some(lns);
            }
        }
    }

    fn lac_events(&mut self) -> bool {
        let mut moved = false;
        while let Some(event) = self.lac.poll_event() {
            moved = true;
            if let TunnelEvent::SessionMessage { msg, .. } = event {
                self.lac_session.handle_message(&msg);
            }
        }
        moved
    }

    fn lns_events(&mut self) -> bool {
        let mut moved = false;
        let Some(lns) = self.lns.as_mut() else {
            return false;
        };
        while let Some(event) = lns.poll_event() {
            moved = true;
            let TunnelEvent::SessionMessage { msg, .. } = event else {
                continue;
            };
            match self.lns_session.as_mut() {
                Some(session) => session.handle_message(&msg),
                None => {
                    let session = Session::new_incoming_lns(id(20), &msg, &LnsPolicy::default())
                        .expect("ICRQ accepted");
                    self.lns_session = Some(session);
                }
            }
        }
        if let Some(session) = self.lns_session.as_mut() {
            while let Some(event) = session.poll_event() {
                if let SessionEvent::Established { proxy } = event {
                    self.lns_proxy = Some(proxy);
                }
            }
        }
        moved
    }

    fn session_messages(&mut self) -> bool {
        let mut moved = false;
        if self.lac.state() == TunnelState::Established {
            while let Some(out) = self.lac_session.poll_message() {
                moved = true;
                self.lac
                    .send_session_message(out.peer_session_id, &out.builder)
                    .expect("queued");
            }
        }
        if let (Some(lns), Some(session)) = (self.lns.as_mut(), self.lns_session.as_mut()) {
            while let Some(out) = session.poll_message() {
                moved = true;
                lns.send_session_message(out.peer_session_id, &out.builder)
                    .expect("queued");
            }
        }
        moved
    }

    /// The ICCN datagram the LAC sent.
    fn iccn_bytes(&self) -> &[u8] {
        self.lac_sent
            .iter()
            .find(|datagram| {
                ControlMessage::parse(datagram, self.secret.as_ref().map(Secret::expose))
                    .is_ok_and(|msg| msg.message_type == Some(MessageType::ICCN))
            })
            .expect("the LAC sent an ICCN")
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// (attribute, H bit) of each AVP of a control datagram.
fn h_bits(datagram: &[u8]) -> Vec<(u16, bool)> {
    AvpIter::new(datagram.get(12..).expect("a control header"))
        .map(|avp| {
            let avp = avp.expect("well formed");
            (avp.attribute_type(), avp.hidden())
        })
        .collect()
}

fn established(secret: Option<&[u8]>) -> Pair {
    let mut pair = Pair::new(secret);
    pair.settle();
    assert_eq!(pair.lac_session.state(), SessionState::Established);
    assert_eq!(
        pair.lns_session.as_ref().map(Session::state),
        Some(SessionState::Established)
    );
    pair
}

#[test]
fn with_a_secret_the_password_is_hidden_and_arrives_intact() {
    let pair = established(Some(SECRET));
    let iccn = pair.iccn_bytes();
    assert!(
        !contains(iccn, PASSWORD),
        "the PAP password is on the wire in the clear"
    );
    let bits = h_bits(iccn);
    let response = bits
        .iter()
        .position(|(attribute, _)| *attribute == attr::PROXY_AUTHEN_RESPONSE)
        .expect("Proxy Authen Response sent");
    assert_eq!(
        bits.get(response),
        Some(&(attr::PROXY_AUTHEN_RESPONSE, true))
    );
    assert_eq!(
        response.checked_sub(1).and_then(|before| bits.get(before)),
        Some(&(attr::RANDOM_VECTOR, false)),
        "a fresh Random Vector right before the first hidden AVP"
    );
    // Only the credential is hidden; the rest stays readable for operators' captures.
    assert_eq!(bits.iter().filter(|(_, hidden)| *hidden).count(), 1);
    assert_eq!(pair.lns_proxy, Some(pap_proxy()));
    // The ICCN cannot be read without the secret.
    assert!(ControlMessage::parse(iccn, None).is_err());
}

#[test]
fn without_a_secret_the_iccn_is_unchanged() {
    let pair = established(None);
    let iccn = pair.iccn_bytes();
    assert!(contains(iccn, PASSWORD));
    let bits = h_bits(iccn);
    assert!(bits.iter().all(|(_, hidden)| !hidden));
    assert!(bits
        .iter()
        .all(|(attribute, _)| *attribute != attr::RANDOM_VECTOR));
    assert_eq!(pair.lns_proxy, Some(pap_proxy()));
}
