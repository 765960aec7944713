//! The SQLite backend: one file, embedded, nothing to install.
//!
//! Two ways in: a small pool of read-only connections for reads, and the [`writer`] thread, which
//! owns the only connection that writes. The database is in WAL mode, so readers never block the
//! writer nor each other, and each read sees the last commit. A write method here is one line:
//! `self.write(move |conn| statements(conn, args))`, with the statements in the file of
//! the feature they belong to.

mod admin_token;
mod audit;
mod campaigns;
mod catalog;
mod checkpoint;
mod connectors;
mod dialer;
mod feed;
mod history;
mod intake;
mod media;
mod migrate;
mod outbox;
mod plugins;
mod routing;
mod search_text;
mod sessions;
#[cfg(test)]
mod tests;
mod users;
mod workspace;
mod writer;

use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqlitePool};

use super::*;
use writer::Writer;

/// How long a statement waits for a lock held by another process (a backup, the CLI) before
/// failing with `SQLITE_BUSY`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections. Reads are short; a few let requests read side by side without crowding a
/// two-core machine.
const READERS: u32 = 4;

/// The store on one SQLite file.
pub(super) struct SqliteStore {
    readers: SqlitePool,
    writer: Writer,
    /// Taken (stopping the thread) on close, after the writer's last commit.
    checkpointer: std::sync::Mutex<Option<checkpoint::Checkpointer>>,
}

impl SqliteStore {
    /// A dialer just written, read back.
    async fn dialer_after_write(&self, id: i64) -> Result<DialerRow, StoreError> {
        dialer::list(&self.readers, Some(id))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("dialer {id}")))
    }

    /// Opens (creating if missing) the database at `path`, migrates it, and starts the writer.
    pub(super) async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        // WAL is a property of the file, set once by the writer; readers inherit it. FULL syncs
        // the WAL at every commit, so a write answered `Ok` survives a power cut.
        // Small pages: a webhook dirties a handful of pages at random (indexes, contact, window,
        // conversation), and every dirtied page is written whole to the WAL and again at the
        // checkpoint. 1 KiB pages cut that I/O about fourfold against the 4 KiB default. Takes
        // effect when the file is created.
        let mut conn = options
            .clone()
            .page_size(1024)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .connect()
            .await?;
        migrate::run(&mut conn).await?;
        search_text::backfill(&mut conn).await?;
        conn.close().await?;
        let writer = Writer::start(open_writer(path)?)
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer thread: {e}")))?;
        // Read-only, so a write slipped into a read path fails loudly instead of racing the
        // writer.
        let readers = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options.read_only(true))
            .await;
        let readers = match readers {
            Ok(readers) => readers,
            Err(error) => {
                writer.close().await;
                return Err(error.into());
            }
        };
        let checkpointer = match checkpoint::Checkpointer::start(path) {
            Ok(checkpointer) => checkpointer,
            Err(error) => {
                writer.close().await;
                return Err(error);
            }
        };
        Ok(Self {
            readers,
            writer,
            checkpointer: std::sync::Mutex::new(Some(checkpointer)),
        })
    }

    /// Runs `work` as one job of the writer; see [`Writer::write`].
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, StoreError> + Send + 'static,
    {
        self.writer.write(work).await
    }
}

