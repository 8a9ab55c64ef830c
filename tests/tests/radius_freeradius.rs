//! RADIUS end to end (issue 12, "Tests (real server in CI)"): a real FreeRADIUS
//! (`tests/src/freeradius.rs`) answers our LAC and our LNS, two `l2tpd` processes on
//! loopback, with `pppoe-emulator` subscribers on the LAC's socket-link PPPoE port and the
//! LNS's service interface a socket link too (no root). Each test has its own FreeRADIUS and
//! its own loopback addresses (127.0.5x.y), and every wait is bounded.
//!
//! FreeRADIUS 3.2 puts no Message-Authenticator in its replies: our servers are configured
//! with `message-authenticator optional`.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use l2tp_tests::freeradius::{FreeRadius, Options};
use l2tp_tests::ops::{elements, leaf, number, rows, show_json, subscribers};
use l2tp_tests::subscriber_lab::{wait_for, EmulatorProcess};
use l2tp_tests::{bin_path, DaemonProcess};

const WAIT: Duration = Duration::from_secs(20);
/// The secret the LNS requires of the LAC for its tunnels.
const TUNNEL_SECRET: &str = "tunnel-pw";
/// A tunnel endpoint nothing answers on: a tunnel that goes there never comes up.
const DEAD_LNS: &str = "127.0.59.254";
/// Seconds to wait for FreeRADIUS's answer: generous, so that a loaded CI machine does not
/// turn a slow answer into a refusal or a failover.
const LIVE_TIMEOUT: u32 = 3;
/// The LNS's address pool.
const POOL: &str = "198.18.50.0/24";

/// Our LNS on `addresses` (one tunnel group each, `g0`, `g1`…), requiring `TUNNEL_SECRET`
/// of the LAC `lac-r`, with a pool and a service interface that is a socket link in `dir`.
fn lns(dir: &Path, addresses: &[&str], extra: &str) -> DaemonProcess {
    let link = format!("si-0/0/0={}", dir.join("si.sock").display());
    let lns = DaemonProcess::start_with_args("lns-r", &["--service-link", &link]);
    let mut lines = String::from("set system host-name lns-r\n");
    for (i, address) in addresses.iter().enumerate() {
        lines += &format!(
            "set services l2tp tunnel-group g{i} local-gateway address {address}\n\
             set services l2tp tunnel-group g{i} l2tp-access-profile ap\n\
             set services l2tp tunnel-group g{i} service-interface si-0/0/0\n"
        );
    }
    lns.commit(&format!(
        "{lines}set access profile ap client lac-r l2tp shared-secret {TUNNEL_SECRET}\n\
         set access address-assignment pool p family inet network {POOL}\n\
         set access address-assignment pool p family inet range r low 198.18.50.10\n\
         set access address-assignment pool p family inet range r high 198.18.50.250\n{extra}"
    ));
    lns
}

/// `set access radius-server` lines for `server` at `address` (FreeRADIUS listens on
/// 127.0.0.1; another loopback address with its ports has nothing behind it), asked
/// `timeout` seconds, twice.
fn radius_server_lines(server: &FreeRadius, address: &str, timeout: u32) -> String {
    let at = format!("set access radius-server {address}");
    format!(
        "{at} secret {}\n{at} port {}\n{at} accounting-port {}\n{at} timeout {timeout}\n\
         {at} retry 1\n{at} message-authenticator optional\n",
        server.secret(),
        server.auth_port(),
        server.acct_port()
    )
}

/// Our LAC `lac-r` at `lac_address`, its PPPoE port `emu0` a socket link in `dir`: the
/// domain map sends `isp.example` to profile `tp`, whose tunnel 1 goes to `lns_address`
/// with `TUNNEL_SECRET` (to `DEAD_LNS` without one).
fn lac(dir: &Path, lac_address: &str, lns_address: &str, extra: &str) -> DaemonProcess {
    let secret = if lns_address == DEAD_LNS {
        String::new()
    } else {
        format!("set access tunnel-profile tp tunnel 1 secret {TUNNEL_SECRET}\n")
    };
    let link = format!("emu0={}", dir.join("emu0.sock").display());
    let lac = DaemonProcess::start_with_args("lac-r", &["--access-link", &link]);
    lac.commit(&format!(
        "set system host-name lac-r\n\
         set interfaces emu0 unit 0 family pppoe access-concentrator lac-r\n\
         set access tunnel-profile tp tunnel 1 source-gateway address {lac_address}\n\
         set access tunnel-profile tp tunnel 1 remote-gateway address {lns_address}\n\
         set access domain map isp.example tunnel-profile tp\n{secret}{extra}"
    ));
    lac
}

