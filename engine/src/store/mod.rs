//! Persistence behind one trait, so the engine never knows which database it runs on.
//!
//! [`Store`] is the whole contract: every feature that keeps state adds its methods here, and each
//! backend implements them. SQLite ([`sqlite`], the embedded default) is the only backend today;
//! PostgreSQL comes for running several nodes. Nothing outside a backend's folder may assume
//! which one it is: no backend types in signatures, and times are plain `i64` milliseconds since
//! the Unix epoch, passed in by the caller so tests control the clock.
//!
//! [`open`] creates the data directory, opens the database and brings its schema up to date.
//! Writes go through one writer thread with group commit (`sqlite/writer.rs`); reads through a
//! small pool.
//! The plugin registry is the first user: uploaded versions, the active version per plugin with
//! one step of rollback, and the admin token hash. Users, their sessions and the audit log
//! follow the same pattern ([`users`]).

mod catalog;
mod connectors;
mod dialer;
mod error;
mod messages;
#[cfg(test)]
mod messaging_tests;
mod plugins;
mod routing;
mod sqlite;
#[cfg(test)]
mod test_dir;
#[cfg(test)]
mod tests;
mod users;
#[cfg(test)]
mod users_tests;

use std::path::Path;
use std::sync::Arc;

pub use catalog::{ApiTokenRow, BlacklistRow, NewTemplate, TemplateRow};
pub use connectors::{ConnectorRow, NewConnector, NumberRow};
pub use dialer::{
    BeginSend, DialerRow, DncRow, NewRecord, RecordRow, RecordState, SendEnd, SpoolCount,
};
pub use error::StoreError;
pub use messages::{
    ConsentChange, ContactKey, ContactRow, ConversationFilter, ConversationRow, IntakeBatch,
    IntakeItem, IntakeOutcome, MediaJob, MediaResult, MediaRow, MessageEventRow, MessageRow,
    MessageStatus, NewInbound, NewMedia, NewOutbound, OutboundJob, SendResult, StatusUpdate,
    TemplateStatusUpdate,
};
pub use plugins::{ActivePlugin, NewPluginVersion, PluginVersionRow};
pub use routing::{
    AgentStateRow, BreakRow, CampaignRow, InternalMessageRow, LiveConversationRow, MemberRow,
    NewCampaign, NewEvent, NoteRow, RoutingUser, RoutingWrite, TimerRow,
};
pub use users::{
    AuditQuery, AuditRow, NewAuditEntry, NewSession, NewUser, Role, SessionRow, UserChange, UserRow,
};

/// File name of the SQLite database inside the data directory.
const SQLITE_FILE: &str = "switchboard.db";

/// Opens the store kept in `data_dir` (created if missing): the SQLite database
/// `<data_dir>/switchboard.db`, migrated to the current schema.
///
/// Close it with [`Store::close`] on shutdown so queued writes finish; dropping it also lets
/// them finish, but without waiting.
pub async fn open(data_dir: &Path) -> Result<Arc<dyn Store>, StoreError> {
    tokio::fs::create_dir_all(data_dir)
        .await
        .map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
    let store = sqlite::SqliteStore::open(&data_dir.join(SQLITE_FILE)).await?;
    Ok(Arc::new(store))
}

