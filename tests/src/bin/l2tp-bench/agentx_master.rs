//! A minimal AgentX master for `l2tp-bench snmp`: it takes l2tpd's subagent connection
//! itself and walks jnxL2tp with AgentX GetNext (one varbind per PDU, what net-snmp's
//! snmpd sends) or GetBulk (many per PDU, which RFC 2741 allows a master to send and
//! snmpd never does), so l2tpd's cost per round trip and per varbind can be told apart
//! from snmpd's. PDUs are written and read in network byte order (RFC 2741 6.1).

use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

const HEADER: usize = 20;
const NETWORK_BYTE_ORDER: u8 = 1 << 4;
const OPEN: u8 = 1;
const REGISTER: u8 = 3;
const GET_NEXT: u8 = 6;
const GET_BULK: u8 = 7;
const PING: u8 = 13;
const RESPONSE: u8 = 18;
const END_OF_MIB_VIEW: u16 = 130;

pub struct Master {
    stream: UnixStream,
    session_id: u32,
    packet_id: u32,
}

/// One walk: varbinds received, PDUs exchanged, how long.
pub struct Walked {
    pub varbinds: usize,
    pub requests: usize,
    pub elapsed: Duration,
}

impl Master {
    /// Listens on `path` and accepts the subagent (within `wait`), then its Open and
    /// Register.
    pub fn accept(path: &Path, wait: Duration) -> Result<Master, String> {
        let _ = std::fs::remove_file(path);
        let listener = UnixListener::bind(path).map_err(|e| format!("bind {path:?}: {e}"))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let deadline = Instant::now() + wait;
        let stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() > deadline {
                        return Err("the subagent did not connect".into());
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(format!("accept: {e}")),
            }
        };
        stream.set_nonblocking(false).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        let mut master = Master {
            stream,
            session_id: 77,
            packet_id: 0,
        };
        for expected in [OPEN, REGISTER] {
            let pdu = master.read_pdu()?;
            if pdu.get(1) != Some(&expected) {
                return Err(format!(
                    "expected PDU type {expected}, got {:?}",
                    pdu.get(1)
                ));
            }
            master.respond(&pdu)?;
        }
        Ok(master)
    }

    fn read_pdu(&mut self) -> Result<Vec<u8>, String> {
        let mut pdu = vec![0u8; HEADER];
        self.stream
            .read_exact(&mut pdu)
            .map_err(|e| format!("read: {e}"))?;
        let length = word(&pdu, 16).ok_or("short header")? as usize;
        pdu.resize(HEADER + length, 0);
        self.stream
            .read_exact(&mut pdu[HEADER..])
            .map_err(|e| format!("read: {e}"))?;
        Ok(pdu)
    }

    /// A Response with no error to `request` (Open, Register or Ping).
    fn respond(&mut self, request: &[u8]) -> Result<(), String> {
        let mut out = header(RESPONSE, self.session_id, word(request, 12).unwrap_or(0), 8);
        out.extend_from_slice(&[0; 8]);
        self.stream
            .write_all(&out)
            .map_err(|e| format!("write: {e}"))
    }

    /// The next Response to one of our requests, answering the subagent's pings meanwhile.
    fn response(&mut self) -> Result<Vec<u8>, String> {
        loop {
            let pdu = self.read_pdu()?;
            match pdu.get(1) {
                Some(&RESPONSE) => return Ok(pdu),
                Some(&PING) => self.respond(&pdu)?,
                other => return Err(format!("unexpected PDU type {other:?}")),
            }
        }
    }

    /// Walks `root` with GetNext (`repetitions` 0) or GetBulk of `repetitions`.
    pub fn walk(&mut self, root: &[u32], repetitions: u16) -> Result<Walked, String> {
        let started = Instant::now();
        let mut from = root.to_vec();
        let (mut varbinds, mut requests) = (0, 0);
        'walk: loop {
            self.packet_id += 1;
            let mut payload = Vec::new();
            if repetitions > 0 {
                payload.extend_from_slice(&0u16.to_be_bytes());
                payload.extend_from_slice(&repetitions.to_be_bytes());
            }
            oid(&mut payload, &from);
            oid(&mut payload, &[]);
            let ty = if repetitions > 0 { GET_BULK } else { GET_NEXT };
            let mut pdu = header(ty, self.session_id, self.packet_id, payload.len());
            pdu.extend_from_slice(&payload);
            self.stream
                .write_all(&pdu)
                .map_err(|e| format!("write: {e}"))?;
            requests += 1;
            let answer = self.response()?;
            let mut at = HEADER + 8;
            let mut any = false;
            while at < answer.len() {
                let (ty, name, next) = binding(&answer, at).ok_or("a malformed binding")?;
                at = next;
                if ty == END_OF_MIB_VIEW || !name.starts_with(root) {
                    break 'walk;
                }
                varbinds += 1;
                from = name;
                any = true;
            }
            if !any {
                break;
            }
        }
        Ok(Walked {
            varbinds,
            requests,
            elapsed: started.elapsed(),
        })
    }
}

fn header(ty: u8, session_id: u32, packet_id: u32, payload: usize) -> Vec<u8> {
    let mut out = vec![1, ty, NETWORK_BYTE_ORDER, 0];
    out.extend_from_slice(&session_id.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&packet_id.to_be_bytes());
    out.extend_from_slice(&u32::try_from(payload).unwrap_or(u32::MAX).to_be_bytes());
    out
}

fn oid(out: &mut Vec<u8>, oid: &[u32]) {
    out.extend_from_slice(&[u8::try_from(oid.len()).unwrap_or(u8::MAX), 0, 0, 0]);
    for sub in oid.iter().take(usize::from(u8::MAX)) {
        out.extend_from_slice(&sub.to_be_bytes());
    }
}

fn word(buf: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(buf.get(at..at + 4)?.try_into().ok()?))
}

/// The binding at `at`: its type, name, and where the next one starts.
fn binding(buf: &[u8], at: usize) -> Option<(u16, Vec<u32>, usize)> {
    let ty = u16::from_be_bytes(buf.get(at..at + 2)?.try_into().ok()?);
    let n = usize::from(*buf.get(at + 4)?);
    let name = (0..n)
        .map(|i| word(buf, at + 8 + 4 * i))
        .collect::<Option<Vec<u32>>>()?;
    let value = at + 8 + 4 * n;
    let next = match ty {
        2 | 65 | 66 | 67 => value + 4,
        70 => value + 8,
        4 | 64 | 68 => {
            let length = word(buf, value)? as usize;
            value + 4 + length.div_ceil(4) * 4
        }
        6 => value + 4 + 4 * usize::from(*buf.get(value)?),
        _ => value,
    };
    Some((ty, name, next))
}
