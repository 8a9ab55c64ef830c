//! The connection to l2tpd: one request, one response, JSON lines on a Unix socket; and,
//! between responses, the daemon's broadcasts, which may come at any time.

use schema::mgmt::{decode_line, encode_line, Broadcast, Request, Response};
use std::io::{self, BufRead, BufReader, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Where a broadcast goes as it arrives.
pub type BroadcastPrinter = Box<dyn FnMut(String) + Send>;

/// Sends a request and waits for its response. The shell talks only through this, so it is
/// tested against canned replies without a daemon.
pub trait Transport {
    fn call(&mut self, request: Request) -> io::Result<Response>;
    /// `call`, giving up with `TimedOut` when the response takes longer than `patience`
    /// (completion must not freeze the line being typed). A response that comes later is
    /// not taken for the next call's.
    fn call_within(&mut self, request: Request, _patience: Duration) -> io::Result<Response> {
        self.call(request)
    }
    /// Broadcasts kept since the last call (printed with the shell's next output).
    fn take_broadcasts(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// Hands each later broadcast to `print` as it arrives, even while the shell waits at
    /// its prompt, instead of keeping it.
    fn print_broadcasts_with(&mut self, _print: BroadcastPrinter) {}
    /// From here on, a call whose request only answers (see `Request::only_answers`) gives
    /// up with `Interrupted` when `pressed` is set (Ctrl-C in an interactive session).
    fn stop_on_interrupt(&mut self, _pressed: Arc<AtomicBool>) {}
}

/// Broadcasts received and not yet shown, or the printer that shows them at once.
#[derive(Default)]
struct Broadcasts {
    kept: Vec<String>,
    printer: Option<BroadcastPrinter>,
}

/// A connection to `STATE_DIR/mgmt.sock`. A reader thread takes every line the daemon
/// sends: responses go to the waiting `call`, broadcasts to the shell when they come.
pub struct UnixTransport {
    writer: UnixStream,
    responses: mpsc::Receiver<io::Result<String>>,
    broadcasts: Arc<Mutex<Broadcasts>>,
    /// Responses still to come to calls that gave up waiting: dropped when they arrive.
    stale: usize,
    /// Set by Ctrl-C in an interactive session.
    interrupt: Option<Arc<AtomicBool>>,
}

impl UnixTransport {
    pub fn connect(socket: &Path) -> io::Result<UnixTransport> {
        let writer = UnixStream::connect(socket)?;
        let reader = BufReader::new(writer.try_clone()?);
        let (tx, responses) = mpsc::channel();
        let broadcasts = Arc::new(Mutex::new(Broadcasts::default()));
        let shared = broadcasts.clone();
        std::thread::Builder::new()
            .name("l2tpd-reader".into())
            .spawn(move || read_lines(reader, tx, &shared))?;
        Ok(UnixTransport {
            writer,
            responses,
            broadcasts,
            stale: 0,
            interrupt: None,
        })
    }

    /// Waits for the next response line, until `deadline` if there is one.
    fn next_line(&mut self, deadline: Option<Instant>) -> io::Result<String> {
        match deadline {
            None => self.responses.recv().map_err(|_| closed())?,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                match self.responses.recv_timeout(left) {
                    Ok(line) => line,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        Err(io::Error::new(io::ErrorKind::TimedOut, "l2tpd is busy"))
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => Err(closed()),
                }
            }
        }
    }

    /// Waits for the next response line until Ctrl-C sets `pressed`.
    fn next_line_unless(&mut self, pressed: &AtomicBool) -> io::Result<String> {
        loop {
            match self.responses.recv_timeout(INTERRUPT_POLL) {
                Ok(line) => return line,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if pressed.swap(false, Ordering::SeqCst) {
                        return Err(io::ErrorKind::Interrupted.into());
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(closed()),
            }
        }
    }

    /// Sends `request` and reads its response, first dropping the late responses of calls
    /// that gave up.
    fn exchange(&mut self, request: Request, deadline: Option<Instant>) -> io::Result<Response> {
        while self.stale > 0 {
            self.next_line(deadline)?;
            self.stale -= 1;
        }
        let interruptible = match &self.interrupt {
            Some(pressed) if deadline.is_none() && request.only_answers() => {
                // A Ctrl-C pressed during an earlier command is not this one's.
                pressed.store(false, Ordering::SeqCst);
                Some(pressed.clone())
            }
            _ => None,
        };
        self.writer.write_all(encode_line(&request).as_bytes())?;
        self.writer.flush()?;
        let answer = match interruptible {
            Some(pressed) => self.next_line_unless(&pressed),
            None => self.next_line(deadline),
        };
        let line = match answer {
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) =>
            {
                self.stale += 1;
                return Err(e);
            }
            other => other?,
        };
        decode_line(&line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn broadcasts(&self) -> std::sync::MutexGuard<'_, Broadcasts> {
        self.broadcasts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// How often a call that Ctrl-C may stop looks at the flag: quick enough to feel immediate.
const INTERRUPT_POLL: Duration = Duration::from_millis(50);

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "l2tpd closed the connection")
}

/// The reader thread: until the connection ends (then `call` is told why).
fn read_lines(
    mut reader: BufReader<UnixStream>,
    responses: mpsc::Sender<io::Result<String>>,
    broadcasts: &Mutex<Broadcasts>,
) {
    loop {
        let mut line = String::new();
        let outcome = match reader.read_line(&mut line) {
            Ok(0) => Err(closed()),
            Ok(_) => Ok(line),
            Err(e) => Err(e),
        };
        match outcome {
            Ok(line) => {
                if let Some(message) = Broadcast::decode(&line) {
                    let mut b = broadcasts.lock().unwrap_or_else(PoisonError::into_inner);
                    match b.printer.as_mut() {
                        Some(print) => print(message),
                        None => b.kept.push(message),
                    }
                } else if responses.send(Ok(line)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = responses.send(Err(e));
                return;
            }
        }
    }
}

impl Transport for UnixTransport {
    fn call(&mut self, request: Request) -> io::Result<Response> {
        self.exchange(request, None)
    }

    fn call_within(&mut self, request: Request, patience: Duration) -> io::Result<Response> {
        self.exchange(request, Some(Instant::now() + patience))
    }

    fn take_broadcasts(&mut self) -> Vec<String> {
        std::mem::take(&mut self.broadcasts().kept)
    }

    fn print_broadcasts_with(&mut self, mut print: BroadcastPrinter) {
        let mut b = self.broadcasts();
        for message in b.kept.drain(..) {
            print(message);
        }
        b.printer = Some(print);
    }

    fn stop_on_interrupt(&mut self, pressed: Arc<AtomicBool>) {
        self.interrupt = Some(pressed);
    }
}

/// One connection shared by the shell and the line editor's completion (which asks for
/// existing values while a line is typed, when the shell itself waits).
pub struct Shared<T>(Arc<Mutex<T>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T: Transport> Shared<T> {
    pub fn new(transport: T) -> Self {
        Shared(Arc::new(Mutex::new(transport)))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Transport> Transport for Shared<T> {
    fn call(&mut self, request: Request) -> io::Result<Response> {
        self.lock().call(request)
    }
    fn call_within(&mut self, request: Request, patience: Duration) -> io::Result<Response> {
        self.lock().call_within(request, patience)
    }
    fn take_broadcasts(&mut self) -> Vec<String> {
        self.lock().take_broadcasts()
    }
    fn print_broadcasts_with(&mut self, print: BroadcastPrinter) {
        self.lock().print_broadcasts_with(print)
    }
    fn stop_on_interrupt(&mut self, pressed: Arc<AtomicBool>) {
        self.lock().stop_on_interrupt(pressed)
    }
}

impl Drop for UnixTransport {
    /// Ends the reader thread's read as well.
    fn drop(&mut self) {
        let _ = self.writer.shutdown(Shutdown::Both);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::mgmt::Reply;
    use std::os::unix::net::UnixListener;

    #[test]
    fn one_request_one_response() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mgmt.sock");
        let listener = UnixListener::bind(&path).expect("bind");
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            reader.read_line(&mut line).expect("read");
            let request: Request = decode_line(&line).expect("request");
            let reply = Response {
                result: Ok(Reply::Done {
                    messages: vec![format!("{request:?}")],
                }),
                notices: vec![],
            };
            (&stream)
                .write_all(encode_line(&reply).as_bytes())
                .expect("write");
            // Then hang up: the next call must fail cleanly.
        });
        let mut t = UnixTransport::connect(&path).expect("connect");
        let r = t.call(Request::Update).expect("call");
        assert_eq!(
            r.result,
            Ok(Reply::Done {
                messages: vec!["Update".into()]
            })
        );
        server.join().expect("server");
        let kind = t.call(Request::Update).expect_err("closed").kind();
        assert!(
            matches!(
                kind,
                io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe
            ),
            "{kind:?}"
        );
    }

    /// A broadcast may come before a response, or while the shell sends nothing at all.
    #[test]
    fn broadcasts_come_between_responses() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mgmt.sock");
        let listener = UnixListener::bind(&path).expect("bind");
        let (go, wait) = mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let broadcast = |text: &str| {
                encode_line(&Broadcast {
                    broadcast: text.into(),
                })
            };
            let mut line = String::new();
            reader.read_line(&mut line).expect("read");
            let reply = Response {
                result: Ok(Reply::Done { messages: vec![] }),
                notices: vec![],
            };
            let both = broadcast("first") + &encode_line(&reply);
            (&stream).write_all(both.as_bytes()).expect("write");
            wait.recv().expect("go");
            (&stream)
                .write_all(broadcast("second").as_bytes())
                .expect("write");
            // Stay connected until the client hangs up.
            let _ = reader.read_line(&mut line);
        });
        let mut t = UnixTransport::connect(&path).expect("connect");
        let r = t.call(Request::Update).expect("call");
        assert_eq!(r.result, Ok(Reply::Done { messages: vec![] }));
        assert_eq!(t.take_broadcasts(), ["first"]);
        let (printed, shown) = mpsc::channel();
        t.print_broadcasts_with(Box::new(move |m| {
            let _ = printed.send(m);
        }));
        go.send(()).expect("go");
        // No call: the printer gets it as it comes.
        let second = shown
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("printed");
        assert_eq!(second, "second");
        drop(t);
        server.join().expect("server");
    }

    /// A daemon that answers `requests` requests with `answer N`, holding back each of the
    /// first `held` until `go` says so.
    fn slow_daemon(
        path: &Path,
        requests: usize,
        held: usize,
    ) -> (std::thread::JoinHandle<()>, mpsc::Sender<()>) {
        let listener = UnixListener::bind(path).expect("bind");
        let (go, wait) = mpsc::channel::<()>();
        let server = std::thread::spawn(move || {
            let (stream, _) = listener.accept().expect("accept");
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            for n in 0..requests {
                let mut line = String::new();
                reader.read_line(&mut line).expect("read");
                if n < held {
                    wait.recv().expect("go");
                }
                let reply = Response {
                    result: Ok(Reply::Done {
                        messages: vec![format!("answer {n}")],
                    }),
                    notices: vec![],
                };
                (&stream)
                    .write_all(encode_line(&reply).as_bytes())
                    .expect("write");
            }
        });
        (server, go)
    }

    /// A call that gave up does not hand its late response to the next call.
    #[test]
    fn a_late_response_is_dropped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mgmt.sock");
        // The first request is answered only after the client gave up on it.
        let (server, go) = slow_daemon(&path, 2, 1);
        let mut t = UnixTransport::connect(&path).expect("connect");
        let late = t
            .call_within(Request::Update, Duration::from_millis(1))
            .expect_err("too slow");
        assert_eq!(late.kind(), io::ErrorKind::TimedOut);
        go.send(()).expect("go");
        let r = t.call(Request::Update).expect("call");
        assert_eq!(
            r.result,
            Ok(Reply::Done {
                messages: vec!["answer 1".into()]
            })
        );
        server.join().expect("server");
    }

    /// Ctrl-C stops the wait for a show, not for a change; the show's late answer is not
    /// taken for the next call's.
    #[test]
    fn ctrl_c_stops_the_wait_for_a_show() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("mgmt.sock");
        // The first two are answered only after the client was interrupted (or not).
        let (server, go) = slow_daemon(&path, 3, 2);
        let pressed = Arc::new(AtomicBool::new(false));
        let mut t = UnixTransport::connect(&path).expect("connect");
        t.stop_on_interrupt(pressed.clone());
        let presser = {
            let pressed = pressed.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                pressed.store(true, Ordering::SeqCst);
            })
        };
        let show = Request::GetSystemUptimeInformation;
        assert!(show.only_answers());
        let stopped = t.call(show).expect_err("interrupted");
        assert_eq!(stopped.kind(), io::ErrorKind::Interrupted);
        presser.join().expect("presser");
        // A change is waited for whatever is pressed meanwhile.
        pressed.store(true, Ordering::SeqCst);
        go.send(()).expect("answer 0, late");
        go.send(()).expect("answer 1");
        assert!(!Request::Update.only_answers());
        let r = t.call(Request::Update).expect("call");
        assert_eq!(
            r.result,
            Ok(Reply::Done {
                messages: vec!["answer 1".into()]
            })
        );
        let r = t.call(Request::GetSystemUptimeInformation).expect("call");
        assert_eq!(
            r.result,
            Ok(Reply::Done {
                messages: vec!["answer 2".into()]
            })
        );
        server.join().expect("server");
    }

    #[test]
    fn missing_socket() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = UnixTransport::connect(&dir.path().join("mgmt.sock"))
            .err()
            .expect("no daemon");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
