//! The legacy Wavy / "Sinch Messaging LATAM" WhatsApp API (providers.md §3.3): static
//! `UserName` / `AuthenticationToken` headers, `POST /v1/whatsapp/send` (`message` builds the
//! body, `send` the request and the reading of its answer), and unsigned batch callbacks of
//! inbound messages and statuses (`callbacks`, with `codes` classifying failure codes).

mod callbacks;
mod codes;
mod message;
mod send;

pub use callbacks::handle_webhook;
pub use send::{prepare_send, read_send_response};
