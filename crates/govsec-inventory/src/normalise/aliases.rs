//! The alias dictionary: how inventories write publishers and products, in zh-TW and English,
//! mapped to the CPE vendor and product NVD uses. The project's own table ships in
//! `data/aliases.toml`; a deployment may add its own file of the same shape. Names from both
//! sides go through the same folding, segmentation and translation ([`Words`]), so that the
//! lookup compares like with like.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::versions::{UpdateWords, Versioning};
use super::words::{self, COMPANY_WORDS, ChineseLexicon, NameWords, Token, TokenKind};
use crate::InventoryError;

/// The project's alias table: programs, systems and distribution packages.
const BUILTIN_ALIASES: &str = include_str!("../../data/aliases.toml");
/// Its second part: libraries and frameworks as SBOMs name them by package URL.
const BUILTIN_LIBRARIES: &str = include_str!("../../data/libraries.toml");

/// The CPE part: application, operating system or hardware (NISTIR 7695 §5.3.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Part {
    /// `a`
    #[serde(rename = "a")]
    Application,
    /// `o`
    #[serde(rename = "o")]
    OperatingSystem,
    /// `h`
    #[serde(rename = "h")]
    Hardware,
}

impl Part {
    /// The one-letter CPE value.
    pub fn letter(self) -> &'static str {
        match self {
            Part::Application => "a",
            Part::OperatingSystem => "o",
            Part::Hardware => "h",
        }
    }

    /// The part for its CPE letter.
    pub fn from_letter(letter: &str) -> Option<Self> {
        match letter {
            "a" => Some(Part::Application),
            "o" => Some(Part::OperatingSystem),
            "h" => Some(Part::Hardware),
            _ => None,
        }
    }
}

/// A CPE part, vendor and product, unquoted as NVD writes them (`microsoft`, `visual_c++`):
/// what the normaliser decides before it adds the version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ProductKey {
    /// Application, operating system or hardware.
    pub part: Part,
    /// CPE vendor.
    pub vendor: Arc<str>,
    /// CPE product.
    pub product: Arc<str>,
}

impl ProductKey {
    /// A key from its parts; `None` when vendor or product is empty or not printable ASCII
    /// (a CPE value cannot hold it).
    pub fn new(part: Part, vendor: &str, product: &str) -> Option<Self> {
        let valid = |value: &str| {
            !value.is_empty()
                && value
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !matches!(b, b'*' | b'?' | b':'))
        };
        (valid(vendor) && valid(product)).then(|| ProductKey {
            part,
            vendor: Arc::from(vendor.to_ascii_lowercase()),
            product: Arc::from(product.to_ascii_lowercase()),
        })
    }
}

impl ProductKey {
    /// The part, vendor and product of a CPE 2.3 name an officer picked or typed; `None` when
    /// it does not parse or leaves one of the three open (ANY, NA or a wildcard).
    pub fn from_cpe(cpe: &str) -> Option<Self> {
        let name = govsec_cpe::WellFormedName::parse(cpe.trim()).ok()?;
        let value = |attribute| {
            name.get(attribute)
                .as_value()
                .filter(|v| !v.has_wildcards())
                .map(|v| v.unquoted())
        };
        ProductKey::new(
            Part::from_letter(&value(govsec_cpe::Attribute::Part)?)?,
            &value(govsec_cpe::Attribute::Vendor)?,
            &value(govsec_cpe::Attribute::Product)?,
        )
    }
}

