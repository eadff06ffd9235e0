//! `govsec inventory normalize`: reads an inventory file and prints, for every row, its status
//! (converted / ambiguous / unconverted / invalid), CPE name, confidence, candidates and the
//! reason, in zh-TW or English, or as JSON for scripts.
//!
//! The product dictionary is the alias table plus, when a database exists, every product its
//! vulnerability data names and the mappings officers taught (the national ones, and the
//! agency's own with `--agency`). Without a database the alias table alone answers; the command
//! never creates a database just to read a file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use govsec_i18n::{Lang, Text};
use govsec_inventory::normalise::{
    Aliases, DictionarySource, LearnedMappings, MappingScope, Method, Normalisation,
    NormalisedEntry, Normaliser, Part, ProductDictionary, ProductKey, Remark, Status,
};
use govsec_inventory::{ColumnMapping, Inventory, InventoryFormat, ReadOptions, TextEncoding};
use serde_json::{Value, json};

use crate::Failure;
use crate::config::Settings;

/// Output format.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A table for people.
    Text,
    /// JSON for scripts.
    Json,
}

/// `govsec inventory …`.
#[derive(clap::Subcommand, Debug)]
pub enum InventoryCommand {
    /// Reads an inventory and normalises every row to a CPE 2.3 name.
    Normalize(NormalizeArgs),
}

/// `govsec inventory normalize`.
#[derive(clap::Args, Debug)]
pub struct NormalizeArgs {
    /// The inventory: CSV/TSV, XLSX, CycloneDX or SPDX JSON, dpkg-query, rpm -qa or osquery JSON.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Text encoding: auto (default), utf-8, utf-16 or big5.
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// The file's format, when detection should not decide (csv, xlsx, cyclonedx-json, …).
    #[arg(long = "input-format", value_name = "FORMAT")]
    pub input_format: Option<String>,
    /// Header mapping for unusual layouts (TOML: `[columns]` header = field).
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// More aliases, in the shape of the project's table; repeatable.
    #[arg(long = "aliases", value_name = "FILE")]
    pub aliases: Vec<PathBuf>,
}

fn input(path: &Path, text: String) -> Failure {
    Failure::Input(format!("{}: {text}", path.display()))
}

fn read_file(path: &Path, lang: Lang) -> Result<Vec<u8>, Failure> {
    std::fs::read(path)
        .map_err(|error| input(path, Text::ProblemUnreadableFile.fill(lang, &[&error])))
}

/// Runs `govsec inventory …`.
pub async fn run(command: InventoryCommand, settings: &Settings) -> Result<(), Failure> {
    let InventoryCommand::Normalize(args) = command;
    let lang = settings.lang;
    let options = read_options(&args, lang)?;
    let file_name = args.file.display().to_string();
    let bytes = read_file(&args.file, lang)?;
    let inventory = govsec_inventory::read_inventory(&file_name, &bytes, &options)
        .map_err(|error| Failure::Input(error.to_string()))?;
    let mut aliases = Aliases::builtin().map_err(|e| Failure::Internal(e.into()))?;
    for path in &args.aliases {
        let text = String::from_utf8(read_file(path, lang)?)
            .map_err(|_| input(path, Text::InventoryAliasesNotUtf8.get(lang).to_owned()))?;
        aliases
            .extend_from_toml(&path.display().to_string(), &text)
            .map_err(|error| Failure::Input(error.to_string()))?;
    }
    let mut dictionary = ProductDictionary::from_aliases(&aliases);
    let learned = LearnedMappings::default();
    let database = settings.database_url.is_some() || settings.database_file().exists();
    if database {
        let store = settings.open_store().await?;
        let products = store
            .vulndb_product_names()
            .await
            .map_err(|e| Failure::Internal(e.into()))?;
        dictionary.extend(
            DictionarySource::VulnerabilityData,
            products.iter().filter_map(|(part, vendor, product)| {
                ProductKey::new(Part::from_letter(part)?, vendor, product)
            }),
        );
    } else {
        eprintln!("govsec: {}", Text::InventoryNoDatabase.get(lang));
    }
    let normaliser = Normaliser::new(aliases, dictionary, learned);
    let rows = normaliser.normalise_inventory(&inventory);
    let output = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&json_report(&inventory, &normaliser, &rows, lang))
                .map_err(|e| Failure::Internal(e.into()))?
        }
        Format::Text => text_report(&inventory, &rows, lang),
    };
    println!("{output}");
    Ok(())
}

fn read_options(args: &NormalizeArgs, lang: Lang) -> Result<ReadOptions, Failure> {
    let encoding = TextEncoding::from_name(&args.encoding).ok_or_else(|| {
        Failure::Input(Text::InventoryUnknownEncoding.fill(lang, &[&args.encoding]))
    })?;
    let format = match &args.input_format {
        Some(name) => Some(InventoryFormat::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = InventoryFormat::ALL.iter().map(|f| f.name()).collect();
            Failure::Input(Text::InventoryUnknownFormat.fill(lang, &[name, &known.join(", ")]))
        })?),
        None => None,
    };
    let mapping = match &args.mapping {
        Some(path) => {
            let text = String::from_utf8(read_file(path, lang)?)
                .map_err(|_| input(path, Text::InventoryAliasesNotUtf8.get(lang).to_owned()))?;
            ColumnMapping::from_toml(&path.display().to_string(), &text)
                .map_err(|error| Failure::Input(error.to_string()))?
        }
        None => ColumnMapping::default(),
    };
    Ok(ReadOptions {
        encoding,
        format,
        mapping,
        ..ReadOptions::default()
    })
}

