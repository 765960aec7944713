//! The bot part of the test kit: a context as the host hands one over, the host's checks on a
//! bot's answer, and [`BotDialogue`], which plays the host across several turns.

use std::marker::PhantomData;

use super::NOW_MS;
use crate::PluginError;
use crate::bot::{
    Action, Bot, Channel, ContactAddress, Content, Context, HistoryEntry, MAX_ACTIONS,
    MAX_NAME_BYTES, MAX_VALUE_BYTES, MAX_WAIT_MS, Pair, Trigger,
};

/// The history the host passes: the last messages, at most this many.
const MAX_HISTORY: usize = 20;

/// A conversation as the host hands it to a bot: conversation 1 of campaign 1 (`support`) on
/// WhatsApp with the 24-hour window open, customer `+5491155550123` writing to `+15550100`, at
/// [`NOW_MS`], seed 0, no variables, no history, not queued. Change fields with struct update
/// syntax: `Context { queue: Some(…), ..bot_context() }`.
pub fn bot_context() -> Context {
    Context {
        conversation: 1,
        campaign: 1,
        campaign_name: "support".to_owned(),
        channel: Channel::Whatsapp,
        contact: ContactAddress {
            number: Some("+5491155550123".to_owned()),
            user_id: None,
            display_name: None,
        },
        business_number: "+15550100".to_owned(),
        now_ms: NOW_MS,
        seed: 0,
        window_open: true,
        variables: Vec::new(),
        history: Vec::new(),
        queue: None,
    }
}

/// A customer's text message, as a trigger.
pub fn message(text: &str) -> Trigger {
    Trigger::Message(Content::Text(text.to_owned()))
}

/// Checks a bot's answer the way the host does before applying it (see
/// [`crate::bot`]); the error says which rule broke.
pub fn check_actions(actions: &[Action]) -> Result<(), String> {
    if actions.len() > MAX_ACTIONS {
        return Err(format!(
            "{} actions, more than {MAX_ACTIONS}",
            actions.len()
        ));
    }
    let last = actions.len().saturating_sub(1);
    for (i, action) in actions.iter().enumerate() {
        if action.is_final() && i != last {
            return Err(format!("action {i} ends the turn but is not the last"));
        }
        check_action(action).map_err(|why| format!("action {i}: {why}"))?;
    }
    Ok(())
}

