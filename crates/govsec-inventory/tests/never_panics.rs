//! Arbitrary bytes, and bytes that start like each supported format, never panic the
//! detectors and readers: they read or return an error.

use govsec_inventory::{InventoryFormat, ReadOptions, TextEncoding, read_inventory};
use proptest::prelude::*;

/// Beginnings that steer detection into each reader.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"PK\x03\x04",
    b"\xEF\xBB\xBF\xe8\xbb\x9f\xe9\xab\x94\xe5\x90\x8d\xe7\xa8\xb1,",
    b"\xFF\xFE",
    b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[",
    b"{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[",
    b"[{\"name\":",
    b"bash\t5.2\t",
    b"kernel-5.14-1.el9.x86_64\n",
];

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
}
