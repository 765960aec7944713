//! The GET verification challenge (providers.md §2.1): Meta calls
//! `?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…` whenever the callback URL or the
//! verify token changes, and expects the challenge back as plain text.

use subtle::ConstantTimeEq;
use switchboard_sdk::provider::{WebhookError, WebhookResult};

use crate::http;

/// Answers a verification request: 200 echoing `hub.challenge` when the mode is `subscribe`
/// and the token matches, otherwise `Unauthorized`.
pub fn challenge(verify_token: &str, url: &str) -> Result<WebhookResult, WebhookError> {
    let query = url
        .split_once('?')
        .map(|(_, query)| query.split('#').next().unwrap_or_default())
        .unwrap_or_default();
    let (mut mode, mut token, mut challenge) = (None, None, None);
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "hub.mode" => &mut mode,
            "hub.verify_token" => &mut token,
            "hub.challenge" => &mut challenge,
            _ => continue,
        };
        slot.get_or_insert(value.into_owned());
    }
    if mode.as_deref() != Some("subscribe") {
        return Err(WebhookError::Unauthorized(
            "verification request without hub.mode=subscribe".into(),
        ));
    }
    let given = token.unwrap_or_default();
    if verify_token.is_empty() || !bool::from(given.as_bytes().ct_eq(verify_token.as_bytes())) {
        return Err(WebhookError::Unauthorized(
            "hub.verify_token does not match".into(),
        ));
    }
    let challenge =
        challenge.ok_or_else(|| WebhookError::Malformed("hub.challenge is missing".into()))?;
    Ok(WebhookResult {
        response: http::response(200, &challenge),
        events: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://cc.example.com/hooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=s%26cret";

    #[test]
    fn matching_token_echoes_the_challenge() {
        let result = challenge("s&cret", URL).expect("verified");
        assert_eq!(result.response.status, 200);
        assert_eq!(result.response.body, b"1158201444");
        assert!(result.events.is_empty());
    }

    #[test]
    fn wrong_token_mode_or_empty_config_is_unauthorized() {
        for (token, url) in [
            ("other", URL),
            ("s&cret", &*URL.replace("subscribe", "unsubscribe")),
            (
                "",
                "https://x/?hub.mode=subscribe&hub.challenge=1&hub.verify_token=",
            ),
            ("s&cret", "https://x/hooks"),
        ] {
            assert!(
                matches!(challenge(token, url), Err(WebhookError::Unauthorized(_))),
                "{token} {url}"
            );
        }
    }

    #[test]
    fn missing_challenge_is_malformed() {
        let url = "https://x/?hub.mode=subscribe&hub.verify_token=t";
        assert!(matches!(
            challenge("t", url),
            Err(WebhookError::Malformed(_))
        ));
    }
}
