//! The applicability index: from the configurations of many CVEs, answers
//! for a concrete CPE name which CVEs apply, through which criteria, and how
//! the platform condition was decided.
//!
//! Criteria are stored once per `matchCriteriaId` (NVD reuses them across
//! CVEs), with their attribute values and versions interned. Vulnerable
//! criteria are grouped into a bucket per `(part, vendor, product)` of their
//! name. A bucket numbers its own criteria and the configurations in which
//! they are vulnerable, so that a lookup marks matched criteria and hit
//! configurations in two bit sets the size of the bucket and reads the hits
//! out in configuration order (which is CVE order), without a sort and
//! without touching configurations it does not hit. Within a bucket,
//! criteria with an exact version are sorted by it; criteria with version
//! bounds are intervals over the product's own sorted bound versions,
//! grouped by their start and sorted by their end within a group, so that a
//! lookup compares the asked version with a few bound versions (a binary
//! search) and then visits only the groups that start at or below it and,
//! in each, only the intervals that contain it. Criteria whose part, vendor
//! or product is ANY or has wildcards are checked for every lookup.
//!
//! Configurations are stored flat (nodes and entries in two arrays), each
//! entry with its product and part, and each configuration marked when it
//! is unconditional (one OR node, nothing negated: the verdict is known
//! without evaluation). The platform condition of the others is evaluated
//! with the bucket's bit set for the asset's own entries.
//!
//! [`ApplicabilityIndex::find`] answers without building explanations (no
//! strings); [`ApplicabilityIndex::explain`] builds them for the hits one
//! asks about; [`ApplicabilityIndex::lookup`] does both. Both give the same
//! answer as [`CveRecord::assess`] over every record (see the property tests
//! in `tests/index.rs`).

/// Foldhash rather than SipHash: building the index hashes millions of criteria ids, values and
/// versions, and a lookup hashes the asked names; SipHash was a tenth of the build. Still seeded
/// per process, and the keys that are inserted come from the feeds, not from callers.
type HashMap<K, V> = foldhash::HashMap<K, V>;

use govsec_cpe::{Attribute, AttributeValue, Relation, Version, WellFormedName, compare_attribute};

use crate::applicability::{
    Applicability, Asset, Criteria, PlatformVerdict, Truth, assess_configuration,
    condition_verdict, is_unconditional, node_truth, part_index,
};
use crate::error::{Error, Location};
use crate::id::{CveId, MatchCriteriaId};
use crate::model::{
    BoundDescription, Configuration, CpeMatch, CriteriaDescription, CveRecord, MatchCriteria,
    MatchReason, Node, Operator, Provenance, VulnStatus, applicable_configurations,
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

/// The slot of a criteria in an [`IndexBuilder`], as its [`CriteriaNumbering`] handed it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriteriaSlot {
    slot: u32,
    id: MatchCriteriaId,
}

/// Whether an occurrence of a criteria must carry it in full (see [`CriteriaNumbering::claim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// No occurrence the builder takes before this one carries it: parse it.
    First(CriteriaSlot),
    /// An occurrence the builder takes before this one carries it: its slot is enough.
    Repeated(CriteriaSlot),
}

/// A match criteria as [`IndexBuilder::add_configurations`] takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CriteriaOccurrence {
    /// The criteria, parsed, for a [`Claim::First`] (boxed: a parsed name is large, and
    /// most occurrences are repeats).
    Parsed(CriteriaSlot, Box<MatchCriteria>),
    /// The slot of a [`Claim::Repeated`].
    Repeated(CriteriaSlot),
}

/// The numbering of an [`IndexBuilder`]'s criteria by `matchCriteriaId`, shared with the
/// threads that decode records for it (see [`IndexBuilder::numbering`]).
///
/// Most of the five million criteria occurrences of the NVD repeat one of two million
/// criteria, and parsing their CPE names was most of the decoding. Decoding threads ask here,
/// for each occurrence, whether an occurrence that the builder takes earlier carries the
/// criteria, and parse only when none does. Batches of records are numbered in the order the
/// builder takes them; a batch decoded ahead of an earlier one may claim a criteria first,
/// and the earlier batch then parses it too.
#[derive(Debug, Default)]
pub struct CriteriaNumbering {
    /// Per id: its slot, and the first batch that carries it in full.
    claims: std::sync::Mutex<HashMap<MatchCriteriaId, (u32, u32)>>,
}

impl CriteriaNumbering {
    /// The slot of criteria `id` met in batch `batch`, and whether this batch must carry it in
    /// full.
    pub fn claim(&self, id: MatchCriteriaId, batch: u32) -> Claim {
        let mut claims = self
            .claims
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let next = claims.len() as u32;
        let (slot, first) = claims.entry(id).or_insert((next, u32::MAX));
        let slot = CriteriaSlot { slot: *slot, id };
        if *first <= batch {
            Claim::Repeated(slot)
        } else {
            *first = batch;
            Claim::First(slot)
        }
    }
}