/// Our LAC as `lac`, whose map's tunnel goes to `DEAD_LNS` and which asks RADIUS (profile
/// `ra`, the map's access profile) first: FreeRADIUS at 127.0.0.1, unless `extra` lists
/// the profile's servers.
fn radius_lac(dir: &Path, lac_address: &str, server: &FreeRadius, extra: &str) -> DaemonProcess {
    let servers = if extra.contains("authentication-server") {
        ""
    } else {
        "set access profile ra radius authentication-server 127.0.0.1\n"
    };
    lac(
        dir,
        lac_address,
        DEAD_LNS,
        &format!(
            "set access domain map isp.example access-profile ra\n\
             set access profile ra authentication-order radius\n{servers}{}{extra}",
            radius_server_lines(server, "127.0.0.1", LIVE_TIMEOUT)
        ),
    )
}

/// `pppoe-emulator` on the LAC's link: `count` subscribers `user{n}@isp.example`
/// (password `secret`) up to `up_at`, each staying `hold` seconds, then a PADT.
fn emulator(dir: &Path, count: usize, up_at: &str, hold: &str) -> EmulatorProcess {
    let mut command = std::process::Command::new(bin_path("pppoe-emulator"));
    command
        .arg("--link")
        .arg(dir.join("emu0.sock"))
        .args(["--count", &count.to_string(), "--rate", "20"])
        .args([
            "--up-at",
            up_at,
            "--hold",
            hold,
            "--timeout",
            "15",
            "--json",
        ]);
    EmulatorProcess::spawn(command)
}

/// A FreeRADIUS users entry for `user` (password `secret`) with `reply` attributes.
fn user(user: &str, reply: &[&str]) -> String {
    format!(
        "{user}\tCleartext-Password := \"secret\"\n\t{}\n",
        reply.join(",\n\t")
    )
}

/// Starts FreeRADIUS with `users`, or `None` when the harness skips (outside CI only).
fn freeradius(users: &str) -> Option<FreeRadius> {
    FreeRadius::start(users, Options::default()).ok()
}

/// `show network-access aaa subscribers` rows.
fn aaa_subscribers(daemon: &DaemonProcess) -> Vec<Value> {
    let json = show_json(daemon, "show network-access aaa subscribers");
    rows(&json, "aaa-subscriber-information", "aaa-subscriber")
        .into_iter()
        .cloned()
        .collect()
}

/// Whether `daemon` has a tunnel whose remote end is `address` (port 1701).
fn has_tunnel_from(daemon: &DaemonProcess, address: &str) -> bool {
    let json = show_json(daemon, "show services l2tp tunnel extensive");
    let remote = format!("{address}:1701");
    rows(&json, "service-l2tp-tunnel-information", "l2tp-tunnel")
        .iter()
        .any(|t| leaf(t, "remote-ip").as_deref() == Some(remote.as_str()))
}

/// `count` of the entry named `name` in `list` of the first `root` object (`show subscribers
/// summary`'s `refusal-count`), 0 when absent.
fn named_count(json: &Value, root: &str, list: &str, name: &str) -> u64 {
    rows(json, root, "summary")
        .first()
        .map(|summary| elements(summary, list))
        .unwrap_or_default()
        .into_iter()
        .find(|entry| leaf(entry, "name").as_deref() == Some(name))
        .map_or(0, |entry| number(entry, "count"))
}

