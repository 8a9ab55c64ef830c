//! The syntax pass: pest reads the text into a flat list of items. Nothing here knows the
//! schema; see `build.rs` for that.

use super::LoadError;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser;
use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "config.pest"]
struct ConfigGrammar;

/// A word as written, unquoted and unescaped, with its byte offset in the text.
#[derive(Debug)]
pub(crate) struct Token {
    pub text: String,
    pub at: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    Inactive,
    Protect,
    Replace,
}

/// How a statement ends.
#[derive(Debug)]
pub(crate) enum End {
    /// `{`: a block follows, closed by a later [`Item::Close`].
    Open,
    /// `[ a b ];`
    Values { open: usize, values: Vec<Token> },
    /// `;`
    Semicolon,
}

#[derive(Debug)]
pub(crate) struct Statement {
    pub markers: Vec<(Marker, usize)>,
    pub words: Vec<Token>,
    pub end: End,
    /// Where it stands in the text (byte offsets), its tags to its `;`, `{` or `]`.
    pub span: (usize, usize),
}

#[derive(Debug)]
pub(crate) enum Item {
    Annotation(String),
    Statement(Statement),
    /// `}` at this byte offset.
    Close(usize),
    /// Text that cannot be read: where to report it, why, and the text (byte offsets) it
    /// takes; the reading goes on after it.
    Broken {
        at: usize,
        message: String,
        span: (usize, usize),
    },
}

/// Reads `text` into items. Text the grammar cannot read is an [`Item::Broken`] of its own
/// (a line at most, or an annotation never closed), so every slip is listed in one pass.
pub(crate) fn items(text: &str) -> Result<Vec<Item>, LoadError> {
    let mut pairs = ConfigGrammar::parse(Rule::config, text).map_err(|e| {
        let (at, message) = syntax_error(text, &e);
        LoadError::at(text, at, message)
    })?;
    let config = pairs.next().map(Pair::into_inner).into_iter().flatten();
    let mut items = Vec::new();
    for pair in config {
        let span = (pair.as_span().start(), pair.as_span().end());
        let broken = |at: usize, message: String| Item::Broken { at, message, span };
        match pair.as_rule() {
            Rule::annotation => {
                let at = pair.as_span().start();
                let inner = pair.into_inner().next().map_or("", |p| p.as_str());
                // `/* text */`: the spaces inside the delimiters are layout, not text.
                let inner = inner.strip_prefix(' ').unwrap_or(inner);
                let inner = inner.strip_suffix(' ').unwrap_or(inner);
                match crate::limits::check_annotation(inner) {
                    Ok(()) => items.push(Item::Annotation(inner.to_string())),
                    Err(m) => items.push(broken(at, m)),
                }
            }
            Rule::close_brace => items.push(Item::Close(pair.as_span().start())),
            Rule::statement => items.push(Item::Statement(statement(pair))),
            Rule::unended => {
                // Junos points at the end of the statement, where the `;` is missing.
                let Some(last) = pair.into_inner().last() else {
                    continue;
                };
                let at = last.as_span().end();
                let after = match last.as_rule() {
                    Rule::word => token(last).text,
                    _ => "]".to_string(),
                };
                let message = format!(
                    "syntax error, expecting ';' after '{}'",
                    crate::limits::quoted(&after)
                );
                items.push(Item::Broken {
                    at,
                    message,
                    span: (span.0, at),
                });
            }
            Rule::stray_semicolon => {
                items.push(broken(span.0, "syntax error: unexpected ';'".into()))
            }
            Rule::open_annotation => {
                let message = "syntax error: unterminated annotation".to_string();
                // The statement shown is the annotation's first line.
                let first_line = pair.as_str().find('\n').map_or(span.1, |n| span.0 + n);
                items.push(Item::Broken {
                    at: span.0,
                    message,
                    span: (span.0, first_line),
                });
            }
            Rule::broken => {
                let (at, message) = broken_line(pair.as_str());
                items.push(broken(span.0 + at, message));
            }
            _ => {}
        }
    }
    Ok(items)
}

