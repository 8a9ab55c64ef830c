//! `services l2tp traceoptions` on a real daemon: the trace file appears in the state
//! directory and holds what the flags ask for. Uses 127.0.73.x (no other test does).

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use l2tp_tests::DaemonProcess;

const LNS: &str = "127.0.73.2";
const PEER: &str = "127.0.73.1";

/// A ZLB for Tunnel ID 0: a well-formed control header the daemon reads and drops.
const ZLB: [u8; 12] = [0xc8, 0x02, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0];

#[test]
fn the_trace_file_records_received_messages() {
    let daemon = DaemonProcess::start();
    daemon.commit(&format!(
        "set services l2tp tunnel-group g local-gateway address {LNS}\n\
         set services l2tp traceoptions file filename l2tpd-trace\n\
         set services l2tp traceoptions file size 65536\n\
         set services l2tp traceoptions flag message\n\
         set services l2tp traceoptions level verbose\n"
    ));
    let socket = UdpSocket::bind((PEER, 0)).expect("bind the peer");
    let trace = daemon.state_dir().join("l2tpd-trace");
    let wanted = format!("DEBUG message: received 12 octets from {PEER}:");
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        socket
            .send_to(&ZLB, (LNS, 1701))
            .expect("send to the daemon");
        let text = std::fs::read_to_string(&trace).unwrap_or_default();
        if text.contains(&wanted) || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(text.contains(&wanted), "trace file:\n{text}");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&trace).expect("trace file").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "not world-readable unless configured");
}
