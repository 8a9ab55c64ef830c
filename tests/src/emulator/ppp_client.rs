//! The PPP client the emulator drives for each subscriber once its PPPoE session is up: in
//! the emulator binary and the tests it is the daemon's own `ClientLink`; the core only needs
//! this much of it, and takes its events as they are.

use std::time::Instant;

use l2tpd::ppp::client_link::ClientEvent;

/// Who the subscriber is to PPP.
#[derive(Debug, Clone)]
pub struct PppParams {
    pub user: Vec<u8>,
    /// The PAP password and the CHAP secret.
    pub password: Vec<u8>,
    /// The MRU to ask for: the PPPoE payload discovery agreed (RFC 2516 §7, RFC 4638).
    pub mru: u16,
    pub magic: u32,
    /// Run IPCP after authentication.
    pub ipcp: bool,
}

/// The sans-IO shape of `ClientLink`.
pub trait PppClient {
    fn new(params: PppParams) -> Self;
    /// The PPPoE session is up: LCP starts.
    fn start(&mut self, now: Instant);
    /// One PPP frame, protocol field first.
    fn handle_frame(&mut self, ppp: &[u8], now: Instant);
    fn handle_timeout(&mut self, now: Instant);
    fn poll_timeout(&self) -> Option<Instant>;
    /// Whole PPP frames, protocol field first.
    fn poll_transmit(&mut self) -> Option<Vec<u8>>;
    fn poll_event(&mut self) -> Option<ClientEvent>;
    /// LCP Terminate-Request; `Down` once done or timed out.
    fn close(&mut self, now: Instant);
    /// The PPPoE session is gone: nothing more is sent.
    fn lower_down(&mut self);
}
