//! `protocols pppoe traceoptions` end to end in simulated time: a PPPoE subscriber's
//! discovery and its session reach the PPPoE trace file, from the LAC's real access path.

use std::time::Duration;

use tracing_subscriber::layer::SubscriberExt;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE};
use crate::trace::{Domain, TraceHandle};

#[test]
fn a_subscriber_s_discovery_and_session_are_traced_at_the_lac() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lac = lac_config(
        "set protocols pppoe traceoptions file pppoe-lab\n\
         set protocols pppoe traceoptions flag protocol\n\
         set protocols pppoe traceoptions flag session-db\n\
         set protocols pppoe traceoptions level all\n",
    );
    let handle = TraceHandle::new(Domain::Pppoe);
    handle
        .configure(dir.path(), lac.pppoe_traceoptions.as_ref())
        .expect("configure");
    let mut lab = Lab::new(lac, config(LNS_BASE));
    let subscriber = tracing_subscriber::registry().with(handle.layer());
    tracing::subscriber::with_default(subscriber, || {
        lab.add_ip("alice@isp.example", "pw");
        lab.settle();
        for _ in 0..5 {
            lab.advance(Duration::from_millis(100));
        }
    });
    let text = std::fs::read_to_string(dir.path().join("pppoe-lab")).expect("the trace file");
    let codes: Vec<&str> = ["received PADI", "sent PADO", "received PADR", "sent PADS"]
        .into_iter()
        .filter(|code| !text.contains(code))
        .collect();
    assert!(codes.is_empty(), "missing {codes:?} in:\n{text}");
    assert!(text.contains("session 1 up"), "{text}");
    // Only PPPoE's: the L2TP tunnel the LAC opened for the subscriber is not in it.
    assert!(!text.to_lowercase().contains("tunnel"), "{text}");
}
