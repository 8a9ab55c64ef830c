//! The `---(more)---` pager: output longer than the screen stops after each page.

use std::io::{self, Write};

/// What the operator pressed at the `---(more)---` prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Space: the next page.
    NextPage,
    /// Enter: one more line.
    NextLine,
    /// `q` (or end of input): drop the rest of the output.
    Quit,
    /// Anything else: ignored, the prompt stays.
    Other,
}

const PROMPT: &str = "---(more)---";
/// Overwrites the prompt so the next line starts on a clean row.
const ERASE: &str = "\r            \r";

/// Writes `text` to `out`, a screenful of `rows` rows at a time (one row is kept for the
/// prompt), reading keys with `next_key` between pages.
pub fn page(
    text: &str,
    rows: usize,
    out: &mut dyn Write,
    next_key: &mut dyn FnMut() -> io::Result<Key>,
) -> io::Result<()> {
    let lines: Vec<&str> = text.lines().collect();
    let page_len = rows.saturating_sub(1).max(1);
    let mut shown = 0;
    let mut budget = page_len;
    while shown < lines.len() {
        for line in lines.iter().skip(shown).take(budget) {
            writeln!(out, "{line}")?;
        }
        shown = (shown + budget).min(lines.len());
        if shown == lines.len() {
            break;
        }
        write!(out, "{PROMPT}")?;
        out.flush()?;
        budget = loop {
            match next_key()? {
                Key::NextPage => break page_len,
                Key::NextLine => break 1,
                Key::Quit => {
                    write!(out, "{ERASE}")?;
                    return Ok(());
                }
                Key::Other => {}
            }
        };
        write!(out, "{ERASE}")?;
    }
    Ok(())
}

/// Maps a byte read from the terminal in raw mode to a pager key.
pub fn key_of(byte: Option<u8>) -> Key {
    match byte {
        Some(b' ') => Key::NextPage,
        Some(b'\r' | b'\n' | b'j') => Key::NextLine,
        Some(b'q' | b'Q' | 3 /* ^C */) | None => Key::Quit,
        Some(_) => Key::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, rows: usize, keys: &[Key]) -> (String, usize) {
        let mut out = Vec::new();
        let mut keys = keys.iter().copied();
        let mut asked = 0;
        page(text, rows, &mut out, &mut || {
            asked += 1;
            Ok(keys.next().unwrap_or(Key::Quit))
        })
        .expect("page");
        (String::from_utf8(out).expect("utf8"), asked)
    }

    fn numbered(n: usize) -> String {
        (1..=n).map(|i| format!("{i}\n")).collect()
    }

    #[test]
    fn short_output_is_not_paged() {
        assert_eq!(run(&numbered(3), 4, &[]), (numbered(3), 0));
    }

    #[test]
    fn space_enter_and_quit() {
        let (out, asked) = run(
            &numbered(10),
            4,
            &[Key::NextLine, Key::Other, Key::NextPage, Key::Quit],
        );
        let expected =
            format!("1\n2\n3\n{PROMPT}{ERASE}4\n{PROMPT}{ERASE}5\n6\n7\n{PROMPT}{ERASE}");
        assert_eq!(out, expected);
        assert_eq!(asked, 4);
    }

    #[test]
    fn last_page_ends_without_prompt() {
        let (out, _) = run(&numbered(5), 4, &[Key::NextPage]);
        assert_eq!(out, format!("1\n2\n3\n{PROMPT}{ERASE}4\n5\n"));
    }

    #[test]
    fn keys() {
        assert_eq!(key_of(Some(b' ')), Key::NextPage);
        assert_eq!(key_of(Some(b'\r')), Key::NextLine);
        assert_eq!(key_of(Some(b'q')), Key::Quit);
        assert_eq!(key_of(None), Key::Quit);
        assert_eq!(key_of(Some(b'x')), Key::Other);
    }
}
