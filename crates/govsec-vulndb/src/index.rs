//! The applicability index: from the configurations of many CVEs, answers
//! for a concrete CPE name which CVEs apply, through which criteria, and how
//! the platform condition was decided.
//!
//! Criteria are stored once per `matchCriteriaId` (NVD reuses them across
//! CVEs), with their attribute values and versions interned, each with the
//! list of configurations in which it is vulnerable. Vulnerable criteria are
//! grouped under the `(part, vendor, product)` of their name; within a
//! product, criteria with an exact version are sorted by it, and criteria
//! with version bounds are intervals over the product's own sorted bound
//! versions, sorted by their end, so that a lookup compares the asked
//! version with a few bound versions (a binary search) and then only
//! integers. Criteria whose part, vendor or product is ANY or has wildcards
//! are checked for every lookup.
//!
//! [`ApplicabilityIndex::find`] answers without building explanations (no
//! strings, one allocation); [`ApplicabilityIndex::explain`] builds them
//! for the hits one asks about; [`ApplicabilityIndex::lookup`] does both.
//! Both give the same answer as [`CveRecord::assess`] over every record
//! (see the property tests in `tests/index.rs`).

use std::collections::HashMap;

use govsec_cpe::{Attribute, AttributeValue, Relation, Version, WellFormedName, compare_attribute};

use crate::applicability::{
    Applicability, Asset, Criteria, PlatformVerdict, Truth, assess_configuration, part_index,
    platform_verdict,
};
use crate::id::{CveId, MatchCriteriaId};
use crate::model::{
    BoundDescription, Configuration, CpeMatch, CriteriaDescription, CveRecord, MatchReason, Node,
};

/// Criteria with interned values: `attributes[i]` indexes
/// `ApplicabilityIndex::values`, bounds index `versions`.
#[derive(Debug, Clone)]
struct CompactCriteria {
    id: MatchCriteriaId,
    attributes: [u32; 11],
    start: Option<(u32, bool)>,
    end: Option<(u32, bool)>,
}

impl CompactCriteria {
    fn bounded(&self) -> bool {
        self.start.is_some() || self.end.is_some()
    }
}

/// A `(part, vendor, product)` key: the part as 0–2, vendor and product as
/// interned lower-case WFN strings.
type ProductIds = (u8, u32, u32);

/// A configuration with interned criteria and its position in its record.
type PositionedConfiguration = (usize, Configuration<u32>);

