//! The operator shell of the L2TP access router: a thin client of l2tpd's management socket
//! that renders, completes and helps from the schema.
//!
//! [`run_interactive`] is the terminal shell; [`run_script`] runs commands from a file or a
//! pipe exactly as if typed, echoing each after its prompt so the output reads like a
//! terminal session; [`run_command`] runs one command (`cli -c`).
#![deny(unsafe_code)]

mod idle_watch;
pub mod interactive;
mod keys;
pub mod shell;
pub mod terminal;

use schema::mgmt::{ClientKind, SOCKET_NAME};
use shell::transport::{Shared, UnixTransport};
use shell::{Echo, Flow, Input, Shell, Splitter};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where l2tpd keeps its state when neither `--state-dir` nor `L2TPD_STATE_DIR` says otherwise.
pub const DEFAULT_STATE_DIR: &str = "/var/lib/l2tpd";

/// The management socket: `--socket`, else `STATE_DIR/mgmt.sock` with the state directory
/// from `--state-dir`, `L2TPD_STATE_DIR` or the default.
pub fn socket_path(
    state_dir: Option<&Path>,
    socket: Option<&Path>,
    env_state_dir: Option<&str>,
) -> PathBuf {
    if let Some(s) = socket {
        return s.to_path_buf();
    }
    let dir = match (state_dir, env_state_dir) {
        (Some(d), _) => d.to_path_buf(),
        (None, Some(e)) if !e.is_empty() => PathBuf::from(e),
        _ => PathBuf::from(DEFAULT_STATE_DIR),
    };
    dir.join(SOCKET_NAME)
}

const SPLIT: Splitter = schema::tokenize::split_words;

fn connect(
    socket: &Path,
    client: ClientKind,
    tty: Option<String>,
    echo: Echo,
) -> Result<Shell<UnixTransport>, String> {
    connect_with(socket, client, tty, echo, |t| t)
}

/// Connects, handing the connection to `wrap` before the shell takes it.
fn connect_with<T: shell::transport::Transport>(
    socket: &Path,
    client: ClientKind,
    tty: Option<String>,
    echo: Echo,
    wrap: impl FnOnce(UnixTransport) -> T,
) -> Result<Shell<T>, String> {
    let transport = UnixTransport::connect(socket).map_err(|e| connect_error(socket, &e))?;
    Shell::connect(
        wrap(transport),
        client,
        tty,
        Box::new(io::stdout()),
        SPLIT,
        echo,
    )
}

/// Why the socket could not be opened, in the operator's terms. Permission denied is not a
/// daemon that is down: the daemon is there, and this user lacks the access that l2tpd's
/// `--group` gives (it hands the state directory and the socket to that group).
fn connect_error(socket: &Path, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::PermissionDenied {
        let uid = nix::unistd::getuid();
        let user = match nix::unistd::User::from_uid(uid) {
            Ok(Some(u)) => u.name,
            _ => format!("uid {uid}"),
        };
        let access = match who_may_reach(socket) {
            Some(Reach::Group(g)) => format!("access needs membership in group '{g}'"),
            Some(Reach::OwnerOnly(owner)) => format!(
                "only user '{owner}' may reach it (l2tpd runs without --group GROUP, \
                 which opens it to that group's members)"
            ),
            None => "access needs membership in l2tpd's group (l2tpd --group)".to_string(),
        };
        return format!(
            "error: permission denied: user '{user}' may not open l2tpd's management socket {}; \
             {access}, and, once 'system login user' is configured, a login class",
            socket.display()
        );
    }
    let reason = e.to_string();
    let reason = reason.split(" (os error").next().unwrap_or_default();
    format!(
        "error: cannot connect to l2tpd at {}: {reason} (is l2tpd running?)",
        socket.display()
    )
}

enum Reach {
    Group(String),
    OwnerOnly(String),
}

/// Who may reach `socket`: the members of its group, or, when its directory cannot even be
/// searched, of the directory's (l2tpd gives both to `--group`); nobody but the owner when
/// the group has no access at all.
fn who_may_reach(socket: &Path) -> Option<Reach> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(socket)
        .ok()
        .or_else(|| std::fs::metadata(socket.parent()?).ok())?;
    if meta.mode() & 0o070 == 0 {
        let uid = nix::unistd::Uid::from_raw(meta.uid());
        return Some(Reach::OwnerOnly(match nix::unistd::User::from_uid(uid) {
            Ok(Some(u)) => u.name,
            _ => uid.to_string(),
        }));
    }
    let gid = nix::unistd::Gid::from_raw(meta.gid());
    Some(Reach::Group(match nix::unistd::Group::from_gid(gid) {
        Ok(Some(g)) => g.name,
        _ => gid.to_string(),
    }))
}

