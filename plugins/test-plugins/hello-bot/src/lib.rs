//! `hello-bot`: on start, says "hello" and hands the conversation to the queue; other triggers
//! do nothing. Proves the bot world builds and loads, and logs through the host import.

use switchboard_sdk::bot::{Action, Bot, Content, Context, Handoff, Trigger};
use switchboard_sdk::{PluginError, PluginInfo, PluginKind};

/// The plugin.
pub struct HelloBot;

impl Bot for HelloBot {
    fn describe() -> PluginInfo {
        PluginInfo::new(PluginKind::Bot, "hello-bot", env!("CARGO_PKG_VERSION"))
            .with_description("Test plugin: says hello, then hands off to the queue.")
    }

    fn handle(
        _config: &str,
        context: Context,
        trigger: Trigger,
    ) -> Result<Vec<Action>, PluginError> {
        let Trigger::Start = trigger else {
            return Ok(Vec::new());
        };
        switchboard_sdk::log::info(&format!("greeting conversation {}", context.conversation));
        let handoff = Handoff {
            priority: 0,
            skills: Vec::new(),
            attributes: Vec::new(),
        };
        Ok(vec![
            Action::Send(Content::Text("hello".into())),
            Action::Handoff(handoff),
        ])
    }
}

switchboard_sdk::export_bot!(HelloBot);

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_sdk::log::Level;
    use switchboard_sdk::testing::{bot_context, take_logs};

    fn context() -> Context {
        Context {
            conversation: 5,
            ..bot_context()
        }
    }

    #[test]
    fn start_says_hello_and_hands_off() {
        let actions = HelloBot::handle("", context(), Trigger::Start).expect("handles");
        let handoff = Handoff {
            priority: 0,
            skills: vec![],
            attributes: vec![],
        };
        assert_eq!(
            actions,
            [
                Action::Send(Content::Text("hello".into())),
                Action::Handoff(handoff)
            ]
        );
        assert_eq!(
            take_logs(),
            [(Level::Info, "greeting conversation 5".to_owned())]
        );
    }

    #[test]
    fn other_triggers_do_nothing() {
        assert_eq!(HelloBot::handle("", context(), Trigger::End), Ok(vec![]));
    }
}
