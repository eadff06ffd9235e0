//! Benchmarks: parse + index of a synthetic NVD feed, and index lookups.
//!
//! `cargo bench -p govsec-vulndb` uses 20,000 synthetic CVEs so that it
//! runs in seconds; the 300,000-CVE figures in `docs/BENCHMARKS-vulndb.md`
//! come from the `vulndb_bench` example.
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented public function"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use govsec_vulndb::synthetic::{Rng, generate_nvd, synthetic_asset};
use govsec_vulndb::{ApplicabilityIndex, Asset, ReadOptions, read_nvd_file};

fn benches(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("govsec-vulndb-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let feed = dir.join("nvdcve-2.0-synthetic.json");
    generate_nvd(20_000, 7, &feed).unwrap();
    let mut group = c.benchmark_group("vulndb");
    group.sample_size(10);
    group.bench_function("parse_and_index_20k", |b| {
        b.iter(|| {
            let mut builder = ApplicabilityIndex::builder();
            read_nvd_file(&feed, ReadOptions::default(), |record| builder.add(&record)).unwrap();
            builder.build()
        })
    });
    let mut builder = ApplicabilityIndex::builder();
    read_nvd_file(&feed, ReadOptions::default(), |record| builder.add(&record)).unwrap();
    let index = builder.build();
    let mut rng = Rng::new(11);
    let assets: Vec<Asset> = (0..1000)
        .map(|_| Asset::new(synthetic_asset(&mut rng)))
        .collect();
    let mut at = 0;
    group.bench_function("lookup", |b| {
        b.iter(|| {
            at = (at + 1) % assets.len();
            index.lookup(&assets[at]).len()
        })
    });
    group.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group!(vulndb, benches);
criterion_main!(vulndb);
