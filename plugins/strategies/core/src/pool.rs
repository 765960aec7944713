//! The agents of a pass, kept in a strategy's order while assignments change their keys.
//!
//! A pass rarely needs more than its first few hundred agents in order, so the pool ranks
//! lazily: it selects the best `chunk` agents (a linear-time selection), sorts only those, and
//! leaves the rest unranked, every one of them ordered after the ranked part. Serving a
//! conversation scans the ranked part from the best agent for the first that qualifies
//! (usually a few steps), ranking the next chunk if it runs out. An assignment moves the agent
//! to its new place (a binary search over a compact key array and a rotation of the indices
//! between), into the unranked rest if it now sorts after it, or out of the pool when its
//! slots are used up. The agents themselves are only read; nothing is allocated per
//! conversation.

use crate::Agent;
use crate::rank::Rank;
use crate::ranking::rank_smallest;
use crate::repeats::{any_repeated, keep_first_of_each};

/// The agents that still have free slots in this pass, best first by `R`, then lowest id.
pub(crate) struct Pool<'a, R> {
    rank: R,
    /// The pass's agents, as given.
    agents: &'a [Agent],
    /// Conversations given to each agent so far in this pass.
    given: Vec<u32>,
    /// Each agent's current key (`R`'s key after `given`); unused for agents never in `order`.
    keys: Vec<u128>,
    /// Indices into `agents` of those with a slot left: `order[..ranked]` in order of
    /// preference, then the unranked rest, in no order. Kept small (4 bytes an agent) because
    /// an assignment rotates part of it.
    order: Vec<u32>,
    /// How many entries of `order` are in order.
    ranked: usize,
    /// Every unranked agent's key is greater than this.
    boundary: u128,
    /// How many agents to rank at a time.
    chunk: usize,
}

impl<'a, R: Rank> Pool<'a, R> {
    /// Takes the agents with a free slot, each id once, in `rank`'s order, ranking about
    /// `wanted` of them up front.
    pub(crate) fn new(rank: R, agents: &'a [Agent], wanted: usize) -> Self {
        let mut keys: Vec<u128> = vec![0; agents.len()];
        let mut order: Vec<u32> = Vec::with_capacity(agents.len());
        for (index, agent) in agents.iter().enumerate() {
            if agent.free_slots() > 0 {
                keys[index] = rank.key(agent, 0);
                order.push(index as u32);
            }
        }
        let mut pool = Pool {
            rank,
            agents,
            given: vec![0; agents.len()],
            keys,
            order,
            ranked: 0,
            boundary: u128::MAX,
            chunk: wanted.max(1),
        };
        if any_repeated(agents.iter().map(|a| a.id)) {
            // Rank everyone, then keep each id's best-placed entry.
            pool.rank_more(usize::MAX);
            keep_first_of_each(&mut pool.order, |i| agents[i as usize].id);
            pool.ranked = pool.order.len();
        } else {
            pool.rank_more(pool.chunk);
        }
        pool
    }

    /// Whether no agent has a slot left.
    pub(crate) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Slots left over all agents.
    pub(crate) fn total_free(&self) -> u64 {
        self.order
            .iter()
            .map(|&i| u64::from(self.free(i as usize)))
            .sum()
    }

    /// Every agent with a slot left, best first, with their positions (ranks them all).
    pub(crate) fn all_ranked(&mut self) -> impl Iterator<Item = (usize, &'a Agent)> + '_ {
        self.rank_more(usize::MAX);
        let agents = self.agents;
        self.order
            .iter()
            .enumerate()
            .map(move |(pos, &i)| (pos, &agents[i as usize]))
    }

    /// Position of the best agent for which `qualifies` holds.
    pub(crate) fn first(&mut self, mut qualifies: impl FnMut(&Agent) -> bool) -> Option<usize> {
        let mut pos = 0;
        loop {
            let found = self.order[pos..self.ranked]
                .iter()
                .position(|&i| qualifies(&self.agents[i as usize]));
            if let Some(offset) = found {
                return Some(pos + offset);
            }
            pos = self.ranked;
            if !self.rank_more(self.chunk) {
                return None;
            }
        }
    }

    /// Position of agent `id`, if it has a slot left (ranked or not).
    pub(crate) fn position(&self, id: u64) -> Option<usize> {
        self.order
            .iter()
            .position(|&i| self.agents[i as usize].id == id)
    }

    /// The agent at `pos` (a position returned by this pool since its last change).
    pub(crate) fn agent(&self, pos: usize) -> &'a Agent {
        &self.agents[self.order[pos] as usize]
    }

