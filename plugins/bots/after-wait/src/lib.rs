//! The bundled `after-wait` bot: when a conversation has waited past the campaign's max queue
//! time, tells the customer where they stand and offers to keep waiting or to be contacted
//! later.
//!
//! - `waited`: the status (from `context.queue`: position, queue length, expected wait rounded
//!   up to minutes; without figures, `unknown_status_message`) and the offer, then wait (tag
//!   `offer`).
//! - `1`: `keep_waiting_reply`, `handoff` (back to the queue).
//! - `2`: variable `callback` = `requested`, `callback_reply`, `close` with disposition
//!   `callback-requested`. The host keeps the variable on the conversation for the callback
//!   list.
//! - anything else: `invalid_reply` and the offer once more (variable `after_wait_retry`); a
//!   second miss hands off.
//! - the wait runs out: `handoff`. `start`, `end` do nothing.

mod config;

use switchboard_sdk::bot::{Action, Bot, Content, Context, QueueInfo, Trigger};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind, text};

pub use config::{Config, SCHEMA};

/// The tag of the wait for the choice.
pub const TAG: &str = "offer";
/// The variable a callback request sets, and its value.
pub const CALLBACK: (&str, &str) = ("callback", "requested");
/// The close disposition of a callback request.
pub const DISPOSITION: &str = "callback-requested";
/// The variable marking that the offer was repeated once.
pub const RETRY: &str = "after_wait_retry";

/// The plugin.
pub struct AfterWait;

impl Bot for AfterWait {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "after-wait", env!("CARGO_PKG_VERSION"))
            .with_description(
                "After a long wait: tells the customer their place in the queue and offers to \
                 keep waiting or to be contacted later (variable `callback` = `requested`).",
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
            Trigger::Waited => offer(&config, &context),
            Trigger::Message(content) => answer(&config, &context, &content),
            Trigger::Timer(_) => {
                let mut actions = clear_retry(&context);
                actions.push(Action::handoff());
                actions
            }
            Trigger::Start | Trigger::End => Vec::new(),
        })
    }
}

switchboard_sdk::export_bot!(AfterWait);

fn offer(config: &Config, context: &Context) -> Vec<Action> {
    let status = match &context.queue {
        Some(queue) => status(&config.status_message, queue),
        None => config.unknown_status_message.clone(),
    };
    let mut actions = clear_retry(context);
    actions.push(Action::send_text(join(&status, &config.offer)));
    actions.push(Action::wait_input(config.timeout_ms, TAG));
    actions
}

fn answer(config: &Config, context: &Context, content: &Content) -> Vec<Action> {
    let first_word = text::reply(content).and_then(|said| text::words(said).into_iter().next());
    let mut actions = clear_retry(context);
    match first_word.as_deref() {
        Some("1") => {
            actions.push(Action::send_text(&config.keep_waiting_reply));
            actions.push(Action::handoff());
        }
        Some("2") => {
            actions.push(Action::set_variable(CALLBACK.0, CALLBACK.1));
            actions.push(Action::send_text(&config.callback_reply));
            actions.push(Action::Close(Some(DISPOSITION.to_owned())));
        }
        _ if context.variable(RETRY).is_some() => actions.push(Action::handoff()),
        _ => {
            actions.push(Action::send_text(join(
                &config.invalid_reply,
                &config.offer,
            )));
            actions.push(Action::set_variable(RETRY, "1"));
            actions.push(Action::wait_input(config.timeout_ms, TAG));
        }
    }
    actions
}

/// The status text with the queue's figures filled in.
fn status(template: &str, queue: &QueueInfo) -> String {
    let minutes = queue.expected_wait_ms.div_ceil(60_000).max(1);
    text::fill(
        template,
        &[
            ("position", &queue.position.to_string()),
            ("waiting", &queue.waiting.to_string()),
            ("minutes", &minutes.to_string()),
        ],
    )
}

