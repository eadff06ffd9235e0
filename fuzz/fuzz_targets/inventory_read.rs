//! Fuzzes the inventory readers: no input may panic, whichever format is forced or detected,
//! and every error names the file. The first byte picks the format and encoding, so one corpus
//! reaches every reader.
#![no_main]

use govsec_inventory::{InventoryFormat, ReadOptions, TextEncoding, read_inventory};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let formats = InventoryFormat::ALL;
    let format = formats.get(usize::from(selector & 0x0F)).copied();
    let encoding = match selector >> 6 {
        0 => TextEncoding::Detect,
        1 => TextEncoding::Utf8,
        2 => TextEncoding::Utf16,
        _ => TextEncoding::Big5,
    };
    let options = ReadOptions {
        format,
        encoding,
        ..ReadOptions::default()
    };
    if let Err(error) = read_inventory("fuzz.bin", bytes, &options) {
        assert!(error.to_string().starts_with("fuzz.bin"), "{error}");
    }
});
