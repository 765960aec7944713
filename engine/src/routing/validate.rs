//! The host's check of a strategy's answer: a plugin orders, it never decides eligibility.

use switchboard_strategies::{Assignment, RouteInput};

/// Checks `assignments` against `input`: every conversation is waiting and assigned at most
/// once, every agent is eligible and gets no more than its free slots, and no excluded pair is
/// used. Returns the first violation; the whole answer is then rejected, never half applied.
pub fn validate(input: &RouteInput, assignments: &[Assignment]) -> Result<(), String> {
    // Sorted vectors and binary search: no hashing on the routing path.
    let mut waiting: Vec<u64> = input.waiting.iter().map(|w| w.id).collect();
    waiting.sort_unstable();
    let mut taken = vec![false; waiting.len()];
    let mut slots: Vec<(u64, u32)> = input
        .agents
        .iter()
        .map(|a| (a.id, a.capacity.saturating_sub(a.load)))
        .collect();
    slots.sort_unstable_by_key(|&(id, _)| id);
    let mut excluded: Vec<(u64, u64)> = input
        .exclusions
        .iter()
        .map(|e| (e.conversation, e.agent))
        .collect();
    excluded.sort_unstable();

    for a in assignments {
        let w = waiting
            .binary_search(&a.conversation)
            .map_err(|_| format!("conversation {} is not waiting", a.conversation))?;
        if std::mem::replace(&mut taken[w], true) {
            return Err(format!(
                "conversation {} is assigned more than once",
                a.conversation
            ));
        }
        let s = slots
            .binary_search_by_key(&a.agent, |&(id, _)| id)
            .map_err(|_| format!("agent {} is not eligible", a.agent))?;
        let free = &mut slots[s].1;
        if *free == 0 {
            return Err(format!("agent {} would exceed its capacity", a.agent));
        }
        *free -= 1;
        if excluded.binary_search(&(a.conversation, a.agent)).is_ok() {
            return Err(format!(
                "agent {} is excluded for conversation {}",
                a.agent, a.conversation
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_strategies::{Agent, Exclusion, Waiting};

    fn input() -> RouteInput {
        let waiting = |id| Waiting {
            id,
            waited_ms: 0,
            priority: 0,
            required_skills: 0,
            previous: None,
        };
        let agent = |id, load, capacity| Agent {
            id,
            load,
            capacity,
            idle_ms: 0,
            last_assigned_at_ms: None,
            penalty: 0,
            skills: 0,
        };
        RouteInput {
            waiting: vec![waiting(1), waiting(2), waiting(3)],
            agents: vec![agent(10, 0, 2), agent(11, 2, 3)],
            exclusions: vec![Exclusion {
                conversation: 3,
                agent: 10,
            }],
            ..RouteInput::default()
        }
    }

    fn pairs(p: &[(u64, u64)]) -> Vec<Assignment> {
        p.iter()
            .map(|&(conversation, agent)| Assignment {
                conversation,
                agent,
            })
            .collect()
    }

    #[test]
    fn valid_answer_passes() {
        assert_eq!(
            validate(&input(), &pairs(&[(1, 10), (2, 10), (3, 11)])),
            Ok(())
        );
        assert_eq!(validate(&input(), &[]), Ok(()));
    }

    #[test]
    fn unknown_agent_is_rejected() {
        let error = validate(&input(), &pairs(&[(1, 99)])).expect_err("unknown agent");
        assert!(error.contains("agent 99"), "{error}");
    }

    #[test]
    fn unknown_conversation_is_rejected() {
        assert!(validate(&input(), &pairs(&[(42, 10)])).is_err());
    }

    #[test]
    fn agent_over_capacity_is_rejected() {
        // Agent 11 holds 2 of 3: one free slot.
        let error = validate(&input(), &pairs(&[(1, 11), (2, 11)])).expect_err("over capacity");
        assert!(error.contains("capacity"), "{error}");
    }

    #[test]
    fn conversation_twice_is_rejected() {
        let error = validate(&input(), &pairs(&[(1, 10), (1, 11)])).expect_err("twice");
        assert!(error.contains("more than once"), "{error}");
    }

    #[test]
    fn excluded_pair_is_rejected() {
        let error = validate(&input(), &pairs(&[(3, 10)])).expect_err("excluded");
        assert!(error.contains("excluded"), "{error}");
    }
}
