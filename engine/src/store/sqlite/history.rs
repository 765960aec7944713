//! Reads of contacts, conversations, messages and windows: the history and what the
//! compliance gate checks.

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::conversations::search::search_needle;
use crate::store::{
    ContactKey, ContactRow, ConversationFilter, ConversationRow, MessageRow, StoreError,
};

const MESSAGE_COLUMNS: &str = "id, connector_id, number_id, contact_id, conversation_id, \
    direction, origin, provider_message_id, content, status, error_code, error_message, \
    sms_encoding, sms_segments, attempts, created_ms, updated_ms";

pub(super) const CONVERSATION_COLUMNS: &str = "c.id, c.number_id, n.number, c.contact_id, \
    k.number AS contact_number, k.name AS contact_name, c.state, c.open, c.last_message_ms, \
    c.created_ms, c.closed_ms, c.campaign_id, c.agent_id, c.transfer_to_agent_id, c.end_reason, \
    c.disposition, c.csat, c.tags, c.queued_ms, c.first_reply_ms";

/// Conversations with their business number and contact, in one read.
pub(super) const CONVERSATION_FROM: &str = "conversations c JOIN numbers n ON n.id = c.number_id \
    JOIN contacts k ON k.id = c.contact_id";

/// One message.
pub(super) async fn message(pool: &SqlitePool, id: i64) -> Result<Option<MessageRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(message_row).transpose()
}

/// The messages of `ids` that exist.
pub(super) async fn messages(
    pool: &SqlitePool,
    ids: &[i64],
) -> Result<Vec<MessageRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::Value::from(ids.to_vec()).to_string();
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id IN (SELECT value FROM json_each(?))"
    ))
    .bind(list)
    .fetch_all(pool)
    .await?;
    rows.iter().map(message_row).collect()
}

/// A conversation's messages after `after_id`, oldest first.
pub(super) async fn messages_of(
    pool: &SqlitePool,
    conversation_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND id > ? \
         ORDER BY id LIMIT ?"
    ))
    .bind(conversation_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(message_row).collect()
}

/// A conversation's last `limit` messages, oldest first.
pub(super) async fn recent_messages(
    pool: &SqlitePool,
    conversation_id: i64,
    limit: i64,
) -> Result<Vec<MessageRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?"
    ))
    .bind(conversation_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut messages = rows
        .iter()
        .map(message_row)
        .collect::<Result<Vec<_>, _>>()?;
    messages.reverse();
    Ok(messages)
}

/// One conversation.
pub(super) async fn conversation(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<ConversationRow>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM {CONVERSATION_FROM} WHERE c.id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(conversation_row).transpose()
}

/// Conversations newest first, filtered (see [`ConversationFilter`]).
pub(super) async fn conversations(
    pool: &SqlitePool,
    filter: ConversationFilter,
) -> Result<Vec<ConversationRow>, StoreError> {
    let campaigns = filter
        .campaigns
        .as_ref()
        .map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
    let rows = sqlx::query(&format!(
        "SELECT {CONVERSATION_COLUMNS} FROM {CONVERSATION_FROM} \
         WHERE c.id < ?1 AND (?2 IS NULL OR c.contact_id = ?2) \
         AND (?3 IS NULL OR c.created_ms >= ?3) AND (?4 IS NULL OR c.created_ms < ?4) \
         AND (?5 IS NULL OR k.number = ?5) AND (?6 IS NULL OR n.number = ?6) \
         AND (?7 IS NULL OR c.campaign_id IN (SELECT value FROM json_each(?7))) \
         AND (?8 IS NULL OR c.agent_id = ?8 OR c.previous_agent_id = ?8) \
         AND (?9 IS NULL OR c.open = ?9) \
         AND (?11 IS NULL OR c.disposition = ?11) \
         AND (?12 IS NULL OR EXISTS (SELECT 1 FROM messages m \
              WHERE m.conversation_id = c.id AND m.search_text LIKE ?12 ESCAPE '\\')) \
         ORDER BY c.id DESC LIMIT ?10"
    ))
    .bind(filter.before.unwrap_or(i64::MAX))
    .bind(filter.contact_id)
    .bind(filter.from_ms)
    .bind(filter.to_ms)
    .bind(&filter.contact_number)
    .bind(&filter.business_number)
    .bind(campaigns)
    .bind(filter.agent_id)
    .bind(filter.open)
    .bind(filter.limit)
    .bind(&filter.disposition)
    .bind(filter.text.as_deref().map(like_pattern))
    .fetch_all(pool)
    .await?;
    rows.iter().map(conversation_row).collect()
}

