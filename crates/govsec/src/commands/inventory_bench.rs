//! `govsec bench normalize-quality` and `govsec bench normalize`: how well and how fast the
//! normaliser converts inventories.
//!
//! The quality benchmark reads a labelled set — inventory files and a `labels.csv` of
//! `file,position,expected_cpe,note` — and compares each row's answer with its label on part,
//! vendor, product, version and update (the attributes NVD's names differ by). It reports the
//! share of rows converted, the precision of converted rows, and for the others whether the
//! right answer is among the candidates. The speed benchmark writes a CSV of a million rows
//! drawn from a pool of realistic names and versions to a file, then times what
//! `govsec inventory normalize --format json` does with it (both passes, the report written to
//! nowhere) and the memory that takes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use govsec_cpe::{Attribute, AttributeValue, WellFormedName};
use govsec_i18n::Lang;
use govsec_inventory::normalise::{Normalisation, Normaliser, Status};
use govsec_inventory::{ReadOptions, read_inventory};
use serde::Serialize;

use crate::Failure;
use crate::commands::bench::Random;
use crate::commands::inventory::Format;
use crate::commands::inventory_report::write_report;

/// `govsec bench normalize-quality`.
#[derive(Debug, clap::Args)]
pub struct QualityArgs {
    /// The labelled set: inventory files and their labels.csv.
    #[arg(long, default_value = "crates/govsec-inventory/quality")]
    pub dir: PathBuf,
    /// Print every row that is wrong or not converted, not only the figures.
    #[arg(long)]
    pub show_misses: bool,
}

/// `govsec bench normalize`.
#[derive(Debug, clap::Args)]
pub struct SpeedArgs {
    /// Rows of the generated inventory.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Distinct (name, publisher, version) combinations among them.
    #[arg(long, default_value_t = 20_000)]
    pub distinct: usize,
    /// The labelled set whose names seed the pool (the alias table's names when absent).
    #[arg(long, default_value = "crates/govsec-inventory/quality")]
    pub dir: PathBuf,
    /// Seed of the generator.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// The attributes an answer is judged by.
fn judged(cpe: &str) -> Option<[String; 5]> {
    let name = WellFormedName::parse(cpe).ok()?;
    let value = |attribute| match name.get(attribute) {
        AttributeValue::Any => "*".to_owned(),
        AttributeValue::NotApplicable => "-".to_owned(),
        AttributeValue::Value(v) => v.unquoted().to_ascii_lowercase(),
    };
    Some([
        value(Attribute::Part),
        value(Attribute::Vendor),
        value(Attribute::Product),
        value(Attribute::Version),
        value(Attribute::Update),
    ])
}

/// One row judged.
#[derive(Debug, Serialize)]
struct Miss {
    file: String,
    position: String,
    name: String,
    expected: String,
    status: &'static str,
    got: Option<String>,
    candidates: Vec<String>,
}

/// The figures of a quality run.
#[derive(Debug, Serialize, Default)]
struct Quality {
    rows: usize,
    labelled: usize,
    converted: usize,
    converted_correct: usize,
    conversion_rate: f64,
    precision: f64,
    recall: f64,
    not_converted: usize,
    not_converted_with_answer_in_candidates: usize,
    unlabelled: usize,
    unlabelled_wrongly_converted: usize,
    by_file: Vec<(String, usize, usize, usize)>,
    misses: Vec<Miss>,
}

struct Label {
    file: String,
    position: String,
    expected: String,
}

fn read_labels(dir: &Path) -> anyhow::Result<Vec<Label>> {
    let path = dir.join("labels.csv");
    let mut reader = csv::Reader::from_path(&path)
        .with_context(|| format!("{}: cannot be read", path.display()))?;
    let mut labels = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}:{}", path.display(), index + 2))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        labels.push(Label {
            file: field(0),
            position: field(1),
            expected: field(2),
        });
    }
    Ok(labels)
}

fn matches(expected: &str, found: &str) -> bool {
    match (judged(expected), judged(found)) {
        (Some(expected), Some(found)) => expected == found,
        _ => false,
    }
}

