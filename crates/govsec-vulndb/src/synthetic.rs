//! Synthetic NVD-shaped data for benchmarks only (`govsec bench gen-nvd`),
//! and the benchmark of parsing and indexing it.
//!
//! The shape follows the real sample `shared/data/nvd/nvdcve-2.0-sample.json`
//! (153 CVEs, 2,344 `cpeMatch` entries), measured with a script over that
//! file; the figures are the constants below:
//!
//! | figure | sample |
//! |---|---|
//! | `cpeMatch` entries per CVE | mean 15.3, median 7, max 408; 12 of 153 CVEs have none ([`CRITERIA_PER_CVE`]) |
//! | entries with a version range | 28.6 % ([`RANGE_SHARE`]) |
//! | entries with an exact version | 52.1 % ([`EXACT_SHARE`]); the rest ANY or NA |
//! | vulnerable entries without version or bounds | 30 ANY, 132 NA ([`ANY_SHARE_OF_REST`]) |
//! | entries with `vulnerable: false` | 13.4 % (the platform nodes of AND configurations) |
//! | configurations per CVE | mean 2.25 ([`ENTRIES_PER_CONFIGURATION`] = 15.3 / 2.25) |
//! | AND configurations | 33.0 % of configurations ([`AND_SHARE`]) |
//! | nodes per configuration | mean 1.33 |
//! | distinct vendors per CVE | mean 1.65 ([`SECOND_VENDOR_SHARE`]) |
//! | distinct products per CVE | mean 6.2, median 2 ([`PRODUCTS_PER_ENTRY`] = 6.2 / 15.3) |
//! | distinct `matchCriteriaId`s | 1,931 of 2,344 entries (criteria recur across CVEs) |
//!
//! What 153 KEV-heavy records cannot show, the generator takes from the
//! whole NVD: about 30,000 products appear in configurations ([`PRODUCTS`]),
//! with a Zipf-like head (`linux_kernel` about 15,000 CVEs, `chrome` about
//! 3,000; [`Rng::product`]); each product has a release timeline, a CVE's
//! ranges end at the release that fixed it and half start at the branch,
//! and exact versions are affected releases before it, so that a lookup's
//! answer depends on how old the asked release is, as in NVD. The earlier
//! generator had 222,285 products, at most 3,507 criteria per product, and
//! ranges that ended above every version, so that a lookup of a popular
//! vendor matched almost every one of its CVEs.
//!
//! The generator is deterministic for a seed; the CVSS v3.1 vectors carry
//! the scores computed from them, so the file also passes the score check.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use govsec_cpe::WellFormedName;
use serde::Serialize;

use crate::applicability::Asset;
use crate::cvss::{CvssVector, Severity};
use crate::error::Error;
use crate::id::MatchCriteriaId;
use crate::index::{ApplicabilityIndex, IndexBuilder};
use crate::nvd::{ReadOptions, read_nvd_file};

/// `cpeMatch` entries per CVE in the sample, one value per CVE, sorted.
pub const CRITERIA_PER_CVE: [u16; 153] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6,
    6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9,
    9, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 12, 12, 13, 13, 13, 13, 13, 13, 14, 14, 15, 17,
    17, 18, 19, 19, 20, 21, 22, 24, 25, 25, 25, 25, 25, 27, 27, 28, 30, 32, 32, 37, 39, 40, 42, 43,
    51, 55, 56, 71, 76, 82, 96, 100, 408,
];
/// Share of entries with a version range, in per mille.
pub const RANGE_SHARE: u64 = 286;
/// Share of entries with an exact version, in per mille.
pub const EXACT_SHARE: u64 = 521;
/// Share of ANY among the vulnerable entries with neither a version nor
/// bounds, in per mille (30 ANY, 132 NA in the sample: "all versions" is rare).
pub const ANY_SHARE_OF_REST: u64 = 185;
/// Share of configurations that are AND ("running on/with"), in per mille.
pub const AND_SHARE: u64 = 330;
/// Mean entries per configuration.
pub const ENTRIES_PER_CONFIGURATION: f64 = 6.8;
/// Distinct products per entry.
pub const PRODUCTS_PER_ENTRY: f64 = 0.405;
/// Share of CVEs naming a second vendor, in per mille.
pub const SECOND_VENDOR_SHARE: u64 = 450;

