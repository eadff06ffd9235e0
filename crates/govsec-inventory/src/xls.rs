//! Checks an old binary Excel workbook (`.xls`: BIFF8 records, MS-XLS, in the `Workbook` stream
//! of an OLE compound file, MS-CFB) before calamine reads it.
//!
//! calamine trusts what it reads: its compound-file reader follows sector chains without
//! looking for loops, its record parsers index records by the lengths and counts they declare,
//! it reserves memory by a sheet's declared dimensions, copies one shared string into every
//! cell that points at it, and holds each sheet as a dense grid from its first cell to its
//! last. An uploaded workbook is untrusted, so it is taken apart here first:
//!
//! - the compound file is opened with the `cfb` crate, which validates its chains, and only
//!   the `Workbook` stream is taken from it;
//! - every record calamine would parse is checked to be well-formed as far as calamine relies
//!   on it, and the sheet's cells are counted, with the grid they span and the text that
//!   shared strings expand to, against the [`Limits`];
//! - records calamine would parse but an inventory does not need (defined names, external
//!   sheet references, merged cells, declared dimensions, and every sheet after the first) are
//!   given a record type no reader interprets, and formulas lose their tokens (their cached
//!   values are what is read), so those parsers never run;
//! - the checked stream is written into a fresh compound file, which is what calamine opens.

use std::io::{Cursor, Read, Write};
use std::ops::Range;
use std::sync::Arc;

use crate::{InventoryError, Limits};

/// Record types (MS-XLS 2.3), named as the specification names them.
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILE_PASS: u16 = 0x002F;
const CODE_PAGE: u16 = 0x0042;
const DATE_MODE: u16 = 0x0022;
const BOUND_SHEET8: u16 = 0x0085;
const LBL: u16 = 0x0018;
const EXTERN_SHEET: u16 = 0x0017;
const SST: u16 = 0x00FC;
const DIMENSIONS: u16 = 0x0200;
const MERGE_CELLS: u16 = 0x00E5;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOL_ERR: u16 = 0x0205;
const STRING: u16 = 0x0207;
const RK: u16 = 0x027E;
const LABEL_SST: u16 = 0x00FD;
const MUL_RK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
/// Most CONTINUE records one record may have. calamine keeps a list of them for every record
/// (16 bytes each, for 4-byte empty records), and for the shared-string table moves the rest of
/// the list down each time it takes the next one, which costs quadratic time. Excel fills each
/// record (8,224 bytes), so this allows some 130 MB of shared strings.
const MAX_CONTINUES: usize = 16_384;
/// Not a record type of MS-XLS, and matched by no calamine parser: records that must not reach
/// calamine are retyped to it, which keeps every offset in the stream as it was.
const UNREAD: u16 = 0x0000;

/// The checked workbook, as a fresh compound file holding only its `Workbook` stream.
pub(crate) fn checked_workbook(
    file: &Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, InventoryError> {
    let stream = workbook_stream(file, bytes, limits)?;
    let mut checker = Checker {
        file,
        stream,
        limits,
    };
    let globals = checker.globals()?;
    checker.first_sheet(&globals)?;
    compound_file(&checker.stream).map_err(|error| InventoryError::Workbook {
        file: file.clone(),
        reason: error.to_string(),
    })
}

fn workbook_stream(
    file: &Arc<str>,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, InventoryError> {
    let unreadable = |reason: String| InventoryError::Workbook {
        file: file.clone(),
        reason,
    };
    let mut compound = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|error| unreadable(format!("not a readable OLE compound file: {error}")))?;
    // Office encrypts an .xlsx by putting the whole package into a compound file.
    if compound.is_stream("/EncryptedPackage") {
        return Err(InventoryError::EncryptedWorkbook { file: file.clone() });
    }
    if !compound.is_stream("/Workbook") {
        return Err(unreadable(if compound.is_stream("/Book") {
            "an Excel 5.0/95 workbook (BIFF5); only Excel 97–2003 (BIFF8) .xls files are read: \
             save it as .xlsx or CSV"
                .to_owned()
        } else {
            "the compound file holds no Workbook stream: not an Excel workbook".to_owned()
        }));
    }
    let mut stream = Vec::new();
    compound
        .open_stream("/Workbook")
        .and_then(|workbook| {
            workbook
                .take(limits.max_input_bytes)
                .read_to_end(&mut stream)
        })
        .map_err(|error| unreadable(format!("the Workbook stream cannot be read: {error}")))?;
    Ok(stream)
}

fn compound_file(stream: &[u8]) -> std::io::Result<Vec<u8>> {
    // Version 3 (512-byte sectors): calamine refuses a version 4 file whose root has no mini
    // stream, which a Workbook stream of 4096 bytes or more leaves it without.
    let mut compound =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
    {
        let mut workbook = compound.create_stream("/Workbook")?;
        workbook.write_all(stream)?;
        workbook.flush()?;
    }
    compound.flush()?;
    Ok(compound.into_inner().into_inner())
}

/// One record as calamine's record iterator splits the stream: the CONTINUE records that
/// follow it are part of it.
struct Record {
    offset: usize,
    kind: u16,
    data: Range<usize>,
    continues: Vec<Range<usize>>,
    next: usize,
}

/// What the globals substream says about the rest.
struct Globals {
    /// Where the globals end (after their EOF record).
    end: usize,
    /// The first sheet's BoundSheet8 record offset and the sheet's position in the stream.
    first_sheet: Option<(usize, usize)>,
    /// Length in UTF-16 units of each shared string of the last SST record.
    shared: Vec<u16>,
}

struct Checker<'a> {
    file: &'a Arc<str>,
    stream: Vec<u8>,
    limits: &'a Limits,
}

