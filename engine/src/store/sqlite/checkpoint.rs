//! WAL checkpoints off the writer's path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses the threshold, on the
//! writer's thread, with its own fsyncs: every thousand pages a batch of webhooks waited tens
//! of milliseconds for it (the p99 of intake), and under sustained load the writer spent most
//! of its time checkpointing. The writer turns the automatic checkpoint off, and this thread,
//! on a connection of its own, runs a `PASSIVE` checkpoint every [`EVERY`] (it never waits for
//! the writer or readers: it copies what it can, in the background), and once the WAL has
//! grown past [`RESTART_FRAMES`], a `RESTART` checkpoint, which briefly holds writers back to
//! copy the few frames the passive rounds left and lets the next commit start the WAL over.
//! Without it, a busy WAL never empties (a passive round never catches the writer) and grows
//! without bound.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crate::store::StoreError;

/// How often the WAL is copied back into the database.
const EVERY: Duration = Duration::from_millis(100);

/// WAL frames (pages) past which a round also restarts the WAL: 4 MiB of 4 KiB pages.
const RESTART_FRAMES: i64 = 1_024;

/// Stops the checkpointer when dropped.
pub(super) struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`.
    pub(super) fn start(path: &Path) -> Result<Self, StoreError> {
        let conn = rusqlite::Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(1))?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                    // (busy, frames in the WAL, frames copied back)
                    let passive = conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
                    match passive {
                        Ok(frames) if frames > RESTART_FRAMES => {
                            if let Err(error) =
                                conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(()))
                            {
                                tracing::debug!(%error, "WAL restart skipped");
                            }
                        }
                        Ok(_) => {}
                        Err(error) => tracing::debug!(%error, "WAL checkpoint skipped"),
                    }
                }
                // A last full copy at shutdown leaves a small WAL for the next start.
                let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            })
            .map_err(|e| {
                StoreError::Unavailable(format!("cannot start the checkpoint thread: {e}"))
            })?;
        Ok(Self { _stop: stop })
    }
}
