//! The L2TP → service interface flush: each service interface gets its own subscribers'
//! packets, in order, from buffers reused from flush to flush (lab links: no root).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use super::*;
use crate::io::ip_relay::{IpRoute, SharedIpRelay};
use crate::io::relay::SharedRelay;
use crate::io::service_endpoint::ServiceLink;
use crate::registry::{RelayLeg, SessionRef};

const LAC: SocketAddr = SocketAddr::V4(std::net::SocketAddrV4::new(
    Ipv4Addr::new(127, 0, 0, 2),
    1701,
));

fn subscriber(i: u8) -> Ipv4Addr {
    Ipv4Addr::new(198, 18, 100, 10 + i)
}

/// Subscriber `i` on session 1+`i` of tunnel 1, on `service`.
fn route(i: u8, service: &Arc<str>) -> IpRoute {
    IpRoute {
        call: SessionRef(u64::from(i)),
        address: subscriber(i),
        routed: Vec::new(),
        service: service.clone(),
        router: Ipv4Addr::new(198, 18, 100, 1),
        l2tp: RelayLeg {
            local_tunnel: 1,
            local_session: 1 + u16::from(i),
            peer_tunnel: 1,
            peer_session: 1 + u16::from(i),
            source: Ipv4Addr::LOCALHOST,
            destination: LAC,
        },
        filters: Default::default(),
    }
}

/// An IPv4 packet (protocol 253, experimental) from subscriber `i` carrying `mark`.
fn packet(i: u8, mark: u8) -> Vec<u8> {
    let mut p = vec![0x45, 0, 0, 24, 0, 0, 0x40, 0, 64, 253, 0, 0];
    p.extend(subscriber(i).octets());
    p.extend([198, 18, 0, 9]);
    p.extend([i, mark, 0, 0]);
    p
}

/// The L2TP data message of subscriber `i`'s session carrying `ip`.
fn l2tp(i: u8, ip: &[u8]) -> Vec<u8> {
    let mut m = vec![0x40, 0x02];
    m.extend(u16::try_from(12 + ip.len()).unwrap().to_be_bytes());
    m.extend(1u16.to_be_bytes());
    m.extend((1 + u16::from(i)).to_be_bytes());
    m.extend([0xff, 0x03, 0x00, 0x21]);
    m.extend(ip);
    m
}

async fn next(link: &ServiceLink) -> Vec<u8> {
    let mut buf = [0u8; 100];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), link.recv(&mut buf))
        .await
        .expect("a packet at the far end")
        .unwrap();
    buf[..n].to_vec()
}

#[tokio::test]
async fn a_batch_for_two_service_interfaces_reaches_each_in_order_flush_after_flush() {
    let fast = FastPath::with_ip(SharedRelay::default(), SharedIpRelay::default());
    let names: [Arc<str>; 2] = [Arc::from("si-1/0/0"), Arc::from("si-2/0/0")];
    let mut far = Vec::new();
    for name in &names {
        let (daemon, other) = ServiceLink::pair().unwrap();
        fast.add_service(name, Arc::new(ServiceEndpoint::from(daemon)));
        far.push(other);
    }
    // Subscribers 0 and 2 on the first interface, 1 on the second: interleaved.
    for i in 0..3u8 {
        fast.ip.lock().install(route(i, &names[usize::from(i % 2)]));
    }
    let mut buffers = IpUpBuffers::default();
    for round in 0..2u8 {
        for mark in 0..3u8 {
            for i in 0..3u8 {
                let datagram = l2tp(i, &packet(i, 10 * round + mark));
                assert_eq!(
                    fast.push_ip_up(LAC, &datagram, &mut buffers),
                    IpPush::Forwarded
                );
            }
        }
        fast.flush_ip_up(&mut buffers);
        assert!(buffers.is_empty());
        for mark in 0..3u8 {
            for i in [0u8, 2] {
                assert_eq!(next(&far[0]).await, packet(i, 10 * round + mark));
            }
            assert_eq!(next(&far[1]).await, packet(1, 10 * round + mark));
        }
    }
    assert_eq!(fast.send_failures(), 0);
}
