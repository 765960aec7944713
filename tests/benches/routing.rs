//! Routing at scale (issue 4): one full routing pass over 20 campaigns holding 10,000 waiting
//! conversations, with 1,000 agents (each a member of two campaigns, skills per member, the
//! conversations needing one or two skills), `least-busy` through the Wasm host. What is
//! timed is the decisions: eligibility and the strategy's input for each campaign, the plugin
//! call, the host's check and applying the answer to the live state (loads, queues, timers,
//! events). Storing the assignments is one batched write, timed on its own by
//! `routing_store` in this file. Baseline in the same run: the same pass with the strategy
//! compiled natively (no Wasm).
//!
//! Run: `cargo bench -p switchboard-tests --bench routing`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use switchboard::routing::campaign::{CampaignSettings, PluginBinding};
use switchboard::routing::core::{RouterCore, RouterSettings};
use switchboard::routing::{fallback, route_pass};
use switchboard::store::{CampaignRow, LiveConversationRow, MemberRow, RoutingUser};
use switchboard_tests::host::TestHost;

const AGENTS: i64 = 1_000;
const CAMPAIGNS: i64 = 20;
const WAITING: i64 = 10_000;
const SKILLS: usize = 8;
const NOW: i64 = 1_800_000_000_000;

/// A small deterministic generator (xorshift), so every run routes the same state.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The state: every agent connected and available, every conversation queued.
pub fn state() -> RouterCore {
    let mut rng = Rng(2026);
    let skills: Vec<String> = (0..SKILLS).map(|i| format!("skill{i}")).collect();
    let settings = CampaignSettings {
        skills: skills.clone(),
        max_per_agent: 2,
        strategy: PluginBinding {
            plugin: "least-busy".into(),
            config: serde_json::json!({}),
        },
        ..CampaignSettings::default()
    };
    let users = (1..=AGENTS)
        .map(|id| RoutingUser {
            id,
            username: format!("agent{id}"),
            display_name: format!("Agent {id}"),
            role: "agent".into(),
            max_concurrent: 3,
            disabled: false,
        })
        .collect();
    let mut campaigns: Vec<CampaignRow> = (1..=CAMPAIGNS)
        .map(|id| CampaignRow {
            id,
            name: format!("campaign{id}"),
            enabled: true,
            incoming_blacklist: true,
            outgoing_blacklist: true,
            settings: serde_json::to_string(&settings).expect("settings"),
            numbers: Vec::new(),
            members: Vec::new(),
            created_ms: NOW,
            updated_ms: NOW,
        })
        .collect();
    for agent in 1..=AGENTS {
        let first = (agent - 1) % CAMPAIGNS;
        for campaign in [first, (first + 7) % CAMPAIGNS] {
            let own: Vec<String> = skills
                .iter()
                .filter(|_| rng.below(2) == 0)
                .cloned()
                .collect();
            campaigns[campaign as usize].members.push(MemberRow {
                user_id: agent,
                penalty: i64::try_from(rng.below(3)).expect("small"),
                skills: own,
            });
        }
    }
    let conversations = (1..=WAITING)
        .map(|id| {
            let need = 1 + rng.below(2) as usize;
            LiveConversationRow {
                id,
                number_id: 1,
                contact_id: id,
                state: "queued".into(),
                open: true,
                campaign_id: Some(1 + (id - 1) % CAMPAIGNS),
                queued_ms: Some(NOW - i64::try_from(rng.below(600_000)).expect("small")),
                skills: (0..need)
                    .map(|_| skills[rng.below(SKILLS as u64) as usize].clone())
                    .collect(),
                created_ms: NOW - 600_000,
                ..LiveConversationRow::default()
            }
        })
        .collect();
    let mut core = RouterCore::new(RouterSettings::default());
    core.rebuild(users, Vec::new(), campaigns, Vec::new(), conversations, NOW);
    for agent in 1..=AGENTS {
        core.connect(agent, NOW);
    }
    core.take(NOW);
    core
}

