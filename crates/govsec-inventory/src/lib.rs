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
pub use error::InventoryError;
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

/// Reads an inventory from a stream, taking no more than the input limit into memory.
pub fn read_inventory_from(
    file: &str,
    mut reader: impl Read,
    options: &ReadOptions,
) -> Result<Inventory, InventoryError> {
    let limit = options.limits.max_input_bytes;
    let mut bytes = Vec::new();
    (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| InventoryError::Io {
            file: Arc::from(file),
            reason: error.to_string(),
        })?;
    read_inventory(file, &bytes, options)
}

/// Reads an inventory from its bytes; `file` names it in locations and messages.
pub fn read_inventory(
    file: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Inventory, InventoryError> {
    let file: Arc<str> = Arc::from(file);
    let limits = &options.limits;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(InventoryError::InputTooLarge {
            file,
            limit: limits.max_input_bytes,
        });
    }
    let workbook = match options.format {
        Some(format @ (InventoryFormat::Xlsx | InventoryFormat::Xls)) => Some(format),
        Some(_) => None,
        None if bytes.starts_with(COMPOUND_FILE_SIGNATURE) => Some(InventoryFormat::Xls),
        None => bytes
            .starts_with(ZIP_SIGNATURE)
            .then_some(InventoryFormat::Xlsx),
    };
    if let Some(format) = workbook {
        return read_workbook(file, format, bytes, options);
    }
    let decoded = text::decode(&file, bytes, options.encoding)?;
    let text = decoded.text.trim_start_matches('\u{FEFF}');
    if text.trim().is_empty() {
        return Err(InventoryError::Empty { file });
    }
    let starts_json = text.trim_start().starts_with(['{', '[']);
    let format = match options.format {
        Some(format) => format,
        None if starts_json => {
            let document = documents::parse_json(&file, text)?;
            let format = documents::json_format(&document)
                .ok_or_else(|| InventoryError::UnknownFormat { file: file.clone() })?;
            let entries = documents::read_document(&file, format, &document, limits)?;
            return Ok(inventory(
                file,
                format,
                decoded.encoding,
                entries,
                Vec::new(),
            ));
        }
        None if text.trim_start().starts_with('<') => {
            if !cyclonedx_xml::is_cyclonedx_xml(text) {
                return Err(InventoryError::UnknownFormat { file });
            }
            InventoryFormat::CycloneDxXml
        }
        None => detect_text_format(text, &options.mapping),
    };
    let (entries, unknown_columns) = match format {
        InventoryFormat::Csv => tabular::read_delimited(&file, text, &options.mapping, limits)?,
        InventoryFormat::DpkgQuery | InventoryFormat::RpmQuery => (
            packages::read_package_list(&file, format, text, limits)?,
            Vec::new(),
        ),
        InventoryFormat::CycloneDxJson
        | InventoryFormat::SpdxJson
        | InventoryFormat::OsqueryJson => {
            let document = documents::parse_json(&file, text)?;
            (
                documents::read_document(&file, format, &document, limits)?,
                Vec::new(),
            )
        }
        InventoryFormat::CycloneDxXml => (
            cyclonedx_xml::read_cyclonedx_xml(&file, text, limits)?,
            Vec::new(),
        ),
        InventoryFormat::Xlsx | InventoryFormat::Xls => {
            return read_workbook(file, format, bytes, options);
        }
    };
    Ok(inventory(
        file,
        format,
        decoded.encoding,
        entries,
        unknown_columns,
    ))
}

fn read_workbook(
    file: Arc<str>,
    format: InventoryFormat,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Inventory, InventoryError> {
    let rows = if format == InventoryFormat::Xls {
        workbook::read_xls(&file, bytes, &options.limits)?
    } else {
        workbook::read_xlsx(&file, bytes, &options.limits)?
    };
    let (entries, unknown_columns) =
        tabular::entries_from_rows(&file, rows, &options.mapping, &options.limits)?;
    Ok(Inventory {
        file,
        format,
        encoding: None,
        entries,
        unknown_columns,
    })
}

/// Delimited text with a software column is tabular; otherwise tab-separated or single-token
/// lines are a package list; anything else is read as tabular so that the error lists the
/// headers it found.
fn detect_text_format(text: &str, mapping: &ColumnMapping) -> InventoryFormat {
    let delimiter = tabular::delimiter_of(text);
    if tabular::has_name_header(text, delimiter, mapping) {
        return InventoryFormat::Csv;
    }
    packages::package_list_format(tabular::header_line(text)).unwrap_or(InventoryFormat::Csv)
}

fn inventory(
    file: Arc<str>,
    format: InventoryFormat,
    encoding: &'static encoding_rs::Encoding,
    entries: Vec<InventoryEntry>,
    unknown_columns: Vec<UnknownColumn>,
) -> Inventory {
    Inventory {
        file,
        format,
        encoding: Some(encoding.name()),
        entries,
        unknown_columns,
    }
}
