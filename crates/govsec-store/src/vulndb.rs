//! Vulnerability intelligence in the database: CVE records from NVD and CVE JSON 5, the KEV
//! catalogue and EPSS scores, written by one import transaction and read back to build the
//! applicability index.
//!
//! An import ([`Store::begin_vulndb_import`]) holds the write lock from start to commit, so a
//! failed or interrupted import leaves the previous data as it was. It knows the `lastModified`
//! of every stored record and writes only records that are new or newer, in multi-row
//! statements; a file that cannot be read to its end can be taken back alone
//! ([`VulndbImport::discard_file`]) when the caller skips invalid input.
//!
//! A record's applicability rules are stored as one JSON document beside the
//! `(part, vendor, product)` keys of its vulnerable criteria, so that a lookup loads only the
//! records that may apply to one product ([`Store::vulndb_applicability`]).

use std::collections::HashMap;
use std::str::FromStr;

use govsec_vulndb::{
    AffectedProduct, CisaExploitNote, Claim, Configuration, CriteriaNumbering, CriteriaOccurrence,
    CveId, CveRecord, CvssMetric, CvssScore, CvssVector, EpssScore, EpssScores, IndexBuilder,
    KevCatalog, KevEntry, ProductKey, VulnStatus,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{Postgres, QueryBuilder, Sqlite, Transaction};

use crate::{Backend, BackendKind, Store, StoreError, on_pool};

/// At most this many bound values in one statement: under SQLite's limit (32,766) and
/// PostgreSQL's (65,535).
const MAX_BINDS: usize = 30_000;

/// SQLite's settings during an import, and the defaults they return to: a page cache of
/// 256 MiB (`cache_size` counts negative values in KiB), and statement journals in memory
/// (each multi-row insert keeps one, to undo itself alone; in a file it costs a write per page).
const IMPORT_SETTINGS: [&str; 2] = ["PRAGMA cache_size = -262144", "PRAGMA temp_store = MEMORY"];
const DEFAULT_SETTINGS: [&str; 2] = ["PRAGMA cache_size = -2000", "PRAGMA temp_store = DEFAULT"];

/// Records read back per query when the whole database is walked.
const PAGE: i64 = 5_000;

/// The feed a stored record came from. A CVE has at most one record of each; they merge when
/// read ([`CveRecord::merge`]), NVD's first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordSource {
    /// NVD CVE JSON 2.0 (feeds or API pages).
    Nvd,
    /// A CVE JSON 5 record of the CVE Program (CNA and ADP containers).
    Cve5,
}

impl RecordSource {
    fn key(self) -> &'static str {
        match self {
            RecordSource::Nvd => "nvd",
            RecordSource::Cve5 => "cve5",
        }
    }

    fn parse(text: &str) -> Result<Self, StoreError> {
        match text {
            "nvd" => Ok(RecordSource::Nvd),
            "cve5" => Ok(RecordSource::Cve5),
            other => Err(corrupt("record source", other)),
        }
    }
}

/// What an import did to the CVE records, each record counted once whatever the number of
/// files it appeared in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RecordCounts {
    /// Records not stored before.
    pub new: usize,
    /// Stored records replaced by a newer `lastModified`.
    pub updated: usize,
    /// Records whose stored version is as new or newer: not written.
    pub unchanged: usize,
    /// New or updated records that are rejected: stored without applicability.
    pub rejected: usize,
}

/// What the database holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VulndbStatistics {
    /// CVEs with a record of any source.
    pub cves: i64,
    /// Records per source (`nvd`, `cve5`).
    pub records_by_source: Vec<(String, i64)>,
    /// Records per status.
    pub records_by_status: Vec<(String, i64)>,
    /// CVSS metrics per version.
    pub metrics_by_version: Vec<(String, i64)>,
    /// Distinct `(part, vendor, product)` of vulnerable criteria.
    pub products: i64,
    /// KEV entries.
    pub kev_entries: i64,
    /// The KEV catalogue's version, once imported.
    pub kev_catalog_version: Option<String>,
    /// EPSS scores.
    pub epss_scores: i64,
    /// The EPSS model version, once imported.
    pub epss_model_version: Option<String>,
    /// The EPSS score date, once imported.
    pub epss_score_date: Option<String>,
}

