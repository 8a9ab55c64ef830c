//! Semantic checks of `[edit system]`: login classes and the users' classes.

use super::Findings;
use crate::table::PREDEFINED_CLASSES;
use crate::tree::NodeId;
use crate::typed::{login_regex, syslog_file_name_problem, syslog_regex, RouterConfig};

pub(super) fn check(config: &RouterConfig, findings: &mut Findings) {
    login_classes(config, findings);
    if let Some(Err(e)) = config
        .time_zone
        .as_deref()
        .map(crate::timezone::Zone::parse)
    {
        findings.error(
            vec![NodeId::new("system")],
            format!(
                "time-zone {}",
                config.time_zone.as_deref().unwrap_or_default()
            ),
            e,
        );
    }
    user_classes(config, findings);
    syslog(config, findings);
}

fn login_path() -> Vec<NodeId> {
    vec![NodeId::new("system"), NodeId::new("login")]
}

fn login_classes(config: &RouterConfig, findings: &mut Findings) {
    for (name, class) in &config.login_classes {
        if PREDEFINED_CLASSES.contains(&name.as_str()) {
            findings.error(
                login_path(),
                format!("class {name}"),
                format!("'{name}' is a predefined class name: choose another name"),
            );
        }
        let mut path = login_path();
        path.push(NodeId::entry("class", name.as_str()));
        for (statement, value) in [
            ("allow-commands", &class.allow_commands),
            ("deny-commands", &class.deny_commands),
            ("allow-configuration", &class.allow_configuration),
            ("deny-configuration", &class.deny_configuration),
        ] {
            if let Some(Err(e)) = value.as_deref().map(login_regex) {
                findings.error(
                    path.clone(),
                    format!("{statement} \"{}\"", value.as_deref().unwrap_or_default()),
                    e,
                );
            }
        }
        for (one, statement, values) in [
            (
                &class.allow_configuration,
                "allow-configuration-regexps",
                &class.allow_configuration_regexps,
            ),
            (
                &class.deny_configuration,
                "deny-configuration-regexps",
                &class.deny_configuration_regexps,
            ),
        ] {
            // Junos: a class takes one form or the other.
            if one.is_some() && !values.is_empty() {
                let single = statement.trim_end_matches("-regexps");
                findings.error(
                    path.clone(),
                    statement.to_string(),
                    format!("'{single}' and '{statement}' cannot be used together in a login class: use one of them"),
                );
            }
            for value in values {
                if let Err(e) = login_regex(value) {
                    findings.error(path.clone(), format!("{statement} \"{value}\""), e);
                }
            }
        }
    }
}

fn user_classes(config: &RouterConfig, findings: &mut Findings) {
    for (user, class) in &config.login_users {
        if PREDEFINED_CLASSES.contains(&class.as_str()) || config.login_classes.contains_key(class)
        {
            continue;
        }
        let mut path = login_path();
        path.push(NodeId::entry("user", user.as_str()));
        findings.error(
            path,
            format!("class {class}"),
            format!(
                "Login class '{class}' is not defined: use one of {} or define it under [edit system login class]",
                PREDEFINED_CLASSES.join(", ")
            ),
        );
    }
}

fn syslog(config: &RouterConfig, findings: &mut Findings) {
    let path = vec![NodeId::new("system"), NodeId::new("syslog")];
    let trace_file = config
        .l2tp
        .traceoptions
        .as_ref()
        .map(|t| t.file.filename.as_deref().unwrap_or("l2tpd"));
    let matches = |kind: &str, name: &str, re: &Option<String>, findings: &mut Findings| {
        if let Some(Err(e)) = re.as_deref().map(syslog_regex) {
            let mut at = path.clone();
            at.push(NodeId::entry(kind, name));
            findings.error(
                at,
                format!("match \"{}\"", re.as_deref().unwrap_or_default()),
                e,
            );
        }
    };
    for (name, file) in &config.syslog.files {
        if let Some(problem) = syslog_file_name_problem(name, trace_file) {
            findings.error(path.clone(), format!("file {name}"), problem);
        }
        matches("file", name, &file.matches, findings);
        // Junos (19.2R1 on) refuses the standard format's statements beside structured-data,
        // which would silently not apply to the file.
        if file.structured_data.is_some() {
            let mut at = path.clone();
            at.push(NodeId::entry("file", name.as_str()));
            let refused = [
                (file.explicit_priority, "explicit-priority"),
                (config.syslog.year, "time-format year"),
                (config.syslog.millisecond, "time-format millisecond"),
            ];
            for (_, statement) in refused.iter().filter(|(set, _)| *set) {
                findings.error(
                    at.clone(),
                    "structured-data".to_string(),
                    format!(
                        "'{statement}' cannot be used with structured-data: a structured-data file has its own time stamp and priority"
                    ),
                );
            }
        }
    }
    for (name, host) in &config.syslog.hosts {
        matches("host", name, &host.matches, findings);
    }
    for (name, user) in &config.syslog.users {
        matches("user", name, &user.matches, findings);
    }
}