/// Products named in configurations (the real NVD has about 30,000).
pub const PRODUCTS: u64 = 30_000;

/// Release positions on each product's timeline; a CVE at time `t` (0–1,
/// its place in the feed) is fixed near release `t * RELEASES`.
const RELEASES: u64 = 1000;

/// Releases per major version: a range with a start begins at its branch's
/// first release (`versionStartIncluding` `4.0.0`, `versionEndExcluding` `4.3.7`).
const BRANCH: u64 = 50;

/// The most common products, most common first, with their real names: a
/// product's rank sets its share of CVEs (see [`Rng::product`]), so these
/// get the most CVEs and the largest buckets of the index, and lookups ask
/// for them most. Ranks from `HEAD.len()` on are synthetic (`vendorN`,
/// `productN`, three per vendor).
const HEAD: [(&str, &str, &str); 24] = [
    ("o", "linux", "linux_kernel"),
    ("o", "microsoft", "windows_10"),
    ("o", "debian", "debian_linux"),
    ("o", "google", "android"),
    ("o", "microsoft", "windows_server_2016"),
    ("o", "fedoraproject", "fedora"),
    ("o", "apple", "iphone_os"),
    ("o", "microsoft", "windows_server_2019"),
    ("a", "google", "chrome"),
    ("o", "canonical", "ubuntu_linux"),
    ("o", "apple", "macos"),
    ("a", "mozilla", "firefox"),
    ("o", "microsoft", "windows_11"),
    ("o", "microsoft", "windows_server_2022"),
    ("a", "oracle", "mysql"),
    ("a", "adobe", "acrobat_reader_dc"),
    ("a", "microsoft", "office"),
    ("a", "microsoft", "edge_chromium"),
    ("a", "oracle", "jdk"),
    ("a", "php", "php"),
    ("a", "apple", "safari"),
    ("a", "mozilla", "thunderbird"),
    ("a", "microsoft", "exchange_server"),
    ("a", "apache", "http_server"),
];

/// Synthetic products per synthetic vendor.
const PRODUCTS_PER_VENDOR: u64 = 3;

/// The part, vendor and product of the product of rank `rank`.
fn product_name(rank: u64) -> (String, String, String) {
    match HEAD.get(rank as usize) {
        Some(&(part, vendor, product)) => (part.to_owned(), vendor.to_owned(), product.to_owned()),
        None => {
            let vendor = (rank - HEAD.len() as u64) / PRODUCTS_PER_VENDOR;
            (
                "a".to_owned(),
                format!("vendor{vendor}"),
                format!("product{rank}"),
            )
        }
    }
}

/// The products of the vendor of `rank` (a CVE often names several: the
/// Windows releases, a vendor's product line).
fn vendor_products(rank: u64) -> Vec<u64> {
    match HEAD.get(rank as usize) {
        Some(&(_, vendor, _)) => (0..HEAD.len() as u64)
            .filter(|&other| HEAD[other as usize].1 == vendor)
            .collect(),
        None => {
            let first = rank - (rank - HEAD.len() as u64) % PRODUCTS_PER_VENDOR;
            (first..(first + PRODUCTS_PER_VENDOR).min(PRODUCTS)).collect()
        }
    }
}

/// The version text of release `release` of a product timeline: `major.minor.patch`,
/// increasing with `release`.
fn release_version(release: u64) -> String {
    format!(
        "{}.{}.{}",
        release / BRANCH,
        release / 10 % (BRANCH / 10),
        release % 10
    )
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }

    /// True with `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// A product rank, Zipf-like: rank `r` with weight `1 / (r + 2)`, so
    /// that the most common product is named by about 5 % of CVEs (the real
    /// `linux_kernel` by about 15,000 of 300,000), the tenth by about 0.9 %
    /// (the real `chrome`, about 3,000), the thousandth by about 30 CVEs,
    /// and most products by a few (inverse transform of the weights' sum,
    /// `ln((r + 2) / 2)`).
    pub fn product(&mut self) -> u64 {
        let uniform = self.below(1 << 20) as f64 / f64::from(1 << 20);
        let total = ((PRODUCTS + 2) as f64 / 2.0).ln();
        ((2.0 * (uniform * total).exp() - 2.0) as u64).min(PRODUCTS - 1)
    }
}