enum WriteTransaction {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$tx` bound to the import's transaction, whichever backend it is on.
macro_rules! on_transaction {
    ($transaction:expr, $tx:ident => $body:expr) => {
        match $transaction {
            WriteTransaction::Sqlite($tx) => $body,
            WriteTransaction::Postgres($tx) => $body,
        }
    };
}

/// Inserts `$rows` into a table in multi-row statements (as many rows as the bind limit allows).
macro_rules! insert_rows {
    ($transaction:expr, $head:literal, $columns:expr, $rows:expr, |$builder:ident, $row:ident| $push:block) => {
        for chunk in $rows.chunks(MAX_BINDS / $columns) {
            on_transaction!(&mut $transaction, tx => {
                let mut query = QueryBuilder::new($head);
                query.push_values(chunk, |mut $builder, $row| $push);
                query.build().execute(&mut **tx).await?;
            });
        }
    };
}

/// Builds the multi-row inserts of `$rows` for the database of `$statements`, the rows' values
/// moved into the statements (as many rows per statement as the bind limit allows).
macro_rules! build_inserts {
    ($statements:expr, $head:literal, $columns:expr, $rows:expr, |$builder:ident, $row:ident| $push:block) => {
        match &mut $statements {
            Statements::Sqlite(list) => build_inserts!(@each list, $head, $columns, $rows, |$builder, $row| $push),
            Statements::Postgres(list) => build_inserts!(@each list, $head, $columns, $rows, |$builder, $row| $push),
        }
    };
    (@each $list:ident, $head:literal, $columns:expr, $rows:expr, |$builder:ident, $row:ident| $push:block) => {{
        let mut rows = $rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut query = QueryBuilder::new($head);
            query.push_values(rows.by_ref().take(MAX_BINDS / $columns), |mut $builder, $row| $push);
            $list.push(query);
        }
    }};
}

/// The insert statements of prepared records, for the import's database.
enum Statements {
    Sqlite(Vec<QueryBuilder<Sqlite>>),
    Postgres(Vec<QueryBuilder<Postgres>>),
}

type RecordKey = (CveId, RecordSource);

/// What this import did to one record so far.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    Unchanged,
    Written { existed: bool, rejected: bool },
}

/// A record's state before a file changed it, to take the file back.
type JournalEntry = (RecordKey, Option<Option<Box<str>>>, Option<Outcome>);

/// An import in progress: one transaction holding the write lock. Dropping it without
/// [`VulndbImport::commit`] rolls everything back.
pub struct VulndbImport {
    transaction: WriteTransaction,
    /// The `lastModified` of every stored record, as this transaction sees it.
    stored: HashMap<RecordKey, Option<Box<str>>>,
    outcomes: HashMap<RecordKey, Outcome>,
    journal: Option<Vec<JournalEntry>>,
}

/// Records chosen by [`VulndbImport::choose`], not yet turned into rows.
pub struct ChosenRecords {
    backend: BackendKind,
    source: RecordSource,
    replaced: Vec<String>,
    records: Vec<CveRecord>,
}

/// Chosen records as the insert statements of every table, ready for
/// [`VulndbImport::write`]. Preparing them (encoding the records, binding every value) is most
/// of an import's work outside the database, so it runs on another thread while the previous
/// batch is written.
pub struct PreparedRecords {
    source: RecordSource,
    replaced: Vec<String>,
    statements: Statements,
}

impl ChosenRecords {
    /// The records' insert statements. No I/O: it may run on any thread.
    pub fn prepare(self) -> PreparedRecords {
        let key = self.source.key();
        let mut records: Vec<RecordRow> = Vec::with_capacity(self.records.len());
        let mut metrics: Vec<(String, i64, CvssMetric)> = Vec::new();
        // CVE id, part, vendor and product of each vulnerable criteria's product.
        let mut product_rows: Vec<(String, String, String, String)> = Vec::new();
        for record in self.records {
            let row = record_row(&record, key);
            let id = row.cve_id.clone();
            let (products, unkeyed) = record.vulnerable_products();
            for product in products {
                product_rows.push((
                    id.clone(),
                    product.part.to_string(),
                    product.vendor,
                    product.product,
                ));
            }
            if unkeyed {
                product_rows.push((id.clone(), "*".into(), "*".into(), "*".into()));
            }
            metrics.extend(
                (0..)
                    .zip(record.metrics)
                    .map(|(position, metric)| (id.clone(), position, metric)),
            );
            records.push(row);
        }
        let mut statements = match self.backend {
            BackendKind::Sqlite => Statements::Sqlite(Vec::new()),
            BackendKind::Postgres => Statements::Postgres(Vec::new()),
        };
        build_inserts!(
            statements,
            "INSERT INTO vulndb_records (cve_id, source, status, source_identifier, published, \
             last_modified, cisa_exploit_added, cisa_action_due, cisa_required_action, \
             cisa_vulnerability_name, affected, configurations, descriptions, weaknesses, \
             cve_references) ",
            15,
            records,
            |row_builder, row| {
                row_builder
                    .push_bind(row.cve_id)
                    .push_bind(row.source)
                    .push_bind(row.status)
                    .push_bind(row.source_identifier)
                    .push_bind(row.published)
                    .push_bind(row.last_modified);
                for value in row.cisa {
                    row_builder.push_bind(value);
                }
                row_builder
                    .push_bind(row.affected)
                    .push_bind(row.configurations)
                    .push_bind(row.descriptions)
                    .push_bind(row.weaknesses)
                    .push_bind(row.references);
            }
        );
        build_inserts!(
            statements,
            "INSERT INTO vulndb_metrics (cve_id, source, position, provenance, metric_source, \
             kind, version, vector, base_score, severity) ",
            10,
            metrics,
            |row_builder, row| {
                let (id, position, metric) = row;
                row_builder
                    .push_bind(id)
                    .push_bind(key)
                    .push_bind(position)
                    .push_bind(enum_text(&metric.provenance))
                    .push_bind(metric.source.clone())
                    .push_bind(metric.kind.as_ref().map(enum_text))
                    .push_bind(metric.version().as_str())
                    .push_bind(metric.vector.as_str().to_owned())
                    .push_bind(metric.base_score.value())
                    .push_bind(metric.severity.as_str());
            }
        );
        build_inserts!(
            statements,
            "INSERT INTO vulndb_products (cve_id, source, part, vendor, product) ",
            5,
            product_rows,
            |row_builder, row| {
                row_builder
                    .push_bind(row.0)
                    .push_bind(key)
                    .push_bind(row.1)
                    .push_bind(row.2)
                    .push_bind(row.3);
            }
        );
        PreparedRecords {
            source: self.source,
            replaced: self.replaced,
            statements,
        }
    }
}

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

/// [`corrupt`] for a stored binary value: its first bytes, in hexadecimal.
fn corrupt_bytes(what: &'static str, value: &[u8]) -> StoreError {
    let shown = &value[..value.len().min(32)];
    let ellipsis = if shown.len() < value.len() { "…" } else { "" };
    corrupt(what, &format!("0x{}{ellipsis}", hex::encode(shown)))
}

/// The serde name of a unit enum value (`Analyzed`, `HIGH`, `Nvd`): how enums are stored.
fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => unreachable!("a unit enum serialises as a string, not {other:?}"),
    }
}

fn parse_enum<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| corrupt(what, text))
}

fn parse_text<T: FromStr>(what: &'static str, text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| corrupt(what, text))
}

fn parse_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt(what, text))
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("the vulnerability model serialises to JSON")
}

/// The row of `vulndb_records` for a record.
struct RecordRow {
    cve_id: String,
    source: &'static str,
    status: String,
    source_identifier: Option<String>,
    published: Option<String>,
    last_modified: Option<String>,
    cisa: [Option<String>; 4],
    affected: String,
    configurations: Vec<u8>,
    descriptions: String,
    weaknesses: String,
    references: String,
}

impl Store {
    /// Begins an import: takes the vulnerability tables' write lock (other readers go on) and
    /// reads the `lastModified` of every stored record.
    pub async fn begin_vulndb_import(&self) -> Result<VulndbImport, StoreError> {
        let mut transaction = match &self.backend {
            Backend::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                // An import touches far more pages than SQLite's default cache of 2 MiB holds:
                // with it, index pages are written to the WAL and read back again and again.
                for setting in IMPORT_SETTINGS {
                    sqlx::query(setting).execute(&mut *tx).await?;
                }
                WriteTransaction::Sqlite(tx)
            }
            Backend::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "LOCK TABLE vulndb_records, vulndb_kev_catalog, vulndb_epss_model \
                     IN SHARE ROW EXCLUSIVE MODE",
                )
                .execute(&mut *tx)
                .await?;
                WriteTransaction::Postgres(tx)
            }
        };
        let rows: Vec<(String, String, Option<String>)> = on_transaction!(&mut transaction, tx => {
            sqlx::query_as("SELECT cve_id, source, last_modified FROM vulndb_records")
                .fetch_all(&mut **tx)
                .await?
        });
        let mut stored = HashMap::with_capacity(rows.len());
        for (cve, source, last_modified) in rows {
            stored.insert(
                (parse_text("CVE id", &cve)?, RecordSource::parse(&source)?),
                last_modified.map(String::into_boxed_str),
            );
        }
        Ok(VulndbImport {
            transaction,
            stored,
            outcomes: HashMap::new(),
            journal: None,
        })
    }
}

impl VulndbImport {
    /// Marks the start of a file: [`discard_file`](Self::discard_file) takes back what was
    /// written since, [`keep_file`](Self::keep_file) keeps it.
    pub async fn begin_file(&mut self) -> Result<(), StoreError> {
        on_transaction!(&mut self.transaction, tx => {
            sqlx::raw_sql("SAVEPOINT vulndb_file").execute(&mut **tx).await?;
        });
        self.journal = Some(Vec::new());
        Ok(())
    }

    /// Keeps what was written since [`begin_file`](Self::begin_file).
    pub async fn keep_file(&mut self) -> Result<(), StoreError> {
        on_transaction!(&mut self.transaction, tx => {
            sqlx::raw_sql("RELEASE SAVEPOINT vulndb_file").execute(&mut **tx).await?;
        });
        self.journal = None;
        Ok(())
    }

    /// Takes back what was written since [`begin_file`](Self::begin_file), in the database
    /// and in this import's counts.
    pub async fn discard_file(&mut self) -> Result<(), StoreError> {
        on_transaction!(&mut self.transaction, tx => {
            sqlx::raw_sql("ROLLBACK TO SAVEPOINT vulndb_file; RELEASE SAVEPOINT vulndb_file")
                .execute(&mut **tx)
                .await?;
        });
        for (key, stored, outcome) in self.journal.take().unwrap_or_default().into_iter().rev() {
            match stored {
                Some(last_modified) => self.stored.insert(key, last_modified),
                None => self.stored.remove(&key),
            };
            match outcome {
                Some(outcome) => self.outcomes.insert(key, outcome),
                None => self.outcomes.remove(&key),
            };
        }
        Ok(())
    }

    fn remember(&mut self, key: RecordKey) {
        if let Some(journal) = &mut self.journal {
            journal.push((
                key,
                self.stored.get(&key).cloned(),
                self.outcomes.get(&key).copied(),
            ));
        }
    }

    /// Writes the records of `source` that are new or newer than the stored ones (by
    /// `lastModified`); a later record of the same CVE in the batch wins over an earlier one.
    /// The same as [`choose`](Self::choose), [`ChosenRecords::prepare`] and
    /// [`write`](Self::write) in a row.
    pub async fn add_records(
        &mut self,
        source: RecordSource,
        records: &[CveRecord],
    ) -> Result<(), StoreError> {
        let prepared = self.choose(source, records.to_vec()).prepare();
        self.write(prepared).await
    }

    /// Chooses the records of `source` to write: those new or newer than the stored ones (by
    /// `lastModified`), a later record of the same CVE in the batch winning over an earlier
    /// one; counts the others as unchanged. Nothing is written until the chosen records,
    /// prepared, are given to [`write`](Self::write) — before the next batch's.
    pub fn choose(&mut self, source: RecordSource, records: Vec<CveRecord>) -> ChosenRecords {
        let mut changed: Vec<CveRecord> = Vec::new();
        let mut in_batch: HashMap<CveId, usize> = HashMap::new();
        let mut replaced: Vec<String> = Vec::new();
        for record in records {
            let key = (record.id, source);
            let newer = match (self.stored.get(&key), &record.last_modified) {
                (None, _) => true,
                (Some(Some(stored)), Some(given)) => given.as_str() > &**stored,
                (Some(_), _) => true,
            };
            if !newer {
                self.outcomes.entry(key).or_insert(Outcome::Unchanged);
                continue;
            }
            self.remember(key);
            let existed = match self.outcomes.get(&key) {
                Some(Outcome::Written { existed, .. }) => *existed,
                _ => self.stored.contains_key(&key),
            };
            let rejected = record.status == VulnStatus::Rejected;
            self.outcomes
                .insert(key, Outcome::Written { existed, rejected });
            let previous = self.stored.insert(
                key,
                record
                    .last_modified
                    .as_ref()
                    .map(|time| time.as_str().into()),
            );
            match in_batch.get(&record.id) {
                Some(&at) => changed[at] = record,
                None => {
                    if previous.is_some() {
                        replaced.push(record.id.to_string());
                    }
                    in_batch.insert(record.id, changed.len());
                    changed.push(record);
                }
            }
        }
        ChosenRecords {
            backend: match self.transaction {
                WriteTransaction::Sqlite(_) => BackendKind::Sqlite,
                WriteTransaction::Postgres(_) => BackendKind::Postgres,
            },
            source,
            replaced,
            records: changed,
        }
    }

    /// Writes records chosen and prepared: deletes the stored versions they replace, then
    /// inserts them.
    pub async fn write(&mut self, prepared: PreparedRecords) -> Result<(), StoreError> {
        let key = prepared.source.key();
        for chunk in prepared.replaced.chunks(MAX_BINDS - 1) {
            on_transaction!(&mut self.transaction, tx => {
                let mut query = QueryBuilder::new("DELETE FROM vulndb_records WHERE source = ");
                query.push_bind(key).push(" AND cve_id IN (");
                let mut ids = query.separated(", ");
                for id in chunk {
                    ids.push_bind(id.as_str());
                }
                query.push(")");
                query.build().execute(&mut **tx).await?;
            });
        }
        match (&mut self.transaction, prepared.statements) {
            (WriteTransaction::Sqlite(tx), Statements::Sqlite(statements)) => {
                for mut statement in statements {
                    statement.build().execute(&mut **tx).await?;
                }
            }
            (WriteTransaction::Postgres(tx), Statements::Postgres(statements)) => {
                for mut statement in statements {
                    statement.build().execute(&mut **tx).await?;
                }
            }
            _ => {
                unreachable!("records are prepared for the database of the import that chose them")
            }
        }
        Ok(())
    }

    /// Replaces the KEV catalogue; returns the number of entries.
    pub async fn replace_kev(&mut self, catalog: &KevCatalog) -> Result<usize, StoreError> {
        on_transaction!(&mut self.transaction, tx => {
            sqlx::query("DELETE FROM vulndb_kev").execute(&mut **tx).await?;
            sqlx::query("DELETE FROM vulndb_kev_catalog").execute(&mut **tx).await?;
            sqlx::query(
                "INSERT INTO vulndb_kev_catalog (singleton, title, catalog_version, date_released) \
                 VALUES (1, $1, $2, $3)",
            )
            .bind(catalog.title.as_deref())
            .bind(catalog.catalog_version.as_str())
            .bind(catalog.date_released.as_str())
            .execute(&mut **tx)
            .await?;
        });
        let mut entries: Vec<&KevEntry> = catalog.entries.values().collect();
        entries.sort_unstable_by_key(|entry| entry.cve);
        insert_rows!(
            self.transaction,
            "INSERT INTO vulndb_kev (cve_id, vendor_project, product, vulnerability_name, \
             date_added, short_description, required_action, due_date, ransomware_use, notes, \
             note_links, cwes) ",
            12,
            entries,
            |row_builder, entry| {
                row_builder
                    .push_bind(entry.cve.to_string())
                    .push_bind(entry.vendor_project.as_str())
                    .push_bind(entry.product.as_str())
                    .push_bind(entry.vulnerability_name.as_str())
                    .push_bind(entry.date_added.to_string())
                    .push_bind(entry.short_description.as_str())
                    .push_bind(entry.required_action.as_str())
                    .push_bind(entry.due_date.to_string())
                    .push_bind(enum_text(&entry.ransomware_use))
                    .push_bind(entry.notes.as_str())
                    .push_bind(to_json(&entry.note_links))
                    .push_bind(to_json(&entry.cwes));
            }
        );
        Ok(entries.len())
    }

    /// Replaces the EPSS scores with one day's; returns the number of scores.
    pub async fn replace_epss(&mut self, scores: &EpssScores) -> Result<usize, StoreError> {
        on_transaction!(&mut self.transaction, tx => {
            sqlx::query("DELETE FROM vulndb_epss").execute(&mut **tx).await?;
            sqlx::query("DELETE FROM vulndb_epss_model").execute(&mut **tx).await?;
            sqlx::query(
                "INSERT INTO vulndb_epss_model (singleton, model_version, score_date) \
                 VALUES (1, $1, $2)",
            )
            .bind(scores.model_version.as_str())
            .bind(scores.score_date.as_str())
            .execute(&mut **tx)
            .await?;
        });
        let mut rows: Vec<(String, EpssScore)> = scores
            .scores
            .iter()
            .map(|(cve, score)| (cve.to_string(), *score))
            .collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        insert_rows!(
            self.transaction,
            "INSERT INTO vulndb_epss (cve_id, epss, percentile) ",
            3,
            rows,
            |row_builder, row| {
                row_builder
                    .push_bind(row.0.as_str())
                    .push_bind(row.1.epss)
                    .push_bind(row.1.percentile);
            }
        );
        Ok(rows.len())
    }

    /// Commits the import and says what it did to the CVE records.
    pub async fn commit(mut self) -> Result<RecordCounts, StoreError> {
        if let WriteTransaction::Sqlite(tx) = &mut self.transaction {
            for setting in DEFAULT_SETTINGS {
                sqlx::query(setting).execute(&mut **tx).await?;
            }
        }
        on_transaction!(self.transaction, tx => tx.commit().await?);
        let mut counts = RecordCounts::default();
        for outcome in self.outcomes.values() {
            match *outcome {
                Outcome::Unchanged => counts.unchanged += 1,
                Outcome::Written { rejected: true, .. } => counts.rejected += 1,
                Outcome::Written { existed: true, .. } => counts.updated += 1,
                Outcome::Written { existed: false, .. } => counts.new += 1,
            }
        }
        Ok(counts)
    }
}

fn record_row(record: &CveRecord, source: &'static str) -> RecordRow {
    let rejected = record.status == VulnStatus::Rejected;
    let cisa = record.cisa.as_ref();
    RecordRow {
        cve_id: record.id.to_string(),
        source,
        status: enum_text(&record.status),
        source_identifier: record.source_identifier.clone(),
        published: record
            .published
            .as_ref()
            .map(|time| time.as_str().to_owned()),
        last_modified: record
            .last_modified
            .as_ref()
            .map(|time| time.as_str().to_owned()),
        cisa: [
            cisa.and_then(|note| note.exploit_added)
                .map(|date| date.to_string()),
            cisa.and_then(|note| note.action_due)
                .map(|date| date.to_string()),
            cisa.and_then(|note| note.required_action.clone()),
            cisa.and_then(|note| note.vulnerability_name.clone()),
        ],
        affected: to_json(&record.affected),
        descriptions: to_json(&record.descriptions),
        weaknesses: to_json(&record.weaknesses),
        references: to_json(&record.references),
        configurations: if rejected {
            b"[]".to_vec()
        } else {
            stored_configurations::encode(&record.configurations)
        },
    }
}

#[derive(sqlx::FromRow)]
struct StoredRecord {
    cve_id: String,
    source: String,
    status: String,
    source_identifier: Option<String>,
    published: Option<String>,
    last_modified: Option<String>,
    cisa_exploit_added: Option<String>,
    cisa_action_due: Option<String>,
    cisa_required_action: Option<String>,
    cisa_vulnerability_name: Option<String>,
    affected: String,
    configurations: Vec<u8>,
    descriptions: String,
    weaknesses: String,
    cve_references: String,
}

/// A CVE id, source, status and stored configurations.
type ApplicabilityRow = (String, String, String, Vec<u8>);

/// Pages of applicability rows decoded at the same time.
const DECODING: usize = 2;

/// A stored CVE as the index needs it: its id, its status and its configurations, with each
/// criteria parsed only where the builder's numbering says no earlier occurrence carries it
/// (see [`CriteriaNumbering`]).
struct ApplicabilityRecord {
    id: CveId,
    status: VulnStatus,
    configurations: Vec<Configuration<CriteriaOccurrence>>,
}

/// The records of page `page` of applicability rows, the sources of a CVE merged.
fn decode_page(
    rows: &[ApplicabilityRow],
    page: u32,
    numbering: &CriteriaNumbering,
) -> Result<Vec<ApplicabilityRecord>, StoreError> {
    let mut records: Vec<ApplicabilityRecord> = Vec::with_capacity(rows.len());
    for (cve, _source, status, configurations) in rows {
        let id: CveId = parse_text("CVE id", cve)?;
        let status: VulnStatus = parse_enum("CVE status", status)?;
        let decoded = stored_configurations::decode_with(configurations, |id, name, start, end| {
            Some(match numbering.claim(id.parse().ok()?, page) {
                Claim::First(slot) => CriteriaOccurrence::Parsed(
                    slot,
                    Box::new(stored_configurations::parse_criteria(id, name, start, end)?),
                ),
                Claim::Repeated(slot) => CriteriaOccurrence::Repeated(slot),
            })
        })
        .ok_or_else(|| corrupt_bytes("configuration", configurations))?;
        match records.last_mut() {
            // The other source of the same CVE (NVD's row comes first): as `CveRecord::merge`.
            Some(last) if last.id == id => {
                if status == VulnStatus::Rejected {
                    last.status = VulnStatus::Rejected;
                }
                last.configurations.extend(decoded);
            }
            _ => records.push(ApplicabilityRecord {
                id,
                status,
                configurations: decoded,
            }),
        }
    }
    Ok(records)
}

/// Merges the records of one CVE, NVD's first (rows come ordered so).
fn merge_into(records: &mut Vec<CveRecord>, record: CveRecord) {
    match records.last_mut() {
        Some(last) if last.id == record.id => last.merge(record),
        _ => records.push(record),
    }
}

impl Store {
    /// Adds to `builder` the applicability of every stored CVE (id, status and configurations;
    /// the sources merged) or, given a product, of the CVEs with vulnerable criteria of that
    /// product or criteria that name no one product: the records an index needs to answer
    /// lookups of that product. Returns the number of CVEs.
    pub async fn vulndb_applicability(
        &self,
        product: Option<&ProductKey>,
        builder: &mut IndexBuilder,
    ) -> Result<usize, StoreError> {
        let mut after = String::new();
        let mut count = 0;
        let mut decoding = std::collections::VecDeque::new();
        let numbering = builder.numbering();
        let mut page = 0u32;
        loop {
            let rows: Vec<ApplicabilityRow> = match product {
                Some(product) => on_pool!(self, pool => {
                    sqlx::query_as(
                        "SELECT cve_id, source, status, configurations FROM vulndb_records \
                         WHERE cve_id > $1 AND cve_id IN (SELECT cve_id FROM vulndb_products \
                         WHERE (part = $2 AND vendor = $3 AND product = $4) OR part = '*') \
                         ORDER BY cve_id, source DESC LIMIT $5",
                    )
                    .bind(after.as_str())
                    .bind(product.part.to_string())
                    .bind(product.vendor.as_str())
                    .bind(product.product.as_str())
                    .bind(PAGE)
                    .fetch_all(pool)
                    .await?
                }),
                None => on_pool!(self, pool => {
                    sqlx::query_as(
                        "SELECT cve_id, source, status, configurations FROM vulndb_records \
                         WHERE cve_id > $1 ORDER BY cve_id, source DESC LIMIT $2",
                    )
                    .bind(after.as_str())
                    .bind(PAGE)
                    .fetch_all(pool)
                    .await?
                }),
            };
            let full = rows.len() as i64 == PAGE;
            let mut rows = rows;
            // A full page may end between the two records of one CVE: that CVE comes whole
            // with the next page.
            if full {
                let last = rows.last().map(|row| row.0.clone()).unwrap_or_default();
                while rows.last().is_some_and(|row| row.0 == last) && rows.len() > 1 {
                    rows.pop();
                }
            }
            let next = match rows.last() {
                Some(row) if full => Some(row.0.clone()),
                _ => None,
            };
            // Decoding (JSON and CPE names) is most of the work: pages decode on blocking
            // threads while the next page is read, and reach `each` in order.
            let page_numbering = std::sync::Arc::clone(&numbering);
            decoding.push_back(tokio::task::spawn_blocking(move || {
                decode_page(&rows, page, &page_numbering)
            }));
            page += 1;
            while decoding.len() > DECODING || next.is_none() {
                let Some(pending) = decoding.pop_front() else {
                    break;
                };
                let decoded = pending
                    .await
                    .map_err(|failure| StoreError::Decoding(failure.to_string()))??;
                count += decoded.len();
                for record in decoded {
                    builder
                        .add_configurations(record.id, record.status, &record.configurations)
                        .map_err(|error| StoreError::Decoding(error.to_string()))?;
                }
            }
            match next {
                Some(last) => after = last,
                None => return Ok(count),
            }
        }
    }

    /// The stored records of these CVEs with every field, the sources merged, ordered by id.
    pub async fn vulndb_records(&self, ids: &[CveId]) -> Result<Vec<CveRecord>, StoreError> {
        let mut records = Vec::with_capacity(ids.len());
        let mut ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(1_000) {
            records.extend(self.records_chunk(chunk).await?);
        }
        records.sort_by_key(|record| record.id);
        Ok(records)
    }

    async fn records_chunk(&self, ids: &[String]) -> Result<Vec<CveRecord>, StoreError> {
        fn in_list<DB: sqlx::Database>(head: &str, ids: &[String], tail: &str) -> QueryBuilder<DB>
        where
            for<'t> &'t str: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
        {
            let mut query = QueryBuilder::new(head);
            query.push(" WHERE cve_id IN (");
            let mut list = query.separated(", ");
            for id in ids {
                list.push_bind(id.as_str());
            }
            query.push(") ");
            query.push(tail);
            query
        }
        let rows: Vec<StoredRecord> = on_pool!(self, pool => {
            in_list(
                "SELECT cve_id, source, status, source_identifier, published, last_modified, \
                 cisa_exploit_added, cisa_action_due, cisa_required_action, \
                 cisa_vulnerability_name, affected, configurations, descriptions, weaknesses, \
                 cve_references FROM vulndb_records",
                ids,
                "ORDER BY cve_id, source DESC",
            )
            .build_query_as()
            .fetch_all(pool)
            .await?
        });
        #[derive(sqlx::FromRow)]
        struct MetricRow {
            cve_id: String,
            source: String,
            provenance: String,
            metric_source: Option<String>,
            kind: Option<String>,
            vector: String,
            base_score: f64,
            severity: String,
        }
        let metrics: Vec<MetricRow> = on_pool!(self, pool => {
            in_list("SELECT cve_id, source, provenance, metric_source, kind, vector, base_score, \
                     severity FROM vulndb_metrics", ids, "ORDER BY cve_id, source, position")
                .build_query_as().fetch_all(pool).await?
        });

        let mut by_key: HashMap<(String, String), CveRecord> = HashMap::new();
        let mut order: Vec<(String, String)> = Vec::new();
        for row in rows {
            let mut record = CveRecord::new(
                parse_text("CVE id", &row.cve_id)?,
                parse_enum("CVE status", &row.status)?,
            );
            RecordSource::parse(&row.source)?;
            record.source_identifier = row.source_identifier;
            record.published = row
                .published
                .as_deref()
                .map(|t| parse_text("timestamp", t))
                .transpose()?;
            record.last_modified = row
                .last_modified
                .as_deref()
                .map(|t| parse_text("timestamp", t))
                .transpose()?;
            let note = CisaExploitNote {
                exploit_added: row
                    .cisa_exploit_added
                    .as_deref()
                    .map(|t| parse_text("date", t))
                    .transpose()?,
                action_due: row
                    .cisa_action_due
                    .as_deref()
                    .map(|t| parse_text("date", t))
                    .transpose()?,
                required_action: row.cisa_required_action,
                vulnerability_name: row.cisa_vulnerability_name,
            };
            if note.exploit_added.is_some()
                || note.action_due.is_some()
                || note.required_action.is_some()
                || note.vulnerability_name.is_some()
            {
                record.cisa = Some(note);
            }
            record.affected =
                parse_json::<Vec<AffectedProduct>>("affected product", &row.affected)?;
            record.configurations = stored_configurations::decode(&row.configurations)
                .ok_or_else(|| corrupt_bytes("configuration", &row.configurations))?;
            record.descriptions = parse_json("descriptions", &row.descriptions)?;
            record.weaknesses = parse_json("weaknesses", &row.weaknesses)?;
            record.references = parse_json("references", &row.cve_references)?;
            let key = (row.cve_id, row.source);
            order.push(key.clone());
            by_key.insert(key, record);
        }
        for row in metrics {
            if let Some(record) = by_key.get_mut(&(row.cve_id, row.source)) {
                let vector = CvssVector::parse(&row.vector)
                    .map_err(|_| corrupt("CVSS vector", &row.vector))?;
                record.metrics.push(CvssMetric {
                    provenance: parse_enum("provenance", &row.provenance)?,
                    source: row.metric_source,
                    kind: row
                        .kind
                        .as_deref()
                        .map(|k| parse_enum("metric kind", k))
                        .transpose()?,
                    base_score: CvssScore::from_stated(row.base_score)
                        .ok_or_else(|| corrupt("CVSS score", &row.base_score.to_string()))?,
                    severity: parse_text("CVSS severity", &row.severity)?,
                    vector,
                });
            }
        }
        let mut records = Vec::new();
        for key in order {
            if let Some(record) = by_key.remove(&key) {
                merge_into(&mut records, record);
            }
        }
        Ok(records)
    }

    /// The KEV entries of these CVEs, with the catalogue's metadata; `None` before a KEV import.
    pub async fn vulndb_kev(&self, ids: &[CveId]) -> Result<Option<KevCatalog>, StoreError> {
        let catalog: Option<(Option<String>, String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT title, catalog_version, date_released FROM vulndb_kev_catalog")
                .fetch_optional(pool)
                .await?
        });
        let Some((title, catalog_version, date_released)) = catalog else {
            return Ok(None);
        };
        #[derive(sqlx::FromRow)]
        struct KevRow {
            cve_id: String,
            vendor_project: String,
            product: String,
            vulnerability_name: String,
            date_added: String,
            short_description: String,
            required_action: String,
            due_date: String,
            ransomware_use: String,
            notes: String,
            note_links: String,
            cwes: String,
        }
        let mut entries = HashMap::new();
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        for chunk in ids.chunks(1_000) {
            let rows: Vec<KevRow> = on_pool!(self, pool => {
                let mut query = QueryBuilder::new(
                    "SELECT cve_id, vendor_project, product, vulnerability_name, date_added, \
                     short_description, required_action, due_date, ransomware_use, notes, \
                     note_links, cwes FROM vulndb_kev WHERE cve_id IN (",
                );
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                query.push(")");
                query.build_query_as().fetch_all(pool).await?
            });
            for row in rows {
                let cve: CveId = parse_text("CVE id", &row.cve_id)?;
                entries.insert(
                    cve,
                    KevEntry {
                        cve,
                        vendor_project: row.vendor_project,
                        product: row.product,
                        vulnerability_name: row.vulnerability_name,
                        date_added: parse_text("date", &row.date_added)?,
                        short_description: row.short_description,
                        required_action: row.required_action,
                        due_date: parse_text("date", &row.due_date)?,
                        ransomware_use: parse_enum("ransomware use", &row.ransomware_use)?,
                        notes: row.notes,
                        note_links: parse_json("note links", &row.note_links)?,
                        cwes: parse_json("CWE ids", &row.cwes)?,
                    },
                );
            }
        }
        Ok(Some(KevCatalog {
            title,
            catalog_version,
            date_released: parse_text("timestamp", &date_released)?,
            entries,
        }))
    }

    /// The EPSS scores of these CVEs, with the model version and date; `None` before an EPSS
    /// import.
    pub async fn vulndb_epss(&self, ids: &[CveId]) -> Result<Option<EpssScores>, StoreError> {
        let model: Option<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT model_version, score_date FROM vulndb_epss_model")
                .fetch_optional(pool)
                .await?
        });
        let Some((model_version, score_date)) = model else {
            return Ok(None);
        };
        let mut scores = HashMap::new();
        let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
        for chunk in ids.chunks(1_000) {
            let rows: Vec<(String, f64, f64)> = on_pool!(self, pool => {
                let mut query =
                    QueryBuilder::new("SELECT cve_id, epss, percentile FROM vulndb_epss WHERE cve_id IN (");
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(id.as_str());
                }
                query.push(")");
                query.build_query_as().fetch_all(pool).await?
            });
            for (cve, epss, percentile) in rows {
                scores.insert(parse_text("CVE id", &cve)?, EpssScore { epss, percentile });
            }
        }
        Ok(Some(EpssScores {
            model_version,
            score_date: parse_text("timestamp", &score_date)?,
            scores,
        }))
    }

    /// Every distinct (part, vendor, product) the stored applicability names, sorted: the
    /// vulnerability data's half of the normaliser's product dictionary.
    pub async fn vulndb_product_names(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows: Vec<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT DISTINCT part, vendor, product FROM vulndb_products \
                 ORDER BY part, vendor, product",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows)
    }

    /// Whether no CVE record is stored yet.
    pub async fn vulndb_is_empty(&self) -> Result<bool, StoreError> {
        let records: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT cve_id FROM vulndb_records LIMIT 1) AS any_record",
            )
            .fetch_one(pool)
            .await?
        });
        Ok(records == 0)
    }

    /// Counts over what the database holds.
    pub async fn vulndb_statistics(&self) -> Result<VulndbStatistics, StoreError> {
        on_pool!(self, pool => {
            let count = |sql: &'static str| async move {
                sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await
            };
            let grouped = |sql: &'static str| async move {
                sqlx::query_as::<_, (String, i64)>(sql).fetch_all(pool).await
            };
            let kev: Option<String> = sqlx::query_scalar("SELECT catalog_version FROM vulndb_kev_catalog")
                .fetch_optional(pool)
                .await?;
            let epss: Option<(String, String)> =
                sqlx::query_as("SELECT model_version, score_date FROM vulndb_epss_model")
                    .fetch_optional(pool)
                    .await?;
            Ok(VulndbStatistics {
                cves: count("SELECT COUNT(DISTINCT cve_id) FROM vulndb_records").await?,
                records_by_source: grouped(
                    "SELECT source, COUNT(*) FROM vulndb_records GROUP BY source ORDER BY source",
                )
                .await?,
                records_by_status: grouped(
                    "SELECT status, COUNT(*) FROM vulndb_records GROUP BY status ORDER BY status",
                )
                .await?,
                metrics_by_version: grouped(
                    "SELECT version, COUNT(*) FROM vulndb_metrics GROUP BY version ORDER BY version",
                )
                .await?,
                products: count(
                    "SELECT COUNT(*) FROM (SELECT DISTINCT part, vendor, product FROM vulndb_products \
                     WHERE part <> '*') AS distinct_products",
                )
                .await?,
                kev_entries: count("SELECT COUNT(*) FROM vulndb_kev").await?,
                kev_catalog_version: kev,
                epss_scores: count("SELECT COUNT(*) FROM vulndb_epss").await?,
                epss_model_version: epss.as_ref().map(|(model, _)| model.clone()),
                epss_score_date: epss.map(|(_, date)| date),
            })
        })
    }
}

/// The stored form of a record's configurations: JSON arrays instead of objects, about half
/// the size of the model's own serde form, which matters at NVD's scale (the configurations
/// are most of an import's bytes). A configuration is
/// `[provenance, "and"|"or", negate, [node…]]`, a node `["and"|"or", negate, [match…]]`, a
/// match `[vulnerable, matchCriteriaId, criteria, start, end]` with bounds written as
/// `">=1.0"`, `">1.0"`, `"<=2.0"`, `"<2.0"` or null.
///
/// The JSON is stored LZ4-compressed (a block after the byte [`COMPRESSED`] and the JSON's
/// length, four bytes little-endian), except when short: the CPE names of one record repeat
/// their prefixes and trailing `:*` runs, so the column shrinks to about a quarter and an
/// import writes, logs and checkpoints that much less. Plain JSON (the first byte `[`) is
/// still read, as databases written before hold it.
mod stored_configurations {
    use std::borrow::Cow;

    use govsec_cpe::{Version, WellFormedName};
    use govsec_vulndb::{
        Configuration, CpeMatch, MatchCriteria, Node, Operator, Provenance, VersionBound,
    };

    type StoredMatch<'a> = (
        bool,
        Cow<'a, str>,
        Cow<'a, str>,
        Option<Cow<'a, str>>,
        Option<Cow<'a, str>>,
    );
    type StoredNode<'a> = (Cow<'a, str>, bool, Vec<StoredMatch<'a>>);
    type Stored<'a> = (Cow<'a, str>, Cow<'a, str>, bool, Vec<StoredNode<'a>>);

    fn operator(operator: Operator) -> &'static str {
        match operator {
            Operator::And => "and",
            Operator::Or => "or",
        }
    }

    fn provenance(provenance: Provenance) -> &'static str {
        match provenance {
            Provenance::Nvd => "nvd",
            Provenance::Cna => "cna",
            Provenance::Adp => "adp",
        }
    }

    /// The first byte of compressed configurations; never the first byte of JSON.
    const COMPRESSED: u8 = 0x01;

    /// JSON shorter than this is stored as it is: compressing it saves nothing.
    const COMPRESS_FROM: usize = 128;

    /// The longest JSON a stored value may claim to hold, so that a corrupt length cannot make
    /// the decoder reserve gigabytes.
    const LONGEST: usize = 64 << 20;

    /// The stored form of `configurations`.
    pub(super) fn encode(configurations: &[Configuration]) -> Vec<u8> {
        let json = encode_json(configurations);
        if json.len() < COMPRESS_FROM {
            return json.into_bytes();
        }
        let mut stored =
            Vec::with_capacity(5 + lz4_flex::block::get_maximum_output_size(json.len()));
        stored.push(COMPRESSED);
        stored.extend_from_slice(&(json.len() as u32).to_le_bytes());
        let header = stored.len();
        stored.resize(stored.capacity(), 0);
        let written = lz4_flex::block::compress_into(json.as_bytes(), &mut stored[header..])
            .expect("the buffer holds LZ4's worst case");
        stored.truncate(header + written);
        stored
    }

    /// `configurations` from their stored form; `None` when it is not what [`encode`] writes.
    pub(super) fn decode(stored: &[u8]) -> Option<Vec<Configuration>> {
        decode_with(stored, parse_criteria)
    }

    /// Configurations from their stored form, each criteria made by `criteria` from its id,
    /// name and bounds as stored (see [`parse_criteria`]); `None` when the value is not what
    /// [`encode`] writes or `criteria` refuses one.
    pub(super) fn decode_with<C>(
        stored: &[u8],
        criteria: impl FnMut(&str, &str, Option<&str>, Option<&str>) -> Option<C>,
    ) -> Option<Vec<Configuration<C>>> {
        match stored.split_first() {
            Some((&COMPRESSED, rest)) => {
                let (length, block) = rest.split_first_chunk::<4>()?;
                let length = u32::from_le_bytes(*length) as usize;
                if length > LONGEST {
                    return None;
                }
                let json = lz4_flex::block::decompress(block, length).ok()?;
                decode_json(std::str::from_utf8(&json).ok()?, criteria)
            }
            _ => decode_json(std::str::from_utf8(stored).ok()?, criteria),
        }
    }

    /// A criteria from its id, name and bounds as [`encode_json`] writes them.
    pub(super) fn parse_criteria(
        id: &str,
        name: &str,
        start: Option<&str>,
        end: Option<&str>,
    ) -> Option<MatchCriteria> {
        let bound = |text: Option<&str>,
                     inclusive_sign: &str,
                     sign: &str|
         -> Option<Option<VersionBound>> {
            let Some(text) = text else { return Some(None) };
            let (version, inclusive) = match text.strip_prefix(inclusive_sign) {
                Some(version) => (version, true),
                None => (text.strip_prefix(sign)?, false),
            };
            Some(Some(VersionBound {
                version: Version::parse(version),
                inclusive,
            }))
        };
        Some(MatchCriteria {
            id: id.parse().ok()?,
            name: WellFormedName::parse(name).ok()?,
            version_start: bound(start, ">=", ">")?,
            version_end: bound(end, "<=", "<")?,
        })
    }

    /// The JSON of `configurations`.
    fn encode_json(configurations: &[Configuration]) -> String {
        let stored: Vec<Stored<'_>> = configurations
            .iter()
            .map(|configuration| {
                (
                    provenance(configuration.provenance).into(),
                    operator(configuration.operator).into(),
                    configuration.negate,
                    configuration
                        .nodes
                        .iter()
                        .map(|node| {
                            (
                                operator(node.operator).into(),
                                node.negate,
                                node.matches
                                    .iter()
                                    .map(|entry| {
                                        let criteria = &entry.criteria;
                                        (
                                            entry.vulnerable,
                                            criteria.id.to_string().into(),
                                            criteria.name.to_formatted_string().into(),
                                            criteria.version_start.as_ref().map(|bound| {
                                                let sign = if bound.inclusive { ">=" } else { ">" };
                                                format!("{sign}{}", bound.version.as_str()).into()
                                            }),
                                            criteria.version_end.as_ref().map(|bound| {
                                                let sign = if bound.inclusive { "<=" } else { "<" };
                                                format!("{sign}{}", bound.version.as_str()).into()
                                            }),
                                        )
                                    })
                                    .collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        serde_json::to_string(&stored).expect("configurations serialise to JSON")
    }

    /// Configurations from their JSON; `None` when it is not what [`encode_json`] writes.
    fn decode_json<C>(
        text: &str,
        mut criteria: impl FnMut(&str, &str, Option<&str>, Option<&str>) -> Option<C>,
    ) -> Option<Vec<Configuration<C>>> {
        let stored: Vec<Stored<'_>> = serde_json::from_str(text).ok()?;
        let operator = |text: &str| match text {
            "and" => Some(Operator::And),
            "or" => Some(Operator::Or),
            _ => None,
        };
        let mut configurations = Vec::with_capacity(stored.len());
        for (source, configuration_operator, negate, nodes) in stored {
            let mut decoded_nodes = Vec::with_capacity(nodes.len());
            for (node_operator, negate, matches) in nodes {
                let mut entries = Vec::with_capacity(matches.len());
                for (vulnerable, id, name, start, end) in matches {
                    entries.push(CpeMatch {
                        vulnerable,
                        criteria: criteria(&id, &name, start.as_deref(), end.as_deref())?,
                    });
                }
                decoded_nodes.push(Node {
                    operator: operator(&node_operator)?,
                    negate,
                    matches: entries,
                });
            }
            configurations.push(Configuration {
                provenance: match &*source {
                    "nvd" => Provenance::Nvd,
                    "cna" => Provenance::Cna,
                    "adp" => Provenance::Adp,
                    _ => return None,
                },
                operator: operator(&configuration_operator)?,
                negate,
                nodes: decoded_nodes,
            });
        }
        Some(configurations)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn configurations(entries: usize) -> Vec<Configuration> {
            let matches = (0..entries)
                .map(|at| CpeMatch {
                    vulnerable: at % 3 != 2,
                    criteria: MatchCriteria {
                        id: format!("D907BEC2-6930-4989-A6E1-{at:012X}")
                            .parse()
                            .unwrap(),
                        name: WellFormedName::parse(&format!(
                            "cpe:2.3:a:apache:log4j:2.{at}.0:*:*:*:*:*:*:*"
                        ))
                        .unwrap(),
                        version_start: (at % 2 == 0).then(|| VersionBound {
                            version: Version::parse("2.0"),
                            inclusive: true,
                        }),
                        version_end: (at % 2 == 0).then(|| VersionBound {
                            version: Version::parse(&format!("2.{at}.1")),
                            inclusive: false,
                        }),
                    },
                })
                .collect();
            vec![Configuration {
                provenance: Provenance::Nvd,
                operator: Operator::Or,
                negate: false,
                nodes: vec![Node {
                    operator: Operator::Or,
                    negate: false,
                    matches,
                }],
            }]
        }

        #[test]
        fn configurations_read_back_compressed_or_plain() {
            let long = configurations(40);
            let stored = encode(&long);
            assert_eq!(stored[0], COMPRESSED);
            let json = encode_json(&long);
            assert!(
                stored.len() * 3 < json.len(),
                "{} of {}",
                stored.len(),
                json.len()
            );
            assert_eq!(decode(&stored), Some(long.clone()));
            // What databases written before the compression hold.
            assert_eq!(decode(json.as_bytes()), Some(long));
            assert_eq!(encode(&[]), b"[]");
            assert_eq!(decode(b"[]"), Some(Vec::new()));
        }

        #[test]
        fn damaged_stored_configurations_are_refused() {
            let stored = encode(&configurations(40));
            assert_eq!(decode(&stored[..stored.len() - 7]), None, "truncated block");
            let mut longer = stored.clone();
            longer[1..5].copy_from_slice(&(LONGEST as u32 + 1).to_le_bytes());
            assert_eq!(decode(&longer), None, "a claimed length over the limit");
            let mut wrong_length = stored.clone();
            wrong_length[1] ^= 0x10;
            assert_eq!(
                decode(&wrong_length),
                None,
                "a length that is not the block's"
            );
            assert_eq!(decode(&[COMPRESSED, 1, 0]), None, "no room for the length");
            assert_eq!(decode(b""), None);
            assert_eq!(decode(b"{\"not\": \"ours\"}"), None);
            assert_eq!(decode(&[0xff, 0xfe]), None, "neither JSON nor compressed");
        }
    }
}
