//! The bundled `survey` bot: a customer-satisfaction question when a conversation ends.
//!
//! - `end`: the question, then wait (tag `csat`).
//! - an answer whose first number is 1 to 5 (`4`, `I'd say 4/5`): variable `csat` = that
//!   number, `thanks`, `close`. The host keeps `csat` (1 to 5) on the conversation; reports
//!   read it from there.
//! - any other answer: `invalid_reply` once (variable `survey_retry`), then `close` without a
//!   rating.
//! - the wait runs out: `close`. `start` and `waited` do nothing.

mod config;

use switchboard_sdk::bot::{Action, Bot, Content, Context, Trigger};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind, text};

pub use config::{Config, SCHEMA};

/// The tag of the wait for the rating.
pub const TAG: &str = "csat";
/// The variable holding the rating, 1 to 5.
pub const CSAT: &str = "csat";
/// The variable marking that the question was asked again.
pub const RETRY: &str = "survey_retry";

/// The plugin.
pub struct Survey;

impl Bot for Survey {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "survey", env!("CARGO_PKG_VERSION"))
            .with_description(
                "End-of-chat survey: asks for a rating from 1 to 5 and stores it as the \
                 conversation's variable `csat`.",
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
            Trigger::End => vec![
                Action::send_text(&config.question),
                Action::wait_input(config.timeout_ms, TAG),
            ],
            Trigger::Message(content) => answer(&config, &context, &content),
            Trigger::Timer(_) => close(&context),
            Trigger::Start | Trigger::Waited => Vec::new(),
        })
    }
}

switchboard_sdk::export_bot!(Survey);

fn answer(config: &Config, context: &Context, content: &Content) -> Vec<Action> {
    let rating = text::reply(content)
        .and_then(text::first_number)
        .filter(|n| (1..=5).contains(n));
    if let Some(rating) = rating {
        let mut actions = vec![Action::set_variable(CSAT, rating.to_string())];
        actions.extend(clear_retry(context));
        actions.push(Action::send_text(&config.thanks));
        actions.push(Action::Close(None));
        return actions;
    }
    if context.variable(RETRY).is_some() {
        return close(context);
    }
    vec![
        Action::send_text(&config.invalid_reply),
        Action::set_variable(RETRY, "1"),
        Action::wait_input(config.timeout_ms, TAG),
    ]
}

fn close(context: &Context) -> Vec<Action> {
    let mut actions = clear_retry(context);
    actions.push(Action::Close(None));
    actions
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
    use switchboard_sdk::testing::{BotDialogue, check_bad_configs};

    fn survey() -> BotDialogue<Survey> {
        let mut survey = BotDialogue::new("");
        survey.turn(Trigger::End);
        survey
    }

    #[test]
    fn end_asks_the_question_and_waits() {
        assert_eq!(
            BotDialogue::<Survey>::new(r#"{"question": "Rate us 1-5", "timeout_ms": 5000}"#)
                .turn(Trigger::End),
            [
                Action::send_text("Rate us 1-5"),
                Action::wait_input(5000, TAG)
            ]
        );
    }

    #[test]
    fn a_rating_is_stored_thanked_and_closed() {
        let mut survey = survey();
        assert_eq!(
            survey.say("I'd give you a 4/5"),
            [
                Action::set_variable("csat", "4"),
                Action::send_text("Thank you for your feedback!"),
                Action::Close(None),
            ]
        );
        assert_eq!(survey.variable("csat"), Some("4"));
    }

    #[test]
    fn an_answer_without_a_rating_asks_once_more_then_closes() {
        let mut survey = survey();
        assert_eq!(
            survey.say("10"),
            [
                Action::send_text("Sorry, please reply with a number from 1 to 5."),
                Action::set_variable(RETRY, "1"),
                Action::wait_input(600_000, TAG),
            ]
        );
        assert_eq!(
            survey.say("great"),
            [Action::set_variable(RETRY, ""), Action::Close(None)]
        );
        assert_eq!(survey.variable("csat"), None);
    }

    #[test]
    fn a_rating_after_the_second_ask_counts() {
        let mut survey = survey();
        survey.say("0");
        assert_eq!(
            survey.say("5")[..2],
            [
                Action::set_variable("csat", "5"),
                Action::set_variable(RETRY, "")
            ]
        );
    }

    #[test]
    fn no_answer_in_time_closes_without_a_rating() {
        assert_eq!(survey().timer(TAG), [Action::Close(None)]);
        let mut asked_twice = survey();
        asked_twice.say("?");
        assert_eq!(
            asked_twice.timer(TAG),
            [Action::set_variable(RETRY, ""), Action::Close(None)]
        );
    }

    #[test]
    fn start_and_waited_do_nothing() {
        assert_eq!(BotDialogue::<Survey>::new("").start(), []);
        assert_eq!(BotDialogue::<Survey>::new("").turn(Trigger::Waited), []);
    }

    #[test]
    fn bad_configs_are_refused_by_key() {
        check_bad_configs(
            Config::load,
            &[
                (r#"{"timeout_ms": 0}"#, "timeout_ms"),
                (r#"{"question": 5}"#, "string"),
            ],
        );
        assert_eq!(Config::load("{}"), Ok(Config::default()));
        let info = Survey::describe();
        assert_eq!((info.name.as_str(), info.kind), ("survey", PluginKind::Bot));
    }
}
