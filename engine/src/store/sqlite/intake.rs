//! Storing what one webhook reported, in one writer job: each message deduplicated by a unique
//! index (insert-or-ignore, never check-then-insert), with its side effects (contact, window,
//! conversation, consent, media to fetch, events) only when it is new; statuses applied
//! monotonically or parked until their message's provider id is known.

use rusqlite::{Connection, OptionalExtension, params};

use super::search_text;
use crate::store::{
    ConsentChange, IntakeBatch, IntakeItem, IntakeOutcome, MessageStatus, NewInbound, StatusUpdate,
    StoreError, TemplateStatusUpdate,
};

/// Stores a batch; see [`crate::store::Store::record_intake`]. A writer job.
pub(super) fn record(
    conn: &Connection,
    batch: IntakeBatch,
) -> Result<Vec<IntakeOutcome>, StoreError> {
    let mut outcomes = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let outcome = match item {
            IntakeItem::Message(message) => {
                inbound(conn, batch.connector_id, batch.received_ms, message)?
            }
            IntakeItem::Status(status) => {
                apply_status(conn, batch.connector_id, batch.received_ms, status)?
            }
            IntakeItem::Template(template) => {
                template_status(conn, batch.connector_id, batch.received_ms, template)?
            }
        };
        outcomes.push(outcome);
    }
    if let Some(cursor) = batch.poll_cursor {
        conn.prepare_cached("UPDATE connectors SET poll_cursor = ? WHERE id = ?")?
            .execute(params![cursor, batch.connector_id])?;
    }
    Ok(outcomes)
}

