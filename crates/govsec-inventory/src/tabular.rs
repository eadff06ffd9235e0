//! Tabular inventories: a header row and one entry per row. Delimited text (RFC 4180 CSV, also
//! tab- or semicolon-separated) is split here; workbooks come as the same sparse rows from
//! [`crate::workbook`].

use std::io::Read;
use std::sync::Arc;

use crate::columns::{ColumnMapping, Field};
use crate::model::{InventoryEntry, Position, SourceLocation, UnknownColumn};
use crate::text::DecodedLines;
use crate::{InventoryError, Limits};

/// One row of a sheet: its 1-based number and its non-empty cells with 1-based columns, so
/// that a sparse sheet with a cell far to the right costs one cell, not a whole row.
pub(crate) struct SheetRow {
    pub number: usize,
    pub cells: Vec<(usize, String)>,
}

/// The entries and unknown columns of a tabular file.
pub(crate) type TableContent = (Vec<InventoryEntry>, Vec<UnknownColumn>);

/// Windows PowerShell 5.1's `Export-Csv` writes this type line above the header unless told
/// `-NoTypeInformation`.
const POWERSHELL_TYPE_LINE: &str = "#TYPE ";

/// The delimiter of a header line: whichever of comma, tab and semicolon it holds most of
/// (comma on a tie or none).
pub(crate) fn delimiter_of(line: &str) -> u8 {
    [b',', b'\t', b';']
        .into_iter()
        .rev()
        .max_by_key(|&d| line.bytes().filter(|&b| b == d).count())
        .filter(|&d| line.as_bytes().contains(&d))
        .unwrap_or(b',')
}

/// Whether a header line names a software column.
pub(crate) fn has_name_header(line: &str, delimiter: u8, mapping: &ColumnMapping) -> bool {
    line.split(char::from(delimiter))
        .any(|header| mapping.field_for(header) == Some(Field::SoftwareName))
}

/// Whether a line is the type line PowerShell writes above the header.
pub(crate) fn is_type_line(line: &str) -> bool {
    line.starts_with(POWERSHELL_TYPE_LINE)
}

/// Rows of delimited text as RFC 4180 reads it: a quoted cell may hold the delimiter, a
/// doubled quote and line breaks; a quote inside an unquoted cell is kept as written. Each row
/// is numbered by the line it starts on, and rows are read one at a time from the decoded
/// stream.
pub(crate) struct DelimitedRows<R> {
    lines: DecodedLines<R>,
    delimiter: char,
    line: String,
    first: bool,
    /// Longest cell kept while a row is read, in bytes: an unterminated quote must not gather
    /// the rest of the file into one cell.
    max_cell_bytes: usize,
    max_cell_chars: usize,
}

/// Where the splitter is within a cell.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellState {
    Start,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl<R: Read> DelimitedRows<R> {
    pub(crate) fn new(lines: DecodedLines<R>, delimiter: u8, limits: &Limits) -> Self {
        DelimitedRows {
            lines,
            delimiter: char::from(delimiter),
            line: String::new(),
            first: true,
            max_cell_bytes: limits.max_cell_chars.saturating_mul(4),
            max_cell_chars: limits.max_cell_chars,
        }
    }

    /// The encoding the rows were decoded from.
    pub(crate) fn encoding(&self) -> &'static encoding_rs::Encoding {
        self.lines.encoding()
    }

    /// The next row with a non-blank cell, or `None` at the end of the file.
    pub(crate) fn next_row(&mut self, file: &Arc<str>) -> Result<Option<SheetRow>, InventoryError> {
        loop {
            let Some(number) = self.lines.next_line(&mut self.line)? else {
                return Ok(None);
            };
            let mut cells = Vec::new();
            let mut cell = String::new();
            let mut column = 1;
            let mut state = CellState::Start;
            loop {
                let text = self.line.strip_suffix('\r').unwrap_or(&self.line);
                for character in text.chars() {
                    state = match (state, character) {
                        (CellState::Start, '"') => CellState::Quoted,
                        (CellState::Quoted, '"') => CellState::QuoteInQuoted,
                        (CellState::QuoteInQuoted, '"') => {
                            cell.push('"');
                            CellState::Quoted
                        }
                        (CellState::Quoted, character) => {
                            cell.push(character);
                            CellState::Quoted
                        }
                        (_, character) if character == self.delimiter => {
                            push_cell(&mut cells, column, &mut cell);
                            column += 1;
                            CellState::Start
                        }
                        (_, character) => {
                            cell.push(character);
                            CellState::Unquoted
                        }
                    };
                }
                if cell.len() > self.max_cell_bytes {
                    return Err(InventoryError::CellTooLong {
                        file: file.clone(),
                        row: number,
                        column,
                        limit: self.max_cell_chars,
                    });
                }
                if state != CellState::Quoted {
                    break;
                }
                // The quoted cell goes on to the next line, its line break included.
                if text.len() < self.line.len() {
                    cell.push('\r');
                }
                cell.push('\n');
                if self.lines.next_line(&mut self.line)?.is_none() {
                    break;
                }
            }
            push_cell(&mut cells, column, &mut cell);
            let first = std::mem::replace(&mut self.first, false);
            let type_line = cells.first().is_some_and(|(column, text)| {
                *column == 1 && text.starts_with(POWERSHELL_TYPE_LINE)
            });
            if (first && type_line) || cells.is_empty() {
                self.first = first && cells.is_empty();
                continue;
            }
            return Ok(Some(SheetRow { number, cells }));
        }
    }
}

