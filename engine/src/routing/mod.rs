//! Routing: deciding which agent takes which waiting conversation.
//!
//! For now a routing pass ([`pass`]): ask the campaign's strategy plugin, check its answer
//! against the input ([`validate`]), and fall back to a native strategy ([`fallback`]) when the
//! plugin fails. The router task, campaigns and timers build on this.

pub mod fallback;
pub mod pass;
pub mod validate;

pub use pass::{DecidedBy, PassOutcome, route_pass, route_with};
pub use validate::validate;
