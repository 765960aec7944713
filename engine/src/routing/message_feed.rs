//! The live feed of message events: sends, deliveries, reads and failures happen in the
//! outbox sender, the intake of provider statuses, the gate and the dialer, each of which
//! logs a `message.*` event in the same transaction as the change. One task reads the log
//! after the last event it saw and hands the events to the router, which tells the agents and
//! spies of the conversation (`message.updated`). Reading the log, not hooking each path,
//! means no path that changes a message can forget to tell the desk.

use std::sync::Arc;
use std::time::Duration;

use super::task::Router;
use crate::store::Store;

/// How often the log is read: ticks move within a quarter second.
const EVERY: Duration = Duration::from_millis(250);
/// Events read at a time; more wait for the next read, which comes at once.
const BATCH: i64 = 500;

/// Starts the feed from the end of the log (what happened before is history: the desk reads
/// it over REST). Stops when the router does.
pub fn spawn(store: Arc<dyn Store>, router: Router) {
    tokio::spawn(async move {
        let mut after = loop {
            match store.last_event_id().await {
                Ok(id) => break id,
                Err(error) => {
                    tracing::warn!(%error, "the message feed cannot read the event log; retrying");
                    tokio::time::sleep(EVERY * 20).await;
                }
            }
        };
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            loop {
                let events = match store.message_events_after(after, BATCH).await {
                    Ok(events) => events,
                    Err(error) => {
                        tracing::warn!(%error, "the message feed cannot read the event log");
                        break;
                    }
                };
                let full = events.len() as i64 == BATCH;
                if let Some(last) = events.last() {
                    after = last.id;
                }
                if !router.message_events(events) {
                    return;
                }
                if !full {
                    break;
                }
            }
        }
    });
}
