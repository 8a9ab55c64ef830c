//! Shell habits: `set cli`, `show cli`, `| save`, `| hold` and the pager as a session uses them.

use super::*;
use crate::shell::cli_settings::TerminalInfo;

/// A terminal of `rows` rows whose keys come from a list (then `q`).
struct Term {
    rows: usize,
    keys: VecDeque<pager::Key>,
    next: Box<dyn FnMut() -> io::Result<pager::Key>>,
}

impl Term {
    fn new(rows: usize, keys: &[pager::Key]) -> Term {
        let keys: Rc<RefCell<VecDeque<pager::Key>>> =
            Rc::new(RefCell::new(keys.iter().cloned().collect()));
        let k = keys.clone();
        Term {
            rows,
            keys: VecDeque::new(),
            next: Box::new(move || Ok(k.borrow_mut().pop_front().unwrap_or(pager::Key::Quit))),
        }
    }
}

impl Input for Term {
    fn load_line(&mut self) -> io::Result<Option<String>> {
        Ok(None)
    }
    fn ask(&mut self, _: &str) -> io::Result<Option<String>> {
        Ok(None)
    }
    fn pager(&mut self) -> Option<(usize, &mut dyn FnMut() -> io::Result<pager::Key>)> {
        let _ = &self.keys;
        Some((self.rows, &mut *self.next))
    }
    fn terminal(&self) -> Option<TerminalInfo> {
        Some(TerminalInfo {
            rows: self.rows,
            columns: 100,
            term: "vt100".into(),
            directory: "/home/lab".into(),
        })
    }
}

#[test]
fn set_cli_and_show_cli() {
    let (out, failed, requests) = transcript(
        vec![],
        "set cli screen-length 30\nset cli screen-width 120\nset cli complete-on-space off\n\
         set cli idle-timeout 1\nset cli idle-timeout 15\nshow cli\n\
         set cli screen-width 20\nset cli screen-length x\nset cli idle-timeout 100001\n\
         set cli idle-timeout 0\n",
    );
    assert_eq!(
        out,
        "lab@r0> set cli screen-length 30\nScreen length set to 30\n\
         lab@r0> set cli screen-width 120\nScreen width set to 120\n\
         lab@r0> set cli complete-on-space off\nDisabling complete-on-space\n\
         lab@r0> set cli idle-timeout 1\nIdle timeout set to 1 minute\n\
         lab@r0> set cli idle-timeout 15\nIdle timeout set to 15 minutes\n\
         lab@r0> show cli\n\
         CLI complete-on-space set to off\n\
         CLI idle-timeout set to 15 minutes\n\
         CLI screen-length set to 30\n\
         CLI screen-width set to 120\n\
         CLI timestamp disabled\n\
         lab@r0> set cli screen-width 20\n\
         \x20                            ^\n\
         Value 20 is not within range (0, 40..1024)\n\
         lab@r0> set cli screen-length x\n\
         \x20                             ^\n\
         invalid numeric value: 'x'\n\
         lab@r0> set cli idle-timeout 100001\n\
         \x20                            ^\n\
         Value 100001 is not within range (0..100000)\n\
         lab@r0> set cli idle-timeout 0\nIdle timeout disabled\n"
    );
    assert!(failed);
    // Settings are the session's own: nothing goes to the daemon.
    assert_eq!(requests.len(), 1, "{requests:?}");
}

#[test]
fn show_cli_on_a_terminal_names_it() {
    let mut s = session(Echo::AfterPrompt, vec![]);
    let mut term = Term::new(50, &[]);
    s.shell.execute("show cli", &mut term);
    assert_eq!(
        s.screen.text(),
        "CLI complete-on-space set to on\nCLI idle-timeout disabled\nCLI screen-length set to 50\nCLI screen-width set to 100\n\
         CLI terminal is 'vt100'\nCLI timestamp disabled\nCLI working directory is '/home/lab'\n"
    );
}

#[test]
fn screen_length_zero_stops_paging_and_n_pages_by_n() {
    let mut s = session(Echo::AfterPrompt, vec![commits(), commits()]);
    let mut term = Term::new(3, &[]);
    s.shell.execute("set cli screen-length 0", &mut term);
    let before = s.screen.text().len();
    s.shell.execute("show system commit", &mut term);
    assert!(!s.screen.text()[before..].contains("---(more"));
    s.shell.execute("set cli screen-length 4", &mut term);
    let before = s.screen.text().len();
    s.shell.execute("show system commit", &mut term);
    let shown = &s.screen.text()[before..];
    // Four rows: three lines and the prompt.
    assert!(
        shown.starts_with(&format!(
            "{}\n{}\n{}\n---(more 75%)---",
            "0   2026-11-24 05:01:31 UTC by lewis via cli",
            "    tunnel to lns2",
            "1   2026-11-24 05:00:31 UTC by root via cli"
        )),
        "{shown:?}"
    );
}

