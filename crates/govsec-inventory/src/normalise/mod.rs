//! Normalising inventory entries to CPE 2.3 names. The audit of VANS found over ten thousand
//! rows it could not convert because of Chinese/English naming; this module turns each entry
//! into a CPE name with a confidence, or into a ranked list of candidates, and records how it
//! got there so that the UI can explain it and an officer can correct it.
//!
//! The steps, first that answers wins:
//! 1. a CPE the inventory gives is validated and used;
//! 2. a mapping an officer taught (agency level, or national once the authority promotes it);
//! 3. a package URL or a package manager's package name, looked up among the alias table's
//!    package names;
//! 4. the longest phrase of the name that the alias table knows, checked against the publisher;
//! 5. ranking against the product dictionary ([`ProductDictionary`]).
//!
//! The version is then resolved by the product's scheme ([`Versioning`]) and the product's own
//! version data in the alias table: release years and release names by build, the updates
//! NVD names by first build (Office 2010 SP2 is 14.0.7015), how the version column writes an
//! update ("7.0 Update 3o"), and the product NVD files some versions under. Names are compared
//! only after folding, Chinese segmentation and translation ([`Aliases`]), so a zh-TW name or
//! publisher never reaches the dictionary as an untranslatable token.

mod aliases;
mod prohibited;
mod ranking;
mod versions;
mod words;

use std::collections::HashMap;
use std::sync::Arc;

use govsec_cpe::{Attribute, AttributeValue, WellFormedName};
use serde::Serialize;

pub use aliases::{Aliases, Part, ProductKey};
pub use prohibited::{Category, ProhibitedList, ProhibitedMatch, ProhibitedRule};
pub use ranking::{DictionarySource, ProductDictionary};
pub use versions::{VersionSource, Versioning};

use crate::{Inventory, InventoryEntry, InventoryFormat, SourceLocation};
use aliases::PhraseMatch;
use versions::{ResolvedVersion, VersionInput};
use words::{EDITION_WORDS, Token, TokenKind};

/// The outcome of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// One CPE name, with enough confidence to match on.
    Converted,
    /// Candidates, none confident enough: an officer picks one.
    Ambiguous,
    /// Nothing in the dictionary resembles the entry.
    Unconverted,
    /// The entry itself is wrong: no name, or a given CPE that does not parse.
    Invalid,
}

impl Status {
    /// The status as the user reads it.
    pub fn label(self, lang: govsec_i18n::Lang) -> &'static str {
        use govsec_i18n::Text;
        match self {
            Status::Converted => Text::InventoryStatusConverted.get(lang),
            Status::Ambiguous => Text::InventoryStatusAmbiguous.get(lang),
            Status::Unconverted => Text::InventoryStatusUnconverted.get(lang),
            Status::Invalid => Text::InventoryStatusInvalid.get(lang),
        }
    }

    /// The stable name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Converted => "converted",
            Status::Ambiguous => "ambiguous",
            Status::Unconverted => "unconverted",
            Status::Invalid => "invalid",
        }
    }
}

/// Who taught a learned mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingScope {
    /// An officer of the agency, for the agency's own inventories.
    Agency,
    /// Promoted by the authority for every agency.
    National,
}

/// How a CPE name was reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// The inventory gave this CPE.
    GivenCpe,
    /// A mapping an officer taught for this name and publisher.
    Learned {
        /// Agency or national.
        scope: MappingScope,
    },
    /// The package URL's package name is in the alias table.
    PackageUrl {
        /// The purl's type (`deb`, `rpm`, `maven`, …).
        purl_type: String,
        /// The package name looked up.
        package: String,
    },
    /// A package manager's package name is in the alias table.
    Package {
        /// The package name looked up (possibly with a library suffix cut).
        package: String,
    },
    /// A phrase of the name is in the alias table.
    Alias {
        /// The phrase, as the table keys it.
        phrase: String,
        /// Whether the publisher names the product's vendor.
        publisher_agrees: bool,
    },
    /// NVD's naming of device firmware: the vendor, and the model's words joined with
    /// `_firmware` under the operating-system part (`o:zyxel:usg_flex_200_firmware`).
    FirmwareConvention {
        /// The model as the product name holds it (`usg_flex_200`).
        model: String,
        /// Whether NVD's data or dictionary lists the product so named.
        listed: bool,
    },
    /// Ranked by word similarity against the product dictionary.
    Ranked {
        /// The name's words the product shares.
        shared_words: Vec<String>,
        /// Whether the publisher names the product's vendor.
        vendor_matched: bool,
        /// Where the product came from: the alias table, the vulnerability data or NVD's CPE
        /// dictionary.
        source: DictionarySource,
    },
}

/// A candidate CPE name with its score in `[0, 1]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The CPE 2.3 formatted string.
    pub cpe: String,
    /// How sure the normaliser is, from 0 to 1.
    pub score: f64,
    /// How the candidate was found.
    pub method: Method,
}

/// Something the normaliser noticed about an entry, for its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Remark {
    /// The entry has no software name (and no CPE or package URL).
    MissingName,
    /// The given CPE does not parse or names no product.
    InvalidCpe {
        /// The CPE as given.
        cpe: String,
        /// Why it is not valid.
        reason: String,
    },
    /// The given package URL is not a valid purl; the name was used instead.
    InvalidPackageUrl {
        /// The purl as given.
        purl: String,
    },
    /// Nothing said which version is installed; the CPE's version is ANY.
    VersionUnknown,
    /// The version cannot be written in a CPE name and was left out.
    VersionNotUsable {
        /// The version as found.
        version: String,
    },
    /// The version allows several releases; each is a candidate.
    VersionAmbiguous,
    /// The build falls in an update NVD names (Office 14.0.7015 is SP2), so the CPE's update
    /// says it.
    UpdateOfBuild {
        /// The build as found.
        build: String,
        /// The update NVD writes for it.
        update: String,
    },
    /// NVD files this version under another product name (.NET Core 3.1 is `.net_core`).
    ProductOfVersion {
        /// The version.
        version: String,
        /// The CPE product NVD uses for it.
        product: String,
    },
    /// The publisher names another vendor than the product found.
    PublisherDisagrees {
        /// The vendor the publisher names.
        publisher_vendor: String,
    },
    /// Chinese words no dictionary translates; they took no part in matching.
    Untranslated {
        /// The words.
        words: Vec<String>,
    },
    /// No candidate is close enough to propose.
    NoCandidate,
}

