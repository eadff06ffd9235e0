//! Reader for FIRST's EPSS scores CSV (`epss_scores-YYYY-MM-DD.csv`, plain
//! or gzip): a comment line `#model_version:v2025.03.14,score_date:2026-11-30T00:00:00+0000`,
//! the header `cve,epss,percentile`, then one line per CVE with the
//! probability of exploitation in the next 30 days and its percentile.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location};
use crate::id::{CveId, Timestamp};
use crate::nvd::{ReadOptions, open};

/// The EPSS score of one CVE.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    /// Probability of exploitation activity in the next 30 days, 0–1.
    pub epss: f64,
    /// The score's percentile among all scored CVEs, 0–1.
    pub percentile: f64,
}

/// One day's EPSS scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpssScores {
    /// The model version from the header line (`v2025.03.14`).
    pub model_version: String,
    /// The score date from the header line.
    pub score_date: Timestamp,
    /// Scores by CVE.
    pub scores: HashMap<CveId, EpssScore>,
}

impl EpssScores {
    /// The score of a CVE.
    pub fn get(&self, cve: CveId) -> Option<EpssScore> {
        self.scores.get(&cve).copied()
    }
}

/// Reads an EPSS CSV file (plain or gzip). Skipped lines (with
/// [`ReadOptions::skip_invalid`]) are returned beside the scores.
pub fn read_epss_file(
    path: &Path,
    options: ReadOptions,
) -> Result<(EpssScores, Vec<Error>), Error> {
    read_epss(open(path)?, options).map_err(|error| error.within(Some(path), None, ""))
}

/// Reads EPSS CSV text.
pub fn read_epss(
    reader: impl BufRead,
    options: ReadOptions,
) -> Result<(EpssScores, Vec<Error>), Error> {
    let mut lines = reader.lines().enumerate();
    let mut next = |expected: &str| -> Result<(usize, String), Error> {
        match lines.next() {
            Some((index, Ok(line))) => Ok((index + 1, line)),
            Some((index, Err(source))) => Err(Error::Io {
                location: line_location(index + 1, None, None),
                source,
            }),
            None => Err(Error::invalid(
                "end of file",
                "",
                format!("expected {expected}"),
            )),
        }
    };
    let (_, header) = next("the #model_version line")?;
    let (model_version, score_date) = model_line(&header)?;
    let (_, columns) = next("the header cve,epss,percentile")?;
    if columns.trim_end() != "cve,epss,percentile" {
        return Err(Error::Schema {
            location: line_location(2, None, None),
            found: columns,
            expected: "the header cve,epss,percentile",
        });
    }
    let mut scores = HashMap::new();
    let mut skipped = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let line = line.map_err(|source| Error::Io {
            location: line_location(number, None, None),
            source,
        })?;
        if line.is_empty() {
            continue;
        }
        match score_line(&line, number) {
            Ok((cve, score)) => {
                scores.insert(cve, score);
            }
            Err(error) if options.skip_invalid => skipped.push(error),
            Err(error) => return Err(error),
        }
    }
    Ok((
        EpssScores {
            model_version,
            score_date,
            scores,
        },
        skipped,
    ))
}

fn line_location(line: usize, column: Option<&str>, cve: Option<CveId>) -> Location {
    Location {
        file: None,
        cve,
        field: Some(match column {
            Some(column) => format!("line {line}, column {column}"),
            None => format!("line {line}"),
        }),
    }
}

/// `#model_version:v2025.03.14,score_date:2026-11-30T00:00:00+0000`.
fn model_line(line: &str) -> Result<(String, Timestamp), Error> {
    let fail = |reason: &str| Error::InvalidValue {
        location: line_location(1, None, None),
        value: line.to_owned(),
        reason: reason.into(),
    };
    let body = line
        .strip_prefix('#')
        .ok_or_else(|| fail("the first line is #model_version:…,score_date:…"))?;
    let mut model_version = None;
    let mut score_date = None;
    for part in body.split(',') {
        match part.split_once(':') {
            Some(("model_version", value)) => model_version = Some(value.to_owned()),
            Some(("score_date", value)) => {
                score_date = Some(value.parse::<Timestamp>().map_err(|reason| fail(&reason))?);
            }
            _ => {}
        }
    }
    Ok((
        model_version.ok_or_else(|| fail("model_version is missing"))?,
        score_date.ok_or_else(|| fail("score_date is missing"))?,
    ))
}

fn score_line(line: &str, number: usize) -> Result<(CveId, EpssScore), Error> {
    let mut fields = line.split(',');
    let (Some(cve), Some(epss), Some(percentile), None) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(Error::InvalidValue {
            location: line_location(number, None, None),
            value: line.to_owned(),
            reason: "a line has three fields: cve,epss,percentile".into(),
        });
    };
    let cve_id: CveId = cve.parse().map_err(|reason: String| Error::InvalidValue {
        location: line_location(number, Some("cve"), None),
        value: cve.to_owned(),
        reason: reason.into_boxed_str(),
    })?;
    let probability = |text: &str, column: &str| {
        text.parse::<f64>()
            .ok()
            .filter(|value| (0.0..=1.0).contains(value))
            .ok_or_else(|| Error::InvalidValue {
                location: line_location(number, Some(column), Some(cve_id)),
                value: text.to_owned(),
                reason: "a probability between 0 and 1".into(),
            })
    };
    Ok((
        cve_id,
        EpssScore {
            epss: probability(epss, "epss")?,
            percentile: probability(percentile, "percentile")?,
        },
    ))
}
