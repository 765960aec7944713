//! The single writer: one thread owns the only connection that writes, and every write is a job
//! it runs. Reads use the sqlx pool and never wait for it.
//!
//! Why one writer: SQLite lets one connection write at a time, and a deferred `BEGIN` that
//! reads and then writes fails with `SQLITE_BUSY_SNAPSHOT` whenever another connection committed
//! in between, whatever the busy timeout. The writer's transactions start with `BEGIN
//! IMMEDIATE`, so a job's reads and writes see one state and never race.
//!
//! Why a thread of its own with rusqlite rather than an sqlx connection: sqlx's SQLite driver
//! runs each statement on a worker thread and hands the result back, two thread wake-ups per
//! statement; a webhook's job is about ten statements, so the writer spent its time waiting for
//! wake-ups and intake stalled near 3 000 webhooks/s with the CPU half idle. Here statements run
//! where the job runs, from rusqlite's prepared-statement cache.
//!
//! Why group commit: with `synchronous=FULL` every commit is an fsync. The writer waits for one
//! job, then takes whatever else is already queued (up to [`MAX_BATCH`], without waiting for
//! more, so a lone write is not delayed) and runs the batch in one transaction: one fsync for
//! many writes. Each job runs inside its own `SAVEPOINT`; a job that fails is rolled back to it
//! and answered with its own error while the others commit. Jobs are answered only after
//! `COMMIT` returns, so `Ok` means durable; if the commit fails, every job of the batch gets
//! that error, and nothing of the batch is stored.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use crate::store::StoreError;

/// Most jobs in one transaction, so one batch cannot hold the write lock for long.
const MAX_BATCH: usize = 256;

/// Jobs that may wait for the writer; past this, writers wait to enqueue (back-pressure).
const QUEUE: usize = 4096;

/// Handle to the writer thread. Dropping it lets the thread finish the queued jobs and close
/// the connection in the background; [`Writer::close`] does the same and waits.
pub(super) struct Writer {
    /// `None` once closed. A std mutex: it is held only to clone or take the sender.
    jobs: Mutex<Option<mpsc::Sender<Box<dyn Job>>>>,
    /// Fires when the thread has finished.
    finished: Mutex<Option<oneshot::Receiver<()>>>,
    /// Transactions started, so tests can see that concurrent writes share them.
    #[cfg(test)]
    batches: Arc<AtomicU64>,
}

impl Writer {
    /// Starts the writer thread, which owns `conn` from now on.
    pub(super) fn start(conn: Connection) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel(QUEUE);
        let (done, finished) = oneshot::channel();
        let batches = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&batches);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                run(conn, queue, &counted);
                let _ = done.send(());
            })?;
        #[cfg(not(test))]
        drop(batches);
        Ok(Self {
            jobs: Mutex::new(Some(jobs)),
            finished: Mutex::new(Some(finished)),
            #[cfg(test)]
            batches,
        })
    }

    /// Runs `work` in the writer's transaction and returns its result once committed.
    ///
    /// `work` gets the writer's connection inside a savepoint: it may read and write freely, and
    /// returning `Err` undoes all it did. It must not begin, commit or roll back itself, and
    /// should be short: the batch waits for it. Once queued, the job runs even if the caller
    /// stops waiting, so a dropped request never leaves a write half-known.
    pub(super) async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.submit(work)
            .await?
            .await
            .map_err(|_| StoreError::Unavailable("the writer stopped before answering".into()))?
    }

    /// Queues `work` and returns where its answer will arrive; [`Writer::write`] without the
    /// wait, so tests can line jobs up in one batch.
    pub(super) async fn submit<T, F>(
        &self,
        work: F,
    ) -> Result<oneshot::Receiver<Result<T, StoreError>>, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let jobs = lock(&self.jobs)
            .clone()
            .ok_or_else(|| StoreError::Unavailable("the store is closed".into()))?;
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Pending {
            work: Some(work),
            result: None,
            reply,
        });
        jobs.send(job)
            .await
            .map_err(|_| StoreError::Unavailable("the writer has stopped".into()))?;
        Ok(answer)
    }

    /// Refuses new jobs, waits until the queued ones are committed and answered, and closes
    /// the connection.
    pub(super) async fn close(&self) {
        // The thread stops once the last sender is gone and the queue is empty.
        drop(lock(&self.jobs).take());
        let finished = lock(&self.finished).take();
        if let Some(finished) = finished
            && finished.await.is_err()
        {
            tracing::error!("the sqlite writer thread failed; writes queued then were lost");
        }
    }

    /// Transactions started so far.
    #[cfg(test)]
    pub(super) fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }
}

