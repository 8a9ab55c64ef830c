//! The plain-text recovery copy `STATE_DIR/juniper.conf`: the active configuration as the
//! printer renders it, for an operator who has to rebuild a router whose database is lost.
//!
//! It is replaced atomically (write a temporary file, fsync it, rename it over the old copy,
//! fsync the directory), so after a crash the file holds either the previous or the new
//! configuration, never a torn mix.

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
        // Truncating also reclaims a temporary file left by a crash during an earlier write.
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)
            .map_err(io("create", &tmp))?;
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
    fn failure_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join(FILE_NAME);
        let err = replace(&path, "x").unwrap_err().to_string();
        assert!(err.contains("missing-dir"), "{err}");
        assert!(err.starts_with("cannot create"), "{err}");
    }
}
