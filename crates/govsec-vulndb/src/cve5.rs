//! Reader for CVE JSON 5.x records, the CVE Program's own format
//! (CVE JSON record format 5.x, `CVE_Record_Format.json`): one record per
//! document, `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{…},"containers":{"cna":{…},"adp":[…]}}`.
//!
//! NVD analyses (adds CPE configurations to) only a minority of new CVEs;
//! for the others this is the source of applicability. From the CNA
//! container and every ADP container (CISA's "Vulnrichment" adds CPEs and
//! CVSS there) it keeps descriptions, CWEs, references, CVSS metrics and
//! `affected[]`. Where a product lists `cpes`, its versions become
//! [`Configuration`]s with the container's [`Provenance`]:
//!
//! - `version` with `lessThan` / `lessThanOrEqual`: a range from `version`
//!   (inclusive; `0` or `*` means no lower bound) to the end (`*`: no end);
//! - `version` alone: that exact version;
//! - no `affected` version and `defaultStatus: affected`: every version.
//!
//! Only entries with `status: affected` become rules; `versionType: git`
//! (commit ids) cannot be ordered and is left out, as is a version that no
//! CPE value can hold (text with spaces such as `9.0.0.M1 to 9.0.17`).
//! The product data stays in [`CveRecord::affected`] as given either way.

use std::path::Path;

use govsec_cpe::{Attribute, AttributeValue, Version};
use serde::Deserialize;

