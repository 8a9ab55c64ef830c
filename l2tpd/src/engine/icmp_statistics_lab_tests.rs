//! `show system statistics [tcp | icmp]` end to end in simulated time (see `sim_lab`): the request as
//! the shell sends it, answered by the LNS's engine with the answers of `reject` terms, the
//! slow path's and the fast path's together, and `system internet-options
//! icmpv4-rate-limit` taken by the running limiter at commit.

use std::sync::mpsc;
use std::time::Duration;

use schema::mgmt::{Reply, Request};
use schema::system_rpc::{IcmpStatistics, StatisticsProtocol, SystemStatistics, TcpStatistics};

use super::firewall_lab_tests::{bring_up, commit, ipv4, send_down, send_up, udp, SERVER};
use super::rpc::L2tpRpc;
use super::sim_lab::{config, lac_config, Lab, LNS_BASE};
use crate::io::ip_relay::Down;

const REJECT: &str = "set firewall family inet filter REJ term dns from destination-port 53\n\
                      set firewall family inet filter REJ term dns then reject\n\
                      set firewall family inet filter REJ term rest then accept\n\
                      set interfaces si-0/0/0 unit 0 family inet filter input REJ\n\
                      set interfaces si-0/0/0 unit 0 family inet filter output REJ\n";

const RESET: &str = "set firewall family inet filter RST term web from protocol tcp\n\
                     set firewall family inet filter RST term web then reject tcp-reset\n\
                     set firewall family inet filter RST term rest then accept\n\
                     set interfaces si-0/0/0 unit 0 family inet filter output RST\n";

fn statistics(lab: &mut Lab, protocol: StatisticsProtocol) -> SystemStatistics {
    let request = Request::GetSystemStatistics(protocol);
    let rpc = L2tpRpc::from_request(&request).expect("an engine RPC");
    let (reply, answer) = mpsc::channel();
    let now = lab.now;
    lab.lns.l2tp_rpc(now, rpc, reply);
    match answer.try_recv().expect("answered at once") {
        Ok(Reply::SystemStatistics(s)) => s,
        other => panic!("not system statistics: {other:?}"),
    }
}

fn icmp(lab: &mut Lab) -> IcmpStatistics {
    let shown = statistics(lab, StatisticsProtocol::Icmp);
    assert_eq!(shown.tcp, None, "only what was asked for");
    shown.icmp.expect("ICMP asked for")
}

fn tcp(lab: &mut Lab) -> TcpStatistics {
    let shown = statistics(lab, StatisticsProtocol::Tcp);
    assert_eq!(shown.icmp, None, "only what was asked for");
    shown.tcp.expect("TCP asked for")
}

/// A TCP segment (SYN) from `source` port 40000 to `destination` port 80.
fn tcp_syn(source: std::net::Ipv4Addr, destination: std::net::Ipv4Addr) -> Vec<u8> {
    let mut segment = vec![
        0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
    ];
    segment.extend_from_slice(&[0, 0, 0, 0]);
    ipv4(6, source, destination, &segment)
}

/// (calls to icmp_error, drops due to rate limit, destination unreachables sent).
fn counts(lab: &mut Lab) -> (u64, u64, u64) {
    let s = icmp(lab);
    let sent = s.histogram.iter().map(|h| h.destination_unreachable).sum();
    (s.calls_to_icmp_error, s.drops_due_to_rate_limit, sent)
}

/// The fast path's judgement of `packet` toward the subscriber, at the lab's time.
fn fast_down(lab: &Lab, packet: &[u8]) -> Down {
    let relay = lab.lns.subscribers().ip_relay();
    let mut table = relay.lock();
    table.set_clock(lab.now);
    table.toward_subscriber(packet, &mut Vec::new())
}

