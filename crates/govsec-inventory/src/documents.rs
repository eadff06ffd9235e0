//! JSON inventories: CycloneDX 1.4–1.6 BOMs, SPDX 2.3 documents and osquery result rows. Each
//! entry is located by the JSON path of the element it came from.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::model::{InventoryEntry, InventoryFormat, Position, SourceLocation};
use crate::{InventoryError, Limits};

/// What kind of JSON document `value` is, from its top-level shape.
pub(crate) fn json_format(value: &Value) -> Option<InventoryFormat> {
    match value {
        Value::Object(object) if object.get("bomFormat") == Some(&Value::from("CycloneDX")) => {
            Some(InventoryFormat::CycloneDxJson)
        }
        Value::Object(object) if object.contains_key("spdxVersion") => {
            Some(InventoryFormat::SpdxJson)
        }
        Value::Array(rows) if rows.iter().all(Value::is_object) => {
            Some(InventoryFormat::OsqueryJson)
        }
        _ => None,
    }
}

/// Parses JSON text; a syntax error names its line and column.
pub(crate) fn parse_json(file: &Arc<str>, text: &str) -> Result<Value, InventoryError> {
    serde_json::from_str(text).map_err(|error| InventoryError::Json {
        file: file.clone(),
        row: error.line(),
        column: error.column(),
        reason: error.to_string(),
    })
}

/// Reads the entries of a parsed JSON document in the given format.
pub(crate) fn read_document(
    file: &Arc<str>,
    format: InventoryFormat,
    document: &Value,
    limits: &Limits,
) -> Result<Vec<InventoryEntry>, InventoryError> {
    let reader = DocumentReader { file, limits };
    match format {
        InventoryFormat::CycloneDxJson => reader.cyclonedx(document),
        InventoryFormat::SpdxJson => reader.spdx(document),
        _ => reader.osquery(document),
    }
}

/// A CycloneDX component still to read: the element, its JSON path, its depth (1 at the top)
/// and the `(bom-ref, path)` of each ancestor that has a bom-ref.
type PendingComponent<'v> = (&'v Value, String, usize, Vec<(String, String)>);

struct DocumentReader<'a> {
    file: &'a Arc<str>,
    limits: &'a Limits,
}

