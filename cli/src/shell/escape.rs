//! Terminal control characters in text that reaches the screen. Much of what the shell prints
//! was chosen by someone else: another user's tty name and commit comment, a value or an
//! annotation in the configuration, a name echoed in an error. An ESC sequence in it could
//! retitle the operator's terminal, clear it, or overwrite earlier output so the screen lies;
//! so every control character other than newline and tab is shown as `\xHH` instead.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character except `\n` and `\t` (C0, DEL and C1) escaped.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\x{:02x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched_and_not_copied() {
        let text = "0   2026-11-24 05:01:31 UTC by lewis via cli\n\tcomment é\n";
        assert!(matches!(terminal_safe(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn c0_del_and_c1_are_escaped() {
        assert_eq!(
            terminal_safe("a\x1b[2Jb\rc\x07d\x7fe\u{9b}f\0"),
            "a\\x1b[2Jb\\x0dc\\x07d\\x7fe\\x9bf\\x00"
        );
    }
}
