//! Software inventories as agencies export them, read into one model. A file — CSV or TSV in
//! UTF-8, UTF-16 or Big5, an XLSX or old binary XLS (Excel 97–2003) workbook, a CycloneDX SBOM
//! in JSON or XML, an SPDX JSON SBOM, `dpkg-query`/`rpm -qa` output, or osquery JSON — becomes
//! an [`Inventory`]: entries that say what software is on which host, each with the file and
//! row, JSON path or XPath it came from, plus the columns that were not understood. The format
//! is detected from the content unless the caller names it.
//!
//! The core does no I/O: readers take bytes and a file name used in messages. Inputs are
//! untrusted, so every reader is bounded by [`Limits`] and answers bad input with an
//! [`InventoryError`] naming the file, row and column (or JSON path, XML line and element, or
//! `.xls` record), never a panic. XML is read without DTDs, so entity expansion cannot run
//! away; an `.xls` is checked record by record before calamine parses it.
//!
//! [`normalise`] turns entries into CPE 2.3 names: the alias table (zh-TW and English), version
//! schemes, ranking against the product dictionary and the mappings officers taught.

mod columns;
mod cyclonedx_xml;
mod documents;
mod error;
mod model;
pub mod normalise;
mod packages;
mod tabular;
mod text;
mod workbook;
mod xls;

use std::io::Read;
use std::sync::Arc;

pub use columns::{ColumnMapping, Field, normalise_header};
pub use error::{InventoryError, PackageLineProblem};
pub use model::{
    Inventory, InventoryEntry, InventoryFormat, Position, SourceLocation, UnknownColumn,
};
pub use text::TextEncoding;

/// Bounds on what one file may cost, so that a hostile upload cannot exhaust memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_input_bytes: u64,
    /// Largest total a workbook's archive may inflate to, in bytes; for an `.xls`, the most
    /// text its shared strings may expand to, repeated in the cells that use them.
    pub max_decompressed_bytes: u64,
    /// Most cells read from a workbook's sheet (for an `.xls`, also the most cells the sheet's
    /// rectangle may span).
    pub max_cells: usize,
    /// Longest cell, JSON value or package-list field, in characters.
    pub max_cell_chars: usize,
    /// Deepest nesting of CycloneDX components (JSON or XML).
    pub max_nesting: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 256 << 20,
            max_decompressed_bytes: 256 << 20,
            max_cells: 4_000_000,
            max_cell_chars: 4096,
            max_nesting: 32,
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The text encoding; detected by default.
    pub encoding: TextEncoding,
    /// The format; `None` detects it from the content.
    pub format: Option<InventoryFormat>,
    /// Header rules for tabular files; the built-in names by default.
    pub mapping: ColumnMapping,
    /// Bounds on size.
    pub limits: Limits,
}

/// The start of every ZIP archive (a local file header), which an XLSX workbook is.
const ZIP_SIGNATURE: &[u8] = b"PK\x03\x04";
/// The start of an OLE compound file, which an old `.xls` workbook is.
const COMPOUND_FILE_SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Reads a whole inventory from a stream, taking no more than the input limit.
pub fn read_inventory_from(
    file: &str,
    reader: impl Read,
    options: &ReadOptions,
) -> Result<Inventory, InventoryError> {
    let mut stream = InventoryReader::open(file, reader, options)?;
    let entries = stream.by_ref().collect::<Result<Vec<_>, _>>()?;
    Ok(Inventory {
        file: stream.file.clone(),
        format: stream.format,
        encoding: stream.encoding(),
        entries,
        unknown_columns: stream.unknown_columns,
    })
}

