//! Polling, for gateways that do not post webhooks (Dinstar): one loop per connector whose
//! plugin advertises `poll-interval-ms`. Each round asks the plugin for the request from the
//! saved cursor, performs it, and stores the events together with the next cursor in one
//! transaction, so a crash between the two can neither lose a message nor skip one (a message
//! polled twice is one message: the provider id deduplicates it).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::clock;
use crate::plugins::PluginKind;
use crate::plugins::provider as calls;
use crate::store::IntakeBatch;

use super::Messaging;

/// Wait after a failed round, whatever the interval.
const AFTER_FAILURE: Duration = Duration::from_secs(5);

/// Runs the pollers until `stop` turns true.
pub async fn run(messaging: Arc<Messaging>, mut stop: watch::Receiver<bool>) {
    let mut loops: HashMap<i64, tokio::task::JoinHandle<()>> = HashMap::new();
    loop {
        for connector in messaging.connectors.all() {
            let polled = connector.enabled
                && connector
                    .capabilities
                    .as_ref()
                    .is_some_and(|c| c.poll_interval_ms.is_some());
            let running = loops.get(&connector.id).is_some_and(|h| !h.is_finished());
            if polled && !running {
                loops.insert(
                    connector.id,
                    tokio::spawn(poll_loop(messaging.clone(), connector.id, stop.clone())),
                );
            }
        }
        tokio::select! {
            _ = stop.changed() => break,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
    for (_, handle) in loops {
        let _ = handle.await;
    }
}

/// One connector's rounds; ends when it is deleted, disabled or no longer polled.
async fn poll_loop(messaging: Arc<Messaging>, id: i64, mut stop: watch::Receiver<bool>) {
    let mut cursor = messaging
        .connectors
        .get(id)
        .and_then(|c| c.poll_cursor().map(str::to_owned));
    while !*stop.borrow() {
        let Some(connector) = messaging.connectors.get(id).filter(|c| c.enabled) else {
            return;
        };
        let Some(interval) = connector
            .capabilities
            .as_ref()
            .and_then(|c| c.poll_interval_ms)
        else {
            return;
        };
        let wait = match round(&messaging, id, &mut cursor).await {
            Ok(true) => Duration::ZERO,
            Ok(false) => Duration::from_millis(interval.max(100)),
            Err(why) => {
                tracing::warn!(connector = id, %why, "poll failed; trying again later");
                AFTER_FAILURE.max(Duration::from_millis(interval))
            }
        };
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// One poll; `Ok(true)` when the gateway has more at once.
async fn round(
    messaging: &Messaging,
    id: i64,
    cursor: &mut Option<String>,
) -> Result<bool, String> {
    let connector = messaging
        .connectors
        .get(id)
        .ok_or("the connector is gone")?;
    let plugin = messaging
        .registry
        .active(&connector.plugin)
        .ok_or("the provider plugin is not installed")?;
    let limits = messaging.registry.limits().for_kind(PluginKind::Provider);
    let runtime = messaging.registry.runtime();
    let auth = if connector
        .capabilities
        .as_ref()
        .is_some_and(|c| c.needs_auth)
    {
        Some(messaging.auth_token(&connector).await?)
    } else {
        None
    };
    let request = calls::prepare_poll(
        runtime,
        &plugin,
        limits,
        &connector.config,
        auth.as_deref(),
        cursor.as_deref(),
    )
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("{}: {}", e.code, e.message))?;
    let response = messaging
        .client
        .perform(request, messaging.settings.max_response_bytes)
        .await
        .map_err(|e| e.to_string())?;
    let received_ms = clock::now_ms();
    let batch = calls::read_poll(
        runtime,
        &plugin,
        limits,
        &connector.config,
        cursor.as_deref(),
        &response,
    )
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| format!("{}: {}", e.code, e.message))?;
    let raw = String::from_utf8_lossy(&response.body);
    let items = batch
        .events
        .into_iter()
        .map(|event| messaging.item_of(&connector, event, received_ms, &raw))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let next = batch.cursor.or_else(|| cursor.clone());
    if items.is_empty() && next == *cursor {
        return Ok(batch.more);
    }
    let contents = super::intake::inbound_contents(&items);
    let outcomes = messaging
        .store
        .record_intake(IntakeBatch {
            connector_id: id,
            received_ms,
            items,
            poll_cursor: next.clone(),
        })
        .await
        .map_err(|e| e.to_string())?;
    messaging.stats.intake(&outcomes);
    messaging.after_intake(&connector, &outcomes, &contents, received_ms);
    *cursor = next;
    Ok(batch.more)
}
