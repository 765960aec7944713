//! What the store keeps for dialers: the dialers, their records (one per destination of an
//! uploaded list, with a position and a state), and the do-not-call list.

use serde::Serialize;
use utoipa::ToSchema;

/// A record's state. The order of [`RecordState::rank`] is the order a record may move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RecordState {
    /// Waiting for its turn.
    Pending,
    /// Handed to the provider; no answer yet.
    Sending,
    /// The provider accepted it.
    Sent,
    /// Delivered to the phone.
    Delivered,
    /// Read.
    Read,
    /// Skipped: on the do-not-call list or blacklisted.
    Blocked,
    /// Not a valid number (or a broken row).
    Invalid,
    /// The provider refused it, or a rule did; the reason says which.
    Failed,
    /// Was being sent when the engine stopped: it may have left, so it is never re-sent blindly.
    Unknown,
    /// Purged before it was sent.
    Cancelled,
}

impl RecordState {
    /// Every state, in display order.
    pub const ALL: [RecordState; 10] = [
        Self::Pending,
        Self::Sending,
        Self::Sent,
        Self::Delivered,
        Self::Read,
        Self::Blocked,
        Self::Invalid,
        Self::Failed,
        Self::Unknown,
        Self::Cancelled,
    ];

    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Read => "read",
            Self::Blocked => "blocked",
            Self::Invalid => "invalid",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
            Self::Cancelled => "cancelled",
        }
    }

    /// Reads a stored word.
    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == word)
    }

    /// Forward-only order: a status webhook moves a record only to a higher rank. The same
    /// numbers as the message statuses, so a message's status maps onto its record.
    pub fn rank(self) -> i64 {
        match self {
            Self::Pending => 0,
            Self::Sending | Self::Unknown => 1,
            Self::Sent => 2,
            Self::Delivered => 3,
            Self::Read => 4,
            Self::Failed | Self::Blocked | Self::Invalid | Self::Cancelled => 5,
        }
    }

    /// Whether the dialer has dealt with the record (anything but pending).
    pub fn processed(self) -> bool {
        self != Self::Pending
    }
}

/// A dialer as stored.
#[derive(Debug, Clone)]
pub struct DialerRow {
    /// Id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// `DialerSettings` as JSON.
    pub settings: String,
    /// Started and not stopped.
    pub running: bool,
    /// Why it halted itself, if it did.
    pub paused_reason: Option<String>,
    /// Created.
    pub created_ms: i64,
    /// Last changed.
    pub updated_ms: i64,
}

/// One spooled row of a list.
#[derive(Debug, Clone, Default)]
pub struct NewRecord {
    /// Line in the uploaded file (1-based).
    pub line: Option<i64>,
    /// The recipient's name.
    pub name: Option<String>,
    /// E.164, or the raw text of an invalid number.
    pub destination: String,
    /// Text, or `hsm:code:p1:p2`; empty means the dialer's default template.
    pub message: Option<String>,
    /// Free data carried along (shown in the export).
    pub extra: Option<String>,
    /// `Some(reason)` spools the record `invalid`.
    pub invalid: Option<String>,
}

/// A record as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordRow {
    /// Id.
    pub id: i64,
    /// Its list (none for a single send).
    pub list_id: Option<i64>,
    /// Place in the dialer's order.
    pub position: i64,
    /// Line in the uploaded file.
    pub line: Option<i64>,
    /// Name.
    pub name: Option<String>,
    /// Destination.
    pub destination: String,
    /// Message column.
    pub message: Option<String>,
    /// Extra column.
    pub extra: Option<String>,
    /// State.
    pub state: RecordState,
    /// Why it is blocked, invalid, failed or unknown.
    pub reason: Option<String>,
    /// The message sent for it.
    pub message_id: Option<i64>,
    /// The channel it went out on.
    pub channel: Option<i64>,
    /// Last change, ms.
    pub updated_ms: i64,
}

/// What one upload spooled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpoolCount {
    /// Records now pending.
    pub accepted: u64,
    /// Records spooled `invalid`.
    pub invalid: u64,
}

/// A record about to be handed to the provider: written `sending` with its message row in the
/// same transaction, before any byte leaves.
#[derive(Debug, Clone)]
pub struct BeginSend {
    /// The record.
    pub record_id: i64,
    /// Connector sending it.
    pub connector_id: i64,
    /// Business number sending it.
    pub number_id: i64,
    /// Recipient, E.164.
    pub to: String,
    /// Message kind (text, template).
    pub kind: String,
    /// Content JSON.
    pub content: String,
    /// SMS encoding and segments, for SMS connectors.
    pub sms: Option<(String, i64)>,
    /// The channel (port or number index).
    pub channel: i64,
    /// The campaign replies land in, and until when.
    pub campaign: Option<(i64, i64)>,
}

/// How a record's send ended.
#[derive(Debug, Clone)]
pub enum SendEnd {
    /// The provider accepted it.
    Sent {
        /// The provider's id, which status webhooks name.
        provider_message_id: String,
    },
    /// It ended without going out: the record takes `state` (failed, blocked, invalid).
    Refused {
        /// The record's end state.
        state: RecordState,
        /// Stable error code.
        code: String,
        /// Why.
        message: String,
    },
    /// Nobody knows whether it left (a timeout after the request went out).
    Unknown {
        /// Stable error code.
        code: String,
        /// Why.
        message: String,
    },
    /// The provider refused it for the dialer's sake (a limit): the attempt is kept as a
    /// failed message and the record is pending again.
    Again {
        /// Stable error code.
        code: String,
        /// Why.
        message: String,
    },
}

/// A do-not-call entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DncRow {
    /// Id.
    pub id: i64,
    /// E.164 number.
    pub number: String,
    /// Its campaign, or none for the global list.
    pub campaign_id: Option<i64>,
    /// Added, ms.
    pub added_ms: i64,
}