use crate::cvss::CvssVersion;
use crate::error::{Error, Location};
use crate::id::CweId;
use crate::model::{
    AffectedProduct, AffectedStatus, Configuration, CpeMatch, CveRecord, Node, Operator,
    Provenance, Reference, VersionBound, VulnStatus, Weakness, quote_value,
};
use crate::nvd::{
    RawAffectedProduct, RawCvssData, RawLangString, affected_product, cvss_metric, decode,
    descriptions, match_criteria, parse_cve_id, parse_field,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRecord {
    data_type: String,
    data_version: String,
    cve_metadata: RawMetadata,
    containers: RawContainers,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    cve_id: String,
    assigner_short_name: Option<String>,
    state: String,
    date_published: Option<String>,
    date_updated: Option<String>,
}

#[derive(Deserialize)]
struct RawContainers {
    cna: RawContainer,
    #[serde(default)]
    adp: Vec<RawContainer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawContainer {
    provider_metadata: Option<RawProvider>,
    #[serde(default)]
    descriptions: Vec<RawLangString>,
    #[serde(default)]
    affected: Vec<RawAffectedProduct>,
    #[serde(default)]
    problem_types: Vec<RawProblemType>,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(default)]
    metrics: Vec<RawMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProvider {
    short_name: Option<String>,
}

#[derive(Deserialize)]
struct RawProblemType {
    #[serde(default)]
    descriptions: Vec<RawProblemDescription>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProblemDescription {
    cwe_id: Option<String>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct RawMetric {
    #[serde(rename = "cvssV2_0")]
    v2: Option<RawCvssData>,
    #[serde(rename = "cvssV3_0")]
    v30: Option<RawCvssData>,
    #[serde(rename = "cvssV3_1")]
    v31: Option<RawCvssData>,
    #[serde(rename = "cvssV4_0")]
    v40: Option<RawCvssData>,
}

/// Reads one CVE JSON 5.x record from a file (plain or gzip).
pub fn read_cve5_file(path: &Path) -> Result<CveRecord, Error> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut crate::nvd::open(path)?, &mut text)
        .map_err(|error| Error::io(path, error))?;
    parse_cve5(&text).map_err(|error| error.within(Some(path), None, ""))
}

/// Decodes one CVE JSON 5.x record.
pub fn parse_cve5(text: &str) -> Result<CveRecord, Error> {
    let raw: RawRecord = decode(text, || {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Id {
            cve_metadata: IdOnly,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct IdOnly {
            cve_id: String,
        }
        serde_json::from_str::<Id>(text)
            .ok()
            .map(|id| id.cve_metadata.cve_id)
    })?;
    let id = parse_cve_id(&raw.cve_metadata.cve_id, "cveMetadata.cveId")?;
    convert(raw).map_err(|error| error.within(None, Some(id), ""))
}

fn convert(raw: RawRecord) -> Result<CveRecord, Error> {
    let schema = |field: &str, found: &str, expected| Error::Schema {
        location: Location {
            field: Some(field.to_owned()),
            ..Location::default()
        },
        found: found.to_owned(),
        expected,
    };
    if raw.data_type != "CVE_RECORD" {
        return Err(schema(
            "dataType",
            &raw.data_type,
            "dataType \"CVE_RECORD\"",
        ));
    }
    if !raw.data_version.starts_with("5.") {
        return Err(schema("dataVersion", &raw.data_version, "dataVersion 5.x"));
    }
    let metadata = raw.cve_metadata;
    let id = parse_cve_id(&metadata.cve_id, "cveMetadata.cveId")?;
    let status = match metadata.state.as_str() {
        "PUBLISHED" => VulnStatus::Published,
        "REJECTED" => VulnStatus::Rejected,
        other => {
            return Err(Error::invalid(
                "cveMetadata.state",
                other,
                "the state is \"PUBLISHED\" or \"REJECTED\"",
            ));
        }
    };
    let mut record = CveRecord::new(id, status);
    record.source_identifier = metadata.assigner_short_name;
    record.published = metadata
        .date_published
        .as_deref()
        .map(|text| parse_field(text, "cveMetadata.datePublished"))
        .transpose()?;
    record.last_modified = metadata
        .date_updated
        .as_deref()
        .map(|text| parse_field(text, "cveMetadata.dateUpdated"))
        .transpose()?;
    let containers = std::iter::once((
        "containers.cna".to_owned(),
        Provenance::Cna,
        raw.containers.cna,
    ))
    .chain(
        raw.containers
            .adp
            .into_iter()
            .enumerate()
            .map(|(index, container)| {
                (
                    format!("containers.adp[{index}]"),
                    Provenance::Adp,
                    container,
                )
            }),
    );
    for (field, provenance, container) in containers {
        add_container(&mut record, &field, provenance, container)?;
    }
    if record.status != VulnStatus::Rejected {
        for (index, product) in record.affected.iter().enumerate() {
            if let Some(configuration) = derive_configuration(product, index)? {
                record.configurations.push(configuration);
            }
        }
    }
    Ok(record)
}

fn add_container(
    record: &mut CveRecord,
    field: &str,
    provenance: Provenance,
    container: RawContainer,
) -> Result<(), Error> {
    let source = container
        .provider_metadata
        .and_then(|provider| provider.short_name);
    for description in descriptions(container.descriptions) {
        if !record
            .descriptions
            .iter()
            .any(|own| own.lang == description.lang)
        {
            record.descriptions.push(description);
        }
    }
    for (index, problem) in container.problem_types.into_iter().enumerate() {
        for (position, description) in problem.descriptions.into_iter().enumerate() {
            if let Some(text) = description.cwe_id {
                let cwe: CweId = parse_field(
                    &text,
                    &format!("{field}.problemTypes[{index}].descriptions[{position}].cweId"),
                )?;
                if !record.weaknesses.iter().any(|own| own.cwe == cwe) {
                    record.weaknesses.push(Weakness {
                        source: source.clone(),
                        kind: None,
                        cwe,
                    });
                }
            }
        }
    }
    for reference in container.references {
        match record
            .references
            .iter_mut()
            .find(|own| own.url == reference.url)
        {
            Some(own) => {
                for tag in reference.tags {
                    if !own.tags.contains(&tag) {
                        own.tags.push(tag);
                    }
                }
            }
            None => record.references.push(Reference {
                url: reference.url,
                source: source.clone(),
                tags: reference.tags,
            }),
        }
    }
    for (index, metric) in container.metrics.into_iter().enumerate() {
        let groups = [
            ("cvssV2_0", CvssVersion::V2_0, metric.v2),
            ("cvssV3_0", CvssVersion::V3_0, metric.v30),
            ("cvssV3_1", CvssVersion::V3_1, metric.v31),
            ("cvssV4_0", CvssVersion::V4_0, metric.v40),
        ];
        for (name, version, data) in groups {
            if let Some(data) = data {
                record.metrics.push(cvss_metric(
                    provenance,
                    source.clone(),
                    None,
                    version,
                    &data,
                    data.base_severity.as_deref(),
                    &format!("{field}.metrics[{index}].{name}"),
                )?);
            }
        }
    }
    for (index, product) in container.affected.into_iter().enumerate() {
        record.affected.push(affected_product(
            product,
            provenance,
            source.clone(),
            &format!("{field}.affected[{index}]"),
        )?);
    }
    Ok(())
}

/// The rule a product's `cpes` and `versions` give, if any (see the module
/// documentation).
pub fn derive_configuration(
    product: &AffectedProduct,
    index: usize,
) -> Result<Option<Configuration>, Error> {
    let field = format!("affected[{index}]");
    let affected: Vec<_> = product
        .versions
        .iter()
        .filter(|version| version.status == AffectedStatus::Affected)
        .filter(|version| version.version_type.as_deref() != Some("git"))
        .collect();
    let mut matches = Vec::new();
    for (position, cpe) in product.cpes.iter().enumerate() {
        let cpe_field = format!("{field}.cpes[{position}]");
        let base = match_criteria(cpe, None, None, None, &cpe_field)?;
        if affected.is_empty() {
            if product.default_status == Some(AffectedStatus::Affected) {
                matches.push(CpeMatch {
                    vulnerable: true,
                    criteria: base,
                });
            }
            continue;
        }
        for version in &affected {
            let end = match (&version.less_than, &version.less_than_or_equal) {
                (Some(end), _) if end == "*" => Some(None),
                (Some(end), _) => Some(Some(VersionBound {
                    version: Version::parse(end),
                    inclusive: false,
                })),
                (None, Some(end)) if end == "*" => Some(None),
                (None, Some(end)) => Some(Some(VersionBound {
                    version: Version::parse(end),
                    inclusive: true,
                })),
                (None, None) => None,
            };
            let mut name = base.name.clone();
            let (start, end) = match end {
                Some(end) => {
                    let start = (!matches!(version.version.as_str(), "0" | "*" | "")).then(|| {
                        VersionBound {
                            version: Version::parse(&version.version),
                            inclusive: true,
                        }
                    });
                    name.set(Attribute::Version, AttributeValue::Any)
                        .expect("ANY is a valid version");
                    (start, end)
                }
                None => {
                    let Some(value) = quote_value(&version.version) else {
                        continue;
                    };
                    name.set(Attribute::Version, value)
                        .expect("a quoted value is a valid version");
                    (None, None)
                }
            };
            matches.push(CpeMatch {
                vulnerable: true,
                criteria: match_criteria(
                    &name.to_formatted_string(),
                    None,
                    start,
                    end,
                    &cpe_field,
                )?,
            });
        }
    }
    Ok((!matches.is_empty()).then(|| Configuration {
        provenance: product.provenance,
        operator: Operator::Or,
        negate: false,
        nodes: vec![Node {
            operator: Operator::Or,
            negate: false,
            matches,
        }],
    }))
}
