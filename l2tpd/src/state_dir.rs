//! The state directory's permissions, checked at every start.
//!
//! `config.db` and `juniper.conf` hold the tunnel and RADIUS secrets as `$9$`, which anyone
//! can decode, so they are the daemon user's alone (0600), and the directory is 0700 — or
//! 0750 when `--group` names the group whose members may reach `mgmt.sock` (the socket is
//! 0660 and owned by that group; a member still needs a `system login user` entry once any is
//! configured). A wrong mode on something we own is corrected and logged; something another
//! user owns, or a symbolic link where a file belongs, is refused: a link planted in the
//! directory could make the daemon write elsewhere.

use crate::daemon::socket_path;
use nix::unistd::{chown, Gid, Uid};
use std::fs;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// The directory's mode without a group, and with one.
const DIR_MODE: u32 = 0o700;
const DIR_MODE_GROUP: u32 = 0o750;
/// The database and its text copy.
const FILE_MODE: u32 = 0o600;

/// Prepares `dir` for the daemon: creates it if needed and brings its own mode and that of
/// the files holding secrets to what they must be. Returns what it corrected (for the log);
/// an error is a sentence for the operator.
pub fn prepare(dir: &Path, group: Option<Gid>) -> Result<Vec<String>, String> {
    let mut corrected = Vec::new();
    let dir_mode = if group.is_some() {
        DIR_MODE_GROUP
    } else {
        DIR_MODE
    };
    fs::DirBuilder::new()
        .recursive(true)
        .mode(dir_mode)
        .create(dir)
        .map_err(|e| format!("cannot create state directory {}: {e}", dir.display()))?;
    // The directory itself may be a link an administrator made (/var/lib/l2tpd -> /data/…):
    // what matters is who controls the directory it leads to.
    let meta = fs::metadata(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    if !meta.is_dir() {
        return Err(format!(
            "state directory {} is not a directory",
            dir.display()
        ));
    }
    check_owner(dir, &meta)?;
    if let Some(gid) = group {
        if meta.gid() != gid.as_raw() {
            chown(dir, None, Some(gid))
                .map_err(|e| format!("cannot give {} to group {gid}: {e}", dir.display()))?;
            corrected.push(format!("{}: group set to {gid}", dir.display()));
        }
    }
    set_mode(dir, meta.mode(), dir_mode, &mut corrected)?;
    for name in [commit_db::DATABASE_FILE_NAME, commit_db::RECOVERY_FILE_NAME] {
        check_file(&dir.join(name), &mut corrected)?;
    }
    create_database_file(&dir.join(commit_db::DATABASE_FILE_NAME))?;
    Ok(corrected)
}

/// Gives the freshly bound socket (mode 0660) to the configured group.
pub fn socket_group(dir: &Path, group: Option<Gid>) -> Result<(), String> {
    let Some(gid) = group else { return Ok(()) };
    let socket = socket_path(dir);
    // lchown: the socket we just bound, never what a link in its place would point to.
    std::os::unix::fs::lchown(&socket, None, Some(gid.as_raw()))
        .map_err(|e| format!("cannot give {} to group {gid}: {e}", socket.display()))
}

/// Resolves `--group NAME` (a name, or a number).
pub fn group_id(name: &str) -> Result<Gid, String> {
    match nix::unistd::Group::from_name(name) {
        Ok(Some(g)) => Ok(g.gid),
        _ => name
            .parse::<u32>()
            .map(Gid::from_raw)
            .map_err(|_| format!("--group {name}: no such group")),
    }
}

fn check_owner(path: &Path, meta: &fs::Metadata) -> Result<(), String> {
    let me = Uid::effective();
    if meta.uid() != me.as_raw() {
        return Err(format!(
            "{} is owned by uid {}, not by uid {me} that l2tpd runs as; refusing to keep secrets where another user has control",
            path.display(),
            meta.uid()
        ));
    }
    Ok(())
}

fn set_mode(
    path: &Path,
    mode: u32,
    wanted: u32,
    corrected: &mut Vec<String>,
) -> Result<(), String> {
    let mode = mode & 0o7777;
    if mode == wanted {
        return Ok(());
    }
    fs::set_permissions(path, fs::Permissions::from_mode(wanted)).map_err(|e| {
        format!(
            "cannot set the mode of {} to {wanted:04o}: {e}",
            path.display()
        )
    })?;
    corrected.push(format!(
        "{}: mode {mode:04o} corrected to {wanted:04o}",
        path.display()
    ));
    Ok(())
}

/// A file holding secrets: absent, or a regular file of ours, mode 0600.
fn check_file(path: &Path, corrected: &mut Vec<String>) -> Result<(), String> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if !meta.file_type().is_file() {
        return Err(format!(
            "{} is not a regular file (a symbolic link or another kind); refusing to use it: remove it, or put the real file there",
            path.display()
        ));
    }
    check_owner(path, &meta)?;
    set_mode(path, meta.mode(), FILE_MODE, corrected)
}

