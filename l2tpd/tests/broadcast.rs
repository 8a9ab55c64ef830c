//! Broadcasts reach every open shell at once: when a `commit confirmed` runs out, each
//! connection is sent the notice as the rollback happens, without a request of its own
//! (Junos broadcasts it to every user's terminal). The daemon's clock is simulated; the
//! management thread's one-second tick is real, so each read waits, bounded, for a line.

mod mgmt_harness;

use l2tpd::clock::{Clock, ManualClock};
use l2tpd::engine::Engine;
use l2tpd::mgmt::{server, Mgmt};
use mgmt_harness::words;
use schema::mgmt::{
    decode_line, encode_line, Broadcast, ClientKind, ConfigureMode, Reply, Request, Response,
};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

const START: i64 = 1_795_500_000;
/// Bounds every wait for a line (the rollback comes within a tick, one second).
const READ_TIMEOUT: Duration = Duration::from_secs(20);

/// One shell's connection, speaking the JSON lines as the cli does.
struct Shell {
    reader: BufReader<UnixStream>,
    writer: UnixStream,
}

impl Shell {
    fn connect(socket: &Path) -> Shell {
        let writer = UnixStream::connect(socket).expect("connect");
        writer.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        let reader = BufReader::new(writer.try_clone().unwrap());
        let mut shell = Shell { reader, writer };
        shell.call(Request::Hello {
            client: ClientKind::Cli,
            tty: None,
            pid: std::process::id(),
        });
        shell
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .expect("a line from the daemon within the timeout");
        line
    }

    fn call(&mut self, request: Request) -> Reply {
        self.writer
            .write_all(encode_line(&request).as_bytes())
            .unwrap();
        let line = self.line();
        let response: Response = decode_line(&line).expect("a response");
        response
            .result
            .unwrap_or_else(|e| panic!("{request:?}: {e:?}"))
    }
}

fn commit_host(shell: &mut Shell, name: &str, confirmed: Option<u32>) {
    shell.call(Request::Set {
        words: schema::edit::Arg::all_bare(&words(&format!("system host-name {name}"))),
    });
    shell.call(Request::Commit {
        check: false,
        confirmed,
        comment: None,
        and_quit: false,
    });
}

#[test]
fn an_unconfirmed_commit_is_announced_to_every_shell_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(START);
    let store = commit_db::RedbStore::open(dir.path(), None, clock.now()).expect("store");
    let mgmt = Mgmt::start(
        Box::new(store),
        Box::new(Engine::default()),
        Arc::new(clock.clone()),
        "router".into(),
    )
    .expect("start");
    let (tx, mgmt_thread) = server::spawn_mgmt_thread(mgmt, None);
    let socket = dir.path().join("mgmt.sock");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime.block_on(async { server::bind(&socket) }).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = {
        let tx = tx.clone();
        std::thread::spawn(move || {
            runtime.block_on(async {
                tokio::select! {
                    _ = server::serve(listener, tx) => {}
                    _ = stopped => {}
                }
            })
        })
    };

    let mut editor = Shell::connect(&socket);
    let mut watcher = Shell::connect(&socket);
    editor.call(Request::Configure {
        mode: ConfigureMode::Shared,
    });
    commit_host(&mut editor, "r1", None);
    commit_host(&mut editor, "r2", Some(1));
    clock.advance(60);

    // Neither shell sends anything: the next line each reads is the broadcast.
    for shell in [&mut watcher, &mut editor] {
        let line = shell.line();
        assert_eq!(
            Broadcast::decode(&line).as_deref(),
            Some("Commit was not confirmed; automatic rollback complete."),
            "{line}"
        );
    }
    // The connection goes on: requests and responses as before.
    let Reply::Config { tree, .. } = watcher.call(Request::ShowConfiguration {
        words: words("system host-name"),
        revision: schema::mgmt::Revision::Active,
    }) else {
        panic!()
    };
    assert_eq!(tree.values, ["r1"]);

    drop((editor, watcher));
    let _ = stop.send(());
    serving.join().unwrap();
    let _ = tx.send(server::Command::Shutdown);
    mgmt_thread.join().unwrap();
}