/// Reads a whole inventory from its bytes; `file` names it in locations and messages.
pub fn read_inventory(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Inventory, InventoryError> {
    if bytes.len() as u64 > options.limits.max_input_bytes {
        return Err(InventoryError::InputTooLarge {
            file: Arc::from(file),
            limit: options.limits.max_input_bytes,
        });
    }
    read_inventory_from(file, bytes, options)
}

/// An inventory read entry by entry. Its format, encoding and unknown columns are known once
/// it is open; delimited text and package lists are then decoded and read a line at a time,
/// so that a million-row file costs a chunk and a row of memory, not the file. Documents
/// (JSON, XML) and workbooks are read whole, within the [`Limits`].
///
/// The iterator stops after the first error: a file is read correctly to its end or not at
/// all, and a caller that must not act on half a file reads it to the end first.
pub struct InventoryReader<R> {
    file: Arc<str>,
    format: InventoryFormat,
    limits: Limits,
    unknown_columns: Vec<UnknownColumn>,
    source: Source<Input<R>>,
}

/// The input after the bytes read to tell a workbook from text, put back in front.
type Input<R> = std::io::Chain<std::io::Cursor<Vec<u8>>, R>;

/// Where the entries of an [`InventoryReader`] come from.
enum Source<R> {
    Read {
        encoding: Option<&'static str>,
        entries: std::vec::IntoIter<InventoryEntry>,
    },
    Table {
        rows: tabular::DelimitedRows<R>,
        columns: tabular::TableColumns,
    },
    Packages {
        lines: text::DecodedLines<R>,
        line: String,
    },
    Finished {
        encoding: Option<&'static str>,
    },
}

impl<R: Read> InventoryReader<R> {
    /// Opens an inventory: detects its format (unless `options` names it) and encoding, and
    /// reads a tabular file's header.
    pub fn open(file: &str, mut input: R, options: &ReadOptions) -> Result<Self, InventoryError> {
        let file: Arc<str> = Arc::from(file);
        let limits = options.limits.clone();
        let io_error = |error: std::io::Error| InventoryError::Io {
            file: file.clone(),
            reason: error.to_string(),
        };
        let mut head = Vec::new();
        (&mut input)
            .take(COMPOUND_FILE_SIGNATURE.len() as u64)
            .read_to_end(&mut head)
            .map_err(io_error)?;
        let workbook = match options.format {
            Some(format @ (InventoryFormat::Xlsx | InventoryFormat::Xls)) => Some(format),
            Some(_) => None,
            None if head.starts_with(COMPOUND_FILE_SIGNATURE) => Some(InventoryFormat::Xls),
            None => head
                .starts_with(ZIP_SIGNATURE)
                .then_some(InventoryFormat::Xlsx),
        };
        let input = std::io::Cursor::new(head).chain(input);
        if let Some(format) = workbook {
            let mut bytes = Vec::new();
            input
                .take(limits.max_input_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(io_error)?;
            if bytes.len() as u64 > limits.max_input_bytes {
                return Err(InventoryError::InputTooLarge {
                    file,
                    limit: limits.max_input_bytes,
                });
            }
            let rows = if format == InventoryFormat::Xls {
                workbook::read_xls(&file, &bytes, &limits)?
            } else {
                workbook::read_xlsx(&file, &bytes, &limits)?
            };
            let (entries, unknown_columns) =
                tabular::entries_from_rows(&file, rows, &options.mapping, &limits)?;
            return Ok(Self::read(
                file,
                format,
                None,
                entries,
                unknown_columns,
                limits,
            ));
        }
        let mut lines = text::DecodedLines::new(
            file.clone(),
            input,
            options.encoding,
            limits.max_input_bytes,
        );
        // The first non-blank line tells a document from lines, and its header the format.
        let mut seen = Vec::new();
        let mut line = String::new();
        let mut first_text = None;
        let mut header = None;
        while let Some(number) = lines.next_line(&mut line)? {
            let text = line.trim_start_matches('\u{FEFF}');
            if !text.trim().is_empty() {
                first_text.get_or_insert_with(|| text.trim_start().to_owned());
                if !tabular::is_type_line(text) {
                    header = Some(text.to_owned());
                }
            }
            seen.push((number, std::mem::take(&mut line), lines.terminated()));
            if header.is_some() {
                break;
            }
        }
        let Some(first_text) = first_text else {
            return Err(InventoryError::Empty { file });
        };
        lines.replay(seen);
        let header = header.unwrap_or_default();
        let format = match options.format {
            Some(format) => format,
            None if first_text.starts_with(['{', '[']) => {
                let text = lines.read_rest()?;
                let document = documents::parse_json(&file, &text)?;
                let format = documents::json_format(&document)
                    .ok_or_else(|| InventoryError::UnknownFormat { file: file.clone() })?;
                let entries = documents::read_document(&file, format, &document, &limits)?;
                let encoding = Some(lines.encoding().name());
                return Ok(Self::read(
                    file,
                    format,
                    encoding,
                    entries,
                    Vec::new(),
                    limits,
                ));
            }
            None if first_text.starts_with('<') => InventoryFormat::CycloneDxXml,
            None => detect_text_format(&header, &options.mapping),
        };
        let documents = |lines: &mut text::DecodedLines<Input<R>>| -> Result<Self, InventoryError> {
            let text = lines.read_rest()?;
            let entries = if format == InventoryFormat::CycloneDxXml {
                if options.format.is_none() && !cyclonedx_xml::is_cyclonedx_xml(&text) {
                    return Err(InventoryError::UnknownFormat { file: file.clone() });
                }
                cyclonedx_xml::read_cyclonedx_xml(&file, &text, &limits)?
            } else {
                let document = documents::parse_json(&file, &text)?;
                documents::read_document(&file, format, &document, &limits)?
            };
            let encoding = Some(lines.encoding().name());
            Ok(Self::read(
                file.clone(),
                format,
                encoding,
                entries,
                Vec::new(),
                limits.clone(),
            ))
        };
        let (source, unknown_columns) = match format {
            InventoryFormat::Csv => {
                let mut rows =
                    tabular::DelimitedRows::new(lines, tabular::delimiter_of(&header), &limits);
                let Some(header) = rows.next_row(&file)? else {
                    return Err(InventoryError::Empty { file });
                };
                let (columns, unknown_columns) =
                    tabular::TableColumns::from_header(&file, &header, &options.mapping, &limits)?;
                (Source::Table { rows, columns }, unknown_columns)
            }
            InventoryFormat::DpkgQuery | InventoryFormat::RpmQuery => (
                Source::Packages {
                    lines,
                    line: String::new(),
                },
                Vec::new(),
            ),
            InventoryFormat::CycloneDxJson
            | InventoryFormat::SpdxJson
            | InventoryFormat::OsqueryJson
            | InventoryFormat::CycloneDxXml => return documents(&mut lines),
            InventoryFormat::Xlsx | InventoryFormat::Xls => {
                unreachable!("workbooks are read above")
            }
        };
        Ok(InventoryReader {
            file,
            format,
            limits,
            unknown_columns,
            source,
        })
    }

    fn read(
        file: Arc<str>,
        format: InventoryFormat,
        encoding: Option<&'static str>,
        entries: Vec<InventoryEntry>,
        unknown_columns: Vec<UnknownColumn>,
        limits: Limits,
    ) -> Self {
        InventoryReader {
            file,
            format,
            limits,
            unknown_columns,
            source: Source::Read {
                encoding,
                entries: entries.into_iter(),
            },
        }
    }

    /// The file's name, as given.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// The format, detected or given.
    pub fn format(&self) -> InventoryFormat {
        self.format
    }

    /// The text encoding (`None` for a workbook). While only ASCII has been read it is
    /// UTF-8; after the last entry it is final.
    pub fn encoding(&self) -> Option<&'static str> {
        match &self.source {
            Source::Read { encoding, .. } | Source::Finished { encoding } => *encoding,
            Source::Table { rows, .. } => Some(rows.encoding().name()),
            Source::Packages { lines, .. } => Some(lines.encoding().name()),
        }
    }

    /// Columns of a tabular file's header that are not understood.
    pub fn unknown_columns(&self) -> &[UnknownColumn] {
        &self.unknown_columns
    }

    fn next_entry(&mut self) -> Result<Option<InventoryEntry>, InventoryError> {
        match &mut self.source {
            Source::Read { entries, .. } => Ok(entries.next()),
            Source::Table { rows, columns } => {
                while let Some(row) = rows.next_row(&self.file)? {
                    if let Some(entry) = columns.entry(&self.file, &row, &self.limits)? {
                        return Ok(Some(entry));
                    }
                }
                Ok(None)
            }
            Source::Packages { lines, line } => {
                while let Some(number) = lines.next_line(line)? {
                    let entry = packages::package_entry(
                        &self.file,
                        self.format,
                        number,
                        line,
                        &self.limits,
                    )?;
                    if entry.is_some() {
                        return Ok(entry);
                    }
                }
                Ok(None)
            }
            Source::Finished { .. } => Ok(None),
        }
    }
}

impl<R: Read> Iterator for InventoryReader<R> {
    type Item = Result<InventoryEntry, InventoryError>;

    fn next(&mut self) -> Option<Self::Item> {
        let next = self.next_entry();
        if !matches!(next, Ok(Some(_))) {
            self.source = Source::Finished {
                encoding: self.encoding(),
            };
        }
        next.transpose()
    }
}

/// Delimited text with a software column is tabular; otherwise tab-separated or single-token
/// lines are a package list; anything else is read as tabular so that the error lists the
/// headers it found.
fn detect_text_format(header: &str, mapping: &ColumnMapping) -> InventoryFormat {
    let delimiter = tabular::delimiter_of(header);
    if tabular::has_name_header(header, delimiter, mapping) {
        return InventoryFormat::Csv;
    }
    packages::package_list_format(header).unwrap_or(InventoryFormat::Csv)
}