#[test]
fn hold_keeps_the_pager_on_short_output() {
    let mut s = session(Echo::AfterPrompt, vec![commits()]);
    let mut term = Term::new(24, &[pager::Key::PrevPage]);
    s.shell.execute("show system commit | hold", &mut term);
    let text = s.screen.text();
    assert_eq!(text.matches("---(more 100%)---").count(), 2, "{text:?}");
}

#[test]
fn save_writes_the_file_and_says_how_many_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("commits.txt");
    let line = format!("show system commit | match lewis | save {}", file.display());
    let (out, failed, _) = transcript(vec![commits()], &format!("{line}\n"));
    assert_eq!(
        out,
        format!(
            "lab@r0> {line}\nWrote 2 lines of output to '{}'\n",
            file.display()
        )
    );
    assert!(!failed);
    assert_eq!(
        std::fs::read_to_string(&file).expect("saved"),
        "0   2026-11-24 05:01:31 UTC by lewis via cli\n2   2026-11-24 04:59:31 UTC by lewis via cli\n"
    );
    let bad = dir.path().join("no/such/dir");
    let (out, failed, _) = transcript(
        vec![commits()],
        &format!("show system commit | save {}\n", bad.display()),
    );
    assert!(
        out.ends_with(&format!(
            "error: could not write '{}': No such file or directory\n",
            bad.display()
        )),
        "{out}"
    );
    assert!(failed);
}

/// Every command line the tables can spell without arguments (`clear services l2tp tunnel`,
/// `save`), in operational or configuration mode.
fn bare_commands(node: &'static schema::opcmd::OpCmd, line: &str, out: &mut Vec<String>) {
    for c in node.children {
        // A keyword that takes a value (`user U`) is not complete without it: `?` shows
        // only the placeholder there.
        if c.value.is_some() {
            continue;
        }
        let line = if line.is_empty() {
            c.name.to_string()
        } else {
            format!("{line} {}", c.name)
        };
        if c.action.is_some() {
            out.push(line.clone());
        }
        if !c.options {
            bare_commands(c, &line, out);
        }
    }
}

/// What the shell prints for `line`, run alone (in configuration mode when `configuration`),
/// against a daemon that answers anything with "done".
fn run_alone(line: &str, configuration: bool) -> String {
    let mut s = session(Echo::AfterPrompt, vec![configured(); 4]);
    if configuration {
        s.shell.execute("configure", &mut NoInput);
    }
    let before = s.screen.text().len();
    s.shell.execute(line, &mut NoInput);
    s.screen.text()[before..].to_string()
}

fn offers_enter(line: &str, configuration: bool) -> bool {
    let level = Vec::new();
    let at = if configuration {
        help::Where::Configuration { level: &level }
    } else {
        help::Where::Operational
    };
    help::completions_text(at, test_split, &format!("{line} "), &mut help::no_values)
        .contains("<[Enter]>")
}

fn says_something_is_missing(out: &str) -> bool {
    out.contains("missing") || out.contains("expecting")
}

/// `?` never offers `<[Enter]>` where Enter fails for want of an argument, in either mode.
#[test]
fn enter_is_offered_only_where_the_command_runs() {
    for (root, configuration) in [
        (&schema::opcmd::OPERATIONAL, false),
        (&schema::opcmd::CONFIGURATION, true),
    ] {
        let mut lines = Vec::new();
        bare_commands(root, "", &mut lines);
        assert!(lines.len() > 20, "{lines:?}");
        for line in lines {
            if !offers_enter(&line, configuration) {
                continue;
            }
            let out = run_alone(&line, configuration);
            assert!(
                !says_something_is_missing(&out),
                "'{line} ?' offers <[Enter]> but Enter says:\n{out}"
            );
        }
    }
}

