//! The agent orders strategies rank by, and how an assignment moves an agent in that order.
//!
//! A [`Rank`] turns an agent, and how many conversations the pass has given it so far, into a
//! 128-bit sort key (smaller is preferred) that encodes the whole order exactly; the pool breaks
//! equal keys by the lowest id. A pure key function means the pass never copies or mutates the
//! agents, and integer keys sort fast (see `ranking`), all the more when most of their bits are
//! the same across a pass: keys are made as narrow as the pass allows.

use crate::Agent;

/// An order of preference over agents that an assignment can change.
pub(crate) trait Rank {
    /// The agent's place in the order once this pass has given it `given` conversations:
    /// smaller first; equal keys go to the lowest id.
    fn key(&self, agent: &Agent, given: u32) -> u128;
}

/// Puts `high` before `low` in one key.
fn pack(high: u64, low: u64) -> u128 {
    (u128::from(high) << 64) | u128::from(low)
}

/// Lowest load/capacity ratio first, then the longest idle. Each assignment of the pass adds
/// to the load.
pub(crate) struct LeastBusy {
    /// Bits of the ratio's fixed-point fraction: enough to order every pair of this pass's
    /// ratios exactly, and no more.
    precision: u32,
}

impl LeastBusy {
    /// The order for a pass over `agents`.
    pub(crate) fn new(agents: &[Agent]) -> Self {
        // Two different fractions with denominators below 2^k differ by more than 2^-2k.
        let largest = agents.iter().map(|a| a.capacity).max().unwrap_or(1).max(1);
        LeastBusy {
            precision: 2 * (u32::BITS - largest.leading_zeros()),
        }
    }
}

impl Rank for LeastBusy {
    fn key(&self, agent: &Agent, given: u32) -> u128 {
        let load = agent.load.saturating_add(given);
        pack(
            load_ratio(load, agent.capacity, self.precision),
            u64::MAX - agent.idle_ms,
        )
    }
}

/// `load / capacity` as a fixed-point fraction of `precision` bits (at most 64), rounded down,
/// for `load < capacity`: `floor(load * 2^precision / capacity)`. Above 32 bits it takes two
/// 64-bit divisions (base 2^32 long division), because a 128-bit one is a slow libcall.
fn load_ratio(load: u32, capacity: u32, precision: u32) -> u64 {
    let (load, capacity) = (u64::from(load), u64::from(capacity));
    if load >= capacity {
        return u64::MAX; // full: never in a pool, but keep the order total.
    }
    if precision <= 32 {
        return (load << precision) / capacity;
    }
    let high = (load << 32) / capacity;
    let low = (((load << 32) % capacity) << 32) / capacity;
    ((high << 32) | low) >> (64 - precision)
}

/// Longest idle first. An agent given a conversation in this pass is no longer idle.
pub(crate) struct LongestIdle;

impl Rank for LongestIdle {
    fn key(&self, agent: &Agent, given: u32) -> u128 {
        let idle_ms = if given > 0 { 0 } else { agent.idle_ms };
        u128::from(u64::MAX - idle_ms)
    }
}

/// Oldest last assignment first (never assigned comes first), then the longest idle: uContact's
/// "rrmemory". An agent given a conversation in this pass was last assigned now.
pub(crate) struct RoundRobin {
    /// The pass's time, which becomes the last assignment of an agent given work.
    now_ms: u64,
    /// No later than any last assignment of the pass, nor now: times are keyed from here.
    base_ms: u64,
}

impl RoundRobin {
    /// The order for a pass at `now_ms` over `agents`.
    pub(crate) fn new(now_ms: u64, agents: &[Agent]) -> Self {
        let earliest = agents
            .iter()
            .filter_map(|a| a.last_assigned_at_ms)
            .min()
            .unwrap_or(now_ms);
        RoundRobin {
            now_ms,
            base_ms: earliest.min(now_ms),
        }
    }
}

impl Rank for RoundRobin {
    fn key(&self, agent: &Agent, given: u32) -> u128 {
        let last = if given > 0 {
            Some(self.now_ms)
        } else {
            agent.last_assigned_at_ms
        };
        // Never assigned sorts first, before the earliest time. (A time 584 million years after
        // the earliest would tie with the millisecond before it.)
        let last = last.map_or(0, |at| (at - self.base_ms).saturating_add(1));
        pack(last, u64::MAX - agent.idle_ms)
    }
}