#[test]
fn radius_tunnel_attributes_override_the_maps_tunnel_and_tag_2_adds_a_preferred_one() {
    let users = user(
        "user1@isp.example",
        &[
            "Service-Type = Framed-User",
            "Tunnel-Type:1 = L2TP",
            "Tunnel-Medium-Type:1 = IPv4",
            "Tunnel-Server-Endpoint:1 = \"127.0.51.2\"",
            &format!("Tunnel-Password:1 = \"{TUNNEL_SECRET}\""),
        ],
    ) + "\n"
        + &user(
            "user2@isp.example",
            &[
                "Service-Type = Framed-User",
                "Tunnel-Type:1 = L2TP",
                "Tunnel-Medium-Type:1 = IPv4",
                "Tunnel-Server-Endpoint:1 = \"127.0.51.2\"",
                &format!("Tunnel-Password:1 = \"{TUNNEL_SECRET}\""),
                "Tunnel-Preference:1 = 10",
                "Tunnel-Type:2 = L2TP",
                "Tunnel-Medium-Type:2 = IPv4",
                "Tunnel-Client-Endpoint:2 = \"127.0.51.1\"",
                "Tunnel-Server-Endpoint:2 = \"127.0.51.3\"",
                &format!("Tunnel-Password:2 = \"{TUNNEL_SECRET}\""),
                "Tunnel-Preference:2 = 1",
            ],
        );
    let Some(server) = freeradius(&users) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lns = lns(dir.path(), &["127.0.51.2", "127.0.51.3"], "");
    let lac = radius_lac(dir.path(), "127.0.51.1", &server, "");

    let mut emulator = emulator(dir.path(), 2, "ip", "4");
    // Both admitted by RADIUS, their tunnels RADIUS's.
    let admitted = wait_for("both subscribers in the LAC's AAA table", WAIT, || {
        let rows = aaa_subscribers(&lac);
        assert!(emulator.running(), "the emulator ended: {rows:?}");
        if rows.len() == 2 {
            Ok(rows)
        } else {
            Err(format!("{rows:?}"))
        }
    });
    for row in &admitted {
        assert_eq!(leaf(row, "method").as_deref(), Some("radius"), "{row}");
        assert_eq!(
            leaf(row, "tunnel-source").as_deref(),
            Some("radius-tunnel-attributes"),
            "{row}"
        );
    }
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}\n{}", server.log());
    assert_eq!(summary["up"], 2, "{summary}");
    assert_eq!(summary["ipcp_up"], 2, "{summary}");

    // user1's tunnel 1 is RADIUS's (the map's goes nowhere); user2's went by tag 2, the
    // preferred, to the LNS's other address (no other source names it): the LNS has a
    // tunnel from the LAC in each of its groups.
    let tunnels = show_json(&lns, "show services l2tp tunnel extensive");
    let tunnels = rows(&tunnels, "service-l2tp-tunnel-information", "l2tp-tunnel");
    for (group, local) in [("g0", "127.0.51.2:1701"), ("g1", "127.0.51.3:1701")] {
        let tunnel = tunnels
            .iter()
            .find(|t| leaf(t, "tunnel-group").as_deref() == Some(group))
            .unwrap_or_else(|| panic!("no tunnel in {group}: {tunnels:?}"));
        assert_eq!(leaf(tunnel, "local-ip").as_deref(), Some(local), "{tunnel}");
        assert_eq!(
            leaf(tunnel, "remote-ip").as_deref(),
            Some("127.0.51.1:1701"),
            "{tunnel}"
        );
        assert_eq!(leaf(tunnel, "remote-name").as_deref(), Some("lac-r"));
    }
    let lac_tunnels = show_json(&lac, "show services l2tp tunnel extensive").to_string();
    assert!(!lac_tunnels.contains(DEAD_LNS), "{lac_tunnels}");
}

/// FreeRADIUS whose Accept names the tunnel profile `tp-radius` (ERX-Tunnel-Group) for
/// user1; `None` when the harness skips.
fn tunnel_group_server() -> Option<FreeRadius> {
    freeradius(&user(
        "user1@isp.example",
        &[
            "Service-Type = Framed-User",
            "ERX-Tunnel-Group = \"tp-radius\"",
        ],
    ))
}

/// An LNS on `NET.2` and a RADIUS LAC on `NET.1` whose `tp-radius` profile reaches it.
fn lac_with_tp_radius(
    dir: &Path,
    net: &str,
    server: &FreeRadius,
    extra: &str,
) -> (DaemonProcess, DaemonProcess) {
    let lns = lns(dir, &[&format!("{net}.2")], "");
    let lac = radius_lac(
        dir,
        &format!("{net}.1"),
        server,
        &format!(
            "set access tunnel-profile tp-radius tunnel 1 source-gateway address {net}.1\n\
             set access tunnel-profile tp-radius tunnel 1 remote-gateway address {net}.2\n\
             set access tunnel-profile tp-radius tunnel 1 secret {TUNNEL_SECRET}\n{extra}"
        ),
    );
    (lns, lac)
}

#[test]
fn a_tunnel_group_in_the_accept_names_the_profile_over_the_domain_map() {
    let Some(server) = tunnel_group_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (lns, lac) = lac_with_tp_radius(dir.path(), "127.0.52", &server, "");
    let mut emulator = emulator(dir.path(), 1, "ip", "6");
    let subscriber = wait_for("the subscriber in the LAC's AAA table", WAIT, || {
        let rows = aaa_subscribers(&lac);
        match rows.as_slice() {
            [one] => Ok(one.clone()),
            _ => {
                assert!(emulator.running(), "the emulator ended");
                Err(format!("{rows:?}"))
            }
        }
    });
    assert_eq!(
        leaf(&subscriber, "tunnel-source").as_deref(),
        Some("radius-tunnel-group"),
        "{subscriber}"
    );
    assert_eq!(leaf(&subscriber, "method").as_deref(), Some("radius"));
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["ipcp_up"], 1, "{summary}");
    assert!(has_tunnel_from(&lns, "127.0.52.1"));
}

