//! A brace-text load goes on after each slip, so one pass lists them all, each with what
//! Junos prints around it (the `[edit …]` level, the statement as written, the word), and
//! loads nothing.

use crate::mgmt::SetLineError;
use crate::parse::parse_config;

/// (line, column, message) of every error of a load.
fn errors(text: &str) -> Vec<(usize, usize, String)> {
    let e = parse_config(text).unwrap_err();
    e.all()
        .map(|e| (e.line, e.column, e.message.clone()))
        .collect()
}

/// Every error with what the shell prints around it.
fn all(text: &str) -> Vec<SetLineError> {
    parse_config(text).unwrap_err().into_lines()
}

#[test]
fn an_unterminated_quote_ends_with_its_line_and_the_next_lines_are_read() {
    let text = "\
system {
    host-name \"r1;
    bogus 1;
}
interfaces {
    ge-0/0/0 {
        description \"uplink;
        unit 0;
    }
}
";
    assert_eq!(
        errors(text),
        vec![
            (2, 15, "syntax error: unterminated quoted string".into()),
            (
                3,
                5,
                "syntax error: 'bogus' is not a statement under [edit system]".into()
            ),
            (7, 21, "syntax error: unterminated quoted string".into()),
        ]
    );
    let first = &all(text)[0];
    assert_eq!(first.edit_path, "system");
    assert_eq!(first.statement, "host-name \"r1;");
    assert_eq!(first.word, "r1;");
}

#[test]
fn a_missing_close_brace_at_the_end_names_the_block_left_open() {
    let text = "\
system {
    host-name r1;
}
interfaces {
    ge-0/0/0 {
        unit 0 {
            bogus;
        }
";
    let errors = all(text);
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (errors[0].line, errors[0].column, errors[0].word.as_str()),
        (7, 13, "bogus")
    );
    assert_eq!(errors[0].edit_path, "interfaces ge-0/0/0 unit 0");
    assert_eq!(errors[0].statement, "bogus;");
    let last = &errors[1];
    assert_eq!(
        (last.line, last.column, last.message.as_str()),
        (9, 1, "syntax error, expecting '}'")
    );
    assert_eq!(last.edit_path, "interfaces ge-0/0/0");
    assert_eq!((last.statement.as_str(), last.word.as_str()), ("", ""));
}

#[test]
fn a_stray_close_brace_is_reported_and_the_reading_goes_on() {
    let text = "\
system {
    host-name r1;
}
}
system {
    bogus;
}
";
    let errors = all(text);
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (errors[0].line, errors[0].column, errors[0].message.as_str()),
        (4, 1, "syntax error: unexpected '}'")
    );
    assert_eq!(
        (errors[0].statement.as_str(), errors[0].word.as_str()),
        ("}", "}")
    );
    assert_eq!((errors[1].line, errors[1].word.as_str()), (6, "bogus"));
    assert_eq!(errors[1].edit_path, "system");
}

#[test]
fn a_stray_semicolon_is_reported_and_the_reading_goes_on() {
    let text = "\
system {
    host-name r1;;
    ;
    bogus;
}
";
    assert_eq!(
        errors(text),
        vec![
            (2, 18, "syntax error: unexpected ';'".into()),
            (3, 5, "syntax error: unexpected ';'".into()),
            (
                4,
                5,
                "syntax error: 'bogus' is not a statement under [edit system]".into()
            ),
        ]
    );
    let first = &all(text)[0];
    assert_eq!(
        (first.edit_path.as_str(), first.statement.as_str()),
        ("system", ";")
    );
}

#[test]
fn a_line_no_rule_reads_is_reported_alone() {
    let text = "\
system {
    ]
    name-server [ 127.0.0.53;
    bogus;
}
";
    assert_eq!(
        errors(text),
        vec![
            (2, 5, "syntax error: unexpected ']'".into()),
            (3, 29, "syntax error, expecting a word or ']'".into()),
            (
                4,
                5,
                "syntax error: 'bogus' is not a statement under [edit system]".into()
            ),
        ]
    );
}

#[test]
fn an_unterminated_annotation_takes_the_rest_of_the_text() {
    let text = "system {\n    bogus;\n}\n/* open\nsystem { bogus; }\n";
    let errors = all(text);
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (errors[1].line, errors[1].column, errors[1].message.as_str()),
        (4, 1, "syntax error: unterminated annotation")
    );
    assert_eq!(errors[1].statement, "/* open");
}

#[test]
fn errors_in_a_refused_block_that_break_the_text_are_still_listed() {
    // `protocols bgp` is not read (not supported), but a quote left open inside it is a
    // slip in the text all the same.
    let text = "\
protocols {
    bgp {
        description \"peers;
    }
}
system {
    bogus;
}
";
    let errors = all(text);
    let found: Vec<_> = errors
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                2,
                "'bgp' under [edit protocols] is not supported by this router"
            ),
            (3, "syntax error: unterminated quoted string"),
            (
                7,
                "syntax error: 'bogus' is not a statement under [edit system]"
            ),
        ]
    );
    assert_eq!(
        (errors[0].edit_path.as_str(), errors[0].statement.as_str()),
        ("protocols", "bgp")
    );
    assert_eq!(errors[0].word, "bgp");
}

#[test]
fn the_statement_is_shown_as_written_on_one_line() {
    let text = "\
interfaces {
    ge-0/0/1 {
        unit 0 {
            family inet {
                adress   127.0.0.1/24;
            }
        }
    }
}
";
    let e = &all(text)[0];
    assert_eq!((e.line, e.column), (5, 17));
    assert_eq!(e.edit_path, "interfaces ge-0/0/1 unit 0 family inet");
    assert_eq!(e.statement, "adress 127.0.0.1/24;");
    assert_eq!(e.word, "adress");
}

#[test]
fn a_relative_load_at_a_grouped_level_counts_every_error_on_the_operators_lines() {
    use crate::edit;
    use crate::mgmt::LoadMode;
    use crate::tree::{Node, NodeId};
    let text = "ge-0/0/1 {\n    bogus;\n}\nge-0/0/2 {\n    bogus;\n}\n";
    let level = vec![NodeId::new("interfaces")];
    let e = edit::load(&Node::default(), LoadMode::Merge, text, Some(&level)).unwrap_err();
    let lines: Vec<_> = e.all().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 5]);
}
