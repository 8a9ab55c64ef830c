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
pub fn split_words(line: &str) -> Result<Vec<Word>, (usize, String)> {
    todo!("{line}")
}
