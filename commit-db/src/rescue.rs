//! The rescue configuration `STATE_DIR/rescue.conf`: a known-good configuration the operator
//! saved (`request system configuration rescue save`) to fall back to with `rollback
//! rescue`, as Junos keeps `/config/rescue.conf.gz` beside its rollback files. It is a text
//! file, not a database record, so that it survives even a lost database and can be read
//! (or put in place) by hand.

use crate::error::DbError;
use std::path::Path;

pub const FILE_NAME: &str = "rescue.conf";

/// The saved text, `None` when there is no rescue configuration.
pub(crate) fn read(path: &Path) -> Result<Option<String>, DbError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(DbError::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Replaces the rescue configuration atomically (see [`crate::recovery::replace`]), or
/// removes it. Removing one that is not there succeeds, as on Junos.
pub(crate) fn write(path: &Path, text: Option<&str>) -> Result<(), DbError> {
    match text {
        Some(text) => crate::recovery::replace(path, text),
        None => match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(DbError::Io {
                action: "remove",
                path: path.to_path_buf(),
                source,
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_read_delete() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        assert_eq!(read(&path).expect("read"), None);
        write(&path, Some("system {\n    host-name r1;\n}\n")).expect("save");
        assert_eq!(
            read(&path).expect("read").as_deref(),
            Some("system {\n    host-name r1;\n}\n")
        );
        write(&path, None).expect("delete");
        assert_eq!(read(&path).expect("read"), None);
        write(&path, None).expect("delete again");
    }
}
