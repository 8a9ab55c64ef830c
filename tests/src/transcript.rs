//! Shell transcript tests: a file shows a whole operator session — prompts, the commands typed
//! after them, and the exact output — and the runner replays it against a real `l2tpd` through
//! the real `cli` binary, then compares what the shell printed with the file.
//!
//! Format:
//! - A line `USER@HOST> CMD` or `USER@HOST# CMD` is a command typed at a prompt.
//! - After a `load ... terminal` command, the lines up to and including `^D` are typed input.
//! - `#! session NAME` switches to (or starts) another concurrent shell, so locks and private
//!   candidates between two operators can be shown. `#! exit-status N` (anywhere) is the
//!   status expected from the last session's shell. Other lines are expected output.
//! - `#! daemon NAME [seed N]` starts (or returns to) daemon NAME: sessions started after it
//!   talk to that daemon, whose prompt reads `root@NAME` and whose random choices follow seed
//!   N. A LAC and an LNS on loopback are two daemons of one transcript.
//! - Times, pids and idle times are normalised (`YYYY-MM-DD hh:mm:ss UTC`, `pid N`,
//!   `, idle hh:mm:ss` left out, durations `hh:mm:ss`, `LCP echo reply in N ms`), `$9$` secrets (salted at random) to `"$9$..."`, and the shell user to
//!   `root`; the daemon runs with `--default-host-name router`. So transcripts do not depend on
//!   the machine.

use crate::daemon::{bin_path, DaemonProcess};
use regex::Regex;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What `load ... terminal` prints before reading the text.
const TERMINAL_LOAD_BANNER: &str = "[Type ^D at a new line to end input]";

const PROMPT_WAIT: Duration = Duration::from_secs(60);

struct Shell {
    child: Child,
    stdin: Option<ChildStdin>,
    output: mpsc::Receiver<Vec<u8>>,
}

impl Shell {
    fn start(daemon: &DaemonProcess) -> Shell {
        let mut child = Command::new(bin_path("cli"))
            .arg("--state-dir")
            .arg(daemon.state_dir())
            // A transcript plays an operator at a terminal, errors and all.
            .arg("--line-by-line")
            .env("TZ", "UTC")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn cli");
        let (tx, rx) = mpsc::channel();
        // stdout and stderr both go to the operator's screen: merge them in arrival order.
        for mut stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")) as Box<dyn Read + Send>,
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            });
        }
        let stdin = child.stdin.take();
        Shell {
            child,
            stdin,
            output: rx,
        }
    }

    /// Types a line; false when the shell has already exited (the transcript then shows it).
    fn type_line(&mut self, line: &str) -> bool {
        let Some(stdin) = self.stdin.as_mut() else {
            return false;
        };
        let typed = stdin
            .write_all(line.as_bytes())
            .and_then(|_| stdin.write_all(b"\n"))
            .and_then(|_| stdin.flush());
        if typed.is_err() {
            self.stdin = None;
        }
        typed.is_ok()
    }

    /// Reads until the output ends with a prompt (the shell waits for the next command).
    fn read_until_prompt(&mut self, prompt: &Regex, into: &mut String) {
        let deadline = Instant::now() + PROMPT_WAIT;
        let mut pending: Vec<u8> = Vec::new();
        loop {
            let text = String::from_utf8_lossy(&pending);
            let last_line = text.rsplit('\n').next().unwrap_or("");
            if prompt.is_match(last_line) {
                into.push_str(&text);
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => pending.extend(bytes),
                // The shell ended (`quit`, `exit`): its output is complete.
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    into.push_str(&text);
                    return;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    into.push_str(&text);
                    into.push_str("\n<<< no prompt within 60 s >>>\n");
                    return;
                }
            }
        }
    }

    /// Closes stdin and collects the rest of the output and the exit status.
    fn finish(mut self, into: &mut String) -> i32 {
        drop(self.stdin.take());
        let status = self.child.wait().expect("cli exit");
        let mut rest = Vec::new();
        while let Ok(bytes) = self.output.recv_timeout(Duration::from_secs(5)) {
            rest.extend(bytes);
        }
        into.push_str(&String::from_utf8_lossy(&rest));
        status.code().unwrap_or(-1)
    }
}