/// Two blocks of text with a blank line between, leaving out an empty one.
fn join(first: &str, second: &str) -> String {
    [first.trim(), second.trim()]
        .into_iter()
        .filter(|block| !block.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn clear_retry(context: &Context) -> Vec<Action> {
    context
        .variable(RETRY)
        .map(|_| Action::set_variable(RETRY, ""))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::testing::{BotDialogue, bot_context, check_bad_configs};

    const OFFER: &str = "Reply 1 to keep waiting, or 2 to be contacted later.";

    fn queued(position: u32, waiting: u32, expected_wait_ms: u64) -> BotDialogue<AfterWait> {
        let context = Context {
            queue: Some(QueueInfo {
                position,
                waiting,
                expected_wait_ms,
            }),
            ..bot_context()
        };
        BotDialogue::with_context("", context)
    }

    #[test]
    fn waited_tells_the_place_in_the_queue_and_offers() {
        let actions = queued(3, 7, 150_000).turn(Trigger::Waited);
        assert_eq!(
            actions,
            [
                Action::send_text(format!(
                    "Thank you for waiting. You are number 3 of 7 in the queue; the expected \
                     wait is about 3 min.\n\n{OFFER}"
                )),
                Action::wait_input(300_000, TAG),
            ]
        );
    }

    #[test]
    fn minutes_round_up_and_never_say_zero() {
        let config = r#"{"status_message": "{minutes}", "offer": ""}"#;
        for (ms, minutes) in [(0, "1"), (60_000, "1"), (60_001, "2"), (3_600_000, "60")] {
            let context = Context {
                queue: Some(QueueInfo {
                    position: 1,
                    waiting: 1,
                    expected_wait_ms: ms,
                }),
                ..bot_context()
            };
            let actions =
                BotDialogue::<AfterWait>::with_context(config, context).turn(Trigger::Waited);
            assert_eq!(actions[0], Action::send_text(minutes), "{ms} ms");
        }
    }

    #[test]
    fn without_queue_figures_it_says_so_without_numbers() {
        let actions = BotDialogue::<AfterWait>::new("").turn(Trigger::Waited);
        assert_eq!(
            actions[0],
            Action::send_text(format!(
                "Thank you for waiting. All our agents are still busy.\n\n{OFFER}"
            ))
        );
    }

    #[test]
    fn one_keeps_waiting() {
        let mut bot = queued(2, 2, 60_000);
        bot.turn(Trigger::Waited);
        assert_eq!(
            bot.say(" 1 "),
            [
                Action::send_text("Thank you, an agent will be with you as soon as possible."),
                Action::handoff()
            ]
        );
    }

    #[test]
    fn two_asks_for_a_callback_and_closes() {
        let mut bot = queued(2, 2, 60_000);
        bot.turn(Trigger::Waited);
        assert_eq!(
            bot.say("2, please"),
            [
                Action::set_variable("callback", "requested"),
                Action::send_text("Done: we will contact you as soon as an agent is free."),
                Action::Close(Some("callback-requested".into())),
            ]
        );
        assert_eq!(bot.variable("callback"), Some("requested"));
    }

    #[test]
    fn another_answer_repeats_the_offer_once_then_hands_off() {
        let mut bot = queued(2, 2, 60_000);
        bot.turn(Trigger::Waited);
        assert_eq!(
            bot.say("how long?"),
            [
                Action::send_text(format!("Sorry, please reply 1 or 2.\n\n{OFFER}")),
                Action::set_variable(RETRY, "1"),
                Action::wait_input(300_000, TAG),
            ]
        );
        assert_eq!(
            bot.say("12"),
            [Action::set_variable(RETRY, ""), Action::handoff()]
        );
        assert_eq!(bot.variable(RETRY), None);
    }

    #[test]
    fn a_retry_answered_right_clears_the_mark() {
        let mut bot = queued(2, 2, 60_000);
        bot.say("?");
        assert_eq!(bot.say("2")[0], Action::set_variable(RETRY, ""));
        assert_eq!(bot.variable("callback"), Some("requested"));
    }

    #[test]
    fn a_new_wait_starts_a_fresh_offer() {
        let mut bot = queued(2, 2, 60_000);
        bot.say("?");
        assert_eq!(
            bot.turn(Trigger::Waited)[0],
            Action::set_variable(RETRY, "")
        );
    }

    #[test]
    fn no_answer_in_time_keeps_waiting() {
        let mut bot = queued(1, 1, 1);
        bot.turn(Trigger::Waited);
        assert_eq!(bot.timer(TAG), [Action::handoff()]);
        bot.say("?");
        assert_eq!(
            bot.timer(TAG),
            [Action::set_variable(RETRY, ""), Action::handoff()]
        );
    }

    #[test]
    fn start_and_end_do_nothing() {
        assert_eq!(BotDialogue::<AfterWait>::new("").start(), []);
        assert_eq!(BotDialogue::<AfterWait>::new("").turn(Trigger::End), []);
    }

    #[test]
    fn bad_configs_are_refused_by_key() {
        check_bad_configs(
            Config::load,
            &[
                (r#"{"timeout_ms": 0}"#, "timeout_ms"),
                (r#"{"offers": ""}"#, "offers"),
            ],
        );
        assert_eq!(Config::load("{}"), Ok(Config::default()));
        let info = AfterWait::describe();
        assert_eq!(
            (info.name.as_str(), info.kind),
            ("after-wait", PluginKind::Bot)
        );
    }
}
