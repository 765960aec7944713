//! `message_template_status_update` webhooks → template status events. The value is
//! `{"event": "APPROVED", "message_template_id", "message_template_name",
//! "message_template_language", "reason": "NONE", "other_info"?: {"title", "description"}}`.

use serde_json::Value;
use switchboard_sdk::provider::TemplateStatus;

/// Translates a template review change; `None` without a name or an event.
pub fn status(value: &Value) -> Option<TemplateStatus> {
    let name = value["message_template_name"].as_str()?;
    let status = value["event"].as_str()?;
    let reason = value["reason"]
        .as_str()
        .filter(|reason| !reason.is_empty() && *reason != "NONE")
        .map(str::to_owned);
    // Pauses and disables explain themselves in `other_info` rather than `reason`.
    let info = &value["other_info"];
    let detail = [&info["title"], &info["description"]]
        .into_iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let reason = match (reason, detail.is_empty()) {
        (Some(reason), false) => Some(format!("{reason} ({detail})")),
        (None, false) => Some(detail),
        (reason, true) => reason,
    };
    Some(TemplateStatus {
        name: name.to_owned(),
        language: value["message_template_language"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        status: status.to_owned(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pause_explains_itself_in_other_info() {
        let paused = status(&json!({"event": "PAUSED", "message_template_name": "promo",
            "message_template_language": "es_AR", "reason": "NONE",
            "other_info": {"title": "FIRST_PAUSE", "description": "Low quality for 3 hours"}}))
        .expect("status");
        assert_eq!(
            paused.reason.as_deref(),
            Some("FIRST_PAUSE: Low quality for 3 hours")
        );
        assert_eq!(status(&json!({"event": "APPROVED"})), None);
    }
}
