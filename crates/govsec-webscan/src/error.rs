//! The crate's one error type.

use crate::finding::FindingCode;

/// What can fail in the analysis core. Judgements about a site (a weak header, a bad
/// redirect) are [`crate::Finding`]s, not errors: an error means the input itself is unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// A URL handed in by the caller (a hop, a page URL) does not parse.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The text that failed to parse.
        url: String,
        /// The parser's explanation.
        reason: String,
    },
    /// A host name handed in by the caller is not a valid domain or IP address.
    #[error("invalid host {0:?}")]
    InvalidHost(String),
    /// The redirect chain is empty or does not start at `http://HOST/`.
    #[error("redirect chain must start at http://{host}/, got {first:?}")]
    ChainStart {
        /// The host being judged.
        host: String,
        /// The first hop's URL, if any.
        first: Option<String>,
    },
    /// A scan target is neither a host name, an IP address nor an http(s) URL.
    #[error("invalid target {target:?}: {reason}")]
    InvalidTarget {
        /// The target as given.
        target: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `--resolve` or `--connect-to` value does not parse.
    #[error("invalid {flag} {value:?}: {reason}")]
    InvalidOverride {
        /// The flag.
        flag: String,
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `--ca-file` cannot be read or holds no usable certificate.
    #[error("{path}: {reason}")]
    CaFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The scan of a target failed inside the scanner (a defect, not a finding).
    #[error("the scan of {target} failed inside the scanner: {reason}")]
    ScanFailed {
        /// The target as given.
        target: String,
        /// What failed.
        reason: String,
    },
    /// A code other than a `CERT_*` one was given as a certificate problem.
    #[error("{0} is not a certificate finding")]
    NotACertificateFinding(FindingCode),
}
