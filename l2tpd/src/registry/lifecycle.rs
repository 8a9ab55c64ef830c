//! What happens to the registry outside the protocol: a commit, and the daemon stopping.

use std::sync::Arc;
use std::time::Instant;

use schema::typed::RouterConfig;

use super::entry::Origin;
use super::settings::Settings;
use super::{CallLocation, Registry};
use crate::l2tp::control::event::stopccn_result;
use crate::l2tp::session::CdnResult;
use crate::l2tp::wire::ResultCode;

impl Registry {
    /// A commit: new tunnels use the new values; live tunnels take the retransmission
    /// settings for their next message; tunnels of a deleted tunnel group, or of one whose
    /// `local-gateway address` changed, are torn down (junos-config.md §2).
    pub fn apply_config(&mut self, now: Instant, config: &Arc<RouterConfig>) {
        let limits = (
            self.settings.max_tunnels_per_source,
            self.settings.max_establishing,
        );
        self.settings = Settings::from_config(config);
        (
            self.settings.max_tunnels_per_source,
            self.settings.max_establishing,
        ) = limits;
        self.config = Arc::clone(config);
        let retransmit = self.settings.retransmit;
        let mut doomed = Vec::new();
        for (tunnel_id, entry) in &mut self.tunnels {
            entry.tunnel.update_settings(retransmit);
            if let Origin::Lns { group } = &entry.origin {
                let kept = config
                    .l2tp
                    .tunnel_groups
                    .get(group)
                    .is_some_and(|g| g.local_address == entry.local);
                if !kept && !entry.down {
                    doomed.push(*tunnel_id);
                }
            }
        }
        for tunnel_id in doomed {
            let result = ResultCode {
                result: stopccn_result::GENERAL_REQUEST,
                error: None,
                message: b"tunnel-group removed".to_vec(),
            };
            self.close_tunnel(now, tunnel_id, result);
        }
        self.close_sessions_on_disabled_interfaces(now, config);
        let profiles: Vec<String> = self
            .tunnels
            .values()
            .filter_map(|e| match &e.origin {
                Origin::Lac { profile, .. } => Some(profile.clone()),
                Origin::Lns { .. } => None,
            })
            .filter(|p| !config.tunnel_profiles.contains_key(p))
            .collect();
        for profile in profiles {
            self.rotation.forget(&profile);
        }
        // `idle-timeout` may have changed.
        self.reschedule_all();
    }

    /// An LNS session whose tunnel group's service interface, or whose static `si-` unit, a
    /// commit has `disable`d ends with a CDN, as the subscriber of a deleted unit does.
    fn close_sessions_on_disabled_interfaces(&mut self, now: Instant, config: &RouterConfig) {
        let disabled = |name: &str| config.interfaces.get(name).is_some_and(|i| i.disable);
        let unit_disabled = |name: &str, unit: u16| {
            config
                .interfaces
                .get(name)
                .and_then(|i| i.units.get(&unit))
                .is_some_and(|u| u.disable)
        };
        let mut calls = Vec::new();
        for entry in self.tunnels.values().filter(|e| !e.down) {
            let Origin::Lns { group } = &entry.origin else {
                continue;
            };
            let service_disabled = config
                .l2tp
                .tunnel_groups
                .get(group)
                .and_then(|g| g.service_interface.as_deref())
                .is_some_and(disabled);
            calls.extend(
                entry
                    .sessions
                    .values()
                    .filter(|s| {
                        service_disabled
                            || s.static_unit
                                .as_ref()
                                .is_some_and(|(service, unit)| unit_disabled(service, *unit))
                    })
                    .map(|s| s.call_ref),
            );
        }
        for call in calls {
            let result = CdnResult::administrative(&b"interface disabled"[..]);
            self.close_session(now, call, result, None);
        }
    }

    /// The daemon stops: every tunnel gets StopCCN result 6.
    pub fn shutdown(&mut self, now: Instant) {
        let result = ResultCode {
            result: stopccn_result::SHUTTING_DOWN,
            error: None,
            message: Vec::new(),
        };
        let live: Vec<u16> = self
            .tunnels
            .iter()
            .filter(|(_, e)| !e.down)
            .map(|(id, _)| *id)
            .collect();
        for tunnel_id in live {
            self.close_tunnel(now, tunnel_id, result.clone());
        }
    }

    /// Whether a call is established (has a session on an up tunnel).
    pub fn is_active(&self, call: super::SessionRef) -> bool {
        self.active_call(call).is_some()
    }

    /// The tunnel and session of an established call.
    pub(super) fn active_call(&self, call: super::SessionRef) -> Option<(u16, u16)> {
        match self.calls.get(&call)? {
            CallLocation::Active {
                tunnel_id,
                session_id,
            } => Some((*tunnel_id, *session_id)),
            CallLocation::Pending { .. } => None,
        }
    }
}
