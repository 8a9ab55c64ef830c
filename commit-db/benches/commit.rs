//! A 100,000-line configuration (10,000 tunnel profiles, ~200k nodes) must commit in well
//! under 0.5 s (serialise, write, fsync, text copy) and read back in under 0.2 s.

use commit_db::{CommitMeta, ConfigStore, RedbStore};
use criterion::{criterion_group, criterion_main, Criterion};
use schema::mgmt::ClientKind;
use schema::{Node, NodeId};
use std::hint::black_box;
use std::time::Duration;

const PROFILES: u32 = 10_000;

fn leaf(node: &mut Node, path: &[NodeId], value: String) {
    node.ensure(path).values.push(value);
}

/// About twenty nodes and twenty printed lines per tunnel profile (the brief's ~200k nodes).
fn large_tree() -> Node {
    let mut root = Node::default();
    leaf(
        &mut root,
        &[NodeId::new("system"), NodeId::new("host-name")],
        "lns-bench".into(),
    );
    let access = root.ensure(&[NodeId::new("access")]);
    for p in 0..PROFILES {
        let profile = access.ensure(&[NodeId::entry("tunnel-profile", format!("tp{p:05}"))]);
        let tunnel = profile.ensure(&[NodeId::entry("tunnel", "1")]);
        leaf(tunnel, &[NodeId::new("tunnel-type")], "l2tp".into());
        let third = (p / 250) % 256;
        let fourth = p % 250 + 1;
        leaf(
            tunnel,
            &[NodeId::new("remote-gateway"), NodeId::new("address")],
            format!("198.18.{third}.{fourth}"),
        );
        leaf(
            tunnel,
            &[NodeId::new("remote-gateway"), NodeId::new("gateway-name")],
            format!("lns-{p}"),
        );
        leaf(
            tunnel,
            &[NodeId::new("source-gateway"), NodeId::new("address")],
            "198.19.0.1".into(),
        );
        leaf(tunnel, &[NodeId::new("secret")], format!("$9$bench{p:08x}"));
        leaf(tunnel, &[NodeId::new("hello-interval")], "60".into());
        leaf(tunnel, &[NodeId::new("max-sessions")], "4000".into());
        leaf(tunnel, &[NodeId::new("preference")], (p % 8).to_string());
        leaf(
            tunnel,
            &[NodeId::new("identification")],
            format!("tunnel-{p}"),
        );
        leaf(tunnel, &[NodeId::new("medium")], "ipv4".into());
        for (keyword, value) in [
            ("receive-window", "16"),
            ("retransmit-interval", "1"),
            ("max-retransmissions", "5"),
            ("idle-timeout", "0"),
            ("hide-avps", "true"),
            ("assignment-id", "lac-pool"),
        ] {
            leaf(tunnel, &[NodeId::new(keyword)], value.to_string());
        }
    }
    root
}

/// Roughly what the printer produces: one line per leaf plus braces.
fn large_text(tree: &Node) -> String {
    fn render(node: &Node, depth: usize, out: &mut String) {
        for (id, child) in &node.children {
            let indent = "    ".repeat(depth);
            if child.children.is_empty() {
                out.push_str(&format!("{indent}{id} {};\n", child.values.join(" ")));
            } else {
                out.push_str(&format!("{indent}{id} {{\n"));
                render(child, depth + 1, out);
                out.push_str(&format!("{indent}}}\n"));
            }
        }
    }
    let mut out = String::new();
    render(tree, 0, &mut out);
    out
}

fn bench(c: &mut Criterion) {
    let tree = large_tree();
    let text = large_text(&tree);
    eprintln!(
        "tree: {} nodes, {} lines of text",
        tree.count(),
        text.lines().count()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = RedbStore::open(dir.path(), None, 0).expect("open");

    // Every benchmark below, run alone or filtered, sees the large tree as rollback 0.
    store
        .commit(&tree, &text, CommitMeta::new("bench", 1, ClientKind::Cli))
        .expect("first commit");

    let mut group = c.benchmark_group("config-100k-lines");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let mut time = 1;
    group.bench_function("commit", |b| {
        b.iter(|| {
            time += 1;
            store
                .commit(
                    black_box(&tree),
                    &text,
                    CommitMeta::new("bench", time, ClientKind::Cli),
                )
                .expect("commit")
        })
    });
    // Freeing a 200k-node tree costs tens of milliseconds of its own; it is the caller's
    // cost whenever it lets go of the tree, not part of reading it back.
    group.bench_function("read-active", |b| {
        b.iter_with_large_drop(|| store.active().expect("read"))
    });
    group.bench_function("set-candidate", |b| {
        b.iter(|| {
            store
                .set_shared_candidate(Some(black_box(&tree)))
                .expect("set")
        })
    });
    group.bench_function("history", |b| b.iter(|| store.history().expect("history")));
    group.finish();
    drop(store);

    let mut group = c.benchmark_group("config-100k-lines-reopen");
    group.sample_size(10);
    group.bench_function("open", |b| {
        b.iter(|| RedbStore::open(dir.path(), None, 0).expect("reopen"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
