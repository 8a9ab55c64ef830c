//! `l2tpd --state-dir DIR`: the router daemon.

use clap::Parser;
use l2tpd::process::{parse_link, ProcessOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(version, about = "L2TP access router daemon (LAC and LNS)")]
struct Args {
    /// Directory holding the configuration database and the management socket.
    #[arg(long, default_value = "/var/lib/l2tpd", env = "L2TPD_STATE_DIR")]
    state_dir: PathBuf,
    /// Host name shown in prompts until `system host-name` is configured (default: the
    /// machine's host name).
    #[arg(long, env = "L2TPD_DEFAULT_HOST_NAME")]
    default_host_name: Option<String>,
    /// Group whose members may open the management socket: the state directory becomes 0750
    /// and `mgmt.sock` 0660 in that group (without it: 0700, reachable by this user only).
    #[arg(long, env = "L2TPD_GROUP")]
    group: Option<String>,
    /// Syslog's datagram socket; nothing is sent to syslog when it does not exist, or with
    /// `none`. (The file `messages` in the state directory is written either way.)
    #[arg(long, default_value = "/dev/log", env = "L2TPD_SYSLOG_SOCKET")]
    syslog_socket: PathBuf,
    /// Log filter for stderr (tracing env-filter syntax), e.g. `info` or `l2tpd=debug`.
    #[arg(long, default_value = "info", env = "L2TPD_LOG")]
    log: String,
    /// Fixes the engine's random choices (Tunnel ID start, challenges) for reproducible
    /// tests and transcripts. Never for production: challenges become predictable.
    #[arg(long, hide = true, env = "L2TPD_RANDOM_SEED")]
    random_seed: Option<u64>,
    /// PPPoE port NAME is the Unix datagram socket PATH carrying Ethernet frames, instead of
    /// the host interface NAME (the lab's subscriber emulator; needs no privileges).
    #[arg(long = "access-link", value_name = "NAME=PATH", value_parser = parse_link)]
    access_links: Vec<(String, PathBuf)>,
    /// Service interface NAME (`si-1/0/0`) is the Unix datagram socket PATH carrying bare
    /// IPv4 packets, instead of a TUN device (the lab; needs no privileges).
    #[arg(long = "service-link", value_name = "NAME=PATH", value_parser = parse_link)]
    service_links: Vec<(String, PathBuf)>,
}

fn main() -> ExitCode {
    fix_mmap_threshold();
    let args = Args::parse();
    let syslog = (args.syslog_socket.as_os_str() != "none").then_some(args.syslog_socket.as_path());
    let opts = l2tpd::daemon::DaemonOptions {
        state_dir: args.state_dir.clone(),
        default_host_name: args.default_host_name,
        release_memory: Some(release_memory),
        random_seed: args.random_seed,
        group: args.group,
        access_links: args.access_links,
        service_links: args.service_links,
    };
    let process = ProcessOptions {
        syslog_socket: syslog,
        stderr_filter: &args.log,
        stop_with_parent: false,
    };
    l2tpd::process::run_to_exit(opts, process)
}

/// Hands the pages glibc holds free (after a large configuration was loaded and replaced) back
/// to the system; without it the daemon's RSS stays at the peak of the largest load ever done.
#[cfg(target_env = "gnu")]
fn release_memory() {
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointers
    // and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(target_env = "gnu"))]
fn release_memory() {}

/// Large blocks (over 64 KiB: a loaded configuration's text, a revision's JSON, a long reply)
/// get their own mapping, given back to the system when freed. glibc's default threshold
/// starts at 128 KiB and rises with every large block freed, up to 32 MiB, after which such
/// blocks come from the heap, where they leave holes between the long-lived tree nodes that
/// `malloc_trim` cannot return: 19 MiB of RSS at rest after a 150,000-line `load override`
/// and `commit` (issue 15, item 4). Fixing the threshold also stops the rise.
#[cfg(target_env = "gnu")]
fn fix_mmap_threshold() {
    const THRESHOLD: libc::c_int = 64 * 1024;
    // SAFETY: mallopt only sets a parameter of the allocator; it takes no pointers and is
    // called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD);
    }
}

#[cfg(not(target_env = "gnu"))]
fn fix_mmap_threshold() {}
