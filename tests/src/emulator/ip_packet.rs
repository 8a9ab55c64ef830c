//! IPv4, ICMP echo and UDP packets built and read by hand: the emulator's subscribers ping
//! and send datagrams through their PPP link once IPCP gave them an address, and the lab's
//! "internet host" (`crate::ip_host`) answers them. Only what those need: no options, no
//! fragments (a fragment is refused when read), checksums always computed and checked.

use std::net::{Ipv4Addr, SocketAddrV4};

pub const PROTOCOL_ICMP: u8 = 1;
pub const PROTOCOL_UDP: u8 = 17;
const HEADER_LEN: usize = 20;
const TTL: u8 = 64;
const ICMP_ECHO_REPLY: u8 = 0;
const ICMP_ECHO_REQUEST: u8 = 8;

/// The one's-complement sum of 16-bit words (RFC 1071), folded, not yet complemented.
fn sum(data: &[u8], mut acc: u32) -> u32 {
    let mut words = data.chunks_exact(2);
    for word in &mut words {
        acc += u32::from(u16::from_be_bytes([word[0], word[1]]));
    }
    if let [last] = words.remainder() {
        acc += u32::from(*last) << 8;
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc
}

/// The Internet checksum of `data` (RFC 1071): over a header whose checksum field holds the
/// right value, it is 0.
pub fn checksum(data: &[u8]) -> u16 {
    !(sum(data, 0) as u16)
}

/// UDP's checksum covers a pseudo-header of the addresses, protocol and length (RFC 768).
fn udp_checksum(src: Ipv4Addr, dst: Ipv4Addr, datagram: &[u8]) -> u16 {
    let mut pseudo = [0u8; 12];
    pseudo[..4].copy_from_slice(&src.octets());
    pseudo[4..8].copy_from_slice(&dst.octets());
    pseudo[9] = PROTOCOL_UDP;
    pseudo[10..].copy_from_slice(&(datagram.len() as u16).to_be_bytes());
    !(sum(datagram, sum(&pseudo, 0)) as u16)
}

/// A whole IPv4 packet: a 20-byte header (TTL 64, no options) and `payload`.
pub fn ipv4(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    identification: u16,
    payload: &[u8],
) -> Vec<u8> {
    let total = u16::try_from(HEADER_LEN + payload.len()).unwrap_or(u16::MAX);
    let mut packet = Vec::with_capacity(usize::from(total));
    packet.extend_from_slice(&[0x45, 0]);
    packet.extend_from_slice(&total.to_be_bytes());
    packet.extend_from_slice(&identification.to_be_bytes());
    packet.extend_from_slice(&[0, 0, TTL, protocol, 0, 0]);
    packet.extend_from_slice(&src.octets());
    packet.extend_from_slice(&dst.octets());
    let header_checksum = checksum(&packet);
    packet[10..12].copy_from_slice(&header_checksum.to_be_bytes());
    packet.extend_from_slice(payload);
    packet.truncate(usize::from(total));
    packet
}

/// An ICMP Echo Request or Reply (RFC 792).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Echo<'a> {
    pub reply: bool,
    pub identifier: u16,
    pub sequence: u16,
    pub data: &'a [u8],
}

impl Echo<'_> {
    /// The ICMP message (the IPv4 payload).
    pub fn to_icmp(&self) -> Vec<u8> {
        let kind = if self.reply {
            ICMP_ECHO_REPLY
        } else {
            ICMP_ECHO_REQUEST
        };
        let mut icmp = vec![kind, 0, 0, 0];
        icmp.extend_from_slice(&self.identifier.to_be_bytes());
        icmp.extend_from_slice(&self.sequence.to_be_bytes());
        icmp.extend_from_slice(self.data);
        let sum = checksum(&icmp);
        icmp[2..4].copy_from_slice(&sum.to_be_bytes());
        icmp
    }

    /// Reads an ICMP message: an echo with a right checksum, or `None`.
    pub fn parse(icmp: &[u8]) -> Option<Echo<'_>> {
        let reply = match *icmp.first()? {
            ICMP_ECHO_REPLY => true,
            ICMP_ECHO_REQUEST => false,
            _ => return None,
        };
        if icmp.len() < 8 || icmp.get(1) != Some(&0) || checksum(icmp) != 0 {
            return None;
        }
        Some(Echo {
            reply,
            identifier: u16::from_be_bytes([*icmp.get(4)?, *icmp.get(5)?]),
            sequence: u16::from_be_bytes([*icmp.get(6)?, *icmp.get(7)?]),
            data: icmp.get(8..)?,
        })
    }
}