/// Collects records, then builds an [`ApplicabilityIndex`].
#[derive(Debug, Default)]
pub struct IndexBuilder {
    slots: HashMap<CveId, u32>,
    records: Vec<(CveId, Vec<PositionedConfiguration>)>,
    /// By slot; `None` for a slot claimed but not yet given in full.
    criteria: Vec<Option<CompactCriteria>>,
    numbering: std::sync::Arc<CriteriaNumbering>,
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
        let configurations = record
            .applicable_configurations()
            .map(|(position, configuration)| {
                let Ok(compact) = self.compact_configuration(configuration, |builder, criteria| {
                    let slot = match builder.numbering.claim(criteria.id, 0) {
                        Claim::First(slot) | Claim::Repeated(slot) => slot,
                    };
                    Ok::<_, std::convert::Infallible>(builder.fill(slot, criteria))
                });
                (position, compact)
            })
            .collect();
        self.set_record(record.id, configurations);
    }

    /// The numbering that decoding threads claim criteria from for
    /// [`add_configurations`](Self::add_configurations).
    pub fn numbering(&self) -> std::sync::Arc<CriteriaNumbering> {
        std::sync::Arc::clone(&self.numbering)
    }

    /// Adds (or replaces) the applicable configurations (see
    /// [`applicable_configurations`](crate::applicable_configurations)) of a CVE whose criteria
    /// were claimed from [`numbering`](Self::numbering): parsed where the claim was first,
    /// by slot where it was repeated. Batches must come in the order they were numbered in; a
    /// criteria given by slot whose first occurrence has not been added is refused, naming
    /// its id, and nothing of this CVE is added.
    pub fn add_configurations(
        &mut self,
        cve: CveId,
        status: VulnStatus,
        configurations: &[Configuration<CriteriaOccurrence>],
    ) -> Result<(), Error> {
        let compact = applicable_configurations(status, configurations)
            .map(|(position, configuration)| {
                self.compact_configuration(configuration, |builder, occurrence| match occurrence {
                    CriteriaOccurrence::Parsed(slot, criteria) => Ok(builder.fill(*slot, criteria)),
                    CriteriaOccurrence::Repeated(slot) => builder
                        .criteria
                        .get(slot.slot as usize)
                        .is_some_and(Option::is_some)
                        .then_some(slot.slot)
                        .ok_or(slot.id),
                })
                .map(|compact| (position, compact))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|id| Error::UnseenCriteria {
                location: Location {
                    cve: Some(cve),
                    ..Location::default()
                },
                id: Box::new(id),
            })?;
        self.set_record(cve, compact);
        Ok(())
    }

    fn set_record(&mut self, cve: CveId, configurations: Vec<PositionedConfiguration>) {
        match self.slots.get(&cve) {
            Some(&slot) => self.records[slot as usize].1 = configurations,
            None => {
                self.slots.insert(cve, self.records.len() as u32);
                self.records.push((cve, configurations));
            }
        }
    }

    fn compact_configuration<C, E>(
        &mut self,
        configuration: &Configuration<C>,
        mut slot: impl FnMut(&mut Self, &C) -> Result<u32, E>,
    ) -> Result<Configuration<u32>, E> {
        let mut nodes = Vec::with_capacity(configuration.nodes.len());
        for node in &configuration.nodes {
            let mut matches = Vec::with_capacity(node.matches.len());
            for entry in &node.matches {
                matches.push(CpeMatch {
                    vulnerable: entry.vulnerable,
                    criteria: slot(self, &entry.criteria)?,
                });
            }
            nodes.push(Node {
                operator: node.operator,
                negate: node.negate,
                matches,
            });
        }
        Ok(Configuration {
            provenance: configuration.provenance,
            operator: configuration.operator,
            negate: configuration.negate,
            nodes,
        })
    }

    /// Gives `slot` its criteria, unless an earlier occurrence did.
    fn fill(&mut self, slot: CriteriaSlot, criteria: &MatchCriteria) -> u32 {
        let at = slot.slot as usize;
        if self.criteria.len() <= at {
            self.criteria.resize(at + 1, None);
        }
        if self.criteria[at].is_some() {
            return slot.slot;
        }
        let mut attributes = [0; 11];
        for (value_slot, (_, value)) in attributes.iter_mut().zip(criteria.name.iter()) {
            *value_slot = self.intern_value(value);
        }
        let mut bound = |bound: &Option<crate::model::VersionBound>| {
            bound
                .as_ref()
                .map(|bound| (self.intern_version(&bound.version), bound.inclusive))
        };
        self.criteria[at] = Some(CompactCriteria {
            id: criteria.id,
            attributes,
            start: bound(&criteria.version_start),
            end: bound(&criteria.version_end),
        });
        slot.slot
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
            numbering,
            mut values,
            value_ids,
            versions,
            version_ids,
        } = self;
        // The lookup tables of `add` are not needed any more: freeing them
        // before the index is laid out lowers the peak memory of an import.
        drop((slots, numbering, value_ids, version_ids));
        // A slot claimed by a batch that never reached the builder is named by no
        // configuration: an ANY criteria in no configuration stands in for it.
        let any = values.len() as u32;
        if criteria.iter().any(Option::is_none) {
            values.push(AttributeValue::Any);
        }
        let criteria: Vec<CompactCriteria> = criteria
            .into_iter()
            .map(|criteria| {
                criteria.unwrap_or(CompactCriteria {
                    id: MatchCriteriaId::derived(""),
                    attributes: [any; 11],
                    start: None,
                    end: None,
                })
            })
            .collect();
        // Sorted by CVE (and, within a record, by position), configuration
        // ids order a lookup's answer without a sort by CVE.
        records.sort_unstable_by_key(|(cve, _)| *cve);
        let cve_count = records.len();

        let mut names: HashMap<Box<str>, u32> = HashMap::default();
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
        let mut products: HashMap<ProductIds, u32> = HashMap::default();
        let details: Vec<CriteriaDetails> = criteria
            .iter()
            .map(|entry| {
                let name = |attribute: Attribute| {
                    value_names[entry.attributes[attribute.index()] as usize]
                };
                let part = part_index(&values[entry.attributes[0] as usize]);
                let product = part
                    .zip(name(Attribute::Vendor))
                    .zip(name(Attribute::Product))
                    .map(|((part, vendor), product)| {
                        let next = products.len() as u32;
                        *products
                            .entry((part as u8, vendor, product))
                            .or_insert(next)
                    })
                    .unwrap_or(UNKEYED);
                let specific_until = entry
                    .attributes
                    .iter()
                    .rposition(|&value| !matches!(values[value as usize], AttributeValue::Any))
                    .map_or(0, |last| last as u8 + 1);
                CriteriaDetails {
                    product,
                    part: part.map_or(NO_PART, |part| part as u8),
                    specific_until,
                }
            })
            .collect();

        let mut layout = Layout::default();
        for (cve, record_configurations) in records {
            for (position, configuration) in record_configurations {
                layout.push(cve, position, configuration, &details);
            }
        }
        let vulnerable = VulnerablePostings::new(criteria.len(), &layout);
        let mut buckets: Vec<Bucket> = (0..products.len()).map(|_| Bucket::default()).collect();
        let mut unkeyed = Vec::new();
        let mut unkeyed_postings = Vec::new();
        // Where each criteria is in its bucket's `listed`, or [`NOT_LISTED`].
        let mut listed_of = vec![NOT_LISTED; criteria.len()];
        for slot in 0..criteria.len() as u32 {
            let postings = vulnerable.of(slot);
            if postings.is_empty() {
                continue;
            }
            let product = details[slot as usize].product;
            if product == UNKEYED {
                let start = unkeyed_postings.len() as u32;
                unkeyed_postings.extend_from_slice(postings);
                unkeyed.push(UnkeyedCriteria {
                    criteria: slot,
                    postings: (start, unkeyed_postings.len() as u32),
                });
            } else {
                let listed = &mut buckets[product as usize].listed;
                listed_of[slot as usize] = listed.len() as u32;
                listed.push(ListedCriteria {
                    criteria: slot,
                    specific_until: details[slot as usize].specific_until,
                });
            }
        }
        let tables = ValueTables {
            values: &values,
            value_names: &value_names,
            versions: &versions,
        };
        // Buckets are laid out independently, on every core: sorting the bound versions of the
        // large products is most of the build after the records are read. Each thread takes
        // the next bucket from a shared queue, as a few products hold most criteria.
        let queue = std::sync::Mutex::new(buckets.iter_mut().enumerate());
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| {
                    loop {
                        let next = queue
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .next();
                        let Some((product, bucket)) = next else { break };
                        bucket.lay_out(product as u32, &vulnerable, &criteria, &tables, &layout);
                    }
                });
            }
        });
        let Layout {
            configurations,
            nodes,
            mut entries,
        } = layout;
        // Each entry learns where its criteria is listed, so that the
        // verdict of a configuration reads the lookup's bit set directly.
        for entry in &mut entries {
            entry.listed = listed_of[entry.criteria as usize];
        }
        names.shrink_to_fit();
        ApplicabilityIndex {
            cve_count,
            configurations,
            nodes,
            entries,
            criteria,
            details,
            values,
            versions,
            names,
            products,
            buckets,
            unkeyed,
            unkeyed_postings,
        }
    }
}

