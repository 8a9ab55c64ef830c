//! The log files an operator may read: `show log` lists them, `show log FILE` reads one,
//! `monitor start FILE` follows one. They are the daemon's `messages`, the configured syslog
//! files and the trace file `traceoptions` names, with their rotated copies, in the state
//! directory; and, as Junos keeps showing what stays in /var/log, every other regular file
//! there that is not one of the daemon's own (a file a former configuration wrote). A name
//! is a bare file name, never a path, and never the database or the socket.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use schema::system_rpc::{LogContent, LogFile, LogFiles};

use schema::typed::STATE_FILES;

use super::MESSAGES;

/// At most this much of a file is shown by `show log` (the newest part): a trace file may
/// be configured far larger than a management reply should be.
const MAX_SHOWN: u64 = 4 * 1024 * 1024;
/// At most this much is read per follow step, so one busy file cannot hold up the
/// management thread.
const MAX_FOLLOW_STEP: u64 = 64 * 1024;

/// True for the names of log files: `BASE` or `BASE.N` for each base (`messages`, the trace
/// file's name).
pub fn is_log_file(name: &str, bases: &[&str]) -> bool {
    bases.iter().any(|base| match name.strip_prefix(base) {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('.')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    })
}

/// True for a file left in `dir` that no configuration names any more: a regular file (not
/// a link, not a directory), not hidden, and not one of the daemon's own files (the
/// database, its text copy, the socket, or anything named after them).
pub fn is_left_over(dir: &Path, name: &str) -> bool {
    let own = STATE_FILES
        .iter()
        .any(|f| name == *f || name.strip_prefix(f).is_some_and(|r| r.starts_with('.')));
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains('/')
        && !own
        && fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.file_type().is_file())
}

/// A log file `show log` and `monitor start` may name.
fn readable(dir: &Path, name: &str, bases: &[&str]) -> bool {
    is_log_file(name, bases) || is_left_over(dir, name)
}

/// The bases of the log files: `messages` (written by default, and kept readable once a
/// configuration names other files), the configured syslog files, and the trace file (when
/// traceoptions is set). Only bare file names: never a path.
pub fn bases<'a>(trace_file: Option<&'a str>, syslog_files: &[&'a str]) -> Vec<&'a str> {
    let mut bases = vec![MESSAGES];
    for name in syslog_files.iter().copied().chain(trace_file) {
        if !name.contains('/') && !bases.contains(&name) {
            bases.push(name);
        }
    }
    bases
}

/// `show log`: the log files in `dir`, by name.
pub fn list(dir: &Path, bases: &[&str]) -> io::Result<LogFiles> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !readable(dir, &name, bases) {
            continue;
        }
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        files.push(LogFile {
            permissions: permissions(meta.permissions().mode()),
            links: meta.nlink(),
            owner: crate::mgmt::identity::user_name(meta.uid()),
            group: group_name(meta.gid()),
            size: meta.len(),
            blocks: meta.blocks(),
            modified: meta.mtime(),
            name,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(LogFiles {
        directory: dir.display().to_string(),
        files,
    })
}

fn group_name(gid: u32) -> String {
    match nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid)) {
        Ok(Some(g)) => g.name,
        _ => gid.to_string(),
    }
}

/// `-rw-r-----` for a regular file.
fn permissions(mode: u32) -> String {
    let mut s = String::from("-");
    for shift in [6, 3, 0] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(if bits & 1 != 0 { 'x' } else { '-' });
    }
    s
}

/// Junos' answer for a file that is not there (or not a log file).
pub fn not_found(name: &str) -> String {
    format!("could not resolve file: {name}")
}

/// `show log FILE`: its lines (the newest [`MAX_SHOWN`] octets of a larger file).
pub fn read(dir: &Path, name: &str, bases: &[&str]) -> Result<LogContent, String> {
    if !readable(dir, name, bases) {
        return Err(not_found(name));
    }
    let mut file = open(&dir.join(name)).map_err(|_| not_found(name))?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let start = len.saturating_sub(MAX_SHOWN);
    file.seek(SeekFrom::Start(start))
        .map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_SHOWN)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // A cut file starts mid-line.
    if start > 0 && !lines.is_empty() {
        lines.remove(0);
    }
    Ok(LogContent {
        file: name.to_string(),
        lines,
    })
}

/// Never through a symbolic link planted in the state directory.
fn open(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

/// `monitor start FILE`: where in FILE the lines not yet shown start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Follower {
    pub name: String,
    offset: u64,
}

impl Follower {
    /// Follows `name` from its current end: only lines written from now on are shown.
    pub fn start(dir: &Path, name: &str, bases: &[&str]) -> Result<Follower, String> {
        if !readable(dir, name, bases) {
            return Err(not_found(name));
        }
        // Junos follows a file that does not exist yet; so do we, from its start.
        let offset = fs::symlink_metadata(dir.join(name)).map_or(0, |m| m.len());
        Ok(Follower {
            name: name.to_string(),
            offset,
        })
    }

