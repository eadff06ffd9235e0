//! How a configuration applies to an asset: which criteria matched the
//! asset, and whether the rest of the configuration (a "running on/with"
//! platform) holds given what is known of the asset's host.
//!
//! Configurations are evaluated in three-valued (Kleene) logic, because a
//! platform condition may be undecidable: an entry is *true* when its
//! criteria cover the asset or one of the host's platforms, *false* when the
//! host's platforms of the criteria's part (`a`, `o` or `h`) are known and
//! none is covered, and *unknown* otherwise. Giving one operating system as a
//! platform therefore decides every OS condition; giving no hardware leaves a
//! hardware condition unknown. The asset's own name does not make its part
//! known (another application may be installed beside it).

use govsec_cpe::{Attribute, AttributeValue, Version, WellFormedName};
use serde::Serialize;

use crate::id::CveId;
use crate::model::{
    Configuration, CriteriaDescription, MatchCriteria, MatchReason, Operator, Provenance,
    concrete_version,
};

/// A concrete CPE name to look up, and the platforms of the host it runs on
/// (its operating system, hardware, or other software).
#[derive(Debug, Clone)]
pub struct Asset {
    name: WellFormedName,
    version: Option<Version>,
    platforms: Vec<(WellFormedName, Option<Version>)>,
    known_parts: [bool; 3],
}

impl Asset {
    /// An asset with no known platform.
    pub fn new(name: WellFormedName) -> Self {
        Self::on_platforms(name, Vec::new())
    }

    /// An asset on a host whose platforms are `platforms`.
    pub fn on_platforms(name: WellFormedName, platforms: Vec<WellFormedName>) -> Self {
        let mut known_parts = [false; 3];
        for platform in &platforms {
            if let Some(part) = part_index(platform.get(Attribute::Part)) {
                known_parts[part] = true;
            }
        }
        Self {
            version: concrete_version(&name),
            name,
            platforms: platforms
                .into_iter()
                .map(|platform| {
                    let version = concrete_version(&platform);
                    (platform, version)
                })
                .collect(),
            known_parts,
        }
    }

    /// The asset's name.
    pub fn name(&self) -> &WellFormedName {
        &self.name
    }

    /// The asset's version, when it is a value without wildcards.
    pub(crate) fn version(&self) -> Option<&Version> {
        self.version.as_ref()
    }

    /// The host's platforms, each with its version.
    pub(crate) fn platforms(&self) -> &[(WellFormedName, Option<Version>)] {
        &self.platforms
    }

    /// Whether platforms of part `a`, `o`, `h` (0, 1, 2) are known.
    pub(crate) fn knows_part(&self, part: usize) -> bool {
        self.known_parts[part]
    }
}

/// 0, 1, 2 for parts `a`, `o`, `h`.
pub(crate) fn part_index(value: &AttributeValue) -> Option<usize> {
    match value.as_value()?.as_str() {
        "a" | "A" => Some(0),
        "o" | "O" => Some(1),
        "h" | "H" => Some(2),
        _ => None,
    }
}

/// How the platform condition of a configuration was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformVerdict {
    /// The host's known platforms rule it out: the CVE does not apply there.
    NotMet,
    /// It depends on platforms of the host that are not known.
    Unknown,
    /// The known platforms satisfy it.
    Met,
    /// The configuration has no condition beyond the vulnerable match.
    NotRequired,
}

impl PlatformVerdict {
    /// `met`, `not met`, `unknown`, `not required`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotMet => "not met",
            Self::Unknown => "unknown",
            Self::Met => "met",
            Self::NotRequired => "not required",
        }
    }

    /// How strongly it says the CVE applies: not met < unknown < met = not required.
    fn strength(self) -> u8 {
        match self {
            Self::NotMet => 0,
            Self::Unknown => 1,
            Self::Met | Self::NotRequired => 2,
        }
    }
}

/// What one entry of a platform condition came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "by")]
pub enum PlatformOutcome {
    /// Covered by the asset itself.
    MatchedByAsset,
    /// Covered by this platform of the host (formatted string).
    MatchedBy(String),
    /// The host's platforms of this part are known and none is covered.
    NotMatched,
    /// No platform of this part is known.
    Unknown,
}

