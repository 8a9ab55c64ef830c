//! `routing-options static` against a real kernel, in namespaces this test makes:
//!
//! - `l2tpd::io::static_route`'s rtnetlink requests do what `ip route` does: a gateway route,
//!   a blackhole (`discard`), an unreachable (`reject`), two gateways as one multipath route,
//!   a VRF-sized table id; the kernel's refusals (a gateway on no connected network, an
//!   operator's route of the same prefix) come back as errors, and a delete never removes
//!   the operator's route.
//! - The daemon: a commit of static routes, in the main instance and in a routing instance,
//!   installs them (`ip route show`, `ip route show table T`); a commit that deletes or
//!   changes them deletes or changes them; the daemon's stop removes the rest.
//!
//! Needs root (namespaces): CI runs as root and must run it; elsewhere without root it says
//! why and returns. The routing instance's table exists without a VRF device, so this runs on
//! kernels without VRF support too.

use std::time::Duration;

use l2tp_tests::netns::{ip_in, may_run_as_root, VethPair};
use l2tp_tests::subscriber_lab::wait_for;
use l2tp_tests::DaemonProcess;
use l2tpd::io::static_route::{self, STATIC_PROTOCOL};
use l2tpd::pppoe::wire::MacAddr;
use schema::typed::{Ipv4Prefix, StaticNextHop};

const WAIT: Duration = Duration::from_secs(20);

/// End 0 of a veth pair with 198.18.0.1/24 on its interface: the gateways 198.18.0.2 and
/// 198.18.0.3 are on a connected network there.
fn pair(tag: &str) -> VethPair {
    let pair = VethPair::create(
        tag,
        [
            MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0d, 0x01]),
            MacAddr([0x02, 0x00, 0x5e, 0x10, 0x0d, 0x02]),
        ],
    );
    pair.loopback_up(0);
    let (ns, interface) = (pair.namespace(0).to_string(), pair.interface(0).to_string());
    ip_in(&ns, &["addr", "add", "198.18.0.1/24", "dev", &interface]).unwrap();
    pair
}

fn prefix(text: &str) -> Ipv4Prefix {
    Ipv4Prefix::parse(text).unwrap()
}

fn gateways(last: &[u8]) -> StaticNextHop {
    StaticNextHop::Gateways(
        last.iter()
            .map(|l| std::net::Ipv4Addr::new(198, 18, 0, *l))
            .collect(),
    )
}

/// The line of `ip -4 route show table TABLE` for `destination`, if any.
fn route_line(ns: &str, table: &str, destination: &str) -> Option<String> {
    let text = ip_in(ns, &["-4", "-d", "route", "show", "table", table]).unwrap();
    // `ip -d` starts each line with the type (`unicast 198.18.64.0/24 ...`).
    text.lines()
        .find(|line| line.split_whitespace().nth(1) == Some(destination))
        .map(str::to_string)
}

#[test]
fn rtnetlink_requests_do_what_ip_route_does() {
    if !may_run_as_root("static_routes_netns") {
        return;
    }
    let pair = pair("strnl");
    let ns = pair.namespace(0).to_string();
    let proto = format!("proto {STATIC_PROTOCOL}");
    let results = pair.run_in(0, || {
        static_route::add(254, prefix("198.18.64.0/24"), &gateways(&[2])).expect("gateway");
        static_route::add(254, prefix("198.18.65.0/24"), &StaticNextHop::Discard).expect("discard");
        static_route::add(1_000_123, prefix("198.18.66.0/24"), &StaticNextHop::Reject)
            .expect("reject in a VRF-sized table");
        static_route::add(254, prefix("198.18.67.0/24"), &gateways(&[2, 3])).expect("multipath");
        let unreachable = static_route::add(254, prefix("198.18.68.0/24"), &{
            StaticNextHop::Gateways(vec![std::net::Ipv4Addr::new(198, 19, 9, 9)])
        });
        unreachable
            .expect_err("no connected network")
            .raw_os_error()
    });
    assert_eq!(results, Some(nix::errno::Errno::ENETUNREACH as i32));
    let line = route_line(&ns, "main", "198.18.64.0/24").expect("gateway route");
    assert!(
        line.starts_with("unicast") && line.contains("via 198.18.0.2"),
        "{line}"
    );
    assert!(line.contains(&proto), "{line}");
    let line = route_line(&ns, "main", "198.18.65.0/24").expect("blackhole route");
    assert!(
        line.starts_with("blackhole") && line.contains(&proto),
        "{line}"
    );
    let line = route_line(&ns, "1000123", "198.18.66.0/24").expect("unreachable route");
    assert!(line.starts_with("unreachable"), "{line}");
    let multipath = ip_in(&ns, &["-4", "route", "show", "198.18.67.0/24"]).unwrap();
    assert!(
        multipath.contains("nexthop via 198.18.0.2")
            && multipath.contains("nexthop via 198.18.0.3"),
        "{multipath}"
    );

    // An operator's route of a prefix: our add is refused, our delete leaves it.
    ip_in(
        &ns,
        &["route", "add", "198.18.70.0/24", "via", "198.18.0.3"],
    )
    .unwrap();
    let (add, delete) = pair.run_in(0, || {
        (
            static_route::add(254, prefix("198.18.70.0/24"), &gateways(&[2]))
                .expect_err("exists")
                .kind(),
            static_route::delete(254, prefix("198.18.70.0/24"))
                .expect_err("not ours")
                .raw_os_error(),
        )
    });
    assert_eq!(add, std::io::ErrorKind::AlreadyExists);
    assert_eq!(delete, Some(nix::errno::Errno::ESRCH as i32));
    assert!(route_line(&ns, "main", "198.18.70.0/24").is_some());

    // Our deletes remove ours, whatever the next hop.
    pair.run_in(0, || {
        static_route::delete(254, prefix("198.18.64.0/24")).expect("delete gateway route");
        static_route::delete(254, prefix("198.18.65.0/24")).expect("delete blackhole");
        static_route::delete(1_000_123, prefix("198.18.66.0/24")).expect("delete unreachable");
    });
    assert_eq!(route_line(&ns, "main", "198.18.64.0/24"), None);
    assert_eq!(route_line(&ns, "main", "198.18.65.0/24"), None);
    assert_eq!(route_line(&ns, "1000123", "198.18.66.0/24"), None);
}

