//! Name matching (NISTIR 7696): attribute comparison, name comparison, and
//! the coverage test a vulnerability matcher needs.
//!
//! Comparison works on parsed names and allocates nothing.

use std::fmt;

use crate::attribute::{Attribute, AttributeValue};
use crate::error::Error;
use crate::name::WellFormedName;

/// A set relation between a source and a target (NISTIR 7696 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The source contains the target.
    Superset,
    /// The target contains the source.
    Subset,
    /// Source and target are the same set.
    Equal,
    /// Source and target have nothing in common.
    Disjoint,
}

impl Relation {
    /// The relation seen from the other side: SUPERSET and SUBSET swap.
    pub fn reverse(self) -> Self {
        match self {
            Self::Superset => Self::Subset,
            Self::Subset => Self::Superset,
            Self::Equal | Self::Disjoint => self,
        }
    }

    /// The name NISTIR 7696 uses: `SUPERSET`, `SUBSET`, `EQUAL`, `DISJOINT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Superset => "SUPERSET",
            Self::Subset => "SUBSET",
            Self::Equal => "EQUAL",
            Self::Disjoint => "DISJOINT",
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares one attribute's values (NISTIR 7696 §6.1, the attribute
/// comparison table, and the `compare` function of its pseudocode).
///
/// `None` is the table's "undefined": the target holds wildcards.
///
/// | source          | target          | relation              |
/// |-----------------|-----------------|-----------------------|
/// | ANY             | ANY             | EQUAL                 |
/// | ANY             | NA              | SUPERSET              |
/// | ANY             | i               | SUPERSET              |
/// | NA              | ANY             | SUBSET                |
/// | NA              | NA              | EQUAL                 |
/// | NA              | i               | DISJOINT              |
/// | i               | i               | EQUAL                 |
/// | i               | k               | DISJOINT              |
/// | i               | NA              | DISJOINT              |
/// | i               | ANY             | SUBSET                |
/// | m + wild cards  | m2              | SUPERSET or DISJOINT  |
/// | m + wild cards  | ANY             | SUBSET                |
/// | m + wild cards  | NA              | DISJOINT              |
/// | any             | m + wild cards  | undefined             |
///
/// Strings compare ignoring ASCII case, as the pseudocode lowercases both.
pub fn compare_attribute(source: &AttributeValue, target: &AttributeValue) -> Option<Relation> {
    use AttributeValue::{Any, NotApplicable, Value};
    Some(match (source, target) {
        (_, Value(target)) if target.has_wildcards() => return None,
        (Any, Any) | (NotApplicable, NotApplicable) => Relation::Equal,
        (Any, _) => Relation::Superset,
        (_, Any) => Relation::Subset,
        (NotApplicable, _) | (_, NotApplicable) => Relation::Disjoint,
        (Value(source), Value(target)) => {
            if source.as_str().eq_ignore_ascii_case(target.as_str()) {
                Relation::Equal
            } else if source.has_wildcards() && source.matches(target) {
                Relation::Superset
            } else {
                Relation::Disjoint
            }
        }
    })
}

impl WellFormedName {
    /// The table of attribute relations, indexed by [`Attribute::index`]
    /// (NISTIR 7696 §6.2 `Compare_WFNs`); `None` is "undefined".
    pub fn compare_attributes(&self, target: &WellFormedName) -> [Option<Relation>; 11] {
        let (source, target) = (self.values(), target.values());
        std::array::from_fn(|index| compare_attribute(&source[index], &target[index]))
    }

    /// The name relation of NISTIR 7696 §6.2: DISJOINT if any attribute is
    /// DISJOINT, EQUAL if all are EQUAL, SUBSET if all are SUBSET or EQUAL,
    /// SUPERSET if all are SUPERSET or EQUAL.
    ///
    /// A DISJOINT attribute decides the answer even when another attribute
    /// is undefined. Otherwise an undefined attribute gives
    /// [`Error::UndefinedRelation`], and a mix of SUPERSET and SUBSET, for
    /// which the specification names no relation, gives
    /// [`Error::NoNameRelation`].
    pub fn compare(&self, target: &WellFormedName) -> Result<Relation, Error> {
        let (source_values, target_values) = (self.values(), target.values());
        let mut undefined = None;
        let mut superset = None;
        let mut subset = None;
        for (index, attribute) in Attribute::ALL.into_iter().enumerate() {
            match compare_attribute(&source_values[index], &target_values[index]) {
                Some(Relation::Disjoint) => return Ok(Relation::Disjoint),
                Some(Relation::Equal) => {}
                Some(Relation::Superset) => {
                    superset.get_or_insert(attribute);
                }
                Some(Relation::Subset) => {
                    subset.get_or_insert(attribute);
                }
                None => {
                    undefined.get_or_insert(attribute);
                }
            }
        }
        match (undefined, superset, subset) {
            (Some(attribute), _, _) => Err(Error::UndefinedRelation { attribute }),
            (None, None, None) => Ok(Relation::Equal),
            (None, Some(_), None) => Ok(Relation::Superset),
            (None, None, Some(_)) => Ok(Relation::Subset),
            (None, Some(superset), Some(subset)) => Err(Error::NoNameRelation { superset, subset }),
        }
    }

    /// NISTIR 7696 §6.2 `CPE_DISJOINT`: some attribute is DISJOINT.
    pub fn is_disjoint(&self, target: &WellFormedName) -> bool {
        !self.all_attributes(target, |relation| relation != Some(Relation::Disjoint))
    }

    /// NISTIR 7696 §6.2 `CPE_EQUAL`: every attribute is EQUAL.
    pub fn is_equal(&self, target: &WellFormedName) -> bool {
        self.all_attributes(target, |relation| relation == Some(Relation::Equal))
    }

    /// NISTIR 7696 §6.2 `CPE_SUBSET`: every attribute is SUBSET or EQUAL.
    pub fn is_subset(&self, target: &WellFormedName) -> bool {
        self.all_attributes(target, |relation| {
            matches!(relation, Some(Relation::Subset | Relation::Equal))
        })
    }

    /// NISTIR 7696 §6.2 `CPE_SUPERSET`: every attribute is SUPERSET or
    /// EQUAL. This is [`WellFormedName::covers`].
    pub fn is_superset(&self, target: &WellFormedName) -> bool {
        self.all_attributes(target, |relation| {
            matches!(relation, Some(Relation::Superset | Relation::Equal))
        })
    }

    /// Whether this name, a vulnerability's match criteria (wildcards
    /// allowed), covers the `concrete` name of an inventory item: NISTIR 7696
    /// `CPE_SUPERSET(criteria, concrete)`, the test of its name-matching use
    /// case.
    ///
    /// NA is not ANY: criteria whose version is NA (`-`) do not cover version
    /// `2.4.49`, and an update such as `update_202` covers that update only.
    /// A "concrete" name that holds wildcards is covered by nothing, since
    /// NISTIR 7696 leaves comparisons with a wildcard target undefined.
    pub fn covers(&self, concrete: &WellFormedName) -> bool {
        self.is_superset(concrete)
    }

    /// Whether `accept` holds for every attribute relation, stopping early.
    fn all_attributes(
        &self,
        target: &WellFormedName,
        accept: impl Fn(Option<Relation>) -> bool,
    ) -> bool {
        self.values()
            .iter()
            .zip(target.values())
            .all(|(source, target)| accept(compare_attribute(source, target)))
    }
}

/// Whether `criteria` covers `concrete`; see [`WellFormedName::covers`].
pub fn covers(criteria: &WellFormedName, concrete: &WellFormedName) -> bool {
    criteria.covers(concrete)
}
