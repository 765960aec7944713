//! Shared helpers of Switchboard's integration tests and benchmarks.
//!
//! - [`host`]: a real plugin host (runtime, store, registry) on a temp data dir, the guest
//!   components the build produced, random routing inputs.
//! - [`server`]: a real server (`switchboard::server::run`) on `127.0.0.1:0` with its own temp
//!   data dir and a known admin token, driven over HTTP.
//! - [`mock`]: a scripted provider API on `127.0.0.1:0` that records what it was sent.
//! - [`meta`]: signed WhatsApp Cloud API webhook payloads, and a connector that uses them.
//! - [`twilio`], [`sinch`], [`kannel`]: mocks of Twilio's Messages API, Sinch's Conversation
//!   API (token and send) and Kannel's sendsms that check requests as each provider does,
//!   connectors bound to them, signed webhooks; [`kannel`] also runs a real Kannel.
//! - [`api`]: the REST API as those tests drive it; [`form`]: form-encoded fields;
//!   [`crypto`]: HMAC-SHA1 and base64 for Twilio's signatures.

pub mod api;
pub mod crypto;
pub mod desk;
pub mod dialer;
pub mod form;
pub mod host;
pub mod kannel;
pub mod meta;
pub mod mock;
pub mod server;
pub mod sinch;
pub mod twilio;
