//! What a login class lets its users do: Junos' permission flags plus the class's
//! `allow-`/`deny-commands` and `allow-`/`deny-configuration` regular expressions, checked
//! here in the daemon for every request (a shell cannot talk its way past them).
//!
//! Predefined classes are flag sets, as on Junos: `super-user` is `all`, `operator` is
//! `clear network reset trace view`, `read-only` is `view`, `unauthorized` is nothing. The
//! mapping of flags onto this router's commands and hierarchies is in docs/login-classes.md.

use regex::Regex;
use schema::mgmt::{LoginClass, Request};
use schema::system_rpc::StatisticsProtocol;
use schema::tree::{Node, NodeId};
use schema::typed::{login_regex, LoginClassConfig, RouterConfig};

/// Junos' flag sets of the predefined classes.
fn predefined(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "super-user" => Some(&["all"]),
        "operator" => Some(&["clear", "network", "reset", "trace", "view"]),
        "read-only" => Some(&["view"]),
        "unauthorized" => Some(&[]),
        _ => None,
    }
}

/// The rights of one session, resolved from the configuration in force.
#[derive(Clone, Debug)]
pub struct Rights {
    /// The class's name, as `show system users` and the login event show it.
    pub class: String,
    /// The class's `idle-timeout` in minutes (none for 0, as Junos reads 0).
    pub idle_timeout: Option<u32>,
    flags: Vec<String>,
    allow_commands: Option<Regex>,
    deny_commands: Option<Regex>,
    allow_configuration: Option<Regex>,
    deny_configuration: Option<Regex>,
}

/// A class's regular expression. A commit refuses an invalid one, so this failing means a
/// configuration from before the check: an allow then allows nothing extra, and a deny
/// denies everything (failing closed).
fn compiled(text: &Option<String>, deny: bool) -> Option<Regex> {
    let text = text.as_deref()?;
    match login_regex(text) {
        Ok(re) => Some(re),
        Err(_) if deny => Regex::new("").ok(),
        Err(_) => None,
    }
}

impl Rights {
    pub fn predefined(name: &str) -> Option<Rights> {
        let flags = predefined(name)?;
        Some(Rights {
            class: name.to_string(),
            idle_timeout: None,
            flags: flags.iter().map(|f| f.to_string()).collect(),
            allow_commands: None,
            deny_commands: None,
            allow_configuration: None,
            deny_configuration: None,
        })
    }

    fn defined(name: &str, c: &LoginClassConfig) -> Rights {
        Rights {
            class: name.to_string(),
            idle_timeout: c.idle_timeout.filter(|m| *m > 0),
            flags: c.permissions.clone(),
            allow_commands: compiled(&c.allow_commands, false),
            deny_commands: compiled(&c.deny_commands, true),
            allow_configuration: compiled(&c.allowed_configuration(), false),
            deny_configuration: compiled(&c.denied_configuration(), true),
        }
    }

    /// The class `user` has under `config`: root is always super-user; while no user is
    /// configured every local user is super-user (a fresh install); then only listed users.
    pub fn of(uid: u32, user: &str, config: &RouterConfig) -> Result<Rights, String> {
        if uid == 0 || config.login_users.is_empty() {
            return Ok(Rights::predefined("super-user").unwrap_or_else(Rights::nothing));
        }
        let class = config.login_users.get(user).ok_or_else(|| {
            format!(
                "user '{user}' is not configured on this router (system login user); access denied"
            )
        })?;
        Ok(match config.login_classes.get(class) {
            Some(c) => Rights::defined(class, c),
            // A commit refuses a class that is neither: treat an unknown one as no rights.
            None => Rights::predefined(class).unwrap_or_else(|| Rights {
                class: class.clone(),
                ..Rights::nothing()
            }),
        })
    }

    fn nothing() -> Rights {
        Rights {
            class: "unauthorized".into(),
            idle_timeout: None,
            flags: Vec::new(),
            allow_commands: None,
            deny_commands: None,
            allow_configuration: None,
            deny_configuration: None,
        }
    }

    /// Whether the class holds `flag`: `all` holds every flag, `control` every `*-control`.
    pub fn has(&self, flag: &str) -> bool {
        self.flags
            .iter()
            .any(|f| f == flag || f == "all" || (f == "control" && flag.ends_with("-control")))
    }