/// Everything the engine keeps. One implementation per database backend.
///
/// Every method is atomic: a write that returns an error changed nothing, and one that returns
/// `Ok` is durable. Times are ms since the Unix epoch.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores an uploaded plugin version and returns it without its bytes.
    ///
    /// Uploading the same `(name, version)` with the same sha256 again returns the stored row
    /// unchanged (a retried upload is not an error); with another sha256 it is a
    /// [`StoreError::Conflict`]: a released version never changes.
    async fn insert_plugin_version(
        &self,
        version: NewPluginVersion,
    ) -> Result<PluginVersionRow, StoreError>;

    /// Every stored plugin version, without bytes, ordered by name then install time.
    async fn plugin_versions(&self) -> Result<Vec<PluginVersionRow>, StoreError>;

    /// The component bytes of one version, or `None` if it is not installed.
    async fn plugin_wasm(&self, name: &str, version: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Makes `version` the active version of plugin `name`.
    ///
    /// The version active until now becomes `previous`, the target of [`Store::rollback_plugin`].
    /// Activating the version that is already active changes nothing. The caller vouches that
    /// the version exists: it may be bundled in the binary and have no stored row.
    async fn activate_plugin_version(
        &self,
        name: &str,
        version: &str,
        at_ms: i64,
    ) -> Result<ActivePlugin, StoreError>;

    /// Swaps the active and the previous version of plugin `name`, so a second rollback goes
    /// forward again.
    ///
    /// [`StoreError::NotFound`] if the plugin has no active version,
    /// [`StoreError::Conflict`] if it has no previous one.
    async fn rollback_plugin(&self, name: &str, at_ms: i64) -> Result<ActivePlugin, StoreError>;

    /// The active version of every plugin that has one, ordered by name.
    async fn active_plugins(&self) -> Result<Vec<ActivePlugin>, StoreError>;

    /// The stored hash of the admin token, if one was created.
    async fn admin_token_hash(&self) -> Result<Option<String>, StoreError>;

    /// Stores the admin token hash unless one exists: `true` if stored now, `false` if one was
    /// already there (it is never overwritten, so a restart cannot replace the admin's token).
    async fn create_admin_token_hash(&self, hash: &str, at_ms: i64) -> Result<bool, StoreError>;

    // --- Connectors ---

    /// Creates a connector with its numbers. [`StoreError::Conflict`] if the name or a number
    /// is taken.
    async fn create_connector(&self, new: NewConnector) -> Result<ConnectorRow, StoreError>;

    /// Replaces a connector's settings and numbers (clearing a pause). A number with
    /// conversations cannot be removed ([`StoreError::Conflict`]).
    async fn update_connector(
        &self,
        id: i64,
        new: NewConnector,
    ) -> Result<ConnectorRow, StoreError>;

    /// Deletes a connector that never carried a message ([`StoreError::Conflict`] otherwise).
    async fn delete_connector(&self, id: i64) -> Result<(), StoreError>;

    /// Pauses a connector's sending with a reason, or resumes it with `None`.
    async fn set_connector_paused(
        &self,
        id: i64,
        reason: Option<String>,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// Every connector with its numbers.
    async fn connectors(&self) -> Result<Vec<ConnectorRow>, StoreError>;

    // --- Intake ---

    /// Stores what one webhook reported in one transaction and says what each item did.
    /// Messages are deduplicated on (connector, provider id): a repeat changes nothing.
    async fn record_intake(&self, batch: IntakeBatch) -> Result<Vec<IntakeOutcome>, StoreError>;

    // --- Outbox ---

    /// Queues an outbound message (opening a conversation if needed): `(message, conversation)`.
    async fn enqueue_outbound(&self, new: NewOutbound) -> Result<(i64, i64), StoreError>;

    /// Claims due queued messages of a connector that may send and marks them `sending`.
    async fn claim_outbound(
        &self,
        connector_id: i64,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<OutboundJob>, StoreError>;

    /// Records how a send ended; an accepted send applies the statuses parked for its id.
    async fn record_send(&self, id: i64, result: SendResult, now_ms: i64)
    -> Result<(), StoreError>;

    /// Marks messages left `sending` by a previous run `unknown`; returns how many.
    async fn mark_interrupted_sends(&self, now_ms: i64) -> Result<u64, StoreError>;

    // --- Media ---

    /// Claims due inbound media fetches, leasing each for `lease_ms`.
    async fn claim_media(
        &self,
        now_ms: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<MediaJob>, StoreError>;

    /// Records a media fetch outcome.
    async fn record_media(
        &self,
        id: i64,
        result: MediaResult,
        now_ms: i64,
    ) -> Result<(), StoreError>;

    /// The attachments of the messages `message_ids`, by message then position.
    async fn media_of(&self, message_ids: &[i64]) -> Result<Vec<MediaRow>, StoreError>;

    /// One attachment.
    async fn media(&self, id: i64) -> Result<Option<MediaRow>, StoreError>;

    // --- History ---

    /// One message.
    async fn message(&self, id: i64) -> Result<Option<MessageRow>, StoreError>;

    /// The messages of `ids` that exist, in no particular order: one read for a list.
    async fn messages(&self, ids: &[i64]) -> Result<Vec<MessageRow>, StoreError>;

    /// A conversation's messages with ids above `after_id`, oldest first.
    async fn messages_of(
        &self,
        conversation_id: i64,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError>;

    /// A conversation's last `limit` messages, oldest first.
    async fn recent_messages(
        &self,
        conversation_id: i64,
        limit: i64,
    ) -> Result<Vec<MessageRow>, StoreError>;

    /// One conversation.
    async fn conversation(&self, id: i64) -> Result<Option<ConversationRow>, StoreError>;

    /// Conversations newest first, filtered.
    async fn conversations(
        &self,
        filter: ConversationFilter,
    ) -> Result<Vec<ConversationRow>, StoreError>;

    /// One contact.
    async fn contact(&self, id: i64) -> Result<Option<ContactRow>, StoreError>;

    /// The contact with this number (or user id), created if new.
    async fn ensure_contact(&self, key: ContactKey, now_ms: i64) -> Result<i64, StoreError>;

    /// When the contact (by number, else user id) last wrote to the business number: the 24 h
    /// window's start. `None` for a contact that never wrote, or does not exist yet.
    async fn last_inbound(
        &self,
        number_id: i64,
        contact: &ContactKey,
    ) -> Result<Option<i64>, StoreError>;

    // --- Templates, blacklist, API tokens ---

    /// Creates or replaces a template by (connector, code, language).
    async fn upsert_template(&self, new: NewTemplate) -> Result<TemplateRow, StoreError>;

    /// Deletes a template.
    async fn delete_template(&self, id: i64) -> Result<(), StoreError>;

    /// Templates of one connector, or all.
    async fn templates(&self, connector_id: Option<i64>) -> Result<Vec<TemplateRow>, StoreError>;

    /// Adds a blacklist entry (`direction`: in, out, both), global or for one campaign; an
    /// existing one is returned as is.
    async fn add_blacklist(
        &self,
        address: &str,
        direction: &str,
        campaign_id: Option<i64>,
        reason: &str,
        at_ms: i64,
    ) -> Result<BlacklistRow, StoreError>;

    /// Removes a blacklist entry.
    async fn remove_blacklist(&self, id: i64) -> Result<(), StoreError>;

    /// The blacklist, global and per campaign.
    async fn blacklist(&self) -> Result<Vec<BlacklistRow>, StoreError>;

    /// Why one of `addresses` may not be written to from business number `number_id`
    /// (`opt-out`, or the manual reason), if so: opt-outs always block; the global manual list
    /// unless the number's campaign switched its outgoing blacklist off; the campaign's own list.
    async fn outbound_block(
        &self,
        addresses: &[String],
        number_id: i64,
    ) -> Result<Option<String>, StoreError>;

    /// Stores the hash of an API token that acts as user `user_id`.
    async fn create_api_token(
        &self,
        name: &str,
        hash: &str,
        user_id: i64,
        at_ms: i64,
    ) -> Result<ApiTokenRow, StoreError>;

    /// Revokes an API token.
    async fn revoke_api_token(&self, id: i64, at_ms: i64) -> Result<(), StoreError>;

    /// Every API token, without secrets.
    async fn api_tokens(&self) -> Result<Vec<ApiTokenRow>, StoreError>;

    // --- Users and sessions ---

    /// Creates a user. [`StoreError::Conflict`] if the username is taken (in any case).
    async fn create_user(&self, new: NewUser) -> Result<UserRow, StoreError>;

    /// Changes a user. Disabling one also ends their sessions, in the same transaction.
    async fn update_user(
        &self,
        id: i64,
        change: UserChange,
        at_ms: i64,
    ) -> Result<UserRow, StoreError>;

    /// Replaces a user's password hash (an argon2id PHC string).
    async fn set_password_hash(&self, id: i64, hash: &str, at_ms: i64) -> Result<(), StoreError>;

    /// One user.
    async fn user(&self, id: i64) -> Result<Option<UserRow>, StoreError>;

    /// The user with this username, in any case.
    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError>;

    /// Every user, by id.
    async fn users(&self) -> Result<Vec<UserRow>, StoreError>;

    /// Makes sure an admin exists and, given the admin token's hash, that it is an API token of
    /// one: creates user `admin` (no password) if no admin user exists, then binds the token to
    /// user `admin` (else the first admin) unless a token with that hash is already stored
    /// (revoked stays revoked). Returns the admin user. [`StoreError::Conflict`] if the name
    /// `admin` is taken by a user of another role and no admin exists.
    async fn ensure_admin_user(
        &self,
        admin_token_hash: Option<&str>,
        at_ms: i64,
    ) -> Result<UserRow, StoreError>;

    /// The user a live (not revoked) API token with this hash acts as.
    async fn token_user(&self, hash: &str) -> Result<Option<UserRow>, StoreError>;

    /// Stores a session.
    async fn create_session(&self, new: NewSession) -> Result<(), StoreError>;

    /// The session with this token hash, with its user.
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError>;

    /// Records that the session was used at `at_ms`.
    async fn touch_session(&self, token_hash: &str, at_ms: i64) -> Result<(), StoreError>;

    /// Ends one session (nothing if it is gone already).
    async fn end_session(&self, token_hash: &str) -> Result<(), StoreError>;

    /// Ends every session of a user but `except` (a token hash); returns how many ended.
    async fn end_user_sessions(
        &self,
        user_id: i64,
        except: Option<&str>,
    ) -> Result<u64, StoreError>;

    /// Deletes sessions past their absolute end (`expires_ms <= now_ms`) or idle since before
    /// `idle_before_ms`; returns how many.
    async fn purge_sessions(&self, now_ms: i64, idle_before_ms: i64) -> Result<u64, StoreError>;

    /// Appends an audit entry; returns its id.
    async fn append_audit(&self, entry: NewAuditEntry) -> Result<i64, StoreError>;

    /// A page of the audit log, newest first.
    async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditRow>, StoreError>;

    // --- Campaigns and breaks ---

    /// Creates a campaign with its numbers and members. [`StoreError::Conflict`] if the name
    /// is taken or a number answers into another campaign; [`StoreError::NotFound`] for an
    /// unknown number or user.
    async fn create_campaign(&self, new: NewCampaign) -> Result<CampaignRow, StoreError>;

    /// Replaces a campaign, its numbers and members.
    async fn update_campaign(&self, id: i64, new: NewCampaign) -> Result<CampaignRow, StoreError>;

    /// Deletes a campaign that never had a conversation.
    async fn delete_campaign(&self, id: i64) -> Result<(), StoreError>;

    /// Every campaign.
    async fn campaigns(&self) -> Result<Vec<CampaignRow>, StoreError>;

    /// One campaign.
    async fn campaign(&self, id: i64) -> Result<Option<CampaignRow>, StoreError>;

    /// Each business number's campaign: `(number id, campaign id)`.
    async fn number_campaigns(&self) -> Result<Vec<(i64, Option<i64>)>, StoreError>;

    /// A campaign's conversations queued in `[from_ms, to_ms)`, as the service level counts
    /// them: `(queued, first agent reply, abandoned at)`.
    async fn service_level_samples(
        &self,
        campaign_id: i64,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError>;

    /// Adds a named break.
    async fn add_break(&self, name: &str, at_ms: i64) -> Result<BreakRow, StoreError>;

    /// Removes a named break.
    async fn remove_break(&self, id: i64) -> Result<(), StoreError>;

    /// The named breaks.
    async fn breaks(&self) -> Result<Vec<BreakRow>, StoreError>;

    // --- Routing ---

    /// Every user, as routing sees them.
    async fn routing_users(&self) -> Result<Vec<RoutingUser>, StoreError>;

    /// Agents' last stored states.
    async fn agent_states(&self) -> Result<Vec<AgentStateRow>, StoreError>;

    /// The open conversations the router holds (new, bot, queued, assigned, transferring,
    /// closing), with their timers, by id.
    async fn live_conversations(&self) -> Result<Vec<LiveConversationRow>, StoreError>;

    /// One conversation's live fields, whatever its state.
    async fn live_conversation(&self, id: i64) -> Result<Option<LiveConversationRow>, StoreError>;

    /// Message events of conversations (`message.queued`, `message.sent`, `message.read`…)
    /// logged after event `after`, oldest first, at most `limit`: what the live feed pushes.
    async fn message_events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<MessageEventRow>, StoreError>;

    /// The id of the last event logged (0 with none).
    async fn last_event_id(&self) -> Result<i64, StoreError>;

    /// Saves one routing step in one transaction: conversations whole (their timers replaced),
    /// agents' states and events.
    async fn save_routing(&self, write: RoutingWrite) -> Result<(), StoreError>;

    // --- Around a conversation ---

    /// Adds an internal note; returns its id.
    async fn add_note(
        &self,
        conversation_id: i64,
        user_id: i64,
        text: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError>;

    /// A conversation's notes, oldest first.
    async fn notes(&self, conversation_id: i64) -> Result<Vec<NoteRow>, StoreError>;

    /// Replaces a conversation's tags.
    async fn set_tags(&self, id: i64, tags: Vec<String>, at_ms: i64) -> Result<(), StoreError>;

    /// Sets a contact's name and attributes (JSON object); `None` keeps the stored value.
    async fn update_contact(
        &self,
        id: i64,
        name: Option<String>,
        attributes: Option<String>,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// A contact's attributes (JSON object text).
    async fn contact_attributes(&self, id: i64) -> Result<Option<String>, StoreError>;

    /// Stores an internal message between users; returns its id.
    async fn add_internal_message(
        &self,
        from_user: i64,
        to_user: i64,
        text: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError>;

    /// Internal messages between two users, oldest first, ids below `before`.
    async fn internal_messages(
        &self,
        a: i64,
        b: i64,
        before: i64,
        limit: i64,
    ) -> Result<Vec<InternalMessageRow>, StoreError>;

    // --- Dialers ---

    /// Creates a dialer (`settings` JSON). [`StoreError::Conflict`] if the name is taken.
    async fn create_dialer(
        &self,
        name: &str,
        settings: &str,
        at_ms: i64,
    ) -> Result<DialerRow, StoreError>;

    /// Replaces a dialer's name and settings.
    async fn update_dialer(
        &self,
        id: i64,
        name: &str,
        settings: &str,
        at_ms: i64,
    ) -> Result<DialerRow, StoreError>;

    /// Deletes a stopped dialer and its records.
    async fn delete_dialer(&self, id: i64) -> Result<(), StoreError>;

    /// Every dialer.
    async fn dialers(&self) -> Result<Vec<DialerRow>, StoreError>;

    /// One dialer.
    async fn dialer(&self, id: i64) -> Result<Option<DialerRow>, StoreError>;

    /// Starts (`running`), stops or pauses (not running, with a reason) a dialer.
    async fn set_dialer_running(
        &self,
        id: i64,
        running: bool,
        paused_reason: Option<String>,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// Opens a list for an upload; returns its id.
    async fn create_dialer_list(
        &self,
        dialer_id: i64,
        name: &str,
        at_ms: i64,
    ) -> Result<i64, StoreError>;

    /// Records an upload's totals.
    async fn finish_dialer_list(
        &self,
        list_id: i64,
        accepted: u64,
        invalid: u64,
        duplicates: u64,
    ) -> Result<(), StoreError>;

    /// Appends records at the end of a dialer's order, in one transaction; returns their ids.
    async fn spool_records(
        &self,
        dialer_id: i64,
        list_id: Option<i64>,
        records: Vec<NewRecord>,
        at_ms: i64,
    ) -> Result<(Vec<i64>, SpoolCount), StoreError>;

    /// Up to `limit` pending records after `after_position`, in position order.
    async fn pending_records(
        &self,
        dialer_id: i64,
        after_position: i64,
        limit: i64,
    ) -> Result<Vec<RecordRow>, StoreError>;

    /// Up to `limit` records of any state after `after_position`, in position order.
    async fn dialer_records(
        &self,
        dialer_id: i64,
        after_position: i64,
        limit: i64,
    ) -> Result<Vec<RecordRow>, StoreError>;

    /// One record.
    async fn dialer_record(&self, id: i64) -> Result<Option<RecordRow>, StoreError>;

    /// How many of a dialer's records are in each state (states with none are absent).
    async fn record_counts(&self, dialer_id: i64) -> Result<Vec<(RecordState, i64)>, StoreError>;

    /// Writes records `sending` with their message rows, in one transaction, before they are
    /// handed to the provider; returns the message ids in order. [`StoreError::Conflict`] (and
    /// nothing written) if one is no longer pending.
    async fn begin_sends(&self, sends: Vec<BeginSend>, at_ms: i64) -> Result<Vec<i64>, StoreError>;

    /// Records how a record's send ended, on the record and its message.
    async fn finish_send(
        &self,
        record_id: i64,
        message_id: i64,
        end: SendEnd,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// Ends pending records that will not be sent: `(record, state, reason)`.
    async fn end_records(
        &self,
        ends: Vec<(i64, RecordState, String)>,
        at_ms: i64,
    ) -> Result<(), StoreError>;

    /// Records left `sending` by a previous run become `unknown`; returns how many.
    async fn mark_interrupted_records(&self, at_ms: i64) -> Result<u64, StoreError>;

    /// Cancels a dialer's pending records (of one list, or all); returns how many.
    async fn purge_records(
        &self,
        dialer_id: i64,
        list_id: Option<i64>,
        at_ms: i64,
    ) -> Result<u64, StoreError>;

    /// Why each of `numbers` may not be sent to from `number_id` (opt-out, blacklist reason,
    /// or `dnc` when `dnc_campaign` is given: the global list and that campaign's, 0 for
    /// none). Numbers free to send are absent.
    async fn send_blocks(
        &self,
        numbers: &[String],
        number_id: i64,
        dnc_campaign: Option<i64>,
    ) -> Result<std::collections::HashMap<String, String>, StoreError>;

    /// Adds E.164 numbers to the do-not-call list, global or a campaign's; returns how many
    /// were new.
    async fn add_dnc(
        &self,
        numbers: Vec<String>,
        campaign_id: Option<i64>,
        at_ms: i64,
    ) -> Result<u64, StoreError>;

    /// Removes a do-not-call entry.
    async fn remove_dnc(&self, id: i64) -> Result<(), StoreError>;

    /// A page of the do-not-call list (one campaign's, or every entry), by id.
    async fn dnc(
        &self,
        campaign_id: Option<i64>,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<DncRow>, StoreError>;

    /// Finishes the writes already queued, then closes every connection. Calls made afterwards
    /// fail with [`StoreError::Unavailable`].
    async fn close(&self);
}
