//! The options of commands that take them in any order (`show services l2tp tunnel
//! extensive local-tunnel-id 17967`, `test services l2tp tunnel user U ...`): each keyword
//! abbreviated like any command word and given at most once, a keyword with a value taking
//! the next word as it is.

use super::words::{resolve, Resolved};
use schema::opcmd::OpCmd;
use schema::tokenize::Word;

/// One option as typed.
#[derive(Debug)]
pub struct Given<'w> {
    pub option: &'static OpCmd,
    /// Index of the keyword among the arguments; its value (if any) is the next one.
    pub word: usize,
    pub value: Option<&'w Word>,
}

impl Given<'_> {
    pub fn name(&self) -> &'static str {
        self.option.name
    }

    /// The value's text (empty for a flag).
    pub fn text(&self) -> &str {
        self.value.map_or("", |w| w.text.as_str())
    }

    /// Index of the value word, where a bad value's `^` goes.
    pub fn value_word(&self) -> usize {
        self.word + 1
    }
}

/// A word the command cannot take: `word` indexes the arguments (their count = the end of
/// the line, where something is missing), `message` is what Junos prints under the `^`.
#[derive(Debug, PartialEq, Eq)]
pub struct ArgError {
    pub word: usize,
    pub message: String,
}

impl ArgError {
    pub fn new(word: usize, message: impl Into<String>) -> ArgError {
        ArgError {
            word,
            message: message.into(),
        }
    }
}

/// Reads `args` as options of `node`, in the order typed.
pub fn parse_options<'w>(
    node: &'static OpCmd,
    args: &'w [Word],
) -> Result<Vec<Given<'w>>, ArgError> {
    let mut given: Vec<Given<'w>> = Vec::new();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let option = match resolve(w.text.as_str(), node.children.iter(), |c| c.name) {
            // A quoted word is a value, never a keyword.
            Resolved::One(c) if !w.quoted => c,
            Resolved::Ambiguous(_) if !w.quoted => {
                return Err(ArgError::new(i, format!("'{}' is ambiguous.", w.text)))
            }
            _ => return Err(ArgError::new(i, "syntax error.")),
        };
        if given.iter().any(|g| g.option.name == option.name) {
            return Err(ArgError::new(i, "syntax error."));
        }
        let value = match option.value {
            Some((placeholder, _)) => Some(args.get(i + 1).ok_or_else(|| {
                ArgError::new(i + 1, format!("syntax error, expecting {placeholder}."))
            })?),
            None => None,
        };
        given.push(Given {
            option,
            word: i,
            value,
        });
        i += if value.is_some() { 2 } else { 1 };
    }
    Ok(given)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::tests::plain_words;
    use schema::opcmd::OPERATIONAL;

    fn tunnel_show() -> &'static OpCmd {
        OPERATIONAL
            .child("show")
            .and_then(|s| s.child("services"))
            .and_then(|s| s.child("l2tp"))
            .and_then(|l| l.child("tunnel"))
            .expect("show services l2tp tunnel")
    }

    fn names(line: &str) -> Result<Vec<(&'static str, String)>, ArgError> {
        let words = plain_words(line);
        let given = parse_options(tunnel_show(), &words)?;
        Ok(given
            .iter()
            .map(|g| (g.name(), g.text().to_string()))
            .collect())
    }

    #[test]
    fn any_order_abbreviated_with_values() {
        assert_eq!(
            names("ext local-tunnel-id 17967 peer-gateway-n lns-1").unwrap(),
            [
                ("extensive", String::new()),
                ("local-tunnel-id", "17967".to_string()),
                ("peer-gateway-name", "lns-1".to_string())
            ]
        );
        assert_eq!(names("").unwrap(), []);
    }

    #[test]
    fn errors_name_the_word() {
        assert_eq!(
            names("brief brief").unwrap_err(),
            ArgError::new(1, "syntax error.")
        );
        assert_eq!(
            names("local-gateway").unwrap_err(),
            ArgError::new(1, "syntax error, expecting <local-gateway>.")
        );
        assert_eq!(
            names("brief local-g 127.0.0.1").unwrap_err(),
            ArgError::new(1, "'local-g' is ambiguous.")
        );
        assert_eq!(
            names("bogus").unwrap_err(),
            ArgError::new(0, "syntax error.")
        );
    }
}
