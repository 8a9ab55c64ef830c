//! `cli`: the operator shell. Interactive on a terminal; `-c` runs one command; `-f FILE`
//! or piped stdin runs commands as if typed.
#![forbid(unsafe_code)]

use clap::Parser;
use std::io::{self, BufReader, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cli", about = "Operator shell of the L2TP access router")]
struct Args {
    /// l2tpd's state directory (its socket is STATE_DIR/mgmt.sock); default $L2TPD_STATE_DIR or /var/lib/l2tpd
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// The management socket itself, overriding --state-dir
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// Run one command and exit
    #[arg(short = 'c', value_name = "COMMAND", conflicts_with = "file")]
    command: Option<String>,
    /// Run the commands in FILE as if typed, atomically: a failing command stops the script
    /// at the next command that is not an edit, and its uncommitted changes are discarded
    /// (so does piped stdin)
    #[arg(short = 'f', value_name = "FILE")]
    file: Option<PathBuf>,
    /// Run piped or FILE commands one by one as if typed at a terminal: a failure neither
    /// stops the rest nor discards anything (for drivers that play an operator)
    #[arg(long)]
    line_by_line: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let env = std::env::var("L2TPD_STATE_DIR").ok();
    let socket = cli::socket_path(
        args.state_dir.as_deref(),
        args.socket.as_deref(),
        env.as_deref(),
    );
    if let Some(command) = args.command {
        return cli::run_command(&socket, &command);
    }
    if let Some(file) = args.file {
        return match std::fs::File::open(&file) {
            Ok(f) => cli::run_script(&socket, BufReader::new(f), args.line_by_line),
            Err(e) => {
                eprintln!("error: cannot open {}: {e}", file.display());
                ExitCode::FAILURE
            }
        };
    }
    if io::stdin().is_terminal() {
        cli::run_interactive(&socket)
    } else {
        cli::run_script(&socket, io::stdin().lock(), args.line_by_line)
    }
}
