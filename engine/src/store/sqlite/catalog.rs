//! Templates, the blacklist and API tokens.

use rusqlite::{Connection, params};
use sqlx::SqlitePool;

use crate::store::{ApiTokenRow, BlacklistRow, NewTemplate, StoreError, TemplateRow};

type TemplateTuple = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    String,
    Option<String>,
    i64,
);

const TEMPLATE_COLUMNS: &str = "id, connector_id, code, language, body, provider_name, namespace, \
    params, status, reason, updated_ms";

fn template(t: TemplateTuple) -> TemplateRow {
    let (
        id,
        connector_id,
        code,
        language,
        body,
        provider_name,
        namespace,
        params,
        status,
        reason,
        updated_ms,
    ) = t;
    TemplateRow {
        id,
        connector_id,
        code,
        language,
        body,
        provider_name,
        namespace,
        params,
        status,
        reason,
        updated_ms,
    }
}

/// Creates or replaces a template by (connector, code, language); returns its id. A writer
/// job.
pub(super) fn upsert_template(conn: &Connection, new: NewTemplate) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO templates (connector_id, code, language, body, provider_name, namespace, \
             params, status, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (connector_id, code, language) DO UPDATE SET body = excluded.body, \
             provider_name = excluded.provider_name, namespace = excluded.namespace, \
             params = excluded.params, status = excluded.status, reason = NULL, \
             updated_ms = excluded.updated_ms RETURNING id",
        )?
        .query_row(
            params![
                new.connector_id,
                new.code,
                new.language,
                new.body,
                new.provider_name,
                new.namespace,
                new.params,
                new.status,
                new.at_ms,
                new.at_ms
            ],
            |r| r.get(0),
        )?)
}

/// One template.
pub(super) async fn template_by_id(pool: &SqlitePool, id: i64) -> Result<TemplateRow, StoreError> {
    let row: TemplateTuple = sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM templates WHERE id = ?"
    ))
    .bind(id)
    .fetch_one(pool)
    .await?;
    Ok(template(row))
}

/// Deletes a template. A writer job.
pub(super) fn delete_template(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let gone = conn
        .prepare_cached("DELETE FROM templates WHERE id = ?")?
        .execute(params![id])?;
    if gone == 0 {
        return Err(StoreError::NotFound(format!("template {id}")));
    }
    Ok(())
}

/// Templates, of one connector or all.
pub(super) async fn templates(
    pool: &SqlitePool,
    connector_id: Option<i64>,
) -> Result<Vec<TemplateRow>, StoreError> {
    let rows: Vec<TemplateTuple> = sqlx::query_as(&format!(
        "SELECT {TEMPLATE_COLUMNS} FROM templates WHERE ? IS NULL OR connector_id = ? \
         ORDER BY connector_id, code, language"
    ))
    .bind(connector_id)
    .bind(connector_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(template).collect())
}

/// Adds an entry (an existing one is kept). A writer job.
pub(super) fn add_blacklist(
    conn: &Connection,
    address: String,
    direction: String,
    campaign_id: Option<i64>,
    reason: String,
    at_ms: i64,
) -> Result<i64, StoreError> {
    let scope = campaign_id.map_or_else(String::new, |c| format!("campaign:{c}"));
    // The no-op update makes RETURNING name the existing entry too.
    Ok(conn
        .prepare_cached(
            "INSERT INTO blacklist (address, direction, scope, reason, created_ms) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (address, direction, scope) DO UPDATE SET address = excluded.address RETURNING id",
        )?
        .query_row(params![address, direction, scope, reason, at_ms], |r| r.get(0))?)
}

/// Removes an entry. A writer job.
pub(super) fn remove_blacklist(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let gone = conn
        .prepare_cached("DELETE FROM blacklist WHERE id = ?")?
        .execute(params![id])?;
    if gone == 0 {
        return Err(StoreError::NotFound(format!("blacklist entry {id}")));
    }
    Ok(())
}

