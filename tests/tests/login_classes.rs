//! Login classes from the socket's peer credentials: a fresh install lets every local user in
//! as super-user; once `system login user` is configured, only listed users get in, with their
//! class. Needs root (to run the shell as another uid); skips outside CI when not root.

use l2tp_tests::{bin_path, output_text, running_as_root, DaemonProcess};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Output};

const NOBODY: u32 = 65534;

fn as_nobody(daemon: &DaemonProcess, command: &str) -> Output {
    Command::new(bin_path("cli"))
        .arg("--socket")
        .arg(daemon.socket())
        .arg("-c")
        .arg(command)
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .expect("run cli as nobody")
}

#[test]
fn classes_follow_system_login_user() {
    if !running_as_root("login_classes", "to run the shell as another user") {
        return;
    }
    let daemon = DaemonProcess::start();
    // Let another local user reach the socket, as a group-readable install would.
    std::fs::set_permissions(daemon.state_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(daemon.socket(), std::fs::Permissions::from_mode(0o666)).unwrap();

    // Fresh install: nobody is a super-user and may configure.
    let out = as_nobody(&daemon, "show system users");
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("nobody"),
        "{}",
        output_text(&out)
    );

    let script = "configure\nset system login user nobody class read-only\nset system login user operator1 class operator\nset access radius-server 127.0.0.1 secret testing123\ncommit\n";
    let out = daemon.cli(&[], script);
    assert!(out.status.success(), "{}", output_text(&out));

    // Now read-only: show works, configure is refused with a clear error.
    let out = as_nobody(&daemon, "show configuration system");
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(
        output_text(&out).contains("read-only"),
        "{}",
        output_text(&out)
    );
    // Without the secret permission: the placeholder, never the decodable `$9$` value.
    let out = as_nobody(&daemon, "show configuration access | display set");
    let text = output_text(&out);
    assert!(
        text.contains("set access radius-server 127.0.0.1 secret /* SECRET-DATA */"),
        "{text}"
    );
    assert!(!text.contains("$9$"), "{text}");
    let out = as_nobody(&daemon, "configure");
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("permission denied"),
        "{}",
        output_text(&out)
    );

    // Unlisted once users exist: refused at the door.
    let out = daemon.cli(&[], "configure\ndelete system login user nobody\ncommit\n");
    assert!(out.status.success(), "{}", output_text(&out));
    let out = as_nobody(&daemon, "show system users");
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("not configured on this router"),
        "{}",
        output_text(&out)
    );
}
