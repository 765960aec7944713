//! The bundled bots in the real plugin host, through [`run`]: a short scripted dialogue each,
//! and a misbehaving bot that fails fast with a typed error, counted, while the others carry
//! on.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::*;
use crate::conversations::Content;
use crate::plugins::bundled::{BUNDLED, BundledPlugin, guest_wasm_path};
use crate::plugins::{PluginKind, RegistryLimits, RuntimeConfig};

struct Host {
    registry: Arc<Registry>,
    _dir: tempfile::TempDir,
}

/// A registry with the bundled bots only, compiled artifacts shared by the whole test run.
async fn host() -> Host {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::store::open(dir.path()).await.expect("store opens");
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 16,
        cache_dir: Some(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../target/test-plugin-artifacts"),
        ),
        ..RuntimeConfig::default()
    })
    .expect("runtime starts");
    let bots: Vec<BundledPlugin> = BUNDLED
        .iter()
        .filter(|p| p.file.starts_with("bot_"))
        .copied()
        .collect();
    let registry = Registry::open(Arc::new(runtime), store, &bots, RegistryLimits::default())
        .await
        .expect("registry opens");
    Host {
        registry,
        _dir: dir,
    }
}

/// Plays the conversation service: keeps the variables a bot sets and the history.
struct Dialogue<'h> {
    host: &'h Host,
    bot: &'static str,
    config: String,
    context: BotContext,
}

impl<'h> Dialogue<'h> {
    fn new(host: &'h Host, bot: &'static str, config: serde_json::Value) -> Self {
        Dialogue {
            host,
            bot,
            config: config.to_string(),
            context: BotContext {
                conversation: 42,
                campaign: 1,
                campaign_name: "support".into(),
                now_ms: 1_700_000_000_000,
                ..BotContext::default()
            },
        }
    }

    async fn turn(&mut self, trigger: BotTrigger) -> Vec<BotAction> {
        if let BotTrigger::Message { content } = &trigger {
            self.remember(true, content.clone());
        }
        let actions = run(
            &self.host.registry,
            self.bot,
            &self.config,
            &self.context,
            &trigger,
        )
        .await
        .unwrap_or_else(|e| panic!("{} failed: {e}", self.bot));
        for action in &actions {
            match action {
                BotAction::SetVariable { name, value } if value.is_empty() => {
                    self.context.variables.remove(name);
                }
                BotAction::SetVariable { name, value } => {
                    self.context.variables.insert(name.clone(), value.clone());
                }
                BotAction::Send { content } => self.remember(false, content.clone()),
                _ => {}
            }
        }
        actions
    }

    async fn say(&mut self, text: &str) -> Vec<BotAction> {
        self.turn(BotTrigger::Message {
            content: text_content(text),
        })
        .await
    }

    fn remember(&mut self, inbound: bool, content: Content) {
        self.context.history.push(BotHistoryEntry {
            inbound,
            at_ms: self.context.now_ms,
            content,
        });
    }
}

fn text_content(text: &str) -> Content {
    Content::Text { text: text.into() }
}

fn send(text: &str) -> BotAction {
    BotAction::Send {
        content: text_content(text),
    }
}

fn handoff() -> BotAction {
    BotAction::Handoff {
        priority: 0,
        skills: Vec::new(),
        attributes: Default::default(),
    }
}

fn wait(timeout_ms: u64, tag: &str) -> BotAction {
    BotAction::WaitInput {
        timeout_ms,
        tag: tag.into(),
    }
}

fn variable(name: &str, value: &str) -> BotAction {
    BotAction::SetVariable {
        name: name.into(),
        value: value.into(),
    }
}

