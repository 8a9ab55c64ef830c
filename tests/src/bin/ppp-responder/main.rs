//! `ppp-responder`: a stand-in for `/usr/sbin/pppd` behind xl2tpd in the interoperability
//! tests. xl2tpd hands each call's pppd the slave side of a pty on stdin and stdout; this
//! program is a minimal PPP client on it, in HDLC-like framing (RFC 1662): it negotiates LCP,
//! answers LCP Echo-Requests that cross the tunnel, authenticates with PAP or CHAP-MD5 as the
//! server asks, and runs IPCP for the address the server assigns, without configuring any
//! interface.
//!
//! Of pppd's command line only the credentials are read (`user`, `name`, `password`, and
//! options files named by `file`: see [`credentials`]; defaults user `xl2tpd-lac-user`,
//! secret `responder`); the rest (the pty's name, `passive`, addresses) is ignored. One line
//! per PPP event goes to stderr, which xl2tpd's log captures; tests wait for
//! `authentication succeeded` and `IPCP up, address A,`. It exits with status 0 when the pty
//! closes, on SIGTERM, SIGHUP or SIGINT (how xl2tpd hangs up a call), and after acknowledging
//! a Terminate-Request.

mod auth;
mod credentials;
mod hdlc;
mod ipcp;
mod lcp;
mod responder;

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

use hdlc::{Decoder, Received};
use responder::{Action, Responder};

/// What the main loop waits for.
enum Input {
    Octets(Vec<u8>),
    /// The pty went away (end of file, or EIO once xl2tpd closed the master side).
    Closed(String),
    Signal(i32),
}

fn log(line: &str) {
    eprintln!("ppp-responder[{}]: {line}", std::process::id());
}

/// pppd puts its tty in raw mode; so must we. xl2tpd leaves the pty canonical (it clears
/// ICANON in the wrong flag word), which would hold every frame back until a newline that,
/// escaped by HDLC framing, never comes.
fn make_stdin_raw() -> Result<(), nix::Error> {
    use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg};
    let stdin = std::io::stdin();
    let mut termios = tcgetattr(&stdin)?;
    cfmakeraw(&mut termios);
    tcsetattr(&stdin, SetArg::TCSANOW, &termios)
}

fn spawn_reader(events: mpsc::Sender<Input>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut buffer = vec![0u8; hdlc::MAX_FRAME];
        loop {
            let input = match stdin.read(&mut buffer) {
                Ok(0) => Input::Closed("end of file".into()),
                Ok(n) => Input::Octets(buffer.get(..n).unwrap_or_default().to_vec()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => Input::Closed(e.to_string()),
            };
            let closed = matches!(input, Input::Closed(_));
            if events.send(input).is_err() || closed {
                return;
            }
        }
    });
}

fn spawn_signal_watch(events: mpsc::Sender<Input>) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let _ = events.send(Input::Signal(signal));
        }
    });
    Ok(())
}

fn signal_name(signal: i32) -> String {
    nix::sys::signal::Signal::try_from(signal)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {signal}"))
}

/// Carries out the responder's actions; `Some(code)` when the program is to end.
fn perform(actions: Vec<Action>, out: &mut impl Write) -> Option<ExitCode> {
    for action in actions {
        match action {
            Action::Transmit(frame) => {
                if let Err(e) = out
                    .write_all(&hdlc::encode(&frame))
                    .and_then(|()| out.flush())
                {
                    log(&format!("cannot write to the pty ({e}); exiting"));
                    return Some(ExitCode::SUCCESS);
                }
            }
            Action::Log(line) => log(&line),
            Action::Exit => return Some(ExitCode::SUCCESS),
        }
    }
    None
}

fn main() -> ExitCode {
    if let Err(e) = make_stdin_raw() {
        log(&format!("stdin stays as it is (not a terminal?): {e}"));
    }
    let (events, inputs) = mpsc::channel();
    if let Err(e) = spawn_signal_watch(events.clone()) {
        log(&format!("cannot watch for signals: {e}"));
        return ExitCode::FAILURE;
    }
    spawn_reader(events);

    let mut out = std::io::stdout().lock();
    let mut decoder = Decoder::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let credentials =
        credentials::from_pppd_arguments(&args, &|path: &str| std::fs::read_to_string(path).ok());
    log(&format!(
        "started with pppd arguments {args:?}; speaking PPP on stdin/stdout as user {}",
        credentials.user_text()
    ));
    let mut responder = Responder::new(rand::random::<u32>(), credentials);
    if let Some(code) = perform(responder.start(Instant::now()), &mut out) {
        return code;
    }
    loop {
        let input = match responder.poll_timeout() {
            Some(at) => inputs.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => inputs
                .recv()
                .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        let actions = match input {
            Ok(Input::Octets(octets)) => {
                let mut actions = Vec::new();
                for received in decoder.push(&octets) {
                    match received {
                        Received::Frame(frame) => {
                            actions.extend(responder.handle_frame(Instant::now(), &frame))
                        }
                        Received::Discarded(why) => {
                            actions.push(Action::Log(format!("frame discarded: {why:?}")))
                        }
                    }
                }
                actions
            }
            Ok(Input::Closed(why)) => {
                log(&format!("pty closed ({why}); exiting"));
                return ExitCode::SUCCESS;
            }
            Ok(Input::Signal(signal)) => {
                log(&format!("{} received; exiting", signal_name(signal)));
                return ExitCode::SUCCESS;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => responder.handle_timeout(Instant::now()),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                log("input and signal watch both gone; exiting");
                return ExitCode::SUCCESS;
            }
        };
        if let Some(code) = perform(actions, &mut out) {
            return code;
        }
    }
}
