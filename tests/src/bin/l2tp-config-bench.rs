//! `cargo build --release --bins && target/release/l2tp-config-bench [--profiles N]`
//! `target/release/l2tp-config-bench --sizes 1000,5000,10000,20000 [--settle]`
//!
//! Measures the configuration path at scale against a real daemon: a generated configuration
//! of N tunnel profiles and N domain maps (N = 10,000 gives over 100,000 lines), and prints a
//! table plus one machine-readable line. With `--sizes`, one fresh daemon per size and a
//! scaling table: each figure per profile, as a ratio to the smallest size's (issue 15 wants
//! compare, commit and RSS linear within 25 %, i.e. every ratio at most 1.25).

use clap::Parser;
use l2tp_tests::{bigconfig, Client, DaemonProcess};
use schema::mgmt::{ConfigureMode, LoadMode, Reply, Request, Revision};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// Tunnel profiles and domain maps to generate.
    #[arg(long, default_value_t = 10_000)]
    profiles: usize,
    /// Repetitions of each measurement (the median is reported); with `--sizes`, a size
    /// N times smaller than the largest repeats min(N, 8) times as often.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Several sizes in one run (comma-separated profile counts): prints the scaling table.
    #[arg(long, value_delimiter = ',')]
    sizes: Vec<usize>,
    /// Before each `load override` and each `commit`, wait until the daemon has stopped
    /// using CPU, so what the previous request does after its answer (the allocator's trim,
    /// the replaced configuration freed) is not counted in the next one's figure.
    #[arg(long)]
    settle: bool,
}

/// One size's figures (medians of the runs).
struct Figures {
    profiles: usize,
    lines: usize,
    load: Duration,
    commit: Duration,
    load_commit: Duration,
    /// The daemon's CPU time for the same requests.
    load_cpu: Duration,
    commit_cpu: Duration,
    /// The cheapest of the runs: the small sizes' medians swing with the machine, and the
    /// minimum is the figure least moved by other work.
    commit_cpu_min: Duration,
    compare_cpu: Duration,
    display_set: Duration,
    set_lines: usize,
    compare: Duration,
    /// The commit of the one-line change `compare` showed (the candidate shares every
    /// untouched subtree with the active configuration).
    commit_small: Duration,
    commit_small_cpu: Duration,
    rss_idle: u64,
    rss_committed: u64,
    rss_editing: u64,
    rss_restarted: u64,
}

/// `commit`, as an operator types it.
const PLAIN_COMMIT: Request = Request::Commit {
    check: false,
    confirmed: None,
    comment: None,
    and_quit: false,
};

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

/// CPU time the daemon has used, all threads, in nanoseconds (the scheduler's own count, so
/// the figures hold on a machine busy with other work, where wall time does not).
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
        })
        .sum()
}

