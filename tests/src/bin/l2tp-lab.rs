//! `cargo run --release --bin l2tp-lab`: a router with a demo configuration in a temporary
//! state directory, and the operator shell on it.

use clap::Parser;
use l2tp_tests::lab::{LabDaemon, DEMO_LAC};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "Start a lab router with a demo configuration and open its shell")]
struct Args {
    /// Keep the lab's state here instead of a temporary directory (reused if it exists).
    #[arg(long)]
    state_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
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
    let lab = match LabDaemon::start(&state_dir) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("l2tp-lab: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = lab.commit_set_lines(DEMO_LAC, "l2tp-lab demo configuration") {
        eprintln!("l2tp-lab: the demo configuration did not commit: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "l2tp-lab: l2tpd is running on {} (state in {}).",
        lab.socket().display(),
        state_dir.display()
    );
    eprintln!(
        "l2tp-lab: another shell: cli --socket {}",
        lab.socket().display()
    );
    eprintln!(
        "l2tp-lab: try 'show configuration', 'configure', 'show system commit'; 'exit' leaves."
    );
    cli::run_interactive(&lab.socket())
}
