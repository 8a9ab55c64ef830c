//! The I/O shell: the endpoints that move whole frames between the kernel and the sans-IO
//! cores. Protocol code never opens a socket; the engine owns these and feeds the cores.
//!
//! - [`packet_socket`]: AF_PACKET for PPPoE on a host interface (ETH_P_ALL with a BPF
//!   filter, the stripped outer VLAN tag put back from PACKET_AUXDATA), recvmmsg/sendmmsg,
//!   and the interface facts the engine polls (MAC, MTU, link). The little `unsafe` that
//!   packet sockets, ioctls and tokio's fd registration need lives in that file, and the
//!   receive ring's in [`rx_ring`], and nowhere else in the daemon (ARCHITECTURE.md, "the
//!   I/O shell").
//! - [`rx_ring`]: a PACKET_RX_RING (TPACKET_V3) on a port's packet socket, the data
//!   workers' receive: mmap, the blocks' status words, Drop unmaps. [`ring_block`] reads a
//!   block's frames (pure, tested alone).
//! - [`socket_link`]: the same frames over a Unix datagram socket, for the lab and for tests
//!   that run without root.
//! - [`frame_endpoint`]: one enum over both, so the engine treats them as one kind.
//! - [`frame_batch`]: the reused receive buffers; no allocation per frame.
//! - [`datagram_batch`]: the same for UDP datagrams (the L2TP listeners' recvmmsg).
//! - [`vlan_auxdata`]: re-inserting the VLAN tag the kernel stripped (pure, tested alone).
//! - [`async_endpoint`]: tokio readiness for a frame endpoint.
//! - [`id_hash`]: the unkeyed hasher of the tables' maps keyed by IDs we assign.
//! - [`relay`]: the per-session forwarding table of established subscribers (pure).
//! - [`ip_relay`]: the LNS's per-subscriber IP forwarding table (pure).
//! - [`service_endpoint`]: a service interface (`si-…`): a TUN device, or a Unix datagram
//!   socket carrying IPv4 packets for the lab and unprivileged tests.
//! - [`tun_queue`]: one queue of a service interface's TUN device, with the kernel's
//!   virtio-net offload (super-packets coalesced on write, split on read) when it takes it.
//! - [`vrf`]: Linux VRF devices for routing instances, and enslaving a service interface
//!   to one, over rtnetlink.
//! - [`classify`]: control or data, the first look at every datagram and frame (pure).
//! - [`data_workers`]: the threads that forward established sessions' data, apart from
//!   the control engine's thread (issue 15, item 2).
//! - [`forwarder`]: the plain AF_PACKET → UDP forwarder, the benchmark ceiling for the relay.

pub mod async_endpoint;
pub mod classify;
pub mod data_workers;
pub mod datagram_batch;
pub mod forwarder;
pub mod frame_batch;
pub mod frame_endpoint;
pub mod id_hash;
pub mod ip_relay;
pub mod packet_socket;
pub mod prefix_table;
pub mod relay;
pub mod ring_block;
pub mod route;
pub mod rx_ring;
pub mod service_endpoint;
pub mod socket_link;
pub mod static_route;
pub mod tun_queue;
pub mod vlan_auxdata;
pub mod vrf;

pub use async_endpoint::AsyncFrameEndpoint;
pub use frame_batch::FrameBatch;
pub use frame_endpoint::{FrameEndpoint, ReceiveDrops};
pub use packet_socket::PacketSocket;
pub use socket_link::SocketLink;
