//! Text of `show route` and `show route summary` in Junos' layouts. Each table opens with a
//! blank line and its counts; then, by level:
//!
//! - brief (no keyword): the legend, a blank line, and per destination
//!   `PREFIX(19) *[Protocol/pref] AGE, metric M, tag T` with its next hop on the next line at
//!   column 20 (`>  to GATEWAY via IFL` or `>  via IFL`), as Junos 19 and later print it;
//! - terse: the legend and the `A V Destination P Prf Metric 1 Metric 2 Next hop AS path`
//!   columns;
//! - detail and extensive: per destination `PREFIX (N entry, 1 announced)`, then each route's
//!   block (`*Access Preference: 13`, its next hop, state, age and metric, tag);
//! - summary: per table, one right-aligned line per protocol (`Access: 1 routes, 1 active`).
//!
//! The ages: `HH:MM:SS`, `Nd HH:MM:SS`, `NwNd HH:MM:SS` in the brief table; the detail block
//! writes hours without the leading zero (`3w3d 3:19:36`).

use schema::route_rpc::{
    RouteInformation, RouteProtocol, RouteSummaryInformation, Rt, RtEntry, TableCounts,
};

/// How much `show route` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteLevel {
    Brief,
    Terse,
    Detail,
    /// As detail: the kernel and announcement lines Junos adds here are not kept.
    Extensive,
}

const LEGEND: &str = "+ = Active Route, - = Last Active, * = Both\n";
const TERSE_HEADER: &str =
    "A V Destination        P Prf   Metric 1   Metric 2  Next hop        AS path\n";

/// `inet.0: 3 destinations, 3 routes (3 active, 0 holddown, 0 hidden)`.
fn table_header(name: &str, c: &TableCounts) -> String {
    format!(
        "\n{name}: {} destinations, {} routes ({} active, {} holddown, {} hidden)\n",
        c.destination_count,
        c.total_route_count,
        c.active_route_count,
        c.holddown_route_count,
        c.hidden_route_count
    )
}

pub fn routes(info: &RouteInformation, level: RouteLevel) -> String {
    let mut out = String::new();
    for t in &info.tables {
        out.push_str(&table_header(&t.table_name, &t.counts));
        match level {
            RouteLevel::Brief => {
                out.push_str(LEGEND);
                out.push('\n');
                t.destinations.iter().for_each(|rt| brief(rt, &mut out));
            }
            RouteLevel::Terse => {
                out.push_str(LEGEND);
                out.push('\n');
                out.push_str(TERSE_HEADER);
                t.destinations.iter().for_each(|rt| terse(rt, &mut out));
            }
            RouteLevel::Detail | RouteLevel::Extensive => {
                for (i, rt) in t.destinations.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    detail(rt, &mut out);
                }
            }
        }
    }
    out
}

fn active_mark(e: &RtEntry) -> &str {
    e.active_tag.as_deref().unwrap_or(" ")
}

/// `to 198.18.1.5 via si-0/0/0.3`, `via si-0/0/0.3`, or a static route's `to 198.18.0.1`
/// (its interface is the kernel's choice, not read back).
fn next_hop_text(e: &RtEntry) -> Vec<String> {
    e.nh.iter()
        .filter(|nh| nh.nh_type.is_none())
        .map(|nh| match (nh.to, &nh.via) {
            (Some(to), Some(via)) => format!("to {to} via {via}"),
            (Some(to), None) => format!("to {to}"),
            (None, via) => format!("via {}", via.as_deref().unwrap_or("")),
        })
        .collect()
}

/// A discard or reject route's `Discard` / `Reject`, which Junos prints in place of a next
/// hop, without the `>` of a selected one.
fn next_hop_type(e: &RtEntry) -> Option<&'static str> {
    e.nh.iter().find_map(|nh| nh.nh_type.map(|t| t.name()))
}

fn brief(rt: &Rt, out: &mut String) {
    for (i, e) in rt.entries.iter().enumerate() {
        let destination = if i == 0 {
            rt.rt_destination.as_str()
        } else {
            ""
        };
        let mut line = format!(
            "{destination:<18} {}[{}/{}] {}",
            active_mark(e),
            e.protocol_name.name(),
            e.preference,
            brief_age(e.age)
        );
        if let Some(metric) = e.metric {
            line.push_str(&format!(", metric {metric}"));
        }
        if let Some(tag) = e.rt_tag {
            line.push_str(&format!(", tag {tag}"));
        }
        out.push_str(&line);
        out.push('\n');
        for nh in next_hop_text(e) {
            out.push_str(&format!("{:20}>  {nh}\n", ""));
        }
        if let Some(kind) = next_hop_type(e) {
            out.push_str(&format!("{:23}{kind}\n", ""));
        }
    }
}

