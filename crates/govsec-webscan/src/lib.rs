//! govsec's HTTPS compliance scanner.
//!
//! The analysis core is made of pure functions over data the network layer has already
//! collected:
//!
//! - [`finding`]: the stable finding codes of DESIGN.md ("Scanner finding codes"), their
//!   severities and their zh-TW / English explanation and fix texts.
//! - [`page`]: charset detection, a small tolerant HTML tokenizer, mixed content and
//!   insecure form actions on the landing page.
//! - [`hsts`]: `Strict-Transport-Security` parsing (RFC 6797 §6.1) and its judgement.
//! - [`headers`]: the security headers every government site is expected to send.
//! - [`verdict`]: the `https_adopted` / `https_enforced` verdicts from the redirect chain.
//! - [`names`]: RFC 6125 matching of a host against a certificate's subject alternative names.
//! - [`certificate`]: certificate facts and the `CERT_*` findings from a presented chain.
//! - [`target`]: what to scan and the `--resolve` / `--connect-to` overrides.
//!
//! The probes that collect the data do the I/O, each with its own timeouts:
//!
//! - [`net`]: DNS (hickory) and TCP connections;
//! - [`tls`]: a TLS client that records what it is shown instead of refusing it;
//! - [`http`]: one capped HTTP/1.1 request;
//! - [`legacy`]: hand-written ClientHello probes for SSL 3.0, TLS 1.0/1.1 and weak suites;
//! - [`scan`]: one target end to end, and many at once under a global limit.
//!
//! ```
//! use govsec_webscan::verdict::{Hop, HttpsOutcome, judge};
//!
//! let hops = [
//!     Hop { url: "http://www.gov.tw/".into(), status: 301, location: Some("https://www.gov.tw/".into()) },
//!     Hop { url: "https://www.gov.tw/".into(), status: 200, location: None },
//! ];
//! let https = HttpsOutcome { reachable: true, cert_problems: Vec::new() };
//! let v = judge("www.gov.tw", &hops, &https).unwrap();
//! assert!(v.https_adopted.value && v.https_enforced.value);
//! ```

pub mod certificate;
pub mod error;
pub mod finding;
pub mod headers;
pub mod hsts;
pub mod http;
pub mod legacy;
pub mod names;
pub mod net;
pub mod page;
pub mod scan;
pub mod target;
pub mod tls;
pub mod verdict;

pub use error::Error;
pub use finding::{Evidence, Finding, FindingCode, Severity};
pub use scan::{ScanOptions, Scanner, TargetReport};
pub use target::{Overrides, Target};
