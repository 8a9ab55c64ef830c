//! Text of the L2TP show and clear replies in Junos' plain style: tables without borders
//! for the brief level, `Label: value` blocks for detail and extensive, the Packets/Bytes
//! table for statistics. The replies are typed (numbers, MIB state names, seconds); all of
//! the formatting lives here.

mod causes;
mod clear;
mod counters;
mod destination;
mod session;
mod summary;
mod tunnel;

pub use causes::disconnect_causes;
pub use clear::cleared;
pub use destination::destinations;
pub use session::sessions;
pub use summary::summary;
pub use tunnel::tunnels;

use schema::l2tp_rpc::{L2tpRole, Toggle};

/// `00:05:03`, and `3d 04:05:06` past a day: how every L2TP duration is shown.
pub fn duration(seconds: u64) -> String {
    let days = seconds / 86_400;
    let clock = format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60
    );
    if days > 0 {
        format!("{days}d {clock}")
    } else {
        clock
    }
}

/// A JNX-L2TP-MIB state name as the CLI shows it: `lns-ic-wait-connect` →
/// `Lns-ic-wait-connect` (only the first letter changes, as on Junos).
pub fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn toggle(t: Toggle) -> &'static str {
    match t {
        Toggle::Enabled => "Enabled",
        Toggle::Disabled => "Disabled",
    }
}

fn role(r: L2tpRole) -> &'static str {
    match r {
        L2tpRole::Lac => "LAC",
        L2tpRole::Lns => "LNS",
    }
}

fn yes_no(on: bool) -> &'static str {
    if on {
        "yes"
    } else {
        "no"
    }
}

/// An optional value, `-` when absent (the table cells and label values never go blank).
fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// A host name as shown: `-` while the peer has not told us its name.
fn name(value: &str) -> &str {
    if value.is_empty() {
        "-"
    } else {
        value
    }
}

/// A list at the level asked for: nothing when it is empty, the counters of each with
/// `statistics`, the brief table, or a label block each (extensive adds the counters).
fn by_level<T>(
    list: &[T],
    show: &schema::l2tp_rpc::L2tpShow,
    brief: impl Fn(&[T]) -> String,
    statistics: impl Fn(&T) -> String,
    detail: impl Fn(&T, bool) -> String,
) -> String {
    use schema::l2tp_rpc::Level;
    if list.is_empty() {
        return String::new();
    }
    if show.statistics {
        return blocks(list.iter().map(statistics));
    }
    match show.level {
        Level::Brief => brief(list),
        Level::Detail => blocks(list.iter().map(|item| detail(item, false))),
        Level::Extensive => blocks(list.iter().map(|item| detail(item, true))),
    }
}

/// The label blocks of several objects, a blank line between two.
fn blocks(blocks: impl IntoIterator<Item = String>) -> String {
    blocks.into_iter().collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use schema::l2tp_rpc::{
        L2tpDestination, L2tpDisconnectCauses, L2tpSession, L2tpSummary, L2tpTunnel,
    };

    /// What `show … LEVEL [statistics]` asks for, with no filter.
    pub fn at(level: schema::l2tp_rpc::Level, statistics: bool) -> schema::l2tp_rpc::L2tpShow {
        schema::l2tp_rpc::L2tpShow {
            level,
            statistics,
            filter: schema::l2tp_rpc::L2tpFilter::default(),
        }
    }

    // Realistic replies for the shell's tests.
    pub fn summary() -> L2tpSummary {
        super::summary::tests::sample()
    }
    pub fn destinations() -> Vec<L2tpDestination> {
        super::destination::tests::sample()
    }
    pub fn tunnels() -> Vec<L2tpTunnel> {
        super::tunnel::tests::sample()
    }
    pub fn sessions() -> Vec<L2tpSession> {
        super::session::tests::sample()
    }
    pub fn causes() -> L2tpDisconnectCauses {
        super::causes::tests::sample()
    }

    #[test]
    fn durations() {
        assert_eq!(duration(0), "00:00:00");
        assert_eq!(duration(303), "00:05:03");
        assert_eq!(duration(86_399), "23:59:59");
        assert_eq!(duration(86_400), "1d 00:00:00");
        assert_eq!(duration(3 * 86_400 + 4 * 3600 + 5 * 60 + 6), "3d 04:05:06");
    }

    #[test]
    fn states_capitalised() {
        assert_eq!(capitalised("established"), "Established");
        assert_eq!(capitalised("lns-ic-wait-connect"), "Lns-ic-wait-connect");
        assert_eq!(capitalised(""), "");
    }
}
