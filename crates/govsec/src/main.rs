//! The `govsec` command. It parses flags, reads the configuration, wires the library crates
//! together and prints; the work itself lives in the libraries.
//!
//! Exit codes: 0 when the command ran, 2 for bad usage or bad input (the message names the file,
//! row or field), 1 for an internal failure.

mod commands;
mod config;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{GivenSettings, Settings};

/// mimalloc rather than the C library's allocator: an import allocates records on its reader
/// thread and frees them on its writer thread, which glibc's arenas make slow (a third of the
/// import's time was in malloc and free).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// govsec: cybersecurity governance for a government and its agencies.
#[derive(Debug, Parser)]
#[command(name = "govsec", version, about)]
struct Cli {
    /// Configuration file (default: ./govsec.toml when it exists).
    #[arg(long, global = true, env = "GOVSEC_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory holding the SQLite database and uploads (default: ./govsec-data).
    #[arg(long, global = true, env = "GOVSEC_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: postgres://… for PostgreSQL (default: SQLite in the data directory).
    #[arg(
        long,
        global = true,
        env = "GOVSEC_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Language of messages: zh-TW (default) or en.
    #[arg(long, global = true, env = "GOVSEC_LANG", value_name = "LANG")]
    lang: Option<String>,
    /// Log level: error, warn, info, debug or trace.
    #[arg(long, global = true, env = "GOVSEC_LOG", value_name = "LEVEL")]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Creates a fresh demo world and serves the UI on it.
    Demo(commands::demo::DemoArgs),
    /// Serves the web UI and API.
    Serve(commands::serve::ServeArgs),
    /// Applies database migrations and exits.
    Migrate,
    /// The agency registry: import and export.
    #[command(subcommand)]
    Agency(commands::agency::AgencyCommand),
    /// Accounts.
    #[command(subcommand)]
    User(commands::user::UserCommand),
    /// API tokens for scripts.
    #[command(subcommand)]
    Token(commands::token::TokenCommand),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(commands::audit::AuditCommand),
    /// CPE 2.3 names: parse and compare (NISTIR 7695/7696).
    #[command(subcommand)]
    Cpe(commands::cpe::CpeCommand),
    /// Version ordering as vulnerability bounds use it.
    #[command(subcommand)]
    Version(commands::cpe::VersionCommand),
    /// Vulnerability intelligence: NVD, CVE 5, KEV and EPSS, imported, updated and looked up.
    #[command(subcommand)]
    Vulndb(commands::vulndb::VulndbCommand),
    /// Software inventories: read and normalise to CPE 2.3 names.
    #[command(subcommand)]
    Inventory(commands::inventory::InventoryCommand),
    /// HTTPS compliance scan of websites.
    Scan(commands::scan::ScanArgs),
    /// Benchmarks: national-scale data and load tests.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

/// How a command failed.
#[derive(Debug)]
pub enum Failure {
    /// The user's input or usage is wrong: exit code 2.
    Input(String),
    /// Something failed inside: exit code 1.
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::Internal(error)
    }
}

fn init_logging(level: &str) {
    let level = level.parse().unwrap_or(tracing::Level::INFO);
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The CPE, version and file-based vulnerability commands are pure computations over their
    // arguments: no configuration, database or runtime.
    let lang = cli
        .lang
        .as_deref()
        .and_then(govsec_i18n::Lang::from_tag)
        .unwrap_or_default();
    let pure = match &cli.command {
        Command::Cpe(command) => {
            Some(commands::cpe::run_cpe(command).map_err(|e| commands::cpe::describe(&e, lang)))
        }
        Command::Version(command) => Some(Ok(commands::cpe::run_version(command))),
        Command::Vulndb(command) if command.reads_files_only() => Some(
            commands::vulndb::run_vulndb(command, lang)
                .map_err(|e| commands::vulndb_import::describe(&e, lang)),
        ),
        Command::Scan(args) => {
            return match commands::scan::run(args, lang) {
                Ok(text) => print_result(&text),
                Err(commands::scan::ScanFailure::Input(message)) => {
                    eprintln!("govsec: {message}");
                    ExitCode::from(2)
                }
                Err(commands::scan::ScanFailure::Internal(message)) => {
                    eprintln!("govsec: {message}");
                    ExitCode::from(1)
                }
            };
        }
        _ => None,
    };
    if let Some(result) = pure {
        return match result {
            Ok(text) => print_result(&text),
            Err(message) => {
                eprintln!("govsec: {message}");
                ExitCode::from(2)
            }
        };
    }
    let given = GivenSettings {
        config: cli.config,
        data_dir: cli.data_dir,
        database_url: cli.database_url,
        lang: cli.lang,
        log: cli.log,
    };
    let result = Settings::resolve(given).and_then(|settings| {
        init_logging(&settings.log);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|error| Failure::Internal(error.into()))?;
        runtime.block_on(run(cli.command, settings))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(error)) => {
            eprintln!("govsec: {error:#}");
            ExitCode::from(1)
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), Failure> {
    match command {
        Command::Demo(args) => commands::demo::run(args, &settings).await,
        Command::Serve(args) => commands::serve::run(args, &settings).await,
        Command::Migrate => {
            settings.open_store().await?;
            eprintln!(
                "govsec: {}",
                govsec_i18n::Text::MigrationsApplied.get(settings.lang)
            );
            Ok(())
        }
        Command::Agency(command) => commands::agency::run(command, &settings).await,
        Command::Audit(command) => commands::audit::run(command, &settings).await,
        Command::User(command) => commands::user::run(command, &settings).await,
        Command::Token(command) => commands::token::run(command, &settings).await,
        Command::Bench(command) => commands::bench::run(command, &settings).await,
        Command::Vulndb(command) => commands::vulndb::run(command, &settings).await,
        Command::Inventory(command) => commands::inventory::run(command, &settings).await,
        Command::Cpe(_) | Command::Version(_) | Command::Scan(_) => Ok(()),
    }
}

/// Prints a command's answer; only a failing stdout, not one closed early, fails the command.
fn print_result(text: &str) -> ExitCode {
    match commands::print_line(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("govsec: {error}");
            ExitCode::from(1)
        }
    }
}
