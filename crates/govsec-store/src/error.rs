//! The error type of the store.

/// What went wrong while reading or writing the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or reached.
    #[error("cannot open the database {location}: {source}")]
    Open {
        /// The file or the URL without its password.
        location: String,
        /// The driver's reason.
        source: sqlx::Error,
    },
    /// The URL names a database govsec does not support.
    #[error("unsupported database URL {0}: use postgres://… or sqlite:PATH")]
    UnsupportedUrl(String),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An import was rejected; nothing was written.
    #[error(transparent)]
    Rejected(#[from] govsec_core::Error),
    /// A stored value no longer parses: the database was edited outside govsec. The value is
    /// kept for the debugger but left out of the message, since it may be personal data.
    #[error("a stored {what} is not valid; the database was changed outside govsec")]
    Corrupt {
        /// Which kind of value.
        what: &'static str,
        /// The value found.
        value: String,
    },
    /// A worker decoding stored records stopped without an answer.
    #[error("decoding stored records failed: {0}")]
    Decoding(String),
}
