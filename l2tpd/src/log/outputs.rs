//! The destinations `[edit system syslog]` configures: files in the state directory,
//! remote hosts over UDP, users' terminals and the console, each with its facility/severity
//! statements and `match` (files and hosts: `explicit-priority`; files: `structured-data`);
//! how a line is written for each; and syslogd's duplicate suppression for each
//! (`repeats`) unless `allow-duplicates`.

use std::fs;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};

use schema::typed::{syslog_regex, Facility, Selectors, Severity, SyslogConfig};

use super::repeats::{repeated, Flush, Offer, Repeats};
use super::{select, structured};
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
    /// Its variables by Junos' names, for the structured-data element (`username`, `root`).
    pub params: &'a [(String, String)],
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

/// A destination's duplicate suppression: none with `allow-duplicates`.
fn repeats(allow_duplicates: bool) -> Option<Repeats> {
    (!allow_duplicates).then(Repeats::default)
}

/// What every destination's line is made of besides the event.
#[derive(Clone, Copy, Debug)]
struct Context<'a> {
    host: &'a str,
    /// `l2tpd[PID]`.
    source: &'a str,
    pid: u32,
    year: bool,
    millisecond: bool,
}

impl Context<'_> {
    /// The time stamp of a standard line (`time-format` applied).
    fn stamp(&self, at_ms: i64) -> String {
        super::stamp_with(at_ms, self.year, self.millisecond)
    }
}

/// One destination: how it writes a message (its line without the time stamp, as
/// duplicate suppression compares it) and syslogd's `last message repeated N times`.
trait Destination {
    fn repeats(&mut self) -> &mut Option<Repeats>;
    fn emit(&mut self, cx: &Context<'_>, at_ms: i64, message: &str, pri: u16, out: &mut Written);
    fn emit_repeated(
        &mut self,
        cx: &Context<'_>,
        at_ms: i64,
        count: u32,
        pri: u16,
        out: &mut Written,
    );
}

/// Writes `message` unless it repeats the previous one, after any held copies.
fn deliver<D: Destination>(
    d: &mut D,
    cx: &Context<'_>,
    now_ms: i64,
    message: &str,
    pri: u16,
    out: &mut Written,
) {
    let offer = match d.repeats() {
        Some(r) => r.offer(now_ms, message, pri),
        None => Offer {
            flush: None,
            write: true,
        },
    };
    if let Some(f) = offer.flush {
        flush(d, cx, f, out);
    }
    if offer.write {
        d.emit(cx, now_ms, message, pri, out);
    }
}

/// Held copies: one is written as the message itself (at the copy's time), more as a count.
fn flush<D: Destination>(d: &mut D, cx: &Context<'_>, f: Flush, out: &mut Written) {
    if f.count == 1 {
        d.emit(cx, f.at_ms, &f.message, f.pri, out);
    } else {
        d.emit_repeated(cx, f.at_ms, f.count, f.pri, out);
    }
}

/// Held copies that are due at `now_ms`, or all of them (`all`: the destination is being
/// replaced).
fn flush_held<D: Destination>(
    d: &mut D,
    cx: &Context<'_>,
    now_ms: i64,
    all: bool,
    out: &mut Written,
) {
    let held = d.repeats().as_mut().and_then(|r| {
        if all {
            r.pending(now_ms)
        } else {
            r.due(now_ms)
        }
    });
    if let Some(f) = held {
        flush(d, cx, f, out);
    }
}

/// How a file's lines are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Junos' standard line, `%FACILITY-SEVERITY-TAG` with `explicit-priority`.
    Standard { explicit_priority: bool },
    /// `structured-data`: RFC 5424 (`structured`).
    Structured { brief: bool },
}

#[derive(Debug)]
struct FileOut {
    filter: Filter,
    layout: Layout,
    file: RotatingFile,
    repeats: Option<Repeats>,
}

impl FileOut {
    fn message(&self, cx: &Context<'_>, entry: &Entry<'_>) -> String {
        match self.layout {
            Layout::Standard { explicit_priority } => format!(
                "{} {}: {}",
                cx.host,
                cx.source,
                entry.message(explicit_priority)
            ),
            Layout::Structured { brief } => {
                structured::message(entry, cx.host, super::PROGRAM, cx.pid, brief)
            }
        }
    }

