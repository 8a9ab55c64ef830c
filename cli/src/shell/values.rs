//! Existing values for completion and `?`: the names of a configuration list (candidate in
//! configuration mode, active in operational mode and for operational commands) and the IDs and names of the tunnels and
//! sessions up now. Each is one request the daemon already answers (a show), asked at most
//! once every few seconds and given up on when the daemon is slow: help never waits.

use super::help::Source;
use super::transport::Transport;
use schema::l2tp_rpc::L2tpShow;
use schema::mgmt::{Reply, Request, Revision};
use schema::subscriber_rpc::{AccessType, SubscriberShow};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long fetched values are reused: `?` then Tab on one line asks once.
pub const FRESH: Duration = Duration::from_secs(3);
/// The longest completion waits for the daemon before it shows the tables' help alone.
pub const PATIENCE: Duration = Duration::from_millis(200);

/// The request whose reply holds the values of `source`.
pub fn request(source: &Source, configuration: bool) -> Request {
    match source {
        Source::Keys(path) if configuration => Request::Show {
            words: path.clone(),
        },
        Source::Keys(path) | Source::ActiveKeys(path) => Request::ShowConfiguration {
            words: path.clone(),
            revision: Revision::Active,
        },
        Source::TunnelIds
        | Source::LocalGatewayNames
        | Source::PeerGatewayNames
        | Source::TunnelGroups => Request::GetL2tpTunnelInformation(L2tpShow::default()),
        Source::SessionIds | Source::SessionUsers | Source::SessionInterfaces => {
            Request::GetL2tpSessionInformation(L2tpShow::default())
        }
        Source::SubscriberUsers | Source::SubscriberInterfaces | Source::AutoVlanInterfaces => {
            Request::GetSubscribers(SubscriberShow::default())
        }
    }
}

/// The values of `source` in `reply`, sorted (numbers by value), each once.
pub fn values(source: &Source, reply: &Reply) -> Vec<String> {
    let mut out: Vec<String> = match (source, reply) {
        // `show access tunnel-profile` answers with the list's entries.
        (Source::Keys(path) | Source::ActiveKeys(path), Reply::Config { tree, .. }) => tree
            .children
            .keys()
            .filter(|id| path.last().is_some_and(|last| *last == id.keyword))
            .filter_map(|id| id.key.as_ref().map(|k| k.to_string()))
            .collect(),
        (Source::TunnelIds, Reply::L2tpTunnels(t)) => t
            .tunnels
            .iter()
            .map(|t| t.tunnel_local_id.to_string())
            .collect(),
        (Source::LocalGatewayNames, Reply::L2tpTunnels(t)) => {
            t.tunnels.iter().map(|t| t.local_name.clone()).collect()
        }
        (Source::PeerGatewayNames, Reply::L2tpTunnels(t)) => {
            t.tunnels.iter().map(|t| t.remote_name.clone()).collect()
        }
        (Source::TunnelGroups, Reply::L2tpTunnels(t)) => {
            t.tunnels.iter().map(|t| t.tunnel_group.clone()).collect()
        }
        (Source::SessionIds, Reply::L2tpSessions(s)) => s
            .sessions
            .iter()
            .map(|s| s.session_local_id.to_string())
            .collect(),
        (Source::SessionUsers, Reply::L2tpSessions(s)) => s
            .sessions
            .iter()
            .filter_map(|s| s.user_name.clone())
            .collect(),
        (Source::SessionInterfaces, Reply::L2tpSessions(s)) => s
            .sessions
            .iter()
            .map(|s| s.interface_name.clone())
            .collect(),
        (Source::SubscriberUsers, Reply::Subscribers(s)) => s
            .subscribers
            .iter()
            .filter_map(|s| s.user_name.clone())
            .collect(),
        (Source::SubscriberInterfaces, Reply::Subscribers(s)) => {
            s.subscribers.iter().map(|s| s.interface.clone()).collect()
        }
        // `show subscribers` lists each auto-sensed VLAN as a subscriber of type VLAN.
        (Source::AutoVlanInterfaces, Reply::Subscribers(s)) => s
            .subscribers
            .iter()
            .filter(|s| s.access_type == AccessType::Vlan)
            .map(|s| s.interface.clone())
            .collect(),
        _ => Vec::new(),
    };
    out.retain(|v| !v.is_empty());
    out.sort_by(|a, b| match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    });
    out.dedup();
    out
}

/// Values fetched recently, by source and mode.
#[derive(Default)]
pub struct Cache {
    entries: HashMap<(Source, bool), (Instant, Vec<String>)>,
}

impl Cache {
    /// The values of `source`, from the cache while fresh, else asked of `transport` (an
    /// answer slower than [`PATIENCE`], or an error, is no values, and is not kept).
    pub fn get<T: Transport + ?Sized>(
        &mut self,
        transport: &mut T,
        source: &Source,
        configuration: bool,
        now: Instant,
    ) -> Vec<String> {
        let key = (source.clone(), configuration);
        if let Some((at, values)) = self.entries.get(&key) {
            if now.duration_since(*at) < FRESH {
                return values.clone();
            }
        }
        let request = request(source, configuration);
        let Ok(response) = transport.call_within(request, PATIENCE) else {
            return Vec::new();
        };
        let Ok(reply) = response.result else {
            return Vec::new();
        };
        let found = values(source, &reply);
        self.entries.insert(key, (now, found.clone()));
        found
    }
}

#[cfg(test)]
#[path = "values_tests.rs"]
mod tests;
