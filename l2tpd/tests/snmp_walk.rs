//! net-snmp's snmpwalk and snmpbulkwalk walk the embedded agent over real UDP, resolving
//! every name through the project's MIB files. Skipped (with a note) only on a developer
//! machine without net-snmp; in CI (`CI` set) a missing tool fails the test.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use l2tpd::snmp::agent::{Agent, AgentConfig, Community};
use l2tpd::snmp::snapshot::{Counters, SessionRow, SnmpSnapshot, TunnelGroupRow, TunnelRow};
use l2tpd::snmp::view::View;
use mibs::{
    jnx_l2tp_session_stats_state as session_state, jnx_l2tp_tunnel_stats_state as tunnel_state,
};

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn endpoint(last: u8) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 6, last)), 1701)
}

fn tunnel(local_tid: u16, data_tx_packets: u64) -> TunnelRow {
    TunnelRow {
        local_tid,
        remote_tid: local_tid + 1,
        service_interface: String::new(),
        tunnel_group: "lab".into(),
        local: endpoint(1),
        remote: endpoint(2),
        state: tunnel_state::ESTABLISHED,
        local_host_name: "lns".into(),
        remote_host_name: "lac".into(),
        max_sessions: 0,
        window_size: 4,
        hello_interval: 60,
        created: at(1_000),
        idle: Duration::ZERO,
        collection_start: at(1_000),
        counters: Counters {
            data_tx_packets,
            ..Counters::default()
        },
    }
}

fn session(local_tid: u16, local_sid: u16) -> SessionRow {
    SessionRow {
        local_tid,
        local_sid,
        remote_sid: local_sid,
        service_interface: String::new(),
        tunnel_group: "lab".into(),
        interface_unit: u32::from(local_sid),
        state: session_state::ESTABLISHED,
        user_name: format!("user{local_tid}-{local_sid}@example.net"),
        local: endpoint(1),
        remote: endpoint(2),
        local_host_name: "lns".into(),
        remote_host_name: "lac".into(),
        assigned_address: None,
        local_mru: 1492,
        remote_mru: 1492,
        tx_speed: 0,
        rx_speed: 0,
        call_bearer_type: 1,
        framing_type: 1,
        lcp_renegotiation: false,
        auth_method: 3,
        calling_station_id: String::new(),
        called_station_id: String::new(),
        acct_session_id: String::new(),
        radius_accounting: false,
        nas_port_type: 6,
        call_serial_number: 0,
        created: at(1_500),
        idle: Duration::ZERO,
        collection_start: at(1_500),
        counters: Counters::default(),
    }
}

fn snapshot() -> SnmpSnapshot {
    SnmpSnapshot {
        tunnel_statistics: true,
        tunnel_groups: vec![TunnelGroupRow {
            name: "lab".into(),
            gateway: Some(IpAddr::V4(Ipv4Addr::new(127, 0, 6, 1))),
            service_interface: String::new(),
        }],
        tunnels: vec![tunnel(17967, 26), tunnel(5, 5), tunnel(300, 300)],
        sessions: vec![
            session(5, 1),
            session(5, 2),
            session(300, 7),
            session(17967, 40),
            session(17967, 41),
        ],
        interfaces: Vec::new(),
        system: None,
    }
}

/// Serves the agent on 127.0.6.1 until the test's runtime ends.
async fn serve() -> SocketAddr {
    let socket = tokio::net::UdpSocket::bind("127.0.6.1:0")
        .await
        .expect("bind");
    let address = socket.local_addr().expect("address");
    tokio::spawn(async move {
        let view = View::new(snapshot(), at(2_000));
        let mut agent = Agent::new(AgentConfig {
            communities: vec![Community {
                name: "public".into(),
                ..Community::default()
            }],
        });
        let mut buffer = vec![0u8; 65_535];
        while let Ok((length, source)) = socket.recv_from(&mut buffer).await {
            let Some(datagram) = buffer.get(..length) else {
                continue;
            };
            if let Some(answer) = agent.handle(source, datagram, &view) {
                let _ = socket.send_to(&answer, source).await;
            }
        }
    });
    address
}

