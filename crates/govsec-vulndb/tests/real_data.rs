//! Tests over the real NVD sample and KEV catalogue in `../shared/data`
//! (read in place; the repository holds no copy). When the folder is absent
//! the tests say so and pass.

use std::collections::HashMap;
use std::path::PathBuf;

use govsec_cpe::{Attribute, AttributeValue, WellFormedName};
use govsec_vulndb::{
    ApplicabilityIndex, Asset, CveId, CveRecord, CvssVersion, PlatformVerdict, RansomwareUse,
    ReadOptions, VulnStatus, read_kev_file, read_nvd_file,
};

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("{} is absent: real-data tests skipped", dir.display());
        None
    }
}

fn sample() -> Option<Vec<CveRecord>> {
    let path = data_dir()?.join("nvd/nvdcve-2.0-sample.json");
    let mut records = Vec::new();
    let report =
        read_nvd_file(&path, ReadOptions::default(), |record| records.push(record)).unwrap();
    assert_eq!(report.records, 153);
    assert!(report.skipped.is_empty());
    Some(records)
}

fn id(text: &str) -> CveId {
    text.parse().unwrap()
}

fn name(text: &str) -> WellFormedName {
    WellFormedName::parse(text).unwrap()
}

#[test]
fn the_sample_imports_with_every_field() {
    let Some(records) = sample() else { return };
    let by_id: HashMap<CveId, &CveRecord> =
        records.iter().map(|record| (record.id, record)).collect();
    let statuses = |status| {
        records
            .iter()
            .filter(|record| record.status == status)
            .count()
    };
    assert_eq!(statuses(VulnStatus::Modified), 70);
    assert_eq!(statuses(VulnStatus::Analyzed), 45);
    assert_eq!(statuses(VulnStatus::Rejected), 1);
    assert_eq!(statuses(VulnStatus::Deferred), 13);
    let entries: usize = records
        .iter()
        .flat_map(|record| &record.configurations)
        .flat_map(|configuration| &configuration.nodes)
        .map(|node| node.matches.len())
        .sum();
    assert_eq!(entries, 2344);

    let log4shell = by_id[&id("CVE-2021-44228")];
    assert_eq!(log4shell.configurations.len(), 20);
    assert_eq!(
        log4shell.published.as_ref().unwrap().date().to_string(),
        "2021-12-10"
    );
    assert!(
        log4shell
            .weaknesses
            .iter()
            .any(|weakness| weakness.cwe.to_string() == "CWE-502")
    );
    assert!(
        log4shell
            .references
            .iter()
            .any(|reference| reference.has_tag("Exploit"))
    );
    assert!(
        log4shell
            .references
            .iter()
            .any(|reference| reference.has_tag("vendor-advisory"))
    );
    assert!(log4shell.description("es").is_some());

    let citrix = by_id[&id("CVE-2025-5777")];
    let versions: Vec<CvssVersion> = citrix
        .metrics
        .iter()
        .map(|metric| metric.version())
        .collect();
    assert!(versions.contains(&CvssVersion::V4_0) && versions.contains(&CvssVersion::V3_1));
    assert_eq!(citrix.best_metric().unwrap().version(), CvssVersion::V4_0);
    assert_eq!(
        citrix
            .cisa
            .as_ref()
            .unwrap()
            .action_due
            .unwrap()
            .to_string(),
        "2025-07-11"
    );
    assert_eq!(citrix.affected.len(), 2);
    assert_eq!(
        citrix.affected[0].versions[0].less_than.as_deref(),
        Some("43.56")
    );

    let rejected = by_id[&id("CVE-2023-5129")];
    assert_eq!(rejected.status, VulnStatus::Rejected);
    assert_eq!(rejected.applicable_configurations().count(), 0);
    assert!(rejected.metrics.is_empty());

    let nginx = by_id[&id("CVE-2013-2028")];
    assert!(
        nginx
            .metrics
            .iter()
            .all(|metric| metric.version() == CvssVersion::V2_0)
    );
}

#[test]
fn stated_cvss_scores_agree_with_the_vectors() {
    let Some(records) = sample() else { return };
    let mut checked: HashMap<CvssVersion, usize> = HashMap::new();
    for record in &records {
        for metric in &record.metrics {
            match metric.score_checks_out() {
                Some(agrees) => {
                    assert!(
                        agrees,
                        "{}: {} states {} but computes {}",
                        record.id,
                        metric.vector,
                        metric.base_score,
                        metric.vector.base_score().unwrap()
                    );
                    *checked.entry(metric.version()).or_default() += 1;
                }
                None => assert_eq!(metric.version(), CvssVersion::V4_0),
            }
        }
    }
    assert!(checked[&CvssVersion::V3_1] >= 144, "{checked:?}");
    assert!(checked[&CvssVersion::V3_0] >= 12, "{checked:?}");
    assert!(checked[&CvssVersion::V2_0] >= 72, "{checked:?}");
}

