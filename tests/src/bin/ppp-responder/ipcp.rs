//! IPCP as a client (RFC 1332, DNS options of RFC 1877): ask for 0.0.0.0, take the address
//! the server Naks us, acknowledge the server's own request. The daemon's automaton and
//! client policy (`Fsm<IpcpPolicy>` with `IpcpRole::Client`, the subscriber emulator's) do
//! the negotiation; this module turns it into frames and log lines. No interface is
//! configured: the address is only logged, for the tests to read.

use std::net::Ipv4Addr;
use std::time::Instant;

use l2tpd::ppp::fsm::{self, Event, Fsm};
use l2tpd::ppp::ipcp::{IpcpPolicy, IpcpRole};
use l2tpd::ppp::wire::control::{code, ControlPacket};
use l2tpd::ppp::wire::Protocol;

use crate::lcp;
use crate::responder::{code_name, Action};

pub struct Ipcp {
    fsm: Fsm<IpcpPolicy>,
}

impl Ipcp {
    /// The network phase began: IPCP opens and sends its Configure-Request.
    pub fn start(now: Instant, actions: &mut Vec<Action>) -> Self {
        let mut fsm = Fsm::new(
            Protocol::Ipcp,
            fsm::Config::default(),
            IpcpPolicy::new(IpcpRole::Client),
        );
        fsm.open(now);
        fsm.up(now);
        let mut ipcp = Ipcp { fsm };
        ipcp.drain(actions);
        actions.push(Action::Log(
            "IPCP configure-request sent (address 0.0.0.0)".into(),
        ));
        ipcp
    }

    /// Our address once IPCP is up.
    #[cfg(test)]
    pub fn address(&self) -> Option<Ipv4Addr> {
        (self.fsm.state() == fsm::State::Opened)
            .then_some(self.fsm.policy.addresses.local)
            .flatten()
    }

    /// One IPCP packet (the information field of its frame).
    pub fn handle_packet(&mut self, information: &[u8], now: Instant, actions: &mut Vec<Action>) {
        let handled = ControlPacket::parse(information).and_then(|packet| {
            actions.push(Action::Log(format!(
                "IPCP {} id {} received",
                code_name(packet.code),
                packet.identifier
            )));
            // Nak hints come before the automaton resends, so the log says what we took.
            if packet.code == code::CONFIGURE_NAK {
                log_options("IPCP configure-nak offers", packet.data, actions);
            }
            self.fsm.handle_packet(&packet, now)
        });
        if let Err(e) = handled {
            actions.push(Action::Log(format!("malformed IPCP packet discarded: {e}")));
        }
        self.drain(actions);
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.fsm.poll_timeout()
    }

    pub fn handle_timeout(&mut self, now: Instant, actions: &mut Vec<Action>) {
        self.fsm.handle_timeout(now);
        self.drain(actions);
    }

    fn drain(&mut self, actions: &mut Vec<Action>) {
        while let Some(packet) = self.fsm.poll_transmit() {
            actions.push(Action::Transmit(lcp::build_frame(
                Protocol::Ipcp.number(),
                &packet,
            )));
        }
        while let Some(event) = self.fsm.poll_event() {
            let line = match event {
                Event::Up => {
                    let addresses = &self.fsm.policy.addresses;
                    let show = |a: Option<Ipv4Addr>| {
                        a.map(|a| a.to_string()).unwrap_or_else(|| "none".into())
                    };
                    format!(
                        "IPCP up, address {}, peer {}",
                        show(addresses.local),
                        show(addresses.peer)
                    )
                }
                Event::Down => "IPCP down".into(),
                Event::Started => continue,
                Event::Finished(reason) => format!("IPCP finished ({reason:?})"),
            };
            actions.push(Action::Log(line));
        }
    }
}

/// The IP-Address option of a Configure-Nak, in the log.
fn log_options(what: &str, data: &[u8], actions: &mut Vec<Action>) {
    use l2tpd::ppp::wire::options::{parse_options, IpcpOption};
    let Ok(options) = parse_options(data) else {
        return;
    };
    let shown: Vec<String> = options
        .iter()
        .filter_map(|raw| IpcpOption::from_raw(raw).ok())
        .map(|option| format!("{option:?}"))
        .collect();
    actions.push(Action::Log(format!("{what} {}", shown.join(", "))));
}

#[cfg(test)]
#[path = "ipcp_tests.rs"]
mod tests;
