//! The bundled `faq` bot: answers frequent questions by keyword and hands the rest to an
//! agent.
//!
//! - `start`: the greeting, if set. If the message that opened the conversation already asks
//!   something the bot knows, the answer follows; an opening message it cannot answer (often
//!   just "hi") is not handed off. Then wait (tag `faq`).
//! - a message with an entry's keyword (whole words, any case, any accents; first entry wins):
//!   the answer, then wait again.
//! - a message it cannot answer: `no_match_reply` (if set), then `handoff` (or, with
//!   `"no_match": "wait"`, wait for another question).
//! - the wait runs out: `close` with disposition `no-reply`. `waited` and `end` do nothing.
//!
//! Opt-out keywords (STOP…) never reach it: the host applies them before any bot.

mod config;

use switchboard_sdk::bot::{Action, Bot, Content, Context, Trigger};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind, text};

pub use config::{Config, Entry, NoMatch, SCHEMA};

/// The tag of the wait for a question.
pub const TAG: &str = "faq";
/// The close disposition when the customer stops writing.
pub const NO_REPLY: &str = "no-reply";

/// The plugin.
pub struct Faq;

impl Bot for Faq {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "faq", env!("CARGO_PKG_VERSION"))
            .with_description(
                "Answers frequent questions by keyword; questions it cannot answer go to an agent.",
            )
            .with_config_schema(SCHEMA)
    }

    fn handle(
        config: &str,
        context: Context,
        trigger: Trigger,
    ) -> Result<Vec<Action>, PluginError> {
        let config = Config::load(config)?;
        Ok(match trigger {
            Trigger::Start => start(&config, &context),
            Trigger::Message(content) => answer(&config, &content),
            Trigger::Timer(_) => vec![Action::Close(Some(NO_REPLY.to_owned()))],
            Trigger::Waited | Trigger::End => Vec::new(),
        })
    }
}

switchboard_sdk::export_bot!(Faq);

fn start(config: &Config, context: &Context) -> Vec<Action> {
    let mut actions: Vec<Action> = config
        .greeting()
        .map(Action::send_text)
        .into_iter()
        .collect();
    let opening = context
        .history
        .last()
        .filter(|entry| entry.inbound)
        .and_then(|entry| text::reply(&entry.content));
    if let Some(answer) = opening.and_then(|question| config.answer(question)) {
        actions.push(Action::send_text(answer));
    }
    actions.push(Action::wait_input(config.timeout_ms, TAG));
    actions
}

