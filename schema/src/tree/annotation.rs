//! A statement's `/* annotation */`, held behind one pointer.
//!
//! Every node has the field and next to none has an annotation, so its size is paid by every
//! node of every walk of the tree: an `Option<String>` was 24 octets of the node, an
//! `Option<Box<str>>` 16; this is 8 (the `Box`'s pointer, `None` its null), and the
//! annotation's length sits with its text on the heap (issue 15, item 4: the walks of a
//! large tree miss the cache per line of node they read).
//!
//! Reads as a `str` (`node.annotation.as_deref()` is an `Option<&str>`); made from a
//! `String` or a `&str` (`node.annotation = Some(text.into())`).

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
// The `Box` around the `String` is the point: one pointer in the node, not three words.
#[allow(clippy::box_collection)]
pub struct Annotation(Box<String>);

impl std::ops::Deref for Annotation {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}
impl AsRef<str> for Annotation {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Annotation {
    fn from(text: String) -> Self {
        Annotation(Box::new(text))
    }
}
impl From<&str> for Annotation {
    fn from(text: &str) -> Self {
        Annotation(Box::new(text.to_string()))
    }
}
impl From<Annotation> for String {
    fn from(annotation: Annotation) -> String {
        *annotation.0
    }
}

impl PartialEq<str> for Annotation {
    fn eq(&self, other: &str) -> bool {
        **self.0 == *other
    }
}
impl PartialEq<&str> for Annotation {
    fn eq(&self, other: &&str) -> bool {
        **self.0 == **other
    }
}

/// As the text: `Some("lab")` in a test's failure, not a `Box` around a `String`.
impl fmt::Debug for Annotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}
impl fmt::Display for Annotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pointer, and `None` is its null: the node pays 8 octets for a field nearly
    /// always empty.
    #[test]
    fn one_pointer() {
        assert_eq!(std::mem::size_of::<Option<Annotation>>(), 8);
    }

    /// The JSON is the plain string a stored revision already holds.
    #[test]
    fn reads_and_stores_as_its_text() {
        let a = Annotation::from("core router");
        assert_eq!(&*a, "core router");
        assert_eq!(a, "core router");
        assert_eq!(format!("{a:?} {a}"), "\"core router\" core router");
        let json = serde_json::to_string(&Some(a.clone())).unwrap();
        assert_eq!(json, "\"core router\"");
        let back: Option<Annotation> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Some(a));
        assert_eq!(String::from(back.unwrap()), "core router");
    }
}
