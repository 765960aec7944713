//! Rows of contacts, conversations and messages, and what intake and the sender write.

/// Where a message stands. Outbound rows only move forward in [`MessageStatus::rank`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// Inbound, stored.
    Received,
    /// Inbound from a blacklisted sender: kept, not routed.
    Blocked,
    /// Outbound, waiting for the sender.
    Queued,
    /// Being sent now.
    Sending,
    /// Was being sent when the engine stopped: may or may not have left; never re-sent
    /// blindly, settled by a later status.
    Unknown,
    /// Accepted by the provider.
    Sent,
    /// On the customer's device.
    Delivered,
    /// Read by the customer.
    Read,
    /// Will not be delivered.
    Failed,
}

impl MessageStatus {
    /// Every status, for parsing.
    pub const ALL: [Self; 9] = [
        Self::Received,
        Self::Blocked,
        Self::Queued,
        Self::Sending,
        Self::Unknown,
        Self::Sent,
        Self::Delivered,
        Self::Read,
        Self::Failed,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Blocked => "blocked",
            Self::Queued => "queued",
            Self::Sending => "sending",
            Self::Unknown => "unknown",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

    /// From the stored word.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Order of progress: a status applies only over a lower rank, so `read` never falls back
    /// to `delivered` and nothing leaves `failed`.
    pub fn rank(self) -> i64 {
        match self {
            Self::Received | Self::Blocked | Self::Queued => 0,
            Self::Sending | Self::Unknown => 1,
            Self::Sent => 2,
            Self::Delivered => 3,
            Self::Read => 4,
            Self::Failed => 5,
        }
    }
}

/// Who a contact is, as a provider names them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactKey {
    /// E.164 number, when known.
    pub number: Option<String>,
    /// Provider user id (WhatsApp BSUID) when the number is hidden or besides it.
    pub user_id: Option<String>,
    /// Display name the provider reported.
    pub name: Option<String>,
}

/// What an inbound text asks for about consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentChange {
    /// Blacklist for outbound and send the confirmation.
    OptOut,
    /// Lift an opt-out.
    OptIn,
}

/// An attachment to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMedia {
    /// Provider locator (id or URL).
    pub locator: String,
    /// MIME type, if known.
    pub mime_type: Option<String>,
    /// File name, if any.
    pub filename: Option<String>,
}

/// An inbound message as intake stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInbound {
    /// The business number that received it.
    pub number_id: i64,
    /// The customer.
    pub contact: ContactKey,
    /// Dedupe key with the connector.
    pub provider_message_id: String,
    /// Content kind word.
    pub kind: String,
    /// Content JSON.
    pub content: String,
    /// The raw webhook body, kept for types the adapter does not translate.
    pub raw: Option<String>,
    /// Provider's time, if given.
    pub provider_at_ms: Option<i64>,
    /// Opt-out or opt-in keyword.
    pub consent: Option<ConsentChange>,
    /// The reply to queue on opt-out (content JSON), sent once.
    pub opt_out_reply: Option<String>,
    /// Attachments to fetch.
    pub media: Vec<NewMedia>,
    /// SMS encoding and segments.
    pub sms: Option<(String, i64)>,
}

/// A delivery status from a webhook or a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The provider's id of the sent message.
    pub provider_message_id: String,
    /// Sent, delivered, read or failed.
    pub status: MessageStatus,
    /// When it happened.
    pub at_ms: i64,
    /// Why it failed.
    pub error_code: Option<String>,
    /// Why it failed, for people.
    pub error_message: Option<String>,
    /// The host message id the provider echoed, if any: settles a message left `unknown`.
    pub message_id: Option<i64>,
}

/// A template's review state at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateStatusUpdate {
    /// Provider's template name.
    pub name: String,
    /// Language.
    pub language: String,
    /// Engine word: approved, pending, rejected, paused.
    pub status: String,
    /// Why.
    pub reason: Option<String>,
}

