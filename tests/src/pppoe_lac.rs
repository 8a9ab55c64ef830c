//! A LAC's PPPoE side in one process, as the daemon runs it: the daemon's own
//! `DiscoveryServer` and one `ServerLink` per session, sans-IO. The emulator's tests put it at
//! the other end of a simulated segment or of a socket link.

use std::collections::HashMap;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use crate::emulator::FarEnd;
use crate::frame_outbox::{FrameOutbox, RETRY};
use l2tpd::io::{AsyncFrameEndpoint, FrameBatch};
use l2tpd::ppp::fsm;
use l2tpd::ppp::server_link::{Credentials, LinkEvent, ServerLink, ServerLinkConfig};
use l2tpd::ppp::wire::control::code;
use l2tpd::ppp::wire::options::AuthProtocol;
use l2tpd::pppoe::discovery::{self, DiscoveryConfig, DiscoveryServer, Handled};
use l2tpd::pppoe::wire::MacAddr;

pub const AC: MacAddr = MacAddr([0x02, 0, 0, 0, 0, 0xac]);

/// What the concentrator does with the credentials.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AuthAnswer {
    /// The LAC's pass-through: collect them and say nothing (the LNS would answer).
    HandOver,
    /// Answer locally with success.
    Accept,
}

/// The LAC side: discovery plus one `ServerLink` per session.
pub struct Lac {
    pub discovery: DiscoveryServer,
    pub links: HashMap<u16, ServerLink>,
    pub authentication: Vec<AuthProtocol>,
    pub answer: AuthAnswer,
    pub credentials: HashMap<u16, Credentials>,
    /// Every session granted, as granted (kept after it ends).
    pub granted: HashMap<u16, discovery::Session>,
    pub link_downs: Vec<(u16, String)>,
    /// LCP Terminate-Requests received from subscribers.
    pub terminate_requests: usize,
}

impl Lac {
    pub fn new(now: Instant, authentication: Vec<AuthProtocol>, answer: AuthAnswer) -> Self {
        Self {
            discovery: DiscoveryServer::new(DiscoveryConfig::new(AC, "lac1"), [9; 16], now),
            links: HashMap::new(),
            authentication,
            answer,
            credentials: HashMap::new(),
            granted: HashMap::new(),
            link_downs: Vec::new(),
            terminate_requests: 0,
        }
    }

    fn link_config(&self, session_id: u16) -> ServerLinkConfig {
        ServerLinkConfig {
            fsm: fsm::Config::default(),
            mru: 1492,
            magic: 0x5eed_0000 | u32::from(session_id),
            authentication: self.authentication.clone(),
            echo: None,
            auth_timeout: Duration::from_secs(30),
            chap_challenge: vec![0x11; 16],
            name: b"lac1".to_vec(),
            negotiation_timeout: None,
        }
    }

    fn settle(&mut self, now: Instant, out: &mut Vec<Vec<u8>>) {
        while let Some(event) = self.discovery.poll_event() {
            match event {
                discovery::Event::SessionUp { session_id } => {
                    self.granted.extend(
                        self.discovery
                            .session(session_id)
                            .map(|s| (session_id, s.clone())),
                    );
                    let mut link = ServerLink::new(self.link_config(session_id));
                    link.start(now);
                    self.links.insert(session_id, link);
                }
                discovery::Event::SessionDown { session_id, .. } => {
                    if let Some(mut link) = self.links.remove(&session_id) {
                        link.lower_down();
                        while let Some(event) = link.poll_event() {
                            if let LinkEvent::Down(reason) = event {
                                self.link_downs.push((session_id, format!("{reason:?}")));
                            }
                        }
                    }
                }
            }
        }
        let ids: Vec<u16> = self.links.keys().copied().collect();
        for session_id in ids {
            let link = self.links.get_mut(&session_id).unwrap();
            while let Some(event) = link.poll_event() {
                match event {
                    LinkEvent::Credentials(credentials) => {
                        self.credentials.insert(session_id, credentials);
                        match self.answer {
                            AuthAnswer::HandOver => link.hand_over(),
                            AuthAnswer::Accept => link.auth_success(b"welcome", now),
                        }
                    }
                    LinkEvent::Down(reason) => {
                        self.link_downs.push((session_id, format!("{reason:?}")))
                    }
                    LinkEvent::LcpUp | LinkEvent::NetworkUp { .. } => {}
                }
            }
            while let Some(ppp) = link.poll_transmit() {
                out.extend(self.discovery.session_frame(session_id, &ppp));
            }
        }
    }
}

