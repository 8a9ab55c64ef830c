//! The validator tests' view of a refused configuration: each error as (path, statement,
//! message), the path in words.

use super::{check, CHECK_OUT_FAILED};
use crate::parse::parse_config;
use crate::tree::path_words;

/// Parses `text`, checks it, and returns its errors; the check must fail.
pub fn errors(text: &str) -> Vec<(String, String, String)> {
    let root = parse_config(text).expect("parses");
    let (errors, summary) = check(&root).expect_err("check should fail");
    assert_eq!(summary, CHECK_OUT_FAILED);
    errors
        .into_iter()
        .map(|e| (path_words(&e.path), e.statement, e.message))
        .collect()
}
