//! The agency registry in the database: scoped reads of the tree and of single agencies,
//! registry statistics, and all-or-nothing imports.

use std::collections::HashMap;

use chrono::Utc;
use govsec_core::audit::Actor;
use govsec_core::registry::{self, ParsedRegistry};
use govsec_core::{
    Agency, AgencyCode, CentreType, Contact, EmailAddress, ExchangeLayer, InformationSystem,
    ResponsibilityLevel, Scope, Tier, WebsiteUrl,
};
use serde::Serialize;

use crate::audit::append_audit;
use crate::{Store, StoreError, begin_write, on_pool};

/// The SQL condition that keeps agency rows (aliased `$alias`) inside the scope bound as `$1`
/// (see [`scope_parameter`]): NULL for the national scope, else the scope's agency code followed
/// by one character that closes the range of ancestry paths. Paths are byte-ordered and hold
/// only `/`, digits and capitals: every path in a subtree lies in [P, P + "~"), and the agency
/// alone in [P, P + "!"), since "!" sorts before "/" and every digit or capital.
macro_rules! in_scope {
    ($alias:literal) => {
        concat!(
            "($1 IS NULL OR (", $alias, ".path >= (SELECT s.path FROM agencies s WHERE s.code = substr($1, 1, 10)) AND ",
            $alias, ".path < (SELECT s.path FROM agencies s WHERE s.code = substr($1, 1, 10)) || substr($1, 11, 1)))"
        )
    };
}
pub(crate) use in_scope;

/// The value bound for [`in_scope!`].
pub(crate) fn scope_parameter(scope: &Scope) -> Option<String> {
    match scope {
        Scope::National => None,
        Scope::Subtree(root) => Some(format!("{root}~")),
        Scope::Agency(code) => Some(format!("{code}!")),
    }
}

/// The columns of [`AgencyRow`], selected from `agencies a`.
macro_rules! select_agencies {
    () => {
        "SELECT a.code, a.name_zh, a.name_en, a.tier, a.parent_code, a.level, a.exchange_layer, a.exchange_centre, a.path "
    };
}

/// An agency as the tree shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgencySummary {
    /// 機關代碼.
    pub code: AgencyCode,
    /// Chinese name.
    pub name_zh: String,
    /// English name, possibly empty.
    pub name_en: String,
    /// Tier.
    pub tier: Tier,
    /// Supervising agency.
    pub parent: Option<AgencyCode>,
    /// Security responsibility level.
    pub level: ResponsibilityLevel,
    /// Document-exchange layer.
    pub exchange_layer: ExchangeLayer,
    /// Ancestry path, `/ROOT/…/CODE/`.
    #[serde(skip)]
    pub path: String,
}

impl AgencySummary {
    /// How deep in the tree the agency is, 0 for a root.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }
}

/// An agency with its place in the tree.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyDetail {
    /// The agency.
    pub agency: Agency,
    /// Its supervising agencies that are inside the caller's scope, the root first.
    pub ancestors: Vec<AgencySummary>,
    /// The agencies it supervises directly.
    pub children: Vec<AgencySummary>,
    /// How many agencies its subtree holds, itself included.
    pub subtree_size: i64,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    /// Agencies added.
    pub created: usize,
    /// Agencies replaced.
    pub updated: usize,
}

/// Counts for one tier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TierStatistics {
    /// Agencies of the tier.
    pub agencies: i64,
    /// Their registered websites.
    pub websites: i64,
    /// Of those, the ones registered with an https:// address.
    pub https_websites: i64,
    /// Their core systems.
    pub core_systems: i64,
    /// Core systems covered by VANS.
    pub core_covered_by_vans: i64,
    /// Core systems covered by EDR.
    pub core_covered_by_edr: i64,
}

/// What the registry holds within a scope, for dashboards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegistryStatistics {
    /// Per tier, in [`Tier::ALL`] order, only tiers that have agencies.
    pub by_tier: Vec<(Tier, TierStatistics)>,
    /// Agencies per responsibility level, A first, every level present.
    pub by_level: Vec<(ResponsibilityLevel, i64)>,
    /// Agencies per document-exchange layer.
    pub by_layer: Vec<(ExchangeLayer, i64)>,
    /// All information systems.
    pub systems: i64,
}

