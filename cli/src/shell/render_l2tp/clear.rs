//! The lines of `clear services l2tp ...`: one per object closed or cleared.

use schema::l2tp_rpc::{ClearLevel, L2tpCleared};

/// `Tunnel 17967 closed`, `Session 40553 (tunnel 17967) statistics cleared`. Only the level
/// the clear named is listed: closing a destination also closes its tunnels, which Junos
/// does not print one by one.
pub fn cleared(c: &L2tpCleared) -> String {
    let what = if c.statistics {
        "statistics cleared"
    } else {
        "closed"
    };
    let objects: Vec<String> = match c.level {
        ClearLevel::Destination => c
            .destinations
            .iter()
            .map(|d| format!("Destination {d}"))
            .collect(),
        ClearLevel::Tunnel => c.tunnels.iter().map(|t| format!("Tunnel {t}")).collect(),
        ClearLevel::Session => c
            .sessions
            .iter()
            .map(|(tunnel, session)| format!("Session {session} (tunnel {tunnel})"))
            .collect(),
    };
    objects
        .into_iter()
        .map(|o| format!("{o} {what}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(level: ClearLevel, statistics: bool) -> L2tpCleared {
        L2tpCleared {
            level,
            statistics,
            destinations: vec![2],
            tunnels: vec![17967, 3],
            sessions: vec![(17967, 40553)],
        }
    }

    #[test]
    fn one_line_per_object_of_the_level() {
        assert_eq!(
            cleared(&reply(ClearLevel::Destination, false)),
            "Destination 2 closed\n"
        );
        assert_eq!(
            cleared(&reply(ClearLevel::Tunnel, false)),
            "Tunnel 17967 closed\nTunnel 3 closed\n"
        );
        assert_eq!(
            cleared(&reply(ClearLevel::Session, false)),
            "Session 40553 (tunnel 17967) closed\n"
        );
        assert_eq!(
            cleared(&reply(ClearLevel::Destination, true)),
            "Destination 2 statistics cleared\n"
        );
        assert_eq!(
            cleared(&reply(ClearLevel::Tunnel, true)),
            "Tunnel 17967 statistics cleared\nTunnel 3 statistics cleared\n"
        );
        assert_eq!(
            cleared(&reply(ClearLevel::Session, true)),
            "Session 40553 (tunnel 17967) statistics cleared\n"
        );
        let nothing = L2tpCleared {
            tunnels: vec![],
            ..reply(ClearLevel::Tunnel, false)
        };
        assert_eq!(cleared(&nothing), "");
    }
}
