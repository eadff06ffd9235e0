//! Workbooks: XLSX (ECMA-376 Office Open XML: a ZIP archive of XML parts) and the old binary
//! `.xls` (BIFF8), both read with calamine into the same sparse rows of the first sheet. An
//! uploaded workbook is untrusted: a few kilobytes of ZIP can inflate to gigabytes, and one cell
//! at XFD1048576 would make a dense grid of 17 billion cells. So an XLSX archive's decompressed
//! size is measured before anything is parsed, and its first sheet is read cell by cell with a
//! cap on the number of cells; an `.xls` is checked record by record first ([`crate::xls`]).

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::Arc;

use calamine::{Data, DataRef, Reader, Xls, Xlsx};

use crate::tabular::SheetRow;
use crate::{InventoryError, Limits};

/// Reads the first sheet of an `.xls` workbook into rows.
pub(crate) fn read_xls(
    file: &Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<SheetRow>, InventoryError> {
    let checked = crate::xls::checked_workbook(file, bytes, limits)?;
    let unreadable = |reason: String| InventoryError::Workbook {
        file: file.clone(),
        reason,
    };
    let mut workbook: Xls<_> =
        Xls::new(Cursor::new(checked)).map_err(|error| unreadable(error.to_string()))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(InventoryError::Empty { file: file.clone() });
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|error| unreadable(error.to_string()))?;
    let (top, left) = range.start().unwrap_or_default();
    let mut rows: Vec<SheetRow> = Vec::new();
    // The grid is held row by row, so its used cells come in row order.
    for (row, column, value) in range.used_cells() {
        let text = cell_text(&data_ref(value));
        if text.trim().is_empty() {
            continue;
        }
        let number = top as usize + row + 1;
        let column = left as usize + column + 1;
        match rows.last_mut() {
            Some(last) if last.number == number => last.cells.push((column, text)),
            _ => rows.push(SheetRow {
                number,
                cells: vec![(column, text)],
            }),
        }
    }
    Ok(rows)
}

/// Reads the first sheet of an XLSX workbook into rows.
pub(crate) fn read_xlsx(
    file: &Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<SheetRow>, InventoryError> {
    check_archive(file, bytes, limits)?;
    let unreadable = |reason: String| InventoryError::Workbook {
        file: file.clone(),
        reason,
    };
    let mut workbook =
        Xlsx::new(Cursor::new(bytes)).map_err(|error| unreadable(error.to_string()))?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(InventoryError::Empty { file: file.clone() });
    };
    let mut cells = workbook
        .worksheet_cells_reader(&sheet)
        .map_err(|error| unreadable(error.to_string()))?;
    let mut rows: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
    let mut count = 0usize;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|error| unreadable(error.to_string()))?
    {
        let (row, column) = cell.get_position();
        count += 1;
        if count > limits.max_cells {
            return Err(InventoryError::TooManyCells {
                file: file.clone(),
                row: row as usize + 1,
                column: column as usize + 1,
                limit: limits.max_cells,
            });
        }
        let text = cell_text(cell.get_value());
        if !text.trim().is_empty() {
            rows.entry(row)
                .or_default()
                .push((column as usize + 1, text));
        }
    }
    Ok(rows
        .into_iter()
        .map(|(row, mut cells)| {
            cells.sort_by_key(|(column, _)| *column);
            SheetRow {
                number: row as usize + 1,
                cells,
            }
        })
        .collect())
}

/// Inflates every member into nothing, counting bytes, and refuses the archive once the total
/// passes the limit. Declared sizes in the ZIP headers are not trusted: they are what a bomb
/// lies about.
fn check_archive(file: &Arc<str>, bytes: &[u8], limits: &Limits) -> Result<(), InventoryError> {
    let unreadable = |reason: String| InventoryError::Workbook {
        file: file.clone(),
        reason,
    };
    let too_large = || InventoryError::ArchiveTooLarge {
        file: file.clone(),
        limit: limits.max_decompressed_bytes,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|error| unreadable(error.to_string()))?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let member = archive
            .by_index(index)
            .map_err(|error| unreadable(error.to_string()))?;
        let allowance = limits.max_decompressed_bytes - total;
        let inflated = std::io::copy(&mut member.take(allowance + 1), &mut std::io::sink())
            .map_err(|error| unreadable(error.to_string()))?;
        if inflated > allowance {
            return Err(too_large());
        }
        total += inflated;
    }
    Ok(())
}

/// The borrowed view of an owned cell, so that both readers write cells the same way.
fn data_ref(value: &Data) -> DataRef<'_> {
    match value {
        Data::Empty => DataRef::Empty,
        Data::String(text) => DataRef::SharedString(text),
        Data::Int(value) => DataRef::Int(*value),
        Data::Float(value) => DataRef::Float(*value),
        Data::Bool(value) => DataRef::Bool(*value),
        Data::DateTime(value) => DataRef::DateTime(*value),
        Data::DateTimeIso(text) => DataRef::DateTimeIso(text.clone()),
        Data::DurationIso(text) => DataRef::DurationIso(text.clone()),
        Data::Error(error) => DataRef::Error(error.clone()),
    }
}

fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            text.clone()
        }
        DataRef::SharedString(text) => (*text).to_owned(),
        DataRef::Int(value) => value.to_string(),
        // Whole numbers typed into a cell (a version "16", a date "20210315") come back as
        // floats; write them without the ".0".
        DataRef::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => {
            format!("{value:.0}")
        }
        DataRef::Float(value) => value.to_string(),
        DataRef::Bool(value) => if *value { "是" } else { "否" }.to_owned(),
        DataRef::DateTime(value) => {
            let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
            if value.is_datetime() && (hour, minute, second) != (0, 0, 0) {
                format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
            } else {
                format!("{year:04}-{month:02}-{day:02}")
            }
        }
        DataRef::Error(error) => error.to_string(),
    }
}