#[test]
fn the_kev_catalogue_imports_with_every_field() {
    let Some(dir) = data_dir() else { return };
    let (catalog, skipped) = read_kev_file(
        &dir.join("kev/known_exploited_vulnerabilities.json"),
        ReadOptions::default(),
    )
    .unwrap();
    assert!(skipped.is_empty());
    assert_eq!(catalog.entries.len(), 1404);
    assert_eq!(catalog.catalog_version, "2025.08.25");
    let log4shell = catalog.get(id("CVE-2021-44228")).unwrap();
    assert_eq!(log4shell.due_date.to_string(), "2021-12-24");
    assert_eq!(log4shell.date_added.to_string(), "2021-12-10");
    assert_eq!(log4shell.ransomware_use, RansomwareUse::Known);
    assert_eq!(log4shell.cwes.len(), 3);
    assert_eq!(
        log4shell.note_links,
        ["https://nvd.nist.gov/vuln/detail/CVE-2021-44228"]
    );
    let git = catalog.get(id("CVE-2025-48384")).unwrap();
    assert_eq!(git.note_links.len(), 6);
    assert!(git.required_action.starts_with("Apply mitigations"));
    let known = catalog
        .entries
        .values()
        .filter(|entry| entry.ransomware_use == RansomwareUse::Known)
        .count();
    assert_eq!(known, 293);
    let Some(records) = sample() else { return };
    let in_kev = records
        .iter()
        .filter(|record| catalog.get(record.id).is_some())
        .count();
    assert_eq!(in_kev, 135);
}

fn cves(index: &ApplicabilityIndex, asset: &Asset) -> Vec<String> {
    index
        .lookup(asset)
        .iter()
        .map(|applicability| applicability.cve.to_string())
        .collect()
}

#[test]
fn log4shell_ranges() {
    let Some(records) = sample() else { return };
    let index = ApplicabilityIndex::from_records(&records);
    let log4j = |version: &str| {
        Asset::new(name(&format!(
            "cpe:2.3:a:apache:log4j:{version}:*:*:*:*:*:*:*"
        )))
    };
    let both = ["CVE-2021-44228", "CVE-2021-45046"];
    assert_eq!(cves(&index, &log4j("2.14.1")), both);
    assert_eq!(cves(&index, &log4j("2.12.1")), both);
    assert_eq!(cves(&index, &log4j("2.0.1")), both);
    assert_eq!(cves(&index, &log4j("2.15.0")), ["CVE-2021-45046"]);
    assert!(cves(&index, &log4j("2.16.0")).is_empty());
    assert!(cves(&index, &log4j("2.12.2")).is_empty());
    assert!(cves(&index, &log4j("1.2.17")).is_empty());
    let beta = Asset::new(name("cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*"));
    assert_eq!(cves(&index, &beta), both);
    let found = index.lookup(&log4j("2.14.1"));
    let matched = &found[0].configurations[0].matched[0];
    assert_eq!(
        matched.criteria.version_start.as_ref().unwrap().version,
        "2.13.0"
    );
    assert_eq!(
        matched.criteria.version_end.as_ref().unwrap().version,
        "2.15.0"
    );
    assert!(!matched.criteria.version_end.as_ref().unwrap().inclusive);
    assert_eq!(found[0].verdict(), PlatformVerdict::NotRequired);
}

#[test]
fn openssl_3_range() {
    let Some(records) = sample() else { return };
    let index = ApplicabilityIndex::from_records(&records);
    let openssl = |version: &str| {
        Asset::new(name(&format!(
            "cpe:2.3:a:openssl:openssl:{version}:*:*:*:*:*:*:*"
        )))
    };
    assert_eq!(cves(&index, &openssl("3.0.6")), ["CVE-2022-3602"]);
    assert_eq!(cves(&index, &openssl("3.0.0")), ["CVE-2022-3602"]);
    assert!(cves(&index, &openssl("3.0.7")).is_empty());
    assert!(cves(&index, &openssl("1.1.1s")).is_empty());
}