fn full_pass(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let host = rt.block_on(TestHost::start());
    let registry = host.registry.clone();
    let base = state();
    let campaigns: Vec<i64> = (1..=CAMPAIGNS).collect();
    // What one pass assigns, to report beside the time.
    let mut probe = base.clone();
    for &campaign in &campaigns {
        if let Some(input) = probe.route_input(campaign, NOW, 1) {
            let outcome = rt.block_on(route_pass(&registry, "least-busy", "{}", &input));
            probe.apply(campaign, &outcome.assignments, NOW);
        }
    }
    let (effects, write) = probe.take(NOW);
    println!(
        "one pass: {} events, {} conversations and {} agents to store",
        effects.events.len(),
        write.conversations.len(),
        write.agents.len()
    );
    probe.check_invariants().expect("capacity holds");

    let mut group = c.benchmark_group("routing");
    group.sample_size(30);
    group.bench_function(
        "full pass 1000 agents 10000 waiting 20 campaigns wasm",
        |b| {
            b.iter_batched(
                || base.clone(),
                |mut core| {
                    rt.block_on(async {
                        for &campaign in &campaigns {
                            if let Some(input) = core.route_input(campaign, NOW, 1) {
                                let outcome =
                                    route_pass(&registry, "least-busy", "{}", &input).await;
                                core.apply(campaign, &outcome.assignments, NOW);
                            }
                        }
                    });
                    core
                },
                BatchSize::LargeInput,
            )
        },
    );
    group.bench_function(
        "full pass 1000 agents 10000 waiting 20 campaigns native",
        |b| {
            b.iter_batched(
                || base.clone(),
                |mut core| {
                    for &campaign in &campaigns {
                        if let Some(input) = core.route_input(campaign, NOW, 1) {
                            let (_, assignments) = fallback::route("least-busy", "", &input);
                            core.apply(campaign, &assignments, NOW);
                        }
                    }
                    core
                },
                BatchSize::LargeInput,
            )
        },
    );
    group.finish();
}

/// Storing one full pass's outcome: its conversations (whole live rows, timers replaced),
/// agents' states and events, in the one transaction the router task writes.
fn store_pass(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let store = rt
        .block_on(switchboard::store::open(dir.path()))
        .expect("store");
    rt.block_on(seed(store.as_ref()));
    let host = rt.block_on(TestHost::start());
    let registry = host.registry.clone();
    let mut core = state();
    for campaign in 1..=CAMPAIGNS {
        if let Some(input) = core.route_input(campaign, NOW, 1) {
            let outcome = rt.block_on(route_pass(&registry, "least-busy", "{}", &input));
            core.apply(campaign, &outcome.assignments, NOW);
        }
    }
    let (_, write) = core.take(NOW);
    let mut group = c.benchmark_group("routing_store");
    group.sample_size(20);
    group.bench_function("store one full pass (one transaction)", |b| {
        b.iter_batched(
            || write.clone(),
            |write| rt.block_on(store.save_routing(write)).expect("saved"),
            BatchSize::LargeInput,
        )
    });
    group.finish();
    rt.block_on(store.close());
}

/// The conversations the state names, stored through intake (ids 1…WAITING in order).
async fn seed(store: &dyn switchboard::store::Store) {
    use switchboard::store::{ContactKey, IntakeBatch, IntakeItem, NewConnector, NewInbound};
    let connector = store
        .create_connector(NewConnector {
            name: "bench".into(),
            plugin: "sandbox".into(),
            config: "{}".into(),
            secrets: Vec::new(),
            webhook_secret: Vec::new(),
            allow_ips: Vec::new(),
            enabled: true,
            numbers: vec!["+5491155550100".into()],
            at_ms: NOW,
        })
        .await
        .expect("connector");
    let number = connector.numbers[0].id;
    for chunk in (1..=WAITING).collect::<Vec<_>>().chunks(500) {
        let items = chunk
            .iter()
            .map(|id| {
                IntakeItem::Message(NewInbound {
                    number_id: number,
                    contact: ContactKey {
                        number: Some(format!("+549116{id:07}")),
                        user_id: None,
                        name: None,
                    },
                    provider_message_id: format!("m{id}"),
                    kind: "text".into(),
                    content: r#"{"type":"text","text":"hi"}"#.into(),
                    raw: None,
                    provider_at_ms: None,
                    consent: None,
                    opt_out_reply: None,
                    media: Vec::new(),
                    sms: None,
                })
            })
            .collect();
        store
            .record_intake(IntakeBatch {
                connector_id: connector.id,
                received_ms: NOW,
                items,
                poll_cursor: None,
            })
            .await
            .expect("intake");
    }
}

criterion_group!(benches, full_pass, store_pass);
criterion_main!(benches);
