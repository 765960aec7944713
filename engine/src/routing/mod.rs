//! Routing: deciding which agent takes which waiting conversation.
//!
//! For now a routing pass ([`pass`]): ask the campaign's strategy plugin, check its answer
//! against the input ([`validate`]), and fall back to a native strategy ([`fallback`]) when the
//! plugin fails. Beside it, pure pieces the router uses: a campaign's opening hours
//! ([`schedule`]) and the service-level formula ([`service_level`]). The router task, campaigns
//! and timers build on these.

pub mod fallback;
pub mod pass;
pub mod schedule;
pub mod service_level;
pub mod validate;

pub use pass::{DecidedBy, PassOutcome, route_pass, route_with};
pub use validate::validate;