    /// The nearest predefined class, for clients that only know those three.
    pub fn level(&self) -> LoginClass {
        if self.has("all") {
            LoginClass::SuperUser
        } else if self.has("clear") || self.has("configure") {
            LoginClass::Operator
        } else {
            LoginClass::ReadOnly
        }
    }

    /// Junos' `secret` permission: without it `$9$` values show as `/* SECRET-DATA */`.
    pub fn may_see_secrets(&self) -> bool {
        self.has("secret")
    }

    /// Whether the session may make `request`. `deny-commands` wins over everything, then
    /// `allow-commands` grants what the flags would not, then the flags decide.
    pub fn may(&self, request: &Request) -> bool {
        if let Some(command) = command(request) {
            if self
                .deny_commands
                .as_ref()
                .is_some_and(|re| re.is_match(&command))
            {
                return false;
            }
            if self
                .allow_commands
                .as_ref()
                .is_some_and(|re| re.is_match(&command))
            {
                return true;
            }
        }
        let needed = needs(request);
        needed.is_empty() || needed.iter().any(|f| self.has(f))
    }

    /// True when every change is open to the class without looking (`all`, no deny
    /// regex): the daemon then skips comparing the candidate before and after an edit.
    pub fn configures_everything(&self) -> bool {
        self.has("all") && self.deny_configuration.is_none()
    }

    /// Whether the class may change the statement at `path` (words as `set` takes them):
    /// `deny-configuration` wins, then `allow-configuration`, then the hierarchy's
    /// `*-control` flag.
    pub fn may_configure(&self, path: &str) -> bool {
        if self
            .deny_configuration
            .as_ref()
            .is_some_and(|re| re.is_match(path))
        {
            return false;
        }
        if self
            .allow_configuration
            .as_ref()
            .is_some_and(|re| re.is_match(path))
        {
            return true;
        }
        self.has(control_flag(path))
    }

    /// The first statement changed from `before` to `after` that the class may not change.
    pub fn refused_change(&self, before: &Node, after: &Node) -> Option<String> {
        if self.configures_everything() {
            return None;
        }
        let mut paths = Vec::new();
        changed(&mut Vec::new(), Some(before), Some(after), &mut paths);
        paths.into_iter().find(|p| !self.may_configure(p))
    }
}

/// The `*-control` flag for a statement path, by its hierarchy. L2TP (`services l2tp`) and
/// dynamic profiles are subscriber access here, so `access-control` covers them.
fn control_flag(path: &str) -> &'static str {
    let mut words = path.split(' ');
    match (words.next(), words.next()) {
        (Some("system"), Some("login")) => "admin-control",
        (Some("system"), _) => "system-control",
        (Some("snmp"), _) => "snmp-control",
        (Some("interfaces"), _) => "interface-control",
        (Some("access" | "access-profile" | "services" | "dynamic-profiles"), _) => {
            "access-control"
        }
        (Some("protocols" | "routing-instances" | "routing-options" | "policy-options"), _) => {
            "routing-control"
        }
        // `version` describes the text, not the router.
        (Some("version"), _) => "configure",
        _ => "all",
    }
}

/// The statements (as `set` words) that differ between two trees: every leaf, flag or empty
/// block added, removed or changed, and a block whose order, `inactive:` or annotation
/// changed. Created blocks are named by what was set in them, so `allow-configuration
/// "interfaces .* description"` lets a user add a description to a new interface.
fn changed(prefix: &mut Vec<String>, a: Option<&Node>, b: Option<&Node>, out: &mut Vec<String>) {
    if a == b {
        return;
    }
    let empty = Node::default();
    let (a_node, b_node) = (a.unwrap_or(&empty), b.unwrap_or(&empty));
    let found = out.len();
    let mut ids: Vec<&NodeId> = a_node.children.keys().collect();
    ids.extend(
        b_node
            .children
            .keys()
            .filter(|id| !a_node.children.contains_key(*id)),
    );
    for id in ids {
        prefix.push(id.to_string());
        changed(
            prefix,
            a_node.children.get(id),
            b_node.children.get(id),
            out,
        );
        prefix.pop();
    }
    if out.len() == found && !prefix.is_empty() {
        out.push(prefix.join(" "));
    }
}

