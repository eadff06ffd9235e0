//! Which header stands for which entry field. Agencies name their columns in Chinese or
//! English, in full-width or half-width characters, with or without spaces; the built-in names
//! cover the layouts seen in practice and a mapping file covers the rest.

use std::collections::HashMap;
use std::sync::Arc;

use crate::InventoryError;

/// An [`InventoryEntry`](crate::InventoryEntry) field that a column can fill, or a column to
/// leave out on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Host name.
    HostName,
    /// IP address.
    IpAddress,
    /// Operating system.
    OperatingSystem,
    /// Software name.
    SoftwareName,
    /// Publisher or vendor.
    Publisher,
    /// Version.
    Version,
    /// Architecture.
    Architecture,
    /// Install date.
    InstallDate,
    /// Asset class.
    AssetClass,
    /// Information-system name.
    SystemName,
    /// Core-system flag.
    CoreSystem,
    /// A given CPE name.
    Cpe,
    /// A given package URL.
    PackageUrl,
    /// A column known and deliberately not read (it is not reported as unknown).
    Ignored,
}

impl Field {
    const ALL: [Field; 14] = [
        Field::HostName,
        Field::IpAddress,
        Field::OperatingSystem,
        Field::SoftwareName,
        Field::Publisher,
        Field::Version,
        Field::Architecture,
        Field::InstallDate,
        Field::AssetClass,
        Field::SystemName,
        Field::CoreSystem,
        Field::Cpe,
        Field::PackageUrl,
        Field::Ignored,
    ];

    /// The name a mapping file uses for the field (the entry's JSON field name).
    pub fn name(self) -> &'static str {
        match self {
            Field::HostName => "host_name",
            Field::IpAddress => "ip_address",
            Field::OperatingSystem => "operating_system",
            Field::SoftwareName => "software_name",
            Field::Publisher => "publisher",
            Field::Version => "version",
            Field::Architecture => "architecture",
            Field::InstallDate => "install_date",
            Field::AssetClass => "asset_class",
            Field::SystemName => "system_name",
            Field::CoreSystem => "core_system",
            Field::Cpe => "given_cpe",
            Field::PackageUrl => "package_url",
            Field::Ignored => "ignore",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }

    /// Built-in header names, already in [`normalise_header`] form.
    fn known_headers(self) -> &'static [&'static str] {
        match self {
            Field::HostName => &[
                "主機名稱",
                "電腦名稱",
                "主機",
                "電腦",
                "設備名稱",
                "hostname",
                "host",
                "computername",
                "computer",
                "machinename",
                "devicename",
                "pcname",
            ],
            Field::IpAddress => &[
                "ip",
                "ip位址",
                "ip地址",
                "ip位置",
                "網路位址",
                "ipaddress",
                "ipv4",
                "ipv4address",
            ],
            Field::OperatingSystem => &[
                "作業系統",
                "os",
                "operatingsystem",
                "osname",
                "作業系統名稱",
            ],
            Field::SoftwareName => &[
                "軟體名稱",
                "程式名稱",
                "軟體",
                "名稱",
                "應用程式名稱",
                "應用程式",
                "產品名稱",
                "software",
                "softwarename",
                "displayname",
                "name",
                "programname",
                "program",
                "productname",
                "application",
                "applicationname",
                "package",
                "packagename",
            ],
            Field::Publisher => &[
                "廠商",
                "發行者",
                "發行商",
                "供應商",
                "製造商",
                "廠牌",
                "publisher",
                "vendor",
                "manufacturer",
                "supplier",
            ],
            Field::Version => &[
                "版本",
                "版本號",
                "軟體版本",
                "版本編號",
                "version",
                "displayversion",
                "productversion",
                "softwareversion",
            ],
            Field::Architecture => &["架構", "位元", "architecture", "arch"],
            Field::InstallDate => &[
                "安裝日期",
                "安裝時間",
                "installdate",
                "installedon",
                "installdatetime",
            ],
            Field::AssetClass => &[
                "資產類別",
                "資產分類",
                "資產類型",
                "設備類別",
                "assetclass",
                "assettype",
                "assetcategory",
            ],
            Field::SystemName => &[
                "系統名稱",
                "資訊系統",
                "資訊系統名稱",
                "所屬系統",
                "system",
                "systemname",
                "informationsystem",
            ],
            Field::CoreSystem => &[
                "核心系統",
                "是否為核心系統",
                "是否核心系統",
                "coresystem",
                "core",
            ],
            Field::Cpe => &["cpe", "cpe23", "cpename", "cpe23uri"],
            Field::PackageUrl => &["purl", "packageurl"],
            Field::Ignored => &[],
        }
    }
}

/// A header reduced to what tells headers apart: full-width forms folded to ASCII (Excel on
/// zh-TW Windows often types "ＩＰ" or "Ｏｓ"), lower case, and no spaces, underscores, hyphens,
/// dots or byte-order mark.
pub fn normalise_header(header: &str) -> String {
    header
        .chars()
        .map(|c| match c {
            // Fullwidth ASCII variants (U+FF01–U+FF5E) sit 0xFEE0 above ASCII; U+3000 is the
            // ideographic space.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            other => other,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '\u{FEFF}' | '"'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Header-to-field rules: the built-in names plus those of a mapping file, which win.
#[derive(Debug, Clone, Default)]
pub struct ColumnMapping {
    custom: HashMap<String, Field>,
}

impl ColumnMapping {
    /// Reads a mapping file: TOML whose keys are column headers and whose values are field
    /// names, e.g. `"使用者電腦" = "host_name"` or `"備註" = "ignore"`.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, InventoryError> {
        let file: Arc<str> = Arc::from(file);
        let table: toml::Table =
            text.parse()
                .map_err(|error: toml::de::Error| InventoryError::Mapping {
                    file: file.clone(),
                    reason: error.to_string().trim_end().to_owned(),
                })?;
        let mut custom = HashMap::new();
        for (header, value) in table {
            let field = value.as_str().and_then(Field::from_name).ok_or_else(|| {
                InventoryError::Mapping {
                    file: file.clone(),
                    reason: format!(
                        "column \"{header}\": {} is not a field; use one of {}",
                        value
                            .as_str()
                            .map_or("a non-text value".to_owned(), |v| format!("\"{v}\"")),
                        Field::ALL.map(Field::name).join(", ")
                    ),
                }
            })?;
            custom.insert(normalise_header(&header), field);
        }
        Ok(ColumnMapping { custom })
    }

    /// The field for a header, or `None` when the header is unknown.
    pub fn field_for(&self, header: &str) -> Option<Field> {
        let header = normalise_header(header);
        if let Some(field) = self.custom.get(&header) {
            return Some(*field);
        }
        Field::ALL
            .into_iter()
            .find(|field| field.known_headers().contains(&header.as_str()))
    }
}
