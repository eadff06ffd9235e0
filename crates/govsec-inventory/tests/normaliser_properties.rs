//! Properties of the normaliser over arbitrary entries: it never panics, every CPE name it
//! answers parses back, a converted row's name is its first candidate, scores stay in [0, 1] and
//! candidates are few and best first. The strategies mix the words real names are made of
//! (publishers, products, noise tags, Chinese words, versions) with arbitrary text.

use std::sync::{Arc, OnceLock};

use govsec_cpe::WellFormedName;
use govsec_inventory::normalise::{Normaliser, Status};
use govsec_inventory::{InventoryEntry, Position, SourceLocation};
use proptest::prelude::*;

fn normaliser() -> &'static Normaliser {
    static NORMALISER: OnceLock<Normaliser> = OnceLock::new();
    NORMALISER.get_or_init(|| Normaliser::builtin().expect("the built-in tables load"))
}

const PIECES: &[&str] = &[
    "Microsoft",
    "微軟",
    "Office",
    "專業增強版",
    "2016",
    "Java",
    "8",
    "Update",
    "281",
    "(x64)",
    "64 位元",
    "zh-tw",
    "繁體中文版",
    "WinRAR",
    "ＷｉｎＲＡＲ",
    "7-Zip",
    "Notepad++",
    "趨勢科技",
    "Apex One",
    "防毒",
    "Windows",
    "10",
    "Server",
    "2019",
    "R2",
    "SP1",
    "CU13",
    "Python",
    "3.12.1",
    "libssl3",
    "openssh-server",
    "1:9.2p1-2",
    "-",
    ".",
    "+",
    "(",
    ")",
    "Installer",
    "™",
    "®",
    "Google Chrome",
    "v",
    "0",
    "10.0.19045.3803",
    "公文製作系統",
    "\u{3000}",
    "\t",
    "Foxy",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|p| p.join(" ")),
        prop::collection::vec(prop::sample::select(PIECES), 0..8).prop_map(|p| p.concat()),
        any::<String>(),
    ]
}

fn entry(
    name: String,
    publisher: Option<String>,
    version: Option<String>,
    cpe: Option<String>,
) -> InventoryEntry {
    let mut entry = InventoryEntry::new(
        SourceLocation {
            file: Arc::from("property.csv"),
            position: Position::Row(2),
        },
        name,
    );
    entry.publisher = publisher;
    entry.version = version;
    entry.given_cpe = cpe;
    entry
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn answers_are_well_formed(
        name in name(),
        publisher in prop::option::of(name()),
        version in prop::option::of(name()),
        cpe in prop::option::of(prop_oneof![
            Just("cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*".to_owned()),
            Just("cpe:2.3:a:vendor".to_owned()),
            any::<String>().prop_map(|s| format!("cpe:2.3:a:{s}")),
        ]),
        package in any::<bool>(),
    ) {
        let found = normaliser().normalise_entry(&entry(name, publisher, version, cpe), package);
        prop_assert!(found.candidates.len() <= 3, "{found:#?}");
        prop_assert!((0.0..=1.0).contains(&found.confidence));
        for candidate in &found.candidates {
            prop_assert!((0.0..=1.0).contains(&candidate.score));
            prop_assert!(WellFormedName::parse(&candidate.cpe).is_ok(), "{}", candidate.cpe);
        }
        match found.status {
            Status::Converted => {
                let cpe = found.cpe.as_deref().expect("a converted row has a CPE");
                prop_assert!(WellFormedName::parse(cpe).is_ok(), "{cpe}");
                prop_assert_eq!(Some(cpe), found.candidates.first().map(|c| c.cpe.as_str()));
            }
            Status::Ambiguous => {
                prop_assert!(found.cpe.is_none());
                prop_assert!(!found.candidates.is_empty());
            }
            Status::Unconverted | Status::Invalid => {
                prop_assert!(found.cpe.is_none());
                prop_assert!(!found.remarks.is_empty(), "{found:#?}");
            }
        }
    }
}
