//! The outbound sender: one loop per connector claims due `queued` rows (the rows are the
//! outbox), paced by a rate limiter set from the plugin's capabilities, and sends each through
//! the plugin's steps with the engine's HTTP client.
//!
//! A row becomes `sending` only when its turn under the rate limit has come, so a crash leaves
//! few rows `unknown` (they may have left; [`crate::store::Store::mark_interrupted_sends`] marks
//! them at start and a later status settles them). Retryable errors back off exponentially with
//! jitter up to `max_attempts`; a provider's throughput limit (429, 130429) holds the whole
//! connector for the time it asks; broken credentials pause the connector until an admin fixes
//! it, instead of failing every queued message one by one.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use governor::{Quota, RateLimiter};
use rand::RngExt;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::clock;
use crate::conversations::Content;
use crate::plugins::PluginKind;
use crate::plugins::bindings::common::ContactAddress;
use crate::plugins::provider::{self as calls, LimitKind, Outbound, SendError};
use crate::store::{OutboundJob, SendResult};

use super::Messaging;
use super::connectors::LiveConnector;
use super::convert;
use super::errors::send_error_parts;

/// Rate used when a plugin could not report its capabilities.
const FALLBACK_RATE: u32 = 10;

/// How long an idle loop sleeps before looking again without a wake-up.
const IDLE_POLL: Duration = Duration::from_millis(100);

/// Default hold when a provider says "too fast" without saying for how long.
const DEFAULT_HOLD_MS: i64 = 1_000;

