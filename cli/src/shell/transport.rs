//! The connection to l2tpd: one request, one response, JSON lines on a Unix socket.

use schema::mgmt::{decode_line, encode_line, Request, Response};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

/// Sends a request and waits for its response. The shell talks only through this, so it is
/// tested against canned replies without a daemon.
pub trait Transport {
    fn call(&mut self, request: Request) -> io::Result<Response>;
}

/// A blocking connection to `STATE_DIR/mgmt.sock`.
pub struct UnixTransport {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl UnixTransport {
    pub fn connect(socket: &Path) -> io::Result<UnixTransport> {
        let writer = UnixStream::connect(socket)?;
        let reader = BufReader::new(writer.try_clone()?);
        Ok(UnixTransport { reader, writer })
    }
}

impl Transport for UnixTransport {
    fn call(&mut self, request: Request) -> io::Result<Response> {
        self.writer.write_all(encode_line(&request).as_bytes())?;
        self.writer.flush()?;
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "l2tpd closed the connection",
            ));
        }
        decode_line(&line).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
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

    #[test]
    fn missing_socket() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = UnixTransport::connect(&dir.path().join("mgmt.sock"))
            .err()
            .expect("no daemon");
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
