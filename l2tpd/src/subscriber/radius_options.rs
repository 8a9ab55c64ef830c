//! What `access profile P radius options` makes of a subscriber's RADIUS requests: its
//! NAS-Port-Id (87), its NAS-Port-Type (61), its Acct-Session-Id (44) and the interface
//! description the first and Calling-Station-Id carry. Pure functions of the options and of
//! what the subscriber is.

use schema::typed::{AcctSessionIdFormat, InterfaceDescriptionFormat, RadiusOptions, RouterConfig};

use crate::aaa::radius::{attr, dsl_forum, Attribute};
use crate::access_loop::{self, Coding};
use crate::pppoe::access_line::AccessLine;

use super::table::{AccessLeg, Subscriber};
use crate::registry::Registry;

/// RFC 2865 §5.41: a tunnelled PPP user at the LNS, and an Ethernet (PPPoE) subscriber.
pub const NAS_PORT_TYPE_VIRTUAL: u32 = 5;
pub const NAS_PORT_TYPE_ETHERNET: u32 = 15;

/// The value of each port type `nas-port-type ethernet` names (RFC 2865 §5.41 and IANA's
/// registry); the schema offers exactly these keywords (a test holds them equal).
const NAS_PORT_TYPES: &[(&str, u32)] = &[
    ("async", 0),
    ("sync", 1),
    ("isdn-sync", 2),
    ("isdn-async-v120", 3),
    ("isdn-async-v110", 4),
    ("virtual", NAS_PORT_TYPE_VIRTUAL),
    ("piafs", 6),
    ("hdlc-clear-channel", 7),
    ("x25", 8),
    ("x75", 9),
    ("g3-fax", 10),
    ("sdsl", 11),
    ("adsl-cap", 12),
    ("adsl-dmt", 13),
    ("idsl", 14),
    ("ethernet", NAS_PORT_TYPE_ETHERNET),
    ("xdsl", 16),
    ("cable", 17),
    ("wireless-other", 18),
    ("wireless-ieee80211", 19),
    ("token-ring", 20),
    ("fddi", 21),
    ("wireless-cdma2000", 22),
    ("wireless-umts", 23),
    ("wireless-1x-ev", 24),
    ("iapp", 25),
];

/// NAS-Port-Type of an Ethernet (PPPoE) subscriber: `nas-port-type ethernet TYPE`, else
/// Virtual with `ethernet-port-type-virtual`, else Ethernet, Junos' default. Our choice when
/// both are written: the explicit type wins.
pub fn ethernet_nas_port_type(options: &RadiusOptions) -> u32 {
    let configured = options
        .nas_port_type_ethernet
        .as_deref()
        .and_then(|keyword| {
            NAS_PORT_TYPES
                .iter()
                .find(|(name, _)| *name == keyword)
                .map(|(_, value)| *value)
        });
    match configured {
        Some(value) => value,
        None if options.ethernet_port_type_virtual => NAS_PORT_TYPE_VIRTUAL,
        None => NAS_PORT_TYPE_ETHERNET,
    }
}

/// The interface as `interface-description-format` describes it: `exclude-sub-interface`
/// drops the logical unit (`ge-1/2/3.100` → `ge-1/2/3`, a `:VLAN` suffix stays),
/// `exclude-adapter` the PIC of a Junos `type-fpc/pic/port` name (`ge-1/2/3` → `ge-1/3`;
/// a name without three numbers, as a Linux device's, keeps its form).
pub fn interface_description(format: InterfaceDescriptionFormat, interface: &str) -> String {
    let (name, vlan) = match interface.split_once(':') {
        Some((name, vlan)) => (name, Some(vlan)),
        None => (interface, None),
    };
    let (physical, unit) = match name.split_once('.') {
        Some((physical, unit)) => (physical, Some(unit)),
        None => (name, None),
    };
    let mut described = physical.to_string();
    if format.exclude_adapter {
        if let [fpc, _pic, port] = physical.split('/').collect::<Vec<_>>()[..] {
            described = format!("{fpc}/{port}");
        }
    }
    if let Some(unit) = unit.filter(|_| !format.exclude_sub_interface) {
        described = format!("{described}.{unit}");
    }
    if let Some(vlan) = vlan {
        described = format!("{described}:{vlan}");
    }
    described
}