/// Minor page faults of the daemon so far, all threads (`/proc/PID/stat`, field 10): a
/// commit that runs on memory the kernel has to hand out again costs more than one that
/// reuses the heap (docs/performance.md, "Stage h72").
fn minor_faults(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            // After the command name, which is in parentheses and may hold spaces.
            let rest = &s[s.rfind(')')? + 1..];
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// CPU time of the daemon's threads by name, in nanoseconds: says whether a slow commit is
/// the management thread's own work or another thread running beside it.
fn cpu_by_thread(pid: u32) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for t in tasks.flatten() {
        let name = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
        let ns = std::fs::read_to_string(t.path().join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
            .unwrap_or(0u64);
        *out.entry(name.trim().to_string()).or_default() += ns;
    }
    out
}

/// The machine's stolen time so far (`/proc/stat`, in clock ticks of 10 ms): time the
/// hypervisor gave this virtual machine's CPUs to someone else.
fn steal_ticks() -> u64 {
    std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            let cpu = s.lines().next()?.to_string();
            cpu.split_whitespace().nth(8)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Waits until the daemon has stopped using CPU (less than 1 ms in 50 ms; at most 5 s) and
/// returns the CPU it used meanwhile: what a request does after its answer is sent (a
/// commit frees the configuration it replaced, and the allocator is trimmed after a large
/// request) would otherwise be counted in the next request's figure.
fn settle(pid: u32) -> Duration {
    let (start, t) = (cpu_ns(pid), Instant::now());
    let mut last = start;
    while t.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
        let now = cpu_ns(pid);
        if now.saturating_sub(last) < 1_000_000 {
            return Duration::from_nanos(now.saturating_sub(start));
        }
        last = now;
    }
    Duration::from_nanos(last.saturating_sub(start))
}

/// Wall time and the daemon's CPU time of one request.
fn timed<T>(pid: u32, f: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let (cpu, t) = (cpu_ns(pid), Instant::now());
    let out = f();
    let wall = t.elapsed();
    (
        out,
        wall,
        Duration::from_nanos(cpu_ns(pid).saturating_sub(cpu)),
    )
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
    if args.sizes.is_empty() {
        report(&measure(args.profiles, runs, args.settle));
    } else {
        // The smaller sizes repeat more, up to 8 times as often: every ratio divides by the
        // smallest size's cost per profile, a commit of a few milliseconds whose median moved
        // by a third from one run of the bench to the next (docs/performance.md).
        let largest = args.sizes.iter().copied().max().unwrap_or(1);
        let figures: Vec<Figures> = args
            .sizes
            .iter()
            .map(|n| {
                let repeat = (largest / (*n).max(1)).clamp(1, 8);
                measure(*n, runs * repeat, args.settle)
            })
            .collect();
        scaling(&figures);
    }
}

fn measure(profiles: usize, runs: usize, settled: bool) -> Figures {
    let text = bigconfig::brace_text(profiles);
    let lines = text.lines().count();
    let mut daemon = DaemonProcess::start();
    let pid = daemon.pid().expect("daemon pid");
    let rss_idle = rss_kib(pid);
    let mut c = Client::connect(&daemon.socket()).expect("connect");
    c.ok(&Request::Configure {
        mode: ConfigureMode::Shared,
    });

    let (mut load, mut commit) = (Vec::new(), Vec::new());
    let (mut load_cpu, mut commit_cpu, mut compare_cpu) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        // Alternate the host name so every run commits a real change.
        let variant = text.replace("bench-lac", &format!("bench-lac-{run}"));
        let after_commit = if settled { settle(pid) } else { Duration::ZERO };
        let (reply, wall, cpu) = timed(pid, || {
            c.ok(&Request::Load {
                mode: LoadMode::Override,
                text: variant,
                relative: None,
            })
        });
        expect_done(reply);
        load.push(wall);
        load_cpu.push(cpu);
        let after_load = if settled { settle(pid) } else { Duration::ZERO };
        let (faults, threads, steal) = (minor_faults(pid), cpu_by_thread(pid), steal_ticks());
        let (reply, wall, cpu) = timed(pid, || c.ok(&PLAIN_COMMIT));
        let faults = minor_faults(pid).saturating_sub(faults);
        let steal = steal_ticks().saturating_sub(steal);
        let by_thread: Vec<String> = cpu_by_thread(pid)
            .into_iter()
            .map(|(name, ns)| {
                (
                    name.clone(),
                    ns.saturating_sub(threads.get(&name).copied().unwrap_or(0)),
                )
            })
            .filter(|(_, ns)| *ns >= 1_000_000)
            .map(|(name, ns)| format!("{name}:{:.1}", ns as f64 / 1e6))
            .collect();
        expect_done(reply);
        // A small request right after the commit's answer, as a script's next line: it waits
        // for whatever the management thread still does for the commit after answering.
        let t = Instant::now();
        c.ok(&Request::ShowSystemCommit);
        let next = t.elapsed();
        // Each run on its own line: the median hides which of the runs was slow, and the
        // first run's commit replaces an empty configuration, the others a full one.
        println!(
            "run profiles={profiles} run={run} load_ms={:.1} load_cpu_ms={:.1} commit_cpu_ms={:.1} commit_ms={:.1} commit_minor_faults={faults} steal_ticks={steal} threads_ms={} after_load_cpu_ms={:.1} after_previous_commit_cpu_ms={:.1} next_request_after_commit_ms={:.1}",
            ms(load[run]),
            ms(load_cpu[run]),
            ms(cpu),
            ms(wall),
            by_thread.join(","),
            ms(after_load),
            ms(after_commit),
            ms(next)
        );
        commit.push(wall);
        commit_cpu.push(cpu);
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
            profiles / 2,
            100 + run
        );
        expect_done(c.ok(&Request::Set {
            words: set.split(' ').map(schema::edit::Arg::from).collect(),
        }));
        let t = Instant::now();
        let cpu = cpu_ns(pid);
        let reply = c.ok(&Request::Compare {
            words: vec![],
            base: Revision::Active,
            target: Revision::Candidate,
        });
        compare_cpu.push(Duration::from_nanos(cpu_ns(pid).saturating_sub(cpu)));
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
    let (reply, commit_small, commit_small_cpu) = timed(pid, || c.ok(&PLAIN_COMMIT));
    expect_done(reply);
    drop(c);
    daemon.restart();
    let rss_restarted = rss_kib(daemon.pid().expect("daemon pid"));
    Figures {
        profiles,
        lines,
        load: median(load),
        commit: median(commit),
        load_commit: median(load_commit),
        load_cpu: median(load_cpu),
        commit_cpu_min: commit_cpu.iter().copied().min().unwrap_or_default(),
        commit_cpu: median(commit_cpu),
        compare_cpu: median(compare_cpu),
        display_set: median(display_set),
        set_lines,
        compare: median(compare),
        commit_small,
        commit_small_cpu,
        rss_idle,
        rss_committed,
        rss_editing,
        rss_restarted,
    }
}