fn inbound(
    conn: &Connection,
    connector_id: i64,
    now: i64,
    message: NewInbound,
) -> Result<IntakeOutcome, StoreError> {
    let (contact_id, opted_out_ms) = upsert_contact(conn, &message, now)?;
    let blocked = is_blocked_inbound(conn, &message)?;
    let open: Option<i64> = if blocked {
        None
    } else {
        conn.prepare_cached(
            "SELECT id FROM conversations WHERE number_id = ? AND contact_id = ? AND open = 1",
        )?
        .query_row(params![message.number_id, contact_id], |r| r.get(0))
        .optional()?
    };
    let status = if blocked {
        MessageStatus::Blocked
    } else {
        MessageStatus::Received
    };
    let (encoding, segments) = message.sms.clone().unzip();
    let inserted: Option<i64> = conn
        .prepare_cached(
            "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, direction, \
             origin, provider_message_id, kind, content, search_text, raw, status, sms_encoding, \
             sms_segments, provider_at_ms, created_ms, updated_ms) \
             VALUES (?, ?, ?, ?, 'in', 'customer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (connector_id, provider_message_id) WHERE provider_message_id IS NOT NULL \
             DO NOTHING RETURNING id",
        )?
        .query_row(
            params![
                connector_id,
                message.number_id,
                contact_id,
                open,
                message.provider_message_id,
                message.kind,
                message.content,
                search_text::of_json(&message.content),
                message.raw,
                status.as_str(),
                encoding,
                segments,
                message.provider_at_ms,
                now,
                now
            ],
            |r| r.get(0),
        )
        .optional()?;
    let Some(message_id) = inserted else {
        return duplicate(conn, connector_id, &message.provider_message_id);
    };
    if blocked {
        event(conn, now, "message.blocked", None, Some(message_id))?;
        return Ok(IntakeOutcome::Message {
            message_id,
            conversation_id: None,
            duplicate: false,
            blocked: true,
            new_conversation: false,
            reply_id: None,
        });
    }
    // The window counts from when the customer wrote, never later than we heard of it.
    let wrote_at = message
        .provider_at_ms
        .filter(|&at| at > 0)
        .map_or(now, |at| at.min(now));
    conn.prepare_cached(
        "INSERT INTO windows (number_id, contact_id, last_inbound_ms) VALUES (?, ?, ?) \
         ON CONFLICT (number_id, contact_id) DO UPDATE \
         SET last_inbound_ms = max(last_inbound_ms, excluded.last_inbound_ms)",
    )?
    .execute(params![message.number_id, contact_id, wrote_at])?;
    let (conversation_id, new_conversation) = match open {
        Some(id) => {
            conn.prepare_cached(
                "UPDATE conversations SET last_message_ms = ?, updated_ms = ? WHERE id = ?",
            )?
            .execute(params![now, now, id])?;
            (id, false)
        }
        None => {
            let id = open_conversation(conn, message.number_id, contact_id, "new", now)?;
            conn.prepare_cached("UPDATE messages SET conversation_id = ? WHERE id = ?")?
                .execute(params![id, message_id])?;
            (id, true)
        }
    };
    for (position, media) in message.media.iter().enumerate() {
        conn.prepare_cached(
            "INSERT INTO media (message_id, position, locator, mime_type, filename, state, \
             next_attempt_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        )?
        .execute(params![
            message_id,
            i64::try_from(position).unwrap_or(i64::MAX),
            media.locator,
            media.mime_type,
            media.filename,
            now,
            now,
            now
        ])?;
    }
    // No `message.received` event: the message row is that record, and one row and index
    // entry fewer per webhook is I/O intake does not pay.
    let reply_id = match message.consent {
        Some(change) => consent(
            conn,
            connector_id,
            contact_id,
            conversation_id,
            opted_out_ms,
            change,
            &message,
            now,
        )?,
        None => None,
    };
    Ok(IntakeOutcome::Message {
        message_id,
        conversation_id: Some(conversation_id),
        duplicate: false,
        blocked: false,
        new_conversation,
        reply_id,
    })
}

/// The outcome for a message seen before: the first copy's id, nothing done.
fn duplicate(
    conn: &Connection,
    connector_id: i64,
    provider_message_id: &str,
) -> Result<IntakeOutcome, StoreError> {
    let (message_id, conversation_id): (i64, Option<i64>) = conn
        .prepare_cached("SELECT id, conversation_id FROM messages WHERE connector_id = ? AND provider_message_id = ?")?
        .query_row(params![connector_id, provider_message_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(IntakeOutcome::Message {
        message_id,
        conversation_id,
        duplicate: true,
        blocked: false,
        new_conversation: false,
        reply_id: None,
    })
}

/// The contact's id and opt-out time, creating or refreshing it.
fn upsert_contact(
    conn: &Connection,
    message: &NewInbound,
    now: i64,
) -> Result<(i64, Option<i64>), StoreError> {
    let contact = &message.contact;
    let row = if contact.number.is_some() {
        // A user id learnt later joins the numbered contact, unless another contact has it.
        let user_id = user_id_if_free(conn, contact.user_id.as_deref(), contact.number.as_deref())?;
        conn.prepare_cached(
            "INSERT INTO contacts (number, user_id, name, created_ms, updated_ms) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (number) DO UPDATE SET \
               name = coalesce(excluded.name, contacts.name), \
               user_id = CASE WHEN contacts.user_id IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM contacts c WHERE c.user_id = excluded.user_id) \
                 THEN excluded.user_id ELSE contacts.user_id END, \
               updated_ms = excluded.updated_ms \
             RETURNING id, opted_out_ms",
        )?
        .query_row(
            params![contact.number, user_id, contact.name, now, now],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
    } else {
        conn.prepare_cached(
            "INSERT INTO contacts (user_id, name, created_ms, updated_ms) VALUES (?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET \
               name = coalesce(excluded.name, contacts.name), updated_ms = excluded.updated_ms \
             RETURNING id, opted_out_ms",
        )?
        .query_row(params![contact.user_id, contact.name, now, now], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
    };
    Ok(row)
}

/// `user_id` unless a contact with another number already holds it (a new numbered contact
/// must not collide with it).
fn user_id_if_free(
    conn: &Connection,
    user_id: Option<&str>,
    number: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let holder: Option<Option<String>> = conn
        .prepare_cached("SELECT number FROM contacts WHERE user_id = ?")?
        .query_row(params![user_id], |r| r.get(0))
        .optional()?;
    Ok(match holder {
        Some(holder_number) if holder_number.as_deref() != number => None,
        _ => Some(user_id.to_owned()),
    })
}

/// Whether the sender is on the inbound blacklist.
fn is_blocked_inbound(conn: &Connection, message: &NewInbound) -> Result<bool, StoreError> {
    let contact = &message.contact;
    if contact.number.is_none() && contact.user_id.is_none() {
        return Ok(false);
    }
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM blacklist WHERE address IN (?1, ?2) AND direction IN ('in', 'both') \
             AND ((scope = '' AND COALESCE((SELECT c.incoming_blacklist FROM numbers n \
                   JOIN campaigns c ON c.id = n.campaign_id WHERE n.id = ?3), 1) = 1) \
               OR scope = 'campaign:' || (SELECT campaign_id FROM numbers WHERE id = ?3))",
        )?
        .exists(params![contact.number, contact.user_id, message.number_id])?)
}

/// Opens a conversation; the caller knows none is open.
/// `state` is `new` when the customer wrote (the router takes it) or `idle` when a send opened
/// it (routed once the customer answers).
pub(super) fn open_conversation(
    conn: &Connection,
    number_id: i64,
    contact_id: i64,
    state: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO conversations (number_id, contact_id, state, last_message_ms, created_ms, \
             updated_ms, campaign_id) VALUES (?, ?, ?, ?, ?, ?, \
             (SELECT campaign_id FROM numbers WHERE id = ?)) RETURNING id",
        )?
        .query_row(
            params![number_id, contact_id, state, now, now, now, number_id],
            |r| r.get(0),
        )?;
    event(conn, now, "conversation.created", Some(id), None)?;
    Ok(id)
}

/// Applies an opt-out or opt-in keyword; returns the confirmation queued, if any.
#[allow(clippy::too_many_arguments)]
fn consent(
    conn: &Connection,
    connector_id: i64,
    contact_id: i64,
    conversation_id: i64,
    opted_out_ms: Option<i64>,
    change: ConsentChange,
    message: &NewInbound,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let address = message
        .contact
        .number
        .as_ref()
        .or(message.contact.user_id.as_ref());
    match change {
        ConsentChange::OptOut => {
            conn.prepare_cached(
                "UPDATE contacts SET opted_out_ms = ?, updated_ms = ? WHERE id = ?",
            )?
            .execute(params![now, now, contact_id])?;
            conn.prepare_cached(
                "INSERT INTO blacklist (address, direction, scope, reason, created_ms) \
                 VALUES (?, 'out', '', 'opt-out', ?) ON CONFLICT DO NOTHING",
            )?
            .execute(params![address, now])?;
            event(conn, now, "contact.opted_out", Some(conversation_id), None)?;
            // One confirmation: a customer who repeats STOP is not answered again.
            match (&message.opt_out_reply, opted_out_ms) {
                (Some(reply), None) => {
                    let id = queue_system_reply(
                        conn,
                        connector_id,
                        message.number_id,
                        contact_id,
                        conversation_id,
                        reply,
                        now,
                    )?;
                    Ok(Some(id))
                }
                _ => Ok(None),
            }
        }
        ConsentChange::OptIn => {
            conn.prepare_cached("UPDATE contacts SET opted_out_ms = NULL, opted_in_ms = ?, updated_ms = ? WHERE id = ?")?
                .execute(params![now, now, contact_id])?;
            conn.prepare_cached("DELETE FROM blacklist WHERE address = ? AND reason = 'opt-out'")?
                .execute(params![address])?;
            event(conn, now, "contact.opted_in", Some(conversation_id), None)?;
            Ok(None)
        }
    }
}

/// Queues a text from the engine itself (the opt-out confirmation).
fn queue_system_reply(
    conn: &Connection,
    connector_id: i64,
    number_id: i64,
    contact_id: i64,
    conversation_id: i64,
    content: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, direction, \
             origin, kind, content, search_text, status, next_attempt_ms, created_ms, updated_ms) \
             VALUES (?, ?, ?, ?, 'out', 'system', 'text', ?, ?, 'queued', ?, ?, ?) RETURNING id",
        )?
        .query_row(params![connector_id, number_id, contact_id, conversation_id, content, search_text::of_json(content), now, now, now], |r| r.get(0))?)
}

