//! `govsec vulndb import`: NVD feeds, CVE 5 records, KEV and EPSS into the database, in one
//! transaction.
//!
//! One thread reads and validates the files (the readers are synchronous and stream record by
//! record) and hands batches to the writer, which runs on the other core; memory holds a few
//! batches, whatever the size of the feeds. Without `--skip-invalid` the first invalid record or
//! unreadable file ends the import and the transaction is rolled back: nothing is written.
//! With it, invalid records are skipped one by one and a file that cannot be read to its end
//! (truncated, malformed, of the wrong format) is taken back as a whole; both are reported.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use govsec_i18n::{Lang, Text};
use govsec_store::{PreparedRecords, RecordCounts, RecordSource, Store, VulndbImport};
use govsec_vulndb::{
    CveRecord, EpssScores, Error, KevCatalog, Location, ReadOptions, read_cve5_file,
    read_epss_file, read_kev_file, read_nvd_file,
};
use serde::Serialize;

use crate::Failure;

/// Records per batch handed from the reader to the writer.
const BATCH: usize = 2_000;

/// Progress is reported every this many records.
const PROGRESS_EVERY: usize = 10_000;

/// The files of one import.
#[derive(Debug, Default, Clone)]
pub struct ImportFiles {
    /// NVD CVE JSON 2.0 feeds or API pages, in order (a later copy of a CVE wins if newer).
    pub nvd: Vec<PathBuf>,
    /// CVE JSON 5 record files or directories of them.
    pub cve5: Vec<PathBuf>,
    /// The KEV catalogue.
    pub kev: Option<PathBuf>,
    /// EPSS scores.
    pub epss: Option<PathBuf>,
}

/// What an import did.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    /// CVE record counts.
    #[serde(flatten)]
    pub counts: RecordCounts,
    /// KEV entries written, when a KEV file was given.
    pub kev_entries: Option<usize>,
    /// EPSS scores written, with model version and date, when an EPSS file was given.
    pub epss_scores: Option<usize>,
    /// The EPSS model version.
    pub epss_model_version: Option<String>,
    /// The EPSS score date.
    pub epss_score_date: Option<String>,
    /// What `--skip-invalid` skipped, in the UI language.
    pub skipped: Vec<String>,
}

impl ImportReport {
    /// The report as lines for people.
    pub fn text(&self, lang: Lang) -> String {
        let counts = &self.counts;
        let mut lines = vec![Text::VulndbImported.fill(
            lang,
            &[
                &counts.new,
                &counts.updated,
                &counts.unchanged,
                &counts.rejected,
            ],
        )];
        if let Some(entries) = self.kev_entries {
            lines.push(Text::VulndbImportedKev.fill(lang, &[&entries]));
        }
        if let Some(scores) = self.epss_scores {
            lines.push(Text::VulndbImportedEpss.fill(
                lang,
                &[
                    &scores,
                    &self.epss_model_version.as_deref().unwrap_or_default(),
                    &self.epss_score_date.as_deref().unwrap_or_default(),
                ],
            ));
        }
        for skipped in &self.skipped {
            lines.push(Text::VulndbSkipped.fill(lang, &[skipped]));
        }
        lines.join("\n")
    }
}

/// What the reading thread hands to the writer.
enum Message {
    /// A file (or CVE 5 directory) begins.
    File(RecordSource),
    /// Records read from it.
    Records(Vec<CveRecord>),
    /// It ended: the records skipped in it, or why it could not be read to its end.
    FileDone(Result<Vec<Error>, (PathBuf, Error)>),
}

