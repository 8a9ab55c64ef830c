//! Why no tunnel of a profile could take a call, tunnel by tunnel, for the operator: the
//! test-call error and the log say "max-sessions 30 reached" instead of a bare refusal.
//!
//! A locked-out destination is never a reason on its own: with every candidate locked out,
//! the one that failed first is retried (Junos rule, `select` rule 3).

use std::fmt;

/// Why selection passed over one profile tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// No `remote-gateway address`: it cannot be dialled.
    NoRemoteAddress,
    /// Its tunnel already carries `max-sessions` sessions.
    Full { max: u32 },
    /// This call already failed on the tunnel's destination (fail-over).
    AlreadyFailed,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoRemoteAddress => f.write_str("no remote-gateway address"),
            Self::Full { max } => write!(f, "max-sessions {max} reached"),
            Self::AlreadyFailed => f.write_str("already failed for this call"),
        }
    }
}

/// Every profile tunnel passed over, by tunnel number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unavailable {
    pub skipped: Vec<(u8, Skipped)>,
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.skipped.is_empty() {
            return f.write_str("the profile has no tunnel");
        }
        for (i, (number, why)) in self.skipped.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "tunnel {number}: {why}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_tunnel_and_its_reason() {
        let none = Unavailable {
            skipped: vec![
                (1, Skipped::Full { max: 30 }),
                (2, Skipped::AlreadyFailed),
                (3, Skipped::NoRemoteAddress),
            ],
        };
        assert_eq!(
            none.to_string(),
            "tunnel 1: max-sessions 30 reached; tunnel 2: already failed for this call; \
             tunnel 3: no remote-gateway address"
        );
        assert_eq!(
            Unavailable::default().to_string(),
            "the profile has no tunnel"
        );
    }
}