impl fmt::Display for ProductKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.part.letter(), self.vendor, self.product)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasFile {
    #[serde(default)]
    vendor: Vec<VendorBlock>,
    #[serde(default)]
    product: Vec<ProductBlock>,
    #[serde(default)]
    term: Vec<TermBlock>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorBlock {
    vendor: String,
    names: Vec<String>,
    #[serde(default)]
    distributes: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductBlock {
    part: Part,
    vendor: String,
    product: String,
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    packages: Vec<String>,
    #[serde(default)]
    versioning: Versioning,
    #[serde(default)]
    components: Option<usize>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    releases: HashMap<String, String>,
    #[serde(default)]
    years: HashMap<String, Vec<String>>,
    #[serde(default)]
    build_updates: HashMap<String, String>,
    #[serde(default)]
    update_words: Vec<String>,
    #[serde(default)]
    update_format: Option<String>,
    #[serde(default)]
    products: HashMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TermBlock {
    zh: String,
    en: String,
}

/// One product of the alias table.
#[derive(Debug, Clone)]
pub(crate) struct ProductAlias {
    pub(crate) key: ProductKey,
    pub(crate) versioning: Versioning,
    /// The most dot-separated parts NVD writes in this product's versions, when installers
    /// register longer ones (Python's installer registers 3.12.1150.0 for 3.12.1).
    pub(crate) components: Option<usize>,
    /// The one version NVD writes for every build of this product (Trend Micro Apex One's
    /// on-premises agent is `apex_one:2019` whatever its build).
    pub(crate) fixed_version: Option<String>,
    /// Release names NVD writes for version prefixes (OfficeScan 12.0 is `xg`, Oracle
    /// Database 19 is `19c`), longest prefix first.
    pub(crate) releases: Vec<(String, String)>,
    /// The release years a build's prefix belongs to, for products NVD versions by year
    /// (Office 15.x is 2013; 16.x is 2016, 2019, 2021 or 2024), longest prefix first.
    pub(crate) years: Vec<(String, Vec<String>)>,
    /// The first build of each update NVD names (Office 2010 SP2 is 14.0.7015): a later build
    /// of the same line carries the update of the last first build it reached.
    pub(crate) build_updates: Vec<(Vec<u64>, String)>,
    /// How the version column writes an update ("7.0 Update 3o", "build 20231128") and how
    /// NVD writes it in the update attribute (`update_3o`, `build_20231128`).
    pub(crate) update_words: Option<UpdateWords>,
    /// The CPE product NVD files some versions under (.NET Core 3.1 is `.net_core`, .NET 5 and
    /// later `.net`), by version prefix, longest first.
    pub(crate) products_by_version: Vec<(String, String)>,
    /// Each name's words, for ranking by similarity.
    pub(crate) names: Vec<Vec<String>>,
}

/// The alias table, compiled for lookup.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    pub(crate) products: Vec<ProductAlias>,
    /// Phrase key → product index.
    phrases: HashMap<String, usize>,
    longest_phrase: usize,
    /// Publisher phrase key → CPE vendor.
    vendors: HashMap<String, Arc<str>>,
    /// Vendors that publish other projects' software under their own name.
    distributors: HashSet<Arc<str>>,
    /// Exact package name → product index.
    packages: HashMap<String, usize>,
    /// Product key → its first block.
    by_key: HashMap<ProductKey, usize>,
    /// Chinese word → the English words it stands for (terms, and Chinese vendor names).
    translations: HashMap<String, Vec<Token>>,
    lexicon: ChineseLexicon,
    /// Every word of every phrase, so that a glued word the table does not know ("java8") can be
    /// cut into its letters and digits.
    vocabulary: HashSet<String>,
}

/// A phrase of a name that the alias table knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhraseMatch {
    pub(crate) product: usize,
    /// The phrase as the table keys it.
    pub(crate) phrase: String,
    /// Token positions `[start, end)` in the name's words.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Aliases {
    /// The project's table.
    pub fn builtin() -> Result<Self, InventoryError> {
        let mut aliases = Self::from_toml("aliases.toml", BUILTIN_ALIASES)?;
        aliases.extend_from_toml("libraries.toml", BUILTIN_LIBRARIES)?;
        Ok(aliases)
    }

    /// Parses an alias file (the shape of `data/aliases.toml`); `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, InventoryError> {
        let mut aliases = Aliases::default();
        aliases.extend_from_toml(file, text)?;
        Ok(aliases)
    }

