//! Hostile and broken inventories: each is refused with an error that names the file and the
//! row and column (or JSON path), within bounded memory.

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
    assert!(matches!(
        error_of("old.xls", xls),
        InventoryError::BinaryExcel { .. }
    ));
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
        error.to_string().starts_with("flag.csv:2:2: \"maybe\""),
        "{error}"
    );
    let error = error_of("twice.csv", "Name,DisplayName\na,b\n".as_bytes());
    assert_eq!(
        error.to_string(),
        "twice.csv:1:2: column \"DisplayName\" is a second software_name column (the first is column 1)"
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
