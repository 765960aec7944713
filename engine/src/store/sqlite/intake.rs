//! Storing what one webhook reported, in one writer job: each message deduplicated by a unique
//! index (insert-or-ignore, never check-then-insert), with its side effects (contact, window,
//! conversation, consent, media to fetch, events) only when it is new; statuses applied
//! monotonically or parked until their message's provider id is known.

use sqlx::SqliteConnection;

use crate::store::{
    ConsentChange, IntakeBatch, IntakeItem, IntakeOutcome, MessageStatus, NewInbound, StatusUpdate,
    StoreError, TemplateStatusUpdate,
};

/// Stores a batch; see [`crate::store::Store::record_intake`]. A writer job.
pub(super) async fn record(
    conn: &mut SqliteConnection,
    batch: IntakeBatch,
) -> Result<Vec<IntakeOutcome>, StoreError> {
    let mut outcomes = Vec::with_capacity(batch.items.len());
    for item in batch.items {
        let outcome = match item {
            IntakeItem::Message(message) => {
                inbound(conn, batch.connector_id, batch.received_ms, message).await?
            }
            IntakeItem::Status(status) => {
                apply_status(conn, batch.connector_id, batch.received_ms, status).await?
            }
            IntakeItem::Template(template) => {
                template_status(conn, batch.connector_id, batch.received_ms, template).await?
            }
        };
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn inbound(
    conn: &mut SqliteConnection,
    connector_id: i64,
    now: i64,
    message: NewInbound,
) -> Result<IntakeOutcome, StoreError> {
    let (contact_id, opted_out_ms) = upsert_contact(conn, &message, now).await?;
    let blocked = is_blocked_inbound(conn, &message).await?;
    let open: Option<i64> = if blocked {
        None
    } else {
        sqlx::query_scalar(
            "SELECT id FROM conversations WHERE number_id = ? AND contact_id = ? AND open = 1",
        )
        .bind(message.number_id)
        .bind(contact_id)
        .fetch_optional(&mut *conn)
        .await?
    };
    let status = if blocked {
        MessageStatus::Blocked
    } else {
        MessageStatus::Received
    };
    let (encoding, segments) = message.sms.clone().unzip();
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, direction, \
         origin, provider_message_id, kind, content, raw, status, sms_encoding, sms_segments, \
         provider_at_ms, created_ms, updated_ms) \
         VALUES (?, ?, ?, ?, 'in', 'customer', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (connector_id, provider_message_id) WHERE provider_message_id IS NOT NULL \
         DO NOTHING RETURNING id",
    )
    .bind(connector_id)
    .bind(message.number_id)
    .bind(contact_id)
    .bind(open)
    .bind(&message.provider_message_id)
    .bind(&message.kind)
    .bind(&message.content)
    .bind(&message.raw)
    .bind(status.as_str())
    .bind(encoding)
    .bind(segments)
    .bind(message.provider_at_ms)
    .bind(now)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(message_id) = inserted else {
        return duplicate(conn, connector_id, &message.provider_message_id).await;
    };
    if blocked {
        event(conn, now, "message.blocked", None, Some(message_id)).await?;
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
    sqlx::query(
        "INSERT INTO windows (number_id, contact_id, last_inbound_ms) VALUES (?, ?, ?) \
         ON CONFLICT (number_id, contact_id) DO UPDATE \
         SET last_inbound_ms = max(last_inbound_ms, excluded.last_inbound_ms)",
    )
    .bind(message.number_id)
    .bind(contact_id)
    .bind(wrote_at)
    .execute(&mut *conn)
    .await?;
    let (conversation_id, new_conversation) = match open {
        Some(id) => {
            sqlx::query(
                "UPDATE conversations SET last_message_ms = ?, updated_ms = ? WHERE id = ?",
            )
            .bind(now)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
            (id, false)
        }
        None => {
            let id = open_conversation(conn, message.number_id, contact_id, now).await?;
            sqlx::query("UPDATE messages SET conversation_id = ? WHERE id = ?")
                .bind(id)
                .bind(message_id)
                .execute(&mut *conn)
                .await?;
            (id, true)
        }
    };
    for (position, media) in message.media.iter().enumerate() {
        sqlx::query(
            "INSERT INTO media (message_id, position, locator, mime_type, filename, state, \
             next_attempt_ms, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
        )
        .bind(message_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&media.locator)
        .bind(&media.mime_type)
        .bind(&media.filename)
        .bind(now)
        .bind(now)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    event(
        conn,
        now,
        "message.received",
        Some(conversation_id),
        Some(message_id),
    )
    .await?;
    let reply_id = match message.consent {
        Some(change) => {
            consent(
                conn,
                connector_id,
                contact_id,
                conversation_id,
                opted_out_ms,
                change,
                &message,
                now,
            )
            .await?
        }
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
async fn duplicate(
    conn: &mut SqliteConnection,
    connector_id: i64,
    provider_message_id: &str,
) -> Result<IntakeOutcome, StoreError> {
    let (message_id, conversation_id): (i64, Option<i64>) = sqlx::query_as(
        "SELECT id, conversation_id FROM messages WHERE connector_id = ? AND provider_message_id = ?",
    )
    .bind(connector_id)
    .bind(provider_message_id)
    .fetch_one(&mut *conn)
    .await?;
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
async fn upsert_contact(
    conn: &mut SqliteConnection,
    message: &NewInbound,
    now: i64,
) -> Result<(i64, Option<i64>), StoreError> {
    let contact = &message.contact;
    let row: (i64, Option<i64>) = if contact.number.is_some() {
        // A user id learnt later joins the numbered contact, unless another contact has it.
        sqlx::query_as(
            "INSERT INTO contacts (number, user_id, name, created_ms, updated_ms) \
             VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (number) DO UPDATE SET \
               name = coalesce(excluded.name, contacts.name), \
               user_id = CASE WHEN contacts.user_id IS NULL AND NOT EXISTS \
                 (SELECT 1 FROM contacts c WHERE c.user_id = excluded.user_id) \
                 THEN excluded.user_id ELSE contacts.user_id END, \
               updated_ms = excluded.updated_ms \
             RETURNING id, opted_out_ms",
        )
        .bind(&contact.number)
        .bind(user_id_if_free(conn, contact.user_id.as_deref(), contact.number.as_deref()).await?)
        .bind(&contact.name)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
    } else {
        sqlx::query_as(
            "INSERT INTO contacts (user_id, name, created_ms, updated_ms) VALUES (?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET \
               name = coalesce(excluded.name, contacts.name), updated_ms = excluded.updated_ms \
             RETURNING id, opted_out_ms",
        )
        .bind(&contact.user_id)
        .bind(&contact.name)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
    };
    Ok(row)
}

/// `user_id` unless a contact with another number already holds it (a new numbered contact
/// must not collide with it).
async fn user_id_if_free(
    conn: &mut SqliteConnection,
    user_id: Option<&str>,
    number: Option<&str>,
) -> Result<Option<String>, StoreError> {
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    let holder: Option<Option<String>> =
        sqlx::query_scalar("SELECT number FROM contacts WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match holder {
        Some(holder_number) if holder_number.as_deref() != number => None,
        _ => Some(user_id.to_owned()),
    })
}

/// Whether the sender is on the inbound blacklist.
async fn is_blocked_inbound(
    conn: &mut SqliteConnection,
    message: &NewInbound,
) -> Result<bool, StoreError> {
    let contact = &message.contact;
    if contact.number.is_none() && contact.user_id.is_none() {
        return Ok(false);
    }
    let blocked: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM blacklist WHERE address IN (?, ?) \
         AND direction IN ('in', 'both') AND scope = '')",
    )
    .bind(&contact.number)
    .bind(&contact.user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(blocked)
}

/// Opens a conversation; the caller knows none is open.
pub(super) async fn open_conversation(
    conn: &mut SqliteConnection,
    number_id: i64,
    contact_id: i64,
    now: i64,
) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (number_id, contact_id, state, last_message_ms, created_ms, \
         updated_ms) VALUES (?, ?, 'queued', ?, ?, ?) RETURNING id",
    )
    .bind(number_id)
    .bind(contact_id)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    event(conn, now, "conversation.created", Some(id), None).await?;
    Ok(id)
}

/// Applies an opt-out or opt-in keyword; returns the confirmation queued, if any.
#[allow(clippy::too_many_arguments)]
async fn consent(
    conn: &mut SqliteConnection,
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
            sqlx::query("UPDATE contacts SET opted_out_ms = ?, updated_ms = ? WHERE id = ?")
                .bind(now)
                .bind(now)
                .bind(contact_id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO blacklist (address, direction, scope, reason, created_ms) \
                 VALUES (?, 'out', '', 'opt-out', ?) ON CONFLICT DO NOTHING",
            )
            .bind(address)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            event(conn, now, "contact.opted_out", Some(conversation_id), None).await?;
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
                    )
                    .await?;
                    Ok(Some(id))
                }
                _ => Ok(None),
            }
        }
        ConsentChange::OptIn => {
            sqlx::query(
                "UPDATE contacts SET opted_out_ms = NULL, opted_in_ms = ?, updated_ms = ? WHERE id = ?",
            )
            .bind(now)
            .bind(now)
            .bind(contact_id)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM blacklist WHERE address = ? AND reason = 'opt-out'")
                .bind(address)
                .execute(&mut *conn)
                .await?;
            event(conn, now, "contact.opted_in", Some(conversation_id), None).await?;
            Ok(None)
        }
    }
}

