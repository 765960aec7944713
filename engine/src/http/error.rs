//! The one error type every handler returns, and the one table from error code to HTTP status.
//!
//! Clients decide from `code`, a stable word (`plugin_too_large`), never from `message`, which
//! is for people. Internal causes (a database failure, a host bug) are logged with their
//! detail and shown only as `internal`, so nothing about the machine leaks to a caller.

use axum::Json;
use axum::http::StatusCode;
use axum::http::header::RETRY_AFTER;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::plugins::PluginError;

/// Every error code the API returns and its status. A code not listed here is a 500.
pub const STATUS_OF_CODE: &[(&str, StatusCode)] = &[
    ("bad_request", StatusCode::BAD_REQUEST),
    ("unauthorized", StatusCode::UNAUTHORIZED),
    ("invalid_credentials", StatusCode::UNAUTHORIZED),
    ("csrf", StatusCode::FORBIDDEN),
    ("account_disabled", StatusCode::FORBIDDEN),
    ("too_many_attempts", StatusCode::TOO_MANY_REQUESTS),
    ("not_found", StatusCode::NOT_FOUND),
    ("method_not_allowed", StatusCode::METHOD_NOT_ALLOWED),
    ("conflict", StatusCode::CONFLICT),
    ("plugin_too_large", StatusCode::PAYLOAD_TOO_LARGE),
    ("payload_too_large", StatusCode::PAYLOAD_TOO_LARGE),
    ("unsupported_media_type", StatusCode::UNSUPPORTED_MEDIA_TYPE),
    // The upload is a file the host refuses: well-formed request, unprocessable content.
    ("plugin_invalid_component", StatusCode::UNPROCESSABLE_ENTITY),
    (
        "plugin_incompatible_world",
        StatusCode::UNPROCESSABLE_ENTITY,
    ),
    ("plugin_forbidden_import", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_bad_description", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_bad_config", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_wrong_kind", StatusCode::UNPROCESSABLE_ENTITY),
    // A plugin that misbehaves in the install's smoke call is refused like a bad file.
    ("plugin_trap", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_timeout", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_out_of_memory", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_invalid_output", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_error", StatusCode::UNPROCESSABLE_ENTITY),
    ("plugin_busy", StatusCode::SERVICE_UNAVAILABLE),
    ("not_ready", StatusCode::SERVICE_UNAVAILABLE),
    ("forbidden", StatusCode::FORBIDDEN),
    ("unavailable", StatusCode::SERVICE_UNAVAILABLE),
    ("webhook_malformed", StatusCode::BAD_REQUEST),
    ("connector_unavailable", StatusCode::CONFLICT),
    ("invalid_recipient", StatusCode::UNPROCESSABLE_ENTITY),
    ("recipient_blocked", StatusCode::CONFLICT),
    ("template_invalid", StatusCode::UNPROCESSABLE_ENTITY),
    ("window_closed", StatusCode::CONFLICT),
    ("content_invalid", StatusCode::UNPROCESSABLE_ENTITY),
    ("invalid", StatusCode::UNPROCESSABLE_ENTITY),
    // A dialer list that could not be read to its end (broken CSV, upload cut off, too large).
    ("list_unreadable", StatusCode::BAD_REQUEST),
    ("store_error", StatusCode::INTERNAL_SERVER_ERROR),
    ("internal", StatusCode::INTERNAL_SERVER_ERROR),
];

/// The status for an error code, from [`STATUS_OF_CODE`].
pub fn status_of(code: &str) -> StatusCode {
    STATUS_OF_CODE
        .iter()
        .find(|(known, _)| *known == code)
        .map_or(StatusCode::INTERNAL_SERVER_ERROR, |(_, status)| *status)
}

/// An error as the API shows it: `{ "code": "...", "message": "..." }` with its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// Stable, machine-readable cause.
    pub code: &'static str,
    /// What a person should know; never internal detail.
    pub message: String,
}

impl ApiError {
    /// An error with a code from [`STATUS_OF_CODE`].
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The request is malformed (bad JSON, bad query).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new("bad_request", message)
    }

    /// No credentials, or none that are live. Says nothing about which.
    pub fn unauthorized() -> Self {
        Self::new(
            "unauthorized",
            "sign in, or send a valid token: Authorization: Bearer <token>",
        )
    }

    /// The server is up but still loading its store and plugins.
    pub fn not_ready() -> Self {
        Self::new("not_ready", "the server is starting; try again shortly")
    }

    /// Nothing lives at that path.
    pub fn no_route() -> Self {
        Self::new("not_found", "no such endpoint")
    }

    /// Logs `cause` and returns an error that does not show it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error answering a request");
        Self::new("internal", "internal error; the cause is in the server log")
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        status_of(self.code)
    }
}

