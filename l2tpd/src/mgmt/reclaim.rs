//! The work a large request leaves behind once it is answered: freeing the configuration a
//! commit replaced, and handing freed memory back to the system (`release_memory`, glibc's
//! `malloc_trim` in the binary). At 20,000 profiles (300,000 lines) that is 41–57 ms
//! (docs/performance.md, "Stage h72"). Done on the management thread it delayed whatever
//! came next: a script's next line, another operator's `show`. Here it runs on a thread of
//! its own, in the order it was handed over (a trim after the free it follows).
//!
//! Only frees happen on this thread, never the large allocations, so memory is not stranded
//! in its allocator arena: glibc returns a freed chunk to the arena it came from (all but a
//! few small ones, which the thread's own cache keeps).

use std::sync::mpsc;
use std::thread::JoinHandle;

/// What the reclaiming thread does, one job after another.
enum Job {
    /// Something large to drop.
    Free(Box<dyn Send>),
    /// Hand freed memory back to the system.
    Release,
}

impl Job {
    fn run(self, release_memory: Option<fn()>) {
        match self {
            Job::Free(garbage) => drop(garbage),
            Job::Release => {
                if let Some(release) = release_memory {
                    release();
                }
            }
        }
    }
}

/// The reclaiming thread and its queue, owned by the management thread; dropping it
/// finishes the jobs already handed over and joins.
pub struct Reclaimer {
    jobs: Option<mpsc::Sender<Job>>,
    thread: Option<JoinHandle<()>>,
    release_memory: Option<fn()>,
}

impl Reclaimer {
    /// Starts the thread. A thread that cannot be started is logged, and the work is then
    /// done where it is handed over, as before.
    pub fn start(release_memory: Option<fn()>) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("mgmt-free".into())
            .spawn(move || rx.into_iter().for_each(|job| job.run(release_memory)));
        let (jobs, thread) = match spawned {
            Ok(thread) => (Some(tx), Some(thread)),
            Err(e) => {
                tracing::error!("cannot start the thread that frees replaced configurations: {e}");
                (None, None)
            }
        };
        Reclaimer {
            jobs,
            thread,
            release_memory,
        }
    }

    /// Drops `garbage` on the reclaiming thread.
    pub fn free(&self, garbage: impl Send + 'static) {
        self.submit(Job::Free(Box::new(garbage)));
    }

    /// Hands freed memory back to the system, after every free handed over before it.
    pub fn release(&self) {
        if self.release_memory.is_some() {
            self.submit(Job::Release);
        }
    }

    fn submit(&self, job: Job) {
        // The thread is gone only if it could not start or panicked: do the job here.
        let job = match &self.jobs {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => return,
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        job.run(self.release_memory);
    }
}

impl Drop for Reclaimer {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The names of the threads `release_memory` ran on, in order, with what had been
    /// dropped by then.
    static RELEASES: Mutex<Vec<(Option<String>, usize)>> = Mutex::new(Vec::new());
    static DROPPED: Mutex<Vec<Option<String>>> = Mutex::new(Vec::new());

    struct Probe;
    impl Drop for Probe {
        fn drop(&mut self) {
            DROPPED
                .lock()
                .unwrap()
                .push(std::thread::current().name().map(str::to_string));
        }
    }

    fn record_release() {
        let dropped = DROPPED.lock().unwrap().len();
        RELEASES
            .lock()
            .unwrap()
            .push((std::thread::current().name().map(str::to_string), dropped));
    }

    #[test]
    fn frees_and_releases_run_off_the_caller_in_the_order_handed_over() {
        let reclaimer = Reclaimer::start(Some(record_release));
        reclaimer.free(Probe);
        reclaimer.release();
        reclaimer.free(Probe);
        // Dropping the owner waits for the jobs already handed over.
        drop(reclaimer);
        let free_thread = Some("mgmt-free".to_string());
        assert_eq!(*DROPPED.lock().unwrap(), vec![free_thread.clone(); 2]);
        // The trim ran after the first free, before the second.
        assert_eq!(*RELEASES.lock().unwrap(), vec![(free_thread, 1)]);
    }
}
