//! The SQLite schema, embedded in the binary and brought up to date at start.
//!
//! Why sqlx's `Migrator` fed by `include_str!` rather than `sqlx::migrate!()`: the macro needs
//! sqlx's `macros` feature (its proc-macro crates and a longer build) only to do what the list
//! below does, and a hand-made version table would redo what the `migrate` feature we already
//! build gives for free: a `_sqlx_migrations` table with checksums (an edited, already applied
//! migration is refused), dirty-state detection, and compatibility with the `sqlx` CLI. The
//! PostgreSQL backend will use the same machinery with its own files.

use sqlx::SqliteConnection;
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::store::StoreError;

/// Every migration, oldest first: `(version, description, SQL)`. To change the schema, add a file
/// to `migrations/` and a line here; never edit one that has shipped.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "plugins", include_str!("migrations/0001_plugins.sql")),
    (
        2,
        "admin token",
        include_str!("migrations/0002_admin_token.sql"),
    ),
    (
        3,
        "messaging",
        include_str!("migrations/0003_messaging.sql"),
    ),
    (4, "users", include_str!("migrations/0004_users.sql")),
    (5, "routing", include_str!("migrations/0005_routing.sql")),
    (6, "dialer", include_str!("migrations/0006_dialer.sql")),
    (
        7,
        "user_language",
        include_str!("migrations/0007_user_language.sql"),
    ),
    (
        8,
        "message_search_text",
        include_str!("migrations/0008_message_search_text.sql"),
    ),
];

/// Applies the migrations `conn`'s database has not seen yet.
pub(super) async fn run(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    // `run_direct` on the connection itself: `run` goes through `Acquire`, whose future is
    // not `Send`, and the store must open inside spawned tasks.
    Migrator::new(Embedded { up_to: i64::MAX })
        .await?
        .run_direct(conn)
        .await?;
    Ok(())
}

/// Applies the migrations up to `version` only: a database as an older release left it.
#[cfg(test)]
pub(super) async fn run_up_to(conn: &mut SqliteConnection, version: i64) -> Result<(), StoreError> {
    Migrator::new(Embedded { up_to: version })
        .await?
        .run_direct(conn)
        .await?;
    Ok(())
}

/// A boxed future that may move between threads, as `MigrationSource` returns.
type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// [`MIGRATIONS`] up to version `up_to`, as a source sqlx's `Migrator` reads.
#[derive(Debug)]
struct Embedded {
    up_to: i64,
}

impl MigrationSource<'static> for Embedded {
    fn resolve(self) -> BoxFuture<'static, Result<Vec<Migration>, BoxDynError>> {
        let migrations = MIGRATIONS
            .iter()
            .filter(|&&(version, _, _)| version <= self.up_to)
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into(),
                    false,
                )
            })
            .collect();
        Box::pin(async { Ok(migrations) })
    }
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    /// A file dropped into `migrations/` without its line in the list would never run.
    #[test]
    fn every_migration_file_is_listed_once_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/store/sqlite/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("migrations dir is readable")
            .map(|entry| {
                entry
                    .expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len(), "files: {files:?}");
        for (file, &(version, _, _)) in files.iter().zip(MIGRATIONS) {
            assert!(
                file.starts_with(&format!("{version:04}_")),
                "{file} is not migration {version}"
            );
        }
    }
}
