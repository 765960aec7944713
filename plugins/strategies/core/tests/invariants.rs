//! Every bundled strategy, on many seeded random passes, keeps the promises every strategy
//! makes (see the crate docs): known ids, each conversation once, capacity, exclusions,
//! skills, no agent left idle that could have taken a conversation left waiting, and the same
//! answer for the same input in any list order.

use std::collections::{HashMap, HashSet};

use switchboard_strategies::{
    ALL, Agent, Assignment, Exclusion, PreviousAgent, RouteInput, StrategyDef, Waiting,
};

/// xorshift64*, for generating test inputs only.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NOW_MS: u64 = 1_700_000_000_000;

/// A small pass with collisions on purpose: few skills, loads near capacity, ties in every key,
/// exclusions and previous agents among the agents present or not.
fn random_input(seed: u64) -> RouteInput {
    let mut g = Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let agents: Vec<Agent> = (0..g.below(12))
        .map(|i| {
            let capacity = g.below(4) as u32;
            Agent {
                id: 100 + i,
                load: g.below(u64::from(capacity) + 2) as u32,
                capacity,
                idle_ms: g.below(4) * 1000,
                last_assigned_at_ms: g.below(3).checked_sub(1).map(|k| NOW_MS - k * 1000),
                penalty: g.below(120) as u8,
                skills: g.below(8),
            }
        })
        .collect();
    let waiting: Vec<Waiting> = (0..g.below(15))
        .map(|i| Waiting {
            id: 1 + i,
            waited_ms: g.below(4) * 30_000,
            priority: g.below(3) as i32 - 1,
            required_skills: if g.below(2) == 0 { 0 } else { g.below(8) },
            previous: (g.below(2) == 0).then(|| PreviousAgent {
                agent: 100 + g.below(14),
                at_ms: NOW_MS - g.below(3) * 50_000_000,
            }),
        })
        .collect();
    let exclusions = (0..g.below(6))
        .map(|_| Exclusion {
            conversation: 1 + g.below(15),
            agent: 100 + g.below(12),
        })
        .collect();
    RouteInput {
        now_ms: NOW_MS,
        seed,
        campaign: 7,
        waiting,
        agents,
        exclusions,
        attributes: vec![],
    }
}

/// Configs worth trying per strategy (the defaults, and settings that change qualification).
fn configs(def: &StrategyDef) -> &'static [&'static str] {
    match def.name {
        "skills" => &[
            "",
            r#"{"relax_after_seconds": 30, "order": "longest-idle"}"#,
            r#"{"relax_after_seconds": null}"#,
        ],
        "sticky" => &[
            "",
            r#"{"wait_for_previous_seconds": 60, "fallback": "round-robin"}"#,
        ],
        _ => &[""],
    }
}

/// Whether `agent` may take `waiting` under `def`/`config`: all skills, or, for `skills` after
/// its relax time, at least one of them.
fn may_take(def: &StrategyDef, config: &str, waiting: &Waiting, agent: &Agent) -> bool {
    let required = waiting.required_skills;
    if agent.skills & required == required {
        return true;
    }
    let relax_after_ms = match (def.name, config) {
        ("skills", "") => Some(60_000),
        ("skills", c) if c.contains("30") => Some(30_000),
        _ => None,
    };
    relax_after_ms.is_some_and(|after| waiting.waited_ms >= after && agent.skills & required != 0)
}

fn check(def: &StrategyDef, config: &str, input: &RouteInput, out: &[Assignment]) {
    let ctx = format!("{} {config:?} seed {}", def.name, input.seed);
    let waiting: HashMap<u64, &Waiting> = input.waiting.iter().map(|w| (w.id, w)).collect();
    let agents: HashMap<u64, &Agent> = input.agents.iter().map(|a| (a.id, a)).collect();
    let excluded: HashSet<(u64, u64)> = input
        .exclusions
        .iter()
        .map(|e| (e.conversation, e.agent))
        .collect();
    let mut served = HashSet::new();
    let mut given: HashMap<u64, u32> = HashMap::new();
    for a in out {
        let (Some(w), Some(agent)) = (waiting.get(&a.conversation), agents.get(&a.agent)) else {
            panic!("{ctx}: unknown id in {a:?}");
        };
        assert!(
            served.insert(a.conversation),
            "{ctx}: conversation {} twice",
            a.conversation
        );
        *given.entry(a.agent).or_default() += 1;
        assert!(
            given[&a.agent] <= agent.free_slots(),
            "{ctx}: agent {} over capacity",
            a.agent
        );
        assert!(
            !excluded.contains(&(a.conversation, a.agent)),
            "{ctx}: excluded pair {a:?}"
        );
        assert!(may_take(def, config, w, agent), "{ctx}: {a:?} lacks skills");
    }
    // Greedy and work-conserving: a conversation left waiting had no agent left to take it
    // (except where sticky chose to wait for the previous agent).
    if def.name == "sticky" && config.contains("wait_for_previous") {
        return;
    }
    for w in input.waiting.iter().filter(|w| !served.contains(&w.id)) {
        for agent in &input.agents {
            let left = agent.free_slots() - given.get(&agent.id).copied().unwrap_or(0);
            let possible = left > 0
                && !excluded.contains(&(w.id, agent.id))
                && may_take(def, config, w, agent);
            assert!(
                !possible,
                "{ctx}: conversation {} left waiting, agent {} could take it",
                w.id, agent.id
            );
        }
    }
}

