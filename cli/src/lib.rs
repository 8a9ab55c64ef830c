//! The operator shell of the L2TP access router.
#![forbid(unsafe_code)]

pub mod shell;