/// The product id of criteria whose part, vendor or product is ANY, NA or
/// has wildcards.
const UNKEYED: u32 = u32::MAX;
/// The part of criteria whose part is not `a`, `o` or `h`.
const NO_PART: u8 = u8::MAX;
/// The listed index of criteria that no bucket lists: unkeyed, or
/// vulnerable in no configuration.
const NOT_LISTED: u32 = u32::MAX;

/// The interned values, their lower-case names (`None` for ANY, NA and
/// values with wildcards), and the interned versions.
#[derive(Clone, Copy)]
struct ValueTables<'a> {
    values: &'a [AttributeValue],
    value_names: &'a [Option<u32>],
    versions: &'a [Version],
}

/// What lookups need of criteria beyond their values, computed once.
#[derive(Debug, Clone, Copy)]
struct CriteriaDetails {
    /// Index into `ApplicabilityIndex::buckets`, or [`UNKEYED`].
    product: u32,
    /// 0, 1, 2 for `a`, `o`, `h`, or [`NO_PART`].
    part: u8,
    /// One past the last attribute that is not ANY: the attributes from it
    /// on cover any name without wildcards there.
    specific_until: u8,
}

/// A configuration of a CVE, laid out flat: its nodes are
/// `ApplicabilityIndex::nodes[nodes.0..nodes.1]`.
#[derive(Debug, Clone, Copy)]
struct StoredConfiguration {
    cve: CveId,
    position: u32,
    nodes: (u32, u32),
    provenance: Provenance,
    operator: Operator,
    negate: bool,
    /// Whether [`is_unconditional`] holds: the verdict is
    /// [`PlatformVerdict::NotRequired`] without evaluation.
    unconditional: bool,
}

