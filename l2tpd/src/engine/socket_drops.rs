//! What the kernel dropped at our L2TP sockets because their receive buffers were full: the
//! `drops` column of `/proc/net/udp`, by socket inode. Read when an operator asks (`show
//! services l2tp summary`); never per packet. The listeners' control and data sockets are
//! counted apart, which is the point of keeping them apart (issue 15: where a kernel buffer
//! overflows, data is what is lost, never control).

use std::collections::HashMap;
use std::os::fd::AsFd;

/// The inode of `socket`, which names it in `/proc/net/udp`.
pub(super) fn inode(socket: &impl AsFd) -> Option<u64> {
    nix::sys::stat::fstat(socket).ok().map(|stat| stat.st_ino)
}

/// Each IPv4 UDP socket's drops, by inode, from this network namespace's `/proc/net/udp`;
/// empty when it cannot be read.
pub(super) fn udp_drops() -> HashMap<u64, u64> {
    std::fs::read_to_string("/proc/net/udp")
        .map(|table| drops_by_inode(&table))
        .unwrap_or_default()
}

/// `/proc/net/udp`'s table, its header line first: the inode is the tenth column, the drops
/// the last. A line that does not read so is skipped.
fn drops_by_inode(table: &str) -> HashMap<u64, u64> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let inode = columns.get(9)?.parse().ok()?;
            let drops = columns.last()?.parse().ok()?;
            Some((inode, drops))
        })
        .collect()
}

/// The drops seen at each socket when last read, so that each read adds only what is new
/// to the registry's counters (a socket's count lives as long as the socket does: what a
/// socket dropped after the last read and before it closed is not counted).
#[derive(Default)]
pub(super) struct SocketDrops {
    seen: HashMap<u64, u64>,
}

impl SocketDrops {
    /// The drops at each group of sockets (by inode) since the last call, from `table`;
    /// sockets no longer given are forgotten.
    pub(super) fn fold<const N: usize>(
        &mut self,
        table: &HashMap<u64, u64>,
        groups: [&[u64]; N],
    ) -> [u64; N] {
        let mut seen = HashMap::new();
        let counts = groups.map(|inodes| {
            inodes
                .iter()
                .filter_map(|inode| {
                    let now = *table.get(inode)?;
                    let before = self.seen.get(inode).copied().unwrap_or(0);
                    seen.insert(*inode, now);
                    Some(now.saturating_sub(before))
                })
                .sum()
        });
        self.seen = seen;
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \n\
  1: 0100007F:06A5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41001 2 0000000000000000 17      \n\
  2: 0100007F:06A5 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 41002 2 0000000000000000 0       \n\
  a line that is not a socket\n";

    #[test]
    fn the_table_reads_by_inode() {
        let drops = drops_by_inode(TABLE);
        assert_eq!(drops.len(), 2);
        assert_eq!(drops[&41001], 17);
        assert_eq!(drops[&41002], 0);
    }

    #[test]
    fn each_fold_adds_what_is_new_and_forgets_closed_sockets() {
        let mut drops = SocketDrops::default();
        let mut table = HashMap::from([(1, 5), (2, 100)]);
        assert_eq!(drops.fold(&table, [&[1], &[2]]), [5, 100]);
        table.insert(2, 130);
        assert_eq!(drops.fold(&table, [&[1], &[2]]), [0, 30]);
        // Socket 2 closed and its inode reused by a new socket: counted from zero.
        assert_eq!(drops.fold(&table, [&[1], &[]]), [0, 0]);
        table.insert(2, 4);
        assert_eq!(drops.fold(&table, [&[1], &[2]]), [0, 4]);
    }

    /// A real socket's drops: a buffer nobody reads overflows, and the table says so.
    #[test]
    fn a_full_socket_shows_its_drops() {
        use nix::sys::socket::{setsockopt, sockopt};
        let receiver = std::net::UdpSocket::bind("127.0.5.20:0").expect("bind");
        setsockopt(&receiver, sockopt::RcvBuf, &4096).expect("small buffer");
        let sender = std::net::UdpSocket::bind("127.0.5.21:0").expect("bind");
        let to = receiver.local_addr().expect("bound");
        for _ in 0..200 {
            sender.send_to(&[0u8; 512], to).expect("send");
        }
        let inode = inode(&receiver).expect("inode");
        let drops = udp_drops();
        assert!(
            drops.get(&inode).is_some_and(|&d| d > 0),
            "{:?}",
            drops.get(&inode)
        );
    }
}