impl Checker<'_> {
    fn corrupt(&self, offset: usize, record: u16, reason: impl Into<String>) -> InventoryError {
        InventoryError::XlsRecord {
            file: self.file.clone(),
            offset,
            record,
            reason: reason.into(),
        }
    }

    fn u16_at(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.stream[at], self.stream[at + 1]])
    }

    fn u32_at(&self, at: usize) -> u32 {
        u32::from_le_bytes([
            self.stream[at],
            self.stream[at + 1],
            self.stream[at + 2],
            self.stream[at + 3],
        ])
    }

    fn retype(&mut self, record: &Record) {
        self.stream[record.offset..record.offset + 2].copy_from_slice(&UNREAD.to_le_bytes());
    }

    /// The record at `at`, split exactly as calamine splits it, so that both see the same
    /// records.
    fn record(&self, at: usize) -> Result<Option<Record>, InventoryError> {
        let left = self.stream.len() - at;
        if left == 0 {
            return Ok(None);
        }
        if left < 4 {
            return Err(self.corrupt(at, 0, "the stream ends inside a record header"));
        }
        let kind = self.u16_at(at);
        let length = usize::from(self.u16_at(at + 2));
        if left < 4 + length {
            return Err(self.corrupt(at, kind, "the record runs past the end of the stream"));
        }
        let mut next = at + 4 + length;
        let mut continues = Vec::new();
        while self.stream.len() - next > 4 && self.u16_at(next) == CONTINUE {
            let length = usize::from(self.u16_at(next + 2));
            if self.stream.len() - next < 4 + length {
                return Err(self.corrupt(
                    next,
                    CONTINUE,
                    "the record runs past the end of the stream",
                ));
            }
            if continues.len() == MAX_CONTINUES {
                return Err(self.corrupt(
                    at,
                    kind,
                    format!("followed by more than {MAX_CONTINUES} CONTINUE records"),
                ));
            }
            continues.push(next + 4..next + 4 + length);
            next += 4 + length;
        }
        Ok(Some(Record {
            offset: at,
            kind,
            data: at + 4..at + 4 + length,
            continues,
            next,
        }))
    }

    fn globals(&mut self) -> Result<Globals, InventoryError> {
        let mut at = 0;
        let mut first_sheet = None;
        let mut shared = Vec::new();
        while let Some(record) = self.record(at)? {
            at = record.next;
            let length = record.data.len();
            if record.offset == 0 && record.kind != BOF {
                return Err(self.corrupt(0, record.kind, "the stream does not begin with BOF"));
            }
            match record.kind {
                FILE_PASS => {
                    return Err(InventoryError::EncryptedWorkbook {
                        file: self.file.clone(),
                    });
                }
                BOF => self.check_bof(&record)?,
                CODE_PAGE | DATE_MODE if length < 2 => {
                    return Err(self.corrupt(record.offset, record.kind, "shorter than 2 bytes"));
                }
                BOUND_SHEET8 if length < 6 => {
                    return Err(self.corrupt(record.offset, record.kind, "shorter than 6 bytes"));
                }
                BOUND_SHEET8 if first_sheet.is_none() => {
                    first_sheet = Some((record.offset, self.u32_at(record.data.start) as usize));
                }
                BOUND_SHEET8 | LBL | EXTERN_SHEET => self.retype(&record),
                SST => shared = self.shared_strings(&record)?,
                EOF => break,
                _ => {}
            }
        }
        Ok(Globals {
            end: at,
            first_sheet,
            shared,
        })
    }

    /// calamine reads strings by the BIFF version of the last BOF; only BIFF8 is read here.
    fn check_bof(&self, record: &Record) -> Result<(), InventoryError> {
        if record.data.len() < 2 {
            return Err(self.corrupt(record.offset, BOF, "shorter than 2 bytes"));
        }
        let version = self.u16_at(record.data.start);
        let kind = if record.data.len() >= 4 {
            self.u16_at(record.data.start + 2)
        } else {
            0
        };
        // MS-XLS 2.4.21 and the BIFF5 documentation: these version numbers (or none, with the
        // BIFF5 workbook globals type) are what Excel 2 to Excel 95 wrote.
        if matches!(version, 0x0002 | 0x0007 | 0x0200 | 0x0300 | 0x0400 | 0x0500)
            || (version == 0 && kind == 0x1000)
        {
            return Err(InventoryError::Workbook {
                file: self.file.clone(),
                reason: "an Excel 95 or older workbook; only Excel 97–2003 (BIFF8) .xls files \
                         are read: save it as .xlsx or CSV"
                    .to_owned(),
            });
        }
        Ok(())
    }

    /// Walks the shared-string table (MS-XLS 2.4.265) the way calamine does, refusing what
    /// would make it index past a record.
    fn shared_strings(&self, record: &Record) -> Result<Vec<u16>, InventoryError> {
        let corrupt = |reason: &str| self.corrupt(record.offset, SST, reason);
        let mut pieces = Pieces {
            current: &self.stream[record.data.clone()],
            following: record
                .continues
                .iter()
                .map(|range| &self.stream[range.clone()])
                .collect(),
        };
        let Some(strings) = pieces.current.get(8..) else {
            return Err(corrupt("shorter than its 8-byte header"));
        };
        pieces.current = strings;
        let mut lengths = Vec::new();
        while !pieces.current.is_empty() || pieces.advance() {
            if lengths.len() >= self.limits.max_cells {
                return Err(corrupt(&format!(
                    "more than {} shared strings, the cell limit",
                    self.limits.max_cells
                )));
            }
            // An empty CONTINUE record is an empty string to calamine.
            if pieces.current.is_empty() {
                lengths.push(0);
                continue;
            }
            let header = pieces
                .take(3)
                .ok_or_else(|| corrupt("a string is cut short"))?;
            let units = u16::from_le_bytes([header[0], header[1]]);
            let flags = header[2];
            let mut skipped = 0usize;
            if flags & 0x08 != 0 {
                let runs = pieces
                    .take(2)
                    .ok_or_else(|| corrupt("a string's formatting runs are cut short"))?;
                skipped += usize::from(u16::from_le_bytes([runs[0], runs[1]])) * 4;
            }
            if flags & 0x04 != 0 {
                let extension = pieces
                    .take(4)
                    .ok_or_else(|| corrupt("a string's phonetic block is cut short"))?;
                let length =
                    i32::from_le_bytes([extension[0], extension[1], extension[2], extension[3]]);
                skipped += usize::try_from(length)
                    .map_err(|_| corrupt("a string's phonetic block has a negative length"))?;
            }
            // The characters may go on in the next CONTINUE record, which then begins with its
            // own flags byte saying whether they are one or two bytes wide.
            let mut left = usize::from(units);
            let mut wide = flags & 0x01 != 0;
            while left > 0 {
                let width = if wide { 2 } else { 1 };
                let taken = left.min(pieces.current.len() / width);
                pieces.current = &pieces.current[taken * width..];
                left -= taken;
                if left > 0 {
                    if !pieces.advance() || pieces.current.is_empty() {
                        return Err(corrupt("a string runs past its records"));
                    }
                    wide = pieces.current[0] & 0x01 != 0;
                    pieces.current = &pieces.current[1..];
                }
            }
            if !pieces.skip(skipped) {
                return Err(corrupt("a string's formatting runs past its records"));
            }
            lengths.push(units);
        }
        Ok(lengths)
    }

    fn first_sheet(&mut self, globals: &Globals) -> Result<(), InventoryError> {
        let Some((bound_sheet, start)) = globals.first_sheet else {
            return Ok(());
        };
        if start < globals.end || start > self.stream.len() {
            let place = if start > self.stream.len() {
                "past the end of the stream"
            } else {
                "inside the workbook globals"
            };
            return Err(self.corrupt(
                bound_sheet,
                BOUND_SHEET8,
                format!("the first sheet is said to start at byte {start}, {place}"),
            ));
        }
        let mut grid = Grid::default();
        let mut at = start;
        let mut seen_bof = false;
        // Embedded charts are substreams of their own inside the sheet; calamine skips them.
        let mut depth = 0usize;
        let mut formula_cell = (0u16, 0u16);
        while let Some(record) = self.record(at)? {
            at = record.next;
            let data = record.data.start;
            let length = record.data.len();
            if depth > 0 {
                match record.kind {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let minimum = match record.kind {
                NUMBER => 14,
                LABEL | RSTRING => 6,
                BOOL_ERR => 8,
                RK | LABEL_SST => 10,
                MUL_RK => 6,
                FORMULA => 22,
                _ => 0,
            };
            if length < minimum {
                return Err(self.corrupt(
                    record.offset,
                    record.kind,
                    format!("shorter than {minimum} bytes"),
                ));
            }
            let position = || (self.u16_at(data), self.u16_at(data + 2));
            match record.kind {
                BOF if seen_bof => depth += 1,
                BOF => seen_bof = true,
                DIMENSIONS | MERGE_CELLS => self.retype(&record),
                NUMBER | LABEL | RSTRING | BOOL_ERR | RK => grid.add(self, position(), 0)?,
                STRING => grid.add(self, formula_cell, 0)?,
                LABEL_SST => {
                    let index = self.u32_at(data + 6) as usize;
                    if let Some(&units) = globals.shared.get(index) {
                        grid.add(self, position(), units)?;
                    }
                }
                MUL_RK => {
                    let (row, first) = position();
                    let last = self.u16_at(data + length - 2);
                    let count = usize::from(last.wrapping_sub(first)) + 1;
                    if last < first || count > usize::from(u16::MAX) || length != 6 + 6 * count {
                        return Err(self.corrupt(
                            record.offset,
                            MUL_RK,
                            "its columns do not match its length",
                        ));
                    }
                    for column in first..=last {
                        grid.add(self, (row, column), 0)?;
                    }
                }
                FORMULA => {
                    // calamine keeps every formula in a grid of its own besides the cell's
                    // value, so each counts, even one whose string value comes in the STRING
                    // record that follows and counts again there.
                    formula_cell = position();
                    grid.add(self, formula_cell, 0)?;
                    self.stream[data + 20..data + 22].copy_from_slice(&[0, 0]);
                }
                EOF => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// A record's data followed by its CONTINUE records, read as calamine reads them.
struct Pieces<'s> {
    current: &'s [u8],
    following: std::collections::VecDeque<&'s [u8]>,
}

impl<'s> Pieces<'s> {
    fn advance(&mut self) -> bool {
        match self.following.pop_front() {
            Some(next) => {
                self.current = next;
                true
            }
            None => false,
        }
    }

    /// The next `count` bytes, which calamine expects within the current record.
    fn take(&mut self, count: usize) -> Option<&'s [u8]> {
        let taken = self.current.get(..count)?;
        self.current = &self.current[count..];
        Some(taken)
    }

    fn skip(&mut self, mut count: usize) -> bool {
        while count > 0 {
            if self.current.is_empty() && !self.advance() {
                return false;
            }
            let step = count.min(self.current.len());
            self.current = &self.current[step..];
            count -= step;
        }
        true
    }
}

/// The cells of the first sheet as calamine will hold them.
#[derive(Default)]
struct Grid {
    cells: usize,
    /// First and last row and column of the cells so far.
    span: Option<(u16, u16, u16, u16)>,
    /// Bytes of text that shared strings expand to, counted as UTF-16.
    expanded: u64,
}

impl Grid {
    fn add(
        &mut self,
        checker: &Checker<'_>,
        (row, column): (u16, u16),
        shared_units: u16,
    ) -> Result<(), InventoryError> {
        let limits = checker.limits;
        let (row_number, column_number) = (usize::from(row) + 1, usize::from(column) + 1);
        self.cells += 1;
        if self.cells > limits.max_cells {
            return Err(InventoryError::TooManyCells {
                file: checker.file.clone(),
                row: row_number,
                column: column_number,
                limit: limits.max_cells,
            });
        }
        let (top, bottom, left, right) = match self.span {
            None => (row, row, column, column),
            Some((top, bottom, left, right)) => (
                top.min(row),
                bottom.max(row),
                left.min(column),
                right.max(column),
            ),
        };
        self.span = Some((top, bottom, left, right));
        let area = (u64::from(bottom - top) + 1) * (u64::from(right - left) + 1);
        if area > limits.max_cells as u64 {
            return Err(InventoryError::SheetSpanTooLarge {
                file: checker.file.clone(),
                row: row_number,
                column: column_number,
                limit: limits.max_cells,
            });
        }
        // Only shared strings expand: text written in a cell's own record is bounded by the
        // stream's size already.
        self.expanded += u64::from(shared_units) * 2;
        if self.expanded > limits.max_decompressed_bytes {
            return Err(InventoryError::WorkbookExpands {
                file: checker.file.clone(),
                row: row_number,
                column: column_number,
                limit: limits.max_decompressed_bytes,
            });
        }
        Ok(())
    }
}
