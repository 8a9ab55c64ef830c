//! What the forwarding benches (`relay`, `ip-forward`) share: a network namespace of their
//! own, `ip` in it, the measured thread's CPU time, the sink's count, and packets per
//! CPU-second.

use std::net::UdpSocket;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::USER_HZ;

/// One measurement: what reached the sink, the measured thread's CPU time, and how long.
pub struct Outcome {
    pub sunk: u64,
    pub cpu_seconds: f64,
    pub wall: Duration,
}

impl Outcome {
    /// Packets per second of one core (a run shorter than a tick counts one tick).
    pub fn per_core(&self) -> f64 {
        self.sunk as f64 / self.cpu_seconds.max(1.0 / USER_HZ)
    }
}

/// Checks root and `seconds`, then moves the process into a network namespace of its own
/// with loopback up: every thread and `ip` started from here on lives there. `needs` says
/// what the bench makes there, for the error without root.
pub fn enter_namespace(bench: &str, needs: &str, seconds: u64) -> Result<(), String> {
    if !(1..=30).contains(&seconds) {
        return Err("--seconds must be 1 to 30 (each of eight runs takes that long)".into());
    }
    own_network_namespace(bench, needs)
}

/// [`enter_namespace`] without a duration to check.
pub fn own_network_namespace(bench: &str, needs: &str) -> Result<(), String> {
    if !nix::unistd::Uid::effective().is_root() {
        return Err(format!(
            "{bench} needs root: it makes a network namespace with {needs}"
        ));
    }
    nix::sched::unshare(nix::sched::CloneFlags::CLONE_NEWNET)
        .map_err(|e| format!("cannot make a network namespace: {e}"))?;
    ip("link set lo up")
}

pub fn ip(args: &str) -> Result<(), String> {
    let status = Command::new("ip")
        .args(args.split(' '))
        .status()
        .map_err(|e| format!("ip {args}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("ip {args}: {status}"))
    }
}

/// Datagrams received at the sink until `stop`.
pub fn count_datagrams(sink: &UdpSocket, stop: &AtomicBool) -> Result<u64, String> {
    sink.set_read_timeout(Some(Duration::from_millis(50)))
        .map_err(|e| e.to_string())?;
    let mut buf = [0u8; 2048];
    let mut count = 0u64;
    while !stop.load(Ordering::Relaxed) {
        if sink.recv(&mut buf).is_ok() {
            count += 1;
        }
    }
    Ok(count)
}

/// utime + stime of the calling thread (fields 14 and 15 of /proc/thread-self/stat).
pub fn thread_cpu_seconds() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").map_err(|e| e.to_string())?;
    // The command name (field 2) may hold spaces; the fields after its ')' are plain.
    let after = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("unreadable /proc/thread-self/stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64, String> {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .ok_or_else(|| "unreadable CPU time".to_string())
    };
    // `after` starts at field 3 (state): utime is field 14, stime 15.
    Ok((ticks(11)? + ticks(12)?) / USER_HZ)
}
