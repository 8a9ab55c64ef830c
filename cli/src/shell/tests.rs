//! The interpreter against a fake daemon: whole transcripts, exact text.

use super::transport::Transport;
use super::*;
use schema::mgmt::{
    CheckError, ClientKind, CommitEntry, ConfigureMode, LoginClass, Revision, UserSession,
};
use schema::NodeId;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Quote-aware splitting for tests, standing in for the schema's splitter.
fn test_split(line: &str) -> Result<Vec<Word>, (usize, String)> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if bytes[i] == b'"' {
            let close = line[i + 1..]
                .find('"')
                .ok_or((start, "unterminated quote".to_string()))?;
            let end = i + 1 + close + 1;
            out.push(Word {
                text: line[i + 1..end - 1].to_string(),
                start,
                end,
                quoted: true,
            });
            i = end;
            continue;
        }
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        out.push(Word {
            text: line[start..i].to_string(),
            start,
            end: i,
            quoted: false,
        });
    }
    Ok(out)
}

#[derive(Clone, Default)]
struct Screen(Rc<RefCell<Vec<u8>>>);

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Screen {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.borrow()).into_owned()
    }
}

/// Answers each request with the next canned response and records the requests.
struct Fake {
    responses: VecDeque<Response>,
    requests: Rc<RefCell<Vec<Request>>>,
}

impl Transport for Fake {
    fn call(&mut self, request: Request) -> io::Result<Response> {
        self.requests.borrow_mut().push(request);
        self.responses.pop_front().ok_or_else(|| {
            io::Error::new(io::ErrorKind::UnexpectedEof, "l2tpd closed the connection")
        })
    }
}

fn ok(reply: Reply) -> Response {
    Response {
        result: Ok(reply),
        notices: vec![],
    }
}
fn err(e: MgmtError) -> Response {
    Response {
        result: Err(e),
        notices: vec![],
    }
}
fn done(messages: &[&str]) -> Response {
    ok(Reply::Done {
        messages: messages.iter().map(|m| m.to_string()).collect(),
    })
}
fn configured() -> Response {
    ok(Reply::Configured {
        users: vec![],
        warnings: vec![],
        changed: false,
    })
}

struct Session {
    shell: Shell<Fake>,
    screen: Screen,
    requests: Rc<RefCell<Vec<Request>>>,
}

fn session(echo: Echo, responses: Vec<Response>) -> Session {
    session_with(echo, responses, true)
}

/// A session whose input lines are echoed (a script) or not (a terminal).
fn session_with(echo: Echo, responses: Vec<Response>, echo_input: bool) -> Session {
    let requests = Rc::new(RefCell::new(Vec::new()));
    let hello = ok(Reply::Hello {
        user: "lab".into(),
        class: LoginClass::SuperUser,
        host_name: "r0".into(),
        version: "0.1.0".into(),
        time_zone: None,
        login_message: None,
        login_announcement: None,
        idle_timeout: None,
    });
    let fake = Fake {
        responses: std::iter::once(hello).chain(responses).collect(),
        requests: requests.clone(),
    };
    let screen = Screen::default();
    let shell = Shell::connect(
        fake,
        ClientKind::File,
        None,
        Box::new(screen.clone()),
        test_split,
        echo,
    )
    .expect("hello")
    .echo_input(echo_input);
    Session {
        shell,
        screen,
        requests,
    }
}

/// Runs `script` as `cli -f` would and returns the screen and whether a command failed.
fn transcript(responses: Vec<Response>, script: &str) -> (String, bool, Vec<Request>) {
    let mut s = session(Echo::AfterPrompt, responses);
    let mut screen = s.screen.clone();
    let failed = crate::run_lines(&mut s.shell, script.as_bytes(), &mut screen);
    let requests = s.requests.borrow().clone();
    // At end of input the shell is left at a fresh prompt (then a line break): strip it, and
    // keep the rest for the test's exact comparison.
    let text = s.screen.text();
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let cut = body.rfind('\n').map_or(0, |i| i + 1);
    let last = &body[cut..];
    if !(last.ends_with("> ") || last.ends_with("# ")) {
        // The shell ended itself (`exit`, a lost connection): nothing to strip.
        return (text, failed, requests);
    }
    let mut body = body[..cut].to_string();
    // In configuration mode the prompt's `[edit ...]` banner and the blank line before it.
    if let Some(without_nl) = body.strip_suffix('\n') {
        let start = without_nl.rfind('\n').map_or(0, |i| i + 1);
        if without_nl[start..].starts_with("[edit") {
            body.truncate(start);
            if body.ends_with("\n\n") {
                body.pop();
            }
        }
    }
    (body, failed, requests)
}

fn words(w: &[&str]) -> Vec<String> {
    w.iter().map(|s| s.to_string()).collect()
}

/// Bare words of a `set`, `delete`, `activate` or `deactivate` request.
fn args(w: &[&str]) -> Vec<schema::edit::Arg> {
    w.iter().copied().map(schema::edit::Arg::bare).collect()
}

/// A quoted `[` reaches the daemon as quoted (a value), a bare one as bare (a list's
/// bracket): the round-trip test found `delimiter "["` refused as an unclosed list.
#[test]
fn set_keeps_each_word_quoted_or_bare() {
    use schema::edit::Arg;
    let (_, failed, requests) = transcript(
        vec![configured(), done(&[]), done(&[])],
        "configure\n\
         set access profile p session-options strip-user-name delimiter \"[\"\n\
         set access profile p session-options strip-user-name delimiter [ / \"]\" ]\n",
    );
    assert!(!failed);
    let head = [
        "access",
        "profile",
        "p",
        "session-options",
        "strip-user-name",
    ];
    let mut first: Vec<Arg> = args(&head);
    first.extend([Arg::bare("delimiter"), Arg::quoted("[")]);
    assert_eq!(requests[2], Request::Set { words: first });
    let mut second: Vec<Arg> = args(&head);
    second.extend([
        Arg::bare("delimiter"),
        Arg::bare("["),
        Arg::bare("/"),
        Arg::quoted("]"),
        Arg::bare("]"),
    ]);
    assert_eq!(requests[3], Request::Set { words: second });
}

#[test]
fn prompts_and_banners() {
    let (out, failed, requests) = transcript(
        vec![configured(), done(&[]), done(&[])],
        "configure\nset system host-name r1\nexit\n",
    );
    assert_eq!(
        out,
        "lab@r0> configure\nEntering configuration mode\n\n[edit]\nlab@r0# set system host-name r1\n\n\
         [edit]\nlab@r0# exit\nExiting configuration mode\n"
    );
    assert!(!failed);
    assert_eq!(
        requests[2],
        Request::Set {
            words: args(&["system", "host-name", "r1"])
        }
    );
    assert_eq!(requests[3], Request::ExitConfiguration { confirm: false });
}

#[test]
fn edit_levels_prefix_paths_and_map_carets_back() {
    let level = vec![NodeId::new("services"), NodeId::new("l2tp")];
    let responses = vec![
        configured(),
        ok(Reply::EditPath {
            path: level.clone(),
        }),
        err(MgmtError::Syntax {
            word: 3,
            message: "syntax error.".into(),
        }),
        ok(Reply::EditPath {
            path: level[..1].to_vec(),
        }),
        ok(Reply::EditPath { path: vec![] }),
    ];
    let (out, failed, requests) = transcript(
        responses,
        "configure\nedit serv l2tp\nset tunnel idle-tmo 5\nup\ntop\n",
    );
    assert_eq!(
        out,
        "lab@r0> configure\nEntering configuration mode\n\n[edit]\nlab@r0# edit serv l2tp\n\n\
         [edit services l2tp]\nlab@r0# set tunnel idle-tmo 5\n\
         \x20                  ^\nsyntax error.\n\n\
         [edit services l2tp]\nlab@r0# up\n\n[edit services]\nlab@r0# top\n"
    );
    assert!(failed);
    assert_eq!(
        requests[3],
        Request::Set {
            words: args(&["services", "l2tp", "tunnel", "idle-tmo", "5"])
        }
    );
    assert_eq!(
        requests[4],
        Request::Edit {
            words: words(&["services"])
        }
    );
    assert_eq!(requests[5], Request::Edit { words: vec![] });
}

#[test]
fn unknown_and_ambiguous_commands() {
    let (out, failed, _) = transcript(vec![], "bogus\nshow system bogus\nshow system\n");
    assert_eq!(
        out,
        "lab@r0> bogus\n        ^\nunknown command.\n\
         lab@r0> show system bogus\n                    ^\nsyntax error.\n\
         lab@r0> show system\n                   ^\nsyntax error, expecting <command>.\n"
    );
    assert!(failed);

    let (out, _, _) = transcript(vec![configured()], "configure\nde x\n");
    assert!(out.ends_with(
        "lab@r0# de x\n        ^\n'de' is ambiguous.\nPossible completions:\n\
         \x20 deactivate                    Add the inactive tag to a statement\n\
         \x20 delete                        Delete a data element\n"
    ));
}