impl From<PluginError> for ApiError {
    fn from(error: PluginError) -> Self {
        let code = error.code();
        if status_of(code).is_server_error() && code != "plugin_busy" {
            tracing::error!(%error, code, "plugin host failure answering a request");
            return Self::new(code, "internal error; the cause is in the server log");
        }
        Self::new(code, error.to_string())
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match error {
            StoreError::Conflict(why) => Self::new("conflict", why),
            StoreError::NotFound(what) => Self::new("not_found", format!("not found: {what}")),
            StoreError::Unavailable(why) => Self::new("unavailable", why),
            other => Self::internal(other),
        }
    }
}

impl From<crate::conversations::compliance::GateError> for ApiError {
    fn from(error: crate::conversations::compliance::GateError) -> Self {
        use crate::conversations::compliance::GateError;
        match error {
            GateError::Store(store) => store.into(),
            other => Self::new(other.code(), other.to_string()),
        }
    }
}

impl From<crate::providers::connectors::ConnectorError> for ApiError {
    fn from(error: crate::providers::connectors::ConnectorError) -> Self {
        use crate::providers::connectors::ConnectorError;
        match error {
            ConnectorError::Invalid(why) => Self::new("invalid", why),
            ConnectorError::Plugin(plugin) => plugin.into(),
            ConnectorError::Store(store) => store.into(),
            ConnectorError::NotFound(id) => Self::new("not_found", format!("no connector {id}")),
            ConnectorError::Secret(error) => Self::internal(error),
        }
    }
}

impl From<crate::providers::intake::IntakeError> for ApiError {
    fn from(error: crate::providers::intake::IntakeError) -> Self {
        use crate::providers::intake::IntakeError;
        let code = match &error {
            IntakeError::UnknownUrl | IntakeError::Unauthorized(_) => "unauthorized",
            IntakeError::Forbidden => "forbidden",
            IntakeError::Malformed(_) => "webhook_malformed",
            IntakeError::Unavailable(_) => "unavailable",
        };
        Self::new(code, error.to_string())
    }
}

impl From<super::auth::password::PasswordError> for ApiError {
    fn from(error: super::auth::password::PasswordError) -> Self {
        use super::auth::password::PasswordError;
        match error {
            PasswordError::Length => Self::new("invalid", error.to_string()),
            other => Self::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, Json(&self)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[test]
    fn every_plugin_error_code_has_a_deliberate_status() {
        let errors = [
            (PluginError::NotFound("x".into()), StatusCode::NOT_FOUND),
            (PluginError::Conflict("x".into()), StatusCode::CONFLICT),
            (
                PluginError::TooLarge { size: 2, limit: 1 },
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                PluginError::BadConfig("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::InvalidComponent("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::IncompatibleWorld("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::ForbiddenImport("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::BadDescription("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::WrongKind {
                    name: "x".into(),
                    expected: "bot",
                    actual: "strategy",
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::Trap("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::Timeout { deadline_ms: 5 },
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::OutOfMemory { cap_bytes: 5 },
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::InvalidOutput("x".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                PluginError::Returned {
                    code: "c".into(),
                    message: "m".into(),
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (PluginError::Busy, StatusCode::SERVICE_UNAVAILABLE),
            (
                PluginError::Host("x".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (error, status) in errors {
            let code = error.code();
            assert!(
                STATUS_OF_CODE.iter().any(|(known, _)| *known == code),
                "{code} is not in the table"
            );
            assert_eq!(ApiError::from(error).status(), status, "{code}");
        }
    }

    #[test]
    fn own_codes_map_to_their_status() {
        assert_eq!(ApiError::bad_request("x").status(), StatusCode::BAD_REQUEST);
        assert_eq!(ApiError::unauthorized().status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            ApiError::not_ready().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(ApiError::no_route().status(), StatusCode::NOT_FOUND);
        assert_eq!(status_of("no_such_code"), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn internal_causes_are_not_shown() {
        let secret = "disk /var/lib/secret is full";
        let error = ApiError::from(PluginError::Host(secret.into()));
        assert_eq!(error.code, "internal");
        assert!(!error.message.contains(secret));

        let error = ApiError::from(PluginError::Store(StoreError::Unavailable("closed".into())));
        assert_eq!(error.code, "store_error");
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);

        let error = ApiError::internal(secret);
        assert!(!error.message.contains(secret));
    }

    #[tokio::test]
    async fn the_body_is_code_and_message() {
        let response = ApiError::new("conflict", "already there").into_response();
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .expect("body");
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            json,
            serde_json::json!({ "code": "conflict", "message": "already there" })
        );
    }
}