#[tokio::test]
async fn the_bundled_bots_are_active_by_name() {
    let host = host().await;
    for name in ["menu", "after-wait", "survey", "faq"] {
        let view = host.registry.get(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(view.kind, PluginKind::Bot, "{name}");
        assert!(view.active_version.is_some(), "{name} is active");
        host.registry
            .validate_config(name, "{}")
            .unwrap_or_else(|e| panic!("{name} refuses {{}}: {e}"));
    }
}

#[tokio::test]
async fn menu_transfers_to_the_chosen_campaign() {
    let host = host().await;
    let config = json!({
        "greeting": "Welcome.",
        "options": [
            {"key": "1", "label": "Sales", "campaign": "sales"},
            {"key": "2", "label": "Support"}
        ],
        "timeout_ms": 60000
    });
    let mut menu = Dialogue::new(&host, "menu", config);
    assert_eq!(
        menu.turn(BotTrigger::Start).await,
        [
            send("Welcome.\n\n1. Sales\n2. Support"),
            wait(60_000, "menu")
        ]
    );
    let wrong = menu.say("3").await;
    assert_eq!(wrong[1], variable("menu_attempts", "1"));
    assert_eq!(
        menu.say(" SALES ").await,
        [
            variable("menu_attempts", ""),
            variable("menu_choice", "1"),
            BotAction::Transfer {
                campaign: "sales".into()
            }
        ]
    );
    assert_eq!(menu.say("2").await.last(), Some(&handoff()));
}

#[tokio::test]
async fn after_wait_keeps_the_customer_waiting_or_takes_a_callback() {
    let host = host().await;
    let mut keep = Dialogue::new(&host, "after-wait", json!({}));
    keep.context.queue = Some(QueueInfo {
        position: 3,
        waiting: 7,
        expected_wait_ms: 150_000,
    });
    let offer = keep.turn(BotTrigger::Waited).await;
    let BotAction::Send {
        content: Content::Text { text },
    } = &offer[0]
    else {
        panic!("{offer:?}")
    };
    assert!(
        text.contains("number 3 of 7") && text.contains("about 3 min"),
        "{text}"
    );
    assert_eq!(offer[1], wait(300_000, "offer"));
    assert_eq!(keep.say("1").await.last(), Some(&handoff()));

    let mut callback = Dialogue::new(&host, "after-wait", json!({}));
    callback.turn(BotTrigger::Waited).await;
    let actions = callback.say("2").await;
    assert_eq!(actions[0], variable("callback", "requested"));
    assert_eq!(
        actions.last(),
        Some(&BotAction::Close {
            disposition: Some("callback-requested".into())
        })
    );
    assert_eq!(callback.context.variables["callback"], "requested");
}

#[tokio::test]
async fn survey_stores_the_rating_and_closes() {
    let host = host().await;
    let mut survey = Dialogue::new(&host, "survey", json!({"thanks": "Thanks!"}));
    let question = survey.turn(BotTrigger::End).await;
    assert_eq!(question[1], wait(600_000, "csat"));
    assert_eq!(
        survey.say("4").await,
        [
            variable("csat", "4"),
            send("Thanks!"),
            BotAction::Close { disposition: None }
        ]
    );
    assert_eq!(survey.context.variables["csat"], "4");
}

#[tokio::test]
async fn faq_answers_then_hands_off_what_it_does_not_know() {
    let host = host().await;
    let config = json!({
        "entries": [{"keywords": ["price", "cost"], "answer": "From $10 a month."}],
        "timeout_ms": 120000
    });
    let mut faq = Dialogue::new(&host, "faq", config);
    assert_eq!(faq.turn(BotTrigger::Start).await, [wait(120_000, "faq")]);
    assert_eq!(
        faq.say("How much does it COST?").await,
        [send("From $10 a month."), wait(120_000, "faq")]
    );
    assert_eq!(faq.say("I want to cancel").await, [handoff()]);
    assert_eq!(
        faq.turn(BotTrigger::Timer { tag: "faq".into() }).await,
        [BotAction::Close {
            disposition: Some("no-reply".into())
        }]
    );
}

#[tokio::test]
async fn a_bad_config_is_the_bots_error() {
    let host = host().await;
    let context = BotContext::default();
    let error = run(
        &host.registry,
        "menu",
        r#"{"max_attempts": 0}"#,
        &context,
        &BotTrigger::Start,
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(&error, PluginError::Returned { code, .. } if code == "bad-config"),
        "{error:?}"
    );
    let missing = run(
        &host.registry,
        "no-such-bot",
        "",
        &context,
        &BotTrigger::Start,
    )
    .await;
    assert!(
        matches!(missing, Err(PluginError::NotFound(_))),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_misbehaving_bot_fails_fast_and_is_counted() {
    let host = host().await;
    let wasm = std::fs::read(guest_wasm_path("bad-bot")).expect("bad-bot is built");
    host.registry.install(wasm, true).await.expect("installs");
    let context = BotContext::default();
    type Expected = fn(&PluginError) -> bool;
    let cases: [(&str, Expected); 4] = [
        ("loop", |e| matches!(e, PluginError::Timeout { .. })),
        ("panic", |e| matches!(e, PluginError::Trap(_))),
        (
            "too-many",
            |e| matches!(e, PluginError::InvalidOutput(m) if m.contains("more than 20")),
        ),
        (
            "not-last",
            |e| matches!(e, PluginError::InvalidOutput(m) if m.contains("not the last")),
        ),
    ];
    for (mode, expected) in cases {
        let config = json!({ "mode": mode }).to_string();
        let started = Instant::now();
        let error = run(
            &host.registry,
            "bad-bot",
            &config,
            &context,
            &BotTrigger::Start,
        )
        .await
        .expect_err(mode);
        assert!(expected(&error), "{mode}: {error:?}");
        // The deadline is 200 ms; the margin is for a loaded 2-core machine.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{mode} took {:?}",
            started.elapsed()
        );
    }
    let view = host.registry.get("bad-bot").expect("listed");
    assert_eq!((view.calls, view.errors, view.fallbacks), (4, 4, 4));
    let still = run(&host.registry, "survey", "", &context, &BotTrigger::End).await;
    assert_eq!(still.expect("the host carries on").len(), 2);
}
