//! `messages.search_text`: what a conversation search matches in each message (its words,
//! folded; see [`crate::conversations::search`]). The writer fills it with every message it
//! inserts; rows from before the column existed are filled once, at open.

use sqlx::{Connection, Row, SqliteConnection};

use crate::conversations::Content;
use crate::conversations::search::search_text;
use crate::store::StoreError;

/// Rows filled per transaction at open: short transactions, so a large backlog does not hold
/// one huge one.
const BACKFILL_BATCH: i64 = 500;

/// The next rows to fill, oldest first.
const PENDING: &str =
    "SELECT id, content FROM messages WHERE search_text IS NULL ORDER BY id LIMIT ?";

/// The search text of stored content JSON (empty for content with no words, or unreadable).
pub(super) fn of_json(content: &str) -> String {
    search_text(&Content::from_json(content))
}

/// Fills `search_text` where it is missing: messages stored by a release before the column.
/// A partial index holds exactly those rows, so once they are filled this costs one empty read.
/// Each row gets a value (possibly empty), so the loop ends; a crash midway leaves the rest
/// for the next open.
pub(super) async fn backfill(conn: &mut SqliteConnection) -> Result<u64, StoreError> {
    let mut filled = 0;
    loop {
        let rows = sqlx::query(PENDING)
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut *conn)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = conn.begin().await?;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let content: String = row.try_get("content")?;
            sqlx::query("UPDATE messages SET search_text = ? WHERE id = ?")
                .bind(of_json(&content))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sqlx::{ConnectOptions, Connection, Row};

    use super::{BACKFILL_BATCH, PENDING};
    use crate::store::messaging_tests::with_connector;
    use crate::store::test_dir::TestDir;
    use crate::store::{ContactKey, ConversationFilter, NewOutbound, Store, StoreError};

    const TEXTS: [&str; 3] = [
        r#"{"type":"text","text":"Mi teléfono en ESPAÑA"}"#,
        r#"{"type":"text","text":"Factura 100% mal"}"#,
        r#"{"type":"media","locator":"media:ab","mime_type":"image/jpeg"}"#,
    ];

    /// A store with one conversation per entry of [`TEXTS`] (a contact each), ids in order.
    async fn with_conversations(dir: &TestDir) -> Result<(Arc<dyn Store>, Vec<i64>), StoreError> {
        let (store, connector, number, _) = with_connector(dir).await?;
        let mut conversations = Vec::new();
        for (i, content) in TEXTS.iter().enumerate() {
            let key = ContactKey {
                number: Some(format!("+549116666100{i}")),
                ..ContactKey::default()
            };
            let contact_id = store.ensure_contact(key, 1).await?;
            let (_, conversation) = store
                .enqueue_outbound(NewOutbound {
                    connector_id: connector,
                    number_id: number,
                    contact_id,
                    conversation_id: None,
                    origin: "api".into(),
                    kind: "text".into(),
                    content: (*content).into(),
                    sms: None,
                    at_ms: 10,
                })
                .await?;
            conversations.push(conversation);
        }
        Ok((store, conversations))
    }

    async fn found(store: &dyn Store, text: &str) -> Result<Vec<i64>, StoreError> {
        let mut ids: Vec<i64> = store
            .conversations(ConversationFilter {
                limit: 10,
                text: Some(text.into()),
                ..ConversationFilter::default()
            })
            .await?
            .iter()
            .map(|c| c.id)
            .collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// What the search must find (and not find) in the conversations of [`TEXTS`].
    async fn assert_searchable(store: &dyn Store, ids: &[i64]) -> Result<(), StoreError> {
        assert_eq!(
            found(store, "espana").await?,
            [ids[0]],
            "accents and case fold"
        );
        assert_eq!(found(store, "TELÉFONO").await?, [ids[0]]);
        assert_eq!(found(store, "100%").await?, [ids[1]], "% is literal");
        assert_eq!(found(store, "100_").await?, [0_i64; 0], "_ is literal");
        for key in ["text", "type", "image", "locator"] {
            assert_eq!(
                found(store, key).await?,
                [0_i64; 0],
                "JSON keys never match: {key}"
            );
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_search_matches_what_messages_say_in_any_case_and_accent() -> Result<(), StoreError> {
        let dir = TestDir::new();
        let (store, ids) = with_conversations(&dir).await?;
        assert_searchable(store.as_ref(), &ids).await?;
        store.close().await;
        Ok(())
    }

    /// Messages stored before the column (NULL there) are filled at the next open.
    #[tokio::test]
    async fn messages_of_an_earlier_release_are_filled_at_open() -> Result<(), StoreError> {
        let dir = TestDir::new();
        let (store, ids) = with_conversations(&dir).await?;
        store.close().await;
        drop(store);
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join(crate::store::SQLITE_FILE))
            .connect()
            .await?;
        sqlx::query("UPDATE messages SET search_text = NULL")
            .execute(&mut conn)
            .await?;
        // The check at each open reads the partial index of unfilled rows, not the table.
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {PENDING}"))
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut conn)
            .await?
            .iter()
            .map(|step| step.try_get("detail"))
            .collect::<Result<_, _>>()?;
        assert!(
            plan.iter()
                .any(|step| step.contains("messages_search_pending")),
            "{plan:?}"
        );
        conn.close().await?;

        let reopened = crate::store::open(dir.path()).await?;
        assert_searchable(reopened.as_ref(), &ids).await?;
        reopened.close().await;
        Ok(())
    }
}