/// Agent id order, unchanged by assignments: for strategies that choose by other means.
pub(crate) struct ById;

impl Rank for ById {
    fn key(&self, agent: &Agent, _: u32) -> u128 {
        u128::from(agent.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(load: u32, capacity: u32, idle_ms: u64) -> Agent {
        Agent {
            id: 1,
            load,
            capacity,
            idle_ms,
            last_assigned_at_ms: None,
            penalty: 0,
            skills: 0,
        }
    }

    #[test]
    fn least_busy_compares_ratios_exactly() {
        // 1/3 < 2/5 < 1/2 == 2/4, the tie going to the longer idle.
        let rank = LeastBusy::new(&[agent(0, 5, 0)]);
        let key = |load, capacity, idle| rank.key(&agent(load, capacity, idle), 0);
        assert!(key(1, 3, 0) < key(2, 5, 0));
        assert!(key(2, 5, 0) < key(1, 2, 0));
        assert!(key(2, 4, 9) < key(1, 2, 3));
        assert_eq!(load_ratio(2, 4, 6), load_ratio(1, 2, 6));
        // Neighbouring fractions with the largest denominators still differ.
        let max = u32::MAX;
        let rank = LeastBusy::new(&[agent(0, max, 0)]);
        let key = |load, capacity| rank.key(&agent(load, capacity, 0), 0);
        assert!(key(max - 2, max - 1) < key(max - 1, max));
        assert!(key(0, 1) < key(1, max));
    }

    #[test]
    fn least_busy_ratio_agrees_with_cross_multiplication() {
        let mut state = 99u64;
        let mut next = move |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        for _ in 0..100_000 {
            let scale = [10, 1_000, 70_000, u64::from(u32::MAX)][next(4) as usize];
            let (c1, c2) = (1 + next(scale) as u32, 1 + next(scale) as u32);
            let (l1, l2) = (next(u64::from(c1)) as u32, next(u64::from(c2)) as u32);
            let exact = (u64::from(l1) * u64::from(c2)).cmp(&(u64::from(l2) * u64::from(c1)));
            let rank = LeastBusy::new(&[agent(0, c1, 0), agent(0, c2, 0)]);
            let by_key = rank
                .key(&agent(l1, c1, 0), 0)
                .cmp(&rank.key(&agent(l2, c2, 0), 0));
            assert_eq!(by_key, exact, "{l1}/{c1} vs {l2}/{c2}");
        }
    }

    #[test]
    fn round_robin_puts_never_assigned_first() {
        let mut old = agent(0, 1, 0);
        old.last_assigned_at_ms = Some(0);
        let rank = RoundRobin::new(9, &[old]);
        assert!(rank.key(&agent(0, 1, 0), 0) < rank.key(&old, 0));
    }

    #[test]
    fn round_robin_keys_times_after_now_too() {
        let mut late = agent(0, 1, 0);
        late.last_assigned_at_ms = Some(500);
        let mut early = late;
        early.last_assigned_at_ms = Some(200);
        let rank = RoundRobin::new(100, &[late, early]);
        assert!(rank.key(&early, 0) < rank.key(&late, 0));
        assert!(
            rank.key(&late, 1) < rank.key(&early, 0),
            "assigned now, before 200"
        );
    }

    #[test]
    fn assignments_in_the_pass_change_the_key() {
        let a = agent(0, 4, 500);
        let least_busy = LeastBusy::new(&[a]);
        assert!(least_busy.key(&a, 0) < least_busy.key(&a, 1));
        assert_eq!(least_busy.key(&a, 2), least_busy.key(&agent(2, 4, 500), 0));
        assert_eq!(LongestIdle.key(&a, 1), LongestIdle.key(&agent(0, 4, 0), 0));
        let rank = RoundRobin::new(9, &[a]);
        let mut at_now = a;
        at_now.last_assigned_at_ms = Some(9);
        assert_eq!(rank.key(&a, 1), rank.key(&at_now, 0));
    }
}
