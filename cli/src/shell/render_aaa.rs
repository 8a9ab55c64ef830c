//! `show network-access aaa radius-servers | statistics | subscribers` and `test aaa ppp`:
//! the AAA replies as text. Names and attribute values come from the network (a user name,
//! a server's Reply-Message): they are escaped before they reach the terminal.

use super::escape::terminal_safe;
use super::render::{plain_table, utc};
use schema::aaa_rpc::{
    AaaStatistics, AaaStatisticsSection, AaaSubscribers, AaaTestReport, AccountingRecordCounters,
    RadiusServerStatus, RadiusServers,
};

/// `-` for a value not known (no round trip measured yet, no server).
fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// Brief: one line per server. Detail: a block per server with every counter.
pub fn radius_servers(reply: &RadiusServers, detail: bool) -> String {
    if detail {
        let blocks: Vec<String> = reply.servers.iter().map(server_block).collect();
        return blocks.join("\n");
    }
    if reply.servers.is_empty() {
        return String::new();
    }
    plain_table(
        &[
            "Server", "Profile", "Auth", "Acct", "State", "Out", "Requests", "Timeouts", "RTT ms",
        ],
        reply.servers.iter().map(|s| {
            vec![
                s.address.to_string(),
                or_dash(s.profile.as_deref()),
                s.authentication_port.to_string(),
                s.accounting_port.to_string(),
                s.state.as_str().to_string(),
                s.outstanding.to_string(),
                (s.counters.access_requests + s.counters.accounting_requests).to_string(),
                s.counters.timeouts.to_string(),
                or_dash(s.average_round_trip_ms),
            ]
        }),
    )
}

fn server_block(s: &RadiusServerStatus) -> String {
    let c = &s.counters;
    let mut out = format!("RADIUS server: {}", s.address);
    if let Some(profile) = &s.profile {
        out.push_str(&format!(" (access profile {})", terminal_safe(profile)));
    }
    out.push('\n');
    out.push_str(&format!(
        "  Authentication port: {}, Accounting port: {}\n",
        s.authentication_port, s.accounting_port
    ));
    out.push_str(&format!(
        "  State: {} since {}\n",
        s.state.as_str(),
        utc(s.state_since)
    ));
    out.push_str(&format!("  Outstanding requests: {}\n", s.outstanding));
    let lines: [(&str, u64); 11] = [
        ("Access requests", c.access_requests),
        ("Access accepts", c.access_accepts),
        ("Access rejects", c.access_rejects),
        ("Access challenges", c.access_challenges),
        ("Accounting requests", c.accounting_requests),
        ("Accounting responses", c.accounting_responses),
        ("Timeouts", c.timeouts),
        ("Retransmissions", c.retransmissions),
        ("Malformed responses", c.malformed_responses),
        ("Bad authenticators", c.bad_authenticators),
        ("Unknown identifiers", c.unknown_identifiers),
    ];
    for (name, value) in lines {
        out.push_str(&format!("  {:<26}{value}\n", format!("{name}:")));
    }
    out.push_str(&format!(
        "  Round trip: last {} ms, average {} ms\n",
        or_dash(s.last_round_trip_ms),
        or_dash(s.average_round_trip_ms)
    ));
    out
}

/// Authentication totals, accounting totals, or both (`section` `None`).
pub fn statistics(reply: &AaaStatistics, section: Option<AaaStatisticsSection>) -> String {
    let mut out = String::new();
    let shown = |s: AaaStatisticsSection| section.is_none_or(|asked| asked == s);
    if shown(AaaStatisticsSection::Authentication) {
        let a = &reply.authentication;
        out.push_str("Authentication:\n");
        counter_lines(
            &mut out,
            1,
            &[
                ("Requests", a.requests),
                ("Accepts", a.accepts),
                ("Rejects", a.rejects),
                ("Timeouts", a.timeouts),
                ("Queue full", a.queue_full),
            ],
        );
    }
    if shown(AaaStatisticsSection::Accounting) {
        if !out.is_empty() {
            out.push('\n');
        }
        let a = &reply.accounting;
        out.push_str("Accounting:\n");
        let row = |kind: &str, c: &AccountingRecordCounters| {
            vec![
                kind.to_string(),
                c.sent.to_string(),
                c.acknowledged.to_string(),
                c.failed.to_string(),
            ]
        };
        let table = plain_table(
            &["Record", "Sent", "Acknowledged", "Failed"],
            [
                row("Start", &a.starts),
                row("Interim", &a.interims),
                row("Stop", &a.stops),
            ],
        );
        for line in table.lines() {
            out.push_str(&format!("  {line}\n"));
        }
        counter_lines(
            &mut out,
            1,
            &[("Stops awaiting retry", a.stops_awaiting_retry)],
        );
    }
    if shown(AaaStatisticsSection::DynamicRequests) {
        if !out.is_empty() {
            out.push('\n');
        }
        let d = &reply.dynamic_requests;
        out.push_str("Dynamic requests:\n");
        counter_lines(
            &mut out,
            1,
            &[
                ("Disconnect requests", d.disconnect_requests),
                ("CoA requests", d.coa_requests),
                ("ACKs sent", d.acks),
                ("NAKs sent", d.naks),
            ],
        );
        out.push_str("  Dropped:\n");
        counter_lines(
            &mut out,
            2,
            &[
                ("Unknown client", d.unknown_client),
                ("Malformed", d.malformed),
                ("Bad authenticator", d.bad_authenticator),
                ("Not a dynamic request", d.not_dynamic_request),
            ],
        );
    }
    out
}

/// `  Name:  value` lines at `depth` (two spaces each), the values in one column.
fn counter_lines(out: &mut String, depth: usize, rows: &[(&str, u64)]) {
    let indent = "  ".repeat(depth);
    let width = 28 - indent.len();
    for (name, value) in rows {
        out.push_str(&format!("{indent}{:<width$}{value}\n", format!("{name}:")));
    }
}

/// One line per subscriber.
pub fn subscribers(reply: &AaaSubscribers) -> String {
    if reply.subscribers.is_empty() {
        return String::new();
    }
    plain_table(
        &[
            "User name",
            "Session ID",
            "Method",
            "Server",
            "Tunnel decided by",
            "Accounting session ID",
        ],
        reply.subscribers.iter().map(|s| {
            vec![
                s.user_name.clone(),
                s.session_id.to_string(),
                s.method.as_str().to_string(),
                or_dash(s.server),
                or_dash(s.tunnel_source.map(|t| t.as_str())),
                or_dash(s.accounting_session_id.as_deref()),
            ]
        }),
    )
}

/// `test aaa ppp`: the result, who answered and how fast, then the attributes received.
pub fn test(report: &AaaTestReport) -> String {
    let mut out = format!("Result: {}", report.result.as_str());
    if let Some(method) = report.method {
        out.push_str(&format!(" ({})", method.as_str()));
    }
    out.push('\n');
    if let Some(server) = report.server {
        out.push_str(&format!("Server: {server}\n"));
    }
    out.push_str(&format!("Time: {} ms\n", report.elapsed_ms));
    if let Some(error) = &report.error {
        out.push_str(&format!("Reason: {}\n", terminal_safe(error)));
    }
    if !report.attributes.is_empty() {
        out.push_str("Attributes:\n");
        let table = plain_table(
            &["Name", "Value"],
            report
                .attributes
                .iter()
                .map(|a| vec![a.name.clone(), a.value.clone()]),
        );
        for line in table.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

#[cfg(test)]
#[path = "render_aaa_tests.rs"]
pub(crate) mod tests;