/// Locks a mutex that guards plain data: a panic elsewhere cannot leave it inconsistent.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A queued write, its result type erased so one queue carries every kind of write.
trait Job: Send {
    /// Runs the write on `conn`, keeps its result, and tells whether it succeeded.
    fn run(&mut self, conn: &Connection) -> bool;

    /// Answers the waiter once the batch's fate is known: its own error if it failed, else the
    /// batch's error if the batch failed, else its result.
    fn answer(self: Box<Self>, batch: Result<(), &Arc<rusqlite::Error>>);
}

/// The one [`Job`]: the caller's closure, then its result, and where to send it.
struct Pending<T, F> {
    work: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Job for Pending<T, F>
where
    T: Send + 'static,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let result = work(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn answer(self: Box<Self>, batch: Result<(), &Arc<rusqlite::Error>>) {
        let answer = match (self.result, batch) {
            (Some(Err(own)), _) => Err(own),
            (_, Err(batch)) => Err(StoreError::Write(Arc::clone(batch))),
            (Some(Ok(value)), Ok(())) => Ok(value),
            // A batch only commits after running all its jobs; kept total rather than panicking.
            (None, Ok(())) => Err(StoreError::Unavailable("the write did not run".into())),
        };
        // The caller may have stopped waiting; the write is done (or undone) either way.
        let _ = self.reply.send(answer);
    }
}

/// The writer thread: batch after batch until every sender is gone and the queue is drained.
fn run(conn: Connection, mut queue: mpsc::Receiver<Box<dyn Job>>, batches: &AtomicU64) {
    let mut batch: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_BATCH);
    // Waits for one job, then takes what is already queued, up to MAX_BATCH.
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        batches.fetch_add(1, Ordering::Relaxed);
        let outcome = transact(&conn, &mut batch).map_err(Arc::new);
        if let Err(error) = &outcome {
            tracing::warn!(
                jobs = batch.len(),
                %error,
                "sqlite write batch failed; none of it was stored"
            );
        }
        for job in batch.drain(..) {
            job.answer(outcome.as_ref().copied());
        }
    }
    if let Err((_, error)) = conn.close() {
        tracing::warn!(%error, "closing the sqlite writer connection failed");
    }
}

/// Runs `batch` in one `BEGIN IMMEDIATE` transaction; rolls all of it back on any failure of
/// the transaction itself.
fn transact(conn: &Connection, batch: &mut [Box<dyn Job>]) -> Result<(), rusqlite::Error> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = run_and_commit(conn, batch);
    if result.is_err()
        && let Err(error) = conn.execute_batch("ROLLBACK")
    {
        // Expected when SQLite already rolled back on its own (disk full, I/O error).
        tracing::debug!(%error, "rollback after a failed write batch");
    }
    result
}

/// Each job inside its own savepoint, then the commit.
fn run_and_commit(conn: &Connection, batch: &mut [Box<dyn Job>]) -> Result<(), rusqlite::Error> {
    for job in batch.iter_mut() {
        conn.execute_batch("SAVEPOINT job")?;
        if !job.run(conn) {
            conn.execute_batch("ROLLBACK TO job")?;
        }
        conn.execute_batch("RELEASE job")?;
    }
    conn.execute_batch("COMMIT")
}
