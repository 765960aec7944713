//! Test kit for plugin unit tests with plain `cargo test` (native builds only): builders for
//! routing inputs, the host's validation of a strategy's answer, a bot's context, the host's
//! checks on a bot's answer and a dialogue that plays the host ([`BotDialogue`]), webhook calls
//! and HTTP responses as the host hands them to a provider adapter, and the log lines written.
//!
//! ```
//! use switchboard_sdk::strategy::Agent;
//! use switchboard_sdk::testing::{agent, waiting, RouteInputBuilder};
//!
//! let input = RouteInputBuilder::new()
//!     .waiting(waiting(1))
//!     .agent(Agent { load: 1, capacity: 3, ..agent(7) })
//!     .build();
//! assert_eq!(input.agents[0].capacity, 3);
//! ```

mod bot;

use std::collections::{HashMap, HashSet};

use crate::PluginError;
use crate::log::Level;
use crate::provider::{ContactAddress, Content, HttpResponse, Outbound, Pair, WebhookRequest};
use crate::strategy::{Agent, Assignment, Attribute, Exclusion, RouteInput, Waiting};

pub use bot::{BotDialogue, bot_context, check_actions, message};

/// The `now_ms` of a [`RouteInputBuilder`] and the `received_at_ms` of a [`webhook_request`]
/// unless set: 2023-11-14T22:13:20Z.
pub const NOW_MS: u64 = 1_700_000_000_000;

/// The caller of a [`webhook_request`] (TEST-NET-3).
pub const PEER_ADDR: &str = "203.0.113.1";

/// A webhook call as the host hands it to `handle_webhook`: received at [`NOW_MS`] from
/// [`PEER_ADDR`]. Change fields with struct update syntax:
/// `WebhookRequest { received_at_ms: 5, ..webhook_request("POST", url, vec![], body) }`.
pub fn webhook_request(method: &str, url: &str, headers: Vec<Pair>, body: &[u8]) -> WebhookRequest {
    WebhookRequest {
        method: method.to_owned(),
        url: url.to_owned(),
        headers,
        body: body.to_vec(),
        peer_addr: PEER_ADDR.to_owned(),
        received_at_ms: NOW_MS,
    }
}

/// A message for a provider adapter to send: host id 42 from `+15550100` to `+5491155550123`
/// on slot 0, no reply, no status callback. Change fields with struct update syntax:
/// `Outbound { channel_slot: 2, ..outbound(content) }`.
pub fn outbound(content: Content) -> Outbound {
    Outbound {
        message_id: 42,
        from: "+15550100".to_owned(),
        to: ContactAddress {
            number: Some("+5491155550123".to_owned()),
            user_id: None,
            display_name: None,
        },
        content,
        reply_to: None,
        channel_slot: 0,
        status_callback_url: None,
    }
}

/// Checks that `load` refuses each config of `cases` as `bad-config` with a message naming the
/// case's key (or the offending word).
pub fn check_bad_configs<T: std::fmt::Debug>(
    load: impl Fn(&str) -> Result<T, PluginError>,
    cases: &[(&str, &str)],
) {
    for (json, key) in cases {
        let error = load(json).expect_err(json);
        assert_eq!(error.code, "bad-config", "{json}");
        assert!(error.message.contains(key), "{json}: {}", error.message);
    }
}

