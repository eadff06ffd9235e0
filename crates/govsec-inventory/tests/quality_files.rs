//! Checks the labelled quality set in `quality/` (see `quality/README.md`) against the readers,
//! so that the labels keep pointing at real entries while the readers change:
//!
//! - every inventory file in `quality/` reads with [`read_inventory`] and default options;
//! - every line of `labels.csv` names a file of the set and a position that the reader reports
//!   for exactly one entry of it, and that entry has a non-empty software name;
//! - every entry the readers produce has exactly one label;
//! - every non-empty expected CPE is a CPE 2.3 formatted string that
//!   [`WellFormedName::parse`] accepts and that names a vendor, a product and a version (the
//!   version may be NA, `-`, as NVD writes it for Windows 7; it may not be ANY).
//!
//! It measures nothing about the normaliser: it only keeps the yardstick straight.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use govsec_cpe::{Attribute, AttributeValue, WellFormedName};
use govsec_inventory::{ReadOptions, read_inventory};

const LABELS: &str = "labels.csv";
const README: &str = "README.md";

fn quality_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("quality")
}

/// The inventory files of the set: everything in `quality/` but the labels and the README.
fn inventory_files() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(quality_dir())
        .expect("quality/ should exist")
        .map(|entry| entry.expect("quality/ should list").file_name())
        .map(|name| name.into_string().expect("file names are UTF-8"))
        .filter(|name| name != LABELS && name != README && !name.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// `(file, position)` → software name, for every entry the readers produce.
fn read_entries() -> BTreeMap<(String, String), String> {
    let mut entries = BTreeMap::new();
    for file in inventory_files() {
        let bytes = fs::read(quality_dir().join(&file)).expect("inventory file should read");
        let inventory = read_inventory(&file, &bytes, &ReadOptions::default())
            .unwrap_or_else(|error| panic!("{file} should read without error: {error}"));
        assert!(!inventory.entries.is_empty(), "{file} has no entries");
        for entry in inventory.entries {
            let key = (file.clone(), entry.source.position.to_string());
            let previous = entries.insert(key.clone(), entry.software_name);
            assert!(
                previous.is_none(),
                "{}:{} is reported for two entries",
                key.0,
                key.1
            );
        }
    }
    entries
}

struct Label {
    line: u64,
    file: String,
    position: String,
    expected_cpe: String,
}

fn read_labels() -> Vec<Label> {
    let text = fs::read_to_string(quality_dir().join(LABELS)).expect("labels.csv should read");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("labels.csv has a header").clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["file", "position", "expected_cpe", "note"],
        "labels.csv header"
    );
    reader
        .records()
        .map(|record| {
            let record = record.expect("labels.csv should parse");
            let line = record.position().map_or(0, csv::Position::line);
            assert_eq!(record.len(), 4, "labels.csv line {line}: expected 4 fields");
            Label {
                line,
                file: record[0].to_owned(),
                position: record[1].to_owned(),
                expected_cpe: record[2].to_owned(),
            }
        })
        .collect()
}

#[test]
fn every_inventory_file_reads_and_every_entry_has_exactly_one_label() {
    let entries = read_entries();
    let labels = read_labels();
    let files: BTreeSet<String> = inventory_files().into_iter().collect();

    let mut labelled = BTreeSet::new();
    for label in &labels {
        let where_ = format!("labels.csv line {}", label.line);
        assert!(
            files.contains(&label.file),
            "{where_}: {} is not an inventory file in quality/",
            label.file
        );
        let key = (label.file.clone(), label.position.clone());
        let name = entries.get(&key).unwrap_or_else(|| {
            panic!(
                "{where_}: the reader reports no entry at {}:{}",
                label.file, label.position
            )
        });
        assert!(
            !name.trim().is_empty(),
            "{where_}: the entry at {}:{} has no software name",
            label.file,
            label.position
        );
        assert!(
            labelled.insert(key),
            "{where_}: {}:{} is labelled twice",
            label.file,
            label.position
        );
    }
    let unlabelled: Vec<String> = entries
        .keys()
        .filter(|key| !labelled.contains(*key))
        .map(|(file, position)| format!("{file}:{position}"))
        .collect();
    assert!(
        unlabelled.is_empty(),
        "entries without a label: {unlabelled:?}"
    );

    // The set's promised size, so that a reader that silently drops rows is noticed.
    assert!(files.len() >= 7, "only {} inventory files", files.len());
    assert!(
        labels.len() >= 520,
        "only {} labelled entries",
        labels.len()
    );
}

#[test]
fn every_expected_cpe_is_a_well_formed_name_with_vendor_product_and_version() {
    for label in read_labels() {
        if label.expected_cpe.is_empty() {
            continue;
        }
        let where_ = format!(
            "labels.csv line {} ({}:{})",
            label.line, label.file, label.position
        );
        assert!(
            label.expected_cpe.starts_with("cpe:2.3:"),
            "{where_}: {} is not a CPE 2.3 formatted string",
            label.expected_cpe
        );
        let name = WellFormedName::parse(&label.expected_cpe)
            .unwrap_or_else(|error| panic!("{where_}: {}: {error}", label.expected_cpe));
        for attribute in [Attribute::Part, Attribute::Vendor, Attribute::Product] {
            assert!(
                name.get(attribute).as_value().is_some(),
                "{where_}: {} has no {}",
                label.expected_cpe,
                attribute.name()
            );
        }
        assert!(
            !matches!(name.get(Attribute::Version), AttributeValue::Any),
            "{where_}: {} leaves the version ANY",
            label.expected_cpe
        );
        assert!(
            !name.has_wildcards(),
            "{where_}: {} has wildcards in a value",
            label.expected_cpe
        );
    }
}