/// What a request needs: any one of these flags (none: always allowed).
fn needs(request: &Request) -> &'static [&'static str] {
    match request {
        Request::Hello { .. } | Request::ExitConfiguration { .. } | Request::MonitorStop { .. } => {
            &[]
        }
        Request::ShowConfiguration { .. } | Request::Compare { .. } | Request::ShowRescue => {
            &["view-configuration", "view"]
        }
        Request::ShowSystemCommit
        | Request::ShowSystemUsers
        | Request::GetL2tpSummaryInformation { .. }
        | Request::GetL2tpDestinationInformation(_)
        | Request::GetL2tpTunnelInformation(_)
        | Request::GetL2tpSessionInformation(_)
        | Request::GetL2tpDisconnectCauseSummary
        | Request::GetSnmpObject { .. }
        | Request::WalkSnmpObject { .. }
        | Request::GetSnmpStatistics
        | Request::GetSubscribers(_)
        | Request::GetPppoeInterfaceInformation(_)
        | Request::GetPppoeStatistics(_)
        | Request::GetPppoeServiceNameTables
        | Request::GetPppInterfaceInformation(_)
        | Request::GetPppSummary
        | Request::GetPppStatistics
        | Request::GetAddressAssignmentPool(_)
        | Request::GetInterfaceInformation(_)
        | Request::GetFirewallInformation(_)
        | Request::GetRouteInformation(_)
        | Request::GetRouteSummaryInformation(_)
        | Request::GetSystemStatistics(_)
        | Request::GetRadiusServers(_)
        | Request::GetAaaStatistics(_)
        | Request::GetAaaSubscribers(_)
        | Request::GetTerminateCode(_)
        | Request::GetSoftwareInformation
        | Request::GetSystemUptimeInformation
        | Request::GetSystemProcessInformation
        | Request::GetSystemStorage
        | Request::GetLog { .. }
        | Request::MonitorStart { .. } => &["view"],
        Request::ClearL2tpDestination(_)
        | Request::ClearL2tpTunnel(_)
        | Request::ClearL2tpSession(_)
        | Request::ClearPppoeSessions(_)
        | Request::ClearPppoeStatistics(_)
        | Request::ClearNetworkAccessAaaSubscriber(_)
        | Request::ClearAutoConfigurationInterfaces(_)
        | Request::ClearFirewall(_)
        | Request::ClearAaaStatistics => &["clear"],
        // Test calls send packets to peers and servers, as ping and traceroute do.
        Request::TestL2tpTunnel { .. } | Request::TestAaaPpp(_) => &["network"],
        Request::RescueSave | Request::RescueDelete => &["maintenance"],
        Request::Configure { .. }
        | Request::Edit { .. }
        | Request::Set { .. }
        | Request::Delete { .. }
        | Request::Activate { .. }
        | Request::Deactivate { .. }
        | Request::Annotate { .. }
        | Request::Rename { .. }
        | Request::Copy { .. }
        | Request::Insert { .. }
        | Request::Show { .. }
        | Request::Commit { .. }
        | Request::Rollback { .. }
        | Request::Load { .. }
        | Request::Update
        | Request::RollbackRescue
        | Request::CommitAt { .. }
        | Request::ClearSystemCommit
        | Request::WildcardDelete { .. }
        | Request::ReplacePattern { .. } => &["configure"],
        // A request added later needs every right until it is placed above.
        #[allow(unreachable_patterns)]
        _ => &["all"],
    }
}

