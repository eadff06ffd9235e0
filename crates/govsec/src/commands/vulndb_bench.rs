//! `govsec bench vulndb`: a synthetic NVD feed imported end to end into a fresh SQLite
//! database, the applicability index rebuilt from it, and lookups of a synthetic inventory.
//!
//! The feed comes from `govsec_vulndb::synthetic` (the shape of the real NVD sample; writing
//! it is not timed). The import is `govsec vulndb import` itself; the index is built the way
//! `govsec vulndb lookup` and later the matcher build it, from storage. Lookups mix products
//! that no CVE names with products drawn as CVEs draw them, since most of a real inventory has
//! no CVE; the report gives lookups and CVE hits per second, because the cost of a lookup grows
//! with its answer.
//!
//! The index is built and queried by a second `govsec` process (`bench vulndb-index`), as it is
//! in use: the import runs in `govsec vulndb import`, the lookups in another process that reads
//! the database. So each peak resident set size is one process's.

use std::path::PathBuf;
use std::time::Instant;

use govsec_i18n::Lang;
use govsec_store::Store;
use govsec_vulndb::ApplicabilityIndex;
use govsec_vulndb::synthetic::{generate_nvd, measure_lookups, peak_resident_kib};
use serde_json::json;

use crate::Failure;
use crate::commands::vulndb_import::{self, ImportFiles};

/// `govsec bench vulndb`.
#[derive(Debug, Clone, clap::Args)]
pub struct VulndbBenchArgs {
    /// Synthetic CVEs to generate (ignored with --nvd).
    #[arg(long, default_value_t = 300_000)]
    pub cves: usize,
    /// An existing feed to import instead of a generated one.
    #[arg(long)]
    pub nvd: Option<PathBuf>,
    /// Seed of the generator and of the inventory.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Lookups to run.
    #[arg(long, default_value_t = 2_000_000)]
    pub lookups: usize,
    /// Lookup threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Share of inventory entries (per mille) whose product no CVE names.
    #[arg(long, default_value_t = 600)]
    pub unlisted_per_mille: u64,
}

/// Runs the benchmark and prints its report as JSON.
pub async fn run(args: &VulndbBenchArgs) -> Result<(), Failure> {
    let directory = tempfile::tempdir().map_err(anyhow::Error::from)?;
    let feed = match &args.nvd {
        Some(feed) => feed.clone(),
        None => {
            let feed = directory.path().join("nvdcve-2.0-synthetic.json");
            let started = Instant::now();
            generate_nvd(args.cves, args.seed, &feed)
                .map_err(|error| Failure::Input(error.to_string()))?;
            eprintln!(
                "generated {} synthetic CVEs in {:.1} s",
                args.cves,
                started.elapsed().as_secs_f64()
            );
            feed
        }
    };
    let feed_bytes = std::fs::metadata(&feed).map_err(anyhow::Error::from)?.len();
    let database = directory.path().join("govsec.sqlite3");
    let store = Store::open_sqlite(&database)
        .await
        .map_err(anyhow::Error::from)?;
    store.migrate().await.map_err(anyhow::Error::from)?;

    let started = Instant::now();
    let files = ImportFiles {
        nvd: vec![feed],
        ..ImportFiles::default()
    };
    let report = vulndb_import::import(&store, files, false, Lang::En).await?;
    let import_seconds = started.elapsed().as_secs_f64();

    let import_peak_rss_kib = peak_resident_kib();
    let database_bytes = std::fs::metadata(&database).map_or(0, |metadata| metadata.len());
    store.close().await;

    let child = std::process::Command::new(std::env::current_exe().map_err(anyhow::Error::from)?)
        .arg("--database-url")
        .arg(format!("sqlite:{}", database.display()))
        .args(["bench", "vulndb-index"])
        .args(["--lookups", &args.lookups.to_string()])
        .args(["--threads", &args.threads.to_string()])
        .args(["--seed", &args.seed.to_string()])
        .args(["--unlisted-per-mille", &args.unlisted_per_mille.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(anyhow::Error::from)?;
    if !child.status.success() {
        return Err(Failure::Internal(anyhow::anyhow!(
            "the index process failed: {}",
            child.status
        )));
    }
    let index: serde_json::Value =
        serde_json::from_slice(&child.stdout).map_err(anyhow::Error::from)?;
    let index_seconds = index["index_from_storage_seconds"]
        .as_f64()
        .unwrap_or(f64::NAN);
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "cves": report.counts.new + report.counts.updated + report.counts.rejected,
            "feed_bytes": feed_bytes,
            "database_bytes": database_bytes,
            "import_seconds": import_seconds,
            "import_peak_rss_kib": import_peak_rss_kib,
            "index_from_storage_seconds": index_seconds,
            "end_to_end_seconds": import_seconds + index_seconds,
            "index_process": index,
        }))
        .expect("JSON values serialize")
    );
    Ok(())
}

/// `govsec bench vulndb-index`: the index process of `bench vulndb`.
#[derive(Debug, Clone, clap::Args)]
pub struct IndexBenchArgs {
    /// Lookups to run.
    #[arg(long, default_value_t = 2_000_000)]
    pub lookups: usize,
    /// Lookup threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Seed of the inventory.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of inventory entries (per mille) whose product no CVE names.
    #[arg(long, default_value_t = 600)]
    pub unlisted_per_mille: u64,
}

/// Builds the index from the configured database, runs the lookups, prints the figures.
pub async fn run_index(args: &IndexBenchArgs, store: &Store) -> Result<(), Failure> {
    let started = Instant::now();
    let mut builder = ApplicabilityIndex::builder();
    store
        .vulndb_applicability(None, &mut builder)
        .await
        .map_err(anyhow::Error::from)?;
    let read_seconds = started.elapsed().as_secs_f64();
    let index = builder.build();
    let index_seconds = started.elapsed().as_secs_f64();
    store.close().await;
    let index_peak_rss_kib = peak_resident_kib();
    let mixed = measure_lookups(
        &index,
        args.lookups,
        args.threads,
        args.seed,
        args.unlisted_per_mille,
    );
    let listed_only = measure_lookups(&index, args.lookups / 4, args.threads, args.seed, 0);
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({
            "index_from_storage_seconds": index_seconds,
            "records_read_and_added_seconds": read_seconds,
            "index_laid_out_seconds": index_seconds - read_seconds,
            "index_peak_rss_kib": index_peak_rss_kib,
            "cves": index.cve_count(),
            "criteria": index.criteria_count(),
            "configurations": index.configuration_count(),
            "lookups_inventory_mix": mixed,
            "lookups_listed_products_only": listed_only,
            "peak_rss_kib": peak_resident_kib(),
        }))
        .expect("JSON values serialize")
    );
    Ok(())
}