/// Collects records, then builds an [`ApplicabilityIndex`].
#[derive(Debug, Default)]
pub struct IndexBuilder {
    slots: HashMap<CveId, u32>,
    records: Vec<(CveId, Vec<PositionedConfiguration>)>,
    criteria: Vec<CompactCriteria>,
    criteria_ids: HashMap<MatchCriteriaId, u32>,
    values: Vec<AttributeValue>,
    value_ids: HashMap<AttributeValue, u32>,
    versions: Vec<Version>,
    version_ids: HashMap<Box<str>, u32>,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or, for a CVE added before, replaces) a record's applicable
    /// configurations (see [`CveRecord::applicable_configurations`]).
    pub fn add(&mut self, record: &CveRecord) {
        let configurations: Vec<(usize, Configuration<u32>)> = record
            .applicable_configurations()
            .map(|(position, configuration)| (position, self.compact_configuration(configuration)))
            .collect();
        match self.slots.get(&record.id) {
            Some(&slot) => self.records[slot as usize].1 = configurations,
            None => {
                self.slots.insert(record.id, self.records.len() as u32);
                self.records.push((record.id, configurations));
            }
        }
    }

    fn compact_configuration(&mut self, configuration: &Configuration) -> Configuration<u32> {
        Configuration {
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
                            criteria: self.intern_criteria(&entry.criteria),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn intern_criteria(&mut self, criteria: &crate::model::MatchCriteria) -> u32 {
        if let Some(&slot) = self.criteria_ids.get(&criteria.id) {
            return slot;
        }
        let mut attributes = [0; 11];
        for (slot, (_, value)) in attributes.iter_mut().zip(criteria.name.iter()) {
            *slot = self.intern_value(value);
        }
        let mut bound = |bound: &Option<crate::model::VersionBound>| {
            bound
                .as_ref()
                .map(|bound| (self.intern_version(&bound.version), bound.inclusive))
        };
        let compact = CompactCriteria {
            id: criteria.id,
            attributes,
            start: bound(&criteria.version_start),
            end: bound(&criteria.version_end),
        };
        let slot = self.criteria.len() as u32;
        self.criteria.push(compact);
        self.criteria_ids.insert(criteria.id, slot);
        slot
    }

    fn intern_value(&mut self, value: &AttributeValue) -> u32 {
        if let Some(&id) = self.value_ids.get(value) {
            return id;
        }
        let id = self.values.len() as u32;
        self.values.push(value.clone());
        self.value_ids.insert(value.clone(), id);
        id
    }

    fn intern_version(&mut self, version: &Version) -> u32 {
        if let Some(&id) = self.version_ids.get(version.as_str()) {
            return id;
        }
        let id = self.versions.len() as u32;
        self.versions.push(version.clone());
        self.version_ids.insert(version.as_str().into(), id);
        id
    }

    /// Builds the index.
    pub fn build(self) -> ApplicabilityIndex {
        let Self {
            slots,
            mut records,
            criteria,
            criteria_ids,
            values,
            value_ids,
            versions,
            version_ids,
        } = self;
        // The lookup tables of `add` are not needed any more: freeing them
        // before the index is laid out lowers the peak memory of an import.
        drop((slots, criteria_ids, value_ids, version_ids));
        // Sorted by CVE (and, within a record, by position), configuration
        // ids order a lookup's answer without a sort by CVE.
        records.sort_unstable_by_key(|(cve, _)| *cve);
        let cve_count = records.len();
        let mut configurations = Vec::new();
        for (cve, record_configurations) in records {
            for (position, configuration) in record_configurations {
                configurations.push(StoredConfiguration {
                    cve,
                    position,
                    configuration,
                });
            }
        }

        let mut names: HashMap<Box<str>, u32> = HashMap::new();
        let value_names: Vec<Option<u32>> = values
            .iter()
            .map(|value| {
                plain(value).map(|text| {
                    let next = names.len() as u32;
                    *names
                        .entry(text.to_ascii_lowercase().into_boxed_str())
                        .or_insert(next)
                })
            })
            .collect();
        let keys: Vec<Option<ProductIds>> = criteria
            .iter()
            .map(|criteria| {
                let name = |attribute: Attribute| {
                    value_names[criteria.attributes[attribute.index()] as usize]
                };
                let part = part_index(&values[criteria.attributes[0] as usize])?;
                Some((
                    part as u8,
                    name(Attribute::Vendor)?,
                    name(Attribute::Product)?,
                ))
            })
            .collect();

        let (posting_starts, postings) = postings(criteria.len(), &configurations);
        let mut buckets: HashMap<ProductIds, Bucket> = HashMap::new();
        let mut ranged: HashMap<ProductIds, Vec<u32>> = HashMap::new();
        let mut unkeyed = Vec::new();
        for (slot, (entry, key)) in criteria.iter().zip(&keys).enumerate() {
            if posting_starts[slot] == posting_starts[slot + 1] {
                continue;
            }
            let slot = slot as u32;
            let Some(key) = *key else {
                unkeyed.push(slot);
                continue;
            };
            if entry.bounded() {
                ranged.entry(key).or_default().push(slot);
                continue;
            }
            let bucket = buckets.entry(key).or_default();
            match value_names[entry.attributes[Attribute::Version.index()] as usize] {
                Some(version) => bucket.exact.push((version, slot)),
                None => bucket.versionless.push(slot),
            }
        }
        for (key, slots) in ranged {
            buckets
                .entry(key)
                .or_default()
                .set_ranged(&slots, &criteria, &versions);
        }
        for bucket in buckets.values_mut() {
            bucket.exact.sort_unstable();
            bucket.exact.shrink_to_fit();
            bucket.versionless.shrink_to_fit();
        }
        names.shrink_to_fit();
        ApplicabilityIndex {
            cve_count,
            configurations,
            criteria,
            keys,
            posting_starts,
            postings,
            values,
            versions,
            names,
            buckets,
            unkeyed,
        }
    }
}

/// For each criteria, the configurations in which it is vulnerable, as
/// offsets into one list (`starts[c]..starts[c + 1]`), each list ascending.
fn postings(criteria: usize, configurations: &[StoredConfiguration]) -> (Vec<u32>, Vec<u32>) {
    let vulnerable = |configuration: &StoredConfiguration| {
        let mut slots: Vec<u32> = configuration
            .configuration
            .nodes
            .iter()
            .flat_map(|node| &node.matches)
            .filter(|entry| entry.vulnerable)
            .map(|entry| entry.criteria)
            .collect();
        slots.sort_unstable();
        slots.dedup();
        slots
    };
    let mut starts = vec![0u32; criteria + 1];
    for configuration in configurations {
        for slot in vulnerable(configuration) {
            starts[slot as usize + 1] += 1;
        }
    }
    for slot in 0..criteria {
        starts[slot + 1] += starts[slot];
    }
    let mut next = starts.clone();
    let mut postings = vec![0u32; starts[criteria] as usize];
    for (id, configuration) in configurations.iter().enumerate() {
        for slot in vulnerable(configuration) {
            postings[next[slot as usize] as usize] = id as u32;
            next[slot as usize] += 1;
        }
    }
    (starts, postings)
}

/// A value string without wildcards.
fn plain(value: &AttributeValue) -> Option<&str> {
    value
        .as_value()
        .filter(|value| !value.has_wildcards())
        .map(|value| value.as_str())
}

/// A configuration of a CVE, with interned criteria.
#[derive(Debug)]
struct StoredConfiguration {
    cve: CveId,
    position: usize,
    configuration: Configuration<u32>,
}

/// Criteria with version bounds, as an interval of positions among the
/// bound versions of its product: version `i` of the sorted list is at
/// `2i + 1`, the gap below it at `2i` (see [`Bucket::position`]).
#[derive(Debug, Clone, Copy)]
struct Interval {
    end: u32,
    start: u32,
    criteria: u32,
}

/// The vulnerable criteria of one `(part, vendor, product)`.
#[derive(Debug, Default)]
struct Bucket {
    /// Criteria with an exact version: (interned lower-case version, criteria), sorted.
    exact: Vec<(u32, u32)>,
    /// Criteria without bounds whose version is ANY, NA or has wildcards.
    versionless: Vec<u32>,
    /// The distinct bound versions of `ranged`, ascending (interned versions).
    bound_versions: Vec<u32>,
    /// Criteria with bounds, sorted by `end`.
    ranged: Vec<Interval>,
}

impl Bucket {
    fn set_ranged(&mut self, slots: &[u32], criteria: &[CompactCriteria], versions: &[Version]) {
        let mut bound_versions: Vec<u32> = slots
            .iter()
            .flat_map(|&slot| {
                let entry = &criteria[slot as usize];
                [entry.start, entry.end]
            })
            .flatten()
            .map(|(version, _)| version)
            .collect();
        bound_versions.sort_unstable_by(|a, b| versions[*a as usize].cmp(&versions[*b as usize]));
        // Different texts may be the same version (`1.0`, `1.0.0`); one rank each.
        bound_versions.dedup_by(|a, b| versions[*a as usize] == versions[*b as usize]);
        let rank = |version: u32| {
            bound_versions
                .binary_search_by(|probe| {
                    versions[*probe as usize].cmp(&versions[version as usize])
                })
                .expect("every bound version is listed") as u32
        };
        let mut ranged: Vec<Interval> = slots
            .iter()
            .map(|&slot| {
                let entry = &criteria[slot as usize];
                Interval {
                    start: entry.start.map_or(0, |(version, inclusive)| {
                        2 * rank(version) + if inclusive { 1 } else { 2 }
                    }),
                    end: entry.end.map_or(u32::MAX, |(version, inclusive)| {
                        2 * rank(version) + u32::from(inclusive)
                    }),
                    criteria: slot,
                }
            })
            .collect();
        ranged.sort_unstable_by_key(|interval| (interval.end, interval.start));
        self.bound_versions = bound_versions;
        self.ranged = ranged;
    }

    /// Where `version` lies among the bound versions: `2i + 1` when it is
    /// bound version `i`, `2i` when it lies between versions `i - 1` and `i`.
    fn position(&self, version: &Version, versions: &[Version]) -> u32 {
        let below = self
            .bound_versions
            .partition_point(|&bound| versions[bound as usize] < *version);
        let equal = self
            .bound_versions
            .get(below)
            .is_some_and(|&bound| versions[bound as usize] == *version);
        2 * below as u32 + u32::from(equal)
    }
}

/// An index from CPE names to the CVEs whose configurations apply to them.
#[derive(Debug)]
pub struct ApplicabilityIndex {
    cve_count: usize,
    configurations: Vec<StoredConfiguration>,
    criteria: Vec<CompactCriteria>,
    /// The product key of each criteria, `None` when part, vendor or product
    /// is ANY, NA or has wildcards.
    keys: Vec<Option<ProductIds>>,
    posting_starts: Vec<u32>,
    postings: Vec<u32>,
    values: Vec<AttributeValue>,
    versions: Vec<Version>,
    names: HashMap<Box<str>, u32>,
    buckets: HashMap<ProductIds, Bucket>,
    unkeyed: Vec<u32>,
}

/// A configuration of a CVE that applies to an asset, as
/// [`ApplicabilityIndex::find`] gives it: the asset matched vulnerable
/// criteria of the configuration. [`ApplicabilityIndex::explain`] tells which,
/// and how the platform condition was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The CVE.
    pub cve: CveId,
    /// Position of the configuration in [`CveRecord::configurations`].
    pub configuration: usize,
    /// How the platform condition was decided.
    pub verdict: PlatformVerdict,
    stored: u32,
}

