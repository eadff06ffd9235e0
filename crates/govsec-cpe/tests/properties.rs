//! Property tests: binding round trips, the symmetry of name comparison,
//! and the version order being a total order consistent with `Eq`/`Hash`.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use govsec_cpe::{Attribute, AttributeValue, Relation, ValueString, Version, WellFormedName};
use proptest::prelude::*;

/// Literal characters in WFN form: unreserved as they are, punctuation quoted.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9', '_'..='_'].into())
            .prop_map(String::from),
        1 => proptest::sample::select(
            "!\"#$%&'()+,-./:;<=>@[]^`{|}~\\*?".chars().collect::<Vec<_>>()
        )
        .prop_map(|c| format!("\\{c}")),
    ]
}

/// A value string in WFN form, with or without wildcards at either end.
fn value_string(wildcards: bool) -> impl Strategy<Value = String> {
    let end = if wildcards {
        prop_oneof![
            3 => Just(String::new()),
            1 => Just("*".to_string()),
            1 => (1..3usize).prop_map(|n| "?".repeat(n)),
        ]
        .boxed()
    } else {
        Just(String::new()).boxed()
    };
    (end.clone(), proptest::collection::vec(literal(), 1..6), end).prop_filter_map(
        "NISTIR 7695 §5.3.2 forbids a lone quoted hyphen",
        |(leading, body, trailing)| {
            let text = format!("{leading}{}{trailing}", body.concat());
            ValueString::new(&text).ok().map(|_| text)
        },
    )
}

fn attribute_value(attribute: Attribute, wildcards: bool) -> BoxedStrategy<AttributeValue> {
    let logical = prop_oneof![
        Just(AttributeValue::Any),
        Just(AttributeValue::NotApplicable)
    ];
    match attribute {
        Attribute::Part => prop_oneof![
            logical,
            proptest::sample::select(vec!["a", "o", "h"])
                .prop_map(|p| AttributeValue::from_wfn(p).unwrap()),
        ]
        .boxed(),
        Attribute::Language => prop_oneof![
            logical,
            proptest::sample::select(vec!["en", "en\\-us", "fra", "es\\-419"])
                .prop_map(|l| AttributeValue::from_wfn(l).unwrap()),
        ]
        .boxed(),
        _ => prop_oneof![
            1 => logical,
            3 => value_string(wildcards).prop_map(|v| AttributeValue::from_wfn(&v).unwrap()),
        ]
        .boxed(),
    }
}

fn name(wildcards: bool) -> impl Strategy<Value = WellFormedName> {
    Attribute::ALL
        .map(|attribute| attribute_value(attribute, wildcards))
        .prop_map(|values| {
            Attribute::ALL
                .into_iter()
                .zip(values)
                .fold(WellFormedName::new(), |name, (attribute, value)| {
                    name.with(attribute, value).unwrap()
                })
        })
}

/// Names built from few values, so that comparisons often relate.
fn related_names() -> impl Strategy<Value = (WellFormedName, WellFormedName)> {
    let pool = ["ANY", "NA", "x", "x\\.1", "y"];
    let pick = proptest::sample::select(pool.to_vec());
    (
        proptest::collection::vec(pick.clone(), 11),
        proptest::collection::vec(pick, 11),
    )
        .prop_map(|(a, b)| {
            let build = |values: Vec<&str>| {
                Attribute::ALL
                    .into_iter()
                    .zip(values)
                    .filter(|(attribute, _)| {
                        !matches!(attribute, Attribute::Part | Attribute::Language)
                    })
                    .fold(WellFormedName::new(), |name, (attribute, value)| {
                        name.with(attribute, AttributeValue::from_wfn(value).unwrap())
                            .unwrap()
                    })
            };
            (build(a), build(b))
        })
}

fn lowercase(name: &WellFormedName) -> WellFormedName {
    WellFormedName::parse(&name.to_formatted_string().to_ascii_lowercase()).unwrap()
}

