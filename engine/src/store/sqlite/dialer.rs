//! Dialers, their records and the do-not-call list.
//!
//! A record turns `sending` in the same transaction that writes its message row, before the
//! request leaves; a crash therefore leaves it `sending`, and [`mark_interrupted`] makes it
//! `unknown` at the next start: never pending again, so never sent twice.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::{Row, SqlitePool};

use super::history::ensure_contact;
use super::intake::{event, open_conversation};
use super::outbox;
use super::search_text;
use crate::store::{
    BeginSend, ContactKey, DialerRow, DncRow, MessageStatus, NewRecord, RecordRow, RecordState,
    SendEnd, SendResult, SpoolCount, StoreError,
};

const DIALER_COLUMNS: &str = "id, name, settings, running, paused_reason, created_ms, updated_ms";

const RECORD_COLUMNS: &str = "id, list_id, position, line, name, destination, message, extra, \
    state, reason, message_id, channel, updated_ms";

/// Creates a dialer. A writer job.
pub(super) fn create(
    conn: &Connection,
    name: String,
    settings: String,
    at_ms: i64,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO dialers (name, settings, created_ms, updated_ms) VALUES (?, ?, ?, ?) \
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )?
    .query_row(params![name, settings, at_ms, at_ms], |r| r.get(0))
    .optional()?
    .ok_or_else(|| StoreError::Conflict(format!("a dialer named `{name}` exists")))
}

/// Replaces a dialer's name and settings. A writer job.
pub(super) fn update(
    conn: &Connection,
    id: i64,
    name: String,
    settings: String,
    at_ms: i64,
) -> Result<(), StoreError> {
    let taken = conn
        .prepare_cached("SELECT 1 FROM dialers WHERE name = ? AND id <> ?")?
        .exists(params![name, id])?;
    if taken {
        return Err(StoreError::Conflict(format!(
            "a dialer named `{name}` exists"
        )));
    }
    let changed = conn
        .prepare_cached("UPDATE dialers SET name = ?, settings = ?, updated_ms = ? WHERE id = ?")?
        .execute(params![name, settings, at_ms, id])?;
    found(changed, id)
}

/// Deletes a dialer that is not running, with its records. A writer job.
pub(super) fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let running: Option<bool> = conn
        .prepare_cached("SELECT running FROM dialers WHERE id = ?")?
        .query_row(params![id], |r| r.get(0))
        .optional()?;
    match running {
        None => Err(StoreError::NotFound(format!("dialer {id}"))),
        Some(true) => Err(StoreError::Conflict(
            "stop the dialer before deleting it".into(),
        )),
        Some(false) => {
            conn.prepare_cached("DELETE FROM dialer_records WHERE dialer_id = ?")?
                .execute(params![id])?;
            conn.prepare_cached("DELETE FROM dialers WHERE id = ?")?
                .execute(params![id])?;
            Ok(())
        }
    }
}

/// Starts, stops or pauses a dialer. A writer job.
pub(super) fn set_running(
    conn: &Connection,
    id: i64,
    running: bool,
    paused_reason: Option<String>,
    at_ms: i64,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE dialers SET running = ?, paused_reason = ?, updated_ms = ? WHERE id = ?",
        )?
        .execute(params![running, paused_reason, at_ms, id])?;
    found(changed, id)
}

fn found(changed: usize, id: i64) -> Result<(), StoreError> {
    if changed == 0 {
        Err(StoreError::NotFound(format!("dialer {id}")))
    } else {
        Ok(())
    }
}

/// Dialers, all or one.
pub(super) async fn list(
    pool: &SqlitePool,
    only: Option<i64>,
) -> Result<Vec<DialerRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {DIALER_COLUMNS} FROM dialers WHERE ?1 IS NULL OR id = ?1 ORDER BY id"
    ))
    .bind(only)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(DialerRow {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                settings: row.try_get("settings")?,
                running: row.try_get("running")?,
                paused_reason: row.try_get("paused_reason")?,
                created_ms: row.try_get("created_ms")?,
                updated_ms: row.try_get("updated_ms")?,
            })
        })
        .collect()
}

