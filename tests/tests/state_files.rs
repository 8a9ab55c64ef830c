//! The state directory as the daemon leaves it: the files holding `$9$` secrets are the daemon
//! user's alone, loose modes are corrected at start, and `juniper.conf` is written afresh from
//! the database at every start.

use l2tp_tests::DaemonProcess;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn secrets_are_the_daemon_users_alone_and_corrected_at_start() {
    let mut daemon = DaemonProcess::start();
    let dir = daemon.state_dir().to_path_buf();
    let db = dir.join("config.db");
    let copy = dir.join("juniper.conf");
    daemon.commit("set access radius-server 127.0.0.1 secret testing123\n");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&copy), 0o600);

    // An operator's `chmod -R a+r` (or a restore from a backup) is undone at the next start.
    daemon.stop();
    fs::write(&copy, "edited by hand\n").unwrap();
    for p in [dir.as_path(), db.as_path(), copy.as_path()] {
        fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    daemon.restart();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&db), 0o600);
    assert_eq!(mode(&copy), 0o600);
    // The database is authoritative: the text copy is written afresh at start.
    let text = fs::read_to_string(&copy).unwrap();
    assert!(
        text.contains("127.0.0.1 {") && text.contains("secret \"$9$"),
        "{text}"
    );
}
