//! The vulnerability model: what this crate keeps of a CVE, whichever
//! format it came from (NVD CVE JSON 2.0, CVE JSON 5.x).
//!
//! Every type is serde-serialisable with stable ids ([`CveId`],
//! [`MatchCriteriaId`]) so that the storage layer can persist records and
//! read them back. Applicability rules (a [`Configuration`]) carry their
//! [`Provenance`]: NVD's analysed configuration, or rules derived from the
//! CNA's or CISA ADP's `affected` data.

use govsec_cpe::{Attribute, AttributeValue, Version, WellFormedName};
use serde::{Deserialize, Serialize};

use crate::cvss::{CvssScore, CvssVector, CvssVersion, Severity};
use crate::id::{CveId, CweId, Date, MatchCriteriaId, Timestamp};

/// NVD's analysis status of a CVE (`vulnStatus`, NVD "CVE API" documentation),
/// plus [`VulnStatus::Published`] for records known only from CVE JSON 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VulnStatus {
    /// Received by NVD, not yet processed.
    Received,
    /// Queued for analysis.
    AwaitingAnalysis,
    /// Being analysed.
    UndergoingAnalysis,
    /// Analysed: NVD's configurations, CVSS and CWE are set.
    Analyzed,
    /// Changed after analysis.
    Modified,
    /// NVD will not analyse it (no configurations are expected).
    Deferred,
    /// Rejected: the id must not be used; nothing applies.
    Rejected,
    /// Published by the CVE Program (`cveMetadata.state` PUBLISHED), not seen in NVD.
    Published,
}

impl VulnStatus {
    /// Reads NVD's spelling (`"Undergoing Analysis"`).
    pub fn from_nvd(text: &str) -> Option<Self> {
        Some(match text {
            "Received" => Self::Received,
            "Awaiting Analysis" => Self::AwaitingAnalysis,
            "Undergoing Analysis" => Self::UndergoingAnalysis,
            "Analyzed" => Self::Analyzed,
            "Modified" => Self::Modified,
            "Deferred" => Self::Deferred,
            "Rejected" => Self::Rejected,
            "Published" => Self::Published,
            _ => return None,
        })
    }
}

/// Where a piece of data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Provenance {
    /// NVD (its configurations, metrics and references).
    Nvd,
    /// The CVE Numbering Authority's container of a CVE JSON 5 record.
    Cna,
    /// An Authorized Data Publisher container, such as CISA's "Vulnrichment".
    Adp,
}

/// A description in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    /// BCP 47 language tag (`en`, `es`).
    pub lang: String,
    /// The text.
    pub value: String,
}

/// A reference URL with its tags (`Patch`, `Vendor Advisory`, `Mitigation`,
/// `Exploit`, …; NVD "Reference Tags").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The URL.
    pub url: String,
    /// Who supplied it (NVD's `source`), if stated.
    pub source: Option<String>,
    /// Tags, as the source spells them.
    pub tags: Vec<String>,
}

impl Reference {
    /// Whether the reference carries `tag`, ignoring case and the spelling
    /// differences between NVD (`Vendor Advisory`) and CVE 5 (`vendor-advisory`).
    pub fn has_tag(&self, tag: &str) -> bool {
        let normal = |text: &str| text.to_ascii_lowercase().replace(['-', '_'], " ");
        let wanted = normal(tag);
        self.tags.iter().any(|own| normal(own) == wanted)
    }
}

/// A weakness (CWE) with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weakness {
    /// Who classified it.
    pub source: Option<String>,
    /// NVD's `Primary` (its own) or `Secondary` (another source's).
    pub kind: Option<MetricKind>,
    /// The CWE.
    pub cwe: CweId,
}

/// NVD's `type` of a metric or weakness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum MetricKind {
    /// The primary score (NVD's own, or the CNA's where NVD has none).
    Primary,
    /// Another source's.
    Secondary,
}

/// A CVSS metric: vector, stated base score and severity, and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CvssMetric {
    /// Which container it came from.
    pub provenance: Provenance,
    /// Who scored it (an e-mail or UUID).
    pub source: Option<String>,
    /// Primary or Secondary (NVD); CVE 5 metrics have none.
    pub kind: Option<MetricKind>,
    /// The validated vector.
    pub vector: CvssVector,
    /// The base score the source states.
    pub base_score: CvssScore,
    /// The severity the source states (or the rating of the stated score).
    pub severity: Severity,
}

impl CvssMetric {
    /// The CVSS version of the vector.
    pub fn version(&self) -> CvssVersion {
        self.vector.version()
    }

    /// Whether the stated base score agrees with the score computed from the
    /// vector; `None` where the score cannot be computed (v4.0).
    pub fn score_checks_out(&self) -> Option<bool> {
        self.vector
            .base_score()
            .map(|computed| computed == self.base_score)
    }
}