/// Applies a status to its message, or parks it.
fn apply_status(
    conn: &Connection,
    connector_id: i64,
    now: i64,
    status: StatusUpdate,
) -> Result<IntakeOutcome, StoreError> {
    let mut found: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM messages WHERE connector_id = ? AND provider_message_id = ?",
        )?
        .query_row(params![connector_id, status.provider_message_id], |r| {
            r.get(0)
        })
        .optional()?;
    if found.is_none()
        && let Some(echoed) = status.message_id
    {
        // The provider echoed our id: a message whose send answer never came (a crash mid
        // send, a timeout) learns its provider id here.
        let adopted = conn
            .prepare_cached(
                "UPDATE messages SET provider_message_id = ? WHERE id = ? AND connector_id = ? \
                 AND direction = 'out' AND provider_message_id IS NULL",
            )?
            .execute(params![status.provider_message_id, echoed, connector_id])?;
        if adopted > 0 {
            found = Some(echoed);
        }
    }
    let Some(message_id) = found else {
        park(conn, connector_id, now, &status)?;
        return Ok(IntakeOutcome::Status {
            message_id: None,
            applied: false,
            parked: true,
        });
    };
    let applied = advance(conn, message_id, &status, now)?;
    Ok(IntakeOutcome::Status {
        message_id: Some(message_id),
        applied,
        parked: false,
    })
}