    fn put(&mut self, line: &str) {
        // Nowhere to report a failed log write but the log itself.
        let _ = self.file.write_line(line);
    }
}

impl Destination for FileOut {
    fn repeats(&mut self) -> &mut Option<Repeats> {
        &mut self.repeats
    }

    fn emit(&mut self, cx: &Context<'_>, at_ms: i64, message: &str, pri: u16, _: &mut Written) {
        let line = match self.layout {
            Layout::Standard { .. } => format!("{}  {message}", cx.stamp(at_ms)),
            Layout::Structured { .. } => structured::line(pri, at_ms, message),
        };
        self.put(&line);
    }

    fn emit_repeated(
        &mut self,
        cx: &Context<'_>,
        at_ms: i64,
        count: u32,
        pri: u16,
        _: &mut Written,
    ) {
        let line = match self.layout {
            Layout::Standard { .. } => {
                format!("{}  {} {}", cx.stamp(at_ms), cx.host, repeated(count))
            }
            Layout::Structured { .. } => structured::repeated(pri, at_ms, cx.host, count),
        };
        self.put(&line);
    }
}

#[derive(Debug)]
struct HostOut {
    filter: Filter,
    /// `structured-data`: RFC 5424 packets, `Some(brief)`.
    structured: Option<bool>,
    explicit_priority: bool,
    /// `facility-override`, as its number.
    facility: Option<u8>,
    log_prefix: Option<String>,
    socket: UdpSocket,
    to: SocketAddr,
    repeats: Option<Repeats>,
}

impl HostOut {
    fn message(&self, cx: &Context<'_>, entry: &Entry<'_>) -> String {
        if let Some(brief) = self.structured {
            return structured::message(entry, cx.host, super::PROGRAM, cx.pid, brief);
        }
        let mut line = String::new();
        if let Some(prefix) = &self.log_prefix {
            line.push_str(prefix);
            line.push_str(": ");
        }
        line.push_str(cx.source);
        line.push_str(": ");
        line.push_str(&entry.message(self.explicit_priority));
        line
    }

    fn pri(&self, entry: &Entry<'_>) -> u16 {
        let facility = self
            .facility
            .unwrap_or_else(|| select::wire_number(entry.facility));
        u16::from(facility) * 8 + u16::from(entry.severity.code())
    }

    fn send(&self, packet: &str, out: &mut Written) {
        if self.socket.send_to(packet.as_bytes(), self.to).is_err() {
            out.dropped += 1;
        }
    }
}

impl Destination for HostOut {
    fn repeats(&mut self) -> &mut Option<Repeats> {
        &mut self.repeats
    }

    fn emit(&mut self, cx: &Context<'_>, at_ms: i64, message: &str, pri: u16, out: &mut Written) {
        let packet = match self.structured {
            Some(_) => cut(structured::line(pri, at_ms, message)),
            None => packet(pri, &cx.stamp(at_ms), cx.host, message),
        };
        self.send(&packet, out);
    }

    fn emit_repeated(
        &mut self,
        cx: &Context<'_>,
        at_ms: i64,
        count: u32,
        pri: u16,
        out: &mut Written,
    ) {
        let packet = match self.structured {
            Some(_) => cut(structured::repeated(pri, at_ms, cx.host, count)),
            None => packet(pri, &cx.stamp(at_ms), cx.host, &repeated(count)),
        };
        self.send(&packet, out);
    }
}

/// `user NAME` (`*`: every user).
#[derive(Debug)]
struct UserOut {
    name: String,
    filter: Filter,
    repeats: Option<Repeats>,
}

impl UserOut {
    /// BSD syslogd's wall message, as Junos prints it on a user's terminal.
    fn wall(&self, cx: &Context<'_>, at_ms: i64, text: &str, out: &mut Written) {
        let host = cx.host;
        let stamp = cx.stamp(at_ms);
        out.to_users.push((
            self.name.clone(),
            format!("Message from syslogd@{host} at {stamp}  ...\n{text}"),
        ));
    }
}

