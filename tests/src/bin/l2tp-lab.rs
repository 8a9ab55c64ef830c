//! `cargo run --release --bin l2tp-lab`: two routers on loopback, a LAC (127.0.0.1) and an
//! LNS (127.0.0.2), each with its demo configuration, a few test sessions between them, PPPoE
//! subscribers from the emulator on the LAC's socket link that the LNS authenticates, gives
//! an address and routes to the lab's internet host on its service interface link, and the
//! operator shell on the LAC. No root: every link is a Unix socket of the lab's. Each router
//! is a process of its own (this program again), so each has its own system log.

use clap::Parser;
use l2tp_tests::lab::{Lab, LabSubscribers, DEMO_PROFILE};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Start a lab LAC and LNS with demo configurations and open the LAC's shell")]
struct Args {
    /// Keep the lab's state here (`lac/` and `lns/` below it) instead of a temporary
    /// directory (reused if it exists).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Test sessions to open from the LAC before the shell starts.
    #[arg(long, default_value_t = 3)]
    sessions: u32,
    /// PPPoE subscribers the emulator brings up through the LAC (on its socket link `lab0`).
    #[arg(long, default_value_t = 5)]
    subscribers: usize,
}

fn main() -> ExitCode {
    // Each router of the lab is this program again, started by the lab below.
    if let Some(code) = l2tp_tests::lab::serve_if_asked() {
        return code;
    }
    let args = Args::parse();
    let temp;
    let state_dir = match args.state_dir {
        Some(d) => d,
        None => match tempfile::Builder::new().prefix("l2tp-lab-").tempdir() {
            Ok(t) => {
                temp = t;
                temp.path().to_path_buf()
            }
            Err(e) => {
                eprintln!("l2tp-lab: cannot create a temporary directory: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("l2tp-lab: cannot find its own program to start the routers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let lab = match Lab::start(&state_dir, &exe) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("l2tp-lab: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "l2tp-lab: LAC lab-lac on 127.0.0.1, LNS lab-lns on 127.0.0.2 (state in {}).",
        state_dir.display()
    );
    for n in 1..=args.sessions {
        let user = format!("u{n}@example.net");
        match lab.lac.test_tunnel(&user, "lab-password", DEMO_PROFILE) {
            Ok(report) => eprint!(
                "l2tp-lab: {user}: {}",
                cli::shell::render::tunnel_test(&report)
            ),
            Err(e) => eprintln!("l2tp-lab: {user}: test session failed: {e}"),
        }
    }
    // Declared after `lab`: dropped first, so the subscribers leave (PADT) before the LAC stops.
    let _subscribers = if args.subscribers > 0 {
        match LabSubscribers::start(&lab.lac, args.subscribers) {
            Ok((subscribers, line)) => {
                eprintln!("l2tp-lab: {line}");
                Some(subscribers)
            }
            Err(e) => {
                eprintln!("l2tp-lab: PPPoE subscribers: {e}");
                None
            }
        }
    } else {
        None
    };
    eprintln!(
        "l2tp-lab: the LNS's shell: cli --socket {}",
        lab.lns.socket().display()
    );
    eprintln!(
        "l2tp-lab: another LAC shell: cli --socket {}",
        lab.lac.socket().display()
    );
    eprintln!(
        "l2tp-lab: this is the LAC; try 'test services l2tp tunnel user u9@example.net \
         password pw tunnel-name {DEMO_PROFILE}', 'show subscribers', 'show pppoe interfaces', \
         'show configuration'; on the LNS 'show subscribers detail', 'show interfaces \
         si-0/0/0 extensive', 'show network-access address-assignment pool lab-pool'; 'exit' \
         leaves."
    );
    cli::run_interactive(&lab.lac.socket())
}