#[test]
fn an_access_reject_refuses_the_subscriber() {
    // The stock users file has no entry for user1: FreeRADIUS rejects.
    let Some(server) = freeradius("") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lac = radius_lac(dir.path(), "127.0.53.1", &server, "");
    let emulator = emulator(dir.path(), 1, "authenticated", "1");
    let (ok, summary) = emulator.finish(WAIT);
    assert!(!ok, "{summary}");
    assert_eq!(summary["failures"]["auth-failed"], 1, "{summary}");
    let shown = show_json(&lac, "show subscribers summary");
    assert_eq!(
        named_count(
            &shown,
            "subscribers-summary-information",
            "refusal-count",
            "radius-reject"
        ),
        1,
        "{shown}"
    );
    let stats = show_json(&lac, "show network-access aaa statistics");
    let authentication = rows(&stats, "aaa-statistics-information", "authentication");
    let [authentication] = authentication.as_slice() else {
        panic!("{stats}");
    };
    assert_eq!(number(authentication, "rejects"), 1, "{stats}");
    assert_eq!(number(authentication, "accepts"), 0, "{stats}");
    assert!(server.auth_detail().contains("user1@isp.example"));
}

/// `chap-challenge-in-request-authenticator`: the CHAP challenge goes as the Request
/// Authenticator, no CHAP-Challenge attribute, and FreeRADIUS verifies the response with it
/// (RFC 2865 §2.2) and accepts.
#[test]
fn freeradius_verifies_chap_with_the_challenge_in_the_request_authenticator() {
    let Some(server) = tunnel_group_server() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let _daemons = lac_with_tp_radius(
        dir.path(),
        "127.0.58",
        &server,
        "set access profile ra radius options chap-challenge-in-request-authenticator\n",
    );
    let emulator = emulator(dir.path(), 1, "ip", "1");
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}\n{}", server.log());
    assert_eq!(summary["ipcp_up"], 1, "{summary}");
    let detail = server.auth_detail();
    assert!(detail.contains("CHAP-Password"), "{detail}");
    assert!(!detail.contains("CHAP-Challenge"), "{detail}");
}

#[test]
fn a_dead_first_server_fails_over_to_the_second() {
    let users = user(
        "DEFAULT",
        &[
            "Service-Type = Framed-User",
            "Tunnel-Type:1 = L2TP",
            "Tunnel-Medium-Type:1 = IPv4",
            "Tunnel-Server-Endpoint:1 = \"127.0.54.2\"",
            &format!("Tunnel-Password:1 = \"{TUNNEL_SECRET}\""),
        ],
    );
    let Some(server) = freeradius(&users) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let _lns = lns(dir.path(), &["127.0.54.2"], "");
    // 127.0.54.9: nothing listens on FreeRADIUS's ports there.
    let lac = radius_lac(
        dir.path(),
        "127.0.54.1",
        &server,
        &format!(
            "{}set access profile ra radius authentication-server [ 127.0.54.9 127.0.0.1 ]\n",
            radius_server_lines(&server, "127.0.54.9", 1)
        ),
    );
    let emulator = emulator(dir.path(), 2, "ip", "2");
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary["ipcp_up"], 2, "{summary}");
    let dead = radius_server_row(&lac, "127.0.54.9");
    assert_eq!(leaf(&dead, "state").as_deref(), Some("dead"), "{dead}");
    assert!(server_counter(&dead, "timeouts") >= 1, "{dead}");
    assert_eq!(server_counter(&dead, "access-accepts"), 0, "{dead}");
    let alive = radius_server_row(&lac, "127.0.0.1");
    assert_eq!(leaf(&alive, "state").as_deref(), Some("up"), "{alive}");
    assert_eq!(server_counter(&alive, "access-accepts"), 2, "{alive}");
}

/// `show network-access aaa radius-servers` at `daemon`: the row of `address`.
fn radius_server_row(daemon: &DaemonProcess, address: &str) -> Value {
    let json = show_json(daemon, "show network-access aaa radius-servers");
    rows(&json, "radius-server-information", "radius-server")
        .into_iter()
        .find(|s| leaf(s, "address").as_deref() == Some(address))
        .cloned()
        .unwrap_or_else(|| panic!("no {address}: {json}"))
}