fn status(failed: bool) -> ExitCode {
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The interactive shell on the terminal.
pub fn run_interactive(socket: &Path) -> ExitCode {
    // Completion asks for existing values (profile names, tunnel IDs) over the shell's own
    // connection, so it sees this session's candidate, private or not.
    let mut shared = None;
    let mut shell = match connect_with(
        socket,
        ClientKind::Cli,
        terminal::tty_name(),
        Echo::AfterPrompt,
        |t| {
            let s = Shared::new(t);
            shared = Some(s.clone());
            s
        },
    ) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Ctrl-C during a command stops it and brings the prompt back; it never ends the
    // session (scripts keep SIGINT's default).
    match shell::refresh::catch_for_session() {
        Ok(pressed) => shell.stop_on_interrupt(pressed),
        Err(e) => eprintln!("warning: Ctrl-C will end the session: {e}"),
    }
    let mut cache = shell::values::Cache::default();
    let values: interactive::ValueLookup =
        Box::new(move |source, configuration| match shared.as_mut() {
            Some(t) => cache.get(t, source, configuration, std::time::Instant::now()),
            None => Vec::new(),
        });
    match interactive::run(shell, SPLIT, values) {
        // `exit` ends well whatever failed before; a lost daemon does not.
        Ok(lost) => status(lost),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Lines of a script: `load terminal` reads its text from the following lines.
struct ScriptInput<R> {
    lines: R,
}

impl<R: BufRead> ScriptInput<R> {
    fn next(&mut self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if self.lines.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let trimmed = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(trimmed);
        Ok(Some(line))
    }
}

impl<R: BufRead> Input for ScriptInput<R> {
    fn load_line(&mut self) -> io::Result<Option<String>> {
        self.next()
    }
    fn ask(&mut self, _: &str) -> io::Result<Option<String>> {
        Ok(None)
    }
    /// The script's next line is the answer (`cli -c` has none: nobody can answer).
    fn answer(&mut self, _: &str) -> io::Result<Option<String>> {
        self.next()
    }
}

/// Runs the commands of `script` (a file given with `-f`, or piped stdin) as if typed,
/// echoing each after its prompt. Fails if any command failed. Atomic (see
/// [`Shell::atomic`]) unless `line_by_line`: then every line runs as typed at a terminal,
/// whatever failed before (for drivers that play an operator, such as transcripts).
pub fn run_script(socket: &Path, script: impl BufRead, line_by_line: bool) -> ExitCode {
    let mut shell = match connect(socket, ClientKind::File, None, Echo::AfterPrompt) {
        Ok(s) => s.echo_input(true).atomic(!line_by_line),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    status(run_lines(&mut shell, script, &mut io::stdout()))
}

/// The script loop, over any transport (the lab's tests drive it with a fake daemon too).
/// Returns true if any command failed.
pub fn run_lines<T: shell::transport::Transport>(
    shell: &mut Shell<T>,
    script: impl BufRead,
    out: &mut dyn Write,
) -> bool {
    shell.flush_notices();
    let mut input = ScriptInput { lines: script };
    loop {
        // Prompt first, as at a terminal: whoever feeds the script (a transcript test, `expect`)
        // sees the shell waiting; the command is echoed once read, so the output reads like a
        // terminal session.
        let _ = write!(
            out,
            "{}{}",
            shell.banner().unwrap_or_default(),
            shell.prompt()
        );
        let _ = out.flush();
        let line = match input.next() {
            Ok(Some(l)) => l,
            Ok(None) => {
                let _ = writeln!(out);
                break;
            }
            Err(e) => {
                let _ = writeln!(out, "error: cannot read commands: {e}");
                return true;
            }
        };
        let _ = writeln!(out, "{}", shell::escape::terminal_safe(&line));
        let _ = out.flush();
        // After a failure only the edits that follow run, each error named (see
        // `Shell::checks_after_failure`); the first other command is where the script stops.
        if shell.must_stop() && !shell.checks_after_failure(&line) {
            stopped(out);
            return true;
        }
        if shell.execute(&line, &mut input) == Flow::Exit {
            break;
        }
    }
    if shell.must_stop() {
        stopped(out);
    }
    shell.failed()
}

fn stopped(out: &mut dyn Write) {
    let _ = writeln!(
        out,
        "error: script stopped: a command above failed; nothing is committed and its \
         uncommitted changes are discarded"
    );
}

/// `cli -c 'COMMAND'`: one command, not echoed.
pub fn run_command(socket: &Path, command: &str) -> ExitCode {
    let mut shell = match connect(socket, ClientKind::Cli, terminal::tty_name(), Echo::None) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut input = ScriptInput { lines: io::empty() };
    shell.execute(command, &mut input);
    status(shell.failed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_resolution() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(socket_path(None, None, None), p("/var/lib/l2tpd/mgmt.sock"));
        assert_eq!(
            socket_path(None, None, Some("/run/x")),
            p("/run/x/mgmt.sock")
        );
        assert_eq!(
            socket_path(Some(Path::new("/srv/a")), None, Some("/run/x")),
            p("/srv/a/mgmt.sock")
        );
        assert_eq!(
            socket_path(Some(Path::new("/srv/a")), Some(Path::new("/tmp/s")), None),
            p("/tmp/s")
        );
    }
}
