//! The audit log in the database: entries are appended inside the transaction of the change
//! they record, after taking the log's write lock, so the chain has one order and an entry
//! exists exactly when its change does.

use govsec_core::Scope;
use govsec_core::audit::{Actor, AuditEntry, AuditRecord, ChainHash, ChainHead, chain};

use crate::{Store, StoreError, begin_write, on_pool};

/// What the audit log page filters on; empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Exactly this actor.
    pub actor: Option<String>,
    /// Actions starting with this (`session.` for every sign-in event).
    pub action: Option<String>,
    /// Entries about this agency.
    pub agency: Option<govsec_core::AgencyCode>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    sequence: i64,
    at: String,
    actor: String,
    agency: Option<String>,
    role: Option<String>,
    action: String,
    object: String,
    client_address: Option<String>,
    previous_hash: String,
    content_hash: String,
}

impl AuditRow {
    fn entry(self) -> AuditEntry {
        // A hash that no longer parses is kept as text that cannot match, so verification reports
        // the entry as modified instead of failing to read it.
        let hash = |text: &str| ChainHash::parse(text).unwrap_or_else(ChainHash::genesis);
        let (previous_hash, content_hash) = (hash(&self.previous_hash), hash(&self.content_hash));
        AuditEntry {
            sequence: self.sequence,
            record: AuditRecord {
                at: self.at,
                actor: self.actor,
                agency: self.agency,
                role: self.role,
                action: self.action,
                object: self.object,
                client_address: self.client_address,
            },
            previous_hash,
            content_hash,
        }
    }
}

pub(crate) const HEAD: &str =
    "SELECT sequence, content_hash FROM audit_log ORDER BY sequence DESC LIMIT 1";
pub(crate) const INSERT: &str = "INSERT INTO audit_log (sequence, at, actor, agency, role, action, object, client_address, previous_hash, content_hash) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// The entry to append after the head read in the same transaction.
pub(crate) fn next_entry(head: Option<(i64, String)>, record: AuditRecord) -> AuditEntry {
    let head = match head {
        Some((sequence, hash)) => ChainHead {
            sequence,
            hash: ChainHash::parse(&hash).unwrap_or_else(ChainHash::genesis),
        },
        None => ChainHead {
            sequence: 0,
            hash: ChainHash::genesis(),
        },
    };
    chain(&head, record)
}

/// Appends an audit record inside the open transaction `$tx` (on the pool `$pool`'s backend).
/// The caller has begun it with `begin_write!`, which takes the log's write lock.
macro_rules! append_audit {
    ($tx:expr, $record:expr) => {{
        let head: Option<(i64, String)> = sqlx::query_as($crate::audit::HEAD)
            .fetch_optional(&mut *$tx)
            .await?;
        let entry = $crate::audit::next_entry(head, $record);
        sqlx::query($crate::audit::INSERT)
            .bind(entry.sequence)
            .bind(&entry.record.at)
            .bind(&entry.record.actor)
            .bind(&entry.record.agency)
            .bind(&entry.record.role)
            .bind(&entry.record.action)
            .bind(&entry.record.object)
            .bind(&entry.record.client_address)
            .bind(entry.previous_hash.as_str())
            .bind(entry.content_hash.as_str())
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use append_audit;

impl Store {
    /// Appends `actor` doing `action` to `object`, now, in its own transaction.
    pub async fn record_audit(
        &self,
        actor: &Actor,
        action: &str,
        object: &str,
    ) -> Result<(), StoreError> {
        let record = actor.record(crate::now_text(), action, object);
        on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "audit_log");
            append_audit!(tx, record);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every entry, in sequence order: what verification walks. Only the national scope may
    /// read the whole chain.
    pub async fn audit_chain(&self) -> Result<Vec<AuditEntry>, StoreError> {
        const SQL: &str = "SELECT sequence, at, actor, agency, role, action, object, client_address, previous_hash, content_hash FROM audit_log ORDER BY sequence";
        let rows: Vec<AuditRow> =
            on_pool!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await?);
        Ok(rows.into_iter().map(AuditRow::entry).collect())
    }

    /// The newest entries about agencies in the scope (for a supervisor: its subtree) that
    /// pass the filter, newest first, at most `limit`. Entries without an agency (the command
    /// line, unknown sign-in names) are national.
    pub async fn audit_entries(
        &self,
        scope: &Scope,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        const SQL: &str = concat!(
            "SELECT l.sequence, l.at, l.actor, l.agency, l.role, l.action, l.object, l.client_address, l.previous_hash, l.content_hash ",
            "FROM audit_log l LEFT JOIN agencies a ON a.code = l.agency WHERE ",
            crate::agencies::in_scope!("a"),
            " AND ($3 IS NULL OR l.actor = $3) AND ($4 IS NULL OR l.action LIKE $4 || '%') AND ($5 IS NULL OR l.agency = $5)",
            " ORDER BY l.sequence DESC LIMIT $2"
        );
        let parameter = crate::agencies::scope_parameter(scope);
        // The action filter is a prefix; LIKE's wildcards in it are taken literally by refusing
        // them (actions are dotted lower-case words).
        let action = filter.action.as_deref().filter(|a| {
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
        });
        let rows: Vec<AuditRow> = on_pool!(self, pool => sqlx::query_as(SQL)
            .bind(parameter)
            .bind(limit)
            .bind(filter.actor.as_deref())
            .bind(action)
            .bind(filter.agency.as_ref().map(|a| a.as_str()))
            .fetch_all(pool)
            .await?);
        Ok(rows.into_iter().map(AuditRow::entry).collect())
    }
}