    /// Adds another file's entries; a phrase the table already maps to another product is an
    /// error that names both, since one phrase cannot mean two programs.
    pub fn extend_from_toml(&mut self, file: &str, text: &str) -> Result<(), InventoryError> {
        let error = |reason: String| InventoryError::AliasFile {
            file: Arc::from(file),
            reason,
        };
        let parsed: AliasFile = toml::from_str(text).map_err(|e| error(e.to_string()))?;
        for vendor in &parsed.vendor {
            vendor.names.iter().for_each(|name| self.lexicon.add(name));
        }
        for product in &parsed.product {
            product.names.iter().for_each(|name| self.lexicon.add(name));
        }
        for term in &parsed.term {
            self.lexicon.add(&term.zh);
        }
        for word in words::noise_lexicon().chain(COMPANY_WORDS.iter().copied()) {
            self.lexicon.add(word);
        }
        for term in &parsed.term {
            let english = words::tokenize(&term.en, &self.lexicon);
            self.translations.insert(words::fold(&term.zh), english);
        }
        for block in &parsed.vendor {
            let vendor: Arc<str> = Arc::from(block.vendor.to_ascii_lowercase());
            if ProductKey::new(Part::Application, &vendor, "x").is_none() {
                return Err(error(format!(
                    "vendor {:?} is not a CPE value",
                    block.vendor
                )));
            }
            if block.distributes {
                self.distributors.insert(vendor.clone());
            }
            let english = block
                .names
                .iter()
                .find(|name| name.is_ascii())
                .map(|name| company_stripped(words::tokenize(name, &self.lexicon)))
                .unwrap_or_else(|| words::tokenize(&vendor.replace('_', " "), &self.lexicon));
            for name in &block.names {
                if !name.is_ascii() {
                    let folded = words::fold(name);
                    let chinese: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
                    self.translations.insert(chinese, english.clone());
                }
            }
            for name in block.names.iter().chain(std::iter::once(&block.vendor)) {
                let key = self.publisher_key(name);
                if key.is_empty() {
                    continue;
                }
                match self.vendors.get(&key) {
                    Some(existing) if **existing != *vendor => {
                        return Err(error(format!(
                            "publisher {name:?} is listed for vendors {existing} and {vendor}"
                        )));
                    }
                    _ => {
                        self.vendors.insert(key, vendor.clone());
                    }
                }
            }
        }
        for block in parsed.product {
            let key =
                ProductKey::new(block.part, &block.vendor, &block.product).ok_or_else(|| {
                    error(format!(
                        "{}:{} is not a CPE vendor and product",
                        block.vendor, block.product
                    ))
                })?;
            if block.names.is_empty() && block.packages.is_empty() {
                return Err(error(format!("{key}: neither names nor packages")));
            }
            let index = self.products.len();
            let mut names = Vec::new();
            for name in &block.names {
                let words = self.name_words(name);
                let phrase = words::phrase_key(&words.words);
                if phrase.is_empty() {
                    return Err(error(format!("{key}: the name {name:?} has no words")));
                }
                if let Some(&other) = self.phrases.get(&phrase)
                    && other != index
                    && self.products[other].key != key
                {
                    return Err(error(format!(
                        "the name {name:?} is listed for {} and {key}",
                        self.products[other].key
                    )));
                }
                self.longest_phrase = self.longest_phrase.max(words.words.len());
                self.vocabulary
                    .extend(words.words.iter().map(|t| t.text.clone()));
                self.phrases.insert(phrase, index);
                names.push(words.words.iter().map(|t| t.text.clone()).collect());
            }
            for package in &block.packages {
                let package = package.to_ascii_lowercase();
                if let Some(&other) = self.packages.get(&package)
                    && other != index
                    && self.products[other].key != key
                {
                    return Err(error(format!(
                        "the package {package:?} is listed for {} and {key}",
                        self.products[other].key
                    )));
                }
                self.packages.insert(package, index);
            }
            let mut build_updates = Vec::new();
            for (build, update) in block.build_updates {
                let parts: Option<Vec<u64>> = build.split('.').map(|p| p.parse().ok()).collect();
                match parts {
                    Some(parts) if parts.len() >= 2 && !update.trim().is_empty() => {
                        build_updates.push((parts, update.trim().to_ascii_lowercase()));
                    }
                    _ => {
                        return Err(error(format!(
                            "{key}: build_updates needs dotted builds of two parts or more and \
                             an update, not {build:?} = {update:?}"
                        )));
                    }
                }
            }
            build_updates.sort();
            let update_words = match (block.update_words.is_empty(), block.update_format) {
                (true, None) => None,
                (false, Some(format)) if format.contains("{}") => Some(UpdateWords {
                    words: block
                        .update_words
                        .iter()
                        .map(|w| w.trim().to_ascii_lowercase())
                        .collect(),
                    format: format.to_ascii_lowercase(),
                }),
                _ => {
                    return Err(error(format!(
                        "{key}: update_words and update_format go together, and the format \
                         holds {{}} where the update goes"
                    )));
                }
            };
            for product in block.products.values() {
                if ProductKey::new(block.part, &block.vendor, product).is_none() {
                    return Err(error(format!("{key}: {product:?} is not a CPE product")));
                }
            }
            self.by_key.entry(key.clone()).or_insert(index);
            self.products.push(ProductAlias {
                key,
                versioning: block.versioning,
                components: block.components.filter(|&n| n > 0),
                fixed_version: block.version.filter(|v| !v.trim().is_empty()),
                releases: longest_prefix_first(block.releases),
                years: longest_prefix_first(block.years),
                build_updates,
                update_words,
                products_by_version: longest_prefix_first(block.products),
                names,
            });
        }
        Ok(())
    }

