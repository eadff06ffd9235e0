//! The error type of the domain crate.

use crate::registry::LocatedProblem;

/// What went wrong in the domain layer, with what the user needs to fix it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A registry file was rejected; every problem found is listed with its file, row and column.
    #[error("{file}: import rejected with {} problem(s)", problems.len())]
    ImportRejected {
        /// The file name as the user gave it.
        file: String,
        /// Every problem, in file order.
        problems: Vec<LocatedProblem>,
    },
    /// A value that should be an agency code is not one.
    #[error("agency code {0:?} is malformed: it must be 10 digits or capital letters")]
    InvalidAgencyCode(String),
    /// Writing a spreadsheet failed (a library error, not the user's input).
    #[error("cannot write the spreadsheet: {0}")]
    SpreadsheetWrite(String),
}