/// Moves a message to `status` if that is forward; records the event. Returns whether it moved.
pub(super) fn advance(
    conn: &Connection,
    message_id: i64,
    status: &StatusUpdate,
    now: i64,
) -> Result<bool, StoreError> {
    let conversation: Option<Option<i64>> = conn
        .prepare_cached(ADVANCE)?
        .query_row(
            params![
                status.at_ms,
                status.status.as_str(),
                status.status.rank(),
                status.error_code,
                status.error_message,
                now,
                message_id
            ],
            |r| r.get(0),
        )
        .optional()?;
    let Some(conversation) = conversation else {
        return Ok(false);
    };
    let kind = format!("message.{}", status.status.as_str());
    event(conn, now, &kind, conversation, Some(message_id))?;
    let reason = status
        .error_code
        .as_deref()
        .map(|code| match &status.error_message {
            Some(message) => format!("{code}: {message}"),
            None => code.to_owned(),
        });
    super::dialer::follow_status(conn, message_id, status.status, reason.as_deref(), now)?;
    Ok(true)
}

/// The forward-only status update: the status's own time column (`sent_ms`, `delivered_ms`,
/// `read_ms`) keeps the first time it was reached.
const ADVANCE: &str = "UPDATE messages SET \
    sent_ms = CASE WHEN ?2 = 'sent' THEN coalesce(sent_ms, ?1) ELSE sent_ms END, \
    delivered_ms = CASE WHEN ?2 = 'delivered' THEN coalesce(delivered_ms, ?1) ELSE delivered_ms END, \
    read_ms = CASE WHEN ?2 = 'read' THEN coalesce(read_ms, ?1) ELSE read_ms END, \
    status = ?2, status_rank = ?3, error_code = coalesce(?4, error_code), \
    error_message = coalesce(?5, error_message), updated_ms = ?6 \
    WHERE id = ?7 AND status_rank < ?3 RETURNING conversation_id";

/// Keeps a status for a provider id not recorded yet.
fn park(
    conn: &Connection,
    connector_id: i64,
    now: i64,
    status: &StatusUpdate,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO parked_statuses (connector_id, provider_message_id, status, status_rank, \
         at_ms, error_code, error_message, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        connector_id,
        status.provider_message_id,
        status.status.as_str(),
        status.status.rank(),
        status.at_ms,
        status.error_code,
        status.error_message,
        now
    ])?;
    Ok(())
}

/// Applies and removes the statuses parked for a provider id just recorded.
pub(super) fn unpark(
    conn: &Connection,
    connector_id: i64,
    provider_message_id: &str,
    message_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    let parked: Vec<(String, i64, Option<String>, Option<String>)> = conn
        .prepare_cached(
            "DELETE FROM parked_statuses WHERE connector_id = ? AND provider_message_id = ? \
             RETURNING status, at_ms, error_code, error_message",
        )?
        .query_map(params![connector_id, provider_message_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (word, at_ms, error_code, error_message) in parked {
        let Some(status) = MessageStatus::parse(&word) else {
            continue;
        };
        let update = StatusUpdate {
            provider_message_id: provider_message_id.to_owned(),
            status,
            at_ms,
            error_code,
            error_message,
            message_id: None,
        };
        advance(conn, message_id, &update, now)?;
    }
    Ok(())
}

fn template_status(
    conn: &Connection,
    connector_id: i64,
    now: i64,
    template: TemplateStatusUpdate,
) -> Result<IntakeOutcome, StoreError> {
    let updated = conn
        .prepare_cached(
            "UPDATE templates SET status = ?, reason = ?, updated_ms = ? \
             WHERE connector_id = ? AND provider_name = ? AND language = ?",
        )?
        .execute(params![
            template.status,
            template.reason,
            now,
            connector_id,
            template.name,
            template.language
        ])?;
    Ok(IntakeOutcome::Template {
        updated: updated as u64,
    })
}

/// Appends to the event log.
pub(super) fn event(
    conn: &Connection,
    at_ms: i64,
    kind: &str,
    conversation_id: Option<i64>,
    message_id: Option<i64>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO events (at_ms, kind, conversation_id, message_id) VALUES (?, ?, ?, ?)",
    )?
    .execute(params![at_ms, kind, conversation_id, message_id])?;
    Ok(())
}