/// `%text%` for LIKE over `messages.search_text`: folded as that column is (case and accents
/// off), with `%`, `_` and the escape itself taken literally.
fn like_pattern(text: &str) -> String {
    let needle = search_needle(text);
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for ch in needle.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(ch);
    }
    pattern.push('%');
    pattern
}

/// One contact.
pub(super) async fn contact(pool: &SqlitePool, id: i64) -> Result<Option<ContactRow>, StoreError> {
    type Tuple = (
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
    );
    let row: Option<Tuple> =
        sqlx::query_as("SELECT id, number, user_id, name, opted_out_ms FROM contacts WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    Ok(
        row.map(|(id, number, user_id, name, opted_out_ms)| ContactRow {
            id,
            number,
            user_id,
            name,
            opted_out_ms,
        }),
    )
}

/// The contact with this number or user id, created if new. A writer job.
pub(super) fn ensure_contact(
    conn: &Connection,
    key: ContactKey,
    now: i64,
) -> Result<i64, StoreError> {
    let existing: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM contacts WHERE number = ?1 OR (?1 IS NULL AND user_id = ?2) LIMIT 1",
        )?
        .query_row(params![key.number, key.user_id], |r| r.get(0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    Ok(conn
        .prepare_cached(
            "INSERT INTO contacts (number, user_id, name, created_ms, updated_ms) \
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )?
        .query_row(params![key.number, key.user_id, key.name, now, now], |r| {
            r.get(0)
        })?)
}

/// When the contact last wrote to this business number.
pub(super) async fn last_inbound(
    pool: &SqlitePool,
    number_id: i64,
    contact: &ContactKey,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT w.last_inbound_ms FROM windows w JOIN contacts k ON k.id = w.contact_id \
         WHERE w.number_id = ?1 AND (k.number = ?2 OR (?2 IS NULL AND k.user_id = ?3))",
    )
    .bind(number_id)
    .bind(&contact.number)
    .bind(&contact.user_id)
    .fetch_optional(pool)
    .await?)
}

fn message_row(row: &SqliteRow) -> Result<MessageRow, StoreError> {
    Ok(MessageRow {
        id: row.try_get("id")?,
        connector_id: row.try_get("connector_id")?,
        number_id: row.try_get("number_id")?,
        contact_id: row.try_get("contact_id")?,
        conversation_id: row.try_get("conversation_id")?,
        direction: row.try_get("direction")?,
        origin: row.try_get("origin")?,
        provider_message_id: row.try_get("provider_message_id")?,
        content: row.try_get("content")?,
        status: row.try_get("status")?,
        error_code: row.try_get("error_code")?,
        error_message: row.try_get("error_message")?,
        sms_encoding: row.try_get("sms_encoding")?,
        sms_segments: row.try_get("sms_segments")?,
        attempts: row.try_get("attempts")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

pub(super) fn conversation_row(row: &SqliteRow) -> Result<ConversationRow, StoreError> {
    Ok(ConversationRow {
        id: row.try_get("id")?,
        number_id: row.try_get("number_id")?,
        number: row.try_get("number")?,
        contact_id: row.try_get("contact_id")?,
        contact_number: row.try_get("contact_number")?,
        contact_name: row.try_get("contact_name")?,
        state: row.try_get("state")?,
        open: row.try_get("open")?,
        last_message_ms: row.try_get("last_message_ms")?,
        created_ms: row.try_get("created_ms")?,
        closed_ms: row.try_get("closed_ms")?,
        campaign_id: row.try_get("campaign_id")?,
        agent_id: row.try_get("agent_id")?,
        transfer_to_agent_id: row.try_get("transfer_to_agent_id")?,
        end_reason: row.try_get("end_reason")?,
        disposition: row.try_get("disposition")?,
        csat: row.try_get("csat")?,
        tags: serde_json::from_str(&row.try_get::<String, _>("tags")?).unwrap_or_default(),
        queued_ms: row.try_get("queued_ms")?,
        first_reply_ms: row.try_get("first_reply_ms")?,
    })
}
