//! Builds small `.xls` workbooks record by record (MS-XLS BIFF8 records in the `Workbook`
//! stream of a compound file), so that tests can write the broken and hostile ones no
//! spreadsheet program would save. The committed fixtures are the real ones, from xlwt.

// Each test binary that includes this module uses only some of its helpers.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};

/// One BIFF record: type, length, data.
pub fn record(kind: u16, data: &[u8]) -> Vec<u8> {
    let mut bytes = kind.to_le_bytes().to_vec();
    bytes.extend_from_slice(&u16::try_from(data.len()).unwrap().to_le_bytes());
    bytes.extend_from_slice(data);
    bytes
}

/// A BOF record of a BIFF8 substream of the given type (0x0005 globals, 0x0010 worksheet).
pub fn bof(substream: u16) -> Vec<u8> {
    let mut data = 0x0600u16.to_le_bytes().to_vec();
    data.extend_from_slice(&substream.to_le_bytes());
    data.extend_from_slice(&[0; 12]);
    record(0x0809, &data)
}

/// A LabelSst cell (MS-XLS 2.4.149), 0-based as the record stores it.
pub fn label_sst(row: u16, column: u16, index: u32) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&row.to_le_bytes());
    data.extend_from_slice(&column.to_le_bytes());
    data.extend_from_slice(&0u16.to_le_bytes());
    data.extend_from_slice(&index.to_le_bytes());
    record(0x00FD, &data)
}

/// A Number cell (MS-XLS 2.4.180).
pub fn number(row: u16, column: u16, value: f64) -> Vec<u8> {
    let mut data = Vec::new();
    data.extend_from_slice(&row.to_le_bytes());
    data.extend_from_slice(&column.to_le_bytes());
    data.extend_from_slice(&0u16.to_le_bytes());
    data.extend_from_slice(&value.to_le_bytes());
    record(0x0203, &data)
}

/// A shared-string table (MS-XLS 2.4.265) of UTF-16 strings, split into CONTINUE records as
/// Excel splits it, at 8,224 bytes of data, a continued string's part starting with its flags.
pub fn shared_strings(strings: &[&str]) -> Vec<u8> {
    const MAX_DATA: usize = 8224;
    let count = u32::try_from(strings.len()).unwrap().to_le_bytes();
    let mut records = Vec::new();
    let mut current: Vec<u8> = [count, count].concat();
    let mut kind = 0x00FC;
    for text in strings {
        let units: Vec<u16> = text.encode_utf16().collect();
        if current.len() + 5 > MAX_DATA {
            records.extend(record(kind, &current));
            (kind, current) = (0x003C, Vec::new());
        }
        current.extend_from_slice(&u16::try_from(units.len()).unwrap().to_le_bytes());
        current.push(0x01);
        for unit in units {
            if current.len() + 2 > MAX_DATA {
                records.extend(record(kind, &current));
                (kind, current) = (0x003C, vec![0x01]);
            }
            current.extend_from_slice(&unit.to_le_bytes());
        }
    }
    records.extend(record(kind, &current));
    records
}

/// The `Workbook` stream of one sheet named "清冊": the globals (BOF, `globals`, the sheet's
/// BoundSheet8, EOF), then the sheet (BOF, `sheet`, EOF).
pub fn workbook_stream(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
    let mut stream = bof(0x0005);
    for part in globals {
        stream.extend_from_slice(part);
    }
    let name: Vec<u16> = "清冊".encode_utf16().collect();
    let mut bound_sheet = vec![0; 4];
    bound_sheet.extend_from_slice(&[0, 0, u8::try_from(name.len()).unwrap(), 0x01]);
    for unit in name {
        bound_sheet.extend_from_slice(&unit.to_le_bytes());
    }
    let position_at = stream.len() + 4;
    stream.extend(record(0x0085, &bound_sheet));
    stream.extend(record(0x000A, &[]));
    let start = u32::try_from(stream.len()).unwrap().to_le_bytes();
    stream[position_at..position_at + 4].copy_from_slice(&start);
    stream.extend(bof(0x0010));
    for part in sheet {
        stream.extend_from_slice(part);
    }
    stream.extend(record(0x000A, &[]));
    stream
}

/// A compound file holding the given streams, as an `.xls` file is one.
pub fn compound_file(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut compound = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (name, bytes) in streams {
        let mut stream = compound.create_stream(name).unwrap();
        stream.write_all(bytes).unwrap();
    }
    compound.flush().unwrap();
    compound.into_inner().into_inner()
}

/// An `.xls` workbook of one sheet.
pub fn xls(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
    compound_file(&[("/Workbook", &workbook_stream(globals, sheet))])
}

/// The `Workbook` stream of an `.xls` file.
pub fn stream_of(xls: &[u8]) -> Vec<u8> {
    let mut compound = cfb::CompoundFile::open(Cursor::new(xls)).unwrap();
    let mut stream = Vec::new();
    compound
        .open_stream("/Workbook")
        .unwrap()
        .read_to_end(&mut stream)
        .unwrap();
    stream
}
