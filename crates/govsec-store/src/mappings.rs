//! What the inventory normaliser learns beyond its own tables: the mappings officers taught (an
//! officer who picks a candidate or types a CPE for a name teaches it for the agency; the
//! authority may promote it to national, and it then applies to every agency) and NVD's official
//! CPE dictionary, imported by the user. Every change is in the audit log.

use govsec_core::audit::Actor;
use govsec_core::{AgencyCode, Scope};

use crate::agencies::{in_scope, scope_parameter};
use crate::audit::append_audit;
use crate::{Store, StoreError, begin_write, on_pool};

/// A mapping as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareMapping {
    /// The agency whose officer taught it.
    pub agency: AgencyCode,
    /// The normaliser's mapping key of the name and publisher.
    pub key: String,
    /// The name as the officer saw it.
    pub software_name: String,
    /// The publisher as the officer saw it.
    pub publisher: Option<String>,
    /// CPE part letter.
    pub part: String,
    /// CPE vendor.
    pub vendor: String,
    /// CPE product.
    pub product: String,
    /// Whether the authority promoted it to every agency.
    pub national: bool,
    /// Who taught it.
    pub taught_by: String,
    /// When, in Unix seconds.
    pub taught_at: i64,
}

/// A mapping to teach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSoftwareMapping {
    /// The normaliser's mapping key of the name and publisher.
    pub key: String,
    /// The name as written.
    pub software_name: String,
    /// The publisher as written.
    pub publisher: Option<String>,
    /// CPE part letter (`a`, `o`, `h`).
    pub part: String,
    /// CPE vendor.
    pub vendor: String,
    /// CPE product.
    pub product: String,
}

/// The columns of [`Row`], selected from `software_mappings m`.
macro_rules! select_mappings {
    () => {
        "SELECT m.agency_code, m.mapping_key, m.software_name, m.publisher, m.part, m.vendor, \
         m.product, m.national, m.taught_by, m.taught_at FROM software_mappings m "
    };
}

type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    bool,
    String,
    i64,
);

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

fn mapping(row: Row) -> Result<SoftwareMapping, StoreError> {
    let (
        agency,
        key,
        software_name,
        publisher,
        part,
        vendor,
        product,
        national,
        taught_by,
        taught_at,
    ) = row;
    Ok(SoftwareMapping {
        agency: AgencyCode::parse(&agency).map_err(|_| corrupt("agency code", &agency))?,
        key,
        software_name,
        publisher,
        part,
        vendor,
        product,
        national,
        taught_by,
        taught_at,
    })
}

