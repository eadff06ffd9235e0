//! Hostile and broken inventories: each is refused with an error that names the file and the
//! row and column (or JSON path), within bounded memory.

mod support;

use std::io::Write;

use govsec_inventory::{
    ColumnMapping, InventoryError, Limits, ReadOptions, TextEncoding, read_inventory,
    read_inventory_from,
};

fn error_of(file: &str, bytes: &[u8]) -> InventoryError {
    match read_inventory(file, bytes, &ReadOptions::default()) {
        Ok(inventory) => panic!(
            "{file} should be refused, read {} entries",
            inventory.entries.len()
        ),
        Err(error) => error,
    }
}

#[test]
fn garbage_bytes() {
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect();
    let error = error_of("garbage.bin", &garbage);
    assert!(error.to_string().starts_with("garbage.bin"), "{error}");
}

#[test]
fn mixed_encoding_names_the_row() {
    let mut bytes = "軟體名稱,版本\nMicrosoft Office 專業增強版 2016,2016\n"
        .as_bytes()
        .to_vec();
    let (big5, _, _) = encoding_rs::BIG5.encode("趨勢科技 Apex One,14.0\n");
    bytes.extend_from_slice(&big5);
    let error = error_of("mixed.csv", &bytes);
    assert_eq!(
        error,
        InventoryError::MixedEncoding {
            file: "mixed.csv".into(),
            row: 3,
            column: 1
        }
    );
    assert!(error.to_string().starts_with("mixed.csv:3:1:"), "{error}");
}

