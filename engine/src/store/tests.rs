//! The [`Store`] contract, through [`open`] only, so every backend can be held to it.

use std::sync::Arc;

use super::test_dir::TestDir;
use super::{NewPluginVersion, Store, StoreError, open};

/// A version of `name` whose bytes (and so sha256) depend on `content`.
fn upload(name: &str, version: &str, content: &str, at_ms: i64) -> NewPluginVersion {
    NewPluginVersion {
        name: name.into(),
        version: version.into(),
        kind: "strategy".into(),
        sha256: format!("sha-of-{content}"),
        description: format!("{name} {version}"),
        config_schema: "{}".into(),
        wasm: content.as_bytes().to_vec(),
        installed_at_ms: at_ms,
    }
}

/// A store with versions 1.0.0 and 2.0.0 of `rr` installed.
async fn with_two_versions(dir: &TestDir) -> Result<Arc<dyn Store>, StoreError> {
    let store = open(dir.path()).await?;
    store
        .insert_plugin_version(upload("rr", "1.0.0", "one", 10))
        .await?;
    store
        .insert_plugin_version(upload("rr", "2.0.0", "two", 20))
        .await?;
    Ok(store)
}

#[tokio::test]
async fn re_uploading_the_same_version_and_bytes_returns_the_stored_row() -> Result<(), StoreError>
{
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    let first = store
        .insert_plugin_version(upload("rr", "1.0.0", "one", 10))
        .await?;
    assert_eq!(first.size, 3);
    assert_eq!(first.installed_at_ms, 10);

    let again = store
        .insert_plugin_version(upload("rr", "1.0.0", "one", 99))
        .await?;
    assert_eq!(
        again, first,
        "a retried upload keeps the first install time"
    );
    assert_eq!(store.plugin_versions().await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn uploading_a_version_again_with_other_bytes_conflicts() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    store
        .insert_plugin_version(upload("rr", "1.0.0", "one", 10))
        .await?;

    let other = store
        .insert_plugin_version(upload("rr", "1.0.0", "changed", 20))
        .await;
    assert!(matches!(other, Err(StoreError::Conflict(_))), "{other:?}");
    let wasm = store.plugin_wasm("rr", "1.0.0").await?;
    assert_eq!(
        wasm.as_deref(),
        Some(&b"one"[..]),
        "the stored bytes are untouched"
    );
    Ok(())
}

#[tokio::test]
async fn versions_are_listed_by_name_then_install_time_without_bytes() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    store
        .insert_plugin_version(upload("rr", "2.0.0", "two", 20))
        .await?;
    store
        .insert_plugin_version(upload("menu", "1.0.0", "m", 30))
        .await?;
    store
        .insert_plugin_version(upload("rr", "1.0.0", "one", 10))
        .await?;

    let listed: Vec<(String, String, i64)> = store
        .plugin_versions()
        .await?
        .into_iter()
        .map(|row| (row.name, row.version, row.size))
        .collect();
    let expected = [("menu", "1.0.0", 1), ("rr", "1.0.0", 3), ("rr", "2.0.0", 3)]
        .map(|(name, version, size)| (name.to_owned(), version.to_owned(), size));
    assert_eq!(listed, expected);
    assert_eq!(
        store.plugin_wasm("rr", "2.0.0").await?,
        Some(b"two".to_vec())
    );
    assert_eq!(store.plugin_wasm("rr", "9.9.9").await?, None);
    Ok(())
}

#[tokio::test]
async fn activating_remembers_the_previous_version_and_rollback_swaps_back_and_forth()
-> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = with_two_versions(&dir).await?;

    let first = store.activate_plugin_version("rr", "1.0.0", 100).await?;
    assert_eq!((first.version.as_str(), first.previous), ("1.0.0", None));
    let second = store.activate_plugin_version("rr", "2.0.0", 200).await?;
    assert_eq!(second.version, "2.0.0");
    assert_eq!(second.previous.as_deref(), Some("1.0.0"));
    assert_eq!(second.activated_at_ms, 200);

    let back = store.rollback_plugin("rr", 300).await?;
    assert_eq!(back.version, "1.0.0");
    assert_eq!(back.previous.as_deref(), Some("2.0.0"));
    assert_eq!(back.activated_at_ms, 300);

    let forward = store.rollback_plugin("rr", 400).await?;
    assert_eq!(forward.version, "2.0.0");
    assert_eq!(forward.previous.as_deref(), Some("1.0.0"));
    assert_eq!(store.active_plugins().await?, vec![forward]);
    Ok(())
}

