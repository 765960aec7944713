//! Settings of people's logins: the password hash's cost, sessions, and login rate limits.

use std::time::Duration;

use serde::Deserialize;

use super::{ConfigError, invalid};

/// The smallest argon2 memory cost the algorithm allows (8 blocks of 1 KiB).
pub const MIN_ARGON2_MEMORY_KIB: u32 = 8;
/// A memory cost past this is surely a typo: 4 GiB per login.
const MAX_ARGON2_MEMORY_KIB: u32 = 4 << 20;

/// Login settings (`[auth]` in the config file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// Memory of one argon2id password hash, in KiB (env `SWITCHBOARD_ARGON2_MEMORY_KIB`).
    /// Default 19 456 (19 MiB, OWASP's recommendation with 2 iterations). Raising it slows
    /// every login and guess alike; only tests should lower it.
    pub argon2_memory_kib: u32,
    /// Passes of one argon2id password hash (env `SWITCHBOARD_ARGON2_ITERATIONS`). Default 2.
    pub argon2_iterations: u32,
    /// A session unused this long ends, in seconds. Default 43 200 (12 h).
    pub session_idle_timeout_s: u64,
    /// A session ends this long after login whatever its use, in seconds. Default 604 800
    /// (7 days).
    pub session_lifetime_s: u64,
    /// Login attempts per minute for one username (also the burst). Default 5.
    pub login_attempts_per_account: u32,
    /// Login attempts per minute from one client address (also the burst), env
    /// `SWITCHBOARD_LOGIN_ATTEMPTS_PER_IP`. Default 60; raise it when many people (or a load
    /// tool) log in from one address, such as behind a NAT.
    pub login_attempts_per_ip: u32,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            session_idle_timeout_s: 12 * 3_600,
            session_lifetime_s: 7 * 24 * 3_600,
            login_attempts_per_account: 5,
            login_attempts_per_ip: 60,
        }
    }
}

impl AuthSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if !(MIN_ARGON2_MEMORY_KIB..=MAX_ARGON2_MEMORY_KIB).contains(&self.argon2_memory_kib) {
            return Err(invalid(
                "auth.argon2_memory_kib",
                format!("must be between {MIN_ARGON2_MEMORY_KIB} and {MAX_ARGON2_MEMORY_KIB}"),
            ));
        }
        let positive = [
            ("auth.argon2_iterations", u64::from(self.argon2_iterations)),
            ("auth.session_idle_timeout_s", self.session_idle_timeout_s),
            ("auth.session_lifetime_s", self.session_lifetime_s),
            (
                "auth.login_attempts_per_account",
                u64::from(self.login_attempts_per_account),
            ),
            (
                "auth.login_attempts_per_ip",
                u64::from(self.login_attempts_per_ip),
            ),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(invalid(key, "must be more than 0"));
            }
        }
        Ok(())
    }

    /// How long an unused session lives.
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.session_idle_timeout_s)
    }

    /// How long any session lives.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.session_lifetime_s)
    }
}
