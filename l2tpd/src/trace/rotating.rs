//! The trace file: appended to, and when the next line would pass `size`, renamed to
//! `NAME.0` (older ones to `NAME.1`, …) so that at most `files` files exist, as Junos rotates
//! its trace files (without the compression).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct RotatingFile {
    path: PathBuf,
    size: u64,
    files: u32,
    mode: u32,
    file: File,
    written: u64,
}

impl RotatingFile {
    /// Opens (or creates) `path` for appending. Never through a symbolic link: a link
    /// planted in the state directory must not make the daemon write elsewhere.
    pub fn open(path: &Path, size: u64, files: u32, world_readable: bool) -> io::Result<Self> {
        let mode = if world_readable { 0o644 } else { 0o600 };
        let file = open(path, mode)?;
        let written = file.metadata()?.len();
        Ok(Self {
            path: path.to_path_buf(),
            size: size.max(1),
            files: files.max(1),
            mode,
            file,
            written,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write_line(&mut self, line: &str) -> io::Result<()> {
        let len = line.len() as u64 + 1;
        if self.written > 0 && self.written + len > self.size {
            self.rotate()?;
        }
        self.file.write_all(line.as_bytes())?;
        self.file.write_all(b"\n")?;
        self.written += len;
        Ok(())
    }

    fn rotate(&mut self) -> io::Result<()> {
        // Kept: the current file and NAME.0 ..= NAME.(files-2).
        if self.files >= 2 {
            let _ = fs::remove_file(self.numbered(self.files - 2));
            for n in (0..self.files - 2).rev() {
                let _ = fs::rename(self.numbered(n), self.numbered(n + 1));
            }
            fs::rename(&self.path, self.numbered(0))?;
        } else {
            fs::remove_file(&self.path)?;
        }
        self.file = open(&self.path, self.mode)?;
        self.written = 0;
        Ok(())
    }

    fn numbered(&self, n: u32) -> PathBuf {
        let mut name = self.path.clone().into_os_string();
        name.push(format!(".{n}"));
        PathBuf::from(name)
    }
}

fn open(path: &Path, mode: u32) -> io::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(mode)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    // `mode` applies only to a new file; `world-readable` changed on an old one counts too.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_by_size_and_keeps_files_in_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("l2tpd");
        let mut file = RotatingFile::open(&path, 100, 3, false).expect("open");
        let line = "x".repeat(39); // 40 octets with the newline: two lines per file
        for _ in 0..9 {
            file.write_line(&line).expect("write");
        }
        let size = |p: &Path| fs::metadata(p).map(|m| m.len()).ok();
        assert_eq!(size(&path), Some(40));
        assert_eq!(size(&dir.path().join("l2tpd.0")), Some(80));
        assert_eq!(size(&dir.path().join("l2tpd.1")), Some(80));
        assert_eq!(size(&dir.path().join("l2tpd.2")), None, "files 3: no more");
        let mode = fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        drop(file);
        RotatingFile::open(&path, 100, 3, true).expect("reopen");
        let mode = fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "world-readable");
    }

    #[test]
    fn a_symlink_in_place_of_the_file_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("elsewhere");
        fs::write(&target, b"keep").expect("write");
        let path = dir.path().join("l2tpd");
        std::os::unix::fs::symlink(&target, &path).expect("symlink");
        assert!(RotatingFile::open(&path, 100, 3, false).is_err());
        assert_eq!(fs::read(&target).expect("read"), b"keep");
    }
}
