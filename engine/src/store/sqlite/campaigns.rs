//! Campaigns with their numbers and members, and the named breaks.

use rusqlite::{Connection, OptionalExtension, params};
use sqlx::{Row, SqlitePool};

use crate::store::{BreakRow, CampaignRow, MemberRow, NewCampaign, StoreError};

/// Creates a campaign. A writer job; returns its id.
pub(super) fn create(conn: &Connection, new: NewCampaign) -> Result<i64, StoreError> {
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO campaigns (name, enabled, incoming_blacklist, outgoing_blacklist, \
             settings, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (name) DO NOTHING RETURNING id",
        )?
        .query_row(
            params![
                new.name,
                new.enabled,
                new.incoming_blacklist,
                new.outgoing_blacklist,
                new.settings,
                new.at_ms,
                new.at_ms
            ],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::Conflict(format!("a campaign named `{}` exists", new.name)))?;
    set_numbers_and_members(conn, id, &new)?;
    Ok(id)
}

/// Replaces a campaign. A writer job.
pub(super) fn update(conn: &Connection, id: i64, new: NewCampaign) -> Result<(), StoreError> {
    let taken = conn
        .prepare_cached("SELECT 1 FROM campaigns WHERE name = ? AND id <> ?")?
        .exists(params![new.name, id])?;
    if taken {
        return Err(StoreError::Conflict(format!(
            "a campaign named `{}` exists",
            new.name
        )));
    }
    let changed = conn
        .prepare_cached(
            "UPDATE campaigns SET name = ?, enabled = ?, incoming_blacklist = ?, \
             outgoing_blacklist = ?, settings = ?, updated_ms = ? WHERE id = ?",
        )?
        .execute(params![
            new.name,
            new.enabled,
            new.incoming_blacklist,
            new.outgoing_blacklist,
            new.settings,
            new.at_ms,
            id
        ])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("campaign {id}")));
    }
    set_numbers_and_members(conn, id, &new)
}

/// Deletes a campaign that never had a conversation. A writer job.
pub(super) fn delete(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let used = conn
        .prepare_cached("SELECT 1 FROM conversations WHERE campaign_id = ? LIMIT 1")?
        .exists(params![id])?;
    if used {
        return Err(StoreError::Conflict(format!(
            "campaign {id} has conversations; disable it instead"
        )));
    }
    conn.prepare_cached("UPDATE numbers SET campaign_id = NULL WHERE campaign_id = ?")?
        .execute(params![id])?;
    let deleted = conn
        .prepare_cached("DELETE FROM campaigns WHERE id = ?")?
        .execute(params![id])?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("campaign {id}")));
    }
    Ok(())
}

fn set_numbers_and_members(
    conn: &Connection,
    id: i64,
    new: &NewCampaign,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE numbers SET campaign_id = NULL WHERE campaign_id = ?")?
        .execute(params![id])?;
    for number in &new.numbers {
        let owner: Option<Option<i64>> = conn
            .prepare_cached("SELECT campaign_id FROM numbers WHERE number = ?")?
            .query_row(params![number], |r| r.get(0))
            .optional()?;
        match owner {
            None => {
                return Err(StoreError::NotFound(format!(
                    "number {number} is not on any connector"
                )));
            }
            Some(Some(other)) if other != id => {
                return Err(StoreError::Conflict(format!(
                    "number {number} already answers into campaign {other}"
                )));
            }
            Some(_) => {}
        }
        conn.prepare_cached("UPDATE numbers SET campaign_id = ? WHERE number = ?")?
            .execute(params![id, number])?;
    }
    conn.prepare_cached("DELETE FROM campaign_members WHERE campaign_id = ?")?
        .execute(params![id])?;
    for member in &new.members {
        let exists = conn
            .prepare_cached("SELECT 1 FROM users WHERE id = ?")?
            .exists(params![member.user_id])?;
        if !exists {
            return Err(StoreError::NotFound(format!("user {}", member.user_id)));
        }
        let skills = serde_json::to_string(&member.skills).unwrap_or_else(|_| "[]".into());
        conn.prepare_cached(
            "INSERT INTO campaign_members (campaign_id, user_id, penalty, skills) VALUES (?, ?, ?, ?) \
             ON CONFLICT (campaign_id, user_id) DO UPDATE SET penalty = excluded.penalty, \
             skills = excluded.skills",
        )?
        .execute(params![id, member.user_id, member.penalty, skills])?;
    }
    Ok(())
}

