//! The daemon's own PPP client role as the emulator's PPP: `ClientLink` behind `PppClient`.

use std::time::{Duration, Instant};

use l2tpd::ppp::client_link::{ClientEvent, ClientLink, ClientLinkConfig, EchoConfig};
use l2tpd::ppp::fsm;

use super::ppp_client::{PppClient, PppParams};

/// pppd's defaults (lcp-echo-interval 30, lcp-echo-failure 4) would let a dead LAC go unseen
/// for two minutes; an emulator run is shorter, so it looks every 10 s.
const ECHO: EchoConfig = EchoConfig {
    interval: Duration::from_secs(10),
    max_failures: 3,
};

impl PppClient for ClientLink {
    fn new(params: PppParams) -> Self {
        ClientLink::new(ClientLinkConfig {
            fsm: fsm::Config::default(),
            mru: params.mru,
            magic: params.magic,
            user: params.user,
            password: params.password,
            echo: Some(ECHO),
            ipcp: params.ipcp,
        })
    }

    fn start(&mut self, now: Instant) {
        ClientLink::start(self, now)
    }

    fn handle_frame(&mut self, ppp: &[u8], now: Instant) {
        ClientLink::handle_frame(self, ppp, now)
    }

    fn handle_timeout(&mut self, now: Instant) {
        ClientLink::handle_timeout(self, now)
    }

    fn poll_timeout(&self) -> Option<Instant> {
        ClientLink::poll_timeout(self)
    }

    fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        ClientLink::poll_transmit(self)
    }

    fn poll_event(&mut self) -> Option<ClientEvent> {
        ClientLink::poll_event(self)
    }

    fn close(&mut self, now: Instant) {
        ClientLink::close(self, now)
    }

    fn lower_down(&mut self) {
        ClientLink::lower_down(self)
    }
}