/// Every entry, by address.
pub(super) async fn blacklist(pool: &SqlitePool) -> Result<Vec<BlacklistRow>, StoreError> {
    select_blacklist(pool, None).await
}

/// One entry.
pub(super) async fn blacklist_entry(
    pool: &SqlitePool,
    id: i64,
) -> Result<BlacklistRow, StoreError> {
    select_blacklist(pool, Some(id))
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("blacklist entry {id}")))
}

async fn select_blacklist(
    pool: &SqlitePool,
    id: Option<i64>,
) -> Result<Vec<BlacklistRow>, StoreError> {
    let rows: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, address, direction, reason, scope, created_ms FROM blacklist \
         WHERE (?1 IS NULL OR id = ?1) ORDER BY address, direction, scope",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, address, direction, reason, scope, created_ms)| BlacklistRow {
                id,
                address,
                direction,
                reason,
                campaign_id: scope.strip_prefix("campaign:").and_then(|c| c.parse().ok()),
                created_ms,
            },
        )
        .collect())
}

/// Why `addresses` may not be written to, if one is blacklisted for outbound.
pub(super) async fn outbound_block(
    pool: &SqlitePool,
    addresses: &[String],
    number_id: i64,
) -> Result<Option<String>, StoreError> {
    for address in addresses {
        // Opt-outs always apply; the manual global list unless the number's campaign switched
        // its outgoing blacklist off; the campaign's own entries always.
        let reason: Option<String> = sqlx::query_scalar(
            "SELECT reason FROM blacklist WHERE address = ?1 AND direction IN ('out', 'both') \
             AND (reason = 'opt-out' \
               OR (scope = '' AND COALESCE((SELECT c.outgoing_blacklist FROM numbers n \
                   JOIN campaigns c ON c.id = n.campaign_id WHERE n.id = ?2), 1) = 1) \
               OR scope = 'campaign:' || (SELECT campaign_id FROM numbers WHERE id = ?2)) \
             ORDER BY reason = 'opt-out' DESC LIMIT 1",
        )
        .bind(address)
        .bind(number_id)
        .fetch_optional(pool)
        .await?;
        if reason.is_some() {
            return Ok(reason);
        }
    }
    Ok(None)
}

/// Stores a token hash bound to `user_id`; returns its id. A writer job.
pub(super) fn create_token(
    conn: &Connection,
    name: String,
    hash: String,
    user_id: i64,
    at_ms: i64,
) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO api_tokens (name, hash, user_id, created_ms) VALUES (?, ?, ?, ?) \
             RETURNING id",
        )?
        .query_row(params![name, hash, user_id, at_ms], |r| r.get(0))?)
}

/// Revokes a token. A writer job.
pub(super) fn revoke_token(conn: &Connection, id: i64, at_ms: i64) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached("UPDATE api_tokens SET revoked_ms = coalesce(revoked_ms, ?) WHERE id = ?")?
        .execute(params![at_ms, id])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("API token {id}")));
    }
    Ok(())
}

type TokenTuple = (i64, String, Option<i64>, Option<String>, i64, Option<i64>);

fn token((id, name, user_id, username, created_ms, revoked_ms): TokenTuple) -> ApiTokenRow {
    ApiTokenRow {
        id,
        name,
        user_id,
        username,
        created_ms,
        revoked_ms,
    }
}

/// Tokens, without secrets: all (`id` `None`) or one.
pub(super) async fn tokens(
    pool: &SqlitePool,
    id: Option<i64>,
) -> Result<Vec<ApiTokenRow>, StoreError> {
    let rows: Vec<TokenTuple> = sqlx::query_as(
        "SELECT t.id, t.name, t.user_id, u.username, t.created_ms, t.revoked_ms \
         FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id \
         WHERE ?1 IS NULL OR t.id = ?1 ORDER BY t.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(token).collect())
}
