//! `cargo run --release -p l2tpd --example registry_teardown [-- 1000,5000,20000,65000]`
//!
//! Session teardown cost per session at several table sizes (issue 15, item 4: linear within
//! 25 %). A LAC registry and an LNS registry joined in memory, no sockets: N sessions over 8
//! tunnels come up, then every session is closed by the LAC (CDN) and the LNS answers, and the
//! time from the first close to the last acknowledgement is divided by N. This is the
//! registries' own work, without the engine's socket and scheduling noise that the
//! `l2tp-bench setup` figures include. A last row closes 1,000 sessions spread over the
//! largest table, so the smallest and the largest are compared with caches equally cold
//! (see `main`). Teardown is given in wall time and in the thread's CPU time, and each
//! phase's heap allocations per session are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use l2tpd::l2tp::session::{CallInfo, CdnResult};
use l2tpd::registry::{Registry, RegistryEvent, SessionRef};
use schema::typed::{
    router_config, Gateway, ProfileTunnel, RouterConfig, TunnelMedium, TunnelProfile, TunnelType,
};

/// Counts heap allocations (realloc included), so the table shows allocations per session:
/// a figure that, unlike time, does not move with the machine's load. A load and a store,
/// not `fetch_add`: the bench has one thread, and a locked add on every allocation cost 7 %
/// of the teardown at every size, a constant that made the ratios look better than they are.
struct Counting;