fn answer(config: &Config, content: &Content) -> Vec<Action> {
    if let Some(answer) = text::reply(content).and_then(|question| config.answer(question)) {
        return vec![
            Action::send_text(answer),
            Action::wait_input(config.timeout_ms, TAG),
        ];
    }
    let mut actions = Vec::new();
    if !config.no_match_reply.trim().is_empty() {
        actions.push(Action::send_text(&config.no_match_reply));
    }
    actions.push(match config.no_match {
        NoMatch::Handoff => Action::handoff(),
        NoMatch::Wait => Action::wait_input(config.timeout_ms, TAG),
    });
    actions
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::bot::HistoryEntry;
    use switchboard_sdk::testing::{BotDialogue, bot_context, check_bad_configs};

    const CONFIG: &str = r#"{
        "entries": [
            {"keywords": ["price", "cost", "preço"], "answer": "Plans start at $10."},
            {"keywords": ["opening hours", "open"], "answer": "We are open 9 to 18."}
        ],
        "greeting": "Hi! Ask me about prices or opening hours.",
        "timeout_ms": 120000
    }"#;

    fn faq() -> BotDialogue<Faq> {
        BotDialogue::new(CONFIG)
    }

    #[test]
    fn start_greets_and_waits() {
        assert_eq!(
            faq().start(),
            [
                Action::send_text("Hi! Ask me about prices or opening hours."),
                Action::wait_input(120_000, TAG)
            ]
        );
    }

    #[test]
    fn start_without_greeting_only_waits() {
        let mut faq = BotDialogue::<Faq>::new(r#"{"greeting": " "}"#);
        assert_eq!(faq.start(), [Action::wait_input(600_000, TAG)]);
    }

    #[test]
    fn start_answers_an_opening_question_and_ignores_a_hello() {
        let opening = |text: &str| Context {
            history: vec![HistoryEntry {
                inbound: true,
                at_ms: 0,
                content: Content::Text(text.into()),
            }],
            ..bot_context()
        };
        let mut asking =
            BotDialogue::<Faq>::with_context(CONFIG, opening("How much does it cost?"));
        assert_eq!(asking.start()[1], Action::send_text("Plans start at $10."));
        let mut greeting = BotDialogue::<Faq>::with_context(CONFIG, opening("hello"));
        assert_eq!(greeting.start().len(), 2, "greeting and wait, no hand-off");
    }

    #[test]
    fn a_keyword_gets_its_answer_and_another_wait() {
        let mut faq = faq();
        faq.start();
        assert_eq!(
            faq.say("What's the PRICE?"),
            [
                Action::send_text("Plans start at $10."),
                Action::wait_input(120_000, TAG)
            ]
        );
        assert_eq!(
            faq.say("Qual é o preco?")[0],
            Action::send_text("Plans start at $10.")
        );
        assert_eq!(
            faq.say("your opening  hours")[0],
            Action::send_text("We are open 9 to 18.")
        );
    }

    #[test]
    fn keywords_match_whole_words_only() {
        let mut faq = faq();
        assert_eq!(faq.say("that was priceless"), [Action::handoff()]);
        assert_eq!(faq.say("reopened?"), [Action::handoff()]);
    }

    #[test]
    fn the_first_matching_entry_answers() {
        let mut faq = faq();
        assert_eq!(
            faq.say("price when open?")[0],
            Action::send_text("Plans start at $10.")
        );
    }

    #[test]
    fn no_match_hands_off_or_waits_as_configured() {
        let mut faq = faq();
        assert_eq!(faq.say("I want to cancel"), [Action::handoff()]);
        let waiting = r#"{"no_match": "wait", "no_match_reply": "I don't know that one."}"#;
        let mut faq = BotDialogue::<Faq>::new(waiting);
        assert_eq!(
            faq.say("I want to cancel"),
            [
                Action::send_text("I don't know that one."),
                Action::wait_input(600_000, TAG)
            ]
        );
        assert_eq!(
            faq.turn(Trigger::Message(Content::Unsupported("order".into())))[1],
            Action::wait_input(600_000, TAG)
        );
    }

    #[test]
    fn silence_closes_with_no_reply() {
        assert_eq!(faq().timer(TAG), [Action::Close(Some("no-reply".into()))]);
    }

    #[test]
    fn waited_and_end_do_nothing() {
        assert_eq!(faq().turn(Trigger::Waited), []);
        assert_eq!(faq().turn(Trigger::End), []);
    }

    #[test]
    fn bad_configs_are_refused_by_key() {
        check_bad_configs(
            Config::load,
            &[
                (r#"{"timeout_ms": 0}"#, "timeout_ms"),
                (r#"{"no_match": "close"}"#, "close"),
                (
                    r#"{"entries": [{"keywords": ["?!"], "answer": "x"}]}"#,
                    "entries[0].keywords",
                ),
                (
                    r#"{"entries": [{"keywords": [], "answer": "x"}]}"#,
                    "entries[0].keywords",
                ),
                (
                    r#"{"entries": [{"keywords": ["a"], "answer": " "}]}"#,
                    "entries[0].answer",
                ),
            ],
        );
        assert_eq!(Config::load("{}"), Ok(Config::default()));
        let info = Faq::describe();
        assert_eq!((info.name.as_str(), info.kind), ("faq", PluginKind::Bot));
    }
}
