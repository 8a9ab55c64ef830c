//! The `pppoe-emulator` binary on a real interface: a veth pair between two namespaces made
//! by the test, the emulator (AF_PACKET) in one, an in-test LAC (the daemon's own
//! `DiscoveryServer` and `ServerLink`s on a `PacketSocket`) in the other, QinQ-tagged as a
//! unit with `vlan-tags`. Every frame crosses the kernel, and the LAC's replies go to MACs
//! that are not the emulator interface's own (one per subscriber).
//!
//! Needs root: CI runs as root and must run it; elsewhere without root it says why and
//! returns.

use std::process::Stdio;
use std::time::{Duration, Instant};

use l2tp_tests::bin_path;
use l2tp_tests::netns::{may_run_as_root, VethPair};
use l2tp_tests::pppoe_lac::{serve_until_exit, take_until_no_session, AuthAnswer, Lac, AC};
use l2tpd::io::AsyncFrameEndpoint;
use l2tpd::ppp::server_link::Credentials;
use l2tpd::ppp::wire::options::AuthProtocol;
use l2tpd::pppoe::wire::{MacAddr, VlanTag};

const EMULATOR_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x20, 0x0e, 0x01]);
const SUBSCRIBERS: usize = 40;
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn the_emulator_brings_qinq_subscribers_up_over_a_veth_and_ends_them_with_padts() {
    if !may_run_as_root("emulator_netns") {
        return;
    }
    let pair = VethPair::create("l2emu", [EMULATOR_MAC, AC]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut endpoint = AsyncFrameEndpoint::new(pair.packet_socket(1)).unwrap();
        let mut lac = Lac::new(
            Instant::now(),
            vec![AuthProtocol::Pap],
            AuthAnswer::HandOver,
        );
        let mut command = pair.command(0, bin_path("pppoe-emulator"));
        command
            .args(["--interface", pair.interface(0)])
            .args(["--count", &SUBSCRIBERS.to_string()])
            .args([
                "--vlan-tags",
                "10,20",
                "--user-format",
                "veth{n}@isp.example",
            ])
            .args(["--rate", "500", "--timeout", "30", "--json"])
            .stdout(Stdio::piped());
        let mut emulator = tokio::process::Command::from(command);
        let emulator = emulator.kill_on_drop(true).spawn().unwrap();
        let (status, output) = serve_until_exit(&mut lac, &mut endpoint, emulator, LIMIT).await;
        assert!(status.success(), "exit {status}: {output}");
        let summary: serde_json::Value = serde_json::from_str(output.trim()).unwrap();
        assert_eq!(summary["up"], SUBSCRIBERS, "{summary}");
        assert_eq!(lac.credentials.len(), SUBSCRIBERS);
        assert_eq!(lac.granted.len(), SUBSCRIBERS);
        for session in lac.granted.values() {
            assert_eq!(session.vlans, vec![VlanTag::dot1ad(10), VlanTag::dot1q(20)]);
        }
        // Any identifier: a request that beat the LAC's LCP Opened is resent under the next.
        assert!(lac.credentials.values().any(|c| matches!(
            c,
            Credentials::Pap { name, password, .. }
                if name == b"veth1@isp.example" && password == b"secret"
        )));

        take_until_no_session(&mut lac, &mut endpoint, Duration::from_secs(5)).await;
        assert_eq!(lac.discovery.counters().padt_received, SUBSCRIBERS as u64);
    });
}
