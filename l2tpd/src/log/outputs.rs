//! The destinations `[edit system syslog]` configures: files in the state directory,
//! remote hosts over UDP and users' terminals, each with its facility/severity statements
//! and `match` (files and hosts: `explicit-priority`); and how a line is written for each.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::Path;

use schema::typed::{syslog_regex, Facility, Selectors, Severity, SyslogConfig};

use super::select;
use crate::trace::RotatingFile;

/// The file Junos logs to by default, and the one written when no file is configured.
pub const MESSAGES: &str = "messages";
/// Junos' default archive bounds: 1 MB, ten archived files.
pub const DEFAULT_SIZE: u64 = 1024 * 1024;
pub const DEFAULT_FILES: u32 = 10;
/// Longest packet sent to a host: RFC 3164 §4.1 allows 1024 octets; longer lines are cut.
pub const MAX_PACKET: usize = 1024;

/// One event, as every destination sees it.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub facility: Facility,
    pub severity: Severity,
    pub tag: Option<&'a str>,
    /// On one line already.
    pub text: &'a str,
}

impl Entry<'_> {
    /// `TAG: text`, or `%FACILITY-SEVERITY-TAG: text` with `explicit-priority` (the tag left
    /// out of both when the event has none).
    pub fn message(&self, explicit_priority: bool) -> String {
        let text = self.text;
        match (explicit_priority, self.tag) {
            (false, Some(tag)) => format!("{tag}: {text}"),
            (false, None) => text.to_string(),
            (true, tag) => {
                let code = select::code(self.facility);
                let severity = self.severity.code();
                match tag {
                    Some(tag) => format!("%{code}-{severity}-{tag}: {text}"),
                    None => format!("%{code}-{severity}: {text}"),
                }
            }
        }
    }
}

/// What a destination takes: its statements and its `match`.
#[derive(Debug)]
struct Filter {
    selectors: Selectors,
    matches: Option<regex::Regex>,
}

impl Filter {
    fn new(selectors: &Selectors, matches: Option<&str>, problems: &mut Vec<String>) -> Filter {
        let matches = matches.and_then(|re| syslog_regex(re).map_err(|e| problems.push(e)).ok());
        Filter {
            selectors: selectors.clone(),
            matches,
        }
    }

    fn takes(&self, entry: &Entry<'_>) -> bool {
        select::selects(&self.selectors, entry.facility, entry.severity)
            && self
                .matches
                .as_ref()
                .is_none_or(|re| re.is_match(&entry.message(false)))
    }
}

#[derive(Debug)]
struct FileOut {
    filter: Filter,
    explicit_priority: bool,
    file: RotatingFile,
}

#[derive(Debug)]
struct HostOut {
    filter: Filter,
    explicit_priority: bool,
    /// `facility-override`, as its number.
    facility: Option<u8>,
    log_prefix: Option<String>,
    socket: UdpSocket,
    to: SocketAddr,
}

/// `user NAME` (`*`: every user).
#[derive(Debug)]
struct UserOut {
    name: String,
    filter: Filter,
}

/// The configured destinations, replaced whole at each commit.
#[derive(Debug, Default)]
pub struct Outputs {
    files: Vec<FileOut>,
    hosts: Vec<HostOut>,
    users: Vec<UserOut>,
    pub year: bool,
    pub millisecond: bool,
}

/// Where one event went: how many host packets were dropped (a full socket buffer, an
/// unreachable host) rather than stall the daemon.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub dropped: u64,
    /// For the terminals of logged-in users: (user name or `*`, the text to show).
    pub to_users: Vec<(String, String)>,
}