fn quality(normaliser: &Normaliser, dir: &Path) -> anyhow::Result<Quality> {
    let labels = read_labels(dir)?;
    let mut by_file: HashMap<String, HashMap<String, &Label>> = HashMap::new();
    for label in &labels {
        by_file
            .entry(label.file.clone())
            .or_default()
            .insert(label.position.clone(), label);
    }
    let mut files: Vec<&String> = by_file.keys().collect();
    files.sort();
    let mut result = Quality::default();
    for file in files {
        let path = dir.join(file);
        let bytes =
            std::fs::read(&path).with_context(|| format!("{}: cannot be read", path.display()))?;
        let inventory = read_inventory(file, &bytes, &ReadOptions::default())?;
        let rows = normaliser.normalise_inventory(&inventory);
        let file_labels = &by_file[file];
        let (mut file_rows, mut file_converted, mut file_correct) = (0, 0, 0);
        for (row, entry) in rows.iter().zip(&inventory.entries) {
            let position = row.source.position.to_string();
            let Some(label) = file_labels.get(&position) else {
                bail!("{file}:{position}: the row has no label");
            };
            result.rows += 1;
            file_rows += 1;
            let found: &Normalisation = &row.normalisation;
            if label.expected.is_empty() {
                result.unlabelled += 1;
                if found.status == Status::Converted {
                    result.unlabelled_wrongly_converted += 1;
                }
                continue;
            }
            result.labelled += 1;
            let correct = found
                .cpe
                .as_deref()
                .is_some_and(|cpe| matches(&label.expected, cpe));
            if found.status == Status::Converted {
                result.converted += 1;
                file_converted += 1;
                if correct {
                    result.converted_correct += 1;
                    file_correct += 1;
                }
            } else {
                result.not_converted += 1;
                if found
                    .candidates
                    .iter()
                    .any(|c| matches(&label.expected, &c.cpe))
                {
                    result.not_converted_with_answer_in_candidates += 1;
                }
            }
            if !correct {
                result.misses.push(Miss {
                    file: file.clone(),
                    position,
                    name: entry.software_name.clone(),
                    expected: label.expected.clone(),
                    status: found.status.name(),
                    got: found.cpe.clone(),
                    candidates: found.candidates.iter().map(|c| c.cpe.clone()).collect(),
                });
            }
        }
        result
            .by_file
            .push((file.clone(), file_rows, file_converted, file_correct));
    }
    if result.rows != labels.len() {
        bail!(
            "labels.csv lists {} rows, the files hold {}",
            labels.len(),
            result.rows
        );
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    result.conversion_rate = ratio(result.converted, result.labelled);
    result.precision = ratio(result.converted_correct, result.converted);
    result.recall = ratio(result.converted_correct, result.labelled);
    Ok(result)
}

/// Runs `govsec bench normalize-quality`.
pub fn run_quality(args: &QualityArgs) -> Result<(), Failure> {
    let normaliser = Normaliser::builtin().map_err(|e| Failure::Internal(e.into()))?;
    let result = quality(&normaliser, &args.dir).map_err(|e| Failure::Input(format!("{e:#}")))?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "rows {} (labelled {}, unlabelled {}): converted {} = {:.1} %, precision {:.1} % ({} correct), recall {:.1} %",
        result.rows,
        result.labelled,
        result.unlabelled,
        result.converted,
        result.conversion_rate * 100.0,
        result.precision * 100.0,
        result.converted_correct,
        result.recall * 100.0,
    );
    let _ = writeln!(
        out,
        "not converted {}: right answer among the candidates for {}; unlabelled rows converted anyway: {}",
        result.not_converted,
        result.not_converted_with_answer_in_candidates,
        result.unlabelled_wrongly_converted
    );
    for (file, rows, converted, correct) in &result.by_file {
        let _ = writeln!(
            out,
            "  {file}: {rows} rows, {converted} converted, {correct} correct"
        );
    }
    if args.show_misses {
        for miss in &result.misses {
            let _ = writeln!(
                out,
                "  {}:{} {:?} expected {} got {} [{}] {}",
                miss.file,
                miss.position,
                miss.name,
                miss.expected,
                miss.status,
                miss.got.as_deref().unwrap_or("-"),
                miss.candidates.join(" | ")
            );
        }
    }
    eprint!("{out}");
    let mut json = serde_json::to_value(&result).map_err(|e| Failure::Internal(e.into()))?;
    if !args.show_misses
        && let Some(object) = json.as_object_mut()
    {
        object.remove("misses");
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&json).map_err(|e| Failure::Internal(e.into()))?
    );
    Ok(())
}

