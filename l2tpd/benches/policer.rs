//! What a term's policer adds to a filter's judgement of one packet (the per-packet cost on
//! both data paths): the speed-plan filter (`then { policer P; accept; }`) against the same
//! filter without the policer, within the profile (the bucket never empty) and out of it
//! (every packet discarded). Reported in packets/s, one thread.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::{Duration, Instant};

use l2tpd::firewall::{Direction, FilterInstance, Firewall};

fn instance(lines: &str) -> std::sync::Arc<FilterInstance> {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::validate::check(&tree).expect("commits");
    let mut firewall = Firewall::default();
    firewall.configure(&schema::typed::router_config(&tree));
    firewall
        .attach("PLAN", "si-0/0/0.5", Direction::Input)
        .expect("configured")
}

fn plan(bandwidth: &str, policed: bool) -> String {
    let then = if policed {
        "then policer P"
    } else {
        "then count c"
    };
    format!(
        "set firewall policer P if-exceeding bandwidth-limit {bandwidth}\n\
         set firewall policer P if-exceeding burst-size-limit 1500\n\
         set firewall policer P then discard\n\
         set firewall family inet filter PLAN interface-specific\n\
         set firewall family inet filter PLAN term 1 {then}\n\
         set firewall family inet filter PLAN term 1 then accept\n"
    )
}

/// A 100-byte UDP packet, 127.0.0.10 → 127.1.2.3.
fn packet() -> Vec<u8> {
    let mut p = vec![
        0x45, 0, 0, 100, 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 10, 127, 1, 2, 3,
    ];
    p.extend_from_slice(&[0x9c, 0x40, 0, 80, 0, 80, 0, 0]);
    p.resize(100, 0);
    p
}

fn judge(c: &mut Criterion) {
    let packet = packet();
    let mut group = c.benchmark_group("filter judge, 100-byte packet");
    group.throughput(Throughput::Elements(1));
    let start = Instant::now();
    for (name, lines) in [
        ("no policer", plan("100g", false)),
        // 100 Gbit/s: a 100-byte packet each 8 ns passes; the bench's clock moves 10 ns a
        // packet, so the bucket never runs dry.
        ("policer, within the profile", plan("100g", true)),
        // 8 kbit/s earns a hundredth of a byte in 10 ns: every packet after the burst is
        // discarded.
        ("policer, out of profile", plan("8k", true)),
    ] {
        let instance = instance(&lines);
        let mut at = start;
        group.bench_function(name, |b| {
            b.iter(|| {
                at += Duration::from_nanos(10);
                black_box(instance.judge(black_box(&packet), at))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, judge);
criterion_main!(benches);