fn check_action(action: &Action) -> Result<(), String> {
    match action {
        Action::Send(Content::ChoiceReply(_) | Content::Unsupported(_)) => {
            Err("this content cannot be sent to a customer".into())
        }
        Action::SetVariable(Pair { name, value }) => {
            if name.is_empty() || name.len() > MAX_NAME_BYTES {
                Err(format!("variable name must be 1 to {MAX_NAME_BYTES} bytes"))
            } else if value.len() > MAX_VALUE_BYTES {
                Err(format!("variable {name} is over {MAX_VALUE_BYTES} bytes"))
            } else {
                Ok(())
            }
        }
        Action::Transfer(campaign) if campaign.trim().is_empty() => {
            Err("transfer names no campaign".into())
        }
        Action::Close(Some(disposition)) if disposition.len() > MAX_NAME_BYTES => {
            Err(format!("close disposition is over {MAX_NAME_BYTES} bytes"))
        }
        Action::WaitInput(wait) => {
            if wait.timeout_ms == 0 || wait.timeout_ms > MAX_WAIT_MS {
                Err(format!("wait-input timeout must be 1 to {MAX_WAIT_MS} ms"))
            } else if wait.tag.len() > MAX_NAME_BYTES {
                Err(format!("wait-input tag is over {MAX_NAME_BYTES} bytes"))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// Plays the host's part in a dialogue with bot `B`: each turn adds the customer's message to
/// the history, calls the bot, checks its answer like the host ([`check_actions`], a broken
/// rule panics), keeps the variables it sets and adds what it sends to the history.
///
/// ```
/// # use switchboard_sdk::bot::{Action, Bot, Context, Trigger};
/// # use switchboard_sdk::{PluginError, PluginInfo, PluginKind};
/// # struct Echo;
/// # impl Bot for Echo {
/// #     fn describe() -> PluginInfo { PluginInfo::new(PluginKind::Bot, "echo", "1.0.0") }
/// #     fn handle(_: &str, _: Context, t: Trigger) -> Result<Vec<Action>, PluginError> {
/// #         Ok(match t { Trigger::Start => vec![Action::send_text("hi"), Action::wait_input(1000, "w")], _ => vec![Action::handoff()] })
/// #     }
/// # }
/// use switchboard_sdk::testing::BotDialogue;
///
/// let mut dialogue = BotDialogue::<Echo>::new("{}");
/// assert_eq!(dialogue.start()[0], Action::send_text("hi"));
/// assert_eq!(dialogue.say("hello"), [Action::handoff()]);
/// assert_eq!(dialogue.context().history.len(), 2);
/// ```
pub struct BotDialogue<B: Bot> {
    config: String,
    context: Context,
    bot: PhantomData<B>,
}

impl<B: Bot> BotDialogue<B> {
    /// A dialogue on [`bot_context`] with `config`.
    pub fn new(config: &str) -> Self {
        Self::with_context(config, bot_context())
    }

    /// A dialogue on `context` with `config`.
    pub fn with_context(config: &str, context: Context) -> Self {
        BotDialogue {
            config: config.to_owned(),
            context,
            bot: PhantomData,
        }
    }

    /// The context the next turn gets.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Changes the context of the next turns (the time, the queue…).
    pub fn context_mut(&mut self) -> &mut Context {
        &mut self.context
    }

    /// A variable as the bot last set it.
    pub fn variable(&self, name: &str) -> Option<&str> {
        self.context.variable(name)
    }

    /// One turn: the bot's answer, or its error. Panics if the answer breaks a host rule.
    pub fn try_turn(&mut self, trigger: Trigger) -> Result<Vec<Action>, PluginError> {
        if let Trigger::Message(content) = &trigger {
            self.remember(true, content.clone());
        }
        let actions = B::handle(&self.config, self.context.clone(), trigger)?;
        if let Err(why) = check_actions(&actions) {
            panic!("the host would refuse {actions:?}: {why}");
        }
        for action in &actions {
            match action {
                Action::SetVariable(pair) => {
                    self.context.variables.retain(|p| p.name != pair.name);
                    if !pair.value.is_empty() {
                        self.context.variables.push(pair.clone());
                    }
                }
                Action::Send(content) => self.remember(false, content.clone()),
                _ => {}
            }
        }
        Ok(actions)
    }

    /// One turn; panics if the bot returns an error.
    pub fn turn(&mut self, trigger: Trigger) -> Vec<Action> {
        self.try_turn(trigger)
            .unwrap_or_else(|e| panic!("the bot failed: {}: {}", e.code, e.message))
    }

    /// The `start` trigger.
    pub fn start(&mut self) -> Vec<Action> {
        self.turn(Trigger::Start)
    }

    /// The customer writes `text`.
    pub fn say(&mut self, text: &str) -> Vec<Action> {
        self.turn(message(text))
    }

    /// The bot's `wait-input` with `tag` timed out.
    pub fn timer(&mut self, tag: &str) -> Vec<Action> {
        self.turn(Trigger::Timer(tag.to_owned()))
    }

    fn remember(&mut self, inbound: bool, content: Content) {
        let history = &mut self.context.history;
        history.push(HistoryEntry {
            inbound,
            at_ms: self.context.now_ms,
            content,
        });
        if history.len() > MAX_HISTORY {
            history.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::{Handoff, QueueInfo};

    #[test]
    fn the_context_is_a_queued_whatsapp_conversation_when_told() {
        let context = Context {
            queue: Some(QueueInfo {
                position: 2,
                waiting: 5,
                expected_wait_ms: 90_000,
            }),
            ..bot_context()
        };
        assert_eq!(context.channel, Channel::Whatsapp);
        assert_eq!(context.now_ms, NOW_MS);
        assert_eq!(context.queue.map(|q| q.position), Some(2));
    }

    #[test]
    fn check_actions_applies_the_hosts_rules() {
        let ok = [
            Action::send_text("hi"),
            Action::set_variable("step", "1"),
            Action::wait_input(MAX_WAIT_MS, "menu"),
        ];
        assert_eq!(check_actions(&ok), Ok(()));
        let broken: [(&[Action], &str); 8] = [
            (&[Action::handoff(), Action::send_text("x")], "not the last"),
            (&[Action::wait_input(0, "t")], "timeout"),
            (&[Action::wait_input(MAX_WAIT_MS + 1, "t")], "timeout"),
            (&[Action::set_variable("", "v")], "name"),
            (&[Action::set_variable("v", "x".repeat(4097))], "4096"),
            (&[Action::Transfer(" ".into())], "campaign"),
            (&[Action::Close(Some("d".repeat(65)))], "disposition"),
            (
                &[Action::Send(Content::Unsupported("order".into()))],
                "cannot be sent",
            ),
        ];
        for (actions, why) in broken {
            let error = check_actions(actions).expect_err(why);
            assert!(error.contains(why), "{error}");
        }
        let many = vec![Action::send_text("x"); MAX_ACTIONS + 1];
        assert!(check_actions(&many).is_err_and(|e| e.contains("more than")));
    }

    struct Counter;

    impl Bot for Counter {
        fn describe() -> crate::PluginInfo {
            crate::PluginInfo::new(crate::PluginKind::Bot, "counter", "1.0.0")
        }

        fn handle(
            config: &str,
            context: Context,
            trigger: Trigger,
        ) -> Result<Vec<Action>, PluginError> {
            if config == "fail" {
                return Err(PluginError::bad_config("told to fail"));
            }
            let seen: u32 = context
                .variable("seen")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            Ok(match trigger {
                Trigger::Message(_) if seen >= 1 => vec![
                    Action::set_variable("seen", ""),
                    Action::Handoff(Handoff::default()),
                ],
                _ => vec![
                    Action::send_text(format!("seen {seen}")),
                    Action::set_variable("seen", (seen + 1).to_string()),
                    Action::wait_input(1000, "t"),
                ],
            })
        }
    }

    #[test]
    fn a_dialogue_keeps_variables_and_history() {
        let mut dialogue = BotDialogue::<Counter>::new("");
        dialogue.start();
        assert_eq!(dialogue.variable("seen"), Some("1"));
        assert_eq!(
            dialogue.say("hi"),
            [Action::set_variable("seen", ""), Action::handoff()]
        );
        assert_eq!(dialogue.variable("seen"), None, "an empty value removes it");
        let inbound: Vec<bool> = dialogue
            .context()
            .history
            .iter()
            .map(|h| h.inbound)
            .collect();
        assert_eq!(inbound, [false, true]);
        for _ in 0..30 {
            dialogue.timer("t");
        }
        assert_eq!(dialogue.context().history.len(), MAX_HISTORY);
        let mut failing = BotDialogue::<Counter>::new("fail");
        assert_eq!(
            failing.try_turn(Trigger::End).map_err(|e| e.code),
            Err("bad-config".to_owned())
        );
    }

    #[test]
    #[should_panic(expected = "the host would refuse")]
    fn a_broken_rule_fails_the_test() {
        struct Bad;
        impl Bot for Bad {
            fn describe() -> crate::PluginInfo {
                crate::PluginInfo::new(crate::PluginKind::Bot, "bad", "1.0.0")
            }
            fn handle(_: &str, _: Context, _: Trigger) -> Result<Vec<Action>, PluginError> {
                Ok(vec![Action::wait_input(0, "t")])
            }
        }
        BotDialogue::<Bad>::new("").start();
    }
}
