//! How much heap a configuration tree takes, counted exactly by a counting allocator (RSS would
//! include allocator slack). `cargo run --release -p l2tp-tests --example tree_memory [N]`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts the bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn mib(b: usize) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let text = l2tp_tests::bigconfig::brace_text(n);
    let lines = text.lines().count();
    let before = live();
    let tree = schema::parse::parse_config(&text).expect("the generated configuration parses");
    let tree_bytes = live() - before;
    let nodes = tree.count();
    let before = live();
    let mut tree = tree;
    tree.shrink_to_fit();
    let shrunk = tree_bytes - (before - live());
    let before = live();
    let typed = schema::typed::router_config(&tree);
    let typed_bytes = live() - before;
    let before = live();
    let json = serde_json::to_vec(&tree).expect("serialise");
    let json_bytes = live() - before;
    println!("{lines} lines, {nodes} nodes");
    println!(
        "tree:        {:>8.1} MiB  ({} bytes per node)",
        mib(tree_bytes),
        tree_bytes / nodes.max(1)
    );
    println!(
        "tree, shrunk:{:>8.1} MiB  ({} bytes per node)",
        mib(shrunk),
        shrunk / nodes.max(1)
    );
    println!("typed view:  {:>8.1} MiB", mib(typed_bytes));
    println!(
        "  of which:  {} bytes a profile tunnel, {} bytes a domain map (sizes of the structs)",
        std::mem::size_of::<schema::typed::ProfileTunnel>(),
        std::mem::size_of::<schema::typed::DomainMap>()
    );
    println!("tree JSON:   {:>8.1} MiB", mib(json_bytes));
    drop((typed, json));
}
