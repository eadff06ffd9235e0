//! The applicability index: CPE semantics (NA is not ANY, the update field
//! counts, letter versions), platform conditions, replacement of a CVE, and
//! a property test that the index agrees with a scan over every record, and
//! that criteria given in full once and by slot after index the same.

use govsec_cpe::WellFormedName;
use govsec_vulndb::{
    ApplicabilityIndex, Asset, Claim, Configuration, CpeMatch, CriteriaNumbering,
    CriteriaOccurrence, CveRecord, Error, Node, PlatformOutcome, PlatformVerdict, VulnStatus,
    parse_vulnerability,
};
use proptest::prelude::*;

fn name(text: &str) -> WellFormedName {
    WellFormedName::parse(text).unwrap()
}

/// A record with one configuration; `entries` are `(vulnerable, criteria, bounds JSON)`.
fn record(id: &str, nodes: &[&[(bool, &str, &str)]], operator: &str) -> CveRecord {
    let mut counter = 0u32;
    let nodes: Vec<String> = nodes
        .iter()
        .map(|entries| {
            let matches: Vec<String> = entries
                .iter()
                .map(|(vulnerable, criteria, bounds)| {
                    counter += 1;
                    let hash = govsec_vulndb::MatchCriteriaId::derived(&format!("{criteria}{bounds}"));
                    format!(r#"{{"vulnerable":{vulnerable},"criteria":"{criteria}"{bounds},"matchCriteriaId":"{hash}"}}"#)
                })
                .collect();
            format!(r#"{{"operator":"OR","negate":false,"cpeMatch":[{}]}}"#, matches.join(","))
        })
        .collect();
    let text = format!(
        r#"{{"cve":{{"id":"{id}","vulnStatus":"Analyzed","configurations":[{{"operator":"{operator}","nodes":[{}]}}]}}}}"#,
        nodes.join(",")
    );
    parse_vulnerability(&text).unwrap()
}

fn hits(index: &ApplicabilityIndex, cpe: &str) -> Vec<String> {
    index
        .lookup(&Asset::new(name(cpe)))
        .iter()
        .map(|a| a.cve.to_string())
        .collect()
}

#[test]
fn na_is_not_any_and_the_update_counts() {
    let records = [
        record(
            "CVE-2001-0001",
            &[&[(true, "cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*", "")]],
            "OR",
        ),
        record(
            "CVE-2001-0002",
            &[&[(
                true,
                "cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*",
                "",
            )]],
            "OR",
        ),
    ];
    let index = ApplicabilityIndex::from_records(&records);
    assert!(hits(&index, "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*").is_empty());
    assert_eq!(
        hits(&index, "cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*"),
        ["CVE-2001-0001"]
    );
    assert_eq!(
        hits(&index, "cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*"),
        ["CVE-2001-0002"]
    );
    assert!(hits(&index, "cpe:2.3:a:oracle:jre:1.8.0:update_281:*:*:*:*:*:*").is_empty());
    assert!(hits(&index, "cpe:2.3:a:oracle:jre:1.8.0:*:*:*:*:*:*:*").is_empty());
    assert_eq!(
        hits(&index, "cpe:2.3:a:Oracle:JRE:1.8.0:update_202:*:*:*:*:*:*"),
        ["CVE-2001-0002"]
    );
}

#[test]
fn openssl_letter_versions() {
    // Heartbleed's NVD range: 1.0.1 up to, excluding, 1.0.1g.
    let records = [record(
        "CVE-2014-0160",
        &[&[(
            true,
            "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
            r#","versionStartIncluding":"1.0.1","versionEndExcluding":"1.0.1g""#,
        )]],
        "OR",
    )];
    let index = ApplicabilityIndex::from_records(&records);
    let openssl = |version: &str| {
        hits(
            &index,
            &format!("cpe:2.3:a:openssl:openssl:{version}:*:*:*:*:*:*:*"),
        )
    };
    assert_eq!(openssl("1.0.1"), ["CVE-2014-0160"]);
    assert_eq!(openssl("1.0.1f"), ["CVE-2014-0160"]);
    assert!(openssl("1.0.1g").is_empty());
    assert!(openssl("1.0.2").is_empty());
    assert!(openssl("1.0.0t").is_empty());
    assert!(openssl("-").is_empty());
    assert!(openssl("*").is_empty());
}

#[test]
fn platform_conditions_on_hardware_and_inverted_order() {
    let firmware = record(
        "CVE-2002-0001",
        &[
            &[(
                false,
                "cpe:2.3:h:fortinet:fortigate_100f:-:*:*:*:*:*:*:*",
                "",
            )],
            &[(
                true,
                "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*",
                r#","versionEndExcluding":"7.2.5""#,
            )],
        ],
        "AND",
    );
    let index = ApplicabilityIndex::from_records([&firmware]);
    let fortios = name("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*");
    let lookup = |platforms: Vec<&str>| {
        let asset = Asset::on_platforms(fortios.clone(), platforms.into_iter().map(name).collect());
        index.lookup(&asset).remove(0)
    };
    let unknown = lookup(vec!["cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"]);
    assert_eq!(unknown.verdict(), PlatformVerdict::Unknown);
    assert_eq!(
        unknown.configurations[0].platform.criteria[0].outcome,
        PlatformOutcome::Unknown
    );
    let met = lookup(vec!["cpe:2.3:h:fortinet:fortigate_100f:-:*:*:*:*:*:*:*"]);
    assert_eq!(met.verdict(), PlatformVerdict::Met);
    assert_eq!(
        met.configurations[0].platform.criteria[0].outcome,
        PlatformOutcome::MatchedBy("cpe:2.3:h:fortinet:fortigate_100f:-:*:*:*:*:*:*:*".to_owned())
    );
    let not_met = lookup(vec!["cpe:2.3:h:fortinet:fortigate_60e:-:*:*:*:*:*:*:*"]);
    assert_eq!(not_met.verdict(), PlatformVerdict::NotMet);
    assert_eq!(
        not_met.configurations[0].platform.criteria[0].outcome,
        PlatformOutcome::NotMatched
    );
}

#[test]
fn adding_a_cve_again_replaces_it() {
    let old = record(
        "CVE-2003-0001",
        &[&[(true, "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*", "")]],
        "OR",
    );
    let new = record(
        "CVE-2003-0001",
        &[&[(true, "cpe:2.3:a:example:app:2.0:*:*:*:*:*:*:*", "")]],
        "OR",
    );
    let index = ApplicabilityIndex::from_records([&old, &new]);
    assert_eq!(index.cve_count(), 1);
    assert!(hits(&index, "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*").is_empty());
    assert_eq!(
        hits(&index, "cpe:2.3:a:example:app:2.0:*:*:*:*:*:*:*"),
        ["CVE-2003-0001"]
    );
}

/// `record`'s configurations as a reader that parses each criteria once gives them, as batch
/// `batch` of a read numbered by `numbering`: in full where the claim is first, by slot after.
fn occurrences(
    record: &CveRecord,
    numbering: &CriteriaNumbering,
    batch: u32,
) -> Vec<Configuration<CriteriaOccurrence>> {
    record
        .configurations
        .iter()
        .map(|configuration| Configuration {
            provenance: configuration.provenance,
            operator: configuration.operator,
            negate: configuration.negate,
            nodes: configuration
                .nodes
                .iter()
                .map(|node| Node {
                    operator: node.operator,
                    negate: node.negate,
                    matches: node
                        .matches
                        .iter()
                        .map(|entry| CpeMatch {
                            vulnerable: entry.vulnerable,
                            criteria: match numbering.claim(entry.criteria.id, batch) {
                                Claim::First(slot) => CriteriaOccurrence::Parsed(
                                    slot,
                                    Box::new(entry.criteria.clone()),
                                ),
                                Claim::Repeated(slot) => CriteriaOccurrence::Repeated(slot),
                            },
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

#[test]
fn criteria_named_by_slot_before_they_were_given_are_refused() {
    let shared = (true, "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*", "");
    let first = record("CVE-2005-0001", &[&[shared]], "OR");
    let second = record("CVE-2005-0002", &[&[shared]], "OR");

    // Batch 1 is decoded first, but the builder must take batch 0 first.
    let mut builder = ApplicabilityIndex::builder();
    let numbering = builder.numbering();
    let second_given = occurrences(&second, &numbering, 1);
    let first_given = occurrences(&first, &numbering, 0);
    assert!(matches!(
        second_given[0].nodes[0].matches[0].criteria,
        CriteriaOccurrence::Parsed(..)
    ));
    assert!(matches!(
        first_given[0].nodes[0].matches[0].criteria,
        CriteriaOccurrence::Parsed(..)
    ));
    // A third batch names it by slot: refused while no batch giving it was added.
    let third = record("CVE-2005-0004", &[&[shared]], "OR");
    let third_given = occurrences(&third, &numbering, 2);
    assert!(matches!(
        third_given[0].nodes[0].matches[0].criteria,
        CriteriaOccurrence::Repeated(_)
    ));
    let error = builder
        .add_configurations(third.id, VulnStatus::Analyzed, &third_given)
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnseenCriteria { id, location }
            if **id == third.configurations[0].nodes[0].matches[0].criteria.id
                && location.cve == Some(third.id)),
        "{error}"
    );
    for (record, given) in [
        (&first, &first_given),
        (&second, &second_given),
        (&third, &third_given),
    ] {
        builder
            .add_configurations(record.id, VulnStatus::Analyzed, given)
            .unwrap();
    }
    drop(numbering);
    let index = builder.build();
    assert_eq!(index.criteria_count(), 1);
    assert_eq!(
        hits(&index, "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*"),
        ["CVE-2005-0001", "CVE-2005-0002", "CVE-2005-0004"]
    );
}

#[test]
fn a_rejected_cve_given_by_occurrences_applies_nowhere() {
    let rejected = record(
        "CVE-2005-0003",
        &[&[(true, "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*", "")]],
        "OR",
    );
    let mut builder = ApplicabilityIndex::builder();
    let given = occurrences(&rejected, &builder.numbering(), 0);
    builder
        .add_configurations(rejected.id, VulnStatus::Rejected, &given)
        .unwrap();
    assert!(hits(&builder.build(), "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*").is_empty());
}

#[test]
fn records_round_trip_through_serde() {
    let original = record(
        "CVE-2004-0001",
        &[&[(
            true,
            "cpe:2.3:a:example:app:*:*:*:*:*:*:*:*",
            r#","versionStartExcluding":"1.0","versionEndIncluding":"2.0""#,
        )]],
        "OR",
    );
    let json = serde_json::to_string(&original).unwrap();
    let back: CveRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, original);
}

/// Assets use the first three; criteria also ANY and a wildcard pattern,
/// which the index checks for every lookup instead of by product.
const VENDORS: [&str; 4] = ["acme", "globex", "initech", "*"];
const PRODUCTS: [&str; 4] = ["server", "client", "agent", "serv*"];
const VERSIONS: [&str; 8] = ["1.0", "1.2", "1.10", "2.0", "2.0.1", "1.0.1f", "-", "*"];
/// The last two are applications that criteria also name as vulnerable, so
/// that a platform entry can be one the asset itself matches.
const PLATFORMS: [&str; 5] = [
    "cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*",
    "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*",
    "cpe:2.3:h:acme:box:-:*:*:*:*:*:*:*",
    "cpe:2.3:a:acme:server:1.2:*:*:*:*:*:*:*",
    "cpe:2.3:a:globex:client:*:*:*:*:*:*:*:*",
];
/// Updates of assets: a value, NA, and ANY and a wildcard, which criteria
/// must not cover without comparing (an ANY criteria attribute covers no
/// wildcard value).
const ASSET_UPDATES: [&str; 4] = ["sp1", "-", "*", "sp*"];

/// Criteria: a product, a version (or a range), and an update.
fn criteria() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec![0, 0, 1, 1, 2, 2, 3]),
        prop::sample::select(vec![0, 0, 1, 1, 2, 2, 3]),
        0..8usize,
        0..5usize,
        0..8usize,
        prop::bool::ANY,
    )
        .prop_map(|(vendor, product, version, kind, bound, update)| {
            let update = if update { "*" } else { "sp1" };
            let (version, bounds) = match kind {
                0 => (VERSIONS[version], String::new()),
                1 => (
                    "*",
                    format!(r#","versionEndExcluding":"{}""#, VERSIONS[bound]),
                ),
                2 => (
                    "*",
                    format!(
                        r#","versionStartIncluding":"{}","versionEndIncluding":"{}""#,
                        VERSIONS[version], VERSIONS[bound]
                    ),
                ),
                3 => (
                    "*",
                    format!(
                        r#","versionStartExcluding":"{}","versionEndExcluding":"{}""#,
                        VERSIONS[version], VERSIONS[bound]
                    ),
                ),
                _ => ("*", String::new()),
            };
            (
                format!(
                    "cpe:2.3:a:{}:{}:{version}:{update}:*:*:*:*:*:*",
                    VENDORS[vendor], PRODUCTS[product]
                ),
                bounds,
            )
        })
}

/// Records of one configuration: vulnerable criteria, alone (OR) or with a
/// platform node (AND), or split into two vulnerable nodes (AND), or with
/// a second, vulnerable criteria in the platform node.
fn records() -> impl Strategy<Value = Vec<CveRecord>> {
    prop::collection::vec(
        (
            prop::collection::vec(criteria(), 1..5),
            prop::option::of(0..PLATFORMS.len()),
            0..3usize,
        ),
        1..25,
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(index, (entries, platform, shape))| {
                let vulnerable: Vec<(bool, &str, &str)> = entries
                    .iter()
                    .map(|(c, b)| (true, c.as_str(), b.as_str()))
                    .collect();
                let id = format!("CVE-2020-{:04}", 1000 + index);
                match (platform, shape) {
                    (Some(platform), 2) => {
                        let mut condition = vec![(false, PLATFORMS[platform], "")];
                        condition.push(vulnerable[0]);
                        record(&id, &[&vulnerable[1..], &condition], "AND")
                    }
                    (Some(platform), _) => record(
                        &id,
                        &[&vulnerable, &[(false, PLATFORMS[platform], "")]],
                        "AND",
                    ),
                    (None, 1) if vulnerable.len() > 1 => {
                        record(&id, &[&vulnerable[..1], &vulnerable[1..]], "AND")
                    }
                    (None, _) => record(&id, &[&vulnerable], "OR"),
                }
            })
            .collect()
    })
}

fn asset() -> impl Strategy<Value = Asset> {
    (
        0..3usize,
        0..3usize,
        0..8usize,
        prop::sample::select(vec![0, 0, 1, 1, 2, 3]),
        prop::collection::vec(0..PLATFORMS.len(), 0..3),
    )
        .prop_map(|(vendor, product, version, update, platforms)| {
            let version = if VERSIONS[version] == "*" {
                "3.0"
            } else {
                VERSIONS[version]
            };
            let update = ASSET_UPDATES[update];
            let cpe = format!(
                "cpe:2.3:a:{}:{}:{version}:{update}:*:*:*:*:*:*",
                VENDORS[vendor], PRODUCTS[product]
            );
            Asset::on_platforms(
                name(&cpe),
                platforms.into_iter().map(|p| name(PLATFORMS[p])).collect(),
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]
    #[test]
    fn the_index_agrees_with_a_scan_over_all_records(records in records(), assets in prop::collection::vec(asset(), 1..8)) {
        let index = ApplicabilityIndex::from_records(&records);
        for asset in &assets {
            let scanned: Vec<_> = records.iter().filter_map(|record| record.assess(asset)).collect();
            let found: Vec<_> = index
                .find(asset)
                .iter()
                .map(|hit| (hit.cve, hit.configuration, hit.verdict))
                .collect();
            let expected: Vec<_> = scanned
                .iter()
                .flat_map(|applicability| {
                    applicability.configurations.iter().map(|configuration| {
                        (applicability.cve, configuration.configuration, configuration.platform.verdict)
                    })
                })
                .collect();
            prop_assert_eq!(found, expected);
            prop_assert_eq!(index.lookup(asset), scanned);
        }
    }

    #[test]
    fn criteria_given_once_index_as_records_do(records in records(), assets in prop::collection::vec(asset(), 1..8)) {
        let from_records = ApplicabilityIndex::from_records(&records);
        // Records in batches of three, each batch decoded before the one ahead of it, as the
        // store's decoding threads may.
        let mut builder = ApplicabilityIndex::builder();
        let numbering = builder.numbering();
        let batches: Vec<&[CveRecord]> = records.chunks(3).collect();
        let mut given: Vec<Vec<Vec<Configuration<CriteriaOccurrence>>>> = vec![Vec::new(); batches.len()];
        for pair in (0..batches.len()).collect::<Vec<_>>().chunks(2) {
            for &batch in pair.iter().rev() {
                given[batch] = batches[batch]
                    .iter()
                    .map(|record| occurrences(record, &numbering, batch as u32))
                    .collect();
            }
        }
        for (batch, configurations) in batches.iter().zip(&given) {
            for (record, configurations) in batch.iter().zip(configurations) {
                prop_assert!(builder.add_configurations(record.id, record.status, configurations).is_ok());
            }
        }
        drop(numbering);
        let from_occurrences = builder.build();
        prop_assert_eq!(from_occurrences.criteria_count(), from_records.criteria_count());
        for asset in &assets {
            prop_assert_eq!(from_occurrences.find(asset), from_records.find(asset));
            prop_assert_eq!(from_occurrences.lookup(asset), from_records.lookup(asset));
        }
    }
}
