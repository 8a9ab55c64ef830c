//! Which part of the configuration path grows faster than the configuration (issue 15, item 4).
//! `cargo run --release -p l2tp-tests --example config_scaling [-- 1000,5000,10000,20000]`
//!
//! In one process, no daemon: for each size, the fastest of several runs of each step that
//! `show | compare` and `commit` take, printed per profile as a ratio to the smallest size's.
//! The fastest run, not the median, because the machine is shared: other work only ever adds.

use std::time::{Duration, Instant};

use l2tp_tests::bigconfig;
use schema::tree::Node;

const RUNS: usize = 5;

fn fastest(mut f: impl FnMut()) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1000,5000,10000,20000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let steps = [
        "parse",
        "diff",
        "check",
        "check since",
        "share",
        "to_text",
        "to_json",
        "clone",
        "eq",
    ];
    println!("fastest of {RUNS}, µs per profile (ratio to the first size)");
    print!("{:>8}", "profiles");
    for s in steps {
        print!("{s:>16}");
    }
    println!();
    let mut first: Option<Vec<f64>> = None;
    for n in sizes {
        let text = bigconfig::brace_text(n);
        let mut active = Node::default();
        let parse = fastest(|| active = schema::parse::parse_config(&text).expect("parses"));
        let mut candidate = active.clone();
        let words: Vec<String> =
            format!("access tunnel-profile tp{} tunnel 1 max-sessions 77", n / 2)
                .split(' ')
                .map(String::from)
                .collect();
        schema::edit::set(&mut candidate, &words).expect("set");
        let mut blocks = Vec::new();
        let diff = fastest(|| blocks = schema::diff::diff(&active, &candidate, &[]));
        assert_eq!(blocks.len(), 1, "one changed block");
        let check = fastest(|| {
            schema::validate::check_and_view(&candidate).expect("checks");
        });
        // What a commit of the one-line change checks: the candidate against the committed
        // tree it shares everything else with.
        let (_, config) = schema::validate::check_and_view(&active).expect("checks");
        let previous = schema::validate::Checked {
            tree: &active,
            config: &config,
            has_inactive: false,
        };
        let check_since = fastest(|| {
            schema::validate::check_and_view_since(&candidate, Some(previous)).expect("checks");
        });
        // What a commit of `load override` does first: the parsed tree made to share what
        // it did not change with the committed one (a fresh parse each run, not timed).
        let variant = text.replace("bench-lac", "bench-lac-2");
        let share = (0..RUNS)
            .map(|_| {
                let mut loaded = schema::parse::parse_config(&variant).expect("parses");
                let t = Instant::now();
                loaded.share_with(&active);
                let elapsed = t.elapsed();
                drop(loaded);
                elapsed
            })
            .min()
            .unwrap_or_default();
        let to_text = fastest(|| {
            schema::print::to_text(&[], &candidate);
        });
        let to_json = fastest(|| {
            serde_json::to_vec(&candidate).expect("json");
        });
        let clone = fastest(|| {
            let _ = candidate.clone();
        });
        let eq = fastest(|| assert!(active != candidate));
        let per: Vec<f64> = [
            parse,
            diff,
            check,
            check_since,
            share,
            to_text,
            to_json,
            clone,
            eq,
        ]
        .iter()
        .map(|d| d.as_secs_f64() * 1e6 / n as f64)
        .collect();
        let base = first.get_or_insert_with(|| per.clone()).clone();
        print!("{n:>8}");
        for (p, b) in per.iter().zip(&base) {
            print!("{:>16}", format!("{p:.3} ({:.2})", p / b));
        }
        println!();
    }
}
