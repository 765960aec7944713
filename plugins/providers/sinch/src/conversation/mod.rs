//! The Sinch Conversation API: the OAuth2 token step (`auth`), sends (`message` builds the
//! message body, `send` the request and the reading of its response, `errors` classifies
//! failures) and callbacks (`signature` checks `x-sinch-webhook-signature`, `callbacks` turns
//! `MESSAGE_INBOUND` and `MESSAGE_DELIVERY` into events). providers.md §3.1–3.2.

mod auth;
mod callbacks;
mod errors;
mod message;
mod send;
mod signature;

pub use auth::{prepare_auth, read_auth};
pub use callbacks::handle_webhook;
pub use send::{prepare_send, read_send_response};
