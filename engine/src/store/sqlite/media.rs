//! Inbound attachments: claiming fetches and recording their outcome.

use rusqlite::{Connection, params};
use sqlx::SqlitePool;

use crate::store::{MediaJob, MediaResult, MediaRow, StoreError};

/// Claims due pending media (pushing each one's next attempt out by `lease_ms`, so a crash
/// mid-fetch retries later instead of never). A writer job.
pub(super) fn claim(
    conn: &Connection,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<MediaJob>, StoreError> {
    let jobs = conn
        .prepare_cached(
            "UPDATE media SET attempts = attempts + 1, next_attempt_ms = ?1 + ?2, updated_ms = ?1 \
             WHERE id IN (SELECT id FROM media WHERE state = 'pending' AND next_attempt_ms <= ?1 \
               ORDER BY next_attempt_ms, id LIMIT ?3) \
             RETURNING id, message_id, (SELECT connector_id FROM messages m WHERE m.id = media.message_id), \
               locator, mime_type, attempts",
        )?
        .query_map(params![now, lease_ms, limit], |r| {
            Ok(MediaJob {
                id: r.get(0)?,
                message_id: r.get(1)?,
                connector_id: r.get(2)?,
                locator: r.get(3)?,
                mime_type: r.get(4)?,
                attempts: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(jobs)
}

/// Records a fetch's outcome. A writer job.
pub(super) fn record(
    conn: &Connection,
    id: i64,
    result: MediaResult,
    now: i64,
) -> Result<(), StoreError> {
    match result {
        MediaResult::Stored {
            sha256,
            size,
            mime_type,
            filename,
        } => {
            conn.prepare_cached(
                "UPDATE media SET state = 'stored', sha256 = ?, size = ?, mime_type = ?, \
                 filename = coalesce(filename, ?), error = NULL, next_attempt_ms = NULL, \
                 updated_ms = ? WHERE id = ?",
            )?
            .execute(params![sha256, size, mime_type, filename, now, id])?;
        }
        MediaResult::Retry { at_ms, error } => {
            conn.prepare_cached(
                "UPDATE media SET next_attempt_ms = ?, error = ?, updated_ms = ? WHERE id = ?",
            )?
            .execute(params![at_ms, error, now, id])?;
        }
        MediaResult::Failed { error } => {
            conn.prepare_cached(
                "UPDATE media SET state = 'failed', error = ?, next_attempt_ms = NULL, updated_ms = ? WHERE id = ?",
            )?
            .execute(params![error, now, id])?;
        }
    }
    Ok(())
}

/// The attachments of the messages `message_ids`, by message then position: one query for a
/// whole page of history.
pub(super) async fn of_messages(
    pool: &SqlitePool,
    message_ids: &[i64],
) -> Result<Vec<MediaRow>, StoreError> {
    let ids = serde_json::to_string(message_ids).unwrap_or_else(|_| "[]".into());
    select(
        pool,
        "message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, position",
        ids,
    )
    .await
}

/// One attachment by id.
pub(super) async fn one(pool: &SqlitePool, id: i64) -> Result<Option<MediaRow>, StoreError> {
    Ok(select(pool, "id = ?", id).await?.pop())
}

/// Media rows matching `filter` (one bound parameter).
async fn select<T>(
    pool: &SqlitePool,
    filter: &str,
    parameter: T,
) -> Result<Vec<MediaRow>, StoreError>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send,
{
    type Tuple = (
        i64,
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Tuple> = sqlx::query_as(&format!(
        "SELECT id, message_id, position, state, sha256, mime_type, filename, size, error \
         FROM media WHERE {filter}"
    ))
    .bind(parameter)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, message_id, position, state, sha256, mime_type, filename, size, error)| {
                MediaRow {
                    id,
                    message_id,
                    position,
                    state,
                    sha256,
                    mime_type,
                    filename,
                    size,
                    error,
                }
            },
        )
        .collect())
}
