//! The SQLite writer: group commit, a savepoint per job, a failed commit, graceful close.

use std::sync::Arc;

use tokio::sync::oneshot;

use super::{SqliteStore, plugins};
use crate::store::test_dir::TestDir;
use crate::store::{NewPluginVersion, PluginVersionRow, Role, Store, StoreError};

/// The answer to a queued job.
type Answer<T> = oneshot::Receiver<Result<T, StoreError>>;

async fn open(dir: &TestDir) -> Result<SqliteStore, StoreError> {
    std::fs::create_dir_all(dir.path()).map_err(|source| StoreError::DataDir {
        path: dir.path().to_owned(),
        source,
    })?;
    SqliteStore::open(&dir.path().join("test.db")).await
}

fn upload(name: &str) -> NewPluginVersion {
    NewPluginVersion {
        name: name.into(),
        version: "1.0.0".into(),
        kind: "bot".into(),
        sha256: format!("sha-of-{name}"),
        description: String::new(),
        config_schema: "{}".into(),
        wasm: name.as_bytes().to_vec(),
        installed_at_ms: 1,
    }
}

/// Queues a job inserting `upload(name)`.
async fn queue_insert(
    store: &SqliteStore,
    name: &str,
) -> Result<Answer<PluginVersionRow>, StoreError> {
    let new = upload(name);
    store
        .writer
        .submit(move |conn| plugins::insert_version(conn, new))
        .await
}

/// Queues a job that keeps the writer busy until the returned sender fires, and waits until it
/// runs: the jobs queued meanwhile all land in the next batch.
async fn hold_writer(store: &SqliteStore) -> Result<(oneshot::Sender<()>, Answer<()>), StoreError> {
    let (started, has_started) = oneshot::channel();
    let (release, released) = oneshot::channel::<()>();
    let held = store
        .writer
        .submit(move |_conn| {
            // The writer is a plain thread: blocking here holds the batch, as a slow job would.
            let _ = started.send(());
            let _ = released.blocking_recv();
            Ok(())
        })
        .await?;
    let _ = has_started.await;
    Ok((release, held))
}

async fn names(store: &SqliteStore) -> Result<Vec<String>, StoreError> {
    let rows = store.plugin_versions().await?;
    Ok(rows.into_iter().map(|row| row.name).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writes_all_commit_in_fewer_transactions_than_writes() -> Result<(), StoreError>
{
    let dir = TestDir::new();
    let store = Arc::new(open(&dir).await?);

    let writes: Vec<_> = (0..200)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .insert_plugin_version(upload(&format!("p{i:03}")))
                    .await
            })
        })
        .collect();
    for write in writes {
        write.await.expect("the write task ran")?;
    }

    assert_eq!(store.plugin_versions().await?.len(), 200);
    let batches = store.writer.batches();
    assert!(
        (1..200).contains(&batches),
        "{batches} transactions for 200 writes"
    );
    Ok(())
}

#[tokio::test]
async fn a_failing_job_is_rolled_back_alone_and_gets_its_own_error() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(&dir).await?;
    let (release, held) = hold_writer(&store).await?;

    let before = queue_insert(&store, "before").await?;
    let failing = store
        .writer
        .submit(|conn| {
            plugins::insert_version(conn, upload("failing"))?;
            Err::<(), _>(StoreError::Conflict("refused after writing".into()))
        })
        .await?;
    let after = queue_insert(&store, "after").await?;
    let _ = release.send(());

    held.await.expect("answered")?;
    assert_eq!(before.await.expect("answered")?.name, "before");
    let failed = failing.await.expect("answered");
    assert!(
        matches!(&failed, Err(StoreError::Conflict(m)) if m == "refused after writing"),
        "{failed:?}"
    );
    assert_eq!(after.await.expect("answered")?.name, "after");
    assert_eq!(
        store.writer.batches(),
        2,
        "the held job, then the three others together"
    );
    assert_eq!(
        names(&store).await?,
        ["after", "before"],
        "the failing job's insert is undone"
    );
    Ok(())
}

