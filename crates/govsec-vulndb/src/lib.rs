//! Vulnerability intelligence for govsec: readers for NVD CVE JSON 2.0,
//! CVE JSON 5.x, CISA KEV and FIRST EPSS; CVSS vectors and scores; and the
//! applicability index that tells which CVEs apply to a concrete CPE name.
//!
//! # Model
//!
//! A [`CveRecord`] keeps what govsec needs of a CVE whatever its source:
//! status (a [`VulnStatus::Rejected`] CVE applies to nothing), dates,
//! descriptions in every language, CWE ids, references with their tags,
//! CVSS metrics of every version with their source, and applicability rules
//! ([`Configuration`]: nodes of [`CpeMatch`] entries, NVD's shape) with their
//! [`Provenance`]. Records from NVD and from CVE 5 merge per CVE
//! ([`CveRecord::merge`]); NVD's analysed configuration is preferred where
//! it exists ([`CveRecord::applicable_configurations`]). Every type is
//! serde-serialisable and keyed by stable ids ([`CveId`], [`MatchCriteriaId`]).
//!
//! # Readers
//!
//! - [`read_nvd_file`]: feeds and API pages, plain or gzip, streamed record
//!   by record.
//! - [`read_cve5_file`] / [`parse_cve5`]: one CVE JSON 5.x record.
//! - [`read_kev_file`]: the KEV catalogue.
//! - [`read_epss_file`]: the EPSS CSV.
//! - [`read_cpe_dictionary_file`]: NVD's official CPE dictionary (Products API 2.0 pages and
//!   feed chunks), products with their titles.
//!
//! Bad input gives an [`Error`] that names the file, the CVE and the field.
//! With [`ReadOptions::skip_invalid`], invalid records are skipped and
//! reported; without it the reader stops at the first, and the caller
//! (the importer) writes nothing.
//!
//! # Applicability
//!
//! ```
//! use govsec_cpe::WellFormedName;
//! use govsec_vulndb::{ApplicabilityIndex, Asset, PlatformVerdict, parse_vulnerability};
//!
//! let record = parse_vulnerability(r#"{"cve":{"id":"CVE-2019-0232","vulnStatus":"Analyzed",
//!   "published":"2019-04-15T15:29:00.753","lastModified":"2024-11-21T04:16:34.090",
//!   "descriptions":[{"lang":"en","value":"Tomcat CGI on Windows"}],
//!   "configurations":[{"operator":"AND","nodes":[
//!     {"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,
//!       "criteria":"cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*","versionStartIncluding":"9.0.1",
//!       "versionEndIncluding":"9.0.17","matchCriteriaId":"4A70BBA8-1F21-4CD6-822A-17ECC4710065"}]},
//!     {"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":false,
//!       "criteria":"cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
//!       "matchCriteriaId":"A2572D17-1DE6-457B-99CC-64AFD54487EA"}]}]}]}}"#)?;
//! let index = ApplicabilityIndex::from_records([&record]);
//! let parse = |name| WellFormedName::parse(name).unwrap();
//! let tomcat = parse("cpe:2.3:a:apache:tomcat:9.0.10:*:*:*:*:*:*:*");
//! let on_windows = Asset::on_platforms(tomcat.clone(), vec![parse("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*")]);
//! let on_linux = Asset::on_platforms(tomcat.clone(), vec![parse("cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*")]);
//! assert_eq!(index.lookup(&on_windows)[0].verdict(), PlatformVerdict::Met);
//! assert_eq!(index.lookup(&on_linux)[0].verdict(), PlatformVerdict::NotMet);
//! assert_eq!(index.lookup(&Asset::new(tomcat))[0].verdict(), PlatformVerdict::Unknown);
//! # Ok::<(), govsec_vulndb::Error>(())
//! ```
//!
//! Version bounds use `govsec-cpe`'s [`Version`](govsec_cpe::Version)
//! order; NA (`-`) in criteria is not ANY, and the `update` attribute
//! counts, as in [`govsec_cpe::covers`].

mod applicability;
mod cpe_dictionary;
mod cve5;
mod cvss;
mod epss;
mod error;
mod id;
mod index;
mod kev;
mod model;
mod nvd;
pub mod synthetic;

pub use applicability::{
    Applicability, Asset, ConfigurationMatch, MatchedCriteria, PlatformCondition,
    PlatformCriterion, PlatformOutcome, PlatformVerdict,
};
pub use cpe_dictionary::{DictionaryProduct, parse_cpe_dictionary, read_cpe_dictionary_file};
pub use cve5::{derive_configuration, parse_cve5, read_cve5_file};
pub use cvss::{CvssScore, CvssVector, CvssVersion, Severity};
pub use epss::{EpssScore, EpssScores, read_epss, read_epss_file};
pub use error::{Error, Location};
pub use id::{CveId, CweId, Date, MatchCriteriaId, Timestamp};
pub use index::{
    ApplicabilityIndex, Claim, CriteriaNumbering, CriteriaOccurrence, CriteriaSlot, Hit,
    IndexBuilder, ProductKey,
};
pub use kev::{KevCatalog, KevEntry, RansomwareUse, parse_kev, read_kev_file};
pub use model::{
    AffectedProduct, AffectedStatus, AffectedVersion, BoundDescription, CisaExploitNote,
    Configuration, CpeMatch, CriteriaDescription, CveRecord, CvssMetric, Description,
    MatchCriteria, MatchReason, MetricKind, Node, Operator, Provenance, Reference, VersionBound,
    VulnStatus, Weakness, applicable_configurations,
};
pub use nvd::{ReadOptions, ReadReport, open, parse_vulnerability, read_nvd, read_nvd_file};
