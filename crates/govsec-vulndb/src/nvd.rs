//! Reader for NVD CVE JSON 2.0: the yearly and modified feed files
//! (`nvdcve-2.0-*.json`, plain or gzip) and pages of the CVE API 2.0, which
//! share one shape: `{"format":"NVD_CVE","version":"2.0",…,"vulnerabilities":[{"cve":{…}},…]}`
//! (NVD, "CVE API 2.0" and its JSON schema `cve_api_json_2.0.schema`).
//!
//! The reader streams: the document's top level is walked with a serde
//! visitor, each element of `vulnerabilities` is read as raw JSON text,
//! decoded into a [`CveRecord`] and handed to a callback, then dropped; so
//! memory holds one record at a time, whatever the file's size. Key order
//! does not matter.

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use govsec_cpe::WellFormedName;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::cvss::{CvssScore, CvssVector, CvssVersion, Severity};
use crate::error::{Error, Location};
use crate::id::{CveId, CweId, MatchCriteriaId};
use crate::model::{
    AffectedProduct, AffectedStatus, AffectedVersion, CisaExploitNote, Configuration, CpeMatch,
    CveRecord, CvssMetric, Description, MatchCriteria, MetricKind, Node, Operator, Provenance,
    Reference, VersionBound, VulnStatus, Weakness,
};

/// How a reader treats invalid records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Skip a record that is invalid (a bad field, CVSS vector or CPE name)
    /// and report it, instead of stopping at it. A document that is not
    /// well-formed JSON, or of the wrong format, stops the reader either way.
    pub skip_invalid: bool,
}

/// What a reader did.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// Records handed to the callback.
    pub records: usize,
    /// Records skipped under [`ReadOptions::skip_invalid`], with why.
    pub skipped: Vec<Error>,
}

/// Opens a file for reading, decompressing it when it starts with the gzip
/// magic bytes (RFC 1952 §2.3.1), whatever its name.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, Error> {
    let file = File::open(path).map_err(|error| Error::io(path, error))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let magic = reader.fill_buf().map_err(|error| Error::io(path, error))?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// Reads an NVD feed file or API page, plain or gzip, calling `on_record`
/// for each CVE in file order.
pub fn read_nvd_file(
    path: &Path,
    options: ReadOptions,
    on_record: impl FnMut(CveRecord),
) -> Result<ReadReport, Error> {
    read_nvd(open(path)?, Some(path), options, on_record)
}

/// Reads an NVD feed or API page from `reader`; `file` names it in errors.
pub fn read_nvd(
    reader: impl Read,
    file: Option<&Path>,
    options: ReadOptions,
    on_record: impl FnMut(CveRecord),
) -> Result<ReadReport, Error> {
    let mut state = FeedState {
        file,
        options,
        on_record,
        report: ReadReport::default(),
        failure: None,
        position: 0,
        last_id: None,
        saw_vulnerabilities: false,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let outcome = FeedSeed { state: &mut state }
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    if let Some(failure) = state.failure.take() {
        return Err(failure);
    }
    if let Err(error) = outcome {
        let field = match state.last_id {
            Some(id) => format!(
                "vulnerabilities[{}] (the record after {id})",
                state.position
            ),
            None if state.saw_vulnerabilities => format!("vulnerabilities[{}]", state.position),
            None => "(top level)".to_owned(),
        };
        return Err(json_error(&error, file, None, field));
    }
    if !state.saw_vulnerabilities {
        return Err(Error::Schema {
            location: Location {
                file: file.map(Path::to_owned),
                cve: None,
                field: Some("vulnerabilities".to_owned()),
            },
            found: "no \"vulnerabilities\" array".to_owned(),
            expected: "an NVD CVE JSON 2.0 document with a \"vulnerabilities\" array",
        });
    }
    Ok(state.report)
}

fn json_error(
    error: &serde_json::Error,
    file: Option<&Path>,
    cve: Option<CveId>,
    field: String,
) -> Error {
    Error::Json {
        location: Location {
            file: file.map(Path::to_owned),
            cve,
            field: Some(field),
        },
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    }
}

struct FeedState<'p, F> {
    file: Option<&'p Path>,
    options: ReadOptions,
    on_record: F,
    report: ReadReport,
    failure: Option<Error>,
    position: usize,
    last_id: Option<CveId>,
    saw_vulnerabilities: bool,
}

