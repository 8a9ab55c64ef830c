//! Whole conversations between the responder and the daemon's own server link as our LNS
//! runs it (`ServerLink`: LCP asking for authentication, PAP/CHAP, IPCP assigning an
//! address), in memory with a simulated clock. The owner's part (checking the credentials,
//! starting IPCP) is played here the way `subscriber/termination.rs` plays it.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use l2tpd::ppp::chap::{verify_md5, ChapResponse};
use l2tpd::ppp::fsm;
use l2tpd::ppp::server_link::{
    AuthProtocol, Credentials as ServerCredentials, DownReason, IpcpServerAddresses, LinkEvent,
    ServerLink, ServerLinkConfig,
};

use super::*;

const ADDRESSES: IpcpServerAddresses = IpcpServerAddresses {
    local: Ipv4Addr::new(198, 18, 240, 1),
    peer: Ipv4Addr::new(198, 18, 240, 10),
    primary_dns: None,
    secondary_dns: None,
    primary_nbns: None,
    secondary_nbns: None,
    suggest_dns: false,
};
const SECRET: &[u8] = b"right-secret";

fn credentials(secret: &[u8]) -> Credentials {
    Credentials {
        user: b"ours".to_vec(),
        secret: secret.to_vec(),
    }
}

/// The LNS's link, asking for `authentication` in this order.
fn lns(authentication: Vec<AuthProtocol>) -> ServerLink {
    ServerLink::new(ServerLinkConfig {
        fsm: fsm::Config::default(),
        mru: 1500,
        magic: 0x1a2b_3c4d,
        authentication,
        echo: None,
        auth_timeout: Duration::from_secs(30),
        chap_challenge: (1..=16).collect(),
        name: b"our-lns".to_vec(),
        negotiation_timeout: Some(Duration::from_secs(60)),
    })
}

struct Pair {
    now: Instant,
    responder: Responder,
    server: ServerLink,
    server_events: Vec<LinkEvent>,
    /// The responder's log lines, in order.
    log: Vec<String>,
    exited: bool,
    /// Frames from the responder not yet given to the server.
    to_server: Vec<Vec<u8>>,
}

impl Pair {
    fn new(server: ServerLink, credentials: Credentials) -> Pair {
        Pair {
            now: Instant::now(),
            responder: Responder::new(0x5eed_0002, credentials),
            server,
            server_events: Vec::new(),
            log: Vec::new(),
            exited: false,
            to_server: Vec::new(),
        }
    }

    fn take(&mut self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Transmit(frame) => self.to_server.push(frame),
                Action::Log(line) => self.log.push(line),
                Action::Exit => self.exited = true,
            }
        }
    }

    /// Both start; frames cross until neither has anything to send.
    fn start(&mut self) {
        self.server.start(self.now);
        let actions = self.responder.start(self.now);
        self.take(actions);
        self.shuttle();
    }

    fn shuttle(&mut self) {
        for _ in 0..100 {
            let mut moved = false;
            for frame in std::mem::take(&mut self.to_server) {
                self.server.handle_frame(&frame, self.now);
                moved = true;
            }
            self.owner();
            while let Some(frame) = self.server.poll_transmit() {
                let actions = self.responder.handle_frame(self.now, &frame);
                self.take(actions);
                moved = true;
            }
            if !moved {
                return;
            }
        }
        panic!("the conversation does not settle:\n{}", self.log.join("\n"));
    }

    /// What the LNS does with its link's events: local users with `SECRET`, then IPCP.
    fn owner(&mut self) {
        while let Some(event) = self.server.poll_event() {
            match &event {
                LinkEvent::Credentials(credentials) => {
                    let good = match credentials {
                        ServerCredentials::Pap { password, .. } => password == SECRET,
                        ServerCredentials::Chap {
                            identifier,
                            name,
                            challenge,
                            response,
                        } => verify_md5(
                            &ChapResponse {
                                identifier: *identifier,
                                name: name.clone(),
                                challenge: challenge.clone(),
                                response: response.clone(),
                            },
                            SECRET,
                        ),
                    };
                    if good {
                        self.server.start_ipcp(ADDRESSES, self.now);
                        self.server.auth_success(b"welcome", self.now);
                    } else {
                        self.server.auth_failure(b"authentication failed", self.now);
                    }
                }
                LinkEvent::LcpUp if self.server.negotiated().authentication.is_none() => {
                    self.server.start_ipcp(ADDRESSES, self.now);
                    self.server.auth_success(b"", self.now);
                }
                _ => {}
            }
            self.server_events.push(event);
        }
    }

    /// Runs both clocks to `at`, one timer at a time.
    fn advance_to(&mut self, at: Instant) {
        loop {
            let next = [self.responder.poll_timeout(), self.server.poll_timeout()]
                .into_iter()
                .flatten()
                .min();
            match next {
                Some(due) if due <= at && !self.exited => {
                    self.now = due;
                    let actions = self.responder.handle_timeout(due);
                    self.take(actions);
                    self.server.handle_timeout(due);
                    self.shuttle();
                }
                _ => break,
            }
        }
        self.now = at;
    }

    fn logged(&self, needle: &str) -> bool {
        self.log.iter().any(|line| line.contains(needle))
    }

    fn network_up(&self) -> bool {
        self.server_events.iter().any(|e| {
            *e == LinkEvent::NetworkUp {
                peer: ADDRESSES.peer,
            }
        })
    }
}