#[test]
fn command_line_mode_echoes_the_line_before_the_caret() {
    let mut s = session(Echo::None, vec![]);
    let mut input = NoInput;
    s.shell.execute("show bogus", &mut input);
    assert_eq!(s.screen.text(), "show bogus\n     ^\nsyntax error.\n");
    assert!(s.shell.failed());
}

struct NoInput;
impl Input for NoInput {
    fn load_line(&mut self) -> io::Result<Option<String>> {
        Ok(None)
    }
    fn ask(&mut self, _: &str) -> io::Result<Option<String>> {
        Ok(None)
    }
}

#[test]
fn commit_messages_and_check_errors() {
    let check = MgmtError::Check {
        errors: vec![CheckError {
            path: vec![
                NodeId::new("access"),
                NodeId::entry("tunnel-profile", "tp1"),
            ],
            statement: "tunnel 1".into(),
            message: "Missing mandatory statement: 'remote-gateway'".into(),
        }],
        summary: "commit failed: (missing mandatory statements)".into(),
    };
    let responses = vec![
        configured(),
        err(check),
        done(&[
            "commit confirmed will be automatically rolled back in 5 minutes unless confirmed",
            "commit complete",
        ]),
        done(&["commit complete", "exiting configuration mode"]),
    ];
    let (out, failed, requests) =
        transcript(responses, "configure\ncommit\ncommit confirmed 5 comment \"first try\"\ncommit and-quit\nshow bogus\n");
    assert_eq!(
        out,
        "lab@r0> configure\nEntering configuration mode\n\n[edit]\nlab@r0# commit\n\
         [edit access tunnel-profile tp1]\n  'tunnel 1'\n    Missing mandatory statement: 'remote-gateway'\n\
         error: commit failed: (missing mandatory statements)\n\n\
         [edit]\nlab@r0# commit confirmed 5 comment \"first try\"\n\
         commit confirmed will be automatically rolled back in 5 minutes unless confirmed\ncommit complete\n\n\
         [edit]\nlab@r0# commit and-quit\ncommit complete\nexiting configuration mode\n\
         lab@r0> show bogus\n             ^\nsyntax error.\n"
    );
    assert!(failed);
    assert_eq!(
        requests[3],
        Request::Commit {
            check: false,
            confirmed: Some(5),
            comment: Some("first try".into()),
            and_quit: false
        }
    );
}

#[test]
fn exit_with_uncommitted_changes_answers_yes_in_scripts() {
    let responses = vec![
        configured(),
        ok(Reply::ConfirmExit {
            question: "Exit with uncommitted changes? [yes,no] (yes)".into(),
            warnings: vec!["The configuration has been changed but not committed".into()],
        }),
        done(&[]),
    ];
    let (out, failed, requests) = transcript(responses, "configure\nquit\n");
    assert_eq!(
        out,
        "lab@r0> configure\nEntering configuration mode\n\n[edit]\nlab@r0# quit\n\
         The configuration has been changed but not committed\n\
         Exit with uncommitted changes? [yes,no] (yes) yes\nExiting configuration mode\n"
    );
    assert!(!failed);
    assert_eq!(
        requests.last(),
        Some(&Request::ExitConfiguration { confirm: true })
    );
}

#[test]
fn configure_lists_other_users_and_changes() {
    let users = vec![UserSession {
        user: "root".into(),
        terminal: "terminal pts/3".into(),
        pid: 1088,
        since: 1_795_496_607,
        idle_seconds: 0,
        edit_path: Some(vec![]),
        mode: Some(ConfigureMode::Exclusive),
    }];
    let reply = ok(Reply::Configured {
        users,
        warnings: vec!["warning: uncommitted changes will be discarded on exit".into()],
        changed: true,
    });
    let (out, _, requests) = transcript(vec![reply], "configure private\n");
    assert_eq!(
        out,
        "lab@r0> configure private\nwarning: uncommitted changes will be discarded on exit\n\
         Entering configuration mode\nUsers currently editing the configuration:\n\
         \x20 root terminal pts/3 (pid 1088) on since 2026-11-24 05:03:27 UTC\n      exclusive [edit]\n\
         The configuration has been changed but not committed\n"
    );
    assert_eq!(
        requests[1],
        Request::Configure {
            mode: ConfigureMode::Private
        }
    );
}

fn commits() -> Response {
    let entry = |index, user: &str, comment: Option<&str>| CommitEntry {
        index,
        time: 1_795_496_491 - i64::from(index) * 60,
        user: user.into(),
        client: ClientKind::Cli,
        comment: comment.map(str::to_string),
        confirmed_minutes: None,
    };
    ok(Reply::Commits {
        entries: vec![
            entry(0, "lewis", Some("tunnel to lns2")),
            entry(1, "root", None),
            entry(2, "lewis", None),
        ],
        scheduled: None,
        rescue: None,
    })
}

#[test]
fn pipes_on_operational_output() {
    let (out, failed, _) = transcript(
        vec![commits(), commits(), commits(), commits()],
        "show system commit | match lewis\nsh sys com | except lewis | count\nshow system commit | last 1\n\
         show system commit | match \"lns2\" | no-more\n",
    );
    assert_eq!(
        out,
        "lab@r0> show system commit | match lewis\n\
         0   2026-11-24 05:01:31 UTC by lewis via cli\n2   2026-11-24 04:59:31 UTC by lewis via cli\n\
         lab@r0> sh sys com | except lewis | count\nCount: 2 lines\n\
         lab@r0> show system commit | last 1\n2   2026-11-24 04:59:31 UTC by lewis via cli\n\
         lab@r0> show system commit | match \"lns2\" | no-more\n    tunnel to lns2\n"
    );
    assert!(!failed);
}

#[test]
fn pipe_errors_point_at_the_pipe() {
    let (out, failed, requests) =
        transcript(vec![], "show system commit | bogus\nconfigure | count\n");
    assert_eq!(
        out,
        "lab@r0> show system commit | bogus\n                             ^\nsyntax error.\n\
         lab@r0> configure | count\n                  ^\nsyntax error.\n"
    );
    assert!(failed);
    assert_eq!(requests.len(), 1, "nothing but hello was sent");
}

#[test]
fn question_mark_lists_from_the_tables() {
    let (out, failed, _) = transcript(vec![configured()], "show ?\nconfigure\ncommit ?\n");
    assert_eq!(
        out,
        "lab@r0> show ?\nPossible completions:\n\
         \x20 cli                  Show command-line interface settings\n\
         \x20 configuration        Show current configuration\n\
         \x20 firewall             Show firewall information\n\
         \x20 interfaces           Show interface information\n\
         \x20 log                  Show contents of log files\n\
         \x20 network-access       Show network access information\n\
         \x20 ppp                  Show PPP process information\n\
         \x20 pppoe                Show PPP over Ethernet information\n\
         \x20 route                Show routing table information\n\
         \x20 services             Show services information\n\
         \x20 snmp                 Show SNMP information\n\
         \x20 subscribers          Show subscriber information\n\
         \x20 system               Show system information\n\
         \x20 version              Show software process revision levels\n\
         lab@r0> configure\nEntering configuration mode\n\n[edit]\nlab@r0# commit ?\nPossible completions:\n\
         \x20 <[Enter]>                     Execute this command\n\
         \x20 and-quit                      Quit configuration mode if commit succeeds\n\
         \x20 at                            Time at which to activate configuration changes\n\
         \x20 check                         Check correctness of syntax; do not apply changes\n\
         \x20 comment                       Message to write to commit log\n\
         \x20 confirmed                     Automatically rollback if not confirmed\n"
    );
    assert!(!failed);

    let mut s = session(Echo::AfterPrompt, vec![]);
    let text = s.shell.possible_completions("show system users | ");
    assert!(
        text.contains("  count                Count occurrences\n"),
        "{text}"
    );
}

#[test]
fn question_mark_in_configuration_mode_walks_the_schema() {
    let mut s = session(Echo::AfterPrompt, vec![configured()]);
    s.shell.execute("configure", &mut NoInput);
    let text = s.shell.possible_completions("set ");
    let mut expected = String::from("Possible completions:\n");
    // Alphabetically, as Junos lists them (the table keeps its canonical print order).
    let mut children: Vec<_> = schema::table::ROOT.children.iter().collect();
    children.sort_by_key(|c| c.name);
    for c in children {
        // `+`: a statement that takes several values (`apply-groups [ a b ]`).
        let marker = match c.kind {
            _ if c.has_block() => '>',
            schema::def::Kind::LeafList(_) => '+',
            _ => ' ',
        };
        expected.push_str(&format!("{marker} {:<30}{}\n", c.name, c.help));
    }
    assert_eq!(text, expected);
    assert_eq!(
        s.shell.possible_completions("set zzz "),
        "No valid completions\n"
    );
}

