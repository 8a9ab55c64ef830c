//! What `show system …` reads of the host and of this process, from /proc and statvfs.
//! Every reader returns `None` (or leaves a field out) rather than fail: a show must not
//! break because a container hides part of /proc.

use std::fs;
use std::path::{Component, Path};

use schema::system_rpc::{Filesystem, ThreadInfo};

/// /proc counts CPU time in USER_HZ ticks, 100 a second on every Linux architecture.
const USER_HZ: u64 = 100;

/// The host's boot time (`btime` in /proc/stat).
pub fn boot_time() -> Option<i64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    btime(&stat)
}

fn btime(stat: &str) -> Option<i64> {
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// The 1, 5 and 15 minute load averages in hundredths.
pub fn load_averages() -> Option<[u32; 3]> {
    parse_loadavg(&fs::read_to_string("/proc/loadavg").ok()?)
}

fn parse_loadavg(text: &str) -> Option<[u32; 3]> {
    let mut words = text.split_whitespace().map(|w| {
        let (int, frac) = w.split_once('.')?;
        let frac: String = frac.chars().chain("00".chars()).take(2).collect();
        Some(int.parse::<u32>().ok()? * 100 + frac.parse::<u32>().ok()?)
    });
    Some([words.next()??, words.next()??, words.next()??])
}

/// State and CPU time (user + system, hundredths of a second) from a `stat` line:
/// `pid (comm) S ppid … utime stime …`. The name may hold spaces and parentheses, so the
/// fields are counted from its last `)`.
fn parse_stat(stat: &str) -> Option<(String, String, u64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat.get(open + 1..close)?.to_string();
    let fields: Vec<&str> = stat.get(close + 1..)?.split_whitespace().collect();
    let state = fields.first()?.to_string();
    // Fields 14 and 15 of proc(5), counted from the state (field 3).
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((name, state, (utime + stime) * 100 / USER_HZ))
}

/// This process's CPU time in hundredths of a second.
pub fn process_cpu() -> Option<u64> {
    parse_stat(&fs::read_to_string("/proc/self/stat").ok()?).map(|(_, _, cpu)| cpu)
}

/// This process's threads, by thread id.
pub fn threads() -> Vec<ThreadInfo> {
    let Ok(tasks) = fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    let mut threads: Vec<ThreadInfo> = tasks
        .filter_map(|e| {
            let e = e.ok()?;
            let tid: u32 = e.file_name().to_str()?.parse().ok()?;
            let stat = fs::read_to_string(e.path().join("stat")).ok()?;
            let (name, state, cpu) = parse_stat(&stat)?;
            Some(ThreadInfo {
                tid,
                name,
                state,
                cpu_centiseconds: cpu,
            })
        })
        .collect();
    threads.sort_by_key(|t| t.tid);
    threads
}

/// Resident and virtual size in octets (`VmRSS`, `VmSize` of /proc/self/status).
pub fn memory() -> (u64, u64) {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    (
        status_kib(&status, "VmRSS:") * 1024,
        status_kib(&status, "VmSize:") * 1024,
    )
}

fn status_kib(status: &str, key: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The file system `dir` is on, with its sizes.
pub fn filesystem(dir: &Path) -> Option<Filesystem> {
    let vfs = nix::sys::statvfs::statvfs(dir).ok()?;
    let frsize = vfs.fragment_size() as u64;
    let total = vfs.blocks() as u64 * frsize;
    let free = vfs.blocks_free() as u64 * frsize;
    let available = vfs.blocks_available() as u64 * frsize;
    let canonical = fs::canonicalize(dir).ok()?;
    let mounts = fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    let (name, mounted_on) = mount_of(&mounts, &canonical)
        .unwrap_or_else(|| ("-".to_string(), canonical.display().to_string()));
    Some(Filesystem {
        name,
        total,
        used: total.saturating_sub(free),
        available,
        mounted_on,
    })
}

/// The device and mount point of the mount holding `path`: the longest mount point that
/// contains it (the last mounted wins a tie, as the kernel stacks mounts).
fn mount_of(mounts: &str, path: &Path) -> Option<(String, String)> {
    let mut best: Option<(usize, String, String)> = None;
    for line in mounts.lines() {
        let mut words = line.split_whitespace();
        let (Some(device), Some(point)) = (words.next(), words.next()) else {
            continue;
        };
        let point = unescape(point);
        if !path.starts_with(&point) {
            continue;
        }
        let depth = Path::new(&point)
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .count();
        if best.as_ref().is_none_or(|(d, _, _)| depth >= *d) {
            best = Some((depth, unescape(device), point));
        }
    }
    best.map(|(_, device, point)| (device, point))
}

/// /proc/mounts writes space, tab, newline and backslash as `\040`-style octal escapes.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .filter(|d| bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)))
            .map(|d| d.iter().fold(0u32, |n, b| n * 8 + u32::from(b - b'0')));
        match octal.and_then(|n| u8::try_from(n).ok()) {
            Some(b) => {
                out.push(b);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_texts() {
        assert_eq!(
            btime("cpu 1 2 3\nbtime 1796000000\nprocesses 9\n"),
            Some(1_796_000_000)
        );
        assert_eq!(
            parse_loadavg("0.08 1.5 12.34 1/234 5678\n"),
            Some([8, 150, 1234])
        );
        let stat = "4242 (mgmt (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0";
        assert_eq!(
            parse_stat(stat),
            Some(("mgmt (x) y".into(), "S".into(), 300))
        );
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(status_kib("VmRSS:\t  2048 kB\n", "VmRSS:"), 2048);
    }

    #[test]
    fn the_longest_mount_point_holds_the_path() {
        let mounts = "/dev/vda / ext4 rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n\
                      /dev/vdb /tmp/my\\040dir xfs rw 0 0\n";
        assert_eq!(
            mount_of(mounts, Path::new("/tmp/my dir/state")),
            Some(("/dev/vdb".into(), "/tmp/my dir".into()))
        );
        assert_eq!(
            mount_of(mounts, Path::new("/tmp/other")),
            Some(("tmpfs".into(), "/tmp".into()))
        );
        assert_eq!(
            mount_of(mounts, Path::new("/var/lib/l2tpd")),
            Some(("/dev/vda".into(), "/".into()))
        );
    }

    #[test]
    fn this_process_is_readable() {
        assert!(!threads().is_empty());
        let (rss, vsz) = memory();
        assert!(rss > 0 && vsz >= rss);
        assert!(filesystem(Path::new("/")).is_some_and(|f| f.total > 0));
    }
}
