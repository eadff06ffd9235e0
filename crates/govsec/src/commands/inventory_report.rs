//! The report of `govsec inventory normalize`, written as the inventory is read. The file is
//! read twice: the first pass reads all of it, so that a bad row stops the command before a
//! line is printed, counts the statuses for the summary at the top and normalises each
//! distinct entry once; the second pass writes each row from those answers. Memory holds the
//! distinct entries and one row, never the file or the report, so a million rows cost what a
//! thousand do.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::sync::Arc;

use govsec_i18n::{Lang, Text};
use govsec_inventory::normalise::{
    EntryNormaliser, Normalisation, NormalisedEntry, Normaliser, Status,
};
use govsec_inventory::{InventoryReader, ReadOptions};
use serde_json::{Value, json};

use super::inventory::{Format, reason, remark_text};

/// Why a report stopped.
#[derive(Debug)]
pub enum ReportError {
    /// The inventory could not be read; the text names the file, row and column.
    Input(String),
    /// The report could not be written.
    Output(std::io::Error),
}

/// What the report counted.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReportTotals {
    /// Rows read.
    pub rows: usize,
    /// Rows per status, in the order of [`STATUSES`].
    pub by_status: [usize; 4],
    /// Rows flagged as prohibited software.
    pub prohibited: usize,
    /// Distinct entries normalised.
    pub distinct: usize,
}

/// The statuses in the order the summary lists them.
const STATUSES: [Status; 4] = [
    Status::Converted,
    Status::Ambiguous,
    Status::Unconverted,
    Status::Invalid,
];

fn unreadable(path: &Path, error: &std::io::Error, lang: Lang) -> ReportError {
    ReportError::Input(format!(
        "{}: {}",
        path.display(),
        Text::ProblemUnreadableFile.fill(lang, &[error])
    ))
}

/// Opens `source` for reading, naming it `name` in locations and messages.
fn open(
    source: &Path,
    name: &str,
    options: &ReadOptions,
    lang: Lang,
) -> Result<InventoryReader<BufReader<File>>, ReportError> {
    let file = File::open(source).map_err(|error| unreadable(source, &error, lang))?;
    InventoryReader::open(name, BufReader::new(file), options)
        .map_err(|error| ReportError::Input(error.message(lang)))
}

/// A pipe or a device (`dpkg-query -W | govsec inventory normalize /dev/stdin`) can be read
/// only once: it is copied to a temporary file first, no further than the input limit, so that
/// both passes read the same rows.
fn spool_if_not_regular(
    path: &Path,
    options: &ReadOptions,
    lang: Lang,
) -> Result<Option<tempfile::NamedTempFile>, ReportError> {
    let metadata = std::fs::metadata(path).map_err(|error| unreadable(path, &error, lang))?;
    if metadata.is_file() {
        return Ok(None);
    }
    let mut input = File::open(path).map_err(|error| unreadable(path, &error, lang))?;
    let mut copy = tempfile::NamedTempFile::new().map_err(ReportError::Output)?;
    std::io::copy(
        &mut (&mut input).take(options.limits.max_input_bytes.saturating_add(1)),
        &mut copy,
    )
    .map_err(|error| unreadable(path, &error, lang))?;
    Ok(Some(copy))
}

