//! What the router saves and rebuilds from: the live fields of conversations with their
//! timers, agents' states, and the users it routes to.

use std::collections::BTreeMap;

use rusqlite::{Connection, params};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::store::{
    AgentStateRow, LiveConversationRow, NewEvent, RoutingUser, RoutingWrite, StoreError, TimerRow,
};

const LIVE_COLUMNS: &str = "id, number_id, contact_id, state, open, campaign_id, \
    campaign_until_ms, agent_id, \
    queued_ms, priority, skills, attributes, assigned_ms, first_reply_ms, previous_agent_id, \
    transfer_from_agent_id, transfer_to_agent_id, bot, bot_stage, bot_variables, \
    bot_seen_message_id, last_inbound_ms, end_reason, disposition, csat, created_ms, closed_ms";

/// Rows read per page when the router rebuilds.
const LIVE_PAGE: usize = 2_000;

/// States the router holds in memory.
const LIVE_STATES: &str = "('new', 'bot', 'queued', 'assigned', 'transferring', 'closing')";

/// Saves one routing step. A writer job: all of it or nothing.
pub(super) fn save(conn: &Connection, write: RoutingWrite) -> Result<(), StoreError> {
    for c in &write.conversations {
        save_conversation(conn, c, write.at_ms)?;
    }
    for a in &write.agents {
        conn.prepare_cached(
            "INSERT INTO agent_states (user_id, state, break_name, paused, since_ms, completed) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, \
             break_name = excluded.break_name, paused = excluded.paused, \
             since_ms = excluded.since_ms, completed = excluded.completed",
        )?
        .execute(params![
            a.user_id,
            a.state,
            a.break_name,
            a.paused,
            a.since_ms,
            a.completed
        ])?;
    }
    for e in &write.events {
        insert_event(conn, e)?;
    }
    Ok(())
}

fn save_conversation(
    conn: &Connection,
    c: &LiveConversationRow,
    now: i64,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE conversations SET state = ?, open = ?, campaign_id = ?, agent_id = ?, \
             queued_ms = ?, priority = ?, skills = ?, attributes = ?, assigned_ms = ?, \
             first_reply_ms = ?, previous_agent_id = ?, transfer_from_agent_id = ?, \
             transfer_to_agent_id = ?, bot = ?, bot_stage = ?, bot_variables = ?, \
             bot_seen_message_id = ?, last_inbound_ms = ?, end_reason = ?, disposition = ?, \
             csat = ?, closed_ms = ?, updated_ms = ? WHERE id = ?",
        )?
        .execute(params![
            c.state,
            c.open,
            c.campaign_id,
            c.agent_id,
            c.queued_ms,
            c.priority,
            json(&c.skills),
            json(&c.attributes),
            c.assigned_ms,
            c.first_reply_ms,
            c.previous_agent_id,
            c.transfer_from_agent_id,
            c.transfer_to_agent_id,
            c.bot,
            c.bot_stage,
            json(&c.bot_variables),
            c.bot_seen_message_id,
            c.last_inbound_ms,
            c.end_reason,
            c.disposition,
            c.csat,
            c.closed_ms,
            now,
            c.id
        ])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("conversation {}", c.id)));
    }
    conn.prepare_cached("DELETE FROM timers WHERE conversation_id = ?")?
        .execute(params![c.id])?;
    if c.open {
        for t in &c.timers {
            conn.prepare_cached(
                "INSERT INTO timers (conversation_id, kind, due_ms, data) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (conversation_id, kind) DO UPDATE SET due_ms = excluded.due_ms, \
                 data = excluded.data",
            )?
            .execute(params![c.id, t.kind, t.due_ms, t.data])?;
        }
    }
    Ok(())
}

/// JSON text of a collection column (string lists and maps always serialize).
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// Appends an event row.
pub(super) fn insert_event(conn: &Connection, e: &NewEvent) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO events (at_ms, kind, conversation_id, message_id, data) VALUES (?, ?, ?, ?, ?)",
    )?
    .execute(params![
        e.at_ms,
        e.kind,
        e.conversation_id,
        e.message_id,
        e.data
    ])?;
    Ok(())
}

