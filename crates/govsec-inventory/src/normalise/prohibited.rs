//! Software of security concern or not for official use. The audit of VANS found agencies still
//! running such software; the Executive Yuan's principles restrict products that endanger
//! national cyber security (行政院「各機關對危害國家資通安全產品限制使用原則」, 2019), and agencies
//! ban more for official machines (peer-to-peer sharing, unapproved remote control). The list is
//! data: the project ships one, a deployment replaces or extends it. A rule names a CPE vendor,
//! optionally a product, or a name pattern; a matching row is flagged with the rule's reason.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::aliases::Aliases;
use super::words;
use crate::InventoryError;

/// The project's list.
const BUILTIN_LIST: &str = include_str!("../../data/prohibited.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListFile {
    #[serde(default)]
    rule: Vec<RuleBlock>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleBlock {
    id: String,
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    names: Vec<String>,
    category: Category,
    reason_zh: String,
    reason_en: String,
}

/// Why software is on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A product that endangers national cyber security (the Executive Yuan's principles).
    SecurityConcern,
    /// Allowed in general but not on official machines (file sharing, unapproved remote control).
    NotForOfficialUse,
    /// No longer supported by its maker: no more security fixes.
    EndOfLife,
}

/// A rule of the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProhibitedRule {
    /// A stable identifier for reports.
    pub id: Arc<str>,
    /// Why it is listed.
    pub category: Category,
    /// The reason in zh-TW.
    pub reason_zh: Arc<str>,
    /// The reason in English.
    pub reason_en: Arc<str>,
    #[serde(skip)]
    vendor: Option<String>,
    #[serde(skip)]
    product: Option<String>,
    /// Name phrases, as [`Aliases::name_words`] keys them.
    #[serde(skip)]
    phrases: Vec<String>,
}

/// The list, compiled.
#[derive(Debug, Clone, Default)]
pub struct ProhibitedList {
    rules: Vec<ProhibitedRule>,
}

/// A row's match with the list, and how it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProhibitedMatch {
    /// The rule.
    pub rule: ProhibitedRule,
    /// What matched: `cpe` (vendor/product of the row's CPE) or `name` (a name phrase).
    pub matched_by: &'static str,
}

impl ProhibitedList {
    /// The project's list.
    pub fn builtin(aliases: &Aliases) -> Result<Self, InventoryError> {
        Self::from_toml("prohibited.toml", BUILTIN_LIST, aliases)
    }

    /// Parses a list file; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str, aliases: &Aliases) -> Result<Self, InventoryError> {
        let mut list = ProhibitedList::default();
        list.extend_from_toml(file, text, aliases)?;
        Ok(list)
    }

    /// Adds another file's rules.
    pub fn extend_from_toml(
        &mut self,
        file: &str,
        text: &str,
        aliases: &Aliases,
    ) -> Result<(), InventoryError> {
        let error = |reason: String| InventoryError::AliasFile {
            file: Arc::from(file),
            reason,
        };
        let parsed: ListFile = toml::from_str(text).map_err(|e| error(e.to_string()))?;
        for block in parsed.rule {
            if block.vendor.is_none() && block.names.is_empty() {
                return Err(error(format!(
                    "rule {:?} names neither a vendor nor a name",
                    block.id
                )));
            }
            if block.product.is_some() && block.vendor.is_none() {
                return Err(error(format!(
                    "rule {:?} names a product without its vendor",
                    block.id
                )));
            }
            let phrases = block
                .names
                .iter()
                .map(|name| words::phrase_key(&aliases.name_words(name).words))
                .filter(|phrase| !phrase.is_empty())
                .collect();
            self.rules.push(ProhibitedRule {
                id: Arc::from(block.id),
                category: block.category,
                reason_zh: Arc::from(block.reason_zh),
                reason_en: Arc::from(block.reason_en),
                vendor: block.vendor.map(|v| v.to_ascii_lowercase()),
                product: block.product.map(|p| p.to_ascii_lowercase()),
                phrases,
            });
        }
        Ok(())
    }

    /// How many rules the list holds.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule a row matches: by the vendor and product of its CPE name (converted or
    /// the best candidate), else by a phrase of its name.
    pub fn check(
        &self,
        aliases: &Aliases,
        name: &str,
        cpe_vendor_product: Option<(&str, &str)>,
    ) -> Option<ProhibitedMatch> {
        if let Some((vendor, product)) = cpe_vendor_product {
            let by_cpe = self.rules.iter().find(|rule| {
                rule.vendor.as_deref() == Some(vendor)
                    && rule.product.as_deref().is_none_or(|p| p == product)
            });
            if let Some(rule) = by_cpe {
                return Some(ProhibitedMatch {
                    rule: rule.clone(),
                    matched_by: "cpe",
                });
            }
        }
        let key = format!(" {} ", words::phrase_key(&aliases.name_words(name).words));
        self.rules
            .iter()
            .find(|rule| {
                rule.phrases
                    .iter()
                    .any(|phrase| key.contains(&format!(" {phrase} ")))
            })
            .map(|rule| ProhibitedMatch {
                rule: rule.clone(),
                matched_by: "name",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"
[[rule]]
id = "p2p-bittorrent"
vendor = "bittorrent"
names = ["uTorrent", "BitTorrent"]
category = "not_for_official_use"
reason_zh = "點對點檔案分享軟體不得用於公務電腦"
reason_en = "Peer-to-peer file sharing is not allowed on official machines"

[[rule]]
id = "vendor-example"
vendor = "example_vendor"
product = "remote_tool"
category = "security_concern"
reason_zh = "危害國家資通安全產品"
reason_en = "A product that endangers national cyber security"
"#;

    #[test]
    fn rows_match_by_cpe_or_by_name_phrase() {
        let aliases = Aliases::default();
        let list = ProhibitedList::from_toml("list.toml", LIST, &aliases).unwrap();
        let by_name = list
            .check(&aliases, "µTorrent / uTorrent 3.6 (x64)", None)
            .unwrap();
        assert_eq!(by_name.rule.id.as_ref(), "p2p-bittorrent");
        assert_eq!(by_name.matched_by, "name");
        let by_cpe = list
            .check(
                &aliases,
                "Remote Helper",
                Some(("example_vendor", "remote_tool")),
            )
            .unwrap();
        assert_eq!(by_cpe.matched_by, "cpe");
        assert!(
            list.check(&aliases, "Remote Helper", Some(("example_vendor", "other")))
                .is_none()
        );
        assert!(list.check(&aliases, "Torrential Notes", None).is_none());
    }

    #[test]
    fn the_builtin_list_loads_and_bad_rules_are_named() {
        let aliases = Aliases::builtin().unwrap();
        assert!(ProhibitedList::builtin(&aliases).unwrap().len() >= 10);
        let error = ProhibitedList::from_toml(
            "mine.toml",
            "[[rule]]\nid = \"x\"\ncategory = \"end_of_life\"\nreason_zh = \"a\"\nreason_en = \"b\"\n",
            &aliases,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("mine.toml") && error.contains("\"x\""),
            "{error}"
        );
    }
}
