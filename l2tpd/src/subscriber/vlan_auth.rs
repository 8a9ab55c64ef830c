//! Authenticated auto-sensed VLANs, the AAA side (Junos `auto-configure vlan-ranges
//! authentication`): the user name `username-include` builds, the Access-Request through the
//! ranges' access profile (else the router's `access-profile`) in its `authentication-order`,
//! and the answer handed back to PPPoE access, which creates the VLAN on Accept
//! (vlan_auth_access.rs).

use std::time::Instant;

use schema::typed::{RadiusMessage, RouterConfig, VlanUsername};

use super::aaa::{access_request, nas_identifier, Answer, Purpose, RequestFacts};
use super::auto_vlan::tags_of;
use super::interface_text::{described, interface_desc_attribute};
use super::lac::SubscriberLayer;
use super::local_auth::{self, Step};
use super::pppoe_access::VlanAuthRequest;
use super::radius_options::{agent_attributes, ethernet_nas_port_type};
use super::vlan::VlanSelector;
use crate::aaa::radius::code;
use crate::ppp::server_link::Credentials;
use crate::pppoe::access_line::AccessLine;
use crate::registry::SessionRef;

/// Junos' circuit type of an Ethernet VLAN ("The circuit type used by the client, for example
/// enet").
const CIRCUIT_TYPE: &str = "enet";

/// The user name of a VLAN, as Junos builds it: `user-prefix`, `circuit-type`, the agent's
/// `circuit-id` and `remote-id` (where Junos puts option 82: our choice), `interface-name`
/// (`IFD:VVVV`, stacked `IFD:SSSS-VVVV`), joined by the delimiter; then `@domain-name` ("the
/// router adds the @ delimiter") and the `radius-realm` after the delimiter. An agent ID the
/// PADI did not carry is left out.
pub fn vlan_user_name(
    include: &VlanUsername,
    port: &str,
    selector: VlanSelector,
    line: &AccessLine,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(include.user_prefix.clone());
    if include.circuit_type {
        parts.push(CIRCUIT_TYPE.into());
    }
    for (wanted, id) in [
        (include.circuit_id, &line.circuit_id),
        (include.remote_id, &line.remote_id),
    ] {
        if let Some(id) = id.as_deref().filter(|_| wanted) {
            parts.push(String::from_utf8_lossy(id).into_owned());
        }
    }
    if include.interface_name {
        let tags: Vec<String> = tags_of(selector)
            .iter()
            .map(|t| format!("{t:04}"))
            .collect();
        parts.push(format!("{port}:{}", tags.join("-")));
    }
    let mut name = parts.join(&include.delimiter);
    if let Some(domain) = &include.domain_name {
        name.push('@');
        name.push_str(domain);
    }
    if let Some(realm) = &include.radius_realm {
        if !name.is_empty() {
            name.push_str(&include.delimiter);
        }
        name.push_str(realm);
    }
    name
}

