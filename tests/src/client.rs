//! A minimal management-protocol client for tests that need exact control (crash tests,
//! benchmarks): one request, one response.

use schema::mgmt::{self, ClientKind, ConfigureMode, LoadMode, Reply, Request, Response};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

pub struct Client {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    pub hello: Reply,
}

impl Client {
    pub fn connect(socket: &Path) -> std::io::Result<Client> {
        let writer = UnixStream::connect(socket)?;
        let reader = BufReader::new(writer.try_clone()?);
        let mut c = Client {
            reader,
            writer,
            hello: Reply::Done { messages: vec![] },
        };
        let hello = c.call(&Request::Hello {
            client: ClientKind::Api,
            tty: None,
            pid: std::process::id(),
        })?;
        c.hello = hello
            .result
            .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        Ok(c)
    }

    pub fn call(&mut self, request: &Request) -> std::io::Result<Response> {
        self.writer
            .write_all(mgmt::encode_line(request).as_bytes())?;
        loop {
            let mut line = String::new();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "daemon closed the connection",
                ));
            }
            // A broadcast (an automatic rollback) may come before the response.
            if mgmt::Broadcast::decode(&line).is_none() {
                return mgmt::decode_line(&line).map_err(std::io::Error::other);
            }
        }
    }

    /// Sends a request that must succeed; panics with the error otherwise (tests only).
    pub fn ok(&mut self, request: &Request) -> Reply {
        match self.call(request) {
            Ok(Response { result: Ok(r), .. }) => r,
            other => panic!("{request:?} failed: {other:?}"),
        }
    }
}

impl Client {
    /// Commits `set_lines` as one change under `configure exclusive`, as a scripted commit
    /// file would; the error names the step that was refused.
    pub fn commit_set_lines(&mut self, set_lines: &str, comment: &str) -> Result<(), String> {
        let steps = [
            Request::Configure {
                mode: ConfigureMode::Exclusive,
            },
            Request::Load {
                mode: LoadMode::Set,
                text: set_lines.to_string(),
                relative: None,
            },
            Request::Commit {
                check: false,
                confirmed: None,
                comment: Some(comment.into()),
                and_quit: true,
            },
        ];
        for step in steps {
            match self.call(&step).map_err(|e| e.to_string())?.result {
                Ok(Reply::Done { .. } | Reply::Configured { .. }) => {}
                other => return Err(format!("{step:?}: {other:?}")),
            }
        }
        Ok(())
    }
}

/// Splits a `set` line's words the way the shell does.
pub fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}