impl Store {
    /// The mappings that apply to `agency`'s inventories: the agency's own and every national
    /// one; with no agency, the national ones alone.
    pub async fn software_mappings(
        &self,
        agency: Option<&AgencyCode>,
    ) -> Result<Vec<SoftwareMapping>, StoreError> {
        const SQL: &str = concat!(
            select_mappings!(),
            "WHERE m.national OR m.agency_code = $1 ORDER BY m.mapping_key, m.agency_code"
        );
        let code = agency.map(|a| a.as_str().to_owned());
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(SQL).bind(&code).fetch_all(pool).await?
        });
        rows.into_iter().map(mapping).collect()
    }

    /// The mappings a caller may see: those of the agencies in `scope`, and the national ones.
    pub async fn software_mappings_in_scope(
        &self,
        scope: &Scope,
    ) -> Result<Vec<SoftwareMapping>, StoreError> {
        const SQL: &str = concat!(
            select_mappings!(),
            "JOIN agencies a ON a.code = m.agency_code WHERE (m.national OR ",
            in_scope!("a"),
            ") ORDER BY m.national DESC, m.agency_code, m.mapping_key"
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(SQL).bind(scope_parameter(scope)).fetch_all(pool).await?
        });
        rows.into_iter().map(mapping).collect()
    }

    /// Teaches a mapping for an agency in `scope`, replacing the agency's earlier mapping of the
    /// same key (a replaced national mapping stays national). `false` when the agency is not
    /// in the scope.
    pub async fn teach_software_mapping(
        &self,
        scope: &Scope,
        agency: &AgencyCode,
        mapping: &NewSoftwareMapping,
        actor: &Actor,
        now: i64,
    ) -> Result<bool, StoreError> {
        const VISIBLE: &str = concat!(
            "SELECT COUNT(*) FROM agencies a WHERE a.code = $2 AND ",
            in_scope!("a")
        );
        const UPSERT: &str = "INSERT INTO software_mappings \
             (agency_code, mapping_key, software_name, publisher, part, vendor, product, national, taught_by, taught_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $9) \
             ON CONFLICT (agency_code, mapping_key) DO UPDATE SET software_name = excluded.software_name, \
             publisher = excluded.publisher, part = excluded.part, vendor = excluded.vendor, \
             product = excluded.product, taught_by = excluded.taught_by, taught_at = excluded.taught_at";
        let taught = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "software_mappings, audit_log");
            let count: i64 = sqlx::query_scalar(VISIBLE)
                .bind(scope_parameter(scope))
                .bind(agency.as_str())
                .fetch_one(&mut *tx)
                .await?;
            if count == 0 {
                return Ok(false);
            }
            sqlx::query(UPSERT)
                .bind(agency.as_str())
                .bind(&mapping.key)
                .bind(&mapping.software_name)
                .bind(&mapping.publisher)
                .bind(&mapping.part)
                .bind(&mapping.vendor)
                .bind(&mapping.product)
                .bind(&actor.name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let object = format!(
                "{} {} -> cpe:2.3:{}:{}:{}",
                agency.as_str(),
                mapping.key,
                mapping.part,
                mapping.vendor,
                mapping.product
            );
            append_audit!(tx, actor.record(crate::now_text(), "software_mapping.teach", &object));
            tx.commit().await?;
            true
        });
        Ok(taught)
    }

    /// Promotes an agency's mapping to national. `false` when there is no such mapping.
    /// Who may promote is the caller's decision (the authority's roles).
    pub async fn promote_software_mapping(
        &self,
        agency: &AgencyCode,
        key: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<bool, StoreError> {
        const PROMOTE: &str = "UPDATE software_mappings SET national = TRUE, promoted_by = $3, promoted_at = $4 \
             WHERE agency_code = $1 AND mapping_key = $2";
        let promoted = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "software_mappings, audit_log");
            let changed = sqlx::query(PROMOTE)
                .bind(agency.as_str())
                .bind(key)
                .bind(&actor.name)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Ok(false);
            }
            let object = format!("{} {key}", agency.as_str());
            append_audit!(tx, actor.record(crate::now_text(), "software_mapping.promote", &object));
            tx.commit().await?;
            true
        });
        Ok(promoted)
    }
}

/// A product of NVD's CPE dictionary as stored: part letter, vendor, product, title.
pub type DictionaryRow = (String, String, String, Option<String>);

impl Store {
    /// Adds products of NVD's CPE dictionary (one chunk of the feed, say) in one transaction;
    /// products already present keep their key and take the new title. Returns how many rows
    /// were written. Recorded in the audit log as one import.
    pub async fn import_cpe_dictionary(
        &self,
        products: &[DictionaryRow],
        actor: &Actor,
    ) -> Result<u64, StoreError> {
        const UPSERT: &str = "INSERT INTO cpe_dictionary (part, vendor, product, title) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (part, vendor, product) DO UPDATE SET title = COALESCE(excluded.title, cpe_dictionary.title)";
        let written = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "cpe_dictionary, audit_log");
            let mut written = 0;
            for (part, vendor, product, title) in products {
                written += sqlx::query(UPSERT)
                    .bind(part)
                    .bind(vendor)
                    .bind(product)
                    .bind(title)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            let object = format!("{} products", products.len());
            append_audit!(tx, actor.record(crate::now_text(), "cpe_dictionary.import", &object));
            tx.commit().await?;
            written
        });
        Ok(written)
    }

    /// Every product of the imported CPE dictionary, sorted.
    pub async fn cpe_dictionary(&self) -> Result<Vec<DictionaryRow>, StoreError> {
        const SQL: &str = "SELECT part, vendor, product, title FROM cpe_dictionary ORDER BY part, vendor, product";
        let rows: Vec<DictionaryRow> = on_pool!(self, pool => {
            sqlx::query_as(SQL).fetch_all(pool).await?
        });
        Ok(rows)
    }
}