    /// Gives one conversation to the agent at `pos` and returns its id: uses one of its slots
    /// and moves it to where its new key belongs, or out of the pool when it has none left.
    pub(crate) fn assign(&mut self, pos: usize) -> u64 {
        let index = self.order[pos] as usize;
        let id = self.agents[index].id;
        self.given[index] += 1;
        if self.free(index) == 0 {
            self.order.remove(pos);
            if pos < self.ranked {
                self.ranked -= 1;
            }
            return id;
        }
        let key = self.rank.key(&self.agents[index], self.given[index]);
        self.keys[index] = key;
        let pos = if pos < self.ranked {
            pos
        } else if key <= self.boundary {
            // An unranked agent whose key fell among the ranked ones: rank it last, then place.
            self.order.swap(pos, self.ranked);
            self.ranked += 1;
            self.ranked - 1
        } else {
            return id;
        };
        if key > self.boundary {
            // It now sorts after some unranked agents: make it the first unranked one.
            self.order[pos..self.ranked].rotate_left(1);
            self.ranked -= 1;
            return id;
        }
        let (keys, agents) = (&self.keys, self.agents);
        let ahead = |&i: &u32| {
            let other = keys[i as usize];
            other < key || (other == key && agents[i as usize].id < id)
        };
        // Strategies mostly make an assigned agent less preferred, so look behind it first.
        let passed = self.order[pos + 1..self.ranked].partition_point(ahead);
        if passed > 0 {
            self.order[pos..=pos + passed].rotate_left(1);
        } else {
            let target = self.order[..pos].partition_point(ahead);
            self.order[target..=pos].rotate_right(1);
        }
        id
    }

    /// Slots agent `index` has left in this pass.
    fn free(&self, index: usize) -> u32 {
        self.agents[index].free_slots() - self.given[index]
    }