/// redb creates a missing database with the process umask (often 0644); an empty file made
/// here first, 0600 and never through a link (O_EXCL), is one redb initialises in place.
fn create_database_file(path: &Path) -> Result<(), String> {
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn new_directory_and_database_are_the_owners_alone() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("state");
        assert!(prepare(&dir, None).unwrap().is_empty());
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(commit_db::DATABASE_FILE_NAME)), 0o600);
    }

    #[test]
    fn loose_modes_are_corrected_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(commit_db::DATABASE_FILE_NAME);
        let copy = dir.path().join(commit_db::RECOVERY_FILE_NAME);
        fs::write(&db, "").unwrap();
        fs::write(&copy, "system;\n").unwrap();
        for p in [dir.path(), db.as_path(), copy.as_path()] {
            fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let corrected = prepare(dir.path(), None).unwrap();
        assert_eq!(corrected.len(), 3, "{corrected:?}");
        assert!(
            corrected[0].ends_with("mode 0755 corrected to 0700"),
            "{corrected:?}"
        );
        assert_eq!(mode(dir.path()), 0o700);
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&copy), 0o600);
        assert_eq!(fs::read_to_string(&copy).unwrap(), "system;\n");
    }

    #[test]
    fn a_group_opens_the_directory_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let gid = Gid::effective();
        prepare(dir.path(), Some(gid)).unwrap();
        assert_eq!(mode(dir.path()), 0o750);
        assert_eq!(fs::metadata(dir.path()).unwrap().gid(), gid.as_raw());
        assert_eq!(mode(&dir.path().join(commit_db::DATABASE_FILE_NAME)), 0o600);
    }

    #[test]
    fn the_socket_goes_to_the_group() {
        let dir = tempfile::tempdir().unwrap();
        let _listener = std::os::unix::net::UnixListener::bind(socket_path(dir.path())).unwrap();
        // Root can give it to any group; anyone else to their own.
        let gid = if Uid::effective().is_root() {
            Gid::from_raw(65534)
        } else {
            Gid::effective()
        };
        socket_group(dir.path(), Some(gid)).unwrap();
        let meta = fs::symlink_metadata(socket_path(dir.path())).unwrap();
        assert_eq!(meta.gid(), gid.as_raw());
    }

    #[test]
    fn planted_links_are_refused_and_not_followed() {
        for name in [commit_db::DATABASE_FILE_NAME, commit_db::RECOVERY_FILE_NAME] {
            let dir = tempfile::tempdir().unwrap();
            let outside = tempfile::tempdir().unwrap();
            let victim = outside.path().join("victim");
            fs::write(&victim, "precious\n").unwrap();
            fs::set_permissions(&victim, fs::Permissions::from_mode(0o644)).unwrap();
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
            let err = prepare(dir.path(), None).unwrap_err();
            assert!(
                err.contains(name) && err.contains("not a regular file"),
                "{err}"
            );
            assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
            assert_eq!(mode(&victim), 0o644);
        }
    }

    #[test]
    fn a_directory_another_user_owns_is_refused() {
        if !Uid::effective().is_root() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs as root; this test must not skip there"
            );
            eprintln!("skipping: needs root to give a directory to another user");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        chown(dir.path(), Some(Uid::from_raw(65534)), None).unwrap();
        let err = prepare(dir.path(), None).unwrap_err();
        assert!(err.contains("owned by uid 65534"), "{err}");
        assert!(!dir.path().join(commit_db::DATABASE_FILE_NAME).exists());
    }
}
