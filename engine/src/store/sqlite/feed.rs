//! The message events of the event log, read in order: the live feed pushes each to the
//! people watching the conversation (the desk's ticks move as statuses arrive).

use sqlx::{Row, SqlitePool};

use crate::store::{MessageEventRow, StoreError};

/// Message events with a conversation, after event `after`, oldest first. The scan walks the
/// primary key from `after`, so its cost follows what was logged since the last read.
pub(super) async fn message_events_after(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> Result<Vec<MessageEventRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, conversation_id, message_id FROM events \
         WHERE id > ? AND kind GLOB 'message.*' \
           AND conversation_id IS NOT NULL AND message_id IS NOT NULL \
         ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MessageEventRow {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                conversation_id: row.try_get("conversation_id")?,
                message_id: row.try_get("message_id")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// The last event's id, 0 with none.
pub(super) async fn last_event_id(pool: &SqlitePool) -> Result<i64, StoreError> {
    let id: Option<i64> = sqlx::query_scalar("SELECT max(id) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(id.unwrap_or(0))
}
