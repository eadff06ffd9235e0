//! Fuzzes the CPE parsers: no input may panic, and every name that parses
//! must survive binding and unbinding in both bindings unchanged, compare
//! EQUAL to itself, and order consistently as a version.
#![no_main]

use govsec_cpe::{Relation, Version, WellFormedName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let version = Version::parse(text);
    assert_eq!(version.cmp(&version), std::cmp::Ordering::Equal);
    assert_eq!(version.as_str(), text);

    let Ok(name) = WellFormedName::parse(text) else {
        return;
    };
    let formatted = name.to_formatted_string();
    let reparsed = WellFormedName::parse(&formatted).expect("a bound formatted string parses");
    assert_eq!(reparsed, name, "formatted string round trip of {text:?}");
    assert_eq!(reparsed.to_formatted_string(), formatted);

    let uri = name.to_uri();
    let from_uri = WellFormedName::parse(&uri).expect("a bound URI parses");
    // The URI binding lowercases (NISTIR 7695 §6.1.3.2), so compare the
    // lowercased formatted strings.
    assert_eq!(
        from_uri.to_formatted_string(),
        formatted.to_ascii_lowercase(),
        "URI round trip of {text:?}"
    );

    if !name.has_wildcards() {
        assert_eq!(name.compare(&name), Ok(Relation::Equal));
        assert!(name.covers(&name));
    }
    let _ = name.to_json();
    let _ = name.to_string();
});