/// A provider's answer as the host hands it to a `read_x` step.
pub fn http_response(status: u16, headers: Vec<Pair>, body: &[u8]) -> HttpResponse {
    HttpResponse {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// A conversation just queued: no priority, no skills, no previous agent. Change fields with
/// struct update syntax: `Waiting { priority: 2, ..waiting(1) }`.
pub fn waiting(id: u64) -> Waiting {
    Waiting {
        id,
        waited_ms: 0,
        priority: 0,
        required_skills: 0,
        previous: None,
    }
}

/// An agent with one free slot (load 0, capacity 1), no skills, penalty 0, never assigned,
/// just freed. Change fields with struct update syntax: `Agent { load: 2, ..agent(7) }`.
pub fn agent(id: u64) -> Agent {
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

/// Builds a [`RouteInput`] at [`NOW_MS`], seed 0, campaign 1, unless told otherwise.
#[derive(Debug, Clone)]
pub struct RouteInputBuilder {
    input: RouteInput,
}

impl Default for RouteInputBuilder {
    fn default() -> Self {
        RouteInputBuilder::new()
    }
}

impl RouteInputBuilder {
    /// An empty pass at [`NOW_MS`].
    pub fn new() -> Self {
        RouteInputBuilder {
            input: RouteInput {
                now_ms: NOW_MS,
                campaign: 1,
                ..RouteInput::default()
            },
        }
    }

    /// Sets the pass's time.
    pub fn now_ms(mut self, now_ms: u64) -> Self {
        self.input.now_ms = now_ms;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.input.seed = seed;
        self
    }

    /// Sets the campaign id.
    pub fn campaign(mut self, campaign: u64) -> Self {
        self.input.campaign = campaign;
        self
    }

    /// Adds a waiting conversation.
    pub fn waiting(mut self, waiting: Waiting) -> Self {
        self.input.waiting.push(waiting);
        self
    }

    /// Adds an agent.
    pub fn agent(mut self, agent: Agent) -> Self {
        self.input.agents.push(agent);
        self
    }

    /// Forbids giving `conversation` to `agent`.
    pub fn exclude(mut self, conversation: u64, agent: u64) -> Self {
        self.input.exclusions.push(Exclusion {
            conversation,
            agent,
        });
        self
    }

    /// Adds an attribute of a waiting conversation.
    pub fn attribute(mut self, conversation: u64, name: &str, value: &str) -> Self {
        let attribute = Attribute {
            conversation,
            name: name.to_owned(),
            value: value.to_owned(),
        };
        self.input.attributes.push(attribute);
        self
    }

    /// The input.
    pub fn build(self) -> RouteInput {
        self.input
    }
}

/// Checks a strategy's answer the way the host does before applying it: every id known, each
/// conversation at most once, no agent given more than `capacity - load`, no excluded pair.
/// The error says which rule broke.
pub fn check_assignments(input: &RouteInput, assignments: &[Assignment]) -> Result<(), String> {
    let waiting: HashSet<u64> = input.waiting.iter().map(|w| w.id).collect();
    let free: HashMap<u64, u32> = input
        .agents
        .iter()
        .map(|a| (a.id, a.free_slots()))
        .collect();
    let excluded: HashSet<(u64, u64)> = input
        .exclusions
        .iter()
        .map(|e| (e.conversation, e.agent))
        .collect();
    let mut served = HashSet::new();
    let mut given: HashMap<u64, u32> = HashMap::new();
    for a in assignments {
        if !waiting.contains(&a.conversation) {
            return Err(format!("conversation {} is not waiting", a.conversation));
        }
        let Some(&slots) = free.get(&a.agent) else {
            return Err(format!("agent {} is not eligible", a.agent));
        };
        if !served.insert(a.conversation) {
            return Err(format!("conversation {} assigned twice", a.conversation));
        }
        let count = given.entry(a.agent).or_default();
        *count += 1;
        if *count > slots {
            return Err(format!(
                "agent {} given more than its {slots} free slots",
                a.agent
            ));
        }
        if excluded.contains(&(a.conversation, a.agent)) {
            return Err(format!(
                "conversation {} is excluded for agent {}",
                a.conversation, a.agent
            ));
        }
    }
    Ok(())
}

/// The lines this thread's plugin code logged since the last call, oldest first.
pub fn take_logs() -> Vec<(Level, String)> {
    crate::log::sink::take()
}

/// Checks that plugin `P` is the reference strategy `def`: same name, kind and schema, the same
/// answers, and a bad config refused as `bad-config`. One call is a bundled plugin's test.
pub fn check_reference_plugin<P: crate::strategy::Strategy>(
    def: &switchboard_strategies::StrategyDef,
) {
    let info = P::describe();
    assert_eq!(info.name, def.name);
    assert_eq!(info.kind, crate::PluginKind::Strategy);
    assert_eq!(info.config_schema, def.config_schema);
    let input = RouteInputBuilder::new()
        .waiting(waiting(1))
        .waiting(waiting(2))
        .waiting(waiting(3))
        .agent(agent(7))
        .agent(Agent {
            load: 1,
            capacity: 3,
            ..agent(8)
        })
        .build();
    let out = P::route("", input.clone()).expect("routes with the default config");
    assert_eq!(out, (def.route)("", &input).expect("the reference routes"));
    assert_eq!(check_assignments(&input, &out), Ok(()));
    let error = P::route(r#"{"no_such_setting": 1}"#, input).expect_err("unknown setting refused");
    assert_eq!(error.code, "bad-config");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(conversation: u64, agent: u64) -> Assignment {
        Assignment {
            conversation,
            agent,
        }
    }

    #[test]
    fn builder_sets_every_part() {
        let input = RouteInputBuilder::new()
            .now_ms(9)
            .seed(3)
            .campaign(4)
            .waiting(waiting(1))
            .agent(agent(2))
            .exclude(1, 2)
            .attribute(1, "lang", "es")
            .build();
        assert_eq!((input.now_ms, input.seed, input.campaign), (9, 3, 4));
        assert_eq!((input.waiting.len(), input.agents.len()), (1, 1));
        assert_eq!(
            input.exclusions,
            [Exclusion {
                conversation: 1,
                agent: 2
            }]
        );
        assert_eq!(input.attributes[0].value, "es");
    }

    #[test]
    fn check_assignments_applies_the_hosts_rules() {
        let input = RouteInputBuilder::new()
            .waiting(waiting(1))
            .waiting(waiting(2))
            .agent(Agent {
                capacity: 2,
                load: 1,
                ..agent(7)
            })
            .agent(agent(8))
            .exclude(2, 8)
            .build();
        assert_eq!(
            check_assignments(&input, &[pair(1, 7), pair(2, 8)]).err(),
            Some("conversation 2 is excluded for agent 8".into())
        );
        assert!(
            check_assignments(&input, &[pair(1, 7), pair(2, 7)])
                .is_err_and(|e| e.contains("free slots"))
        );
        assert!(
            check_assignments(&input, &[pair(1, 8), pair(1, 7)])
                .is_err_and(|e| e.contains("twice"))
        );
        assert!(check_assignments(&input, &[pair(3, 7)]).is_err_and(|e| e.contains("not waiting")));
        assert!(
            check_assignments(&input, &[pair(1, 9)]).is_err_and(|e| e.contains("not eligible"))
        );
        assert_eq!(check_assignments(&input, &[pair(1, 8), pair(2, 7)]), Ok(()));
    }

    #[test]
    fn bad_configs_are_checked_by_code_and_key() {
        let load = |json: &str| crate::config::<std::collections::BTreeMap<String, u32>>(json);
        check_bad_configs(load, &[(r#"{"retries": "x"}"#, "string")]);
        let outcome = std::panic::catch_unwind(|| check_bad_configs(load, &[("{}", "x")]));
        assert!(outcome.is_err(), "a config that loads fails the check");
        assert_eq!(outbound(Content::Text("hi".into())).message_id, 42);
    }

    #[test]
    fn webhook_requests_arrive_now_from_a_test_address() {
        let request = webhook_request("POST", "https://h.test/hook", vec![], b"{}");
        assert_eq!(
            (request.received_at_ms, request.peer_addr.as_str()),
            (NOW_MS, PEER_ADDR)
        );
        assert_eq!(http_response(204, vec![], b"").status, 204);
    }

    #[test]
    fn logs_are_captured_per_thread() {
        crate::log::info("routing");
        crate::log::write(Level::Error, "oops");
        assert_eq!(
            take_logs(),
            [
                (Level::Info, "routing".to_owned()),
                (Level::Error, "oops".to_owned())
            ]
        );
        assert!(take_logs().is_empty());
    }
}