/// Imports `files` into `store` in one transaction.
pub async fn import(
    store: &Store,
    files: ImportFiles,
    skip_invalid: bool,
    lang: Lang,
) -> Result<ImportReport, Failure> {
    let options = ReadOptions { skip_invalid };
    let mut skipped: Vec<String> = Vec::new();
    let aborted = |error: &Error| {
        Failure::Input(Text::VulndbImportAborted.fill(lang, &[&describe(error, lang)]))
    };
    // KEV and EPSS are small: read before the transaction begins, so a bad one costs nothing.
    let (kev, epss) = {
        let (kev_path, epss_path) = (files.kev.clone(), files.epss.clone());
        tokio::task::spawn_blocking(move || -> Result<_, Error> {
            let kev = kev_path
                .map(|path| read_kev_file(&path, options))
                .transpose()?;
            let epss = epss_path
                .map(|path| read_epss_file(&path, options))
                .transpose()?;
            Ok((kev, epss))
        })
        .await
        .map_err(|error| Failure::Internal(error.into()))?
        .map_err(|error| aborted(&error))?
    };
    let kev: Option<KevCatalog> = kev.map(|(catalog, invalid)| {
        skipped.extend(invalid.iter().map(|error| describe(error, lang)));
        catalog
    });
    let epss: Option<EpssScores> = epss.map(|(scores, invalid)| {
        skipped.extend(invalid.iter().map(|error| describe(error, lang)));
        scores
    });

    let mut import = store
        .begin_vulndb_import()
        .await
        .map_err(|error| Failure::Internal(error.into()))?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Message>(4);
    let reader = {
        let files = files.clone();
        std::thread::spawn(move || read_files(&files, options, &sender))
    };
    let progress = Progress::new();
    let mut source = RecordSource::Nvd;
    let mut read = 0usize;
    // A batch is turned into rows on a blocking thread while the one before is written: the
    // writer's thread then only waits for the database.
    let mut preparing: Option<tokio::task::JoinHandle<PreparedRecords>> = None;
    while let Some(message) = receiver.recv().await {
        if !matches!(message, Message::Records(_)) {
            write_prepared(&mut import, preparing.take()).await?;
        }
        match message {
            Message::File(next) => {
                source = next;
                // Only a skipping import takes a file back alone; a savepoint costs SQLite a
                // second copy of every page the file changes.
                if skip_invalid {
                    import.begin_file().await.map_err(internal)?;
                }
            }
            Message::Records(records) => {
                let count = records.len();
                let chosen = import.choose(source, records);
                let next = tokio::task::spawn_blocking(move || chosen.prepare());
                write_prepared(&mut import, preparing.replace(next)).await?;
                let before = read / PROGRESS_EVERY;
                read += count;
                if read / PROGRESS_EVERY > before {
                    progress.show(&Text::VulndbProgress.fill(lang, &[&read]));
                }
            }
            Message::FileDone(Ok(invalid)) => {
                if skip_invalid {
                    import.keep_file().await.map_err(internal)?;
                }
                skipped.extend(invalid.iter().map(|error| describe(error, lang)));
            }
            Message::FileDone(Err((path, error))) => {
                if !skip_invalid {
                    // Dropping the import rolls the transaction back.
                    drop(import);
                    progress.finish();
                    return Err(aborted(&error));
                }
                import.discard_file().await.map_err(internal)?;
                skipped.push(
                    Text::VulndbSkippedFile.fill(lang, &[&path.display(), &describe(&error, lang)]),
                );
            }
        }
    }
    write_prepared(&mut import, preparing.take()).await?;
    progress.finish();
    reader
        .join()
        .map_err(|_| Failure::Internal(anyhow::anyhow!("the feed reader panicked")))?;
    let kev_entries = match &kev {
        Some(catalog) => Some(import.replace_kev(catalog).await.map_err(internal)?),
        None => None,
    };
    let epss_scores = match &epss {
        Some(scores) => Some(import.replace_epss(scores).await.map_err(internal)?),
        None => None,
    };
    let counts = import.commit().await.map_err(internal)?;
    Ok(ImportReport {
        counts,
        kev_entries,
        epss_scores,
        epss_model_version: epss.as_ref().map(|scores| scores.model_version.clone()),
        epss_score_date: epss.map(|scores| scores.score_date.as_str().to_owned()),
        skipped,
    })
}

/// Writes a batch once it is prepared.
async fn write_prepared(
    import: &mut VulndbImport,
    preparing: Option<tokio::task::JoinHandle<PreparedRecords>>,
) -> Result<(), Failure> {
    let Some(preparing) = preparing else {
        return Ok(());
    };
    let prepared = preparing
        .await
        .map_err(|error| Failure::Internal(error.into()))?;
    import.write(prepared).await.map_err(internal)
}

fn internal(error: govsec_store::StoreError) -> Failure {
    Failure::Internal(error.into())
}

/// Reads every file in order, sending batches; stops when the writer has gone.
fn read_files(
    files: &ImportFiles,
    options: ReadOptions,
    sender: &tokio::sync::mpsc::Sender<Message>,
) {
    let send = |message| sender.blocking_send(message).is_ok();
    for path in &files.nvd {
        if !send(Message::File(RecordSource::Nvd)) {
            return;
        }
        let mut batch = Vec::with_capacity(BATCH);
        let mut open = true;
        let outcome = read_nvd_file(path, options, |record| {
            batch.push(record);
            if batch.len() == BATCH && open {
                open = send(Message::Records(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH),
                )));
            }
        });
        if !open || (!batch.is_empty() && !send(Message::Records(batch))) {
            return;
        }
        let done = outcome
            .map(|report| report.skipped)
            .map_err(|error| (path.clone(), error));
        if !send(Message::FileDone(done)) {
            return;
        }
    }
    for path in &files.cve5 {
        if !send(Message::File(RecordSource::Cve5)) {
            return;
        }
        let mut batch = Vec::with_capacity(BATCH);
        let mut invalid = Vec::new();
        let mut failure = None;
        for file in cve5_files(path) {
            let record = match file {
                Ok(file) => read_cve5_file(&file),
                Err(error) => Err(error),
            };
            match record {
                Ok(record) => batch.push(record),
                Err(error) if options.skip_invalid => invalid.push(error),
                Err(error) => {
                    failure = Some(error);
                    break;
                }
            }
            if batch.len() == BATCH
                && !send(Message::Records(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH),
                )))
            {
                return;
            }
        }
        if !batch.is_empty() && !send(Message::Records(batch)) {
            return;
        }
        let done = match failure {
            Some(error) => Err((path.clone(), error)),
            None => Ok(invalid),
        };
        if !send(Message::FileDone(done)) {
            return;
        }
    }
}