/// A whole IPv4 packet holding an ICMP echo.
pub fn icmp_echo(src: Ipv4Addr, dst: Ipv4Addr, identification: u16, echo: &Echo<'_>) -> Vec<u8> {
    ipv4(src, dst, PROTOCOL_ICMP, identification, &echo.to_icmp())
}

/// A whole IPv4 packet holding a UDP datagram with its checksum.
pub fn udp(src: SocketAddrV4, dst: SocketAddrV4, identification: u16, payload: &[u8]) -> Vec<u8> {
    let length = (8 + payload.len()) as u16;
    let mut datagram = Vec::with_capacity(usize::from(length));
    datagram.extend_from_slice(&src.port().to_be_bytes());
    datagram.extend_from_slice(&dst.port().to_be_bytes());
    datagram.extend_from_slice(&length.to_be_bytes());
    datagram.extend_from_slice(&[0, 0]);
    datagram.extend_from_slice(payload);
    // 0 means "no checksum" in UDP over IPv4: a computed 0 is sent as all ones (RFC 768).
    let sum = match udp_checksum(*src.ip(), *dst.ip(), &datagram) {
        0 => 0xffff,
        sum => sum,
    };
    datagram[6..8].copy_from_slice(&sum.to_be_bytes());
    ipv4(
        *src.ip(),
        *dst.ip(),
        PROTOCOL_UDP,
        identification,
        &datagram,
    )
}

/// A UDP datagram read from a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram<'a> {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
    pub payload: &'a [u8],
}

/// An IPv4 packet read: header checked (version, length, checksum), not a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ipv4Packet<'a> {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: u8,
    pub identification: u16,
    pub payload: &'a [u8],
}

impl<'a> Ipv4Packet<'a> {
    pub fn parse(bytes: &'a [u8]) -> Option<Self> {
        let first = *bytes.first()?;
        let header_len = usize::from(first & 0x0f) * 4;
        if first >> 4 != 4 || header_len < HEADER_LEN {
            return None;
        }
        let header = bytes.get(..header_len)?;
        let total = usize::from(u16::from_be_bytes([header[2], header[3]]));
        if total < header_len || checksum(header) != 0 {
            return None;
        }
        // More-fragments set or an offset: a piece of a packet, which we never send.
        if u16::from_be_bytes([header[6], header[7]]) & 0x3fff != 0 {
            return None;
        }
        let address =
            |at: usize| Ipv4Addr::new(header[at], header[at + 1], header[at + 2], header[at + 3]);
        Some(Ipv4Packet {
            src: address(12),
            dst: address(16),
            protocol: header[9],
            identification: u16::from_be_bytes([header[4], header[5]]),
            // A link may pad a frame: the packet ends where its length says.
            payload: bytes.get(header_len..total)?,
        })
    }