/// Queues a text from the engine itself (the opt-out confirmation).
async fn queue_system_reply(
    conn: &mut SqliteConnection,
    connector_id: i64,
    number_id: i64,
    contact_id: i64,
    conversation_id: i64,
    content: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, direction, \
         origin, kind, content, status, next_attempt_ms, created_ms, updated_ms) \
         VALUES (?, ?, ?, ?, 'out', 'system', 'text', ?, 'queued', ?, ?, ?) RETURNING id",
    )
    .bind(connector_id)
    .bind(number_id)
    .bind(contact_id)
    .bind(conversation_id)
    .bind(content)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Applies a status to its message, or parks it.
async fn apply_status(
    conn: &mut SqliteConnection,
    connector_id: i64,
    now: i64,
    status: StatusUpdate,
) -> Result<IntakeOutcome, StoreError> {
    let mut found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM messages WHERE connector_id = ? AND provider_message_id = ?",
    )
    .bind(connector_id)
    .bind(&status.provider_message_id)
    .fetch_optional(&mut *conn)
    .await?;
    if found.is_none()
        && let Some(echoed) = status.message_id
    {
        // The provider echoed our id: a message whose send answer never came (a crash mid
        // send, a timeout) learns its provider id here.
        let adopted = sqlx::query(
            "UPDATE messages SET provider_message_id = ? WHERE id = ? AND connector_id = ? \
             AND direction = 'out' AND provider_message_id IS NULL",
        )
        .bind(&status.provider_message_id)
        .bind(echoed)
        .bind(connector_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if adopted > 0 {
            found = Some(echoed);
        }
    }
    let Some(message_id) = found else {
        park(conn, connector_id, now, &status).await?;
        return Ok(IntakeOutcome::Status {
            message_id: None,
            applied: false,
            parked: true,
        });
    };
    let applied = advance(conn, message_id, &status, now).await?;
    Ok(IntakeOutcome::Status {
        message_id: Some(message_id),
        applied,
        parked: false,
    })
}