impl<F: FnMut(CveRecord)> FeedState<'_, F> {
    fn stop<E: de::Error>(&mut self, error: Error) -> E {
        self.failure = Some(error);
        E::custom("stopped")
    }

    fn record(&mut self, raw: &RawValue) -> Result<(), Error> {
        let field = format!("vulnerabilities[{}]", self.position);
        self.position += 1;
        match parse_vulnerability(raw.get()) {
            Ok(record) => {
                self.last_id = Some(record.id);
                (self.on_record)(record);
                self.report.records += 1;
                Ok(())
            }
            Err(error) => {
                let error = error.within(self.file, None, &field);
                if self.options.skip_invalid {
                    self.report.skipped.push(error);
                    Ok(())
                } else {
                    Err(error)
                }
            }
        }
    }
}

struct FeedSeed<'s, 'p, F> {
    state: &'s mut FeedState<'p, F>,
}

impl<'de, F: FnMut(CveRecord)> DeserializeSeed<'de> for FeedSeed<'_, '_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: FnMut(CveRecord)> Visitor<'de> for FeedSeed<'_, '_, F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an NVD CVE JSON 2.0 document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" | "version" => {
                    let value: String = map.next_value()?;
                    let expected = if key == "format" { "NVD_CVE" } else { "2.0" };
                    if value != expected {
                        let error = Error::Schema {
                            location: Location {
                                file: self.state.file.map(Path::to_owned),
                                cve: None,
                                field: Some(key),
                            },
                            found: value,
                            expected: if expected == "2.0" {
                                "version \"2.0\""
                            } else {
                                "format \"NVD_CVE\""
                            },
                        };
                        return Err(self.state.stop(error));
                    }
                }
                "vulnerabilities" => {
                    self.state.saw_vulnerabilities = true;
                    map.next_value_seed(RecordsSeed {
                        state: &mut *self.state,
                    })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct RecordsSeed<'s, 'p, F> {
    state: &'s mut FeedState<'p, F>,
}

impl<'de, F: FnMut(CveRecord)> DeserializeSeed<'de> for RecordsSeed<'_, '_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(CveRecord)> Visitor<'de> for RecordsSeed<'_, '_, F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("the array of vulnerabilities")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            if let Err(error) = self.state.record(&raw) {
                return Err(self.state.stop(error));
            }
        }
        Ok(())
    }
}

/// Decodes one element of `vulnerabilities`, `{"cve":{…}}`.
pub fn parse_vulnerability(text: &str) -> Result<CveRecord, Error> {
    #[derive(Deserialize)]
    struct Vulnerability {
        cve: RawCve,
    }
    let vulnerability: Vulnerability = decode(text, || {
        #[derive(Deserialize)]
        struct Id {
            cve: IdOnly,
        }
        serde_json::from_str::<Id>(text).ok().map(|id| id.cve.id)
    })?;
    let cve = vulnerability.cve;
    let id = parse_cve_id(&cve.id, "cve.id")?;
    convert(cve, id).map_err(|error| error.within(None, Some(id), "cve"))
}

#[derive(Deserialize)]
pub(crate) struct IdOnly {
    id: String,
}

/// Decodes `text` as `T`, naming the failing field by its JSON path and the
/// CVE by `id_of` when the text carries one.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    text: &str,
    id_of: impl FnOnce() -> Option<String>,
) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let field = error.path().to_string();
        let cve = id_of().and_then(|id| id.parse().ok());
        json_error(error.inner(), None, cve, field)
    })
}

pub(crate) fn parse_cve_id(text: &str, field: &str) -> Result<CveId, Error> {
    text.parse()
        .map_err(|reason| Error::invalid(field, text, reason))
}

