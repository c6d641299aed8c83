//! What can go wrong in the store.

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The connection is unusable: a call panicked while holding it, or its task failed.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The database has a schema version this server does not know: a newer server wrote it.
    #[error("the database has schema version {found}; this server knows 0 to {known}")]
    Unknown {
        /// The database's version.
        found: i64,
        /// The newest version this server knows.
        known: usize,
    },
}
