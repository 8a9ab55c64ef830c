#![allow(dead_code)] // each test binary uses a different subset

use commit_db::{CommitMeta, ConfigStore, RedbStore};
use schema::mgmt::ClientKind;
use schema::{Node, NodeId};
use std::path::Path;

pub const T0: i64 = 1_760_000_000;

/// A configuration that differs per `n`, so revisions can be told apart.
pub fn config(n: u32) -> Node {
    let mut root = Node::default();
    root.ensure(&[NodeId::new("system"), NodeId::new("host-name")])
        .values
        .push(format!("r{n}"));
    root.ensure(&[
        NodeId::new("access"),
        NodeId::entry("tunnel-profile", format!("tp{n}")),
    ])
    .ensure(&[
        NodeId::new("tunnel"),
        NodeId::new("remote-gateway"),
        NodeId::new("address"),
    ])
    .values
    .push("198.18.0.1");
    root
}

pub fn text(n: u32) -> String {
    format!("system {{\n    host-name r{n};\n}}\n")
}

pub fn meta(user: &str, time: i64) -> CommitMeta {
    CommitMeta::new(user, time, ClientKind::Cli)
}

pub fn open(dir: &Path) -> RedbStore {
    RedbStore::open(dir, None, T0).expect("open store")
}

/// A fresh database with `config(1)` … `config(n)` committed by alice, closed again: what
/// the damage and old-format tests then alter behind the store's back.
pub fn committed(n: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path());
    for k in 1..=n {
        store
            .commit(&config(k), &text(k), meta("alice", T0))
            .unwrap();
    }
    dir
}
