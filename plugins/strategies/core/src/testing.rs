//! Small builders for the unit tests of this crate.

use crate::{Agent, Assignment, RouteError, RouteInput, Waiting};

/// The `now_ms` of every test input.
pub(crate) const NOW_MS: u64 = 1_700_000_000_000;

/// A conversation needing no skill, priority 0, just arrived.
pub(crate) fn waiting(id: u64) -> Waiting {
    Waiting {
        id,
        waited_ms: 0,
        priority: 0,
        required_skills: 0,
        previous: None,
    }
}

/// An agent with one free slot, no skills, no penalty, never assigned, just freed.
pub(crate) fn agent(id: u64) -> Agent {
    Agent {
        id,
        load: 0,
        capacity: 1,
        idle_ms: 0,
        last_assigned_at_ms: None,
        penalty: 0,
        skills: 0,
    }
}

/// A pass at [`NOW_MS`] with seed 0.
pub(crate) fn input(waiting: Vec<Waiting>, agents: Vec<Agent>) -> RouteInput {
    RouteInput {
        now_ms: NOW_MS,
        waiting,
        agents,
        ..RouteInput::default()
    }
}

/// The (conversation, agent) pairs of a successful pass.
pub(crate) fn assigned(result: Result<Vec<Assignment>, RouteError>) -> Vec<(u64, u64)> {
    match result {
        Ok(assignments) => assignments
            .iter()
            .map(|a| (a.conversation, a.agent))
            .collect(),
        Err(error) => panic!("route failed: {error}"),
    }
}
