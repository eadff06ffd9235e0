//! Reading an inventory as a stream gives what reading its bytes at once gives, wherever the
//! reads happen to cut the file: multi-byte characters and quoted line breaks across chunks,
//! an encoding decided far into the file, row numbers counted by the line a row starts on.

use std::io::Read;

use govsec_inventory::{
    InventoryError, InventoryFormat, InventoryReader, Position, ReadOptions, TextEncoding,
    read_inventory, read_inventory_from,
};
use proptest::prelude::*;

/// A reader that hands out at most `step` bytes a call, as a slow pipe or socket does.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let take = self.step.min(buffer.len()).min(self.bytes.len());
        buffer[..take].copy_from_slice(&self.bytes[..take]);
        self.bytes = &self.bytes[take..];
        Ok(take)
    }
}

fn rows(file: &str, bytes: &[u8], step: usize) -> Vec<(usize, String, Option<String>)> {
    let inventory = read_inventory_from(file, Trickle { bytes, step }, &ReadOptions::default())
        .unwrap_or_else(|error| panic!("{file} should read: {error}"));
    inventory
        .entries
        .into_iter()
        .map(|entry| {
            let Position::Row(row) = entry.source.position else {
                panic!("tabular rows have row numbers");
            };
            (row, entry.software_name, entry.version)
        })
        .collect()
}

#[test]
fn rows_are_numbered_by_the_line_they_start_on() {
    let text =
        "軟體名稱,版本\r\n\r\n\r\n\"Notepad++\r\n(64-bit)\",8.6\r\nWinRAR,6.24\n\n,,\n7-Zip,23.01";
    for step in [1, 2, 3, 7, 1 << 20] {
        assert_eq!(
            rows("清冊.csv", text.as_bytes(), step),
            [
                (
                    4,
                    "Notepad++\r\n(64-bit)".to_owned(),
                    Some("8.6".to_owned())
                ),
                (6, "WinRAR".to_owned(), Some("6.24".to_owned())),
                (9, "7-Zip".to_owned(), Some("23.01".to_owned())),
            ],
            "read {step} bytes at a time"
        );
    }
}

#[test]
fn quotes_follow_rfc_4180_and_stray_quotes_stay() {
    let text = "軟體名稱,版本,發行者\n\"Foo, \"\"Pro\"\"\",1.0,\"A;B\"\nMonitor 27\" tool,2.0,x\n";
    let found = rows("q.csv", text.as_bytes(), 5);
    assert_eq!(found[0].1, "Foo, \"Pro\"");
    assert_eq!(found[1].1, "Monitor 27\" tool");
}

/// A file whose first 100,000 bytes are ASCII: the encoding is decided by bytes the first
/// chunks never saw.
fn late_chinese(encoded: &[u8]) -> Vec<u8> {
    let mut bytes = b"Software,Version\n".to_vec();
    for index in 0..5000 {
        bytes.extend_from_slice(format!("Tool {index},1.{index}\n").as_bytes());
    }
    bytes.extend_from_slice(encoded);
    bytes.extend_from_slice(b",2.0\n");
    bytes
}

#[test]
fn encoding_decided_late_in_the_file() {
    let (big5, _, _) = encoding_rs::BIG5.encode("趨勢科技 Apex One");
    for (bytes, encoding) in [
        (late_chinese(&big5), "Big5"),
        (late_chinese("趨勢科技 Apex One".as_bytes()), "UTF-8"),
    ] {
        let inventory = read_inventory("late.csv", &bytes, &ReadOptions::default()).unwrap();
        assert_eq!(inventory.encoding, Some(encoding));
        let last = inventory.entries.last().unwrap();
        assert_eq!(last.software_name, "趨勢科技 Apex One");
        assert_eq!(last.source.position, Position::Row(5002));
    }
}

#[test]
fn a_bad_byte_far_into_a_utf8_file_is_mixed_encoding_at_its_row() {
    let mut bytes = late_chinese("微軟 Office".as_bytes());
    bytes.extend_from_slice(b"abc,\xA4\xA4\n");
    match read_inventory("mixed.csv", &bytes, &ReadOptions::default()) {
        Err(InventoryError::MixedEncoding { row, column, .. }) => {
            assert_eq!((row, column), (5003, 2));
        }
        other => panic!("expected mixed encoding, got {other:?}"),
    }
}

#[test]
fn utf16_characters_cut_by_reads() {
    let text = "軟體名稱\t版本\r\n趨勢科技 Apex One\t14.0\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    for step in [1, 3] {
        let found = rows("unicode.txt", &bytes, step);
        assert_eq!(
            found,
            [(2, "趨勢科技 Apex One".to_owned(), Some("14.0".to_owned()))]
        );
    }
}

