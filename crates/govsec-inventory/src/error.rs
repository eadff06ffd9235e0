//! The one error type of the crate. Every variant names the file and, where the problem has a
//! place, the row and column (tabular files and package lists), the JSON path, the XML line,
//! column and element path, or the byte of an `.xls` workbook's record.

use std::sync::Arc;

use govsec_i18n::{Lang, Text};

/// Why an inventory file could not be read. Messages are `file:row:column: reason` so that an
/// officer can find the cell; rows and columns are 1-based as a spreadsheet shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InventoryError {
    /// The file could not be read to its end.
    #[error("{}", self.message(Lang::En))]
    Io {
        /// The file.
        file: Arc<str>,
        /// What the system reported.
        reason: String,
    },
    /// The file is larger than the input limit.
    #[error("{}", self.message(Lang::En))]
    InputTooLarge {
        /// The file.
        file: Arc<str>,
        /// The limit in bytes.
        limit: u64,
    },
    /// The file is empty or holds only blank lines.
    #[error("{}", self.message(Lang::En))]
    Empty {
        /// The file.
        file: Arc<str>,
    },
    /// The content matches none of the supported formats.
    #[error("{}", self.message(Lang::En))]
    UnknownFormat {
        /// The file.
        file: Arc<str>,
    },
    /// A workbook encrypted with a password to open (an `.xls` with a FilePass record, or an
    /// encrypted `.xlsx`, which is an OLE compound file holding an `EncryptedPackage`).
    #[error("{}", self.message(Lang::En))]
    EncryptedWorkbook {
        /// The file.
        file: Arc<str>,
    },
    /// An alias file of the normaliser is not valid.
    #[error("{}", self.message(Lang::En))]
    AliasFile {
        /// The alias file.
        file: Arc<str>,
        /// What is wrong, naming the entry.
        reason: String,
    },
    /// The bytes do not decode in the stated or detected encoding.
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
    MixedEncoding {
        /// The file.
        file: Arc<str>,
        /// Line where UTF-8 stops.
        row: usize,
        /// Field of that line.
        column: usize,
    },
    /// A cell holds more characters than the limit.
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
    NoNameColumn {
        /// The file.
        file: Arc<str>,
        /// The row taken as the header.
        row: usize,
        /// The headers found, separated by ", ".
        found: String,
    },
    /// Two columns are recognised or mapped as the same field.
    #[error("{}", self.message(Lang::En))]
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
    /// A core-system cell that says neither yes nor no.
    #[error("{}", self.message(Lang::En))]
    InvalidFlag {
        /// The file.
        file: Arc<str>,
        /// The cell's row.
        row: usize,
        /// The cell's column.
        column: usize,
        /// The cell's value.
        value: String,
    },
    /// A package list line that is not `name<TAB>version…` or `name-version-release.arch`.
    #[error("{}", self.message(Lang::En))]
    PackageLine {
        /// The file.
        file: Arc<str>,
        /// The line.
        row: usize,
        /// What is wrong.
        problem: PackageLineProblem,
    },
    /// The workbook decompresses to more bytes than the limit: possibly a zip bomb.
    #[error("{}", self.message(Lang::En))]
    ArchiveTooLarge {
        /// The file.
        file: Arc<str>,
        /// The limit in decompressed bytes.
        limit: u64,
    },
    /// The workbook has more cells than the limit.
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
    Workbook {
        /// The file.
        file: Arc<str>,
        /// What the workbook reader reported.
        reason: String,
    },
    /// A record of an `.xls` workbook's `Workbook` stream is malformed.
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
    JsonShape {
        /// The file.
        file: Arc<str>,
        /// JSON path of the element.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A CycloneDX component contains a component with the `bom-ref` of one of its ancestors.
    #[error("{}", self.message(Lang::En))]
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
    #[error("{}", self.message(Lang::En))]
    NestingTooDeep {
        /// The file.
        file: Arc<str>,
        /// JSON path (or XPath, in an XML BOM) of the first component too deep.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// The mapping file is not TOML of `"column" = "field"` lines.
    #[error("{}", self.message(Lang::En))]
    Mapping {
        /// The mapping file.
        file: Arc<str>,
        /// What is wrong.
        reason: String,
    },
}

/// What is wrong with a line of a package list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageLineProblem {
    /// A single field that is not `name-version-release[.arch]`.
    NotNameVersionRelease(String),
    /// Not as many tab-separated fields as the format has.
    FieldCount {
        /// The two counts the format allows.
        expected: [usize; 2],
        /// The fields the line has.
        found: usize,
    },
    /// The package name is empty.
    EmptyName,
}

