//! The order in which waiting conversations are served, and the pairs never to match.
//!
//! Every strategy serves the queue the same way: priority (higher first), then the longest
//! wait, then the lowest id, each conversation at most once. Strategies differ only in which
//! agent each conversation gets.

use crate::ranking::rank_smallest;
use crate::repeats::{any_repeated, keep_first_of_each};
use crate::{Exclusion, Waiting};

/// Indices into `waiting`, in serving order, each conversation id once (where it comes first).
pub(crate) fn serving_order(waiting: &[Waiting]) -> Vec<u32> {
    // Higher priority and longer wait make smaller keys.
    let key = |index: u32| {
        let w = &waiting[index as usize];
        let lower_priority_later = u64::from(i32::MAX.abs_diff(w.priority));
        (u128::from(lower_priority_later) << 64) | u128::from(u64::MAX - w.waited_ms)
    };
    let mut order: Vec<u32> = (0..waiting.len() as u32).collect();
    rank_smallest(&mut order, usize::MAX, key, |index| {
        waiting[index as usize].id
    });
    if any_repeated(waiting.iter().map(|w| w.id)) {
        keep_first_of_each(&mut order, |index| waiting[index as usize].id);
    }
    order
}

/// The excluded pairs, sorted so a conversation's exclusions are one contiguous slice.
pub(crate) struct Exclusions {
    pairs: Vec<(u64, u64)>,
}

impl Exclusions {
    /// Indexes `exclusions` (an empty list costs nothing).
    pub(crate) fn new(exclusions: &[Exclusion]) -> Self {
        let mut pairs: Vec<(u64, u64)> = exclusions
            .iter()
            .map(|e| (e.conversation, e.agent))
            .collect();
        pairs.sort_unstable();
        Exclusions { pairs }
    }

    /// The agents `conversation` must not be given.
    pub(crate) fn of(&self, conversation: u64) -> Excluded<'_> {
        if self.pairs.is_empty() {
            return Excluded { pairs: &[] };
        }
        let start = self.pairs.partition_point(|&(c, _)| c < conversation);
        let len = self.pairs[start..].partition_point(|&(c, _)| c == conversation);
        Excluded {
            pairs: &self.pairs[start..start + len],
        }
    }
}

/// One conversation's excluded agents (almost always none).
#[derive(Clone, Copy)]
pub(crate) struct Excluded<'a> {
    pairs: &'a [(u64, u64)],
}

impl Excluded<'_> {
    /// Whether `agent` must not be given this conversation.
    pub(crate) fn contains(&self, agent: u64) -> bool {
        self.pairs.iter().any(|&(_, a)| a == agent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting(id: u64, priority: i32, waited_ms: u64) -> Waiting {
        Waiting {
            id,
            waited_ms,
            priority,
            required_skills: 0,
            previous: None,
        }
    }

    fn ids(waiting: &[Waiting]) -> Vec<u64> {
        serving_order(waiting)
            .iter()
            .map(|&i| waiting[i as usize].id)
            .collect()
    }

    #[test]
    fn higher_priority_is_served_first_then_longest_wait_then_lowest_id() {
        let queue = [
            waiting(5, 0, 10),
            waiting(4, 1, 1),
            waiting(3, 0, 20),
            waiting(2, 0, 10),
        ];
        assert_eq!(ids(&queue), [4, 3, 2, 5]);
    }

    #[test]
    fn a_repeated_conversation_is_served_once() {
        let queue = [
            waiting(1, 0, 5),
            waiting(2, 0, 9),
            waiting(1, 3, 1),
            waiting(2, 0, 9),
        ];
        assert_eq!(ids(&queue), [1, 2]);
    }

    #[test]
    fn exclusions_are_found_per_conversation() {
        let pairs = [(3, 7), (1, 2), (3, 8), (9, 1)].map(|(c, a)| Exclusion {
            conversation: c,
            agent: a,
        });
        let index = Exclusions::new(&pairs);
        assert!(index.of(3).contains(7) && index.of(3).contains(8));
        assert!(!index.of(3).contains(2) && !index.of(2).contains(2) && !index.of(4).contains(7));
        assert!(index.of(1).contains(2) && index.of(9).contains(1));
    }
}
