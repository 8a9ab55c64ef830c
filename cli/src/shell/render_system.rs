//! `show version`, `show system uptime | processes | storage | statistics [tcp | icmp]` and
//! `show log`
//! as Junos lays them out.

use std::fmt::Write as _;

use schema::system_rpc::{
    IcmpStatistics, LogContent, LogFiles, SystemProcesses, SystemStatistics, SystemStorage,
    SystemUptime, TcpStatistics, Version,
};

use super::render::utc;

pub fn version(v: &Version) -> String {
    format!(
        "Hostname: {}\nModel: {}\n{}: {}\n{} build [{}]\n",
        v.host_name, v.product_model, v.product_name, v.version, v.product_name, v.build_commit
    )
}

/// Junos' `(… ago)`: `hh:mm:ss` within a day, then `Nd hh:mm`, then `NwNd hh:mm`.
pub fn ago(seconds: i64) -> String {
    let s = seconds.max(0);
    let (weeks, days) = (s / 604_800, s % 604_800 / 86_400);
    let (hours, minutes) = (s % 86_400 / 3600, s % 3600 / 60);
    if weeks > 0 {
        format!("{weeks}w{days}d {hours:02}:{minutes:02}")
    } else if days > 0 {
        format!("{days}d {hours:02}:{minutes:02}")
    } else {
        format!("{hours:02}:{minutes:02}:{:02}", s % 60)
    }
}

pub fn uptime(u: &SystemUptime) -> String {
    let now = u.current_time;
    let mut out = format!("Current time: {}\n", utc(now));
    let since = |t: i64| format!("{} ({} ago)", utc(t), ago(now - t));
    if let Some(boot) = u.system_booted {
        let _ = writeln!(out, "System booted: {}", since(boot));
    }
    let _ = writeln!(out, "Protocols started: {}", since(u.protocols_started));
    if let Some(last) = &u.last_configured {
        let _ = writeln!(
            out,
            "Last configured: {} by {}",
            since(last.time),
            last.user
        );
    }
    if let Some(boot) = u.system_booted {
        out.push_str(&w_line(now, now - boot, u.users, u.load_averages));
    }
    out
}

/// The BSD `w` header line Junos ends with: ` 6:20PM  up 13 days,  8:20, 1 user, load
/// averages: 0.08, 0.05, 0.01`.
fn w_line(now: i64, up: i64, users: usize, load: Option<[u32; 3]>) -> String {
    let clock = now.rem_euclid(86_400);
    let (hour, minute) = (clock / 3600, clock % 3600 / 60);
    let (h12, meridiem) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    let up = up.max(0);
    let (days, hours, minutes) = (up / 86_400, up % 86_400 / 3600, up % 3600 / 60);
    let mut text = format!("{h12:>2}:{minute:02}{meridiem}  up ");
    match days {
        0 => {}
        1 => text.push_str("1 day, "),
        n => {
            let _ = write!(text, "{n} days, ");
        }
    }
    if hours > 0 {
        let _ = write!(text, "{hours:>2}:{minutes:02}, ");
    } else {
        let _ = write!(
            text,
            "{minutes} min{}, ",
            if minutes == 1 { "" } else { "s" }
        );
    }
    let _ = write!(text, "{users} user{}", if users == 1 { "" } else { "s" });
    if let Some([one, five, fifteen]) = load {
        let avg = |n: u32| format!("{}.{:02}", n / 100, n % 100);
        let _ = write!(
            text,
            ", load averages: {}, {}, {}",
            avg(one),
            avg(five),
            avg(fifteen)
        );
    }
    text.push('\n');
    text
}

/// ps' CPU time: `M:SS.cc`.
fn cpu_time(centiseconds: u64) -> String {
    let seconds = centiseconds / 100;
    format!(
        "{}:{:02}.{:02}",
        seconds / 60,
        seconds % 60,
        centiseconds % 100
    )
}

pub fn processes(p: &SystemProcesses) -> String {
    let mut out = format!(
        "{:>5} {:<10} {:>4} {:>9} {:>9} {:>10} COMMAND\n",
        "PID", "USERNAME", "THR", "SIZE", "RES", "TIME"
    );
    let _ = writeln!(
        out,
        "{:>5} {:<10} {:>4} {:>8}K {:>8}K {:>10} {}",
        p.pid,
        p.user,
        p.threads.len(),
        p.size / 1024,
        p.resident / 1024,
        cpu_time(p.cpu_centiseconds),
        p.command
    );
    let _ = writeln!(out, "{:>5} {:<5} {:>10} NAME", "TID", "STATE", "TIME");
    for t in &p.threads {
        let _ = writeln!(
            out,
            "{:>5} {:<5} {:>10} {}",
            t.tid,
            t.state,
            cpu_time(t.cpu_centiseconds),
            t.name
        );
    }
    out
}

