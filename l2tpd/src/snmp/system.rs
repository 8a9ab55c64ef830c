//! SNMPv2-MIB's system group (RFC 3418, 1.3.6.1.2.1.1): the scalars every poller reads
//! first (LibreNMS, Cacti and Zabbix discover a device by sysObjectID, sysDescr, sysName
//! and sysUpTime). Served by the embedded agent only: under AgentX the master (snmpd)
//! answers the group from its own configuration, so the subagent never registers it.
//!
//! The group comes before IF-MIB in OID order; [`super::view`] walks it first.

use std::cmp::Ordering;
use std::time::Duration;

use schema::typed::RouterConfig;

use super::value::Value;
use super::view::Lookup;

/// SNMPv2-MIB::system.
pub const SYSTEM: &[u32] = &[1, 3, 6, 1, 2, 1, 1];

/// The scalars served, `system.n` by name: sysORLastChange (.8) and sysORTable (.9) are
/// not, as the agent implements no capabilities worth listing there.
pub const OBJECTS: [(&str, u32); 7] = [
    ("sysDescr", 1),
    ("sysObjectID", 2),
    ("sysUpTime", 3),
    ("sysContact", 4),
    ("sysName", 5),
    ("sysLocation", 6),
    ("sysServices", 7),
];
const LAST: u32 = 7;

/// sysObjectID: zeroDotZero (SNMPv2-SMI, RFC 2578 2: "a value used for null identifiers").
/// The project owns no enterprise number to allocate a product identifier under, and
/// borrowing another's (Juniper's jnxProductName*, net-snmp's 8072.3.2.10) would tell a
/// poller this is a box it is not.
pub const OBJECT_ID: &[u32] = &[0, 0];

/// sysServices (RFC 3418): the sum of 2^(L-1) for each layer L the node primarily serves.
/// A router forwards at layer 3 (IP gateway) only: 4, as Junos routers report.
pub const SERVICES: i32 = 1 << (3 - 1);

/// DisplayString (RFC 2579) is at most 255 octets.
const DISPLAY_STRING_OCTETS: usize = 255;

/// The group's values at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemGroup {
    pub description: String,
    /// sysUpTime: since the daemon (hence its SNMP agent) started.
    pub up_time: Duration,
    pub contact: String,
    pub name: String,
    pub location: String,
}

/// What a commit and the host say about the group; [`SystemInfo::at`] adds the uptime.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemInfo {
    pub description: String,
    pub contact: String,
    pub name: String,
    pub location: String,
}

impl SystemInfo {
    /// As Junos: `snmp description` else a default naming the router; `snmp name` else
    /// `system host-name` else the host's name. `host` is the host's name and kernel,
    /// read once by the caller.
    pub fn from_config(config: &RouterConfig, host: &Host) -> Self {
        let snmp = &config.snmp;
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        SystemInfo {
            description: snmp
                .description
                .clone()
                .unwrap_or_else(|| default_description(env!("CARGO_PKG_VERSION"), host)),
            contact: text(&snmp.contact),
            name: snmp
                .name
                .clone()
                .or_else(|| config.host_name.clone())
                .unwrap_or_else(|| host.name.clone()),
            location: text(&snmp.location),
        }
    }

    pub fn at(&self, up_time: Duration) -> SystemGroup {
        SystemGroup {
            description: self.description.clone(),
            up_time,
            contact: self.contact.clone(),
            name: self.name.clone(),
            location: self.location.clone(),
        }
    }
}

/// The host facts sysDescr and sysName fall back on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Host {
    /// gethostname(2); empty when unknown (RFC 3418: then sysName is zero-length).
    pub name: String,
    /// `Linux 6.1.0-18-amd64`, from /proc/sys/kernel; empty when unreadable.
    pub kernel: String,
    /// The machine architecture the daemon was built for (`x86_64`).
    pub machine: String,
}

