//! The data workers (issue 15, item 2): N OS threads, `l2tpd-data-0` … `l2tpd-data-{N-1}`,
//! that forward established sessions' data while the control engine keeps its own thread.
//!
//! Each worker runs a current_thread tokio runtime rather than a hand-written poll loop:
//! the socket readers it runs are the engine's own (`engine/task.rs` `read`), written
//! against tokio's readiness, and the engine starts and stops a reader on a worker by
//! spawning on, or aborting from, that worker's runtime handle: no command protocol of our
//! own. A worker never waits on the engine: what it classifies as control goes to the
//! engine's control queue, as from any reader.
//!
//! Which worker reads which session: each listener has a data socket per worker, and the
//! kernel steers each data message to one by its Session ID (`engine/sockets.rs` `steer`),
//! so one session's datagrams are read by one thread and stay in order, and one tunnel's
//! sessions spread over every worker.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// `data-workers` allows 1..64 (the schema's range).
pub const MAX_WORKERS: usize = 64;

/// The worker count a configuration asks for: `data-workers`, or one per core of the host
/// (`available_parallelism`, which follows the process's CPU affinity and cgroup quota).
pub fn worker_count(configured: Option<u16>) -> usize {
    let count = match configured {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
    };
    count.clamp(1, MAX_WORKERS)
}

/// What one worker has done, read by views and tests (one relaxed add per receive batch,
/// not per packet).
#[derive(Debug, Default)]
pub struct WorkerStats {
    /// Datagrams its readers received.
    pub datagrams: AtomicU64,
    /// Frames its PPPoE port readers received (its share of each port's fan-out group).
    pub frames: AtomicU64,
}

impl WorkerStats {
    pub fn add_datagrams(&self, n: usize) {
        self.datagrams.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub fn datagrams(&self) -> u64 {
        self.datagrams.load(Ordering::Relaxed)
    }

    pub fn add_frames(&self, n: usize) {
        self.frames.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub fn frames(&self) -> u64 {
        self.frames.load(Ordering::Relaxed)
    }
}

struct Worker {
    handle: Handle,
    stats: Arc<WorkerStats>,
    /// Dropped (or sent) to end the worker's runtime, which cancels its readers.
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The pool. Dropping it stops every worker and waits for their threads.
pub struct DataWorkers {
    workers: Vec<Worker>,
}

impl DataWorkers {
    /// Starts `count` workers (clamped to 1..=[`MAX_WORKERS`]).
    pub fn start(count: usize) -> Result<DataWorkers, String> {
        let count = count.clamp(1, MAX_WORKERS);
        let mut workers = Vec::with_capacity(count);
        for k in 0..count {
            workers.push(start_worker(k)?);
        }
        Ok(DataWorkers { workers })
    }

    pub fn len(&self) -> usize {
        self.workers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.workers.is_empty()
    }

    /// Worker `k` (modulo the pool's size).
    pub fn worker(&self, k: usize) -> WorkerRef<'_> {
        let index = k % self.len().max(1);
        // `start` makes at least one worker, and `index` is below the length.
        let worker = &self.workers[index];
        WorkerRef {
            index,
            handle: &worker.handle,
            stats: &worker.stats,
        }
    }

    /// Each worker's counters, in worker order.
    pub fn stats(&self) -> Vec<Arc<WorkerStats>> {
        self.workers.iter().map(|w| Arc::clone(&w.stats)).collect()
    }
}

/// One worker as the engine uses it: spawn a reader on `handle`, count into `stats`.
#[derive(Clone, Copy)]
pub struct WorkerRef<'a> {
    pub index: usize,
    pub handle: &'a Handle,
    pub stats: &'a Arc<WorkerStats>,
}

fn start_worker(k: usize) -> Result<Worker, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start data worker {k}: {e}"))?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        // Linux shows 15 characters of a thread's name: `l2tpd-data-63` fits.
        .name(format!("l2tpd-data-{k}"))
        .spawn(move || {
            // Either a stop or the pool dropped (the sender with it) ends the worker.
            let _ = runtime.block_on(stopped);
        })
        .map_err(|e| format!("cannot start data worker thread {k}: {e}"))?;
    Ok(Worker {
        handle,
        stats: Arc::default(),
        stop: Some(stop),
        thread: Some(thread),
    })
}

impl Drop for DataWorkers {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            if let Some(stop) = worker.stop.take() {
                let _ = stop.send(());
            }
        }
        for worker in &mut self.workers {
            if let Some(thread) = worker.thread.take() {
                if thread.join().is_err() {
                    tracing::error!("a data worker thread panicked");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_the_configured_one_or_one_per_core_within_1_to_64() {
        assert_eq!(worker_count(Some(3)), 3);
        assert_eq!(worker_count(Some(0)), 1);
        assert_eq!(worker_count(Some(500)), MAX_WORKERS);
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(worker_count(None), cores.clamp(1, MAX_WORKERS));
    }

    #[test]
    fn workers_are_named_threads_that_run_what_is_spawned_on_them_and_stop_when_dropped() {
        let pool = DataWorkers::start(2).expect("pool");
        assert_eq!(pool.len(), 2);
        let mut names = Vec::new();
        for k in 0..2 {
            let (tx, rx) = std::sync::mpsc::channel();
            pool.worker(k).handle.spawn(async move {
                let name = std::thread::current().name().map(str::to_string);
                let _ = tx.send(name);
            });
            let name = rx
                .recv_timeout(std::time::Duration::from_secs(10))
                .expect("the worker ran the task");
            names.push(name);
        }
        assert_eq!(
            names,
            [Some("l2tpd-data-0".into()), Some("l2tpd-data-1".into())]
        );
        let handle = pool.worker(0).handle.clone();
        drop(pool);
        // The runtime is gone with its thread: nothing spawned on it runs any more.
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        drop(handle.spawn(async move {
            let _ = tx.send(());
        }));
        // The task is dropped unrun, its sender with it: the receiver learns so at once.
        assert_eq!(
            rx.recv_timeout(std::time::Duration::from_secs(10)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
        );
    }
}