/// NAS-Port-Id as `nas-port-id-format` asks: the chosen values in Junos' default order (NAS
/// identifier, interface description, interface text description, agent circuit ID, agent
/// remote ID), or in the order its `order` statements give, joined by
/// `nas-port-id-delimiter`; an agent ID the subscriber's PPPoE request did not carry, or a
/// text description (`text`, [`super::interface_text`]) its interface does not have, is
/// left out. Nothing to join: the interface description alone, as Junos sends by default.
pub fn nas_port_id(
    options: &RadiusOptions,
    nas_identifier: &[u8],
    interface: &str,
    text: Option<&str>,
    line: &AccessLine,
) -> String {
    let format = &options.nas_port_id_format;
    let description = interface_description(options.interface_description_format, interface);
    let mut parts: Vec<String> = Vec::new();
    // `order V …`: the values as listed (commit refuses mixing them with the flags).
    for value in &format.order {
        match value.as_str() {
            "nas-identifier" => parts.push(String::from_utf8_lossy(nas_identifier).into_owned()),
            "interface-description" => parts.push(description.clone()),
            "interface-text-description" => parts.extend(text.map(str::to_string)),
            "agent-circuit-id" => push_agent_ids(&mut parts, line, true, false),
            "agent-remote-id" => push_agent_ids(&mut parts, line, false, true),
            _ => {}
        }
    }
    if format.nas_identifier {
        parts.push(String::from_utf8_lossy(nas_identifier).into_owned());
    }
    if format.interface_description {
        parts.push(description.clone());
    }
    if format.interface_text_description {
        parts.extend(text.map(str::to_string));
    }
    push_agent_ids(
        &mut parts,
        line,
        format.agent_circuit_id,
        format.agent_remote_id,
    );
    if parts.is_empty() {
        return description;
    }
    parts.join(&format.delimiter)
}

/// Appends the agent circuit ID, then the remote ID, each when chosen and known.
pub fn push_agent_ids(parts: &mut Vec<String>, line: &AccessLine, circuit: bool, remote: bool) {
    for (chosen, id) in [(circuit, &line.circuit_id), (remote, &line.remote_id)] {
        if let Some(id) = id.as_deref().filter(|_| chosen) {
            parts.push(String::from_utf8_lossy(id).into_owned());
        }
    }
}

/// The DSL Forum VSAs (RFC 4679 §4) of what the agent gave: 26-3561-1 Agent-Circuit-Id,
/// 26-3561-2 Agent-Remote-Id, then the access-loop characteristics under their sub-option
/// numbers (129-138 the rates, 4-octet bit/s; 139-142 the interleaving delays, ms; 144
/// Access-Loop-Encapsulation). Junos sends them in the Access-Request and accounting whenever
/// it has them (`radius attributes exclude acc-loop-cir-id | act-data-rate-up | … MESSAGE`
/// leaves them out). RFC 4679 names the Access-Request for the actual rates and
/// accounting only for the others; they all go in both here (our choice: one set, and a
/// RADIUS server skips what it has no use for).
pub fn agent_attributes(line: &AccessLine) -> Vec<Attribute> {
    let ids = [
        (dsl_forum::AGENT_CIRCUIT_ID, &line.circuit_id),
        (dsl_forum::AGENT_REMOTE_ID, &line.remote_id),
    ]
    .into_iter()
    .filter_map(|(kind, id)| {
        id.as_deref()
            .map(|id| Attribute::vendor(dsl_forum::VENDOR, kind, id))
    });
    let characteristics = line.access_loop.entries().map(|(kind, c)| {
        Attribute::vendor(
            dsl_forum::VENDOR,
            kind,
            access_loop::encode(c, Coding::Radius),
        )
    });
    ids.chain(characteristics).collect()
}

