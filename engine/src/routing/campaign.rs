//! A campaign's settings: everything that decides what happens to a conversation in it.
//!
//! The store keeps them as one JSON document (see the `campaigns` table); this type is the one
//! place they are parsed and checked, so the API, the router and the tests agree on their shape.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::schedule::Schedule;

/// A plugin bound to a campaign with its config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginBinding {
    /// The plugin's name (bundled or uploaded).
    pub plugin: String,
    /// Its config (checked against the plugin's schema when the campaign is saved).
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    pub config: serde_json::Value,
}

impl PluginBinding {
    /// The config as the JSON text plugins take.
    pub fn config_text(&self) -> String {
        self.config.to_string()
    }
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// What happens to an agent's conversations when the agent drops off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfflinePolicy {
    /// They stay with the agent, who finds them on return.
    #[default]
    Keep,
    /// After the grace period they go back to the queue, ahead of new arrivals.
    Requeue,
}

/// A pre-set response agents pick instead of typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresetReply {
    /// Short code, unique in the campaign (`/hours`).
    pub code: String,
    /// Title shown in the picker.
    pub title: String,
    /// The text sent.
    pub text: String,
}

/// Every setting of a campaign but its name, switches, numbers and members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CampaignSettings {
    /// Free text for admins.
    pub description: String,
    /// The routing strategy plugin (least-busy when absent).
    pub strategy: PluginBinding,
    /// Opening hours; always open when absent.
    pub schedule: Option<Schedule>,
    /// Sent when a customer writes out of hours (the conversation then ends).
    pub out_of_hours_message: Option<String>,
    /// Service level threshold: an answer within this many seconds counts as in time.
    pub service_level_secs: u32,
    /// A waiting customer silent this long (seconds) is counted as abandoned.
    pub abandonment_secs: Option<u32>,
    /// An assigned chat is closed after this many seconds.
    pub chat_time_limit_secs: Option<u32>,
    /// At most this many customers wait (ACD); the next one gets `queue_full_message` and is
    /// not queued.
    pub max_waiting: Option<u32>,
    /// Sent when the queue is full.
    pub queue_full_message: String,
    /// Conversations an agent holds in this campaign at once.
    pub max_per_agent: u32,
    /// After waiting this long (seconds) the after-wait bot runs, or the conversation moves to
    /// `overflow_campaign`.
    pub max_queue_secs: Option<u32>,
    /// Where a conversation goes after `max_queue_secs` when there is no after-wait bot.
    pub overflow_campaign: Option<String>,
    /// A transfer not taken within this many seconds returns to the agent who made it.
    pub max_transfer_secs: u32,
    /// Offer mode: an agent must accept an offered conversation within this many seconds, else
    /// it goes to the next one. Absent: conversations are assigned directly.
    pub offer_timeout_secs: Option<u32>,
    /// What happens to the conversations of an agent who drops off.
    pub offline_agent_conversations: OfflinePolicy,
    /// Bot run when a conversation starts.
    pub bot_on_start: Option<PluginBinding>,
    /// Bot run after `max_queue_secs` of waiting.
    pub bot_after_wait: Option<PluginBinding>,
    /// Bot run when a conversation closes (a survey, a goodbye).
    pub bot_on_end: Option<PluginBinding>,
    /// Skills agents may have here, in the order strategies see them (at most 64).
    pub skills: Vec<String>,
    /// Pre-set responses.
    pub preset_replies: Vec<PresetReply>,
    /// A reply to one of this campaign's dialer messages within this many seconds lands here.
    pub dialer_reply_window_secs: u32,
}

impl Default for CampaignSettings {
    fn default() -> Self {
        Self {
            description: String::new(),
            strategy: PluginBinding {
                plugin: "least-busy".into(),
                config: empty_object(),
            },
            schedule: None,
            out_of_hours_message: None,
            service_level_secs: 60,
            abandonment_secs: None,
            chat_time_limit_secs: None,
            max_waiting: None,
            queue_full_message:
                "All our agents are busy and the queue is full. Please write again later.".into(),
            max_per_agent: 3,
            max_queue_secs: None,
            overflow_campaign: None,
            max_transfer_secs: 120,
            offer_timeout_secs: None,
            offline_agent_conversations: OfflinePolicy::Keep,
            bot_on_start: None,
            bot_after_wait: None,
            bot_on_end: None,
            skills: Vec::new(),
            preset_replies: Vec::new(),
            dialer_reply_window_secs: 24 * 3600,
        }
    }
}

