//! `govsec vulndb …` and `govsec bench gen-nvd`: the CLI over `govsec-vulndb`.
//!
//! `import` and `update` write the configured database; `lookup` and `stats` answer from it,
//! or, given `--nvd` files, from those files alone without a database. The file-based
//! functions return the text to print on stdout; the binary prints it, and maps an `Err` to
//! exit code 2 with the error's message on stderr.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use govsec_cpe::WellFormedName;
use govsec_i18n::{Lang, Text};
use govsec_vulndb::{
    Applicability, ApplicabilityIndex, Asset, CveId, CveRecord, EpssScores, Error, KevCatalog,
    Location, ProductKey, ReadOptions, read_epss_file, read_kev_file, read_nvd_file,
};
use serde_json::{Value, json};

use crate::Failure;
use crate::commands::vulndb_import::{self, ImportFiles};
use crate::config::Settings;

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Lines for people.
    Text,
    /// JSON for scripts.
    Json,
}

/// `govsec vulndb …`.
#[derive(clap::Subcommand, Debug)]
pub enum VulndbCommand {
    /// Imports feeds into the database in one transaction: only new or newer records are
    /// written; without --skip-invalid any invalid input aborts and nothing is written.
    Import {
        /// NVD CVE JSON 2.0 feed or API page (plain or .gz); repeatable, in order.
        #[arg(long = "nvd")]
        nvd: Vec<PathBuf>,
        /// CVE JSON 5 record, or a directory of them; repeatable.
        #[arg(long = "cve5", value_name = "DIR|FILE")]
        cve5: Vec<PathBuf>,
        /// CISA KEV catalogue (JSON); replaces the stored one.
        #[arg(long)]
        kev: Option<PathBuf>,
        /// EPSS scores (CSV, plain or .gz); replace the stored ones.
        #[arg(long)]
        epss: Option<PathBuf>,
        /// Skip invalid records (and files that cannot be read to their end), report them,
        /// and import the rest.
        #[arg(long)]
        skip_invalid: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Downloads the current NVD feeds (checked against their .meta), KEV and EPSS, resuming
    /// partial downloads, and imports them.
    Update(crate::commands::vulndb_update::UpdateArgs),
    /// The CVEs that apply to the concrete CPE name, ranked by KEV, CVSS, EPSS: from the
    /// database, or from the --nvd files when given.
    Lookup {
        /// A concrete CPE name (`cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*`).
        cpe: String,
        /// NVD CVE JSON 2.0 feed or API page (plain or .gz); repeatable. Without it the
        /// database answers.
        #[arg(long = "nvd")]
        nvd: Vec<PathBuf>,
        /// CISA KEV catalogue (JSON).
        #[arg(long)]
        kev: Option<PathBuf>,
        /// EPSS scores (CSV, plain or .gz).
        #[arg(long)]
        epss: Option<PathBuf>,
        /// A platform of the host (its OS, hardware, …) as a CPE name; repeatable.
        #[arg(long = "platform")]
        platforms: Vec<String>,
        /// Skip invalid records and report them on stdout, instead of stopping.
        #[arg(long)]
        skip_invalid: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Counts: records by status, criteria, CVSS checks, KEV, EPSS; of the database, or of
    /// the --nvd files when given.
    Stats {
        /// NVD CVE JSON 2.0 feed or API page (plain or .gz); repeatable. Without it the
        /// database is counted.
        #[arg(long = "nvd")]
        nvd: Vec<PathBuf>,
        /// CISA KEV catalogue (JSON).
        #[arg(long)]
        kev: Option<PathBuf>,
        /// EPSS scores (CSV, plain or .gz).
        #[arg(long)]
        epss: Option<PathBuf>,
        /// Skip invalid records and report them, instead of stopping.
        #[arg(long)]
        skip_invalid: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

/// What was read from the files.
struct Sources {
    records: Vec<CveRecord>,
    kev: Option<KevCatalog>,
    epss: Option<EpssScores>,
    skipped: Vec<Error>,
}

fn load(
    nvd: &[PathBuf],
    kev: Option<&Path>,
    epss: Option<&Path>,
    skip_invalid: bool,
) -> Result<Sources, Error> {
    let options = ReadOptions { skip_invalid };
    let mut by_id: HashMap<CveId, usize> = HashMap::new();
    let mut records: Vec<CveRecord> = Vec::new();
    let mut skipped = Vec::new();
    for path in nvd {
        let report = read_nvd_file(path, options, |record| match by_id.get(&record.id) {
            Some(&at) => records[at] = record,
            None => {
                by_id.insert(record.id, records.len());
                records.push(record);
            }
        })?;
        skipped.extend(report.skipped);
    }
    let kev = kev
        .map(|path| read_kev_file(path, options))
        .transpose()?
        .map(|(catalog, invalid)| {
            skipped.extend(invalid);
            catalog
        });
    let epss = epss
        .map(|path| read_epss_file(path, options))
        .transpose()?
        .map(|(scores, invalid)| {
            skipped.extend(invalid);
            scores
        });
    Ok(Sources {
        records,
        kev,
        epss,
        skipped,
    })
}

fn parse_cpe(text: &str, argument: &str) -> Result<WellFormedName, Error> {
    WellFormedName::parse(text).map_err(|source| Error::InvalidCpe {
        location: Location {
            field: Some(argument.to_owned()),
            ..Location::default()
        },
        name: text.to_owned(),
        source: Box::new(source),
    })
}

impl VulndbCommand {
    /// Whether the command works on the files it names alone, with no database.
    pub fn reads_files_only(&self) -> bool {
        match self {
            VulndbCommand::Lookup { nvd, .. } | VulndbCommand::Stats { nvd, .. } => !nvd.is_empty(),
            VulndbCommand::Import { .. } | VulndbCommand::Update(_) => false,
        }
    }
}

/// Runs a `vulndb` subcommand on the database.
pub async fn run(command: VulndbCommand, settings: &Settings) -> Result<(), Failure> {
    let lang = settings.lang;
    let store = settings.open_store().await?;
    let output = match command {
        VulndbCommand::Import {
            nvd,
            cve5,
            kev,
            epss,
            skip_invalid,
            format,
        } => {
            let files = ImportFiles {
                nvd,
                cve5,
                kev,
                epss,
            };
            let report = vulndb_import::import(&store, files, skip_invalid, lang).await?;
            match format {
                Format::Json => {
                    serde_json::to_string_pretty(&report).expect("JSON values serialize")
                }
                Format::Text => report.text(lang),
            }
        }
        VulndbCommand::Update(args) => {
            crate::commands::vulndb_update::run(&args, settings, &store).await?
        }
        VulndbCommand::Lookup {
            cpe,
            platforms,
            format,
            kev,
            epss,
            skip_invalid,
            ..
        } => {
            if kev.is_some() || epss.is_some() || skip_invalid {
                return Err(Failure::Input(
                    Text::VulndbFileFlagsNeedNvd.get(lang).to_owned(),
                ));
            }
            let input = |error: Error| Failure::Input(vulndb_import::describe(&error, lang));
            let name = parse_cpe(&cpe, "CPE argument").map_err(input)?;
            let platforms = platforms
                .iter()
                .map(|platform| parse_cpe(platform, "--platform"))
                .collect::<Result<Vec<_>, _>>()
                .map_err(input)?;
            if store.vulndb_is_empty().await.map_err(store_failure)? {
                return Err(Failure::Input(Text::VulndbEmpty.get(lang).to_owned()));
            }
            let mut builder = ApplicabilityIndex::builder();
            store
                .vulndb_applicability(ProductKey::of(&name).as_ref(), &mut builder)
                .await
                .map_err(store_failure)?;
            let index = builder.build();
            let found = index.lookup(&Asset::on_platforms(name, platforms));
            let ids: Vec<CveId> = found
                .iter()
                .map(|applicability| applicability.cve)
                .collect();
            let sources = Sources {
                records: store.vulndb_records(&ids).await.map_err(store_failure)?,
                kev: store.vulndb_kev(&ids).await.map_err(store_failure)?,
                epss: store.vulndb_epss(&ids).await.map_err(store_failure)?,
                skipped: Vec::new(),
            };
            lookup_output(&sources, found, format, lang)
        }
        VulndbCommand::Stats {
            format,
            kev,
            epss,
            skip_invalid,
            ..
        } => {
            if kev.is_some() || epss.is_some() || skip_invalid {
                return Err(Failure::Input(
                    Text::VulndbFileFlagsNeedNvd.get(lang).to_owned(),
                ));
            }
            let statistics = store.vulndb_statistics().await.map_err(store_failure)?;
            let value = serde_json::to_value(&statistics).expect("JSON values serialize");
            match format {
                Format::Json => {
                    serde_json::to_string_pretty(&value).expect("JSON values serialize")
                }
                Format::Text => text_lines(&value, lang),
            }
        }
    };
    super::print_line(output).map_err(anyhow::Error::from)?;
    Ok(())
}

fn store_failure(error: govsec_store::StoreError) -> Failure {
    Failure::Internal(error.into())
}

/// The label of a statistics field in the reader's language.
fn statistic_label(key: &str) -> Option<Text> {
    Some(match key {
        "cves" => Text::VulndbStatCves,
        "records" => Text::VulndbStatRecords,
        "records_by_source" => Text::VulndbStatBySource,
        "records_by_status" | "statuses" => Text::VulndbStatByStatus,
        "metrics_by_version" | "metrics" => Text::VulndbStatMetrics,
        "products" => Text::VulndbStatProducts,
        "configurations" => Text::VulndbStatConfigurations,
        "distinct_criteria" => Text::VulndbStatCriteria,
        "cvss_scores_agreeing" => Text::VulndbStatScoresAgree,
        "cvss_scores_disagreeing" => Text::VulndbStatScoresDisagree,
        "kev_entries" => Text::VulndbStatKevEntries,
        "kev_catalog_version" => Text::VulndbStatKevVersion,
        "records_in_kev" => Text::VulndbStatInKev,
        "epss_scores" => Text::VulndbStatEpssScores,
        "epss_model_version" => Text::VulndbStatEpssModel,
        "epss_score_date" => Text::VulndbStatEpssDate,
        "skipped" => Text::VulndbStatSkipped,
        _ => return None,
    })
}

/// A value for people: pairs and maps as `name count` lists, nothing as a dash.
fn statistic_value(value: &Value, lang: Lang) -> String {
    let separator = Text::InventoryReasonSeparator.get(lang);
    match value {
        Value::Null => "-".to_owned(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Array(pair) => pair
                    .iter()
                    .map(|v| statistic_value(v, lang))
                    .collect::<Vec<_>>()
                    .join(" "),
                other => statistic_value(other, lang),
            })
            .collect::<Vec<_>>()
            .join(separator),
        Value::Object(fields) => {
            let mut pairs: Vec<(&String, &Value)> = fields.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            pairs
                .iter()
                .map(|(k, v)| format!("{k} {}", statistic_value(v, lang)))
                .collect::<Vec<_>>()
                .join(separator)
        }
        other => other.to_string(),
    }
}

/// Statistics as labelled lines in the reader's language.
fn text_lines(value: &Value, lang: Lang) -> String {
    let mut out = String::new();
    if let Value::Object(fields) = value {
        for (key, value) in fields {
            let label =
                statistic_label(key).map_or_else(|| key.clone(), |t| t.get(lang).to_owned());
            let _ = writeln!(
                out,
                "{}",
                Text::VulndbStatLine.fill(lang, &[&label, &statistic_value(value, lang)])
            );
        }
    }
    out
}

/// Runs a `vulndb` subcommand on files alone (see [`VulndbCommand::reads_files_only`]); an
/// `Err` is bad input (exit code 2).
pub fn run_vulndb(cmd: &VulndbCommand, lang: Lang) -> Result<String, Error> {
    match cmd {
        VulndbCommand::Lookup {
            cpe,
            nvd,
            kev,
            epss,
            platforms,
            skip_invalid,
            format,
        } => {
            let name = parse_cpe(cpe, "CPE argument")?;
            let platforms = platforms
                .iter()
                .map(|platform| parse_cpe(platform, "--platform"))
                .collect::<Result<Vec<_>, _>>()?;
            let sources = load(nvd, kev.as_deref(), epss.as_deref(), *skip_invalid)?;
            let index = ApplicabilityIndex::from_records(&sources.records);
            let found = index.lookup(&Asset::on_platforms(name, platforms));
            Ok(lookup_output(&sources, found, *format, lang))
        }
        VulndbCommand::Stats {
            nvd,
            kev,
            epss,
            skip_invalid,
            format,
        } => {
            let sources = load(nvd, kev.as_deref(), epss.as_deref(), *skip_invalid)?;
            Ok(stats_output(&sources, *format, lang))
        }
        VulndbCommand::Import { .. } | VulndbCommand::Update(_) => {
            unreachable!("import and update work on the database")
        }
    }
}

fn lookup_output(
    sources: &Sources,
    found: Vec<Applicability>,
    format: Format,
    lang: Lang,
) -> String {
    let records: HashMap<CveId, &CveRecord> = sources
        .records
        .iter()
        .map(|record| (record.id, record))
        .collect();
    let mut rows: Vec<Value> = found
        .iter()
        .map(|applicability| {
            let record = records[&applicability.cve];
            let cvss = record.best_metric().map(|metric| {
                json!({"version": metric.version(), "score": metric.base_score, "severity": metric.severity,
                       "vector": metric.vector, "source": metric.source})
            });
            let kev = sources.kev.as_ref().and_then(|kev| kev.get(applicability.cve)).map(|entry| {
                json!({"date_added": entry.date_added, "due_date": entry.due_date,
                       "ransomware_use": entry.ransomware_use, "required_action": entry.required_action})
            });
            let epss = sources.epss.as_ref().and_then(|epss| epss.get(applicability.cve));
            json!({
                "cve": applicability.cve,
                "verdict": applicability.verdict(),
                "description": record.description("en"),
                "cvss": cvss,
                "kev": kev,
                "epss": epss,
                "configurations": applicability.configurations,
            })
        })
        .collect();
    let key = |row: &Value| {
        (
            row["kev"].is_object(),
            row["cvss"]["score"].as_f64().unwrap_or(-1.0),
            row["epss"]["epss"].as_f64().unwrap_or(-1.0),
        )
    };
    rows.sort_by(|a, b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let skipped: Vec<String> = sources.skipped.iter().map(ToString::to_string).collect();
    if format == Format::Json {
        return serde_json::to_string_pretty(&json!({"results": rows, "skipped": skipped}))
            .expect("JSON values serialize");
    }
    let mut out = String::new();
    for row in &rows {
        let text = |value: &Value| {
            value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned)
        };
        let _ = write!(
            out,
            "{}  {}",
            text(&row["cve"]),
            Text::VulndbPlatform.fill(lang, &[&verdict_label(&text(&row["verdict"]), lang)])
        );
        if row["kev"].is_object() {
            let _ = write!(
                out,
                "  {}",
                Text::VulndbKev.fill(
                    lang,
                    &[
                        &text(&row["kev"]["due_date"]),
                        &text(&row["kev"]["ransomware_use"])
                    ]
                )
            );
        }
        if row["cvss"].is_object() {
            let cvss = &row["cvss"];
            let _ = write!(
                out,
                "  CVSS {} {} {}",
                text(&cvss["version"]),
                cvss["score"],
                text(&cvss["severity"])
            );
        }
        if row["epss"].is_object() {
            let _ = write!(
                out,
                "  {}",
                Text::VulndbEpss.fill(lang, &[&row["epss"]["epss"], &row["epss"]["percentile"]])
            );
        }
        out.push('\n');
        for configuration in row["configurations"].as_array().into_iter().flatten() {
            for matched in configuration["matched"].as_array().into_iter().flatten() {
                let _ = writeln!(
                    out,
                    "    {}",
                    Text::VulndbMatched.fill(lang, &[&text(&matched["criteria"]["criteria"])])
                );
            }
            for criterion in configuration["platform"]["criteria"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let _ = writeln!(
                    out,
                    "    {}",
                    Text::VulndbPlatformCriterion.fill(
                        lang,
                        &[
                            &text(&criterion["criteria"]["criteria"]),
                            &verdict_label(&text(&criterion["outcome"]["outcome"]), lang)
                        ]
                    )
                );
            }
        }
    }
    if rows.is_empty() {
        let _ = writeln!(out, "{}", Text::VulndbNone.get(lang));
    }
    for line in &skipped {
        let _ = writeln!(out, "{}", Text::VulndbSkipped.fill(lang, &[line]));
    }
    out
}

/// A verdict or outcome key of the index in the UI language.
fn verdict_label(key: &str, lang: Lang) -> String {
    match key {
        "not_required" => Text::VerdictNotRequired.get(lang).to_owned(),
        "met" => Text::VerdictMet.get(lang).to_owned(),
        "not_met" => Text::VerdictNotMet.get(lang).to_owned(),
        "unknown" => Text::VerdictUnknown.get(lang).to_owned(),
        "matched" | "matched_by" => Text::VerdictMatched.get(lang).to_owned(),
        "not_matched" => Text::VerdictNotMatched.get(lang).to_owned(),
        other => other.replace('_', " "),
    }
}

fn stats_output(sources: &Sources, format: Format, lang: Lang) -> String {
    let mut statuses: HashMap<String, usize> = HashMap::new();
    let mut metrics: HashMap<String, usize> = HashMap::new();
    let (mut agree, mut disagree) = (0, 0);
    for record in &sources.records {
        *statuses.entry(format!("{:?}", record.status)).or_default() += 1;
        for metric in &record.metrics {
            *metrics
                .entry(format!("CVSS {}", metric.version()))
                .or_default() += 1;
            match metric.score_checks_out() {
                Some(true) => agree += 1,
                Some(false) => disagree += 1,
                None => {}
            }
        }
    }
    let index = ApplicabilityIndex::from_records(&sources.records);
    let in_kev = sources.kev.as_ref().map(|kev| {
        sources
            .records
            .iter()
            .filter(|record| kev.get(record.id).is_some())
            .count()
    });
    let stats = json!({
        "records": sources.records.len(),
        "statuses": statuses,
        "configurations": index.configuration_count(),
        "distinct_criteria": index.criteria_count(),
        "metrics": metrics,
        "cvss_scores_agreeing": agree,
        "cvss_scores_disagreeing": disagree,
        "kev_entries": sources.kev.as_ref().map(|kev| kev.entries.len()),
        "records_in_kev": in_kev,
        "epss_scores": sources.epss.as_ref().map(|epss| epss.scores.len()),
        "epss_model_version": sources.epss.as_ref().map(|epss| epss.model_version.clone()),
        "skipped": sources.skipped.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    if format == Format::Json {
        return serde_json::to_string_pretty(&stats).expect("JSON values serialize");
    }
    text_lines(&stats, lang)
}

/// `govsec bench gen-nvd --cves N [--seed S] --output FILE`: writes a
/// synthetic NVD-shaped feed (see `govsec_vulndb::synthetic`).
pub fn run_gen_nvd(cves: usize, seed: u64, output: &Path) -> Result<String, Error> {
    govsec_vulndb::synthetic::generate_nvd(cves, seed, output)?;
    let bytes = std::fs::metadata(output).map_err(|source| Error::Io {
        location: Location {
            file: Some(output.to_owned()),
            ..Location::default()
        },
        source,
    })?;
    Ok(format!(
        "wrote {cves} synthetic CVEs to {} ({} bytes)\n",
        output.display(),
        bytes.len()
    ))
}