/// The KEV fields NVD copies into its records (`cisaExploitAdd`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CisaExploitNote {
    /// When CISA added it to KEV.
    pub exploit_added: Option<Date>,
    /// The remediation due date.
    pub action_due: Option<Date>,
    /// What agencies must do.
    pub required_action: Option<String>,
    /// CISA's name for the vulnerability.
    pub vulnerability_name: Option<String>,
}

/// How the nodes of a configuration, or the matches of a node, combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Operator {
    /// Any of them.
    #[default]
    Or,
    /// All of them.
    And,
}

/// One bound of a version range (`versionStartIncluding`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VersionBound {
    /// The version.
    #[serde(with = "version_text")]
    pub version: Version,
    /// Whether the bound itself is in the range.
    pub inclusive: bool,
}

/// Match criteria: a CPE name, possibly with wildcards, and version bounds
/// (NVD's "match string").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MatchCriteria {
    /// NVD's `matchCriteriaId`, or a derived one (see [`MatchCriteriaId::derived`]).
    pub id: MatchCriteriaId,
    /// The `criteria` CPE name.
    #[serde(with = "cpe_text")]
    pub name: WellFormedName,
    /// `versionStartIncluding` / `versionStartExcluding`.
    pub version_start: Option<VersionBound>,
    /// `versionEndIncluding` / `versionEndExcluding`.
    pub version_end: Option<VersionBound>,
}

/// How a concrete name satisfied criteria: the name alone (its version
/// equal to the criteria's, a wildcard or ANY), or a version range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MatchReason {
    /// The criteria name covers the concrete name (NISTIR 7696
    /// `CPE_SUPERSET`), with no version bounds.
    Name,
    /// The criteria name covers the name except for the version, and the
    /// version lies within the bounds.
    VersionRange,
}

impl MatchCriteria {
    /// Whether the criteria cover a concrete name whose version (when it is a
    /// value) is `version`: the name test of NISTIR 7696 and, where bounds
    /// exist, `start <= version <= end` in the CPE engine's version order.
    ///
    /// A concrete version of ANY or NA never satisfies bounds: NA (`-`) is
    /// not a release, and ANY says nothing about which release it is.
    pub fn matches(&self, name: &WellFormedName, version: Option<&Version>) -> Option<MatchReason> {
        if !self.name.covers(name) {
            return None;
        }
        if self.version_start.is_none() && self.version_end.is_none() {
            return Some(MatchReason::Name);
        }
        let version = version?;
        in_bounds(
            version,
            self.version_start.as_ref(),
            self.version_end.as_ref(),
        )
        .then_some(MatchReason::VersionRange)
    }

    /// The criteria as NVD writes them, for display.
    pub fn describe(&self) -> CriteriaDescription {
        CriteriaDescription {
            id: self.id,
            criteria: self.name.to_formatted_string(),
            version_start: self.version_start.as_ref().map(BoundDescription::from),
            version_end: self.version_end.as_ref().map(BoundDescription::from),
        }
    }
}

/// Whether `version` lies within the bounds.
pub(crate) fn in_bounds(
    version: &Version,
    start: Option<&VersionBound>,
    end: Option<&VersionBound>,
) -> bool {
    let above = start.is_none_or(|bound| {
        if bound.inclusive {
            *version >= bound.version
        } else {
            *version > bound.version
        }
    });
    let below = end.is_none_or(|bound| {
        if bound.inclusive {
            *version <= bound.version
        } else {
            *version < bound.version
        }
    });
    above && below
}

/// Criteria in display form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriteriaDescription {
    /// The match criteria id.
    pub id: MatchCriteriaId,
    /// The criteria as a formatted string.
    pub criteria: String,
    /// The start bound, if any.
    pub version_start: Option<BoundDescription>,
    /// The end bound, if any.
    pub version_end: Option<BoundDescription>,
}

/// A version bound in display form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoundDescription {
    /// The version text.
    pub version: String,
    /// Whether the bound is included.
    pub inclusive: bool,
}

impl From<&VersionBound> for BoundDescription {
    fn from(bound: &VersionBound) -> Self {
        Self {
            version: bound.version.as_str().to_owned(),
            inclusive: bound.inclusive,
        }
    }
}

/// One `cpeMatch` entry: criteria and whether matching them means being
/// vulnerable (`vulnerable: false` marks a platform, "running on/with").
///
/// `C` is the criteria's representation: [`MatchCriteria`] in records, an
/// index into a shared table inside the applicability index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpeMatch<C = MatchCriteria> {
    /// Whether a match is vulnerable (as opposed to a required platform).
    pub vulnerable: bool,
    /// The criteria.
    pub criteria: C,
}