/// A node of a stored configuration: its entries are
/// `ApplicabilityIndex::entries[entries.0..entries.1]`.
#[derive(Debug, Clone, Copy)]
struct StoredNode {
    entries: (u32, u32),
    operator: Operator,
    negate: bool,
}

/// An entry of a stored configuration, with what deciding its truth needs
/// (product and part of its criteria, where its bucket lists it) inline.
#[derive(Debug, Clone, Copy)]
struct StoredEntry {
    criteria: u32,
    product: u32,
    /// Index of the criteria in its bucket's `listed`, or [`NOT_LISTED`].
    listed: u32,
    part: u8,
    vulnerable: bool,
}

/// The flat arrays of the configurations, filled in configuration order.
#[derive(Default)]
struct Layout {
    configurations: Vec<StoredConfiguration>,
    nodes: Vec<StoredNode>,
    entries: Vec<StoredEntry>,
}

impl Layout {
    fn push(
        &mut self,
        cve: CveId,
        position: usize,
        configuration: Configuration<u32>,
        details: &[CriteriaDetails],
    ) {
        let first_node = self.nodes.len() as u32;
        for node in &configuration.nodes {
            let first_entry = self.entries.len() as u32;
            self.entries.extend(node.matches.iter().map(|entry| {
                let details = details[entry.criteria as usize];
                StoredEntry {
                    criteria: entry.criteria,
                    product: details.product,
                    listed: NOT_LISTED,
                    part: details.part,
                    vulnerable: entry.vulnerable,
                }
            }));
            self.nodes.push(StoredNode {
                entries: (first_entry, self.entries.len() as u32),
                operator: node.operator,
                negate: node.negate,
            });
        }
        self.configurations.push(StoredConfiguration {
            cve,
            // Positions index a record's configurations, a short list.
            position: u32::try_from(position).unwrap_or(u32::MAX),
            nodes: (first_node, self.nodes.len() as u32),
            provenance: configuration.provenance,
            operator: configuration.operator,
            negate: configuration.negate,
            unconditional: is_unconditional(&configuration),
        });
    }
}

/// For each criteria, the configurations in which it is vulnerable,
/// ascending and without repeats, as offsets into one list:
/// `postings[starts[c]..starts[c + 1]]`.
struct VulnerablePostings {
    starts: Vec<u32>,
    postings: Vec<u32>,
}

impl VulnerablePostings {
    fn new(criteria: usize, layout: &Layout) -> Self {
        // Each (configuration, vulnerable criteria) pair once: a criteria may
        // recur within a configuration, never across the ones visited before.
        let for_each_pair = |each: &mut dyn FnMut(u32, u32)| {
            let mut last_seen = vec![u32::MAX; criteria];
            for (id, configuration) in layout.configurations.iter().enumerate() {
                let id = id as u32;
                let (first, last) = configuration.nodes;
                for node in &layout.nodes[first as usize..last as usize] {
                    for entry in &layout.entries[node.entries.0 as usize..node.entries.1 as usize] {
                        if entry.vulnerable
                            && std::mem::replace(&mut last_seen[entry.criteria as usize], id) != id
                        {
                            each(id, entry.criteria);
                        }
                    }
                }
            }
        };
        let mut starts = vec![0u32; criteria + 1];
        for_each_pair(&mut |_, slot| starts[slot as usize + 1] += 1);
        for slot in 0..criteria {
            starts[slot + 1] += starts[slot];
        }
        let mut next = starts.clone();
        let mut postings = vec![0u32; starts[criteria] as usize];
        for_each_pair(&mut |id, slot| {
            postings[next[slot as usize] as usize] = id;
            next[slot as usize] += 1;
        });
        Self { starts, postings }
    }

    fn of(&self, criteria: u32) -> &[u32] {
        let start = self.starts[criteria as usize] as usize;
        let end = self.starts[criteria as usize + 1] as usize;
        &self.postings[start..end]
    }
}

