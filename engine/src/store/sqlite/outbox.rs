//! The outbox: outbound message rows from `queued` to a provider answer.

use sqlx::SqliteConnection;

use super::intake::{event, open_conversation, unpark};
use crate::store::{MessageStatus, NewOutbound, OutboundJob, SendResult, StoreError};

/// Queues a message; opens a conversation when it has none. A writer job.
pub(super) async fn enqueue(
    conn: &mut SqliteConnection,
    new: NewOutbound,
) -> Result<(i64, i64), StoreError> {
    let conversation_id = match new.conversation_id {
        Some(id) => id,
        None => {
            let open: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM conversations WHERE number_id = ? AND contact_id = ? AND open = 1",
            )
            .bind(new.number_id)
            .bind(new.contact_id)
            .fetch_optional(&mut *conn)
            .await?;
            match open {
                Some(id) => id,
                None => open_conversation(conn, new.number_id, new.contact_id, new.at_ms).await?,
            }
        }
    };
    let (encoding, segments) = new.sms.unzip();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, direction, \
         origin, kind, content, status, sms_encoding, sms_segments, next_attempt_ms, created_ms, \
         updated_ms) VALUES (?, ?, ?, ?, 'out', ?, ?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(new.connector_id)
    .bind(new.number_id)
    .bind(new.contact_id)
    .bind(conversation_id)
    .bind(&new.origin)
    .bind(&new.kind)
    .bind(&new.content)
    .bind(encoding)
    .bind(segments)
    .bind(new.at_ms)
    .bind(new.at_ms)
    .bind(new.at_ms)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE conversations SET last_message_ms = ?, updated_ms = ? WHERE id = ?")
        .bind(new.at_ms)
        .bind(new.at_ms)
        .bind(conversation_id)
        .execute(&mut *conn)
        .await?;
    event(
        conn,
        new.at_ms,
        "message.queued",
        Some(conversation_id),
        Some(id),
    )
    .await?;
    Ok((id, conversation_id))
}

/// Claims up to `limit` due queued messages of one connector, if it may send, oldest due
/// first, and marks them `sending`. A writer job.
pub(super) async fn claim(
    conn: &mut SqliteConnection,
    connector_id: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<OutboundJob>, StoreError> {
    type Tuple = (
        i64,
        i64,
        String,
        Option<String>,
        Option<String>,
        String,
        i64,
    );
    let rows: Vec<Tuple> =
        sqlx::query_as(
            "UPDATE messages SET status = 'sending', status_rank = 1, attempts = attempts + 1, \
             next_attempt_ms = NULL, updated_ms = ?1 \
             WHERE id IN (SELECT m.id FROM messages m JOIN connectors c ON c.id = m.connector_id \
               WHERE m.connector_id = ?3 AND m.status = 'queued' AND m.next_attempt_ms <= ?1 AND c.enabled = 1 \
               AND c.paused_reason IS NULL ORDER BY m.next_attempt_ms, m.id LIMIT ?2) \
             RETURNING id, connector_id, \
               (SELECT number FROM numbers n WHERE n.id = messages.number_id), \
               (SELECT number FROM contacts k WHERE k.id = messages.contact_id), \
               (SELECT user_id FROM contacts k WHERE k.id = messages.contact_id), \
               content, attempts",
        )
        .bind(now)
        .bind(limit)
        .bind(connector_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut jobs: Vec<OutboundJob> = rows
        .into_iter()
        .map(
            |(id, connector_id, from, to_number, to_user_id, content, attempts)| OutboundJob {
                id,
                connector_id,
                from,
                to_number,
                to_user_id,
                content,
                attempts,
            },
        )
        .collect();
    // RETURNING gives no order; the sender sends in the order claimed.
    jobs.sort_by_key(|job| job.id);
    Ok(jobs)
}

/// Records how a send ended. A writer job.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    id: i64,
    result: SendResult,
    now: i64,
) -> Result<(), StoreError> {
    match result {
        SendResult::Accepted {
            provider_message_id,
        } => {
            // `coalesce`: an id adopted from an echoed status stays; the status only moves
            // forward (a status webhook may have beaten this answer).
            let connector_id: i64 = sqlx::query_scalar(
                "UPDATE messages SET provider_message_id = coalesce(provider_message_id, ?1), \
                 status = CASE WHEN status_rank < 2 THEN 'sent' ELSE status END, \
                 status_rank = max(status_rank, 2), sent_ms = coalesce(sent_ms, ?2), \
                 updated_ms = ?2 WHERE id = ?3 RETURNING connector_id",
            )
            .bind(&provider_message_id)
            .bind(now)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("message {id}")))?;
            let conversation = conversation_of(conn, id).await?;
            event(conn, now, "message.sent", conversation, Some(id)).await?;
            unpark(conn, connector_id, &provider_message_id, id, now).await?;
        }
        SendResult::Retry {
            at_ms,
            code,
            message,
        } => {
            sqlx::query(
                "UPDATE messages SET status = 'queued', status_rank = 0, next_attempt_ms = ?, \
                 error_code = ?, error_message = ?, updated_ms = ? WHERE id = ? AND status = 'sending'",
            )
            .bind(at_ms)
            .bind(&code)
            .bind(&message)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        SendResult::Failed { code, message } => {
            let failed = MessageStatus::Failed;
            sqlx::query(
                "UPDATE messages SET status = ?, status_rank = ?, error_code = ?, error_message = ?, \
                 updated_ms = ? WHERE id = ? AND status_rank < ?",
            )
            .bind(failed.as_str())
            .bind(failed.rank())
            .bind(&code)
            .bind(&message)
            .bind(now)
            .bind(id)
            .bind(failed.rank())
            .execute(&mut *conn)
            .await?;
            let conversation = conversation_of(conn, id).await?;
            event(conn, now, "message.failed", conversation, Some(id)).await?;
        }
    }
    Ok(())
}

async fn conversation_of(conn: &mut SqliteConnection, id: i64) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT conversation_id FROM messages WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten(),
    )
}

/// Marks messages left `sending` by a previous run as `unknown`: they may have left, so they
/// are never re-sent blindly. A writer job, run once at start before the sender.
pub(super) async fn mark_interrupted(
    conn: &mut SqliteConnection,
    now: i64,
) -> Result<u64, StoreError> {
    let marked = sqlx::query(
        "UPDATE messages SET status = 'unknown', updated_ms = ?, error_code = 'interrupted', \
         error_message = 'the engine stopped while sending; waiting for a provider status' \
         WHERE status = 'sending'",
    )
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(marked)
}