    /// A name's words: tokenised, Chinese words translated, noise sorted out.
    pub(crate) fn name_words(&self, name: &str) -> NameWords {
        let tokens = words::tokenize(name, &self.lexicon);
        let mut translated = Vec::with_capacity(tokens.len());
        for token in tokens {
            match (token.kind, self.translations.get(&token.text)) {
                (TokenKind::Chinese, Some(english)) => translated.extend(english.iter().cloned()),
                (TokenKind::Word, _) if !self.vocabulary.contains(&token.text) => {
                    translated.extend(words::split_glued(token));
                }
                _ => translated.push(token),
            }
        }
        words::sort_words(translated)
    }

    /// The key a publisher name is looked up by: its words without company forms.
    pub(crate) fn publisher_key(&self, publisher: &str) -> String {
        let words = self.name_words(publisher);
        words::phrase_key(&company_stripped(words.words))
    }

    /// Whether the vendor publishes other projects' software under its own name, so that it
    /// as a publisher says nothing about a product's vendor.
    pub(crate) fn distributes(&self, vendor: &str) -> bool {
        self.distributors.contains(vendor)
    }

    /// The CPE vendor a publisher name stands for, if the table knows it.
    pub(crate) fn vendor_of_publisher(&self, publisher: &str) -> Option<Arc<str>> {
        let key = self.publisher_key(publisher);
        self.vendors.get(&key).cloned()
    }

    /// The longest phrase of `words` the table knows (earliest first among equals).
    pub(crate) fn longest_phrase(&self, words: &[Token]) -> Option<PhraseMatch> {
        let mut best: Option<PhraseMatch> = None;
        for start in 0..words.len() {
            let longest = self.longest_phrase.min(words.len() - start);
            for end in (start + 1..=start + longest).rev() {
                if best
                    .as_ref()
                    .is_some_and(|b| b.end - b.start >= end - start)
                {
                    break;
                }
                let phrase = words::phrase_key(&words[start..end]);
                if let Some(&product) = self.phrases.get(&phrase) {
                    best = Some(PhraseMatch {
                        product,
                        phrase,
                        start,
                        end,
                    });
                    break;
                }
            }
        }
        best
    }

    /// The product an exact package name belongs to.
    pub(crate) fn package(&self, name: &str) -> Option<usize> {
        self.packages.get(&name.to_ascii_lowercase()).copied()
    }

    /// The alias product with this key.
    pub(crate) fn product_by_key(&self, key: &ProductKey) -> Option<&ProductAlias> {
        self.by_key.get(key).map(|&index| &self.products[index])
    }

    /// How many products, publisher names and phrases the table holds.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.products.len(), self.vendors.len(), self.phrases.len())
    }

    /// Chinese words left untranslated in a name's words: they cannot match a CPE name.
    pub(crate) fn untranslated(words: &[Token]) -> Vec<String> {
        words
            .iter()
            .filter(|t| t.kind == TokenKind::Chinese)
            .map(|t| t.text.clone())
            .collect()
    }
}

/// A table keyed by version prefix, ordered so that the first prefix a version has is the
/// most specific one (Exchange 15.2 before 15).
fn longest_prefix_first<T: Ord>(table: HashMap<String, T>) -> Vec<(String, T)> {
    let mut table: Vec<(String, T)> = table.into_iter().collect();
    table.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
    table
}

