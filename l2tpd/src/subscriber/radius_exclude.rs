//! `radius attributes exclude ATTRIBUTE [ MESSAGE ... ]`: the attributes an access profile
//! leaves out of the requests it names. Applied to the finished request, so every attribute
//! the builders add (the RADIUS options' NAS-Port-Id and Calling-Station-Id, the tunnel's
//! attributes) is subject to it. Interim-Updates leave out what the Stop does (the table's
//! note on `RADIUS_MESSAGES`).

use schema::typed::{AccessProfile, RadiusMessage};

use crate::aaa::radius::{attr, dsl_forum, erx, AttrKind, Packet};

/// The attribute a Junos name stands for, among those this router sends; `None` for the
/// others (never in a request here, and named by a commit warning).
fn attribute_type(name: &str) -> Option<AttrKind> {
    let vendor = |kind| AttrKind::Vendor {
        vendor: dsl_forum::VENDOR,
        kind,
    };
    Some(AttrKind::Standard(match name {
        "acc-loop-cir-id" => return Some(vendor(dsl_forum::AGENT_CIRCUIT_ID)),
        "acc-loop-remote-id" => return Some(vendor(dsl_forum::AGENT_REMOTE_ID)),
        "acc-loop-encap" => return Some(vendor(dsl_forum::ENCAPSULATION)),
        "act-data-rate-up" => return Some(vendor(dsl_forum::ACTUAL_RATE_UP)),
        "act-data-rate-dn" => return Some(vendor(dsl_forum::ACTUAL_RATE_DOWN)),
        "act-interlv-delay-up" => return Some(vendor(dsl_forum::ACTUAL_DELAY_UP)),
        "act-interlv-delay-dn" => return Some(vendor(dsl_forum::ACTUAL_DELAY_DOWN)),
        "att-data-rate-up" => return Some(vendor(dsl_forum::ATTAINABLE_RATE_UP)),
        "att-data-rate-dn" => return Some(vendor(dsl_forum::ATTAINABLE_RATE_DOWN)),
        "accounting-authentic" => attr::ACCT_AUTHENTIC,
        "accounting-delay-time" => attr::ACCT_DELAY_TIME,
        "accounting-session-id" => attr::ACCT_SESSION_ID,
        "accounting-terminate-cause" => attr::ACCT_TERMINATE_CAUSE,
        "acct-tunnel-connection" => attr::ACCT_TUNNEL_CONNECTION,
        "calling-station-id" => attr::CALLING_STATION_ID,
        "event-timestamp" => attr::EVENT_TIMESTAMP,
        "framed-ip-address" => attr::FRAMED_IP_ADDRESS,
        "input-gigawords" => attr::ACCT_INPUT_GIGAWORDS,
        "interface-description" => {
            return Some(AttrKind::Vendor {
                vendor: erx::VENDOR,
                kind: erx::INTERFACE_DESC,
            })
        }
        "nas-identifier" => attr::NAS_IDENTIFIER,
        "nas-port" => attr::NAS_PORT,
        "nas-port-id" => attr::NAS_PORT_ID,
        "nas-port-type" => attr::NAS_PORT_TYPE,
        "output-gigawords" => attr::ACCT_OUTPUT_GIGAWORDS,
        _ => return None,
    }))
}

/// The attribute types `profile` leaves out of `message` (empty for most profiles).
pub fn excluded(profile: &AccessProfile, message: RadiusMessage) -> Box<[AttrKind]> {
    profile
        .radius_exclude
        .from_message(message)
        .filter_map(attribute_type)
        .collect()
}

/// Leaves the `excluded` attribute types out of `request`.
pub fn leave_out(request: &mut Packet, excluded: &[AttrKind]) {
    if excluded.is_empty() {
        return;
    }
    request.attributes.retain(|a| !excluded.contains(&a.kind));
}

