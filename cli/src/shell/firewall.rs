//! `show firewall [filter NAME]` and `clear firewall (all | filter NAME)` in the shell: the
//! typed request from the words, the counters rendered as Junos prints them (or shown as
//! JSON / XML).

use super::answer::Answer;
use super::options::{parse_options, ArgError};
use schema::firewall_rpc::{FirewallInformation, FirewallSelect, FIREWALL_ROOT};
use schema::mgmt::{Reply, Request};
use schema::opcmd::{Action, OpCmd};
use schema::tokenize::Word;

/// The request of `show firewall …` or `clear firewall …`.
pub fn request(action: Action, node: &'static OpCmd, args: &[Word]) -> Result<Request, ArgError> {
    let given = parse_options(node, args)?;
    let select = FirewallSelect {
        filter: given
            .iter()
            .find(|g| g.name() == "filter")
            .map(|g| g.text().to_string()),
    };
    if action == Action::ShowFirewall {
        return Ok(Request::GetFirewallInformation(select));
    }
    // `clear firewall` takes `all` or `filter NAME`: one, not both, not neither.
    match given.as_slice() {
        [_] => Ok(Request::ClearFirewall(select)),
        [] => Err(ArgError::new(
            args.len(),
            "missing mandatory argument: all or filter.",
        )),
        [_, second, ..] => Err(ArgError::new(second.word, "syntax error.")),
    }
}

/// Junos' layout: a blank line and `Filter: NAME` per filter, then its counters under
/// `Counters:` and its policers (what each discarded) under `Policers:`, each in columns
/// (name, bytes, packets).
pub fn firewall(info: &FirewallInformation) -> String {
    let mut out = String::new();
    let columns = |out: &mut String, heading: &str, rows: Vec<(&str, u64, u64)>| {
        if rows.is_empty() {
            return;
        }
        out.push_str(heading);
        out.push_str(&format!("{:<40}{:>17}{:>21}\n", "Name", "Bytes", "Packets"));
        for (name, bytes, packets) in rows {
            out.push_str(&format!("{name:<40}{bytes:>17}{packets:>21}\n"));
        }
    };
    for f in &info.filters {
        out.push_str(&format!("\nFilter: {}\n", f.filter_name));
        let counters = f.counters.iter();
        let counters = counters.map(|c| (c.counter_name.as_str(), c.byte_count, c.packet_count));
        columns(&mut out, "Counters:\n", counters.collect());
        let policers = f.policers.iter();
        let policers = policers.map(|p| (p.policer_name.as_str(), p.byte_count, p.packet_count));
        columns(&mut out, "Policers:\n", policers.collect());
    }
    out
}

/// How `show firewall` and `clear firewall` show their reply (see [`super::answer::Pick`]).
pub(super) fn reply(_: &Request, reply: Reply) -> Result<Answer<'_>, Box<Reply>> {
    match reply {
        Reply::Firewall(f) => Ok(Answer::rpc(FIREWALL_ROOT, f, firewall)),
        // Junos clears silently.
        Reply::FirewallCleared(_) => Ok(Answer::Silent),
        other => Err(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::{match_command, tests::plain_words};
    use schema::firewall_rpc::{FilterCounter, FilterInformation, FilterPolicer};
    use schema::opcmd::OPERATIONAL;

    fn parsed(line: &str) -> Result<Request, ArgError> {
        let words = plain_words(line);
        let cmd = match_command(&OPERATIONAL, &words).expect("a command");
        request(cmd.action, cmd.node, cmd.args)
    }

    #[test]
    fn the_words_make_the_request() {
        let named = FirewallSelect {
            filter: Some("F-si-0/0/0.5-i".into()),
        };
        assert_eq!(
            parsed("show firewall"),
            Ok(Request::GetFirewallInformation(FirewallSelect::default()))
        );
        assert_eq!(
            parsed("show firewall filter F-si-0/0/0.5-i"),
            Ok(Request::GetFirewallInformation(named.clone()))
        );
        assert_eq!(
            parsed("clear firewall all"),
            Ok(Request::ClearFirewall(FirewallSelect::default()))
        );
        assert_eq!(
            parsed("clear firewall filter F-si-0/0/0.5-i"),
            Ok(Request::ClearFirewall(named))
        );
        assert_eq!(
            parsed("clear firewall"),
            Err(ArgError::new(
                0,
                "missing mandatory argument: all or filter."
            ))
        );
        assert_eq!(
            parsed("clear firewall all filter F"),
            Err(ArgError::new(1, "syntax error."))
        );
    }

    #[test]
    fn the_counters_are_junos_columns() {
        let info = FirewallInformation {
            filters: vec![
                FilterInformation {
                    filter_name: "NO-DNS".into(),
                    counters: vec![FilterCounter {
                        counter_name: "dns".into(),
                        packet_count: 3,
                        byte_count: 144,
                    }],
                    policers: vec![],
                },
                FilterInformation {
                    filter_name: "PLAIN".into(),
                    counters: vec![],
                    policers: vec![],
                },
                FilterInformation {
                    filter_name: "10Mbps-pp0.5-i".into(),
                    counters: vec![],
                    policers: vec![FilterPolicer {
                        policer_name: "p_10Mbps_limit-1-pp0.5-i".into(),
                        packet_count: 7,
                        byte_count: 3500,
                    }],
                },
            ],
        };
        assert_eq!(
            firewall(&info),
            "
Filter: NO-DNS
Counters:
Name                                                Bytes              Packets
dns                                                   144                    3

Filter: PLAIN

Filter: 10Mbps-pp0.5-i
Policers:
Name                                                Bytes              Packets
p_10Mbps_limit-1-pp0.5-i                             3500                    7
"
        );
    }
}
