//! The typed view of a checked configuration that the engine consumes, derived from the
//! tree in exactly one place.