fn company_stripped(tokens: Vec<Token>) -> Vec<Token> {
    let kept: Vec<Token> = tokens
        .iter()
        .filter(|t| !COMPANY_WORDS.contains(&t.text.as_str()))
        .cloned()
        .collect();
    if kept.is_empty() { tokens } else { kept }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
[[vendor]]
vendor = "microsoft"
names = ["Microsoft Corporation", "微軟", "台灣微軟"]

[[vendor]]
vendor = "trendmicro"
names = ["Trend Micro Inc.", "趨勢科技"]

[[product]]
part = "a"
vendor = "microsoft"
product = "office"
names = ["Microsoft Office", "微軟 Office"]
versioning = "year"

[[product]]
part = "a"
vendor = "microsoft"
product = "word"
names = ["Microsoft Office Word", "Microsoft Word"]
versioning = "year"

[[product]]
part = "a"
vendor = "trendmicro"
product = "apex_one"
names = ["Trend Micro Apex One", "Apex One"]
packages = ["ds_agent"]

[[term]]
zh = "防毒"
en = "antivirus"
"#;

    #[test]
    fn the_builtin_table_loads() {
        let aliases = Aliases::builtin().expect("data/aliases.toml loads");
        let (products, vendors, phrases) = aliases.counts();
        assert!(products >= 300, "{products} products");
        assert!(vendors >= 120, "{vendors} publisher names");
        assert!(phrases >= products);
    }

    #[test]
    fn the_longest_phrase_wins_and_chinese_vendors_translate() {
        let aliases = Aliases::from_toml("small.toml", SMALL).unwrap();
        let words = aliases.name_words("Microsoft Office Word 2016 (x64)");
        let found = aliases.longest_phrase(&words.words).unwrap();
        assert_eq!(aliases.products[found.product].key.product.as_ref(), "word");
        let words = aliases.name_words("趨勢科技 Apex One 防毒");
        let found = aliases.longest_phrase(&words.words).unwrap();
        assert_eq!(found.phrase, "trend micro apex one");
        assert_eq!(words.words.last().unwrap().text, "antivirus");
    }

    #[test]
    fn publishers_match_without_company_forms() {
        let aliases = Aliases::from_toml("small.toml", SMALL).unwrap();
        for publisher in [
            "Microsoft Corporation",
            "Microsoft Corp.",
            "微軟",
            "台灣微軟公司",
            "台灣微軟股份有限公司",
        ] {
            assert_eq!(
                aliases.vendor_of_publisher(publisher).as_deref(),
                Some("microsoft"),
                "{publisher}"
            );
        }
        assert_eq!(aliases.package("DS_AGENT"), Some(2));
    }

    #[test]
    fn a_phrase_for_two_products_is_refused_with_both_named() {
        let text = format!(
            "{SMALL}\n[[product]]\npart = \"a\"\nvendor = \"other\"\nproduct = \"office\"\nnames = [\"Microsoft Office\"]\n"
        );
        let error = Aliases::from_toml("clash.toml", &text)
            .unwrap_err()
            .to_string();
        assert!(error.contains("clash.toml"), "{error}");
        assert!(
            error.contains("a:microsoft:office") && error.contains("a:other:office"),
            "{error}"
        );
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        for text in [
            "[[product]]\npart = \"x\"\nvendor = \"a\"\nproduct = \"b\"\nnames = [\"B\"]",
            "[[product]]\npart = \"a\"\nvendor = \"a b\"\nproduct = \"b\"\nnames = [\"B\"]",
            "[[vendor]]\nvendor = \"a\"\nnames = []\nunknown = 1",
            "[[product]]\npart = \"a\"\nvendor = \"a\"\nproduct = \"b\"\nnames = [\"B\"]\nbuild_updates = { \"7015\" = \"sp2\" }",
            "[[product]]\npart = \"a\"\nvendor = \"a\"\nproduct = \"b\"\nnames = [\"B\"]\nbuild_updates = { \"14.x\" = \"sp2\" }",
            "[[product]]\npart = \"a\"\nvendor = \"a\"\nproduct = \"b\"\nnames = [\"B\"]\nupdate_words = [\"update\"]",
            "[[product]]\npart = \"a\"\nvendor = \"a\"\nproduct = \"b\"\nnames = [\"B\"]\nupdate_words = [\"u\"]\nupdate_format = \"update\"",
            "[[product]]\npart = \"a\"\nvendor = \"a\"\nproduct = \"b\"\nnames = [\"B\"]\nproducts = { \"3\" = \"b c\" }",
            "not toml",
        ] {
            let error = Aliases::from_toml("mine.toml", text)
                .unwrap_err()
                .to_string();
            assert!(error.starts_with("mine.toml"), "{error}");
        }
    }
}