/// The commands that need an argument: no `<[Enter]>` until it is given.
#[test]
fn no_enter_before_a_mandatory_argument() {
    for (line, configuration) in [
        ("clear services l2tp tunnel", false),
        ("clear services l2tp tunnel force", false),
        ("clear services l2tp session statistics", false),
        ("clear services l2tp destination", false),
        ("clear network-access aaa subscriber", false),
        ("test aaa ppp user u", false),
        ("test services l2tp tunnel user u password p", false),
        ("show snmp mib get", false),
        ("show snmp mib walk", false),
        ("save", true),
        ("load merge", true),
        ("set", true),
    ] {
        assert!(!offers_enter(line, configuration), "{line}");
        let out = run_alone(line, configuration);
        assert!(says_something_is_missing(&out), "{line}: {out}");
    }
    for (line, configuration) in [
        ("clear services l2tp tunnel all", false),
        ("clear services l2tp tunnel force local-tunnel-id 5", false),
        ("clear network-access aaa subscriber username u", false),
        ("test aaa ppp user u password p", false),
        ("show snmp mib get sysUpTime.0", false),
        ("save /tmp/x", true),
        ("rollback", true),
        ("status", true),
        ("commit", true),
    ] {
        assert!(offers_enter(line, configuration), "{line}");
    }
}

/// Once the one target of a clear is given, `?` offers no second one (it would be refused),
/// only the modifiers; and `|` only where the command runs.
#[test]
fn one_target_then_only_modifiers() {
    let text = |line: &str| {
        help::completions_text(
            help::Where::Operational,
            test_split,
            &format!("{line} "),
            &mut help::no_values,
        )
    };
    assert_eq!(
        text("clear services l2tp tunnel all"),
        "Possible completions:\n\
         \x20 <[Enter]>            Execute this command\n\
         \x20 force                Do not ask for confirmation\n\
         \x20 statistics           Clear statistics only\n\
         \x20 |                    Pipe through a command\n"
    );
    assert!(text("clear services l2tp tunnel force").contains("local-tunnel-id"));
    assert_eq!(
        text("clear network-access aaa subscriber username u"),
        "Possible completions:\n\
         \x20 <[Enter]>            Execute this command\n"
    );
    assert!(!text("show snmp mib get").contains('|'));
    assert!(text("show snmp mib get sysUpTime.0").contains("|"));
    for line in [
        "clear services l2tp tunnel all local-tunnel-id 5",
        "clear network-access aaa subscriber username u session-id 3",
    ] {
        let out = run_alone(line, false);
        assert!(out.contains("syntax error."), "{line}: {out}");
    }
}

/// A statement with a positional value (`unnumbered-address IF <preferred-source-address
/// A>`, `file NAME <size S>`): `?` offers the value first, then, once given, the options.
#[test]
fn a_positional_value_is_offered_then_the_options_after_it() {
    let level = Vec::new();
    let at = help::Where::Configuration { level: &level };
    let unit = "set dynamic-profiles P interfaces pp0 unit \"$junos-interface-unit\" family inet unnumbered-address";
    let before = help::completions_text(at, test_split, &format!("{unit} "), &mut help::no_values);
    assert!(before.contains("<interface-name>"), "{before}");
    assert!(!before.contains(" interface-name "), "{before}");
    for value in ["lo0.0", "\"$junos-loopback-interface\""] {
        let after = help::completions_text(
            at,
            test_split,
            &format!("{unit} {value} "),
            &mut help::no_values,
        );
        assert!(after.contains("preferred-source-address"), "{after}");
        assert!(after.contains("<[Enter]>"), "{after}");
        assert!(!after.contains("<interface-name>"), "{after}");
    }
    let file = help::completions_text(
        at,
        test_split,
        "set services l2tp traceoptions file l2tpd ",
        &mut help::no_values,
    );
    assert!(file.contains("size") && file.contains("files"), "{file}");
}

/// After a leaf's value or a flag, `set` reads the next word as another statement of the
/// same container (`set system login user u class super-user authentication ...`), so `?`
/// offers that container's statements beside `<[Enter]>`; `delete` takes one statement.
#[test]
fn set_offers_the_containers_statements_after_a_leafs_value() {
    let level = Vec::new();
    let at = help::Where::Configuration { level: &level };
    let user = "set system login user ops class super-user ";
    let after = help::completions_text(at, test_split, user, &mut help::no_values);
    assert!(after.contains("<[Enter]>"), "{after}");
    assert!(after.contains("authentication"), "{after}");
    let deeper = help::completions_text(
        at,
        test_split,
        &format!("{user}authentication "),
        &mut help::no_values,
    );
    assert!(deeper.contains("encrypted-password"), "{deeper}");
    assert!(!deeper.contains("<[Enter]>"), "{deeper}");
    let flag = help::completions_text(
        at,
        test_split,
        "set services l2tp drain ",
        &mut help::no_values,
    );
    assert!(
        flag.contains("<[Enter]>") && flag.contains("disable-failover-protocol"),
        "{flag}"
    );
    let delete = help::completions_text(
        at,
        test_split,
        "delete system login user ops class super-user ",
        &mut help::no_values,
    );
    assert!(!delete.contains("authentication"), "{delete}");
}
