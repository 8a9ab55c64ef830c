//! The operational command tree: every command the shell offers in operational mode, with
//! its arguments and help text.