/// df -h's sizes: `512B`, `1.2K`, `17G` (one decimal below ten).
pub fn human(octets: u64) -> String {
    const UNITS: [&str; 6] = ["B", "K", "M", "G", "T", "P"];
    let mut value = octets as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{octets}B")
    } else if value < 10.0 {
        format!("{value:.1}{}", UNITS[unit])
    } else {
        format!("{:.0}{}", value, UNITS[unit])
    }
}

pub fn storage(s: &SystemStorage) -> String {
    let f = &s.filesystem;
    let mut out = format!(
        "{:<20}{:>8}{:>11}{:>11}{:>10}   Mounted on\n",
        "Filesystem", "Size", "Used", "Avail", "Capacity"
    );
    let _ = writeln!(
        out,
        "{:<20}{:>8}{:>11}{:>11}{:>10}  {}",
        f.name,
        human(f.total),
        human(f.used),
        human(f.available),
        format!("{}%", f.capacity_percent()),
        f.mounted_on
    );
    let _ = writeln!(out, "\nState directory: {}", s.state_directory);
    let width = s
        .files
        .iter()
        .map(|f| f.names.len())
        .max()
        .unwrap_or(0)
        .max("Files".len());
    let _ = writeln!(out, "{:<width$} {:>8}  Contents", "Files", "Size");
    for file in &s.files {
        let _ = writeln!(
            out,
            "{:<width$} {:>8}  {}",
            file.names,
            human(file.size),
            file.role
        );
    }
    let total: u64 = s.files.iter().map(|f| f.size).sum();
    let _ = writeln!(out, "{:<width$} {:>8}", "Total", human(total));
    out
}

/// `show log`: the files as `ls -l` lists them, under the `total` of their blocks.
pub fn log_files(l: &LogFiles) -> String {
    let total: u64 = l.files.iter().map(|f| f.blocks).sum();
    let mut out = format!("total {total}\n");
    let w = |f: &dyn Fn(&schema::system_rpc::LogFile) -> usize| {
        l.files.iter().map(f).max().unwrap_or(0)
    };
    let links = w(&|f| f.links.to_string().len());
    let owner = w(&|f| f.owner.len());
    let group = w(&|f| f.group.len());
    let size = w(&|f| f.size.to_string().len());
    for f in &l.files {
        let _ = writeln!(
            out,
            "{}  {:>links$} {:<owner$}  {:<group$}  {:>size$} {} {}",
            f.permissions,
            f.links,
            f.owner,
            f.group,
            f.size,
            ls_time(f.modified),
            f.name
        );
    }
    out
}

/// `Dec  3 18:20`, ls' time of a recent file (in the router's time zone).
fn ls_time(unix: i64) -> String {
    schema::timezone::current().strftime(unix, "%b %e %H:%M")
}

pub fn log_content(c: &LogContent) -> String {
    let mut out = String::new();
    for line in &c.lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
#[path = "render_system_tests.rs"]
mod tests;

/// `show system statistics [tcp | icmp]`: the lines Junos prints for each protocol (a
/// heading, eight spaces before each count, sixteen before a sub-count), only those this
/// router has something to count in; a histogram with nothing in it is left out.
pub fn system_statistics(s: &SystemStatistics) -> String {
    let mut out = String::new();
    if let Some(tcp) = &s.tcp {
        out.push_str(&tcp_statistics(tcp));
    }
    if let Some(icmp) = &s.icmp {
        out.push_str(&icmp_statistics(icmp));
    }
    out
}

const COUNT: &str = "        ";
const SUB_COUNT: &str = "                ";

/// One line of counts: its indent, the number, then its words.
fn count(out: &mut String, indent: &str, n: u64, words: &str) {
    let _ = writeln!(out, "{indent}{n} {words}");
}

fn tcp_statistics(tcp: &TcpStatistics) -> String {
    let mut out = String::from("Tcp:\n");
    count(&mut out, COUNT, tcp.packets_sent, "packets sent");
    count(
        &mut out,
        SUB_COUNT,
        tcp.sent_control_packets,
        "control packets",
    );
    count(&mut out, COUNT, tcp.rst_packets, "RST packets");
    let policed = tcp.outgoing_segments_dropped_due_to_policing;
    count(
        &mut out,
        COUNT,
        policed,
        "outgoing segments dropped due to policing",
    );
    out
}

fn icmp_statistics(icmp: &IcmpStatistics) -> String {
    let mut out = String::from("icmp:\n");
    let limited = icmp.drops_due_to_rate_limit;
    count(&mut out, COUNT, limited, "drops due to rate limit");
    count(
        &mut out,
        COUNT,
        icmp.calls_to_icmp_error,
        "calls to icmp_error",
    );
    for histogram in icmp
        .histogram
        .iter()
        .filter(|h| h.destination_unreachable > 0)
    {
        let _ = writeln!(out, "{COUNT}{}", histogram.type_of_histogram);
        let unreachable = histogram.destination_unreachable;
        count(&mut out, SUB_COUNT, unreachable, "destination unreachable");
    }
    out
}
