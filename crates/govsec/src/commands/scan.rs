//! `govsec scan TARGET...`: the HTTPS compliance scanner on the command line.
//!
//! JSON goes to stdout (one document for the whole run), a progress bar to stderr when it is
//! a terminal. The exit code is 0 whenever the scan ran, whatever it found (DESIGN.md,
//! "Command-line contract"); 2 when a target, an override or a `--ca-file` is unusable.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use govsec_i18n::{Lang, Text};
use govsec_webscan::certificate::TrustAnchors;
use govsec_webscan::{Error, Overrides, ScanOptions, Scanner, Target, TargetReport};

use super::vulndb::Format;

/// `govsec scan`.
#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Host names, IP addresses or http(s):// URLs.
    #[arg(value_name = "TARGET")]
    targets: Vec<String>,
    /// A file with one target per line (`#` starts a comment).
    #[arg(long, value_name = "FILE")]
    targets_file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// HOST:PORT:ADDR[,ADDR]: use these addresses for HOST on PORT (as curl's --resolve).
    #[arg(long = "resolve", value_name = "HOST:PORT:ADDR")]
    resolve: Vec<String>,
    /// HOST:PORT:CONNECT_HOST:CONNECT_PORT: connect there instead (as curl's --connect-to).
    #[arg(long = "connect-to", value_name = "HOST:PORT:HOST2:PORT2")]
    connect_to: Vec<String>,
    /// Extra trust anchors (PEM), e.g. a government root CA such as GRCA; repeatable.
    #[arg(long = "ca-file", value_name = "PEM")]
    ca_files: Vec<PathBuf>,
    /// Targets scanned at the same time.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Seconds allowed for one target, every probe included.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Days before expiry from which a certificate is reported as expiring soon.
    #[arg(long, default_value_t = 30)]
    expiring_days: u32,
    /// The most bytes of a landing page read.
    #[arg(long, default_value_t = govsec_webscan::page::MAX_PAGE_BYTES)]
    max_page_bytes: usize,
    /// Do not send the SSL 3.0 / TLS 1.0 / TLS 1.1 / weak-suite probes.
    #[arg(long)]
    no_legacy_probes: bool,
    /// Do not probe the www./apex sibling.
    #[arg(long)]
    no_sibling: bool,
}

fn describe(error: &Error, lang: Lang) -> String {
    match error {
        Error::InvalidTarget { target, reason } => {
            Text::ScanInvalidTarget.fill(lang, &[&format!("{target:?}"), reason])
        }
        Error::InvalidOverride {
            flag,
            value,
            reason,
        } => Text::ScanInvalidOverride.fill(lang, &[flag, &format!("{value:?}"), reason]),
        Error::CaFile { path, reason } => Text::ScanCaFile.fill(lang, &[path, reason]),
        other => other.to_string(),
    }
}

fn read_targets_file(path: &Path, lang: Lang) -> Result<Vec<Target>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Text::ScanTargetsFileUnreadable.fill(lang, &[&path.display(), &e]))?;
    let mut targets = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let target = Target::parse(line).map_err(|e| {
            Text::ScanTargetsFile.fill(lang, &[&path.display(), &(number + 1), &describe(&e, lang)])
        })?;
        targets.push(target);
    }
    Ok(targets)
}

/// Parses the arguments into targets and options: every problem is bad input (exit 2).
fn prepare(args: &ScanArgs, lang: Lang) -> Result<(Vec<Target>, ScanOptions), String> {
    let mut targets = Vec::new();
    for text in &args.targets {
        targets.push(Target::parse(text).map_err(|e| describe(&e, lang))?);
    }
    if let Some(path) = &args.targets_file {
        targets.extend(read_targets_file(path, lang)?);
    }
    if targets.is_empty() {
        return Err(Text::ScanNoTargets.get(lang).to_owned());
    }
    let mut overrides = Overrides::default();
    for value in &args.resolve {
        overrides
            .add_resolve(value)
            .map_err(|e| describe(&e, lang))?;
    }
    for value in &args.connect_to {
        overrides
            .add_connect_to(value)
            .map_err(|e| describe(&e, lang))?;
    }
    let ca_files: Vec<&Path> = args.ca_files.iter().map(PathBuf::as_path).collect();
    let anchors = TrustAnchors::system(&ca_files).map_err(|e| describe(&e, lang))?;
    let deadline = Duration::from_secs(args.timeout.max(1));
    let mut options = ScanOptions::new(anchors);
    options.overrides = overrides;
    options.target_deadline = deadline;
    options.expiring_days = args.expiring_days;
    options.max_page_bytes = args.max_page_bytes.max(1024);
    options.legacy_probes = !args.no_legacy_probes;
    options.sibling = !args.no_sibling;
    Ok((targets, options))
}

fn progress_bar(count: usize) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(count as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed_precise} {msg}")
    {
        bar.set_style(style);
    }
    if count < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// Why `govsec scan` did not run to the end.