/// Parses `text` as `T`, an [`Error::InvalidValue`] at `field` otherwise.
pub(crate) fn parse_field<T: std::str::FromStr<Err = String>>(
    text: &str,
    field: &str,
) -> Result<T, Error> {
    text.parse()
        .map_err(|reason| Error::invalid(field, text, reason))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCve {
    id: String,
    source_identifier: Option<String>,
    published: Option<String>,
    last_modified: Option<String>,
    vuln_status: Option<String>,
    #[serde(default)]
    descriptions: Vec<RawLangString>,
    #[serde(default)]
    weaknesses: Vec<RawWeakness>,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    configurations: Vec<RawConfiguration>,
    #[serde(default)]
    affected: Vec<RawNvdAffected>,
    cisa_exploit_add: Option<String>,
    cisa_action_due: Option<String>,
    cisa_required_action: Option<String>,
    cisa_vulnerability_name: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RawLangString {
    pub(crate) lang: String,
    pub(crate) value: String,
}

#[derive(Deserialize)]
struct RawWeakness {
    source: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    description: Vec<RawLangString>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    source: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct RawMetrics {
    #[serde(default, rename = "cvssMetricV2")]
    v2: Vec<RawMetric>,
    #[serde(default, rename = "cvssMetricV30")]
    v30: Vec<RawMetric>,
    #[serde(default, rename = "cvssMetricV31")]
    v31: Vec<RawMetric>,
    #[serde(default, rename = "cvssMetricV40")]
    v40: Vec<RawMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetric {
    source: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    cvss_data: RawCvssData,
    base_severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawCvssData {
    pub(crate) version: Option<String>,
    pub(crate) vector_string: String,
    pub(crate) base_score: f64,
    pub(crate) base_severity: Option<String>,
}

#[derive(Deserialize)]
struct RawConfiguration {
    operator: Option<String>,
    #[serde(default)]
    negate: bool,
    nodes: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNode {
    operator: Option<String>,
    #[serde(default)]
    negate: bool,
    cpe_match: Vec<RawCpeMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCpeMatch {
    vulnerable: bool,
    criteria: String,
    match_criteria_id: Option<String>,
    version_start_including: Option<String>,
    version_start_excluding: Option<String>,
    version_end_including: Option<String>,
    version_end_excluding: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNvdAffected {
    source: Option<String>,
    #[serde(default)]
    affected_data: Vec<RawAffectedProduct>,
}

/// An `affected[]` product (CVE JSON 5 schema; NVD copies the same shape).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawAffectedProduct {
    vendor: Option<String>,
    product: Option<String>,
    package_name: Option<String>,
    #[serde(default)]
    cpes: Vec<String>,
    #[serde(default)]
    platforms: Vec<String>,
    default_status: Option<String>,
    #[serde(default)]
    versions: Vec<RawAffectedVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAffectedVersion {
    version: String,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    status: String,
    version_type: Option<String>,
}

fn convert(cve: RawCve, id: CveId) -> Result<CveRecord, Error> {
    let status_text = cve.vuln_status.as_deref().unwrap_or("Received");
    let status = VulnStatus::from_nvd(status_text).ok_or_else(|| {
        Error::invalid("vulnStatus", status_text, "not an NVD vulnerability status")
    })?;
    let mut record = CveRecord::new(id, status);
    record.source_identifier = cve.source_identifier;
    record.published = cve
        .published
        .as_deref()
        .map(|t| parse_field(t, "published"))
        .transpose()?;
    record.last_modified = cve
        .last_modified
        .as_deref()
        .map(|t| parse_field(t, "lastModified"))
        .transpose()?;
    record.descriptions = descriptions(cve.descriptions);
    for (index, weakness) in cve.weaknesses.into_iter().enumerate() {
        let kind = metric_kind(
            weakness.kind.as_deref(),
            &format!("weaknesses[{index}].type"),
        )?;
        for (position, description) in weakness.description.into_iter().enumerate() {
            let field = format!("weaknesses[{index}].description[{position}].value");
            let cwe: CweId = parse_field(&description.value, &field)?;
            if !record.weaknesses.iter().any(|own| own.cwe == cwe) {
                record.weaknesses.push(Weakness {
                    source: weakness.source.clone(),
                    kind,
                    cwe,
                });
            }
        }
    }
    record.references = cve
        .references
        .into_iter()
        .map(|reference| Reference {
            url: reference.url,
            source: reference.source,
            tags: reference.tags,
        })
        .collect();
    let groups = [
        ("cvssMetricV2", CvssVersion::V2_0, cve.metrics.v2),
        ("cvssMetricV30", CvssVersion::V3_0, cve.metrics.v30),
        ("cvssMetricV31", CvssVersion::V3_1, cve.metrics.v31),
        ("cvssMetricV40", CvssVersion::V4_0, cve.metrics.v40),
    ];
    for (name, version, metrics) in groups {
        for (index, metric) in metrics.into_iter().enumerate() {
            let field = format!("metrics.{name}[{index}]");
            let kind = metric_kind(metric.kind.as_deref(), &format!("{field}.type"))?;
            let severity = metric
                .cvss_data
                .base_severity
                .clone()
                .or(metric.base_severity);
            record.metrics.push(cvss_metric(
                Provenance::Nvd,
                metric.source,
                kind,
                version,
                &metric.cvss_data,
                severity.as_deref(),
                &format!("{field}.cvssData"),
            )?);
        }
    }
    for (index, configuration) in cve.configurations.into_iter().enumerate() {
        record.configurations.push(configuration_of(
            configuration,
            &format!("configurations[{index}]"),
        )?);
    }
    for (index, affected) in cve.affected.into_iter().enumerate() {
        for (position, product) in affected.affected_data.into_iter().enumerate() {
            let field = format!("affected[{index}].affectedData[{position}]");
            record.affected.push(affected_product(
                product,
                Provenance::Cna,
                affected.source.clone(),
                &field,
            )?);
        }
    }
    let date = |text: Option<String>, field: &str| {
        text.as_deref().map(|t| parse_field(t, field)).transpose()
    };
    if cve.cisa_exploit_add.is_some()
        || cve.cisa_action_due.is_some()
        || cve.cisa_required_action.is_some()
    {
        record.cisa = Some(CisaExploitNote {
            exploit_added: date(cve.cisa_exploit_add, "cisaExploitAdd")?,
            action_due: date(cve.cisa_action_due, "cisaActionDue")?,
            required_action: cve.cisa_required_action,
            vulnerability_name: cve.cisa_vulnerability_name,
        });
    }
    Ok(record)
}

pub(crate) fn descriptions(raw: Vec<RawLangString>) -> Vec<Description> {
    raw.into_iter()
        .map(|description| Description {
            lang: description.lang,
            value: description.value,
        })
        .collect()
}

fn metric_kind(text: Option<&str>, field: &str) -> Result<Option<MetricKind>, Error> {
    match text {
        None => Ok(None),
        Some("Primary") => Ok(Some(MetricKind::Primary)),
        Some("Secondary") => Ok(Some(MetricKind::Secondary)),
        Some(other) => Err(Error::invalid(
            field,
            other,
            "the type is \"Primary\" or \"Secondary\"",
        )),
    }
}

/// A CVSS metric from a `cvssData` object, checked: the vector is valid and
/// of the version its container says, the score lies in 0.0–10.0.
pub(crate) fn cvss_metric(
    provenance: Provenance,
    source: Option<String>,
    kind: Option<MetricKind>,
    version: CvssVersion,
    data: &RawCvssData,
    severity: Option<&str>,
    field: &str,
) -> Result<CvssMetric, Error> {
    let vector_field = format!("{field}.vectorString");
    let vector = CvssVector::parse(&data.vector_string)
        .map_err(|error| error.within(None, None, &vector_field))?;
    if vector.version() != version {
        return Err(Error::invalid(
            vector_field,
            &data.vector_string,
            format!(
                "a CVSS v{} vector where v{version} is expected",
                vector.version()
            ),
        ));
    }
    if let Some(declared) = data
        .version
        .as_deref()
        .filter(|declared| *declared != version.as_str())
    {
        return Err(Error::invalid(
            format!("{field}.version"),
            declared,
            format!("the vector is CVSS v{version}"),
        ));
    }
    let base_score = CvssScore::from_stated(data.base_score).ok_or_else(|| {
        Error::invalid(
            format!("{field}.baseScore"),
            &data.base_score.to_string(),
            "a CVSS score lies in 0.0–10.0 with one decimal",
        )
    })?;
    let severity = match severity {
        Some(text) => parse_field(text, &format!("{field}.baseSeverity"))?,
        None => Severity::of(base_score, version),
    };
    Ok(CvssMetric {
        provenance,
        source,
        kind,
        vector,
        base_score,
        severity,
    })
}

fn operator(text: Option<&str>, field: &str) -> Result<Operator, Error> {
    match text {
        None | Some("OR") => Ok(Operator::Or),
        Some("AND") => Ok(Operator::And),
        Some(other) => Err(Error::invalid(
            field,
            other,
            "the operator is \"AND\" or \"OR\"",
        )),
    }
}

fn configuration_of(raw: RawConfiguration, field: &str) -> Result<Configuration, Error> {
    let mut nodes = Vec::with_capacity(raw.nodes.len());
    for (index, node) in raw.nodes.into_iter().enumerate() {
        let node_field = format!("{field}.nodes[{index}]");
        let mut matches = Vec::with_capacity(node.cpe_match.len());
        for (position, entry) in node.cpe_match.into_iter().enumerate() {
            let entry_field = format!("{node_field}.cpeMatch[{position}]");
            let (start, end) = bounds(&entry, &entry_field)?;
            matches.push(CpeMatch {
                vulnerable: entry.vulnerable,
                criteria: match_criteria(
                    &entry.criteria,
                    entry.match_criteria_id.as_deref(),
                    start,
                    end,
                    &entry_field,
                )?,
            });
        }
        nodes.push(Node {
            operator: operator(node.operator.as_deref(), &format!("{node_field}.operator"))?,
            negate: node.negate,
            matches,
        });
    }
    Ok(Configuration {
        provenance: Provenance::Nvd,
        operator: operator(raw.operator.as_deref(), &format!("{field}.operator"))?,
        negate: raw.negate,
        nodes,
    })
}

type Bounds = (Option<VersionBound>, Option<VersionBound>);

fn bounds(entry: &RawCpeMatch, field: &str) -> Result<Bounds, Error> {
    let pick = |including: &Option<String>, excluding: &Option<String>, name: &str| match (
        including, excluding,
    ) {
        (Some(_), Some(text)) => Err(Error::invalid(
            format!("{field}.{name}Excluding"),
            text,
            format!("{name}Including and {name}Excluding are both given"),
        )),
        (Some(text), None) => Ok(Some(VersionBound {
            version: govsec_cpe::Version::parse(text),
            inclusive: true,
        })),
        (None, Some(text)) => Ok(Some(VersionBound {
            version: govsec_cpe::Version::parse(text),
            inclusive: false,
        })),
        (None, None) => Ok(None),
    };
    Ok((
        pick(
            &entry.version_start_including,
            &entry.version_start_excluding,
            "versionStart",
        )?,
        pick(
            &entry.version_end_including,
            &entry.version_end_excluding,
            "versionEnd",
        )?,
    ))
}

/// Match criteria from a CPE name, NVD's id (or one derived from the
/// content), and bounds.
pub(crate) fn match_criteria(
    criteria: &str,
    id: Option<&str>,
    version_start: Option<VersionBound>,
    version_end: Option<VersionBound>,
    field: &str,
) -> Result<MatchCriteria, Error> {
    let name = WellFormedName::parse(criteria).map_err(|source| Error::InvalidCpe {
        location: Location {
            field: Some(format!("{field}.criteria")),
            ..Location::default()
        },
        name: criteria.to_owned(),
        source: Box::new(source),
    })?;
    let id = match id {
        Some(text) => parse_field::<MatchCriteriaId>(text, &format!("{field}.matchCriteriaId"))?,
        None => {
            let bound = |bound: &Option<VersionBound>| {
                bound
                    .as_ref()
                    .map(|b| format!("{}{}", if b.inclusive { "=" } else { "" }, b.version))
                    .unwrap_or_default()
            };
            MatchCriteriaId::derived(&format!(
                "{}|{}|{}",
                name.to_formatted_string(),
                bound(&version_start),
                bound(&version_end)
            ))
        }
    };
    Ok(MatchCriteria {
        id,
        name,
        version_start,
        version_end,
    })
}

pub(crate) fn affected_product(
    raw: RawAffectedProduct,
    provenance: Provenance,
    source: Option<String>,
    field: &str,
) -> Result<AffectedProduct, Error> {
    let status = |text: &str, name: &str| {
        AffectedStatus::parse(text).ok_or_else(|| {
            Error::invalid(
                name,
                text,
                "the status is \"affected\", \"unaffected\" or \"unknown\"",
            )
        })
    };
    let default_status = raw
        .default_status
        .as_deref()
        .map(|text| status(text, &format!("{field}.defaultStatus")))
        .transpose()?;
    let mut versions = Vec::with_capacity(raw.versions.len());
    for (index, version) in raw.versions.into_iter().enumerate() {
        versions.push(AffectedVersion {
            status: status(
                &version.status,
                &format!("{field}.versions[{index}].status"),
            )?,
            version: version.version,
            less_than: version.less_than,
            less_than_or_equal: version.less_than_or_equal,
            version_type: version.version_type,
        });
    }
    Ok(AffectedProduct {
        provenance,
        source,
        vendor: raw.vendor,
        product: raw.product,
        package_name: raw.package_name,
        cpes: raw.cpes,
        platforms: raw.platforms,
        default_status,
        versions,
    })
}