/// A node of a configuration: matches combined by an operator, optionally negated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node<C = MatchCriteria> {
    /// How the matches combine.
    pub operator: Operator,
    /// Whether the node's value is negated.
    pub negate: bool,
    /// The `cpeMatch` entries.
    pub matches: Vec<CpeMatch<C>>,
}

/// An applicability rule: nodes combined by an operator (NVD's
/// `configurations[]`; an AND of a vulnerable node and a platform node is
/// "running on/with").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Configuration<C = MatchCriteria> {
    /// Where the rule comes from.
    pub provenance: Provenance,
    /// How the nodes combine (NVD omits it for one node: OR).
    pub operator: Operator,
    /// Whether the configuration's value is negated.
    pub negate: bool,
    /// The nodes.
    pub nodes: Vec<Node<C>>,
}

/// The status of a version in CVE 5 `affected` data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AffectedStatus {
    /// Affected.
    Affected,
    /// Not affected.
    Unaffected,
    /// Not known.
    Unknown,
}

impl AffectedStatus {
    /// Reads the CVE 5 spelling.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "affected" => Some(Self::Affected),
            "unaffected" => Some(Self::Unaffected),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// One entry of a product's `versions` (CVE JSON 5 schema, `versions` item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedVersion {
    /// `version`: a single version, or the start of a range.
    pub version: String,
    /// `lessThan`: the range's exclusive end (`*` for no end).
    pub less_than: Option<String>,
    /// `lessThanOrEqual`: the range's inclusive end.
    pub less_than_or_equal: Option<String>,
    /// `status`.
    pub status: AffectedStatus,
    /// `versionType` (`semver`, `custom`, `git`, …).
    pub version_type: Option<String>,
}

/// A product of CVE 5 `affected[]` (also NVD's `affected` copy of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedProduct {
    /// CNA or ADP.
    pub provenance: Provenance,
    /// The container's source (`providerMetadata.shortName` or NVD's `source`).
    pub source: Option<String>,
    /// `vendor`.
    pub vendor: Option<String>,
    /// `product`.
    pub product: Option<String>,
    /// `packageName`.
    pub package_name: Option<String>,
    /// `cpes`: CPE names the container gives for the product.
    pub cpes: Vec<String>,
    /// `platforms`.
    pub platforms: Vec<String>,
    /// `defaultStatus`: the status of versions not listed.
    pub default_status: Option<AffectedStatus>,
    /// `versions`.
    pub versions: Vec<AffectedVersion>,
}

/// A CVE with what govsec keeps of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CveRecord {
    /// The id.
    pub id: CveId,
    /// Who assigned it (`sourceIdentifier` / `assignerShortName`).
    pub source_identifier: Option<String>,
    /// The status; [`VulnStatus::Rejected`] drops all applicability.
    pub status: VulnStatus,
    /// When it was published.
    pub published: Option<Timestamp>,
    /// When it was last modified.
    pub last_modified: Option<Timestamp>,
    /// Descriptions in all languages given.
    pub descriptions: Vec<Description>,
    /// CWE ids.
    pub weaknesses: Vec<Weakness>,
    /// References with their tags.
    pub references: Vec<Reference>,
    /// CVSS metrics of every version and source.
    pub metrics: Vec<CvssMetric>,
    /// Applicability rules, with their provenance.
    pub configurations: Vec<Configuration>,
    /// CNA/ADP `affected` data as given.
    pub affected: Vec<AffectedProduct>,
    /// KEV fields copied by NVD.
    pub cisa: Option<CisaExploitNote>,
}

impl CveRecord {
    /// An empty record.
    pub fn new(id: CveId, status: VulnStatus) -> Self {
        Self {
            id,
            source_identifier: None,
            status,
            published: None,
            last_modified: None,
            descriptions: Vec::new(),
            weaknesses: Vec::new(),
            references: Vec::new(),
            metrics: Vec::new(),
            configurations: Vec::new(),
            affected: Vec::new(),
            cisa: None,
        }
    }

    /// The description in `lang` (`en` when the language is not given).
    pub fn description(&self, lang: &str) -> Option<&str> {
        self.descriptions
            .iter()
            .find(|description| description.lang.eq_ignore_ascii_case(lang))
            .or_else(|| {
                self.descriptions
                    .iter()
                    .find(|description| description.lang == "en")
            })
            .map(|description| description.value.as_str())
    }

    /// The rules that decide applicability, with their position in
    /// [`CveRecord::configurations`]: none for a rejected CVE; NVD's analysed
    /// configurations where there are any; otherwise those derived from the
    /// CNA's and ADP's `affected` data.
    pub fn applicable_configurations(&self) -> impl Iterator<Item = (usize, &Configuration)> {
        applicable_configurations(self.status, &self.configurations)
    }

