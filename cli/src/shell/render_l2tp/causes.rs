//! `show services l2tp disconnect-cause-summary`: why tunnels and sessions ended.

use super::or_dash;
use crate::shell::render::plain_table;
use schema::l2tp_rpc::{DisconnectCause, DisconnectSource, L2tpDisconnectCauses};

/// One table per kind; a kind with no ends yet is left out.
pub fn disconnect_causes(c: &L2tpDisconnectCauses) -> String {
    let mut out = String::new();
    for (title, causes) in [
        ("Tunnel terminations:", &c.tunnels),
        ("Session terminations:", &c.sessions),
    ] {
        if causes.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(title);
        out.push('\n');
        out.push_str(&table(causes));
    }
    out
}

fn table(causes: &[DisconnectCause]) -> String {
    let rows = causes.iter().map(|c| {
        let source = match c.source {
            DisconnectSource::Local => "Local",
            DisconnectSource::Remote => "Remote",
        };
        vec![
            source.to_string(),
            or_dash(c.result_code),
            or_dash(c.error_code),
            c.description.clone(),
            c.count.to_string(),
        ]
    });
    plain_table(&["Source", "Result", "Error", "Cause", "Count"], rows)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn sample() -> L2tpDisconnectCauses {
        L2tpDisconnectCauses {
            tunnels: vec![
                DisconnectCause {
                    source: DisconnectSource::Local,
                    result_code: Some(1),
                    error_code: None,
                    description: "general request to clear control connection".into(),
                    count: 3,
                },
                DisconnectCause {
                    source: DisconnectSource::Local,
                    result_code: None,
                    error_code: None,
                    description: "retransmissions exhausted".into(),
                    count: 12,
                },
            ],
            sessions: vec![DisconnectCause {
                source: DisconnectSource::Remote,
                result_code: Some(3),
                error_code: Some(0),
                description: "administrative reasons".into(),
                count: 1,
            }],
        }
    }

    #[test]
    fn two_tables() {
        assert_eq!(
            disconnect_causes(&sample()),
            "Tunnel terminations:\n\
             Source  Result  Error  Cause                                        Count\n\
             Local   1       -      general request to clear control connection  3\n\
             Local   -       -      retransmissions exhausted                    12\n\
             \n\
             Session terminations:\n\
             Source  Result  Error  Cause                   Count\n\
             Remote  3       0      administrative reasons  1\n"
        );
        assert_eq!(disconnect_causes(&L2tpDisconnectCauses::default()), "");
        let only_sessions = L2tpDisconnectCauses {
            tunnels: vec![],
            ..sample()
        };
        assert!(disconnect_causes(&only_sessions).starts_with("Session terminations:\n"));
    }
}
