//! The one error type of the crate. Every variant names the file and, where the problem has a
//! place, the row and column (tabular files and package lists), the JSON path, the XML line,
//! column and element path, or the byte of an `.xls` workbook's record.

use std::sync::Arc;

/// Why an inventory file could not be read. Messages are `file:row:column: reason` so that an
/// officer can find the cell; rows and columns are 1-based as a spreadsheet shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// The file could not be read to its end.
    #[error("{file}: cannot be read: {reason}")]
    Io {
        /// The file.
        file: Arc<str>,
        /// What the system reported.
        reason: String,
    },
    /// The file is larger than the input limit.
    #[error("{file}: larger than {limit} bytes")]
    InputTooLarge {
        /// The file.
        file: Arc<str>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is empty or holds only blank lines.
    #[error("{file}: the file is empty")]
    Empty {
        /// The file.
        file: Arc<str>,
    },
    /// The content matches none of the supported formats.
    #[error(
        "{file}: not a recognised inventory (CSV/XLSX/XLS with a header row, CycloneDX JSON or XML, SPDX JSON, dpkg-query, rpm -qa or osquery JSON)"
    )]
    UnknownFormat {
        /// The file.
        file: Arc<str>,
    },
    /// A workbook encrypted with a password to open (an `.xls` with a FilePass record, or an
    /// encrypted `.xlsx`, which is an OLE compound file holding an `EncryptedPackage`).
    #[error(
        "{file}: the workbook is encrypted with a password; save it without one (or as CSV) to read it"
    )]
    EncryptedWorkbook {
        /// The file.
        file: Arc<str>,
    },
    /// An alias file of the normaliser is not valid.
    #[error("{file}: not a valid alias file: {reason}")]
    AliasFile {
        /// The alias file.
        file: Arc<str>,
        /// What is wrong, naming the entry.
        reason: String,
    },
    /// The bytes do not decode in the stated or detected encoding.
    #[error("{file}:{row}:{column}: the text is not valid {encoding}")]
    Undecodable {
        /// The file.
        file: Arc<str>,
        /// Line of the first undecodable byte.
        row: usize,
        /// Field (counted by delimiters) of that byte on its line.
        column: usize,
        /// The encoding that was tried last.
        encoding: &'static str,
    },
    /// Valid UTF-8 with non-ASCII text is followed by bytes that are not UTF-8: two encodings
    /// mixed in one file, which no single decoding reads correctly.
    #[error(
        "{file}:{row}:{column}: the file mixes encodings: UTF-8 text before this point, other bytes here"
    )]
    MixedEncoding {
        /// The file.
        file: Arc<str>,
        /// Line where UTF-8 stops.
        row: usize,
        /// Field of that line.
        column: usize,
    },
    /// A cell holds more characters than the limit.
    #[error("{file}:{row}:{column}: the cell holds more than {limit} characters")]
    CellTooLong {
        /// The file.
        file: Arc<str>,
        /// The cell's row (or line).
        row: usize,
        /// The cell's column.
        column: usize,
        /// The limit in characters.
        limit: usize,
    },
    /// No header column names the software, so no entry can be read.
    #[error(
        "{file}:{row}: no column names the software (軟體名稱/Software/DisplayName/Name…); the header row holds: {found}"
    )]
    NoNameColumn {
        /// The file.
        file: Arc<str>,
        /// The row taken as the header.
        row: usize,
        /// The headers found, separated by ", ".
        found: String,
    },
    /// Two columns are recognised or mapped as the same field.
    #[error(
        "{file}:{row}:{column}: column \"{header}\" is a second {field} column (the first is column {first})"
    )]
    DuplicateColumn {
        /// The file.
        file: Arc<str>,
        /// The header row.
        row: usize,
        /// The second column.
        column: usize,
        /// Its header.
        header: String,
        /// The field both columns stand for.
        field: &'static str,
        /// The first column of that field.
        first: usize,
    },
    /// A cell's value is not one the field accepts.
    #[error("{file}:{row}:{column}: {reason}")]
    InvalidCell {
        /// The file.
        file: Arc<str>,
        /// The cell's row.
        row: usize,
        /// The cell's column.
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// A delimited text file that does not follow RFC 4180.
    #[error("{file}:{row}: {reason}")]
    Delimited {
        /// The file.
        file: Arc<str>,
        /// The row where reading stopped.
        row: usize,
        /// What the CSV reader reported.
        reason: String,
    },
    /// A package list line that is not `name<TAB>version…` or `name-version-release.arch`.
    #[error("{file}:{row}: {reason}")]
    PackageLine {
        /// The file.
        file: Arc<str>,
        /// The line.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// The workbook decompresses to more bytes than the limit: possibly a zip bomb.
    #[error(
        "{file}: the workbook decompresses to more than {limit} bytes; refusing it as a possible zip bomb"
    )]
    ArchiveTooLarge {
        /// The file.
        file: Arc<str>,
        /// The limit in decompressed bytes.
        limit: u64,
    },
    /// The workbook has more cells than the limit.
    #[error("{file}:{row}:{column}: the sheet has more than {limit} cells")]
    TooManyCells {
        /// The file.
        file: Arc<str>,
        /// Row of the first cell over the limit.
        row: usize,
        /// Column of that cell.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// The cells of an `.xls` sheet span a rectangle of more cells than the limit: the sheet is
    /// read as a dense grid from its first cell to its last, so one far-away cell counts for
    /// every cell between.
    #[error(
        "{file}:{row}:{column}: this cell stretches the sheet to more than {limit} cells (an .xls sheet is read as the whole rectangle from its first cell to its last)"
    )]
    SheetSpanTooLarge {
        /// The file.
        file: Arc<str>,
        /// Row of the cell that stretched the sheet past the limit.
        row: usize,
        /// Column of that cell.
        column: usize,
        /// The limit in cells.
        limit: usize,
    },
    /// The workbook cannot be opened or its first sheet read.
    #[error("{file}: unreadable workbook: {reason}")]
    Workbook {
        /// The file.
        file: Arc<str>,
        /// What the workbook reader reported.
        reason: String,
    },
    /// A record of an `.xls` workbook's `Workbook` stream is malformed.
    #[error("{file}: byte {offset} of the Workbook stream, record 0x{record:04X}: {reason}")]
    XlsRecord {
        /// The file.
        file: Arc<str>,
        /// Offset of the record's header in the `Workbook` stream.
        offset: usize,
        /// The record's type (MS-XLS 2.3).
        record: u16,
        /// What is wrong.
        reason: String,
    },
    /// An `.xls` sheet's shared strings, repeated cell by cell, would expand to more text than
    /// the limit: the binary workbook's counterpart of a zip bomb.
    #[error(
        "{file}:{row}:{column}: the sheet's cells expand to more than {limit} bytes of text; refusing it as a possible decompression bomb"
    )]
    WorkbookExpands {
        /// The file.
        file: Arc<str>,
        /// Row of the cell that passed the limit.
        row: usize,
        /// Column of that cell.
        column: usize,
        /// The limit in bytes.
        limit: u64,
    },
    /// The JSON does not parse.
    #[error("{file}:{row}:{column}: invalid JSON: {reason}")]
    Json {
        /// The file.
        file: Arc<str>,
        /// Line of the syntax error.
        row: usize,
        /// Character column of the syntax error.
        column: usize,
        /// What the parser reported.
        reason: String,
    },
    /// An XML document is malformed, declares a DTD, or an element is not what CycloneDX
    /// requires. Line and column (in characters) are 1-based; the path is the XPath of the
    /// element, such as `/bom/components/component[2]/name`.
    #[error("{file}:{row}:{column}: {path}: {reason}")]
    Xml {
        /// The file.
        file: Arc<str>,
        /// Line of the problem.
        row: usize,
        /// Character column of the problem.
        column: usize,
        /// XPath of the element the problem is in (`/` before the root element).
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The JSON parses but an element is not what the format requires.
    #[error("{file}: {path}: {reason}")]
    JsonShape {
        /// The file.
        file: Arc<str>,
        /// JSON path of the element.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A CycloneDX component contains a component with the `bom-ref` of one of its ancestors.
    #[error(
        "{file}: {path}: component \"{bom_ref}\" contains itself (bom-ref cycle through {ancestor})"
    )]
    ComponentCycle {
        /// The file.
        file: Arc<str>,
        /// JSON path (or XPath, in an XML BOM) of the repeated component.
        path: String,
        /// The repeated `bom-ref`.
        bom_ref: String,
        /// JSON path (or XPath) of the ancestor with the same `bom-ref`.
        ancestor: String,
    },
    /// CycloneDX components nest deeper than the limit.
    #[error("{file}: {path}: components nest deeper than {limit} levels")]
    NestingTooDeep {
        /// The file.
        file: Arc<str>,
        /// JSON path (or XPath, in an XML BOM) of the first component too deep.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// The mapping file is not TOML of `"column" = "field"` lines.
    #[error("{file}: {reason}")]
    Mapping {
        /// The mapping file.
        file: Arc<str>,
        /// What is wrong.
        reason: String,
    },
}
