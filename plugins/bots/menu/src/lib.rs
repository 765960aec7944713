//! The bundled `menu` bot: greets the customer with numbered options and moves the
//! conversation to the chosen option's campaign (or to this campaign's queue).
//!
//! - `start`: the greeting and the options, then wait (tag `menu`).
//! - a message matching an option's key or label (trimmed, any case, any accents): variable
//!   `menu_choice` = the key, then `transfer` to its campaign, or `handoff` if it names none.
//! - any other message: `invalid_reply` and the options again, counting the attempts in
//!   variable `menu_attempts`; the `max_attempts`-th miss hands off.
//! - the wait runs out: `timeout_message` (if set), then `handoff`.
//! - a menu without options greets and hands off. `waited` and `end` do nothing.

mod config;

use switchboard_sdk::bot::{Action, Bot, Content, Context, Trigger};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind, text};

pub use config::{Config, MenuOption, SCHEMA};

/// The tag of the menu's wait.
pub const TAG: &str = "menu";
/// The variable counting answers that matched no option.
pub const ATTEMPTS: &str = "menu_attempts";
/// The variable holding the chosen option's key.
pub const CHOICE: &str = "menu_choice";

/// The plugin.
pub struct Menu;

impl Bot for Menu {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "menu", env!("CARGO_PKG_VERSION"))
            .with_description(
                "A numbered menu: the customer's answer moves the conversation to the option's \
                 campaign, or to the queue.",
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
            Trigger::Start => start(&config),
            Trigger::Message(content) => answer(&config, &context, &content),
            Trigger::Timer(_) => timed_out(&config, &context),
            Trigger::Waited | Trigger::End => Vec::new(),
        })
    }
}

switchboard_sdk::export_bot!(Menu);

fn start(config: &Config) -> Vec<Action> {
    if config.options.is_empty() {
        let greeting =
            (!config.greeting.trim().is_empty()).then(|| Action::send_text(&config.greeting));
        return greeting.into_iter().chain([Action::handoff()]).collect();
    }
    vec![
        Action::send_text(join(&config.greeting, &options_list(config))),
        Action::wait_input(config.timeout_ms, TAG),
    ]
}

fn answer(config: &Config, context: &Context, content: &Content) -> Vec<Action> {
    if config.options.is_empty() {
        return vec![Action::handoff()];
    }
    let mut actions = reset_attempts(context);
    if let Some(option) = chosen(config, content) {
        actions.push(Action::set_variable(CHOICE, option.key.trim()));
        actions.push(match option.campaign() {
            Some(campaign) => Action::Transfer(campaign.to_owned()),
            None => Action::handoff(),
        });
        return actions;
    }
    let attempts = attempts(context) + 1;
    if attempts >= config.max_attempts {
        actions.push(Action::handoff());
        return actions;
    }
    vec![
        Action::send_text(join(&config.invalid_reply, &options_list(config))),
        Action::set_variable(ATTEMPTS, attempts.to_string()),
        Action::wait_input(config.timeout_ms, TAG),
    ]
}

fn timed_out(config: &Config, context: &Context) -> Vec<Action> {
    let mut actions = Vec::new();
    if !config.timeout_message.trim().is_empty() {
        actions.push(Action::send_text(&config.timeout_message));
    }
    actions.extend(reset_attempts(context));
    actions.push(Action::handoff());
    actions
}

/// The option the customer's answer names: its key or label as text, or a tapped choice whose
/// id or title is one.
fn chosen<'c>(config: &'c Config, content: &Content) -> Option<&'c MenuOption> {
    let said: Vec<&str> = match content {
        Content::ChoiceReply(choice) => vec![&choice.id, &choice.title],
        other => text::reply(other).into_iter().collect(),
    };
    config.options.iter().find(|option| {
        said.iter()
            .any(|s| text::same(s, &option.key) || text::same(s, &option.label))
    })
}

