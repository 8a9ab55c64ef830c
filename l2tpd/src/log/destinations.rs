//! The destinations of `[edit system syslog]`, one type each: a file (Junos' standard line,
//! or `structured-data`), a host (RFC 3164 datagrams, or RFC 5424 with `structured-data`), a
//! user's terminals (syslogd's wall message) and the console; what each takes (`Filter`), how
//! it writes an event and syslogd's `last message repeated N times`, and its duplicate
//! suppression (`repeats`) unless `allow-duplicates`. `outputs` opens them from the
//! configuration and hands each event to them.

use std::fs;
use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::path::{Path, PathBuf};

use schema::typed::{syslog_regex, Selectors};

use super::outputs::{Entry, Written, MAX_PACKET};
use super::repeats::{repeated, Flush, Offer, Repeats};
use super::{select, structured};
use crate::trace::RotatingFile;

/// What a destination takes: its statements and its `match`.
#[derive(Debug)]
pub(super) struct Filter {
    selectors: Selectors,
    matches: Option<regex::Regex>,
}

impl Filter {
    pub(super) fn new(
        selectors: &Selectors,
        matches: Option<&str>,
        problems: &mut Vec<String>,
    ) -> Filter {
        let matches = matches.and_then(|re| syslog_regex(re).map_err(|e| problems.push(e)).ok());
        Filter {
            selectors: selectors.clone(),
            matches,
        }
    }

    pub(super) fn takes(&self, entry: &Entry<'_>) -> bool {
        select::selects(&self.selectors, entry.facility, entry.severity)
            && self
                .matches
                .as_ref()
                .is_none_or(|re| re.is_match(&entry.message(false)))
    }
}

/// A destination's duplicate suppression: none with `allow-duplicates`.
pub(super) fn repeats(allow_duplicates: bool) -> Option<Repeats> {
    (!allow_duplicates).then(Repeats::default)
}

/// What every destination's line is made of besides the event.
#[derive(Clone, Copy, Debug)]
pub(super) struct Context<'a> {
    pub(super) host: &'a str,
    /// `l2tpd[PID]`.
    pub(super) source: &'a str,
    pub(super) pid: u32,
    pub(super) year: bool,
    pub(super) millisecond: bool,
}

impl Context<'_> {
    /// The time stamp of a standard line (`time-format` applied).
    pub(super) fn stamp(&self, at_ms: i64) -> String {
        super::stamp_with(at_ms, self.year, self.millisecond)
    }
}

/// One destination: how it writes a message (its line without the time stamp, as
/// duplicate suppression compares it) and syslogd's `last message repeated N times`.
pub(super) trait Destination {
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
pub(super) fn deliver<D: Destination>(
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
pub(super) fn flush_held<D: Destination>(
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
pub(super) enum Layout {
    /// Junos' standard line, `%FACILITY-SEVERITY-TAG` with `explicit-priority`.
    Standard { explicit_priority: bool },
    /// `structured-data`: RFC 5424 (`structured`).
    Structured { brief: bool },
}

#[derive(Debug)]
pub(super) struct FileOut {
    pub(super) filter: Filter,
    pub(super) layout: Layout,
    pub(super) file: RotatingFile,
    pub(super) repeats: Option<Repeats>,
}

impl FileOut {
    pub(super) fn message(&self, cx: &Context<'_>, entry: &Entry<'_>) -> String {
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
pub(super) struct HostOut {
    pub(super) filter: Filter,
    /// `structured-data`: RFC 5424 packets, `Some(brief)`.
    pub(super) structured: Option<bool>,
    pub(super) explicit_priority: bool,
    /// `facility-override`, as its number.
    pub(super) facility: Option<u8>,
    pub(super) log_prefix: Option<String>,
    pub(super) socket: UdpSocket,
    pub(super) to: SocketAddr,
    pub(super) repeats: Option<Repeats>,
}

impl HostOut {
    pub(super) fn message(&self, cx: &Context<'_>, entry: &Entry<'_>) -> String {
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

    pub(super) fn pri(&self, entry: &Entry<'_>) -> u16 {
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
pub(super) struct UserOut {
    pub(super) name: String,
    pub(super) filter: Filter,
    pub(super) repeats: Option<Repeats>,
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
pub(super) struct ConsoleOut {
    pub(super) filter: Filter,
    pub(super) console: fs::File,
    pub(super) repeats: Option<Repeats>,
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
pub(super) fn open_console(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .append(true)
        .custom_flags(libc::O_NOCTTY | libc::O_NONBLOCK)
        .open(path)
}

/// One RFC 3164 packet of priority `pri`, cut as [`rfc3164`] cuts it.
pub(super) fn packet(pri: u16, stamp: &str, host: &str, line: &str) -> String {
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

/// A non-blocking UDP socket towards `name:port`, from `source` when given. A name that is
/// not an address is resolved once, here, at commit.
pub(super) fn host_socket(
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