/// Writes `rows` rows drawn from `pool` as an agency's CSV; returns its size in bytes.
fn write_inventory(
    path: &Path,
    rows: usize,
    pool: &[(String, String, String)],
    random: &mut Random,
) -> anyhow::Result<u64> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    out.write_all("主機名稱,軟體名稱,廠商,版本\n".as_bytes())?;
    for row in 0..rows {
        // Skewed draws: a few programs are on every PC, most on few.
        let index = random.below(pool.len()).min(random.below(pool.len()));
        let (name, publisher, version) = &pool[index];
        writeln!(
            out,
            "PC-{:06},{},{},{}",
            row % 50_000,
            csv_field(name),
            csv_field(publisher),
            csv_field(version)
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Peak resident memory of this process, from /proc (Linux).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: f64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs `govsec bench normalize`.
pub fn run_speed(args: &SpeedArgs) -> Result<(), Failure> {
    let normaliser = Normaliser::builtin().map_err(|e| Failure::Internal(e.into()))?;
    let mut seeds: Vec<(String, String, String)> = Vec::new();
    if let Ok(labels) = read_labels(&args.dir) {
        let mut files: Vec<String> = labels.iter().map(|l| l.file.clone()).collect();
        files.sort();
        files.dedup();
        for file in files {
            let Ok(bytes) = std::fs::read(args.dir.join(&file)) else {
                continue;
            };
            if let Ok(inventory) = read_inventory(&file, &bytes, &ReadOptions::default()) {
                seeds.extend(inventory.entries.into_iter().map(|e| {
                    (
                        e.software_name,
                        e.publisher.unwrap_or_default(),
                        e.version.unwrap_or_default(),
                    )
                }));
            }
        }
    }
    if seeds.is_empty() {
        return Err(Failure::Input(format!(
            "{}: no labelled inventory to draw names from",
            args.dir.display()
        )));
    }
    let mut random = Random(args.seed);
    // The pool: the seed names with their versions' last number changed, and a fifth of
    // in-house names no dictionary knows, which take the slowest path (ranking).
    let mut pool: Vec<(String, String, String)> = Vec::with_capacity(args.distinct);
    while pool.len() < args.distinct {
        let index = pool.len();
        if index % 5 == 4 {
            pool.push((
                format!(
                    "Agency Internal System {} Module {}",
                    random.below(5000),
                    random.below(50)
                ),
                "本機關資訊室".to_owned(),
                format!("{}.{}", random.below(9), random.below(30)),
            ));
            continue;
        }
        let (name, publisher, version) = &seeds[random.below(seeds.len())];
        let version = match version.rsplit_once('.') {
            Some((head, _)) if index >= seeds.len() => format!("{head}.{}", random.below(400)),
            _ => version.clone(),
        };
        pool.push((name.clone(), publisher.clone(), version));
    }
    // The inventory goes to a file, as a user's does, so that the timed part reads it from
    // disk and the generator's text is not in the memory measured.
    let path =
        std::env::temp_dir().join(format!("govsec-bench-normalize-{}.csv", std::process::id()));
    let written = write_inventory(&path, args.rows, &pool, &mut random);
    let report = written.and_then(|input_bytes| {
        let rss_before = peak_rss_mib();
        let started = Instant::now();
        let totals = write_report(
            &path,
            &ReadOptions::default(),
            &normaliser,
            Format::Json,
            Lang::En,
            &mut std::io::sink(),
        )
        .map_err(|error| anyhow::anyhow!("{error:?}"))?;
        let total = started.elapsed().as_secs_f64();
        Ok(serde_json::json!({
            "rows": totals.rows,
            "distinct": totals.distinct,
            "input_mib": input_bytes as f64 / (1024.0 * 1024.0),
            "total_seconds": total,
            "rows_per_second": totals.rows as f64 / total,
            "converted": totals.by_status[0],
            "peak_rss_mib_before_reading": rss_before,
            "peak_rss_mib": peak_rss_mib(),
        }))
    });
    let _ = std::fs::remove_file(&path);
    let report = report.map_err(Failure::Internal)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| Failure::Internal(e.into()))?
    );
    Ok(())
}
