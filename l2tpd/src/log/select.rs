//! Which Junos facility and severity each event of the daemon's log has, and which
//! destinations `[edit system syslog]` sends it to. docs/system-log.md states the rules.

use schema::typed::{Facility, Level, Selectors, Severity};

/// An event's facility, from its tag, as Junos files the same events: configuration changes
/// under `change-log`, logins and authentication under `authorization`, the rest of the
/// management plane's `UI_` events (commits, errors) under `interactive-commands`, and the
/// protocol daemon's events (L2TP, PPP, PPPoE, RADIUS, untagged) under `daemon`.
pub fn facility(tag: Option<&str>) -> Facility {
    let Some(tag) = tag else {
        return Facility::Daemon;
    };
    if tag.starts_with("UI_CFG_AUDIT_") {
        Facility::ChangeLog
    } else if tag.starts_with("UI_AUTH_") || tag == "UI_LOGIN_EVENT" || tag == "UI_LOGOUT_EVENT" {
        Facility::Authorization
    } else if tag.starts_with("UI_") {
        Facility::InteractiveCommands
    } else {
        Facility::Daemon
    }
}

/// An event's severity: the `tracing` level (error, warning; info for untagged information),
/// except that a tagged info event is a notice, as Junos' events of record are, and logins
/// and logouts are info, as Junos logs UI_LOGIN_EVENT and UI_LOGOUT_EVENT.
pub fn severity(level: &tracing::Level, tag: Option<&str>) -> Severity {
    match *level {
        tracing::Level::ERROR => Severity::Error,
        tracing::Level::WARN => Severity::Warning,
        tracing::Level::INFO => match tag {
            Some("UI_LOGIN_EVENT" | "UI_LOGOUT_EVENT") | None => Severity::Info,
            Some(_) => Severity::Notice,
        },
        _ => Severity::Debug,
    }
}

/// True when a destination's statements take an event: the statement naming the event's
/// facility decides, else `any`; a level takes that severity and the more severe ones,
/// `none` nothing. So `any notice; authorization info;` takes authorization at info, and
/// `any any; kernel none;` everything but the kernel's, as syslogd reads a later, more
/// specific selector over `*`.
pub fn selects(selectors: &Selectors, facility: Facility, severity: Severity) -> bool {
    match selectors
        .facilities
        .get(&facility)
        .or(selectors.any.as_ref())
    {
        Some(Level::Any) => true,
        Some(Level::AtLeast(least)) => severity <= *least,
        Some(Level::None) | None => false,
    }
}

/// Junos' factory default for `messages`, in force when no syslog file is configured:
/// `file messages { any notice; authorization info; }`.
pub fn factory_messages() -> Selectors {
    Selectors {
        any: Some(Level::AtLeast(Severity::Notice)),
        facilities: [(Facility::Authorization, Level::AtLeast(Severity::Info))]
            .into_iter()
            .collect(),
    }
}

/// The facility number sent to syslog (RFC 3164 §4.1.1). Junos' own facilities go out as the
/// `localN` facilities Junos uses for a remote machine (change-log local6, conflict-log
/// local5, firewall local3, interactive-commands local7, pfe local4).
pub fn wire_number(facility: Facility) -> u8 {
    match facility {
        Facility::Kernel => 0,
        Facility::User | Facility::External => 1,
        Facility::Daemon => 3,
        Facility::Authorization => 4,
        Facility::Security => 10,
        Facility::Ftp => 11,
        Facility::Ntp => 12,
        Facility::Firewall => 19,
        Facility::Pfe => 20,
        Facility::ConflictLog => 21,
        Facility::ChangeLog => 22,
        Facility::InteractiveCommands => 23,
    }
}

/// The number of a `facility-override` word (`local0` … `local7`, `daemon`, …).
pub fn override_number(word: &str) -> Option<u8> {
    Some(match word {
        "kernel" => 0,
        "user" => 1,
        "daemon" => 3,
        "authorization" => 4,
        "ftp" => 11,
        _ => {
            let n: u8 = word.strip_prefix("local")?.parse().ok()?;
            if n > 7 {
                return None;
            }
            16 + n
        }
    })
}