impl SubscriberLayer {
    /// A PADI asked for a VLAN of an authenticated range: the methods of its access profile
    /// decide, RADIUS by an Access-Request whose answer comes to [`Self::vlan_answered`].
    pub(super) fn authenticate_vlan(
        &mut self,
        now: Instant,
        request: Box<VlanAuthRequest>,
        config: &RouterConfig,
    ) {
        let VlanAuthRequest {
            port,
            selector,
            line,
            ranges,
        } = *request;
        let Some(auth) = &ranges.authentication else {
            return self.vlan_decided(now, &port, selector, true);
        };
        // Commit refuses ranges without an access profile; an unchecked tree refuses the VLAN.
        let profile = ranges
            .access_profile
            .as_deref()
            .or(config.access_profile.as_deref())
            .and_then(|name| config.access_profiles.get(name));
        let Some(profile) = profile else {
            return self.vlan_decided(now, &port, selector, false);
        };
        let user = vlan_user_name(&auth.username, &port, selector, &line);
        let credentials = Credentials::Pap {
            identifier: 0,
            name: user.clone().into_bytes(),
            password: auth
                .password
                .as_ref()
                .map(|p| p.expose().to_vec())
                .unwrap_or_default(),
        };
        match local_auth::next_step(Some(profile), &credentials, 0) {
            Step::AskRadius { .. } => {}
            Step::Admit(_) => return self.vlan_decided(now, &port, selector, true),
            Step::Refuse(_) => return self.vlan_decided(now, &port, selector, false),
        }
        tracing::info!("auto-configure: asking RADIUS for VLAN {user}");
        let tags: Vec<String> = tags_of(selector).iter().map(u16::to_string).collect();
        let facts = RequestFacts {
            user: &user,
            nas_identifier: nas_identifier(profile, &self.host_name),
            // Names the VLAN asked for (an Access-Request's Acct-Session-Id is informative).
            acct_session_id: format!("{port}:{}", tags.join("-")),
            calling_station: None,
            nas_port_id: None,
            nas_port: None,
            nas_port_type: ethernet_nas_port_type(&profile.radius_options),
            tunnel: None,
            // An auto-sensed VLAN is no configured unit: its port's description.
            vendor_attributes: agent_attributes(&line)
                .into_iter()
                .chain(interface_desc_attribute(
                    config,
                    described(config, &port, None),
                ))
                .collect(),
            chap_challenge_in_authenticator: profile.radius_options.chap_challenge_in_authenticator,
        };
        let mut packet = access_request(&credentials, &facts);
        super::radius_exclude::apply(&mut packet, profile, RadiusMessage::AccessRequest);
        let servers = self.aaa.authentication_order(config, profile);
        let purpose = Purpose::Vlan {
            port: port.clone(),
            selector,
        };
        // No subscriber: the handle only keys the request, as `test aaa ppp`'s does.
        if self
            .aaa
            .start(now, SessionRef(0), &servers, None, packet, purpose)
            .is_err()
        {
            self.vlan_decided(now, &port, selector, false);
        }
    }

    /// RADIUS answered (or no server did) for a VLAN: only an Accept creates it.
    pub(super) fn vlan_answered(
        &mut self,
        now: Instant,
        port: &str,
        selector: VlanSelector,
        answer: &Answer,
    ) {
        let accepted =
            matches!(answer, Answer::Reply { reply, .. } if reply.code == code::ACCESS_ACCEPT);
        self.vlan_decided(now, port, selector, accepted);
    }

    fn vlan_decided(&mut self, now: Instant, port: &str, selector: VlanSelector, accepted: bool) {
        if !accepted {
            tracing::info!("auto-configure: VLAN {selector:?} on {port} refused");
        }
        let mut replies = Vec::new();
        self.access
            .vlan_authenticated(port, selector, accepted, now, &mut replies);
        self.queue_frames(replies);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn include() -> VlanUsername {
        VlanUsername {
            delimiter: ".".into(),
            ..VlanUsername::default()
        }
    }

    #[test]
    fn the_user_name_follows_junos_order_with_the_delimiter_and_at_before_the_domain() {
        let line = AccessLine {
            circuit_id: Some(b"dslam1 eth 1/1/2:100"[..].into()),
            remote_id: None,
            ..AccessLine::default()
        };
        let all = VlanUsername {
            user_prefix: Some("bng1".into()),
            circuit_type: true,
            circuit_id: true,
            remote_id: true,
            interface_name: true,
            domain_name: Some("vlan.example".into()),
            radius_realm: Some("realm".into()),
            ..include()
        };
        assert_eq!(
            vlan_user_name(&all, "ge-1/0/0", VlanSelector::Single(100), &line),
            "bng1.enet.dslam1 eth 1/1/2:100.ge-1/0/0:0100@vlan.example.realm"
        );
        let stacked = VlanUsername {
            interface_name: true,
            delimiter: "/".into(),
            user_prefix: Some("p".into()),
            ..include()
        };
        assert_eq!(
            vlan_user_name(
                &stacked,
                "ge-1/0/0",
                VlanSelector::Stacked {
                    outer: 1000,
                    inner: 7
                },
                &AccessLine::default()
            ),
            "p/ge-1/0/0:1000-0007"
        );
    }
}