/// A counter of a `radius_server_row`.
fn server_counter(row: &Value, name: &str) -> u64 {
    let counters = elements(row, "counters");
    let [counters] = counters.as_slice() else {
        panic!("{row}");
    };
    number(counters, name)
}

#[test]
fn a_recovered_first_server_is_used_again_after_the_revert_interval() {
    let users = user(
        "DEFAULT",
        &[
            "Service-Type = Framed-User",
            "Tunnel-Type:1 = L2TP",
            "Tunnel-Medium-Type:1 = IPv4",
            "Tunnel-Server-Endpoint:1 = \"127.0.60.2\"",
            &format!("Tunnel-Password:1 = \"{TUNNEL_SECRET}\""),
        ],
    );
    let Some(second) = freeradius(&users) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let _lns = lns(dir.path(), &["127.0.60.2"], "");
    // The first server, 127.0.60.9, is silent until it is started below.
    let lac = radius_lac(
        dir.path(),
        "127.0.60.1",
        &second,
        &format!(
            "{}set access profile ra radius authentication-server [ 127.0.60.9 127.0.0.1 ]\n\
             set access radius-options revert-interval 2\n",
            radius_server_lines(&second, "127.0.60.9", 1)
        ),
    );
    let (ok, summary) = emulator(dir.path(), 1, "ip", "1").finish(WAIT);
    assert!(ok && summary["ipcp_up"] == 1, "{summary}");
    let first_row = radius_server_row(&lac, "127.0.60.9");
    assert_eq!(
        leaf(&first_row, "state").as_deref(),
        Some("dead"),
        "{first_row}"
    );
    assert_eq!(
        server_counter(&radius_server_row(&lac, "127.0.0.1"), "access-accepts"),
        1
    );

    // The first server comes back, on the ports the LAC has for it.
    let first = FreeRadius::start(
        &users,
        Options {
            address: "127.0.60.9".parse().unwrap(),
            ports: Some([second.auth_port(), second.acct_port()]),
            ..Options::default()
        },
    )
    .expect("FreeRADIUS started once already");
    // Two seconds after it was marked dead, the LAC counts it alive again.
    wait_for("the first server alive again", WAIT, || {
        let row = radius_server_row(&lac, "127.0.60.9");
        match leaf(&row, "state").as_deref() {
            Some("up") => Ok(()),
            _ => Err(row.to_string()),
        }
    });
    let (ok, summary) = emulator(dir.path(), 1, "ip", "1").finish(WAIT);
    assert!(ok && summary["ipcp_up"] == 1, "{summary}");
    let first_row = radius_server_row(&lac, "127.0.60.9");
    assert_eq!(
        server_counter(&first_row, "access-accepts"),
        1,
        "{first_row}"
    );
    assert_eq!(
        server_counter(&radius_server_row(&lac, "127.0.0.1"), "access-accepts"),
        1
    );
    assert!(first.auth_detail().contains("user1@isp.example"));
}

