//! NVD's official CPE dictionary, as the Products API 2.0 pages and the feed chunks
//! (`nvdcpe-2.0-chunk-*.json`, plain or gzip) carry it. The inventory normaliser ranks names
//! against the dictionary's products, so what is kept per product is its part, vendor and
//! product and an English title ("Microsoft Edge (Chromium-based)"), whose words help the
//! ranking. Deprecated names are left out: NVD deprecates a name when it renames the product.

use std::collections::HashMap;
use std::path::Path;

use govsec_cpe::{Attribute, WellFormedName};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location};
use crate::nvd::{ReadOptions, decode, open};

/// One product of the dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DictionaryProduct {
    /// The CPE part letter: `a`, `o` or `h`.
    pub part: String,
    /// The CPE vendor, unquoted.
    pub vendor: String,
    /// The CPE product, unquoted.
    pub product: String,
    /// The first English title of one of the product's names.
    pub title: Option<String>,
}

#[derive(Deserialize)]
struct RawPage {
    #[serde(default)]
    format: Option<String>,
    products: Vec<RawProduct>,
}

#[derive(Deserialize)]
struct RawProduct {
    cpe: RawName,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawName {
    cpe_name: String,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    titles: Vec<RawTitle>,
}

#[derive(Deserialize)]
struct RawTitle {
    title: String,
    #[serde(default)]
    lang: String,
}

/// Reads a dictionary page or feed chunk from a file (plain or gzip). Products come once each,
/// in the file's order; skipped names (with [`ReadOptions::skip_invalid`]) are returned beside.
pub fn read_cpe_dictionary_file(
    path: &Path,
    options: ReadOptions,
) -> Result<(Vec<DictionaryProduct>, Vec<Error>), Error> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut open(path)?, &mut text)
        .map_err(|error| Error::io(path, error))?;
    parse_cpe_dictionary(&text, options).map_err(|error| error.within(Some(path), None, ""))
}

/// Decodes a dictionary page or feed chunk.
pub fn parse_cpe_dictionary(
    text: &str,
    options: ReadOptions,
) -> Result<(Vec<DictionaryProduct>, Vec<Error>), Error> {
    let page: RawPage = decode(text, || None)?;
    if let Some(format) = page.format.filter(|f| f != "NVD_CPE") {
        return Err(Error::Schema {
            location: Location {
                file: None,
                cve: None,
                field: Some("format".to_owned()),
            },
            found: format,
            expected: "\"NVD_CPE\" (the CPE dictionary of the Products API 2.0)",
        });
    }
    let mut products = Vec::new();
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let mut skipped = Vec::new();
    for (index, raw) in page.products.into_iter().enumerate() {
        if raw.cpe.deprecated {
            continue;
        }
        let field = format!("products[{index}].cpe.cpeName");
        let name = match WellFormedName::parse(&raw.cpe.cpe_name) {
            Ok(name) => name,
            Err(error) => {
                let error = Error::invalid(&field, &raw.cpe.cpe_name, error.to_string());
                if options.skip_invalid {
                    skipped.push(error);
                    continue;
                }
                return Err(error);
            }
        };
        let value = |attribute| name.get(attribute).as_value().map(|v| v.unquoted());
        let (Some(part), Some(vendor), Some(product)) = (
            value(Attribute::Part),
            value(Attribute::Vendor),
            value(Attribute::Product),
        ) else {
            let error = Error::invalid(
                &field,
                &raw.cpe.cpe_name,
                "the name has no part, vendor or product",
            );
            if options.skip_invalid {
                skipped.push(error);
                continue;
            }
            return Err(error);
        };
        let title = raw
            .cpe
            .titles
            .iter()
            .find(|t| t.lang.eq_ignore_ascii_case("en"))
            .or(raw.cpe.titles.first())
            .map(|t| t.title.clone());
        let key = (part, vendor, product);
        match seen.get(&key) {
            Some(&at) => {
                let known: &mut DictionaryProduct = &mut products[at];
                if known.title.is_none() {
                    known.title = title;
                }
            }
            None => {
                seen.insert(key.clone(), products.len());
                let (part, vendor, product) = key;
                products.push(DictionaryProduct {
                    part,
                    vendor,
                    product,
                    title,
                });
            }
        }
    }
    Ok((products, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"{"resultsPerPage":4,"startIndex":0,"totalResults":4,"format":"NVD_CPE","version":"2.0",
      "timestamp":"2026-11-30T00:00:00.000","products":[
      {"cpe":{"deprecated":false,"cpeName":"cpe:2.3:a:microsoft:edge_chromium:120.0.2210.91:*:*:*:*:*:*:*",
        "cpeNameId":"11111111-1111-1111-1111-111111111111","lastModified":"2024-01-01T00:00:00.000","created":"2024-01-01T00:00:00.000",
        "titles":[{"title":"Microsoft Edge (Chromium-based) 120.0.2210.91","lang":"en"}]}},
      {"cpe":{"deprecated":false,"cpeName":"cpe:2.3:a:microsoft:edge_chromium:121.0.2277.83:*:*:*:*:*:*:*",
        "titles":[{"title":"Microsoft Edge 121","lang":"en"}]}},
      {"cpe":{"deprecated":true,"cpeName":"cpe:2.3:a:old_vendor:old_product:1.0:*:*:*:*:*:*:*","titles":[]}},
      {"cpe":{"deprecated":false,"cpeName":"cpe:2.3:a:filezilla-project:filezilla_client:3.66.1:*:*:*:*:*:*:*",
        "titles":[{"title":"FileZilla Client 3.66.1","lang":"en"}]}}]}"#;

    #[test]
    fn products_come_once_with_their_english_title_and_deprecated_names_stay_out() {
        let (products, skipped) = parse_cpe_dictionary(PAGE, ReadOptions::default()).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(products.len(), 2);
        assert_eq!(products[0].product, "edge_chromium");
        assert_eq!(
            products[0].title.as_deref(),
            Some("Microsoft Edge (Chromium-based) 120.0.2210.91")
        );
        assert_eq!(products[1].vendor, "filezilla-project");
    }

    #[test]
    fn bad_pages_name_the_field() {
        let wrong = PAGE.replace("NVD_CPE", "NVD_CVE");
        let error = parse_cpe_dictionary(&wrong, ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("format") && error.contains("NVD_CVE"),
            "{error}"
        );
        let bad = PAGE.replace("cpe:2.3:a:filezilla-project", "cpe:2.3:a:filezilla project");
        let error = parse_cpe_dictionary(&bad, ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("products[3].cpe.cpeName"), "{error}");
        let (products, skipped) =
            parse_cpe_dictionary(&bad, ReadOptions { skip_invalid: true }).unwrap();
        assert_eq!((products.len(), skipped.len()), (1, 1));
        let truncated = &PAGE[..PAGE.len() / 2];
        assert!(parse_cpe_dictionary(truncated, ReadOptions::default()).is_err());
    }
}