/// Leaves out of `request` what `profile` excludes from `message`.
pub fn apply(request: &mut Packet, profile: &AccessProfile, message: RadiusMessage) {
    leave_out(request, &excluded(profile, message));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aaa::radius::{code, Attribute};

    /// The schema names each attribute this router does not send with a commit warning
    /// (`no_effect`); this module maps the others to their types. The two lists are one
    /// fact: an attribute in neither or both would be excluded silently, or warned about
    /// and excluded.
    #[test]
    fn the_attributes_mapped_here_are_the_ones_the_schema_does_not_warn_about() {
        use schema::NodeId;
        let path = [
            NodeId::new("access"),
            NodeId::entry("profile", "p"),
            NodeId::new("radius"),
            NodeId::new("attributes"),
            NodeId::new("exclude"),
        ];
        let exclude = schema::edit::stmt_for_path(&path).expect("the exclude statement");
        for attribute in exclude.children {
            assert_eq!(
                attribute_type(attribute.name).is_some(),
                attribute.no_effect.is_none(),
                "{}",
                attribute.name
            );
        }
    }

    #[test]
    fn only_the_named_attributes_leave_and_only_from_the_named_message() {
        let config = crate::test_config(
            "set access profile p radius attributes exclude nas-port-id access-request\n\
             set access profile p radius attributes exclude class accounting-stop\n",
        );
        let profile = &config.access_profiles["p"];
        let request = || Packet {
            code: code::ACCESS_REQUEST,
            identifier: 0,
            authenticator: [0; 16],
            attributes: vec![
                Attribute::string(attr::USER_NAME, "u"),
                Attribute::string(attr::NAS_PORT_ID, "ge-0/0/0.1"),
            ],
        };
        let mut access = request();
        apply(&mut access, profile, RadiusMessage::AccessRequest);
        assert_eq!(
            access.attributes,
            vec![Attribute::string(attr::USER_NAME, "u")]
        );
        let mut stop = request();
        apply(&mut stop, profile, RadiusMessage::AccountingStop);
        assert_eq!(
            stop,
            request(),
            "class is never sent; nas-port-id not excluded here"
        );
    }

    /// The DSL Forum VSAs are named by Junos' `acc-loop-*` and leave like any other.
    #[test]
    fn acc_loop_names_leave_the_agents_vsas() {
        let config = crate::test_config(
            "set access profile p radius attributes exclude acc-loop-cir-id access-request\n",
        );
        let profile = &config.access_profiles["p"];
        let remote = Attribute::vendor(dsl_forum::VENDOR, dsl_forum::AGENT_REMOTE_ID, "cpe-42");
        let mut access = Packet {
            code: code::ACCESS_REQUEST,
            identifier: 0,
            authenticator: [0; 16],
            attributes: vec![
                Attribute::vendor(dsl_forum::VENDOR, dsl_forum::AGENT_CIRCUIT_ID, "dslam1"),
                remote.clone(),
            ],
        };
        apply(&mut access, profile, RadiusMessage::AccessRequest);
        assert_eq!(access.attributes, vec![remote]);
    }

    /// Junos' rate names leave the rate VSAs they name, and only those.
    #[test]
    fn the_rate_names_leave_the_line_rate_vsas() {
        let config = crate::test_config(
            "set access profile p radius attributes exclude act-data-rate-dn accounting-start\n\
             set access profile p radius attributes exclude acc-loop-encap accounting-start\n",
        );
        let profile = &config.access_profiles["p"];
        let up = Attribute::vendor(dsl_forum::VENDOR, dsl_forum::ACTUAL_RATE_UP, [0; 4]);
        let mut start = Packet {
            code: code::ACCOUNTING_REQUEST,
            identifier: 0,
            authenticator: [0; 16],
            attributes: vec![
                up.clone(),
                Attribute::vendor(dsl_forum::VENDOR, dsl_forum::ACTUAL_RATE_DOWN, [0; 4]),
                Attribute::vendor(dsl_forum::VENDOR, dsl_forum::ENCAPSULATION, [2, 1, 0]),
            ],
        };
        apply(&mut start, profile, RadiusMessage::AccountingStart);
        assert_eq!(start.attributes, vec![up]);
    }
}
