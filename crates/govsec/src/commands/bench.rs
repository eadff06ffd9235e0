//! `govsec bench …`: national-scale data and the web load test.
//!
//! `gen-world` grows the demo registry to a national scale (by default 3,000 agencies, 10,000
//! websites, 30,000 systems) with generated agencies under the real ones. `load` is an
//! open-loop load generator: requests start on a fixed schedule whatever the server's speed,
//! and latency counts from the scheduled start, so a slow server cannot hide its queueing
//! (coordinated omission). `web` does both against a `govsec serve` child process on loopback.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use govsec_core::Scope;
use govsec_core::audit::Actor;
use govsec_core::registry::{HeaderLanguage, TextEncoding, read_registry, write_csv};
use govsec_core::{
    Agency, AgencyCode, ExchangeLayer, InformationSystem, ResponsibilityLevel, Tier, WebsiteUrl,
};
use govsec_store::Store;
use http_body_util::{BodyExt, Empty};
use serde::Serialize;

use crate::Failure;
use crate::commands::demo::load_world;
use crate::config::Settings;

/// `govsec bench …`.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Fills the configured database with a national-scale registry.
    GenWorld(WorldArgs),
    /// Sends requests at a fixed rate to a running server and reports latency percentiles.
    Load(LoadArgs),
    /// Writes a synthetic NVD-shaped feed that follows the real sample's shape.
    GenNvd {
        /// CVE records to write.
        #[arg(long, default_value_t = 300_000)]
        cves: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The feed file to write.
        #[arg(long, short)]
        output: std::path::PathBuf,
    },
    /// `govsec scan` on many virtual hosts on loopback, optionally beside pshtt.
    Scan(super::bench_scan::ScanBenchArgs),
    /// A synthetic NVD feed imported into a fresh SQLite database, the index rebuilt from it,
    /// and lookups of a synthetic inventory.
    Vulndb(crate::commands::vulndb_bench::VulndbBenchArgs),
    /// The index process of `bench vulndb`: the index built from the configured database,
    /// then lookups.
    #[command(hide = true)]
    VulndbIndex(crate::commands::vulndb_bench::IndexBenchArgs),
    /// The normaliser on a labelled inventory: conversion rate, precision, recall.
    NormalizeQuality(crate::commands::inventory_bench::QualityArgs),
    /// The normaliser's speed on a generated inventory of a million rows.
    Normalize(crate::commands::inventory_bench::SpeedArgs),
    /// gen-world into a temporary directory, `govsec serve` on it, then load.
    Web {
        #[command(flatten)]
        world: WorldArgs,
        /// Requests per second.
        #[arg(long, default_value_t = 200)]
        rate: u32,
        /// Seconds of load.
        #[arg(long, default_value_t = 30)]
        duration: u64,
    },
}

/// The size of a generated world.
#[derive(Debug, Clone, clap::Args)]
pub struct WorldArgs {
    /// Agencies in all.
    #[arg(long, default_value_t = 3000)]
    pub agencies: usize,
    /// Websites in all.
    #[arg(long, default_value_t = 10_000)]
    pub websites: usize,
    /// Information systems in all.
    #[arg(long, default_value_t = 30_000)]
    pub systems: usize,
    /// Seed of the generator: the same seed gives the same world.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// `govsec bench load`.
#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    pub url: String,
    /// Requests per second.
    #[arg(long, default_value_t = 200)]
    pub rate: u32,
    /// Seconds of load.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Paths to request in turn; `{code}` is replaced by an agency code from the server's registry.
    #[arg(long = "path", default_values_t = vec!["/agencies".to_owned(), "/agencies/{code}".to_owned()])]
    pub paths: Vec<String>,
    /// A Cookie header to send, such as `govsec_session=…` of a signed-in session.
    #[arg(long)]
    pub cookie: Option<String>,
}

/// A small deterministic generator (SplitMix64): the benchmark world must be reproducible.
pub(crate) struct Random(pub(crate) u64);

