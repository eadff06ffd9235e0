//! The supervision tree of agencies: ancestry paths for scoping, cycle detection, and the
//! parent-first order in which a tree can be written.

use std::collections::{HashMap, HashSet};

use crate::AgencyCode;

/// The ancestry path of an agency: `/ROOT/…/PARENT/CODE/`. A subtree is every agency whose path
/// starts with the subtree root's path, so the store can scope a query with one index range.
///
/// `parents` maps every agency to its supervising agency. Returns `None` when the chain from
/// `code` is broken (an unknown parent) or loops.
pub fn ancestry_path(
    code: &AgencyCode,
    parents: &HashMap<AgencyCode, Option<AgencyCode>>,
) -> Option<String> {
    let mut chain = vec![code];
    let mut seen = HashSet::from([code]);
    let mut current = code;
    while let Some(parent) = parents.get(current)? {
        if !seen.insert(parent) {
            return None;
        }
        chain.push(parent);
        current = parent;
    }
    let mut path = String::with_capacity(chain.len() * (AgencyCode::LENGTH + 1) + 1);
    path.push('/');
    for code in chain.iter().rev() {
        path.push_str(code.as_str());
        path.push('/');
    }
    Some(path)
}

/// Every cycle in the parent relation, each as the list of codes along it (starting from its
/// smallest code, so each cycle is reported once).
pub fn cycles(parents: &HashMap<AgencyCode, Option<AgencyCode>>) -> Vec<Vec<AgencyCode>> {
    let mut finished: HashSet<&AgencyCode> = HashSet::new();
    let mut found = Vec::new();
    let mut starts: Vec<&AgencyCode> = parents.keys().collect();
    starts.sort();
    for start in starts {
        let mut walk: Vec<&AgencyCode> = Vec::new();
        let mut on_walk: HashMap<&AgencyCode, usize> = HashMap::new();
        let mut current = Some(start);
        while let Some(code) = current {
            if finished.contains(code) {
                break;
            }
            if let Some(&index) = on_walk.get(code) {
                let mut cycle: Vec<AgencyCode> =
                    walk[index..].iter().map(|c| (*c).clone()).collect();
                let smallest = cycle
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, c)| *c)
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                cycle.rotate_left(smallest);
                found.push(cycle);
                break;
            }
            on_walk.insert(code, walk.len());
            walk.push(code);
            current = parents.get(code).and_then(|parent| parent.as_ref());
        }
        finished.extend(walk);
    }
    found
}

/// The codes ordered so that every agency comes after its supervising agency; agencies whose
/// parent is outside `parents` count as roots. Ties keep code order, so the result is
/// deterministic. Agencies on a cycle are left out.
pub fn parent_first_order(parents: &HashMap<AgencyCode, Option<AgencyCode>>) -> Vec<AgencyCode> {
    let mut children: HashMap<&AgencyCode, Vec<&AgencyCode>> = HashMap::new();
    let mut roots = Vec::new();
    for (code, parent) in parents {
        match parent {
            Some(parent) if parents.contains_key(parent) => {
                children.entry(parent).or_default().push(code)
            }
            _ => roots.push(code),
        }
    }
    roots.sort();
    for list in children.values_mut() {
        list.sort();
    }
    let mut order = Vec::with_capacity(parents.len());
    let mut stack: Vec<&AgencyCode> = roots.into_iter().rev().collect();
    while let Some(code) = stack.pop() {
        order.push(code.clone());
        if let Some(list) = children.get(code) {
            stack.extend(list.iter().rev());
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(n: usize) -> AgencyCode {
        AgencyCode::parse(&format!("{n:09}A")).unwrap()
    }

    fn relation(pairs: &[(usize, Option<usize>)]) -> HashMap<AgencyCode, Option<AgencyCode>> {
        pairs.iter().map(|(c, p)| (code(*c), p.map(code))).collect()
    }

    #[test]
    fn paths_list_ancestors_root_first() {
        let parents = relation(&[(1, None), (2, Some(1)), (3, Some(2))]);
        assert_eq!(
            ancestry_path(&code(3), &parents).unwrap(),
            "/000000001A/000000002A/000000003A/"
        );
        assert_eq!(ancestry_path(&code(1), &parents).unwrap(), "/000000001A/");
    }

    #[test]
    fn paths_of_broken_or_looping_chains_are_none() {
        assert!(ancestry_path(&code(2), &relation(&[(2, Some(9))])).is_none());
        assert!(ancestry_path(&code(1), &relation(&[(1, Some(2)), (2, Some(1))])).is_none());
    }

    #[test]
    fn cycles_are_found_once_each() {
        let parents = relation(&[
            (1, Some(2)),
            (2, Some(3)),
            (3, Some(1)),
            (4, Some(1)),
            (5, Some(5)),
            (6, None),
        ]);
        let found = cycles(&parents);
        assert_eq!(found, vec![vec![code(1), code(2), code(3)], vec![code(5)]]);
    }

    proptest! {
        #[test]
        fn forests_have_no_cycles_and_a_parent_first_order(parents_of in proptest::collection::vec(any::<prop::sample::Index>(), 1..60)) {
            // Agency i's parent is one of agencies 0..i, or none: always a forest.
            let pairs: Vec<(usize, Option<usize>)> = parents_of
                .iter()
                .enumerate()
                .map(|(i, pick)| (i, if i == 0 { None } else { let p = pick.index(i + 1); (p < i).then_some(p) }))
                .collect();
            let parents = relation(&pairs);
            prop_assert!(cycles(&parents).is_empty());
            let order = parent_first_order(&parents);
            prop_assert_eq!(order.len(), parents.len());
            let position: HashMap<_, _> = order.iter().enumerate().map(|(i, c)| (c.clone(), i)).collect();
            for (child, parent) in &parents {
                if let Some(parent) = parent {
                    prop_assert!(position[parent] < position[child]);
                    let path = ancestry_path(child, &parents).unwrap();
                    prop_assert!(path.starts_with(&ancestry_path(parent, &parents).unwrap()));
                }
            }
        }
    }
}