    /// Ranks about `count` more agents (all of them if fewer are left): the best of the
    /// unranked ones, plus any tied with the last of those, so that every agent left unranked
    /// sorts strictly after every ranked one. Returns whether any was ranked.
    fn rank_more(&mut self, count: usize) -> bool {
        let start = self.ranked;
        if start == self.order.len() {
            return false;
        }
        let (keys, agents) = (&self.keys, self.agents);
        let unranked = &mut self.order[start..];
        let taken = rank_smallest(
            unranked,
            count,
            |i| keys[i as usize],
            |i| agents[i as usize].id,
        );
        self.boundary = match taken < unranked.len() {
            true => keys[unranked[taken - 1] as usize],
            false => u128::MAX,
        };
        self.ranked = start + taken;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::{LeastBusy, LongestIdle, RoundRobin};

    fn agent(id: u64, load: u32, capacity: u32) -> Agent {
        Agent {
            id,
            load,
            capacity,
            idle_ms: 0,
            last_assigned_at_ms: None,
            penalty: 0,
            skills: 0,
        }
    }

    fn ids<R: Rank>(pool: &mut Pool<'_, R>) -> Vec<u64> {
        pool.all_ranked().map(|(_, a)| a.id).collect()
    }

    #[test]
    fn agents_without_free_slots_are_left_out() {
        let agents = [agent(1, 2, 2), agent(2, 0, 1), agent(3, 5, 1)];
        let mut pool = Pool::new(LeastBusy::new(&agents), &agents, 10);
        assert_eq!(ids(&mut pool), [2]);
        assert_eq!(pool.total_free(), 1);
    }

    #[test]
    fn an_assigned_agent_moves_to_its_new_place() {
        let agents = [agent(1, 0, 4), agent(2, 1, 4), agent(3, 2, 4)];
        let mut pool = Pool::new(LeastBusy::new(&agents), &agents, 10);
        assert_eq!(ids(&mut pool), [1, 2, 3]);
        assert_eq!(pool.assign(0), 1); // 1/4: ties with agent 2, lower id stays first
        assert_eq!(ids(&mut pool), [1, 2, 3]);
        assert_eq!(pool.assign(0), 1); // 2/4
        assert_eq!(ids(&mut pool), [2, 1, 3]);
        assert_eq!(pool.assign(0), 2); // 2/4
        assert_eq!(ids(&mut pool), [1, 2, 3]);
    }

    #[test]
    fn an_agent_whose_key_improves_moves_forward() {
        // A last assignment in the future (clock skew) sorts after `now`.
        let mut late = agent(1, 0, 3);
        late.last_assigned_at_ms = Some(500);
        let mut early = agent(2, 0, 3);
        early.last_assigned_at_ms = Some(200);
        let agents = [late, early];
        let mut pool = Pool::new(RoundRobin::new(100, &agents), &agents, 10);
        assert_eq!(ids(&mut pool), [2, 1]);
        let pos = pool.position(1).expect("agent 1 has slots");
        pool.assign(pos);
        assert_eq!(ids(&mut pool), [1, 2]);
    }

    #[test]
    fn an_agent_out_of_slots_leaves_the_pool() {
        let agents = [agent(1, 0, 1), agent(2, 0, 2)];
        let mut pool = Pool::new(LeastBusy::new(&agents), &agents, 10);
        pool.assign(0);
        assert_eq!(ids(&mut pool), [2]);
        assert_eq!(pool.position(1), None);
    }

    #[test]
    fn a_repeated_agent_id_is_used_once() {
        let agents = [agent(7, 3, 4), agent(8, 0, 1), agent(7, 0, 4)];
        let mut pool = Pool::new(LeastBusy::new(&agents), &agents, 10);
        assert_eq!(ids(&mut pool), [7, 8]);
        assert_eq!(pool.agent(0).load, 0);
    }

    /// A pass driven through a pool that ranks `chunk` agents at a time: which agents it
    /// assigns, in order. Conversations alternate between taking the best agent with some
    /// skills and taking a named agent wherever it is (as `sticky` does).
    fn drive<R: Rank>(rank: R, agents: &[Agent], chunk: usize, seed: u64) -> Vec<u64> {
        let mut pool = Pool::new(rank, agents, chunk);
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut assigned = Vec::new();
        for _ in 0..40 {
            let pos = if next() % 3 == 0 {
                pool.position(next() % 30)
            } else {
                let needs = next() % 4;
                pool.first(|a| a.skills & needs == needs)
            };
            if let Some(pos) = pos {
                assigned.push(pool.assign(pos));
            }
        }
        assigned.extend(pool.all_ranked().map(|(_, a)| a.id + 1000));
        assigned
    }

    #[test]
    fn ranking_lazily_gives_the_same_pass_as_ranking_everything() {
        for seed in 0..300u64 {
            let agents: Vec<Agent> = (0..30)
                .map(|id| {
                    let capacity = 1 + (id * 7 + seed) % 4;
                    Agent {
                        id,
                        load: ((id + seed) % (capacity + 1)) as u32,
                        capacity: capacity as u32,
                        idle_ms: (id * seed) % 5,
                        last_assigned_at_ms: [None, Some(50), Some(100), Some(900)]
                            [((id ^ seed) % 4) as usize],
                        penalty: 0,
                        skills: (id * 5 + seed) % 4,
                    }
                })
                .collect();
            for chunk in [1, 2, 3, 7] {
                let lb = || LeastBusy::new(&agents);
                assert_eq!(
                    drive(lb(), &agents, chunk, seed),
                    drive(lb(), &agents, usize::MAX, seed)
                );
                assert_eq!(
                    drive(LongestIdle, &agents, chunk, seed),
                    drive(LongestIdle, &agents, usize::MAX, seed)
                );
                let rr = || RoundRobin::new(500, &agents);
                assert_eq!(
                    drive(rr(), &agents, chunk, seed),
                    drive(rr(), &agents, usize::MAX, seed),
                    "seed {seed} chunk {chunk}"
                );
            }
        }
    }
}