/// One thing a webhook reported.
#[derive(Debug, Clone, PartialEq)]
pub enum IntakeItem {
    /// A customer's message.
    Message(NewInbound),
    /// A delivery status.
    Status(StatusUpdate),
    /// A template review change.
    Template(TemplateStatusUpdate),
}

/// Everything one webhook call reported, stored in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct IntakeBatch {
    /// The connector called.
    pub connector_id: i64,
    /// When the webhook arrived.
    pub received_ms: i64,
    /// The events, in order.
    pub items: Vec<IntakeItem>,
    /// For a poll: where the next poll starts, saved with the events it follows.
    pub poll_cursor: Option<String>,
}

/// A message's event from the event log: it was queued, sent, delivered, read, failed…
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageEventRow {
    /// The event's id (increasing).
    pub id: i64,
    /// `message.queued`, `message.sent`, `message.delivered`, `message.read`, `message.failed`…
    pub kind: String,
    /// Its conversation.
    pub conversation_id: i64,
    /// The message.
    pub message_id: i64,
}

/// What storing one item did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeOutcome {
    /// A message.
    Message {
        /// Its id (the first copy's, for a duplicate).
        message_id: i64,
        /// Its conversation, unless blocked.
        conversation_id: Option<i64>,
        /// Seen before: nothing else was done.
        duplicate: bool,
        /// From a blacklisted sender.
        blocked: bool,
        /// It opened a new conversation.
        new_conversation: bool,
        /// The opt-out confirmation queued, if any.
        reply_id: Option<i64>,
    },
    /// A status.
    Status {
        /// The message it applied to, if known yet.
        message_id: Option<i64>,
        /// It moved the message forward.
        applied: bool,
        /// Kept until the send answer records the provider id.
        parked: bool,
    },
    /// A template status.
    Template {
        /// Templates it updated.
        updated: u64,
    },
}

/// An outbound message that passed the compliance gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbound {
    /// Connector to send through.
    pub connector_id: i64,
    /// Business number it goes from.
    pub number_id: i64,
    /// Recipient.
    pub contact_id: i64,
    /// Conversation, if any (a new outbound one is opened when `None` and `open` is set).
    pub conversation_id: Option<i64>,
    /// agent, bot, api, dialer, system.
    pub origin: String,
    /// Content kind word.
    pub kind: String,
    /// Content JSON.
    pub content: String,
    /// SMS encoding and segments.
    pub sms: Option<(String, i64)>,
    /// When.
    pub at_ms: i64,
}

/// What the sender claimed: everything a send needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundJob {
    /// Message id.
    pub id: i64,
    /// Connector.
    pub connector_id: i64,
    /// Business number.
    pub from: String,
    /// Recipient number.
    pub to_number: Option<String>,
    /// Recipient user id.
    pub to_user_id: Option<String>,
    /// Content JSON.
    pub content: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// How a send attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendResult {
    /// The provider took it.
    Accepted {
        /// Its id there.
        provider_message_id: String,
    },
    /// Try again at `at_ms`.
    Retry {
        /// When.
        at_ms: i64,
        /// Last error code.
        code: String,
        /// Last error text.
        message: String,
    },
    /// Gave up.
    Failed {
        /// Error code.
        code: String,
        /// Error text.
        message: String,
    },
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// Id.
    pub id: i64,
    /// Connector.
    pub connector_id: i64,
    /// Business number id.
    pub number_id: i64,
    /// Contact id.
    pub contact_id: i64,
    /// Conversation.
    pub conversation_id: Option<i64>,
    /// `in` or `out`.
    pub direction: String,
    /// customer, agent, bot, api, dialer, system.
    pub origin: String,
    /// Provider id.
    pub provider_message_id: Option<String>,
    /// Content JSON.
    pub content: String,
    /// Status word.
    pub status: String,
    /// Failure code.
    pub error_code: Option<String>,
    /// Failure text.
    pub error_message: Option<String>,
    /// gsm7 / ucs2.
    pub sms_encoding: Option<String>,
    /// Segments.
    pub sms_segments: Option<i64>,
    /// Send attempts.
    pub attempts: i64,
    /// Created.
    pub created_ms: i64,
    /// Last change.
    pub updated_ms: i64,
}

