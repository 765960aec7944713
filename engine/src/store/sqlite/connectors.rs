//! Connectors and their numbers.

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::store::{ConnectorRow, NewConnector, NumberRow, StoreError};

const COLUMNS: &str = "id, name, plugin, config, secrets, webhook_secret, allow_ips, enabled, \
                       paused_reason, poll_cursor, created_ms, updated_ms";

/// Creates a connector with its numbers. A writer job.
/// Returns the new id; the caller reads the row back once committed.
pub(super) fn create(conn: &Connection, new: NewConnector) -> Result<i64, StoreError> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO connectors (name, plugin, config, secrets, webhook_secret, allow_ips, \
             enabled, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![
                new.name,
                new.plugin,
                new.config,
                new.secrets,
                new.webhook_secret,
                allow_ips_json(&new.allow_ips),
                new.enabled,
                new.at_ms,
                new.at_ms
            ],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::Conflict(format!("a connector named `{}` exists", new.name)))?;
    set_numbers(conn, id, &new.numbers, new.at_ms)?;
    Ok(id)
}

/// Replaces a connector's settings and number set. A writer job.
pub(super) fn update(conn: &Connection, id: i64, new: NewConnector) -> Result<(), StoreError> {
    let taken = conn
        .prepare_cached("SELECT 1 FROM connectors WHERE name = ? AND id <> ?")?
        .exists(params![new.name, id])?;
    if taken {
        return Err(StoreError::Conflict(format!(
            "a connector named `{}` exists",
            new.name
        )));
    }
    let changed = conn
        .prepare_cached(
            "UPDATE connectors SET name = ?, plugin = ?, config = ?, secrets = ?, webhook_secret = ?, \
             allow_ips = ?, enabled = ?, paused_reason = NULL, updated_ms = ? WHERE id = ?",
        )?
        .execute(params![
            new.name,
            new.plugin,
            new.config,
            new.secrets,
            new.webhook_secret,
            allow_ips_json(&new.allow_ips),
            new.enabled,
            new.at_ms,
            id
        ])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("connector {id}")));
    }
    set_numbers(conn, id, &new.numbers, new.at_ms)
}

/// Makes the connector's numbers exactly `numbers`: keeps the ones it has, adds the new ones,
/// removes the others (refused while a conversation uses one).
fn set_numbers(
    conn: &Connection,
    id: i64,
    numbers: &[String],
    at_ms: i64,
) -> Result<(), StoreError> {
    let current: Vec<(i64, String)> = conn
        .prepare_cached("SELECT id, number FROM numbers WHERE connector_id = ?")?
        .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (number_id, number) in &current {
        if numbers.contains(number) {
            continue;
        }
        let used = conn
            .prepare_cached(
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM conversations WHERE number_id = ?1) \
                 OR EXISTS (SELECT 1 FROM messages WHERE number_id = ?1)",
            )?
            .exists(params![number_id])?;
        if used {
            return Err(StoreError::Conflict(format!(
                "number {number} has conversations and cannot be removed; disable the connector instead"
            )));
        }
        conn.prepare_cached("DELETE FROM numbers WHERE id = ?")?
            .execute(params![number_id])?;
    }
    for number in numbers {
        if current.iter().any(|(_, n)| n == number) {
            continue;
        }
        let inserted = conn
            .prepare_cached(
                "INSERT INTO numbers (connector_id, number, created_ms) VALUES (?, ?, ?) \
                 ON CONFLICT (number) DO NOTHING",
            )?
            .execute(params![id, number, at_ms])?;
        if inserted == 0 {
            return Err(StoreError::Conflict(format!(
                "number {number} belongs to another connector"
            )));
        }
    }
    Ok(())
}

/// Deletes a connector that never carried a message. A writer job.
pub(super) fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let used = conn
        .prepare_cached("SELECT 1 FROM messages WHERE connector_id = ? LIMIT 1")?
        .exists(params![id])?;
    if used {
        return Err(StoreError::Conflict(
            "the connector has messages; disable it instead of deleting it".into(),
        ));
    }
    conn.prepare_cached("DELETE FROM numbers WHERE connector_id = ?")?
        .execute(params![id])?;
    let deleted = conn
        .prepare_cached("DELETE FROM connectors WHERE id = ?")?
        .execute(params![id])?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("connector {id}")));
    }
    Ok(())
}

/// Pauses sending (`Some(reason)`) or resumes it. A writer job.
pub(super) fn set_paused(
    conn: &Connection,
    id: i64,
    reason: Option<String>,
    at_ms: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE connectors SET paused_reason = ?, updated_ms = ? WHERE id = ?")?
        .execute(params![reason, at_ms, id])?;
    Ok(())
}

/// Every connector with its numbers, by id.
pub(super) async fn all(pool: &SqlitePool) -> Result<Vec<ConnectorRow>, StoreError> {
    select(pool, None).await
}

/// One connector with its numbers.
pub(super) async fn by_id(pool: &SqlitePool, id: i64) -> Result<ConnectorRow, StoreError> {
    select(pool, Some(id))
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("connector {id}")))
}

/// The connectors (all, or the one `id`) with their numbers.
async fn select(pool: &SqlitePool, id: Option<i64>) -> Result<Vec<ConnectorRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM connectors WHERE ?1 IS NULL OR id = ?1 ORDER BY id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut connectors = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
    let numbers: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT connector_id, id, number FROM numbers WHERE ?1 IS NULL OR connector_id = ?1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for (connector_id, id, number) in numbers {
        if let Some(c) = connectors.iter_mut().find(|c| c.id == connector_id) {
            c.numbers.push(NumberRow { id, number });
        }
    }
    Ok(connectors)
}

fn row(row: &SqliteRow) -> Result<ConnectorRow, StoreError> {
    let allow_ips: String = row.try_get("allow_ips")?;
    Ok(ConnectorRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        plugin: row.try_get("plugin")?,
        config: row.try_get("config")?,
        secrets: row.try_get("secrets")?,
        webhook_secret: row.try_get("webhook_secret")?,
        allow_ips: serde_json::from_str(&allow_ips).unwrap_or_default(),
        enabled: row.try_get("enabled")?,
        paused_reason: row.try_get("paused_reason")?,
        poll_cursor: row.try_get("poll_cursor")?,
        numbers: Vec::new(),
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

fn allow_ips_json(ips: &[String]) -> String {
    serde_json::to_string(ips).unwrap_or_else(|_| "[]".into())
}
