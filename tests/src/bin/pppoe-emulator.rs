//! `pppoe-emulator`: many PPPoE subscribers in one process, on an interface (AF_PACKET, root)
//! or on a socket link to the LAC (no root), built on the daemon's own PPPoE and PPP client
//! code. Prints a summary (one JSON line with `--json`) and exits 0 when every subscriber
//! reached `--up-at` within `--timeout`.
//!
//! With `--up-at ip`, `--ping ADDR` and `--udp ADDR:PORT` send IP through each session once
//! IPCP gave it an address: ICMP echoes (once a second until answered, at most
//! `--ping-count`) and a flow of `--udp-count` datagrams to an echo server; the run then
//! succeeds only if every subscriber had a reply to each. `--udp-source ADDR` sends the flow
//! from another address than the subscriber's (spoofed: the LNS must drop it).
//!
//! Signals let a test drive a long run: SIGUSR1 sends one more round of probes (an LCP
//! Echo-Request on every open session), SIGTERM or SIGINT ends the run at once as
//! `--timeout` would (a PADT for every session, then the summary).

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use l2tp_tests::emulator::{
    self, EmulatorConfig, EndWith, IpProbeConfig, RunOptions, Summary, UpAt,
};
use l2tpd::io::{AsyncFrameEndpoint, PacketSocket, SocketLink};
use l2tpd::pppoe::wire::{MacAddr, VlanTag};

