//! Wavy's status codes of a failed send or delivery, as typed send errors (the "Status" table of
//! the Sinch-hosted Wavy WhatsApp API docs).

use switchboard_sdk::provider::SendError;

use crate::http::{failure, retryable};

/// `code` is `sentStatusCode` or `deliveredStatusCode`, `status` its description.
pub fn error(code: &str, status: &str) -> SendError {
    let f = failure(code, status);
    match code {
        // INVALID_DESTINATION_NUMBER
        "202" => SendError::BadRecipient(f),
        // DESTINATION_BLOCKED_BY_OPTOUT, DESTINATION_BLOCKED_BY_OPTIN
        "204" | "211" => SendError::Unsubscribed(f),
        // INVALID_SESSION: outside the window and no fallback template
        "210" => SendError::WindowClosed(f),
        // CARRIER_COMMUNICATION_ERROR (media upload to WhatsApp), INTERNAL_ERROR
        "102" | "311" => retryable(None, f),
        // NOT_DELIVERED groups several causes; its text tells the window apart.
        "104" if mentions_window(status) => SendError::WindowClosed(f),
        // REJECTED_BY_CARRIER, EXPIRED, NOT_DELIVERED, INVALID_MESSAGE_*, INVALID_CONTENT,
        // DESTINATION_BLOCKED_BY_WHITELIST, unknown codes.
        _ => SendError::Permanent(f),
    }
}

fn mentions_window(status: &str) -> bool {
    let status = status.to_ascii_lowercase();
    ["window", "janela", "ventana", "session"]
        .iter()
        .any(|word| status.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(code: &str, status: &str) -> &'static str {
        match error(code, status) {
            SendError::BadRecipient(_) => "bad-recipient",
            SendError::Unsubscribed(_) => "unsubscribed",
            SendError::WindowClosed(_) => "window-closed",
            SendError::Retryable(_) => "retryable",
            SendError::Permanent(_) => "permanent",
            _ => "other",
        }
    }

    #[test]
    fn each_documented_code_has_its_kind() {
        assert_eq!(kind("202", "INVALID_DESTINATION_NUMBER"), "bad-recipient");
        assert_eq!(kind("204", "DESTINATION_BLOCKED_BY_OPTOUT"), "unsubscribed");
        assert_eq!(kind("211", "DESTINATION_BLOCKED_BY_OPTIN"), "unsubscribed");
        assert_eq!(kind("210", "INVALID_SESSION"), "window-closed");
        assert_eq!(kind("102", "CARRIER_COMMUNICATION_ERROR"), "retryable");
        assert_eq!(kind("311", "INTERNAL_ERROR"), "retryable");
        assert_eq!(
            kind(
                "104",
                "Failure to send message because you are outside the support window"
            ),
            "window-closed"
        );
        assert_eq!(kind("104", "NOT_DELIVERED"), "permanent");
        assert_eq!(kind("101", "EXPIRED"), "permanent");
        assert_eq!(kind("206", "INVALID_MESSAGE_LENGTH"), "permanent");
        assert_eq!(kind("999", ""), "permanent");
    }
}