/// A concrete CPE name of an inventory in the synthetic world: a product
/// drawn as CVEs draw them (so Windows, Chrome and Office are asked for
/// most, as on a fleet of desktops), at a release drawn towards the recent
/// end of its timeline: an installed release is `u^4` of the timeline old,
/// `u` uniform (median 1/16 of the history, about 1.6 years of the feed's
/// 26; one in ten more than 65 %), as mostly patched fleets with a tail of
/// neglected hosts are.
pub fn synthetic_asset(rng: &mut Rng) -> WellFormedName {
    let (part, vendor, product) = product_name(rng.product());
    let uniform = rng.below(1 << 20) as f64 / f64::from(1 << 20);
    let age = (uniform.powi(4) * RELEASES as f64) as u64;
    WellFormedName::parse(&format!(
        "cpe:2.3:{part}:{vendor}:{product}:{}:*:*:*:*:*:*:*",
        release_version(RELEASES - 1 - age.min(RELEASES - 1))
    ))
    .expect("synthetic names are valid")
}

/// The platforms of AND configurations: operating systems and hardware.
const PLATFORMS: [&str; 6] = [
    "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
    "cpe:2.3:o:apple:macos:-:*:*:*:*:*:*:*",
    "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
    "cpe:2.3:h:vendor0:appliance100:-:*:*:*:*:*:*:*",
    "cpe:2.3:h:vendor1:appliance200:-:*:*:*:*:*:*:*",
    "cpe:2.3:o:google:android:-:*:*:*:*:*:*:*",
];

fn criteria_id(text: &str) -> String {
    let id = MatchCriteriaId::derived(text).to_string();
    // Give the id NVD's random-UUID version nibble so it reads as NVD's.
    format!("{}4{}", &id[..14], &id[15..])
}