impl Destination for UserOut {
    fn repeats(&mut self) -> &mut Option<Repeats> {
        &mut self.repeats
    }

    fn emit(&mut self, cx: &Context<'_>, at_ms: i64, message: &str, _: u16, out: &mut Written) {
        self.wall(cx, at_ms, message, out);
    }

    fn emit_repeated(
        &mut self,
        cx: &Context<'_>,
        at_ms: i64,
        count: u32,
        _: u16,
        out: &mut Written,
    ) {
        self.wall(cx, at_ms, &format!("{} {}", cx.host, repeated(count)), out);
    }
}

/// `console { … }`: the system console, written as syslogd writes a terminal (`\r\n`).
#[derive(Debug)]
struct ConsoleOut {
    filter: Filter,
    console: fs::File,
    repeats: Option<Repeats>,
}

impl ConsoleOut {
    fn put(&mut self, line: &str, out: &mut Written) {
        // Non-blocking: a console that cannot take the line now loses it, counted.
        if self
            .console
            .write_all(format!("{line}\r\n").as_bytes())
            .is_err()
        {
            out.dropped += 1;
        }
    }
}

impl Destination for ConsoleOut {
    fn repeats(&mut self) -> &mut Option<Repeats> {
        &mut self.repeats
    }

    fn emit(&mut self, cx: &Context<'_>, at_ms: i64, message: &str, _: u16, out: &mut Written) {
        self.put(&format!("{}  {message}", cx.stamp(at_ms)), out);
    }

    fn emit_repeated(
        &mut self,
        cx: &Context<'_>,
        at_ms: i64,
        count: u32,
        _: u16,
        out: &mut Written,
    ) {
        self.put(
            &format!("{}  {} {}", cx.stamp(at_ms), cx.host, repeated(count)),
            out,
        );
    }
}

/// The system console: `/dev/console`, or in a debug build the file [`TEST_CONSOLE_ENV`]
/// names, so tests see what the console would (a release build never reads it).
pub fn console_path() -> PathBuf {
    const CONSOLE: &str = "/dev/console";
    if cfg!(debug_assertions) {
        if let Some(path) = std::env::var_os(TEST_CONSOLE_ENV).filter(|p| !p.is_empty()) {
            return PathBuf::from(path);
        }
    }
    PathBuf::from(CONSOLE)
}

/// The environment variable that stands for the console in tests (debug builds only).
pub const TEST_CONSOLE_ENV: &str = "L2TP_TEST_CONSOLE";

/// Opened for writing only, never as our controlling terminal, and never waiting.
fn open_console(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .append(true)
        .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
        .open(path)
}