impl InventoryError {
    /// The error explained in `lang`, starting with where it is (`file:row:column:`).
    /// Details that come from a parser (JSON, XML, the workbook reader) are quoted as the
    /// parser wrote them.
    pub fn message(&self, lang: Lang) -> String {
        use InventoryError as E;
        match self {
            E::Io { file, reason } => Text::InventoryErrorIo.fill(lang, &[file, reason]),
            E::InputTooLarge { file, limit } => {
                Text::InventoryErrorInputTooLarge.fill(lang, &[file, limit])
            }
            E::Empty { file } => Text::InventoryErrorEmpty.fill(lang, &[file]),
            E::UnknownFormat { file } => Text::InventoryErrorUnknownFormat.fill(lang, &[file]),
            E::EncryptedWorkbook { file } => {
                Text::InventoryErrorEncryptedWorkbook.fill(lang, &[file])
            }
            E::AliasFile { file, reason } => {
                Text::InventoryErrorAliasFile.fill(lang, &[file, reason])
            }
            E::Undecodable {
                file,
                row,
                column,
                encoding,
            } => Text::InventoryErrorUndecodable.fill(lang, &[file, row, column, encoding]),
            E::MixedEncoding { file, row, column } => {
                Text::InventoryErrorMixedEncoding.fill(lang, &[file, row, column])
            }
            E::CellTooLong {
                file,
                row,
                column,
                limit,
            } => Text::InventoryErrorCellTooLong.fill(lang, &[file, row, column, limit]),
            E::NoNameColumn { file, row, found } => {
                Text::InventoryErrorNoNameColumn.fill(lang, &[file, row, found])
            }
            E::DuplicateColumn {
                file,
                row,
                column,
                header,
                field,
                first,
            } => Text::InventoryErrorDuplicateColumn
                .fill(lang, &[file, row, column, header, field, first]),
            E::InvalidFlag {
                file,
                row,
                column,
                value,
            } => Text::InventoryErrorInvalidFlag.fill(lang, &[file, row, column, value]),
            E::PackageLine { file, row, problem } => {
                let problem = match problem {
                    PackageLineProblem::NotNameVersionRelease(text) => {
                        Text::InventoryErrorNotNameVersionRelease.fill(lang, &[text])
                    }
                    PackageLineProblem::FieldCount { expected, found } => {
                        Text::InventoryErrorFieldCount
                            .fill(lang, &[&expected[0], &expected[1], found])
                    }
                    PackageLineProblem::EmptyName => {
                        Text::InventoryErrorEmptyPackageName.get(lang).to_owned()
                    }
                };
                Text::InventoryErrorAtRow.fill(lang, &[file, row, &problem])
            }
            E::ArchiveTooLarge { file, limit } => {
                Text::InventoryErrorArchiveTooLarge.fill(lang, &[file, limit])
            }
            E::TooManyCells {
                file,
                row,
                column,
                limit,
            } => Text::InventoryErrorTooManyCells.fill(lang, &[file, row, column, limit]),
            E::SheetSpanTooLarge {
                file,
                row,
                column,
                limit,
            } => Text::InventoryErrorSheetSpanTooLarge.fill(lang, &[file, row, column, limit]),
            E::Workbook { file, reason } => {
                Text::InventoryErrorWorkbook.fill(lang, &[file, reason])
            }
            E::XlsRecord {
                file,
                offset,
                record,
                reason,
            } => Text::InventoryErrorXlsRecord
                .fill(lang, &[file, offset, &format!("0x{record:04X}"), reason]),
            E::WorkbookExpands {
                file,
                row,
                column,
                limit,
            } => Text::InventoryErrorWorkbookExpands.fill(lang, &[file, row, column, limit]),
            E::Json {
                file,
                row,
                column,
                reason,
            } => Text::InventoryErrorJson.fill(lang, &[file, row, column, reason]),
            E::Xml {
                file,
                row,
                column,
                path,
                reason,
            } => Text::InventoryErrorXml.fill(lang, &[file, row, column, path, reason]),
            E::JsonShape { file, path, reason } => {
                Text::InventoryErrorJsonShape.fill(lang, &[file, path, reason])
            }
            E::ComponentCycle {
                file,
                path,
                bom_ref,
                ancestor,
            } => Text::InventoryErrorComponentCycle.fill(lang, &[file, path, bom_ref, ancestor]),
            E::NestingTooDeep { file, path, limit } => {
                Text::InventoryErrorNestingTooDeep.fill(lang, &[file, path, limit])
            }
            E::Mapping { file, reason } => Text::InventoryErrorMapping.fill(lang, &[file, reason]),
        }
    }
}
