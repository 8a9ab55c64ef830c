//! JSON lines on `STATE_DIR/mgmt.sock`. Each connection is a tokio task; all of them talk to
//! one management thread that owns [`Mgmt`], so requests are handled one at a time in arrival
//! order and a commit is never interleaved with another session's edit.

use super::identity;
use super::limits::{ConnectionSlots, HELLO_LINE_BYTES, HELLO_TIMEOUT, REQUEST_LINE_BYTES};
use super::reclaim::Reclaimer;
use super::session::SessionId;
use super::state::{Handled, Mgmt};
use schema::mgmt::{self, Broadcast, MgmtError, Request, Response};
use std::collections::HashMap;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::oneshot;

/// How often the management thread wakes with no request (commit-confirmed deadlines,
/// candidate write-back).
const TICK: Duration = Duration::from_secs(1);

pub enum Command {
    Open {
        uid: u32,
        user: String,
        hello: Request,
        reply: oneshot::Sender<Result<(SessionId, Response), Response>>,
        /// Where this connection takes broadcast lines, written between its responses.
        broadcasts: BroadcastSender,
    },
    /// One request line, still encoded: it is decoded, handled and its reply encoded on the
    /// management thread, so the large buffers of a whole-configuration request or reply are
    /// allocated and freed on one thread (freed memory is reused instead of being stranded in
    /// several allocator arenas).
    Request {
        session: SessionId,
        line: Vec<u8>,
        reply: oneshot::Sender<String>,
    },
    Close {
        session: SessionId,
    },
    Shutdown,
}

/// Encoded broadcast lines for one connection. Unbounded: broadcasts are rare (an automatic
/// rollback), and a connection that stops reading holds up only its own forwarding task.
pub type BroadcastSender = tokio::sync::mpsc::UnboundedSender<String>;

/// Runs the management thread until [`Command::Shutdown`] or until every sender is gone.
/// A request or reply line at least this long (a whole configuration) is followed by
/// `release_memory`, as are commits, loads and rollbacks.
const LARGE_REQUEST_BYTES: usize = 1024 * 1024;