impl Random {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// The demo registry grown to the asked size. Generated agencies hang under real ones, codes
/// start with `9` (unused by the demo), websites are under the reserved `.test` domain.
pub fn generate_world(demo: &[Agency], args: &WorldArgs) -> Vec<Agency> {
    let mut random = Random(args.seed);
    let mut agencies: Vec<Agency> = demo.to_vec();
    if agencies.is_empty() {
        return agencies;
    }
    let generated = args.agencies.saturating_sub(agencies.len());
    for n in 0..generated {
        let parent_index = random.below(agencies.len());
        let parent = &agencies[parent_index];
        let (tier, parent_code, parent_name) =
            (parent.tier, parent.code.clone(), parent.name_zh.clone());
        let child_tier = match tier {
            Tier::SecondLevel => Tier::ThirdLevel,
            Tier::ThirdLevel | Tier::FourthLevel => Tier::FourthLevel,
            Tier::CityCounty => [Tier::Township, Tier::School, Tier::Other][random.below(3)],
            Tier::Other if parent.parent.is_none() => Tier::SecondLevel,
            other => other,
        };
        let Ok(code) = AgencyCode::parse(&format!("9{n:08}G")) else {
            continue;
        };
        agencies.push(Agency {
            code,
            name_zh: format!("{parent_name}所屬第{}機關", n + 1),
            name_en: format!("Generated agency {}", n + 1),
            tier: child_tier,
            parent: Some(parent_code),
            level: ResponsibilityLevel::ALL[1 + random.below(4)],
            exchange_layer: ExchangeLayer::Terminal,
            contacts: Vec::new(),
            websites: Vec::new(),
            systems: Vec::new(),
        });
    }
    agencies.truncate(args.agencies.max(1));
    let have_websites: usize = agencies.iter().map(|a| a.websites.len()).sum();
    let have_systems: usize = agencies.iter().map(|a| a.systems.len()).sum();
    let count = agencies.len();
    for n in 0..args.websites.saturating_sub(have_websites) {
        let index = if n < count { n } else { random.below(count) };
        if let Ok(url) = WebsiteUrl::parse(&format!("https://site{n}.bench.test/")) {
            agencies[index].websites.push(url);
        }
    }
    for n in 0..args.systems.saturating_sub(have_systems) {
        let index = if n < count { n } else { random.below(count) };
        let core = random.below(4) == 0;
        agencies[index].systems.push(InformationSystem {
            name: format!("業務系統 {}", n + 1),
            core,
            covered_by_vans: random.below(100) >= 15,
            covered_by_edr: random.below(100) >= 6,
        });
    }
    agencies
}

/// Writes the generated world into `store`, through the same checked import as any file.
pub async fn fill_world(store: &Store, args: &WorldArgs) -> anyhow::Result<usize> {
    load_world(store).await?;
    let demo = store.agencies(&Scope::National).await?;
    let world = generate_world(&demo, args);
    let csv = write_csv(&world, HeaderLanguage::English);
    let outcome = store
        .import_agencies(
            read_registry("generated-world.csv", &csv, TextEncoding::Utf8),
            &Actor::command_line(),
        )
        .await?;
    Ok(outcome.created + outcome.updated)
}

/// Runs `govsec bench …`.
pub async fn run(command: BenchCommand, settings: &Settings) -> Result<(), Failure> {
    match command {
        BenchCommand::Scan(args) => super::bench_scan::run(args).await,
        BenchCommand::NormalizeQuality(args) => super::inventory_bench::run_quality(&args),
        BenchCommand::Normalize(args) => super::inventory_bench::run_speed(&args),
        BenchCommand::GenWorld(args) => {
            let store = settings.open_store().await?;
            let started = Instant::now();
            let count = fill_world(&store, &args).await?;
            let statistics = store
                .registry_statistics(&Scope::National)
                .await
                .map_err(anyhow::Error::from)?;
            store.close().await;
            println!(
                "{}",
                serde_json::json!({
                    "agencies": count,
                    "websites": statistics.total().websites,
                    "systems": statistics.systems,
                    "seconds": started.elapsed().as_secs_f64(),
                })
            );
            Ok(())
        }
        BenchCommand::Vulndb(args) => crate::commands::vulndb_bench::run(&args).await,
        BenchCommand::VulndbIndex(args) => {
            let store = settings.open_store().await?;
            crate::commands::vulndb_bench::run_index(&args, &store).await
        }
        BenchCommand::GenNvd { cves, seed, output } => {
            let report = crate::commands::vulndb::run_gen_nvd(cves, seed, &output)
                .map_err(|error| Failure::Input(error.to_string()))?;
            println!("{report}");
            Ok(())
        }
        BenchCommand::Load(args) => {
            let report = load(&args).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?
            );
            Ok(())
        }
        BenchCommand::Web {
            world,
            rate,
            duration,
        } => {
            let report = web(&world, rate, duration).await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&report).map_err(anyhow::Error::from)?
            );
            Ok(())
        }
    }
}