#[test]
fn commits_install_change_and_delete_static_routes() {
    if !may_run_as_root("static_routes_netns") {
        return;
    }
    let pair = pair("strd");
    let ns = pair.namespace(0).to_string();
    let table = schema::typed::vrf_table_id("ri1").to_string();
    // What a killed daemon would have left: a blackhole of ours no longer configured, and
    // an operator's route, which is not ours and stays.
    let proto = STATIC_PROTOCOL.to_string();
    ip_in(
        &ns,
        &[
            "route",
            "add",
            "blackhole",
            "198.18.77.0/24",
            "proto",
            &proto,
        ],
    )
    .expect("leftover");
    ip_in(&ns, &["route", "add", "blackhole", "198.18.78.0/24"]).expect("operator's route");
    let mut daemon = DaemonProcess::start_wrapped(&["ip", "netns", "exec", &ns], &[]);
    daemon.commit(
        "set routing-options static route 198.18.64.0/24 next-hop 198.18.0.2\n\
         set routing-options static route 198.18.65.0/24 discard\n\
         set routing-options static route 198.18.66.0/24 reject\n\
         set routing-instances ri1 instance-type virtual-router\n\
         set routing-instances ri1 routing-options static route 198.18.80.0/24 discard\n",
    );
    let has = |table: &str, destination: &str, want: &str| {
        let (table, destination, want) =
            (table.to_string(), destination.to_string(), want.to_string());
        let ns = ns.clone();
        move || match route_line(&ns, &table, &destination) {
            Some(line) if line.contains(&want) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    };
    wait_for(
        "the gateway route",
        WAIT,
        has("main", "198.18.64.0/24", "via 198.18.0.2"),
    );
    wait_for(
        "the blackhole route",
        WAIT,
        has("main", "198.18.65.0/24", "blackhole"),
    );
    wait_for(
        "the unreachable route",
        WAIT,
        has("main", "198.18.66.0/24", "unreachable"),
    );
    wait_for(
        "the instance's route",
        WAIT,
        has(&table, "198.18.80.0/24", "blackhole"),
    );
    assert_eq!(
        route_line(&ns, "main", "198.18.77.0/24"),
        None,
        "the leftover swept"
    );
    assert!(
        route_line(&ns, "main", "198.18.78.0/24").is_some(),
        "the operator's kept"
    );

    // A changed next hop, a deleted route, a deleted instance.
    daemon.commit(
        "set routing-options static route 198.18.65.0/24 next-hop 198.18.0.3\n\
         delete routing-options static route 198.18.66.0/24\n\
         delete routing-instances ri1\n",
    );
    wait_for(
        "the changed route",
        WAIT,
        has("main", "198.18.65.0/24", "via 198.18.0.3"),
    );
    let gone = |table: &str, destination: &str| {
        let (table, destination) = (table.to_string(), destination.to_string());
        let ns = ns.clone();
        move || match route_line(&ns, &table, &destination) {
            None => Ok(()),
            Some(line) => Err(line),
        }
    };
    wait_for(
        "the deleted route gone",
        WAIT,
        gone("main", "198.18.66.0/24"),
    );
    wait_for(
        "the instance's route gone",
        WAIT,
        gone(&table, "198.18.80.0/24"),
    );
    assert!(route_line(&ns, "main", "198.18.64.0/24").is_some());

    // The daemon's routes go with it.
    daemon.stop();
    assert_eq!(route_line(&ns, "main", "198.18.64.0/24"), None);
    assert_eq!(route_line(&ns, "main", "198.18.65.0/24"), None);
}