#[test]
fn load_terminal_reads_until_control_d() {
    let (out, failed, requests) = transcript(
        vec![configured(), done(&["load complete"])],
        "configure\nload merge terminal\nsystem {\n    host-name r1;\n}\n^D\nstatus\n",
    );
    assert!(out.contains(
        "lab@r0# load merge terminal\n[Type ^D at a new line to end input]\nsystem {\n    host-name r1;\n}\n^D\nload complete\n"
    ));
    assert!(
        failed,
        "status got no reply from the fake and the session ended"
    );
    assert_eq!(
        requests[2],
        Request::Load {
            mode: schema::mgmt::LoadMode::Merge,
            text: "system {\n    host-name r1;\n}\n".into(),
            relative: None
        }
    );
    assert!(out.ends_with(
        "lab@r0# status\nerror: connection to l2tpd lost: l2tpd closed the connection\n"
    ));
}

#[test]
fn control_c_during_load_terminal_sends_nothing() {
    /// A keyboard on which the operator types two lines, then presses Ctrl-C.
    struct Keys(VecDeque<io::Result<Option<String>>>);
    impl Input for Keys {
        fn load_line(&mut self) -> io::Result<Option<String>> {
            self.0.pop_front().unwrap_or(Ok(None))
        }
        fn ask(&mut self, _: &str) -> io::Result<Option<String>> {
            Ok(None)
        }
    }
    let mut s = session_with(Echo::AfterPrompt, vec![configured()], false);
    s.shell.execute("configure", &mut NoInput);
    let mut keys = Keys(VecDeque::from([
        Ok(Some("system {".to_string())),
        Ok(Some("    host-name r1;".to_string())),
        Err(io::ErrorKind::Interrupted.into()),
    ]));
    s.shell.execute("load merge terminal", &mut keys);
    assert!(s.screen.text().ends_with(
        "[Type ^D at a new line to end input]\nerror: load interrupted: nothing loaded\n"
    ));
    assert!(
        !s.requests
            .borrow()
            .iter()
            .any(|r| matches!(r, Request::Load { .. })),
        "nothing is sent to the daemon"
    );
}

fn load_error(
    line: usize,
    column: usize,
    edit_path: &str,
    statement: &str,
    word: &str,
    message: &str,
) -> schema::mgmt::SetLineError {
    schema::mgmt::SetLineError {
        line,
        column,
        edit_path: edit_path.into(),
        statement: statement.into(),
        word: word.into(),
        message: message.into(),
    }
}

#[test]
fn load_file_errors_name_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("r1.conf");
    std::fs::write(&file, "system {\n").expect("write");
    let file = file.display().to_string();
    let (out, failed, requests) = transcript(
        vec![
            configured(),
            err(MgmtError::Load {
                errors: vec![load_error(
                    2,
                    1,
                    "system",
                    "",
                    "",
                    "syntax error, expecting '}'",
                )],
            }),
        ],
        &format!("configure\nload override {file} relative\nload set /nonexistent/x\n"),
    );
    assert!(
        out.contains(&format!(
            "{file}:2:(0) syntax error, expecting '}}'\n  [edit system]\n      syntax error, expecting '}}'\n\
             error: load failed (1 error): nothing loaded\n"
        )),
        "{out}"
    );
    assert!(
        out.ends_with("error: could not read /nonexistent/x: No such file or directory\n"),
        "{out}"
    );
    assert!(failed);
    assert_eq!(
        requests[2],
        Request::Load {
            mode: schema::mgmt::LoadMode::Override,
            text: "system {\n".into(),
            relative: Some(vec![])
        }
    );
}

#[test]
fn a_brace_load_lists_every_error_as_load_set_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("r1.conf");
    std::fs::write(&file, "chassis;\n").expect("write");
    let file = file.display().to_string();
    let (out, failed, _) = transcript(
        vec![
            configured(),
            err(MgmtError::Load {
                errors: vec![
                    load_error(
                        1,
                        1,
                        "",
                        "chassis;",
                        "chassis",
                        "'chassis' under [edit] is not supported by this router",
                    ),
                    load_error(
                        4,
                        5,
                        "system",
                        "bogus;",
                        "bogus",
                        "syntax error: 'bogus' is not a statement under [edit system]",
                    ),
                    load_error(
                        6,
                        17,
                        "system",
                        "host-name \"r1;",
                        "r1;",
                        "syntax error: unterminated quoted string",
                    ),
                    load_error(9, 1, "system", "", "", "syntax error, expecting '}'"),
                ],
            }),
        ],
        &format!("configure\nload merge {file}\n"),
    );
    let expected = format!(
        "{file}:1:(0) error: chassis\n  [edit]\n    'chassis;'\n      'chassis' under [edit] is not supported by this router\n\
         {file}:4:(4) syntax error: bogus\n  [edit system]\n    'bogus;'\n      syntax error: 'bogus' is not a statement under [edit system]\n\
         {file}:6:(16) syntax error: r1;\n  [edit system]\n    'host-name \"r1;'\n      syntax error: unterminated quoted string\n\
         {file}:9:(0) syntax error, expecting '}}'\n  [edit system]\n      syntax error, expecting '}}'\n\
         error: load failed (4 errors): nothing loaded\n"
    );
    assert!(out.contains(&expected), "{out}");
    assert!(failed);
}

#[test]
fn run_status_rollback_and_denials() {
    let users = ok(Reply::Users {
        users: vec![],
        changed: true,
    });
    let responses = vec![
        configured(),
        users.clone(),
        users,
        done(&["load complete"]),
        err(MgmtError::Denied {
            message: "permission denied".into(),
        }),
        err(MgmtError::Locked {
            message: "configuration database locked by:\n  root terminal pts/1".into(),
        }),
    ];
    let (out, failed, requests) =
        transcript(responses, "configure\nrun show system users\nstatus\nrollback 3\ndelete system\nupdate\nrollback 50\n");
    assert_eq!(
        out,
        "lab@r0> configure\nEntering configuration mode\n\n[edit]\nlab@r0# run show system users\n\
         USER  TTY  LOGIN@  IDLE  WHAT\n\n[edit]\nlab@r0# status\n\
         The configuration has been changed but not committed\n\n[edit]\nlab@r0# rollback 3\nload complete\n\n\
         [edit]\nlab@r0# delete system\nerror: permission denied\n\n[edit]\nlab@r0# update\n\
         error: configuration database locked by:\n  root terminal pts/1\n\n[edit]\nlab@r0# rollback 50\n\
         \x20                ^\nValue 50 is not within range (0..49)\n"
    );
    assert!(failed);
    assert_eq!(requests[4], Request::Rollback { index: 3 });
}

#[test]
fn rename_copy_insert_annotate_words() {
    let level = vec![NodeId::new("access")];
    let responses = vec![
        configured(),
        ok(Reply::EditPath { path: level }),
        done(&[]),
        done(&[]),
        done(&[]),
        done(&[]),
    ];
    let (_, failed, requests) = transcript(
        responses,
        "configure\nedit access\nrename tunnel-profile tp1 to tunnel-profile tp2\ncopy tunnel-profile tp2 to tunnel-profile tp3\n\
         insert tunnel-profile tp3 before tunnel-profile tp2\nannotate tunnel-profile tp3 \"spare\"\n",
    );
    assert!(!failed);
    let tp = |k: &str| words(&["access", "tunnel-profile", k]);
    assert_eq!(
        requests[3],
        Request::Rename {
            words: tp("tp1"),
            to: words(&["tunnel-profile", "tp2"])
        }
    );
    assert_eq!(
        requests[4],
        Request::Copy {
            words: tp("tp2"),
            to: words(&["tunnel-profile", "tp3"])
        }
    );
    assert_eq!(
        requests[5],
        Request::Insert {
            words: tp("tp3"),
            before: true,
            reference: words(&["tunnel-profile", "tp2"])
        }
    );
    assert_eq!(
        requests[6],
        Request::Annotate {
            words: tp("tp3"),
            comment: "spare".into()
        }
    );
}

#[test]
fn compare_requests() {
    // Rendering a diff is the printer's job (tested with it); here only the requests matter.
    let diff = || {
        err(MgmtError::Failed {
            message: "no such revision".into(),
        })
    };
    let (_, _, requests) = transcript(
        vec![diff(), configured(), diff(), diff()],
        "show configuration | compare rollback 2\nconfigure\nshow | compare\nshow system | compare rollback 1\n",
    );
    assert_eq!(
        requests[1],
        Request::Compare {
            words: vec![],
            base: Revision::Rollback(2),
            target: Revision::Active
        }
    );
    assert_eq!(
        requests[3],
        Request::Compare {
            words: vec![],
            base: Revision::Active,
            target: Revision::Candidate
        }
    );
    assert_eq!(
        requests[4],
        Request::Compare {
            words: words(&["system"]),
            base: Revision::Rollback(1),
            target: Revision::Candidate
        }
    );
}