/// A value string without wildcards.
fn plain(value: &AttributeValue) -> Option<&str> {
    value
        .as_value()
        .filter(|value| !value.has_wildcards())
        .map(|value| value.as_str())
}

/// Criteria of a bucket (their configurations are in their [`Candidate`]).
#[derive(Debug, Clone, Copy)]
struct ListedCriteria {
    criteria: u32,
    specific_until: u8,
}

/// A listed criteria as the candidate lists of a bucket hold it: what
/// testing it and marking its configurations need, without a visit to the
/// criteria or to `Bucket::listed`.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    listed: u32,
    /// The criteria's configurations: `Bucket::postings[first..first +
    /// count]`, except that when `count` is 1, `first` is the configuration
    /// itself (most criteria are vulnerable in one configuration).
    first: u32,
    count: u32,
    specific_until: u8,
}

/// A configuration of a bucket, with what its hit needs.
#[derive(Debug, Clone, Copy)]
struct BucketConfiguration {
    cve: CveId,
    position: u32,
    stored: u32,
    /// The verdict for an asset given without platforms, when it is known
    /// without evaluation (see [`verdict_without_platforms`]).
    without_platforms: Option<PlatformVerdict>,
}

/// The verdict of a configuration in the bucket of `product` for an asset
/// without platforms, when it follows from the shape of the condition:
/// without platforms no part is known, so no entry is false, only true (the
/// asset matches it) or unknown. An AND of nodes without negation, one of
/// which has only entries of other products, is then unknown.
fn verdict_without_platforms(
    product: u32,
    configuration: &StoredConfiguration,
    layout: &Layout,
) -> Option<PlatformVerdict> {
    if configuration.unconditional {
        return Some(PlatformVerdict::NotRequired);
    }
    let nodes = &layout.nodes[configuration.nodes.0 as usize..configuration.nodes.1 as usize];
    let foreign_node = nodes.iter().any(|node| {
        let entries = &layout.entries[node.entries.0 as usize..node.entries.1 as usize];
        !entries.is_empty()
            && entries
                .iter()
                .all(|entry| entry.product != product && entry.product != UNKEYED)
    });
    (configuration.operator == Operator::And
        && !configuration.negate
        && nodes.iter().all(|node| !node.negate)
        && foreign_node)
        .then_some(PlatformVerdict::Unknown)
}

/// Criteria with an unkeyed product, checked for every lookup, with the
/// configurations in which they are vulnerable:
/// `ApplicabilityIndex::unkeyed_postings[postings.0..postings.1]`.
#[derive(Debug, Clone, Copy)]
struct UnkeyedCriteria {
    criteria: u32,
    postings: (u32, u32),
}

/// The vulnerable criteria of one `(part, vendor, product)`.
#[derive(Debug, Default)]
struct Bucket {
    /// The criteria, ascending by criteria id; the entries below index it.
    listed: Vec<ListedCriteria>,
    /// Listed criteria with an exact version: (interned lower-case version,
    /// candidate), sorted.
    exact: Vec<(u32, Candidate)>,
    /// Listed criteria without bounds whose version is ANY.
    any_version: Vec<Candidate>,
    /// Listed criteria without bounds whose version is NA.
    not_applicable_version: Vec<Candidate>,
    /// Listed criteria without bounds whose version has wildcards.
    patterned_version: Vec<Candidate>,
    /// The distinct bound versions of `ranged`, ascending (interned versions).
    bound_versions: Vec<u32>,
    /// The distinct starts of the intervals, ascending, each with the end of
    /// its group in `ranged`.
    starts: Vec<(u32, u32)>,
    /// Listed criteria with bounds: (end, candidate), grouped by start (see
    /// `starts`), each group sorted by end, descending.
    ranged: Vec<(u32, Candidate)>,
    /// The configurations in which listed criteria are vulnerable, ascending.
    configurations: Vec<BucketConfiguration>,
    /// The configurations of the candidates vulnerable in more than one.
    postings: Vec<u32>,
}

