//! Limits on strings that are not statement values (those are in the statement table, each
//! with its type), and what an error may quote of a value it refuses.
//!
//! Junos publishes no length for annotations, commit comments or secrets; the limits here
//! are our choice, far above any real use and far below what would let one request grow
//! the configuration, every rollback revision and every `show` by megabytes.

use std::borrow::Cow;

/// `annotate STATEMENT "text"` and `/* text */` in loaded text.
pub const MAX_ANNOTATION_LEN: usize = 1024;
/// `commit comment "text"`.
pub const MAX_COMMIT_COMMENT_LEN: usize = 1024;
/// A secret's clear text (RFC 2661 and RFC 2865 set none; real ones are tens of characters).
pub const MAX_SECRET_LEN: usize = 255;
/// How much of a refused value an error quotes.
const QUOTED_CHARS: usize = 40;

/// `value` as an error may quote it: at most [`QUOTED_CHARS`] characters, then `...`.
pub fn quoted(value: &str) -> Cow<'_, str> {
    match value.char_indices().nth(QUOTED_CHARS) {
        None => Cow::Borrowed(value),
        Some((cut, _)) => Cow::Owned(format!("{}...", &value[..cut])),
    }
}

/// Free text typed by a user (an annotation, a comment, a text value): at most `max_len`
/// characters and no terminal control character (newline and tab aside), so that nobody's
/// screen is driven by someone else's text.
pub fn check_text(what: &str, text: &str, max_len: usize) -> Result<(), String> {
    if text.chars().nth(max_len).is_some() {
        return Err(format!("{what} is longer than {max_len} characters"));
    }
    match text
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        Some(c) => Err(format!(
            "{what} contains a control character (U+{:04X})",
            u32::from(c)
        )),
        None => Ok(()),
    }
}

/// An annotation, on every path it takes into a configuration.
pub fn check_annotation(text: &str) -> Result<(), String> {
    check_text("annotation", text, MAX_ANNOTATION_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_cuts_on_a_character_boundary() {
        assert_eq!(quoted("short"), "short");
        let long = "é".repeat(100);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTED_CHARS + 3);
        assert!(q.ends_with("..."));
    }

    #[test]
    fn text_limits() {
        assert!(check_text("comment", "two\nlines\tok", 20).is_ok());
        assert_eq!(
            check_text("comment", "abc", 2).unwrap_err(),
            "comment is longer than 2 characters"
        );
        assert_eq!(
            check_text("comment", "a\u{1b}[2J", 20).unwrap_err(),
            "comment contains a control character (U+001B)"
        );
    }
}
