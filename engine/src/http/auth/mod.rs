//! Who may call what: users with roles, signed in with a session cookie (people) or an API
//! token (machines).
//!
//! - [`token`]: random tokens and their stored sha256 (API tokens, the admin token, sessions).
//! - [`password`]: argon2id password hashes.
//! - [`session`]: the `sb_session` cookie and the sessions behind it; [`session::end_all`].
//! - [`csrf`]: the `X-CSRF-Token` check of cookie-authenticated writes.
//! - [`login_limit`]: login attempts per account and per client address.
//! - [`authenticate`]: the middleware that turns a request's credentials into a [`Principal`],
//!   and the one that requires a [`Role`].
//! - [`principal`]: the [`Principal`] handlers take as an argument.
//! - [`audit`]: the audit log: every successful write by a supervisor or admin, and
//!   [`audit()`] for explicit entries.
//!
//! The admin token the server prints on first start is the API token of the `admin` user.

pub mod audit;
pub mod authenticate;
pub mod client;
pub mod csrf;
pub mod login_limit;
pub mod password;
pub mod principal;
pub mod session;
pub mod token;

use std::sync::Arc;

pub use audit::audit;
pub use authenticate::{authenticate, require_role};
pub use client::ClientIp;
pub use principal::{Principal, Role};
pub use token::{AdminToken, generate_token, token_hash};

use crate::config::AuthSettings;
use crate::store::Store;
use login_limit::LoginLimits;
use password::{PasswordError, Passwords};
use session::SessionSettings;

/// What authentication needs at hand: the store, the password hasher, the login limits and the
/// session settings. One per server, shared by the handlers through the app state.
pub struct Auth {
    /// Users, sessions, tokens and the audit log live here.
    pub store: Arc<dyn Store>,
    /// Hashing at the configured cost.
    pub passwords: Passwords,
    /// Login attempts.
    pub limits: LoginLimits,
    /// How sessions live.
    pub sessions: SessionSettings,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("passwords", &self.passwords)
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl Auth {
    /// Authentication over `store` with `settings`; cookies are `Secure` if `https`. Computes
    /// one password hash: call it off the async workers (`spawn_blocking`).
    pub fn new(
        store: Arc<dyn Store>,
        settings: &AuthSettings,
        https: bool,
    ) -> Result<Self, PasswordError> {
        Ok(Self {
            store,
            passwords: Passwords::new(settings.argon2_memory_kib, settings.argon2_iterations)?,
            limits: LoginLimits::new(
                settings.login_attempts_per_account,
                settings.login_attempts_per_ip,
            ),
            sessions: SessionSettings {
                idle_timeout: settings.idle_timeout(),
                lifetime: settings.lifetime(),
                secure: https,
            },
        })
    }
}
