//! Users: accounts, roles, password hashes, and the admin every install starts with.

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use crate::store::{NewUser, Role, StoreError, UserChange, UserRow};

/// The user columns, qualified so joins can use them; [`from_row`] reads them by name.
pub(super) const COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.password_hash, \
    u.max_concurrent, u.campaign_scope, u.disabled_ms, u.created_ms, u.updated_ms, u.language";

/// The user of a row selected with [`COLUMNS`].
pub(super) fn from_row(row: &SqliteRow) -> Result<UserRow, sqlx::Error> {
    let decode = |column: &str, error: String| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: error.into(),
    };
    let role: String = row.try_get("role")?;
    let scope: Option<String> = row.try_get("campaign_scope")?;
    Ok(UserRow {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| decode("role", format!("unknown role {role}")))?,
        password_hash: row.try_get("password_hash")?,
        max_concurrent: row.try_get("max_concurrent")?,
        campaign_scope: scope
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| decode("campaign_scope", e.to_string()))?,
        disabled_ms: row.try_get("disabled_ms")?,
        created_ms: row.try_get("created_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        language: row.try_get("language")?,
    })
}

fn scope_json(scope: Option<&Vec<i64>>) -> Option<String> {
    scope.map(|ids| serde_json::Value::from(ids.clone()).to_string())
}

/// Creates a user; returns the id. A writer job.
pub(super) fn create(conn: &Connection, new: NewUser) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO users (username, display_name, role, password_hash, max_concurrent, \
         campaign_scope, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (username) DO NOTHING RETURNING id",
    )?
    .query_row(
        params![
            new.username,
            new.display_name,
            new.role.as_str(),
            new.password_hash,
            new.max_concurrent,
            scope_json(new.campaign_scope.as_ref()),
            new.at_ms,
            new.at_ms
        ],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::Conflict(format!("a user named `{}` exists", new.username)))
}

/// Applies `change`; disabling ends the user's sessions. Refuses to leave no enabled admin.
/// A writer job.
pub(super) fn update(
    conn: &Connection,
    id: i64,
    change: UserChange,
    at_ms: i64,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached(
            "UPDATE users SET display_name = coalesce(?1, display_name), \
             role = coalesce(?2, role), max_concurrent = coalesce(?3, max_concurrent), \
             campaign_scope = CASE WHEN ?4 THEN ?5 ELSE campaign_scope END, \
             disabled_ms = CASE WHEN ?6 IS NULL THEN disabled_ms \
                                WHEN ?6 THEN coalesce(disabled_ms, ?7) ELSE NULL END, \
             language = coalesce(?9, language), updated_ms = ?7 WHERE id = ?8",
        )?
        .execute(params![
            change.display_name,
            change.role.map(Role::as_str),
            change.max_concurrent,
            change.campaign_scope.is_some(),
            scope_json(change.campaign_scope.as_ref().and_then(Option::as_ref)),
            change.disabled,
            at_ms,
            id,
            change.language
        ])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {id}")));
    }
    let admins: i64 = conn
        .prepare_cached("SELECT count(*) FROM users WHERE role = 'admin' AND disabled_ms IS NULL")?
        .query_row([], |r| r.get(0))?;
    if admins == 0 {
        return Err(StoreError::Conflict(
            "that would leave no enabled admin".into(),
        ));
    }
    if change.disabled == Some(true) {
        super::sessions::end_all(conn, id, None)?;
    }
    Ok(())
}

/// Replaces a user's password hash. A writer job.
pub(super) fn set_password_hash(
    conn: &Connection,
    id: i64,
    hash: String,
    at_ms: i64,
) -> Result<(), StoreError> {
    let changed = conn
        .prepare_cached("UPDATE users SET password_hash = ?, updated_ms = ? WHERE id = ?")?
        .execute(params![hash, at_ms, id])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("user {id}")));
    }
    Ok(())
}

/// The admin user's id, creating user `admin` if there is no admin; binds the admin token's
/// hash to it unless that hash is stored already. A writer job.
pub(super) fn ensure_admin(
    conn: &Connection,
    token_hash: Option<String>,
    at_ms: i64,
) -> Result<i64, StoreError> {
    let existing: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM users WHERE role = 'admin' \
             ORDER BY username = 'admin' DESC, disabled_ms IS NOT NULL, id LIMIT 1",
        )?
        .query_row([], |r| r.get(0))
        .optional()?;
    let id = match existing {
        Some(id) => id,
        None => create(
            conn,
            NewUser {
                username: "admin".into(),
                display_name: "Administrator".into(),
                role: Role::Admin,
                password_hash: None,
                max_concurrent: 5,
                campaign_scope: None,
                at_ms,
            },
        )
        .map_err(|error| match error {
            StoreError::Conflict(_) => StoreError::Conflict(
                "there is no admin user and the name `admin` belongs to a user of another role"
                    .into(),
            ),
            other => other,
        })?,
    };
    if let Some(hash) = token_hash {
        conn.prepare_cached(
            "INSERT INTO api_tokens (name, hash, user_id, created_ms) VALUES ('admin token', ?, ?, ?) \
             ON CONFLICT (hash) DO NOTHING",
        )?
        .execute(params![hash, id, at_ms])?;
    }
    Ok(id)
}

async fn select(
    pool: &SqlitePool,
    filter: &str,
    bind: Option<&str>,
) -> Result<Vec<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users u {filter}");
    let mut query = sqlx::query(&sql);
    if let Some(value) = bind {
        query = query.bind(value);
    }
    let rows = query.fetch_all(pool).await?;
    Ok(rows.iter().map(from_row).collect::<Result<_, _>>()?)
}

/// One user.
pub(super) async fn one(pool: &SqlitePool, id: i64) -> Result<Option<UserRow>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users u WHERE u.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.as_ref().map(from_row).transpose()?)
}

/// One user that must exist (read back after a write).
pub(super) async fn by_id(pool: &SqlitePool, id: i64) -> Result<UserRow, StoreError> {
    one(pool, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {id}")))
}

/// The user with this name, in any case (the column's collation is NOCASE).
pub(super) async fn by_name(
    pool: &SqlitePool,
    username: &str,
) -> Result<Option<UserRow>, StoreError> {
    Ok(select(pool, "WHERE u.username = ?", Some(username))
        .await?
        .pop())
}

/// Every user, by id.
pub(super) async fn all(pool: &SqlitePool) -> Result<Vec<UserRow>, StoreError> {
    select(pool, "ORDER BY u.id", None).await
}

/// The user of a live API token.
pub(super) async fn by_token(pool: &SqlitePool, hash: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(select(
        pool,
        "JOIN api_tokens t ON t.user_id = u.id WHERE t.hash = ? AND t.revoked_ms IS NULL",
        Some(hash),
    )
    .await?
    .pop())
}