/// A stored conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRow {
    /// Id.
    pub id: i64,
    /// Business number id.
    pub number_id: i64,
    /// The business number.
    pub number: String,
    /// Contact id.
    pub contact_id: i64,
    /// The contact's number, if known.
    pub contact_number: Option<String>,
    /// The contact's name, if known.
    pub contact_name: Option<String>,
    /// State word.
    pub state: String,
    /// Still open.
    pub open: bool,
    /// Last message time.
    pub last_message_ms: i64,
    /// Created.
    pub created_ms: i64,
    /// Closed.
    pub closed_ms: Option<i64>,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// The agent holding it (or who held it last).
    pub agent_id: Option<i64>,
    /// While transferring to an agent: that agent.
    pub transfer_to_agent_id: Option<i64>,
    /// Why it ended.
    pub end_reason: Option<String>,
    /// Disposition code.
    pub disposition: Option<String>,
    /// Survey score.
    pub csat: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
    /// When it entered the queue.
    pub queued_ms: Option<i64>,
    /// The first agent reply.
    pub first_reply_ms: Option<i64>,
}

/// Which conversations to list (all filters optional), newest first, before a cursor id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversationFilter {
    /// Only ids below this.
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
    /// Only this contact's.
    pub contact_id: Option<i64>,
    /// Created at or after (ms).
    pub from_ms: Option<i64>,
    /// Created before (ms).
    pub to_ms: Option<i64>,
    /// The customer's number (E.164).
    pub contact_number: Option<String>,
    /// The business number (E.164).
    pub business_number: Option<String>,
    /// Only these campaigns (a supervisor's scope, or one asked for).
    pub campaigns: Option<Vec<i64>>,
    /// Only those an agent held.
    pub agent_id: Option<i64>,
    /// Only open (true) or ended (false) ones.
    pub open: Option<bool>,
    /// Only those closed with this disposition.
    pub disposition: Option<String>,
    /// Only those with a message whose words contain this text, in any case and with or
    /// without accents (`espana` finds "ESPAÑA").
    pub text: Option<String>,
}

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRow {
    /// Id.
    pub id: i64,
    /// E.164 number.
    pub number: Option<String>,
    /// Provider user id.
    pub user_id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// When they opted out, if they did and have not opted in since.
    pub opted_out_ms: Option<i64>,
}

/// An inbound attachment the media worker claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaJob {
    /// Media row id.
    pub id: i64,
    /// Its message.
    pub message_id: i64,
    /// Connector to fetch through.
    pub connector_id: i64,
    /// Provider locator.
    pub locator: String,
    /// MIME type the webhook said.
    pub mime_type: Option<String>,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// How a media fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaResult {
    /// Stored under its sha256.
    Stored {
        /// Hex sha256 of the bytes.
        sha256: String,
        /// Size in bytes.
        size: i64,
        /// MIME type.
        mime_type: String,
        /// File name, if any.
        filename: Option<String>,
    },
    /// Try again at `at_ms`.
    Retry {
        /// When.
        at_ms: i64,
        /// Why it failed now.
        error: String,
    },
    /// Gave up (too large, refused type, gone).
    Failed {
        /// Why.
        error: String,
    },
}

/// A stored attachment as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRow {
    /// Media row id.
    pub id: i64,
    /// Its message.
    pub message_id: i64,
    /// Position in the message.
    pub position: i64,
    /// pending, stored, failed.
    pub state: String,
    /// Hex sha256 once stored.
    pub sha256: Option<String>,
    /// MIME type.
    pub mime_type: Option<String>,
    /// File name.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
}