/// A criteria of the condition and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformCriterion {
    /// The criteria.
    pub criteria: CriteriaDescription,
    /// Whether matching it is vulnerable (usually `false` for a platform).
    pub vulnerable: bool,
    /// Its outcome.
    pub outcome: PlatformOutcome,
}

/// The platform condition of a configuration and how it was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformCondition {
    /// The verdict.
    pub verdict: PlatformVerdict,
    /// The criteria of the nodes other than the asset's, with their outcomes.
    pub criteria: Vec<PlatformCriterion>,
}

/// Criteria that the asset matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedCriteria {
    /// The criteria.
    pub criteria: CriteriaDescription,
    /// Whether the name alone or a version range decided.
    pub reason: MatchReason,
}

/// How one configuration of a CVE applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigurationMatch {
    /// Position of the configuration in [`CveRecord::configurations`](crate::CveRecord::configurations).
    pub configuration: usize,
    /// Where the rule comes from.
    pub provenance: Provenance,
    /// The vulnerable criteria that the asset matched.
    pub matched: Vec<MatchedCriteria>,
    /// The platform condition.
    pub platform: PlatformCondition,
}

/// A CVE that applies to an asset, with how each configuration decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applicability {
    /// The CVE.
    pub cve: CveId,
    /// The configurations in which the asset matched vulnerable criteria.
    pub configurations: Vec<ConfigurationMatch>,
}

impl Applicability {
    /// The strongest verdict over the configurations: the CVE applies if any
    /// configuration applies.
    pub fn verdict(&self) -> PlatformVerdict {
        self.configurations
            .iter()
            .map(|configuration| configuration.platform.verdict)
            .max_by_key(|verdict| verdict.strength())
            .unwrap_or(PlatformVerdict::NotMet)
    }
}

/// Criteria as evaluation needs them, in records or in the index.
pub(crate) trait Criteria {
    /// NISTIR 7696 coverage plus version bounds.
    fn matches(&self, name: &WellFormedName, version: Option<&Version>) -> Option<MatchReason>;
    /// The part (`a`, `o`, `h`) as 0, 1, 2.
    fn part(&self) -> Option<usize>;
    /// Display form.
    fn describe(&self) -> CriteriaDescription;
}

impl Criteria for &MatchCriteria {
    fn matches(&self, name: &WellFormedName, version: Option<&Version>) -> Option<MatchReason> {
        MatchCriteria::matches(self, name, version)
    }

    fn part(&self) -> Option<usize> {
        part_index(self.name.get(Attribute::Part))
    }

    fn describe(&self) -> CriteriaDescription {
        MatchCriteria::describe(self)
    }
}

/// Kleene truth values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Truth {
    False,
    Unknown,
    True,
}

impl Truth {
    fn not(self) -> Self {
        match self {
            Self::False => Self::True,
            Self::Unknown => Self::Unknown,
            Self::True => Self::False,
        }
    }

    /// Kleene AND or OR, stopping at the first absorbing value (false for
    /// AND, true for OR): the truths are pure, and evaluating an entry costs
    /// a name comparison against the asset and each platform.
    fn combine(operator: Operator, values: impl Iterator<Item = Truth>) -> Self {
        let (absorbing, identity) = match operator {
            Operator::And => (Self::False, Self::True),
            Operator::Or => (Self::True, Self::False),
        };
        let mut result = identity;
        for value in values {
            if value == absorbing {
                return absorbing;
            }
            if value == Self::Unknown {
                result = Self::Unknown;
            }
        }
        result
    }

    /// The truth of an entry whose outcome is `outcome`.
    fn of(outcome: &PlatformOutcome) -> Self {
        match outcome {
            PlatformOutcome::MatchedByAsset | PlatformOutcome::MatchedBy(_) => Self::True,
            PlatformOutcome::NotMatched => Self::False,
            PlatformOutcome::Unknown => Self::Unknown,
        }
    }
}

/// Whether a configuration has no condition beyond its vulnerable match:
/// one OR node, nothing negated. Its verdict is
/// [`PlatformVerdict::NotRequired`] whatever the asset and its host.
pub(crate) fn is_unconditional<C>(configuration: &Configuration<C>) -> bool {
    configuration.nodes.len() == 1
        && !configuration.negate
        && !configuration.nodes[0].negate
        && configuration.nodes[0].operator == Operator::Or
}

