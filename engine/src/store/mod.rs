//! Persistence behind one trait, so the engine never knows which database it runs on.
//!
//! [`Store`] is the whole contract: every feature that keeps state adds its methods here, and each
//! backend implements them. SQLite ([`sqlite`], the embedded default) is the only backend today;
//! PostgreSQL comes for running several nodes. Nothing outside a backend's folder may assume
//! which one it is: no backend types in signatures, and times are plain `i64` milliseconds since
//! the Unix epoch, passed in by the caller so tests control the clock.
//!
//! [`open`] creates the data directory, opens the database and brings its schema up to date.
//! The plugin registry is the first user: uploaded versions, the active version per plugin with
//! one step of rollback, and the admin token hash.

mod error;
mod plugins;
mod sqlite;
#[cfg(test)]
mod test_dir;
#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

pub use error::StoreError;
pub use plugins::{ActivePlugin, NewPluginVersion, PluginVersionRow};

/// File name of the SQLite database inside the data directory.
const SQLITE_FILE: &str = "switchboard.db";

/// Opens the store kept in `data_dir` (created if missing): the SQLite database
/// `<data_dir>/switchboard.db`, migrated to the current schema.
///
/// Close it with [`Store::close`] on shutdown so queued writes finish; dropping it also lets
/// them finish, but without waiting.
pub async fn open(data_dir: &Path) -> Result<Arc<dyn Store>, StoreError> {
    tokio::fs::create_dir_all(data_dir)
        .await
        .map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
    let store = sqlite::SqliteStore::open(&data_dir.join(SQLITE_FILE)).await?;
    Ok(Arc::new(store))
}

/// Everything the engine keeps. One implementation per database backend.
///
/// Every method is atomic: a write that returns an error changed nothing, and one that returns
/// `Ok` is durable. Times are ms since the Unix epoch.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores an uploaded plugin version and returns it without its bytes.
    ///
    /// Uploading the same `(name, version)` with the same sha256 again returns the stored row
    /// unchanged (a retried upload is not an error); with another sha256 it is a
    /// [`StoreError::Conflict`]: a released version never changes.
    async fn insert_plugin_version(
        &self,
        version: NewPluginVersion,
    ) -> Result<PluginVersionRow, StoreError>;

    /// Every stored plugin version, without bytes, ordered by name then install time.
    async fn plugin_versions(&self) -> Result<Vec<PluginVersionRow>, StoreError>;

    /// The component bytes of one version, or `None` if it is not installed.
    async fn plugin_wasm(&self, name: &str, version: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Makes `version` the active version of plugin `name`.
    ///
    /// The version active until now becomes `previous`, the target of [`Store::rollback_plugin`].
    /// Activating the version that is already active changes nothing. The caller vouches that
    /// the version exists: it may be bundled in the binary and have no stored row.
    async fn activate_plugin_version(
        &self,
        name: &str,
        version: &str,
        at_ms: i64,
    ) -> Result<ActivePlugin, StoreError>;

    /// Swaps the active and the previous version of plugin `name`, so a second rollback goes
    /// forward again.
    ///
    /// [`StoreError::NotFound`] if the plugin has no active version,
    /// [`StoreError::Conflict`] if it has no previous one.
    async fn rollback_plugin(&self, name: &str, at_ms: i64) -> Result<ActivePlugin, StoreError>;

    /// The active version of every plugin that has one, ordered by name.
    async fn active_plugins(&self) -> Result<Vec<ActivePlugin>, StoreError>;

    /// The stored hash of the admin token, if one was created.
    async fn admin_token_hash(&self) -> Result<Option<String>, StoreError>;

    /// Stores the admin token hash unless one exists: `true` if stored now, `false` if one was
    /// already there (it is never overwritten, so a restart cannot replace the admin's token).
    async fn create_admin_token_hash(&self, hash: &str, at_ms: i64) -> Result<bool, StoreError>;

    /// Finishes the writes already queued, then closes every connection. Calls made afterwards
    /// fail with [`StoreError::Unavailable`].
    async fn close(&self);
}
