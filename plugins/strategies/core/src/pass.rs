//! One routing pass, the part every strategy shares: serve the queue in order, let the strategy
//! pick an agent for each conversation, record the assignment, update the pool.

use crate::pool::Pool;
use crate::queue::{Excluded, Exclusions, serving_order};
use crate::rank::Rank;
use crate::{Agent, Assignment, RouteInput, Waiting};

/// Serves `input`'s queue against a pool ranked by `rank`. For each conversation, `pick`
/// returns the position in the pool of the agent to give it, or `None` to leave it waiting.
/// `pick` only sees agents with a free slot, and is told which of them the conversation
/// excludes.
pub(crate) fn run<R: Rank>(
    input: &RouteInput,
    rank: R,
    mut pick: impl FnMut(&Waiting, &mut Pool<'_, R>, Excluded<'_>) -> Option<usize>,
) -> Vec<Assignment> {
    let queue = serving_order(&input.waiting);
    // A conversation usually takes one of the first few qualifying agents: rank about two per
    // conversation up front, more only if the pass runs through them.
    let mut pool = Pool::new(rank, &input.agents, 2 * queue.len() + 16);
    let exclusions = Exclusions::new(&input.exclusions);
    let most = pool.total_free().min(queue.len() as u64) as usize;
    let mut assignments = Vec::with_capacity(most);
    for &index in &queue {
        if pool.is_empty() {
            break;
        }
        let waiting = &input.waiting[index as usize];
        if let Some(pos) = pick(waiting, &mut pool, exclusions.of(waiting.id)) {
            let agent = pool.assign(pos);
            assignments.push(Assignment {
                conversation: waiting.id,
                agent,
            });
        }
    }
    assignments
}

/// Whether `agent` may take `waiting` without relaxing anything: it has every required skill
/// and has not been excluded.
pub(crate) fn qualifies(agent: &Agent, waiting: &Waiting, excluded: Excluded<'_>) -> bool {
    agent.has_skills(waiting.required_skills) && !excluded.contains(agent.id)
}

/// The best agent in `pool`'s order that qualifies for `waiting`.
pub(crate) fn best_qualified<R: Rank>(
    waiting: &Waiting,
    pool: &mut Pool<'_, R>,
    excluded: Excluded<'_>,
) -> Option<usize> {
    pool.first(|agent| qualifies(agent, waiting, excluded))
}
