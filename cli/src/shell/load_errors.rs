//! Load errors as Junos prints them, for `load set` lines and brace text alike: for each
//! statement that could not be taken,
//!
//! ```text
//! terminal:4:(44) syntax error: adress
//!   [edit interfaces ge-0/0/1 unit 0 family inet]
//!     'adress 127.0.0.1/24'
//!       syntax error
//! ```
//!
//! then one summary line. The number in parentheses counts the characters before the bad
//! word, as Junos' `<column>` does ("characters after the first character in the line").
//! Unlike Junos (which keeps the statements that applied and says `load complete (N
//! errors)`), nothing is loaded: issue 16 wants no half-applied load.

use schema::mgmt::SetLineError;

/// `source` is `terminal` or the file's name.
pub(super) fn load_errors(source: &str, errors: &[SetLineError]) -> String {
    let mut out = String::new();
    for e in errors {
        let reason = e.message.trim_end_matches('.');
        let headline = if e.word.is_empty() {
            reason.lines().next().unwrap_or_default().to_string()
        } else if reason.starts_with("syntax error: ") {
            // The reason says more than Junos' headline does (`syntax error: 'adress' is not
            // a statement under …`): the headline names the word only, as Junos'.
            format!("syntax error: {}", e.word)
        } else if reason.starts_with("syntax error") {
            // `syntax error: foo`, `syntax error, expecting <command>: show`
            format!("{reason}: {}", e.word)
        } else {
            format!("error: {}", e.word)
        };
        out.push_str(&format!(
            "{source}:{}:({}) {headline}\n",
            e.line,
            e.column.saturating_sub(1)
        ));
        if e.edit_path.is_empty() {
            out.push_str("  [edit]\n");
        } else {
            out.push_str(&format!("  [edit {}]\n", e.edit_path));
        }
        if !e.statement.is_empty() {
            out.push_str(&format!("    '{}'\n", e.statement));
        }
        for line in reason.lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    let n = errors.len();
    let plural = if n == 1 { "error" } else { "errors" };
    out.push_str(&format!(
        "error: load failed ({n} {plural}): nothing loaded\n"
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(word: &str, statement: &str, message: &str) -> SetLineError {
        SetLineError {
            line: 3,
            column: 5,
            edit_path: String::new(),
            statement: statement.into(),
            word: word.into(),
            message: message.into(),
        }
    }

    #[test]
    fn each_line_then_a_summary() {
        let text = load_errors(
            "terminal",
            &[
                error("foo", "foo bar", "syntax error."),
                error("show", "show system", "syntax error, expecting <command>."),
                SetLineError {
                    edit_path: "access tunnel-profile tp1".into(),
                    ..error(
                        "99",
                        "99 preference 1",
                        "Value 99 is not within range (1..31)",
                    )
                },
            ],
        );
        assert_eq!(
            text,
            "terminal:3:(4) syntax error: foo\n  [edit]\n    'foo bar'\n      syntax error\n\
             terminal:3:(4) syntax error, expecting <command>: show\n  [edit]\n    'show system'\n      syntax error, expecting <command>\n\
             terminal:3:(4) error: 99\n  [edit access tunnel-profile tp1]\n    '99 preference 1'\n      Value 99 is not within range (1..31)\n\
             error: load failed (3 errors): nothing loaded\n"
        );
    }

    #[test]
    fn a_missing_word_is_named_by_the_message() {
        let text = load_errors("/tmp/x.set", &[error("", "host-name", "missing argument.")]);
        assert!(text.starts_with("/tmp/x.set:3:(4) missing argument\n"));
        assert!(text.ends_with("error: load failed (1 error): nothing loaded\n"));
    }
}