fn report(f: &Figures) {
    let (lines, set_lines) = (f.lines, f.set_lines);
    println!(
        "configuration benchmark: {} profiles + {} domain maps = {lines} lines of brace text",
        f.profiles, f.profiles
    );
    println!(
        "{:<46}{:>12}{:>12}",
        "measurement (median of runs)", "result", "target"
    );
    let row = |name: &str, v: String, target: &str| println!("{name:<46}{v:>12}{target:>12}");
    row(
        "load override (daemon)",
        format!("{:.0} ms", ms(f.load)),
        "",
    );
    row(
        "commit (check, apply, persist)",
        format!("{:.0} ms", ms(f.commit)),
        "",
    );
    row(
        "load override + commit",
        format!("{:.0} ms", ms(f.load_commit)),
        "< 1000 ms",
    );
    row(
        &format!("cli: show configuration | display set ({set_lines} l)"),
        format!("{:.0} ms", ms(f.display_set)),
        "< 300 ms",
    );
    row(
        "show | compare, one changed line",
        format!("{:.1} ms", ms(f.compare)),
        "< 100 ms",
    );
    row(
        "l2tpd RSS before load",
        format!("{} MiB", f.rss_idle / 1024),
        "",
    );
    row(
        "l2tpd RSS, configuration committed",
        format!("{} MiB", f.rss_committed / 1024),
        "< 100 MiB",
    );
    row(
        "l2tpd RSS, with a candidate being edited",
        format!("{} MiB", f.rss_editing / 1024),
        "",
    );
    row(
        "l2tpd RSS, restarted with the configuration",
        format!("{} MiB", f.rss_restarted / 1024),
        "",
    );
    println!(
        "lines={lines} load_commit_ms={:.0} display_set_ms={:.0} compare_ms={:.1} rss_mib={} rss_editing_mib={} rss_restarted_mib={}",
        ms(f.load_commit),
        ms(f.display_set),
        ms(f.compare),
        f.rss_committed / 1024,
        f.rss_editing / 1024,
        f.rss_restarted / 1024
    );
}

/// Per-profile cost at each size against the smallest size's: 1.00 is linear.
fn scaling(figures: &[Figures]) {
    let Some(first) = figures.first() else {
        return;
    };
    let per = |v: f64, n: usize| v / n.max(1) as f64;
    // RSS grown by the configuration: the daemon's RSS before the load is not the config's.
    let grown = |f: &Figures| f.rss_committed.saturating_sub(f.rss_idle) as f64;
    println!(
        "configuration scaling: N tunnel profiles + N domain maps, median of runs (and the commit's minimum); ratio = cost per profile / cost per profile at {}",
        first.profiles
    );
    println!(
        "wall time, then the daemon's CPU time (the scheduler's count: it holds on a busy machine)"
    );
    println!(
        "{:>8}{:>9}{:>15}{:>15}{:>15}{:>15}{:>15}{:>16}{:>15}{:>18}{:>11}",
        "profiles",
        "lines",
        "compare ms",
        "commit ms",
        "load ms",
        "compare cpu",
        "commit cpu",
        "commit cpu min",
        "load cpu",
        "RSS MiB (grown)",
        "restarted"
    );
    for f in figures {
        let cell = |v: f64, base: f64| {
            format!(
                "{v:.1} ({:.2})",
                per(v, f.profiles) / per(base, first.profiles)
            )
        };
        println!(
            "{:>8}{:>9}{:>15}{:>15}{:>15}{:>15}{:>15}{:>16}{:>15}{:>18}{:>11}",
            f.profiles,
            f.lines,
            cell(ms(f.compare), ms(first.compare)),
            cell(ms(f.commit), ms(first.commit)),
            cell(ms(f.load), ms(first.load)),
            cell(ms(f.compare_cpu), ms(first.compare_cpu)),
            cell(ms(f.commit_cpu), ms(first.commit_cpu)),
            cell(ms(f.commit_cpu_min), ms(first.commit_cpu_min)),
            cell(ms(f.load_cpu), ms(first.load_cpu)),
            format!(
                "{} ({:.2})",
                f.rss_committed / 1024,
                per(grown(f), f.profiles) / per(grown(first), first.profiles)
            ),
            format!("{} MiB", f.rss_restarted / 1024),
        );
    }
    println!("commit of the one-line change (one run): wall / CPU, CPU ratio as above");
    for f in figures {
        println!(
            "{:>8}{:>12.1} ms{:>12.1} ms ({:.2})",
            f.profiles,
            ms(f.commit_small),
            ms(f.commit_small_cpu),
            per(ms(f.commit_small_cpu), f.profiles)
                / per(ms(first.commit_small_cpu), first.profiles)
        );
    }
    for f in figures {
        println!(
            "profiles={} compare_ms={:.1} commit_ms={:.0} load_ms={:.0} compare_cpu_ms={:.1} commit_cpu_ms={:.0} commit_cpu_min_ms={:.1} load_cpu_ms={:.0} rss_mib={} rss_idle_mib={} rss_restarted_mib={}",
            f.profiles,
            ms(f.compare),
            ms(f.commit),
            ms(f.load),
            ms(f.compare_cpu),
            ms(f.commit_cpu),
            ms(f.commit_cpu_min),
            ms(f.load_cpu),
            f.rss_committed / 1024,
            f.rss_idle / 1024,
            f.rss_restarted / 1024
        );
    }
}