/// `release_memory` is called after large requests: it hands memory freed by the transient
/// buffers of a whole-configuration load or commit back to the system (the binary passes
/// glibc's `malloc_trim`, which this library, free of `unsafe`, cannot call itself).
pub fn spawn_mgmt_thread(
    mut mgmt: Mgmt,
    release_memory: Option<fn()>,
) -> (mpsc::Sender<Command>, std::thread::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel::<Command>();
    let handle = std::thread::Builder::new()
        .name("mgmt".into())
        .spawn(move || {
            // Joined when this thread ends: what was handed over is freed before exit.
            let reclaim = Reclaimer::start(release_memory);
            let mut shells: HashMap<SessionId, BroadcastSender> = HashMap::new();
            // Ticks are due every TICK even while requests keep arriving: a busy daemon
            // still rolls back an unconfirmed commit on time.
            let mut next_tick = Instant::now() + TICK;
            loop {
                let wait = next_tick.saturating_duration_since(Instant::now());
                match rx.recv_timeout(wait) {
                    Ok(Command::Open {
                        uid,
                        user,
                        hello,
                        reply,
                        broadcasts,
                    }) => {
                        let Request::Hello { client, tty, pid } = hello else {
                            let _ = reply
                                .send(Err(error_response("the first request must be 'hello'")));
                            continue;
                        };
                        let result = match mgmt.open_session(uid, user, client, tty, pid) {
                            Ok((id, hello)) => Ok((
                                id,
                                Response {
                                    result: Ok(hello),
                                    notices: vec![],
                                },
                            )),
                            Err(e) => Err(Response {
                                result: Err(e),
                                notices: vec![],
                            }),
                        };
                        // The connection gave up waiting (closed, or its hello timed out): nobody
                        // will ever close the session it would have had.
                        let opened = result.as_ref().ok().map(|(id, _)| *id);
                        match reply.send(result) {
                            Err(Ok((id, _))) => mgmt.close_session(id),
                            _ => {
                                if let Some(id) = opened {
                                    shells.insert(id, broadcasts);
                                }
                            }
                        }
                    }
                    Ok(Command::Request {
                        session,
                        line,
                        reply,
                    }) => {
                        // Commits and whole-configuration loads build and drop large trees
                        // whatever the size of the request itself.
                        let mut large = line.len() >= LARGE_REQUEST_BYTES;
                        let handled =
                            match mgmt::decode_line::<Request>(&String::from_utf8_lossy(&line)) {
                                Ok(request) => {
                                    large |= matches!(
                                        request,
                                        Request::Commit { .. }
                                            | Request::Load { .. }
                                            | Request::Rollback { .. }
                                            | Request::RollbackRescue
                                            | Request::ReplacePattern { .. }
                                    );
                                    mgmt.handle_or_defer(session, request)
                                }
                                Err(e) => Handled::Now(Box::new(error_response(&e))),
                            };
                        drop(line);
                        match handled {
                            Handled::Now(response) => {
                                let large = send_response(*response, large, reply);
                                // What a commit replaced is freed once its answer is sent,
                                // and not on this thread: the next request need not wait.
                                free_retired(&mut mgmt, &reclaim);
                                if large {
                                    reclaim.release();
                                }
                            }
                            // The engine has it: wait on a thread of its own, so the other
                            // sessions are served meanwhile (a test call may take seconds).
                            // It trims on its own thread: a hold on the reclaiming thread's
                            // queue would make shutting down wait for the engine's answer.
                            Handled::Later(wait) => {
                                let spawned = std::thread::Builder::new()
                                    .name("mgmt-wait".into())
                                    .spawn(move || {
                                        if send_response(wait(), false, reply) {
                                            if let Some(release) = release_memory {
                                                release();
                                            }
                                        }
                                    });
                                if let Err(e) = spawned {
                                    tracing::error!(
                                        "cannot start a thread to wait for the engine: {e}"
                                    );
                                }
                            }
                        }
                    }
                    Ok(Command::Close { session }) => {
                        shells.remove(&session);
                        mgmt.close_session(session);
                    }
                    Ok(Command::Shutdown) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                        mgmt.tick();
                        mgmt.save_candidates();
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
                if Instant::now() >= next_tick {
                    mgmt.tick();
                    // An automatic rollback or a `commit at` has no answer to wait for.
                    free_retired(&mut mgmt, &reclaim);
                    broadcast(&mut mgmt, &shells);
                    close_idle(&mut mgmt, &mut shells);
                    next_tick = Instant::now() + TICK;
                }
            }
        })
        .expect("spawning the management thread");
    (tx, handle)
}

/// Sends the daemon's broadcasts to every open shell at once, and the lines meant for one
/// shell (the files it monitors) to that shell.
fn broadcast(mgmt: &mut Mgmt, shells: &HashMap<SessionId, BroadcastSender>) {
    for message in mgmt.take_broadcasts() {
        let line = mgmt::encode_line(&Broadcast { broadcast: message });
        for shell in shells.values() {
            // A connection that has just ended: its Close is on its way.
            let _ = shell.send(line.clone());
        }
    }
    for (session, message) in mgmt.take_session_messages() {
        if let Some(shell) = shells.get(&session) {
            let _ = shell.send(mgmt::encode_line(&Broadcast { broadcast: message }));
        }
    }
}

/// Closes the sessions idle beyond their class's `idle-timeout`: each client is told why, as
/// Junos tells the terminal, and dropping its broadcast sender ends its connection (see
/// `connection`).
fn close_idle(mgmt: &mut Mgmt, shells: &mut HashMap<SessionId, BroadcastSender>) {
    for session in mgmt.close_idle_sessions(Instant::now()) {
        if let Some(shell) = shells.remove(&session) {
            let line = mgmt::encode_line(&Broadcast {
                broadcast: schema::idle::CLOSING.into(),
            });
            let _ = shell.send(line);
        }
    }
}

/// Encodes and sends one response; true if it was large (see [`LARGE_REQUEST_BYTES`]).
fn send_response(response: Response, large: bool, reply: oneshot::Sender<String>) -> bool {
    let encoded = mgmt::encode_line(&response);
    drop(response);
    let large = large || encoded.len() >= LARGE_REQUEST_BYTES;
    // The connection may be gone (the shell quit); nothing else waits for the reply.
    let _ = reply.send(encoded);
    large
}

/// Hands the configuration the last commit replaced, if any, to the reclaiming thread.
fn free_retired(mgmt: &mut Mgmt, reclaim: &Reclaimer) {
    if let Some(retired) = mgmt.take_retired() {
        reclaim.free(retired);
    }
}

fn error_response(message: &str) -> Response {
    Response {
        result: Err(MgmtError::Failed {
            message: message.into(),
        }),
        notices: vec![],
    }
}

/// Binds the socket (replacing a stale one), mode 0660.
pub fn bind(socket: &Path) -> io::Result<UnixListener> {
    if socket.exists() {
        if std::os::unix::net::UnixStream::connect(socket).is_ok() {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!(
                    "{} is in use: another l2tpd serves this state directory",
                    socket.display()
                ),
            ));
        }
        std::fs::remove_file(socket)?;
    }
    let listener = UnixListener::bind(socket)?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o660))?;
    Ok(listener)
}