/// Version-like text, garbage included.
fn version_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => (0u32..200).prop_map(|n| n.to_string()),
        1 => Just("00".to_string()),
        2 => proptest::sample::select(vec![
            "alpha", "a", "b", "beta", "rc", "RC", "dev", "pre", "m", "c", "final", "sp", "g",
            "f", "z", "za", "update", "v", "é", "*", "!", "latest",
        ])
        .prop_map(String::from),
        3 => proptest::sample::select(vec![".", "-", "_", "+", "", " ", "\\"]).prop_map(String::from),
    ];
    proptest::collection::vec(token, 0..9).prop_map(|tokens| tokens.concat())
}

fn hash_of(version: &Version) -> u64 {
    let mut hasher = DefaultHasher::new();
    version.hash(&mut hasher);
    hasher.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn formatted_string_round_trips(name in name(true)) {
        let formatted = name.to_formatted_string();
        let unbound = WellFormedName::from_formatted_string(&formatted).unwrap();
        prop_assert_eq!(&unbound, &name);
        prop_assert_eq!(unbound.to_formatted_string(), formatted);
    }

    #[test]
    fn uri_round_trips(name in name(true)) {
        // The URI binding lowercases (NISTIR 7695 §6.1.3.2).
        let name = lowercase(&name);
        let uri = name.to_uri();
        let unbound = WellFormedName::from_uri(&uri).unwrap();
        prop_assert_eq!(&unbound, &name);
        prop_assert_eq!(unbound.to_uri(), uri);
    }

    #[test]
    fn superset_is_the_reverse_of_subset((a, b) in related_names()) {
        // Without wildcards every comparison is defined both ways.
        let forward = a.compare(&b).ok();
        let backward = b.compare(&a).ok();
        prop_assert_eq!(forward.map(Relation::reverse), backward);
        prop_assert_eq!(a.is_superset(&b), b.is_subset(&a));
        prop_assert_eq!(a.is_equal(&b), b.is_equal(&a));
        prop_assert_eq!(a.is_disjoint(&b), b.is_disjoint(&a));
        prop_assert_eq!(forward == Some(Relation::Equal), a == b);
    }

    #[test]
    fn superset_subset_and_equal_are_symmetric_on_any_names(a in name(false), b in name(false)) {
        prop_assert_eq!(a.compare(&b).ok().map(Relation::reverse), b.compare(&a).ok());
        prop_assert_eq!(a.is_superset(&b), b.is_subset(&a));
        prop_assert_eq!(a.is_equal(&b), b.is_equal(&a));
        prop_assert_eq!(a.compare(&a), Ok(Relation::Equal));
    }

    #[test]
    fn wildcard_sources_cover_what_they_match(pattern in name(true), target in name(false)) {
        // A wildcard-free target makes every comparison defined.
        let table = pattern.compare_attributes(&target);
        prop_assert!(table.iter().all(Option::is_some));
        prop_assert_eq!(pattern.covers(&target), pattern.is_superset(&target));
        if pattern.covers(&target) {
            prop_assert!(matches!(pattern.compare(&target), Ok(Relation::Superset | Relation::Equal)));
        }
    }

    #[test]
    fn versions_are_totally_ordered(a in version_text(), b in version_text(), c in version_text()) {
        let (a, b, c) = (Version::parse(&a), Version::parse(&b), Version::parse(&c));
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
        if a == b {
            prop_assert_eq!(hash_of(&a), hash_of(&b));
        }
        if a <= b && b <= c {
            prop_assert!(a <= c, "{:?} <= {:?} <= {:?}", a.as_str(), b.as_str(), c.as_str());
        }
        if a >= b && b >= c {
            prop_assert!(a >= c, "{:?} >= {:?} >= {:?}", a.as_str(), b.as_str(), c.as_str());
        }
    }

    #[test]
    fn trailing_zeros_and_leading_zeros_do_not_count(
        parts in proptest::collection::vec(0u32..1000, 1..5),
        zeros in 1usize..4,
    ) {
        let text = parts.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
        let padded = format!("{text}{}", ".0".repeat(zeros));
        let leading = parts.iter().map(|p| format!("0{p}")).collect::<Vec<_>>().join(".");
        prop_assert_eq!(Version::parse(&text), Version::parse(&padded));
        prop_assert_eq!(Version::parse(&text), Version::parse(&leading));
        let candidate = format!("{text}-rc1");
        prop_assert!(Version::parse(&candidate) < Version::parse(&text));
    }
}
