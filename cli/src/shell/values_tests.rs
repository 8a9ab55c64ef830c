use super::*;
use crate::shell::render_l2tp::tests as samples;
use schema::l2tp_rpc::{L2tpSessions, L2tpTunnels};
use schema::mgmt::Response;
use schema::tree::{Node, NodeId};
use std::cell::Cell;
use std::io;

fn keys(path: &[&str]) -> Source {
    Source::Keys(path.iter().map(|w| w.to_string()).collect())
}

#[test]
fn requests_read_the_candidate_or_the_active_configuration() {
    let s = keys(&["access", "tunnel-profile"]);
    assert_eq!(
        request(&s, true),
        Request::Show {
            words: vec!["access".into(), "tunnel-profile".into()]
        }
    );
    assert_eq!(
        request(&s, false),
        Request::ShowConfiguration {
            words: vec!["access".into(), "tunnel-profile".into()],
            revision: Revision::Active
        }
    );
    // An operational command reads the active configuration, in either mode.
    let active = Source::ActiveKeys(vec!["access".into(), "tunnel-profile".into()]);
    assert!(matches!(
        request(&active, true),
        Request::ShowConfiguration {
            revision: Revision::Active,
            ..
        }
    ));
    assert!(matches!(
        request(&Source::TunnelIds, false),
        Request::GetL2tpTunnelInformation(_)
    ));
    assert!(matches!(
        request(&Source::SessionUsers, true),
        Request::GetL2tpSessionInformation(_)
    ));
}

#[test]
fn list_names_from_the_configuration() {
    let mut tree = Node::default();
    for (kw, key) in [
        ("tunnel-profile", "tp2"),
        ("tunnel-profile", "tp1"),
        ("profile", "other"),
    ] {
        tree.children
            .insert(NodeId::entry(kw, key), Node::default());
    }
    let reply = Reply::Config {
        path: vec![NodeId::new("access")],
        tree,
        header: None,
    };
    assert_eq!(
        values(&keys(&["access", "tunnel-profile"]), &reply),
        ["tp1", "tp2"]
    );
}

#[test]
fn ids_and_names_from_live_state() {
    let tunnels = Reply::L2tpTunnels(L2tpTunnels {
        tunnels: samples::tunnels(),
    });
    let ids = values(&Source::TunnelIds, &tunnels);
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|i| i.parse::<u16>().is_ok()), "{ids:?}");
    assert!(!values(&Source::PeerGatewayNames, &tunnels).is_empty());
    let sessions = Reply::L2tpSessions(L2tpSessions {
        sessions: samples::sessions(),
    });
    let ids = values(&Source::SessionIds, &sessions);
    assert!(!ids.is_empty());
    // Numbers sort by value, each once.
    let numbers: Vec<u64> = ids.iter().filter_map(|i| i.parse().ok()).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    // The wrong reply for the source gives nothing.
    assert!(values(&Source::SessionIds, &tunnels).is_empty());
}

/// Counts calls, answers with one tunnel profile or fails (`TimedOut`, as a slow daemon).
struct Daemon {
    calls: Cell<usize>,
    slow: bool,
}

impl Transport for Daemon {
    fn call(&mut self, _: Request) -> io::Result<Response> {
        self.calls.set(self.calls.get() + 1);
        if self.slow {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let mut tree = Node::default();
        tree.children
            .insert(NodeId::entry("tunnel-profile", "tp1"), Node::default());
        Ok(Response {
            result: Ok(Reply::Config {
                path: vec![],
                tree,
                header: None,
            }),
            notices: vec![],
        })
    }
}

#[test]
fn the_cache_asks_once_while_fresh_and_not_at_all_when_slow() {
    let source = keys(&["access", "tunnel-profile"]);
    let mut d = Daemon {
        calls: Cell::new(0),
        slow: false,
    };
    let mut cache = Cache::default();
    let t0 = Instant::now();
    assert_eq!(cache.get(&mut d, &source, true, t0), ["tp1"]);
    assert_eq!(cache.get(&mut d, &source, true, t0 + FRESH / 2), ["tp1"]);
    assert_eq!(d.calls.get(), 1);
    // The other mode reads another configuration.
    cache.get(&mut d, &source, false, t0);
    assert_eq!(d.calls.get(), 2);
    // Stale: asked again.
    cache.get(&mut d, &source, true, t0 + FRESH);
    assert_eq!(d.calls.get(), 3);
    // A slow daemon: no values, nothing kept.
    let mut slow = Daemon {
        calls: Cell::new(0),
        slow: true,
    };
    let mut cache = Cache::default();
    assert!(cache.get(&mut slow, &source, true, t0).is_empty());
    assert!(cache.get(&mut slow, &source, true, t0).is_empty());
    assert_eq!(slow.calls.get(), 2);
}

#[test]
fn subscriber_names_and_interfaces() {
    let reply = Reply::Subscribers(crate::shell::render_subscribers::tests::sample());
    // The subscriber still authenticating has no user name yet.
    assert_eq!(values(&Source::SubscriberUsers, &reply), ["u1@example.net"]);
    assert_eq!(
        values(&Source::SubscriberInterfaces, &reply),
        ["pp0.1073741825", "pp0.1073741826"]
    );
    // Only the auto-sensed VLANs are what `clear auto-configuration interfaces` takes.
    assert!(values(&Source::AutoVlanInterfaces, &reply).is_empty());
    let mut with_vlan = crate::shell::render_subscribers::tests::sample();
    let mut vlan = with_vlan.subscribers[0].clone();
    vlan.interface = "ge-1/0/0.1073741824".into();
    vlan.access_type = schema::subscriber_rpc::AccessType::Vlan;
    with_vlan.subscribers.push(vlan);
    assert_eq!(
        values(&Source::AutoVlanInterfaces, &Reply::Subscribers(with_vlan)),
        ["ge-1/0/0.1073741824"]
    );
    assert!(matches!(
        request(&Source::SubscriberUsers, false),
        Request::GetSubscribers(_)
    ));
}