impl RegistryStatistics {
    /// The sum over tiers.
    pub fn total(&self) -> TierStatistics {
        self.by_tier
            .iter()
            .fold(TierStatistics::default(), |mut sum, (_, t)| {
                sum.agencies += t.agencies;
                sum.websites += t.websites;
                sum.https_websites += t.https_websites;
                sum.core_systems += t.core_systems;
                sum.core_covered_by_vans += t.core_covered_by_vans;
                sum.core_covered_by_edr += t.core_covered_by_edr;
                sum
            })
    }
}

#[derive(sqlx::FromRow)]
struct AgencyRow {
    code: String,
    name_zh: String,
    name_en: String,
    tier: String,
    parent_code: Option<String>,
    level: String,
    exchange_layer: String,
    exchange_centre: Option<String>,
    path: String,
}

#[derive(sqlx::FromRow)]
struct ContactRow {
    agency_code: String,
    name: String,
    title: String,
    email: Option<String>,
    phone: String,
}

#[derive(sqlx::FromRow)]
struct WebsiteRow {
    agency_code: String,
    url: String,
}

#[derive(sqlx::FromRow)]
struct SystemRow {
    agency_code: String,
    name: String,
    core: bool,
    covered_by_vans: bool,
    covered_by_edr: bool,
}

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

fn parse_code(text: &str) -> Result<AgencyCode, StoreError> {
    AgencyCode::parse(text).map_err(|_| corrupt("agency code", text))
}

impl AgencyRow {
    fn summary(self) -> Result<AgencySummary, StoreError> {
        let exchange_layer = match (
            self.exchange_layer.as_str(),
            self.exchange_centre.as_deref(),
        ) {
            ("management", None) => ExchangeLayer::Management,
            ("terminal", None) => ExchangeLayer::Terminal,
            ("exchange", Some(centre)) => ExchangeLayer::Exchange(
                CentreType::parse(centre).ok_or_else(|| corrupt("exchange centre", centre))?,
            ),
            (layer, _) => return Err(corrupt("exchange layer", layer)),
        };
        Ok(AgencySummary {
            code: parse_code(&self.code)?,
            tier: Tier::parse(&self.tier).ok_or_else(|| corrupt("tier", &self.tier))?,
            parent: self.parent_code.as_deref().map(parse_code).transpose()?,
            level: ResponsibilityLevel::parse(&self.level)
                .ok_or_else(|| corrupt("level", &self.level))?,
            exchange_layer,
            name_zh: self.name_zh,
            name_en: self.name_en,
            path: self.path,
        })
    }
}

impl Store {
    /// Every agency in the scope, in tree order (each agency followed by its subtree, siblings
    /// by code).
    pub async fn agency_summaries(&self, scope: &Scope) -> Result<Vec<AgencySummary>, StoreError> {
        const SQL: &str = concat!(
            select_agencies!(),
            "FROM agencies a WHERE ",
            in_scope!("a"),
            " ORDER BY a.path"
        );
        let root = scope_parameter(scope);
        let rows: Vec<AgencyRow> =
            on_pool!(self, pool => sqlx::query_as(SQL).bind(root).fetch_all(pool).await?);
        rows.into_iter().map(AgencyRow::summary).collect()
    }

