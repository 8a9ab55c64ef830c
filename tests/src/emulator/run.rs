//! Running the emulator on a real endpoint (a packet socket or a socket link) until every
//! subscriber is up and settled, or a deadline: the loop the `pppoe-emulator` binary and the
//! lab share.

use std::time::Duration;

use l2tpd::io::{AsyncFrameEndpoint, FrameBatch};
use l2tpd::ppp::client_link::ClientLink;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::time::Instant;

use super::{Emulator, EmulatorConfig, Summary};
use crate::frame_outbox::{FrameOutbox, RETRY};

/// Frames received per read (recvmmsg) and the largest frame taken: 1500 + Ethernet header
/// + two VLAN tags, with room to spare for RFC 4638 payloads.
const BATCH_SLOTS: usize = 64;
const MAX_FRAME: usize = 2048;
/// The most time the last PADTs get to leave once the run is over.
const GOODBYE: Duration = Duration::from_secs(2);
/// How long a probe waits for its reply before it goes again.
const PROBE_RESEND: Duration = Duration::from_secs(1);

/// How long a run may take, and whether it probes every session once all are up.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    pub timeout: Duration,
    /// Send one LCP Echo-Request on every session once all are up, and wait for the replies.
    pub probe: bool,
    /// Let signals drive the run (the binary's, for tests and benchmarks that run it as a
    /// process): SIGUSR1 sends one more round of probes, SIGTERM or SIGINT ends the run at
    /// once, as the timeout would.
    pub signals: bool,
}

/// The signals of [`RunOptions::signals`].
struct Signals {
    probe: Signal,
    end: Signal,
    interrupt: Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            probe: signal(SignalKind::user_defined1())?,
            end: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }
}

/// What a signal asks for.
enum Asked {
    Probe,
    End,
}

/// The next signal; never, without signals.
async fn next_signal(signals: &mut Option<Signals>) -> Asked {
    match signals {
        Some(s) => tokio::select! {
            _ = s.probe.recv() => Asked::Probe,
            _ = s.end.recv() => Asked::End,
            _ = s.interrupt.recv() => Asked::End,
        },
        None => std::future::pending().await,
    }
}

/// The subscribers of `config` on `endpoint`: started, then run until every one is up and
/// settled (or `options.timeout`). The emulator is handed back with its subscribers still up,
/// so the caller decides when they leave ([`finish`]).
pub async fn run(
    endpoint: &mut AsyncFrameEndpoint,
    config: EmulatorConfig,
    options: RunOptions,
) -> std::io::Result<(Summary, bool, Emulator<ClientLink>)> {
    let deadline = Instant::now() + options.timeout;
    let mut emulator: Emulator<ClientLink> = Emulator::new(config);
    let mut batch = FrameBatch::new(BATCH_SLOTS, MAX_FRAME);
    // Sessions probed in the first round, and when the probes last left: data messages are
    // not retransmitted by L2TP (a probe may overtake the ICCN and reach an LNS whose session
    // is not up yet), so unanswered probes go again each PROBE_RESEND, as PPP echoes would.
    let mut probed: Option<(u64, Instant)> = None;
    let mut outbox = FrameOutbox::default();
    let mut signals = if options.signals {
        Some(Signals::install()?)
    } else {
        None
    };
    emulator.start(Instant::now().into_std());
    loop {
        // Never await room to send: the LAC may be waiting for room in our queue too.
        outbox.push(std::iter::from_fn(|| emulator.poll_transmit()));
        outbox.flush(endpoint)?;
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let up_phase_over = emulator.all_up() || emulator.settled();
        // Later rounds go only to the subscribers whose probe is still unanswered.
        let outstanding = emulator.probes_outstanding();
        match probed {
            None if up_phase_over && options.probe => {
                probed = Some((emulator.send_probes() as u64, now));
                continue;
            }
            Some((count, at)) if outstanding > 0 && now >= at + PROBE_RESEND => {
                emulator.send_probes();
                probed = Some((count, now));
                continue;
            }
            _ => {}
        }
        let probes_answered = probed.is_some() && outstanding == 0;
        // Without a hold, settled = every subscriber up or failed; with it, every one gone.
        if emulator.settled() && (!options.probe || probes_answered) {
            break;
        }
        let mut wake = emulator
            .poll_timeout()
            .map(Instant::from_std)
            .map_or(deadline, |at| at.min(deadline));
        if let Some((_, at)) = probed {
            wake = wake.min(at + PROBE_RESEND);
        }
        if !outbox.is_empty() {
            wake = wake.min(Instant::now() + RETRY);
        }
        tokio::select! {
            received = endpoint.recv_batch(&mut batch) => {
                received?;
                deliver(&mut emulator, &batch);
                emulator.handle_timeout(Instant::now().into_std());
            }
            _ = tokio::time::sleep_until(wake) => {
                emulator.handle_timeout(Instant::now().into_std());
            }
            asked = next_signal(&mut signals) => match asked {
                Asked::Probe => {
                    emulator.send_probes();
                }
                Asked::End => break,
            },
        }
    }
    // What the run produced leaves before the caller takes over (with `--hold`, the last
    // subscribers' PADTs may still be waiting for room in the LAC's queue here).
    send_out(&mut emulator, &mut outbox, endpoint).await;
    let summary = emulator.summary();
    let ok = emulator.all_up()
        && emulator.ip_probes_answered()
        && (!options.probe || (probed.is_some() && emulator.probes_outstanding() == 0));
    Ok((summary, ok, emulator))
}

/// Every subscriber still up leaves (PADT or LCP Terminate, as configured), reading while
/// the last frames leave so a LAC that waits for room in our queue gets it.
pub async fn finish(emulator: &mut Emulator<ClientLink>, endpoint: &mut AsyncFrameEndpoint) {
    emulator.stop(Instant::now().into_std());
    send_out(emulator, &mut FrameOutbox::default(), endpoint).await;
}

/// Sends what waits in `outbox` and what the emulator has to send, for at most [`GOODBYE`],
/// reading meanwhile so a LAC that waits for room in our queue gets it.
async fn send_out(
    emulator: &mut Emulator<ClientLink>,
    outbox: &mut FrameOutbox,
    endpoint: &mut AsyncFrameEndpoint,
) {
    let mut batch = FrameBatch::new(BATCH_SLOTS, MAX_FRAME);
    outbox.push(std::iter::from_fn(|| emulator.poll_transmit()));
    let goodbye = Instant::now() + GOODBYE;
    while outbox.flush(endpoint).is_ok() && !outbox.is_empty() && Instant::now() < goodbye {
        tokio::select! {
            received = endpoint.recv_batch(&mut batch) => {
                if received.is_err() {
                    return;
                }
                deliver(emulator, &batch);
            }
            _ = tokio::time::sleep(RETRY) => {}
        }
        outbox.push(std::iter::from_fn(|| emulator.poll_transmit()));
    }
}

fn deliver(emulator: &mut Emulator<ClientLink>, batch: &FrameBatch) {
    let now = Instant::now().into_std();
    for frame in batch.frames() {
        emulator.handle_frame(frame, now);
    }
}
