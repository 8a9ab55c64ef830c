//! A node's values, held in the node itself when there is one (a leaf's), on the heap when
//! there are more (a leaf-list's members).
//!
//! A leaf was its `Arc<Node>`, a `Vec`'s buffer and a `String`'s; with the one value in
//! place and short strings inline (`Word`) it is the `Arc<Node>` alone (issue 15, item 4:
//! the walks of a large tree paid a cache miss per allocation). The API is the slice's
//! (through `Deref`) and `Vec`'s where the product used it, and it compares equal to
//! slices, arrays and `Vec`s of strings, so readers and tests see a list of words.

use super::Word;
use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Values(SmallVec<[Word; 1]>);

impl Values {
    pub fn new() -> Self {
        Values(SmallVec::new())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn as_slice(&self) -> &[Word] {
        &self.0
    }
    pub fn push(&mut self, value: impl Into<Word>) {
        self.0.push(value.into())
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&Word) -> bool) {
        self.0.retain(|v| keep(v))
    }
    pub fn clear(&mut self) {
        self.0.clear()
    }
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len)
    }
    pub fn remove(&mut self, index: usize) -> Word {
        self.0.remove(index)
    }
    pub fn insert(&mut self, index: usize, value: impl Into<Word>) {
        self.0.insert(index, value.into())
    }
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }
    pub fn reserve(&mut self, n: usize) {
        self.0.reserve(n)
    }
    /// Back in place when one value is left; a list on the heap at its length otherwise.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit()
    }
    /// Whether the values live on the heap (more than one, or room grown for more).
    pub fn spilled(&self) -> bool {
        self.0.spilled()
    }
    /// The values as owned `String`s, for the readers that keep them.
    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(|v| v.to_string()).collect()
    }
}

impl std::ops::Deref for Values {
    type Target = [Word];
    fn deref(&self) -> &[Word] {
        &self.0
    }
}
impl std::ops::DerefMut for Values {
    fn deref_mut(&mut self) -> &mut [Word] {
        &mut self.0
    }
}

impl<T: Into<Word>> FromIterator<T> for Values {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Values(iter.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Word>> Extend<T> for Values {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        self.0.extend(iter.into_iter().map(Into::into))
    }
}
impl<T: Into<Word>> From<Vec<T>> for Values {
    fn from(values: Vec<T>) -> Self {
        values.into_iter().collect()
    }
}
impl<T: Into<Word>, const N: usize> From<[T; N]> for Values {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

impl IntoIterator for Values {
    type Item = Word;
    type IntoIter = smallvec::IntoIter<[Word; 1]>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
impl<'a> IntoIterator for &'a Values {
    type Item = &'a Word;
    type IntoIter = std::slice::Iter<'a, Word>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
impl<'a> IntoIterator for &'a mut Values {
    type Item = &'a mut Word;
    type IntoIter = std::slice::IterMut<'a, Word>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

fn same<T: AsRef<str>>(ours: &[Word], theirs: &[T]) -> bool {
    ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| a == b.as_ref())
}
impl<T: AsRef<str>> PartialEq<[T]> for Values {
    fn eq(&self, other: &[T]) -> bool {
        same(&self.0, other)
    }
}
impl<T: AsRef<str>, const N: usize> PartialEq<[T; N]> for Values {
    fn eq(&self, other: &[T; N]) -> bool {
        same(&self.0, other)
    }
}
impl<T: AsRef<str>> PartialEq<Vec<T>> for Values {
    fn eq(&self, other: &Vec<T>) -> bool {
        same(&self.0, other)
    }
}
impl<T: AsRef<str>> PartialEq<&[T]> for Values {
    fn eq(&self, other: &&[T]) -> bool {
        same(&self.0, other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One value stays in the node; two go to the heap; shrinking with one left brings it
    /// back; the JSON is a plain list either way.
    #[test]
    fn one_value_in_place() {
        let mut v = Values::from(["100"]);
        assert!(!v.spilled());
        v.push("200");
        assert!(v.spilled());
        assert_eq!(v, ["100", "200"]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["100","200"]"#);
        v.retain(|w| w == "200");
        v.shrink_to_fit();
        assert!(!v.spilled());
        assert_eq!(v, vec!["200".to_string()]);
        let back: Values = serde_json::from_str(r#"["a","b c"]"#).unwrap();
        assert_eq!(back, ["a", "b c"]);
        assert_eq!(back.join(" "), "a b c");
    }
}