/// The command an operator typed for `request`, in full words, as `allow-commands` and
/// `deny-commands` match it (`show services l2tp tunnel`). Statement edits are matched by
/// the configuration expressions instead, so they have none.
pub fn command(request: &Request) -> Option<String> {
    let words = |head: &str, rest: &[String]| {
        let mut s = head.to_string();
        for w in rest {
            s.push(' ');
            s.push_str(w);
        }
        s
    };
    let text = match request {
        Request::ShowConfiguration { words: w, .. } => words("show configuration", w),
        Request::ShowSystemCommit => "show system commit".into(),
        Request::ShowSystemUsers => "show system users".into(),
        Request::Compare { .. } => "show configuration | compare".into(),
        Request::Configure { mode } => match mode {
            schema::mgmt::ConfigureMode::Shared => "configure".into(),
            schema::mgmt::ConfigureMode::Private => "configure private".into(),
            schema::mgmt::ConfigureMode::Exclusive => "configure exclusive".into(),
        },
        Request::Commit { check, .. } if *check => "commit check".into(),
        Request::Commit { .. } => "commit".into(),
        Request::CommitAt { .. } => "commit at".into(),
        Request::Rollback { index } => format!("rollback {index}"),
        Request::RollbackRescue => "rollback rescue".into(),
        Request::Load { mode, .. } => format!("load {}", load_word(*mode)),
        Request::Update => "update".into(),
        Request::RescueSave => "request system configuration rescue save".into(),
        Request::RescueDelete => "request system configuration rescue delete".into(),
        Request::ShowRescue => "show system configuration rescue".into(),
        Request::ClearSystemCommit => "clear system commit".into(),
        Request::TestL2tpTunnel { .. } => "test services l2tp tunnel".into(),
        Request::GetL2tpSummaryInformation { .. } => "show services l2tp summary".into(),
        Request::GetL2tpDestinationInformation(_) => "show services l2tp destination".into(),
        Request::GetL2tpTunnelInformation(_) => "show services l2tp tunnel".into(),
        Request::GetL2tpSessionInformation(_) => "show services l2tp session".into(),
        Request::GetL2tpDisconnectCauseSummary => "show services l2tp disconnect-cause".into(),
        Request::ClearL2tpDestination(_) => "clear services l2tp destination".into(),
        Request::ClearL2tpTunnel(_) => "clear services l2tp tunnel".into(),
        Request::ClearL2tpSession(_) => "clear services l2tp session".into(),
        Request::GetSnmpObject { object } => format!("show snmp mib get {object}"),
        Request::WalkSnmpObject { object } => format!("show snmp mib walk {object}"),
        Request::GetSnmpStatistics => "show snmp statistics".into(),
        Request::GetSubscribers(_) => "show subscribers".into(),
        Request::GetPppoeInterfaceInformation(_) => "show pppoe interfaces".into(),
        Request::GetPppoeStatistics(_) => "show pppoe statistics".into(),
        Request::GetPppoeServiceNameTables => "show pppoe service-name-tables".into(),
        Request::GetPppInterfaceInformation(_) => "show ppp interface".into(),
        Request::GetPppSummary => "show ppp summary".into(),
        Request::GetPppStatistics => "show ppp statistics".into(),
        Request::GetAddressAssignmentPool(_) => {
            "show network-access aaa address-assignment pool".into()
        }
        Request::ClearPppoeSessions(_) => "clear pppoe sessions".into(),
        Request::ClearPppoeStatistics(_) => "clear pppoe statistics".into(),
        Request::GetInterfaceInformation(_) => "show interfaces".into(),
        Request::ClearNetworkAccessAaaSubscriber(_) => "clear network-access aaa subscriber".into(),
        Request::ClearAutoConfigurationInterfaces(_) => {
            "clear auto-configuration interfaces".into()
        }
        Request::GetFirewallInformation(_) => "show firewall".into(),
        Request::ClearFirewall(_) => "clear firewall".into(),
        Request::GetRouteInformation(_) => "show route".into(),
        Request::GetRouteSummaryInformation(_) => "show route summary".into(),
        Request::GetSystemStatistics(protocol) => match protocol {
            StatisticsProtocol::All => "show system statistics".into(),
            StatisticsProtocol::Tcp => "show system statistics tcp".into(),
            StatisticsProtocol::Icmp => "show system statistics icmp".into(),
        },
        Request::GetRadiusServers(_) => "show network-access aaa radius-servers".into(),
        Request::GetAaaStatistics(_) => "show network-access aaa statistics".into(),
        Request::GetAaaSubscribers(_) => "show network-access aaa subscribers".into(),
        Request::GetTerminateCode(_) => "show network-access terminate-code".into(),
        Request::TestAaaPpp(_) => "test aaa ppp".into(),
        Request::ClearAaaStatistics => "clear network-access aaa statistics".into(),
        Request::GetSoftwareInformation => "show version".into(),
        Request::GetSystemUptimeInformation => "show system uptime".into(),
        Request::GetSystemProcessInformation => "show system processes".into(),
        Request::GetSystemStorage => "show system storage".into(),
        Request::GetLog { file } => match file {
            Some(f) => format!("show log {f}"),
            None => "show log".into(),
        },
        Request::MonitorStart { file } => format!("monitor start {file}"),
        _ => return None,
    };
    Some(text)
}

fn load_word(mode: schema::mgmt::LoadMode) -> &'static str {
    use schema::mgmt::LoadMode;
    match mode {
        LoadMode::Merge => "merge",
        LoadMode::Override => "override",
        LoadMode::Replace => "replace",
        LoadMode::Set => "set",
    }
}

#[cfg(test)]
#[path = "rights_tests.rs"]
mod tests;