/// One `cpeMatch` entry as JSON, for a CVE at release `now` of the timeline.
fn entry(rng: &mut Rng, products: &[u64], now: u64, out: &mut String) {
    let (part, vendor, product) = product_name(products[rng.below(products.len() as u64) as usize]);
    let roll = rng.below(1000);
    let (version_field, bounds) = if roll < RANGE_SHARE {
        // Fixed around the CVE's time; half the ranges start at the branch.
        let fix = (now + rng.below(BRANCH / 2)).min(RELEASES - 1);
        let end = release_version(fix);
        let branch = fix - fix % BRANCH;
        let bounds = if branch < fix && rng.chance(500) {
            format!(
                r#","versionStartIncluding":"{}","versionEndExcluding":"{end}""#,
                release_version(branch)
            )
        } else {
            format!(r#","versionEndExcluding":"{end}""#)
        };
        ("*".to_owned(), bounds)
    } else if roll < RANGE_SHARE + EXACT_SHARE {
        // An affected release before the CVE.
        (
            release_version(now.saturating_sub(rng.below(BRANCH))),
            String::new(),
        )
    } else if rng.chance(ANY_SHARE_OF_REST) {
        ("*".to_owned(), String::new())
    } else {
        ("-".to_owned(), String::new())
    };
    let criteria = format!("cpe:2.3:{part}:{vendor}:{product}:{version_field}:*:*:*:*:*:*:*");
    let id = criteria_id(&format!("{criteria}{bounds}"));
    out.push_str(&format!(
        r#"{{"vulnerable":true,"criteria":"{criteria}"{bounds},"matchCriteriaId":"{id}"}}"#
    ));
}

/// One CVE record as JSON; `now` is the CVE's release on the timeline.
fn record(rng: &mut Rng, number: usize, now: u64, out: &mut String) {
    let year = 2000 + (number % 26);
    let entries = CRITERIA_PER_CVE[rng.below(CRITERIA_PER_CVE.len() as u64) as usize] as usize;
    // The drawn products first, then others of their vendors.
    let mut primaries = vec![rng.product()];
    if rng.chance(SECOND_VENDOR_SHARE) {
        primaries.push(rng.product());
    }
    let families: Vec<Vec<u64>> = primaries
        .iter()
        .map(|&rank| vendor_products(rank))
        .collect();
    let product_count = ((entries as f64 * PRODUCTS_PER_ENTRY).round() as usize).max(1);
    let products: Vec<u64> = (0..product_count)
        .map(|index| match primaries.get(index) {
            Some(&rank) => rank,
            None => {
                let family = &families[index % families.len()];
                family[rng.below(family.len() as u64) as usize]
            }
        })
        .collect();
    let cvss = format!(
        "CVSS:3.1/AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}",
        ["N", "A", "L", "P"][rng.below(4) as usize],
        ["L", "H"][rng.below(2) as usize],
        ["N", "L", "H"][rng.below(3) as usize],
        ["N", "R"][rng.below(2) as usize],
        ["U", "C"][rng.below(2) as usize],
        ["H", "L", "N"][rng.below(3) as usize],
        ["H", "L", "N"][rng.below(3) as usize],
        ["H", "L", "N"][rng.below(3) as usize],
    );
    let vector = CvssVector::parse(&cvss).expect("synthetic vectors are valid");
    let score = vector.base_score().expect("v3.1 scores are computed");
    let severity = Severity::of(score, vector.version());
    out.push_str(&format!(
        r#"{{"cve":{{"id":"CVE-{year}-{number:05}","sourceIdentifier":"synthetic@example.org","published":"{year}-01-01T00:00:00.000","lastModified":"{year}-06-01T00:00:00.000","vulnStatus":"{status}","descriptions":[{{"lang":"en","value":"Synthetic vulnerability {number} for benchmarks."}}],"metrics":{{"cvssMetricV31":[{{"source":"nvd@nist.gov","type":"Primary","cvssData":{{"version":"3.1","vectorString":"{cvss}","baseScore":{score},"baseSeverity":"{severity}"}}}}]}},"weaknesses":[{{"source":"nvd@nist.gov","type":"Primary","description":[{{"lang":"en","value":"CWE-{cwe}"}}]}}],"configurations":["#,
        status = if entries == 0 { "Deferred" } else { "Analyzed" },
        cwe = 20 + rng.below(900),
    ));
    let configurations = if entries == 0 {
        0
    } else {
        ((entries as f64 / ENTRIES_PER_CONFIGURATION).round() as usize).clamp(1, entries)
    };
    for configuration in 0..configurations {
        if configuration > 0 {
            out.push(',');
        }
        let share =
            entries / configurations + usize::from(configuration < entries % configurations);
        let and = rng.chance(AND_SHARE);
        out.push_str(if and {
            r#"{"operator":"AND","nodes":[{"operator":"OR","negate":false,"cpeMatch":["#
        } else {
            r#"{"nodes":[{"operator":"OR","negate":false,"cpeMatch":["#
        });
        let vulnerable = if and {
            share.saturating_sub(1).max(1)
        } else {
            share
        };
        for index in 0..vulnerable {
            if index > 0 {
                out.push(',');
            }
            entry(rng, &products, now, out);
        }
        out.push_str("]}");
        if and {
            let platform = PLATFORMS[rng.below(PLATFORMS.len() as u64) as usize];
            out.push_str(&format!(
                r#",{{"operator":"OR","negate":false,"cpeMatch":[{{"vulnerable":false,"criteria":"{platform}","matchCriteriaId":"{}"}}]}}"#,
                criteria_id(platform)
            ));
        }
        out.push_str("]}");
    }
    out.push_str(&format!(
        r#"],"references":[{{"url":"https://example.org/advisory/{number}","source":"synthetic@example.org","tags":["Vendor Advisory","Patch"]}}]}}}}"#
    ));
}

/// Writes an NVD CVE JSON 2.0 feed of `cves` synthetic records to `output`.
pub fn generate_nvd(cves: usize, seed: u64, output: &Path) -> Result<(), Error> {
    let file = std::fs::File::create(output).map_err(|error| Error::io(output, error))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut rng = Rng::new(seed);
    let mut buffer = String::with_capacity(1 << 16);
    buffer.push_str(&format!(
        r#"{{"resultsPerPage":{cves},"startIndex":0,"totalResults":{cves},"format":"NVD_CVE","version":"2.0","timestamp":"2026-01-01T00:00:00.000","vulnerabilities":["#
    ));
    for number in 0..cves {
        if number > 0 {
            buffer.push(',');
        }
        let now = (number as u64 * RELEASES) / cves.max(1) as u64;
        record(&mut rng, number + 10_000, now, &mut buffer);
        if buffer.len() > 1 << 15 {
            writer
                .write_all(buffer.as_bytes())
                .map_err(|error| Error::io(output, error))?;
            buffer.clear();
        }
    }
    buffer.push_str("]}\n");
    writer
        .write_all(buffer.as_bytes())
        .map_err(|error| Error::io(output, error))?;
    writer.flush().map_err(|error| Error::io(output, error))
}

/// Figures of one benchmark run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkReport {
    /// CVEs read.
    pub cves: usize,
    /// Distinct match criteria indexed.
    pub criteria: usize,
    /// Configurations indexed.
    pub configurations: usize,
    /// Seconds to stream, decode, validate and index the feed.
    pub parse_and_index_seconds: f64,
    /// Lookups done.
    pub lookups: usize,
    /// CVEs found over all lookups (so the work cannot be optimised away).
    pub hits: usize,
    /// Lookup threads.
    pub threads: usize,
    /// Seconds for the lookups (all threads, wall clock).
    pub lookup_seconds: f64,
    /// Lookups per second ([`ApplicabilityIndex::find`](crate::ApplicabilityIndex::find):
    /// CVEs, configurations and verdicts).
    pub lookups_per_second: f64,
    /// Lookups per second with the explanation of every hit
    /// ([`ApplicabilityIndex::lookup`](crate::ApplicabilityIndex::lookup)),
    /// over a tenth as many lookups.
    pub explained_lookups_per_second: f64,
    /// Lookups of an inventory mix (60 % products that no CVE names, see
    /// [`synthetic_inventory_asset`]), as `govsec bench vulndb` runs them.
    pub inventory_mix: LookupReport,
    /// Peak resident set size of the process in KiB (Linux `VmHWM`), if known.
    pub peak_rss_kib: Option<u64>,
}