/// Moves a message to `status` if that is forward; records the event. Returns whether it moved.
pub(super) async fn advance(
    conn: &mut SqliteConnection,
    message_id: i64,
    status: &StatusUpdate,
    now: i64,
) -> Result<bool, StoreError> {
    let stamp = match status.status {
        MessageStatus::Sent => "sent_ms = coalesce(sent_ms, ?1),",
        MessageStatus::Delivered => "delivered_ms = coalesce(delivered_ms, ?1),",
        MessageStatus::Read => "read_ms = coalesce(read_ms, ?1),",
        _ => "",
    };
    let sql = format!(
        "UPDATE messages SET {stamp} status = ?2, status_rank = ?3, \
         error_code = coalesce(?4, error_code), error_message = coalesce(?5, error_message), \
         updated_ms = ?6 WHERE id = ?7 AND status_rank < ?3"
    );
    let moved = sqlx::query(&sql)
        .bind(status.at_ms)
        .bind(status.status.as_str())
        .bind(status.status.rank())
        .bind(&status.error_code)
        .bind(&status.error_message)
        .bind(now)
        .bind(message_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        > 0;
    if moved {
        let conversation: Option<i64> =
            sqlx::query_scalar("SELECT conversation_id FROM messages WHERE id = ?")
                .bind(message_id)
                .fetch_one(&mut *conn)
                .await?;
        let kind = format!("message.{}", status.status.as_str());
        event(conn, now, &kind, conversation, Some(message_id)).await?;
    }
    Ok(moved)
}

/// Keeps a status for a provider id not recorded yet.
async fn park(
    conn: &mut SqliteConnection,
    connector_id: i64,
    now: i64,
    status: &StatusUpdate,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO parked_statuses (connector_id, provider_message_id, status, status_rank, \
         at_ms, error_code, error_message, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT DO NOTHING",
    )
    .bind(connector_id)
    .bind(&status.provider_message_id)
    .bind(status.status.as_str())
    .bind(status.status.rank())
    .bind(status.at_ms)
    .bind(&status.error_code)
    .bind(&status.error_message)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Applies and removes the statuses parked for a provider id just recorded.
pub(super) async fn unpark(
    conn: &mut SqliteConnection,
    connector_id: i64,
    provider_message_id: &str,
    message_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    let parked: Vec<(String, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "DELETE FROM parked_statuses WHERE connector_id = ? AND provider_message_id = ? \
         RETURNING status, at_ms, error_code, error_message",
    )
    .bind(connector_id)
    .bind(provider_message_id)
    .fetch_all(&mut *conn)
    .await?;
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
        advance(conn, message_id, &update, now).await?;
    }
    Ok(())
}

async fn template_status(
    conn: &mut SqliteConnection,
    connector_id: i64,
    now: i64,
    template: TemplateStatusUpdate,
) -> Result<IntakeOutcome, StoreError> {
    let updated = sqlx::query(
        "UPDATE templates SET status = ?, reason = ?, updated_ms = ? \
         WHERE connector_id = ? AND provider_name = ? AND language = ?",
    )
    .bind(&template.status)
    .bind(&template.reason)
    .bind(now)
    .bind(connector_id)
    .bind(&template.name)
    .bind(&template.language)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(IntakeOutcome::Template { updated })
}

/// Appends to the event log.
pub(super) async fn event(
    conn: &mut SqliteConnection,
    at_ms: i64,
    kind: &str,
    conversation_id: Option<i64>,
    message_id: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO events (at_ms, kind, conversation_id, message_id) VALUES (?, ?, ?, ?)",
    )
    .bind(at_ms)
    .bind(kind)
    .bind(conversation_id)
    .bind(message_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
