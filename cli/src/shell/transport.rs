//! The connection to l2tpd: one request, one response, JSON lines on a Unix socket; and,
//! between responses, the daemon's broadcasts, which may come at any time.

use schema::mgmt::{decode_line, encode_line, Broadcast, Request, Response};
use std::io::{self, BufRead, BufReader, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

/// Where a broadcast goes as it arrives.
pub type BroadcastPrinter = Box<dyn FnMut(String) + Send>;

/// Sends a request and waits for its response. The shell talks only through this, so it is
/// tested against canned replies without a daemon.
pub trait Transport {
    fn call(&mut self, request: Request) -> io::Result<Response>;
    /// Broadcasts kept since the last call (printed with the shell's next output).
    fn take_broadcasts(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// Hands each later broadcast to `print` as it arrives, even while the shell waits at
    /// its prompt, instead of keeping it.
    fn print_broadcasts_with(&mut self, _print: BroadcastPrinter) {}
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
        })
    }

    fn broadcasts(&self) -> std::sync::MutexGuard<'_, Broadcasts> {
        self.broadcasts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

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
        self.writer.write_all(encode_line(&request).as_bytes())?;
        self.writer.flush()?;
        let line = self.responses.recv().map_err(|_| closed())??;
        decode_line(&line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
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

    #[test]
    fn missing_socket() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = UnixTransport::connect(&dir.path().join("mgmt.sock"))
            .err()
            .expect("no daemon");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