fn options_list(config: &Config) -> String {
    config
        .options
        .iter()
        .map(|o| format!("{}. {}", o.key.trim(), o.label.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Two blocks of text with a blank line between, leaving out an empty one.
fn join(first: &str, second: &str) -> String {
    [first.trim(), second]
        .into_iter()
        .filter(|block| !block.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn attempts(context: &Context) -> u32 {
    context
        .variable(ATTEMPTS)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Clears the attempt count when there is one, so a later menu starts afresh.
fn reset_attempts(context: &Context) -> Vec<Action> {
    context
        .variable(ATTEMPTS)
        .map(|_| Action::set_variable(ATTEMPTS, ""))
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::bot::Choice;
    use switchboard_sdk::testing::{BotDialogue, check_bad_configs};

    const CONFIG: &str = r#"{
        "greeting": "Welcome to ACME.",
        "options": [
            {"key": "1", "label": "Sales", "campaign": "sales"},
            {"key": "2", "label": "Atención al cliente", "campaign": "support"},
            {"key": "3", "label": "Someone here", "campaign": ""}
        ],
        "max_attempts": 2,
        "timeout_ms": 60000,
        "timeout_message": "No answer; passing you to an agent."
    }"#;

    const MENU: &str = "Welcome to ACME.\n\n1. Sales\n2. Atención al cliente\n3. Someone here";

    fn dialogue() -> BotDialogue<Menu> {
        BotDialogue::new(CONFIG)
    }

    #[test]
    fn start_shows_the_options_and_waits() {
        assert_eq!(
            dialogue().start(),
            [Action::send_text(MENU), Action::wait_input(60_000, TAG)]
        );
    }

    #[test]
    fn a_key_transfers_to_its_campaign() {
        let mut menu = dialogue();
        menu.start();
        assert_eq!(
            menu.say(" 1 "),
            [
                Action::set_variable(CHOICE, "1"),
                Action::Transfer("sales".into())
            ]
        );
        assert_eq!(menu.variable(CHOICE), Some("1"));
    }

    #[test]
    fn a_label_matches_in_any_case_and_without_accents() {
        let mut menu = dialogue();
        assert_eq!(
            menu.say("ATENCION AL CLIENTE"),
            [
                Action::set_variable(CHOICE, "2"),
                Action::Transfer("support".into())
            ]
        );
        let tapped = Content::ChoiceReply(Choice {
            id: "1".into(),
            title: String::new(),
            description: None,
        });
        assert_eq!(
            menu.turn(Trigger::Message(tapped))[1],
            Action::Transfer("sales".into())
        );
    }

    #[test]
    fn an_option_without_campaign_hands_off() {
        let without = r#"{"options": [{"key": "9", "label": "Agent"}]}"#;
        let mut menu = BotDialogue::<Menu>::new(without);
        assert_eq!(
            menu.say("9"),
            [Action::set_variable(CHOICE, "9"), Action::handoff()]
        );
        assert_eq!(
            dialogue().say("3")[1],
            Action::handoff(),
            "an empty campaign"
        );
    }

    #[test]
    fn a_wrong_answer_repeats_the_options_then_hands_off() {
        let mut menu = dialogue();
        menu.start();
        assert_eq!(
            menu.say("what?"),
            [
                Action::send_text(format!(
                    "Sorry, that is not one of the options.\n\n{}",
                    MENU.trim_start_matches("Welcome to ACME.\n\n")
                )),
                Action::set_variable(ATTEMPTS, "1"),
                Action::wait_input(60_000, TAG),
            ]
        );
        assert_eq!(
            menu.say("still no"),
            [Action::set_variable(ATTEMPTS, ""), Action::handoff()],
            "the second miss of max_attempts 2 hands off"
        );
        assert_eq!(menu.variable(ATTEMPTS), None);
    }

    #[test]
    fn a_right_answer_after_a_wrong_one_clears_the_count() {
        let mut menu = dialogue();
        menu.say("4");
        assert_eq!(
            menu.say("sales"),
            [
                Action::set_variable(ATTEMPTS, ""),
                Action::set_variable(CHOICE, "1"),
                Action::Transfer("sales".into())
            ]
        );
    }

    #[test]
    fn no_answer_in_time_hands_off() {
        let mut menu = dialogue();
        menu.start();
        assert_eq!(
            menu.timer(TAG),
            [
                Action::send_text("No answer; passing you to an agent."),
                Action::handoff()
            ]
        );
        let mut quiet = BotDialogue::<Menu>::new(r#"{"options": [{"key": "1", "label": "A"}]}"#);
        assert_eq!(
            quiet.timer(TAG),
            [Action::handoff()],
            "no timeout message set"
        );
    }

    #[test]
    fn a_menu_without_options_greets_and_hands_off() {
        let mut menu = BotDialogue::<Menu>::new("{}");
        assert_eq!(
            menu.start(),
            [
                Action::send_text(Config::default().greeting),
                Action::handoff()
            ]
        );
        assert_eq!(menu.say("1"), [Action::handoff()]);
        let mut silent = BotDialogue::<Menu>::new(r#"{"greeting": ""}"#);
        assert_eq!(silent.start(), [Action::handoff()]);
    }

    #[test]
    fn waited_and_end_do_nothing() {
        assert_eq!(dialogue().turn(Trigger::Waited), []);
        assert_eq!(dialogue().turn(Trigger::End), []);
    }

    #[test]
    fn bad_configs_are_refused_by_key() {
        check_bad_configs(
            Config::load,
            &[
                (r#"{"greting": "x"}"#, "greting"),
                (r#"{"max_attempts": 0}"#, "max_attempts"),
                (r#"{"timeout_ms": 0}"#, "timeout_ms"),
                (r#"{"options": [{"key": " ", "label": "x"}]}"#, "options[0]"),
                (
                    r#"{"options": [{"key": "1", "label": "a"}, {"key": " 1", "label": "b"}]}"#,
                    "options[1].key",
                ),
            ],
        );
        assert_eq!(Config::load("{}"), Ok(Config::default()));
    }

    #[test]
    fn describe_names_the_bot_and_its_schema() {
        let info = Menu::describe();
        assert_eq!((info.name.as_str(), info.kind), ("menu", PluginKind::Bot));
        assert!(info.config_schema.contains("\"max_attempts\""));
    }
}