/// Latency figures of one path.
#[derive(Debug, Serialize)]
pub struct PathReport {
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    mean_bytes: usize,
}

/// What a load run measured.
#[derive(Debug, Serialize)]
pub struct LoadReport {
    target_rate: u32,
    achieved_rate: f64,
    seconds: f64,
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    by_path: BTreeMap<String, PathReport>,
}

struct Sample {
    path_template: usize,
    latency: Duration,
    ok: bool,
    bytes: usize,
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn milliseconds(samples: &mut [f64]) -> (f64, f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    (
        percentile(samples, 0.50),
        percentile(samples, 0.90),
        percentile(samples, 0.99),
        samples.last().copied().unwrap_or(0.0),
    )
}

type Client = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Empty<Bytes>,
>;

async fn fetch(client: &Client, url: &str, cookie: Option<&str>) -> anyhow::Result<(bool, Bytes)> {
    let uri: hyper::Uri = url.parse().with_context(|| format!("bad URL {url}"))?;
    let mut request = hyper::Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(hyper::header::COOKIE, cookie);
    }
    let response = client.request(request.body(Empty::new())?).await?;
    let ok = response.status().is_success();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((ok, body))
}

/// Agency codes the server lists, for `{code}` in paths.
async fn agency_codes(
    client: &Client,
    base: &str,
    cookie: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    let (ok, body) = fetch(client, &format!("{base}/api/v1/agencies"), cookie).await?;
    if !ok {
        bail!("{base}/api/v1/agencies did not answer 200");
    }
    let value: serde_json::Value = serde_json::from_slice(&body)?;
    let codes: Vec<String> = value["agencies"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|a| a["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if codes.is_empty() {
        bail!("{base} lists no agency; run govsec bench gen-world first");
    }
    Ok(codes)
}

/// Runs the open-loop load and measures it.
pub async fn load(args: &LoadArgs) -> anyhow::Result<LoadReport> {
    if args.rate == 0 || args.paths.is_empty() {
        bail!("--rate must be positive and at least one --path given");
    }
    let base = args.url.trim_end_matches('/').to_owned();
    let client: Client =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_max_idle_per_host(1024)
            .build_http();
    let codes = agency_codes(&client, &base, args.cookie.as_deref()).await?;
    let interval = Duration::from_secs_f64(1.0 / f64::from(args.rate));
    let total = (u64::from(args.rate) * args.duration) as usize;
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Sample>();
    let started = Instant::now();
    let mut random = Random(7);
    for n in 0..total {
        let scheduled = started + interval * n as u32;
        tokio::time::sleep_until(scheduled.into()).await;
        let template = n % args.paths.len();
        let path = args.paths[template].replace("{code}", &codes[random.below(codes.len())]);
        let url = format!("{base}{path}");
        let client = client.clone();
        let sender = sender.clone();
        let cookie = args.cookie.clone();
        tokio::spawn(async move {
            let (ok, bytes) = match fetch(&client, &url, cookie.as_deref()).await {
                Ok((ok, body)) => (ok, body.len()),
                Err(_) => (false, 0),
            };
            let _ = sender.send(Sample {
                path_template: template,
                latency: scheduled.elapsed(),
                ok,
                bytes,
            });
        });
    }
    drop(sender);
    let mut samples = Vec::with_capacity(total);
    while let Some(sample) = receiver.recv().await {
        samples.push(sample);
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut all: Vec<f64> = samples
        .iter()
        .map(|s| s.latency.as_secs_f64() * 1000.0)
        .collect();
    let (p50, p90, p99, max) = milliseconds(&mut all);
    let mut by_path = BTreeMap::new();
    for (index, template) in args.paths.iter().enumerate() {
        let mine: Vec<&Sample> = samples
            .iter()
            .filter(|s| s.path_template == index)
            .collect();
        let mut latencies: Vec<f64> = mine
            .iter()
            .map(|s| s.latency.as_secs_f64() * 1000.0)
            .collect();
        let (p50, p90, p99, max) = milliseconds(&mut latencies);
        by_path.insert(
            template.clone(),
            PathReport {
                requests: mine.len(),
                errors: mine.iter().filter(|s| !s.ok).count(),
                p50_ms: p50,
                p90_ms: p90,
                p99_ms: p99,
                max_ms: max,
                mean_bytes: mine.iter().map(|s| s.bytes).sum::<usize>() / mine.len().max(1),
            },
        );
    }
    Ok(LoadReport {
        target_rate: args.rate,
        achieved_rate: samples.len() as f64 / seconds,
        seconds,
        requests: samples.len(),
        errors: samples.iter().filter(|s| !s.ok).count(),
        p50_ms: p50,
        p90_ms: p90,
        p99_ms: p99,
        max_ms: max,
        by_path,
    })
}

async fn web(world: &WorldArgs, rate: u32, duration: u64) -> anyhow::Result<serde_json::Value> {
    let directory = tempfile::Builder::new().prefix("govsec-bench-").tempdir()?;
    let store = Store::open_sqlite(&directory.path().join(crate::config::DATABASE_FILE)).await?;
    store.migrate().await?;
    let generated = Instant::now();
    let agencies = fill_world(&store, world).await?;
    let generation_seconds = generated.elapsed().as_secs_f64();
    let cookie = bench_session(&store).await?;
    store.close().await;
    let port = free_port()?;
    let mut server = spawn_server(directory.path(), port)?;
    let base = format!("http://127.0.0.1:{port}");
    let outcome = async {
        wait_for_health(&base).await?;
        load(&LoadArgs {
            url: base.clone(),
            rate,
            duration,
            paths: vec!["/agencies".to_owned(), "/agencies/{code}".to_owned()],
            cookie: Some(cookie),
        })
        .await
    }
    .await;
    let _ = server.kill();
    let _ = server.wait();
    let report = outcome?;
    Ok(serde_json::json!({
        "world": {"agencies": agencies, "websites": world.websites, "systems": world.systems, "generation_seconds": generation_seconds},
        "load": report,
    }))
}

/// A national analyst's signed-in session for the load, made directly in the store: the load
/// measures pages, not sign-in (which costs an Argon2id hash on purpose).
async fn bench_session(store: &Store) -> anyhow::Result<String> {
    let login = govsec_identity::LoginName::parse("bench.analyst")?;
    let user = govsec_store::NewUser {
        login: login.clone(),
        agency: AgencyCode::parse("A00000000A")?,
        role: govsec_identity::Role::AuthorityAnalyst,
        password_hash: "!".to_owned(),
        email: None,
        demo: false,
    };
    let now = crate::commands::unix_now_signed();
    store
        .create_user(&user, &govsec_core::audit::Actor::command_line(), now)
        .await?;
    let token = govsec_identity::SessionToken::parse(&govsec_web::random_token())?;
    store
        .create_session(
            &token.hash(),
            &login,
            &govsec_web::random_token(),
            now,
            true,
        )
        .await?;
    Ok(format!("govsec_session={}", token.as_str()))
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn spawn_server(data_dir: &Path, port: u16) -> anyhow::Result<std::process::Child> {
    let executable = std::env::current_exe().context("finding the govsec executable")?;
    std::process::Command::new(executable)
        .arg("serve")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .env_remove("GOVSEC_DATABASE_URL")
        .env("GOVSEC_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .spawn()
        .context("starting govsec serve")
}

async fn wait_for_health(base: &str) -> anyhow::Result<()> {
    let client: Client =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    for _ in 0..200 {
        if let Ok((true, _)) = fetch(&client, &format!("{base}/healthz"), None).await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("govsec serve did not become healthy on {base}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 0.99), 99.0);
        assert_eq!(percentile(&sorted, 0.50), 50.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn the_generated_world_has_the_asked_size_and_is_reproducible() {
        let args = WorldArgs {
            agencies: 300,
            websites: 900,
            systems: 2000,
            seed: 1,
        };
        assert!(generate_world(&[], &args).is_empty());
        let root = Agency {
            code: AgencyCode::parse("A00000000A").unwrap(),
            name_zh: "行政院".into(),
            name_en: "Executive Yuan".into(),
            tier: Tier::Other,
            parent: None,
            level: ResponsibilityLevel::A,
            exchange_layer: ExchangeLayer::Management,
            contacts: vec![],
            websites: vec![],
            systems: vec![],
        };
        let world = generate_world(std::slice::from_ref(&root), &args);
        assert_eq!(world, generate_world(&[root], &args));
        assert_eq!(world.len(), 300);
        assert_eq!(world.iter().map(|a| a.websites.len()).sum::<usize>(), 900);
        assert_eq!(world.iter().map(|a| a.systems.len()).sum::<usize>(), 2000);
    }
}
