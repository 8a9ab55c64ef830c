//! The `pppoe-emulator` binary on a socket link (no root): an in-test LAC (the daemon's own
//! `DiscoveryServer` and `ServerLink`s on a `SocketLink`) at the other end. The subscribers
//! must all reach auth-sent, the JSON summary must say so, and the PADTs the emulator sends
//! on its way out must end every session at the LAC.

use std::process::Stdio;
use std::time::{Duration, Instant};

use l2tp_tests::bin_path;
use l2tp_tests::pppoe_lac::{serve_until_exit, take_until_no_session, AuthAnswer, Lac, AC};
use l2tpd::io::{AsyncFrameEndpoint, SocketLink};
use l2tpd::ppp::wire::options::AuthProtocol;

const SUBSCRIBERS: usize = 30;
/// The whole run ends by then whatever happens.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn the_emulator_binary_brings_subscribers_up_over_a_socket_link_and_ends_them_with_padts() {
    run(SUBSCRIBERS, 500);
}

fn run(subscribers: usize, rate: u32) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lac.sock");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut endpoint = AsyncFrameEndpoint::new(SocketLink::bind(&path, AC).unwrap()).unwrap();
        let mut lac = Lac::new(
            Instant::now(),
            vec![AuthProtocol::Pap],
            AuthAnswer::HandOver,
        );
        let emulator = tokio::process::Command::new(bin_path("pppoe-emulator"))
            .args(["--link", path.to_str().unwrap()])
            .args(["--count", &subscribers.to_string()])
            .args(["--rate", &rate.to_string(), "--max-in-flight", "100000"])
            .args(["--timeout", "30", "--json"])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let (status, output) = serve_until_exit(&mut lac, &mut endpoint, emulator, LIMIT).await;
        assert!(status.success(), "exit {status}: {output}");
        let summary: serde_json::Value = serde_json::from_str(output.trim()).unwrap();
        assert_eq!(summary["up"], subscribers, "{summary}");
        assert_eq!(summary["reached"]["auth-sent"], subscribers, "{summary}");
        assert_eq!(summary["failures"], serde_json::json!({}), "{summary}");
        assert_eq!(lac.credentials.len(), subscribers);

        take_until_no_session(&mut lac, &mut endpoint, Duration::from_secs(5)).await;
        assert_eq!(lac.discovery.counters().padt_received, subscribers as u64);
    });
}