    /// The ICMP echo this packet holds.
    pub fn echo(&self) -> Option<Echo<'a>> {
        (self.protocol == PROTOCOL_ICMP)
            .then(|| Echo::parse(self.payload))
            .flatten()
    }

    /// The UDP datagram this packet holds, its length and (if present) checksum right.
    pub fn udp(&self) -> Option<Datagram<'a>> {
        if self.protocol != PROTOCOL_UDP {
            return None;
        }
        let header = self.payload.get(..8)?;
        let length = usize::from(u16::from_be_bytes([header[4], header[5]]));
        let datagram = self.payload.get(..length)?;
        if length < 8 {
            return None;
        }
        let sent_sum = u16::from_be_bytes([header[6], header[7]]);
        if sent_sum != 0 && udp_checksum(self.src, self.dst, datagram) != 0 {
            return None;
        }
        Some(Datagram {
            src: SocketAddrV4::new(self.src, u16::from_be_bytes([header[0], header[1]])),
            dst: SocketAddrV4::new(self.dst, u16::from_be_bytes([header[2], header[3]])),
            payload: datagram.get(8..)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBSCRIBER: Ipv4Addr = Ipv4Addr::new(198, 18, 0, 10);
    const HOST: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);

    /// An echo request from 198.18.0.10 to 198.18.1.1, id 0x1234 seq 1, "abcdefgh", IP id 1,
    /// checksums computed apart from this code (Python's struct, RFC 1071 sum).
    const PING: [u8; 36] = [
        0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xed, 0xa8, 0xc6, 0x12, 0x00,
        0x0a, 0xc6, 0x12, 0x01, 0x01, 0x08, 0x00, 0x54, 0x35, 0x12, 0x34, 0x00, 0x01, 0x61, 0x62,
        0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    ];
    /// UDP 198.18.0.10:40000 → 198.18.1.1:7, "hi", IP id 2, computed likewise.
    const DATAGRAM: [u8; 30] = [
        0x45, 0x00, 0x00, 0x1e, 0x00, 0x02, 0x00, 0x00, 0x40, 0x11, 0xed, 0x9d, 0xc6, 0x12, 0x00,
        0x0a, 0xc6, 0x12, 0x01, 0x01, 0x9c, 0x40, 0x00, 0x07, 0x00, 0x0a, 0x6d, 0xf9, 0x68, 0x69,
    ];

    #[test]
    fn the_rfc_1071_example_sum() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(sum(&data, 0), 0xddf2);
        assert_eq!(checksum(&data), !0xddf2);
        // An odd length pads with a zero byte.
        assert_eq!(checksum(&[0x01]), !0x0100);
    }

    #[test]
    fn an_echo_request_is_built_as_the_known_packet_and_read_back() {
        let echo = Echo {
            reply: false,
            identifier: 0x1234,
            sequence: 1,
            data: b"abcdefgh",
        };
        assert_eq!(icmp_echo(SUBSCRIBER, HOST, 1, &echo), PING);
        let packet = Ipv4Packet::parse(&PING).unwrap();
        assert_eq!((packet.src, packet.dst), (SUBSCRIBER, HOST));
        assert_eq!(packet.echo(), Some(echo));
        assert_eq!(packet.udp(), None);
    }

    #[test]
    fn a_udp_datagram_is_built_as_the_known_packet_and_read_back() {
        let src = SocketAddrV4::new(SUBSCRIBER, 40000);
        let dst = SocketAddrV4::new(HOST, 7);
        assert_eq!(udp(src, dst, 2, b"hi"), DATAGRAM);
        let packet = Ipv4Packet::parse(&DATAGRAM).unwrap();
        assert_eq!(
            packet.udp(),
            Some(Datagram {
                src,
                dst,
                payload: b"hi"
            })
        );
        // Padding after the packet is not payload.
        let mut padded = DATAGRAM.to_vec();
        padded.extend_from_slice(&[0; 16]);
        assert_eq!(
            Ipv4Packet::parse(&padded).unwrap().udp().unwrap().payload,
            b"hi"
        );
    }

    #[test]
    fn damaged_or_foreign_packets_are_refused() {
        for at in [0, 3, 11, 15] {
            let mut bad = PING;
            bad[at] ^= 0x40;
            assert_eq!(Ipv4Packet::parse(&bad), None, "byte {at}");
        }
        let mut bad_icmp = PING;
        bad_icmp[30] ^= 1;
        assert_eq!(Ipv4Packet::parse(&bad_icmp).unwrap().echo(), None);
        let mut bad_udp = DATAGRAM;
        bad_udp[29] ^= 1;
        assert_eq!(Ipv4Packet::parse(&bad_udp).unwrap().udp(), None);
        let mut fragment = PING;
        fragment[6] = 0x20; // more fragments
        fragment[10..12].copy_from_slice(&[0, 0]);
        let sum = checksum(&fragment[..20]);
        fragment[10..12].copy_from_slice(&sum.to_be_bytes());
        assert_eq!(Ipv4Packet::parse(&fragment), None);
        for short in 0..PING.len() {
            let _ = Ipv4Packet::parse(&PING[..short]).and_then(|p| p.echo());
        }
        assert_eq!(
            Ipv4Packet::parse(&PING[..35]),
            None,
            "shorter than its length"
        );
    }
}
