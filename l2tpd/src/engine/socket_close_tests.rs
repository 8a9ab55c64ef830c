//! A socket the engine stops using frees its address at once, even when the data worker
//! reading it is busy: CI saw a commit that deleted a tunnel group and the next commit,
//! which added it back, refused with "cannot bind …: Address already in use" because an
//! aborted reader on a worker still held the old socket.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::Handle;
use tokio::sync::mpsc as channel;

use super::fast_path::FastPath;
use super::queues::{DataDrops, Inbound};
use super::sockets::{bind_listener, L2TP_PORT};
use super::task::{BoundListener, Received};
use crate::io::data_workers::DataWorkers;
use crate::io::ip_relay::SharedIpRelay;
use crate::io::relay::SharedRelay;

/// How long the worker is kept busy: far longer than closing may take.
const BUSY: Duration = Duration::from_millis(500);

/// The engine's side of a test: a runtime of its own, as the engine thread has.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The engine's inbound queues; the receivers are kept so the queues stay open.
fn queues() -> (Inbound<Received>, [channel::Receiver<Received>; 2]) {
    let (control, control_rx) = channel::channel::<Received>(8);
    let (data, data_rx) = channel::channel::<Received>(8);
    let queues = Inbound {
        control,
        data,
        drops: Arc::new(DataDrops::default()),
    };
    (queues, [control_rx, data_rx])
}

#[test]
fn a_closed_listener_frees_its_port_while_its_worker_is_busy() {
    let pool = DataWorkers::start(1).expect("pool");
    let local = SocketAddrV4::new(Ipv4Addr::new(127, 42, 19, 1), L2TP_PORT);
    runtime().block_on(async {
        let fast = FastPath::with_ip(SharedRelay::default(), SharedIpRelay::default());
        let (queues, _receivers) = queues();
        let worker = pool.worker(0);
        let listener = bind_listener(local, 1).expect("bind the listener");
        let bound = BoundListener::on_workers(
            listener,
            *local.ip(),
            (&queues, &fast),
            &pool,
            &Handle::current(),
        )
        .expect("readers");
        // The worker thread is taken by something else (a long batch, a preempted thread).
        let (started, running) = std::sync::mpsc::channel();
        worker.handle.spawn(async move {
            started.send(()).ok();
            std::thread::sleep(BUSY);
        });
        running.recv().expect("the worker is busy");
        bound.close().await;
        // A listener without SO_REUSEADDR, as the engine binds one: refused while any
        // socket of ours is still on the address.
        std::net::UdpSocket::bind(local).expect("the port is free once the socket is closed");
    });
}
