//! The audit log: appended by the writer, read a page at a time, newest first.

use rusqlite::{Connection, params};
use sqlx::SqlitePool;

use crate::store::{AuditQuery, AuditRow, NewAuditEntry, StoreError};

/// Appends an entry; returns its id. A writer job.
pub(super) fn append(conn: &Connection, entry: NewAuditEntry) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO audit_log (at_ms, actor_user_id, actor_name, action, target, data, ip) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )?
        .query_row(
            params![
                entry.at_ms,
                entry.actor_user_id,
                entry.actor_name,
                entry.action,
                entry.target,
                entry.data.to_string(),
                entry.ip
            ],
            |r| r.get(0),
        )?)
}

type AuditTuple = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
);

/// Entries with ids below `query.before`, newest first, filtered by actor and action.
pub(super) async fn page(
    pool: &SqlitePool,
    query: AuditQuery,
) -> Result<Vec<AuditRow>, StoreError> {
    let rows: Vec<AuditTuple> = sqlx::query_as(
        "SELECT id, at_ms, actor_user_id, actor_name, action, target, data, ip FROM audit_log \
         WHERE id < ?1 AND (?2 IS NULL OR actor_user_id = ?2) AND (?3 IS NULL OR action = ?3) \
         ORDER BY id DESC LIMIT ?4",
    )
    .bind(query.before)
    .bind(query.actor_user_id)
    .bind(query.action)
    .bind(query.limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at_ms, actor_user_id, actor_name, action, target, data, ip)| AuditRow {
                id,
                at_ms,
                actor_user_id,
                actor_name,
                action,
                target,
                // Written by `append` from a JSON value; a hand-edited row shows as a string.
                data: serde_json::from_str(&data).unwrap_or(serde_json::Value::String(data)),
                ip,
            },
        )
        .collect())
}