/// The normaliser's answer for one entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Normalisation {
    /// Converted, ambiguous, unconverted or invalid.
    pub status: Status,
    /// The CPE name when converted.
    pub cpe: Option<String>,
    /// Confidence of the CPE name (or of the best candidate), from 0 to 1.
    pub confidence: f64,
    /// The best candidates, best first; the converted CPE is the first.
    pub candidates: Vec<Candidate>,
    /// The build number kept beside a CPE whose version is a year or release.
    pub build: Option<String>,
    /// Where the version came from.
    pub version_source: VersionSource,
    /// What was noticed, for the explanation.
    pub remarks: Vec<Remark>,
    /// The rule of the prohibited-software list the entry matches.
    pub prohibited: Option<ProhibitedMatch>,
}

impl Normalisation {
    fn invalid(remark: Remark) -> Self {
        Normalisation {
            status: Status::Invalid,
            ..Normalisation::unconverted(vec![remark])
        }
    }

    fn unconverted(remarks: Vec<Remark>) -> Self {
        Normalisation {
            status: Status::Unconverted,
            cpe: None,
            confidence: 0.0,
            candidates: Vec::new(),
            build: None,
            version_source: VersionSource::Unknown,
            remarks,
            prohibited: None,
        }
    }

    /// The CPE vendor and product of the answer: the converted name, else the best candidate.
    pub fn vendor_product(&self) -> Option<(String, String)> {
        let cpe = self
            .cpe
            .as_deref()
            .or(self.candidates.first().map(|c| c.cpe.as_str()))?;
        let name = WellFormedName::parse(cpe).ok()?;
        let value = |attribute| name.get(attribute).as_value().map(|v| v.unquoted());
        Some((value(Attribute::Vendor)?, value(Attribute::Product)?))
    }
}

/// One entry with its normalisation and, when its operating-system column names a known
/// system, that system's CPE name (for "running on" conditions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NormalisedEntry {
    /// Where the entry was read.
    pub source: SourceLocation,
    /// The entry's normalisation; entries with the same name, publisher and version share it.
    pub normalisation: Arc<Normalisation>,
    /// The host's operating system as a CPE name, when converted.
    pub platform: Option<String>,
}

/// Normalises the entries of one inventory as they are read. Entries with the same name,
/// publisher, version and identifiers are normalised once and share the answer: a million
/// rows hold few distinct names, so memory grows with the distinct entries, not the rows.
pub struct EntryNormaliser<'n> {
    normaliser: &'n Normaliser,
    format: InventoryFormat,
    memo: HashMap<EntryKey, Arc<Normalisation>>,
    platforms: HashMap<String, Option<String>>,
}

impl EntryNormaliser<'_> {
    /// The normalisation of one entry, with the host's platform.
    pub fn normalise(&mut self, entry: &InventoryEntry) -> NormalisedEntry {
        let package = is_package_list(self.format, entry);
        let key = EntryKey {
            name: entry.software_name.clone(),
            publisher: entry.publisher.clone(),
            version: entry.version.clone(),
            given_cpe: entry.given_cpe.clone(),
            package_url: entry.package_url.clone(),
            package,
        };
        let normaliser = self.normaliser;
        let normalisation = self
            .memo
            .entry(key)
            .or_insert_with(|| Arc::new(normaliser.normalise_entry(entry, package)))
            .clone();
        let platform = entry.operating_system.as_ref().and_then(|system| {
            self.platforms
                .entry(system.clone())
                .or_insert_with(|| normaliser.platform(system))
                .clone()
        });
        NormalisedEntry {
            source: entry.source.clone(),
            normalisation,
            platform,
        }
    }

    /// How many distinct entries were normalised.
    pub fn distinct_entries(&self) -> usize {
        self.memo.len()
    }
}

/// Mappings officers taught, keyed by [`mapping_key`].
#[derive(Debug, Clone, Default)]
pub struct LearnedMappings {
    mappings: HashMap<String, (ProductKey, MappingScope)>,
}

impl LearnedMappings {
    /// Adds a mapping; an agency mapping wins over a national one for the same name.
    pub fn add(&mut self, key: String, product: ProductKey, scope: MappingScope) {
        match self.mappings.get(&key) {
            Some((_, MappingScope::Agency)) if scope == MappingScope::National => {}
            _ => {
                self.mappings.insert(key, (product, scope));
            }
        }
    }

    /// How many mappings there are.
    pub fn len(&self) -> usize {
        self.mappings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.mappings.is_empty()
    }
}

/// Thresholds of the decision, so that a deployment's choice is explicit.
const CONVERTED_AT: f64 = 0.8;
/// A ranked candidate converts only when it leads the next by this much.
const RANKED_LEAD: f64 = 0.1;
/// Candidates below this score are not shown.
const CANDIDATE_FLOOR: f64 = 0.3;
/// At most this many candidates are listed.
const CANDIDATES: usize = 3;
/// Score of a firmware name built by NVD's convention that the dictionary lists.
const FIRMWARE_LISTED_SCORE: f64 = 0.9;
/// Score of a firmware name built by the convention alone: offered, never converted.
const FIRMWARE_BUILT_SCORE: f64 = 0.5;

