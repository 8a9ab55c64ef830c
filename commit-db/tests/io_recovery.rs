//! A full disk fails the commits made while it is full, and only those: once space is free
//! again the store commits without a restart (redb refuses every operation on a `Database`
//! whose storage failed, so the store must reopen it). The disk is a file backend that
//! answers writes with ENOSPC while the test says so.

mod common;

use commit_db::{ConfigStore, RedbStore};
use common::{config, meta, text, T0};
use redb::backends::FileBackend;
use redb::{BackendError, StorageBackend};
use std::fs::OpenOptions;
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const ENOSPC: i32 = 28;

/// The state directory's file, on a disk the test can fill.
#[derive(Debug)]
struct FillableDisk {
    file: FileBackend,
    full: Arc<AtomicBool>,
}

impl FillableDisk {
    fn check(&self) -> std::io::Result<()> {
        if self.full.load(Ordering::Acquire) {
            return Err(std::io::Error::from_raw_os_error(ENOSPC));
        }
        Ok(())
    }
}

impl StorageBackend for FillableDisk {
    fn len(&self) -> std::io::Result<u64> {
        self.file.len()
    }
    fn read(&self, offset: u64, out: &mut [u8]) -> std::io::Result<()> {
        self.file.read(offset, out)
    }
    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.check()?;
        self.file.set_len(len)
    }
    fn sync_data(&self) -> std::io::Result<()> {
        self.check()?;
        self.file.sync_data()
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.check()?;
        self.file.write(offset, data)
    }
    fn close(&self) -> std::io::Result<()> {
        self.file.close()
    }
    fn try_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.file.try_lock_range(start, end)
    }
    fn try_lock_shared_range(
        &self,
        start: Bound<u64>,
        end: Bound<u64>,
    ) -> Result<bool, BackendError> {
        self.file.try_lock_shared_range(start, end)
    }
    fn lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.file.lock_range(start, end)
    }
    fn lock_shared_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.file.lock_shared_range(start, end)
    }
    fn unlock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<(), BackendError> {
        self.file.unlock_range(start, end)
    }
    fn query_lock_range(&self, start: Bound<u64>, end: Bound<u64>) -> Result<bool, BackendError> {
        self.file.query_lock_range(start, end)
    }
}

fn open_on_disk(dir: &std::path::Path, full: &Arc<AtomicBool>) -> RedbStore {
    let path = dir.join(commit_db::DATABASE_FILE_NAME);
    let full = Arc::clone(full);
    RedbStore::open_on_backend(
        dir,
        move || {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            Ok(FillableDisk {
                file: FileBackend::new(file).map_err(std::io::Error::other)?,
                full: Arc::clone(&full),
            })
        },
        None,
        T0,
    )
    .expect("open store")
}

#[test]
fn commits_succeed_again_once_the_disk_has_space() {
    let dir = tempfile::tempdir().unwrap();
    let full = Arc::new(AtomicBool::new(false));
    let mut store = open_on_disk(dir.path(), &full);
    store
        .commit(&config(1), &text(1), meta("alice", T0 + 1))
        .expect("commit on a disk with space");

    full.store(true, Ordering::Release);
    for n in 2..4 {
        store
            .commit(&config(n), &text(n), meta("alice", T0 + i64::from(n)))
            .expect_err("the disk is full");
    }

    full.store(false, Ordering::Release);
    store
        .commit(&config(4), &text(4), meta("alice", T0 + 4))
        .expect("space again: the commit must succeed without a restart");
    let (_, active) = store.active().expect("active");
    assert_eq!(active, config(4));
    let history = store.history().expect("history");
    assert_eq!(
        history.len(),
        3,
        "initial, 1 and 4: the failed commits left nothing"
    );
    drop(store);

    // What a restart finds agrees.
    let store = common::open(dir.path());
    assert_eq!(store.active().expect("active").1, config(4));
    assert_eq!(store.history().expect("history").len(), 3);
}
