//! Parse, print and compare a large configuration: every outermost list of `table::ROOT`
//! (tunnel profiles, domain maps, ...) filled with 10,000 entries, every leaf set.

use criterion::{criterion_group, criterion_main, Criterion};
use schema::def::{Kind, Stmt, Type};
use schema::{diff, parse, print, table, Node, NodeId};
use std::hint::black_box;

const ENTRIES: u64 = 10_000;

/// A valid value of `ty`, varied by `n` where the type allows.
fn value(ty: Type, n: u64) -> Option<String> {
    let v = match ty {
        Type::Uint { min, max }
        | Type::UintOr { min, max, .. }
        | Type::Size { min, max }
        | Type::Decimal { min, max } => (min + n % (max - min + 1)).to_string(),
        Type::Int { min, max } => (min + (n as i64) % (max - min + 1)).to_string(),
        Type::Oid => format!("1.3.6.1.{n}"),
        Type::Ipv4 | Type::Ipv4Host | Type::IpAddr | Type::IpAddrOr(_) => {
            format!("198.18.{}.{}", (n >> 8) & 0xff, n & 0xff)
        }
        Type::Ipv4Prefix | Type::Ipv4MatchPrefix | Type::IpPrefix => {
            format!("198.18.{}.0/24", n & 0xff)
        }
        Type::Enum(choices) => choices.first()?.to_string(),
        Type::Str { .. } => format!("entry {n}"),
        Type::Identifier { .. } | Type::ClientName | Type::WildcardName { .. } => format!("n{n}"),
        Type::Interface => format!("ge-0/{}/{}", n / 100, n % 100),
        Type::VlanTag => (1 + n % 4094).to_string(),
        // Secrets need the obfuscation code; leave them out of the text benchmark.
        Type::Secret => return None,
        Type::OrVariable(inner) => return value(*inner, n),
    };
    ty.check(&v).ok()
}

fn fill(stmt: &'static Stmt, node: &mut Node, n: u64, in_list: bool) {
    for child in stmt.children {
        match child.kind {
            Kind::Container => fill(
                child,
                node.children.entry(NodeId::new(child.name)).or_default(),
                n,
                in_list,
            ),
            Kind::List(ty) => {
                let count = if in_list { 1 } else { ENTRIES };
                for i in 0..count {
                    let Some(key) = value(ty, i) else { break };
                    let entry = node
                        .children
                        .entry(NodeId::entry(child.name, key))
                        .or_default();
                    fill(child, entry, i, true);
                }
            }
            Kind::Leaf(ty) | Kind::LeafList(ty) => {
                if let Some(v) = value(ty, n) {
                    node.children.insert(
                        NodeId::new(child.name),
                        Node {
                            values: [v].into(),
                            ..Node::default()
                        },
                    );
                }
            }
            Kind::Flag => {
                node.children
                    .insert(NodeId::new(child.name), Node::default());
            }
        }
    }
}

fn big_config() -> (String, Node) {
    let mut tree = Node::default();
    fill(&table::ROOT, &mut tree, 0, false);
    // Round through the text so the tree is in canonical order.
    let text = print::to_text(&[], &tree);
    let tree = parse::parse_config(&text)
        .unwrap_or_else(|e| panic!("generated config does not parse: {e}"));
    (text, tree)
}

/// The same tree with the value of its last leaf changed (a one-line change).
fn one_line_changed(tree: &Node) -> Node {
    fn change(node: &mut Node) -> bool {
        for (_, child) in node.children.iter_mut().rev() {
            if child.children.is_empty() && child.values.len() == 1 {
                child.values[0].push('0');
                return true;
            }
            if change(child) {
                return true;
            }
        }
        false
    }
    let mut changed = tree.clone();
    change(&mut changed);
    changed
}

fn benches(c: &mut Criterion) {
    let (text, tree) = big_config();
    eprintln!(
        "config: {} lines, {} nodes",
        text.lines().count(),
        tree.count()
    );
    let changed = one_line_changed(&tree);
    c.bench_function("parse_config", |b| {
        b.iter(|| parse::parse_config(black_box(&text)))
    });
    c.bench_function("to_text", |b| {
        b.iter(|| print::to_text(&[], black_box(&tree)))
    });
    c.bench_function("to_set_lines", |b| {
        b.iter(|| print::to_set_lines(&[], black_box(&tree)))
    });
    c.bench_function("diff_one_line", |b| {
        b.iter(|| diff::diff(black_box(&tree), black_box(&changed), &[]))
    });
}

criterion_group! {
    name = config_text;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(config_text);