/// The normaliser: the alias table, the product dictionary and the learned mappings.
#[derive(Debug, Clone)]
pub struct Normaliser {
    aliases: Aliases,
    dictionary: ProductDictionary,
    learned: LearnedMappings,
    prohibited: ProhibitedList,
}

/// What makes two entries normalise alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct EntryKey {
    name: String,
    publisher: Option<String>,
    version: Option<String>,
    given_cpe: Option<String>,
    package_url: Option<String>,
    package: bool,
}

/// The key a learned mapping is stored under: the name's words without versions, numbers above
/// two digits, editions and noise, and the publisher's vendor (or words), so that the next
/// month's "Foo 2.1" finds what was taught for "Foo 2.0".
pub fn mapping_key(aliases: &Aliases, name: &str, publisher: Option<&str>) -> String {
    let words = aliases.name_words(name);
    let name_part: Vec<&str> = words
        .words
        .iter()
        .filter(|t| identity_word(t))
        .map(|t| t.text.as_str())
        .collect();
    let publisher_part = publisher
        .map(|p| {
            aliases
                .vendor_of_publisher(p)
                .map(|v| v.to_string())
                .unwrap_or_else(|| aliases.publisher_key(p))
        })
        .unwrap_or_default();
    format!("{}|{}", name_part.join(" "), publisher_part)
}

/// Whether a token says which program it is (not which version or edition).
pub(crate) fn identity_word(token: &Token) -> bool {
    match token.kind {
        TokenKind::Version => false,
        TokenKind::Number => token.text.len() <= 2,
        TokenKind::Word => !EDITION_WORDS.contains(&token.text.as_str()),
        TokenKind::Chinese => !EDITION_WORDS.contains(&token.text.as_str()),
    }
}

/// Words that name a part or a packaging of a program rather than another program.
const GENERIC_WORDS: &[&str] = &[
    "update",
    "core",
    "interpreter",
    "runtime",
    "agent",
    "client",
    "server",
    "service",
    "services",
    "security",
    "tools",
    "tool",
    "launcher",
    "component",
    "components",
    "framework",
    "shared",
    "host",
    "hosting",
    "desktop",
    "module",
    "modules",
    "suite",
    "app",
    "application",
    "sdk",
    "redistributable",
    "package",
    "manager",
    "console",
    "engine",
    "library",
    "libraries",
    "language",
    "pack",
    "support",
    "files",
    "documentation",
    "helper",
    "windows",
    "win",
    "pc",
    "system",
    "edition",
    "proofing",
    "help",
    "mui",
];

/// Words that make a name the installer or updater of a program, not the program: a CPE of the
/// program would be wrong for it.
const INSTALLER_WORDS: &[&str] = &[
    "installer",
    "updater",
    "uninstaller",
    "setup",
    "bootstrapper",
    "downloader",
    "安裝程式",
    "更新程式",
];

/// Whether a word left over beside a phrase says the name may be another program.
fn distinguishing_word(token: &Token) -> bool {
    identity_word(token)
        && matches!(token.kind, TokenKind::Word | TokenKind::Chinese)
        && !GENERIC_WORDS.contains(&token.text.as_str())
}

/// Whether an inventory format lists package-manager packages, whose versions carry
/// distribution revisions and whose names are package names.
fn is_package_list(format: InventoryFormat, entry: &InventoryEntry) -> bool {
    match format {
        InventoryFormat::DpkgQuery | InventoryFormat::RpmQuery => true,
        // osquery's deb_packages and rpm_packages rows state an architecture; programs do not.
        InventoryFormat::OsqueryJson => entry.architecture.is_some(),
        _ => false,
    }
}

/// Quotes an unquoted value for a CPE 2.3 formatted string (NISTIR 7695 §6.2.2.2): letters,
/// digits, `_`, `.` and `-` stand as they are, other printable characters take a backslash.
fn formatted_value(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len());
    for c in value.chars() {
        if !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted
}

impl Normaliser {
    /// A normaliser over the alias table and a dictionary (which should hold the table's
    /// products: [`ProductDictionary::from_aliases`]).
    pub fn new(aliases: Aliases, dictionary: ProductDictionary, learned: LearnedMappings) -> Self {
        Normaliser {
            aliases,
            dictionary,
            learned,
            prohibited: ProhibitedList::default(),
        }
    }

    /// The normaliser with a prohibited-software list: rows it matches are flagged.
    pub fn with_prohibited(mut self, list: ProhibitedList) -> Self {
        self.prohibited = list;
        self
    }

    /// The project's alias table and nothing else.
    pub fn builtin() -> Result<Self, crate::InventoryError> {
        let aliases = Aliases::builtin()?;
        let dictionary = ProductDictionary::from_aliases(&aliases);
        Ok(Normaliser::new(
            aliases,
            dictionary,
            LearnedMappings::default(),
        ))
    }

    /// The alias table.
    pub fn aliases(&self) -> &Aliases {
        &self.aliases
    }

    /// The product dictionary.
    pub fn dictionary(&self) -> &ProductDictionary {
        &self.dictionary
    }

    /// The mappings officers taught.
    pub fn learned(&self) -> &LearnedMappings {
        &self.learned
    }

    /// Normalises every entry of an inventory (see [`EntryNormaliser`]).
    pub fn normalise_inventory(&self, inventory: &Inventory) -> Vec<NormalisedEntry> {
        let mut normaliser = self.for_inventory(inventory.format);
        inventory
            .entries
            .iter()
            .map(|entry| normaliser.normalise(entry))
            .collect()
    }

