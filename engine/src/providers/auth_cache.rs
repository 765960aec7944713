//! Tokens from the auth step (Sinch OAuth2…), cached per connector until shortly before they
//! expire. One refresh at a time per connector: concurrent sends wait for it instead of each
//! asking the provider for a token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Mutex as AsyncMutex;

/// Refresh this long before the provider's expiry, so a token never expires mid-request.
const MARGIN_MS: i64 = 30_000;

#[derive(Default)]
struct Slot {
    token: Option<(String, i64)>,
}

/// Per-connector token slots.
#[derive(Default)]
pub struct AuthCache {
    slots: Mutex<HashMap<i64, Arc<AsyncMutex<Slot>>>>,
}

impl AuthCache {
    fn slot(&self, connector_id: i64) -> Arc<AsyncMutex<Slot>> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.entry(connector_id).or_default().clone()
    }

    /// The cached token if still fresh, else `refresh()`'s, cached for its ttl.
    pub async fn token<F, Fut, E>(
        &self,
        connector_id: i64,
        now_ms: i64,
        refresh: F,
    ) -> Result<String, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<(String, i64), E>>,
    {
        let slot = self.slot(connector_id);
        let mut slot = slot.lock().await;
        if let Some((token, expires)) = &slot.token
            && *expires > now_ms
        {
            return Ok(token.clone());
        }
        let (token, ttl_ms) = refresh().await?;
        let expires = now_ms + (ttl_ms - MARGIN_MS).max(ttl_ms / 2);
        slot.token = Some((token.clone(), expires));
        Ok(token)
    }

    /// Forgets a connector's token (the provider refused it, or the config changed).
    pub async fn invalidate(&self, connector_id: i64) {
        let slot = self.slot(connector_id);
        slot.lock().await.token = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tokens_are_reused_until_near_expiry() {
        let cache = AuthCache::default();
        let calls = std::sync::atomic::AtomicU32::new(0);
        let refresh = || async {
            calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok::<_, ()>(("t".to_owned(), 3_600_000))
        };
        assert_eq!(cache.token(1, 0, refresh).await, Ok("t".into()));
        assert_eq!(cache.token(1, 1_000, refresh).await, Ok("t".into()));
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        cache.token(1, 3_600_000, refresh).await.ok();
        assert_eq!(
            calls.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "expired: refreshed"
        );
        cache.invalidate(1).await;
        cache.token(1, 3_600_001, refresh).await.ok();
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    }
}
