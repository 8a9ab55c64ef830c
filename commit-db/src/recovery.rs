//! The plain-text recovery copy `STATE_DIR/juniper.conf`: the active configuration as the
//! printer renders it, for an operator who has to rebuild a router whose database is lost.
//!
//! It is replaced atomically (write a temporary file, fsync it, rename it over the old copy,
//! fsync the directory), so after a crash the file holds either the previous or the new
//! configuration, never a torn mix. The temporary file is created new (O_EXCL, mode 0600),
//! so a link planted under its name cannot make the daemon write anywhere else.

use crate::error::DbError;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub(crate) const FILE_NAME: &str = "juniper.conf";
const TMP_SUFFIX: &str = ".tmp";

pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(TMP_SUFFIX);
    PathBuf::from(name)
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DbError {
    let path = path.to_path_buf();
    move |source| DbError::Io {
        action,
        path,
        source,
    }
}

pub(crate) fn replace(path: &Path, text: &str) -> Result<(), DbError> {
    let tmp = tmp_path(path);
    {
        let mut file = create_private(&tmp)?;
        file.write_all(text.as_bytes()).map_err(io("write", &tmp))?;
        file.sync_all().map_err(io("fsync", &tmp))?;
    }
    if let Err(e) = fs::rename(&tmp, path) {
        // Do not leave a stray copy that an operator could mistake for the real one.
        let _ = fs::remove_file(&tmp);
        return Err(io("rename into place", path)(e));
    }
    // The rename is durable only once the directory entry is.
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io("fsync directory", dir))
}

/// Creates `tmp` afresh, readable by the daemon's user only (it holds `$9$` secrets, which
/// anyone can decode). `create_new` is O_CREAT|O_EXCL: the kernel then refuses to follow a
/// symlink at that name, so one planted there cannot redirect the write. A leftover from a
/// crash during an earlier write (file or planted link) is unlinked first; unlinking a symlink
/// removes the link, never its target.
fn create_private(tmp: &Path) -> Result<File, DbError> {
    use std::os::unix::fs::OpenOptionsExt;
    match fs::remove_file(tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(io("remove the stale", tmp)(e))
        }
        _ => {}
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)
        .map_err(io("create", tmp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        replace(&path, "system {\n    host-name r1;\n}\n").unwrap();
        replace(&path, "system {\n    host-name r2;\n}\n").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "system {\n    host-name r2;\n}\n"
        );
        assert!(!tmp_path(&path).exists());
    }

    #[test]
    fn stale_temporary_from_a_crash_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(tmp_path(&path), "x".repeat(10_000)).unwrap();
        replace(&path, "short\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "short\n");
        assert!(!tmp_path(&path).exists());
    }

    #[test]
    fn written_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        replace(&path, "x\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }

    /// A symlink planted under the temporary file's name must not make the daemon write
    /// through it: the target stays untouched and the copy lands in the state directory.
    #[test]
    fn planted_symlink_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        fs::write(&victim, "precious\n").unwrap();
        let path = dir.path().join(FILE_NAME);
        std::os::unix::fs::symlink(&victim, tmp_path(&path)).unwrap();
        replace(&path, "system;\n").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
        assert_eq!(fs::read_to_string(&path).unwrap(), "system;\n");
        assert!(!fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(fs::symlink_metadata(tmp_path(&path)).is_err());
    }

    #[test]
    fn failure_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join(FILE_NAME);
        let err = replace(&path, "x").unwrap_err().to_string();
        assert!(err.contains("missing-dir"), "{err}");
        assert!(err.starts_with("cannot create"), "{err}");
    }
}
