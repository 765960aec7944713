//! The host's checks on a bot's answer, before anything is applied: an answer that breaks one
//! is refused whole (the conversation goes to the queue), so a bot can never park a
//! conversation forever, flood a customer, or grow a conversation's variables without bound.
//! The WIT documents the same rules on `action`; the SDK's test kit applies them too.

use super::BotAction;
use crate::conversations::Content;

/// Actions in one answer, at most.
pub const MAX_ACTIONS: usize = 20;
/// The longest `wait_input`: 24 hours.
pub const MAX_WAIT_MS: u64 = 24 * 60 * 60 * 1000;
/// Bytes of a variable name, a wait tag or a close disposition, at most.
pub const MAX_NAME_BYTES: usize = 64;
/// Bytes of a variable value, at most.
pub const MAX_VALUE_BYTES: usize = 4096;

/// Checks `actions` against the host's rules; the error names the action and the rule.
pub fn validate_actions(actions: &[BotAction]) -> Result<(), String> {
    if actions.len() > MAX_ACTIONS {
        return Err(format!(
            "{} actions, more than {MAX_ACTIONS}",
            actions.len()
        ));
    }
    let last = actions.len().saturating_sub(1);
    for (i, action) in actions.iter().enumerate() {
        if action.is_final() && i != last {
            return Err(format!(
                "action {i} ends the turn (handoff, transfer, close or wait_input) but is not the last"
            ));
        }
        check(action).map_err(|why| format!("action {i}: {why}"))?;
    }
    Ok(())
}

fn check(action: &BotAction) -> Result<(), String> {
    match action {
        BotAction::Send {
            content: Content::ChoiceReply(_) | Content::Unsupported { .. },
        } => Err("this content cannot be sent to a customer".into()),
        BotAction::SetVariable { name, value } => {
            if name.is_empty() || name.len() > MAX_NAME_BYTES {
                Err(format!("variable name must be 1 to {MAX_NAME_BYTES} bytes"))
            } else if value.len() > MAX_VALUE_BYTES {
                Err(format!(
                    "variable {name} is {} bytes, over {MAX_VALUE_BYTES}",
                    value.len()
                ))
            } else {
                Ok(())
            }
        }
        BotAction::Transfer { campaign } if campaign.trim().is_empty() => {
            Err("transfer names no campaign".into())
        }
        BotAction::Close {
            disposition: Some(disposition),
        } if disposition.len() > MAX_NAME_BYTES => {
            Err(format!("close disposition is over {MAX_NAME_BYTES} bytes"))
        }
        BotAction::WaitInput { timeout_ms, tag } => {
            if *timeout_ms == 0 || *timeout_ms > MAX_WAIT_MS {
                Err(format!(
                    "wait_input timeout {timeout_ms} ms is not within 1 to {MAX_WAIT_MS} ms"
                ))
            } else if tag.len() > MAX_NAME_BYTES {
                Err(format!("wait_input tag is over {MAX_NAME_BYTES} bytes"))
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(text: &str) -> BotAction {
        BotAction::Send {
            content: Content::Text { text: text.into() },
        }
    }

    fn wait(timeout_ms: u64) -> BotAction {
        BotAction::WaitInput {
            timeout_ms,
            tag: "t".into(),
        }
    }

    fn variable(name: &str, value: &str) -> BotAction {
        BotAction::SetVariable {
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_usual_answer_passes() {
        let actions = [text("hi"), variable("step", "1"), wait(MAX_WAIT_MS)];
        assert_eq!(validate_actions(&actions), Ok(()));
        assert_eq!(validate_actions(&[]), Ok(()));
    }

    #[test]
    fn each_rule_is_enforced_and_named() {
        let close = |d: &str| BotAction::Close {
            disposition: Some(d.into()),
        };
        let cases: Vec<(Vec<BotAction>, &str)> = vec![
            (vec![text("x"); MAX_ACTIONS + 1], "more than 20"),
            (vec![wait(0)], "not within"),
            (vec![wait(MAX_WAIT_MS + 1)], "not within"),
            (vec![variable("", "v")], "variable name"),
            (vec![variable(&"n".repeat(65), "v")], "variable name"),
            (vec![variable("n", &"v".repeat(4097))], "over 4096"),
            (
                vec![BotAction::Transfer {
                    campaign: " ".into(),
                }],
                "no campaign",
            ),
            (vec![close(&"d".repeat(65))], "disposition"),
            (vec![wait(1), text("late")], "action 0 ends the turn"),
            (vec![close("a"), close("b")], "action 0 ends the turn"),
            (
                vec![BotAction::Send {
                    content: Content::Unsupported {
                        name: "order".into(),
                    },
                }],
                "cannot be sent",
            ),
        ];
        for (actions, why) in cases {
            let error = validate_actions(&actions).expect_err(why);
            assert!(error.contains(why), "{error} does not say {why}");
        }
    }
}
