//! The routing data model: what one routing pass of one campaign sees and returns.
//!
//! These mirror the records of `switchboard:strategy/strategy@0.1.0` (wit/deps/strategy) field
//! for field, in snake_case, so the engine, the native fallback, the benchmarks and the wasm
//! plugins all speak the same types. Times are milliseconds; skills are bit masks over the
//! campaign's skill table (bit n = skill n).

use serde::{Deserialize, Serialize};

/// The agent who last served a customer, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousAgent {
    /// Agent id.
    pub agent: u64,
    /// When that agent was last assigned this customer (ms since epoch).
    pub at_ms: u64,
}

/// A conversation waiting in the campaign's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// Conversation id.
    pub id: u64,
    /// How long it has waited in this queue at `RouteInput::now_ms`, in ms.
    pub waited_ms: u64,
    /// Higher is served first; 0 by default.
    pub priority: i32,
    /// Skills the conversation needs (bit mask); 0 means none.
    pub required_skills: u64,
    /// The agent who last served this customer, if any.
    pub previous: Option<PreviousAgent>,
}

/// An eligible agent. The host only lists agents it allows to take work in this campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// Agent id.
    pub id: u64,
    /// Conversations the agent holds now, in every campaign.
    pub load: u32,
    /// The agent's effective limit; `capacity - load` is what one pass may assign.
    pub capacity: u32,
    /// Time since the agent last became free or finished a conversation, in ms.
    pub idle_ms: u64,
    /// When the agent was last assigned a conversation of this campaign (ms since epoch).
    pub last_assigned_at_ms: Option<u64>,
    /// Member penalty in this campaign, 0 (preferred) to 100 (last resort).
    pub penalty: u8,
    /// Skills the agent has (bit mask).
    pub skills: u64,
}

/// A pair that must not be matched: the agent rejected the conversation or let the offer expire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Conversation id.
    pub conversation: u64,
    /// Agent id.
    pub agent: u64,
}

/// A free-form attribute of a waiting conversation, for strategies that route on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Conversation id.
    pub conversation: u64,
    /// Attribute name.
    pub name: String,
    /// Attribute value.
    pub value: String,
}

/// One routing pass of one campaign. Conversation and agent ids are unique within a pass (the
/// host builds the lists from its own maps); should one repeat, strategies use only its
/// best-placed entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteInput {
    /// The time of this pass (ms since epoch). Strategies use it instead of any clock.
    pub now_ms: u64,
    /// Seed for any randomness, recorded by the host so a pass can be replayed exactly.
    pub seed: u64,
    /// Campaign id.
    pub campaign: u64,
    /// The queue, in no particular order.
    pub waiting: Vec<Waiting>,
    /// The eligible agents, in no particular order.
    pub agents: Vec<Agent>,
    /// Pairs never to assign.
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// Attributes of waiting conversations (usually empty).
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

/// Give conversation `conversation` to agent `agent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Assignment {
    /// Conversation id.
    pub conversation: u64,
    /// Agent id.
    pub agent: u64,
}

impl Agent {
    /// Conversations this agent may still take in one pass.
    pub fn free_slots(&self) -> u32 {
        self.capacity.saturating_sub(self.load)
    }

    /// Whether the agent has every skill in `required`.
    pub fn has_skills(&self, required: u64) -> bool {
        self.skills & required == required
    }
}
