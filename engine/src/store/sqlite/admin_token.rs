//! The admin token's hash: one row, written once.

use rusqlite::{Connection, params};
use sqlx::SqlitePool;

use crate::store::StoreError;

/// The stored hash, if any.
pub(super) async fn hash(pool: &SqlitePool) -> Result<Option<String>, StoreError> {
    let hash = sqlx::query_scalar("SELECT hash FROM admin_token WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    Ok(hash)
}

/// Stores `hash` unless a hash exists; `true` if stored now. A writer job.
pub(super) fn create(conn: &Connection, hash: String, at_ms: i64) -> Result<bool, StoreError> {
    let stored = conn
        .prepare_cached(
            "INSERT INTO admin_token (id, hash, created_at_ms) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO NOTHING",
        )?
        .execute(params![hash, at_ms])?;
    Ok(stored == 1)
}
