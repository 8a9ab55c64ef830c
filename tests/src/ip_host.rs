//! A tiny in-process "internet host" for the lab without root: given an IPv4 packet that a
//! subscriber sent through the LNS, the packet the host sends back — an ICMP Echo Reply to an
//! Echo Request, a UDP echo (RFC 862) to a datagram for port 7 — or nothing. Whatever the
//! destination address: the lab routes to it only what it means to be answered.

use std::net::SocketAddrV4;

use crate::emulator::ip_packet::{icmp_echo, udp, Echo, Ipv4Packet};

/// The UDP echo service's port (RFC 862).
pub const ECHO_PORT: u16 = 7;

/// The reply to `packet`, if the host answers it.
pub fn reply(packet: &[u8]) -> Option<Vec<u8>> {
    let request = Ipv4Packet::parse(packet)?;
    if let Some(echo) = request.echo() {
        if echo.reply {
            return None;
        }
        let answer = Echo {
            reply: true,
            ..echo
        };
        return Some(icmp_echo(
            request.dst,
            request.src,
            request.identification,
            &answer,
        ));
    }
    let datagram = request.udp()?;
    (datagram.dst.port() == ECHO_PORT).then(|| {
        udp(
            SocketAddrV4::new(*datagram.dst.ip(), datagram.dst.port()),
            datagram.src,
            request.identification,
            datagram.payload,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const SUBSCRIBER: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 10);
    const HOST: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);

    #[test]
    fn echo_requests_are_answered_with_the_same_id_sequence_and_data() {
        let request = Echo {
            reply: false,
            identifier: 9,
            sequence: 3,
            data: b"ping",
        };
        let answer = reply(&icmp_echo(SUBSCRIBER, HOST, 77, &request)).unwrap();
        let packet = Ipv4Packet::parse(&answer).unwrap();
        assert_eq!((packet.src, packet.dst), (HOST, SUBSCRIBER));
        assert_eq!(
            packet.echo(),
            Some(Echo {
                reply: true,
                ..request
            })
        );
        // A reply is not answered (two hosts would ping-pong for ever).
        assert_eq!(reply(&answer), None);
    }

    #[test]
    fn udp_to_port_7_is_echoed_and_other_ports_are_not() {
        let src = SocketAddrV4::new(SUBSCRIBER, 40000);
        let echo = SocketAddrV4::new(HOST, ECHO_PORT);
        let answer = reply(&udp(src, echo, 1, b"subscriber 5")).unwrap();
        let datagram = Ipv4Packet::parse(&answer).unwrap().udp().unwrap();
        assert_eq!(
            (datagram.src, datagram.dst, datagram.payload),
            (echo, src, &b"subscriber 5"[..])
        );
        assert_eq!(reply(&udp(src, SocketAddrV4::new(HOST, 9), 1, b"x")), None);
        assert_eq!(reply(&[0x45, 0, 0]), None);
    }
}