/// Why a line no rule reads is wrong, and where in it (a byte offset): read on its own as a
/// statement, the grammar says where it stops and what it expected there.
fn broken_line(line: &str) -> (usize, String) {
    let (at, message) = match ConfigGrammar::parse(Rule::statement, line) {
        Err(e) => syntax_error(line, &e),
        // It reads alone but not where it stands (what follows it is wrong).
        Ok(_) => (0, "syntax error".to_string()),
    };
    // A line that starts with what cannot start a statement (`]`, `{`, a stray quote).
    match line.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c @ ('[' | ']' | '{' | '\'' | '\\')) if at == 0 => {
            (at, format!("syntax error: unexpected '{c}'"))
        }
        _ => (at, message),
    }
}

fn statement(pair: Pair<'_, Rule>) -> Statement {
    let span = (pair.as_span().start(), pair.as_span().end());
    let mut markers = Vec::new();
    let mut words = Vec::new();
    let mut end = End::Semicolon;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::marker => {
                let at = part.as_span().start();
                let marker = match part.into_inner().next().map(|p| p.as_rule()) {
                    Some(Rule::inactive) => Marker::Inactive,
                    Some(Rule::replace) => Marker::Replace,
                    _ => Marker::Protect,
                };
                markers.push((marker, at));
            }
            Rule::word => words.push(token(part)),
            Rule::open_brace => end = End::Open,
            Rule::value_list => {
                let open = part.as_span().start();
                let values = part
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::word)
                    .map(token)
                    .collect();
                end = End::Values { open, values };
            }
            _ => {}
        }
    }
    Statement {
        markers,
        words,
        end,
        span,
    }
}

fn token(word: Pair<'_, Rule>) -> Token {
    let at = word.as_span().start();
    let Some(inner) = word.into_inner().next() else {
        return Token {
            text: String::new(),
            at,
        };
    };
    let text = match inner.as_rule() {
        Rule::quoted => unescape(inner.into_inner().next().map_or("", |p| p.as_str())),
        _ => inner.as_str().to_string(),
    };
    Token { text, at }
}

/// Undoes `tree::quote_word`: `\n` is a newline, any other escaped character is itself.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(e) => out.push(e),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Where (a byte offset) and why pest stopped.
fn syntax_error(text: &str, e: &pest::error::Error<Rule>) -> (usize, String) {
    let at = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    // pest sees an unclosed quote or annotation as a word that failed to start; say what
    // the operator needs to know instead.
    let rest = text.get(at..).unwrap_or_default();
    if rest.starts_with('"') {
        return (at, "syntax error: unterminated quoted string".into());
    }
    if rest.starts_with("/*") {
        return (at, "syntax error: unterminated annotation".into());
    }
    let message = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&str> = Vec::new();
            for rule in positives {
                let name = rule_name(*rule);
                if !expected.contains(&name) {
                    expected.push(name);
                }
            }
            match expected.as_slice() {
                [] => "syntax error".to_string(),
                [one] => format!("syntax error, expecting {one}"),
                [init @ .., last] => {
                    format!("syntax error, expecting {} or {last}", init.join(", "))
                }
            }
        }
        ErrorVariant::CustomError { message } => format!("syntax error: {message}"),
    };
    (at, message)
}

/// The names the operator sees in "expecting ..." lists.
fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::semicolon => "';'",
        Rule::open_brace => "'{'",
        Rule::close_brace => "'}'",
        Rule::open_bracket => "'['",
        Rule::close_bracket => "']'",
        Rule::annotation | Rule::annotation_text => "'*/'",
        Rule::quoted | Rule::quoted_text => "'\"'",
        Rule::EOI => "end of input",
        Rule::marker
        | Rule::inactive
        | Rule::protect
        | Rule::replace
        | Rule::unended
        | Rule::stray_semicolon
        | Rule::open_annotation
        | Rule::broken => "a statement",
        _ => "a word",
    }
}
