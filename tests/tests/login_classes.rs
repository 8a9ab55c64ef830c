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

/// A script on the shell's standard input, as nobody.
fn script_as_nobody(daemon: &DaemonProcess, script: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(bin_path("cli"))
        .arg("--socket")
        .arg(daemon.socket())
        .uid(NOBODY)
        .gid(NOBODY)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cli as nobody");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script.as_bytes()).expect("write script");
    }
    child.wait_with_output().expect("cli output")
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

/// A user-defined class (`system login class`): its permission flags and its
/// `deny-commands` / `allow-configuration` expressions are enforced by the daemon.
#[test]
fn a_defined_class_is_enforced() {
    if !running_as_root("login_classes", "to run the shell as another user") {
        return;
    }
    let daemon = DaemonProcess::start();
    std::fs::set_permissions(daemon.state_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(daemon.socket(), std::fs::Permissions::from_mode(0o666)).unwrap();
    let script = "configure\n\
        set system login class noc permissions [ view configure snmp-control ]\n\
        set system login class noc deny-commands \"show subscribers\"\n\
        set system login class noc allow-configuration \"interfaces .* description\"\n\
        set system login user nobody class noc\n\
        commit\n";
    let out = daemon.cli(&[], script);
    assert!(out.status.success(), "{}", output_text(&out));

    let out = as_nobody(&daemon, "show services l2tp summary");
    assert!(out.status.success(), "{}", output_text(&out));
    let out = as_nobody(&daemon, "show subscribers");
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("error: permission denied"),
        "{}",
        output_text(&out)
    );
    let out = as_nobody(&daemon, "clear services l2tp session all");
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("permission denied"),
        "{}",
        output_text(&out)
    );

    // snmp-control and the description expression allow these; system-control is missing.
    let out = script_as_nobody(
        &daemon,
        "configure\nset snmp location lab\nset interfaces ge-0/0/0 description uplink\nshow | compare\n",
    );
    let text = output_text(&out);
    assert!(!text.contains("permission denied"), "{text}");
    assert!(text.contains("+      location lab;"), "{text}");
    assert!(text.contains("+          description uplink;"), "{text}");
    let out = script_as_nobody(&daemon, "configure\nset system host-name r9\n");
    let text = output_text(&out);
    assert!(
        text.contains("error: 'system host-name': permission denied"),
        "{text}"
    );
}
