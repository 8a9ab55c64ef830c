//! Dynamic authorization (RFC 5176) for subscribers: a Disconnect-Request ends the named
//! subscriber on both sides (PADT and CDN at the LAC, CDN at the LNS, accounting Stop with
//! Admin-Reset); a CoA-Request changes its Session-Timeout and Idle-Timeout. Only from the
//! clients of `access radius-disconnect`, with their secrets; the answer is ACK, or NAK with
//! the Error-Cause that says why.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use schema::aaa_rpc::DynamicRequestStatistics;
use schema::typed::RouterConfig;

use super::lac::SubscriberLayer;
use super::table::{EndCause, SubscriberId};
use crate::aaa::dynamic_authorization::{
    answer, error_cause, handle_request, DynamicAuthorizationCounters, DynamicKind, DynamicRequest,
};
use crate::registry::Registry;

/// The clients allowed to send Disconnect/CoA, and what they sent.
#[derive(Default)]
pub struct DynamicAuth {
    clients: HashMap<Ipv4Addr, Arc<[u8]>>,
    pub counters: DynamicAuthorizationCounters,
    /// Answers: ACKs and NAKs by Error-Cause (0: ACK).
    pub acks: u64,
    pub naks: u64,
}

impl DynamicAuth {
    /// `clear network-access aaa statistics`.
    pub fn clear_counters(&mut self) {
        self.counters = Default::default();
        self.acks = 0;
        self.naks = 0;
    }

    pub fn configure(&mut self, config: &RouterConfig) {
        self.clients = config
            .radius_disconnect
            .iter()
            .filter_map(|(address, secret)| Some((*address, Arc::from(secret.as_ref()?.expose()))))
            .collect();
    }
}

impl SubscriberLayer {
    /// `show network-access aaa statistics dynamic-requests`.
    pub fn dynamic_request_statistics(&self) -> DynamicRequestStatistics {
        let DynamicAuth {
            counters,
            acks,
            naks,
            ..
        } = &self.dynamic;
        DynamicRequestStatistics {
            disconnect_requests: counters.disconnect_requests,
            coa_requests: counters.coa_requests,
            acks: *acks,
            naks: *naks,
            unknown_client: counters.unknown_client,
            malformed: counters.malformed,
            bad_authenticator: counters.bad_authenticator,
            not_dynamic_request: counters.not_dynamic_request,
        }
    }

    /// A datagram on the dynamic-authorization port; the answer for `from`, if any (what
    /// does not come from a client with its secret is dropped without one, and counted).
    pub fn handle_dynamic_request(
        &mut self,
        now: Instant,
        from: SocketAddr,
        bytes: &[u8],
        registry: &mut Registry,
    ) -> Option<Vec<u8>> {
        let result = handle_request(&self.dynamic.clients, from, bytes);
        self.dynamic.counters.count(&result);
        let request = match result {
            Ok(request) => request,
            Err(why) => {
                tracing::info!("radius dynamic authorization from {from} dropped: {why}");
                return None;
            }
        };
        let (ack, cause) = self.act_on(now, &request, registry);
        if ack {
            self.dynamic.acks += 1;
        } else {
            self.dynamic.naks += 1;
        }
        Some(answer(&request, ack, cause, &request.secret))
    }

    fn act_on(
        &mut self,
        now: Instant,
        request: &DynamicRequest,
        registry: &mut Registry,
    ) -> (bool, Option<u32>) {
        if !request.invalid.is_empty() {
            return (false, Some(error_cause::INVALID_ATTRIBUTE_VALUE));
        }
        if !request.unsupported.is_empty() {
            return (false, Some(error_cause::UNSUPPORTED_ATTRIBUTE));
        }
        if request.session.is_empty() {
            return (false, Some(error_cause::MISSING_ATTRIBUTE));
        }
        let matching = self.matching(request);
        let [id] = matching.as_slice() else {
            return match matching.len() {
                0 => (false, Some(error_cause::SESSION_CONTEXT_NOT_FOUND)),
                _ => (
                    false,
                    Some(error_cause::MULTIPLE_SESSION_SELECTION_UNSUPPORTED),
                ),
            };
        };
        let id = *id;
        let user = self
            .table
            .get(id)
            .and_then(|s| s.user.clone())
            .unwrap_or_default();
        match request.kind {
            DynamicKind::Disconnect => {
                tracing::info!(
                    "subscriber {user}: RADIUS Disconnect-Request from {}",
                    request.from
                );
                self.end(now, id, EndCause::AaaDisconnect, registry);
            }
            DynamicKind::Coa => {
                tracing::info!(
                    "subscriber {user}: RADIUS CoA-Request from {}",
                    request.from
                );
                if let Some(timeout) = request.session_timeout {
                    self.set_session_timeout(id, Some(timeout));
                }
                if let Some(idle) = request.idle_timeout {
                    self.set_idle_timeout(now, id, Some(idle));
                }
                self.accounting_after_coa(now, id);
            }
        }
        (true, None)
    }

    /// The subscribers every identification attribute of the request matches.
    fn matching(&self, request: &DynamicRequest) -> Vec<SubscriberId> {
        let selector = &request.session;
        self.table
            .iter()
            .filter(|s| !s.is_test_call())
            .filter(|s| {
                selector
                    .acct_session_id
                    .as_ref()
                    .is_none_or(|id| *id == super::radius_options::acct_session_id(s))
            })
            .filter(|s| {
                selector
                    .user_name
                    .as_ref()
                    .is_none_or(|u| s.user.as_deref() == Some(u.as_str()))
            })
            .filter(|s| {
                selector
                    .framed_ip_address
                    .is_none_or(|a| s.lease.as_ref().map(|l| l.address) == Some(a))
            })
            .map(|s| s.id)
            .collect()
    }
}