#[test]
fn notices_follow_the_output() {
    let mut reply = commits();
    reply.notices = vec!["# commit confirmed will be rolled back in 3 minutes".into()];
    let (out, _, _) = transcript(vec![reply], "show system commit | count\n");
    assert_eq!(
        out,
        "lab@r0> show system commit | count\nCount: 4 lines\n# commit confirmed will be rolled back in 3 minutes\n"
    );
}

#[test]
fn exit_ends_the_session() {
    let (out, failed, _) = transcript(vec![], "exit\nshow system users\n");
    assert_eq!(out, "lab@r0> exit\n");
    assert!(!failed);
}

#[test]
fn pager_pages_long_output() {
    struct Term(Box<dyn FnMut() -> io::Result<pager::Key>>);
    impl Input for Term {
        fn load_line(&mut self) -> io::Result<Option<String>> {
            Ok(None)
        }
        fn ask(&mut self, _: &str) -> io::Result<Option<String>> {
            Ok(None)
        }
        fn pager(&mut self) -> Option<(usize, &mut dyn FnMut() -> io::Result<pager::Key>)> {
            Some((3, &mut *self.0))
        }
    }
    let mut s = session(Echo::AfterPrompt, vec![commits(), commits()]);
    let mut term = Term(Box::new(|| Ok(pager::Key::Quit)));
    s.shell.execute("show system commit", &mut term);
    assert_eq!(
        s.screen.text(),
        "0   2026-11-24 05:01:31 UTC by lewis via cli\n    tunnel to lns2\n---(more 50%)---\r                \r"
    );
    let before = s.screen.text().len();
    s.shell.execute("show system commit | no-more", &mut term);
    assert_eq!(s.screen.text()[before..].lines().count(), 4);
}

// ---- show / clear services l2tp ----

mod l2tp {
    use super::*;
    use crate::shell::refresh::Refresher;
    use crate::shell::render_l2tp::tests as samples;
    use crate::shell::structured::tests::assert_well_formed;
    use schema::l2tp_rpc::{
        ClearLevel, ClearTarget, L2tpClear, L2tpCleared, L2tpDestinations, L2tpFilter,
        L2tpSessions, L2tpShow, L2tpTunnels, Level,
    };

    fn tunnels() -> Response {
        ok(Reply::L2tpTunnels(L2tpTunnels {
            tunnels: samples::tunnels(),
        }))
    }
    fn sessions() -> Response {
        ok(Reply::L2tpSessions(L2tpSessions {
            sessions: samples::sessions(),
        }))
    }
    fn cleared(level: ClearLevel, statistics: bool) -> Response {
        ok(Reply::L2tpCleared(L2tpCleared {
            level,
            statistics,
            destinations: vec![2],
            tunnels: vec![17967],
            sessions: vec![(17967, 40553), (17967, 40554)],
        }))
    }
    fn confirm(sessions: usize) -> Response {
        ok(Reply::ConfirmClear {
            sessions,
            question: format!("Clear {sessions} sessions? [yes,no] (no)"),
        })
    }
    fn session_clear(confirmed: bool) -> Request {
        Request::ClearL2tpSession(L2tpClear {
            statistics: false,
            target: ClearTarget::All,
            confirmed,
        })
    }

    /// A clear's report under `| display xml|json` is Junos' `<output>` text, after the
    /// question when one is asked; other pipes are refused before anything is sent.
    #[test]
    fn clears_take_display_json_and_xml() {
        let (out, failed, requests) = transcript(
            vec![
                cleared(ClearLevel::Tunnel, false),
                confirm(1500),
                cleared(ClearLevel::Session, false),
            ],
            "clear services l2tp tunnel all force | display xml
             clear services l2tp session all | display json
yes
             clear services l2tp session all | match 1
",
        );
        assert!(failed, "{out}");
        assert_eq!(requests.len(), 4, "{requests:?}");
        let outputs: Vec<&str> = out.split("lab@r0> ").skip(1).collect();
        let xml = outputs[0].split_once('\n').unwrap().1;
        assert!(xml.contains("<output>\n"), "{xml}");
        assert_well_formed(xml);
        let json = outputs[1]
            .rsplit_once("(no) yes\n")
            .map_or(outputs[1], |(_, j)| j);
        let json = json.split_once('{').map(|(_, rest)| format!("{{{rest}"));
        let value: serde_json::Value =
            serde_json::from_str(&json.expect("JSON after the question")).expect("JSON");
        assert!(value["output"][0]["data"].is_string(), "{value}");
        assert!(outputs[2].contains("syntax error."), "{}", outputs[2]);
    }

    #[test]
    fn shows_send_the_typed_request_and_render_the_reply() {
        let (out, failed, requests) = transcript(
            vec![tunnels(), sessions()],
            "show services l2tp tunnel\nsh ser l2tp sess ext local-tunnel-id 17967\n",
        );
        assert!(!failed, "{out}");
        assert!(
            out.starts_with(
                "lab@r0> show services l2tp tunnel\n\
                 Local ID  Remote ID  Remote IP        Sessions  State\n\
                 17967     1          127.0.0.2:1701   2         Established\n"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "lab@r0> sh ser l2tp sess ext local-tunnel-id 17967\n  Session local ID: 40553,"
            ),
            "{out}"
        );
        assert!(
            out.contains("    Data Rx                2    120\n"),
            "{out}"
        );
        assert_eq!(
            requests[1..],
            [
                Request::GetL2tpTunnelInformation(L2tpShow::default()),
                Request::GetL2tpSessionInformation(L2tpShow {
                    level: Level::Extensive,
                    statistics: false,
                    filter: L2tpFilter {
                        local_tunnel_id: Some(17967),
                        ..L2tpFilter::default()
                    },
                }),
            ]
        );
    }

    #[test]
    fn summary_destinations_and_causes() {
        let (out, failed, requests) = transcript(
            vec![
                ok(Reply::L2tpSummary(samples::summary())),
                ok(Reply::L2tpDestinations(L2tpDestinations {
                    destinations: samples::destinations(),
                })),
                ok(Reply::L2tpDisconnectCauses(samples::causes())),
                ok(Reply::L2tpTunnels(L2tpTunnels::default())),
            ],
            "show services l2tp summary\nshow services l2tp destination\n\
             show services l2tp disconnect-cause-summary\nshow services l2tp tunnel\n",
        );
        assert!(!failed, "{out}");
        assert!(
            out.contains("Destinations: 1, Tunnels: 2, Sessions: 3, Switched sessions: 0\n"),
            "{out}"
        );
        assert!(
            out.contains("2               127.0.0.3  -           0        0         Locked-out\n"),
            "{out}"
        );
        assert!(
            out.contains("Session terminations:\nSource  Result"),
            "{out}"
        );
        // No tunnels: no output at all, straight back to the prompt.
        assert!(
            out.ends_with("lab@r0> show services l2tp tunnel\n"),
            "{out}"
        );
        assert_eq!(
            requests.get(3),
            Some(&Request::GetL2tpDisconnectCauseSummary)
        );
    }

    #[test]
    fn bad_arguments_are_marked_and_nothing_is_sent() {
        let (out, failed, requests) = transcript(
            vec![],
            "show services l2tp tunnel local-tunnel-id 0\n\
             show services l2tp session peer-gateway 10.0.0.256\n\
             show services l2tp tunnel brief detail\n\
             clear services l2tp destination\n",
        );
        // The `^` sits under the bad word, or just past the end when something is missing.
        let marked = |line: &str, at: usize, message: &str| {
            format!(
                "lab@r0> {line}\n{}^\n{message}\n",
                " ".repeat("lab@r0> ".len() + at)
            )
        };
        let under = |line: &str, word: &str, message: &str| {
            marked(line, line.rfind(word).unwrap_or(usize::MAX), message)
        };
        assert_eq!(
            out,
            [
                under(
                    "show services l2tp tunnel local-tunnel-id 0",
                    "0",
                    "Value 0 is not within range (1..65535)"
                ),
                under(
                    "show services l2tp session peer-gateway 10.0.0.256",
                    "10.0.0.256",
                    "invalid ip address '10.0.0.256'"
                ),
                under(
                    "show services l2tp tunnel brief detail",
                    "detail",
                    "syntax error."
                ),
                marked(
                    "clear services l2tp destination",
                    "clear services l2tp destination".len(),
                    "missing mandatory argument: target (all, local-gateway, peer-gateway)."
                ),
            ]
            .concat()
        );
        assert!(failed);
        assert_eq!(requests.len(), 1, "only hello");
    }