async fn run(tool: &str, agent: SocketAddr, extra: &[&str]) -> Option<Output> {
    let mibs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mibs");
    let state = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("net-snmp");
    std::fs::create_dir_all(state.join("cert_indexes")).expect("state dir");
    let result = tokio::process::Command::new(tool)
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .env("SNMPCONFPATH", &state)
        .env("SNMP_PERSISTENT_DIR", &state)
        .arg("-M")
        .arg(format!(
            "{}:{}",
            mibs.display(),
            mibs.join("ietf-subset").display()
        ))
        .args([
            "-m",
            "JNX-L2TP-MIB",
            "-v2c",
            "-c",
            "public",
            "-r",
            "1",
            "-t",
            "5",
        ])
        .args(extra)
        .arg(agent.to_string())
        .arg("JNX-L2TP-MIB::jnxL2tp")
        .output()
        .await;
    match result {
        Ok(output) => Some(output),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: cannot run {tool} ({e}); install the Debian package snmp");
            None
        }
        Err(e) => panic!("CI must have {tool} (Debian package snmp): {e}"),
    }
}

fn check_walk(tool: &str, output: &Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{tool} failed: {stderr}");
    assert_eq!(stderr, "", "{tool} warned");
    let text = String::from_utf8_lossy(&output.stdout);
    // A Hex-STRING value may run over several lines; each instance starts with its name.
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("JNX-L2TP-MIB::"))
        .collect();
    // jnxL2tp is the agent's whole view, so the walk ends on endOfMibView, which net-snmp
    // prints against the last name it asked about.
    assert_eq!(
        lines.pop(),
        Some("JNX-L2TP-MIB::jnxL2tpSessionStatsDataRxPkts64.17967.41 = No more variables left in this MIB View (It is past the end of the MIB tree)"),
        "{tool}:\n{text}"
    );
    // 13 scalars, 5 group columns x 1, 34 tunnel columns x 3, 65 session columns x 5.
    assert_eq!(lines.len(), 13 + 5 + 34 * 3 + 65 * 5, "{tool}:\n{text}");
    for expected in [
        "JNX-L2TP-MIB::jnxL2tpStatsTotalTunnels.0 = Gauge32: 3",
        "JNX-L2TP-MIB::jnxL2tpStatsTotalSessions.0 = Gauge32: 5",
        "JNX-L2TP-MIB::jnxL2tpStatsPayloadTxPkts.0 = Counter64: 331",
        "JNX-L2TP-MIB::jnxL2tpTunnelGroupStatsTotalSessions.'lab' = Gauge32: 5",
        "JNX-L2TP-MIB::jnxL2tpTunnelStatsDataTxPkts.17967 = Counter32: 26",
        "JNX-L2TP-MIB::jnxL2tpTunnelStatsState.300 = INTEGER: established(8)",
        "JNX-L2TP-MIB::jnxL2tpTunnelStatsActiveSessions.5 = Gauge32: 2",
        "JNX-L2TP-MIB::jnxL2tpSessionStatsUserName.17967.41 = STRING: user17967-41@example.net",
        "JNX-L2TP-MIB::jnxL2tpSessionStatsState.300.7 = INTEGER: established(1)",
    ] {
        assert!(
            lines.contains(&expected),
            "{tool}: no line {expected:?} in\n{text}"
        );
    }
}

#[tokio::test]
async fn snmpwalk_and_snmpbulkwalk_read_the_snapshot() {
    let agent = serve().await;
    let Some(walk) = run("snmpwalk", agent, &[]).await else {
        return;
    };
    check_walk("snmpwalk", &walk);
    let Some(bulk) = run("snmpbulkwalk", agent, &["-Cr25"]).await else {
        return;
    };
    check_walk("snmpbulkwalk", &bulk);
    assert_eq!(walk.stdout, bulk.stdout, "both walks see the same view");
}
