//! Ranking names the alias table does not know against the CPE product dictionary: every
//! vendor/product pair of the imported vulnerability data, NVD's official CPE dictionary when
//! the user imports it, and the alias table's own products and names. A name's words are
//! compared with each product's words (the product split at `_` and `-`, and the alias names),
//! weighted by how rare each word is across the dictionary, so that "server" or "client" count
//! little and "filezilla" counts a lot; the publisher, when it names the candidate's vendor,
//! adds to the score. Words glued together on one side and apart on the other ("win rar",
//! `winrar`) are compared by their concatenation too.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;

use super::aliases::{Aliases, Part, ProductKey};

/// Where a dictionary product came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DictionarySource {
    /// The alias table.
    Alias,
    /// The vulnerability data's applicability (NVD configurations, CVE 5 affected products).
    VulnerabilityData,
    /// NVD's official CPE dictionary.
    CpeDictionary,
}

#[derive(Debug, Clone)]
struct Document {
    product: u32,
    words: Vec<Arc<str>>,
}

/// The products names are ranked against.
#[derive(Debug, Clone, Default)]
pub struct ProductDictionary {
    products: Vec<(ProductKey, DictionarySource)>,
    known: HashMap<ProductKey, u32>,
    documents: Vec<Document>,
    /// Word → documents holding it.
    postings: HashMap<Arc<str>, Vec<u32>>,
    /// Vendor → the words of its name, for comparison with publishers.
    vendor_words: HashMap<Arc<str>, Vec<Arc<str>>>,
}

/// A product the ranking proposes, with its score in `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RankedProduct {
    pub(crate) key: ProductKey,
    pub(crate) score: f64,
    /// The name's words the product shares.
    pub(crate) shared_words: Vec<String>,
    pub(crate) vendor_matched: bool,
    /// Where the product came from.
    pub(crate) source: DictionarySource,
}

/// Documents holding a word more often than this are too common to propose candidates alone.
const COMMON_WORD_DOCUMENTS: usize = 4000;

fn split_cpe_words(value: &str) -> Vec<Arc<str>> {
    value
        .split(['_', '-', ' '])
        .filter(|word| !word.is_empty())
        .map(Arc::from)
        .collect()
}

impl ProductDictionary {
    /// A dictionary of the alias table's products.
    pub fn from_aliases(aliases: &Aliases) -> Self {
        let mut dictionary = ProductDictionary::default();
        for product in &aliases.products {
            let index = dictionary.add_key(product.key.clone(), DictionarySource::Alias);
            for name in &product.names {
                dictionary.add_document(index, name.iter().map(|w| Arc::from(w.as_str())));
            }
        }
        dictionary
    }

    /// Adds vendor/product pairs from another source; pairs already present keep their source.
    pub fn extend(
        &mut self,
        source: DictionarySource,
        products: impl IntoIterator<Item = ProductKey>,
    ) {
        for key in products {
            self.add_key(key, source);
        }
    }

    /// Adds a product of NVD's CPE dictionary with its title, whose words (versions left out)
    /// become one more way the product is written.
    pub fn extend_titled(&mut self, aliases: &Aliases, key: ProductKey, title: Option<&str>) {
        let index = self.add_key(key, DictionarySource::CpeDictionary);
        if let Some(title) = title {
            let words: Vec<Arc<str>> = aliases
                .name_words(title)
                .words
                .iter()
                .filter(|t| super::identity_word(t))
                .map(|t| Arc::from(t.text.as_str()))
                .collect();
            if !words.is_empty() {
                self.add_document(index, words);
            }
        }
    }

    /// Whether the dictionary holds the product.
    pub fn contains(&self, key: &ProductKey) -> bool {
        self.known.contains_key(key)
    }