#[test]
fn the_lns_asks_radius_with_the_tunnel_attributes_grants_its_address_and_accounts() {
    let users = user(
        "user1@isp.example",
        &[
            "Service-Type = Framed-User",
            "Framed-Protocol = PPP",
            "Framed-IP-Address = 198.18.50.77",
        ],
    );
    let Some(server) = freeradius(&users) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lns = lns(
        dir.path(),
        &["127.0.55.2"],
        &format!(
            "set services l2tp tunnel-group g0 aaa-access-profile users\n\
             set access profile users authentication-order radius\n\
             set access profile users radius authentication-server 127.0.0.1\n\
             set access profile users accounting order radius\n\
             set access profile users accounting update-interval 10\n\
             set access profile users radius accounting-server 127.0.0.1\n{}",
            radius_server_lines(&server, "127.0.0.1", LIVE_TIMEOUT)
        ),
    );
    let _lac = lac(dir.path(), "127.0.55.1", "127.0.55.2", "");
    let mut emulator = emulator(dir.path(), 1, "ip", "3");
    let subscriber = wait_for("the subscriber active at the LNS", WAIT, || {
        let json = show_json(&lns, "show subscribers");
        let rows = rows(&json, "subscribers-information", "subscriber");
        match rows.as_slice() {
            [one] if leaf(one, "state").as_deref() == Some("active") => Ok((*one).clone()),
            _ => {
                assert!(emulator.running(), "the emulator ended");
                Err(format!("{rows:?}"))
            }
        }
    });
    assert_eq!(
        leaf(&subscriber, "ip-address").as_deref(),
        Some("198.18.50.77"),
        "{subscriber}"
    );

    // The Access-Request names the tunnel it came by (Junos 17.4R1 on).
    let detail = server.auth_detail();
    // FreeRADIUS prints the tag 0 the LNS sends as ":0".
    for line in [
        "User-Name = \"user1@isp.example\"",
        "Tunnel-Type:0 = L2TP",
        "Tunnel-Medium-Type:0 = IPv4",
        "Tunnel-Client-Endpoint:0 = \"127.0.55.1\"",
        "Tunnel-Server-Endpoint:0 = \"127.0.55.2\"",
        "Acct-Tunnel-Connection = \"",
        "Tunnel-Assignment-Id:0 = \"g0\"",
        "Tunnel-Client-Auth-Id:0 = \"lac-r\"",
        "Tunnel-Server-Auth-Id:0 = \"lns-r\"",
        "NAS-Port = 4194303",
    ] {
        assert!(detail.contains(line), "{line} missing from:\n{detail}");
    }

    // Start once IPCP is up; Stop after the PADT, with the session's time and counters.
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}");
    let acct = wait_for("the Stop in the acct detail", WAIT, || {
        let acct = server.acct_detail();
        if acct.contains("Acct-Status-Type = Stop") {
            Ok(acct)
        } else {
            Err(acct)
        }
    });
    let records: Vec<&str> = acct
        .split("\n\n")
        .filter(|r| !r.trim().is_empty())
        .collect();
    let [start, stop] = records.as_slice() else {
        panic!("a Start and a Stop:\n{acct}");
    };
    for line in [
        "Acct-Status-Type = Start",
        "Framed-IP-Address = 198.18.50.77",
        "Acct-Session-Id = \"",
        "User-Name = \"user1@isp.example\"",
    ] {
        assert!(start.contains(line), "{line} missing from:\n{start}");
    }
    // The LAC ended the session with a CDN after the PADT: "session Rx CDN" is NAS-Request
    // in Junos' table.
    for line in [
        "Acct-Status-Type = Stop",
        "Framed-IP-Address = 198.18.50.77",
        "Acct-Session-Time = ",
        "Acct-Input-Octets = ",
        "Acct-Output-Octets = ",
        "Acct-Input-Packets = ",
        "Acct-Output-Packets = ",
        "Acct-Terminate-Cause = NAS-Request",
    ] {
        assert!(stop.contains(line), "{line} missing from:\n{stop}");
    }
    let session_id = |record: &str| {
        record
            .lines()
            .find(|l| l.trim_start().starts_with("Acct-Session-Id = "))
            .map(str::trim)
            .map(String::from)
    };
    assert_eq!(session_id(start), session_id(stop), "{acct}");
    // The emulator's LCP echoes and IPCP crossed the session: counted in.
    let input_packets: u64 = stop
        .lines()
        .find_map(|l| l.trim().strip_prefix("Acct-Input-Packets = "))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(input_packets > 0, "{stop}");
}

#[test]
fn test_aaa_ppp_shows_freeradius_answer_and_a_wrong_password_is_rejected() {
    let users = user(
        "user1@isp.example",
        &[
            "Service-Type = Framed-User",
            "Tunnel-Type:1 = L2TP",
            "Tunnel-Medium-Type:1 = IPv4",
            "Tunnel-Server-Endpoint:1 = \"127.0.57.2\"",
            "Tunnel-Assignment-Id:1 = \"lns1\"",
        ],
    );
    let Some(server) = freeradius(&users) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lac = radius_lac(dir.path(), "127.0.57.1", &server, "");
    let shown = l2tp_tests::output_text(
        &lac.run("test aaa ppp user user1@isp.example password secret profile ra"),
    );
    assert!(
        shown.contains("Result: accept (radius)") && shown.contains("Server: 127.0.0.1"),
        "{shown}\n{}",
        server.log()
    );
    // The attributes as the table shows them: name, then value.
    let attributes: Vec<Vec<&str>> = shown
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for row in [
        ["Tunnel-Type:1", "3"],
        ["Tunnel-Medium-Type:1", "1"],
        ["Tunnel-Server-Endpoint:1", "127.0.57.2"],
        ["Tunnel-Assignment-Id:1", "lns1"],
    ] {
        assert!(
            attributes.contains(&row.to_vec()),
            "{row:?} not in:\n{shown}"
        );
    }
    let out = lac.run("test aaa ppp user user1@isp.example password wrong profile ra");
    let shown = l2tp_tests::output_text(&out);
    assert!(shown.contains("Result: reject (radius)"), "{shown}");
    assert_eq!(
        server
            .auth_detail()
            .matches("Packet-Type = Access-Request")
            .count(),
        2
    );
}