/// Most skills a campaign may name: strategies see them as bits of a `u64`.
pub const MAX_SKILLS: usize = 64;

impl CampaignSettings {
    /// Checks what serde cannot: ranges, duplicates, the schedule. Plugin configs are checked
    /// against their schemas by the caller, which has the registry.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_per_agent == 0 {
            return Err("`max_per_agent` must be at least 1".into());
        }
        if self.max_transfer_secs == 0 {
            return Err("`max_transfer_secs` must be at least 1".into());
        }
        for (name, value) in [
            ("abandonment_secs", self.abandonment_secs),
            ("chat_time_limit_secs", self.chat_time_limit_secs),
            ("max_queue_secs", self.max_queue_secs),
            ("offer_timeout_secs", self.offer_timeout_secs),
        ] {
            if value == Some(0) {
                return Err(format!("`{name}` must be at least 1 when given"));
            }
        }
        if self.skills.len() > MAX_SKILLS {
            return Err(format!("at most {MAX_SKILLS} skills per campaign"));
        }
        let mut skills = self.skills.clone();
        skills.sort();
        if skills.windows(2).any(|w| w[0] == w[1]) || skills.iter().any(|s| s.trim().is_empty()) {
            return Err("skills must be distinct, non-empty names".into());
        }
        let mut codes: Vec<&str> = self
            .preset_replies
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        codes.sort_unstable();
        if codes.windows(2).any(|w| w[0] == w[1]) {
            return Err("pre-set reply codes must be distinct".into());
        }
        if self.strategy.plugin.trim().is_empty() {
            return Err("`strategy.plugin` is empty".into());
        }
        if let Some(schedule) = &self.schedule {
            schedule.validate().map_err(|e| format!("schedule: {e}"))?;
        }
        Ok(())
    }

    /// The bit of skill `name` in this campaign's skill table.
    pub fn skill_bit(&self, name: &str) -> Option<u64> {
        self.skills
            .iter()
            .position(|s| s.eq_ignore_ascii_case(name))
            .map(|i| 1u64 << i)
    }

    /// The bits of `names`; unknown names are ignored (and reported).
    pub fn skill_mask<'a>(
        &self,
        names: impl IntoIterator<Item = &'a String>,
    ) -> (u64, Vec<String>) {
        let mut mask = 0;
        let mut unknown = Vec::new();
        for name in names {
            match self.skill_bit(name) {
                Some(bit) => mask |= bit,
                None => unknown.push(name.clone()),
            }
        }
        (mask, unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_json_is_the_defaults() {
        let settings: CampaignSettings = serde_json::from_str("{}").expect("defaults");
        assert_eq!(settings, CampaignSettings::default());
        assert_eq!(settings.validate(), Ok(()));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let error =
            serde_json::from_str::<CampaignSettings>(r#"{"max_per_agnet": 2}"#).expect_err("typo");
        assert!(error.to_string().contains("max_per_agnet"), "{error}");
    }

    #[test]
    fn bad_values_are_refused() {
        let zero = CampaignSettings {
            max_per_agent: 0,
            ..CampaignSettings::default()
        };
        assert!(zero.validate().is_err());
        let twice = CampaignSettings {
            skills: vec!["es".into(), "es".into()],
            ..CampaignSettings::default()
        };
        assert!(twice.validate().is_err());
        let no_wait = CampaignSettings {
            max_queue_secs: Some(0),
            ..CampaignSettings::default()
        };
        assert!(no_wait.validate().is_err());
    }

    #[test]
    fn skills_map_to_bits() {
        let settings = CampaignSettings {
            skills: vec!["english".into(), "billing".into()],
            ..CampaignSettings::default()
        };
        assert_eq!(settings.skill_bit("billing"), Some(2));
        let (mask, unknown) = settings.skill_mask(&["English".into(), "x".into()]);
        assert_eq!((mask, unknown), (1, vec!["x".to_owned()]));
    }
}
