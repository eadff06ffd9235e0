//! Persistence for govsec: an embedded SQLite file by default (WAL, foreign keys on, busy
//! timeout) and PostgreSQL when a `postgres://` URL is given.
//!
//! The rest of the code sees one API, [`Store`]. Each backend has its own migration set (the
//! SQL dialects differ in types and collations), and every query is written once, in the SQL both
//! backends accept, with runtime-checked binds: compile-time checked macros would tie the build
//! to one database. The test suite runs every repository test on both backends.
//!
//! Every read takes the caller's [`govsec_core::Scope`]: the scope is part of the SQL, so no
//! query can forget to restrict itself to the caller's agency subtree.

mod agencies;
mod audit;
mod error;
mod identity;
mod mappings;
mod security_keys;
#[cfg(feature = "test-support")]
pub mod testing;
mod vulndb;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use agencies::{
    AgencyDetail, AgencySummary, ImportOutcome, RegistryStatistics, TierStatistics,
};
pub use audit::AuditFilter;
pub use error::StoreError;
pub use identity::{
    ApiTokenListing, FailureKind, NewUser, RoleChange, SessionRecord, UserListing, UserRecord,
};
pub use mappings::{DictionaryRow, NewSoftwareMapping, SoftwareMapping};
pub use security_keys::{CeremonyPurpose, KeyRemoval, NewSecurityKey, SecurityKeyRecord};
pub use vulndb::{
    ChosenRecords, PreparedRecords, RecordCounts, RecordSource, VulndbImport, VulndbStatistics,
};

/// How long a SQLite writer waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The database behind govsec.
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the store has. The body is written once
/// and compiled for each backend.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Begins a write transaction on `$pool` that holds the write lock of the tables named (a
/// string literal, comma-separated): SQLite takes its one database lock at BEGIN IMMEDIATE;
/// PostgreSQL locks the tables in a mode that conflicts with itself, so writers take turns and
/// readers go on.
macro_rules! begin_write {
    ($store:expr, $pool:ident, $tables:literal) => {
        match $store.backend() {
            $crate::BackendKind::Sqlite => $pool.begin_with("BEGIN IMMEDIATE").await?,
            $crate::BackendKind::Postgres => {
                let mut tx = $pool.begin().await?;
                sqlx::query(concat!(
                    "LOCK TABLE ",
                    $tables,
                    " IN SHARE ROW EXCLUSIVE MODE"
                ))
                .execute(&mut *tx)
                .await?;
                tx
            }
        }
    };
}
pub(crate) use begin_write;

/// The current time as the audit log writes it: RFC 3339, UTC, microseconds.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Store {
    /// Opens (creating it if needed) the SQLite database file at `path`.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                location: path.display().to_string(),
                source,
            })?;
        Ok(Store {
            backend: Backend::Sqlite(pool),
        })
    }

    /// Connects to the database a URL names: `postgres://…` (or `postgresql://…`) or
    /// `sqlite:PATH`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            return Store::open_sqlite(Path::new(path)).await;
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        }
        let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Open {
            location: redact_url(url),
            source,
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open {
                location: redact_url(url),
                source,
            })?;
        Ok(Store {
            backend: Backend::Postgres(pool),
        })
    }

    /// Applies every migration not yet applied. Safe to run at every start and concurrently.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Backend::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> BackendKind {
        match self.backend {
            Backend::Sqlite(_) => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ())?);
        Ok(())
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// A database URL without its password, fit for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((credentials, host)) => {
                let user = credentials.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://govsec:s3cret@db.example:5432/govsec"),
            "postgres://govsec:***@db.example:5432/govsec"
        );
        assert_eq!(
            redact_url("postgres://localhost/govsec"),
            "postgres://localhost/govsec"
        );
    }
}
