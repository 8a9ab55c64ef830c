//! `cargo build --release --bins && target/release/l2tp-config-bench [--profiles N]`
//!
//! Measures the configuration path at scale against a real daemon: a generated configuration
//! of N tunnel profiles and N domain maps (N = 10,000 gives over 100,000 lines), and prints a
//! table plus one machine-readable line.

use clap::Parser;
use l2tp_tests::{bigconfig, Client, DaemonProcess};
use schema::mgmt::{ConfigureMode, LoadMode, Reply, Request, Revision};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Tunnel profiles and domain maps to generate.
    #[arg(long, default_value_t = 10_000)]
    profiles: usize,
    /// Repetitions of each measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// RSS at rest: the daemon hands freed memory back right after it replies, so give it a
/// moment before reading.
fn rss_kib(pid: u32) -> u64 {
    std::thread::sleep(Duration::from_millis(300));
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn expect_done(reply: Reply) {
    assert!(
        matches!(reply, Reply::Done { .. }),
        "unexpected reply {reply:?}"
    );
}

fn main() {
    let args = Args::parse();
    let runs = args.runs.max(1);
    let text = bigconfig::brace_text(args.profiles);
    let lines = text.lines().count();
    let mut daemon = DaemonProcess::start();
    let pid = daemon.pid().expect("daemon pid");
    let rss_idle = rss_kib(pid);
    let mut c = Client::connect(&daemon.socket()).expect("connect");
    c.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });

    let (mut load, mut commit) = (Vec::new(), Vec::new());
    for run in 0..runs {
        // Alternate the host name so every run commits a real change.
        let variant = text.replace("bench-lac", &format!("bench-lac-{run}"));
        let t = Instant::now();
        expect_done(c.ok(&Request::Load {
            mode: LoadMode::Override,
            text: variant,
            relative: None,
        }));
        load.push(t.elapsed());
        let t = Instant::now();
        expect_done(c.ok(&Request::Commit {
            check: false,
            confirmed: None,
            comment: None,
            and_quit: false,
        }));
        commit.push(t.elapsed());
    }
    let load_commit: Vec<Duration> = load.iter().zip(&commit).map(|(a, b)| *a + *b).collect();
    // At rest: the configuration committed, no candidate being edited.
    let rss_committed = rss_kib(pid);

    let mut display_set = Vec::new();
    let mut set_lines = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(l2tp_tests::bin_path("cli"))
            .arg("--socket")
            .arg(daemon.socket())
            .arg("-c")
            .arg("show configuration | display set | no-more")
            .output()
            .expect("cli");
        display_set.push(t.elapsed());
        assert!(
            out.status.success(),
            "cli failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        set_lines = out.stdout.iter().filter(|b| **b == b'\n').count();
    }

    let mut compare = Vec::new();
    for run in 0..runs {
        let set = format!(
            "access tunnel-profile tp{} tunnel 1 max-sessions {}",
            args.profiles / 2,
            100 + run
        );
        expect_done(c.ok(&Request::Set {
            words: set.split(' ').map(String::from).collect(),
        }));
        let t = Instant::now();
        let reply = c.ok(&Request::Compare {
            words: vec![],
            base: Revision::Active,
            target: Revision::Candidate,
        });
        let Reply::Diff { blocks } = reply else {
            panic!("compare: {reply:?}")
        };
        let text = schema::print::diff_to_text(&blocks);
        compare.push(t.elapsed());
        assert!(
            text.contains("max-sessions"),
            "compare shows the change:\n{text}"
        );
    }

    // While an operator edits: the candidate is a second copy of the configuration.
    let rss_editing = rss_kib(pid);
    // A router that boots with this configuration reads it from the database instead of
    // parsing 150k lines: its memory is the configuration's, without the load's leftovers.
    expect_done(c.ok(&Request::Commit {
        check: false,
        confirmed: None,
        comment: None,
        and_quit: false,
    }));
    drop(c);
    daemon.restart();
    let rss_restarted = rss_kib(daemon.pid().expect("daemon pid"));
    println!(
        "configuration benchmark: {} profiles + {} domain maps = {lines} lines of brace text",
        args.profiles, args.profiles
    );
    println!(
        "{:<46}{:>12}{:>12}",
        "measurement (median of runs)", "result", "target"
    );
    let row = |name: &str, v: String, target: &str| println!("{name:<46}{v:>12}{target:>12}");
    row(
        "load override (daemon)",
        format!("{:.0} ms", ms(median(load))),
        "",
    );
    row(
        "commit (check, apply, persist)",
        format!("{:.0} ms", ms(median(commit))),
        "",
    );
    row(
        "load override + commit",
        format!("{:.0} ms", ms(median(load_commit.clone()))),
        "< 1000 ms",
    );
    row(
        &format!("cli: show configuration | display set ({set_lines} l)"),
        format!("{:.0} ms", ms(median(display_set.clone()))),
        "< 300 ms",
    );
    row(
        "show | compare, one changed line",
        format!("{:.1} ms", ms(median(compare.clone()))),
        "< 100 ms",
    );
    row(
        "l2tpd RSS before load",
        format!("{} MiB", rss_idle / 1024),
        "",
    );
    row(
        "l2tpd RSS, configuration committed",
        format!("{} MiB", rss_committed / 1024),
        "< 100 MiB",
    );
    row(
        "l2tpd RSS, with a candidate being edited",
        format!("{} MiB", rss_editing / 1024),
        "",
    );
    row(
        "l2tpd RSS, restarted with the configuration",
        format!("{} MiB", rss_restarted / 1024),
        "",
    );
    println!(
        "lines={lines} load_commit_ms={:.0} display_set_ms={:.0} compare_ms={:.1} rss_mib={} rss_editing_mib={} rss_restarted_mib={}",
        ms(median(load_commit)),
        ms(median(display_set)),
        ms(median(compare)),
        rss_committed / 1024,
        rss_editing / 1024,
        rss_restarted / 1024
    );
}