/// The truth of a node from the truths of its entries.
pub(crate) fn node_truth(
    operator: Operator,
    negate: bool,
    entries: impl Iterator<Item = Truth>,
) -> Truth {
    let value = Truth::combine(operator, entries);
    if negate { value.not() } else { value }
}

/// The verdict of a conditional configuration from the truths of its nodes
/// (see [`node_truth`]).
pub(crate) fn condition_verdict(
    operator: Operator,
    negate: bool,
    nodes: impl Iterator<Item = Truth>,
) -> PlatformVerdict {
    match node_truth(operator, negate, nodes) {
        Truth::True => PlatformVerdict::Met,
        Truth::False => PlatformVerdict::NotMet,
        Truth::Unknown => PlatformVerdict::Unknown,
    }
}

/// The platform verdict of a configuration in which the asset matched
/// vulnerable criteria, given the truth of each entry. Built from the same
/// parts ([`is_unconditional`], [`node_truth`], [`condition_verdict`]) as
/// the index's [`find`](crate::ApplicabilityIndex::find), so that both
/// decide alike.
pub(crate) fn platform_verdict<'c, C>(
    configuration: &'c Configuration<C>,
    truth: impl Fn(&'c C) -> Truth,
) -> PlatformVerdict {
    if is_unconditional(configuration) {
        return PlatformVerdict::NotRequired;
    }
    condition_verdict(
        configuration.operator,
        configuration.negate,
        configuration.nodes.iter().map(|node| {
            node_truth(
                node.operator,
                node.negate,
                node.matches.iter().map(|entry| truth(&entry.criteria)),
            )
        }),
    )
}

/// Evaluates one configuration for `asset`; `None` when the asset matches
/// none of its vulnerable criteria.
pub(crate) fn assess_configuration<'c, C, R: Criteria>(
    index: usize,
    configuration: &'c Configuration<C>,
    asset: &Asset,
    resolve: impl Fn(&'c C) -> R,
) -> Option<ConfigurationMatch> {
    let mut matched = Vec::new();
    let mut asset_nodes = vec![false; configuration.nodes.len()];
    for (node_index, node) in configuration.nodes.iter().enumerate() {
        for entry in node.matches.iter().filter(|entry| entry.vulnerable) {
            let criteria = resolve(&entry.criteria);
            if let Some(reason) = criteria.matches(&asset.name, asset.version()) {
                asset_nodes[node_index] = true;
                matched.push(MatchedCriteria {
                    criteria: criteria.describe(),
                    reason,
                });
            }
        }
    }
    if matched.is_empty() {
        return None;
    }
    let mut platform_criteria = Vec::new();
    for (node, _) in configuration
        .nodes
        .iter()
        .zip(&asset_nodes)
        .filter(|(_, asset_node)| !**asset_node)
    {
        for entry in &node.matches {
            let criteria = resolve(&entry.criteria);
            platform_criteria.push(PlatformCriterion {
                criteria: criteria.describe(),
                vulnerable: entry.vulnerable,
                outcome: entry_outcome(&criteria, asset),
            });
        }
    }
    let verdict = platform_verdict(configuration, |criteria| {
        Truth::of(&entry_outcome(&resolve(criteria), asset))
    });
    Some(ConfigurationMatch {
        configuration: index,
        provenance: configuration.provenance,
        matched,
        platform: PlatformCondition {
            verdict,
            criteria: platform_criteria,
        },
    })
}

/// The outcome of one entry for the asset and its host.
fn entry_outcome(criteria: &impl Criteria, asset: &Asset) -> PlatformOutcome {
    if criteria.matches(&asset.name, asset.version()).is_some() {
        return PlatformOutcome::MatchedByAsset;
    }
    if let Some((platform, _)) = asset
        .platforms
        .iter()
        .find(|(platform, version)| criteria.matches(platform, version.as_ref()).is_some())
    {
        return PlatformOutcome::MatchedBy(platform.to_formatted_string());
    }
    match criteria.part() {
        Some(part) if asset.known_parts[part] => PlatformOutcome::NotMatched,
        _ => PlatformOutcome::Unknown,
    }
}
