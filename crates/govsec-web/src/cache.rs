//! What pages compute from the registry, kept until the registry's revision changes.
//!
//! Every request still asks the store for the revision (one indexed row), so a cache entry is
//! never served after an import, even one done by another server process sharing PostgreSQL.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use govsec_core::Scope;
use govsec_i18n::Lang;
use govsec_store::{RegistryStatistics, Store, StoreError};

/// Entries kept per kind before the oldest revision's are dropped; scopes are few in practice
/// (the national one and the supervisors signed in), this only bounds memory.
const MAX_ENTRIES: usize = 64;

/// A rendered agency tree with the number of agencies in it.
#[derive(Debug)]
pub struct RenderedTree {
    pub html: String,
    pub agencies: usize,
}

/// Values computed at a registry revision, by key.
type AtRevision<K, V> = Mutex<HashMap<K, (i64, Arc<V>)>>;

#[derive(Default)]
pub struct RegistryCache {
    trees: AtRevision<(Scope, Lang), RenderedTree>,
    statistics: AtRevision<Scope, RegistryStatistics>,
}

fn lookup<K: Hash + Eq, V>(map: &AtRevision<K, V>, key: &K, revision: i64) -> Option<Arc<V>> {
    let map = map.lock().ok()?;
    map.get(key)
        .filter(|(at, _)| *at == revision)
        .map(|(_, value)| value.clone())
}

fn remember<K: Hash + Eq, V>(map: &AtRevision<K, V>, key: K, revision: i64, value: Arc<V>) {
    if let Ok(mut map) = map.lock() {
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (at, _)| *at == revision);
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
        }
        map.insert(key, (revision, value));
    }
}

impl RegistryCache {
    /// The tree of the scope in `lang`, rendered by `render` when not cached at the current
    /// revision.
    pub async fn tree(
        &self,
        store: &Store,
        scope: &Scope,
        lang: Lang,
        render: impl FnOnce(&[govsec_store::AgencySummary]) -> String,
    ) -> Result<Arc<RenderedTree>, StoreError> {
        let revision = store.registry_revision().await?;
        let key = (scope.clone(), lang);
        if let Some(tree) = lookup(&self.trees, &key, revision) {
            return Ok(tree);
        }
        let summaries = store.agency_summaries(scope).await?;
        let tree = Arc::new(RenderedTree {
            html: render(&summaries),
            agencies: summaries.len(),
        });
        remember(&self.trees, key, revision, tree.clone());
        Ok(tree)
    }

    /// The registry statistics of the scope.
    pub async fn statistics(
        &self,
        store: &Store,
        scope: &Scope,
    ) -> Result<Arc<RegistryStatistics>, StoreError> {
        let revision = store.registry_revision().await?;
        if let Some(statistics) = lookup(&self.statistics, scope, revision) {
            return Ok(statistics);
        }
        let statistics = Arc::new(store.registry_statistics(scope).await?);
        remember(
            &self.statistics,
            scope.clone(),
            revision,
            statistics.clone(),
        );
        Ok(statistics)
    }
}
