//! CVE JSON 5.x records (written for these tests after the CVE record
//! format 5.1 schema) and their merge with NVD data.

use govsec_cpe::WellFormedName;
use govsec_vulndb::{
    ApplicabilityIndex, Asset, CvssVersion, Error, Provenance, VulnStatus, parse_cve5,
    parse_vulnerability,
};

/// A CNA container with `affected[]` versions and CPEs, and a CISA ADP
/// container with its own CPEs and a CVSS v3.1 metric.
const RECORD: &str = r#"{
  "dataType": "CVE_RECORD",
  "dataVersion": "5.1",
  "cveMetadata": {"cveId": "CVE-2026-1234", "assignerOrgId": "8254265b-2729-46b6-b9e3-3dfca2d5bfca",
    "assignerShortName": "example", "state": "PUBLISHED",
    "datePublished": "2026-05-01T10:00:00.000Z", "dateUpdated": "2026-05-03T10:00:00.000Z"},
  "containers": {
    "cna": {
      "providerMetadata": {"orgId": "8254265b-2729-46b6-b9e3-3dfca2d5bfca", "shortName": "example"},
      "descriptions": [{"lang": "en", "value": "A path traversal in Example Server."},
                       {"lang": "zh-TW", "value": "Example Server 路徑穿越弱點。"}],
      "affected": [
        {"vendor": "Example", "product": "Server", "defaultStatus": "unaffected",
         "cpes": ["cpe:2.3:a:example:server:*:*:*:*:*:*:*:*"],
         "versions": [
           {"version": "2.0", "lessThan": "2.4.7", "status": "affected", "versionType": "semver"},
           {"version": "3.0", "lessThanOrEqual": "3.1.2", "status": "affected", "versionType": "semver"},
           {"version": "1.9.9", "status": "affected"},
           {"version": "3.1.3", "status": "unaffected"},
           {"version": "5a1b2c3", "lessThan": "*", "status": "affected", "versionType": "git"}
         ]},
        {"vendor": "Example", "product": "Agent", "defaultStatus": "affected",
         "cpes": ["cpe:2.3:a:example:agent:*:*:*:*:*:*:*:*"]},
        {"vendor": "Example", "product": "Console", "versions": [{"version": "0", "lessThan": "7.2", "status": "affected"}]}
      ],
      "problemTypes": [{"descriptions": [{"type": "CWE", "cweId": "CWE-22", "lang": "en", "description": "CWE-22 Path Traversal"}]}],
      "references": [{"url": "https://example.org/advisory/2026-1", "tags": ["vendor-advisory", "patch"]}],
      "metrics": [{"format": "CVSS", "scenarios": [{"lang": "en", "value": "GENERAL"}],
        "cvssV4_0": {"version": "4.0", "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N",
                     "baseScore": 8.7, "baseSeverity": "HIGH"}}]
    },
    "adp": [{
      "providerMetadata": {"orgId": "134c704f-9b21-4f2e-91b3-4a467353bcc0", "shortName": "CISA-ADP"},
      "title": "CISA ADP Vulnrichment",
      "affected": [{"vendor": "example", "product": "console", "defaultStatus": "unknown",
        "cpes": ["cpe:2.3:a:example:console:*:*:*:*:*:*:*:*"],
        "versions": [{"version": "0", "lessThan": "7.2", "status": "affected", "versionType": "custom"}]}],
      "metrics": [{"cvssV3_1": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
                                "baseScore": 7.5, "baseSeverity": "HIGH"}},
                  {"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "none"}]}}}]
    }]
  }
}"#;

fn name(text: &str) -> WellFormedName {
    WellFormedName::parse(text).unwrap()
}

fn found(index: &ApplicabilityIndex, cpe: &str) -> Vec<(String, Provenance)> {
    index
        .lookup(&Asset::new(name(cpe)))
        .into_iter()
        .flat_map(|a| {
            a.configurations
                .into_iter()
                .map(move |c| (a.cve.to_string(), c.provenance))
        })
        .collect()
}

#[test]
fn a_cve5_record_keeps_cna_and_adp_data() {
    let record = parse_cve5(RECORD).unwrap();
    assert_eq!(record.id.to_string(), "CVE-2026-1234");
    assert_eq!(record.status, VulnStatus::Published);
    assert_eq!(
        record.description("zh-TW"),
        Some("Example Server 路徑穿越弱點。")
    );
    assert_eq!(record.weaknesses[0].cwe.to_string(), "CWE-22");
    assert!(record.references[0].has_tag("Vendor Advisory"));
    assert_eq!(record.metrics.len(), 2);
    assert_eq!(record.metrics[0].provenance, Provenance::Cna);
    assert_eq!(record.metrics[1].provenance, Provenance::Adp);
    assert_eq!(record.metrics[1].source.as_deref(), Some("CISA-ADP"));
    assert_eq!(record.metrics[1].score_checks_out(), Some(true));
    assert_eq!(record.best_metric().unwrap().version(), CvssVersion::V4_0);
    assert_eq!(record.affected.len(), 4);
    let provenances: Vec<Provenance> = record.configurations.iter().map(|c| c.provenance).collect();
    assert_eq!(
        provenances,
        [Provenance::Cna, Provenance::Cna, Provenance::Adp]
    );
}

