//! The entry model every reader produces: one installed piece of software on one host, with the
//! place in the file it came from, so that every later message can point back at it.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

/// Where in an inventory file an entry was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Position {
    /// A 1-based row of a tabular file or a 1-based line of a package list, counted as the
    /// spreadsheet or a text editor shows it (the header is row 1 of a CSV file).
    Row(usize),
    /// A JSON path to the element, such as `$.components[3].components[0]`, or in an XML
    /// document an XPath, 1-based as XPath counts, such as
    /// `/bom/components/component[4]/components/component[1]`.
    Element(String),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Row(row) => write!(f, "{row}"),
            Position::Element(path) => f.write_str(path),
        }
    }
}

/// The file and the position in it that an entry came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The file name as the caller gave it; shared by all entries of one file.
    pub file: Arc<str>,
    /// The row, line or element path inside the file.
    pub position: Position,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.position)
    }
}

/// One piece of software installed on one host, as the inventory states it. Values are kept as
/// written (trimmed); turning them into CPE names is the normaliser's work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InventoryEntry {
    /// Where the entry was read.
    pub source: SourceLocation,
    /// The software's name as the inventory writes it, e.g. "Microsoft Office 專業增強版 2016".
    /// Empty when a tabular row has other values but no name: the normaliser reports such a
    /// row as invalid with its location instead of losing it.
    pub software_name: String,
    /// Publisher or vendor as written ("Microsoft Corporation", "趨勢科技").
    pub publisher: Option<String>,
    /// Version as written; for rpm packages `VERSION-RELEASE` as rpm prints it.
    pub version: Option<String>,
    /// Processor architecture when the export states it (dpkg, rpm: `amd64`, `x86_64`, `noarch`).
    pub architecture: Option<String>,
    /// Install date as written (registry exports use `YYYYMMDD`, spreadsheets a date cell shown
    /// as `YYYY-MM-DD`).
    pub install_date: Option<String>,
    /// Host name of the server or PC.
    pub host_name: Option<String>,
    /// IP address of the host as written.
    pub ip_address: Option<String>,
    /// Operating system of the host as written.
    pub operating_system: Option<String>,
    /// Asset class of the host (server, PC, network device, …) as written.
    pub asset_class: Option<String>,
    /// Name of the information system the host belongs to.
    pub system_name: Option<String>,
    /// Whether that information system is a core system; `None` when the file does not say.
    pub core_system: Option<bool>,
    /// A CPE name the inventory gives, unchecked: the normaliser validates it.
    pub given_cpe: Option<String>,
    /// A package URL (purl) the inventory gives, unchecked.
    pub package_url: Option<String>,
}

impl InventoryEntry {
    /// An entry with only its location and name; readers fill in what their format carries.
    pub fn new(source: SourceLocation, software_name: String) -> Self {
        InventoryEntry {
            source,
            software_name,
            publisher: None,
            version: None,
            architecture: None,
            install_date: None,
            host_name: None,
            ip_address: None,
            operating_system: None,
            asset_class: None,
            system_name: None,
            core_system: None,
            given_cpe: None,
            package_url: None,
        }
    }
}

/// The kinds of inventory file the readers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InventoryFormat {
    /// Delimited text with a header row (RFC 4180 CSV; tab- and semicolon-separated too),
    /// including Windows `Get-Package | Export-Csv` and uninstall-registry exports.
    Csv,
    /// An Office Open XML workbook; the first sheet is read.
    Xlsx,
    /// An Excel 97–2003 binary workbook (BIFF8 in an OLE compound file); the first sheet is read.
    Xls,
    /// A CycloneDX 1.4–1.6 BOM in JSON.
    CycloneDxJson,
    /// A CycloneDX 1.4–1.6 BOM in XML.
    CycloneDxXml,
    /// An SPDX 2.3 (or 2.2) document in JSON.
    SpdxJson,
    /// `dpkg-query -W` output, with or without an architecture column.
    DpkgQuery,
    /// `rpm -qa`, plain (`name-version-release.arch`) or with a tab-separated `--queryformat`.
    RpmQuery,
    /// `osqueryi --json` rows of the `programs`, `deb_packages` or `rpm_packages` table.
    OsqueryJson,
}

impl InventoryFormat {
    /// Every format, in the order the command line lists them.
    pub const ALL: [InventoryFormat; 9] = [
        InventoryFormat::Csv,
        InventoryFormat::Xlsx,
        InventoryFormat::Xls,
        InventoryFormat::CycloneDxJson,
        InventoryFormat::CycloneDxXml,
        InventoryFormat::SpdxJson,
        InventoryFormat::DpkgQuery,
        InventoryFormat::RpmQuery,
        InventoryFormat::OsqueryJson,
    ];

    /// The stable name used in JSON output and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            InventoryFormat::Csv => "csv",
            InventoryFormat::Xlsx => "xlsx",
            InventoryFormat::Xls => "xls",
            InventoryFormat::CycloneDxJson => "cyclonedx-json",
            InventoryFormat::CycloneDxXml => "cyclonedx-xml",
            InventoryFormat::SpdxJson => "spdx-json",
            InventoryFormat::DpkgQuery => "dpkg-query",
            InventoryFormat::RpmQuery => "rpm-query",
            InventoryFormat::OsqueryJson => "osquery-json",
        }
    }

    /// The format with this [`name`](Self::name).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.name() == name)
    }
}

impl fmt::Display for InventoryFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A column of a tabular file that no field was recognised or mapped for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownColumn {
    /// 1-based column number.
    pub column: usize,
    /// The header as written.
    pub header: String,
}

/// Everything read from one inventory file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// The file name as the caller gave it.
    pub file: Arc<str>,
    /// The format the file was read as.
    pub format: InventoryFormat,
    /// The text encoding the file was decoded from (`UTF-8`, `UTF-16LE`, `Big5`, …); `None` for
    /// workbooks, whose encoding is the archive's own.
    pub encoding: Option<&'static str>,
    /// The entries in file order.
    pub entries: Vec<InventoryEntry>,
    /// Header columns that were neither recognised nor mapped; their values are not read.
    pub unknown_columns: Vec<UnknownColumn>,
}
