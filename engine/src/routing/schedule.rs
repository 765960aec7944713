//! Placeholder until the schedule module lands: always open.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Opening hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Schedule {
    /// IANA time zone.
    pub time_zone: String,
}

impl Schedule {
    /// Checks the schedule.
    pub fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    /// Whether it is open at `at_ms`.
    pub fn is_open(&self, _at_ms: i64) -> bool {
        true
    }

    /// The next change.
    pub fn next_change(&self, _at_ms: i64) -> Option<i64> {
        None
    }
}