impl Bucket {
    /// Lays out the bucket from its criteria (in `listed`, ascending, each
    /// with its postings in `vulnerable`).
    fn lay_out(
        &mut self,
        product: u32,
        vulnerable: &VulnerablePostings,
        criteria: &[CompactCriteria],
        values: &ValueTables<'_>,
        layout: &Layout,
    ) {
        let ValueTables {
            values,
            value_names,
            versions,
        } = *values;
        if self.listed.is_empty() {
            return;
        }
        let slots: Vec<u32> = self.listed.iter().map(|listed| listed.criteria).collect();
        let mut stored: Vec<u32> = slots
            .iter()
            .flat_map(|&slot| vulnerable.of(slot).iter().copied())
            .collect();
        stored.sort_unstable();
        stored.dedup();
        let local = |id: &u32| {
            stored
                .binary_search(id)
                .expect("postings are among the bucket's configurations") as u32
        };
        let mut candidates = Vec::with_capacity(self.listed.len());
        for (at, listed) in self.listed.iter().enumerate() {
            let configurations = vulnerable.of(listed.criteria);
            let first = match configurations {
                [only] => local(only),
                _ => {
                    let start = self.postings.len() as u32;
                    self.postings.extend(configurations.iter().map(local));
                    start
                }
            };
            candidates.push(Candidate {
                listed: at as u32,
                first,
                count: configurations.len() as u32,
                specific_until: listed.specific_until,
            });
        }
        self.configurations = stored
            .iter()
            .map(|&id| {
                let configuration = &layout.configurations[id as usize];
                BucketConfiguration {
                    cve: configuration.cve,
                    position: configuration.position,
                    stored: id,
                    without_platforms: verdict_without_platforms(product, configuration, layout),
                }
            })
            .collect();

        let mut ranged = Vec::new();
        for (&slot, candidate) in slots.iter().zip(candidates) {
            let entry = &criteria[slot as usize];
            if entry.bounded() {
                ranged.push(candidate);
                continue;
            }
            let version = &values[entry.attributes[Attribute::Version.index()] as usize];
            match (
                version,
                value_names[entry.attributes[Attribute::Version.index()] as usize],
            ) {
                (_, Some(version)) => self.exact.push((version, candidate)),
                (AttributeValue::Any, None) => self.any_version.push(candidate),
                (AttributeValue::NotApplicable, None) => {
                    self.not_applicable_version.push(candidate);
                }
                (AttributeValue::Value(_), None) => self.patterned_version.push(candidate),
            }
        }
        self.exact
            .sort_unstable_by_key(|&(version, candidate)| (version, candidate.listed));
        if !ranged.is_empty() {
            self.set_ranged(&ranged, &slots, criteria, versions);
        }
    }

    fn set_ranged(
        &mut self,
        candidates: &[Candidate],
        slots: &[u32],
        criteria: &[CompactCriteria],
        versions: &[Version],
    ) {
        let criteria_of =
            |candidate: &Candidate| &criteria[slots[candidate.listed as usize] as usize];
        let mut bound_versions: Vec<u32> = candidates
            .iter()
            .flat_map(|candidate| {
                let entry = criteria_of(candidate);
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
        // (start, end, candidate)
        let mut intervals: Vec<(u32, u32, Candidate)> = candidates
            .iter()
            .map(|&candidate| {
                let entry = criteria_of(&candidate);
                (
                    entry.start.map_or(0, |(version, inclusive)| {
                        2 * rank(version) + if inclusive { 1 } else { 2 }
                    }),
                    entry.end.map_or(u32::MAX, |(version, inclusive)| {
                        2 * rank(version) + u32::from(inclusive)
                    }),
                    candidate,
                )
            })
            .collect();
        intervals.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.cmp(&a.1))
                .then(a.2.listed.cmp(&b.2.listed))
        });
        for (at, &(start, end, candidate)) in intervals.iter().enumerate() {
            if self.starts.last().is_none_or(|&(last, _)| last != start) {
                self.starts.push((start, at as u32));
            }
            self.ranged.push((end, candidate));
        }
        // Each start records where its group ends.
        let ends: Vec<u32> = self
            .starts
            .iter()
            .skip(1)
            .map(|&(_, begin)| begin)
            .chain([self.ranged.len() as u32])
            .collect();
        for (group, end) in self.starts.iter_mut().zip(ends) {
            group.1 = end;
        }
        self.bound_versions = bound_versions;
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

    /// The intervals that contain `position`, as candidates.
    fn containing(&self, position: u32) -> impl Iterator<Item = &Candidate> + '_ {
        let mut begin = 0;
        self.starts
            .iter()
            .take_while(move |&&(start, _)| start <= position)
            .flat_map(move |&(_, end)| {
                let group = &self.ranged[begin as usize..end as usize];
                begin = end;
                group
                    .iter()
                    .take_while(move |&&(interval_end, _)| interval_end >= position)
                    .map(|(_, candidate)| candidate)
            })
    }
}

/// One bit per item of a bucket.
struct BitSet(Vec<u64>);

