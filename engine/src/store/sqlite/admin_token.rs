//! The admin token's hash: one row, written once.

use sqlx::{SqliteConnection, SqlitePool};

use crate::store::StoreError;

/// The stored hash, if any.
pub(super) async fn hash(pool: &SqlitePool) -> Result<Option<String>, StoreError> {
    let hash = sqlx::query_scalar("SELECT hash FROM admin_token WHERE id = 1")
        .fetch_optional(pool)
        .await?;
    Ok(hash)
}

/// Stores `hash` unless a hash exists; `true` if stored now. A writer job.
pub(super) async fn create(
    conn: &mut SqliteConnection,
    hash: String,
    at_ms: i64,
) -> Result<bool, StoreError> {
    let stored = sqlx::query(
        "INSERT INTO admin_token (id, hash, created_at_ms) VALUES (1, ?, ?) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(hash)
    .bind(at_ms)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(stored == 1)
}
