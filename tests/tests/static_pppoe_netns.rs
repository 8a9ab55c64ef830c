//! A static PPPoE server interface (`interfaces pp0 unit 1 { pppoe-options {
//! underlying-interface IF.100; server; } }` on VLAN 100, as Juniper's example has it, issue 16) with real processes and a real kernel:
//! `l2tpd` on one end of a veth pair (AF_PACKET), terminating PPP itself with a local CHAP
//! secret and a pool, its subscribers' IP through the TUN device `pp0` to an "internet"
//! namespace; a PPPoE client in the other namespace.
//!
//! The client is our `pppoe-emulator`, not pppd's PPPoE plugin: pppd needs the kernel's PPP
//! and PPPoX (`/dev/ppp`, AF_PPPOX), which the kernel of this project's machines (and so
//! CI's) does not have, so pppd cannot run there at all.
//!
//! Needs root (namespaces, AF_PACKET, TUN): CI runs as root and must run it; elsewhere
//! without root it says why and returns.

use std::time::Duration;

use nix::sys::signal::Signal;

use l2tp_tests::netns::may_run_as_root;
use l2tp_tests::ops::{leaf, number, pppoe_totals, subscribers};
use l2tp_tests::subscriber_lab::{
    summary_count, udp_echo_server, wait_for, EmulatorProcess, Internet, SubscriberLab,
    INTERNET_HOST, POOL_FIRST, POOL_LAST, POOL_NETWORK,
};
use l2tp_tests::{bin_path, DaemonProcess};

const WAIT: Duration = Duration::from_secs(30);
/// The first client's user; the second's is `user2@isp.example`.
const FIRST: &str = "user1@isp.example";
const SECOND: &str = "user2@isp.example";

/// One static unit on VLAN 100 of the port, CHAP only, its IPCP address lo0.0's; the clients
/// authenticate against a local profile and take addresses from the pool the internet
/// namespace routes back.
fn config(port: &str) -> String {
    format!(
        "set system host-name e2e-lac\n\
         set interfaces {port} vlan-tagging\n\
         set interfaces {port} unit 100 vlan-id 100\n\
         set interfaces {port} unit 100 encapsulation ppp-over-ether\n\
         set interfaces lo0 unit 0 family inet address 198.18.99.1/32\n\
         set interfaces pp0 unit 1 ppp-options chap\n\
         set interfaces pp0 unit 1 pppoe-options underlying-interface {port}.100\n\
         set interfaces pp0 unit 1 pppoe-options server\n\
         set interfaces pp0 unit 1 keepalives interval 10\n\
         set interfaces pp0 unit 1 family inet unnumbered-address lo0.0\n\
         set access domain map isp.example access-profile users\n\
         set access domain map isp.example address-pool p\n\
         set access profile users authentication-order password\n\
         set access profile users client {FIRST} chap-secret secret\n\
         set access profile users client {SECOND} chap-secret secret\n\
         set access address-assignment pool p family inet network {POOL_NETWORK}\n\
         set access address-assignment pool p family inet range r low {POOL_FIRST}\n\
         set access address-assignment pool p family inet range r high {POOL_LAST}\n"
    )
}

/// One client (`user`, password `secret`) that pings the internet host once IPCP is up and
/// stays until SIGTERM (then a PADT); `mac_group` keeps two clients' MACs apart.
fn client(lab: &SubscriberLab, user: &str, mac_group: &str) -> EmulatorProcess {
    let mut command = lab.pair.command(1, bin_path("pppoe-emulator"));
    command.args([
        "--interface",
        lab.pair.interface(1),
        "--json",
        "--vlan",
        "100",
    ]);
    command.args(["--user-format", user, "--mac-group", mac_group]);
    command.args(["--count", "1", "--up-at", "ip", "--ping", INTERNET_HOST]);
    command.args(["--hold", "600", "--timeout", "60"]);
    EmulatorProcess::spawn(command)
}

/// (user, interface, state, address) of each subscriber shown.
fn shown(daemon: &DaemonProcess) -> Vec<[String; 4]> {
    subscribers(daemon)
        .iter()
        .map(|s| {
            ["user-name", "interface", "state", "ip-address"]
                .map(|name| leaf(s, name).unwrap_or_default())
        })
        .collect()
}

/// Waits until `user` alone is shown, active on pp0.1 with a pool address.
fn wait_for_alone_on_pp0_1(daemon: &DaemonProcess, user: &str) {
    wait_for(&format!("{user} active on pp0.1"), WAIT, || {
        let rows = shown(daemon);
        match rows.as_slice() {
            [[name, interface, state, address]]
                if name == user
                    && interface == "pp0.1"
                    && state == "active"
                    && address.starts_with("198.18.100.") =>
            {
                Ok(())
            }
            _ => Err(format!("{rows:?}")),
        }
    });
}

/// PADIs refused with every static unit of their underlying unit busy.
fn refused_padis(daemon: &DaemonProcess) -> u64 {
    number(&pppoe_totals(daemon), "max-sessions-refused")
}

#[test]
fn a_client_comes_up_on_pp0_1_with_chap_and_a_second_only_once_the_first_leaves() {
    if !may_run_as_root("static_pppoe_netns") {
        return;
    }
    let lab = SubscriberLab::create("spp0");
    let internet = Internet::attach(&lab, "spp0");
    let _echo = udp_echo_server(&internet, Duration::from_secs(50));
    let daemon = lab.daemon();
    daemon.commit(&config(lab.port()));

    // The first client: CHAP (the unit's only protocol), a pool address, on pp0.1.
    let first = client(&lab, FIRST, "81");
    wait_for_alone_on_pp0_1(&daemon, FIRST);
    let detail = l2tp_tests::ops::run_ok(&daemon, "show subscribers detail | no-more");
    assert!(
        detail.contains("Authentication Protocol: CHAP\n"),
        "{detail}"
    );
    // A static unit (Junos: the configuration's, not a dynamic profile's).
    assert!(detail.contains("Interface type: Static\n"), "{detail}");

    // A second client on the same underlying unit gets no PADO while pp0.1 is busy: its
    // PADIs are counted as refused, and it has no session.
    let second = client(&lab, SECOND, "82");
    wait_for(
        "the second client's PADIs refused",
        WAIT,
        || match refused_padis(&daemon) {
            n if n >= 2 => Ok(()),
            n => Err(format!("{n} refused")),
        },
    );
    wait_for_alone_on_pp0_1(&daemon, FIRST);

    // The first leaves (a PADT): it had reached the internet through pp0.1.
    first.signal(Signal::SIGTERM);
    let (ok, summary) = first.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary_count(&summary, &["ipcp_up"]), 1, "{summary}");
    assert!(summary_count(&summary, &["ping_replies"]) >= 1, "{summary}");

    // pp0.1 is free: the second client's next PADI is answered and it comes up there (it
    // sends them 0, 1, 3 and 7 s after its start and gives up at 15 s; the first client's
    // PADT and summary take milliseconds).
    wait_for_alone_on_pp0_1(&daemon, SECOND);
    second.signal(Signal::SIGTERM);
    let (ok, summary) = second.finish(WAIT);
    assert!(ok, "{summary}");
    assert_eq!(summary_count(&summary, &["ipcp_up"]), 1, "{summary}");
    assert!(summary_count(&summary, &["ping_replies"]) >= 1, "{summary}");
    wait_for("pp0.1 free again", WAIT, || match shown(&daemon) {
        rows if rows.is_empty() => Ok(()),
        rows => Err(format!("{rows:?}")),
    });
}
