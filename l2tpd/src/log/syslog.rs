//! Syslog over the local datagram socket (`/dev/log`), in RFC 3164's format:
//! `<PRI>Mmm dd hh:mm:ss HOST l2tpd[PID]: TAG: text`, the event's facility as Junos sends it
//! to a remote machine (`outputs::rfc3164`, `select::wire_number`).

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};

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
