//! Arbitrary bytes, and bytes that start like each supported format, never panic the
//! detectors and readers: they read or return an error. Binary workbooks get their own
//! strategies, since random bytes never get past the compound file's checks: random records
//! in a valid compound file, and real workbooks with bytes changed.

mod support;

use govsec_inventory::{InventoryFormat, Limits, ReadOptions, TextEncoding, read_inventory};
use proptest::prelude::*;

/// Beginnings that steer detection into each reader.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"PK\x03\x04",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    b"\xEF\xBB\xBF\xe8\xbb\x9f\xe9\xab\x94\xe5\x90\x8d\xe7\xa8\xb1,",
    b"\xFF\xFE",
    b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[",
    b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component bom-ref=\"a\"><name>",
    b"<?xml version=\"1.0\"?><c:bom xmlns:c=\"http://cyclonedx.org/schema/bom/1.4\"><c:components>",
    b"{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[",
    b"[{\"name\":",
    b"bash\t5.2\t",
    b"kernel-5.14-1.el9.x86_64\n",
];

/// Record types the `.xls` checker and calamine treat specially, so that random records hit
/// them often.
const RECORD_TYPES: &[u16] = &[
    0x0809, 0x000A, 0x003C, 0x002F, 0x0042, 0x0022, 0x0085, 0x0018, 0x0017, 0x00FC, 0x0200, 0x00E5,
    0x0203, 0x0204, 0x00D6, 0x0205, 0x0207, 0x027E, 0x00FD, 0x00BD, 0x0006, 0x041E, 0x00E0, 0x013D,
];

fn records() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let kind = prop_oneof![
        4 => prop::sample::select(RECORD_TYPES),
        1 => any::<u16>(),
    ];
    prop::collection::vec(
        (kind, prop::collection::vec(any::<u8>(), 0..48))
            .prop_map(|(kind, data)| support::record(kind, &data)),
        0..12,
    )
}

fn small_limits() -> Limits {
    Limits {
        max_cells: 64,
        max_cell_chars: 64,
        max_decompressed_bytes: 4096,
        ..Limits::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_read_or_fail_cleanly(
        prefix in prop::sample::select(PREFIXES),
        rest in prop::collection::vec(any::<u8>(), 0..512),
        forced in prop::option::of(prop::sample::select(&InventoryFormat::ALL[..])),
        encoding in prop::sample::select(&[
            TextEncoding::Detect, TextEncoding::Utf8, TextEncoding::Utf16, TextEncoding::Big5,
        ][..]),
    ) {
        let mut bytes = prefix.to_vec();
        bytes.extend(rest);
        let options = ReadOptions { format: forced, encoding, ..ReadOptions::default() };
        if let Err(error) = read_inventory("fuzz.bin", &bytes, &options) {
            prop_assert!(error.to_string().starts_with("fuzz.bin"));
        }
    }

    #[test]
    fn random_xls_records_read_or_fail_cleanly(globals in records(), sheet in records()) {
        let bytes = support::xls(&globals, &sheet);
        let options = ReadOptions { limits: small_limits(), ..ReadOptions::default() };
        if let Err(error) = read_inventory("fuzz.xls", &bytes, &options) {
            prop_assert!(error.to_string().starts_with("fuzz.xls"));
        }
    }

    #[test]
    fn changed_xls_workbooks_read_or_fail_cleanly(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        in_stream in any::<bool>(),
    ) {
        let real = include_bytes!("fixtures/inventory.xls");
        // Changing the Workbook stream reaches the record checks; changing the file reaches
        // the compound file's.
        let mut bytes = if in_stream { support::stream_of(real) } else { real.to_vec() };
        for (index, value) in changes {
            let at = index.index(bytes.len());
            bytes[at] = value;
        }
        if in_stream {
            bytes = support::compound_file(&[("/Workbook", &bytes)]);
        }
        let options = ReadOptions { limits: small_limits(), ..ReadOptions::default() };
        if let Err(error) = read_inventory("fuzz.xls", &bytes, &options) {
            prop_assert!(error.to_string().starts_with("fuzz.xls"));
        }
    }
}
