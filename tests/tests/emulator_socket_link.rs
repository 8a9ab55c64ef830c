//! The `pppoe-emulator` binary on a socket link (no root): an in-test LAC (the daemon's own
//! `DiscoveryServer` and `ServerLink`s on a `SocketLink`) at the other end. The subscribers
//! must all reach auth-sent, the JSON summary must say so, and the PADTs the emulator sends
//! on its way out must end every session at the LAC.

use std::process::Stdio;
use std::time::Duration;

use l2tp_tests::bin_path;
use l2tp_tests::emulator::FarEnd;
use l2tp_tests::pppoe_lac::{AuthAnswer, Lac, AC};
use l2tpd::io::{AsyncFrameEndpoint, FrameBatch, SocketLink};
use l2tpd::ppp::wire::options::AuthProtocol;
use tokio::time::{timeout, Instant};

const SUBSCRIBERS: usize = 30;
/// The whole test, emulator and LAC, ends by then whatever happens.
const LIMIT: Duration = Duration::from_secs(60);

async fn send(endpoint: &AsyncFrameEndpoint, frames: Vec<Vec<u8>>) {
    if !frames.is_empty() {
        endpoint
            .send_all(&frames)
            .await
            .expect("send to the emulator");
    }
}

#[test]
fn the_emulator_binary_brings_subscribers_up_over_a_socket_link_and_ends_them_with_padts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lac.sock");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut endpoint = AsyncFrameEndpoint::new(SocketLink::bind(&path, AC).unwrap()).unwrap();
        let mut lac = Lac::new(
            Instant::now().into_std(),
            vec![AuthProtocol::Pap],
            AuthAnswer::HandOver,
        );
        let mut emulator = tokio::process::Command::new(bin_path("pppoe-emulator"))
            .args(["--link", path.to_str().unwrap()])
            .args(["--count", &SUBSCRIBERS.to_string()])
            .args(["--rate", "500", "--timeout", "30", "--json"])
            .args(["--user-format", "sock{n}@isp.example"])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let mut stdout = emulator.stdout.take().unwrap();
        let deadline = Instant::now() + LIMIT;
        let mut batch = FrameBatch::new(64, 2048);
        let status = loop {
            let wake = lac
                .poll_timeout()
                .map(Instant::from_std)
                .map_or(deadline, |at| at.min(deadline));
            tokio::select! {
                status = emulator.wait() => break status.unwrap(),
                received = endpoint.recv_batch(&mut batch) => {
                    received.unwrap();
                    let now = Instant::now().into_std();
                    let mut replies = Vec::new();
                    for frame in batch.frames() {
                        replies.extend(lac.handle_frame(frame, now));
                    }
                    send(&endpoint, replies).await;
                }
                _ = tokio::time::sleep_until(wake) => {
                    assert!(Instant::now() < deadline, "the emulator did not finish in {LIMIT:?}");
                    let replies = lac.handle_timeout(Instant::now().into_std());
                    send(&endpoint, replies).await;
                }
            }
        };
        let mut output = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut stdout, &mut output)
            .await
            .unwrap();
        assert!(status.success(), "exit {status}: {output}");
        let summary: serde_json::Value = serde_json::from_str(output.trim()).unwrap();
        assert_eq!(summary["up"], SUBSCRIBERS, "{summary}");
        assert_eq!(summary["reached"]["auth-sent"], SUBSCRIBERS, "{summary}");
        assert_eq!(summary["failures"], serde_json::json!({}), "{summary}");
        assert_eq!(lac.credentials.len(), SUBSCRIBERS);

        // The PADTs sent on the way out are queued on our socket.
        while lac.discovery.session_count() > 0 {
            let received = timeout(Duration::from_secs(5), endpoint.recv_batch(&mut batch)).await;
            assert!(
                received.is_ok(),
                "{} sessions left without a PADT",
                lac.discovery.session_count()
            );
            for frame in batch.frames() {
                lac.handle_frame(frame, Instant::now().into_std());
            }
        }
        assert_eq!(lac.discovery.counters().padt_received, SUBSCRIBERS as u64);
    });
}