fn count_one() {
    ALLOCATIONS.store(ALLOCATIONS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

const LAC: Ipv4Addr = Ipv4Addr::new(127, 0, 9, 1);
const TUNNELS: u8 = 8;

fn lns_address(n: u8) -> Ipv4Addr {
    Ipv4Addr::new(127, 0, 9, 10 + n)
}

fn lns_config() -> RouterConfig {
    let mut config = router_config(&schema::tree::Node::default());
    for n in 1..=TUNNELS {
        let group = schema::typed::TunnelGroup {
            aaa_access_profile: None,
            dynamic_profile: None,
            hello_interval: 60,
            hide_avps: false,
            l2tp_access_profile: None,
            local_address: Some(lns_address(n)),
            local_gateway_name: None,
            maximum_send_window: None,
            ppp_access_profile: None,
            receive_window: None,
            retransmit_interval: None,
            service_device_pool: None,
            service_interface: None,
            tos_reflect: false,
            tunnel_switch_profile: None,
            tunnel_timeout: None,
        };
        config.l2tp.tunnel_groups.insert(format!("g{n}"), group);
    }
    config
}

fn profile() -> TunnelProfile {
    let tunnel = |n: u8| ProfileTunnel {
        identification: None,
        logical_system: None,
        max_sessions: None,
        medium: TunnelMedium::Ipv4,
        preference: 0,
        remote_gateway: Gateway {
            address: Some(lns_address(n)),
            gateway_name: None,
        },
        routing_instance: None,
        secret: None,
        source_gateway: Gateway {
            address: Some(LAC),
            gateway_name: Some("lac1".into()),
        },
        tunnel_type: TunnelType::L2tp,
    };
    TunnelProfile {
        tunnels: (1..=TUNNELS).map(|n| (n, Box::new(tunnel(n)))).collect(),
    }
}

/// Carries every datagram both ways until nothing moves; returns the events seen.
fn settle(now: Instant, lac: &mut Registry, lns: &mut Registry) -> (usize, usize) {
    let (mut up, mut down) = (0, 0);
    loop {
        let mut moved = false;
        while let Some(t) = lac.poll_transmit() {
            moved = true;
            let IpAddr::V4(to) = t.destination.ip() else {
                continue;
            };
            let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
            lns.handle_datagram(now, to, from, &t.payload);
        }
        while let Some(t) = lns.poll_transmit() {
            moved = true;
            let from = SocketAddr::new(t.source.unwrap_or(LAC).into(), 1701);
            lac.handle_datagram(now, LAC, from, &t.payload);
        }
        while let Some(e) = lac.poll_event() {
            match e {
                RegistryEvent::SessionUp { .. } => up += 1,
                RegistryEvent::SessionDown { .. } => down += 1,
                _ => {}
            }
        }
        while lns.poll_event().is_some() {}
        if !moved {
            return (up, down);
        }
    }
}

/// One run of one size.
struct Run {
    /// µs per session, wall clock.
    setup: f64,
    teardown: f64,
    /// µs per session of this thread's CPU: unlike wall time, not lengthened when other
    /// processes take the core (the caches they share still count).
    teardown_cpu: f64,
    /// Heap allocations per session.
    setup_allocations: f64,
    teardown_allocations: f64,
    /// Minor page faults per session in teardown: memory the teardown touches for the first
    /// time (a queue growing into fresh pages), which callgrind does not count.
    teardown_faults: f64,
    /// Every session came up and every closed one went down.
    complete: bool,
}

/// This thread's CPU time.
fn thread_cpu() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// This thread's minor page faults so far.
fn thread_faults() -> u64 {
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    #[allow(unsafe_code)]
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage for the call's duration.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    if rc != 0 {
        return 0;
    }
    u64::try_from(usage.ru_minflt).unwrap_or(0)
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1000,5000,20000,65000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!(
        "sessions        setup µs/session  teardown µs/session (wall, CPU)  ratio (wall, CPU)  \
         allocations/session (setup, teardown)  faults/session"
    );
    let mut first = None;
    let mut row = |label: String, n: usize, every: usize| {
        // The fastest of three: the machine is shared, and other work only ever adds.
        let runs: Vec<Run> = (0..3).map(|_| run(n, every)).collect();
        let fastest = |f: fn(&Run) -> f64| runs.iter().map(f).fold(f64::MAX, f64::min);
        let (setup, wall, cpu) = (
            fastest(|r| r.setup),
            fastest(|r| r.teardown),
            fastest(|r| r.teardown_cpu),
        );
        let (setup_allocations, teardown_allocations) = (
            fastest(|r| r.setup_allocations),
            fastest(|r| r.teardown_allocations),
        );
        let faults = fastest(|r| r.teardown_faults);
        let complete = runs.iter().all(|r| r.complete);
        let (base_wall, base_cpu) = *first.get_or_insert((wall, cpu));
        println!(
            "{label:<14}  {setup:>16.2}  {wall:>14.2} {cpu:>14.2}   {:>8.2} {:>8.2}  {setup_allocations:>10.1} {teardown_allocations:>10.1}  {faults:>13.3}{}",
            wall / base_wall,
            cpu / base_cpu,
            if complete { "" } else { "  (incomplete)" }
        );
    };
    for &n in &sizes {
        row(format!("{n}"), n, 1);
    }
    // Like with like: the rows above tear down a table that was just set up, which at 1,000
    // sessions is still in the caches and at 65,000 is not. Here 1,000 sessions are closed
    // out of the largest table (every n/1000-th), so each close finds its session cold.
    if let Some(&largest) = sizes.iter().max() {
        let every = (largest / 1000).max(1);
        row(
            format!("{} of {largest}", largest.div_ceil(every)),
            largest,
            every,
        );
    }
}

/// One size: the cost per closed session of setup and of teardown, and whether every session
/// came up and every closed one went down. Every `every`-th session is closed (1: all).
fn run(n: usize, every: usize) -> Run {
    let mut lac = Registry::new(router_config(&schema::tree::Node::default()), 1);
    let mut lns = Registry::new(lns_config(), 2);
    let now = Instant::now();
    let tp = profile();
    let (started, allocated) = (Instant::now(), allocations());
    let (calls, up) = setup(now, &tp, n, &mut lac, &mut lns);
    let (setup, setup_allocations) = (started.elapsed(), allocations() - allocated);
    let closing: Vec<SessionRef> = calls.iter().step_by(every.max(1)).copied().collect();
    let (started, cpu, allocated, faulted) =
        (Instant::now(), thread_cpu(), allocations(), thread_faults());
    let down = teardown(now, &closing, &mut lac, &mut lns);
    let (teardown, teardown_cpu, teardown_allocations) = (
        started.elapsed(),
        thread_cpu().saturating_sub(cpu),
        allocations() - allocated,
    );
    let teardown_faults = thread_faults().saturating_sub(faulted);
    let closed = closing.len().max(1) as f64;
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / closed;
    Run {
        setup: per(setup) * closed / n.max(1) as f64,
        teardown: per(teardown),
        teardown_cpu: per(teardown_cpu),
        setup_allocations: setup_allocations as f64 / n.max(1) as f64,
        teardown_allocations: teardown_allocations as f64 / closed,
        teardown_faults: teardown_faults as f64 / closed,
        complete: up == n && down == closing.len(),
    }
}

/// `n` calls come up; returns their handles and how many came up. Not inlined, so a profiler
/// (`valgrind --tool=callgrind --toggle-collect='*teardown*'`) can tell the phases apart.
#[inline(never)]
fn setup(
    now: Instant,
    tp: &TunnelProfile,
    n: usize,
    lac: &mut Registry,
    lns: &mut Registry,
) -> (Vec<SessionRef>, usize) {
    let calls: Vec<_> = (0..n)
        .filter_map(|s| {
            let info = CallInfo {
                serial: u32::try_from(s).unwrap_or(u32::MAX),
                ..CallInfo::default()
            };
            lac.open_session(now, "tp", tp, info).ok()
        })
        .collect();
    let (up, _) = settle(now, lac, lns);
    (calls, up)
}

/// The LAC closes every call and the LNS answers; returns how many went down.
#[inline(never)]
fn teardown(now: Instant, calls: &[SessionRef], lac: &mut Registry, lns: &mut Registry) -> usize {
    for call in calls {
        lac.close_session(now, *call, CdnResult::lost_carrier(), None);
    }
    settle(now, lac, lns).1
}