/// Every campaign (or one), with numbers and members.
pub(super) async fn list(
    pool: &SqlitePool,
    only: Option<i64>,
) -> Result<Vec<CampaignRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, name, enabled, incoming_blacklist, outgoing_blacklist, settings, created_ms, \
         updated_ms FROM campaigns WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
    )
    .bind(only)
    .fetch_all(pool)
    .await?;
    let numbers = sqlx::query(
        "SELECT campaign_id, number FROM numbers WHERE campaign_id IS NOT NULL \
         AND (?1 IS NULL OR campaign_id = ?1) ORDER BY number",
    )
    .bind(only)
    .fetch_all(pool)
    .await?;
    let members = sqlx::query(
        "SELECT campaign_id, user_id, penalty, skills FROM campaign_members \
         WHERE ?1 IS NULL OR campaign_id = ?1 ORDER BY user_id",
    )
    .bind(only)
    .fetch_all(pool)
    .await?;
    let mut campaigns = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let mut campaign_numbers = Vec::new();
        for n in &numbers {
            if n.try_get::<i64, _>("campaign_id")? == id {
                campaign_numbers.push(n.try_get("number")?);
            }
        }
        let mut campaign_members = Vec::new();
        for m in &members {
            if m.try_get::<i64, _>("campaign_id")? == id {
                let skills: String = m.try_get("skills")?;
                campaign_members.push(MemberRow {
                    user_id: m.try_get("user_id")?,
                    penalty: m.try_get("penalty")?,
                    skills: serde_json::from_str(&skills).unwrap_or_default(),
                });
            }
        }
        campaigns.push(CampaignRow {
            id,
            name: row.try_get("name")?,
            enabled: row.try_get("enabled")?,
            incoming_blacklist: row.try_get("incoming_blacklist")?,
            outgoing_blacklist: row.try_get("outgoing_blacklist")?,
            settings: row.try_get("settings")?,
            numbers: campaign_numbers,
            members: campaign_members,
            created_ms: row.try_get("created_ms")?,
            updated_ms: row.try_get("updated_ms")?,
        });
    }
    Ok(campaigns)
}

/// Adds a named break. A writer job.
pub(super) fn add_break(conn: &Connection, name: &str, at_ms: i64) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO breaks (name, created_ms) VALUES (?, ?) ON CONFLICT (name) DO NOTHING \
         RETURNING id",
    )?
    .query_row(params![name, at_ms], |r| r.get(0))
    .optional()?
    .ok_or_else(|| StoreError::Conflict(format!("a break named `{name}` exists")))
}

/// Removes a named break. A writer job.
pub(super) fn remove_break(conn: &Connection, id: i64) -> Result<(), StoreError> {
    let deleted = conn
        .prepare_cached("DELETE FROM breaks WHERE id = ?")?
        .execute(params![id])?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("break {id}")));
    }
    Ok(())
}

/// The named breaks.
pub(super) async fn breaks(pool: &SqlitePool) -> Result<Vec<BreakRow>, StoreError> {
    let rows = sqlx::query("SELECT id, name, created_ms FROM breaks ORDER BY name")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(BreakRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                created_ms: r.try_get("created_ms")?,
            })
        })
        .collect()
}

/// Each business number's campaign.
pub(super) async fn number_campaigns(
    pool: &SqlitePool,
) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
    let rows = sqlx::query("SELECT id, campaign_id FROM numbers ORDER BY id")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("campaign_id")?)))
        .collect()
}

/// What the service level of a campaign's conversations queued in `[from_ms, to_ms)` is made
/// of: `(queued, first agent reply, abandoned at)`.
pub(super) async fn service_level_samples(
    pool: &SqlitePool,
    campaign_id: i64,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT queued_ms, first_reply_ms, CASE WHEN state = 'abandoned' THEN closed_ms END \
         FROM conversations WHERE campaign_id = ? AND queued_ms >= ? AND queued_ms < ?",
    )
    .bind(campaign_id)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(pool)
    .await?)
}