#[test]
fn windows_only_running_on_configurations() {
    let Some(records) = sample() else { return };
    let index = ApplicabilityIndex::from_records(&records);
    let winrar = name("cpe:2.3:a:rarlab:winrar:7.12:*:*:*:*:*:*:*");
    let verdict = |platforms: Vec<WellFormedName>| {
        let found = index.lookup(&Asset::on_platforms(winrar.clone(), platforms));
        let applicability = found.iter().find(|a| a.cve == id("CVE-2025-8088")).unwrap();
        applicability.verdict()
    };
    assert_eq!(
        verdict(vec![name("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*")]),
        PlatformVerdict::Met
    );
    assert_eq!(
        verdict(vec![name("cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*")]),
        PlatformVerdict::NotMet
    );
    assert_eq!(
        verdict(vec![name("cpe:2.3:h:dell:latitude_7440:-:*:*:*:*:*:*:*")]),
        PlatformVerdict::Unknown
    );
    assert_eq!(verdict(Vec::new()), PlatformVerdict::Unknown);
    let found = index.lookup(&Asset::new(winrar.clone()));
    let condition = &found
        .iter()
        .find(|a| a.cve == id("CVE-2025-8088"))
        .unwrap()
        .configurations[0]
        .platform;
    assert!(
        condition
            .criteria
            .iter()
            .any(|c| c.criteria.criteria.contains(":microsoft:windows:") && !c.vulnerable)
    );

    let tomcat = name("cpe:2.3:a:apache:tomcat:9.0.17:*:*:*:*:*:*:*");
    let on_windows = Asset::on_platforms(
        tomcat.clone(),
        vec![name("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*")],
    );
    let found = index.lookup(&on_windows);
    let cgi = found.iter().find(|a| a.cve == id("CVE-2019-0232")).unwrap();
    assert_eq!(cgi.verdict(), PlatformVerdict::Met);
    let milestone = Asset::new(name(
        "cpe:2.3:a:apache:tomcat:9.0.0:milestone17:*:*:*:*:*:*",
    ));
    assert!(cves(&index, &milestone).contains(&"CVE-2019-0232".to_owned()));
    let tomcat_18 = Asset::new(name("cpe:2.3:a:apache:tomcat:9.0.18:*:*:*:*:*:*:*"));
    assert!(!cves(&index, &tomcat_18).contains(&"CVE-2019-0232".to_owned()));
}

/// A concrete name for criteria: ANY stays (it is a valid target), the
/// version is `version` when given.
fn concrete(criteria: &WellFormedName, version: Option<&str>) -> Option<WellFormedName> {
    let mut name = criteria.clone();
    if let Some(version) = version {
        let quoted: String = version
            .chars()
            .flat_map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    vec![c]
                } else {
                    vec!['\\', c]
                }
            })
            .collect();
        name.set(Attribute::Version, AttributeValue::from_wfn(&quoted).ok()?)
            .ok()?;
    }
    (!name.has_wildcards()).then_some(name)
}

#[test]
fn the_index_answers_every_vulnerable_criteria_of_the_sample() {
    let Some(records) = sample() else { return };
    let index = ApplicabilityIndex::from_records(&records);
    let mut checked = 0;
    for record in &records {
        for (_, configuration) in record.applicable_configurations() {
            for entry in configuration
                .nodes
                .iter()
                .flat_map(|node| &node.matches)
                .filter(|entry| entry.vulnerable)
            {
                let criteria = &entry.criteria;
                let inside = match (&criteria.version_start, &criteria.version_end) {
                    (None, None) => None,
                    (Some(start), _) if start.inclusive => Some(start.version.as_str()),
                    (_, Some(end)) if end.inclusive => Some(end.version.as_str()),
                    _ => continue,
                };
                let Some(asset_name) = concrete(&criteria.name, inside) else {
                    continue;
                };
                let asset = Asset::new(asset_name.clone());
                let found = index.lookup(&asset);
                let hit = found
                    .iter()
                    .find(|a| a.cve == record.id)
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: {} not found for {}",
                            record.id,
                            criteria.name.to_formatted_string(),
                            asset_name.to_formatted_string()
                        )
                    });
                assert!(
                    hit.configurations
                        .iter()
                        .flat_map(|c| &c.matched)
                        .any(|m| m.criteria.id == criteria.id),
                    "{}: criteria {} not reported",
                    record.id,
                    criteria.id
                );
                let brute: Vec<_> = records
                    .iter()
                    .filter_map(|record| record.assess(&asset))
                    .collect();
                assert_eq!(found, brute, "{}", asset_name.to_formatted_string());
                if let Some(end) = criteria.version_end.as_ref().filter(|end| !end.inclusive)
                    && let Some(outside) = concrete(&criteria.name, Some(end.version.as_str()))
                {
                    let found = index.lookup(&Asset::new(outside));
                    assert!(
                        !found
                            .iter()
                            .flat_map(|a| &a.configurations)
                            .flat_map(|c| &c.matched)
                            .any(|m| m.criteria.id == criteria.id),
                        "{}: the excluded end {} matched",
                        record.id,
                        end.version
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1500, "{checked}");
}