    /// The complete lines written since the last step. A file that shrank was rotated: it is
    /// read again from its start.
    pub fn step(&mut self, dir: &Path) -> Vec<String> {
        let Ok(mut file) = open(&dir.join(&self.name)) else {
            return Vec::new();
        };
        let Ok(len) = file.metadata().map(|m| m.len()) else {
            return Vec::new();
        };
        if len < self.offset {
            self.offset = 0;
        }
        if len == self.offset || file.seek(SeekFrom::Start(self.offset)).is_err() {
            return Vec::new();
        }
        let mut bytes = Vec::new();
        if file.take(MAX_FOLLOW_STEP).read_to_end(&mut bytes).is_err() {
            return Vec::new();
        }
        // Only whole lines: the rest is read once its newline is written. A line longer
        // than a whole step is shown in pieces rather than never.
        let end = match bytes.iter().rposition(|b| *b == b'\n') {
            Some(end) => end,
            None if bytes.len() as u64 >= MAX_FOLLOW_STEP => bytes.len(),
            None => return Vec::new(),
        };
        self.offset += (end as u64 + 1).min(bytes.len() as u64);
        String::from_utf8_lossy(&bytes[..end])
            .lines()
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_file_names() {
        let bases = bases(Some("l2tpd"), &["commits", "messages"]);
        for ok in [
            "messages",
            "messages.0",
            "messages.9",
            "l2tpd",
            "l2tpd.3",
            "commits",
            "commits.1",
        ] {
            assert!(is_log_file(ok, &bases), "{ok}");
        }
        for no in [
            "config.db",
            "mgmt.sock",
            "messages.",
            "messages.x",
            "../messages",
            "messagesx",
            "",
        ] {
            assert!(!is_log_file(no, &bases), "{no}");
        }
        assert_eq!(
            super::bases(Some("../etc/passwd"), &["a/b", "messages"]),
            ["messages"]
        );
        assert_eq!(bases.len(), 3);
    }

    #[test]
    fn list_read_and_follow() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bases = bases(None, &[]);
        fs::write(dir.path().join("messages"), "one\ntwo\n").expect("write");
        fs::write(dir.path().join("config.db"), "db").expect("write");
        let listed = list(dir.path(), &bases).expect("list");
        assert_eq!(listed.files.len(), 1);
        assert_eq!(listed.files[0].name, "messages");
        assert_eq!(listed.files[0].size, 8);
        assert_eq!(
            read(dir.path(), "messages", &bases).expect("read").lines,
            ["one", "two"]
        );
        assert_eq!(
            read(dir.path(), "config.db", &bases),
            Err("could not resolve file: config.db".into())
        );
        assert_eq!(
            read(dir.path(), "messages.0", &bases),
            Err("could not resolve file: messages.0".into())
        );

        // A file no configuration names any more is still listed and read, as Junos shows
        // what stays in /var/log; the daemon's own files never are.
        fs::write(dir.path().join("l2tp-events"), "old\n").expect("write");
        fs::write(dir.path().join("config.db.tmp"), "db").expect("write");
        fs::write(dir.path().join("rescue.conf"), "secrets").expect("write");
        fs::write(dir.path().join(".hidden"), "x").expect("write");
        fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::os::unix::fs::symlink(dir.path().join("config.db"), dir.path().join("link"))
            .expect("symlink");
        let names: Vec<String> = list(dir.path(), &bases)
            .expect("list")
            .files
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["l2tp-events", "messages"]);
        assert_eq!(
            read(dir.path(), "l2tp-events", &bases).expect("read").lines,
            ["old"]
        );
        for name in [
            "config.db.tmp",
            "rescue.conf",
            ".hidden",
            "sub",
            "link",
            "gone",
        ] {
            assert_eq!(
                read(dir.path(), name, &bases),
                Err(format!("could not resolve file: {name}"))
            );
        }
        assert!(Follower::start(dir.path(), "l2tp-events", &bases).is_ok());
        assert!(Follower::start(dir.path(), "link", &bases).is_err());

        let mut follower = Follower::start(dir.path(), "messages", &bases).expect("start");
        assert!(follower.step(dir.path()).is_empty(), "only new lines");
        let append = |text: &str| {
            use std::io::Write;
            let mut f = fs::OpenOptions::new()
                .append(true)
                .open(dir.path().join("messages"))
                .expect("open");
            f.write_all(text.as_bytes()).expect("append");
        };
        append("three\nfour");
        assert_eq!(follower.step(dir.path()), ["three"]);
        append("\n");
        assert_eq!(follower.step(dir.path()), ["four"]);
        // Rotated: the new file is read from its start.
        fs::write(dir.path().join("messages"), "five\n").expect("rotate");
        assert_eq!(follower.step(dir.path()), ["five"]);
        // A line longer than one step still moves the follower on.
        append(&"x".repeat(MAX_FOLLOW_STEP as usize + 10));
        assert_eq!(
            follower.step(dir.path()),
            ["x".repeat(MAX_FOLLOW_STEP as usize)]
        );
        append("\n");
        assert_eq!(follower.step(dir.path()), ["x".repeat(10)]);
    }
}