#[test]
fn thirty_one_tagged_tunnels_are_chosen_by_preference_and_a_plain_accept_keeps_the_map() {
    // user1: tags 1-30 go to addresses nothing answers on, less preferred than tag 31, the
    // LNS's second address. user2: an Accept without tunnel attributes: the map decides.
    let mut reply = vec!["Service-Type = Framed-User".to_string()];
    for tag in 1..=31u32 {
        let (endpoint, preference) = match tag {
            31 => ("127.0.56.3".to_string(), 1),
            _ => (format!("127.0.59.{tag}"), tag + 1),
        };
        reply.extend([
            format!("Tunnel-Type:{tag} = L2TP"),
            format!("Tunnel-Medium-Type:{tag} = IPv4"),
            format!("Tunnel-Server-Endpoint:{tag} = \"{endpoint}\""),
            format!("Tunnel-Password:{tag} = \"{TUNNEL_SECRET}\""),
            format!("Tunnel-Preference:{tag} = {preference}"),
        ]);
    }
    let reply: Vec<&str> = reply.iter().map(String::as_str).collect();
    let users = user("user1@isp.example", &reply)
        + "\n"
        + &user("user2@isp.example", &["Service-Type = Framed-User"]);
    let Some(server) = freeradius(&users) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let lns = lns(dir.path(), &["127.0.56.2", "127.0.56.3"], "");
    let lac = lac(
        dir.path(),
        "127.0.56.1",
        "127.0.56.2",
        &format!(
            "set access domain map isp.example access-profile ra\n\
             set access profile ra authentication-order radius\n\
             set access profile ra radius authentication-server 127.0.0.1\n{}",
            radius_server_lines(&server, "127.0.0.1", LIVE_TIMEOUT)
        ),
    );
    let mut emulator = emulator(dir.path(), 2, "ip", "4");
    let admitted = wait_for("both subscribers in the LAC's AAA table", WAIT, || {
        let rows = aaa_subscribers(&lac);
        assert!(emulator.running(), "the emulator ended: {rows:?}");
        if rows.len() == 2 {
            Ok(rows)
        } else {
            Err(format!("{rows:?}"))
        }
    });
    let source = |name: &str| {
        admitted
            .iter()
            .find(|r| leaf(r, "user-name").as_deref() == Some(name))
            .and_then(|r| leaf(r, "tunnel-source"))
    };
    assert_eq!(
        source("user1@isp.example").as_deref(),
        Some("radius-tunnel-attributes"),
        "{admitted:?}"
    );
    assert_eq!(
        source("user2@isp.example").as_deref(),
        Some("domain-map"),
        "{admitted:?}"
    );
    let (ok, summary) = emulator.finish(WAIT);
    assert!(ok, "{summary}\n{}", server.log());
    assert_eq!(summary["ipcp_up"], 2, "{summary}");
    // One tunnel to each LNS address, and none to a less preferred tag.
    let tunnels = show_json(&lac, "show services l2tp tunnel extensive");
    let remotes: Vec<String> = rows(&tunnels, "service-l2tp-tunnel-information", "l2tp-tunnel")
        .iter()
        .filter_map(|t| leaf(t, "remote-ip"))
        .collect();
    assert!(
        remotes.contains(&"127.0.56.2:1701".to_string()),
        "{remotes:?}"
    );
    assert!(
        remotes.contains(&"127.0.56.3:1701".to_string()),
        "{remotes:?}"
    );
    assert_eq!(remotes.len(), 2, "{remotes:?}");
    assert!(has_tunnel_from(&lns, "127.0.56.1"));
}

/// A UDP port free on every address now (the daemon binds the wildcard address).
fn free_wildcard_port() -> u16 {
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.local_addr())
        .expect("a free port")
        .port()
}

/// `show subscribers` rows at `daemon`.
fn subscriber_names(daemon: &DaemonProcess) -> Vec<String> {
    subscribers(daemon)
        .iter()
        .filter_map(|s| leaf(s, "user-name"))
        .collect()
}