/// The access line a subscriber's requests and views name: at the LAC its PPPoE agent's,
/// at the LNS the one the LAC forwarded (`Registry::access_line`).
pub fn access_line(subscriber: &Subscriber, registry: &Registry) -> AccessLine {
    match &subscriber.access {
        AccessLeg::Pppoe { line, .. } => line.clone(),
        AccessLeg::L2tp { .. } => registry.access_line(subscriber.id),
        AccessLeg::TestCall(_) => AccessLine::default(),
    }
}

/// NAS-Port-Id, NAS-Port-Type, the agent's IDs (`line`, from [`access_line`]) and the
/// interface's description of a subscriber's accounting records, as its Access-Request has
/// them: a PPPoE subscriber's by the options, a tunnelled user's at the LNS Virtual.
pub fn accounting_port_attributes(
    options: &RadiusOptions,
    nas_identifier: &[u8],
    subscriber: &Subscriber,
    config: &RouterConfig,
    line: &AccessLine,
) -> Vec<Attribute> {
    let text = super::interface_text::text_description(config, subscriber);
    let mut carried = match &subscriber.access {
        AccessLeg::Pppoe { underlying, .. } => {
            let mut carried = vec![
                Attribute::string(
                    attr::NAS_PORT_ID,
                    nas_port_id(options, nas_identifier, underlying, text, line),
                ),
                Attribute::integer(attr::NAS_PORT_TYPE, ethernet_nas_port_type(options)),
            ];
            carried.extend(
                super::nas_port::subscriber_nas_port(options, subscriber)
                    .map(|port| Attribute::integer(attr::NAS_PORT, port)),
            );
            carried
        }
        AccessLeg::L2tp { .. } => vec![Attribute::integer(
            attr::NAS_PORT_TYPE,
            NAS_PORT_TYPE_VIRTUAL,
        )],
        AccessLeg::TestCall(_) => return Vec::new(),
    };
    carried.extend(agent_attributes(line));
    carried.extend(super::interface_text::interface_desc_attribute(
        config, text,
    ));
    carried
}

/// The Acct-Session-Id `accounting-session-id-format` gives a subscriber: `decimal`, its
/// session ID (as `show subscribers` prints it); `description`, Junos' "jnpr
/// interface-specifier:subscriber-session-id", with the interface it came in on (its VLAN
/// unit for PPPoE, its `si-`/`pp0` unit at the LNS).
pub fn acct_session_id_as(format: AcctSessionIdFormat, subscriber: &Subscriber) -> Box<str> {
    let id = subscriber.id.0;
    match format {
        AcctSessionIdFormat::Decimal => id.to_string().into(),
        AcctSessionIdFormat::Description => {
            let interface = match &subscriber.access {
                AccessLeg::Pppoe { underlying, .. } => underlying.clone(),
                AccessLeg::L2tp { .. } | AccessLeg::TestCall(_) => {
                    super::views::interface_name(subscriber)
                }
            };
            format!("jnpr {interface}:{id}").into()
        }
    }
}

/// The Acct-Session-Id of a subscriber in every request and view: the one fixed at its first
/// request, else (never asked for one) the decimal form.
pub fn acct_session_id(subscriber: &Subscriber) -> String {
    subscriber.acct_session_id.as_deref().map_or_else(
        || acct_session_id_as(AcctSessionIdFormat::Decimal, subscriber).into(),
        str::to_string,
    )
}

/// Fixes `subscriber`'s Acct-Session-Id by its profile's options, once: its Access-Request,
/// Start, Interim-Updates and Stop must all carry the same one, whatever a commit changes
/// meanwhile.
pub fn fix_acct_session_id(subscriber: &mut Subscriber, options: &RadiusOptions) {
    if subscriber.acct_session_id.is_none() {
        subscriber.acct_session_id = Some(acct_session_id_as(
            options.accounting_session_id_format,
            subscriber,
        ));
    }
}

#[cfg(test)]
#[path = "radius_options_tests.rs"]
pub(crate) mod tests;
