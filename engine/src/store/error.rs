//! The one error type of the store, the same for every backend.

use std::path::PathBuf;
use std::sync::Arc;

/// Why a store call failed.
///
/// Callers match on the first three (they map to 409, 404 and 503 at the HTTP edge); the rest are
/// internal causes to log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The write contradicts what is stored (a version uploaded again with other bytes, a rollback
    /// with nothing to roll back to).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The row the call needs does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The store cannot serve calls now: it was closed, its writer stopped, or no connection was
    /// free in time.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The database refused a statement.
    ///
    /// Shared through an `Arc` because a failed commit is the answer of every write in the batch.
    #[error("database error: {0}")]
    Database(#[source] Arc<sqlx::Error>),
    /// The writer's database refused a statement (or the commit of a batch).
    #[error("database error: {0}")]
    Write(#[source] Arc<rusqlite::Error>),
    /// The data directory could not be created.
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        /// The directory that was asked for.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The schema could not be brought up to date at start.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Write(Arc::new(error))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolClosed => Self::Unavailable("the store is closed".into()),
            sqlx::Error::PoolTimedOut => {
                Self::Unavailable("no database connection was free in time".into())
            }
            sqlx::Error::WorkerCrashed => Self::Unavailable("the database worker crashed".into()),
            error => Self::Database(Arc::new(error)),
        }
    }
}
