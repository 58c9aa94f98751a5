//! Database connections. SQLite is the embedded default (`./data/<service>.db`, created on first
//! start); `DATABASE_URL=postgres://…` selects PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, Statement};

/// The default URL for a service: a SQLite file under `./data`, created when missing.
pub fn default_url(service: &str) -> String {
    format!("sqlite://./data/{service}.db?mode=rwc")
}

/// Connects to `url`, creating the SQLite file's directory when needed.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        if url.contains(":memory:") || url.contains("mode=memory") {
            // Every connection to `:memory:` is its own empty database: keep exactly one.
            opts.max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            if let Some(dir) = sqlite_file_dir(url) {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
            }
            opts.max_connections(8);
        }
        // WAL lets readers run beside the single writer; the busy timeout queues writers instead
        // of failing them with "database is locked".
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    } else {
        opts.max_connections(16).min_connections(1);
    }
    Database::connect(opts).await
}

fn sqlite_file_dir(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next()?;
    let parent = std::path::Path::new(path).parent()?;
    (!parent.as_os_str().is_empty()).then(|| parent.to_path_buf())
}

/// Checks the database answers; `/health` and `/ready` use it.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, "SELECT 1"))
        .await
        .map(|_| ())
}

/// Counts every statement a connection runs. Tests use it to prove that a batch of N lookups
/// costs one query, not N.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Installs a counter on `db`. Only one metric callback can be set per connection.
    pub fn install(db: &mut DatabaseConnection) -> Self {
        let counter = Self::default();
        let inner = counter.0.clone();
        db.set_metric_callback(move |_info| {
            inner.fetch_add(1, Ordering::SeqCst);
        });
        counter
    }

    /// Statements run since the counter was installed or last reset.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    /// Resets to zero and returns the previous count.
    pub fn take(&self) -> u64 {
        self.0.swap(0, Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sqlite_directory() {
        assert_eq!(
            sqlite_file_dir("sqlite://./data/users.db?mode=rwc"),
            Some(std::path::PathBuf::from("./data"))
        );
        assert_eq!(sqlite_file_dir("sqlite://users.db"), None);
    }

    #[tokio::test]
    async fn counts_statements() {
        let mut db = connect("sqlite::memory:").await.expect("connect");
        let counter = StatementCounter::install(&mut db);
        ping(&db).await.expect("ping");
        ping(&db).await.expect("ping");
        assert_eq!(counter.take(), 2);
        assert_eq!(counter.get(), 0);
    }
}
