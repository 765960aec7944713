//! The plugin registry's statements: versions, the active version per plugin, rollback.

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row, SqlitePool};

use crate::store::{ActivePlugin, NewPluginVersion, PluginVersionRow, StoreError};

/// The columns of a [`PluginVersionRow`]; the size comes from the record header, not the blob.
macro_rules! version_columns {
    () => {
        "name, version, kind, sha256, description, config_schema, length(wasm) AS size, \
         installed_at_ms"
    };
}

/// The columns of an [`ActivePlugin`].
macro_rules! active_columns {
    () => {
        "name, version, previous, activated_at_ms"
    };
}

/// Inserts a version; see [`crate::store::Store::insert_plugin_version`]. A writer job.
pub(super) fn insert_version(
    conn: &Connection,
    new: NewPluginVersion,
) -> Result<PluginVersionRow, StoreError> {
    let inserted = conn
        .prepare_cached(concat!(
            "INSERT INTO plugin_versions \
             (name, version, kind, sha256, description, config_schema, installed_at_ms, wasm) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (name, version) DO NOTHING RETURNING ",
            version_columns!()
        ))?
        .query_row(
            params![
                new.name,
                new.version,
                new.kind,
                new.sha256,
                new.description,
                new.config_schema,
                new.installed_at_ms,
                new.wasm
            ],
            version_row,
        )
        .optional()?;
    if let Some(row) = inserted {
        return Ok(row);
    }
    // Already there: the same bytes are a retried upload, other bytes a conflict.
    let existing = conn
        .prepare_cached(concat!(
            "SELECT ",
            version_columns!(),
            " FROM plugin_versions WHERE name = ? AND version = ?"
        ))?
        .query_row(params![new.name, new.version], version_row)?;
    if existing.sha256 == new.sha256 {
        Ok(existing)
    } else {
        Err(StoreError::Conflict(format!(
            "plugin {} version {} is already installed with other content",
            new.name, new.version
        )))
    }
}

fn version_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<PluginVersionRow> {
    Ok(PluginVersionRow {
        name: row.get("name")?,
        version: row.get("version")?,
        kind: row.get("kind")?,
        sha256: row.get("sha256")?,
        description: row.get("description")?,
        config_schema: row.get("config_schema")?,
        size: row.get("size")?,
        installed_at_ms: row.get("installed_at_ms")?,
    })
}

fn active_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ActivePlugin> {
    Ok(ActivePlugin {
        name: row.get("name")?,
        version: row.get("version")?,
        previous: row.get("previous")?,
        activated_at_ms: row.get("activated_at_ms")?,
    })
}

/// Every version without bytes, by name then install time.
pub(super) async fn versions(pool: &SqlitePool) -> Result<Vec<PluginVersionRow>, StoreError> {
    let rows = sqlx::query_as(concat!(
        "SELECT ",
        version_columns!(),
        " FROM plugin_versions ORDER BY name, installed_at_ms, version"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The bytes of one version.
pub(super) async fn wasm(
    pool: &SqlitePool,
    name: &str,
    version: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let wasm =
        sqlx::query_scalar("SELECT wasm FROM plugin_versions WHERE name = ? AND version = ?")
            .bind(name)
            .bind(version)
            .fetch_optional(pool)
            .await?;
    Ok(wasm)
}

/// Activates a version; see [`crate::store::Store::activate_plugin_version`]. A writer job.
pub(super) fn activate(
    conn: &Connection,
    name: String,
    version: String,
    at_ms: i64,
) -> Result<ActivePlugin, StoreError> {
    // Unqualified columns on the right are the row as it was: all are read before any is set.
    let active = conn
        .prepare_cached(concat!(
            "INSERT INTO active_plugins (name, version, previous, activated_at_ms) \
             VALUES (?1, ?2, NULL, ?3) \
             ON CONFLICT (name) DO UPDATE SET \
               previous = CASE WHEN version = excluded.version THEN previous ELSE version END, \
               activated_at_ms = CASE WHEN version = excluded.version \
                 THEN activated_at_ms ELSE excluded.activated_at_ms END, \
               version = excluded.version \
             RETURNING ",
            active_columns!()
        ))?
        .query_row(params![name, version, at_ms], active_row)?;
    Ok(active)
}

/// Swaps the active and previous versions; see [`crate::store::Store::rollback_plugin`].
/// A writer job.
pub(super) fn rollback(
    conn: &Connection,
    name: String,
    at_ms: i64,
) -> Result<ActivePlugin, StoreError> {
    let swapped = conn
        .prepare_cached(concat!(
            "UPDATE active_plugins SET version = previous, previous = version, activated_at_ms = ? \
             WHERE name = ? AND previous IS NOT NULL RETURNING ",
            active_columns!()
        ))?
        .query_row(params![at_ms, name], active_row)
        .optional()?;
    if let Some(active) = swapped {
        return Ok(active);
    }
    let active = conn
        .prepare_cached("SELECT 1 FROM active_plugins WHERE name = ?")?
        .exists(params![name])?;
    if active {
        Err(StoreError::Conflict("no previous version".into()))
    } else {
        Err(StoreError::NotFound(format!(
            "plugin {name} has no active version"
        )))
    }
}

/// Every active plugin, by name.
pub(super) async fn active(pool: &SqlitePool) -> Result<Vec<ActivePlugin>, StoreError> {
    let rows = sqlx::query_as(concat!(
        "SELECT ",
        active_columns!(),
        " FROM active_plugins ORDER BY name"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

impl FromRow<'_, SqliteRow> for PluginVersionRow {
    fn from_row(row: &SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            name: row.try_get("name")?,
            version: row.try_get("version")?,
            kind: row.try_get("kind")?,
            sha256: row.try_get("sha256")?,
            description: row.try_get("description")?,
            config_schema: row.try_get("config_schema")?,
            size: row.try_get("size")?,
            installed_at_ms: row.try_get("installed_at_ms")?,
        })
    }
}

impl FromRow<'_, SqliteRow> for ActivePlugin {
    fn from_row(row: &SqliteRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            name: row.try_get("name")?,
            version: row.try_get("version")?,
            previous: row.try_get("previous")?,
            activated_at_ms: row.try_get("activated_at_ms")?,
        })
    }
}