/// What `show log`, `show version` and `show system uptime` print that varies between runs
/// and machines (after the rules above: clock times already read `hh:mm:ss`).
const SYSTEM_RULES: &[(&str, &str)] = &[
    // The system log's syslog time stamp and pid.
    (
        r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d hh:mm:ss\b",
        "Mmm dd hh:mm:ss",
    ),
    // With `system syslog time-format year`.
    (
        r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{4} hh:mm:ss\b",
        "Mmm dd yyyy hh:mm:ss",
    ),
    (r"\bl2tpd\[\d+\]", "l2tpd[PID]"),
    // `structured-data` files: RFC 5424's time stamp and the process id field.
    (
        r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)",
        "YYYY-MM-DDThh:mm:ss.mmmZ",
    ),
    (
        r" l2tpd \d+ ([A-Z0-9_]+|-) \[junos@",
        " l2tpd PID $1 [junos@",
    ),
    // UI_LOGIN_EVENT's client pid.
    (r"\[\d+\], client-mode", "[PID], client-mode"),
    // `show system uptime`: how long ago, and the BSD `w` line.
    (r"\((\d+w\d+d |\d+d )?(\d\d:\d\d|hh:mm:ss) ago\)", "(N ago)"),
    (r"(?m)^ ?\d{1,2}:\d\d[AP]M  up .*$", " h:mmPM  up ..."),
    // `show version`: the build's commit.
    (r"build \[([0-9a-f]{4,}|unknown)\]", "build [COMMIT]"),
    (
        r#"("build-commit": \[\s*\{\s*"data": )"[^"]*""#,
        r#"${1}"COMMIT""#,
    ),
    // `show log`: ls -l lines (size, time) and their total.
    (
        r"(?m)^(-[rwx-]{9})  (\d+) (\S+) +(\S+) +\d+ [A-Z][a-z]{2} [ \d]\d \d\d:\d\d (\S+)$",
        "$1  $2 $3  $4  SIZE Mmm dd hh:mm $5",
    ),
    (r"(?m)^total \d+$", "total N"),
    // `show services l2tp summary` without `data-workers`: the host's number of cores.
    (
        r"(?m)^Data workers: \d+ \(one per core\)$",
        "Data workers: N (one per core)",
    ),
];

/// Normalises what varies between runs and machines.
pub fn normalise(text: &str) -> String {
    let user = std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty() && u != "root");
    let mut out = text.to_string();
    let rules: [(&str, &str); 9] = [
        (
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
            "YYYY-MM-DD hh:mm:ss UTC",
        ),
        // Another `system time-zone`: the zone's name stays (CET, -01).
        (
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ([A-Z]{3,5}|[+-]\d\d)\b",
            "YYYY-MM-DD hh:mm:ss $1",
        ),
        // `show system users` LOGIN@ column.
        (r"\d{4}-\d\d-\d\d \d\d:\d\d\b", "YYYY-MM-DD hh:mm"),
        (r"pid \d+", "pid N"),
        // A session's idle time is shown only once it is a second or more (Junos), so on a
        // loaded machine a line may or may not carry it: it is left out of every line.
        (r", idle \d\d:\d\d:\d\d", ""),
        (r"rollback in \d+mins", "rollback in Nmins"),
        // `$9$` secrets are salted at random on every `set`.
        // (`$$` is a literal `$` in a regex replacement.)
        (r#""\$9\$[^"]*""#, r#""$$9$$...""#),
        // Durations in L2TP shows (up time, open time, statistics since).
        (r"\b(\d+d )?\d\d:\d\d:\d\d\b", "hh:mm:ss"),
        // The LCP echo round trip of `test services l2tp tunnel`.
        (
            r"LCP echo reply in [0-9.]+ (ms|µs)",
            "LCP echo reply in N ms",
        ),
    ];
    for (pattern, replacement) in rules.iter().chain(SYSTEM_RULES) {
        out = Regex::new(pattern)
            .expect("pattern")
            .replace_all(&out, *replacement)
            .into_owned();
    }
    if let Some(user) = user {
        let re = Regex::new(&format!(r"(?m)^{}@", regex::escape(&user))).expect("user pattern");
        out = re.replace_all(&out, "root@").into_owned();
    }
    out
}

/// Replays `expected` against fresh daemons and returns what the shells printed
/// (normalised), ready to compare with `expected`, and the last shell's exit status.
pub fn replay(expected: &str) -> (String, i32) {
    let mut daemons = Daemons::default();
    replay_with(&mut daemons, expected)
}

/// Replays `expected` against one daemon the caller started.
pub fn replay_on(daemon: &DaemonProcess, expected: &str) -> (String, i32) {
    let mut daemons = Daemons {
        borrowed: Some(daemon),
        ..Daemons::default()
    };
    replay_with(&mut daemons, expected)
}

struct Session {
    shell: Shell,
    /// The prompt the shell printed last; shown again in front of the next command typed in
    /// this session, so a transcript reads `user@host# command` on one line.
    prompt: String,
}

/// The daemons of one transcript. Without a `#! daemon` line there is one, `router`; with
/// `#! daemon NAME [seed N]` each name is a daemon of its own whose prompt reads
/// `root@NAME` and whose random choices (Tunnel IDs, challenges) follow seed N, so that a
/// transcript with a LAC and an LNS can name the IDs it clears.
#[derive(Default)]
struct Daemons<'a> {
    borrowed: Option<&'a DaemonProcess>,
    owned: BTreeMap<String, DaemonProcess>,
}

impl Daemons<'_> {
    fn get(&mut self, name: &str, seed: Option<u64>) -> &DaemonProcess {
        if let Some(d) = self.borrowed {
            return d;
        }
        self.owned
            .entry(name.to_string())
            .or_insert_with(|| DaemonProcess::start_named(name, seed))
    }
}