#[tokio::test]
async fn a_failed_commit_fails_every_job_of_the_batch_and_the_next_batch_works()
-> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(&dir).await?;
    let (release, held) = hold_writer(&store).await?;

    let innocent = queue_insert(&store, "innocent").await?;
    // A foreign key checked only at COMMIT: the job itself succeeds, the commit cannot.
    let dangling = store
        .writer
        .submit(|conn| {
            conn.execute_batch(
                "CREATE TABLE parent (id INTEGER PRIMARY KEY); \
                 CREATE TABLE child (parent INTEGER REFERENCES parent (id)); \
                 PRAGMA defer_foreign_keys = ON; \
                 INSERT INTO child VALUES (1);",
            )?;
            Ok(())
        })
        .await?;
    let _ = release.send(());

    held.await.expect("answered")?;
    let innocent = innocent.await.expect("answered");
    assert!(
        matches!(innocent, Err(StoreError::Write(_))),
        "{innocent:?}"
    );
    let dangling = dangling.await.expect("answered");
    assert!(
        matches!(dangling, Err(StoreError::Write(_))),
        "{dangling:?}"
    );
    assert!(
        names(&store).await?.is_empty(),
        "nothing of the batch was stored"
    );

    store.insert_plugin_version(upload("later")).await?;
    assert_eq!(names(&store).await?, ["later"]);
    Ok(())
}

#[tokio::test]
async fn close_finishes_the_writes_already_queued() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(&dir).await?;
    let (release, held) = hold_writer(&store).await?;
    let queued = [
        queue_insert(&store, "a").await?,
        queue_insert(&store, "b").await?,
    ];

    let release = async move {
        let _ = release.send(());
    };
    tokio::join!(store.close(), release);

    held.await.expect("answered")?;
    for answer in queued {
        answer.await.expect("answered")?;
    }
    drop(store);
    let reopened = open(&dir).await?;
    assert_eq!(names(&reopened).await?, ["a", "b"]);
    Ok(())
}

#[tokio::test]
async fn the_read_pool_cannot_write() -> Result<(), StoreError> {
    let dir = TestDir::new();
    let store = open(&dir).await?;

    let write = sqlx::query("INSERT INTO admin_token (id, hash, created_at_ms) VALUES (1, 'x', 0)")
        .execute(&store.readers)
        .await;
    assert!(write.is_err(), "{write:?}");
    Ok(())
}

/// A deployment from before users: the admin token and an integrator's token, then the
/// upgrade. The admin token acts as the admin user; the old token keeps exactly what it could
/// do (the integrator API, a supervisor's) as a user of its own.
#[tokio::test]
async fn an_existing_deployment_migrates_its_tokens_to_users() -> Result<(), StoreError> {
    use sqlx::{ConnectOptions, Connection};

    let dir = TestDir::new();
    std::fs::create_dir_all(dir.path()).map_err(|source| StoreError::DataDir {
        path: dir.path().to_owned(),
        source,
    })?;
    let path = dir.path().join("test.db");
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .connect()
        .await?;
    super::migrate::run_up_to(&mut conn, 3).await?;
    sqlx::query("INSERT INTO admin_token (id, hash, created_at_ms) VALUES (1, 'admin-hash', 5)")
        .execute(&mut conn)
        .await?;
    sqlx::query("INSERT INTO api_tokens (name, hash, created_ms) VALUES ('crm', 'crm-hash', 7)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;

    let store = SqliteStore::open(&path).await?;
    let hash = store.admin_token_hash().await?.expect("kept");
    let admin = store.ensure_admin_user(Some(&hash), 10).await?;
    assert_eq!(
        (admin.username.as_str(), admin.role),
        ("admin", Role::Admin)
    );
    let by_admin_token = store.token_user("admin-hash").await?.expect("bound");
    assert_eq!(by_admin_token.id, admin.id);
    let by_old_token = store.token_user("crm-hash").await?.expect("bound");
    assert_eq!(
        (by_old_token.username.as_str(), by_old_token.role),
        ("integrations", Role::Supervisor)
    );
    store.close().await;
    Ok(())
}