/// Accepts connections until the listener fails.
pub async fn serve(listener: UnixListener, mgmt: mpsc::Sender<Command>) {
    let slots = ConnectionSlots::default();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let mgmt = mgmt.clone();
                let slots = slots.clone();
                tokio::spawn(async move {
                    if let Err(e) = connection(stream, mgmt, slots).await {
                        tracing::debug!("management connection ended: {e}");
                    }
                });
            }
            Err(e) => {
                // Out of file descriptors, most likely: wait for connections to end.
                tracing::error!("accepting a management connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One line of at most `limit` bytes; `None` at the end of the stream. A longer line is an
/// `InvalidData` error whose text is the operator's sentence.
async fn read_request(
    reader: &mut BufReader<tokio::net::unix::OwnedReadHalf>,
    limit: usize,
    when: &str,
) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let n = (&mut *reader)
        .take(limit as u64)
        .read_until(b'\n', &mut line)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if !line.ends_with(b"\n") && n >= limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("request longer than {limit} bytes {when}; connection closed"),
        ));
    }
    Ok(Some(line))
}

/// Tells the client why its connection ends (best effort: it may be gone already).
async fn refuse(write: &mut tokio::net::unix::OwnedWriteHalf, message: &str) {
    let line = mgmt::encode_line(&error_response(message));
    let _ = tokio::time::timeout(HELLO_TIMEOUT, write.write_all(line.as_bytes())).await;
}

/// Why a connection ended before it had a session.
enum Unidentified {
    /// Closed by the client, or refused with a reply already sent.
    Gone,
    /// Refused: this sentence is the reply.
    Refused(String),
}

