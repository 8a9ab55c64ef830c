//! Reading what the operational commands print, for tests that drive them through `cli -c`:
//! the IDs a `test services l2tp tunnel` reports, and the leaves of `| display json` output
//! (Junos JSON: every element an array of objects, every leaf `[{"data": "…"}]`).

use serde_json::Value;

use crate::daemon::{output_text, DaemonProcess};

/// Runs `command` through `cli -c` and returns its output; panics with the output when it
/// fails (tests only).
pub fn run_ok(daemon: &DaemonProcess, command: &str) -> String {
    let out = daemon.run(command);
    let text = output_text(&out);
    assert!(out.status.success(), "'{command}' failed:\n{text}");
    text
}

/// Runs `command | display json` and parses it; panics when it fails (tests only).
pub fn show_json(daemon: &DaemonProcess, command: &str) -> Value {
    let text = run_ok(daemon, &format!("{command} | display json | no-more"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("'{command}': {e}\n{text}"))
}

/// `Tunnel 17967, session 40553: ...` → (17967, 40553).
pub fn tunnel_test_ids(shown: &str) -> Option<(u16, u16)> {
    let rest = shown.strip_prefix("Tunnel ")?;
    let (tunnel, rest) = rest.split_once(", session ")?;
    let (session, _) = rest.split_once(':')?;
    Some((tunnel.parse().ok()?, session.parse().ok()?))
}

/// The objects of element `name` under `parent` (empty when absent).
pub fn elements<'a>(parent: &'a Value, name: &str) -> Vec<&'a Value> {
    parent
        .get(name)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// The text of leaf `name` under `parent`, if present.
pub fn leaf(parent: &Value, name: &str) -> Option<String> {
    let data = elements(parent, name).first()?.get("data")?;
    match data {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Leaf `name` as a number; panics with the object when it is missing or not a number.
pub fn number(parent: &Value, name: &str) -> u64 {
    leaf(parent, name)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no number '{name}' in {parent}"))
}

/// The list under a reply root: `{"ROOT": [{"ITEM": [...]}]}` → the ITEM objects.
pub fn rows<'a>(json: &'a Value, root: &str, item: &str) -> Vec<&'a Value> {
    elements(json, root)
        .first()
        .map(|r| elements(r, item))
        .unwrap_or_default()
}

/// The rows of `show subscribers | display json`.
pub fn subscribers(daemon: &DaemonProcess) -> Vec<Value> {
    let json = show_json(daemon, "show subscribers");
    rows(&json, "subscribers-information", "subscriber")
        .into_iter()
        .cloned()
        .collect()
}

/// The totals of `show pppoe statistics | display json` (every port's counters summed).
pub fn pppoe_totals(daemon: &DaemonProcess) -> Value {
    let shown = show_json(daemon, "show pppoe statistics");
    let statistics = elements(&shown, "pppoe-statistics-information");
    let totals = statistics.first().map(|s| elements(s, "totals"));
    let totals = totals.and_then(|t| t.first().copied().cloned());
    totals.unwrap_or_else(|| panic!("no totals in {shown}"))
}

/// CPU time (user + system) of the calling thread so far.
pub fn thread_cpu() -> Result<std::time::Duration, String> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_THREAD).map_err(|e| format!("getrusage: {e}"))?;
    let time = |t: nix::sys::time::TimeVal| {
        std::time::Duration::from_secs(t.tv_sec() as u64)
            + std::time::Duration::from_micros(t.tv_usec() as u64)
    };
    Ok(time(usage.user_time()) + time(usage.system_time()))
}