#[tokio::test]
async fn activating_the_active_version_again_changes_nothing() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = with_two_versions(&dir).await?;
    store.activate_plugin_version("rr", "1.0.0", 100).await?;
    let active = store.activate_plugin_version("rr", "2.0.0", 200).await?;

    let again = store.activate_plugin_version("rr", "2.0.0", 300).await?;
    assert_eq!(
        again, active,
        "previous stays 1.0.0, so rollback still has a target"
    );
    Ok(())
}

#[tokio::test]
async fn a_bundled_version_without_a_row_can_be_activated_and_rolled_back_to()
-> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = with_two_versions(&dir).await?;

    // "0.9.0" is bundled in the binary: the registry vouches for it, the store has no row.
    store.activate_plugin_version("rr", "0.9.0", 100).await?;
    store.activate_plugin_version("rr", "2.0.0", 200).await?;
    let back = store.rollback_plugin("rr", 300).await?;
    assert_eq!(
        (back.version.as_str(), back.previous.as_deref()),
        ("0.9.0", Some("2.0.0"))
    );
    Ok(())
}

#[tokio::test]
async fn rolling_back_a_plugin_that_is_not_active_is_not_found() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = with_two_versions(&dir).await?;

    let rollback = store.rollback_plugin("rr", 100).await;
    assert!(
        matches!(rollback, Err(StoreError::NotFound(_))),
        "{rollback:?}"
    );
    Ok(())
}

#[tokio::test]
async fn rolling_back_without_a_previous_version_conflicts() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = with_two_versions(&dir).await?;
    let active = store.activate_plugin_version("rr", "1.0.0", 100).await?;

    let rollback = store.rollback_plugin("rr", 200).await;
    assert!(
        matches!(&rollback, Err(StoreError::Conflict(message)) if message == "no previous version"),
        "{rollback:?}"
    );
    assert_eq!(store.active_plugins().await?, vec![active]);
    Ok(())
}

#[tokio::test]
async fn the_admin_token_hash_is_created_once_and_never_overwritten() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    assert_eq!(store.admin_token_hash().await?, None);

    assert!(store.create_admin_token_hash("first", 10).await?);
    assert!(!store.create_admin_token_hash("second", 20).await?);
    assert_eq!(store.admin_token_hash().await?.as_deref(), Some("first"));
    Ok(())
}

#[tokio::test]
async fn everything_written_is_there_after_close_and_reopen() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = with_two_versions(&dir).await?;
    let active = store.activate_plugin_version("rr", "2.0.0", 100).await?;
    store.create_admin_token_hash("hash", 10).await?;
    let versions = store.plugin_versions().await?;
    store.close().await;
    drop(store);

    let reopened = open(dir.path()).await?;
    assert_eq!(reopened.plugin_versions().await?, versions);
    assert_eq!(reopened.active_plugins().await?, vec![active]);
    assert_eq!(reopened.admin_token_hash().await?.as_deref(), Some("hash"));
    assert_eq!(
        reopened.plugin_wasm("rr", "1.0.0").await?,
        Some(b"one".to_vec())
    );
    Ok(())
}

#[tokio::test]
async fn an_answered_write_survives_dropping_the_store_without_close() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    store.create_admin_token_hash("hash", 10).await?;
    drop(store);

    let reopened = open(dir.path()).await?;
    assert_eq!(reopened.admin_token_hash().await?.as_deref(), Some("hash"));
    Ok(())
}

#[tokio::test]
async fn calls_after_close_are_unavailable() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(dir.path()).await?;
    store.close().await;

    let write = store.create_admin_token_hash("hash", 10).await;
    assert!(
        matches!(write, Err(StoreError::Unavailable(_))),
        "{write:?}"
    );
    let read = store.admin_token_hash().await;
    assert!(matches!(read, Err(StoreError::Unavailable(_))), "{read:?}");
    Ok(())
}