fn status_text(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Converted => Text::InventoryStatusConverted.get(lang),
        Status::Ambiguous => Text::InventoryStatusAmbiguous.get(lang),
        Status::Unconverted => Text::InventoryStatusUnconverted.get(lang),
        Status::Invalid => Text::InventoryStatusInvalid.get(lang),
    }
}

fn method_text(method: &Method, lang: Lang) -> String {
    match method {
        Method::GivenCpe => Text::InventoryMethodGivenCpe.get(lang).to_owned(),
        Method::Learned { scope } => {
            let scope = match scope {
                MappingScope::Agency => Text::InventoryScopeAgency.get(lang),
                MappingScope::National => Text::InventoryScopeNational.get(lang),
            };
            Text::InventoryMethodLearned.fill(lang, &[&scope])
        }
        Method::PackageUrl { purl_type, package } => {
            Text::InventoryMethodPackageUrl.fill(lang, &[purl_type, package])
        }
        Method::Package { package } => Text::InventoryMethodPackage.fill(lang, &[package]),
        Method::Alias {
            phrase,
            publisher_agrees,
        } => {
            let publisher = if *publisher_agrees {
                Text::InventoryPublisherAgrees.get(lang)
            } else {
                ""
            };
            Text::InventoryMethodAlias.fill(lang, &[phrase, &publisher])
        }
        Method::Ranked {
            shared_words,
            vendor_matched,
        } => {
            let publisher = if *vendor_matched {
                Text::InventoryPublisherAgrees.get(lang)
            } else {
                ""
            };
            Text::InventoryMethodRanked.fill(lang, &[&shared_words.join(" "), &publisher])
        }
    }
}

fn remark_text(remark: &Remark, lang: Lang) -> String {
    match remark {
        Remark::MissingName => Text::InventoryRemarkMissingName.get(lang).to_owned(),
        Remark::InvalidCpe { cpe, reason } => {
            Text::InventoryRemarkInvalidCpe.fill(lang, &[cpe, reason])
        }
        Remark::InvalidPackageUrl { purl } => Text::InventoryRemarkInvalidPurl.fill(lang, &[purl]),
        Remark::VersionUnknown => Text::InventoryRemarkVersionUnknown.get(lang).to_owned(),
        Remark::VersionNotUsable { version } => {
            Text::InventoryRemarkVersionNotUsable.fill(lang, &[version])
        }
        Remark::VersionAmbiguous => Text::InventoryRemarkVersionAmbiguous.get(lang).to_owned(),
        Remark::PublisherDisagrees { publisher_vendor } => {
            Text::InventoryRemarkPublisherDisagrees.fill(lang, &[publisher_vendor])
        }
        Remark::Untranslated { words } => {
            Text::InventoryRemarkUntranslated.fill(lang, &[&words.join("、")])
        }
        Remark::NoCandidate => Text::InventoryRemarkNoCandidate.get(lang).to_owned(),
    }
}

/// The row's explanation: how the answer was reached, then what was noticed.
fn reason(normalisation: &Normalisation, lang: Lang) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(candidate) = normalisation.candidates.first() {
        parts.push(method_text(&candidate.method, lang));
    }
    parts.extend(normalisation.remarks.iter().map(|r| remark_text(r, lang)));
    parts.retain(|p| !p.is_empty());
    parts.join(Text::InventoryReasonSeparator.get(lang))
}

fn summary(rows: &[NormalisedEntry]) -> [(Status, usize); 4] {
    let count = |status| {
        rows.iter()
            .filter(|r| r.normalisation.status == status)
            .count()
    };
    [
        (Status::Converted, count(Status::Converted)),
        (Status::Ambiguous, count(Status::Ambiguous)),
        (Status::Unconverted, count(Status::Unconverted)),
        (Status::Invalid, count(Status::Invalid)),
    ]
}

fn json_report(
    inventory: &Inventory,
    normaliser: &Normaliser,
    rows: &[NormalisedEntry],
    lang: Lang,
) -> Value {
    let entries = &inventory.entries;
    let rows_json: Vec<Value> = rows
        .iter()
        .zip(entries)
        .map(|(row, entry)| {
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
                "error": error,
            })
        })
        .collect();
    let (products, publishers, phrases) = normaliser.aliases().counts();
    json!({
        "file": inventory.file.as_ref(),
        "format": inventory.format.name(),
        "encoding": inventory.encoding,
        "dictionary": {
            "alias_products": products,
            "alias_publishers": publishers,
            "alias_phrases": phrases,
            "products": normaliser.dictionary().len(),
        },
        "summary": summary(rows).iter().map(|(s, n)| (s.name().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "unknown_columns": inventory.unknown_columns,
        "rows": rows_json,
    })
}

fn text_report(inventory: &Inventory, rows: &[NormalisedEntry], lang: Lang) -> String {
    let mut out = String::new();
    let counts: Vec<String> = summary(rows)
        .iter()
        .map(|(status, count)| format!("{} {count}", status_text(*status, lang)))
        .collect();
    let _ = writeln!(
        out,
        "{}",
        Text::InventorySummary.fill(lang, &[&inventory.file, &rows.len(), &counts.join(", ")])
    );
    for column in &inventory.unknown_columns {
        let _ = writeln!(
            out,
            "{}",
            Text::InventoryUnknownColumn.fill(lang, &[&column.column, &column.header])
        );
    }
    for (row, entry) in rows.iter().zip(&inventory.entries) {
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
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{:.2}\t{}\t{}",
            row.source.position,
            status_text(found.status, lang),
            entry.software_name,
            found.confidence,
            answer,
            reason(found, lang)
        );
    }
    out.trim_end().to_owned()
}