/// A name to match criteria against, with what the index needs of it
/// computed once.
struct Probe<'a> {
    name: &'a WellFormedName,
    version: Option<&'a Version>,
    key: Option<ProductIds>,
}

/// Criteria of the index, resolved for evaluation.
#[derive(Clone, Copy)]
struct IndexedCriteria<'a> {
    index: &'a ApplicabilityIndex,
    criteria: &'a CompactCriteria,
}

impl Criteria for IndexedCriteria<'_> {
    fn matches(&self, name: &WellFormedName, version: Option<&Version>) -> Option<MatchReason> {
        let bounded = self.criteria.bounded();
        if bounded && !self.index.in_bounds(self.criteria, version?) {
            return None;
        }
        let covered =
            self.criteria
                .attributes
                .iter()
                .zip(name.iter())
                .all(|(&value, (_, concrete))| {
                    matches!(
                        compare_attribute(&self.index.values[value as usize], concrete),
                        Some(Relation::Superset | Relation::Equal)
                    )
                });
        match (covered, bounded) {
            (false, _) => None,
            (true, false) => Some(MatchReason::Name),
            (true, true) => Some(MatchReason::VersionRange),
        }
    }

    fn part(&self) -> Option<usize> {
        part_index(&self.index.values[self.criteria.attributes[0] as usize])
    }

    fn describe(&self) -> CriteriaDescription {
        let mut name = WellFormedName::new();
        for (attribute, &value) in Attribute::ALL.into_iter().zip(&self.criteria.attributes) {
            name.set(attribute, self.index.values[value as usize].clone())
                .expect("interned from a valid name");
        }
        let bound = |bound: Option<(u32, bool)>| {
            bound.map(|(id, inclusive)| BoundDescription {
                version: self.index.versions[id as usize].as_str().to_owned(),
                inclusive,
            })
        };
        CriteriaDescription {
            id: self.criteria.id,
            criteria: name.to_formatted_string(),
            version_start: bound(self.criteria.start),
            version_end: bound(self.criteria.end),
        }
    }
}