/// The facility's code in `explicit-priority` messages (`%INTERACT-5-UI_COMMIT`): always the
/// local facility, whatever `facility-override` sends.
pub fn code(facility: Facility) -> &'static str {
    match facility {
        Facility::Authorization => "AUTH",
        Facility::ChangeLog => "CHANGE",
        Facility::ConflictLog => "CONFLICT",
        Facility::Daemon => "DAEMON",
        Facility::External => "EXTERNAL",
        Facility::Firewall => "FIREWALL",
        Facility::Ftp => "FTP",
        Facility::InteractiveCommands => "INTERACT",
        Facility::Kernel => "KERN",
        Facility::Ntp => "NTP",
        Facility::Pfe => "PFE",
        Facility::Security => "AUTHPRIV",
        Facility::User => "USER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::tags;

    fn parse(statements: &[(&str, &str)]) -> Selectors {
        let level = |w: &str| match w {
            "any" => Level::Any,
            "none" => Level::None,
            w => Level::AtLeast(
                serde_json::from_value(serde_json::Value::String(w.into())).expect("severity"),
            ),
        };
        let mut s = Selectors::default();
        for (facility, word) in statements {
            if *facility == "any" {
                s.any = Some(level(word));
            } else {
                let f = Facility::ALL
                    .into_iter()
                    .find(|f| f.keyword() == *facility)
                    .expect("facility");
                s.facilities.insert(f, level(word));
            }
        }
        s
    }

    #[test]
    fn tags_have_junos_facilities() {
        assert_eq!(
            facility(Some(tags::UI_COMMIT)),
            Facility::InteractiveCommands
        );
        assert_eq!(
            facility(Some(tags::UI_CONFIGURATION_ERROR)),
            Facility::InteractiveCommands
        );
        assert_eq!(facility(Some("UI_CFG_AUDIT_SET")), Facility::ChangeLog);
        assert_eq!(
            facility(Some(tags::UI_LOGIN_EVENT)),
            Facility::Authorization
        );
        assert_eq!(
            facility(Some(tags::UI_LOGOUT_EVENT)),
            Facility::Authorization
        );
        assert_eq!(facility(Some("UI_AUTH_EVENT")), Facility::Authorization);
        assert_eq!(facility(Some(tags::L2TP_TUNNEL_UP)), Facility::Daemon);
        assert_eq!(facility(None), Facility::Daemon);
        // Every tag the daemon logs has a facility other than the fallback on purpose.
        for tag in tags::ALL {
            let f = facility(Some(tag));
            assert_eq!(
                f == Facility::Daemon,
                !tag.starts_with("UI_"),
                "{tag} is {f:?}"
            );
        }
    }

    #[test]
    fn levels_map_to_severities() {
        use tracing::Level as L;
        assert_eq!(severity(&L::ERROR, None), Severity::Error);
        assert_eq!(severity(&L::WARN, Some(tags::UI_COMMIT)), Severity::Warning);
        assert_eq!(severity(&L::INFO, Some(tags::UI_COMMIT)), Severity::Notice);
        assert_eq!(
            severity(&L::INFO, Some(tags::UI_LOGIN_EVENT)),
            Severity::Info
        );
        assert_eq!(severity(&L::INFO, None), Severity::Info);
        assert_eq!(severity(&L::DEBUG, None), Severity::Debug);
    }

    #[test]
    fn a_facility_statement_decides_over_any() {
        let s = parse(&[("any", "notice"), ("authorization", "info")]);
        assert!(selects(&s, Facility::Daemon, Severity::Notice));
        assert!(selects(&s, Facility::Daemon, Severity::Emergency));
        assert!(!selects(&s, Facility::Daemon, Severity::Info));
        assert!(selects(&s, Facility::Authorization, Severity::Info));
        assert!(!selects(&s, Facility::Authorization, Severity::Debug));
        assert_eq!(s, factory_messages());

        // A facility may be quieter than `any`, or off.
        let s = parse(&[("any", "any"), ("daemon", "error"), ("kernel", "none")]);
        assert!(selects(&s, Facility::User, Severity::Debug));
        assert!(selects(&s, Facility::Daemon, Severity::Error));
        assert!(!selects(&s, Facility::Daemon, Severity::Warning));
        assert!(!selects(&s, Facility::Kernel, Severity::Emergency));

        // Without `any`, only the facilities named.
        let s = parse(&[("interactive-commands", "any")]);
        assert!(selects(&s, Facility::InteractiveCommands, Severity::Debug));
        assert!(!selects(&s, Facility::Daemon, Severity::Emergency));
        assert!(!selects(
            &Selectors::default(),
            Facility::Daemon,
            Severity::Emergency
        ));
        let s = parse(&[("any", "none")]);
        assert!(!selects(&s, Facility::Daemon, Severity::Emergency));
    }

    #[test]
    fn facility_numbers_and_codes() {
        assert_eq!(wire_number(Facility::Daemon), 3);
        assert_eq!(wire_number(Facility::InteractiveCommands), 23);
        assert_eq!(wire_number(Facility::ChangeLog), 22);
        assert_eq!(override_number("local0"), Some(16));
        assert_eq!(override_number("local7"), Some(23));
        assert_eq!(override_number("local8"), None);
        assert_eq!(override_number("daemon"), Some(3));
        assert_eq!(code(Facility::InteractiveCommands), "INTERACT");
    }
}