/// The `.json` files of a CVE 5 argument: the file itself, or every `.json` file under the
/// directory, in name order (as the CVE Program's `cvelistV5` repository lays them out).
fn cve5_files(path: &Path) -> Vec<Result<PathBuf, Error>> {
    if !path.is_dir() {
        return vec![Ok(path.to_owned())];
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_owned()];
    while let Some(directory) = pending.pop() {
        let entries = match std::fs::read_dir(&directory) {
            Ok(entries) => entries,
            Err(source) => {
                found.push(Err(io_error(&directory, source)));
                continue;
            }
        };
        for entry in entries {
            match entry {
                Ok(entry) => {
                    let path = entry.path();
                    if path.is_dir() {
                        pending.push(path);
                    } else if path
                        .extension()
                        .is_some_and(|extension| extension == "json")
                    {
                        found.push(Ok(path));
                    }
                }
                Err(source) => found.push(Err(io_error(&directory, source))),
            }
        }
    }
    // Paths in order, unreadable directories (errors) first: a total order, as `sort_by` needs.
    found.sort_by(|a, b| a.as_ref().ok().cmp(&b.as_ref().ok()));
    found
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        location: Location {
            file: Some(path.to_owned()),
            ..Location::default()
        },
        source,
    }
}

/// Progress on stderr: one line rewritten in place on a terminal, a line per step otherwise.
pub struct Progress {
    terminal: bool,
}

impl Progress {
    /// Progress on this process's stderr.
    pub fn new() -> Self {
        Progress {
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Bytes between two progress reports of a download of `total` bytes: often on a
    /// terminal, about ten lines in all otherwise (a log need not hold every MiB).
    pub fn byte_step(&self, total: Option<u64>) -> u64 {
        if self.terminal {
            1 << 20
        } else {
            total.map_or(64 << 20, |total| (total / 10).max(1 << 20))
        }
    }

    /// Shows `line` as the current state.
    pub fn show(&self, line: &str) {
        if self.terminal {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
    }

    /// Ends the line on a terminal.
    pub fn finish(&self) {
        if self.terminal {
            eprintln!();
        }
    }
}

/// Where an error was found, in the UI language.
fn location_text(location: &Location, lang: Lang) -> String {
    let mut parts = Vec::with_capacity(3);
    if let Some(file) = &location.file {
        parts.push(Text::VulndbFile.fill(lang, &[&file.display()]));
    }
    if let Some(cve) = &location.cve {
        parts.push(cve.to_string());
    }
    if let Some(field) = &location.field {
        parts.push(Text::VulndbField.fill(lang, &[field]));
    }
    if parts.is_empty() {
        return Text::VulndbInput.get(lang).to_owned();
    }
    parts.join(if lang == Lang::En { ", " } else { "、" })
}

/// A `govsec-vulndb` error in the UI language: the file, the CVE and the field, then what is
/// wrong. The reasons the readers give (a rule of the format) stay in their English wording.
pub fn describe(error: &Error, lang: Lang) -> String {
    let location = location_text(error.location(), lang);
    match error {
        Error::Io { source, .. } => Text::VulndbCannotRead.fill(lang, &[&location, source]),
        Error::Json {
            line,
            column,
            message,
            ..
        } => Text::VulndbMalformedJson.fill(lang, &[&location, line, column, message]),
        Error::Schema {
            found, expected, ..
        } => {
            Text::VulndbUnsupportedFormat.fill(lang, &[&location, &format!("{found:?}"), expected])
        }
        Error::InvalidValue { value, reason, .. } => {
            Text::VulndbInvalidValue.fill(lang, &[&location, &format!("{value:?}"), reason])
        }
        Error::InvalidCvss { vector, reason, .. } => {
            Text::VulndbInvalidCvss.fill(lang, &[&location, &format!("{vector:?}"), reason])
        }
        Error::InvalidCpe { name, source, .. } => Text::VulndbInvalidCpe.fill(
            lang,
            &[
                &location,
                &format!("{name:?}"),
                &crate::commands::cpe::describe(source, lang),
            ],
        ),
        other => other.to_string(),
    }
}