impl ApplicabilityIndex {
    /// A builder.
    pub fn builder() -> IndexBuilder {
        IndexBuilder::new()
    }

    /// Builds an index from records.
    pub fn from_records<'r>(records: impl IntoIterator<Item = &'r CveRecord>) -> Self {
        let mut builder = IndexBuilder::new();
        for record in records {
            builder.add(record);
        }
        builder.build()
    }

    /// How many CVEs were added.
    pub fn cve_count(&self) -> usize {
        self.cve_count
    }

    /// How many distinct match criteria the index holds.
    pub fn criteria_count(&self) -> usize {
        self.criteria.len()
    }

    /// How many configurations the index holds.
    pub fn configuration_count(&self) -> usize {
        self.configurations.len()
    }

    fn resolve(&self, criteria: u32) -> IndexedCriteria<'_> {
        IndexedCriteria {
            index: self,
            criteria: &self.criteria[criteria as usize],
        }
    }

    /// The CVEs that apply to `asset`, ordered by CVE id, each with the
    /// configurations through which it applies. Configurations whose
    /// platform condition is not met are included, with that verdict.
    ///
    /// This is [`find`](Self::find) followed by [`explain`](Self::explain).
    pub fn lookup(&self, asset: &Asset) -> Vec<Applicability> {
        self.explain(asset, &self.find(asset))
    }

    /// The configurations that apply to `asset`, ordered by CVE id and
    /// position, with their verdicts: the answer of [`lookup`](Self::lookup)
    /// without the explanation, which costs strings for every criteria.
    pub fn find(&self, asset: &Asset) -> Vec<Hit> {
        let probe = self.probe(asset.name(), asset.version());
        let mut matched: Vec<u32> = Vec::new();
        let mut add = |criteria: u32| matched.push(criteria);
        // In a bucket, part, vendor and product are equal to the asset's.
        let after_product = Attribute::Version.index();
        if let Some(bucket) = probe.key.and_then(|key| self.buckets.get(&key)) {
            if let Some(version) =
                plain(probe.name.get(Attribute::Version)).and_then(|text| self.name_id(text))
            {
                let from = bucket.exact.partition_point(|&(own, _)| own < version);
                for &(_, criteria) in bucket.exact[from..]
                    .iter()
                    .take_while(|(own, _)| *own == version)
                {
                    if self.covers_from(criteria, probe.name, after_product) {
                        add(criteria);
                    }
                }
            }
            for &criteria in &bucket.versionless {
                if self.covers_from(criteria, probe.name, after_product) {
                    add(criteria);
                }
            }
            if let Some(version) = probe.version
                && !bucket.ranged.is_empty()
            {
                let position = bucket.position(version, &self.versions);
                let from = bucket
                    .ranged
                    .partition_point(|interval| interval.end < position);
                for interval in &bucket.ranged[from..] {
                    if interval.start <= position
                        && self.covers_from(interval.criteria, probe.name, after_product)
                    {
                        add(interval.criteria);
                    }
                }
            }
        }
        for &criteria in &self.unkeyed {
            if self.matches(criteria, &probe) {
                add(criteria);
            }
        }
        matched.sort_unstable();
        let mut stored: Vec<u32> = Vec::new();
        for &criteria in &matched {
            stored.extend_from_slice(self.postings(criteria));
        }
        stored.sort_unstable();
        stored.dedup();
        let platforms: Vec<Probe<'_>> = asset
            .platforms()
            .iter()
            .map(|(name, version)| self.probe(name, version.as_ref()))
            .collect();
        // Criteria listed under a product were all tested above: whether
        // they match the asset is whether they are in `matched`.
        let matches_asset = |criteria: u32| {
            let key = self.keys[criteria as usize];
            if key.is_some() && key != probe.key {
                false
            } else if self.postings(criteria).is_empty() {
                self.matches(criteria, &probe)
            } else {
                matched.binary_search(&criteria).is_ok()
            }
        };
        let truth = |&criteria: &u32| {
            if matches_asset(criteria)
                || platforms
                    .iter()
                    .any(|platform| self.matches(criteria, platform))
            {
                return Truth::True;
            }
            match self.resolve(criteria).part() {
                Some(part) if asset.knows_part(part) => Truth::False,
                _ => Truth::Unknown,
            }
        };
        stored
            .into_iter()
            .map(|id| {
                let stored = &self.configurations[id as usize];
                Hit {
                    cve: stored.cve,
                    configuration: stored.position,
                    verdict: platform_verdict(&stored.configuration, truth),
                    stored: id,
                }
            })
            .collect()
    }

    /// The explanation of `hits` (from [`find`](Self::find) for the same
    /// asset): per CVE, in the order of `hits`, the criteria each
    /// configuration matched and how its platform condition was decided.
    pub fn explain(&self, asset: &Asset, hits: &[Hit]) -> Vec<Applicability> {
        let mut applicabilities: Vec<Applicability> = Vec::new();
        for hit in hits {
            let stored = &self.configurations[hit.stored as usize];
            let Some(found) =
                assess_configuration(stored.position, &stored.configuration, asset, |&criteria| {
                    self.resolve(criteria)
                })
            else {
                continue;
            };
            match applicabilities.last_mut() {
                Some(last) if last.cve == stored.cve => last.configurations.push(found),
                _ => applicabilities.push(Applicability {
                    cve: stored.cve,
                    configurations: vec![found],
                }),
            }
        }
        applicabilities
    }

    /// The configurations in which `criteria` is vulnerable, ascending.
    fn postings(&self, criteria: u32) -> &[u32] {
        let start = self.posting_starts[criteria as usize] as usize;
        let end = self.posting_starts[criteria as usize + 1] as usize;
        &self.postings[start..end]
    }

    fn probe<'a>(&self, name: &'a WellFormedName, version: Option<&'a Version>) -> Probe<'a> {
        let key = match (
            part_index(name.get(Attribute::Part)),
            plain(name.get(Attribute::Vendor)),
            plain(name.get(Attribute::Product)),
        ) {
            (Some(part), Some(vendor), Some(product)) => self
                .name_id(vendor)
                .zip(self.name_id(product))
                .map(|(vendor, product)| (part as u8, vendor, product)),
            _ => None,
        };
        Probe { name, version, key }
    }

    /// Whether criteria match a probe, as [`Criteria::matches`] decides,
    /// with the product compared as interned ids.
    fn matches(&self, criteria: u32, probe: &Probe<'_>) -> bool {
        let from = match self.keys[criteria as usize] {
            Some(key) if probe.key == Some(key) => Attribute::Version.index(),
            Some(_) => return false,
            None => 0,
        };
        let entry = &self.criteria[criteria as usize];
        if entry.bounded()
            && !probe
                .version
                .is_some_and(|version| self.in_bounds(entry, version))
        {
            return false;
        }
        self.covers_from(criteria, probe.name, from)
    }

    fn in_bounds(&self, criteria: &CompactCriteria, version: &Version) -> bool {
        let bound = |id: u32| &self.versions[id as usize];
        let above = criteria.start.is_none_or(|(id, inclusive)| {
            if inclusive {
                version >= bound(id)
            } else {
                version > bound(id)
            }
        });
        let below = criteria.end.is_none_or(|(id, inclusive)| {
            if inclusive {
                version <= bound(id)
            } else {
                version < bound(id)
            }
        });
        above && below
    }

    /// Whether the criteria's attributes from `from` on cover the name's.
    fn covers_from(&self, criteria: u32, name: &WellFormedName, from: usize) -> bool {
        self.criteria[criteria as usize].attributes[from..]
            .iter()
            .zip(name.iter().skip(from))
            .all(|(&value, (_, concrete))| {
                matches!(
                    compare_attribute(&self.values[value as usize], concrete),
                    Some(Relation::Superset | Relation::Equal)
                )
            })
    }

    fn name_id(&self, text: &str) -> Option<u32> {
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            self.names.get(text.to_ascii_lowercase().as_str()).copied()
        } else {
            self.names.get(text).copied()
        }
    }
}