#[test]
fn every_strategy_keeps_the_routing_invariants() {
    for seed in 0..3_000 {
        let input = random_input(seed);
        for def in ALL {
            for config in configs(def) {
                let out = (def.route)(config, &input).expect("valid config");
                check(def, config, &input, &out);
            }
        }
    }
}

#[test]
fn every_strategy_answers_the_same_whatever_the_list_order() {
    for seed in 0..500 {
        let input = random_input(seed);
        let mut shuffled = input.clone();
        shuffled.agents.reverse();
        shuffled.waiting.reverse();
        shuffled.exclusions.reverse();
        let half = shuffled.waiting.len() / 2;
        shuffled.waiting.rotate_left(half);
        for def in ALL {
            for config in configs(def) {
                let expected = (def.route)(config, &input);
                assert_eq!(
                    (def.route)(config, &shuffled),
                    expected,
                    "{} seed {seed}",
                    def.name
                );
            }
        }
    }
}

#[test]
fn capacity_is_never_exceeded_in_one_pass() {
    let agents = vec![Agent {
        id: 1,
        load: 2,
        capacity: 5,
        idle_ms: 0,
        last_assigned_at_ms: None,
        penalty: 0,
        skills: 0,
    }];
    let waiting = (1..=10)
        .map(|id| Waiting {
            id,
            waited_ms: 0,
            priority: 0,
            required_skills: 0,
            previous: None,
        })
        .collect();
    let input = RouteInput {
        now_ms: NOW_MS,
        waiting,
        agents,
        ..RouteInput::default()
    };
    for def in ALL {
        let out = (def.route)("", &input).expect("defaults");
        assert_eq!(out.len(), 3, "{}", def.name);
        let served: Vec<u64> = out.iter().map(|a| a.conversation).collect();
        assert_eq!(
            served,
            [1, 2, 3],
            "{} serves lowest ids first among equals",
            def.name
        );
    }
}

#[test]
fn excluded_pair_is_never_assigned() {
    let agent = |id| Agent {
        id,
        load: 0,
        capacity: 3,
        idle_ms: 0,
        last_assigned_at_ms: None,
        penalty: 0,
        skills: 0,
    };
    let waiting = vec![Waiting {
        id: 1,
        waited_ms: 0,
        priority: 0,
        required_skills: 0,
        previous: Some(PreviousAgent {
            agent: 1,
            at_ms: NOW_MS,
        }),
    }];
    let exclusions = vec![Exclusion {
        conversation: 1,
        agent: 1,
    }];
    let input = RouteInput {
        now_ms: NOW_MS,
        waiting,
        agents: vec![agent(1), agent(2)],
        exclusions,
        ..RouteInput::default()
    };
    for def in ALL {
        for seed in 0..20 {
            let input = RouteInput {
                seed,
                ..input.clone()
            };
            let out = (def.route)("", &input).expect("defaults");
            assert_eq!(
                out,
                [Assignment {
                    conversation: 1,
                    agent: 2
                }],
                "{}",
                def.name
            );
        }
    }
}

#[test]
fn higher_priority_is_served_first_when_agents_are_scarce() {
    let agents = vec![Agent {
        id: 1,
        load: 0,
        capacity: 1,
        idle_ms: 0,
        last_assigned_at_ms: None,
        penalty: 0,
        skills: 0,
    }];
    let waiting = vec![
        Waiting {
            id: 1,
            waited_ms: 90_000,
            priority: 0,
            required_skills: 0,
            previous: None,
        },
        Waiting {
            id: 2,
            waited_ms: 1,
            priority: 2,
            required_skills: 0,
            previous: None,
        },
    ];
    let input = RouteInput {
        now_ms: NOW_MS,
        waiting,
        agents,
        ..RouteInput::default()
    };
    for def in ALL {
        let out = (def.route)("", &input).expect("defaults");
        assert_eq!(
            out,
            [Assignment {
                conversation: 2,
                agent: 1
            }],
            "{}",
            def.name
        );
    }
}
