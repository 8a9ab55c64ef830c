//! Semantic checks of `[edit system]`: login classes and the users' classes.

use super::Findings;
use crate::table::PREDEFINED_CLASSES;
use crate::tree::NodeId;
use crate::typed::{login_regex, RouterConfig};

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
