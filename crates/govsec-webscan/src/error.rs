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
    /// A code other than a `CERT_*` one was given as a certificate problem.
    #[error("{0} is not a certificate finding")]
    NotACertificateFinding(FindingCode),
}
