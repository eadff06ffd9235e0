//! Package lists printed by Linux package managers, one package a line:
//! `dpkg-query -W` (`name<TAB>version`, or with `-f '${Package}\t${Version}\t${Architecture}\n'`),
//! `rpm -qa --queryformat '%{NAME}\t%{VERSION}-%{RELEASE}\t%{VENDOR}\n'` and plain `rpm -qa`
//! (`name-version-release.arch`).

use std::sync::Arc;

use crate::model::{InventoryEntry, InventoryFormat, Position, SourceLocation};
use crate::{InventoryError, Limits, PackageLineProblem};

/// Debian architecture names (dpkg-architecture), which tell a dpkg third column from an rpm
/// vendor.
const DEBIAN_ARCHITECTURES: &[&str] = &[
    "all", "any", "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el",
    "riscv64", "s390x", "loong64",
];

/// Architecture suffixes of rpm package names (`%{ARCH}`).
const RPM_ARCHITECTURES: &[&str] = &[
    "x86_64", "noarch", "i686", "i586", "i386", "aarch64", "ppc64le", "ppc64", "s390x", "armv7hl",
    "src",
];

/// Which package list the tab-separated or single-column text is, or `None` when it is
/// neither.
pub(crate) fn package_list_format(first_line: &str) -> Option<InventoryFormat> {
    let line = first_line.trim_end_matches('\r');
    let fields: Vec<&str> = line.split('\t').collect();
    match fields.as_slice() {
        [name, _] if is_package_name(name) => Some(InventoryFormat::DpkgQuery),
        [name, _, third] if is_package_name(name) => {
            if DEBIAN_ARCHITECTURES.contains(&third.trim()) {
                Some(InventoryFormat::DpkgQuery)
            } else {
                Some(InventoryFormat::RpmQuery)
            }
        }
        [single] if split_rpm_name(single.trim()).is_some() => Some(InventoryFormat::RpmQuery),
        _ => None,
    }
}

/// Package names of both managers: no spaces, no delimiters of other formats.
fn is_package_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_' | ':'))
}

/// `name-version-release[.arch]` split at its last two hyphens (rpm's NVRA convention).
fn split_rpm_name(text: &str) -> Option<(&str, &str, Option<&str>)> {
    if !is_package_name(text) {
        return None;
    }
    let (rest, architecture) = match text.rsplit_once('.') {
        Some((rest, arch)) if RPM_ARCHITECTURES.contains(&arch) => (rest, Some(arch)),
        _ => (text, None),
    };
    let (name_version, release) = rest.rsplit_once('-')?;
    let (name, version) = name_version.rsplit_once('-')?;
    if name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name, &rest[name.len() + 1..], architecture))
}

/// The entry of line `row` of a package list in the given format; `None` for a blank line.
pub(crate) fn package_entry(
    file: &Arc<str>,
    format: InventoryFormat,
    row: usize,
    line: &str,
    limits: &Limits,
) -> Result<Option<InventoryEntry>, InventoryError> {
    let line = line.trim_end_matches('\r').trim_start_matches('\u{FEFF}');
    if line.trim().is_empty() {
        return Ok(None);
    }
    let bad = |problem: PackageLineProblem| InventoryError::PackageLine {
        file: file.clone(),
        row,
        problem,
    };
    let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
    for (column, field) in fields.iter().enumerate() {
        if field.chars().count() > limits.max_cell_chars {
            return Err(InventoryError::CellTooLong {
                file: file.clone(),
                row,
                column: column + 1,
                limit: limits.max_cell_chars,
            });
        }
    }
    let location = SourceLocation {
        file: file.clone(),
        position: Position::Row(row),
    };
    let entry = match (format, fields.as_slice()) {
        (InventoryFormat::DpkgQuery, [name, version, rest @ ..]) if rest.len() <= 1 => {
            let mut entry = InventoryEntry::new(location, (*name).to_owned());
            entry.version = non_empty(version);
            entry.architecture = rest.first().and_then(|arch| non_empty(arch));
            entry
        }
        (InventoryFormat::RpmQuery, [name, version, vendor]) => {
            let mut entry = InventoryEntry::new(location, (*name).to_owned());
            entry.version = non_empty(version);
            // rpm prints "(none)" for a tag the package does not set.
            entry.publisher = non_empty(vendor).filter(|vendor| vendor != "(none)");
            entry
        }
        (InventoryFormat::RpmQuery, [single]) => {
            let (name, version, architecture) = split_rpm_name(single).ok_or_else(|| {
                bad(PackageLineProblem::NotNameVersionRelease(
                    (*single).to_owned(),
                ))
            })?;
            let mut entry = InventoryEntry::new(location, name.to_owned());
            entry.version = Some(version.to_owned());
            entry.architecture = architecture.map(str::to_owned);
            entry
        }
        _ => {
            return Err(bad(PackageLineProblem::FieldCount {
                expected: if format == InventoryFormat::DpkgQuery {
                    [2, 3]
                } else {
                    [1, 3]
                },
                found: fields.len(),
            }));
        }
    };
    if entry.software_name.is_empty() {
        return Err(bad(PackageLineProblem::EmptyName));
    }
    Ok(Some(entry))
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}