#[derive(Parser)]
#[command(about = "Emulate PPPoE subscribers against a LAC")]
struct Args {
    /// The host interface to send and receive on (AF_PACKET: needs root).
    #[arg(long, required_unless_present = "link", conflicts_with = "link")]
    interface: Option<String>,
    /// The LAC's socket-link path (a Unix datagram socket), instead of an interface.
    #[arg(long)]
    link: Option<PathBuf>,
    /// Our end of the socket link [default: LINK.emulator-PID].
    #[arg(long, requires = "link")]
    local: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// Subscribers started per second.
    #[arg(long, default_value_t = 1000.0)]
    rate: f64,
    /// Subscribers started and not yet up or failed, at most.
    #[arg(long, default_value_t = 1000)]
    max_in_flight: usize,
    /// `{n}` is the subscriber's number, from 1.
    #[arg(long, default_value = "user{n}@isp.example")]
    user_format: String,
    #[arg(long, default_value = "secret")]
    password: String,
    /// The Service-Name to ask for; empty asks for any.
    #[arg(long, default_value = "")]
    service: String,
    /// The second octet of every subscriber MAC (02:GG:n:n:n:n), so that two emulators on
    /// one segment, or a run after one that was killed, use other MACs.
    #[arg(long, default_value_t = 0x50)]
    mac_group: u8,
    /// Take PADOs only from this AC-Name.
    #[arg(long)]
    ac_name: Option<String>,
    /// One 802.1Q tag on every frame.
    #[arg(long, conflicts_with = "vlan_tags")]
    vlan: Option<u16>,
    /// QinQ: outer (802.1ad) and inner (802.1Q) VLAN ids.
    #[arg(long, value_delimiter = ',', num_args = 1)]
    vlan_tags: Option<Vec<u16>>,
    /// RFC 4638: ask for a PPP payload above 1492.
    #[arg(long)]
    max_payload: Option<u16>,
    /// When a subscriber counts as up: auth-sent, authenticated or ip.
    #[arg(long, default_value = "auth-sent")]
    up_at: UpAt,
    /// Seconds each subscriber stays up before it leaves; without it they stay until every
    /// subscriber is up (or the timeout), then all leave with a PADT.
    #[arg(long)]
    hold: Option<f64>,
    /// How a subscriber leaves after --hold: padt or lcp-terminate.
    #[arg(long, default_value = "padt")]
    end_with: EndWith,
    /// Once all are up, send an LCP Echo-Request on every session and wait for the replies
    /// (up to 5 rounds, 1 s apart, for the unanswered ones).
    #[arg(long)]
    probe: bool,
    /// Once IPCP is up, ping this address from each subscriber (needs --up-at ip).
    #[arg(long)]
    ping: Option<Ipv4Addr>,
    /// Echo Requests per subscriber at most, one a second until one is answered (1-64).
    #[arg(long, default_value_t = 3)]
    ping_count: u16,
    /// Once IPCP is up, send datagrams to this UDP echo server (needs --up-at ip).
    #[arg(long)]
    udp: Option<SocketAddrV4>,
    /// Datagrams per subscriber, 200 ms apart, each carrying the subscriber's number (1-64).
    #[arg(long, default_value_t = 3)]
    udp_count: u16,
    /// Send the UDP flow from this address instead of the one IPCP gave: a spoofing
    /// subscriber, for testing that the LNS drops it (no reply can come back).
    #[arg(long, requires = "udp")]
    udp_source: Option<Ipv4Addr>,
    /// Seconds for the whole run; every loop ends by then.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Print the summary as one JSON line.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = match emulator_config(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("pppoe-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("pppoe-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args, config)) {
        Ok((summary, ok)) => {
            if args.json {
                println!("{}", summary.to_json());
            } else {
                println!("{}", human(&summary));
            }
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("pppoe-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

fn emulator_config(args: &Args) -> Result<EmulatorConfig, String> {
    if args.count == 0 || args.count > u32::MAX as usize {
        return Err(format!("--count {}: from 1 to {}", args.count, u32::MAX));
    }
    if !(args.rate > 0.0 && args.rate.is_finite()) {
        return Err(format!("--rate {}: a positive number", args.rate));
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return Err(format!(
            "--timeout {}: a positive number of seconds",
            args.timeout
        ));
    }
    let vid = |name: &str, id: u16| {
        if (1..=4094).contains(&id) {
            Ok(id)
        } else {
            Err(format!("{name} {id}: a VLAN id is from 1 to 4094"))
        }
    };
    let vlans = match (&args.vlan, &args.vlan_tags) {
        (Some(id), _) => vec![VlanTag::dot1q(vid("--vlan", *id)?)],
        (None, Some(tags)) => match tags.as_slice() {
            [outer, inner] => vec![
                VlanTag::dot1ad(vid("--vlan-tags", *outer)?),
                VlanTag::dot1q(vid("--vlan-tags", *inner)?),
            ],
            _ => return Err("--vlan-tags takes two ids: OUTER,INNER".to_string()),
        },
        (None, None) => Vec::new(),
    };
    let hold = match args.hold {
        None => None,
        Some(secs) if secs >= 0.0 && secs.is_finite() => Some(Duration::from_secs_f64(secs)),
        Some(secs) => return Err(format!("--hold {secs}: a number of seconds, 0 or more")),
    };
    let ip_probes = IpProbeConfig {
        ping: args.ping,
        ping_count: args.ping_count,
        udp: args.udp,
        udp_count: args.udp_count,
        udp_source: args.udp_source,
    };
    if ip_probes.is_active() && args.up_at != UpAt::Ip {
        return Err("--ping and --udp need --up-at ip (IPCP gives the address)".to_string());
    }
    for (name, count) in [
        ("--ping-count", args.ping_count),
        ("--udp-count", args.udp_count),
    ] {
        if !(1..=emulator::MAX_IP_PROBES).contains(&count) {
            return Err(format!(
                "{name} {count}: from 1 to {}",
                emulator::MAX_IP_PROBES
            ));
        }
    }
    let mut config = EmulatorConfig::new(args.count);
    config.rate = args.rate;
    config.max_in_flight = args.max_in_flight.max(1);
    config.user_format = args.user_format.clone();
    config.password = args.password.clone().into_bytes();
    config.service_name = args.service.clone().into_bytes();
    config.ac_name = args.ac_name.clone().map(String::into_bytes);
    config.vlans = vlans;
    config.max_payload = args.max_payload;
    config.up_at = args.up_at;
    config.hold = hold;
    config.end_with = args.end_with;
    config.mac_group = args.mac_group;
    config.seed = rand::random();
    config.ip_probes = ip_probes;
    Ok(config)
}

/// Opens the endpoint, runs the subscribers until done or the timeout, and says whether
/// every subscriber reached `--up-at` (and every probe came back).
async fn run(args: &Args, config: EmulatorConfig) -> std::io::Result<(Summary, bool)> {
    let _local_path;
    let mut endpoint = match (&args.interface, &args.link) {
        // PacketSocket's errors already name the interface.
        (Some(interface), _) => {
            let socket = PacketSocket::open(interface)?;
            // The LAC answers the subscribers' MACs, none of them the interface's own: a
            // real NIC would filter those replies.
            socket.set_promiscuous()?;
            AsyncFrameEndpoint::new(socket)?
        }
        (None, Some(link)) => {
            let local = args.local.clone().unwrap_or_else(|| {
                let mut path = link.clone().into_os_string();
                path.push(format!(".emulator-{}", std::process::id()));
                path.into()
            });
            // A path left by an earlier run that was killed.
            let _ = std::fs::remove_file(&local);
            // The socket link's own MAC is never used: every subscriber has its own.
            let endpoint = SocketLink::connect(&local, link, MacAddr([0x02, 0, 0, 0, 0, 0]))
                .and_then(AsyncFrameEndpoint::new)
                .map_err(|e| context(e, format!("socket link {}", link.display())))?;
            _local_path = RemoveOnDrop(local);
            endpoint
        }
        (None, None) => unreachable!("clap requires --interface or --link"),
    };
    let options = RunOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        probe: args.probe,
        signals: true,
    };
    let (summary, ok, mut emulator) = emulator::run(&mut endpoint, config, options).await?;
    emulator::finish(&mut emulator, &mut endpoint).await;
    Ok((summary, ok))
}

fn human(summary: &Summary) -> String {
    let failures: Vec<String> = summary
        .failures
        .iter()
        .map(|(reason, count)| format!("{reason} {count}"))
        .collect();
    format!(
        "{} of {} subscribers up; setup p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
         frames sent {}, received {}; ipcp up {}, addresses {}; ping {}/{}, udp {}/{}; \
         failures: {}",
        summary.up,
        summary.count,
        summary.setup_ms.p50,
        summary.setup_ms.p99,
        summary.setup_ms.max,
        summary.frames.sent,
        summary.frames.received,
        summary.ipcp_up,
        summary.addresses,
        summary.ip.ping_replies,
        summary.ip.ping_sent,
        summary.ip.udp_replies,
        summary.ip.udp_sent,
        if failures.is_empty() {
            "none".to_string()
        } else {
            failures.join(", ")
        }
    )
}

fn context(error: std::io::Error, what: String) -> std::io::Error {
    std::io::Error::new(error.kind(), format!("{what}: {error}"))
}

/// Removes our socket-link path when the run ends.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
