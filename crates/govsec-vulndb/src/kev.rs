//! Reader for CISA's Known Exploited Vulnerabilities catalogue, JSON form
//! (`known_exploited_vulnerabilities.json`, schema
//! `known_exploited_vulnerabilities_schema.json`): every field of every
//! entry, with dates and CVE ids validated and the links in `notes`
//! extracted.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::Error;
use crate::id::{CveId, CweId, Date, Timestamp};
use crate::nvd::{ReadOptions, decode, open, parse_cve_id, parse_field};

/// Whether CISA knows of ransomware campaigns using the vulnerability
/// (`knownRansomwareCampaignUse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RansomwareUse {
    /// `Known`.
    Known,
    /// `Unknown`: CISA lacks confirmation.
    Unknown,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevEntry {
    /// `cveID`.
    pub cve: CveId,
    /// `vendorProject`.
    pub vendor_project: String,
    /// `product`.
    pub product: String,
    /// `vulnerabilityName`.
    pub vulnerability_name: String,
    /// `dateAdded`.
    pub date_added: Date,
    /// `shortDescription`.
    pub short_description: String,
    /// `requiredAction`.
    pub required_action: String,
    /// `dueDate`: when federal agencies must have acted.
    pub due_date: Date,
    /// `knownRansomwareCampaignUse`.
    pub ransomware_use: RansomwareUse,
    /// `notes`, as given.
    pub notes: String,
    /// The URLs in `notes` (separated by ` ; ` or spaces).
    pub note_links: Vec<String>,
    /// `cwes`.
    pub cwes: Vec<CweId>,
}

/// The catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KevCatalog {
    /// `title`.
    pub title: Option<String>,
    /// `catalogVersion`, such as `2025.08.25`.
    pub catalog_version: String,
    /// `dateReleased`.
    pub date_released: Timestamp,
    /// The entries, keyed by CVE.
    pub entries: HashMap<CveId, KevEntry>,
}

impl KevCatalog {
    /// The entry of a CVE, if it is known to be exploited.
    pub fn get(&self, cve: CveId) -> Option<&KevEntry> {
        self.entries.get(&cve)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCatalog {
    title: Option<String>,
    catalog_version: String,
    date_released: String,
    count: usize,
    vulnerabilities: Vec<Box<RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: String,
    product: String,
    vulnerability_name: String,
    date_added: String,
    short_description: String,
    required_action: String,
    due_date: String,
    known_ransomware_campaign_use: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    cwes: Vec<String>,
}

/// Reads the catalogue from a file (plain or gzip). Skipped entries (with
/// [`ReadOptions::skip_invalid`]) are returned beside it.
pub fn read_kev_file(path: &Path, options: ReadOptions) -> Result<(KevCatalog, Vec<Error>), Error> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut open(path)?, &mut text)
        .map_err(|error| Error::io(path, error))?;
    parse_kev(&text, options).map_err(|error| error.within(Some(path), None, ""))
}

/// Decodes the catalogue.
pub fn parse_kev(text: &str, options: ReadOptions) -> Result<(KevCatalog, Vec<Error>), Error> {
    let raw: RawCatalog = decode(text, || None)?;
    let date_released = parse_field(&raw.date_released, "dateReleased")?;
    if raw.count != raw.vulnerabilities.len() {
        return Err(Error::invalid(
            "count",
            &raw.count.to_string(),
            format!("the catalogue holds {} entries", raw.vulnerabilities.len()),
        ));
    }
    let mut entries = HashMap::with_capacity(raw.vulnerabilities.len());
    let mut skipped = Vec::new();
    for (index, entry) in raw.vulnerabilities.iter().enumerate() {
        let field = format!("vulnerabilities[{index}]");
        match parse_entry(entry.get()) {
            Ok(entry) => {
                entries.insert(entry.cve, entry);
            }
            Err(error) if options.skip_invalid => skipped.push(error.within(None, None, &field)),
            Err(error) => return Err(error.within(None, None, &field)),
        }
    }
    Ok((
        KevCatalog {
            title: raw.title,
            catalog_version: raw.catalog_version,
            date_released,
            entries,
        },
        skipped,
    ))
}

fn parse_entry(text: &str) -> Result<KevEntry, Error> {
    let raw: RawEntry = decode(text, || {
        #[derive(Deserialize)]
        struct Id {
            #[serde(rename = "cveID")]
            cve_id: String,
        }
        serde_json::from_str::<Id>(text).ok().map(|id| id.cve_id)
    })?;
    let cve = parse_cve_id(&raw.cve_id, "cveID")?;
    let within = |error: Error| error.within(None, Some(cve), "");
    let ransomware_use = match raw.known_ransomware_campaign_use.as_str() {
        "Known" => RansomwareUse::Known,
        "Unknown" => RansomwareUse::Unknown,
        other => {
            return Err(within(Error::invalid(
                "knownRansomwareCampaignUse",
                other,
                "the value is \"Known\" or \"Unknown\"",
            )));
        }
    };
    let cwes = raw
        .cwes
        .iter()
        .enumerate()
        .map(|(index, cwe)| parse_field(cwe, &format!("cwes[{index}]")))
        .collect::<Result<_, _>>()
        .map_err(within)?;
    let note_links = raw
        .notes
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|part| part.starts_with("https://") || part.starts_with("http://"))
        .map(str::to_owned)
        .collect();
    Ok(KevEntry {
        cve,
        date_added: parse_field(&raw.date_added, "dateAdded").map_err(within)?,
        due_date: parse_field(&raw.due_date, "dueDate").map_err(within)?,
        vendor_project: raw.vendor_project,
        product: raw.product,
        vulnerability_name: raw.vulnerability_name,
        short_description: raw.short_description,
        required_action: raw.required_action,
        ransomware_use,
        notes: raw.notes,
        note_links,
        cwes,
    })
}
