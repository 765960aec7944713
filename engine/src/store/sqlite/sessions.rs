//! Cookie sessions, keyed by the sha256 of their token.

use rusqlite::{Connection, params};
use sqlx::{Row, SqlitePool};

use super::users;
use crate::store::{NewSession, SessionRow, StoreError};

/// Stores a session. A writer job.
pub(super) fn create(conn: &Connection, new: NewSession) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_ms, last_seen_ms, \
         expires_ms, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )?
    .execute(params![
        new.token_hash,
        new.user_id,
        new.csrf_token,
        new.created_ms,
        new.created_ms,
        new.expires_ms,
        new.ip,
        new.user_agent
    ])?;
    Ok(())
}

/// The session with its user.
pub(super) async fn one(
    pool: &SqlitePool,
    token_hash: &str,
) -> Result<Option<SessionRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT s.token_hash, s.csrf_token, s.created_ms AS session_created_ms, \
         s.last_seen_ms, s.expires_ms, {} \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
        users::COLUMNS
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(SessionRow {
        token_hash: row.try_get("token_hash")?,
        user: users::from_row(&row)?,
        csrf_token: row.try_get("csrf_token")?,
        created_ms: row.try_get("session_created_ms")?,
        last_seen_ms: row.try_get("last_seen_ms")?,
        expires_ms: row.try_get("expires_ms")?,
    }))
}

/// Records a use. A writer job.
pub(super) fn touch(conn: &Connection, token_hash: String, at_ms: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE sessions SET last_seen_ms = max(last_seen_ms, ?) WHERE token_hash = ?",
    )?
    .execute(params![at_ms, token_hash])?;
    Ok(())
}

/// Ends one session. A writer job.
pub(super) fn end(conn: &Connection, token_hash: String) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM sessions WHERE token_hash = ?")?
        .execute(params![token_hash])?;
    Ok(())
}

/// Ends a user's sessions but `except`; returns how many. A writer job.
pub(super) fn end_all(
    conn: &Connection,
    user_id: i64,
    except: Option<String>,
) -> Result<u64, StoreError> {
    let ended = conn
        .prepare_cached(
            "DELETE FROM sessions WHERE user_id = ? AND (? IS NULL OR token_hash <> ?)",
        )?
        .execute(params![user_id, except, except])?;
    Ok(ended as u64)
}

/// Deletes expired and idle sessions; returns how many. A writer job.
pub(super) fn purge(
    conn: &Connection,
    now_ms: i64,
    idle_before_ms: i64,
) -> Result<u64, StoreError> {
    let purged = conn
        .prepare_cached("DELETE FROM sessions WHERE expires_ms <= ? OR last_seen_ms < ?")?
        .execute(params![now_ms, idle_before_ms])?;
    Ok(purged as u64)
}