/// Runs the sender until `stop` turns true, then lets sends in flight finish.
pub async fn run(messaging: Arc<Messaging>, mut stop: watch::Receiver<bool>) {
    match messaging
        .store
        .mark_interrupted_sends(clock::now_ms())
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            messages = n,
            "messages were being sent when the engine stopped; marked unknown until a provider status settles them"
        ),
        Err(error) => tracing::error!(%error, "could not mark interrupted sends"),
    }
    let in_flight = Arc::new(Semaphore::new(messaging.settings.sender_concurrency));
    let mut loops: HashMap<i64, tokio::task::JoinHandle<()>> = HashMap::new();
    loop {
        for connector in messaging.connectors.all() {
            let running = loops.get(&connector.id).is_some_and(|h| !h.is_finished());
            if !running {
                let task = connector_loop(
                    messaging.clone(),
                    connector.id,
                    in_flight.clone(),
                    stop.clone(),
                );
                loops.insert(connector.id, tokio::spawn(task));
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
    // Every permit back means every send in flight has recorded its result.
    let permits = u32::try_from(messaging.settings.sender_concurrency).unwrap_or(u32::MAX);
    let _ = in_flight.acquire_many(permits).await;
}

/// One connector's loop; ends when the connector is deleted or the sender stops.
async fn connector_loop(
    messaging: Arc<Messaging>,
    id: i64,
    in_flight: Arc<Semaphore>,
    mut stop: watch::Receiver<bool>,
) {
    let hold_until = Arc::new(AtomicI64::new(0));
    let mut limiter: Option<(u32, governor::DefaultDirectRateLimiter)> = None;
    let mut sends = JoinSet::new();
    while !*stop.borrow() {
        while sends.try_join_next().is_some() {}
        let Some(connector) = messaging.connectors.get(id) else {
            break;
        };
        let hold = hold_until.load(Ordering::Relaxed) - clock::now_ms();
        if !connector.enabled || connector.paused_reason.is_some() || hold > 0 {
            let wait = u64::try_from(hold)
                .map_or(IDLE_POLL, |ms| Duration::from_millis(ms).min(IDLE_POLL * 5));
            idle(&messaging, &mut stop, wait).await;
            continue;
        }
        let rate = connector
            .capabilities
            .as_ref()
            .map_or(FALLBACK_RATE, |c| c.max_per_second.max(1));
        let chunk = (rate / 20).clamp(1, 100);
        if limiter.as_ref().is_none_or(|(r, _)| *r != rate) {
            limiter = Some((rate, new_limiter(rate, chunk)));
        }
        if let Some((_, limiter)) = &limiter {
            let wanted = NonZeroU32::new(chunk).unwrap_or(NonZeroU32::MIN);
            let _ = limiter.until_n_ready(wanted).await;
        }
        let claimed = messaging
            .store
            .claim_outbound(id, clock::now_ms(), i64::from(chunk))
            .await;
        let jobs = match claimed {
            Ok(jobs) => jobs,
            Err(error) => {
                tracing::error!(connector = id, %error, "claiming outbound messages failed");
                idle(&messaging, &mut stop, IDLE_POLL * 10).await;
                continue;
            }
        };
        if jobs.is_empty() {
            idle(&messaging, &mut stop, IDLE_POLL).await;
            continue;
        }
        for job in jobs {
            let Ok(permit) = in_flight.clone().acquire_owned().await else {
                return;
            };
            let (messaging, connector, hold_until) =
                (messaging.clone(), connector.clone(), hold_until.clone());
            sends.spawn(async move {
                let result = send_one(&messaging, &connector, &job, &hold_until).await;
                messaging.stats.send(&result);
                if let Err(error) = messaging.store.record_send(job.id, result, clock::now_ms()).await {
                    tracing::error!(message = job.id, %error, "recording a send result failed; the message stays `sending` and is marked unknown at the next start");
                }
                drop(permit);
            });
        }
    }
    while sends.join_next().await.is_some() {}
}

fn new_limiter(rate: u32, chunk: u32) -> governor::DefaultDirectRateLimiter {
    let per_second = NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(chunk).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_second(per_second).allow_burst(burst))
}

/// Waits for a wake-up, `wait`, or the stop signal.
async fn idle(messaging: &Messaging, stop: &mut watch::Receiver<bool>, wait: Duration) {
    tokio::select! {
        () = messaging.outbox_wakeup.notified() => {}
        () = tokio::time::sleep(wait) => {}
        _ = stop.changed() => {}
    }
}

/// What one attempt gave, before anyone decides about retrying.
pub(crate) enum Attempt {
    /// The provider took it.
    Accepted {
        /// Its id at the provider.
        provider_message_id: String,
    },
    /// The provider (or the plugin reading its answer) refused it, with a typed cause.
    Refused(SendError),
    /// It got no readable answer: the plugin, auth or the network failed.
    Broken {
        /// Stable code.
        code: &'static str,
        /// Why.
        message: String,
        /// The provider may have received it.
        may_have_left: bool,
    },
}

/// One attempt to send `job` through `connector` on channel `channel_slot`: auth, prepare,
/// perform, read.
pub(crate) async fn attempt(
    messaging: &Messaging,
    connector: &LiveConnector,
    job: &OutboundJob,
    channel_slot: u32,
) -> Attempt {
    let broken = |code, message: String| Attempt::Broken {
        code,
        message,
        may_have_left: false,
    };
    let Some(plugin) = messaging.registry.active(&connector.plugin) else {
        return broken(
            "plugin_missing",
            "the provider plugin is not installed".into(),
        );
    };
    let limits = messaging.registry.limits().for_kind(PluginKind::Provider);
    let runtime = messaging.registry.runtime();
    let content = Content::from_json(&job.content);
    let outbound = Outbound {
        message_id: u64::try_from(job.id).unwrap_or(0),
        from: job.from.clone(),
        to: ContactAddress {
            number: job.to_number.clone(),
            user_id: job.to_user_id.clone(),
            display_name: None,
        },
        content: convert::to_wit(&content, &|locator| messaging.public_media_url(locator)),
        reply_to: None,
        channel_slot,
        status_callback_url: Some(
            messaging
                .connectors
                .webhook_url(connector.id, &connector.webhook_secret),
        ),
    };
    let auth = if connector
        .capabilities
        .as_ref()
        .is_some_and(|c| c.needs_auth)
    {
        match messaging.auth_token(connector).await {
            Ok(token) => Some(token),
            Err(why) => return broken("auth_failed", why),
        }
    } else {
        None
    };
    let prepared = calls::prepare_send(
        runtime,
        &plugin,
        limits,
        &connector.config,
        auth.as_deref(),
        &outbound,
    )
    .await;
    let request = match prepared {
        Ok(Ok(request)) => request,
        Ok(Err(error)) => return Attempt::Refused(error),
        Err(error) => return broken("plugin_failed", error.to_string()),
    };
    let response = match messaging
        .client
        .perform(request, messaging.settings.max_response_bytes)
        .await
    {
        Ok(response) => response,
        Err(error) => {
            return Attempt::Broken {
                code: "network",
                may_have_left: error.may_have_left(),
                message: error.to_string(),
            };
        }
    };
    match calls::read_send_response(
        runtime,
        &plugin,
        limits,
        &connector.config,
        &outbound,
        &response,
    )
    .await
    {
        Ok(Ok(receipt)) => Attempt::Accepted {
            provider_message_id: receipt.provider_message_id,
        },
        Ok(Err(error)) => Attempt::Refused(error),
        Err(error) => Attempt::Broken {
            code: "plugin_failed",
            message: error.to_string(),
            // The provider answered; only its answer could not be read.
            may_have_left: true,
        },
    }
}

/// One attempt of a queued message; never fails: every outcome is a [`SendResult`].
async fn send_one(
    messaging: &Messaging,
    connector: &LiveConnector,
    job: &OutboundJob,
    hold_until: &AtomicI64,
) -> SendResult {
    match attempt(messaging, connector, job, 0).await {
        Attempt::Accepted {
            provider_message_id,
        } => SendResult::Accepted {
            provider_message_id,
        },
        Attempt::Refused(error) => {
            on_send_error(messaging, connector, job, &error, hold_until).await
        }
        Attempt::Broken { code, message, .. } => retry(messaging, job, code, &message, None),
    }
}

/// What a typed send error does to the message and the connector.
async fn on_send_error(
    messaging: &Messaging,
    connector: &LiveConnector,
    job: &OutboundJob,
    error: &SendError,
    hold_until: &AtomicI64,
) -> SendResult {
    let (code, message) = send_error_parts(error);
    let now = clock::now_ms();
    match error {
        SendError::Retryable(r) => retry(messaging, job, &code, &message, r.retry_after_ms),
        SendError::AuthExpired(_) => {
            // A fresh token next time; counted against the attempts, so a provider that keeps
            // refusing fresh tokens ends in a failure, not a loop.
            messaging.auth.invalidate(connector.id).await;
            retry(messaging, job, &code, &message, Some(0))
        }
        SendError::Misconfigured(_) => {
            if let Err(e) = messaging
                .connectors
                .pause(connector.id, format!("{code}: {message}"))
                .await
            {
                tracing::error!(connector = connector.id, error = %e, "pausing the connector failed");
            }
            requeue(code, message, now)
        }
        SendError::ProviderLimit(limit) => {
            let wait = limit
                .retry_after_ms
                .and_then(|ms| i64::try_from(ms).ok())
                .unwrap_or(DEFAULT_HOLD_MS);
            match limit.kind {
                // Too fast for the recipient only: this message waits, the others go on.
                LimitKind::PairRate => SendResult::Retry {
                    at_ms: now + wait.max(DEFAULT_HOLD_MS),
                    code,
                    message,
                },
                LimitKind::Throughput | LimitKind::Tier | LimitKind::Quality => {
                    hold_until.fetch_max(now + wait, Ordering::Relaxed);
                    tracing::warn!(connector = connector.id, %code, hold_ms = wait, "provider limit: holding the connector's sends");
                    requeue(code, message, now + wait)
                }
            }
        }
        SendError::Unsubscribed(_) => {
            if let Some(number) = &job.to_number
                && let Err(e) = messaging
                    .store
                    .add_blacklist(number, "out", None, "opt-out", now)
                    .await
            {
                tracing::warn!(error = %e, "could not blacklist a number the provider reports unsubscribed");
            }
            SendResult::Failed { code, message }
        }
        SendError::Permanent(_) | SendError::WindowClosed(_) | SendError::BadRecipient(_) => {
            SendResult::Failed { code, message }
        }
    }
}

/// Back to the queue at `at_ms`, with no backoff: the cause was the connector's (a limit, a
/// pause), not the message's.
fn requeue(code: String, message: String, at_ms: i64) -> SendResult {
    SendResult::Retry {
        at_ms,
        code,
        message,
    }
}

/// A retry with exponential backoff and jitter, or the final failure once attempts run out.
fn retry(
    messaging: &Messaging,
    job: &OutboundJob,
    code: &str,
    message: &str,
    hint_ms: Option<u64>,
) -> SendResult {
    let settings = &messaging.settings;
    if job.attempts >= i64::from(settings.max_attempts) {
        return SendResult::Failed {
            code: code.to_owned(),
            message: format!("gave up after {} attempts: {message}", job.attempts),
        };
    }
    let exponent = u32::try_from(job.attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let backoff = settings
        .retry_base_ms
        .saturating_mul(1u64 << exponent)
        .min(settings.retry_max_ms);
    // ±20 %: retries of many messages failed at once do not come back at once.
    let jitter = rand::rng().random_range(0.8..1.2);
    let backoff = (backoff as f64 * jitter) as u64;
    let wait = backoff.max(hint_ms.unwrap_or(0));
    SendResult::Retry {
        at_ms: clock::now_ms() + i64::try_from(wait).unwrap_or(i64::MAX / 2),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}
