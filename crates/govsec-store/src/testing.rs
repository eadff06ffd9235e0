//! Fresh databases for tests: a SQLite file in a temporary directory always, and a new
//! PostgreSQL database when `GOVSEC_TEST_DATABASE_URL` names a server the tests may create
//! databases on. A run without PostgreSQL says so on the terminal, once.

use std::io::Write;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::Store;

/// The variable naming the PostgreSQL server for tests.
pub const DATABASE_URL_VARIABLE: &str = "GOVSEC_TEST_DATABASE_URL";

/// A migrated, empty database for one test; the SQLite file lives as long as this value.
pub struct TestDatabase {
    /// The store on it.
    pub store: Store,
    /// The URL another process (the CLI under test) can open it with.
    pub url: String,
    _directory: Option<tempfile::TempDir>,
}

/// An empty SQLite database in a temporary directory.
pub async fn sqlite() -> TestDatabase {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join("govsec.sqlite3");
    let store = Store::open_sqlite(&path).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    TestDatabase {
        store,
        url: format!("sqlite:{}", path.display()),
        _directory: Some(directory),
    }
}

/// An empty database on the test PostgreSQL server, or `None` (after saying so on the
/// terminal, once per test binary) when no server is configured.
pub async fn postgres() -> Option<TestDatabase> {
    let Ok(server) = std::env::var(DATABASE_URL_VARIABLE) else {
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            // Written to the terminal directly: the test harness captures print! output of
            // passing tests, and this line must be seen.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED: PostgreSQL backend tests ({DATABASE_URL_VARIABLE} is not set; .ci/run sets it)"
            );
        });
        return None;
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "govsec_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let admin = Store::connect(&server)
        .await
        .expect("connect to the test PostgreSQL server");
    admin
        .execute_admin(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a test database");
    admin.close().await;
    let url = match server.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => format!("{server}/{name}"),
    };
    let store = Store::connect(&url)
        .await
        .expect("connect to the test database");
    store.migrate().await.expect("migrate PostgreSQL");
    Some(TestDatabase {
        store,
        url,
        _directory: None,
    })
}

impl TestDatabase {
    /// Runs SQL directly on the database, bypassing govsec: how a test plays an intruder with
    /// database access.
    pub async fn tamper(&self, sql: &str) {
        self.store
            .execute_admin(sql)
            .await
            .expect("tampering statement");
    }
}

/// Every backend available: SQLite, then PostgreSQL when configured.
pub async fn every_backend() -> Vec<TestDatabase> {
    let mut databases = vec![sqlite().await];
    databases.extend(postgres().await);
    databases
}

impl Store {
    /// Runs a statement the test harness composed (database names cannot be bound).
    async fn execute_admin(&self, statement: &str) -> Result<(), sqlx::Error> {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        crate::on_pool!(self, pool => sqlx::raw_sql(statement).execute(pool).await.map(|_| ()))
    }
}

impl TestDatabase {
    /// SQLite's own check of the file (`PRAGMA integrity_check`: `ok` when sound); PostgreSQL
    /// has no such check and answers `ok`.
    pub async fn integrity_check(&self) -> String {
        match &self.store.backend {
            crate::Backend::Sqlite(pool) => sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(pool)
                .await
                .expect("integrity check"),
            crate::Backend::Postgres(_) => "ok".to_owned(),
        }
    }
}