/// The `(part, vendor, product)` under which the index files criteria and
/// looks names up: the part letter, vendor and product as lower-case WFN
/// values. Storage keeps these per record so that a lookup can load only
/// the records that may apply to one product.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductKey {
    /// `a`, `o` or `h`.
    pub part: char,
    /// The vendor value, lower case.
    pub vendor: String,
    /// The product value, lower case.
    pub product: String,
}

impl ProductKey {
    /// The key of a name, `None` when its part, vendor or product is ANY, NA
    /// or has wildcards (such criteria are checked for every lookup).
    pub fn of(name: &WellFormedName) -> Option<Self> {
        let part = ['a', 'o', 'h'][part_index(name.get(Attribute::Part))?];
        Some(Self {
            part,
            vendor: plain(name.get(Attribute::Vendor))?.to_ascii_lowercase(),
            product: plain(name.get(Attribute::Product))?.to_ascii_lowercase(),
        })
    }
}

impl CveRecord {
    /// The products of the vulnerable criteria of the applicable
    /// configurations, and whether some vulnerable criteria have no product
    /// key (see [`ProductKey::of`]): what a lookup must load this record for.
    pub fn vulnerable_products(&self) -> (Vec<ProductKey>, bool) {
        let mut keys = Vec::new();
        let mut unkeyed = false;
        for (_, configuration) in self.applicable_configurations() {
            for entry in configuration.nodes.iter().flat_map(|node| &node.matches) {
                if !entry.vulnerable {
                    continue;
                }
                match ProductKey::of(&entry.criteria.name) {
                    Some(key) => keys.push(key),
                    None => unkeyed = true,
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        (keys, unkeyed)
    }
}