impl Outputs {
    /// The destinations `config` names, files in `dir` (none without a directory). With no
    /// file configured, `messages` is written as Junos' factory configuration writes it.
    /// What cannot be opened is left out and described in the returned problems, for the
    /// caller to log once the log is usable again.
    pub fn open(dir: Option<&Path>, config: &SyslogConfig) -> (Outputs, Vec<String>) {
        let mut problems = Vec::new();
        let mut outputs = Outputs {
            year: config.year,
            millisecond: config.millisecond,
            ..Outputs::default()
        };
        if let Some(dir) = dir {
            let factory = schema::typed::SyslogFile {
                selectors: select::factory_messages(),
                matches: None,
                size: DEFAULT_SIZE,
                files: DEFAULT_FILES,
                world_readable: false,
                explicit_priority: false,
            };
            let files: Vec<(&str, &schema::typed::SyslogFile)> = if config.files.is_empty() {
                vec![(MESSAGES, &factory)]
            } else {
                config.files.iter().map(|(n, f)| (n.as_str(), f)).collect()
            };
            for (name, f) in files {
                // The commit refused any name that is not a plain file name of ours.
                if name.contains('/') {
                    continue;
                }
                let path = dir.join(name);
                // `files` archived copies besides the file itself.
                match RotatingFile::open(&path, f.size, f.files.saturating_add(1), f.world_readable)
                {
                    Ok(file) => outputs.files.push(FileOut {
                        filter: Filter::new(&f.selectors, f.matches.as_deref(), &mut problems),
                        explicit_priority: f.explicit_priority,
                        file,
                    }),
                    Err(e) => {
                        problems.push(format!("cannot open the log file {}: {e}", path.display()))
                    }
                }
            }
        }
        for (name, h) in &config.hosts {
            match host_socket(name, h.port, h.source_address) {
                Ok((socket, to)) => outputs.hosts.push(HostOut {
                    filter: Filter::new(&h.selectors, h.matches.as_deref(), &mut problems),
                    explicit_priority: h.explicit_priority,
                    facility: h
                        .facility_override
                        .as_deref()
                        .and_then(select::override_number),
                    log_prefix: h.log_prefix.clone(),
                    socket,
                    to,
                }),
                Err(e) => problems.push(format!("syslog host {name} left out: {e}")),
            }
        }
        for (name, u) in &config.users {
            outputs.users.push(UserOut {
                name: name.clone(),
                filter: Filter::new(&u.selectors, u.matches.as_deref(), &mut problems),
            });
        }
        (outputs, problems)
    }

    /// Writes `entry` to every destination that takes it. `stamp` is the time as the
    /// destinations write it, `source` is `l2tpd[PID]`.
    pub fn write(&mut self, stamp: &str, host: &str, source: &str, entry: &Entry<'_>) -> Written {
        let mut written = Written::default();
        for out in &mut self.files {
            if out.filter.takes(entry) {
                let message = entry.message(out.explicit_priority);
                // Nowhere to report a failed log write but the log itself.
                let _ = out
                    .file
                    .write_line(&format!("{stamp}  {host} {source}: {message}"));
            }
        }
        for out in &self.hosts {
            if out.filter.takes(entry) {
                let facility = out
                    .facility
                    .unwrap_or_else(|| select::wire_number(entry.facility));
                let mut line = String::new();
                if let Some(prefix) = &out.log_prefix {
                    line.push_str(prefix);
                    line.push_str(": ");
                }
                line.push_str(source);
                line.push_str(": ");
                line.push_str(&entry.message(out.explicit_priority));
                let packet = rfc3164(facility, entry.severity, stamp, host, &line);
                if out.socket.send_to(packet.as_bytes(), out.to).is_err() {
                    written.dropped += 1;
                }
            }
        }
        for out in &self.users {
            if out.filter.takes(entry) {
                // BSD syslogd's wall message, as Junos prints it on a user's terminal.
                let text = format!(
                    "Message from syslogd@{host} at {stamp}  ...\n{host} {source}: {}",
                    entry.message(false)
                );
                written.to_users.push((out.name.clone(), text));
            }
        }
        written
    }

    #[cfg(test)]
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// One RFC 3164 packet: `<PRI>STAMP HOST LINE`, PRI = facility × 8 + severity, at most
/// [`MAX_PACKET`] octets (cut on a character boundary).
pub fn rfc3164(facility: u8, severity: Severity, stamp: &str, host: &str, line: &str) -> String {
    let pri = u16::from(facility) * 8 + u16::from(severity.code());
    let mut packet = format!("<{pri}>{stamp} {host} {line}");
    if packet.len() > MAX_PACKET {
        let mut cut = MAX_PACKET;
        while !packet.is_char_boundary(cut) {
            cut -= 1;
        }
        packet.truncate(cut);
    }
    packet
}

/// A non-blocking UDP socket towards `name:port`, from `source` when given. A name that is
/// not an address is resolved once, here, at commit.
fn host_socket(
    name: &str,
    port: u16,
    source: Option<Ipv4Addr>,
) -> Result<(UdpSocket, SocketAddr), String> {
    let to = match name.parse::<IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, port),
        Err(_) => (name, port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {name}: {e}"))?
            .next()
            .ok_or_else(|| format!("{name} has no address"))?,
    };
    let from: SocketAddr = match (source, to) {
        (Some(a), SocketAddr::V4(_)) => (a, 0).into(),
        (_, SocketAddr::V4(_)) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        (_, SocketAddr::V6(_)) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(from).map_err(|e| format!("cannot bind {from}: {e}"))?;
    socket
        .set_nonblocking(true)
        .map_err(|e| format!("cannot make the socket non-blocking: {e}"))?;
    Ok((socket, to))
}

/// The state directory's files that are logs by configuration: each configured syslog file,
/// `messages` when none is.
pub fn file_names(config: &SyslogConfig) -> Vec<&str> {
    if config.files.is_empty() {
        vec![MESSAGES]
    } else {
        config.files.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
#[path = "outputs_tests.rs"]
mod tests;
