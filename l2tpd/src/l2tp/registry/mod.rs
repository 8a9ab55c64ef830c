//! The destination → tunnel → session registry (being written).