/// Keeps a cell that is not blank, with its 1-based column.
fn push_cell(cells: &mut Vec<(usize, String)>, column: usize, cell: &mut String) {
    let text = std::mem::take(cell);
    if !text.trim().is_empty() {
        cells.push((column, text));
    }
}

/// The columns of a tabular file, recognised from its header row.
pub(crate) struct TableColumns {
    columns: Vec<(usize, Field)>,
}

impl TableColumns {
    /// Recognises the header row: each column's field, and the columns that were not
    /// understood. A header without a software column is an error listing what it holds.
    pub(crate) fn from_header(
        file: &Arc<str>,
        header: &SheetRow,
        mapping: &ColumnMapping,
        limits: &Limits,
    ) -> Result<(TableColumns, Vec<UnknownColumn>), InventoryError> {
        check_cells(file, header, limits)?;
        let mut columns: Vec<(usize, Field)> = Vec::new();
        let mut unknown_columns = Vec::new();
        for (column, text) in &header.cells {
            let text = text.trim().trim_start_matches('\u{FEFF}');
            match mapping.field_for(text) {
                Some(Field::Ignored) => {}
                Some(field) => {
                    if let Some((first, _)) = columns.iter().find(|(_, f)| *f == field) {
                        return Err(InventoryError::DuplicateColumn {
                            file: file.clone(),
                            row: header.number,
                            column: *column,
                            header: text.to_owned(),
                            field: field.name(),
                            first: *first,
                        });
                    }
                    columns.push((*column, field));
                }
                None => unknown_columns.push(UnknownColumn {
                    column: *column,
                    header: text.to_owned(),
                }),
            }
        }
        if !columns
            .iter()
            .any(|(_, field)| *field == Field::SoftwareName)
        {
            let found: Vec<&str> = header.cells.iter().map(|(_, text)| text.trim()).collect();
            return Err(InventoryError::NoNameColumn {
                file: file.clone(),
                row: header.number,
                found: found.join(", "),
            });
        }
        Ok((TableColumns { columns }, unknown_columns))
    }

    /// The entry of a row below the header, `None` when its recognised cells are all blank.
    pub(crate) fn entry(
        &self,
        file: &Arc<str>,
        row: &SheetRow,
        limits: &Limits,
    ) -> Result<Option<InventoryEntry>, InventoryError> {
        check_cells(file, row, limits)?;
        let mut entry = InventoryEntry::new(
            SourceLocation {
                file: file.clone(),
                position: Position::Row(row.number),
            },
            String::new(),
        );
        let mut has_value = false;
        for (column, text) in &row.cells {
            let Some((_, field)) = self.columns.iter().find(|(c, _)| c == column) else {
                continue;
            };
            let value = text.trim();
            if value.is_empty() {
                continue;
            }
            has_value = true;
            fill(&mut entry, *field, value).map_err(|()| InventoryError::InvalidFlag {
                file: file.clone(),
                row: row.number,
                column: *column,
                value: value.to_owned(),
            })?;
        }
        Ok(has_value.then_some(entry))
    }
}

/// Turns rows into entries: the first non-blank row is the header, blank rows are skipped.
pub(crate) fn entries_from_rows(
    file: &Arc<str>,
    rows: Vec<SheetRow>,
    mapping: &ColumnMapping,
    limits: &Limits,
) -> Result<TableContent, InventoryError> {
    let mut rows = rows.into_iter().filter(|row| !row.cells.is_empty());
    let Some(header) = rows.next() else {
        return Err(InventoryError::Empty { file: file.clone() });
    };
    let (columns, unknown_columns) = TableColumns::from_header(file, &header, mapping, limits)?;
    let mut entries = Vec::new();
    for row in rows {
        if let Some(entry) = columns.entry(file, &row, limits)? {
            entries.push(entry);
        }
    }
    Ok((entries, unknown_columns))
}

fn check_cells(file: &Arc<str>, row: &SheetRow, limits: &Limits) -> Result<(), InventoryError> {
    for (column, text) in &row.cells {
        // Bytes bound characters from above, so only long cells need counting.
        if text.len() > limits.max_cell_chars && text.chars().count() > limits.max_cell_chars {
            return Err(InventoryError::CellTooLong {
                file: file.clone(),
                row: row.number,
                column: *column,
                limit: limits.max_cell_chars,
            });
        }
    }
    Ok(())
}

/// Sets the entry's field; `Err` when a core-system cell says neither yes nor no.
fn fill(entry: &mut InventoryEntry, field: Field, value: &str) -> Result<(), ()> {
    let text = Some(value.to_owned());
    match field {
        Field::SoftwareName => entry.software_name = value.to_owned(),
        Field::HostName => entry.host_name = text,
        Field::IpAddress => entry.ip_address = text,
        Field::OperatingSystem => entry.operating_system = text,
        Field::Publisher => entry.publisher = text,
        Field::Version => entry.version = text,
        Field::Architecture => entry.architecture = text,
        Field::InstallDate => entry.install_date = text,
        Field::AssetClass => entry.asset_class = text,
        Field::SystemName => entry.system_name = text,
        Field::CoreSystem => entry.core_system = Some(parse_flag(value)?),
        Field::Cpe => entry.given_cpe = text,
        Field::PackageUrl => entry.package_url = text,
        Field::Ignored => {}
    }
    Ok(())
}

/// Yes/no as agencies' sheets write it: 是/否, Y/N, yes/no, true/false, 1/0, V/X, ✓.
fn parse_flag(value: &str) -> Result<bool, ()> {
    match value.to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "v" | "✓" | "✔" | "○" | "核心" => Ok(true),
        "否" | "n" | "no" | "false" | "0" | "x" | "✗" | "非核心" => Ok(false),
        _ => Err(()),
    }
}
