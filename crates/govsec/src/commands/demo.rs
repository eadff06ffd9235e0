//! `govsec demo`: a fresh, self-contained demo world on SQLite, served on loopback.
//!
//! The world is the registry in `demo/agencies.csv`: the Executive Yuan, its second- and
//! third-level agencies, the 22 city and county governments and some of their bureaus, with
//! their public names and websites, plausible codes, levels and systems. Later modules add their
//! demo data here.

use govsec_core::audit::Actor;
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_i18n::Text;
use govsec_store::Store;

use crate::Failure;
use crate::commands::serve::serve_store;
use crate::config::Settings;

/// The demo registry, embedded so the binary needs no files beside it.
pub const DEMO_REGISTRY: &[u8] = include_bytes!("../../demo/agencies.csv");

/// The demo database file, kept apart from a real `govsec.sqlite3` in the same directory.
const DEMO_DATABASE_FILE: &str = "demo.sqlite3";

/// Flags of `govsec demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to serve the UI on.
    #[arg(
        long,
        env = "GOVSEC_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub addr: String,
}

/// Builds the demo world into `store`.
pub async fn load_world(store: &Store) -> anyhow::Result<usize> {
    let parsed = read_registry("demo/agencies.csv", DEMO_REGISTRY, TextEncoding::Utf8);
    let outcome = store
        .import_agencies(parsed, &Actor::command_line())
        .await?;
    Ok(outcome.created + outcome.updated)
}

/// Runs `govsec demo`.
pub async fn run(args: DemoArgs, settings: &Settings) -> Result<(), Failure> {
    // A temporary directory unless the user named one; it is removed when the demo stops.
    let temporary;
    let directory = if settings.data_dir_given {
        std::fs::create_dir_all(&settings.data_dir).map_err(|error| {
            Failure::Input(format!(
                "--data-dir {}: {error}",
                settings.data_dir.display()
            ))
        })?;
        settings.data_dir.clone()
    } else {
        temporary = tempfile::Builder::new()
            .prefix("govsec-demo-")
            .tempdir()
            .map_err(|error| Failure::Internal(error.into()))?;
        temporary.path().to_path_buf()
    };
    let path = directory.join(DEMO_DATABASE_FILE);
    for suffix in ["", "-wal", "-shm"] {
        let file = directory.join(format!("{DEMO_DATABASE_FILE}{suffix}"));
        if file.exists() {
            std::fs::remove_file(&file).map_err(|error| Failure::Internal(error.into()))?;
        }
    }
    let store = Store::open_sqlite(&path)
        .await
        .map_err(anyhow::Error::from)?;
    store.migrate().await.map_err(anyhow::Error::from)?;
    let agencies = load_world(&store).await?;
    let lang = settings.lang;
    let count = Text::AgenciesCount.fill(lang, &[&agencies]);
    eprintln!(
        "govsec: {}",
        Text::DemoReady.fill(lang, &[&count, &path.display()])
    );
    serve_store(store, settings, &args.addr, |url| {
        println!("{url}");
        eprintln!("govsec: {}", Text::DemoOpen.fill(lang, &[&url]));
    })
    .await
}