    /// The metric to rank by: the newest CVSS version present, and within a
    /// version NVD's Primary metric before others.
    pub fn best_metric(&self) -> Option<&CvssMetric> {
        self.metrics.iter().max_by_key(|metric| {
            (
                metric.version(),
                metric.kind == Some(MetricKind::Primary),
                metric.provenance == Provenance::Nvd,
            )
        })
    }

    /// Which configurations apply to `asset`, and how (a pure function over
    /// the record; the [`ApplicabilityIndex`](crate::ApplicabilityIndex)
    /// answers the same over many records).
    pub fn assess(&self, asset: &crate::Asset) -> Option<crate::Applicability> {
        let configurations: Vec<_> = self
            .applicable_configurations()
            .filter_map(|(index, configuration)| {
                crate::applicability::assess_configuration(
                    index,
                    configuration,
                    asset,
                    |criteria| criteria,
                )
            })
            .collect();
        if configurations.is_empty() {
            return None;
        }
        Some(crate::Applicability {
            cve: self.id,
            configurations,
        })
    }

    /// Adds what `other` (a CVE 5 record of the same CVE) knows and this
    /// record does not: descriptions in other languages, weaknesses,
    /// references (and tags), metrics of other sources, the CNA/ADP rules and
    /// `affected` data. NVD's status, dates and configurations stay; a
    /// rejection by either side rejects the CVE.
    pub fn merge(&mut self, other: CveRecord) {
        if other.status == VulnStatus::Rejected {
            self.status = VulnStatus::Rejected;
        }
        self.source_identifier = self.source_identifier.take().or(other.source_identifier);
        self.published = self.published.take().or(other.published);
        self.last_modified = self.last_modified.take().or(other.last_modified);
        for description in other.descriptions {
            if !self
                .descriptions
                .iter()
                .any(|own| own.lang == description.lang)
            {
                self.descriptions.push(description);
            }
        }
        for weakness in other.weaknesses {
            if !self.weaknesses.iter().any(|own| own.cwe == weakness.cwe) {
                self.weaknesses.push(weakness);
            }
        }
        for reference in other.references {
            match self
                .references
                .iter_mut()
                .find(|own| own.url == reference.url)
            {
                Some(own) => {
                    for tag in reference.tags {
                        if !own.has_tag(&tag) {
                            own.tags.push(tag);
                        }
                    }
                }
                None => self.references.push(reference),
            }
        }
        for metric in other.metrics {
            if !self
                .metrics
                .iter()
                .any(|own| own.vector == metric.vector && own.source == metric.source)
            {
                self.metrics.push(metric);
            }
        }
        self.configurations.extend(other.configurations);
        self.affected.extend(other.affected);
    }
}

/// The configurations of a CVE with `status` that decide its applicability, with their
/// positions: none for a rejected CVE; NVD's analysed configurations where there are any;
/// otherwise those derived from the CNA's and ADP's `affected` data. Generic over the form of
/// the criteria, so that a reader that has not parsed every criteria chooses the same ones.
pub fn applicable_configurations<C>(
    status: VulnStatus,
    configurations: &[Configuration<C>],
) -> impl Iterator<Item = (usize, &Configuration<C>)> {
    let rejected = status == VulnStatus::Rejected;
    let has_nvd = configurations
        .iter()
        .any(|configuration| configuration.provenance == Provenance::Nvd);
    configurations
        .iter()
        .enumerate()
        .filter(move |(_, configuration)| {
            !rejected && (!has_nvd || configuration.provenance == Provenance::Nvd)
        })
}

/// Quotes plain text for a WFN value (NISTIR 7695 §5.3.2): letters, digits
/// and `_` as they are, other printable ASCII after a backslash. `None` for
/// text that no WFN value can hold (spaces, non-ASCII, empty).
pub(crate) fn quote_value(text: &str) -> Option<AttributeValue> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let mut quoted = String::with_capacity(text.len() * 2);
    for character in text.chars() {
        if !(character.is_ascii_alphanumeric() || character == '_') {
            quoted.push('\\');
        }
        quoted.push(character);
    }
    AttributeValue::from_wfn(&quoted).ok()
}

/// The version attribute of a concrete name, parsed for bound checks.
pub(crate) fn concrete_version(name: &WellFormedName) -> Option<Version> {
    match name.get(Attribute::Version) {
        AttributeValue::Value(value) if !value.has_wildcards() => {
            Some(Version::parse(value.as_str()))
        }
        _ => None,
    }
}

/// Serde for a [`WellFormedName`] as its formatted string.
mod cpe_text {
    use govsec_cpe::WellFormedName;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        name: &WellFormedName,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&name.to_formatted_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<WellFormedName, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        WellFormedName::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for a [`Version`] as its text.
mod version_text {
    use govsec_cpe::Version;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(
        version: &Version,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(version.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Version, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Ok(Version::parse(&text))
    }
}
