//! The outbox: outbound message rows from `queued` to a provider answer.

use rusqlite::{Connection, OptionalExtension, params};

use super::intake::{event, open_conversation, unpark};
use super::search_text;
use crate::store::{MessageStatus, NewOutbound, OutboundJob, SendResult, StoreError};

/// Queues a message; opens a conversation when it has none. A writer job.
pub(super) fn enqueue(conn: &Connection, new: NewOutbound) -> Result<(i64, i64), StoreError> {
    let conversation_id = match new.conversation_id {
        Some(id) => id,
        None => {
            let open: Option<i64> = conn
                .prepare_cached("SELECT id FROM conversations WHERE number_id = ? AND contact_id = ? AND open = 1")?
                .query_row(params![new.number_id, new.contact_id], |r| r.get(0))
                .optional()?;
            match open {
                Some(id) => id,
                None => open_conversation(conn, new.number_id, new.contact_id, "idle", new.at_ms)?,
            }
        }
    };
    let (encoding, segments) = new.sms.unzip();
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, direction, \
             origin, kind, content, search_text, status, sms_encoding, sms_segments, next_attempt_ms, \
             created_ms, updated_ms) \
             VALUES (?, ?, ?, ?, 'out', ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?) RETURNING id",
        )?
        .query_row(
            params![
                new.connector_id,
                new.number_id,
                new.contact_id,
                conversation_id,
                new.origin,
                new.kind,
                new.content,
                search_text::of_json(&new.content),
                encoding,
                segments,
                new.at_ms,
                new.at_ms,
                new.at_ms
            ],
            |r| r.get(0),
        )?;
    conn.prepare_cached(
        "UPDATE conversations SET last_message_ms = ?, updated_ms = ? WHERE id = ?",
    )?
    .execute(params![new.at_ms, new.at_ms, conversation_id])?;
    event(
        conn,
        new.at_ms,
        "message.queued",
        Some(conversation_id),
        Some(id),
    )?;
    Ok((id, conversation_id))
}

/// Claims up to `limit` due queued messages of one connector, if it may send, oldest due
/// first, and marks them `sending`. A writer job.
pub(super) fn claim(
    conn: &Connection,
    connector_id: i64,
    now: i64,
    limit: i64,
) -> Result<Vec<OutboundJob>, StoreError> {
    let mut jobs: Vec<OutboundJob> = conn
        .prepare_cached(
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
        )?
        .query_map(params![now, limit, connector_id], |r| {
            Ok(OutboundJob {
                id: r.get(0)?,
                connector_id: r.get(1)?,
                from: r.get(2)?,
                to_number: r.get(3)?,
                to_user_id: r.get(4)?,
                content: r.get(5)?,
                attempts: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    // RETURNING gives no order; the sender sends in the order claimed.
    jobs.sort_by_key(|job| job.id);
    Ok(jobs)
}

/// Records how a send ended. A writer job.
pub(super) fn record(
    conn: &Connection,
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
            let (connector_id, conversation): (i64, Option<i64>) = conn
                .prepare_cached(
                    "UPDATE messages SET provider_message_id = coalesce(provider_message_id, ?1), \
                     status = CASE WHEN status_rank < 2 THEN 'sent' ELSE status END, \
                     status_rank = max(status_rank, 2), sent_ms = coalesce(sent_ms, ?2), \
                     updated_ms = ?2 WHERE id = ?3 RETURNING connector_id, conversation_id",
                )?
                .query_row(params![provider_message_id, now, id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?
                .ok_or_else(|| StoreError::NotFound(format!("message {id}")))?;
            event(conn, now, "message.sent", conversation, Some(id))?;
            unpark(conn, connector_id, &provider_message_id, id, now)?;
        }
        SendResult::Retry {
            at_ms,
            code,
            message,
        } => {
            conn.prepare_cached(
                "UPDATE messages SET status = 'queued', status_rank = 0, next_attempt_ms = ?, \
                 error_code = ?, error_message = ?, updated_ms = ? WHERE id = ? AND status = 'sending'",
            )?
            .execute(params![at_ms, code, message, now, id])?;
        }
        SendResult::Failed { code, message } => {
            let failed = MessageStatus::Failed;
            let conversation: Option<Option<i64>> = conn
                .prepare_cached(
                    "UPDATE messages SET status = ?, status_rank = ?, error_code = ?, error_message = ?, \
                     updated_ms = ? WHERE id = ? AND status_rank < ?2 RETURNING conversation_id",
                )?
                .query_row(params![failed.as_str(), failed.rank(), code, message, now, id], |r| r.get(0))
                .optional()?;
            if let Some(conversation) = conversation {
                event(conn, now, "message.failed", conversation, Some(id))?;
            }
        }
    }
    Ok(())
}

/// Marks messages left `sending` by a previous run as `unknown`: they may have left, so they
/// are never re-sent blindly. A writer job, run once at start before the sender.
pub(super) fn mark_interrupted(conn: &Connection, now: i64) -> Result<u64, StoreError> {
    let marked = conn
        .prepare_cached(
            "UPDATE messages SET status = 'unknown', updated_ms = ?, error_code = 'interrupted', \
             error_message = 'the engine stopped while sending; waiting for a provider status' \
             WHERE status = 'sending'",
        )?
        .execute(params![now])?;
    Ok(marked as u64)
}