#[test]
fn a_rejected_packet_raises_the_icmp_counts_shown_by_both_paths() {
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{REJECT}")));
    let address = bring_up(&mut lab, "gil@isp.example");
    assert_eq!(counts(&mut lab), (0, 0, 0));

    // The slow path, input and output.
    assert!(send_up(&mut lab, &[&udp(address, SERVER, 53)]).is_empty());
    assert_eq!(counts(&mut lab), (1, 0, 1));
    assert!(send_down(&mut lab, &[udp(SERVER, address, 53)]).is_empty());
    assert_eq!(counts(&mut lab), (2, 0, 2));

    // The fast path counts in the same place.
    assert_eq!(fast_down(&lab, &udp(SERVER, address, 53)), Down::Answer);
    assert_eq!(counts(&mut lab), (3, 0, 3));
    let shown = icmp(&mut lab);
    assert_eq!(shown.histogram[0].type_of_histogram, "Output Histogram");
}

#[test]
fn a_committed_icmpv4_rate_limit_bounds_the_answers_at_once() {
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{REJECT}")));
    let address = bring_up(&mut lab, "gil@isp.example");
    let query = udp(SERVER, address, 53);
    // Junos' default bucket lets a burst of ten through.
    for _ in 0..10 {
        assert_eq!(fast_down(&lab, &query), Down::Answer);
    }
    let limited = "set system internet-options icmpv4-rate-limit packet-rate 2 bucket-size 1\n";
    commit(&mut lab, config(&format!("{LNS_BASE}{REJECT}{limited}")));
    // Two a second, a bucket of one second: two now, the third refused.
    let now: Vec<Down> = (0..3).map(|_| fast_down(&lab, &query)).collect();
    assert_eq!(now, [Down::Answer, Down::Answer, Down::Filtered]);
    assert_eq!(counts(&mut lab), (13, 1, 12));
    // Half a second earns one more, on the slow path too (one bucket).
    lab.advance(Duration::from_millis(500));
    assert!(send_down(&mut lab, std::slice::from_ref(&query)).is_empty());
    let back = std::iter::from_fn(|| lab.lns.poll_ip_packet()).count();
    assert_eq!(back, 1, "answered");
    assert_eq!(fast_down(&lab, &query), Down::Filtered, "nothing left");
    assert_eq!(counts(&mut lab), (15, 2, 13));
}

#[test]
fn a_tcp_reset_is_counted_under_tcp_and_not_as_icmp() {
    let mut lab = Lab::new(lac_config(""), config(&format!("{LNS_BASE}{RESET}")));
    let address = bring_up(&mut lab, "gil@isp.example");
    let zero = TcpStatistics::of_resets(0, 0);
    assert_eq!(tcp(&mut lab), zero);

    // The slow path and the fast path, toward the subscriber.
    assert!(send_down(&mut lab, &[tcp_syn(SERVER, address)]).is_empty());
    assert_eq!(fast_down(&lab, &tcp_syn(SERVER, address)), Down::Answer);
    assert_eq!(tcp(&mut lab), TcpStatistics::of_resets(2, 0));
    assert_eq!(counts(&mut lab), (0, 0, 0), "a reset is no ICMP error");

    // What the rate limit refuses is a segment dropped by policing.
    let limited = "set system internet-options icmpv4-rate-limit packet-rate 1 bucket-size 1\n";
    commit(&mut lab, config(&format!("{LNS_BASE}{RESET}{limited}")));
    let judged: Vec<Down> = (0..2)
        .map(|_| fast_down(&lab, &tcp_syn(SERVER, address)))
        .collect();
    assert_eq!(judged, [Down::Answer, Down::Filtered]);
    let shown = tcp(&mut lab);
    assert_eq!(
        (
            shown.packets_sent,
            shown.rst_packets,
            shown.sent_control_packets
        ),
        (3, 3, 3)
    );
    assert_eq!(shown.outgoing_segments_dropped_due_to_policing, 1);

    // Without a protocol, both, TCP first as Junos lists them.
    let all = statistics(&mut lab, StatisticsProtocol::All);
    assert_eq!(all.tcp, Some(shown));
    assert!(all.icmp.is_some());
}