/// The LAC answers the emulator on a simulated segment, and the socket-link test drives it
/// from real sockets.
impl FarEnd for Lac {
    /// One frame from the emulator; returns the frames to send back.
    fn handle_frame(&mut self, frame: &[u8], now: Instant) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        match self.discovery.handle_frame(frame, now) {
            Handled::Reply(reply) => out.push(reply),
            Handled::SessionPpp { session_id, ppp } => {
                if ppp.starts_with(&[0xc0, 0x21, code::TERMINATE_REQUEST]) {
                    self.terminate_requests += 1;
                }
                if let Some(link) = self.links.get_mut(&session_id) {
                    link.handle_frame(ppp, now);
                }
            }
            Handled::Nothing => {}
        }
        self.settle(now, &mut out);
        out
    }

    fn handle_timeout(&mut self, now: Instant) -> Vec<Vec<u8>> {
        for link in self.links.values_mut() {
            if link.poll_timeout().is_some_and(|at| at <= now) {
                link.handle_timeout(now);
            }
        }
        let mut out = Vec::new();
        self.settle(now, &mut out);
        out
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.links
            .values()
            .filter_map(ServerLink::poll_timeout)
            .min()
    }
}

/// Serves `lac` on a real endpoint (a socket link, a packet socket) with the real clock until
/// `child` (an emulator) exits; returns its exit status and its whole stdout. Panics if that
/// takes longer than `limit`.
pub async fn serve_until_exit(
    lac: &mut Lac,
    endpoint: &mut AsyncFrameEndpoint,
    mut child: tokio::process::Child,
    limit: Duration,
) -> (ExitStatus, String) {
    let mut stdout = child.stdout.take().expect("the child's stdout is piped");
    let deadline = tokio::time::Instant::now() + limit;
    let mut batch = FrameBatch::new(64, 2048);
    let mut outbox = FrameOutbox::default();
    let status = loop {
        outbox.flush(endpoint).expect("send to the emulator");
        let mut wake = lac
            .poll_timeout()
            .map(tokio::time::Instant::from_std)
            .map_or(deadline, |at| at.min(deadline));
        if !outbox.is_empty() {
            wake = wake.min(tokio::time::Instant::now() + RETRY);
        }
        tokio::select! {
            status = child.wait() => break status.expect("wait for the emulator"),
            received = endpoint.recv_batch(&mut batch) => {
                received.expect("receive from the emulator");
                let now = Instant::now();
                for frame in batch.frames() {
                    outbox.push(lac.handle_frame(frame, now));
                }
            }
            _ = tokio::time::sleep_until(wake) => {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the emulator did not finish in {limit:?}"
                );
                outbox.push(lac.handle_timeout(Instant::now()));
            }
        }
    };
    let mut output = String::new();
    tokio::io::AsyncReadExt::read_to_string(&mut stdout, &mut output)
        .await
        .expect("read the emulator's output");
    (status, output)
}

/// Takes the frames still queued (the PADTs an emulator sends on its way out) until no
/// session is left; panics if `quiet` passes without a frame while some are.
pub async fn take_until_no_session(
    lac: &mut Lac,
    endpoint: &mut AsyncFrameEndpoint,
    quiet: Duration,
) {
    let mut batch = FrameBatch::new(64, 2048);
    while lac.discovery.session_count() > 0 {
        let received = tokio::time::timeout(quiet, endpoint.recv_batch(&mut batch)).await;
        assert!(
            received.is_ok(),
            "{} sessions left without a PADT",
            lac.discovery.session_count()
        );
        for frame in batch.frames() {
            lac.handle_frame(frame, Instant::now());
        }
    }
}