impl DocumentReader<'_> {
    fn shape(&self, path: &str, reason: impl Into<String>) -> InventoryError {
        InventoryError::JsonShape {
            file: self.file.clone(),
            path: path.to_owned(),
            reason: reason.into(),
        }
    }

    fn object<'v>(
        &self,
        value: &'v Value,
        path: &str,
    ) -> Result<&'v Map<String, Value>, InventoryError> {
        value
            .as_object()
            .ok_or_else(|| self.shape(path, "expected an object"))
    }

    /// An optional array member; absent or `null` is empty.
    fn array<'v>(
        &self,
        object: &'v Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Result<&'v [Value], InventoryError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.shape(&format!("{path}.{key}"), "expected an array")),
        }
    }

    /// An optional text member, trimmed; numbers are written as text (osquery and some SBOM
    /// tools emit versions as numbers).
    fn text(
        &self,
        object: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Result<Option<String>, InventoryError> {
        let text = match object.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(text)) => text.trim().to_owned(),
            Some(Value::Number(number)) => number.to_string(),
            Some(_) => return Err(self.shape(&format!("{path}.{key}"), "expected text")),
        };
        if text.chars().count() > self.limits.max_cell_chars {
            return Err(self.shape(
                &format!("{path}.{key}"),
                format!("longer than {} characters", self.limits.max_cell_chars),
            ));
        }
        Ok((!text.is_empty()).then_some(text))
    }

    fn entry(&self, path: &str, name: String) -> InventoryEntry {
        InventoryEntry::new(
            SourceLocation {
                file: self.file.clone(),
                position: Position::Element(path.to_owned()),
            },
            name,
        )
    }

    fn required_name(
        &self,
        object: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Result<String, InventoryError> {
        self.text(object, key, path)?
            .ok_or_else(|| self.shape(path, format!("\"{key}\" is missing or empty")))
    }

    /// CycloneDX 1.6 §components: `name` is required; `publisher`, else `supplier.name`, else
    /// `manufacturer.name` (1.6) is the publisher; `cpe` and `purl` are taken as given; nested
    /// `components` are read depth-first.
    fn cyclonedx(&self, document: &Value) -> Result<Vec<InventoryEntry>, InventoryError> {
        let bom = self.object(document, "$")?;
        let version = self.text(bom, "specVersion", "$")?.unwrap_or_default();
        if !matches!(version.as_str(), "1.4" | "1.5" | "1.6") {
            return Err(self.shape(
                "$.specVersion",
                format!("CycloneDX \"{version}\" is not read; versions 1.4 to 1.6 are"),
            ));
        }
        let mut entries = Vec::new();
        // Each pending component carries its path, its depth and the bom-refs of its
        // ancestors with their paths: a bom-ref met again below itself is a cycle the BOM's author (or an
        // attacker) wrote, which a reader following references would never leave.
        let mut pending: Vec<PendingComponent<'_>> = self
            .array(bom, "components", "$")?
            .iter()
            .enumerate()
            .rev()
            .map(|(index, component)| (component, format!("$.components[{index}]"), 1, Vec::new()))
            .collect();
        while let Some((component, path, depth, ancestors)) = pending.pop() {
            if depth > self.limits.max_nesting {
                return Err(InventoryError::NestingTooDeep {
                    file: self.file.clone(),
                    path,
                    limit: self.limits.max_nesting,
                });
            }
            let object = self.object(component, &path)?;
            let name = self.required_name(object, "name", &path)?;
            let mut entry = self.entry(&path, name);
            entry.version = self.text(object, "version", &path)?;
            entry.publisher = match self.text(object, "publisher", &path)? {
                Some(publisher) => Some(publisher),
                None => self
                    .organisation_name(object, "supplier", &path)?
                    .or(self.organisation_name(object, "manufacturer", &path)?),
            };
            entry.given_cpe = self.text(object, "cpe", &path)?;
            entry.package_url = self.text(object, "purl", &path)?;
            let bom_ref = self.text(object, "bom-ref", &path)?;
            if let Some(bom_ref) = &bom_ref
                && let Some((_, ancestor)) = ancestors.iter().find(|(r, _)| r == bom_ref)
            {
                return Err(InventoryError::ComponentCycle {
                    file: self.file.clone(),
                    path,
                    bom_ref: bom_ref.clone(),
                    ancestor: ancestor.clone(),
                });
            }
            let children = self.array(object, "components", &path)?;
            if !children.is_empty() {
                let mut inherited = ancestors;
                if let Some(bom_ref) = bom_ref {
                    inherited.push((bom_ref, path.clone()));
                }
                for (index, child) in children.iter().enumerate().rev() {
                    pending.push((
                        child,
                        format!("{path}.components[{index}]"),
                        depth + 1,
                        inherited.clone(),
                    ));
                }
            }
            entries.push(entry);
        }
        Ok(entries)
    }

    fn organisation_name(
        &self,
        object: &Map<String, Value>,
        key: &str,
        path: &str,
    ) -> Result<Option<String>, InventoryError> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => {
                let path = format!("{path}.{key}");
                self.text(self.object(value, &path)?, "name", &path)
            }
        }
    }

    /// SPDX 2.3 §7 packages: `name` (§7.1), `versionInfo` (§7.3), `supplier` (§7.5, else the
    /// originator of §7.6) without its `Organization:`/`Person:` prefix, and the external
    /// references of §7.21 whose type is `cpe23Type`, `cpe22Type` or `purl`.
    fn spdx(&self, document: &Value) -> Result<Vec<InventoryEntry>, InventoryError> {
        let root = self.object(document, "$")?;
        let version = self.text(root, "spdxVersion", "$")?.unwrap_or_default();
        if !matches!(version.as_str(), "SPDX-2.2" | "SPDX-2.3") {
            return Err(self.shape(
                "$.spdxVersion",
                format!("\"{version}\" is not read; SPDX-2.3 (and 2.2) is"),
            ));
        }
        let mut entries = Vec::new();
        for (index, package) in self.array(root, "packages", "$")?.iter().enumerate() {
            let path = format!("$.packages[{index}]");
            let object = self.object(package, &path)?;
            let name = self.required_name(object, "name", &path)?;
            let mut entry = self.entry(&path, name);
            entry.version = self.text(object, "versionInfo", &path)?;
            let supplier = self.text(object, "supplier", &path)?;
            let originator = self.text(object, "originator", &path)?;
            entry.publisher = supplier
                .as_deref()
                .and_then(spdx_agent)
                .or_else(|| originator.as_deref().and_then(spdx_agent));
            for (reference_index, reference) in self
                .array(object, "externalRefs", &path)?
                .iter()
                .enumerate()
            {
                let path = format!("{path}.externalRefs[{reference_index}]");
                let reference = self.object(reference, &path)?;
                let locator = self.text(reference, "referenceLocator", &path)?;
                match self.text(reference, "referenceType", &path)?.as_deref() {
                    Some("cpe23Type") => entry.given_cpe = locator,
                    Some("cpe22Type") if entry.given_cpe.is_none() => entry.given_cpe = locator,
                    Some("purl") => entry.package_url = locator,
                    _ => {}
                }
            }
            entries.push(entry);
        }
        Ok(entries)
    }

    /// osquery's `--json` output: an array of row objects whose values are text. The tables
    /// differ in their columns: `programs` has `publisher` and `install_date`, `rpm_packages`
    /// `vendor`, `release` and `arch`, `deb_packages` `arch` and `revision`.
    fn osquery(&self, document: &Value) -> Result<Vec<InventoryEntry>, InventoryError> {
        let Value::Array(rows) = document else {
            return Err(self.shape("$", "expected an array of osquery rows"));
        };
        let mut entries = Vec::with_capacity(rows.len());
        for (index, row) in rows.iter().enumerate() {
            let path = format!("$[{index}]");
            let object = self.object(row, &path)?;
            let name = self.required_name(object, "name", &path)?;
            let mut entry = self.entry(&path, name);
            let version = self.text(object, "version", &path)?;
            // rpm_packages splits what `rpm -qa` prints as VERSION-RELEASE; join it back so
            // both rpm exports give the same version.
            entry.version = match (version, self.text(object, "release", &path)?) {
                (Some(version), Some(release)) => Some(format!("{version}-{release}")),
                (version, _) => version,
            };
            entry.publisher = match self.text(object, "publisher", &path)? {
                Some(publisher) => Some(publisher),
                None => self.text(object, "vendor", &path)?,
            };
            entry.architecture = self.text(object, "arch", &path)?;
            entry.install_date = self.text(object, "install_date", &path)?;
            entry.host_name = self.text(object, "hostname", &path)?;
            entries.push(entry);
        }
        Ok(entries)
    }
}

/// The name in an SPDX agent (`Organization: Microsoft Corporation`, `Person: Jane (mail)`);
/// `NOASSERTION` says nothing.
fn spdx_agent(text: &str) -> Option<String> {
    let name = ["Organization:", "Person:", "Tool:"]
        .iter()
        .find_map(|prefix| text.strip_prefix(prefix))
        .unwrap_or(text)
        .trim();
    let name = match name.find(" (") {
        Some(at) if name.ends_with(')') => &name[..at],
        _ => name,
    };
    (!name.is_empty() && name != "NOASSERTION").then(|| name.to_owned())
}
