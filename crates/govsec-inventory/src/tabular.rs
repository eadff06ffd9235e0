//! Tabular inventories: a header row and one entry per row. Delimited text (RFC 4180 CSV, also
//! tab- or semicolon-separated) is split here; workbooks come as the same sparse rows from
//! [`crate::workbook`].

use std::sync::Arc;

use crate::columns::{ColumnMapping, Field};
use crate::model::{InventoryEntry, Position, SourceLocation, UnknownColumn};
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

/// The delimiter of a delimited text: whichever of comma, tab and semicolon the first
/// non-blank line holds most of (comma on a tie or none).
pub(crate) fn delimiter_of(text: &str) -> u8 {
    let line = header_line(text);
    [b',', b'\t', b';']
        .into_iter()
        .rev()
        .max_by_key(|&d| line.bytes().filter(|&b| b == d).count())
        .filter(|&d| line.as_bytes().contains(&d))
        .unwrap_or(b',')
}

/// The first non-blank line that is not PowerShell's type line.
pub(crate) fn header_line(text: &str) -> &str {
    text.lines()
        .map(|line| line.trim_start_matches('\u{FEFF}'))
        .find(|line| !line.trim().is_empty() && !line.starts_with(POWERSHELL_TYPE_LINE))
        .unwrap_or("")
}

/// Whether the first line of a delimited text names a software column.
pub(crate) fn has_name_header(text: &str, delimiter: u8, mapping: &ColumnMapping) -> bool {
    header_line(text)
        .split(char::from(delimiter))
        .any(|header| mapping.field_for(header) == Some(Field::SoftwareName))
}

/// Reads delimited text into rows, then into entries.
pub(crate) fn read_delimited(
    file: &Arc<str>,
    text: &str,
    mapping: &ColumnMapping,
    limits: &Limits,
) -> Result<TableContent, InventoryError> {
    let delimiter = delimiter_of(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .comment(None)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut first = true;
    let mut lines = LineCounter {
        text: text.as_bytes(),
        offset: 0,
        line: 1,
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let row = error
                    .position()
                    .map_or(lines.line, |p| lines.line_at(p.byte() as usize));
                return Err(InventoryError::Delimited {
                    file: file.clone(),
                    row,
                    reason: error.to_string(),
                });
            }
        }
        let number = record
            .position()
            .map_or(lines.line, |p| lines.line_at(p.byte() as usize));
        if first
            && record
                .get(0)
                .is_some_and(|cell| cell.starts_with(POWERSHELL_TYPE_LINE))
        {
            first = false;
            continue;
        }
        first = false;
        let cells = record
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.trim().is_empty())
            .map(|(index, cell)| (index + 1, cell.to_owned()))
            .collect();
        rows.push(SheetRow { number, cells });
    }
    entries_from_rows(file, rows, mapping, limits)
}

/// Line numbers of byte offsets met in increasing order. The CSV reader's own record position
/// is where it began reading, before the blank lines and the previous record's terminator that
/// it skips, so the record's first byte is found here and its line counted.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: usize) -> usize {
        let mut start = offset.max(self.offset).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        self.line += self.text[self.offset..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = start;
        self.line
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
    check_cells(file, &header, limits)?;
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
    let mut entries = Vec::new();
    for row in rows {
        check_cells(file, &row, limits)?;
        let mut entry = InventoryEntry::new(
            SourceLocation {
                file: file.clone(),
                position: Position::Row(row.number),
            },
            String::new(),
        );
        let mut has_value = false;
        for (column, text) in &row.cells {
            let Some((_, field)) = columns.iter().find(|(c, _)| c == column) else {
                continue;
            };
            let value = text.trim();
            if value.is_empty() {
                continue;
            }
            has_value = true;
            fill(&mut entry, *field, value).map_err(|reason| InventoryError::InvalidCell {
                file: file.clone(),
                row: row.number,
                column: *column,
                reason,
            })?;
        }
        if has_value {
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

fn fill(entry: &mut InventoryEntry, field: Field, value: &str) -> Result<(), String> {
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
fn parse_flag(value: &str) -> Result<bool, String> {
    match value.to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "v" | "✓" | "✔" | "○" | "核心" => Ok(true),
        "否" | "n" | "no" | "false" | "0" | "x" | "✗" | "非核心" => Ok(false),
        _ => Err(format!(
            "\"{value}\" is not a core-system flag; write 是 or 否 (yes or no)"
        )),
    }
}
