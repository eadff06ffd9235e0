//! Fuzzes the normaliser: arbitrary name, publisher, version, CPE and package URL (split from
//! the input at NUL bytes) never panic it, and every CPE name it answers parses back.
#![no_main]

use std::sync::{Arc, OnceLock};

use govsec_cpe::WellFormedName;
use govsec_inventory::normalise::Normaliser;
use govsec_inventory::{InventoryEntry, Position, SourceLocation};
use libfuzzer_sys::fuzz_target;

fn normaliser() -> &'static Normaliser {
    static NORMALISER: OnceLock<Normaliser> = OnceLock::new();
    NORMALISER.get_or_init(|| Normaliser::builtin().expect("the built-in tables load"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut fields = text.split('\0').map(str::to_owned);
    let mut entry = InventoryEntry::new(
        SourceLocation {
            file: Arc::from("fuzz"),
            position: Position::Row(1),
        },
        fields.next().unwrap_or_default(),
    );
    entry.publisher = fields.next();
    entry.version = fields.next();
    entry.given_cpe = fields.next();
    entry.package_url = fields.next();
    let package = data.first().is_some_and(|b| b & 1 == 1);
    let found = normaliser().normalise_entry(&entry, package);
    for candidate in &found.candidates {
        assert!(WellFormedName::parse(&candidate.cpe).is_ok(), "{}", candidate.cpe);
    }
});