    /// A normaliser for the entries of one inventory in `format`, as they are read.
    pub fn for_inventory(&self, format: InventoryFormat) -> EntryNormaliser<'_> {
        EntryNormaliser {
            normaliser: self,
            format,
            memo: HashMap::new(),
            platforms: HashMap::new(),
        }
    }

    /// The CPE name of an operating-system column ("Windows Server 2019 Standard 10.0.17763"),
    /// when the alias table knows the system confidently.
    pub fn platform(&self, system: &str) -> Option<String> {
        let entry = InventoryEntry::new(
            SourceLocation {
                file: Arc::from(""),
                position: crate::Position::Row(0),
            },
            system.to_owned(),
        );
        let found = self.normalise_entry(&entry, false);
        let is_system = found
            .cpe
            .as_deref()
            .is_some_and(|cpe| cpe.starts_with("cpe:2.3:o:"));
        (found.status == Status::Converted && is_system)
            .then_some(found.cpe)
            .flatten()
    }

    /// Normalises one entry and checks it against the prohibited-software list. `package` says
    /// the entry came from a package manager.
    pub fn normalise_entry(&self, entry: &InventoryEntry, package: bool) -> Normalisation {
        let mut found = self.resolve_entry(entry, package);
        if !self.prohibited.is_empty() && found.status != Status::Invalid {
            let product = found.vendor_product();
            found.prohibited = self.prohibited.check(
                &self.aliases,
                &entry.software_name,
                product.as_ref().map(|(v, p)| (v.as_str(), p.as_str())),
            );
        }
        found
    }

    fn resolve_entry(&self, entry: &InventoryEntry, package: bool) -> Normalisation {
        if let Some(given) = entry.given_cpe.as_deref().filter(|c| !c.trim().is_empty()) {
            return self.given_cpe(given.trim(), entry);
        }
        let name = entry.software_name.trim();
        let mut remarks = Vec::new();
        let mut namespace_publisher = None;
        if let Some(purl) = entry
            .package_url
            .as_deref()
            .filter(|p| !p.trim().is_empty())
        {
            match PackageUrl::parse(purl.trim()) {
                Some(purl) => {
                    if let Some(found) = self.package_url(&purl, entry) {
                        return found;
                    }
                    namespace_publisher = purl.namespace_publisher();
                }
                None => remarks.push(Remark::InvalidPackageUrl {
                    purl: purl.to_owned(),
                }),
            }
        }
        if name.is_empty() {
            return Normalisation::invalid(Remark::MissingName);
        }
        // A Maven group or npm scope names the publisher when the inventory does not.
        let publisher = entry
            .publisher
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .or(namespace_publisher.as_deref());
        let mut found = if package {
            self.package_name(name, entry)
        } else {
            None
        }
        .unwrap_or_else(|| self.by_name(name, publisher, entry.version.as_deref(), package));
        remarks.append(&mut found.remarks);
        found.remarks = remarks;
        found
    }

    fn given_cpe(&self, given: &str, entry: &InventoryEntry) -> Normalisation {
        let invalid = |reason: String| {
            Normalisation::invalid(Remark::InvalidCpe {
                cpe: given.to_owned(),
                reason,
            })
        };
        let mut name = match WellFormedName::parse(given) {
            Ok(name) => name,
            Err(error) => return invalid(error.to_string()),
        };
        let names_product = [Attribute::Part, Attribute::Vendor, Attribute::Product]
            .into_iter()
            .all(|attribute| matches!(name.get(attribute), AttributeValue::Value(v) if !v.has_wildcards()));
        if !names_product {
            return invalid("the CPE must name its part, vendor and product".to_owned());
        }
        let mut remarks = Vec::new();
        let mut version_source = VersionSource::VersionField;
        if matches!(name.get(Attribute::Version), AttributeValue::Any) {
            let filled = entry
                .version
                .as_deref()
                .and_then(versions::leading_version)
                .and_then(|v| AttributeValue::from_wfn(&wfn_value(&v)).ok());
            match filled {
                Some(version) => {
                    if name.set(Attribute::Version, version).is_err() {
                        remarks.push(Remark::VersionUnknown);
                    }
                }
                None => {
                    version_source = VersionSource::Unknown;
                    remarks.push(Remark::VersionUnknown);
                }
            }
        }
        let cpe = name.to_formatted_string();
        Normalisation {
            status: Status::Converted,
            cpe: Some(cpe.clone()),
            confidence: 1.0,
            candidates: vec![Candidate {
                cpe,
                score: 1.0,
                method: Method::GivenCpe,
            }],
            build: None,
            version_source,
            remarks,
            prohibited: None,
        }
    }

    fn package_url(&self, purl: &PackageUrl, entry: &InventoryEntry) -> Option<Normalisation> {
        let qualified = format!("{}/{}", purl.namespace, purl.name);
        // The namespace-qualified name is the more specific (`org.postgresql/postgresql` is the
        // JDBC driver, `postgresql` alone the server's package).
        let product = self
            .aliases
            .package(&qualified)
            .or_else(|| self.aliases.package(&purl.name))?;
        let alias = &self.aliases.products[product];
        let distro = matches!(purl.purl_type.as_str(), "deb" | "rpm" | "apk" | "alpm");
        let field = purl.version.as_deref().or(entry.version.as_deref());
        let method = Method::PackageUrl {
            purl_type: purl.purl_type.clone(),
            package: purl.name.clone(),
        };
        Some(self.decide(
            &alias.key.clone(),
            alias.versioning,
            &VersionContext {
                field,
                words: &[],
                package: distro,
            },
            0.97,
            method,
            Vec::new(),
        ))
    }

    /// A package manager's package name: exactly, or with the suffixes distributions add to
    /// split one project into packages (`libssl3`, `openssh-server`, `httpd-tools`).
    fn package_name(&self, name: &str, entry: &InventoryEntry) -> Option<Normalisation> {
        // dpkg names multi-arch packages `libc6:amd64`.
        let lowered = name.to_ascii_lowercase();
        let lowered = match lowered.split_once(':') {
            Some((package, _)) => package.to_owned(),
            None => lowered,
        };
        let mut tries = vec![lowered.clone()];
        let mut stem = lowered.as_str();
        for suffix in [
            "-bin",
            "-common",
            "-libs",
            "-lib",
            "-devel",
            "-dev",
            "-server",
            "-client",
            "-core",
            "-data",
            "-utils",
            "-tools",
            "-headless",
            "-runtime",
        ] {
            if let Some(cut) = stem.strip_suffix(suffix) {
                stem = cut;
                tries.push(stem.to_owned());
            }
        }
        let without_digits = stem.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        if without_digits.len() >= 3 && without_digits != stem {
            tries.push(without_digits.to_owned());
        }
        if let Some(library) = without_digits.strip_prefix("lib")
            && library.len() >= 3
        {
            tries.push(library.to_owned());
        }
        let (package, product) = tries
            .into_iter()
            .find_map(|t| self.aliases.package(&t).map(|p| (t, p)))?;
        let alias = &self.aliases.products[product];
        let confidence = if package == lowered { 0.97 } else { 0.9 };
        Some(self.decide(
            &alias.key.clone(),
            alias.versioning,
            &VersionContext {
                field: entry.version.as_deref(),
                words: &[],
                package: true,
            },
            confidence,
            Method::Package { package },
            Vec::new(),
        ))
    }

    fn by_name(
        &self,
        name: &str,
        publisher: Option<&str>,
        version: Option<&str>,
        package: bool,
    ) -> Normalisation {
        let words = self.aliases.name_words(name);
        let mut remarks = Vec::new();
        let untranslated = Aliases::untranslated(&words.words);
        let publisher_vendor = publisher.and_then(|p| self.aliases.vendor_of_publisher(p));
        if !self.learned.is_empty() {
            let key = mapping_key(&self.aliases, name, publisher);
            if let Some((product, scope)) = self.learned.mappings.get(&key) {
                let versioning = self
                    .aliases
                    .product_by_key(product)
                    .map_or(Versioning::Dotted, |alias| alias.versioning);
                return self.decide(
                    &product.clone(),
                    versioning,
                    &VersionContext {
                        field: version,
                        words: &words.words,
                        package,
                    },
                    1.0,
                    Method::Learned { scope: *scope },
                    remarks,
                );
            }
        }
        // Editions may stand inside a phrase ("Adobe Acrobat Pro DC"): the phrase is looked up
        // with them and without them, and the longer match wins.
        let plain: Vec<Token> = words
            .words
            .iter()
            .filter(|t| !EDITION_WORDS.contains(&t.text.as_str()))
            .cloned()
            .collect();
        // A version written inside the name ("Microsoft .NET 8.0.1 - Windows Server Hosting")
        // does not split the phrase either; it is kept aside for the version. The phrase found
        // across it is used unless its words after the version are a phrase of their own:
        // "Python 3.10.11 pip Bootstrap" is Python's installer part for pip, two names with a
        // version between, not the one name "Python pip".
        let (bare, inner_versions): (Vec<Token>, Vec<Token>) = plain
            .iter()
            .cloned()
            .partition(|t| t.kind != TokenKind::Version);
        let positions: Vec<usize> = (0..plain.len())
            .filter(|&i| plain[i].kind != TokenKind::Version)
            .collect();
        let with_editions = self.aliases.longest_phrase(&words.words);
        let without_editions = self.aliases.longest_phrase(&plain);
        let without_versions = self
            .aliases
            .longest_phrase(&bare)
            .filter(|found| !self.joins_two_names(&plain, &positions, found));
        let length = |found: &Option<PhraseMatch>| found.as_ref().map_or(0, |f| f.end - f.start);
        let (found, sequence, set_aside) =
            if length(&without_versions) > length(&with_editions).max(length(&without_editions)) {
                (without_versions, &bare, inner_versions.as_slice())
            } else {
                match (with_editions, without_editions) {
                    (Some(a), Some(b)) if b.end - b.start > a.end - a.start => {
                        (Some(b), &plain, &[][..])
                    }
                    (Some(a), _) => (Some(a), &words.words, &[][..]),
                    (None, b) => (b, &plain, &[][..]),
                }
            };
        if let Some(found) = found {
            let alias = &self.aliases.products[found.product];
            // Distributions repackage upstream software under their own name: Red Hat as the
            // publisher of "OpenSSL" does not make it another product.
            let publisher_vendor = publisher_vendor.filter(|v| !self.aliases.distributes(v));
            let publisher_agrees = publisher_vendor
                .as_deref()
                .is_none_or(|vendor| vendor == alias.key.vendor.as_ref());
            let phrase_words = found.end - found.start;
            // A phrase that is a small part of a long name ("Edge" in "Edge Blocker Tool") may
            // be an add-on or a different program, unless the publisher confirms the vendor.
            // Numbers (versions, years) and words that name a part of any program ("Core
            // Interpreter", "Security Agent", "Runtime") do not count against the phrase.
            let unmatched = sequence[..found.start]
                .iter()
                .chain(&sequence[found.end..])
                .filter(|t| distinguishing_word(t) && t.text != alias.key.vendor.as_ref())
                .count();
            let coverage = phrase_words as f64 / (phrase_words + unmatched) as f64;
            let mut confidence: f64 = if publisher_vendor.is_some() && publisher_agrees {
                0.98
            } else {
                0.93
            };
            let installer = sequence[..found.start]
                .iter()
                .chain(&sequence[found.end..])
                .any(|t| INSTALLER_WORDS.contains(&t.text.as_str()));
            if installer {
                confidence = confidence.min(0.6);
            } else if package && coverage < 1.0 {
                // A package name is a name, not a phrase: "util-linux" is not Linux.
                confidence = confidence.min(0.6);
            } else if (coverage < 0.5 || unmatched >= 2)
                && !(publisher_vendor.is_some() && publisher_agrees)
            {
                confidence = 0.6;
            }
            if !publisher_agrees {
                // A whole-name match keeps the alias (a reseller or packager may publish it);
                // a partial one may be another vendor's add-on.
                let whole = coverage >= 1.0 && phrase_words >= 2;
                confidence = confidence.min(if whole { 0.85 } else { 0.6 });
                if let Some(vendor) = &publisher_vendor {
                    remarks.push(Remark::PublisherDisagrees {
                        publisher_vendor: vendor.to_string(),
                    });
                }
            }
            let rest: Vec<Token> = sequence[..found.start]
                .iter()
                .chain(&sequence[found.end..])
                .chain(set_aside)
                .cloned()
                .collect();
            let mut decided = self.decide(
                &alias.key.clone(),
                alias.versioning,
                &VersionContext {
                    field: version,
                    words: &rest,
                    package,
                },
                confidence,
                Method::Alias {
                    phrase: found.phrase.clone(),
                    publisher_agrees,
                },
                remarks,
            );
            if decided.status == Status::Ambiguous && decided.candidates.len() < CANDIDATES {
                let query = ranking_words(&words.words);
                self.add_ranked(&mut decided, &query, publisher_vendor.as_deref(), publisher);
            }
            return decided;
        }
        if !untranslated.is_empty() {
            remarks.push(Remark::Untranslated {
                words: untranslated,
            });
        }
        let query = ranking_words(&words.words);
        let publisher_words = publisher
            .map(|p| {
                self.aliases
                    .publisher_key(p)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let ranked = self.dictionary.rank(
            &query,
            publisher_vendor.as_deref(),
            &publisher_words,
            None,
            CANDIDATES + 1,
        );
        let mut candidates = Vec::new();
        for product in ranked.iter().filter(|p| p.score >= CANDIDATE_FLOOR) {
            let versioning = self
                .aliases
                .product_by_key(&product.key)
                .map_or(Versioning::Dotted, |alias| alias.versioning);
            let method = Method::Ranked {
                shared_words: product.shared_words.clone(),
                vendor_matched: product.vendor_matched,
                source: product.source,
            };
            let context = VersionContext {
                field: version,
                words: &words.words,
                package,
            };
            candidates.push((
                product.score,
                product.key.clone(),
                versioning,
                method,
                context,
            ));
        }
        if let Some((key, model)) =
            self.firmware_product(name, &words.words, publisher_vendor.as_deref())
        {
            // The convention decides the product's name; ranking may have found the same
            // product by its words, with a lower score.
            candidates.retain(|c| c.1 != key);
            let listed = self.dictionary.contains(&key);
            let context = VersionContext {
                field: version,
                words: &words.words,
                package,
            };
            let method = Method::FirmwareConvention { model, listed };
            // A name NVD lists is confirmed; one built by the convention alone is only offered.
            let score = if listed {
                FIRMWARE_LISTED_SCORE
            } else {
                FIRMWARE_BUILT_SCORE
            };
            candidates.push((score, key, Versioning::Dotted, method, context));
            candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        }
        let Some((top, key, versioning, method, context)) = candidates.first() else {
            remarks.push(Remark::NoCandidate);
            return Normalisation::unconverted(remarks);
        };
        let second = candidates.get(1).map_or(0.0, |c| c.0);
        let leads = top - second >= RANKED_LEAD;
        let confidence = if leads {
            *top
        } else {
            top.min(CONVERTED_AT - 0.01)
        };
        let mut decided = self.decide(
            key,
            *versioning,
            context,
            confidence,
            method.clone(),
            remarks,
        );
        for (score, key, versioning, method, context) in candidates.iter().skip(1) {
            if decided.candidates.len() >= CANDIDATES {
                break;
            }
            let other = self.decide(
                key,
                *versioning,
                context,
                *score,
                method.clone(),
                Vec::new(),
            );
            if let Some(candidate) = other.candidates.into_iter().next() {
                decided.candidates.push(candidate);
            }
        }
        decided
    }

    /// The firmware product NVD's convention names for a device's firmware entry ("Zyxel
    /// ATP500 Firmware", "合勤 USG FLEX 200 韌體"): the vendor from the publisher or the name's
    /// first word, the model from the name's other words as written (NVD keeps `atp500` whole
    /// and joins `usg flex 200` with underscores), at least one of them holding a digit as model
    /// numbers do. Versions, bracketed notes and Chinese words are not part of the model.
    fn firmware_product(
        &self,
        name: &str,
        words: &[Token],
        publisher_vendor: Option<&str>,
    ) -> Option<(ProductKey, String)> {
        if !words.iter().any(|t| t.text == "firmware") {
            return None;
        }
        let written: Vec<&str> = name.split_whitespace().collect();
        let named_vendor = written
            .first()
            .and_then(|word| self.aliases.vendor_of_publisher(word));
        let vendor = publisher_vendor
            .filter(|v| !self.aliases.distributes(v))
            .map(Arc::from)
            .or(named_vendor.clone())?;
        let model: Vec<String> = written
            .iter()
            .enumerate()
            .filter(|(index, word)| {
                let version = word.contains('.')
                    || (word.starts_with(['v', 'V'])
                        && word[1..].bytes().all(|b| b.is_ascii_digit()));
                let vendor_word = *index == 0 && named_vendor.is_some();
                let note = word.starts_with(['(', '-']) || !word.is_ascii();
                !(vendor_word || note || version || word.eq_ignore_ascii_case("firmware"))
            })
            .map(|(_, word)| word.to_ascii_lowercase())
            .filter(|word| word != vendor.as_ref())
            .collect();
        if !model.iter().any(|w| w.bytes().any(|b| b.is_ascii_digit())) {
            return None;
        }
        let model = model.join("_");
        let key = ProductKey::new(Part::OperatingSystem, &vendor, &format!("{model}_firmware"))?;
        Some((key, model))
    }

    /// Whether a phrase found in `bare` (the name's words without versions) has, after the last
    /// version it spans in `plain` (the words with them), words that are a phrase of the table
    /// on their own. `positions` gives each bare word's index in `plain`.
    fn joins_two_names(&self, plain: &[Token], positions: &[usize], found: &PhraseMatch) -> bool {
        let (first, last) = (positions[found.start], positions[found.end - 1]);
        let Some(version) = (first..last)
            .rev()
            .find(|&i| plain[i].kind == TokenKind::Version)
        else {
            return false;
        };
        let tail: Vec<Token> = plain[version..=last]
            .iter()
            .filter(|t| t.kind != TokenKind::Version)
            .cloned()
            .collect();
        self.aliases
            .longest_phrase(&tail)
            .is_some_and(|part| part.start == 0 && part.end == tail.len())
    }

    fn add_ranked(
        &self,
        decided: &mut Normalisation,
        query: &[String],
        vendor: Option<&str>,
        publisher: Option<&str>,
    ) {
        let publisher_words: Vec<String> = publisher
            .map(|p| self.aliases.publisher_key(p))
            .unwrap_or_default()
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        for product in self
            .dictionary
            .rank(query, vendor, &publisher_words, None, CANDIDATES)
        {
            if decided.candidates.len() >= CANDIDATES || product.score < CANDIDATE_FLOOR {
                break;
            }
            let prefix = format!("cpe:2.3:{}:", product.key);
            if decided
                .candidates
                .iter()
                .any(|c| c.cpe.starts_with(&prefix))
            {
                continue;
            }
            if let Some(cpe) = build_cpe(&product.key, &ResolvedVersion::default()) {
                decided.candidates.push(Candidate {
                    cpe,
                    score: round(product.score.min(decided.confidence)),
                    method: Method::Ranked {
                        shared_words: product.shared_words,
                        vendor_matched: product.vendor_matched,
                        source: product.source,
                    },
                });
            }
        }
    }

    /// Resolves the version for a product and decides the status from the confidence.
    fn decide(
        &self,
        key: &ProductKey,
        versioning: Versioning,
        context: &VersionContext<'_>,
        confidence: f64,
        method: Method,
        mut remarks: Vec<Remark>,
    ) -> Normalisation {
        let alias = self.aliases.product_by_key(key);
        let mut resolved = versions::resolve(
            versioning,
            &VersionInput {
                field: context.field,
                name_words: context.words,
                package: context.package,
                product: &key.product,
                years: alias.map_or(&[], |a| a.years.as_slice()),
            },
        );
        if let (Some(spelling), Some(field)) =
            (alias.and_then(|a| a.update_words.as_ref()), context.field)
            && let Some((version, update)) = versions::written_update(field, spelling)
        {
            resolved.build = versions::leading_version(field).filter(|b| *b != version);
            resolved.version = Some(version);
            resolved.update = Some(update);
            resolved.source = VersionSource::VersionField;
        }
        if let Some(fixed) = alias.and_then(|a| a.fixed_version.clone()) {
            resolved.build = resolved.version.take().or(resolved.build.take());
            resolved.version = Some(fixed);
            resolved.alternatives.clear();
        }
        if let (Some(alias), Some(version)) = (alias, resolved.version.clone())
            && let Some(release) = versions::by_prefix(&alias.releases, &version)
        {
            resolved.build = Some(version);
            resolved.version = Some(release.clone());
        }
        if let Some(alias) = alias
            && resolved.update.is_none()
            && let Some(build) = resolved.build.clone().or(resolved.version.clone())
            && let Some(update) = versions::update_of_build(&alias.build_updates, &build)
            && build_fits_release(alias, &build, resolved.version.as_deref())
        {
            remarks.push(Remark::UpdateOfBuild {
                build,
                update: update.clone(),
            });
            resolved.update = Some(update);
        }
        let components = alias.and_then(|a| a.components);
        if let (Some(limit), Some(version)) = (components, resolved.version.as_mut()) {
            let parts: Vec<&str> = version.split('.').collect();
            if parts.len() > limit {
                *version = parts[..limit].join(".");
            }
        }
        if let (Some(alias), Some(version)) = (alias, resolved.version.as_deref())
            && resolved.product.is_none()
            && let Some(product) = versions::by_prefix(&alias.products_by_version, version)
        {
            remarks.push(Remark::ProductOfVersion {
                version: version.to_owned(),
                product: product.clone(),
            });
            resolved.product = Some(product.clone());
        }
        let mut candidates = Vec::new();
        let mut confidence = confidence;
        if resolved.version.is_none()
            && resolved.product.is_none()
            && !resolved.alternatives.is_empty()
        {
            remarks.push(Remark::VersionAmbiguous);
            confidence = confidence.min(0.5);
            for alternative in resolved.alternatives.iter().rev().take(CANDIDATES) {
                let option = if alternative.starts_with(key.product.as_ref())
                    && alternative.len() > key.product.len()
                {
                    ResolvedVersion {
                        product: Some(alternative.clone()),
                        ..resolved.clone()
                    }
                } else {
                    ResolvedVersion {
                        version: Some(alternative.clone()),
                        ..resolved.clone()
                    }
                };
                if let Some(cpe) = build_cpe(key, &option) {
                    candidates.push(Candidate {
                        cpe,
                        score: round(confidence),
                        method: method.clone(),
                    });
                }
            }
        } else {
            if resolved.version.is_none() {
                remarks.push(Remark::VersionUnknown);
            }
            let cpe = match build_cpe(key, &resolved) {
                Some(cpe) => cpe,
                None => {
                    remarks.push(Remark::VersionNotUsable {
                        version: resolved.version.clone().unwrap_or_default(),
                    });
                    let without = ResolvedVersion {
                        product: resolved.product.clone(),
                        ..ResolvedVersion::default()
                    };
                    match build_cpe(key, &without) {
                        Some(cpe) => cpe,
                        None => {
                            return Normalisation::unconverted(remarks);
                        }
                    }
                }
            };
            candidates.push(Candidate {
                cpe,
                score: round(confidence),
                method,
            });
        }
        let status = if candidates.is_empty() {
            Status::Unconverted
        } else if confidence >= CONVERTED_AT && candidates.len() == 1 {
            Status::Converted
        } else {
            Status::Ambiguous
        };
        Normalisation {
            status,
            cpe: (status == Status::Converted).then(|| candidates[0].cpe.clone()),
            confidence: round(confidence),
            candidates,
            build: resolved.build.clone(),
            version_source: resolved.source,
            remarks,
            prohibited: None,
        }
    }
}

/// Whether a build can carry an update of the release the name states: Office 14.0.7015 is
/// SP2 of 2010, not of a "2013" the name says (the entry is then inconsistent and the update is
/// left open rather than guessed).
fn build_fits_release(alias: &aliases::ProductAlias, build: &str, release: Option<&str>) -> bool {
    match (versions::by_prefix(&alias.years, build), release) {
        (Some(years), Some(release)) => years.iter().any(|y| y == release),
        _ => true,
    }
}

struct VersionContext<'a> {
    field: Option<&'a str>,
    words: &'a [Token],
    package: bool,
}