fn terse(rt: &Rt, out: &mut String) {
    for (i, e) in rt.entries.iter().enumerate() {
        let destination = if i == 0 {
            rt.rt_destination.as_str()
        } else {
            ""
        };
        // Junos writes the first letter of the protocol (`A` for both access protocols).
        let letter = &e.protocol_name.name()[..1];
        let metric = e.metric.map(|m| m.to_string()).unwrap_or_default();
        let next_hop =
            e.nh.first()
                .map_or(String::new(), |nh| match (nh.to, &nh.via, nh.nh_type) {
                    (_, _, Some(kind)) => kind.name().to_string(),
                    (Some(to), _, None) => format!(">{to}"),
                    (None, via, None) => format!(">{}", via.as_deref().unwrap_or("")),
                });
        let line = format!(
            "{} ? {destination:<19}{letter} {:>3}{metric:>11}{:>11} {next_hop}",
            active_mark(e),
            e.preference,
            ""
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn detail(rt: &Rt, out: &mut String) {
    let n = rt.entries.len();
    out.push_str(&format!(
        "{} ({n} {}, 1 announced)\n",
        rt.rt_destination,
        if n == 1 { "entry" } else { "entries" }
    ));
    for e in &rt.entries {
        let active = e.active_tag.is_some();
        // Junos' state of a configured route is `Active Int Ext` for a static one.
        let state = match (e.protocol_name, active) {
            (RouteProtocol::Static, true) => "Active Int Ext",
            (RouteProtocol::Static, false) => "Int Ext",
            (_, true) => "Active Int",
            (_, false) => "Int",
        };
        out.push_str(&format!(
            "{:8}{}{:<6} Preference: {}\n",
            "",
            if active { "*" } else { "" },
            e.protocol_name.name(),
            e.preference
        ));
        let indent = format!("{:16}", "");
        let router = e.nh.iter().any(|nh| nh.to.is_some());
        let kind = next_hop_type(e).unwrap_or(if router { "Router" } else { "Interface" });
        out.push_str(&format!("{indent}Next hop type: {kind}\n"));
        for nh in next_hop_text(e) {
            let nh = nh.strip_prefix("to ").unwrap_or(&nh);
            out.push_str(&format!("{indent}Next hop: {nh}, selected\n"));
        }
        out.push_str(&format!("{indent}State: <{state}>\n"));
        match e.metric {
            Some(metric) => out.push_str(&format!(
                "{indent}Age: {:<15}Metric: {metric}\n",
                detail_age(e.age)
            )),
            None => out.push_str(&format!("{indent}Age: {}\n", detail_age(e.age))),
        }
        if let Some(tag) = e.rt_tag {
            out.push_str(&format!("{indent}Tag: {tag}\n"));
        }
    }
}

pub fn summary(info: &RouteSummaryInformation) -> String {
    let mut out = String::new();
    for t in &info.tables {
        out.push_str(&table_header(&t.table_name, &t.counts));
        for p in &t.protocols {
            out.push_str(&format!(
                "{:>20}:{:>7} routes,{:>7} active\n",
                p.protocol_name.name(),
                p.protocol_route_count,
                p.active_route_count
            ));
        }
    }
    out
}

/// The weeks and days before the clock, as Junos writes them (`1w5d `, `2d `, or nothing).
fn weeks_days(seconds: u64) -> String {
    let days = seconds / 86_400;
    match (days / 7, days % 7) {
        (0, 0) => String::new(),
        (0, d) => format!("{d}d "),
        (w, d) => format!("{w}w{d}d "),
    }
}

/// The brief table's age: `00:00:12`, `2d 23:05:04`, `1w5d 20:30:29`.
pub fn brief_age(seconds: u64) -> String {
    format!(
        "{}{:02}:{:02}:{:02}",
        weeks_days(seconds),
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The detail block's age: the hours without a leading zero (`3w3d 3:19:36`, `1:31:43`).
pub fn detail_age(seconds: u64) -> String {
    format!(
        "{}{}:{:02}:{:02}",
        weeks_days(seconds),
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
#[path = "render_routes_tests.rs"]
mod tests;
