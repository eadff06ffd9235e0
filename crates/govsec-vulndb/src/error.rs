//! The crate's one error type.
//!
//! Every error carries a [`Location`]: the file, the CVE record (when one is
//! known) and the field, written as a JSON path such as
//! `configurations[0].nodes[1].cpeMatch[3].criteria`, so that a user can find
//! and fix the input without reading this crate.

use std::fmt;
use std::path::PathBuf;

use crate::id::CveId;

/// Where in the input an error was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// The file being read, if the input came from a file.
    pub file: Option<PathBuf>,
    /// The CVE record being read, once its id is known.
    pub cve: Option<CveId>,
    /// The field, as a JSON path (`metrics.cvssMetricV31[0].cvssData.vectorString`)
    /// or, for CSV, `line N, column NAME`.
    pub field: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::with_capacity(3);
        if let Some(file) = &self.file {
            parts.push(format!("file {}", file.display()));
        }
        if let Some(cve) = &self.cve {
            parts.push(cve.to_string());
        }
        if let Some(field) = &self.field {
            parts.push(format!("field {field}"));
        }
        if parts.is_empty() {
            f.write_str("input")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{location}: cannot read: {source}")]
    Io {
        /// Where.
        location: Location,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The text is not well-formed JSON (truncated, bad syntax) or does not
    /// have the shape of the format (a field of the wrong type, a required
    /// field missing).
    #[error("{location}: malformed JSON at line {line}, column {column}: {message}")]
    Json {
        /// Where.
        location: Location,
        /// 1-based line in the document (in the record, for a record's fields).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser reported.
        message: String,
    },

    /// The document declares a format or schema version this crate does not read.
    #[error("{location}: unsupported format: found {found:?}, expected {expected}")]
    Schema {
        /// Where.
        location: Location,
        /// The declared format or version.
        found: String,
        /// What this crate reads.
        expected: &'static str,
    },

    /// A field holds a value outside its format's rules.
    #[error("{location}: invalid value {value:?}: {reason}")]
    InvalidValue {
        /// Where.
        location: Location,
        /// The value as found.
        value: String,
        /// The rule it breaks.
        reason: Box<str>,
    },

    /// A CVSS vector string that does not follow its version's specification.
    #[error("{location}: invalid CVSS vector {vector:?}: {reason}")]
    InvalidCvss {
        /// Where.
        location: Location,
        /// The vector string as found.
        vector: String,
        /// The rule of the FIRST specification it breaks.
        reason: Box<str>,
    },

    /// A CPE name that does not parse (NISTIR 7695).
    #[error("{location}: invalid CPE name {name:?}: {source}")]
    InvalidCpe {
        /// Where.
        location: Location,
        /// The name as found.
        name: String,
        /// Why `govsec-cpe` rejected it.
        #[source]
        source: Box<govsec_cpe::Error>,
    },

    /// A configuration handed to the index builder names a match criteria by id only, before
    /// any record gave that criteria in full (see
    /// [`IndexBuilder::add_configurations`](crate::IndexBuilder::add_configurations)).
    #[error("{location}: match criteria {id} is named by id before it was given in full")]
    UnseenCriteria {
        /// Where.
        location: Location,
        /// The criteria's id (boxed: its alignment would double the size of every error).
        id: Box<crate::id::MatchCriteriaId>,
    },
}

impl Error {
    /// Where the error was found.
    pub fn location(&self) -> &Location {
        match self {
            Self::Io { location, .. }
            | Self::Json { location, .. }
            | Self::Schema { location, .. }
            | Self::InvalidValue { location, .. }
            | Self::InvalidCvss { location, .. }
            | Self::InvalidCpe { location, .. }
            | Self::UnseenCriteria { location, .. } => location,
        }
    }

    fn location_mut(&mut self) -> &mut Location {
        match self {
            Self::Io { location, .. }
            | Self::Json { location, .. }
            | Self::Schema { location, .. }
            | Self::InvalidValue { location, .. }
            | Self::InvalidCvss { location, .. }
            | Self::InvalidCpe { location, .. }
            | Self::UnseenCriteria { location, .. } => location,
        }
    }

    /// Fills in the parts of the location that are not known yet: the file,
    /// the CVE, and a field prefix (`prefix.field`, or `prefix` alone).
    pub(crate) fn within(
        mut self,
        file: Option<&std::path::Path>,
        cve: Option<CveId>,
        prefix: &str,
    ) -> Self {
        let location = self.location_mut();
        if location.file.is_none() {
            location.file = file.map(PathBuf::from);
        }
        if location.cve.is_none() {
            location.cve = cve;
        }
        if !prefix.is_empty() {
            location.field = Some(match location.field.take() {
                Some(field) if field.starts_with('[') => format!("{prefix}{field}"),
                Some(field) => format!("{prefix}.{field}"),
                None => prefix.to_owned(),
            });
        }
        self
    }

    /// An [`Error::InvalidValue`] at `field`.
    pub(crate) fn invalid(
        field: impl Into<String>,
        value: &str,
        reason: impl Into<String>,
    ) -> Self {
        Self::InvalidValue {
            location: Location {
                field: Some(field.into()),
                ..Location::default()
            },
            value: value.to_owned(),
            reason: reason.into().into_boxed_str(),
        }
    }

    /// An [`Error::Io`] for `file`.
    pub(crate) fn io(file: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            location: Location {
                file: Some(file.to_owned()),
                ..Location::default()
            },
            source,
        }
    }
}
