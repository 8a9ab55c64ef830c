//! One word of a configuration command as the editor reads it, with whether it was quoted.

use serde::{Deserialize, Serialize};

/// A word of `set`, `delete`, `activate` or `deactivate`. Quoting matters in one place: a
/// quoted `[` or `]` is a value (`delimiter "["`), a bare one opens or closes a list of
/// values (`delimiter [ @ / ]`). Everywhere else the text alone counts.
///
/// On the management socket a bare word is a JSON string and a quoted one
/// `{"quoted": "TEXT"}`, so that requests of bare words read as before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "WireArg", into = "WireArg")]
pub struct Arg {
    pub text: String,
    pub quoted: bool,
}

impl Arg {
    pub fn bare(text: impl Into<String>) -> Arg {
        Arg {
            text: text.into(),
            quoted: false,
        }
    }

    pub fn quoted(text: impl Into<String>) -> Arg {
        Arg {
            text: text.into(),
            quoted: true,
        }
    }

    /// The words of `path` (a level, a container), bare, to go before typed words.
    pub(crate) fn path(path: &[crate::tree::NodeId]) -> Vec<Arg> {
        path.iter()
            .flat_map(|id| id.words().map(|w| Arg::bare(w.as_str())))
            .collect()
    }

    /// Bare words, as a caller that has only the text gives them.
    pub fn all_bare(words: &[String]) -> Vec<Arg> {
        words.iter().map(|w| Arg::bare(w.as_str())).collect()
    }
}

/// A word the editor reads: its text, and whether it was quoted. Callers that have only text
/// (tests, programs building a configuration) pass `String`s, which are bare.
pub trait CommandWord: std::ops::Deref<Target = str> {
    fn is_quoted(&self) -> bool;

    fn to_arg(&self) -> Arg {
        Arg {
            text: self.to_string(),
            quoted: self.is_quoted(),
        }
    }

    /// A bare `[` that opens a list of values.
    fn opens_list(&self) -> bool {
        !self.is_quoted() && &**self == "["
    }

    /// A bare `]` that closes a list of values.
    fn closes_list(&self) -> bool {
        !self.is_quoted() && &**self == "]"
    }
}

impl CommandWord for String {
    fn is_quoted(&self) -> bool {
        false
    }
}

impl CommandWord for Arg {
    fn is_quoted(&self) -> bool {
        self.quoted
    }
}

impl std::ops::Deref for Arg {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

/// A word given as text alone is bare.
impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::bare(text)
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::bare(text)
    }
}

impl From<&crate::tokenize::Word> for Arg {
    fn from(w: &crate::tokenize::Word) -> Arg {
        Arg {
            text: w.text.clone(),
            quoted: w.quoted,
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum WireArg {
    Bare(String),
    Quoted { quoted: String },
}

impl From<WireArg> for Arg {
    fn from(w: WireArg) -> Arg {
        match w {
            WireArg::Bare(text) => Arg::bare(text),
            WireArg::Quoted { quoted } => Arg::quoted(quoted),
        }
    }
}

impl From<Arg> for WireArg {
    fn from(a: Arg) -> WireArg {
        if a.quoted {
            WireArg::Quoted { quoted: a.text }
        } else {
            WireArg::Bare(a.text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_words_are_plain_strings_on_the_wire_and_quoted_ones_say_so() {
        let words = vec![Arg::bare("delimiter"), Arg::quoted("[")];
        let json = serde_json::to_string(&words).unwrap();
        assert_eq!(json, r#"["delimiter",{"quoted":"["}]"#);
        assert_eq!(serde_json::from_str::<Vec<Arg>>(&json).unwrap(), words);
    }
}
