//! A fresh, self-deleting directory per test, so tests run in parallel without sharing a
//! database (a few lines instead of a `tempfile` dependency).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A directory path unique to this test; removed, with its content, on drop.
/// The directory itself is created by whoever uses it ([`super::open`] does).
pub(crate) struct TestDir(PathBuf);

impl TestDir {
    /// A new path under the system temp dir, unique per process, time and call.
    pub(crate) fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let name = format!(
            "switchboard-store-{}-{nanos}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        Self(std::env::temp_dir().join(name))
    }

    /// The directory's path.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        // Best effort: a leftover temp dir is not worth failing a test for.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
