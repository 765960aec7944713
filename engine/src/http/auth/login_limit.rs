//! Login rate limits: per username, so nobody can guess one account's password quickly, and
//! per client address, so nobody can try one common password on every account.
//!
//! Both are `governor` keyed limiters (GCRA: `n` attempts a minute, in a burst of up to `n`),
//! in memory: a restart forgets them, which costs an attacker a restart they cannot cause. The
//! per-address allowance is generous and configurable, because a whole office behind one NAT,
//! or a load tool with a thousand agents, logs in from one address.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Checks between two sweeps of keys that are back to a full allowance.
const SWEEP_EVERY: u64 = 1_024;
/// Characters of a username kept as a key: enough to tell accounts apart, bounded memory.
const KEY_CHARS: usize = 64;

/// The two limiters.
pub struct LoginLimits {
    per_account: DefaultKeyedRateLimiter<String>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl std::fmt::Debug for LoginLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginLimits").finish_non_exhaustive()
    }
}

impl LoginLimits {
    /// `per_account` attempts a minute per username, `per_ip` per client address.
    pub fn new(per_account: u32, per_ip: u32) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Self {
            per_account: RateLimiter::keyed(quota(per_account)),
            per_ip: RateLimiter::keyed(quota(per_ip)),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts an attempt to log in as `username` from `ip`: `Ok`, or how long to wait before
    /// the next one is allowed.
    pub fn check(&self, username: &str, ip: Option<IpAddr>) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.per_account.retain_recent();
            self.per_ip.retain_recent();
        }
        let now = || self.clock.now();
        if let Some(ip) = ip {
            self.per_ip
                .check_key(&ip)
                .map_err(|not_until| not_until.wait_time_from(now()))?;
        }
        let account: String = username
            .trim()
            .to_lowercase()
            .chars()
            .take(KEY_CHARS)
            .collect();
        self.per_account
            .check_key(&account)
            .map_err(|not_until| not_until.wait_time_from(now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));

    #[test]
    fn one_account_gets_its_burst_then_waits() {
        let limits = LoginLimits::new(3, 100);
        for _ in 0..3 {
            assert!(limits.check("alice", HOME).is_ok());
        }
        let wait = limits.check("Alice", HOME).expect_err("over the limit");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(
            limits.check("bob", HOME).is_ok(),
            "other accounts are not held"
        );
    }

    #[test]
    fn one_address_gets_its_allowance_across_accounts() {
        let limits = LoginLimits::new(100, 2);
        assert!(limits.check("a", HOME).is_ok());
        assert!(limits.check("b", HOME).is_ok());
        assert!(limits.check("c", HOME).is_err());
        let elsewhere = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));
        assert!(limits.check("c", elsewhere).is_ok());
    }
}