#[test]
fn an_unterminated_quote_stops_at_the_cell_limit() {
    let mut text = String::from("軟體名稱,版本\n\"never closed,1.0\n");
    for _ in 0..20_000 {
        text.push_str("more text that the open quote swallows\n");
    }
    let mut options = ReadOptions::default();
    options.limits.max_cell_chars = 1000;
    match read_inventory("open.csv", text.as_bytes(), &options) {
        Err(InventoryError::CellTooLong { row, column, .. }) => assert_eq!((row, column), (2, 1)),
        other => panic!("expected a cell too long, got {other:?}"),
    }
}

#[test]
fn the_reader_knows_the_header_before_the_rows() {
    let text = "#TYPE Microsoft.PowerShell.Commands.GetPackage\n\"Name\",\"Version\",\"顏色\"\n\"7-Zip\",\"23.01\",\"藍\"\n";
    let mut reader =
        InventoryReader::open("packages.csv", text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(reader.format(), InventoryFormat::Csv);
    assert_eq!(reader.unknown_columns().len(), 1);
    assert_eq!(reader.unknown_columns()[0].header, "顏色");
    let entry = reader.next().unwrap().unwrap();
    assert_eq!(entry.source.position, Position::Row(3));
    assert!(reader.next().is_none());
    assert_eq!(reader.encoding(), Some("UTF-8"));
}

#[test]
fn the_reader_stops_at_the_first_error() {
    let text = "openssl\t3.0.2\nbroken line with no tab\nzlib\t1.2.13\n";
    let mut options = ReadOptions {
        format: Some(InventoryFormat::DpkgQuery),
        ..ReadOptions::default()
    };
    options.encoding = TextEncoding::Utf8;
    let mut reader = InventoryReader::open("dpkg.txt", text.as_bytes(), &options).unwrap();
    assert_eq!(reader.next().unwrap().unwrap().software_name, "openssl");
    match reader.next() {
        Some(Err(error @ InventoryError::PackageLine { row: 2, .. })) => {
            assert_eq!(
                error.to_string(),
                "dpkg.txt:2: expected 2 or 3 tab-separated fields, found 1"
            );
            assert_eq!(
                error.message(govsec_i18n::Lang::ZhTw),
                "dpkg.txt:2：應有 2 或 3 個以 Tab 分隔的欄位，實有 1 個"
            );
        }
        other => panic!("expected the bad line, got {other:?}"),
    }
    assert!(reader.next().is_none());
}

fn cell() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            'a', 'Z', '7', ' ', ',', ';', '"', '\n', '\r', '微', '軟', '（', '版',
        ]),
        0..12,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever a CSV writer quotes, the reader gives back, read a few bytes at a time, with
    /// the line each row starts on.
    #[test]
    fn written_csv_reads_back(
        records in prop::collection::vec((cell(), cell()), 1..30),
        step in 1usize..40,
    ) {
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        writer.write_record(["軟體名稱", "版本"]).unwrap();
        for (name, version) in &records {
            writer.write_record([name, version]).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let found = rows("written.csv", &bytes, step);
        let mut line = 2;
        let mut expected = Vec::new();
        let mut starts = Vec::new();
        // The writer ends each record with `\n`; quoted cells carry their own line breaks.
        for (name, version) in &records {
            starts.push(line);
            line += 1 + name.matches('\n').count() + version.matches('\n').count();
        }
        for ((name, version), start) in records.iter().zip(starts) {
            if name.trim().is_empty() && version.trim().is_empty() {
                continue;
            }
            let version = Some(version.trim().to_owned()).filter(|v| !v.is_empty());
            expected.push((start, name.trim().to_owned(), version));
        }
        prop_assert_eq!(found, expected, "{}", text);
    }
}

#[test]
fn a_bad_byte_deep_in_a_json_document_is_placed_by_its_line() {
    let mut bytes = b"[\n".to_vec();
    for index in 0..10_000 {
        bytes.extend_from_slice(
            format!("  {{\"name\": \"微軟 Tool {index}\", \"version\": \"1.0\"}},\n").as_bytes(),
        );
    }
    bytes.extend_from_slice(b"  {\"name\": \"x, \xA4\xA4\"}\n]\n");
    match read_inventory("programs.json", &bytes, &ReadOptions::default()) {
        Err(InventoryError::MixedEncoding { row, column, .. }) => {
            assert_eq!((row, column), (10_002, 2));
        }
        other => panic!("expected mixed encoding, got {other:?}"),
    }
}