/// The configured destinations, replaced whole at each commit.
#[derive(Debug, Default)]
pub struct Outputs {
    files: Vec<FileOut>,
    hosts: Vec<HostOut>,
    users: Vec<UserOut>,
    console: Option<ConsoleOut>,
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
    /// The destinations `config` names, files in `dir` (none without a directory), the
    /// console at `console` when `config` has `console`. With no file configured,
    /// `messages` is written as Junos' factory configuration writes it. What cannot be
    /// opened is left out and described in the returned problems, for the caller to log
    /// once the log is usable again.
    pub fn open(
        dir: Option<&Path>,
        config: &SyslogConfig,
        console: &Path,
    ) -> (Outputs, Vec<String>) {
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
                structured_data: None,
                allow_duplicates: config.allow_duplicates,
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
                        layout: match f.structured_data {
                            Some(sd) => Layout::Structured { brief: sd.brief },
                            None => Layout::Standard {
                                explicit_priority: f.explicit_priority,
                            },
                        },
                        file,
                        repeats: repeats(f.allow_duplicates),
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
                    structured: h.structured_data.map(|sd| sd.brief),
                    explicit_priority: h.explicit_priority,
                    facility: h
                        .facility_override
                        .as_deref()
                        .and_then(select::override_number),
                    log_prefix: h.log_prefix.clone(),
                    socket,
                    to,
                    repeats: repeats(h.allow_duplicates),
                }),
                Err(e) => problems.push(format!("syslog host {name} left out: {e}")),
            }
        }
        for (name, u) in &config.users {
            outputs.users.push(UserOut {
                name: name.clone(),
                filter: Filter::new(&u.selectors, u.matches.as_deref(), &mut problems),
                repeats: repeats(u.allow_duplicates),
            });
        }
        if let Some(selectors) = &config.console {
            match open_console(console) {
                Ok(file) => {
                    outputs.console = Some(ConsoleOut {
                        filter: Filter::new(selectors, None, &mut problems),
                        console: file,
                        repeats: repeats(config.allow_duplicates),
                    })
                }
                Err(e) => problems.push(format!(
                    "cannot open the console {}: {e}",
                    console.display()
                )),
            }
        }
        (outputs, problems)
    }

    /// Writes `entry` at `now_ms` to every destination that takes it, from `host`'s
    /// process `pid`, unless it repeats the destination's previous message.
    pub fn write(&mut self, now_ms: i64, host: &str, pid: u32, entry: &Entry<'_>) -> Written {
        let source = format!("{}[{pid}]", super::PROGRAM);
        let cx = self.context(host, &source, pid);
        let mut out = Written::default();
        let pri = structured::pri(entry);
        for d in &mut self.files {
            if d.filter.takes(entry) {
                let message = d.message(&cx, entry);
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        for d in &mut self.hosts {
            if d.filter.takes(entry) {
                let message = d.message(&cx, entry);
                let pri = d.pri(entry);
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        for d in &mut self.users {
            if d.filter.takes(entry) {
                let message = format!("{host} {source}: {}", entry.message(false));
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        if let Some(d) = &mut self.console {
            if d.filter.takes(entry) {
                let message = format!("{host} {source}: {}", entry.message(false));
                deliver(d, &cx, now_ms, &message, pri, &mut out);
            }
        }
        out
    }

    /// Each tick: the repeat counts held long enough (syslogd's 30 s mark).
    pub fn tick(&mut self, now_ms: i64, host: &str, pid: u32) -> Written {
        self.flush_held(now_ms, host, pid, false)
    }

    /// Before these destinations are replaced (a commit): every held repeat count, as
    /// syslogd writes them out when it reads its configuration again.
    pub fn finish(&mut self, now_ms: i64, host: &str, pid: u32) -> Written {
        self.flush_held(now_ms, host, pid, true)
    }

    fn flush_held(&mut self, now_ms: i64, host: &str, pid: u32, all: bool) -> Written {
        let source = format!("{}[{pid}]", super::PROGRAM);
        let cx = self.context(host, &source, pid);
        let mut out = Written::default();
        for d in &mut self.files {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        for d in &mut self.hosts {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        for d in &mut self.users {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        if let Some(d) = &mut self.console {
            flush_held(d, &cx, now_ms, all, &mut out);
        }
        out
    }

    fn context<'a>(&self, host: &'a str, source: &'a str, pid: u32) -> Context<'a> {
        Context {
            host,
            source,
            pid,
            year: self.year,
            millisecond: self.millisecond,
        }
    }

    #[cfg(test)]
    pub fn file_count(&self) -> usize {
        self.files.len()
    }
}

/// One RFC 3164 packet of priority `pri`, cut as [`rfc3164`] cuts it.
fn packet(pri: u16, stamp: &str, host: &str, line: &str) -> String {
    cut(format!("<{pri}>{stamp} {host} {line}"))
}

fn cut(mut packet: String) -> String {
    if packet.len() > MAX_PACKET {
        let mut cut = MAX_PACKET;
        while !packet.is_char_boundary(cut) {
            cut -= 1;
        }
        packet.truncate(cut);
    }
    packet
}

/// One RFC 3164 packet: `<PRI>STAMP HOST LINE`, PRI = facility × 8 + severity, at most
/// [`MAX_PACKET`] octets (cut on a character boundary).
pub fn rfc3164(facility: u8, severity: Severity, stamp: &str, host: &str, line: &str) -> String {
    let pri = u16::from(facility) * 8 + u16::from(severity.code());
    packet(pri, stamp, host, line)
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
