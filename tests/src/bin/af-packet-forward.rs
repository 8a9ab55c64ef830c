//! `af-packet-forward --interface IF --to 127.0.0.1:PORT`: the plain packet forwarder that is
//! the ceiling of the relay benchmark (issue 10): every PPPoE frame received on IF (AF_PACKET,
//! batched) leaves as one UDP datagram to PORT (sendmmsg), and nothing else happens. The bench
//! harness counts packets/s at the UDP receiver. Needs CAP_NET_RAW. On SIGINT or SIGTERM it
//! prints its counters and exits.

use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;

use clap::Parser;
use l2tpd::io::forwarder::Forwarder;
use l2tpd::io::AsyncFrameEndpoint;
use tokio::signal::unix::{signal, SignalKind};

#[derive(Parser)]
#[command(about = "Forward PPPoE frames from an interface to a UDP address, nothing else")]
struct Args {
    /// The host interface to read frames from (e.g. a veth end).
    #[arg(long)]
    interface: String,
    /// Where each frame goes as one UDP datagram.
    #[arg(long)]
    to: SocketAddr,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // One core, as the relay it is compared with is measured per core.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("af-packet-forward: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(forward(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("af-packet-forward: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn forward(args: Args) -> std::io::Result<()> {
    let input = AsyncFrameEndpoint::packet(&args.interface)?;
    let unspecified: SocketAddr = if args.to.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        ([0u16; 8], 0).into()
    };
    let output = UdpSocket::bind(unspecified)?;
    output.connect(args.to)?;
    let mut forwarder = Forwarder::new(input, output);
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    loop {
        tokio::select! {
            result = forwarder.forward_batch() => { result?; }
            _ = interrupt.recv() => break,
            _ = terminate.recv() => break,
        }
    }
    let counters = forwarder.counters();
    eprintln!(
        "af-packet-forward: {} frames in, {} datagrams out, {} send failures",
        counters.frames_in, counters.datagrams_out, counters.send_failures
    );
    Ok(())
}