fn round(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}

/// A name's words as ranking compares them: no versions, editions or untranslated Chinese.
fn ranking_words(words: &[Token]) -> Vec<String> {
    words
        .iter()
        .filter(|t| identity_word(t) && t.kind != TokenKind::Chinese)
        .map(|t| t.text.clone())
        .collect()
}

/// Writes an unquoted value in WFN form (NISTIR 7695 §5.3.2: punctuation quoted).
fn wfn_value(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len());
    for c in value.chars() {
        if !(c.is_ascii_alphanumeric() || c == '_') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted
}

/// The CPE 2.3 formatted string of a product and resolved version, checked by parsing it
/// back; `None` when a value cannot stand in a CPE name.
fn build_cpe(key: &ProductKey, resolved: &ResolvedVersion) -> Option<String> {
    let product = resolved.product.as_deref().unwrap_or(&key.product);
    let value = |value: Option<&str>| match value {
        None => "*".to_owned(),
        Some("-") => "-".to_owned(),
        Some(value) => formatted_value(&value.to_ascii_lowercase()),
    };
    let cpe = format!(
        "cpe:2.3:{}:{}:{}:{}:{}:*:*:*:*:*:*",
        key.part.letter(),
        formatted_value(&key.vendor),
        formatted_value(product),
        value(resolved.version.as_deref()),
        value(resolved.update.as_deref()),
    );
    let parsed = WellFormedName::parse(&cpe).ok()?;
    Some(parsed.to_formatted_string())
}

