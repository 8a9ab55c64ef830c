//! Tab completion and `?` help: how long the shell takes to list what may follow a partly typed
//! line. It walks only the schema table, so the configuration's size does not matter.
//! `cargo bench -p cli --bench completion`

use cli::shell::help::{self, Where};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn completion(c: &mut Criterion) {
    let split: cli::shell::Splitter = schema::tokenize::split_words;
    let cases = [
        (
            "config: first word",
            Where::Configuration { level: &[] },
            "se",
        ),
        (
            "config: deep path",
            Where::Configuration { level: &[] },
            "set access tunnel-profile tp1 tunnel 1 remote-gateway a",
        ),
        (
            "config: services l2tp ?",
            Where::Configuration { level: &[] },
            "set services l2tp ",
        ),
        ("operational: show ?", Where::Operational, "show "),
    ];
    for (name, at, before) in cases {
        c.bench_function(name, |b| {
            b.iter(|| {
                help::completions(
                    black_box(at),
                    split,
                    black_box(before),
                    &mut help::no_values,
                )
            })
        });
    }
}

criterion_group!(benches, completion);
criterion_main!(benches);