    /// The registry's revision: it changes with every write, so whatever was computed from the
    /// registry at one revision stays valid until it changes.
    pub async fn registry_revision(&self) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT revision FROM registry_revision WHERE id = 1";
        Ok(on_pool!(self, pool => sqlx::query_scalar(SQL).fetch_one(pool).await?))
    }

    /// How many agencies the scope holds.
    pub async fn count_agencies(&self, scope: &Scope) -> Result<i64, StoreError> {
        const SQL: &str = concat!("SELECT COUNT(*) FROM agencies a WHERE ", in_scope!("a"));
        let root = scope_parameter(scope);
        Ok(on_pool!(self, pool => sqlx::query_scalar(SQL).bind(root).fetch_one(pool).await?))
    }

    /// One agency with its ancestors, children and subtree size; `None` when it does not exist
    /// or lies outside the scope (the two are indistinguishable to the caller on purpose).
    pub async fn agency_detail(
        &self,
        scope: &Scope,
        code: &AgencyCode,
    ) -> Result<Option<AgencyDetail>, StoreError> {
        const SQL_ONE: &str = concat!(
            select_agencies!(),
            "FROM agencies a WHERE ",
            in_scope!("a"),
            " AND a.code = $2"
        );
        const SQL_CHILDREN: &str = concat!(
            select_agencies!(),
            "FROM agencies a WHERE ",
            in_scope!("a"),
            " AND a.parent_code = $2 ORDER BY a.code"
        );
        const SQL_SUBTREE: &str =
            "SELECT COUNT(*) FROM agencies a WHERE a.path >= $1 AND a.path < $1 || '~'";
        let root = scope_parameter(scope);
        let row: Option<AgencyRow> = on_pool!(self, pool => sqlx::query_as(SQL_ONE).bind(&root).bind(code.as_str()).fetch_optional(pool).await?);
        let Some(row) = row else { return Ok(None) };
        let summary = row.summary()?;
        let children: Vec<AgencyRow> = on_pool!(self, pool => sqlx::query_as(SQL_CHILDREN).bind(&root).bind(code.as_str()).fetch_all(pool).await?);
        let children = children
            .into_iter()
            .map(AgencyRow::summary)
            .collect::<Result<Vec<_>, _>>()?;
        let subtree_size: i64 = on_pool!(self, pool => sqlx::query_scalar(SQL_SUBTREE).bind(&summary.path).fetch_one(pool).await?);
        let ancestor_codes: Vec<&str> = summary
            .path
            .split('/')
            .filter(|segment| !segment.is_empty() && *segment != code.as_str())
            .collect();
        let mut ancestors = Vec::with_capacity(ancestor_codes.len());
        for ancestor in ancestor_codes {
            let row: Option<AgencyRow> = on_pool!(self, pool => sqlx::query_as(SQL_ONE).bind(&root).bind(ancestor).fetch_optional(pool).await?);
            if let Some(row) = row {
                ancestors.push(row.summary()?);
            }
        }
        let mut agencies = self
            .assemble(vec![summary], &root, Some(code.as_str()))
            .await?;
        let agency = agencies
            .pop()
            .ok_or_else(|| corrupt("agency", code.as_str()))?;
        Ok(Some(AgencyDetail {
            agency,
            ancestors,
            children,
            subtree_size,
        }))
    }

    /// Every agency in the scope with everything the registry holds, in tree order; what an
    /// export writes.
    pub async fn agencies(&self, scope: &Scope) -> Result<Vec<Agency>, StoreError> {
        let summaries = self.agency_summaries(scope).await?;
        self.assemble(summaries, &scope_parameter(scope), None)
            .await
    }

    /// Adds contacts, websites and systems to summaries, reading each table once: for the
    /// whole scope, or by index for one agency whose scope the caller has already checked.
    async fn assemble(
        &self,
        summaries: Vec<AgencySummary>,
        root: &Option<String>,
        only: Option<&str>,
    ) -> Result<Vec<Agency>, StoreError> {
        const CONTACTS: &str = concat!(
            "SELECT c.agency_code, c.name, c.title, c.email, c.phone FROM agency_contacts c ",
            "JOIN agencies a ON a.code = c.agency_code WHERE ",
            in_scope!("a"),
            " ORDER BY c.agency_code, c.position"
        );
        const WEBSITES: &str = concat!(
            "SELECT w.agency_code, w.url FROM agency_websites w ",
            "JOIN agencies a ON a.code = w.agency_code WHERE ",
            in_scope!("a"),
            " ORDER BY w.agency_code, w.position"
        );
        const SYSTEMS: &str = concat!(
            "SELECT i.agency_code, i.name, i.core, i.covered_by_vans, i.covered_by_edr FROM information_systems i ",
            "JOIN agencies a ON a.code = i.agency_code WHERE ",
            in_scope!("a"),
            " ORDER BY i.agency_code, i.position"
        );
        const CONTACTS_OF_ONE: &str = "SELECT agency_code, name, title, email, phone FROM agency_contacts WHERE agency_code = $1 ORDER BY position";
        const WEBSITES_OF_ONE: &str =
            "SELECT agency_code, url FROM agency_websites WHERE agency_code = $1 ORDER BY position";
        const SYSTEMS_OF_ONE: &str = "SELECT agency_code, name, core, covered_by_vans, covered_by_edr FROM information_systems WHERE agency_code = $1 ORDER BY position";
        let (contacts, websites, systems): (Vec<ContactRow>, Vec<WebsiteRow>, Vec<SystemRow>) =
            match only {
                Some(code) => on_pool!(self, pool => (
                    sqlx::query_as(CONTACTS_OF_ONE).bind(code).fetch_all(pool).await?,
                    sqlx::query_as(WEBSITES_OF_ONE).bind(code).fetch_all(pool).await?,
                    sqlx::query_as(SYSTEMS_OF_ONE).bind(code).fetch_all(pool).await?,
                )),
                None => on_pool!(self, pool => (
                    sqlx::query_as(CONTACTS).bind(root).fetch_all(pool).await?,
                    sqlx::query_as(WEBSITES).bind(root).fetch_all(pool).await?,
                    sqlx::query_as(SYSTEMS).bind(root).fetch_all(pool).await?,
                )),
            };
        let mut agencies: Vec<Agency> = summaries
            .into_iter()
            .map(|s| Agency {
                code: s.code,
                name_zh: s.name_zh,
                name_en: s.name_en,
                tier: s.tier,
                parent: s.parent,
                level: s.level,
                exchange_layer: s.exchange_layer,
                contacts: Vec::new(),
                websites: Vec::new(),
                systems: Vec::new(),
            })
            .collect();
        let index: HashMap<String, usize> = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.code.as_str().to_owned(), i))
            .collect();
        for row in contacts {
            if let Some(&i) = index.get(&row.agency_code) {
                let email = match row.email.as_deref() {
                    Some(text) => Some(
                        EmailAddress::parse(text).ok_or_else(|| corrupt("e-mail address", text))?,
                    ),
                    None => None,
                };
                agencies[i].contacts.push(Contact {
                    name: row.name,
                    title: row.title,
                    email,
                    phone: row.phone,
                });
            }
        }
        for row in websites {
            if let Some(&i) = index.get(&row.agency_code) {
                let url = WebsiteUrl::parse(&row.url).map_err(|_| corrupt("website", &row.url))?;
                agencies[i].websites.push(url);
            }
        }
        for row in systems {
            if let Some(&i) = index.get(&row.agency_code) {
                agencies[i].systems.push(InformationSystem {
                    name: row.name,
                    core: row.core,
                    covered_by_vans: row.covered_by_vans,
                    covered_by_edr: row.covered_by_edr,
                });
            }
        }
        Ok(agencies)
    }

    /// Counts per tier, level and layer within the scope.
    pub async fn registry_statistics(
        &self,
        scope: &Scope,
    ) -> Result<RegistryStatistics, StoreError> {
        const AGENCIES: &str = concat!(
            "SELECT a.tier, a.level, a.exchange_layer, a.exchange_centre, COUNT(*) FROM agencies a WHERE ",
            in_scope!("a"),
            " GROUP BY a.tier, a.level, a.exchange_layer, a.exchange_centre"
        );
        const WEBSITES: &str = concat!(
            "SELECT a.tier, COUNT(*), SUM(CASE WHEN w.url LIKE 'https://%' THEN 1 ELSE 0 END) ",
            "FROM agency_websites w JOIN agencies a ON a.code = w.agency_code WHERE ",
            in_scope!("a"),
            " GROUP BY a.tier"
        );
        const SYSTEMS: &str = concat!(
            "SELECT a.tier, COUNT(*), SUM(CASE WHEN i.core THEN 1 ELSE 0 END), ",
            "SUM(CASE WHEN i.core AND i.covered_by_vans THEN 1 ELSE 0 END), SUM(CASE WHEN i.core AND i.covered_by_edr THEN 1 ELSE 0 END) ",
            "FROM information_systems i JOIN agencies a ON a.code = i.agency_code WHERE ",
            in_scope!("a"),
            " GROUP BY a.tier"
        );
        let root = scope_parameter(scope);
        let agency_rows: Vec<(String, String, String, Option<String>, i64)> =
            on_pool!(self, pool => sqlx::query_as(AGENCIES).bind(&root).fetch_all(pool).await?);
        let website_rows: Vec<(String, i64, i64)> =
            on_pool!(self, pool => sqlx::query_as(WEBSITES).bind(&root).fetch_all(pool).await?);
        let system_rows: Vec<(String, i64, i64, i64, i64)> =
            on_pool!(self, pool => sqlx::query_as(SYSTEMS).bind(&root).fetch_all(pool).await?);

        let tier = |text: &str| Tier::parse(text).ok_or_else(|| corrupt("tier", text));
        let mut tiers: HashMap<Tier, TierStatistics> = HashMap::new();
        let mut levels: HashMap<ResponsibilityLevel, i64> = HashMap::new();
        let mut layers: HashMap<ExchangeLayer, i64> = HashMap::new();
        for (tier_text, level, layer, centre, count) in agency_rows {
            tiers.entry(tier(&tier_text)?).or_default().agencies += count;
            let level =
                ResponsibilityLevel::parse(&level).ok_or_else(|| corrupt("level", &level))?;
            *levels.entry(level).or_default() += count;
            let layer = match (
                layer.as_str(),
                centre.as_deref().and_then(CentreType::parse),
            ) {
                ("management", _) => ExchangeLayer::Management,
                ("exchange", Some(centre)) => ExchangeLayer::Exchange(centre),
                ("terminal", _) => ExchangeLayer::Terminal,
                _ => return Err(corrupt("exchange layer", &layer)),
            };
            *layers.entry(layer).or_default() += count;
        }
        for (tier_text, websites, https) in website_rows {
            let entry = tiers.entry(tier(&tier_text)?).or_default();
            entry.websites += websites;
            entry.https_websites += https;
        }
        let mut systems_total = 0;
        for (tier_text, systems, core, vans, edr) in system_rows {
            let entry = tiers.entry(tier(&tier_text)?).or_default();
            systems_total += systems;
            entry.core_systems += core;
            entry.core_covered_by_vans += vans;
            entry.core_covered_by_edr += edr;
        }
        let layer_order = [
            ExchangeLayer::Management,
            ExchangeLayer::Exchange(CentreType::Shared),
            ExchangeLayer::Exchange(CentreType::SelfManaged),
            ExchangeLayer::Exchange(CentreType::SelfBuilt),
            ExchangeLayer::Terminal,
        ];
        Ok(RegistryStatistics {
            by_tier: Tier::ALL
                .iter()
                .filter_map(|t| tiers.remove(t).map(|s| (*t, s)))
                .collect(),
            by_level: ResponsibilityLevel::ALL
                .iter()
                .map(|l| (*l, levels.get(l).copied().unwrap_or(0)))
                .collect(),
            by_layer: layer_order
                .iter()
                .filter_map(|l| layers.get(l).map(|c| (*l, *c)))
                .collect(),
            systems: systems_total,
        })
    }

    /// Checks a parsed registry file against the registry and writes it in one transaction:
    /// every agency of the file is added or replaced (with its contacts, websites and systems),
    /// or, if any row has a problem, nothing is written and every problem is returned.
    ///
    /// The check runs inside the transaction, after taking the registry's write lock, so two
    /// concurrent imports cannot together build a cycle that neither would alone.
    pub async fn import_agencies(
        &self,
        parsed: ParsedRegistry,
        actor: &Actor,
    ) -> Result<ImportOutcome, StoreError> {
        const EXISTING: &str = "SELECT code, parent_code FROM agencies";
        const UPSERT: &str = "INSERT INTO agencies (code, name_zh, name_en, tier, parent_code, level, exchange_layer, exchange_centre, path, created_at, updated_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
            ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, tier = excluded.tier, \
            parent_code = excluded.parent_code, level = excluded.level, exchange_layer = excluded.exchange_layer, \
            exchange_centre = excluded.exchange_centre, path = excluded.path, updated_at = excluded.updated_at";
        const DELETE_CONTACTS: &str = "DELETE FROM agency_contacts WHERE agency_code = $1";
        const DELETE_WEBSITES: &str = "DELETE FROM agency_websites WHERE agency_code = $1";
        const DELETE_SYSTEMS: &str = "DELETE FROM information_systems WHERE agency_code = $1";
        const INSERT_CONTACT: &str = "INSERT INTO agency_contacts (agency_code, position, name, title, email, phone) VALUES ($1, $2, $3, $4, $5, $6)";
        const INSERT_WEBSITE: &str =
            "INSERT INTO agency_websites (agency_code, position, url) VALUES ($1, $2, $3)";
        const INSERT_SYSTEM: &str = "INSERT INTO information_systems (agency_code, position, name, core, covered_by_vans, covered_by_edr) VALUES ($1, $2, $3, $4, $5, $6)";
        const UPDATE_PATH: &str = "UPDATE agencies SET path = $2 WHERE code = $1 AND path <> $2";

        let now = Utc::now();
        on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "agencies, audit_log");
            let rows: Vec<(String, Option<String>)> = sqlx::query_as(EXISTING).fetch_all(&mut *tx).await?;
            let mut existing = HashMap::with_capacity(rows.len());
            for (code, parent) in rows {
                existing.insert(parse_code(&code)?, parent.as_deref().map(parse_code).transpose()?);
            }
            let file = parsed.file.clone();
            let plan = registry::check_import(parsed, &existing)?;
            let paths: HashMap<&AgencyCode, &String> = plan.paths.iter().map(|(c, p)| (c, p)).collect();
            for agency in &plan.agencies {
                let code = agency.code.as_str();
                let path = paths.get(&agency.code).ok_or_else(|| corrupt("ancestry path of", code))?;
                sqlx::query(UPSERT)
                    .bind(code)
                    .bind(&agency.name_zh)
                    .bind(&agency.name_en)
                    .bind(agency.tier.key())
                    .bind(agency.parent.as_ref().map(AgencyCode::as_str))
                    .bind(agency.level.letter())
                    .bind(agency.exchange_layer.key())
                    .bind(agency.exchange_layer.centre().map(CentreType::key))
                    .bind(path.as_str())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                for delete in [DELETE_CONTACTS, DELETE_WEBSITES, DELETE_SYSTEMS] {
                    sqlx::query(delete).bind(code).execute(&mut *tx).await?;
                }
                for (position, contact) in agency.contacts.iter().enumerate() {
                    sqlx::query(INSERT_CONTACT)
                        .bind(code)
                        .bind(position as i64)
                        .bind(&contact.name)
                        .bind(&contact.title)
                        .bind(contact.email.as_ref().map(EmailAddress::as_str))
                        .bind(&contact.phone)
                        .execute(&mut *tx)
                        .await?;
                }
                for (position, url) in agency.websites.iter().enumerate() {
                    sqlx::query(INSERT_WEBSITE).bind(code).bind(position as i64).bind(url.as_str()).execute(&mut *tx).await?;
                }
                for (position, system) in agency.systems.iter().enumerate() {
                    sqlx::query(INSERT_SYSTEM)
                        .bind(code)
                        .bind(position as i64)
                        .bind(&system.name)
                        .bind(system.core)
                        .bind(system.covered_by_vans)
                        .bind(system.covered_by_edr)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for (code, path) in &plan.paths {
                sqlx::query(UPDATE_PATH).bind(code.as_str()).bind(path.as_str()).execute(&mut *tx).await?;
            }
            sqlx::query("UPDATE registry_revision SET revision = revision + 1 WHERE id = 1").execute(&mut *tx).await?;
            let object = format!("{file} ({} new, {} updated)", plan.created, plan.updated);
            append_audit!(tx, actor.record(crate::now_text(), "registry.import", &object));
            tx.commit().await?;
            Ok(ImportOutcome { created: plan.created, updated: plan.updated })
        })
    }
}