/// Opens a list for an upload; returns its id. A writer job.
pub(super) fn create_list(
    conn: &Connection,
    dialer_id: i64,
    name: String,
    at_ms: i64,
) -> Result<i64, StoreError> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM dialers WHERE id = ?")?
        .exists(params![dialer_id])?;
    if !exists {
        return Err(StoreError::NotFound(format!("dialer {dialer_id}")));
    }
    Ok(conn
        .prepare_cached(
            "INSERT INTO dialer_lists (dialer_id, name, uploaded_ms) VALUES (?, ?, ?) RETURNING id",
        )?
        .query_row(params![dialer_id, name, at_ms], |r| r.get(0))?)
}

/// Records an upload's totals. A writer job.
pub(super) fn finish_list(
    conn: &Connection,
    list_id: i64,
    accepted: u64,
    invalid: u64,
    duplicates: u64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE dialer_lists SET accepted = ?, invalid = ?, duplicates = ? WHERE id = ?",
    )?
    .execute(params![accepted, invalid, duplicates, list_id])?;
    Ok(())
}

/// Appends records at the end of the dialer's order; returns their ids. A writer job.
pub(super) fn spool(
    conn: &Connection,
    dialer_id: i64,
    list_id: Option<i64>,
    records: Vec<NewRecord>,
    at_ms: i64,
) -> Result<(Vec<i64>, SpoolCount), StoreError> {
    let count = i64::try_from(records.len()).unwrap_or(i64::MAX);
    let first: i64 = conn
        .prepare_cached(
            "UPDATE dialers SET next_position = next_position + ? WHERE id = ? \
             RETURNING next_position - ?1",
        )?
        .query_row(params![count, dialer_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("dialer {dialer_id}")))?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO dialer_records (dialer_id, list_id, position, line, name, destination, \
         message, extra, state, rank, reason, updated_ms) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )?;
    let mut spooled = SpoolCount::default();
    let mut ids = Vec::with_capacity(records.len());
    for (i, record) in records.into_iter().enumerate() {
        let state = if record.invalid.is_some() {
            spooled.invalid += 1;
            RecordState::Invalid
        } else {
            spooled.accepted += 1;
            RecordState::Pending
        };
        let position = first + i64::try_from(i).unwrap_or(0);
        ids.push(insert.query_row(
            params![
                dialer_id,
                list_id,
                position,
                record.line,
                record.name,
                record.destination,
                record.message,
                record.extra,
                state.as_str(),
                state.rank(),
                record.invalid,
                at_ms
            ],
            |r| r.get(0),
        )?);
    }
    Ok((ids, spooled))
}

fn record_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<RecordRow, StoreError> {
    let state: String = row.try_get("state")?;
    Ok(RecordRow {
        id: row.try_get("id")?,
        list_id: row.try_get("list_id")?,
        position: row.try_get("position")?,
        line: row.try_get("line")?,
        name: row.try_get("name")?,
        destination: row.try_get("destination")?,
        message: row.try_get("message")?,
        extra: row.try_get("extra")?,
        state: RecordState::parse(&state).unwrap_or(RecordState::Unknown),
        reason: row.try_get("reason")?,
        message_id: row.try_get("message_id")?,
        channel: row.try_get("channel")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

/// Records after `after_position`, in position order: only pending ones (the run's claims),
/// or every one (exports, monitors).
pub(super) async fn page(
    pool: &SqlitePool,
    dialer_id: i64,
    after_position: i64,
    limit: i64,
    only_pending: bool,
) -> Result<Vec<RecordRow>, StoreError> {
    let state = if only_pending {
        "AND state = 'pending'"
    } else {
        ""
    };
    let rows = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS} FROM dialer_records WHERE dialer_id = ? {state} \
         AND position > ? ORDER BY position LIMIT ?"
    ))
    .bind(dialer_id)
    .bind(after_position)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(record_from_row).collect()
}

/// One record.
pub(super) async fn record(pool: &SqlitePool, id: i64) -> Result<Option<RecordRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {RECORD_COLUMNS} FROM dialer_records WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(record_from_row).transpose()
}

