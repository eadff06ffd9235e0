//! The part of the agency tree a caller may see and act on.
//!
//! Every read and write in the store takes a [`Scope`], so no query can forget to restrict itself
//! to the caller's agency subtree (the platform holds attack maps: which agency runs which
//! vulnerable software).

use crate::AgencyCode;

/// The agencies a caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every agency: the national authority.
    National,
    /// One agency and every agency below it in the supervision tree: a supervising agency.
    Subtree(AgencyCode),
    /// One agency alone: an agency's own security officer.
    Agency(AgencyCode),
}
