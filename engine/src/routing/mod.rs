//! Routing: campaigns, queues, agents, the router task, timers and transfers (DESIGN §5).
//!
//! - [`campaign`]: a campaign's settings; [`schedule`]: its opening hours.
//! - [`core`]: the router's state, synchronous and without I/O; its steps live in
//!   [`lifecycle`] (arrival, queue, close), [`assign`] (passes, offers), [`actions`] (agents'
//!   actions, transfers), [`agents`] (presence), [`timers`] and [`bot_steps`].
//! - [`effects`]: what a step asks the world to do once saved.
//! - [`pass`]: one routing pass through a strategy plugin, [`validate`] its answer, and
//!   [`fallback`] the native strategy when the plugin fails.
//! - [`service_level`]: the service level formula; [`hub`]: live events to browsers;
//!   [`task`]: the router task.

pub mod actions;
pub mod agents;
pub mod assign;
pub mod board;
pub mod bot_context;
pub mod bot_steps;
pub mod campaign;
pub mod core;
pub mod effects;
pub mod fallback;
pub mod hub;
pub mod lifecycle;
pub mod live;
pub mod message_feed;
pub mod pass;
pub mod schedule;
pub mod service_level;
pub mod task;
pub mod timers;
pub mod validate;
pub mod wiring;

pub use pass::{DecidedBy, PassOutcome, route_pass, route_with};
pub use validate::validate;

#[cfg(test)]
mod core_tests;
