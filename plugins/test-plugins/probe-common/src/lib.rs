//! The rule `probe-v1`, `probe-v2` and `least-busy-override` answer with, so a test can tell
//! which version routed: each waiting conversation, in input order, to one chosen agent while
//! it has free slots. A library, not a plugin: it exports no world.

use switchboard_sdk::strategy::{Agent, Assignment, RouteInput};

/// Gives `input`'s waiting conversations, in input order, to `agent` while it has free slots.
pub fn all_to(agent: Option<&Agent>, input: &RouteInput) -> Vec<Assignment> {
    let Some(agent) = agent else {
        return Vec::new();
    };
    let slots = agent.free_slots() as usize;
    input
        .waiting
        .iter()
        .take(slots)
        .map(|w| Assignment {
            conversation: w.id,
            agent: agent.id,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::testing::{RouteInputBuilder, agent, check_assignments, waiting};

    #[test]
    fn fills_the_chosen_agent_in_input_order_up_to_its_free_slots() {
        let input = RouteInputBuilder::new()
            .waiting(waiting(3))
            .waiting(waiting(1))
            .waiting(waiting(2))
            .agent(Agent {
                load: 1,
                capacity: 3,
                ..agent(7)
            })
            .agent(agent(8))
            .build();
        let first = all_to(input.agents.first(), &input);
        assert_eq!(
            first,
            [
                Assignment {
                    conversation: 3,
                    agent: 7
                },
                Assignment {
                    conversation: 1,
                    agent: 7
                }
            ]
        );
        assert_eq!(check_assignments(&input, &first), Ok(()));
        assert_eq!(
            all_to(input.agents.last(), &input),
            [Assignment {
                conversation: 3,
                agent: 8
            }]
        );
        assert!(all_to(None, &input).is_empty());
    }
}