#[test]
fn chap_md5_then_ipcp_takes_the_address_the_lns_assigns() {
    let mut pair = Pair::new(
        lns(vec![AuthProtocol::ChapMd5, AuthProtocol::Pap]),
        credentials(SECRET),
    );
    pair.start();
    let log = pair.log.join("\n");
    assert!(pair.logged("authenticating with CHAP-MD5"), "{log}");
    assert!(
        pair.logged("CHAP challenge received, response sent (user ours)"),
        "{log}"
    );
    assert!(
        pair.logged("authentication succeeded (CHAP, message \"welcome\")"),
        "{log}"
    );
    assert!(
        pair.logged("IPCP up, address 198.18.240.10, peer 198.18.240.1"),
        "{log}"
    );
    assert_eq!(pair.responder.address(), Some(ADDRESSES.peer));
    assert!(pair.network_up(), "{:?}", pair.server_events);
    let user = pair.server_events.iter().find_map(|e| match e {
        LinkEvent::Credentials(ServerCredentials::Chap { name, .. }) => Some(name.clone()),
        _ => None,
    });
    assert_eq!(user.as_deref(), Some(&b"ours"[..]));
    // The link stays: a minute later (the LNS's negotiation watchdog) nothing went down.
    pair.advance_to(pair.now + Duration::from_secs(90));
    assert!(!pair.exited);
    assert!(
        !pair
            .server_events
            .iter()
            .any(|e| matches!(e, LinkEvent::Down(_))),
        "{:?}",
        pair.server_events
    );
}

#[test]
fn pap_when_the_lns_asks_for_it() {
    let mut pair = Pair::new(lns(vec![AuthProtocol::Pap]), credentials(SECRET));
    pair.start();
    let log = pair.log.join("\n");
    assert!(
        pair.logged("PAP authenticate-request sent (user ours)"),
        "{log}"
    );
    assert!(
        pair.logged("authentication succeeded (PAP, message \"welcome\")"),
        "{log}"
    );
    assert!(pair.logged("IPCP up, address 198.18.240.10,"), "{log}");
    assert!(pair.network_up(), "{:?}", pair.server_events);
}

#[test]
fn no_authentication_asked_goes_straight_to_ipcp() {
    let mut pair = Pair::new(lns(vec![]), credentials(SECRET));
    pair.start();
    // Our IPCP request went out with our LCP Ack, before the LNS's owner saw LCP up and
    // started IPCP: the LNS discarded it (RFC 1661 §3.5), and our restart timer resends it.
    pair.advance_to(pair.now + RESTART_TIMER);
    let log = pair.log.join("\n");
    assert!(!pair.logged("authentication"), "{log}");
    assert!(pair.logged("IPCP up, address 198.18.240.10,"), "{log}");
    assert!(pair.network_up(), "{:?}", pair.server_events);
}

#[test]
fn a_wrong_secret_is_refused_and_the_responder_exits_after_the_terminate_ack() {
    let mut pair = Pair::new(
        lns(vec![AuthProtocol::ChapMd5, AuthProtocol::Pap]),
        credentials(b"wrong-secret"),
    );
    pair.start();
    let log = pair.log.join("\n");
    assert!(
        pair.logged("authentication failed (CHAP, message \"authentication failed\")"),
        "{log}"
    );
    assert!(pair.logged("terminate-ack sent"), "{log}");
    assert!(!pair.logged("IPCP configure-request"), "{log}");
    assert_eq!(pair.responder.address(), None);
    assert!(
        pair.server_events
            .contains(&LinkEvent::Down(DownReason::AuthFailed)),
        "{:?}",
        pair.server_events
    );
    // The LNS has its Terminate-Ack at once; we stay a Restart time (its CDN's moment).
    assert!(!pair.exited);
    pair.advance_to(pair.now + RESTART_TIMER);
    assert!(pair.exited, "{}", pair.log.join("\n"));
}

#[test]
fn a_lost_pap_request_is_sent_again() {
    let mut pair = Pair::new(lns(vec![AuthProtocol::Pap]), credentials(SECRET));
    pair.server.start(pair.now);
    let actions = pair.responder.start(pair.now);
    pair.take(actions);
    // LCP crosses, but the first PAP request is lost on its way.
    for _ in 0..10 {
        for frame in std::mem::take(&mut pair.to_server) {
            if frame.get(2..4) == Some(&[0xc0, 0x23]) {
                continue;
            }
            pair.server.handle_frame(&frame, pair.now);
        }
        pair.owner();
        while let Some(frame) = pair.server.poll_transmit() {
            let actions = pair.responder.handle_frame(pair.now, &frame);
            pair.take(actions);
        }
    }
    assert!(pair.logged("PAP authenticate-request sent (user ours)"));
    assert!(!pair.network_up());
    pair.advance_to(pair.now + RESTART_TIMER);
    assert!(pair.logged("PAP authenticate-request sent again"));
    assert!(pair.network_up(), "{}", pair.log.join("\n"));
}