/// How many records of a dialer are in each state.
pub(super) async fn counts(
    pool: &SqlitePool,
    dialer_id: i64,
) -> Result<Vec<(RecordState, i64)>, StoreError> {
    let rows = sqlx::query(
        "SELECT state, count(*) AS n FROM dialer_records WHERE dialer_id = ? GROUP BY state",
    )
    .bind(dialer_id)
    .fetch_all(pool)
    .await?;
    let mut counts = Vec::with_capacity(rows.len());
    for row in &rows {
        let state: String = row.try_get("state")?;
        if let Some(state) = RecordState::parse(&state) {
            counts.push((state, row.try_get("n")?));
        }
    }
    Ok(counts)
}

/// Writes each record `sending` with its message row; returns the message ids in order. A
/// writer job: all or nothing, so a failure leaves every record pending and nothing sent.
pub(super) fn begin(
    conn: &Connection,
    sends: Vec<BeginSend>,
    at_ms: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(sends.len());
    for send in sends {
        let contact_id = ensure_contact(
            conn,
            ContactKey {
                number: Some(send.to.clone()),
                ..ContactKey::default()
            },
            at_ms,
        )?;
        let open: Option<(i64, String)> = conn
            .prepare_cached(
                "SELECT id, state FROM conversations WHERE number_id = ? AND contact_id = ? \
                 AND open = 1",
            )?
            .query_row(params![send.number_id, contact_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (conversation_id, state) = match open {
            Some(found) => found,
            None => (
                open_conversation(conn, send.number_id, contact_id, "idle", at_ms)?,
                "idle".to_owned(),
            ),
        };
        // Only a conversation nobody handles changes campaign: one with an agent stays theirs.
        if let Some((campaign_id, until_ms)) = send.campaign
            && state == "idle"
        {
            conn.prepare_cached(
                "UPDATE conversations SET campaign_id = ?, campaign_until_ms = ? WHERE id = ?",
            )?
            .execute(params![campaign_id, until_ms, conversation_id])?;
        }
        let (encoding, segments) = send.sms.unzip();
        let message_id: i64 = conn
            .prepare_cached(
                "INSERT INTO messages (connector_id, number_id, contact_id, conversation_id, \
                 direction, origin, kind, content, search_text, status, status_rank, attempts, \
                 sms_encoding, sms_segments, created_ms, updated_ms) \
                 VALUES (?, ?, ?, ?, 'out', 'dialer', ?, ?, ?, 'sending', 1, 1, ?, ?, ?, ?) \
                 RETURNING id",
            )?
            .query_row(
                params![
                    send.connector_id,
                    send.number_id,
                    contact_id,
                    conversation_id,
                    send.kind,
                    send.content,
                    search_text::of_json(&send.content),
                    encoding,
                    segments,
                    at_ms,
                    at_ms
                ],
                |r| r.get(0),
            )?;
        conn.prepare_cached(
            "UPDATE conversations SET last_message_ms = ?, updated_ms = ? WHERE id = ?",
        )?
        .execute(params![at_ms, at_ms, conversation_id])?;
        event(
            conn,
            at_ms,
            "message.queued",
            Some(conversation_id),
            Some(message_id),
        )?;
        let changed = conn
            .prepare_cached(
                "UPDATE dialer_records SET state = 'sending', rank = 1, message_id = ?, \
                 channel = ?, reason = NULL, updated_ms = ? WHERE id = ? AND state = 'pending'",
            )?
            .execute(params![message_id, send.channel, at_ms, send.record_id])?;
        if changed == 0 {
            // Purged or sent meanwhile: nothing may leave for it.
            return Err(StoreError::Conflict(format!(
                "record {} is no longer pending",
                send.record_id
            )));
        }
        ids.push(message_id);
    }
    Ok(ids)
}

/// Records how a record's send ended, on the record and its message. A writer job.
pub(super) fn finish(
    conn: &Connection,
    record_id: i64,
    message_id: i64,
    end: SendEnd,
    at_ms: i64,
) -> Result<(), StoreError> {
    let (state, reason, result) = match end {
        SendEnd::Sent {
            provider_message_id,
        } => (
            RecordState::Sent,
            None,
            Some(SendResult::Accepted {
                provider_message_id,
            }),
        ),
        SendEnd::Refused {
            state,
            code,
            message,
        } => (
            state,
            Some(format!("{code}: {message}")),
            Some(SendResult::Failed { code, message }),
        ),
        SendEnd::Again { code, message } => (
            RecordState::Pending,
            Some(format!("{code}: {message}")),
            Some(SendResult::Failed { code, message }),
        ),
        SendEnd::Unknown { code, message } => {
            conn.prepare_cached(
                "UPDATE messages SET status = 'unknown', error_code = ?, error_message = ?, \
                 updated_ms = ? WHERE id = ? AND status = 'sending'",
            )?
            .execute(params![code, message, at_ms, message_id])?;
            (
                RecordState::Unknown,
                Some(format!("{code}: {message}")),
                None,
            )
        }
    };
    if let Some(result) = result {
        outbox::record(conn, message_id, result, at_ms)?;
    }
    if state == RecordState::Pending {
        conn.prepare_cached(
            "UPDATE dialer_records SET state = 'pending', rank = 0, message_id = NULL, \
             reason = ?, updated_ms = ? WHERE id = ? AND state = 'sending'",
        )?
        .execute(params![reason, at_ms, record_id])?;
    } else {
        // A status webhook may have moved it further already: only forward.
        conn.prepare_cached(
            "UPDATE dialer_records SET state = ?, rank = ?, reason = coalesce(?, reason), \
             updated_ms = ? WHERE id = ? AND rank < ?2",
        )?
        .execute(params![
            state.as_str(),
            state.rank(),
            reason,
            at_ms,
            record_id
        ])?;
    }
    Ok(())
}

/// Ends records that never reached a send (blocked, invalid, failed by a rule). A writer job.
pub(super) fn end(
    conn: &Connection,
    ends: Vec<(i64, RecordState, String)>,
    at_ms: i64,
) -> Result<(), StoreError> {
    let mut update = conn.prepare_cached(
        "UPDATE dialer_records SET state = ?, rank = ?, reason = ?, updated_ms = ? \
         WHERE id = ? AND state = 'pending'",
    )?;
    for (id, state, reason) in ends {
        update.execute(params![state.as_str(), state.rank(), reason, at_ms, id])?;
    }
    Ok(())
}

/// A message's status moved: its record follows. Called wherever statuses advance.
pub(super) fn follow_status(
    conn: &Connection,
    message_id: i64,
    status: MessageStatus,
    reason: Option<&str>,
    at_ms: i64,
) -> Result<(), StoreError> {
    let state = match status {
        MessageStatus::Sent => RecordState::Sent,
        MessageStatus::Delivered => RecordState::Delivered,
        MessageStatus::Read => RecordState::Read,
        MessageStatus::Failed => RecordState::Failed,
        _ => return Ok(()),
    };
    conn.prepare_cached(
        "UPDATE dialer_records SET state = ?, rank = ?, reason = coalesce(?, reason), \
         updated_ms = ? WHERE message_id = ? AND rank < ?2",
    )?
    .execute(params![
        state.as_str(),
        state.rank(),
        reason,
        at_ms,
        message_id
    ])?;
    Ok(())
}

/// Records left `sending` by a previous run become `unknown`. A writer job.
pub(super) fn mark_interrupted(conn: &Connection, at_ms: i64) -> Result<u64, StoreError> {
    let marked = conn
        .prepare_cached(
            "UPDATE dialer_records SET state = 'unknown', rank = 1, \
             reason = 'interrupted: the engine stopped while sending; not re-sent', \
             updated_ms = ? WHERE state = 'sending'",
        )?
        .execute(params![at_ms])?;
    Ok(marked as u64)
}

/// Cancels a dialer's pending records; returns how many. A writer job.
pub(super) fn purge(
    conn: &Connection,
    dialer_id: i64,
    list_id: Option<i64>,
    at_ms: i64,
) -> Result<u64, StoreError> {
    let purged = conn
        .prepare_cached(
            "UPDATE dialer_records SET state = 'cancelled', rank = 5, reason = 'purged', \
             updated_ms = ? WHERE dialer_id = ? AND state = 'pending' \
             AND (?3 IS NULL OR list_id = ?3)",
        )?
        .execute(params![at_ms, dialer_id, list_id])?;
    Ok(purged as u64)
}

/// Why each of `numbers` may not be sent to from `number_id`: opt-outs and the blacklist as
/// the compliance gate reads them, and (with `dnc`) the do-not-call list, global and the
/// campaign's. Numbers free to send are absent.
pub(super) async fn blocks(
    pool: &SqlitePool,
    numbers: &[String],
    number_id: i64,
    dnc: Option<i64>,
) -> Result<HashMap<String, String>, StoreError> {
    let mut reasons = HashMap::new();
    if numbers.is_empty() {
        return Ok(reasons);
    }
    let marks = vec!["?"; numbers.len()].join(", ");
    if let Some(campaign_id) = dnc {
        let sql =
            format!("SELECT number FROM dnc WHERE number IN ({marks}) AND campaign_id IN (0, ?)");
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for number in numbers {
            query = query.bind(number);
        }
        for number in query.bind(campaign_id).fetch_all(pool).await? {
            reasons.insert(number, "dnc".to_owned());
        }
    }
    // The same rule as `catalog::outbound_block`, for many addresses at once.
    let sql = format!(
        "SELECT address, reason FROM blacklist WHERE address IN ({marks}) \
         AND direction IN ('out', 'both') \
         AND (reason = 'opt-out' \
           OR (scope = '' AND COALESCE((SELECT c.outgoing_blacklist FROM numbers n \
               JOIN campaigns c ON c.id = n.campaign_id WHERE n.id = ?), 1) = 1) \
           OR scope = 'campaign:' || (SELECT campaign_id FROM numbers WHERE id = ?)) \
         ORDER BY reason = 'opt-out'"
    );
    let mut query = sqlx::query(&sql);
    for number in numbers {
        query = query.bind(number);
    }
    for row in query
        .bind(number_id)
        .bind(number_id)
        .fetch_all(pool)
        .await?
    {
        let address: String = row.try_get("address")?;
        let reason: String = row.try_get("reason")?;
        // Ordered so an opt-out, the stronger reason, is inserted last and wins.
        reasons.insert(address, reason);
    }
    Ok(reasons)
}

/// Adds numbers to the do-not-call list; returns how many were new. A writer job.
pub(super) fn add_dnc(
    conn: &Connection,
    numbers: Vec<String>,
    campaign_id: Option<i64>,
    at_ms: i64,
) -> Result<u64, StoreError> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO dnc (number, campaign_id, added_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    )?;
    let mut added = 0;
    for number in numbers {
        added += insert.execute(params![number, campaign_id.unwrap_or(0), at_ms])? as u64;
    }
    Ok(added)
}

/// Removes a do-not-call entry. A writer job.
pub(super) fn remove_dnc(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let removed = conn
        .prepare_cached("DELETE FROM dnc WHERE id = ?")?
        .execute(params![id])?;
    if removed == 0 {
        return Err(StoreError::NotFound(format!("do-not-call entry {id}")));
    }
    Ok(())
}

/// A page of the do-not-call list, by id.
pub(super) async fn dnc(
    pool: &SqlitePool,
    campaign_id: Option<i64>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<DncRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, number, campaign_id, added_ms FROM dnc WHERE id > ?1 \
         AND (?2 IS NULL OR campaign_id = ?2) ORDER BY id LIMIT ?3",
    )
    .bind(after_id)
    .bind(campaign_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let campaign: i64 = row.try_get("campaign_id")?;
            Ok(DncRow {
                id: row.try_get("id")?,
                number: row.try_get("number")?,
                campaign_id: (campaign != 0).then_some(campaign),
                added_ms: row.try_get("added_ms")?,
            })
        })
        .collect()
}
