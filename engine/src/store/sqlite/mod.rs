//! The SQLite backend: one file, embedded, nothing to install.
//!
//! Two ways in: a small pool of read-only connections for reads, and the [`writer`] task, which
//! owns the only connection that writes. The database is in WAL mode, so readers never block the
//! writer nor each other, and each read sees the last commit. A write method here is one line:
//! `self.write(move |conn| Box::pin(statements(conn, args)))`, with the statements in the file of
//! the feature they belong to.

mod admin_token;
mod migrate;
mod plugins;
#[cfg(test)]
mod tests;
mod writer;

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqliteConnection, SqlitePool};

use super::{ActivePlugin, NewPluginVersion, PluginVersionRow, Store, StoreError};
use writer::{BoxFuture, Writer};

/// How long a statement waits for a lock held by another process (a backup, the CLI) before
/// failing with `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections. Reads are short; a few let requests read side by side without crowding a
/// two-core machine.
const READERS: u32 = 4;

/// The store on one SQLite file.
pub(super) struct SqliteStore {
    readers: SqlitePool,
    writer: Writer,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `path`, migrates it, and starts the writer.
    pub(super) async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        // WAL is a property of the file, set once by the writer; readers inherit it. FULL syncs
        // the WAL at every commit, so a write answered `Ok` survives a power cut.
        let mut conn = options
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .connect()
            .await?;
        migrate::run(&mut conn).await?;
        let writer = Writer::start(conn);
        // Read-only, so a write slipped into a read path fails loudly instead of racing the
        // writer.
        let readers = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options.read_only(true))
            .await;
        let readers = match readers {
            Ok(readers) => readers,
            Err(error) => {
                writer.close().await;
                return Err(error.into());
            }
        };
        Ok(Self { readers, writer })
    }

    /// Runs `work` as one job of the writer; see [`Writer::write`].
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, StoreError>>
            + Send
            + 'static,
    {
        self.writer.write(work).await
    }
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn insert_plugin_version(
        &self,
        version: NewPluginVersion,
    ) -> Result<PluginVersionRow, StoreError> {
        self.write(move |conn| Box::pin(plugins::insert_version(conn, version)))
            .await
    }

    async fn plugin_versions(&self) -> Result<Vec<PluginVersionRow>, StoreError> {
        plugins::versions(&self.readers).await
    }

    async fn plugin_wasm(&self, name: &str, version: &str) -> Result<Option<Vec<u8>>, StoreError> {
        plugins::wasm(&self.readers, name, version).await
    }

    async fn activate_plugin_version(
        &self,
        name: &str,
        version: &str,
        at_ms: i64,
    ) -> Result<ActivePlugin, StoreError> {
        let (name, version) = (name.to_owned(), version.to_owned());
        self.write(move |conn| Box::pin(plugins::activate(conn, name, version, at_ms)))
            .await
    }

    async fn rollback_plugin(&self, name: &str, at_ms: i64) -> Result<ActivePlugin, StoreError> {
        let name = name.to_owned();
        self.write(move |conn| Box::pin(plugins::rollback(conn, name, at_ms)))
            .await
    }

    async fn active_plugins(&self) -> Result<Vec<ActivePlugin>, StoreError> {
        plugins::active(&self.readers).await
    }

    async fn admin_token_hash(&self) -> Result<Option<String>, StoreError> {
        admin_token::hash(&self.readers).await
    }

    async fn create_admin_token_hash(&self, hash: &str, at_ms: i64) -> Result<bool, StoreError> {
        let hash = hash.to_owned();
        self.write(move |conn| Box::pin(admin_token::create(conn, hash, at_ms)))
            .await
    }

    async fn close(&self) {
        self.writer.close().await;
        self.readers.close().await;
    }
}