/// The parts of a package URL the normaliser uses (purl specification: `pkg:type/namespace/
/// name@version?qualifiers#subpath`, components percent-encoded).
#[derive(Debug, Clone, PartialEq, Eq)]
struct PackageUrl {
    purl_type: String,
    namespace: String,
    name: String,
    version: Option<String>,
}

impl PackageUrl {
    fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix("pkg:")?;
        let rest = rest.split('#').next()?;
        let rest = rest.split('?').next()?;
        let (path, version) = match rest.rsplit_once('@') {
            Some((path, version)) => (path, Some(percent_decode(version)?)),
            None => (rest, None),
        };
        let mut segments = path.trim_matches('/').split('/');
        let purl_type = segments.next()?.to_ascii_lowercase();
        let parts: Vec<&str> = segments.collect();
        let (name, namespace) = parts.split_last()?;
        let name = percent_decode(name)?;
        if purl_type.is_empty() || name.is_empty() {
            return None;
        }
        let namespace = namespace
            .iter()
            .map(|segment| percent_decode(segment))
            .collect::<Option<Vec<_>>>()?
            .join("/");
        Some(PackageUrl {
            purl_type,
            namespace,
            name,
            version: version.filter(|v| !v.is_empty()),
        })
    }
}

impl PackageUrl {
    /// The namespace as publisher words: `org.apache.commons` → "apache commons", `@angular`
    /// → "angular"; reverse-domain prefixes say nothing about the vendor.
    fn namespace_publisher(&self) -> Option<String> {
        let words: Vec<&str> = self
            .namespace
            .split(['.', '/', '@'])
            .filter(|w| {
                !w.is_empty() && !matches!(*w, "org" | "com" | "net" | "io" | "dev" | "github")
            })
            .collect();
        (!words.is_empty()).then(|| words.join(" "))
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = text.get(at + 1..at + 3)?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

#[cfg(test)]
mod tests;
