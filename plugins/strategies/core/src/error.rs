//! Why a strategy refused to route.

use std::fmt;

/// A strategy's error. The host answers it by using its built-in fallback for the pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// The config is not valid JSON for this strategy (unknown key, wrong type…); the message
    /// names the key.
    BadConfig(String),
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::BadConfig(message) => write!(f, "bad config: {message}"),
        }
    }
}

impl std::error::Error for RouteError {}
