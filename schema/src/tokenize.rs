//! Splits a typed command line into words the way the shell and the daemon both read it.

/// One word of a command line, with its byte span (for the `^` marker under a bad word).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// The word was quoted (`"a b"`): it is a value, never a keyword or a pipe.
    pub quoted: bool,
}

/// Splits `line` into words: whitespace separates, `"..."` quotes (with `\"` and `\\`
/// escapes), `|` is a word of its own outside quotes. An unterminated quote is an error
/// naming its byte position.
///
/// `\n` inside quotes reads as a newline, because `tree::quote_word` writes a newline that
/// way: `| display set` output must read back unchanged. Any other escaped character stands
/// for itself. A word may mix quoted and bare parts (`a"b c"`), as in a POSIX shell; it is
/// `quoted` if any part was.
pub fn split_words(line: &str) -> Result<Vec<Word>, (usize, String)> {
    let mut words = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '|' {
            chars.next();
            words.push(Word {
                text: "|".into(),
                start,
                end: start + 1,
                quoted: false,
            });
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut end = start;
        while let Some(&(pos, c)) = chars.peek() {
            if c.is_whitespace() || c == '|' {
                break;
            }
            chars.next();
            if c != '"' {
                text.push(c);
                end = pos + c.len_utf8();
                continue;
            }
            quoted = true;
            let mut closed = false;
            while let Some((pos, c)) = chars.next() {
                match c {
                    '"' => {
                        closed = true;
                        end = pos + 1;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, 'n')) => text.push('\n'),
                        Some((_, escaped)) => text.push(escaped),
                        None => break,
                    },
                    _ => text.push(c),
                }
            }
            if !closed {
                return Err((pos, "unterminated quoted string".into()));
            }
        }
        words.push(Word {
            text,
            start,
            end,
            quoted,
        });
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        split_words(line)
            .unwrap()
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn plain_words_and_spans() {
        let w = split_words("  set system  host-name r1").unwrap();
        assert_eq!(w.len(), 4);
        assert_eq!(
            (w[1].text.as_str(), w[1].start, w[1].end),
            ("system", 6, 12)
        );
        assert_eq!((w[3].text.as_str(), w[3].start, w[3].end), ("r1", 24, 26));
        assert!(w.iter().all(|w| !w.quoted));
    }

    #[test]
    fn quotes_and_escapes() {
        let w = split_words(r#"annotate system "a \"b\" \\ c" x"#).unwrap();
        assert_eq!(w[2].text, r#"a "b" \ c"#);
        assert!(w[2].quoted);
        assert_eq!((w[2].start, w[2].end), (16, 30));
        assert_eq!(w[3].text, "x");
        assert_eq!(texts(r#""a\nb""#), vec!["a\nb"]);
        assert_eq!(texts(r#""""#), vec![""]);
        assert_eq!(texts(r#"a"b c"d"#), vec!["ab cd"]);
    }

    #[test]
    fn pipe_is_its_own_word() {
        assert_eq!(texts("show|match x"), vec!["show", "|", "match", "x"]);
        assert_eq!(texts("show | count"), vec!["show", "|", "count"]);
        let w = split_words(r#"match "a|b""#).unwrap();
        assert_eq!(w[1].text, "a|b");
        assert!(w[1].quoted);
    }

    #[test]
    fn unterminated_quote() {
        assert_eq!(
            split_words(r#"set x "abc"#),
            Err((6, "unterminated quoted string".into()))
        );
        assert_eq!(
            split_words(r#"set x "abc\"#),
            Err((6, "unterminated quoted string".into()))
        );
    }

    #[test]
    fn empty_line() {
        assert!(split_words("").unwrap().is_empty());
        assert!(split_words(" \t ").unwrap().is_empty());
    }
}
