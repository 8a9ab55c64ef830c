//! Linux VRF devices, one per routing instance, and the service interfaces enslaved to them,
//! over rtnetlink (the netlink-packet-route messages `ip link add NAME type vrf table N`,
//! `ip link set DEV master NAME|nomaster` and `ip link del NAME` send). No `unsafe` here:
//! netlink-sys owns the socket.
//!
//! Each call opens its own socket and waits for the kernel's acknowledgement: these run at
//! commit time only, a handful per commit, and a blocking round trip to the kernel is what
//! the TUN configuration next to it does too.

use std::io;

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL,
    NLM_F_REQUEST,
};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVrf, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::constants::NETLINK_ROUTE;
use netlink_sys::{Socket, SocketAddr};

/// Creates VRF device `name` on routing table `table`, and sets it up (a VRF that is down
/// routes nothing).
pub fn create_vrf(name: &str, table: u32) -> io::Result<()> {
    request(
        RouteNetlinkMessage::NewLink(new_vrf(name, table)),
        NLM_F_CREATE | NLM_F_EXCL,
    )
}

/// RTM_NEWLINK for `ip link add NAME up type vrf table TABLE`: IFLA_IFNAME, and IFLA_LINKINFO
/// holding IFLA_INFO_KIND "vrf" and IFLA_INFO_DATA { IFLA_VRF_TABLE }.
fn new_vrf(name: &str, table: u32) -> LinkMessage {
    let mut link = LinkMessage::default();
    link.header.flags = LinkFlags::Up;
    link.header.change_mask = LinkFlags::Up;
    link.attributes
        .push(LinkAttribute::IfName(name.to_string()));
    link.attributes.push(LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::Vrf),
        LinkInfo::Data(InfoData::Vrf(vec![InfoVrf::TableId(table)])),
    ]));
    link
}

/// Deletes link `name` (its enslaved devices go back to the main table, kept up).
pub fn delete_link(name: &str) -> io::Result<()> {
    let mut link = LinkMessage::default();
    link.attributes
        .push(LinkAttribute::IfName(name.to_string()));
    request(RouteNetlinkMessage::DelLink(link), 0)
}

/// Enslaves device `name` to VRF `master`, or releases it to the main table (`None`). The
/// kernel moves the device's connected routes (the pools' prefixes) into the VRF's table.
pub fn set_master(name: &str, master: Option<&str>) -> io::Result<()> {
    let index = match master {
        Some(master) => link_index(master)?,
        None => 0,
    };
    let mut link = LinkMessage::default();
    link.attributes
        .push(LinkAttribute::IfName(name.to_string()));
    link.attributes.push(LinkAttribute::Controller(index));
    request(RouteNetlinkMessage::SetLink(link), 0)
}

/// The interface index of link `name`, or `NotFound`.
pub fn link_index(name: &str) -> io::Result<u32> {
    let mut link = LinkMessage::default();
    link.attributes
        .push(LinkAttribute::IfName(name.to_string()));
    let socket = connect()?;
    send(&socket, RouteNetlinkMessage::GetLink(link), 0)?;
    loop {
        let (buf, _) = socket.recv_from_full()?;
        for message in messages(&buf)? {
            match message.payload {
                NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(link)) => {
                    return Ok(link.header.index)
                }
                NetlinkPayload::Error(e) if e.code.is_some() => return Err(e.to_io()),
                _ => {}
            }
        }
    }
}

fn connect() -> io::Result<Socket> {
    let mut socket = Socket::new(NETLINK_ROUTE)?;
    socket.bind_auto()?;
    socket.connect(&SocketAddr::new(0, 0))?;
    Ok(socket)
}

fn send(socket: &Socket, message: RouteNetlinkMessage, flags: u16) -> io::Result<()> {
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | flags;
    header.sequence_number = 1;
    let mut request = NetlinkMessage::new(header, NetlinkPayload::from(message));
    request.finalize();
    let mut buf = vec![0; request.buffer_len()];
    request.serialize(&mut buf);
    socket.send(&buf, 0)?;
    Ok(())
}

