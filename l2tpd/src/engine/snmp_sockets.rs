//! The embedded agent's UDP sockets: one per `snmp listen-address` (IPv4 and IPv6), moved
//! by a commit without a moment where a refused commit has already let the old ones go.

use std::future::poll_fn;
use std::net::SocketAddr;
use std::task::Poll;

use tokio::io::ReadBuf;
use tokio::net::UdpSocket;

use super::udp_bind::bind_udp;

/// One socket of the embedded agent, and where it was bound.
pub(super) struct Listener {
    pub at: SocketAddr,
    pub socket: UdpSocket,
}

/// Reads one datagram from whichever socket has one: its length, its source and the
/// socket it came to (an answer leaves by the socket the request came in by). Waits
/// forever when there is no socket.
pub(super) async fn receive(
    listeners: &[Listener],
    buf: &mut [u8],
) -> Option<(usize, SocketAddr, usize)> {
    if listeners.is_empty() {
        return std::future::pending().await;
    }
    poll_fn(|cx| {
        for (index, l) in listeners.iter().enumerate() {
            let mut read = ReadBuf::new(buf);
            match l.socket.poll_recv_from(cx, &mut read) {
                Poll::Ready(Ok(source)) => {
                    return Poll::Ready(Some((read.filled().len(), source, index)))
                }
                Poll::Ready(Err(e)) => {
                    tracing::debug!("snmp receive on {}: {e}", l.at);
                    return Poll::Ready(None);
                }
                Poll::Pending => {}
            }
        }
        Poll::Pending
    })
    .await
}

/// Moves the agent's sockets to `wanted`. Sockets on an address still wanted are kept;
/// the new ones are bound before the old ones close, so a refused commit keeps the agent
/// where it was. Only when an old socket itself holds the port (0.0.0.0 and one address
/// of it, on one port) are the old ones let go of first, and taken back if `wanted`
/// still cannot be bound.
pub(super) fn rebind(wanted: &[SocketAddr], listeners: &mut Vec<Listener>) -> Result<(), String> {
    let refused = match bind_missing(wanted, listeners) {
        Ok(fresh) => {
            keep_wanted(wanted, listeners, fresh);
            return Ok(());
        }
        Err(refused) => refused,
    };
    let (at, e) = refused;
    let holds_port = listeners
        .iter()
        .any(|l| l.at.port() == at.port() && !wanted.contains(&l.at));
    if e.kind() != std::io::ErrorKind::AddrInUse || !holds_port {
        return Err(bind_error(at, &e));
    }
    let previous: Vec<SocketAddr> = listeners.iter().map(|l| l.at).collect();
    listeners.retain(|l| wanted.contains(&l.at));
    match bind_missing(wanted, listeners) {
        Ok(fresh) => {
            keep_wanted(wanted, listeners, fresh);
            Ok(())
        }
        Err((at, e)) => {
            for back in previous {
                if listeners.iter().any(|l| l.at == back) {
                    continue;
                }
                match bind_udp(back, None) {
                    Ok(socket) => listeners.push(Listener { at: back, socket }),
                    Err(lost) => {
                        tracing::error!("snmp: the agent cannot listen on {back} again: {lost}")
                    }
                }
            }
            Err(bind_error(at, &e))
        }
    }
}

/// Binds the wanted addresses that have no socket yet; the first refusal stops (the
/// sockets bound before it close when dropped).
fn bind_missing(
    wanted: &[SocketAddr],
    listeners: &[Listener],
) -> Result<Vec<Listener>, (SocketAddr, std::io::Error)> {
    let mut fresh = Vec::new();
    for &at in wanted {
        if listeners.iter().any(|l| l.at == at) || fresh.iter().any(|l: &Listener| l.at == at) {
            continue;
        }
        let socket = bind_udp(at, None).map_err(|e| (at, e))?;
        fresh.push(Listener { at, socket });
    }
    Ok(fresh)
}

/// The sockets of `wanted`, in its order: kept ones and fresh ones; the others close.
fn keep_wanted(wanted: &[SocketAddr], listeners: &mut Vec<Listener>, fresh: Vec<Listener>) {
    let mut all: Vec<Listener> = std::mem::take(listeners).into_iter().chain(fresh).collect();
    for &at in wanted {
        if let Some(i) = all.iter().position(|l| l.at == at) {
            listeners.push(all.swap_remove(i));
        }
    }
}

/// The commit's error, Junos-style: the statement at fault, and what the host said.
fn bind_error(at: SocketAddr, e: &std::io::Error) -> String {
    let (address, port) = (at.ip(), at.port());
    match e.kind() {
        std::io::ErrorKind::AddrNotAvailable => {
            format!("[edit snmp] 'listen-address {address}': this host has no address {address}")
        }
        std::io::ErrorKind::AddrInUse => {
            format!("[edit snmp] 'port {port}': UDP port {port} of {address} is in use")
        }
        _ => format!("[edit snmp] 'port {port}': the agent cannot listen on {at}: {e}"),
    }
}
