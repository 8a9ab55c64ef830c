//! The commit's own work on a loaded configuration, once per step, for an instruction count
//! (issue 15, item 4; docs/performance.md, "Stage h89"). Natively it prints each step's time;
//! its use is under callgrind, which counts instructions and simulated cache misses whatever
//! else the shared machine runs:
//!
//! ```sh
//! cargo build --release -p l2tp-tests --example commit_work
//! valgrind --tool=callgrind --cache-sim=yes --dump-instr=no \
//!   --toggle-collect='commit_work::check_step' --toggle-collect='commit_work::text_step' \
//!   target/release/examples/commit_work 20000
//! ```
//!
//! As the daemon commits a `load override`: the committed configuration and the loaded one
//! are parsed separately (they share nothing), and the loaded one is checked against the
//! committed one and printed as the recovery copy's text.

use std::time::Instant;

use l2tp_tests::bigconfig;
use schema::tree::Node;

#[inline(never)]
fn check_step(loaded: &Node, previous: schema::validate::Checked<'_>) -> schema::validate::Passed {
    match schema::validate::check_since(loaded, Some(previous)) {
        Ok(passed) => passed,
        Err((errors, summary)) => panic!("{summary}: {errors:?}"),
    }
}

#[inline(never)]
fn text_step(loaded: &Node) -> String {
    schema::print::to_text(&[], loaded)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let text = bigconfig::brace_text(n);
    let active = schema::parse::parse_config(&text).expect("parses");
    let (_, config) = schema::validate::check_and_view(&active).expect("checks");
    let loaded =
        schema::parse::parse_config(&text.replace("bench-lac", "bench-lac-2")).expect("parses");
    let previous = schema::validate::Checked {
        tree: &active,
        config: &config,
        has_inactive: false,
    };
    let t = Instant::now();
    let passed = check_step(&loaded, previous);
    let check = t.elapsed();
    let t = Instant::now();
    let printed = text_step(&loaded);
    let print = t.elapsed();
    println!(
        "{n} profiles: check {:.1} ms ({} warnings), text {:.1} ms ({} bytes)",
        check.as_secs_f64() * 1e3,
        passed.warnings.len(),
        print.as_secs_f64() * 1e3,
        printed.len()
    );
}