    #[test]
    fn display_json_and_xml() {
        let (out, failed, _) = transcript(
            vec![tunnels(), tunnels()],
            "show services l2tp tunnel | display json\nshow services l2tp tunnel | display xml\n",
        );
        assert!(!failed, "{out}");
        let (json, xml) = out
            .split_once("lab@r0> show services l2tp tunnel | display xml\n")
            .expect("two commands");
        let json = json
            .strip_prefix("lab@r0> show services l2tp tunnel | display json\n")
            .expect("echo");
        let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        let first = &v["service-l2tp-tunnel-information"][0]["l2tp-tunnel"][0];
        assert_eq!(first["tunnel-local-id"][0]["data"], "17967");
        assert_eq!(first["statistics"][0]["retransmissions"][0]["data"], "1");
        assert!(xml.starts_with("<rpc-reply xmlns:junos="), "{xml}");
        assert!(
            xml.contains(
                "        <l2tp-tunnel>\n            <tunnel-local-id>17967</tunnel-local-id>\n"
            ),
            "{xml}"
        );
        assert_well_formed(xml);
    }

    /// `| display xml` of a configuration is Junos' `<configuration>`, its commit
    /// attributes from the header, and the `<cli>` banner.
    #[test]
    fn display_xml_of_configuration() {
        let mut tree = schema::tree::Node::default();
        tree.ensure(&[
            schema::NodeId::new("system"),
            schema::NodeId::new("host-name"),
        ])
        .values = ["r1"].into();
        let (out, failed, _) = transcript(
            vec![ok(Reply::Config {
                path: vec![],
                tree,
                header: Some("## Last commit: 2026-12-03 18:20:01 UTC by alice".into()),
            })],
            "show configuration | display xml\n",
        );
        assert_eq!(
            out,
            "lab@r0> show configuration | display xml\n\
             <rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/*/junos\">\n\
             \x20   <configuration junos:commit-localtime=\"2026-12-03 18:20:01 UTC\" junos:commit-user=\"alice\">\n\
             \x20           <system>\n\
             \x20               <host-name>r1</host-name>\n\
             \x20           </system>\n\
             \x20   </configuration>\n\
             \x20   <cli>\n\
             \x20       <banner></banner>\n\
             \x20   </cli>\n\
             </rpc-reply>\n"
        );
        assert!(!failed);
    }

    #[test]
    fn pipes_filter_l2tp_output() {
        let (out, failed, _) = transcript(
            vec![sessions(), sessions(), sessions()],
            "show services l2tp session | match Established\n\
             show services l2tp session | count\n\
             show services l2tp session | last 1\n",
        );
        assert!(!failed);
        assert_eq!(
            out,
            "lab@r0> show services l2tp session | match Established\n\
             40553     7          17967            Established          pp0.3221225473       u1@example.net\n\
             lab@r0> show services l2tp session | count\nCount: 3 lines\n\
             lab@r0> show services l2tp session | last 1\n\
             2         0          17967            Lns-ic-wait-connect  si-0/0/0.3221225472  -\n"
        );
    }

    #[test]
    fn clear_lines_and_errors() {
        let (out, failed, requests) = transcript(
            vec![
                cleared(ClearLevel::Destination, false),
                cleared(ClearLevel::Tunnel, true),
                cleared(ClearLevel::Session, false),
                err(MgmtError::Failed {
                    message: "no tunnel with local tunnel id 99".into(),
                }),
            ],
            "clear services l2tp destination all\n\
             clear services l2tp tunnel statistics local-tunnel-id 17967\n\
             clear services l2tp session all\n\
             clear services l2tp tunnel local-tunnel-id 99\n",
        );
        assert_eq!(
            out,
            "lab@r0> clear services l2tp destination all\nDestination 2 closed\n\
             lab@r0> clear services l2tp tunnel statistics local-tunnel-id 17967\n\
             Tunnel 17967 statistics cleared\n\
             lab@r0> clear services l2tp session all\n\
             Session 40553 (tunnel 17967) closed\nSession 40554 (tunnel 17967) closed\n\
             lab@r0> clear services l2tp tunnel local-tunnel-id 99\n\
             error: no tunnel with local tunnel id 99\n"
        );
        assert!(failed);
        assert_eq!(
            requests.get(2),
            Some(&Request::ClearL2tpTunnel(L2tpClear {
                statistics: true,
                target: ClearTarget::LocalTunnelId(17967),
                confirmed: false,
            }))
        );
    }

    #[test]
    fn a_script_answers_the_confirmation_on_its_next_line() {
        let (out, failed, requests) = transcript(
            vec![confirm(1500), cleared(ClearLevel::Session, false)],
            "clear services l2tp session all\nyes\n",
        );
        assert_eq!(
            out,
            "lab@r0> clear services l2tp session all\n\
             Clear 1500 sessions? [yes,no] (no) yes\n\
             Session 40553 (tunnel 17967) closed\nSession 40554 (tunnel 17967) closed\n"
        );
        assert!(!failed);
        assert_eq!(requests[1..], [session_clear(false), session_clear(true)]);

        let (out, failed, requests) = transcript(
            vec![confirm(1500), tunnels()],
            "clear services l2tp session all\nno\nshow services l2tp tunnel | count\n",
        );
        assert_eq!(
            out,
            "lab@r0> clear services l2tp session all\n\
             Clear 1500 sessions? [yes,no] (no) no\n\
             lab@r0> show services l2tp tunnel | count\nCount: 3 lines\n"
        );
        assert!(!failed);
        assert_eq!(requests.len(), 3, "hello, the clear, the show");
    }

    #[test]
    fn force_confirms_up_front() {
        let (out, _, requests) = transcript(
            vec![cleared(ClearLevel::Session, false)],
            "clear services l2tp session all force\n",
        );
        assert!(
            out.ends_with("Session 40554 (tunnel 17967) closed\n"),
            "{out}"
        );
        assert_eq!(requests[1..], [session_clear(true)]);
    }

    #[test]
    fn command_line_mode_cannot_confirm() {
        let mut s = session(Echo::None, vec![confirm(2000)]);
        s.shell
            .execute("clear services l2tp session all", &mut NoInput);
        assert_eq!(
            s.screen.text(),
            "error: this clear would end 2000 sessions; confirm on a terminal or add 'force'\n"
        );
        assert!(s.shell.failed());
        assert_eq!(s.requests.borrow()[1..], [session_clear(false)]);
    }

    #[test]
    fn a_terminal_answer_is_asked_and_not_echoed() {
        struct Terminal(Vec<String>);
        impl Input for Terminal {
            fn load_line(&mut self) -> io::Result<Option<String>> {
                Ok(None)
            }
            fn ask(&mut self, question: &str) -> io::Result<Option<String>> {
                self.0.push(question.to_string());
                Ok(Some("y".to_string()))
            }
        }
        let mut s = session_with(
            Echo::AfterPrompt,
            vec![confirm(1001), cleared(ClearLevel::Session, false)],
            false,
        );
        let mut terminal = Terminal(Vec::new());
        s.shell
            .execute("clear services l2tp session all", &mut terminal);
        assert_eq!(terminal.0, ["Clear 1001 sessions? [yes,no] (no)"]);
        assert_eq!(
            s.screen.text(),
            "Session 40553 (tunnel 17967) closed\nSession 40554 (tunnel 17967) closed\n"
        );
    }

    /// Simulated time: each wait advances the clock; the operator presses Ctrl-C during
    /// wait number `interrupt_at`.
    struct SimulatedRefresh {
        clock: Rc<RefCell<i64>>,
        waits: Rc<RefCell<Vec<u32>>>,
        interrupt_at: usize,
        started: Rc<RefCell<(u32, u32)>>,
    }

    impl Refresher for SimulatedRefresh {
        fn now(&self) -> i64 {
            *self.clock.borrow()
        }
        fn start(&mut self) -> io::Result<()> {
            self.started.borrow_mut().0 += 1;
            Ok(())
        }
        fn wait(&mut self, seconds: u32) -> bool {
            self.waits.borrow_mut().push(seconds);
            *self.clock.borrow_mut() += i64::from(seconds);
            self.waits.borrow().len() < self.interrupt_at
        }
        fn finish(&mut self) {
            self.started.borrow_mut().1 += 1;
        }
    }