/// Reads `#! daemon NAME [seed N]`.
fn daemon_directive(line: &str) -> Option<(String, Option<u64>)> {
    let rest = line.strip_prefix("#! daemon ")?;
    let mut words = rest.split_whitespace();
    let name = words.next()?.to_string();
    let seed = match (words.next(), words.next()) {
        (Some("seed"), Some(n)) => n.parse().ok(),
        _ => None,
    };
    Some((name, seed))
}

fn replay_with(daemons: &mut Daemons, expected: &str) -> (String, i32) {
    let prompt = Regex::new(r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+[>#] $").expect("prompt pattern");
    let command =
        Regex::new(r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+[>#] (.*)$").expect("command pattern");
    let mut sessions: BTreeMap<String, Session> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut current = "main".to_string();
    let mut daemon: (String, Option<u64>) = ("router".to_string(), None);
    let mut out = String::new();
    let mut in_terminal_load = false;
    for line in expected.lines() {
        if line.starts_with("#!") {
            if let Some(name) = line.strip_prefix("#! session ") {
                current = name.trim().to_string();
            }
            if let Some(named) = daemon_directive(line) {
                // Start it now: its configuration may be committed by a later session while
                // another daemon's session is already talking to it.
                daemons.get(&named.0, named.1);
                daemon = named;
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if in_terminal_load {
            // The shell's own invitation to type is output, not input.
            if line == TERMINAL_LOAD_BANNER {
                continue;
            }
            let session = sessions.get_mut(&current).expect("session started");
            if !session.shell.type_line(line) {
                out.push_str("<<< the shell has exited >>>\n");
            }
            if line == "^D" {
                in_terminal_load = false;
                read_chunk(session, &prompt, &mut out);
            }
            continue;
        }
        let Some(caps) = command.captures(line) else {
            continue;
        };
        let typed = caps.get(1).map(|m| m.as_str()).unwrap_or("");
        if !sessions.contains_key(&current) {
            let mut session = Session {
                shell: Shell::start(daemons.get(&daemon.0, daemon.1)),
                prompt: String::new(),
            };
            let mut banner = String::new();
            read_chunk(&mut session, &prompt, &mut banner);
            out.push_str(&banner);
            sessions.insert(current.clone(), session);
            order.push(current.clone());
        }
        let session = sessions.get_mut(&current).expect("session started");
        out.push_str(&session.prompt);
        if !session.shell.type_line(typed) {
            out.push_str(&format!("{typed}\n<<< the shell has exited >>>\n"));
            continue;
        }
        let words: Vec<&str> = typed.split_whitespace().collect();
        // `load MODE terminal`, or `load MODE terminal relative`.
        let is_terminal_load = words
            .first()
            .is_some_and(|w| w.len() >= 2 && "load".starts_with(w))
            && words
                .get(2)
                .is_some_and(|w| w.len() >= 3 && "terminal".starts_with(w));
        if is_terminal_load {
            in_terminal_load = true;
            continue;
        }
        read_chunk(session, &prompt, &mut out);
    }
    let mut status = 0;
    for name in order {
        if let Some(session) = sessions.remove(&name) {
            let mut rest = String::new();
            status = session.shell.finish(&mut rest);
            // What a shell prints at end of input (a line break after the last prompt) is not
            // part of the transcript; anything else is.
            if !rest.trim().is_empty() {
                out.push_str(&rest);
            }
        }
    }
    (normalise(&out), status)
}

/// Reads a shell's output up to its next prompt; appends the output and keeps the prompt.
fn read_chunk(session: &mut Session, prompt: &Regex, out: &mut String) {
    let mut chunk = String::new();
    session.shell.read_until_prompt(prompt, &mut chunk);
    let cut = chunk.rfind('\n').map(|i| i + 1).unwrap_or(0);
    session.prompt = chunk[cut..].to_string();
    out.push_str(&chunk[..cut]);
}

/// Compares a transcript with its replay line by line (trailing blanks ignored), and
/// returns a readable difference for the assertion message.
pub fn compare(expected: &str, actual: &str) -> Result<(), String> {
    let e: Vec<&str> = expected.lines().map(str::trim_end).collect();
    let a: Vec<&str> = actual.lines().map(str::trim_end).collect();
    if e == a {
        return Ok(());
    }
    let first = e
        .iter()
        .zip(a.iter())
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let mut msg = format!("transcript differs at line {}:\n", first + 1);
    let from = first.saturating_sub(3);
    for i in from..(first + 4) {
        if let Some(x) = e.get(i) {
            msg.push_str(&format!("  expected {:>4}: {x}\n", i + 1));
        }
        if let Some(y) = a.get(i) {
            msg.push_str(&format!("  actual   {:>4}: {y}\n", i + 1));
        }
    }
    msg.push_str("--- whole actual transcript ---\n");
    msg.push_str(actual);
    Err(msg)
}