impl BitSet {
    fn new(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn insert(&mut self, index: u32) {
        self.0[index as usize / 64] |= 1 << (index % 64);
    }

    fn contains(&self, index: u32) -> bool {
        self.0
            .get(index as usize / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// How many bits are set.
    fn count(&self) -> usize {
        self.0.iter().map(|word| word.count_ones() as usize).sum()
    }
}

/// An index from CPE names to the CVEs whose configurations apply to them.
#[derive(Debug)]
pub struct ApplicabilityIndex {
    cve_count: usize,
    configurations: Vec<StoredConfiguration>,
    nodes: Vec<StoredNode>,
    entries: Vec<StoredEntry>,
    criteria: Vec<CompactCriteria>,
    details: Vec<CriteriaDetails>,
    values: Vec<AttributeValue>,
    versions: Vec<Version>,
    names: HashMap<Box<str>, u32>,
    products: HashMap<ProductIds, u32>,
    /// One per product id (see `products`); empty for products that no
    /// vulnerable criteria names.
    buckets: Vec<Bucket>,
    unkeyed: Vec<UnkeyedCriteria>,
    unkeyed_postings: Vec<u32>,
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
    /// The product id, `None` when no criteria names the product.
    product: Option<u32>,
    /// Whether no attribute from the version on has wildcards: then the ANY
    /// attributes of criteria cover the name's without a comparison.
    plain_from_version: bool,
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
        let empty = Bucket::default();
        let bucket = probe
            .product
            .map_or(&empty, |product| &self.buckets[product as usize]);
        let (matched, hit) = self.matched_in_bucket(bucket, &probe);
        // Configurations hit through criteria checked for every lookup.
        let mut elsewhere: Vec<u32> = Vec::new();
        for unkeyed in &self.unkeyed {
            if self.matches(unkeyed.criteria, &probe) {
                let (start, end) = unkeyed.postings;
                elsewhere.extend_from_slice(&self.unkeyed_postings[start as usize..end as usize]);
            }
        }
        elsewhere.sort_unstable();
        elsewhere.dedup();

        let platforms: Vec<Probe<'_>> = asset
            .platforms()
            .iter()
            .map(|(name, version)| self.probe(name, version.as_ref()))
            .collect();
        let truth = |entry: &StoredEntry| {
            let matches_asset = if entry.product == UNKEYED {
                self.matches(entry.criteria, &probe)
            } else if Some(entry.product) != probe.product {
                false
            } else if entry.listed == NOT_LISTED {
                self.matches(entry.criteria, &probe)
            } else {
                // Listed criteria of the asset's product were all tested.
                matched.contains(entry.listed)
            };
            if matches_asset
                || platforms
                    .iter()
                    .any(|platform| self.matches_entry(entry, platform))
            {
                return Truth::True;
            }
            match entry.part {
                NO_PART => Truth::Unknown,
                part if asset.knows_part(part as usize) => Truth::False,
                _ => Truth::Unknown,
            }
        };
        let verdict = |stored: u32| {
            let configuration = &self.configurations[stored as usize];
            if configuration.unconditional {
                return PlatformVerdict::NotRequired;
            }
            let (first, last) = configuration.nodes;
            condition_verdict(
                configuration.operator,
                configuration.negate,
                self.nodes[first as usize..last as usize]
                    .iter()
                    .map(|node| {
                        let (from, to) = node.entries;
                        node_truth(
                            node.operator,
                            node.negate,
                            self.entries[from as usize..to as usize].iter().map(truth),
                        )
                    }),
            )
        };
        let to_hit = |stored: u32| {
            let configuration = &self.configurations[stored as usize];
            Hit {
                cve: configuration.cve,
                configuration: configuration.position as usize,
                verdict: verdict(stored),
                stored,
            }
        };

        let without_platforms = platforms.is_empty();
        let mut hits: Vec<Hit> = Vec::with_capacity(hit.count() + elsewhere.len());
        // Hits whose verdict needs an evaluation: done after the hits are
        // read out, so that the loop reading them stays short.
        let mut to_evaluate: Vec<usize> = Vec::new();
        let mut elsewhere = elsewhere.into_iter().peekable();
        for (word_index, &word) in hit.0.iter().enumerate() {
            let mut word = word;
            while word != 0 {
                let bit = word.trailing_zeros();
                word &= word - 1;
                let local = word_index * 64 + bit as usize;
                let configuration = &bucket.configurations[local];
                while let Some(id) = elsewhere.next_if(|&id| id <= configuration.stored) {
                    if id < configuration.stored {
                        hits.push(to_hit(id));
                    }
                }
                let known = configuration
                    .without_platforms
                    .filter(|_| without_platforms);
                if known.is_none() {
                    to_evaluate.push(hits.len());
                }
                hits.push(Hit {
                    cve: configuration.cve,
                    configuration: configuration.position as usize,
                    // Replaced below when unknown here.
                    verdict: known.unwrap_or(PlatformVerdict::Unknown),
                    stored: configuration.stored,
                });
            }
        }
        for at in to_evaluate {
            hits[at].verdict = verdict(hits[at].stored);
        }
        hits.extend(elsewhere.map(to_hit));
        hits
    }

    /// The listed criteria of `bucket` that match the probe (whose product
    /// is the bucket's), and the bucket's configurations in which they are
    /// vulnerable.
    fn matched_in_bucket(&self, bucket: &Bucket, probe: &Probe<'_>) -> (BitSet, BitSet) {
        let mut matched = BitSet::new(bucket.listed.len());
        let mut hit = BitSet::new(bucket.configurations.len());
        let mut add = |candidate: &Candidate| {
            // In a bucket, part, vendor and product are equal to the asset's;
            // trailing ANY attributes cover a name without wildcards, so most
            // criteria are covered without a visit.
            let covered = (probe.plain_from_version
                && usize::from(candidate.specific_until) <= Attribute::Version.index())
                || self.covers_from(
                    bucket.listed[candidate.listed as usize].criteria,
                    candidate.specific_until,
                    probe,
                    Attribute::Version.index(),
                );
            if !covered {
                return;
            }
            matched.insert(candidate.listed);
            if candidate.count == 1 {
                hit.insert(candidate.first);
            } else {
                let from = candidate.first as usize;
                for &configuration in &bucket.postings[from..from + candidate.count as usize] {
                    hit.insert(configuration);
                }
            }
        };
        let version = probe.name.get(Attribute::Version);
        if let Some(version) = plain(version).and_then(|text| self.name_id(text)) {
            let from = bucket.exact.partition_point(|&(own, _)| own < version);
            for (_, candidate) in bucket.exact[from..]
                .iter()
                .take_while(|(own, _)| *own == version)
            {
                add(candidate);
            }
        }
        bucket.any_version.iter().for_each(&mut add);
        // NA covers only NA, a pattern only a value.
        match version {
            AttributeValue::NotApplicable => {
                bucket.not_applicable_version.iter().for_each(&mut add)
            }
            AttributeValue::Value(_) => bucket.patterned_version.iter().for_each(&mut add),
            AttributeValue::Any => {}
        }
        if let Some(version) = probe.version
            && !bucket.ranged.is_empty()
        {
            bucket
                .containing(bucket.position(version, &self.versions))
                .for_each(&mut add);
        }
        (matched, hit)
    }

    /// The explanation of `hits` (from [`find`](Self::find) for the same
    /// asset): per CVE, in the order of `hits`, the criteria each
    /// configuration matched and how its platform condition was decided.
    pub fn explain(&self, asset: &Asset, hits: &[Hit]) -> Vec<Applicability> {
        let mut applicabilities: Vec<Applicability> = Vec::new();
        for hit in hits {
            let stored = &self.configurations[hit.stored as usize];
            let configuration = self.configuration(stored);
            let Some(found) =
                assess_configuration(hit.configuration, &configuration, asset, |&criteria| {
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

    /// A stored configuration as the model's tree, for the explanation.
    fn configuration(&self, stored: &StoredConfiguration) -> Configuration<u32> {
        let (first, last) = stored.nodes;
        Configuration {
            provenance: stored.provenance,
            operator: stored.operator,
            negate: stored.negate,
            nodes: self.nodes[first as usize..last as usize]
                .iter()
                .map(|node| Node {
                    operator: node.operator,
                    negate: node.negate,
                    matches: self.entries[node.entries.0 as usize..node.entries.1 as usize]
                        .iter()
                        .map(|entry| CpeMatch {
                            vulnerable: entry.vulnerable,
                            criteria: entry.criteria,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    fn probe<'a>(&self, name: &'a WellFormedName, version: Option<&'a Version>) -> Probe<'a> {
        let product = match (
            part_index(name.get(Attribute::Part)),
            plain(name.get(Attribute::Vendor)),
            plain(name.get(Attribute::Product)),
        ) {
            (Some(part), Some(vendor), Some(product)) => self
                .name_id(vendor)
                .zip(self.name_id(product))
                .and_then(|(vendor, product)| {
                    self.products.get(&(part as u8, vendor, product)).copied()
                }),
            _ => None,
        };
        let plain_from_version = name
            .iter()
            .skip(Attribute::Version.index())
            .all(|(_, value)| value.as_value().is_none_or(|value| !value.has_wildcards()));
        Probe {
            name,
            version,
            product,
            plain_from_version,
        }
    }

    /// Whether the criteria of `entry` match a probe, with the product
    /// compared as ids.
    fn matches_entry(&self, entry: &StoredEntry, probe: &Probe<'_>) -> bool {
        (entry.product == UNKEYED || Some(entry.product) == probe.product)
            && self.matches(entry.criteria, probe)
    }

    /// Whether criteria match a probe, as [`Criteria::matches`] decides,
    /// with the product compared as ids.
    fn matches(&self, criteria: u32, probe: &Probe<'_>) -> bool {
        let details = self.details[criteria as usize];
        let from = match details.product {
            UNKEYED => 0,
            product if probe.product == Some(product) => Attribute::Version.index(),
            _ => return false,
        };
        let entry = &self.criteria[criteria as usize];
        if entry.bounded()
            && !probe
                .version
                .is_some_and(|version| self.in_bounds(entry, version))
        {
            return false;
        }
        self.covers_from(criteria, details.specific_until, probe, from)
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

    /// Whether the criteria's attributes from `from` on cover the probe's.
    /// When the probe has no wildcards from the version on, the criteria's
    /// trailing ANY attributes (from `specific_until`) cover it unseen.
    fn covers_from(
        &self,
        criteria: u32,
        specific_until: u8,
        probe: &Probe<'_>,
        from: usize,
    ) -> bool {
        let until = if probe.plain_from_version && from >= Attribute::Version.index() {
            usize::from(specific_until)
        } else {
            Attribute::ALL.len()
        };
        if until <= from {
            return true;
        }
        self.criteria[criteria as usize].attributes[from..until]
            .iter()
            .zip(probe.name.iter().skip(from))
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