impl Host {
    /// Reads the host once; nothing here fails: an unreadable fact is left empty.
    pub fn read() -> Self {
        let proc = |name: &str| {
            std::fs::read_to_string(format!("/proc/sys/kernel/{name}"))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let kernel = [proc("ostype"), proc("osrelease")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        Host {
            name: nix::unistd::gethostname()
                .ok()
                .and_then(|h| h.into_string().ok())
                .unwrap_or_default(),
            kernel,
            machine: std::env::consts::ARCH.to_string(),
        }
    }
}

/// Junos' default reads `Juniper Networks, Inc. mx960 internet router, kernel JUNOS
/// 14.2R6.5, Build date: ...`: vendor and model, then the kernel. Ours names what this is
/// in the same order but claims no vendor, so no poller's Junos pattern (`^Juniper
/// Networks, Inc. (\w+) internet router`) takes it for one: `l2tpd 0.1.0 L2TP access
/// router (LAC/LNS), kernel Linux 6.1.0-18-amd64 x86_64`.
pub fn default_description(version: &str, host: &Host) -> String {
    let mut text = format!("l2tpd {version} L2TP access router (LAC/LNS)");
    if !host.kernel.is_empty() {
        text.push_str(&format!(", kernel {} {}", host.kernel, host.machine));
    }
    text
}

impl SystemGroup {
    /// The value at exactly `oid`, or `None` when `oid` is not under `system`.
    pub fn get(&self, oid: &[u32]) -> Option<Lookup> {
        let rest = oid.strip_prefix(SYSTEM)?;
        Some(match rest {
            [n, 0] if (1..=LAST).contains(n) => Lookup::Value(self.scalar(*n)),
            [n, ..] if (1..=LAST).contains(n) => Lookup::NoSuchInstance,
            _ => Lookup::NoSuchObject,
        })
    }

    /// The instances after `oid`, in OID order: none once `oid` is past sysServices.0.
    /// Every GetNext and GetBulk starts here (through AgentX, one per varbind), so the
    /// instances are compared in place, not built to be compared.
    pub fn walk_after(&self, oid: &[u32]) -> SystemWalk<'_> {
        let next = (1..=LAST)
            .find(|n| SYSTEM.iter().chain(&[*n, 0]).cmp(oid.iter()) == Ordering::Greater)
            .unwrap_or(LAST + 1);
        SystemWalk { group: self, next }
    }

    fn scalar(&self, n: u32) -> Value {
        match n {
            1 => display_string(&self.description),
            2 => Value::ObjectIdentifier(OBJECT_ID.to_vec()),
            3 => Value::time_ticks(self.up_time),
            4 => display_string(&self.contact),
            5 => display_string(&self.name),
            6 => display_string(&self.location),
            _ => Value::Integer(SERVICES),
        }
    }
}

/// `system.n.0`.
fn instance(n: u32) -> Vec<u32> {
    [SYSTEM, &[n, 0]].concat()
}

/// The text cut to DisplayString's 255 octets, at a character boundary.
fn display_string(text: &str) -> Value {
    let mut end = text.len().min(DISPLAY_STRING_OCTETS);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Value::string(text.get(..end).unwrap_or_default())
}

/// The group's instances from a starting point.
pub struct SystemWalk<'a> {
    group: &'a SystemGroup,
    next: u32,
}

impl Iterator for SystemWalk<'_> {
    type Item = (Vec<u32>, Value);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next > LAST {
            return None;
        }
        let n = self.next;
        self.next += 1;
        Some((instance(n), self.group.scalar(n)))
    }
}

/// `sysDescr` -> its OID, for `show snmp mib`.
pub fn object_named(name: &str) -> Option<Vec<u32>> {
    if name == "system" {
        return Some(SYSTEM.to_vec());
    }
    OBJECTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, arc)| [SYSTEM, &[*arc]].concat())
}

/// `sysDescr.0` for an OID under `system`, if it names one of the group's objects.
pub fn name_of(oid: &[u32]) -> Option<String> {
    let (arc, instance) = oid.strip_prefix(SYSTEM)?.split_first()?;
    let (name, _) = OBJECTS.iter().find(|(_, a)| a == arc)?;
    let mut text = name.to_string();
    for sub in instance {
        text.push_str(&format!(".{sub}"));
    }
    Some(text)
}

#[cfg(test)]
#[path = "system_tests.rs"]
pub(crate) mod tests;
