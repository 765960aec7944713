//! `switchboard plugin bot NAME|FILE --input turn.json`: one turn of a bot, offline. The input
//! is `{ "config": {…} or "…", "context": {…}, "trigger": {…} }`; the context's fields are
//! optional (`now_ms` defaults to now). Prints the actions the engine would apply.

use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Deserialize;
use serde_json::Value;

use super::output::print_json;
use super::plugin::{offline_runtime, plugin_source};
use crate::bots::{BotContext, BotTrigger};
use crate::plugins::offline;

/// The input file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Turn {
    /// The bot's config: a JSON object, or JSON text in a string. Absent: the defaults.
    #[serde(default)]
    config: Option<Value>,
    /// The context; absent fields take their defaults.
    #[serde(default)]
    context: Option<Value>,
    /// Why the bot is called.
    trigger: Value,
}

/// A turn read and checked: the config as the bot gets it, the context, the trigger.
#[derive(Debug)]
pub struct BotTurn {
    pub config: String,
    pub context: BotContext,
    pub trigger: BotTrigger,
}

/// Runs `plugin bot`: `--json` prints the report (plugin, version, actions, time), otherwise
/// the actions alone.
pub async fn run(plugin: &str, input: &Path, json: bool) -> anyhow::Result<()> {
    let text = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    let turn = parse(&text, crate::clock::now_ms())
        .with_context(|| format!("{} is not a bot turn", input.display()))?;
    let report = offline::bot(
        &offline_runtime()?,
        plugin_source(plugin)?,
        &turn.config,
        &turn.context,
        &turn.trigger,
    )
    .await
    .with_context(|| format!("bot {plugin} failed"))?;
    if json {
        print_json(&report)
    } else {
        print_json(&report.actions)
    }
}

/// Reads a turn; a context without `now_ms` is at `now_ms`.
pub fn parse(text: &[u8], now_ms: i64) -> anyhow::Result<BotTurn> {
    let turn: Turn = serde_json::from_slice(text)
        .context("expected { \"config\": …, \"context\": {…}, \"trigger\": {\"type\": …} }")?;
    let config = match turn.config {
        None | Some(Value::Null) => "{}".to_owned(),
        Some(Value::String(text)) => text,
        Some(value @ Value::Object(_)) => value.to_string(),
        Some(other) => bail!("config must be an object or a string of JSON, not {other}"),
    };
    let mut context = match turn.context {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(value @ Value::Object(_)) => value,
        Some(other) => bail!("context must be an object, not {other}"),
    };
    if let Value::Object(fields) = &mut context {
        fields
            .entry("now_ms")
            .or_insert_with(|| Value::from(now_ms.max(0)));
    }
    let context: BotContext = serde_json::from_value(context).context("context")?;
    let trigger: BotTrigger = serde_json::from_value(turn.trigger).context(
        "trigger must be {\"type\": \"start\"}, {\"type\": \"message\", \"content\": {…}}, \
         {\"type\": \"waited\"}, {\"type\": \"end\"} or {\"type\": \"timer\", \"tag\": \"…\"}",
    )?;
    Ok(BotTurn {
        config,
        context,
        trigger,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bots::Channel;
    use crate::conversations::Content;

    #[test]
    fn a_minimal_turn_gets_defaults_and_now() {
        let turn = parse(br#"{"trigger": {"type": "start"}}"#, 1_700_000_000_000).expect("parses");
        assert_eq!(turn.config, "{}");
        assert_eq!(turn.trigger, BotTrigger::Start);
        assert_eq!(turn.context.now_ms, 1_700_000_000_000);
        assert_eq!(turn.context.channel, Channel::Whatsapp);
        assert!(turn.context.window_open);
        assert!(turn.context.history.is_empty());
    }

    #[test]
    fn config_may_be_an_object_or_text_and_context_fields_are_kept() {
        let input = br#"{
            "config": {"max_attempts": 2},
            "context": {"now_ms": 5, "variables": {"menu_attempts": "1"}, "channel": "sms",
                        "queue": {"position": 2, "waiting": 3, "expected_wait_ms": 60000}},
            "trigger": {"type": "message", "content": {"type": "text", "text": "1"}}
        }"#;
        let turn = parse(input, 9).expect("parses");
        assert_eq!(turn.config, r#"{"max_attempts":2}"#);
        assert_eq!(turn.context.now_ms, 5, "a given time is kept");
        assert_eq!(turn.context.variables["menu_attempts"], "1");
        assert_eq!(turn.context.queue.map(|q| q.position), Some(2));
        assert_eq!(
            turn.trigger,
            BotTrigger::Message {
                content: Content::Text { text: "1".into() }
            }
        );
        let text = parse(
            br#"{"config": "{\"a\": 1}", "trigger": {"type": "end"}}"#,
            0,
        );
        assert_eq!(text.expect("parses").config, r#"{"a": 1}"#);
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        let cases: [(&[u8], &str); 5] = [
            (b"{}", "trigger"),
            (br#"{"trigger": {"type": "hello"}}"#, "trigger must be"),
            (
                br#"{"trigger": {"type": "start"}, "config": 3}"#,
                "config must be",
            ),
            (
                br#"{"trigger": {"type": "start"}, "context": {"nope": 1}}"#,
                "nope",
            ),
            (br#"{"trigger": {"type": "start"}, "extra": 1}"#, "extra"),
        ];
        for (input, why) in cases {
            let error = parse(input, 0).expect_err(why);
            let message = crate::cli::error_message(&error);
            assert!(message.contains(why), "{message} does not say {why}");
        }
    }
}