    #[test]
    fn refresh_reruns_until_interrupted() {
        let mut s = session(Echo::AfterPrompt, vec![tunnels(), tunnels(), tunnels()]);
        let waits = Rc::new(RefCell::new(Vec::new()));
        let started = Rc::new(RefCell::new((0, 0)));
        s.shell.set_refresher(Box::new(SimulatedRefresh {
            clock: Rc::new(RefCell::new(1_795_496_491)),
            waits: waits.clone(),
            interrupt_at: 3,
            started: started.clone(),
        }));
        let mut screen = s.screen.clone();
        let failed = crate::run_lines(
            &mut s.shell,
            "show services l2tp tunnel | match Estab | refresh 5\n".as_bytes(),
            &mut screen,
        );
        assert!(!failed);
        let run = "17967     1          127.0.0.2:1701   2         Established\n";
        assert_eq!(
            s.screen.text(),
            format!(
                "lab@r0> show services l2tp tunnel | match Estab | refresh 5\n\
                 ---(refreshed at 2026-11-24 05:01:31 UTC)---\n{run}\
                 ---(refreshed at 2026-11-24 05:01:36 UTC)---\n{run}\
                 ---(refreshed at 2026-11-24 05:01:41 UTC)---\n{run}\
                 lab@r0> \n"
            )
        );
        assert_eq!(*waits.borrow(), [5, 5, 5]);
        assert_eq!(
            *started.borrow(),
            (1, 1),
            "Ctrl-C handling armed and disarmed once"
        );
        assert_eq!(s.requests.borrow().len(), 4);
    }

    #[test]
    fn refresh_stops_when_a_run_fails() {
        let mut s = session(
            Echo::None,
            vec![err(MgmtError::Failed {
                message: "no tunnel with local tunnel id 9".into(),
            })],
        );
        let waits = Rc::new(RefCell::new(Vec::new()));
        s.shell.set_refresher(Box::new(SimulatedRefresh {
            clock: Rc::new(RefCell::new(0)),
            waits: waits.clone(),
            interrupt_at: usize::MAX,
            started: Rc::new(RefCell::new((0, 0))),
        }));
        s.shell.execute(
            "show services l2tp tunnel local-tunnel-id 9 | refresh 2",
            &mut NoInput,
        );
        assert_eq!(
            s.screen.text(),
            "---(refreshed at 1970-01-01 00:00:00 UTC)---\n\
             error: no tunnel with local tunnel id 9\n"
        );
        assert!(s.shell.failed());
        assert!(waits.borrow().is_empty());
    }
}

// ---- show snmp statistics ----

mod snmp {
    use super::*;
    use crate::shell::render_snmp::tests::counted;
    use crate::shell::structured::tests::assert_well_formed;

    /// The requests after the session's Hello.
    fn sent(requests: &[Request]) -> Vec<&Request> {
        requests
            .iter()
            .filter(|r| !matches!(r, Request::Hello { .. }))
            .collect()
    }

    fn statistics() -> Response {
        ok(Reply::SnmpStatistics(counted()))
    }

    #[test]
    fn statistics_send_the_typed_request_and_render_the_reply() {
        let (out, failed, requests) =
            transcript(vec![statistics()], "show snmp statistics | no-more\n");
        assert!(!failed, "{out}");
        assert_eq!(sent(&requests), [&Request::GetSnmpStatistics]);
        assert_eq!(
            out,
            format!(
                "lab@r0> show snmp statistics | no-more\n{}",
                crate::shell::render_snmp::statistics(&counted())
            )
        );
        // Abbreviated, as every command word may be.
        let (_, failed, requests) = transcript(vec![statistics()], "sh snm st\n");
        assert!(!failed);
        assert_eq!(sent(&requests), [&Request::GetSnmpStatistics]);
    }

    #[test]
    fn statistics_take_no_arguments() {
        let (out, failed, requests) = transcript(vec![], "show snmp statistics extra\n");
        assert!(failed, "{out}");
        assert!(sent(&requests).is_empty(), "{requests:?}");
    }

    #[test]
    fn statistics_display_json_and_xml() {
        let (out, failed, _) = transcript(
            vec![statistics(), statistics()],
            "show snmp statistics | display json\nshow snmp statistics | display xml\n",
        );
        assert!(!failed, "{out}");
        let (json, xml) = out
            .split_once("lab@r0> show snmp statistics | display xml\n")
            .expect("two commands");
        let json = json
            .strip_prefix("lab@r0> show snmp statistics | display json\n")
            .expect("echo");
        let v: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        let root = &v["snmp-statistics"][0];
        assert_eq!(root["agent-port"][0]["data"], "161");
        assert_eq!(root["agent-address"][0]["data"], "127.0.41.1");
        let input = &root["snmp-input-statistics"][0];
        assert_eq!(input["bad-community-names"][0]["data"], "2");
        assert_eq!(input["asn-parse-errors"][0]["data"], "4");
        let agentx = &root["agentx-statistics"][0];
        assert_eq!(agentx["connected"][0]["data"], "true");
        assert_eq!(agentx["registrations"][0]["data"], "2");
        assert!(
            xml.contains("<snmp-statistics>") && xml.contains("<get-responses>30</get-responses>"),
            "{xml}"
        );
        assert_well_formed(xml);
    }
}

/// An atomic script (`cli -f`, piped stdin) edits a private candidate whatever `configure`
/// it types; after its first failure it still runs the edits that follow, so every refused
/// edit is named in one run, and stops at the first other command: the `commit` is never sent.
#[test]
fn an_atomic_script_names_every_failed_edit_and_never_commits() {
    let refused = |what: &str| {
        err(MgmtError::Failed {
            message: format!("{what} is not a statement"),
        })
    };
    let mut s = session(
        Echo::AfterPrompt,
        vec![configured(), refused("no-such"), refused("other")],
    );
    s.shell = s.shell.atomic(true);
    let mut screen = s.screen.clone();
    let failed = crate::run_lines(
        &mut s.shell,
        "configure exclusive\nset system no-such 1\n# checked too\nset system other 2\ncommit\nset system host-name never-sent\n"
            .as_bytes(),
        &mut screen,
    );
    assert!(failed);
    let requests = s.requests.borrow();
    assert_eq!(
        requests.len(),
        4,
        "hello, configure, set, set: {requests:?}"
    );
    assert!(
        matches!(
            requests[1],
            Request::Configure {
                mode: ConfigureMode::Private
            }
        ),
        "{:?}",
        requests[1]
    );
    let text = s.screen.text();
    assert!(text.contains("no-such is not a statement"), "{text}");
    assert!(text.contains("other is not a statement"), "{text}");
    assert!(
        text.ends_with(
            "lab@r0# commit\nerror: script stopped: a command above failed; nothing is committed and its uncommitted changes are discarded\n"
        ),
        "{text}"
    );
}

/// The same script, its failure at the end: the stop is still said.
#[test]
fn an_atomic_script_that_fails_last_says_it_stopped() {
    let mut s = session(
        Echo::AfterPrompt,
        vec![
            configured(),
            err(MgmtError::Failed {
                message: "no-such is not a statement".into(),
            }),
        ],
    );
    s.shell = s.shell.atomic(true);
    let mut screen = s.screen.clone();
    assert!(crate::run_lines(
        &mut s.shell,
        "configure\nset system no-such 1\n".as_bytes(),
        &mut screen
    ));
    assert!(
        s.screen
            .text()
            .ends_with("nothing is committed and its uncommitted changes are discarded\n"),
        "{}",
        s.screen.text()
    );
}

/// What an atomic script still runs after a failure: edits, in configuration mode only.
#[test]
fn after_a_failure_only_edits_are_checked() {
    let s = session(Echo::AfterPrompt, vec![]);
    assert!(
        !s.shell.checks_after_failure("set cli screen-width 80"),
        "operational mode: `set` is no edit"
    );
    let mut s2 = session(Echo::AfterPrompt, vec![configured()]);
    let mut screen = s2.screen.clone();
    crate::run_lines(&mut s2.shell, "configure\n".as_bytes(), &mut screen);
    for line in [
        "set system host-name r1",
        "  delete access",
        "# a comment",
        "",
        "top set system host-name r1",
        "up 2 deactivate system",
        "edit services l2tp",
        "top",
        "annotate system \"a # b\"",
    ] {
        assert!(s2.shell.checks_after_failure(line), "{line}");
    }
    for line in [
        "commit",
        "commit and-quit",
        "run show system users",
        "top commit",
        "load set terminal",
        "exit",
        "show | compare",
        "set system host-name r1 | display set",
    ] {
        assert!(!s2.shell.checks_after_failure(line), "{line}");
    }
}

/// Text other users chose (a tty name in their hello, a commit comment, a value) reaches this
/// terminal; a control sequence in it must not act on the terminal (retitle it, clear it,
/// move the cursor over earlier output): it is shown escaped.
#[test]
fn control_characters_from_others_are_shown_escaped() {
    let users = ok(Reply::Users {
        users: vec![UserSession {
            user: "eve".into(),
            terminal: "terminal \x1b]0;pwned\x07".into(),
            pid: 7,
            since: 1_795_496_607,
            idle_seconds: 0,
            edit_path: None,
            mode: None,
        }],
        changed: false,
    });
    let commits = ok(Reply::Commits {
        entries: vec![CommitEntry {
            index: 0,
            time: 1_795_496_491,
            user: "eve".into(),
            client: ClientKind::Cli,
            comment: Some("fine\x1b[2J\x1b[Hall clear\r".into()),
            confirmed_minutes: None,
        }],
        scheduled: None,
        rescue: None,
    });
    let (out, _, _) = transcript(
        vec![users, commits],
        "show system users\nshow system commit\n",
    );
    assert!(
        !out.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "{out:?}"
    );
    assert!(out.contains("\\x1b]0;pwned\\x07  "), "{out}");
    // The columns stay aligned around the escaped cell.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[1].find("LOGIN@"), lines[2].find("2026-"), "{out}");
    assert!(out.contains("fine\\x1b[2J\\x1b[Hall clear\\x0d"), "{out}");
}