async fn connection(
    stream: UnixStream,
    mgmt: mpsc::Sender<Command>,
    slots: ConnectionSlots,
) -> io::Result<()> {
    let cred = stream.peer_cred()?;
    let uid = cred.uid();
    let user = tokio::task::spawn_blocking(move || identity::user_name(uid))
        .await
        .unwrap_or_else(|_| format!("uid{uid}"));
    let (read, mut write) = stream.into_split();
    // Held until the connection ends, however it ends.
    let _slot = match slots.take(uid, &user) {
        Ok(slot) => slot,
        Err(message) => {
            refuse(&mut write, &message).await;
            return Ok(());
        }
    };
    let mut reader = BufReader::new(read);
    let hello = identify(&mut reader, &mut write, &mgmt, uid, user).await;
    let (session, response, mut broadcast_lines) = match hello {
        Ok(opened) => opened,
        Err(Unidentified::Gone) => return Ok(()),
        Err(Unidentified::Refused(message)) => {
            refuse(&mut write, &message).await;
            return Ok(());
        }
    };

    // From here on the session exists: whatever ends the connection, it is closed.
    // Broadcasts go out whenever they come, between responses: the writer is shared.
    let write = Arc::new(tokio::sync::Mutex::new(write));
    // It ends when the management thread drops the sender (the session was closed for
    // idleness, its last line written) or the client is gone; the connection ends with it.
    let mut forwarder = tokio::spawn({
        let write = write.clone();
        async move {
            while let Some(line) = broadcast_lines.recv().await {
                if write.lock().await.write_all(line.as_bytes()).await.is_err() {
                    break;
                }
            }
        }
    });
    let result = async {
        write
            .lock()
            .await
            .write_all(mgmt::encode_line(&response).as_bytes())
            .await?;
        drop(response);
        loop {
            let read = read_request(
                &mut reader,
                REQUEST_LINE_BYTES,
                "(the limit of one request)",
            );
            let read = tokio::select! {
                read = read => read,
                _ = &mut forwarder => break,
            };
            let line = match read {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    refuse(&mut *write.lock().await, &e.to_string()).await;
                    return Err(e);
                }
                Err(e) => return Err(e),
            };
            let (tx, rx) = oneshot::channel();
            send(
                &mgmt,
                Command::Request {
                    session,
                    line,
                    reply: tx,
                },
            )?;
            let encoded = rx.await.map_err(|_| gone())?;
            write.lock().await.write_all(encoded.as_bytes()).await?;
        }
        Ok::<(), io::Error>(())
    }
    .await;
    forwarder.abort();
    let _ = mgmt.send(Command::Close { session });
    result
}

/// A session, the response to its hello, and the broadcast lines for its connection.
type Opened = (
    SessionId,
    Response,
    tokio::sync::mpsc::UnboundedReceiver<String>,
);

/// Reads the hello (a short line, within [`HELLO_TIMEOUT`]) and asks the management thread
/// for a session.
async fn identify(
    reader: &mut BufReader<tokio::net::unix::OwnedReadHalf>,
    write: &mut tokio::net::unix::OwnedWriteHalf,
    mgmt: &mpsc::Sender<Command>,
    uid: u32,
    user: String,
) -> Result<Opened, Unidentified> {
    // Only the client's hello is timed: the management thread's answer may wait behind a
    // long commit, which is no fault of the client.
    let read = read_request(reader, HELLO_LINE_BYTES, "before hello");
    let Ok(first) = tokio::time::timeout(HELLO_TIMEOUT, read).await else {
        return Err(Unidentified::Refused(format!(
            "no hello within {} s; connection closed",
            HELLO_TIMEOUT.as_secs()
        )));
    };
    let first = match first {
        Ok(Some(line)) => line,
        Ok(None) => return Err(Unidentified::Gone),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            return Err(Unidentified::Refused(e.to_string()))
        }
        Err(_) => return Err(Unidentified::Gone),
    };
    let hello = mgmt::decode_line::<Request>(&String::from_utf8_lossy(&first))
        .map_err(Unidentified::Refused)?;
    let (tx, rx) = oneshot::channel();
    let (broadcasts, broadcast_lines) = tokio::sync::mpsc::unbounded_channel();
    send(
        mgmt,
        Command::Open {
            uid,
            user,
            hello,
            reply: tx,
            broadcasts,
        },
    )
    .map_err(|e| Unidentified::Refused(e.to_string()))?;
    match rx.await {
        Ok(Ok((session, response))) => Ok((session, response, broadcast_lines)),
        Ok(Err(response)) => {
            let _ = write
                .write_all(mgmt::encode_line(&response).as_bytes())
                .await;
            Err(Unidentified::Gone)
        }
        Err(_) => Err(Unidentified::Refused(gone().to_string())),
    }
}

fn send(mgmt: &mpsc::Sender<Command>, cmd: Command) -> io::Result<()> {
    mgmt.send(cmd).map_err(|_| gone())
}

fn gone() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the management thread has stopped",
    )
}