/// Sends `message` asking for an acknowledgement and waits for it: the kernel's error, if it
/// refused (`EEXIST`, `ENODEV`, `EPERM` …), as an `io::Error`.
pub(super) fn request(message: RouteNetlinkMessage, flags: u16) -> io::Result<()> {
    let socket = connect()?;
    send(&socket, message, NLM_F_ACK | flags)?;
    loop {
        let (buf, _) = socket.recv_from_full()?;
        for message in messages(&buf)? {
            if let NetlinkPayload::Error(e) = message.payload {
                return match e.code {
                    None => Ok(()),
                    Some(_) => Err(e.to_io()),
                };
            }
        }
    }
}

/// Sends a dump request and gathers every reply message until the kernel's NLMSG_DONE: the
/// routes of every table for RTM_GETROUTE.
pub(super) fn dump(message: RouteNetlinkMessage) -> io::Result<Vec<RouteNetlinkMessage>> {
    let socket = connect()?;
    send(&socket, message, NLM_F_DUMP)?;
    let mut replies = Vec::new();
    loop {
        let (buf, _) = socket.recv_from_full()?;
        for message in messages(&buf)? {
            match message.payload {
                NetlinkPayload::InnerMessage(inner) => replies.push(inner),
                NetlinkPayload::Done(_) => return Ok(replies),
                NetlinkPayload::Error(e) if e.code.is_some() => return Err(e.to_io()),
                _ => {}
            }
        }
    }
}

/// The netlink messages of one datagram.
fn messages(mut buf: &[u8]) -> io::Result<Vec<NetlinkMessage<RouteNetlinkMessage>>> {
    let mut out = Vec::new();
    while buf.len() >= 16 {
        let length = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
        let Some(one) = buf.get(..length).filter(|_| length >= 16) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "truncated netlink message",
            ));
        };
        let message = NetlinkMessage::<RouteNetlinkMessage>::deserialize(one)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        out.push(message);
        // Messages are aligned to 4 bytes.
        buf = buf.get(length.next_multiple_of(4)..).unwrap_or_default();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use netlink_packet_core::Emitable;

    /// The attributes as the kernel reads them (linux/if_link.h): IFLA_IFNAME 3,
    /// IFLA_LINKINFO 18 { IFLA_INFO_KIND 1 "vrf", IFLA_INFO_DATA 2 { IFLA_VRF_TABLE 1 } }.
    #[test]
    fn the_vrf_request_carries_kind_vrf_and_the_table() {
        let link = new_vrf("vrf-ri1", 0x0102_0304);
        let mut bytes = vec![0; link.buffer_len()];
        link.emit(&mut bytes);
        let attributes = &bytes[16..];
        let name = [&12u16.to_ne_bytes()[..], &3u16.to_ne_bytes(), b"vrf-ri1\0"].concat();
        assert!(attributes.starts_with(&name), "{attributes:02x?}");
        let kind = [&8u16.to_ne_bytes()[..], &1u16.to_ne_bytes(), b"vrf\0"].concat();
        let table = [
            &8u16.to_ne_bytes()[..],
            &1u16.to_ne_bytes(),
            &0x0102_0304u32.to_ne_bytes(),
        ]
        .concat();
        let contains = |needle: &[u8]| attributes.windows(needle.len()).any(|w| w == needle);
        assert!(contains(&kind), "{attributes:02x?}");
        assert!(contains(&table), "{attributes:02x?}");
        // The device is created up: IFF_UP in both flags and change mask.
        assert_eq!(bytes[8] & 1, 1);
        assert_eq!(bytes[12] & 1, 1);
    }

    #[test]
    fn a_short_or_lying_netlink_datagram_is_an_error_not_a_panic() {
        assert!(messages(&[]).unwrap().is_empty());
        assert!(messages(&[0xff; 15]).unwrap().is_empty());
        let mut lying = vec![0u8; 20];
        lying[..4].copy_from_slice(&64u32.to_ne_bytes());
        assert!(messages(&lying).is_err());
        let mut short = vec![0u8; 20];
        short[..4].copy_from_slice(&4u32.to_ne_bytes());
        assert!(messages(&short).is_err());
    }
}