/// Streams `feed` into an index, then runs `lookups` lookups of random
/// synthetic names on `threads` threads.
pub fn benchmark(
    feed: &Path,
    lookups: usize,
    threads: usize,
    seed: u64,
) -> Result<BenchmarkReport, Error> {
    let started = Instant::now();
    let mut builder = IndexBuilder::new();
    let report = read_nvd_file(feed, ReadOptions::default(), |record| builder.add(&record))?;
    let index = builder.build();
    let parse_and_index_seconds = started.elapsed().as_secs_f64();
    let threads = threads.max(1);
    let per_thread = lookups / threads;
    let assets: Vec<Vec<Asset>> = (0..threads)
        .map(|thread| {
            let mut rng = Rng::new(seed ^ (thread as u64 + 1).wrapping_mul(0x9e37_79b9));
            (0..per_thread.min(100_000))
                .map(|_| Asset::new(synthetic_asset(&mut rng)))
                .collect()
        })
        .collect();
    let run = |per_thread: usize, lookup: &(dyn Fn(&Asset) -> usize + Sync)| {
        let started = Instant::now();
        let hits: usize = std::thread::scope(|scope| {
            let workers: Vec<_> = assets
                .iter()
                .map(|assets| {
                    scope.spawn(move || {
                        (0..per_thread)
                            .map(|at| lookup(&assets[at % assets.len()]))
                            .sum::<usize>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| worker.join().expect("lookup thread"))
                .sum()
        });
        (hits, started.elapsed().as_secs_f64())
    };
    let (hits, lookup_seconds) = run(per_thread, &|asset| {
        let found = index.find(asset);
        // Distinct CVEs: hits come ordered by CVE.
        found
            .iter()
            .zip(found.iter().skip(1).map(Some).chain([None]))
            .filter(|(hit, next)| next.is_none_or(|next| next.cve != hit.cve))
            .count()
    });
    let explained = (per_thread / 10).max(1);
    let (_, explained_seconds) = run(explained, &|asset| index.lookup(asset).len());
    let inventory_mix = measure_lookups(&index, lookups, threads, seed, 600);
    Ok(BenchmarkReport {
        cves: report.records,
        criteria: index.criteria_count(),
        configurations: index.configuration_count(),
        parse_and_index_seconds,
        lookups: per_thread * threads,
        hits,
        threads,
        lookup_seconds,
        lookups_per_second: (per_thread * threads) as f64 / lookup_seconds,
        explained_lookups_per_second: (explained * threads) as f64 / explained_seconds,
        inventory_mix,
        peak_rss_kib: peak_rss_kib(),
    })
}

/// `VmHWM` of `/proc/self/status`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// An inventory entry of the synthetic world: with probability `unlisted_per_mille` / 1000 a
/// product that no CVE names (in-house applications, drivers, small tools: most of what a real
/// inventory lists has no CVE), otherwise a product drawn as [`synthetic_asset`] draws it.
pub fn synthetic_inventory_asset(rng: &mut Rng, unlisted_per_mille: u64) -> WellFormedName {
    if !rng.chance(unlisted_per_mille) {
        return synthetic_asset(rng);
    }
    WellFormedName::parse(&format!(
        "cpe:2.3:a:inhouse{}:tool{}:{}:*:*:*:*:*:*:*",
        rng.below(5_000),
        rng.below(20),
        release_version(rng.below(RELEASES))
    ))
    .expect("synthetic names are valid")
}

/// Figures of a lookup run over an index.
#[derive(Debug, Clone, Serialize)]
pub struct LookupReport {
    /// Lookups done.
    pub lookups: usize,
    /// Share of lookups (per mille) of products that no CVE names.
    pub unlisted_per_mille: u64,
    /// Lookup threads.
    pub threads: usize,
    /// Wall-clock seconds for all lookups.
    pub seconds: f64,
    /// Lookups per second ([`ApplicabilityIndex::find`]).
    pub lookups_per_second: f64,
    /// Distinct CVEs found, over all lookups.
    pub cve_hits: usize,
    /// CVE hits per second: what a lookup's answer costs, whatever its size.
    pub cve_hits_per_second: f64,
    /// Mean CVEs per lookup.
    pub cves_per_lookup: f64,
    /// Lookups that found no CVE.
    pub empty_lookups: usize,
}

/// Runs `lookups` lookups of synthetic inventory entries (see [`synthetic_inventory_asset`])
/// on `threads` threads against `index`.
pub fn measure_lookups(
    index: &ApplicabilityIndex,
    lookups: usize,
    threads: usize,
    seed: u64,
    unlisted_per_mille: u64,
) -> LookupReport {
    let threads = threads.max(1);
    let per_thread = lookups / threads;
    let assets: Vec<Vec<Asset>> = (0..threads)
        .map(|thread| {
            let mut rng = Rng::new(seed ^ (thread as u64 + 1).wrapping_mul(0x9e37_79b9));
            (0..per_thread.clamp(1, 100_000))
                .map(|_| Asset::new(synthetic_inventory_asset(&mut rng, unlisted_per_mille)))
                .collect()
        })
        .collect();
    let started = Instant::now();
    let (cve_hits, empty_lookups) = std::thread::scope(|scope| {
        let workers: Vec<_> = assets
            .iter()
            .map(|assets| {
                scope.spawn(move || {
                    let (mut hits, mut empty) = (0usize, 0usize);
                    for at in 0..per_thread {
                        let found = index.find(&assets[at % assets.len()]);
                        let distinct = found
                            .iter()
                            .zip(found.iter().skip(1).map(Some).chain([None]))
                            .filter(|(hit, next)| next.is_none_or(|next| next.cve != hit.cve))
                            .count();
                        hits += distinct;
                        empty += usize::from(distinct == 0);
                    }
                    (hits, empty)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("lookup thread"))
            .fold((0, 0), |(hits, empty), (more, none)| {
                (hits + more, empty + none)
            })
    });
    let seconds = started.elapsed().as_secs_f64();
    let lookups = per_thread * threads;
    LookupReport {
        lookups,
        unlisted_per_mille,
        threads,
        seconds,
        lookups_per_second: lookups as f64 / seconds,
        cve_hits,
        cve_hits_per_second: cve_hits as f64 / seconds,
        cves_per_lookup: cve_hits as f64 / lookups.max(1) as f64,
        empty_lookups,
    }
}

/// `VmHWM` of `/proc/self/status`: the peak resident set size of this process in KiB.
pub fn peak_resident_kib() -> Option<u64> {
    peak_rss_kib()
}
