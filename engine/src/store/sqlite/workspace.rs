//! What agents add around a conversation: internal notes, tags, the contact's name and
//! attributes, and the internal chat between users.

use rusqlite::{Connection, params};
use sqlx::{Row, SqlitePool};

use crate::store::{InternalMessageRow, NoteRow, StoreError};

/// Adds a note. A writer job.
pub(super) fn add_note(
    conn: &Connection,
    conversation_id: i64,
    user_id: i64,
    text: &str,
    at_ms: i64,
) -> Result<i64, StoreError> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM conversations WHERE id = ?")?
        .exists(params![conversation_id])?;
    if !exists {
        return Err(StoreError::NotFound(format!(
            "conversation {conversation_id}"
        )));
    }
    Ok(conn
        .prepare_cached(
            "INSERT INTO notes (conversation_id, user_id, text, created_ms) VALUES (?, ?, ?, ?) \
             RETURNING id",
        )?
        .query_row(params![conversation_id, user_id, text, at_ms], |r| r.get(0))?)
}

/// A conversation's notes, oldest first.
pub(super) async fn notes(
    pool: &SqlitePool,
    conversation_id: i64,
) -> Result<Vec<NoteRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, conversation_id, user_id, text, created_ms FROM notes \
         WHERE conversation_id = ? ORDER BY id",
    )
    .bind(conversation_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(NoteRow {
                id: r.try_get("id")?,
                conversation_id: r.try_get("conversation_id")?,
                user_id: r.try_get("user_id")?,
                text: r.try_get("text")?,
                created_ms: r.try_get("created_ms")?,
            })
        })
        .collect()
}

/// Replaces a conversation's tags. A writer job.
pub(super) fn set_tags(
    conn: &Connection,
    id: i64,
    tags: &[String],
    at_ms: i64,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(tags).unwrap_or_else(|_| "[]".into());
    let changed = conn
        .prepare_cached("UPDATE conversations SET tags = ?, updated_ms = ? WHERE id = ?")?
        .execute(params![json, at_ms, id])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("conversation {id}")));
    }
    Ok(())
}

/// Sets a contact's name and attributes (`None` keeps them). A writer job.
pub(super) fn update_contact(
    conn: &Connection,
    id: i64,
    name: Option<&str>,
    attributes: Option<&str>,
    at_ms: i64,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE contacts SET name = COALESCE(?, name), attributes = COALESCE(?, attributes), \
             updated_ms = ? WHERE id = ?",
        )?
        .execute(params![name, attributes, at_ms, id])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("contact {id}")));
    }
    Ok(())
}

/// A contact's attributes (JSON object text).
pub(super) async fn contact_attributes(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT attributes FROM contacts WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// Stores an internal message. A writer job.
pub(super) fn add_internal(
    conn: &Connection,
    from_user: i64,
    to_user: i64,
    text: &str,
    at_ms: i64,
) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO internal_messages (from_user, to_user, text, created_ms) \
             VALUES (?, ?, ?, ?) RETURNING id",
        )?
        .query_row(params![from_user, to_user, text, at_ms], |r| r.get(0))?)
}

/// The internal messages between two users, newest last, before a cursor id.
pub(super) async fn internal_between(
    pool: &SqlitePool,
    a: i64,
    b: i64,
    before: i64,
    limit: i64,
) -> Result<Vec<InternalMessageRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, from_user, to_user, text, created_ms FROM internal_messages \
         WHERE ((from_user = ?1 AND to_user = ?2) OR (from_user = ?2 AND to_user = ?1)) \
         AND id < ?3 ORDER BY id DESC LIMIT ?4",
    )
    .bind(a)
    .bind(b)
    .bind(before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut messages = rows
        .iter()
        .map(|r| {
            Ok(InternalMessageRow {
                id: r.try_get("id")?,
                from_user: r.try_get("from_user")?,
                to_user: r.try_get("to_user")?,
                text: r.try_get("text")?,
                created_ms: r.try_get("created_ms")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    messages.reverse();
    Ok(messages)
}