/// The writer's connection: WAL (set by the migration connection already, and kept by the
/// file), `synchronous=FULL` so a commit survives power loss, foreign keys on, and room in the
/// prepared-statement cache for every statement the jobs use.
fn open_writer(path: &Path) -> Result<rusqlite::Connection, StoreError> {
    let conn = rusqlite::Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // No automatic checkpoint: it would run inside a commit, on this thread (see checkpoint.rs).
    // After a restart of the WAL its file is cut back to 64 MiB, so a burst does not keep the
    // disk it took.
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
         PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;",
    )?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(conn)
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn insert_plugin_version(
        &self,
        version: NewPluginVersion,
    ) -> Result<PluginVersionRow, StoreError> {
        self.write(move |conn| plugins::insert_version(conn, version))
            .await
    }

    async fn plugin_versions(&self) -> Result<Vec<PluginVersionRow>, StoreError> {
        plugins::versions(&self.readers).await
    }

    async fn plugin_wasm(&self, name: &str, version: &str) -> Result<Option<Vec<u8>>, StoreError> {
        plugins::wasm(&self.readers, name, version).await
    }

    async fn activate_plugin_version(
        &self,
        name: &str,
        version: &str,
        at_ms: i64,
    ) -> Result<ActivePlugin, StoreError> {
        let (name, version) = (name.to_owned(), version.to_owned());
        self.write(move |conn| plugins::activate(conn, name, version, at_ms))
            .await
    }

    async fn rollback_plugin(&self, name: &str, at_ms: i64) -> Result<ActivePlugin, StoreError> {
        let name = name.to_owned();
        self.write(move |conn| plugins::rollback(conn, name, at_ms))
            .await
    }

    async fn active_plugins(&self) -> Result<Vec<ActivePlugin>, StoreError> {
        plugins::active(&self.readers).await
    }

    async fn admin_token_hash(&self) -> Result<Option<String>, StoreError> {
        admin_token::hash(&self.readers).await
    }

    async fn create_admin_token_hash(&self, hash: &str, at_ms: i64) -> Result<bool, StoreError> {
        let hash = hash.to_owned();
        self.write(move |conn| admin_token::create(conn, hash, at_ms))
            .await
    }

    async fn create_connector(&self, new: NewConnector) -> Result<ConnectorRow, StoreError> {
        let id = self
            .write(move |conn| connectors::create(conn, new))
            .await?;
        connectors::by_id(&self.readers, id).await
    }

    async fn update_connector(
        &self,
        id: i64,
        new: NewConnector,
    ) -> Result<ConnectorRow, StoreError> {
        self.write(move |conn| connectors::update(conn, id, new))
            .await?;
        connectors::by_id(&self.readers, id).await
    }

    async fn delete_connector(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| connectors::delete(conn, id)).await
    }

    async fn set_connector_paused(
        &self,
        id: i64,
        reason: Option<String>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| connectors::set_paused(conn, id, reason, at_ms))
            .await
    }

    async fn connectors(&self) -> Result<Vec<ConnectorRow>, StoreError> {
        connectors::all(&self.readers).await
    }

    async fn record_intake(&self, batch: IntakeBatch) -> Result<Vec<IntakeOutcome>, StoreError> {
        self.write(move |conn| intake::record(conn, batch)).await
    }

    async fn enqueue_outbound(&self, new: NewOutbound) -> Result<(i64, i64), StoreError> {
        self.write(move |conn| outbox::enqueue(conn, new)).await
    }

    async fn claim_outbound(
        &self,
        connector_id: i64,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutboundJob>, StoreError> {
        self.write(move |conn| outbox::claim(conn, connector_id, now_ms, limit))
            .await
    }

    async fn record_send(
        &self,
        id: i64,
        result: SendResult,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| outbox::record(conn, id, result, now_ms))
            .await
    }

    async fn mark_interrupted_sends(&self, now_ms: i64) -> Result<u64, StoreError> {
        self.write(move |conn| outbox::mark_interrupted(conn, now_ms))
            .await
    }

    async fn claim_media(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<MediaJob>, StoreError> {
        self.write(move |conn| media::claim(conn, now_ms, lease_ms, limit))
            .await
    }

    async fn record_media(
        &self,
        id: i64,
        result: MediaResult,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| media::record(conn, id, result, now_ms))
            .await
    }

    async fn media_of(&self, message_ids: &[i64]) -> Result<Vec<MediaRow>, StoreError> {
        media::of_messages(&self.readers, message_ids).await
    }

    async fn media(&self, id: i64) -> Result<Option<MediaRow>, StoreError> {
        media::one(&self.readers, id).await
    }

    async fn message(&self, id: i64) -> Result<Option<MessageRow>, StoreError> {
        history::message(&self.readers, id).await
    }

    async fn messages(&self, ids: &[i64]) -> Result<Vec<MessageRow>, StoreError> {
        history::messages(&self.readers, ids).await
    }

    async fn messages_of(
        &self,
        conversation_id: i64,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        history::messages_of(&self.readers, conversation_id, after_id, limit).await
    }

    async fn recent_messages(
        &self,
        conversation_id: i64,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError> {
        history::recent_messages(&self.readers, conversation_id, limit).await
    }

    async fn conversation(&self, id: i64) -> Result<Option<ConversationRow>, StoreError> {
        history::conversation(&self.readers, id).await
    }

    async fn conversations(
        &self,
        filter: ConversationFilter,
    ) -> Result<Vec<ConversationRow>, StoreError> {
        history::conversations(&self.readers, filter).await
    }

    async fn contact(&self, id: i64) -> Result<Option<ContactRow>, StoreError> {
        history::contact(&self.readers, id).await
    }

    async fn ensure_contact(&self, key: ContactKey, now_ms: i64) -> Result<i64, StoreError> {
        self.write(move |conn| history::ensure_contact(conn, key, now_ms))
            .await
    }

    async fn last_inbound(
        &self,
        number_id: i64,
        contact: &ContactKey,
    ) -> Result<Option<i64>, StoreError> {
        history::last_inbound(&self.readers, number_id, contact).await
    }

    async fn upsert_template(&self, new: NewTemplate) -> Result<TemplateRow, StoreError> {
        let id = self
            .write(move |conn| catalog::upsert_template(conn, new))
            .await?;
        catalog::template_by_id(&self.readers, id).await
    }

    async fn delete_template(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| catalog::delete_template(conn, id))
            .await
    }

    async fn templates(&self, connector_id: Option<i64>) -> Result<Vec<TemplateRow>, StoreError> {
        catalog::templates(&self.readers, connector_id).await
    }

    async fn add_blacklist(
        &self,
        address: &str,
        direction: &str,
        campaign_id: Option<i64>,
        reason: &str,
        at_ms: i64,
    ) -> Result<BlacklistRow, StoreError> {
        let (address, direction, reason) =
            (address.to_owned(), direction.to_owned(), reason.to_owned());
        let id = self
            .write(move |conn| {
                catalog::add_blacklist(conn, address, direction, campaign_id, reason, at_ms)
            })
            .await?;
        catalog::blacklist_entry(&self.readers, id).await
    }

    async fn remove_blacklist(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| catalog::remove_blacklist(conn, id))
            .await
    }

    async fn blacklist(&self) -> Result<Vec<BlacklistRow>, StoreError> {
        catalog::blacklist(&self.readers).await
    }

    async fn outbound_block(
        &self,
        addresses: &[String],
        number_id: i64,
    ) -> Result<Option<String>, StoreError> {
        catalog::outbound_block(&self.readers, addresses, number_id).await
    }

    async fn create_api_token(
        &self,
        name: &str,
        hash: &str,
        user_id: i64,
        at_ms: i64,
    ) -> Result<ApiTokenRow, StoreError> {
        let (name, hash) = (name.to_owned(), hash.to_owned());
        let id = self
            .write(move |conn| catalog::create_token(conn, name, hash, user_id, at_ms))
            .await?;
        catalog::tokens(&self.readers, Some(id))
            .await?
            .pop()
            .ok_or_else(|| StoreError::NotFound(format!("API token {id}")))
    }

    async fn revoke_api_token(&self, id: i64, at_ms: i64) -> Result<(), StoreError> {
        self.write(move |conn| catalog::revoke_token(conn, id, at_ms))
            .await
    }

    async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>, StoreError> {
        catalog::tokens(&self.readers, None).await
    }

    async fn create_user(&self, new: NewUser) -> Result<UserRow, StoreError> {
        let id = self.write(move |conn| users::create(conn, new)).await?;
        users::by_id(&self.readers, id).await
    }

    async fn update_user(
        &self,
        id: i64,
        change: UserChange,
        at_ms: i64,
    ) -> Result<UserRow, StoreError> {
        self.write(move |conn| users::update(conn, id, change, at_ms))
            .await?;
        users::by_id(&self.readers, id).await
    }

    async fn set_password_hash(&self, id: i64, hash: &str, at_ms: i64) -> Result<(), StoreError> {
        let hash = hash.to_owned();
        self.write(move |conn| users::set_password_hash(conn, id, hash, at_ms))
            .await
    }

    async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError> {
        users::one(&self.readers, id).await
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        users::by_name(&self.readers, username).await
    }

    async fn users(&self) -> Result<Vec<UserRow>, StoreError> {
        users::all(&self.readers).await
    }

    async fn ensure_admin_user(
        &self,
        admin_token_hash: Option<&str>,
        at_ms: i64,
    ) -> Result<UserRow, StoreError> {
        let hash = admin_token_hash.map(str::to_owned);
        let id = self
            .write(move |conn| users::ensure_admin(conn, hash, at_ms))
            .await?;
        users::by_id(&self.readers, id).await
    }

    async fn token_user(&self, hash: &str) -> Result<Option<UserRow>, StoreError> {
        users::by_token(&self.readers, hash).await
    }

    async fn create_session(&self, new: NewSession) -> Result<(), StoreError> {
        self.write(move |conn| sessions::create(conn, new)).await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        sessions::one(&self.readers, token_hash).await
    }

    async fn touch_session(&self, token_hash: &str, at_ms: i64) -> Result<(), StoreError> {
        let hash = token_hash.to_owned();
        self.write(move |conn| sessions::touch(conn, hash, at_ms))
            .await
    }

    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let hash = token_hash.to_owned();
        self.write(move |conn| sessions::end(conn, hash)).await
    }

    async fn end_user_sessions(
        &self,
        user_id: i64,
        except: Option<&str>,
    ) -> Result<u64, StoreError> {
        let except = except.map(str::to_owned);
        self.write(move |conn| sessions::end_all(conn, user_id, except))
            .await
    }

    async fn purge_sessions(&self, now_ms: i64, idle_before_ms: i64) -> Result<u64, StoreError> {
        self.write(move |conn| sessions::purge(conn, now_ms, idle_before_ms))
            .await
    }

    async fn append_audit(&self, entry: NewAuditEntry) -> Result<i64, StoreError> {
        self.write(move |conn| audit::append(conn, entry)).await
    }

    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditRow>, StoreError> {
        audit::page(&self.readers, query).await
    }

    async fn create_campaign(&self, new: NewCampaign) -> Result<CampaignRow, StoreError> {
        let id = self.write(move |conn| campaigns::create(conn, new)).await?;
        self.campaign(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))
    }

    async fn update_campaign(&self, id: i64, new: NewCampaign) -> Result<CampaignRow, StoreError> {
        self.write(move |conn| campaigns::update(conn, id, new))
            .await?;
        self.campaign(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("campaign {id}")))
    }

    async fn delete_campaign(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| campaigns::delete(conn, id)).await
    }

    async fn campaigns(&self) -> Result<Vec<CampaignRow>, StoreError> {
        campaigns::list(&self.readers, None).await
    }

    async fn campaign(&self, id: i64) -> Result<Option<CampaignRow>, StoreError> {
        Ok(campaigns::list(&self.readers, Some(id)).await?.pop())
    }

    async fn number_campaigns(&self) -> Result<Vec<(i64, Option<i64>)>, StoreError> {
        campaigns::number_campaigns(&self.readers).await
    }

    async fn service_level_samples(
        &self,
        campaign_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError> {
        campaigns::service_level_samples(&self.readers, campaign_id, from_ms, to_ms).await
    }

    async fn add_break(&self, name: &str, at_ms: i64) -> Result<BreakRow, StoreError> {
        let owned = name.to_owned();
        let id = self
            .write(move |conn| campaigns::add_break(conn, &owned, at_ms))
            .await?;
        Ok(BreakRow {
            id,
            name: name.to_owned(),
            created_ms: at_ms,
        })
    }

    async fn remove_break(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| campaigns::remove_break(conn, id))
            .await
    }

    async fn breaks(&self) -> Result<Vec<BreakRow>, StoreError> {
        campaigns::breaks(&self.readers).await
    }

    async fn routing_users(&self) -> Result<Vec<RoutingUser>, StoreError> {
        routing::users(&self.readers).await
    }

    async fn agent_states(&self) -> Result<Vec<AgentStateRow>, StoreError> {
        routing::agent_states(&self.readers).await
    }

    async fn live_conversations(&self) -> Result<Vec<LiveConversationRow>, StoreError> {
        routing::live(&self.readers).await
    }

    async fn live_conversation(&self, id: i64) -> Result<Option<LiveConversationRow>, StoreError> {
        routing::one(&self.readers, id).await
    }

    async fn message_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<MessageEventRow>, StoreError> {
        feed::message_events_after(&self.readers, after, limit).await
    }

    async fn last_event_id(&self) -> Result<i64, StoreError> {
        feed::last_event_id(&self.readers).await
    }

    async fn save_routing(&self, write: RoutingWrite) -> Result<(), StoreError> {
        self.write(move |conn| routing::save(conn, write)).await
    }

    async fn add_note(
        &self,
        conversation_id: i64,
        user_id: i64,
        text: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError> {
        let text = text.to_owned();
        self.write(move |conn| workspace::add_note(conn, conversation_id, user_id, &text, at_ms))
            .await
    }

    async fn notes(&self, conversation_id: i64) -> Result<Vec<NoteRow>, StoreError> {
        workspace::notes(&self.readers, conversation_id).await
    }

    async fn set_tags(&self, id: i64, tags: Vec<String>, at_ms: i64) -> Result<(), StoreError> {
        self.write(move |conn| workspace::set_tags(conn, id, &tags, at_ms))
            .await
    }

    async fn update_contact(
        &self,
        id: i64,
        name: Option<String>,
        attributes: Option<String>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            workspace::update_contact(conn, id, name.as_deref(), attributes.as_deref(), at_ms)
        })
        .await
    }

    async fn contact_attributes(&self, id: i64) -> Result<Option<String>, StoreError> {
        workspace::contact_attributes(&self.readers, id).await
    }

    async fn add_internal_message(
        &self,
        from_user: i64,
        to_user: i64,
        text: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError> {
        let text = text.to_owned();
        self.write(move |conn| workspace::add_internal(conn, from_user, to_user, &text, at_ms))
            .await
    }

    async fn internal_messages(
        &self,
        a: i64,
        b: i64,
        before: i64,
        limit: i64,
    ) -> Result<Vec<InternalMessageRow>, StoreError> {
        workspace::internal_between(&self.readers, a, b, before, limit).await
    }

    async fn create_dialer(
        &self,
        name: &str,
        settings: &str,
        at_ms: i64,
    ) -> Result<DialerRow, StoreError> {
        let (name, settings) = (name.to_owned(), settings.to_owned());
        let id = self
            .write(move |conn| dialer::create(conn, name, settings, at_ms))
            .await?;
        self.dialer_after_write(id).await
    }

    async fn update_dialer(
        &self,
        id: i64,
        name: &str,
        settings: &str,
        at_ms: i64,
    ) -> Result<DialerRow, StoreError> {
        let (name, settings) = (name.to_owned(), settings.to_owned());
        self.write(move |conn| dialer::update(conn, id, name, settings, at_ms))
            .await?;
        self.dialer_after_write(id).await
    }

    async fn delete_dialer(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| dialer::delete(conn, id)).await
    }

    async fn dialers(&self) -> Result<Vec<DialerRow>, StoreError> {
        dialer::list(&self.readers, None).await
    }

    async fn dialer(&self, id: i64) -> Result<Option<DialerRow>, StoreError> {
        Ok(dialer::list(&self.readers, Some(id)).await?.pop())
    }

    async fn set_dialer_running(
        &self,
        id: i64,
        running: bool,
        paused_reason: Option<String>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| dialer::set_running(conn, id, running, paused_reason, at_ms))
            .await
    }

    async fn create_dialer_list(
        &self,
        dialer_id: i64,
        name: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError> {
        let name = name.to_owned();
        self.write(move |conn| dialer::create_list(conn, dialer_id, name, at_ms))
            .await
    }

    async fn finish_dialer_list(
        &self,
        list_id: i64,
        accepted: u64,
        invalid: u64,
        duplicates: u64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| dialer::finish_list(conn, list_id, accepted, invalid, duplicates))
            .await
    }

    async fn spool_records(
        &self,
        dialer_id: i64,
        list_id: Option<i64>,
        records: Vec<NewRecord>,
        at_ms: i64,
    ) -> Result<(Vec<i64>, SpoolCount), StoreError> {
        self.write(move |conn| dialer::spool(conn, dialer_id, list_id, records, at_ms))
            .await
    }

    async fn pending_records(
        &self,
        dialer_id: i64,
        after_position: i64,
        limit: i64,
    ) -> Result<Vec<RecordRow>, StoreError> {
        dialer::page(&self.readers, dialer_id, after_position, limit, true).await
    }

    async fn dialer_records(
        &self,
        dialer_id: i64,
        after_position: i64,
        limit: i64,
    ) -> Result<Vec<RecordRow>, StoreError> {
        dialer::page(&self.readers, dialer_id, after_position, limit, false).await
    }

    async fn dialer_record(&self, id: i64) -> Result<Option<RecordRow>, StoreError> {
        dialer::record(&self.readers, id).await
    }

    async fn record_counts(&self, dialer_id: i64) -> Result<Vec<(RecordState, i64)>, StoreError> {
        dialer::counts(&self.readers, dialer_id).await
    }

    async fn begin_sends(&self, sends: Vec<BeginSend>, at_ms: i64) -> Result<Vec<i64>, StoreError> {
        self.write(move |conn| dialer::begin(conn, sends, at_ms))
            .await
    }

    async fn finish_send(
        &self,
        record_id: i64,
        message_id: i64,
        end: SendEnd,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| dialer::finish(conn, record_id, message_id, end, at_ms))
            .await
    }

    async fn end_records(
        &self,
        ends: Vec<(i64, RecordState, String)>,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| dialer::end(conn, ends, at_ms)).await
    }

    async fn mark_interrupted_records(&self, at_ms: i64) -> Result<u64, StoreError> {
        self.write(move |conn| dialer::mark_interrupted(conn, at_ms))
            .await
    }

    async fn purge_records(
        &self,
        dialer_id: i64,
        list_id: Option<i64>,
        at_ms: i64,
    ) -> Result<u64, StoreError> {
        self.write(move |conn| dialer::purge(conn, dialer_id, list_id, at_ms))
            .await
    }

    async fn send_blocks(
        &self,
        numbers: &[String],
        number_id: i64,
        dnc_campaign: Option<i64>,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        dialer::blocks(&self.readers, numbers, number_id, dnc_campaign).await
    }

    async fn add_dnc(
        &self,
        numbers: Vec<String>,
        campaign_id: Option<i64>,
        at_ms: i64,
    ) -> Result<u64, StoreError> {
        self.write(move |conn| dialer::add_dnc(conn, numbers, campaign_id, at_ms))
            .await
    }

    async fn remove_dnc(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| dialer::remove_dnc(conn, id)).await
    }

    async fn dnc(
        &self,
        campaign_id: Option<i64>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<DncRow>, StoreError> {
        dialer::dnc(&self.readers, campaign_id, after_id, limit).await
    }

    async fn close(&self) {
        self.writer.close().await;
        self.readers.close().await;
        drop(
            self.checkpointer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take(),
        );
    }
}
