//! Syslog over the local datagram socket (`/dev/log`), in RFC 3164's format:
//! `<PRI>Mmm dd hh:mm:ss HOST l2tpd[PID]: TAG: text`, facility daemon.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

use tracing::Level;

/// RFC 3164 facility `daemon`.
const FACILITY_DAEMON: u8 = 3;
/// Longest message sent: RFC 3164 §4.1 allows 1024 octets; longer lines are cut.
const MAX_PACKET: usize = 1024;

/// The severity of an event: tagged events are notices, as Junos' UI_ events are.
pub fn severity(level: &Level, tagged: bool) -> u8 {
    match *level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO if tagged => 5,
        Level::INFO => 6,
        _ => 7,
    }
}

/// One RFC 3164 packet. `stamp` is `Mmm dd hh:mm:ss`; `line` is `l2tpd[PID]: …`.
pub fn format(severity: u8, stamp: &str, host: &str, line: &str) -> String {
    let pri = FACILITY_DAEMON * 8 + severity;
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

/// The socket to syslog, when there is one.
#[derive(Debug)]
pub struct Syslog {
    socket: UnixDatagram,
    path: PathBuf,
}

impl Syslog {
    /// `None` when `path` does not exist (no syslog daemon, a container): nothing is sent.
    pub fn open(path: &Path) -> Option<Syslog> {
        if !path.exists() {
            return None;
        }
        let socket = UnixDatagram::unbound().ok()?;
        socket.set_nonblocking(true).ok()?;
        Some(Syslog {
            socket,
            path: path.to_path_buf(),
        })
    }

    /// Sends one packet. A full or absent syslog loses the line rather than stall the daemon.
    pub fn send(&self, packet: &str) {
        let _ = self.socket.send_to(packet.as_bytes(), &self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3164_packet() {
        assert_eq!(
            format(
                severity(&Level::INFO, true),
                "Dec  3 18:20:01",
                "router",
                "l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)"
            ),
            "<29>Dec  3 18:20:01 router l2tpd[42]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)"
        );
        assert!(format(3, "Dec  3 18:20:01", "r", &"é".repeat(2000)).len() <= MAX_PACKET);
        assert_eq!(severity(&Level::ERROR, false), 3);
        assert_eq!(severity(&Level::WARN, true), 4);
        assert_eq!(severity(&Level::INFO, false), 6);
    }

    #[test]
    fn sends_to_the_socket_and_skips_a_missing_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log");
        assert!(Syslog::open(&path).is_none());
        let server = UnixDatagram::bind(&path).expect("bind");
        let syslog = Syslog::open(&path).expect("open");
        syslog.send("<29>Dec  3 18:20:01 router l2tpd[42]: hello");
        let mut buf = [0u8; 128];
        let n = server.recv(&mut buf).expect("recv");
        assert_eq!(&buf[..n], b"<29>Dec  3 18:20:01 router l2tpd[42]: hello");
    }
}