#[derive(Debug)]
pub enum ScanFailure {
    /// A target, an override or a file is unusable (exit 2).
    Input(String),
    /// The scanner itself failed (exit 1).
    Internal(String),
}

/// Runs the scan and returns what to print on stdout.
pub fn run(args: &ScanArgs, lang: Lang) -> Result<String, ScanFailure> {
    let (targets, options) = prepare(args, lang).map_err(ScanFailure::Input)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ScanFailure::Internal(e.to_string()))?;
    let started = Instant::now();
    let count = targets.len();
    let bar = progress_bar(count);
    let scanner = Arc::new(Scanner::new(options));
    let reports = runtime
        .block_on(scanner.scan_all(targets, args.concurrency, |report| {
            bar.set_message(report.host.clone());
            bar.inc(1);
        }))
        .map_err(|e| ScanFailure::Internal(e.to_string()))?;
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    Ok(match args.format {
        Format::Json => json(&reports, elapsed),
        Format::Text => table(&reports, elapsed, lang),
    })
}

/// The JSON document of a run, fields in this order.
#[derive(serde::Serialize)]
struct ScanDocument<'a> {
    scanner: &'static str,
    duration_ms: u64,
    summary: Summary,
    targets: &'a [TargetReport],
}

#[derive(serde::Serialize)]
struct Summary {
    targets: usize,
    https_adopted: usize,
    https_enforced: usize,
}

fn json(reports: &[TargetReport], elapsed: Duration) -> String {
    let document = ScanDocument {
        scanner: concat!("govsec-webscan ", env!("CARGO_PKG_VERSION")),
        duration_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
        summary: Summary {
            targets: reports.len(),
            https_adopted: reports.iter().filter(|r| r.https_adopted).count(),
            https_enforced: reports.iter().filter(|r| r.https_enforced).count(),
        },
        targets: reports,
    };
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

fn yes_no(value: bool, lang: Lang) -> &'static str {
    if value {
        Text::ScanYes.get(lang)
    } else {
        Text::ScanNo.get(lang)
    }
}

fn table(reports: &[TargetReport], elapsed: Duration, lang: Lang) -> String {
    let mut out = String::new();
    let width = reports
        .iter()
        .map(|r| r.host.chars().count())
        .max()
        .unwrap_or(0)
        .max(Text::ScanColumnTarget.get(lang).chars().count());
    let _ = writeln!(
        out,
        "{:width$}  {}  {}  {}",
        Text::ScanColumnTarget.get(lang),
        Text::ScanColumnAdopted.get(lang),
        Text::ScanColumnEnforced.get(lang),
        Text::ScanColumnFindings.get(lang),
    );
    for r in reports {
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code.as_str()).collect();
        let _ = writeln!(
            out,
            "{:width$}  {:13}  {:14}  {}",
            r.host,
            yes_no(r.https_adopted, lang),
            yes_no(r.https_enforced, lang),
            codes.join(" "),
        );
    }
    for r in reports {
        let _ = writeln!(out, "\n{}", r.host);
        let (adopted, enforced) = match lang {
            Lang::ZhTw => (&r.reasons.https_adopted.zh, &r.reasons.https_enforced.zh),
            Lang::En => (&r.reasons.https_adopted.en, &r.reasons.https_enforced.en),
        };
        let _ = writeln!(out, "  {}", Text::ScanReasonAdopted.fill(lang, &[adopted]));
        let _ = writeln!(
            out,
            "  {}",
            Text::ScanReasonEnforced.fill(lang, &[enforced])
        );
        if r.deadline_exceeded {
            let _ = writeln!(out, "  {}", Text::ScanDeadline.get(lang));
        }
        if r.findings.is_empty() {
            let _ = writeln!(out, "  {}", Text::ScanNoFinding.get(lang));
        }
        for f in &r.findings {
            let (explanation, fix) = match lang {
                Lang::ZhTw => (&f.explanation_zh, &f.fix_zh),
                Lang::En => (&f.explanation_en, &f.fix_en),
            };
            let _ = writeln!(out, "  [{}] {} — {explanation}", f.severity_label(), f.code);
            let evidence = f.evidence.summary();
            if !evidence.is_empty() {
                let _ = writeln!(out, "      {}", Text::ScanEvidence.fill(lang, &[&evidence]));
            }
            let _ = writeln!(out, "      {}", Text::ScanFix.fill(lang, &[fix]));
        }
    }
    let adopted = reports.iter().filter(|r| r.https_adopted).count();
    let enforced = reports.iter().filter(|r| r.https_enforced).count();
    let _ = write!(
        out,
        "\n{}",
        Text::ScanSummary.fill(
            lang,
            &[
                &reports.len(),
                &adopted,
                &enforced,
                &format!("{:.1}", elapsed.as_secs_f64())
            ]
        )
    );
    out
}
