//! What an IPCP address costs the LNS's pools (one allocation and its release, the pool
//! 90 % full so the search is not trivially short): one pool; the same with the
//! `high-utilization` / `abated-utilization` marks set (each change of use measures the
//! pool's linked set); 200 pools, without and with the marks (every pool is asked whether
//! it holds the address, as pools may overlap); and a chain of four linked pools whose first three are full (the search
//! falls over to the fourth). Reported in allocations/s, one thread.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use l2tpd::subscriber::address_pool::AddressPools;

fn pools(lines: &str) -> AddressPools {
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), lines)
        .expect("set lines parse");
    schema::validate::check(&tree).expect("commits");
    let config = schema::typed::router_config(&tree);
    let mut pools = AddressPools::new();
    pools.set_utilization_marks(config.pool_utilization);
    pools.configure(&config.address_pools);
    pools
}

/// `pool NAME` over 127.X.Y.0/24 with `.2`–`.254` (253 addresses) in one range.
fn pool(name: &str, x: u32, y: u32) -> String {
    let at = format!("set access address-assignment pool {name} family inet");
    format!(
        "{at} network 127.{x}.{y}.0/24\n\
         {at} range r low 127.{x}.{y}.2\n\
         {at} range r high 127.{x}.{y}.254\n"
    )
}

const MARKS: &str = "set access address-assignment high-utilization 95\n\
                     set access address-assignment abated-utilization 50\n";

/// Fills `pool` to 90 % (or full), then measures allocate + release.
fn bench_cycle(c: &mut Criterion, name: &str, mut pools: AddressPools, pool: &str, fill: u64) {
    for holder in 0..fill {
        pools.allocate(Some(pool), holder).expect("room");
    }
    let mut group = c.benchmark_group("address_pool");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| {
        b.iter(|| {
            let lease = pools
                .allocate(Some(black_box(pool)), 1 << 40)
                .expect("room");
            pools.release(black_box(lease.address));
        })
    });
    group.finish();
}

fn address_pool(c: &mut Criterion) {
    bench_cycle(c, "one pool", pools(&pool("P", 16, 0)), "P", 228);
    bench_cycle(
        c,
        "one pool, utilization marks",
        pools(&format!("{}{MARKS}", pool("P", 16, 0))),
        "P",
        228,
    );
    let many: String = (0..200)
        .map(|n| pool(&format!("P{n:03}"), 16 + n / 200, n % 200))
        .collect();
    bench_cycle(c, "200 pools", pools(&many), "P199", 228);
    bench_cycle(
        c,
        "200 pools, utilization marks",
        pools(&format!("{many}{MARKS}")),
        "P199",
        228,
    );
    let chain: String = (0..4)
        .map(|n| {
            let link = if n < 3 {
                format!("set access address-assignment pool C{n} link C{}\n", n + 1)
            } else {
                String::new()
            };
            format!("{}{link}", pool(&format!("C{n}"), 16, n))
        })
        .collect();
    bench_cycle(
        c,
        "chain of 4, first 3 full",
        pools(&chain),
        "C0",
        3 * 253 + 228,
    );
}

criterion_group!(benches, address_pool);
criterion_main!(benches);