/// RFC 5176 from a real client (FreeRADIUS's radclient): a Disconnect-Request by User-Name
/// at the LNS and one by Acct-Session-Id at the LAC each end their subscriber at both ends;
/// one naming nobody is NAKed with Session-Context-Not-Found; a wrong secret gets no answer.
#[test]
fn radclient_disconnects_end_subscribers_at_both_ends() {
    use l2tp_tests::freeradius::{radclient, RequestKind};
    // The harness decides whether FreeRADIUS's tools are here (CI must have them).
    let Some(_server) = freeradius("") else {
        return;
    };
    const DM_SECRET: &str = "dm-secret";
    let (lns_port, lac_port) = (free_wildcard_port(), free_wildcard_port());
    let dir = tempfile::tempdir().unwrap();
    let dm = |port: u16| {
        format!(
            "set access radius-disconnect 127.0.0.1 secret {DM_SECRET}\n\
             set access radius-disconnect-port {port}\n"
        )
    };
    let lns = lns(dir.path(), &["127.0.58.2"], &dm(lns_port));
    let lac = lac(dir.path(), "127.0.58.1", "127.0.58.2", &dm(lac_port));
    let mut emulator = emulator(dir.path(), 2, "ip", "30");
    wait_for("both subscribers at both ends", WAIT, || {
        let (at_lac, at_lns) = (subscriber_names(&lac), subscriber_names(&lns));
        if at_lac.len() == 2 && at_lns.len() == 2 {
            Ok(())
        } else {
            Err(format!("LAC {at_lac:?}, LNS {at_lns:?}"))
        }
    });
    assert!(emulator.running());

    let nobody = radclient(
        lns_port,
        RequestKind::Disconnect,
        DM_SECRET,
        "User-Name = \"nobody@isp.example\"",
    );
    assert!(nobody.contains("Disconnect-NAK"), "{nobody}");
    assert!(nobody.contains("Session-Context-Not-Found"), "{nobody}");
    let forged = radclient(
        lns_port,
        RequestKind::Disconnect,
        "not-the-secret",
        "User-Name = \"user1@isp.example\"",
    );
    assert!(!forged.contains("Disconnect-ACK"), "{forged}");
    assert_eq!(
        subscriber_names(&lns).len(),
        2,
        "the forged request changed nothing"
    );

    let by_name = radclient(
        lns_port,
        RequestKind::Disconnect,
        DM_SECRET,
        "User-Name = \"user1@isp.example\"",
    );
    assert!(by_name.contains("Disconnect-ACK"), "{by_name}");
    wait_for("user1 gone at both ends", WAIT, || {
        let (at_lac, at_lns) = (subscriber_names(&lac), subscriber_names(&lns));
        let gone = |names: &[String]| !names.iter().any(|n| n == "user1@isp.example");
        if gone(&at_lac) && gone(&at_lns) {
            Ok(())
        } else {
            Err(format!("LAC {at_lac:?}, LNS {at_lns:?}"))
        }
    });

    // At the LAC, by the Acct-Session-Id its AAA view names.
    let session_id = aaa_subscribers(&lac)
        .iter()
        .find(|s| leaf(s, "user-name").as_deref() == Some("user2@isp.example"))
        .and_then(|s| leaf(s, "session-id"))
        .expect("user2's session id at the LAC");
    let by_id = radclient(
        lac_port,
        RequestKind::Disconnect,
        DM_SECRET,
        &format!("Acct-Session-Id = \"{session_id}\""),
    );
    assert!(by_id.contains("Disconnect-ACK"), "{by_id}");
    wait_for("nobody left at either end", WAIT, || {
        let (at_lac, at_lns) = (subscriber_names(&lac), subscriber_names(&lns));
        if at_lac.is_empty() && at_lns.is_empty() {
            Ok(())
        } else {
            Err(format!("LAC {at_lac:?}, LNS {at_lns:?}"))
        }
    });
    drop(emulator);

    // The LNS's counters say what came and how it was answered; radclient sends the forged
    // request again when no answer comes, so it may be counted more than once.
    let stats = show_json(&lns, "show network-access aaa statistics dynamic-requests");
    let stats = rows(&stats, "aaa-statistics-information", "dynamic-requests");
    let [dynamic] = stats.as_slice() else {
        panic!("{stats:?}");
    };
    assert_eq!(number(dynamic, "disconnect-requests"), 2, "{dynamic}");
    assert_eq!(number(dynamic, "acks"), 1, "{dynamic}");
    assert_eq!(number(dynamic, "naks"), 1, "{dynamic}");
    assert!(number(dynamic, "bad-authenticator") >= 1, "{dynamic}");
}
