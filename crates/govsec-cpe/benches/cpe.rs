//! Throughput of parsing, binding and comparing realistic NVD-style names,
//! and of version ordering. Figures go to docs/BENCHMARKS-cpe.md.
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented public function"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use govsec_cpe::{Version, WellFormedName};

/// Names as they appear in NVD match criteria and inventories.
const NAMES: &[&str] = &[
    "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
    "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*",
    "cpe:2.3:o:microsoft:windows_10:1809:*:*:*:*:*:x64:*",
    "cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*",
    "cpe:2.3:a:openssl:openssl:1.0.1g:*:*:*:*:*:*:*",
    r"cpe:2.3:a:microsoft:visual_c\+\+:2015:*:*:*:*:*:*:*",
    "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*",
    "cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*",
];

const URIS: &[&str] = &[
    "cpe:/a:apache:http_server:2.4.49",
    "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
    "cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~",
    "cpe:/o:microsoft:windows_10:1809",
];

/// Criteria (with ANY and wildcards) against inventory names.
const CRITERIA: &[&str] = &[
    "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*",
    "cpe:2.3:a:apache:http_server:2.4.*:*:*:*:*:*:*:*",
    "cpe:2.3:a:microsoft:internet_explorer:8.*:*:*:*:*:*:*:*",
    "cpe:2.3:a:oracle:jre:1.8.0:update_2??:*:*:*:*:*:*",
    "cpe:2.3:o:microsoft:windows_10:-:*:*:*:*:*:*:*",
    "cpe:2.3:a:openssl:openssl:1.0.1g:*:*:*:*:*:*:*",
    "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*",
    "cpe:2.3:h:cisco:asa_5505:-:*:*:*:*:*:*:*",
];

const VERSIONS: &[&str] = &[
    "2.4.49",
    "2.4.5",
    "1.0.1g",
    "1.0.1f",
    "1.8.0_281",
    "10.0.19041.1234",
    "1.0-rc1",
    "1.10",
];

fn parse_all(names: &[&str]) -> Vec<WellFormedName> {
    names
        .iter()
        .map(|n| WellFormedName::parse(n).unwrap())
        .collect()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("cpe");

    group.throughput(Throughput::Elements(NAMES.len() as u64));
    group.bench_function("parse_formatted_string", |b| {
        b.iter(|| {
            for name in NAMES {
                black_box(WellFormedName::parse(black_box(name)).unwrap());
            }
        })
    });

    group.throughput(Throughput::Elements(URIS.len() as u64));
    group.bench_function("parse_uri", |b| {
        b.iter(|| {
            for name in URIS {
                black_box(WellFormedName::parse(black_box(name)).unwrap());
            }
        })
    });

    let names = parse_all(NAMES);
    group.throughput(Throughput::Elements(names.len() as u64));
    group.bench_function("format_formatted_string", |b| {
        b.iter(|| {
            for name in &names {
                black_box(black_box(name).to_formatted_string());
            }
        })
    });
    group.bench_function("format_uri", |b| {
        b.iter(|| {
            for name in &names {
                black_box(black_box(name).to_uri());
            }
        })
    });

    let criteria = parse_all(CRITERIA);
    let pairs = (criteria.len() * names.len()) as u64;
    group.throughput(Throughput::Elements(pairs));
    group.bench_function("compare", |b| {
        b.iter(|| {
            for source in &criteria {
                for target in &names {
                    let _ = black_box(black_box(source).compare(black_box(target)));
                }
            }
        })
    });
    group.bench_function("covers", |b| {
        b.iter(|| {
            for source in &criteria {
                for target in &names {
                    black_box(black_box(source).covers(black_box(target)));
                }
            }
        })
    });

    group.throughput(Throughput::Elements(VERSIONS.len() as u64));
    group.bench_function("version_parse", |b| {
        b.iter(|| {
            for version in VERSIONS {
                black_box(Version::parse(black_box(version)));
            }
        })
    });
    let versions: Vec<Version> = VERSIONS.iter().map(|v| Version::parse(v)).collect();
    group.throughput(Throughput::Elements(
        (versions.len() * versions.len()) as u64,
    ));
    group.bench_function("version_compare", |b| {
        b.iter(|| {
            for a in &versions {
                for b in &versions {
                    black_box(black_box(a).cmp(black_box(b)));
                }
            }
        })
    });
    group.finish();
}

criterion_group!(cpe, benches);
criterion_main!(cpe);
