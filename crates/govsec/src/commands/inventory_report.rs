//! The report of `govsec inventory normalize`, written as the inventory is read. The file is
//! read twice: the first pass reads all of it, so that a bad row stops the command before a
//! line is printed, counts the statuses for the summary at the top and normalises each
//! distinct entry once; the second pass writes each row from those answers. Memory holds the
//! distinct entries and one row, never the file or the report, so a million rows cost what a
//! thousand do.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use govsec_i18n::{Lang, Text};
use govsec_inventory::normalise::{EntryNormaliser, NormalisedEntry, Normaliser, Status};
use govsec_inventory::{InventoryEntry, InventoryReader, ReadOptions};
use serde_json::{Value, json};

use super::inventory::{Format, reason, remark_text, status_text};

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

fn open(
    path: &Path,
    options: &ReadOptions,
    lang: Lang,
) -> Result<InventoryReader<BufReader<File>>, ReportError> {
    let file = File::open(path).map_err(|error| {
        ReportError::Input(format!(
            "{}: {}",
            path.display(),
            Text::ProblemUnreadableFile.fill(lang, &[&error])
        ))
    })?;
    InventoryReader::open(&path.display().to_string(), BufReader::new(file), options)
        .map_err(|error| ReportError::Input(error.to_string()))
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
    let mut reader = open(path, options, lang)?;
    let mut entries = normaliser.for_inventory(reader.format());
    let mut totals = ReportTotals::default();
    for entry in reader.by_ref() {
        let entry = entry.map_err(|error| ReportError::Input(error.to_string()))?;
        let row = entries.normalise(&entry);
        totals.rows += 1;
        let status = STATUSES
            .iter()
            .position(|&status| status == row.normalisation.status)
            .unwrap_or(3);
        totals.by_status[status] += 1;
        totals.prohibited += usize::from(row.normalisation.prohibited.is_some());
    }
    totals.distinct = entries.distinct_entries();
    let encoding = reader.encoding();
    let rows = open(path, options, lang)?;
    match format {
        Format::Json => write_json(rows, encoding, &mut entries, normaliser, &totals, lang, out)?,
        Format::Text => write_text(rows, &mut entries, &totals, lang, out)?,
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
) -> Result<(), ReportError> {
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
    let mut first = true;
    for entry in rows.by_ref() {
        let entry = entry.map_err(|error| ReportError::Input(error.to_string()))?;
        let row = entries.normalise(&entry);
        let separator = if std::mem::take(&mut first) {
            "\n"
        } else {
            ",\n"
        };
        write!(out, "{separator}    {}", row_json(&row, &entry, lang)).map_err(output)?;
    }
    out.write_all(b"\n  ]\n}\n").map_err(output)
}

fn row_json(row: &NormalisedEntry, entry: &InventoryEntry, lang: Lang) -> Value {
    let found = &row.normalisation;
    let error = (found.status == Status::Invalid).then(|| {
        format!(
            "{}: {}",
            row.source,
            found
                .remarks
                .first()
                .map(|r| remark_text(r, lang))
                .unwrap_or_default()
        )
    });
    json!({
        "file": row.source.file.as_ref(),
        "position": row.source.position,
        "name": entry.software_name,
        "publisher": entry.publisher,
        "version": entry.version,
        "host_name": entry.host_name,
        "status": found.status.name(),
        "cpe": found.cpe,
        "confidence": found.confidence,
        "candidates": found.candidates,
        "build": found.build,
        "version_source": found.version_source,
        "platform": row.platform,
        "reason": reason(found, lang),
        "remarks": found.remarks,
        "prohibited": found.prohibited,
        "error": error,
    })
}

fn write_text(
    mut rows: InventoryReader<BufReader<File>>,
    entries: &mut EntryNormaliser<'_>,
    totals: &ReportTotals,
    lang: Lang,
    out: &mut dyn Write,
) -> Result<(), ReportError> {
    let output = ReportError::Output;
    let counts: Vec<String> = STATUSES
        .iter()
        .zip(totals.by_status)
        .map(|(status, count)| format!("{} {count}", status_text(*status, lang)))
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
    for entry in rows.by_ref() {
        let entry = entry.map_err(|error| ReportError::Input(error.to_string()))?;
        let row = entries.normalise(&entry);
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
        writeln!(
            out,
            "{}\t{}\t{}\t{:.2}\t{}\t{}",
            row.source.position,
            status_text(found.status, lang),
            entry.software_name,
            found.confidence,
            answer,
            reason(found, lang)
        )
        .map_err(output)?;
    }
    Ok(())
}
