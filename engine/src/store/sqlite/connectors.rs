//! Connectors and their numbers.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

use crate::store::{ConnectorRow, NewConnector, NumberRow, StoreError};

const COLUMNS: &str = "id, name, plugin, config, secrets, webhook_secret, allow_ips, enabled, \
                       paused_reason, created_ms, updated_ms";

/// Creates a connector with its numbers. A writer job.
pub(super) async fn create(
    conn: &mut SqliteConnection,
    new: NewConnector,
) -> Result<ConnectorRow, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO connectors (name, plugin, config, secrets, webhook_secret, allow_ips, \
         enabled, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(&new.name)
    .bind(&new.plugin)
    .bind(&new.config)
    .bind(&new.secrets)
    .bind(&new.webhook_secret)
    .bind(allow_ips_json(&new.allow_ips))
    .bind(new.enabled)
    .bind(new.at_ms)
    .bind(new.at_ms)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Conflict(format!("a connector named `{}` exists", new.name)))?;
    set_numbers(conn, id, &new.numbers, new.at_ms).await?;
    one(conn, id).await
}

/// Replaces a connector's settings and number set. A writer job.
pub(super) async fn update(
    conn: &mut SqliteConnection,
    id: i64,
    new: NewConnector,
) -> Result<ConnectorRow, StoreError> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM connectors WHERE name = ? AND id <> ?")
            .bind(&new.name)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict(format!(
            "a connector named `{}` exists",
            new.name
        )));
    }
    let changed = sqlx::query(
        "UPDATE connectors SET name = ?, plugin = ?, config = ?, secrets = ?, webhook_secret = ?, \
         allow_ips = ?, enabled = ?, paused_reason = NULL, updated_ms = ? WHERE id = ?",
    )
    .bind(&new.name)
    .bind(&new.plugin)
    .bind(&new.config)
    .bind(&new.secrets)
    .bind(&new.webhook_secret)
    .bind(allow_ips_json(&new.allow_ips))
    .bind(new.enabled)
    .bind(new.at_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(StoreError::NotFound(format!("connector {id}")));
    }
    set_numbers(conn, id, &new.numbers, new.at_ms).await?;
    one(conn, id).await
}

/// Makes the connector's numbers exactly `numbers`: keeps the ones it has, adds the new ones,
/// removes the others (refused while a conversation uses one).
async fn set_numbers(
    conn: &mut SqliteConnection,
    id: i64,
    numbers: &[String],
    at_ms: i64,
) -> Result<(), StoreError> {
    let current: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, number FROM numbers WHERE connector_id = ?")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    for (number_id, number) in &current {
        if numbers.contains(number) {
            continue;
        }
        let used: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM conversations WHERE number_id = ?) \
             OR EXISTS (SELECT 1 FROM messages WHERE number_id = ?)",
        )
        .bind(number_id)
        .bind(number_id)
        .fetch_one(&mut *conn)
        .await?;
        if used {
            return Err(StoreError::Conflict(format!(
                "number {number} has conversations and cannot be removed; disable the connector instead"
            )));
        }
        sqlx::query("DELETE FROM numbers WHERE id = ?")
            .bind(number_id)
            .execute(&mut *conn)
            .await?;
    }
    for number in numbers {
        if current.iter().any(|(_, n)| n == number) {
            continue;
        }
        let inserted = sqlx::query(
            "INSERT INTO numbers (connector_id, number, created_ms) VALUES (?, ?, ?) \
             ON CONFLICT (number) DO NOTHING",
        )
        .bind(id)
        .bind(number)
        .bind(at_ms)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(StoreError::Conflict(format!(
                "number {number} belongs to another connector"
            )));
        }
    }
    Ok(())
}

/// Deletes a connector that never carried a message. A writer job.
pub(super) async fn delete(conn: &mut SqliteConnection, id: i64) -> Result<(), StoreError> {
    let used: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM messages WHERE connector_id = ?)")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    if used {
        return Err(StoreError::Conflict(
            "the connector has messages; disable it instead of deleting it".into(),
        ));
    }
    sqlx::query("DELETE FROM numbers WHERE connector_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let deleted = sqlx::query("DELETE FROM connectors WHERE id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("connector {id}")));
    }
    Ok(())
}

/// Pauses sending (`Some(reason)`) or resumes it. A writer job.
pub(super) async fn set_paused(
    conn: &mut SqliteConnection,
    id: i64,
    reason: Option<String>,
    at_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE connectors SET paused_reason = ?, updated_ms = ? WHERE id = ?")
        .bind(reason)
        .bind(at_ms)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Every connector with its numbers, by id.
pub(super) async fn all(pool: &SqlitePool) -> Result<Vec<ConnectorRow>, StoreError> {
    let mut conn = pool.acquire().await?;
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM connectors ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?;
    let mut connectors = rows.iter().map(row).collect::<Result<Vec<_>, _>>()?;
    let numbers: Vec<(i64, i64, String)> =
        sqlx::query_as("SELECT connector_id, id, number FROM numbers ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for (connector_id, id, number) in numbers {
        if let Some(c) = connectors.iter_mut().find(|c| c.id == connector_id) {
            c.numbers.push(NumberRow { id, number });
        }
    }
    Ok(connectors)
}

/// One connector, read inside a writer job.
async fn one(conn: &mut SqliteConnection, id: i64) -> Result<ConnectorRow, StoreError> {
    let found = sqlx::query(&format!("SELECT {COLUMNS} FROM connectors WHERE id = ?"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("connector {id}")))?;
    let mut connector = row(&found)?;
    let numbers: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, number FROM numbers WHERE connector_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    connector.numbers = numbers
        .into_iter()
        .map(|(id, number)| NumberRow { id, number })
        .collect();
    Ok(connector)
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
        numbers: Vec::new(),
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
    })
}

fn allow_ips_json(ips: &[String]) -> String {
    serde_json::to_string(ips).unwrap_or_else(|_| "[]".into())
}