/// Every conversation the router holds, with its timers.
pub(super) async fn live(pool: &SqlitePool) -> Result<Vec<LiveConversationRow>, StoreError> {
    // In pages, each converted before the next is read: 100 000 raw rows at once would take
    // several times the memory of the converted state, and the allocator keeps that peak.
    let mut conversations: Vec<LiveConversationRow> = Vec::new();
    let mut after = 0;
    loop {
        let rows = sqlx::query(&format!(
            "SELECT {LIVE_COLUMNS} FROM conversations WHERE open = 1 AND state IN {LIVE_STATES} \
             AND id > ? ORDER BY id LIMIT {LIVE_PAGE}"
        ))
        .bind(after)
        .fetch_all(pool)
        .await?;
        for row in &rows {
            conversations.push(live_row(row)?);
        }
        match conversations.last() {
            Some(last) if rows.len() == LIVE_PAGE => after = last.id,
            _ => break,
        }
    }
    conversations.shrink_to_fit();
    let timers = sqlx::query(
        "SELECT conversation_id, kind, due_ms, data FROM timers ORDER BY conversation_id",
    )
    .fetch_all(pool)
    .await?;
    for t in &timers {
        let id: i64 = t.try_get("conversation_id")?;
        if let Ok(i) = conversations.binary_search_by_key(&id, |c| c.id) {
            conversations[i].timers.push(timer_row(t)?);
        }
    }
    Ok(conversations)
}

/// One conversation's live fields and timers, whatever its state.
pub(super) async fn one(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<LiveConversationRow>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT {LIVE_COLUMNS} FROM conversations WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let mut conversation = live_row(&row)?;
    let timers = sqlx::query("SELECT kind, due_ms, data FROM timers WHERE conversation_id = ?")
        .bind(id)
        .fetch_all(pool)
        .await?;
    conversation.timers = timers.iter().map(timer_row).collect::<Result<_, _>>()?;
    Ok(Some(conversation))
}

fn timer_row(row: &SqliteRow) -> Result<TimerRow, StoreError> {
    Ok(TimerRow {
        kind: row.try_get("kind")?,
        due_ms: row.try_get("due_ms")?,
        data: row.try_get("data")?,
    })
}

fn live_row(row: &SqliteRow) -> Result<LiveConversationRow, StoreError> {
    let skills: String = row.try_get("skills")?;
    let attributes: String = row.try_get("attributes")?;
    let variables: String = row.try_get("bot_variables")?;
    Ok(LiveConversationRow {
        id: row.try_get("id")?,
        number_id: row.try_get("number_id")?,
        contact_id: row.try_get("contact_id")?,
        state: row.try_get("state")?,
        open: row.try_get("open")?,
        campaign_id: row.try_get("campaign_id")?,
        campaign_until_ms: row.try_get("campaign_until_ms")?,
        agent_id: row.try_get("agent_id")?,
        queued_ms: row.try_get("queued_ms")?,
        priority: row.try_get("priority")?,
        skills: serde_json::from_str(&skills).unwrap_or_default(),
        attributes: serde_json::from_str::<BTreeMap<String, String>>(&attributes)
            .unwrap_or_default(),
        assigned_ms: row.try_get("assigned_ms")?,
        first_reply_ms: row.try_get("first_reply_ms")?,
        previous_agent_id: row.try_get("previous_agent_id")?,
        transfer_from_agent_id: row.try_get("transfer_from_agent_id")?,
        transfer_to_agent_id: row.try_get("transfer_to_agent_id")?,
        bot: row.try_get("bot")?,
        bot_stage: row.try_get("bot_stage")?,
        bot_variables: serde_json::from_str(&variables).unwrap_or_default(),
        bot_seen_message_id: row.try_get("bot_seen_message_id")?,
        last_inbound_ms: row.try_get("last_inbound_ms")?,
        end_reason: row.try_get("end_reason")?,
        disposition: row.try_get("disposition")?,
        csat: row.try_get("csat")?,
        created_ms: row.try_get("created_ms")?,
        closed_ms: row.try_get("closed_ms")?,
        timers: Vec::new(),
    })
}

/// Agents' last stored states.
pub(super) async fn agent_states(pool: &SqlitePool) -> Result<Vec<AgentStateRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT user_id, state, break_name, paused, since_ms, completed FROM agent_states",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AgentStateRow {
                user_id: r.try_get("user_id")?,
                state: r.try_get("state")?,
                break_name: r.try_get("break_name")?,
                paused: r.try_get("paused")?,
                since_ms: r.try_get("since_ms")?,
                completed: r.try_get("completed")?,
            })
        })
        .collect()
}

/// Every user, for routing.
pub(super) async fn users(pool: &SqlitePool) -> Result<Vec<RoutingUser>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, username, COALESCE(display_name, username) AS display_name, role, \
         max_concurrent, disabled_ms IS NOT NULL AS disabled FROM users ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RoutingUser {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                role: r.try_get("role")?,
                max_concurrent: r.try_get("max_concurrent")?,
                disabled: r.try_get("disabled")?,
            })
        })
        .collect()
}