/// A megabyte-long line with an error (a script gone wrong, a pasted blob) is not echoed back
/// whole, nor is the caret pushed a megabyte to the right: a window around the error.
#[test]
fn a_huge_line_is_echoed_as_a_window_around_the_error() {
    let blob = "x".repeat(1 << 20);
    for (echo, line, window) in [
        (Echo::None, format!("show {blob}"), "show xxxx"),
        (Echo::AfterPrompt, format!("show {blob}"), "show xxxx"),
        (
            Echo::None,
            format!("show{} bogus", " ".repeat(1 << 20)),
            "     bogus",
        ),
    ] {
        let mut s = session(echo, vec![]);
        s.shell.execute(&line, &mut NoInput);
        let out = s.screen.text();
        assert!(out.len() < 400, "{} bytes", out.len());
        assert!(out.contains(window), "{out}");
        assert!(out.contains("^\nsyntax error."), "{out}");
    }
}

// ---- show subscribers, show / clear pppoe ----

mod subscribers {
    use super::*;
    use crate::shell::render_pppoe::tests as pppoe;
    use crate::shell::render_subscribers::tests as samples;
    use crate::shell::structured::tests::assert_well_formed;
    use schema::subscriber_rpc::{Level, PppoeCleared, PppoeSelect, SubscriberShow};

    fn subscribers() -> Response {
        ok(Reply::Subscribers(samples::sample()))
    }

    fn sent(requests: &[Request]) -> Vec<&Request> {
        requests
            .iter()
            .filter(|r| !matches!(r, Request::Hello { .. }))
            .collect()
    }

    #[test]
    fn question_mark_lists_the_commands_and_their_options() {
        let mut s = session(Echo::AfterPrompt, vec![]);
        let pppoe = s.shell.possible_completions("show pppoe ");
        for line in [
            "  interfaces           Show PPPoE interface information\n",
            "  service-name-tables  Show PPPoE service name tables\n",
            "  statistics           Show PPPoE statistics\n",
        ] {
            assert!(pppoe.contains(line), "{pppoe}");
        }
        let options = s.shell.possible_completions("show subscribers ");
        for word in ["detail", "extensive", "summary", "user-name", "|"] {
            assert!(options.contains(&format!("  {word} ")), "{word}: {options}");
        }
        let name = s.shell.possible_completions("show pppoe interfaces ");
        assert!(name.contains("<interface-name>"), "{name}");
        let clear = s.shell.possible_completions("clear pppoe ");
        assert!(
            clear.contains("  sessions ") && clear.contains("  statistics "),
            "{clear}"
        );
    }

    #[test]
    fn shows_send_the_typed_request_and_render_the_reply() {
        let (out, failed, requests) = transcript(
            vec![subscribers(), subscribers(), subscribers()],
            "show subscribers\nsh subscr ext user-name u1@example.net\nshow subscribers summary\n",
        );
        assert!(!failed, "{out}");
        let sample = samples::sample();
        let show = |level, summary, user: Option<&str>| SubscriberShow {
            level,
            summary,
            user_name: user.map(str::to_string),
        };
        let brief = show(Level::Brief, false, None);
        let extensive = show(Level::Extensive, false, Some("u1@example.net"));
        let summary = show(Level::Brief, true, None);
        let render = crate::shell::render_subscribers::subscribers;
        assert_eq!(
            out,
            format!(
                "lab@r0> show subscribers\n{}\
                 lab@r0> sh subscr ext user-name u1@example.net\n{}\
                 lab@r0> show subscribers summary\n{}",
                render(&sample, &brief),
                render(&sample, &extensive),
                render(&sample, &summary)
            )
        );
        assert_eq!(
            sent(&requests),
            [
                &Request::GetSubscribers(brief),
                &Request::GetSubscribers(extensive),
                &Request::GetSubscribers(summary)
            ]
        );
    }