    /// How many distinct products the dictionary holds.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Whether the dictionary is empty.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    fn add_key(&mut self, key: ProductKey, source: DictionarySource) -> u32 {
        if let Some(&index) = self.known.get(&key) {
            return index;
        }
        let index = u32::try_from(self.products.len()).unwrap_or(u32::MAX);
        self.vendor_words
            .entry(key.vendor.clone())
            .or_insert_with(|| split_cpe_words(&key.vendor));
        let mut words = split_cpe_words(&key.product);
        let joined: String = words.iter().map(|w| w.as_ref()).collect();
        if words.len() > 1 {
            words.push(Arc::from(joined));
        }
        self.known.insert(key.clone(), index);
        self.products.push((key, source));
        self.add_document(index, words);
        index
    }

    fn add_document(&mut self, product: u32, words: impl IntoIterator<Item = Arc<str>>) {
        let mut unique: Vec<Arc<str>> = Vec::new();
        for word in words {
            if !unique.contains(&word) {
                unique.push(word);
            }
        }
        let document = u32::try_from(self.documents.len()).unwrap_or(u32::MAX);
        for word in &unique {
            self.postings
                .entry(word.clone())
                .or_default()
                .push(document);
        }
        self.documents.push(Document {
            product,
            words: unique,
        });
    }

    fn weight(&self, word: &str) -> f64 {
        let documents = self.postings.get(word).map_or(0, Vec::len);
        (1.0 + self.documents.len() as f64 / (1.0 + documents as f64)).ln()
    }

    /// Whether a publisher's words name this vendor: all the vendor's words are among them, or
    /// the publisher's words glued together are the vendor.
    fn vendor_matches(&self, vendor: &str, publisher_words: &[String]) -> bool {
        if publisher_words.is_empty() {
            return false;
        }
        let glued: String = publisher_words.concat();
        if glued == vendor.replace(['_', '-'], "") {
            return true;
        }
        self.vendor_words.get(vendor).is_some_and(|words| {
            words
                .iter()
                .all(|w| publisher_words.iter().any(|p| p == w.as_ref()))
        })
    }

    /// The best products for a name's words, best first, at most `limit`. `vendor` is the
    /// vendor the publisher is known to be; `publisher_words` its words otherwise.
    pub(crate) fn rank(
        &self,
        words: &[String],
        vendor: Option<&str>,
        publisher_words: &[String],
        part: Option<Part>,
        limit: usize,
    ) -> Vec<RankedProduct> {
        let mut query: Vec<String> = Vec::new();
        for word in words {
            if !query.contains(word) {
                query.push(word.clone());
            }
        }
        for pair in words.windows(2) {
            let glued = format!("{}{}", pair[0], pair[1]);
            if self.postings.contains_key(glued.as_str()) && !query.contains(&glued) {
                query.push(glued);
            }
        }
        let mut candidates: HashSet<u32> = HashSet::new();
        let mut rare_found = false;
        for word in query
            .iter()
            .filter(|w| w.bytes().any(|b| b.is_ascii_alphabetic()))
        {
            if let Some(documents) = self.postings.get(word.as_str())
                && documents.len() <= COMMON_WORD_DOCUMENTS
            {
                rare_found = true;
                candidates.extend(documents.iter().copied());
            }
        }
        if !rare_found {
            return Vec::new();
        }
        // A word no product has is as rare as a word can be: it weighs against every
        // candidate, so that "util linux" is not the product "linux". Glued pairs added above
        // stand for words already counted.
        let query_weight: f64 = query
            .iter()
            .filter(|w| w.bytes().any(|b| b.is_ascii_alphabetic()))
            .filter(|w| words.contains(w))
            .map(|w| self.weight(w))
            .sum();
        let mut best: HashMap<u32, RankedProduct> = HashMap::new();
        for document in candidates {
            let document = &self.documents[document as usize];
            let (key, source) = &self.products[document.product as usize];
            if part.is_some_and(|part| part != key.part) {
                continue;
            }
            let shared: Vec<&String> = query
                .iter()
                .filter(|w| document.words.iter().any(|d| d.as_ref() == w.as_str()))
                .collect();
            // Shared numbers alone ("8" of windows_8) say nothing about the program.
            if !shared
                .iter()
                .any(|w| w.bytes().any(|b| b.is_ascii_alphabetic()))
            {
                continue;
            }
            let shared_weight: f64 = shared.iter().map(|w| self.weight(w)).sum();
            let document_weight: f64 = document.words.iter().map(|w| self.weight(w)).sum();
            let product_coverage = (shared_weight / document_weight.max(f64::EPSILON)).min(1.0);
            let query_coverage = (shared_weight / query_weight.max(f64::EPSILON)).min(1.0);
            let vendor_matched = match vendor {
                Some(vendor) => vendor == key.vendor.as_ref(),
                None => {
                    self.vendor_matches(&key.vendor, publisher_words)
                        || self.vendor_words.get(&key.vendor).is_some_and(|v| {
                            v.iter().all(|w| query.iter().any(|q| q == w.as_ref()))
                        })
                }
            };
            let score = 0.55 * product_coverage
                + 0.25 * query_coverage
                + if vendor_matched { 0.2 } else { 0.0 };
            let ranked = RankedProduct {
                key: key.clone(),
                score,
                shared_words: shared.iter().map(|w| (*w).clone()).collect(),
                vendor_matched,
                source: *source,
            };
            match best.get(&document.product) {
                Some(existing) if existing.score >= score => {}
                _ => {
                    best.insert(document.product, ranked);
                }
            }
        }
        let mut ranked: Vec<RankedProduct> = best.into_values().collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.key.cmp(&b.key)));
        ranked.truncate(limit);
        ranked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(vendor: &str, product: &str) -> ProductKey {
        ProductKey::new(Part::Application, vendor, product).unwrap()
    }

    fn dictionary() -> ProductDictionary {
        let mut dictionary = ProductDictionary::default();
        dictionary.extend(
            DictionarySource::VulnerabilityData,
            [
                key("filezilla-project", "filezilla_client"),
                key("filezilla-project", "filezilla_server"),
                key("rarlab", "winrar"),
                key("microsoft", "sql_server"),
                key("oracle", "mysql_server"),
                key("oracle", "mysql"),
                key("apache", "http_server"),
                key("igor_pavlov", "7-zip"),
            ],
        );
        dictionary
    }

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn rare_words_decide_and_the_vendor_adds() {
        let dictionary = dictionary();
        let ranked = dictionary.rank(&words("filezilla client"), None, &[], None, 3);
        assert_eq!(ranked[0].key, key("filezilla-project", "filezilla_client"));
        assert!(ranked[0].score > ranked[1].score);
        let ranked = dictionary.rank(&words("win rar"), None, &[], None, 3);
        assert_eq!(ranked[0].key, key("rarlab", "winrar"));
        let with_vendor = dictionary.rank(&words("mysql"), Some("oracle"), &[], None, 3);
        assert!(with_vendor[0].vendor_matched);
    }

    #[test]
    fn titles_of_the_cpe_dictionary_are_ways_to_write_a_product() {
        let mut dictionary = dictionary();
        let aliases = Aliases::default();
        dictionary.extend_titled(
            &aliases,
            key("videolan", "vlc_media_player"),
            Some("VideoLAN VLC media player 3.0.20"),
        );
        let ranked = dictionary.rank(&words("vlc media player"), None, &[], None, 3);
        assert_eq!(ranked[0].key, key("videolan", "vlc_media_player"));
    }

    #[test]
    fn common_words_alone_propose_nothing_and_parts_filter() {
        let dictionary = dictionary();
        assert!(
            dictionary
                .rank(&words("unknown thing"), None, &[], None, 3)
                .is_empty()
        );
        let none = dictionary.rank(
            &words("filezilla"),
            None,
            &[],
            Some(Part::OperatingSystem),
            3,
        );
        assert!(none.is_empty());
    }
}