#[test]
fn wrong_forced_encoding_names_the_row() {
    let text = "軟體名稱,版本\nnginx,1.24\n7-Zip,19.00\n";
    let mut bytes = text.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xFF\xFF,1\n");
    let error = read_inventory(
        "bad.csv",
        &bytes,
        &ReadOptions {
            encoding: TextEncoding::Utf8,
            ..ReadOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("bad.csv:4:1: the text is not valid UTF-8"),
        "{error}"
    );
    // Neither UTF-8 nor Big5 (0xFF never starts a Big5 character).
    let error = error_of("neither.csv", b"Name\nabc\n\xFF\xFF\n");
    assert!(error.to_string().starts_with("neither.csv:3:1:"), "{error}");
    assert!(error.to_string().contains("Big5"), "{error}");
}

#[test]
fn missing_header_lists_what_it_found() {
    let error = error_of(
        "no-header.csv",
        "Microsoft Office 專業增強版 2016,16.0,Microsoft\n".as_bytes(),
    );
    match &error {
        InventoryError::NoNameColumn { file, row, found } => {
            assert_eq!(&**file, "no-header.csv");
            assert_eq!(*row, 1);
            assert_eq!(found, "Microsoft Office 專業增強版 2016, 16.0, Microsoft");
        }
        other => panic!("expected NoNameColumn, got {other}"),
    }
    assert!(matches!(
        error_of("empty.csv", b"\n \n"),
        InventoryError::Empty { .. }
    ));
}

#[test]
fn enormous_cell_names_row_and_column() {
    let mut text = String::from("軟體名稱,版本\nnginx,1.24\n7-Zip,");
    text.push_str(&"9".repeat(5000));
    text.push('\n');
    let error = error_of("huge.csv", text.as_bytes());
    assert_eq!(
        error,
        InventoryError::CellTooLong {
            file: "huge.csv".into(),
            row: 3,
            column: 2,
            limit: 4096
        }
    );
    let mut packages = String::from("bash\t5.2\n");
    packages.push_str(&"x".repeat(5000));
    packages.push_str("\t1.0\n");
    assert!(matches!(
        error_of("dpkg.txt", packages.as_bytes()),
        InventoryError::CellTooLong {
            row: 2,
            column: 1,
            ..
        }
    ));
}

#[test]
fn oversized_input_is_not_read_past_the_limit() {
    let options = ReadOptions {
        limits: Limits {
            max_input_bytes: 1024,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    // An endless stream: only limit + 1 bytes are ever taken from it.
    let endless = std::io::repeat(b'a');
    let error = read_inventory_from("stdin", endless, &options).unwrap_err();
    assert_eq!(
        error,
        InventoryError::InputTooLarge {
            file: "stdin".into(),
            limit: 1024
        }
    );
}

/// A workbook whose sheet is 64 MiB of spaces deflated to some 64 KiB: the archive check must
/// refuse it before calamine inflates anything.
#[test]
fn xlsx_zip_bomb_is_refused() {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    archive.start_file("[Content_Types].xml", deflated).unwrap();
    archive.write_all(b"<Types/>").unwrap();
    archive
        .start_file("xl/worksheets/sheet1.xml", deflated)
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..64 {
        archive.write_all(&chunk).unwrap();
    }
    let bytes = archive.finish().unwrap().into_inner();
    assert!(
        bytes.len() < 1 << 20,
        "the bomb is small: {} bytes",
        bytes.len()
    );
    let options = ReadOptions {
        limits: Limits {
            max_decompressed_bytes: 16 << 20,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let error = read_inventory("bomb.xlsx", &bytes, &options).unwrap_err();
    assert_eq!(
        error,
        InventoryError::ArchiveTooLarge {
            file: "bomb.xlsx".into(),
            limit: 16 << 20
        }
    );
    assert!(error.to_string().starts_with("bomb.xlsx:"), "{error}");
}

#[test]
fn xlsx_cells_beyond_the_cap_and_far_away_cells() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "軟體名稱").unwrap();
    for row in 1..=50 {
        sheet.write_string(row, 0, "nginx").unwrap();
    }
    // One cell in the last column of the last row: a dense grid would be 17 billion cells.
    sheet.write_string(1_048_575, 16_383, "far").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let inventory = read_inventory("far.xlsx", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(
        inventory.entries.len(),
        50,
        "the far cell is in no known column"
    );
    let options = ReadOptions {
        limits: Limits {
            max_cells: 20,
            ..Limits::default()
        },
        ..ReadOptions::default()
    };
    let error = read_inventory("many.xlsx", &bytes, &options).unwrap_err();
    assert_eq!(
        error,
        InventoryError::TooManyCells {
            file: "many.xlsx".into(),
            row: 21,
            column: 1,
            limit: 20
        }
    );
}

#[test]
fn truncated_xlsx_and_old_xls() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().write_string(0, 0, "Name").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let error = error_of("cut.xlsx", &bytes[..bytes.len() / 2]);
    assert!(matches!(error, InventoryError::Workbook { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("cut.xlsx: unreadable workbook")
    );
    let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest of an old workbook";
    let error = error_of("old.xls", xls);
    assert!(
        error
            .to_string()
            .starts_with("old.xls: unreadable workbook: not a readable OLE compound file"),
        "{error}"
    );
}

#[test]
fn cyclonedx_cycle_and_depth() {
    let cycle = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
        {"bom-ref":"app","name":"app","components":[
          {"bom-ref":"lib","name":"lib","components":[{"bom-ref":"app","name":"app again"}]}]}]}"#;
    let error = error_of("cycle.cdx.json", cycle.as_bytes());
    assert_eq!(
        error,
        InventoryError::ComponentCycle {
            file: "cycle.cdx.json".into(),
            path: "$.components[0].components[0].components[0]".to_owned(),
            bom_ref: "app".to_owned(),
            ancestor: "$.components[0]".to_owned(),
        }
    );
    let mut deep = String::from(r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":"#);
    for level in 0..40 {
        deep.push_str(&format!(r#"[{{"name":"c{level}","components":"#));
    }
    deep.push_str("[]");
    for _ in 0..40 {
        deep.push_str("}]");
    }
    deep.push('}');
    let error = error_of("deep.cdx.json", deep.as_bytes());
    assert!(
        matches!(error, InventoryError::NestingTooDeep { limit: 32, .. }),
        "{error}"
    );
}

#[test]
fn malformed_json_and_wrong_shapes() {
    let error = error_of(
        "cut.json",
        br#"{"bomFormat":"CycloneDX","components":[{"name":"#,
    );
    assert!(
        matches!(error, InventoryError::Json { row: 1, .. }),
        "{error}"
    );
    let error = error_of(
        "v13.json",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.3","components":[]}"#,
    );
    assert!(
        error.to_string().starts_with("v13.json: $.specVersion:"),
        "{error}"
    );
    let error = error_of(
        "nameless.json",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"version":"1"}]}"#,
    );
    assert_eq!(
        error.to_string(),
        "nameless.json: $.components[0]: \"name\" is missing or empty"
    );
    let error = error_of("rows.json", br#"[{"name":"a"},{"name":["b"]}]"#);
    assert_eq!(error.to_string(), "rows.json: $[1].name: expected text");
    let error = error_of("spdx.json", br#"{"spdxVersion":"SPDX-2.3","packages":{}}"#);
    assert_eq!(
        error.to_string(),
        "spdx.json: $.packages: expected an array"
    );
    let nesting = "[".repeat(100_000);
    assert!(matches!(
        error_of("nest.json", nesting.as_bytes()),
        InventoryError::Json { .. }
    ));
}

#[test]
fn bad_cells_and_headers() {
    let error = error_of("flag.csv", "軟體名稱,核心系統\nnginx,maybe\n".as_bytes());
    assert!(
        error.to_string().starts_with("flag.csv:2:2: “maybe”"),
        "{error}"
    );
    assert_eq!(
        error.message(govsec_i18n::Lang::ZhTw),
        "flag.csv:2:2：「maybe」不是核心系統的是否註記；請填 是 或 否"
    );
    let error = error_of("twice.csv", "Name,DisplayName\na,b\n".as_bytes());
    assert_eq!(
        error.to_string(),
        "twice.csv:1:2: column “DisplayName” is a second software_name column (the first is column 1)"
    );
    let error = error_of("rpm.txt", b"kernel-5.14.0-1.el9.x86_64\nbroken\n");
    assert!(error.to_string().starts_with("rpm.txt:2:"), "{error}");
}

#[test]
fn bad_mapping_files() {
    let error = ColumnMapping::from_toml("map.toml", "\"電腦\" = \"computer\"\n").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("map.toml: column \"電腦\": \"computer\" is not a field"),
        "{error}"
    );
    let error = ColumnMapping::from_toml("map.toml", "= broken").unwrap_err();
    assert!(matches!(error, InventoryError::Mapping { .. }));
}

fn xls_error(file: &str, bytes: &[u8], limits: Limits) -> InventoryError {
    let options = ReadOptions {
        limits,
        ..ReadOptions::default()
    };
    match read_inventory(file, bytes, &options) {
        Ok(inventory) => panic!("{file} should be refused, read {:?}", inventory.entries),
        Err(error) => error,
    }
}

#[test]
fn xls_encrypted_workbooks() {
    // FilePass (MS-XLS 2.4.117) with RC4 encryption, right after the globals' BOF.
    let file_pass = support::record(0x002F, &[0x01, 0x00, 0x01, 0x00, 0x01, 0x00]);
    let bytes = support::xls(&[file_pass], &[support::label_sst(0, 0, 0)]);
    let error = error_of("locked.xls", &bytes);
    assert_eq!(
        error,
        InventoryError::EncryptedWorkbook {
            file: "locked.xls".into()
        }
    );
    // XOR obfuscation (type 0), which calamine would read as garbage, is refused the same way.
    let xor = support::record(0x002F, &[0x00, 0x00, 0x12, 0x34, 0x56, 0x78]);
    assert!(matches!(
        error_of("xor.xls", &support::xls(&[xor], &[])),
        InventoryError::EncryptedWorkbook { .. }
    ));
    // Excel saves an .xlsx with a password to open as a compound file.
    let encrypted_xlsx = support::compound_file(&[
        ("/EncryptionInfo", &[4, 0, 4, 0, 0x40, 0, 0, 0][..]),
        ("/EncryptedPackage", &[0; 64][..]),
    ]);
    let error = error_of("locked.xlsx", &encrypted_xlsx);
    assert!(
        error
            .to_string()
            .starts_with("locked.xlsx: the workbook is encrypted"),
        "{error}"
    );
}

#[test]
fn xls_that_is_not_a_biff8_workbook() {
    let word = support::compound_file(&[("/WordDocument", &[0xEC, 0xA5, 0xC1, 0x00][..])]);
    assert_eq!(
        error_of("letter.doc", &word).to_string(),
        "letter.doc: unreadable workbook: the compound file holds no Workbook stream: not an Excel workbook"
    );
    let mut biff5 = support::workbook_stream(&[], &[]);
    biff5[4..6].copy_from_slice(&0x0500u16.to_le_bytes());
    let error = error_of(
        "excel95.xls",
        &support::compound_file(&[("/Workbook", &biff5)]),
    );
    assert!(
        error.to_string().contains("only Excel 97–2003 (BIFF8)"),
        "{error}"
    );
    // A truncated copy of a real workbook: the compound file's chains are cut.
    let real = include_bytes!("fixtures/inventory.xls");
    let error = error_of("cut.xls", &real[..3000]);
    assert!(
        error
            .to_string()
            .starts_with("cut.xls: unreadable workbook:"),
        "{error}"
    );
}

#[test]
fn xls_corrupt_records_name_their_byte() {
    // A shared string that says it has 40 characters but the table ends after 2.
    let mut table = vec![1, 0, 0, 0, 1, 0, 0, 0];
    table.extend_from_slice(&[40, 0, 0x01, b'a', 0, b'b', 0]);
    let sst = support::record(0x00FC, &table);
    let bytes = support::xls(&[sst], &[support::label_sst(0, 0, 0)]);
    // The SST follows the 20-byte BOF record of the globals.
    assert_eq!(
        error_of("sst.xls", &bytes).to_string(),
        "sst.xls: byte 20 of the Workbook stream, record 0x00FC: a string runs past its records"
    );
    // A MulRk whose last column comes before its first: calamine would overflow.
    let mut mul_rk = vec![1, 0, 5, 0];
    mul_rk.extend_from_slice(&[0; 6]);
    mul_rk.extend_from_slice(&[2, 0]);
    let bytes = support::xls(&[], &[support::record(0x00BD, &mul_rk)]);
    let error = error_of("mulrk.xls", &bytes);
    assert!(
        matches!(
            &error,
            InventoryError::XlsRecord { record: 0x00BD, reason, .. }
                if reason == "its columns do not match its length"
        ),
        "{error}"
    );
    // A formula record too short to hold its token length.
    let bytes = support::xls(&[], &[support::record(0x0006, &[0; 20])]);
    assert!(matches!(
        error_of("formula.xls", &bytes),
        InventoryError::XlsRecord { record: 0x0006, .. }
    ));
    // The sheet's position points back into the globals.
    let mut stream = support::workbook_stream(&[], &[]);
    let bound_sheet = 20;
    stream[bound_sheet + 4..bound_sheet + 8].copy_from_slice(&4u32.to_le_bytes());
    let error = error_of(
        "loop.xls",
        &support::compound_file(&[("/Workbook", &stream)]),
    );
    assert_eq!(
        error.to_string(),
        "loop.xls: byte 20 of the Workbook stream, record 0x0085: the first sheet is said to start at byte 4, inside the workbook globals"
    );
    // A record that says it is longer than the stream.
    let mut stream = support::workbook_stream(&[], &[]);
    let end = stream.len();
    stream[end - 2..].copy_from_slice(&100u16.to_le_bytes());
    let error = error_of(
        "short.xls",
        &support::compound_file(&[("/Workbook", &stream)]),
    );
    assert_eq!(
        error.to_string(),
        format!(
            "short.xls: byte {} of the Workbook stream, record 0x000A: the record runs past the end of the stream",
            end - 4
        )
    );
}

#[test]
fn xls_declared_dimensions_are_not_trusted() {
    // Dimensions (MS-XLS 2.4.90) claiming 4 billion rows by 256 columns: calamine would reserve
    // memory for them all.
    let mut dimensions = Vec::new();
    dimensions.extend_from_slice(&0u32.to_le_bytes());
    dimensions.extend_from_slice(&u32::MAX.to_le_bytes());
    dimensions.extend_from_slice(&0u16.to_le_bytes());
    dimensions.extend_from_slice(&256u16.to_le_bytes());
    dimensions.extend_from_slice(&[0, 0]);
    let strings = support::shared_strings(&["Name", "nginx"]);
    let bytes = support::xls(
        &[strings],
        &[
            support::record(0x0200, &dimensions),
            support::label_sst(0, 0, 0),
            support::label_sst(1, 0, 1),
        ],
    );
    let inventory = read_inventory("dims.xls", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(inventory.entries[0].software_name, "nginx");
}

#[test]
fn xls_cells_beyond_the_caps_name_row_and_column() {
    let strings = support::shared_strings(&["軟體名稱", "nginx"]);
    let mut cells = vec![support::label_sst(0, 0, 0)];
    cells.extend((1..=50).map(|row| support::label_sst(row, 0, 1)));
    let bytes = support::xls(std::slice::from_ref(&strings), &cells);
    let limits = Limits {
        max_cells: 20,
        ..Limits::default()
    };
    assert_eq!(
        xls_error("many.xls", &bytes, limits),
        InventoryError::TooManyCells {
            file: "many.xls".into(),
            row: 21,
            column: 1,
            limit: 20
        }
    );
    // Two cells, but a grid of 65,536 × 256 between them.
    let far = support::xls(
        &[strings],
        &[
            support::label_sst(0, 0, 0),
            support::number(65_535, 255, 1.0),
        ],
    );
    let error = xls_error("far.xls", &far, Limits::default());
    assert_eq!(
        error,
        InventoryError::SheetSpanTooLarge {
            file: "far.xls".into(),
            row: 65_536,
            column: 256,
            limit: 4_000_000
        }
    );
    assert!(
        error
            .to_string()
            .starts_with("far.xls:65536:256: this cell"),
        "{error}"
    );
    // One 100-character shared string in every cell: each cell copies it, 200 bytes as UTF-16,
    // so the fifth copy (after the header's 8 bytes) passes 1,000 bytes, in row 6.
    let long = "軟".repeat(100);
    let strings = support::shared_strings(&["軟體名稱", &long]);
    let mut cells = vec![support::label_sst(0, 0, 0)];
    cells.extend((1..=10).map(|row| support::label_sst(row, 0, 1)));
    let bytes = support::xls(&[strings], &cells);
    let limits = Limits {
        max_decompressed_bytes: 1000,
        ..Limits::default()
    };
    assert_eq!(
        xls_error("expands.xls", &bytes, limits),
        InventoryError::WorkbookExpands {
            file: "expands.xls".into(),
            row: 6,
            column: 1,
            limit: 1000
        }
    );
}

#[test]
fn xls_enormous_cell_names_row_and_column() {
    let huge = "9".repeat(5000);
    let strings = support::shared_strings(&["軟體名稱", "版本", "nginx", &huge]);
    let bytes = support::xls(
        &[strings],
        &[
            support::label_sst(0, 0, 0),
            support::label_sst(0, 1, 1),
            support::label_sst(1, 0, 2),
            support::label_sst(2, 0, 2),
            support::label_sst(2, 1, 3),
        ],
    );
    assert_eq!(
        error_of("huge.xls", &bytes),
        InventoryError::CellTooLong {
            file: "huge.xls".into(),
            row: 3,
            column: 2,
            limit: 4096
        }
    );
}

fn xml_error(file: &str, text: &str) -> (usize, usize, String, String) {
    match error_of(file, text.as_bytes()) {
        InventoryError::Xml {
            row,
            column,
            path,
            reason,
            ..
        } => (row, column, path, reason),
        other => panic!("{file}: expected an XML error, got {other}"),
    }
}

const BOM_START: &str = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n";

#[test]
fn cyclonedx_xml_malformed_names_line_column_and_element() {
    let text = format!(
        "{BOM_START}<components>\n  <component><name>nginx</name></component>\n  <component><name>7-Zip</version></component>\n</components>\n</bom>\n"
    );
    let (row, column, path, reason) = xml_error("bad.cdx.xml", &text);
    assert_eq!((row, column), (4, 25));
    assert_eq!(path, "/bom/components/component[2]/name");
    assert!(reason.starts_with("malformed XML:"), "{reason}");
    assert!(reason.contains("version"), "{reason}");
    let error = error_of("bad.cdx.xml", text.as_bytes());
    assert!(
        error
            .to_string()
            .starts_with("bad.cdx.xml:4:25: /bom/components/component[2]/name: malformed XML:"),
        "{error}"
    );
    let cut = format!("{BOM_START}<components>\n  <component><name>nginx</name>");
    let (row, _, path, reason) = xml_error("cut.cdx.xml", &cut);
    assert_eq!(row, 3);
    assert_eq!(path, "/bom/components/component[1]");
    assert_eq!(reason, "the document ends inside <component[1]>");
    let (.., reason) = xml_error(
        "amp.cdx.xml",
        &format!(
            "{BOM_START}<components><component><name>a &nbsp; b</name></component></components></bom>"
        ),
    );
    assert_eq!(reason, "undeclared entity &nbsp;");
    let (row, column, path, _) = xml_error(
        "attr.cdx.xml",
        &format!(
            "{BOM_START}<components>\n<component bom-ref=\"a\" bom-ref=\"b\"><name>x</name></component></components></bom>"
        ),
    );
    assert_eq!((row, column, path.as_str()), (3, 1, "/bom/components"));
    let (.., reason) = xml_error(
        "two.cdx.xml",
        &format!("{BOM_START}</bom>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>"),
    );
    assert!(reason.starts_with("a second root element"), "{reason}");
}

#[test]
fn cyclonedx_xml_doctype_is_refused() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE bom [\n  <!ENTITY lol \"lol\">\n  <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n]>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component><name>&lol2;</name></component></components></bom>";
    let (row, column, path, reason) = xml_error("laughs.cdx.xml", laughs);
    assert_eq!((row, column, path.as_str()), (2, 1, "/"));
    assert!(reason.starts_with("a DOCTYPE is refused"), "{reason}");
    let external = "<!DOCTYPE bom SYSTEM \"file:///etc/passwd\"><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"/>";
    let (.., reason) = xml_error("xxe.cdx.xml", external);
    assert!(reason.starts_with("a DOCTYPE is refused"), "{reason}");
}

#[test]
fn cyclonedx_xml_wrong_namespace_or_version() {
    let (row, column, path, reason) = xml_error(
        "v13.cdx.xml",
        "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.3\"/>",
    );
    assert_eq!((row, column, path.as_str()), (2, 1, "/bom"));
    assert_eq!(
        reason,
        "CycloneDX \"1.3\" is not read; versions 1.4 to 1.6 are"
    );
    // Without a CycloneDX namespace the content is not detected as a BOM ...
    assert!(matches!(
        error_of("plain.xml", b"<bom><components/></bom>"),
        InventoryError::UnknownFormat { .. }
    ));
    // ... and when the format is forced, the error says what is missing.
    let forced = ReadOptions {
        format: Some(govsec_inventory::InventoryFormat::CycloneDxXml),
        ..ReadOptions::default()
    };
    let error = read_inventory("plain.xml", b"<bom><components/></bom>", &forced).unwrap_err();
    assert_eq!(
        error.to_string(),
        "plain.xml:1:1: /bom: <bom> has no namespace, not a CycloneDX one (\"http://cyclonedx.org/schema/bom/1.4\" to \"1.6\")"
    );
    let error = read_inventory(
        "svg.xml",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        &forced,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "svg.xml:1:1: /svg: the root element is <svg>, not a CycloneDX <bom>"
    );
}

#[test]
fn cyclonedx_xml_nameless_and_long_values() {
    let nameless = format!(
        "{BOM_START}<components>\n<component><name>a</name></component>\n<component type=\"library\">\n<version>1</version></component></components></bom>"
    );
    let (row, column, path, reason) = xml_error("nameless.cdx.xml", &nameless);
    assert_eq!((row, column), (4, 1));
    assert_eq!(path, "/bom/components/component[2]");
    assert_eq!(reason, "<name> is missing or empty");
    let long = format!(
        "{BOM_START}<components><component><name>a</name>\n<version>{}</version></component></components></bom>",
        "9".repeat(5000)
    );
    let (row, column, path, reason) = xml_error("long.cdx.xml", &long);
    assert_eq!((row, column), (3, 1));
    assert_eq!(path, "/bom/components/component[1]/version");
    assert_eq!(reason, "longer than 4096 characters");
}

#[test]
fn cyclonedx_xml_cycle_and_depth() {
    let cycle = format!(
        "{BOM_START}<components><component bom-ref=\"app\"><name>app</name><components>\
         <component bom-ref=\"lib\"><name>lib</name><components>\
         <component bom-ref=\"app\"><name>app again</name></component>\
         </components></component></components></component></components></bom>"
    );
    assert_eq!(
        error_of("cycle.cdx.xml", cycle.as_bytes()),
        InventoryError::ComponentCycle {
            file: "cycle.cdx.xml".into(),
            path: "/bom/components/component[1]/components/component[1]/components/component[1]"
                .to_owned(),
            bom_ref: "app".to_owned(),
            ancestor: "/bom/components/component[1]".to_owned(),
        }
    );
    let mut deep = String::from(BOM_START);
    for level in 0..40 {
        deep.push_str(&format!("<components><component><name>c{level}</name>"));
    }
    for _ in 0..40 {
        deep.push_str("</component></components>");
    }
    deep.push_str("</bom>");
    let error = error_of("deep.cdx.xml", deep.as_bytes());
    let expected_path = "/bom".to_owned() + &"/components/component[1]".repeat(33);
    assert_eq!(
        error,
        InventoryError::NestingTooDeep {
            file: "deep.cdx.xml".into(),
            path: expected_path,
            limit: 32
        }
    );
}
