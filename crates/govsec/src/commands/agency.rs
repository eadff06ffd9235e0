//! `govsec agency import|export`: the registry as CSV or XLSX files.

use std::io::Write;
use std::path::PathBuf;

use govsec_core::audit::Actor;
use govsec_core::registry::{HeaderLanguage, TextEncoding, read_registry, write_csv, write_xlsx};
use govsec_core::{AgencyCode, Scope};
use govsec_i18n::Text;
use govsec_store::StoreError;

use crate::Failure;
use crate::config::Settings;

/// `govsec agency …`.
#[derive(Debug, clap::Subcommand)]
pub enum AgencyCommand {
    /// Imports a registry file (CSV or XLSX, Chinese or English headers). All or nothing: any
    /// bad row aborts the import, lists every problem as file:row:column and writes nothing.
    Import {
        /// The file.
        file: PathBuf,
        /// Text encoding of a CSV file.
        #[arg(long, value_enum, default_value_t = EncodingFlag::Auto)]
        encoding: EncodingFlag,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Exports the registry.
    Export {
        /// File format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Header and value language.
        #[arg(long, value_enum, default_value_t = HeaderFlag::Zh)]
        headers: HeaderFlag,
        /// Only this agency and its subtree.
        #[arg(long, value_name = "AGENCY_CODE")]
        subtree: Option<String>,
        /// Write here instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// `--encoding`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EncodingFlag {
    /// UTF-8, or UTF-16 with a byte-order mark.
    Auto,
    /// UTF-8 only.
    #[value(name = "utf-8")]
    Utf8,
    /// Big5 (CP950).
    Big5,
}

/// `--format` of import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Lines for people.
    Text,
    /// JSON on stdout.
    Json,
}

/// `--format` of export.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// CSV, UTF-8 with a byte-order mark.
    Csv,
    /// An XLSX workbook.
    Xlsx,
}

/// `--headers`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum HeaderFlag {
    /// Chinese.
    Zh,
    /// English.
    En,
}

/// Runs `govsec agency …`.
pub async fn run(command: AgencyCommand, settings: &Settings) -> Result<(), Failure> {
    match command {
        AgencyCommand::Import {
            file,
            encoding,
            format,
        } => import(file, encoding, format, settings).await,
        AgencyCommand::Export {
            format,
            headers,
            subtree,
            output,
        } => export(format, headers, subtree, output, settings).await,
    }
}

async fn import(
    file: PathBuf,
    encoding: EncodingFlag,
    format: OutputFormat,
    settings: &Settings,
) -> Result<(), Failure> {
    let lang = settings.lang;
    let name = file.display().to_string();
    let bytes = std::fs::read(&file).map_err(|error| {
        Failure::Input(format!(
            "{name}: {}",
            Text::ProblemUnreadableFile.fill(lang, &[&error])
        ))
    })?;
    let encoding = match encoding {
        EncodingFlag::Auto => TextEncoding::Detect,
        EncodingFlag::Utf8 => TextEncoding::Utf8,
        EncodingFlag::Big5 => TextEncoding::Big5,
    };
    let parsed = read_registry(&name, &bytes, encoding);
    let store = settings.open_store().await?;
    let result = store.import_agencies(parsed, &Actor::command_line()).await;
    store.close().await;
    match result {
        Ok(outcome) => {
            let total = outcome.created + outcome.updated;
            match format {
                OutputFormat::Json => super::print_line(
                    serde_json::json!({"imported": total, "created": outcome.created, "updated": outcome.updated}),
                ),
                OutputFormat::Text => super::print_line(
                    Text::ImportDone.fill(lang, &[&total, &outcome.created, &outcome.updated]),
                ),
            }
            .map_err(anyhow::Error::from)?;
            Ok(())
        }
        Err(StoreError::Rejected(govsec_core::Error::ImportRejected { problems, .. })) => {
            if format == OutputFormat::Json {
                let list: Vec<_> = problems
                    .iter()
                    .map(|p| serde_json::json!({"file": p.file, "row": p.row, "column": p.column, "problem": p.problem.code(), "message": p.problem.message(lang)}))
                    .collect();
                super::print_line(serde_json::json!({"rejected": true, "problems": list}))
                    .map_err(anyhow::Error::from)?;
            }
            let mut lines: Vec<String> = problems.iter().map(|p| p.render(lang)).collect();
            lines.push(Text::ImportRejected.fill(lang, &[&problems.len()]));
            Err(Failure::Input(lines.join("\n")))
        }
        Err(error) => Err(Failure::Internal(error.into())),
    }
}

async fn export(
    format: ExportFormat,
    headers: HeaderFlag,
    subtree: Option<String>,
    output: Option<PathBuf>,
    settings: &Settings,
) -> Result<(), Failure> {
    let scope = match subtree {
        Some(code) => Scope::Subtree(AgencyCode::parse(&code).map_err(|_| {
            Failure::Input(format!(
                "--subtree: {}",
                Text::ProblemBadCode.fill(settings.lang, &[&code])
            ))
        })?),
        None => Scope::National,
    };
    let language = match headers {
        HeaderFlag::Zh => HeaderLanguage::Chinese,
        HeaderFlag::En => HeaderLanguage::English,
    };
    let store = settings.open_store().await?;
    let agencies = store.agencies(&scope).await.map_err(anyhow::Error::from)?;
    let object = match &scope {
        Scope::National => format!("{} agencies", agencies.len()),
        Scope::Subtree(root) => format!("{} agencies under {root}", agencies.len()),
        Scope::Agency(code) => format!("agency {code}"),
    };
    store
        .record_audit(&Actor::command_line(), "registry.export", &object)
        .await
        .map_err(anyhow::Error::from)?;
    store.close().await;
    let bytes = match format {
        ExportFormat::Csv => write_csv(&agencies, language),
        ExportFormat::Xlsx => write_xlsx(&agencies, language).map_err(anyhow::Error::from)?,
    };
    match &output {
        Some(path) => {
            // Written beside the target and renamed, so a failed export leaves no half file.
            let directory = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let mut temporary = tempfile::NamedTempFile::new_in(directory)
                .map_err(|error| Failure::Input(format!("{}: {error}", path.display())))?;
            temporary
                .write_all(&bytes)
                .map_err(|error| Failure::Input(format!("{}: {error}", path.display())))?;
            temporary
                .persist(path)
                .map_err(|error| Failure::Input(format!("{}: {}", path.display(), error.error)))?;
            eprintln!(
                "{}",
                Text::ExportDone.fill(settings.lang, &[&agencies.len(), &path.display()])
            );
        }
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(|error| Failure::Internal(error.into()))?,
    }
    Ok(())
}
