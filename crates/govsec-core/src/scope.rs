//! The part of the agency tree a caller may see and act on.
//!
//! Every read and write in the store takes a [`Scope`], so no query can forget to restrict itself
//! to the caller's agency subtree (the platform holds attack maps: which agency runs which
//! vulnerable software).

use crate::AgencyCode;

/// The agencies a caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every agency: the national authority.
    National,
    /// One agency and every agency below it in the supervision tree.
    Subtree(AgencyCode),
}

impl Scope {
    /// Whether an agency with the given ancestry path (see [`crate::tree::ancestry_path`]) is
    /// inside this scope.
    pub fn contains_path(&self, path: &str) -> bool {
        match self {
            Scope::National => true,
            Scope::Subtree(root) => path.split('/').any(|segment| segment == root.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subtree_contains_its_root_and_descendants_only() {
        let root = AgencyCode::parse("301000000A").unwrap();
        let scope = Scope::Subtree(root);
        assert!(scope.contains_path("/A00000000A/301000000A/"));
        assert!(scope.contains_path("/A00000000A/301000000A/301010000C/"));
        assert!(!scope.contains_path("/A00000000A/303000000B/"));
        assert!(Scope::National.contains_path("/X/"));
    }
}
