//! The I/O-free analysis core of govsec's HTTPS compliance scanner.
//!
//! Everything here is a pure function over data the network layer has already collected:
//!
//! - [`finding`]: the stable finding codes of DESIGN.md ("Scanner finding codes"), their
//!   severities and their zh-TW / English explanation and fix texts.
//! - [`page`]: charset detection, a small tolerant HTML tokenizer, mixed content and
//!   insecure form actions on the landing page.
//! - [`hsts`]: `Strict-Transport-Security` parsing (RFC 6797 §6.1) and its judgement.
//! - [`headers`]: the security headers every government site is expected to send.
//! - [`verdict`]: the `https_adopted` / `https_enforced` verdicts from the redirect chain.
//! - [`names`]: RFC 6125 matching of a host against a certificate's subject alternative names.
//!
//! The probing itself (DNS, TLS, HTTP) is layered on top by the caller, which also caps the
//! size of what it hands in (see [`page::MAX_PAGE_BYTES`]).
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

pub mod error;
pub mod finding;
pub mod headers;
pub mod hsts;
pub mod names;
pub mod page;
pub mod verdict;

pub use error::Error;
pub use finding::{Evidence, Finding, FindingCode, Severity};