    #[test]
    fn pppoe_shows_and_clears() {
        let (out, failed, requests) = transcript(
            vec![
                ok(Reply::PppoeInterfaces(pppoe::sample_interfaces())),
                ok(Reply::PppoeStatistics(pppoe::sample_statistics())),
                ok(Reply::PppoeServiceNameTables(pppoe::sample_tables())),
                ok(Reply::PppoeCleared(PppoeCleared {
                    statistics: false,
                    sessions: vec!["pp0.1073741825".into()],
                    interfaces: vec![],
                })),
                ok(Reply::PppoeCleared(PppoeCleared {
                    statistics: true,
                    sessions: vec![],
                    interfaces: vec!["ge-1/0/0.100".into()],
                })),
            ],
            "show pppoe interfaces pp0.1073741825\n\
             show pppoe statistics ge-1/0/0.100 | no-more\n\
             show pppoe service-name-tables\n\
             clear pppoe sessions pp0.1073741825\n\
             clear pppoe statistics\n",
        );
        assert!(!failed, "{out}");
        let named = |name: &str| PppoeSelect {
            interface: Some(name.to_string()),
        };
        assert_eq!(
            sent(&requests),
            [
                &Request::GetPppoeInterfaceInformation(named("pp0.1073741825")),
                &Request::GetPppoeStatistics(named("ge-1/0/0.100")),
                &Request::GetPppoeServiceNameTables,
                &Request::ClearPppoeSessions(named("pp0.1073741825")),
                &Request::ClearPppoeStatistics(PppoeSelect::default()),
            ]
        );
        assert!(
            out.contains("lab@r0> show pppoe interfaces pp0.1073741825\npp0.1073741825\n  State: Session up,"),
            "{out}"
        );
        assert!(
            out.contains(
                "| no-more\nUnderlying interface: ge-1/0/0.100, Active PPPoE sessions: 1\n"
            ),
            "{out}"
        );
        assert!(out.contains("Service Name Table: svc\n"), "{out}");
        assert!(
            out.ends_with(
                "lab@r0> clear pppoe sessions pp0.1073741825\nSession pp0.1073741825 cleared\n\
                 lab@r0> clear pppoe statistics\nStatistics of ge-1/0/0.100 cleared\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn address_pool_show_and_json() {
        use crate::shell::render_pools::tests::sample_pools;
        use schema::subscriber_rpc::AddressPoolSelect;
        let (out, failed, requests) = transcript(
            vec![
                ok(Reply::AddressPools(sample_pools())),
                ok(Reply::AddressPools(sample_pools())),
                ok(Reply::AddressPools(sample_pools())),
            ],
            "show network-access address-assignment pool p1\n\
             show network-access address-assignment pool | display json\n\
             show network-access address-assignment pool | display xml\n",
        );
        assert!(!failed, "{out}");
        assert_eq!(
            sent(&requests),
            [
                &Request::GetAddressAssignmentPool(AddressPoolSelect {
                    name: Some("p1".into())
                }),
                &Request::GetAddressAssignmentPool(AddressPoolSelect::default()),
                &Request::GetAddressAssignmentPool(AddressPoolSelect::default()),
            ]
        );
        assert!(
            out.contains(
                "lab@r0> show network-access address-assignment pool p1\nPool: p1\n  \
                 Network: 198.18.0.0/24, Gateway: 198.18.0.1\n"
            ),
            "{out}"
        );
        let (rest, xml) = out
            .split_once("lab@r0> show network-access address-assignment pool | display xml\n")
            .unwrap_or_else(|| panic!("{out}"));
        assert!(xml.contains("<address-pool-information"), "{xml}");
        assert!(xml.contains("<pool-name>p1</pool-name>"), "{xml}");
        assert_well_formed(xml);
        let json = rest
            .split("| display json\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{out}"));
        let value: serde_json::Value =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
        let text = value.to_string();
        for field in [
            "address-pool-information",
            "\"pool-name\"",
            "\"range-low\"",
            "\"addresses-in-use\"",
            "\"addresses-free\"",
        ] {
            assert!(text.contains(field), "{field} in {text}");
        }
    }

    #[test]
    fn the_daemon_error_is_shown_and_fails_the_command() {
        let (out, failed, _) = transcript(
            vec![err(MgmtError::Failed {
                message: "subscriber tables are not wired yet".into(),
            })],
            "show subscribers\n",
        );
        assert!(failed);
        assert!(
            out.contains("error: subscriber tables are not wired yet\n"),
            "{out}"
        );
    }

    #[test]
    fn clears_do_not_pipe_and_bad_names_send_nothing() {
        let (out, failed, requests) = transcript(
            vec![],
            "clear pppoe sessions | count\nshow pppoe interfaces eth1.100\n",
        );
        assert!(failed, "{out}");
        assert!(sent(&requests).is_empty(), "{requests:?}");
        assert!(
            out.contains("invalid interface name 'eth1.100': expecting pp0.N"),
            "{out}"
        );
    }

    #[test]
    fn display_json_and_xml() {
        let (out, failed, _) = transcript(
            vec![
                subscribers(),
                subscribers(),
                subscribers(),
                ok(Reply::PppoeStatistics(pppoe::sample_statistics())),
                ok(Reply::PppoeServiceNameTables(pppoe::sample_tables())),
                ok(Reply::PppoeInterfaces(pppoe::sample_interfaces())),
            ],
            "show subscribers extensive | display json\n\
             show subscribers | display xml\n\
             show subscribers summary | display json\n\
             show pppoe statistics | display xml\n\
             show pppoe service-name-tables | display json\n\
             show pppoe interfaces | display xml\n",
        );
        assert!(!failed, "{out}");
        let outputs: Vec<&str> = out
            .split("lab@r0> ")
            .filter(|o| !o.is_empty())
            .map(|o| o.split_once('\n').map_or("", |(_, rest)| rest))
            .collect();
        assert_eq!(outputs.len(), 6, "{out}");
        let json = |text: &str| -> serde_json::Value {
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
        };
        let extensive = json(outputs[0]);
        let first = &extensive["subscribers-information"][0]["subscriber"][0];
        assert_eq!(first["interface"][0]["data"], "pp0.1073741825");
        assert_eq!(first["user-name"][0]["data"], "u1@example.net");
        assert_eq!(first["mac-address"][0]["data"], "00:00:5e:00:53:01");
        assert_eq!(first["stacked-vlan-id"][0]["data"], "100");
        assert_eq!(first["tunnel"][0]["session-local-id"][0]["data"], "40553");
        assert_eq!(first["statistics"][0]["input-bytes"][0]["data"], "1200");
        let xml = outputs[1];
        assert!(xml.contains("<subscribers-information>"), "{xml}");
        assert!(xml.contains("<state>active</state>"), "{xml}");
        assert_well_formed(xml);
        let summary = json(outputs[2]);
        let counts = &summary["subscribers-summary-information"][0]["summary"][0];
        assert_eq!(counts["total"][0]["data"], "2");
        assert_eq!(counts["state-count"][0]["name"][0]["data"], "init");
        let statistics = outputs[3];
        assert!(
            statistics.contains("<pppoe-statistics-information>"),
            "{statistics}"
        );
        // Each interface's counters sit beside its name (flattened), as Junos lists them.
        assert!(
            statistics.contains(
                "<pppoe-underlying-interface>\n            <underlying-interface>ge-1/0/0.100</underlying-interface>\n            <active-sessions>1</active-sessions>\n            <padi-received>"
            ),
            "{statistics}"
        );
        assert!(statistics.contains("<short-cycle-refused>"), "{statistics}");
        assert_well_formed(statistics);
        let tables = json(outputs[4]);
        let gold = &tables["pppoe-service-name-table-information"][0]["service-name-table"][0]
            ["service"][0];
        assert_eq!(gold["service-name"][0]["data"], "gold");
        assert_eq!(gold["action"][0]["data"], "delay");
        assert_eq!(gold["delay"][0]["data"], "5");
        let interfaces = outputs[5];
        assert!(
            interfaces.contains("<pppoe-interface>")
                && interfaces.contains("<session-id>1</session-id>"),
            "{interfaces}"
        );
        assert_well_formed(interfaces);
    }
}

#[path = "interface_tests.rs"]
mod interfaces;

#[path = "aaa_tests.rs"]
mod aaa;

#[path = "habits_tests.rs"]
mod habits;

/// `show system statistics [tcp | icmp]` asks the daemon once for what was named and shows
/// its counts in Junos' words, or under Junos' element names with `| display json`.
#[test]
fn system_statistics_text_and_json() {
    use schema::system_rpc::{RejectAnswers, StatisticsProtocol, SystemStatistics};
    let answers = RejectAnswers {
        unreachables_sent: 7,
        unreachables_suppressed: 2,
        resets_sent: 4,
        resets_suppressed: 1,
    };
    let stats = |protocol| {
        ok(Reply::SystemStatistics(SystemStatistics::of_answers(
            answers, protocol,
        )))
    };
    let (out, failed, requests) = transcript(
        vec![
            stats(StatisticsProtocol::Icmp),
            stats(StatisticsProtocol::Icmp),
            stats(StatisticsProtocol::Tcp),
            stats(StatisticsProtocol::All),
        ],
        "show system statistics icmp\nshow system statistics icmp | display json\n\
         show system statistics tcp | display json\nshow system statistics\n",
    );
    assert!(!failed, "{out}");
    let asked: Vec<StatisticsProtocol> = requests
        .iter()
        .filter_map(|r| match r {
            Request::GetSystemStatistics(protocol) => Some(*protocol),
            _ => None,
        })
        .collect();
    use StatisticsProtocol::{All, Icmp, Tcp};
    assert_eq!(asked, [Icmp, Icmp, Tcp, All]);
    assert!(out.contains("        2 drops due to rate limit\n"), "{out}");
    assert!(out.contains("        9 calls to icmp_error\n"), "{out}");
    assert!(
        out.contains("        Output Histogram\n                7 destination unreachable\n"),
        "{out}"
    );
    let answer_of = |command: &str| {
        let json = out
            .split("lab@r0> ")
            .find(|o| o.starts_with(command))
            .map(|o| o.split_once('\n').map_or("", |(_, rest)| rest))
            .expect("the command");
        json.to_string()
    };
    let json = answer_of("show system statistics icmp | display json");
    let json: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert!(json["statistics"][0].get("tcp").is_none(), "{json}");
    let icmp = &json["statistics"][0]["icmp"][0];
    assert_eq!(icmp["drops-due-to-rate-limit"][0]["data"], "2");
    assert_eq!(icmp["calls-to-icmp-error"][0]["data"], "9");
    let histogram = &icmp["histogram"][0];
    assert_eq!(
        histogram["type-of-histogram"][0]["data"],
        "Output Histogram"
    );
    assert_eq!(histogram["destination-unreachable"][0]["data"], "7");

    let json = answer_of("show system statistics tcp | display json");
    let json: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let tcp = &json["statistics"][0]["tcp"][0];
    assert_eq!(tcp["packets-sent"][0]["data"], "4");
    assert_eq!(tcp["sent-control-packets"][0]["data"], "4");
    assert_eq!(tcp["rst-packets"][0]["data"], "4");
    assert_eq!(tcp["outgoing-segments-dropped"][0]["data"], "1");

    let all = answer_of("show system statistics\n");
    let tcp_at = all.find("Tcp:\n").expect("TCP shown");
    let icmp_at = all.find("icmp:\n").expect("ICMP shown");
    assert!(tcp_at < icmp_at, "TCP first, as Junos: {all}");
    assert!(all.contains("        4 RST packets\n"), "{all}");
    assert!(
        all.contains("        1 outgoing segments dropped due to policing\n"),
        "{all}"
    );
}

/// `| display inheritance` asks the daemon once, for the whole configuration (which holds
/// the groups), and shows the part the words name; the daemon's error is shown, not an
/// empty answer.
#[test]
fn display_inheritance_is_one_request_and_shows_its_error() {
    let text = "groups {\n    g {\n        system {\n            host-name from-g;\n        }\n    }\n}\napply-groups g;\n";
    let tree = schema::parse::parse_config(text).expect("parses");
    let (out, failed, requests) = transcript(
        vec![ok(Reply::Config {
            path: vec![],
            tree,
            header: Some("## Last commit: 2026-12-03 18:20:01 UTC by alice".into()),
        })],
        "show configuration system | display inheritance\n",
    );
    assert_eq!(
        out,
        "lab@r0> show configuration system | display inheritance\n\
         ##\n## 'from-g' was inherited from group 'g'\n##\nhost-name from-g;\n"
    );
    assert!(!failed);
    let shows: Vec<_> = requests
        .iter()
        .filter(|r| matches!(r, Request::ShowConfiguration { .. }))
        .collect();
    assert_eq!(
        shows,
        [&Request::ShowConfiguration {
            words: vec![],
            revision: Revision::Active,
        }]
    );
    let denied = MgmtError::Denied {
        message: "permission denied".into(),
    };
    let (out, failed, _) = transcript(
        vec![err(denied)],
        "show configuration system | display inheritance\n",
    );
    assert_eq!(
        out,
        "lab@r0> show configuration system | display inheritance\nerror: permission denied\n"
    );
    assert!(failed);
}