#[test]
fn affected_versions_become_rules() {
    let record = parse_cve5(RECORD).unwrap();
    let index = ApplicabilityIndex::from_records([&record]);
    let hit = |cpe: &str| !found(&index, cpe).is_empty();
    assert!(hit("cpe:2.3:a:example:server:2.0:*:*:*:*:*:*:*"));
    assert!(hit("cpe:2.3:a:example:server:2.4.6:*:*:*:*:*:*:*"));
    assert!(!hit("cpe:2.3:a:example:server:2.4.7:*:*:*:*:*:*:*"));
    assert!(hit("cpe:2.3:a:example:server:3.1.2:*:*:*:*:*:*:*"));
    assert!(!hit("cpe:2.3:a:example:server:3.1.3:*:*:*:*:*:*:*"));
    assert!(hit("cpe:2.3:a:example:server:1.9.9:*:*:*:*:*:*:*"));
    assert!(!hit("cpe:2.3:a:example:server:1.9.8:*:*:*:*:*:*:*"));
    assert!(!hit("cpe:2.3:a:example:server:1.5:*:*:*:*:*:*:*"));
    assert!(hit("cpe:2.3:a:example:agent:9.9:*:*:*:*:*:*:*"));
    assert_eq!(
        found(&index, "cpe:2.3:a:example:console:7.1:*:*:*:*:*:*:*"),
        [("CVE-2026-1234".to_owned(), Provenance::Adp)]
    );
    assert!(!hit("cpe:2.3:a:example:console:7.2:*:*:*:*:*:*:*"));
}

#[test]
fn nvd_configurations_are_preferred_and_provenance_is_kept() {
    let nvd = parse_vulnerability(
        r#"{"cve":{"id":"CVE-2026-1234","vulnStatus":"Analyzed","descriptions":[{"lang":"en","value":"NVD text"}],
        "references":[{"url":"https://example.org/advisory/2026-1","source":"nvd@nist.gov","tags":["Vendor Advisory"]}],
        "configurations":[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,
          "criteria":"cpe:2.3:a:example:server:*:*:*:*:*:*:*:*","versionEndExcluding":"2.4.7",
          "matchCriteriaId":"11111111-2222-4333-8444-555555555555"}]}]}]}}"#,
    )
    .unwrap();
    let mut merged = nvd.clone();
    merged.merge(parse_cve5(RECORD).unwrap());
    assert_eq!(merged.status, VulnStatus::Analyzed);
    assert_eq!(merged.description("en"), Some("NVD text"));
    assert!(merged.description("zh-TW").unwrap().contains("路徑"));
    assert_eq!(merged.references.len(), 1);
    assert!(merged.references[0].has_tag("patch"));
    assert_eq!(merged.configurations.len(), 4);
    let applicable: Vec<Provenance> = merged
        .applicable_configurations()
        .map(|(_, c)| c.provenance)
        .collect();
    assert_eq!(applicable, [Provenance::Nvd]);
    let index = ApplicabilityIndex::from_records([&merged]);
    assert_eq!(
        found(&index, "cpe:2.3:a:example:server:1.0:*:*:*:*:*:*:*"),
        [("CVE-2026-1234".to_owned(), Provenance::Nvd)]
    );
    assert!(found(&index, "cpe:2.3:a:example:agent:9.9:*:*:*:*:*:*:*").is_empty());

    let mut deferred = nvd;
    deferred.configurations.clear();
    deferred.merge(parse_cve5(RECORD).unwrap());
    let index = ApplicabilityIndex::from_records([&deferred]);
    assert_eq!(
        found(&index, "cpe:2.3:a:example:agent:9.9:*:*:*:*:*:*:*"),
        [("CVE-2026-1234".to_owned(), Provenance::Cna)]
    );
}

#[test]
fn a_rejected_cve5_record_rejects_the_merged_cve() {
    let rejected = RECORD.replace(r#""state": "PUBLISHED""#, r#""state": "REJECTED""#);
    let record = parse_cve5(&rejected).unwrap();
    assert!(record.configurations.is_empty());
    let mut nvd = parse_vulnerability(r#"{"cve":{"id":"CVE-2026-1234","vulnStatus":"Analyzed","configurations":[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:example:server:*:*:*:*:*:*:*:*","matchCriteriaId":"11111111-2222-4333-8444-555555555555"}]}]}]}}"#).unwrap();
    nvd.merge(record);
    assert_eq!(nvd.status, VulnStatus::Rejected);
    assert_eq!(nvd.applicable_configurations().count(), 0);
}

#[test]
fn wrong_versions_and_bad_fields_are_named() {
    let error = parse_cve5(&RECORD.replace(r#""dataVersion": "5.1""#, r#""dataVersion": "4.0""#))
        .unwrap_err();
    assert!(
        matches!(&error, Error::Schema { found, .. } if found == "4.0"),
        "{error}"
    );
    assert_eq!(error.location().cve.unwrap().to_string(), "CVE-2026-1234");
    assert_eq!(error.location().field.as_deref(), Some("dataVersion"));

    let error =
        parse_cve5(&RECORD.replace("CVSS:3.1/AV:N/AC:L", "CVSS:3.1/AV:N/AC:Z")).unwrap_err();
    assert_eq!(
        error.location().field.as_deref(),
        Some("containers.adp[0].metrics[0].cvssV3_1.vectorString")
    );

    let error = parse_cve5(&RECORD.replace("cpe:2.3:a:example:agent:*", "cpe:2.3:a:example:agent"))
        .unwrap_err();
    assert!(matches!(error, Error::InvalidCpe { .. }), "{error}");
    assert_eq!(
        error.location().field.as_deref(),
        Some("affected[1].cpes[0].criteria")
    );

    let error = parse_cve5(&RECORD.replace(r#""status": "unaffected""#, r#""status": "fixed""#))
        .unwrap_err();
    assert_eq!(
        error.location().field.as_deref(),
        Some("containers.cna.affected[0].versions[3].status")
    );

    let error = parse_cve5(&RECORD[..RECORD.len() / 2]).unwrap_err();
    assert!(matches!(error, Error::Json { .. }), "{error}");
}