/// Reads the inventory at `path` and writes its report to `out`.
pub fn write_report(
    path: &Path,
    options: &ReadOptions,
    normaliser: &Normaliser,
    format: Format,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<ReportTotals, ReportError> {
    let name = path.display().to_string();
    let spooled = spool_if_not_regular(path, options, lang)?;
    let source = spooled.as_ref().map_or(path, |copy| copy.path());
    let mut reader = open(source, &name, options, lang)?;
    let mut entries = normaliser.for_inventory(reader.format());
    let mut totals = ReportTotals::default();
    for entry in reader.by_ref() {
        let entry = entry.map_err(|error| ReportError::Input(error.message(lang)))?;
        let row = entries.normalise(&entry);
        totals.rows += 1;
        let status = match row.normalisation.status {
            Status::Converted => 0,
            Status::Ambiguous => 1,
            Status::Unconverted => 2,
            Status::Invalid => 3,
        };
        totals.by_status[status] += 1;
        totals.prohibited += usize::from(row.normalisation.prohibited.is_some());
    }
    totals.distinct = entries.distinct_entries();
    let encoding = reader.encoding();
    let rows = open(source, &name, options, lang)?;
    let written = match format {
        Format::Json => write_json(rows, encoding, &mut entries, normaliser, &totals, lang, out)?,
        Format::Text => write_text(rows, &mut entries, &totals, lang, out)?,
    };
    if written != totals.rows {
        return Err(ReportError::Input(
            Text::InventoryChangedWhileRead.fill(lang, &[&name]),
        ));
    }
    Ok(totals)
}

fn write_json(
    mut rows: InventoryReader<BufReader<File>>,
    encoding: Option<&'static str>,
    entries: &mut EntryNormaliser<'_>,
    normaliser: &Normaliser,
    totals: &ReportTotals,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<usize, ReportError> {
    let (products, publishers, phrases) = normaliser.aliases().counts();
    let summary: serde_json::Map<String, Value> = STATUSES
        .iter()
        .zip(totals.by_status)
        .map(|(status, count)| (status.name().to_owned(), json!(count)))
        .collect();
    let head = [
        ("file", json!(rows.file().as_ref())),
        ("format", json!(rows.format().name())),
        ("encoding", json!(encoding)),
        (
            "dictionary",
            json!({
                "alias_products": products,
                "alias_publishers": publishers,
                "alias_phrases": phrases,
                "products": normaliser.dictionary().len(),
                "learned_mappings": normaliser.learned().len(),
            }),
        ),
        ("summary", Value::Object(summary)),
        ("prohibited_rows", json!(totals.prohibited)),
        ("distinct_entries", json!(totals.distinct)),
        ("unknown_columns", json!(rows.unknown_columns())),
    ];
    let output = ReportError::Output;
    out.write_all(b"{\n").map_err(output)?;
    for (key, value) in head {
        writeln!(out, "  {}: {},", json!(key), value).map_err(output)?;
    }
    out.write_all(b"  \"rows\": [").map_err(output)?;
    let mut answers = RenderedAnswers::default();
    let mut written = 0;
    for entry in rows.by_ref() {
        let entry = entry.map_err(|error| ReportError::Input(error.message(lang)))?;
        let row = entries.normalise(&entry);
        let separator = if written == 0 { "\n" } else { ",\n" };
        written += 1;
        let found = &row.normalisation;
        let error = (found.status == Status::Invalid).then(|| {
            let remark = found.remarks.first().map(|r| remark_text(r, lang));
            format!("{}: {}", row.source, remark.unwrap_or_default())
        });
        write!(
            out,
            "{separator}    {{\"file\": {}, \"position\": {}, \"name\": {}, \"publisher\": {}, \"version\": {}, \"host_name\": {}, \"platform\": {}, {}, \"error\": {}}}",
            json!(row.source.file.as_ref()),
            json!(row.source.position),
            json!(entry.software_name),
            json!(entry.publisher),
            json!(entry.version),
            json!(entry.host_name),
            json!(row.platform),
            answers.json(&row, lang),
            json!(error),
        )
        .map_err(output)?;
    }
    out.write_all(b"\n  ]\n}\n").map_err(output)?;
    Ok(written)
}

/// The answer part of each distinct entry's row, rendered once: rows that share a
/// normalisation (the memo of [`EntryNormaliser`] keeps each alive, at one address, for the
/// whole report) share its text, so a million rows do not build a million explanations.
#[derive(Default)]
struct RenderedAnswers {
    json: HashMap<*const Normalisation, String>,
    text: HashMap<*const Normalisation, String>,
}

impl RenderedAnswers {
    /// The answer's JSON members, without braces.
    fn json(&mut self, row: &NormalisedEntry, lang: Lang) -> &str {
        self.json
            .entry(Arc::as_ptr(&row.normalisation))
            .or_insert_with(|| {
                let found = &row.normalisation;
                let members = [
                    ("status", json!(found.status.name())),
                    ("cpe", json!(found.cpe)),
                    ("confidence", json!(found.confidence)),
                    ("candidates", json!(found.candidates)),
                    ("build", json!(found.build)),
                    ("version_source", json!(found.version_source)),
                    ("reason", json!(reason(found, lang))),
                    ("remarks", json!(found.remarks)),
                    ("prohibited", json!(found.prohibited)),
                ];
                members
                    .iter()
                    .map(|(key, value)| format!("{}: {value}", json!(key)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
    }

    /// The answer's columns of the text table: status, then confidence, CPE or candidates
    /// and reason, tab-separated.
    fn text(&mut self, row: &NormalisedEntry, lang: Lang) -> &str {
        self.text
            .entry(Arc::as_ptr(&row.normalisation))
            .or_insert_with(|| {
                let found = &row.normalisation;
                let answer = match (&found.cpe, found.candidates.first()) {
                    (Some(cpe), _) => cpe.clone(),
                    (None, Some(_)) => found
                        .candidates
                        .iter()
                        .map(|c| format!("{} ({:.2})", c.cpe, c.score))
                        .collect::<Vec<_>>()
                        .join(" | "),
                    (None, None) => "-".to_owned(),
                };
                format!(
                    "{}\t{:.2}\t{}\t{}",
                    found.status.label(lang),
                    found.confidence,
                    answer,
                    reason(found, lang)
                )
            })
    }
}

fn write_text(
    mut rows: InventoryReader<BufReader<File>>,
    entries: &mut EntryNormaliser<'_>,
    totals: &ReportTotals,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<usize, ReportError> {
    let output = ReportError::Output;
    let counts: Vec<String> = STATUSES
        .iter()
        .zip(totals.by_status)
        .map(|(status, count)| format!("{} {count}", status.label(lang)))
        .collect();
    writeln!(
        out,
        "{}",
        Text::InventorySummary.fill(lang, &[rows.file(), &totals.rows, &counts.join(", ")])
    )
    .map_err(output)?;
    for column in rows.unknown_columns() {
        writeln!(
            out,
            "{}",
            Text::InventoryUnknownColumn.fill(lang, &[&column.column, &column.header])
        )
        .map_err(output)?;
    }
    let mut answers = RenderedAnswers::default();
    let mut written = 0;
    for entry in rows.by_ref() {
        let entry = entry.map_err(|error| ReportError::Input(error.message(lang)))?;
        let row = entries.normalise(&entry);
        let (status, rest) = answers
            .text(&row, lang)
            .split_once('\t')
            .unwrap_or_default();
        writeln!(
            out,
            "{}\t{status}\t{}\t{rest}",
            row.source.position, entry.software_name
        )
        .map_err(output)?;
        written += 1;
    }
    Ok(written)
}
