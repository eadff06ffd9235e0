//! Versions as NVD writes them. An inventory's version column holds what the installer
//! registered (Java 8 Update 281 registers `8.0.2810.9`, Office 2016 `16.0.4266.1001`, a Debian
//! package `1:3.0.2-0ubuntu1.10`), while NVD's CPE names use the product's public version
//! (`1.8.0` with update `update_281`, `2016`, `3.0.2`) and, for Windows, put the release in the
//! product name (`windows_10_22h2`, with the build as the version). Each product of the alias
//! table says which scheme it follows, and may add what is particular to it (its release years
//! by build, its updates by first build, how its version column writes an update); this module
//! holds the rules that read those tables. The build is always kept so that later range checks
//! can use it.

use serde::{Deserialize, Serialize};

use super::words::{Token, TokenKind};

/// How a product's version is written in NVD's CPE names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Versioning {
    /// The version as the vendor prints it (`23.01`, `120.0.6099.130`).
    #[default]
    Dotted,
    /// Java SE: `1.8.0` with update `update_281` up to Java 8, `17.0.8` from Java 9 on.
    Java,
    /// The release year in the product's name (Office 2016, SQL Server 2019).
    Year,
    /// The release year joins the product name and the build is the version, as NVD names
    /// Visual Studio since 2017 (`visual_studio_2022:17.8.3`).
    YearInProduct,
    /// Windows client: the release (22H2) joins the product name, the build is the version.
    Windows,
    /// Windows Server: the year joins the product name (`windows_server_2019`).
    WindowsServer,
    /// A distribution package: `epoch:upstream-revision`, of which NVD knows the upstream part.
    DistroPackage,
}

/// What version resolution found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ResolvedVersion {
    /// The product name when the scheme changes it (`windows_10_22h2`).
    pub(crate) product: Option<String>,
    /// The CPE version; `None` when nothing says it; `-` for NA.
    pub(crate) version: Option<String>,
    /// The CPE update (`update_281`, `sp1`, `p1`).
    pub(crate) update: Option<String>,
    /// The build number when the scheme does not use it as the version.
    pub(crate) build: Option<String>,
    /// Other versions the input allows, when it cannot tell (Office 16.0 is 2016, 2019 or 2021).
    pub(crate) alternatives: Vec<String>,
    /// Where the version came from.
    pub(crate) source: VersionSource,
}

/// Where a resolved version came from, for the explanation of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionSource {
    /// The inventory's version column.
    VersionField,
    /// A version written in the software's name.
    Name,
    /// A build number mapped to the release it belongs to.
    Build,
    /// Nothing said which version it is.
    #[default]
    Unknown,
}

/// What the resolver reads.
pub(crate) struct VersionInput<'a> {
    /// The version column, trimmed.
    pub(crate) field: Option<&'a str>,
    /// The name's words after the product phrase (or all, when no phrase matched).
    pub(crate) name_words: &'a [Token],
    /// Whether the entry came from a package manager, whose versions carry revisions.
    pub(crate) package: bool,
    /// The CPE product the entry was matched to.
    pub(crate) product: &'a str,
    /// The product's release years by build prefix, longest prefix first (alias table
    /// `years`).
    pub(crate) years: &'a [(String, Vec<String>)],
}

/// How a product's version column writes an update, from the alias table's `update_words`
/// and `update_format`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UpdateWords {
    /// The words that introduce the update, lowercase ("update", "u", "build").
    pub(crate) words: Vec<String>,
    /// How NVD writes the update, `{}` standing for its value (`update_{}`, `build_{}`).
    pub(crate) format: String,
}

/// Whether `version` is `prefix` or starts with it followed by a dot (`12.0.6010` has `12.0`
/// and `12`, not `1`).
pub(crate) fn has_prefix(version: &str, prefix: &str) -> bool {
    version
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The value of the first prefix of a table (longest prefix first) that `version` has.
pub(crate) fn by_prefix<'t, T>(table: &'t [(String, T)], version: &str) -> Option<&'t T> {
    table
        .iter()
        .find(|(prefix, _)| has_prefix(version, prefix))
        .map(|(_, value)| value)
}

/// The update NVD names for a build, from the first builds of the product's updates (Office
/// 2010: SP1 14.0.6029, SP2 14.0.7015). A build belongs to the line of a first build when all
/// parts but the last are equal, and to its update when the last part is reached; the latest
/// update reached wins, since a patched build (14.0.7268) still is SP2 until SP3 ships.
pub(crate) fn update_of_build(first_builds: &[(Vec<u64>, String)], build: &str) -> Option<String> {
    let parts = numbers(build.split(['-', '+', ' ']).next().unwrap_or(build));
    first_builds
        .iter()
        .filter(|(first, _)| {
            let (last, line) = first.split_last().expect("two parts or more");
            parts.len() >= first.len() && parts[..line.len()] == *line && parts[line.len()] >= *last
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, update)| update.clone())
}

/// An update written in a version column with one of the product's words, glued or apart:
/// "7.0 Update 3o (22348816)", "7.0.3.01700 (7.0 U3n)", "5.1.4.2596 build 20231128". NVD writes
/// such products with the version stated just before the update, whole (Synology's
/// `7.2.1-69057`), and the update in the product's own spelling (`update_3o` for ESXi,
/// `update3n` for vCenter, `build_20231128` for QTS). Returns the version and the update.
pub(crate) fn written_update(field: &str, spelling: &UpdateWords) -> Option<(String, String)> {
    let tokens: Vec<&str> = field
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | ';'))
        .filter(|t| !t.is_empty())
        .collect();
    let update_value = |text: &str| {
        (text.starts_with(|c: char| c.is_ascii_digit())
            && text.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| text.to_ascii_lowercase())
    };
    let is_version = |text: &str| {
        text.starts_with(|c: char| c.is_ascii_digit())
            && text.contains('.')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
    };
    for (index, token) in tokens.iter().enumerate().skip(1) {
        let lower = token.to_ascii_lowercase();
        let value = spelling.words.iter().find_map(|word| {
            if lower == *word {
                tokens.get(index + 1).and_then(|next| update_value(next))
            } else {
                lower.strip_prefix(word.as_str()).and_then(update_value)
            }
        });
        if let Some(value) = value
            && is_version(tokens[index - 1])
        {
            let version = tokens[index - 1].to_ascii_lowercase();
            return Some((version, spelling.format.replace("{}", &value)));
        }
    }
    None
}

/// Resolves the version of an entry under a scheme.
pub(crate) fn resolve(scheme: Versioning, input: &VersionInput<'_>) -> ResolvedVersion {
    let mut resolved = match scheme {
        // A package manager's version carries the distribution's revision whatever the
        // product; the same product installed by hand has a plain one.
        Versioning::Dotted | Versioning::DistroPackage if input.package => distro_package(input),
        Versioning::Dotted | Versioning::DistroPackage => dotted(input),
        Versioning::Java => java(input),
        Versioning::Year => year(input),
        Versioning::YearInProduct => year_in_product(input),
        Versioning::Windows => windows(input),
        Versioning::WindowsServer => windows_server(input),
    };
    // Portable and patch releases written `8.9p1` (OpenSSH) or `1.9.13p3` (sudo) are version
    // 8.9 with update p1 in NVD's names. A bare letter (OpenSSL's `1.0.2p`) is part of the
    // version.
    if resolved.update.is_none()
        && let Some(version) = resolved.version.clone()
        && let Some((base, portable)) = version.split_once('p')
        && base.ends_with(|c: char| c.is_ascii_digit())
        && !portable.is_empty()
        && portable.bytes().all(|b| b.is_ascii_digit())
    {
        resolved.version = Some(base.to_owned());
        resolved.update = Some(format!("p{portable}"));
    }
    resolved
}

/// The leading version of a text: digits and dots, with a short letter suffix as OpenSSL
/// (`1.1.1k`), OpenSSH (`8.9p1`) and pre-releases (`2.0rc1`) write it; stops at `-`, `+`, `~`,
/// `_`, spaces and brackets, which start revisions, builds and comments.
pub(crate) fn leading_version(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let start = text.find(|c: char| c.is_ascii_digit())?;
    // Text before the first digit must be blank or a word such as "version": a letter glued to
    // the digit ("x64") is not a version.
    if start > 0 && text[..start].ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return None;
    }
    let run: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let mut parts: Vec<String> = Vec::new();
    for part in run.to_ascii_lowercase().split('.') {
        // A part that starts with a letter ("dfsg", "el9", "windows") ends the version.
        if !part.starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        // A long letter suffix is a channel or packaging tag ("115.6.0esr"), not a version
        // letter ("1.1.1k", "8.9p1", "2.0rc1").
        let digits =
            part.trim_end_matches(|c: char| c.is_ascii_alphanumeric() && !c.is_ascii_digit());
        let suffix = &part[digits.len()..];
        let letters_then_digits = part
            .find(|c: char| c.is_ascii_alphabetic())
            .map_or("", |at| &part[at..]);
        let letter_count = letters_then_digits
            .bytes()
            .filter(u8::is_ascii_alphabetic)
            .count();
        if suffix.len() >= 3 && suffix.bytes().all(|b| b.is_ascii_alphabetic()) {
            parts.push(digits.to_owned());
            break;
        }
        if letter_count > 2 {
            parts.push(part[..part.len() - letters_then_digits.len()].to_owned());
            break;
        }
        parts.push(part.to_owned());
    }
    let version = parts.join(".");
    let version = version.trim_end_matches('.');
    (!version.is_empty()).then(|| version.to_owned())
}

/// The version written in a name when it agrees with the version column: installers register
/// longer versions than the name shows (Python 3.12.1 registers 3.12.1150.0, WinRAR 6.24 6.24.0)
/// and NVD writes the shown one. They agree when their first parts are equal.
///
/// When the column only adds parts to the name's version, the column is more precise
/// ("MySQL Server 8.0" at 8.0.36) unless the added parts are zeros (WinRAR 6.24 at 6.24.0).
fn preferred_name_version(field: Option<&str>, words: &[Token]) -> Option<String> {
    let named = words
        .iter()
        .find(|t| t.kind == TokenKind::Version)
        .and_then(|t| leading_version(&t.text))?;
    let Some(field) = field.and_then(leading_version) else {
        return Some(named);
    };
    let named_parts: Vec<&str> = named.split('.').collect();
    let field_parts: Vec<&str> = field.split('.').collect();
    if field_parts.len() >= named_parts.len() && field_parts[..named_parts.len()] == named_parts[..]
    {
        // A name that states a full release (three parts or more) is what NVD writes; the
        // column's extra parts are the installer's build ("6.0.25" at 6.0.25.33020).
        let added_zeros = field_parts[named_parts.len()..]
            .iter()
            .all(|p| p.bytes().all(|b| b == b'0'));
        return (added_zeros || named_parts.len() >= 3).then_some(named);
    }
    (field_parts[0] == named_parts[0]).then_some(named)
}

/// The upstream part of a package version: no epoch (`1:`), no Debian revision or RPM release
/// (after the last `-`), no `+dfsg`/`~deb` suffix.
pub(crate) fn upstream(text: &str) -> Option<String> {
    let text = text.trim();
    let text = match text.split_once(':') {
        Some((epoch, rest)) if epoch.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => text,
    };
    let text = match text.rsplit_once('-') {
        Some((upstream, _)) if !upstream.is_empty() => upstream,
        _ => text,
    };
    let text = text.split(['+', '~']).next().unwrap_or(text);
    leading_version(text)
}

fn name_version(words: &[Token]) -> Option<String> {
    words
        .iter()
        .find(|t| t.kind == TokenKind::Version)
        .or_else(|| words.iter().find(|t| t.kind == TokenKind::Number))
        .and_then(|t| leading_version(&t.text))
}

/// Python's Windows installer registers `3.11.5150.0` for 3.11.5: the third part is the micro
/// version times 1000 plus the release level and serial (150 is a final release).
fn python_installer_version(version: &str) -> Option<String> {
    let parts: Vec<&str> = version.split('.').collect();
    let [major, minor, packed, ..] = parts.as_slice() else {
        return None;
    };
    let packed: u64 = packed.parse().ok()?;
    (packed >= 1000).then(|| format!("{major}.{minor}.{}", packed / 1000))
}

fn dotted(input: &VersionInput<'_>) -> ResolvedVersion {
    if let Some(version) = preferred_name_version(input.field, input.name_words) {
        return found(version, VersionSource::Name);
    }
    if input.product == "python"
        && let Some(version) = input
            .field
            .and_then(leading_version)
            .as_deref()
            .and_then(python_installer_version)
    {
        return found(version, VersionSource::VersionField);
    }
    // A package version pasted into a spreadsheet keeps its epoch (`5:6.0.16-1ubuntu1`).
    let epoch = input.field.is_some_and(|f| {
        f.trim().split_once(':').is_some_and(|(e, rest)| {
            !e.is_empty()
                && e.bytes().all(|b| b.is_ascii_digit())
                && rest.starts_with(|c: char| c.is_ascii_digit())
        })
    });
    if epoch && let Some(version) = input.field.and_then(upstream) {
        return found(version, VersionSource::VersionField);
    }
    if let Some(version) = input.field.and_then(leading_version) {
        return found(version, VersionSource::VersionField);
    }
    match name_version(input.name_words) {
        Some(version) => found(version, VersionSource::Name),
        None => ResolvedVersion::default(),
    }
}

fn distro_package(input: &VersionInput<'_>) -> ResolvedVersion {
    match input.field.and_then(upstream) {
        Some(version) => found(version, VersionSource::VersionField),
        None => dotted(input),
    }
}

fn found(version: String, source: VersionSource) -> ResolvedVersion {
    ResolvedVersion {
        version: Some(version),
        source,
        ..ResolvedVersion::default()
    }
}

fn numbers(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|part| !part.is_empty())
        .map(|part| part.parse().unwrap_or(u64::MAX))
        .collect()
}

/// Java SE versions. Up to Java 8 NVD writes `1.M.0` with update `update_N`; the name says
/// "Java 8 Update 281" or "8u281", the registry `8.0.2810.9` (update × 10), the runtime
/// `1.8.0_281`. From Java 9 the version is `feature.interim.update` (JEP 223).
fn java(input: &VersionInput<'_>) -> ResolvedVersion {
    let mut resolved = java_version(input);
    // Oracle has shipped no separate JRE since Java 11: a "Java 17" is the JDK.
    let modern = resolved
        .version
        .as_deref()
        .and_then(|v| v.split('.').next())
        .and_then(|major| major.parse::<u64>().ok())
        .is_some_and(|major| major >= 11);
    if input.product == "jre" && modern {
        resolved.product = Some("jdk".to_owned());
    }
    resolved
}

fn java_version(input: &VersionInput<'_>) -> ResolvedVersion {
    // A distribution's OpenJDK package (`17.0.10+7-1~deb12u1`) names the upstream release first.
    let upstream_field = input
        .package
        .then(|| input.field.and_then(upstream))
        .flatten();
    let input = &VersionInput {
        field: upstream_field.as_deref().or(input.field),
        ..*input
    };
    let legacy = |major: u64, update: Option<u64>, source| ResolvedVersion {
        version: Some(format!("1.{major}.0")),
        update: update.map(|u| format!("update_{u}")),
        source,
        ..ResolvedVersion::default()
    };
    let words = input.name_words;
    for (index, token) in words.iter().enumerate() {
        if let Some((major, update)) = token.text.split_once('u')
            && let (Ok(major), Ok(update)) = (major.parse::<u64>(), update.parse::<u64>())
            && (5..=8).contains(&major)
        {
            return legacy(major, Some(update), VersionSource::Name);
        }
        if token.kind == TokenKind::Number
            && let Ok(major) = token.text.parse::<u64>()
            && (5..=8).contains(&major)
        {
            let update = match (words.get(index + 1), words.get(index + 2)) {
                (Some(word), Some(number)) if word.text == "update" => number.text.parse().ok(),
                _ => None,
            };
            if update.is_some() || input.field.is_none() {
                return legacy(major, update, VersionSource::Name);
            }
        }
    }
    if let Some(version) = preferred_name_version(input.field, words)
        && !version.starts_with("1.")
    {
        return found(version, VersionSource::Name);
    }
    if let Some(field) = input.field {
        if let Some((major, update)) = field.trim().split_once('u')
            && let (Ok(major), Ok(update)) = (major.parse::<u64>(), update.parse::<u64>())
            && (5..=8).contains(&major)
        {
            return legacy(major, Some(update), VersionSource::VersionField);
        }
        let parts = numbers(field);
        match parts.as_slice() {
            [1, major, 0, update, ..] if *major <= 8 => {
                return legacy(*major, Some(*update), VersionSource::VersionField);
            }
            [1, major, 0] if *major <= 8 => {
                return legacy(*major, None, VersionSource::VersionField);
            }
            [major, 0, registry, ..] if (5..=8).contains(major) && *registry >= 10 => {
                return legacy(*major, Some(registry / 10), VersionSource::VersionField);
            }
            _ => {}
        }
        // Red Hat's OpenJDK packages write 17.0.9+9 as 17.0.9.0.9 (feature, interim, update,
        // patch, build): the build is not part of the version NVD names.
        if let [feature, interim, update, patch, _build, ..] = parts.as_slice()
            && *feature >= 9
        {
            let version = if *patch == 0 {
                format!("{feature}.{interim}.{update}")
            } else {
                format!("{feature}.{interim}.{update}.{patch}")
            };
            return found(version, VersionSource::VersionField);
        }
        if let Some(version) = leading_version(field) {
            // The Windows installer adds a fourth `.0` that Java's own version does not have.
            let version = match version.strip_suffix(".0") {
                Some(short) if version.matches('.').count() == 3 => short.to_owned(),
                _ => version,
            };
            return found(version, VersionSource::VersionField);
        }
    }
    dotted(input)
}

/// The release years of a build, from the product's `years` table (Office 16.0 is shared by
/// 2016, 2019, 2021 and 2024, so it stays ambiguous unless the name says the year).
fn years_of_build<'t>(years: &'t [(String, Vec<String>)], build: &str) -> &'t [String] {
    by_prefix(years, build).map_or(&[], Vec::as_slice)
}

fn is_year(text: &str) -> bool {
    text.len() == 4
        && text
            .parse::<u32>()
            .is_ok_and(|year| (1995..=2035).contains(&year))
}

/// A service pack or cumulative update named in the name, as NVD writes it in the update
/// attribute: "SP2" / "Service Pack 2" → `sp2`, "CU13" / "Cumulative Update 13" →
/// `cumulative_update_13`.
fn named_update(words: &[Token]) -> Option<String> {
    fn number(text: Option<&str>) -> Option<&str> {
        text.filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }
    for (index, token) in words.iter().enumerate() {
        let text = token.text.as_str();
        let next = words.get(index + 1).map(|t| t.text.as_str());
        let after = words.get(index + 2).map(|t| t.text.as_str());
        if let Some(n) = text
            .strip_prefix("sp")
            .filter(|n| number(Some(n)).is_some())
        {
            return Some(format!("sp{n}"));
        }
        if let Some(n) = text
            .strip_prefix("cu")
            .filter(|n| number(Some(n)).is_some())
        {
            return Some(format!("cumulative_update_{n}"));
        }
        match (text, next, number(after)) {
            ("service", Some("pack"), Some(n)) => return Some(format!("sp{n}")),
            ("cumulative", Some("update"), Some(n)) => {
                return Some(format!("cumulative_update_{n}"));
            }
            _ => {}
        }
        if text == "cu"
            && let Some(n) = number(next)
        {
            return Some(format!("cumulative_update_{n}"));
        }
    }
    None
}

fn year(input: &VersionInput<'_>) -> ResolvedVersion {
    let mut resolved = year_version(input);
    if resolved.version.is_some() {
        resolved.update = named_update(input.name_words);
    }
    resolved
}

fn year_in_product(input: &VersionInput<'_>) -> ResolvedVersion {
    let by_year = year_version(input);
    let Some(year) = by_year.version else {
        return ResolvedVersion {
            build: by_year.build,
            alternatives: by_year.alternatives,
            source: by_year.source,
            ..ResolvedVersion::default()
        };
    };
    ResolvedVersion {
        product: Some(format!("{}_{year}", input.product)),
        version: by_year.build,
        source: by_year.source,
        ..ResolvedVersion::default()
    }
}

fn year_version(input: &VersionInput<'_>) -> ResolvedVersion {
    let build = input.field.and_then(leading_version);
    if let Some(year) = input
        .name_words
        .iter()
        .find(|t| t.kind == TokenKind::Number && is_year(&t.text))
    {
        return ResolvedVersion {
            version: Some(year.text.clone()),
            build,
            source: VersionSource::Name,
            ..ResolvedVersion::default()
        };
    }
    if let Some(field) = input.field {
        if is_year(field.trim()) {
            return found(field.trim().to_owned(), VersionSource::VersionField);
        }
        if let Some(build) = build.as_deref() {
            let years = years_of_build(input.years, build);
            if let [only] = years {
                return ResolvedVersion {
                    version: Some(only.clone()),
                    build: Some(build.to_owned()),
                    source: VersionSource::Build,
                    ..ResolvedVersion::default()
                };
            }
            if !years.is_empty() {
                return ResolvedVersion {
                    build: Some(build.to_owned()),
                    alternatives: years.to_vec(),
                    source: VersionSource::Build,
                    ..ResolvedVersion::default()
                };
            }
        }
    }
    ResolvedVersion {
        build,
        ..ResolvedVersion::default()
    }
}

/// Windows 10 and 11 releases by build number, as NVD names them in its product names
/// (`windows_10_22h2`); from Microsoft's release-information tables.
const WINDOWS_RELEASES: &[(u64, &str, &str)] = &[
    (10240, "windows_10", "1507"),
    (10586, "windows_10", "1511"),
    (14393, "windows_10", "1607"),
    (15063, "windows_10", "1703"),
    (16299, "windows_10", "1709"),
    (17134, "windows_10", "1803"),
    (17763, "windows_10", "1809"),
    (18362, "windows_10", "1903"),
    (18363, "windows_10", "1909"),
    (19041, "windows_10", "2004"),
    (19042, "windows_10", "20h2"),
    (19043, "windows_10", "21h1"),
    (19044, "windows_10", "21h2"),
    (19045, "windows_10", "22h2"),
    (22000, "windows_11", "21h2"),
    (22621, "windows_11", "22h2"),
    (22631, "windows_11", "23h2"),
    (26100, "windows_11", "24h2"),
    (26200, "windows_11", "25h2"),
];

/// A Windows build written anywhere in the input: `10.0.19045`, `10.0.19045.3803`, or a bare
/// five-digit build; with the update build revision when given.
fn windows_build(input: &VersionInput<'_>) -> Option<(u64, Option<u64>, VersionSource)> {
    let from_text = |text: &str| -> Option<(u64, Option<u64>)> {
        let parts = numbers(text);
        match parts.as_slice() {
            [10, 0, build, rest @ ..] | [6, _, build, rest @ ..] => {
                Some((*build, rest.first().copied()))
            }
            [build, revision] if *build >= 7600 && *build < 100_000 => {
                Some((*build, Some(*revision)))
            }
            [build] if *build >= 7600 && *build < 100_000 => Some((*build, None)),
            _ => None,
        }
    };
    if let Some((build, revision)) = input.field.and_then(from_text) {
        return Some((build, revision, VersionSource::VersionField));
    }
    input
        .name_words
        .iter()
        .filter(|t| matches!(t.kind, TokenKind::Version | TokenKind::Number))
        .find_map(|t| from_text(&t.text).filter(|(build, _)| *build >= 7600))
        .map(|(build, revision)| (build, revision, VersionSource::Name))
}

fn build_version(build: u64, revision: Option<u64>) -> String {
    match revision {
        Some(revision) => format!("10.0.{build}.{revision}"),
        None => format!("10.0.{build}"),
    }
}

fn windows(input: &VersionInput<'_>) -> ResolvedVersion {
    let service_pack = named_update(input.name_words).filter(|u| u.starts_with("sp"));
    match input.product {
        "windows_10" | "windows_11" => {}
        older => {
            // Windows 7 and 8.1 are named by product alone; Windows 7's build 7601 is SP1.
            let build = windows_build(input);
            let update = service_pack.or_else(|| {
                (older == "windows_7" && build.is_some_and(|(b, _, _)| b == 7601))
                    .then(|| "sp1".to_owned())
            });
            return ResolvedVersion {
                version: Some("-".to_owned()),
                update,
                build: build.map(|(b, r, _)| build_version(b, r)),
                source: VersionSource::Name,
                ..ResolvedVersion::default()
            };
        }
    }
    if let Some((build, revision, source)) = windows_build(input)
        && let Some((_, family, release)) = WINDOWS_RELEASES.iter().find(|(b, _, _)| *b == build)
    {
        // The registry of Windows 11 still says "Windows 10" in ProductName: the build decides.
        return ResolvedVersion {
            product: Some(format!("{family}_{release}")),
            version: Some(build_version(build, revision)),
            source: if source == VersionSource::Name {
                VersionSource::Name
            } else {
                VersionSource::Build
            },
            ..ResolvedVersion::default()
        };
    }
    let release = input.name_words.iter().find_map(|t| {
        WINDOWS_RELEASES
            .iter()
            .find(|(_, family, release)| *family == input.product && *release == t.text)
    });
    match release {
        Some((_, family, release)) => ResolvedVersion {
            product: Some(format!("{family}_{release}")),
            source: VersionSource::Name,
            ..ResolvedVersion::default()
        },
        None => ResolvedVersion {
            alternatives: WINDOWS_RELEASES
                .iter()
                .filter(|(_, family, _)| *family == input.product)
                .map(|(_, family, release)| format!("{family}_{release}"))
                .collect(),
            ..ResolvedVersion::default()
        },
    }
}

/// Windows Server by year or build. NVD names 2016 and later `windows_server_YYYY` with the build
/// as version; 2012 R2 and 2008 R2 are `windows_server_2012:r2` and `windows_server_2008:r2`.
fn windows_server(input: &VersionInput<'_>) -> ResolvedVersion {
    let words = input.name_words;
    let r2 = words.iter().any(|t| t.text == "r2");
    let named_year = words
        .iter()
        .find(|t| t.kind == TokenKind::Number && is_year(&t.text))
        .map(|t| t.text.clone());
    let build = windows_build(input);
    let year_of_build = build.and_then(|(b, _, _)| match b {
        6001..=6003 => Some(("2008", false)),
        7600 | 7601 => Some(("2008", true)),
        9200 => Some(("2012", false)),
        9600 => Some(("2012", true)),
        14393 => Some(("2016", false)),
        17763 => Some(("2019", false)),
        20348 => Some(("2022", false)),
        26100 => Some(("2025", false)),
        _ => None,
    });
    let (year, r2, source) = match (named_year, year_of_build) {
        (Some(year), _) => (year, r2, VersionSource::Name),
        (None, Some((year, r2))) => (year.to_owned(), r2, VersionSource::Build),
        (None, None) => {
            return ResolvedVersion {
                alternatives: ["2008", "2012", "2016", "2019", "2022", "2025"]
                    .iter()
                    .map(|y| format!("windows_server_{y}"))
                    .collect(),
                ..ResolvedVersion::default()
            };
        }
    };
    let build_text = build.map(|(b, r, _)| build_version(b, r));
    let (version, update) = match (year.as_str(), r2) {
        ("2008", true) => ("r2".to_owned(), Some("sp1".to_owned())),
        ("2008", false) => ("-".to_owned(), Some("sp2".to_owned())),
        ("2012", true) => ("r2".to_owned(), None),
        ("2012", false) => ("-".to_owned(), None),
        _ => (build_text.clone().unwrap_or_else(|| "-".to_owned()), None),
    };
    ResolvedVersion {
        product: Some(format!("windows_server_{year}")),
        version: Some(version),
        update,
        build: build_text,
        source,
        ..ResolvedVersion::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::words::{ChineseLexicon, sort_words, tokenize};

    /// Release years by build as the alias table gives them for Office and SQL Server.
    fn years_of(product: &str) -> Vec<(String, Vec<String>)> {
        let table: &[(&str, &[&str])] = match product {
            "office" => &[
                ("16", &["2016", "2019", "2021", "2024"]),
                ("15", &["2013"]),
                ("14", &["2010"]),
            ],
            "sql_server" => &[("15", &["2019"]), ("16", &["2022"])],
            _ => &[],
        };
        table
            .iter()
            .map(|(prefix, years)| {
                (
                    (*prefix).to_owned(),
                    years.iter().map(|y| (*y).to_owned()).collect(),
                )
            })
            .collect()
    }

    fn resolve_text(
        scheme: Versioning,
        product: &str,
        name: &str,
        field: Option<&str>,
    ) -> ResolvedVersion {
        let words = sort_words(tokenize(name, &ChineseLexicon::default())).words;
        resolve(
            scheme,
            &VersionInput {
                field,
                name_words: &words,
                package: false,
                product,
                years: &years_of(product),
            },
        )
    }

    #[test]
    fn leading_versions_stop_at_revisions_and_keep_letter_suffixes() {
        assert_eq!(leading_version("1.1.1k").as_deref(), Some("1.1.1k"));
        assert_eq!(leading_version("v3.2 (build 7)").as_deref(), Some("3.2"));
        assert_eq!(leading_version("2.4.57-2.el9").as_deref(), Some("2.4.57"));
        assert_eq!(leading_version("x64"), None);
        assert_eq!(leading_version("unknown"), None);
        assert_eq!(upstream("1:3.0.2-0ubuntu1.10").as_deref(), Some("3.0.2"));
        assert_eq!(upstream("1:9.2p1-2+deb12u2").as_deref(), Some("9.2p1"));
        assert_eq!(upstream("2.36+dfsg-1").as_deref(), Some("2.36"));
        assert_eq!(upstream("7.61.1").as_deref(), Some("7.61.1"));
        assert_eq!(upstream("1:1.2.13.dfsg-1").as_deref(), Some("1.2.13"));
        assert_eq!(leading_version("115.6.0esr").as_deref(), Some("115.6.0"));
        assert_eq!(leading_version("2.0rc1").as_deref(), Some("2.0rc1"));
    }

    #[test]
    fn java_updates_from_the_name_the_registry_and_the_runtime() {
        for (name, field) in [
            ("Java 8 Update 281 (64-bit)", Some("8.0.2810.9")),
            ("Java 8 Update 281", None),
            ("Java SE Runtime Environment 8u281", None),
            ("Java(TM) 8", Some("8.0.2810.9")),
            ("JRE", Some("1.8.0_281")),
        ] {
            let resolved = resolve_text(Versioning::Java, "jre", name, field);
            assert_eq!(resolved.version.as_deref(), Some("1.8.0"), "{name}");
            assert_eq!(resolved.update.as_deref(), Some("update_281"), "{name}");
        }
        let modern = resolve_text(
            Versioning::Java,
            "jdk",
            "Java(TM) SE Development Kit 17.0.8 (64-bit)",
            Some("17.0.8.0"),
        );
        assert_eq!(modern.version.as_deref(), Some("17.0.8"));
        assert_eq!(modern.update, None);
        let runtime = resolve_text(Versioning::Java, "jre", "Java 17", Some("17.0.9"));
        assert_eq!(runtime.product.as_deref(), Some("jdk"));
    }

    #[test]
    fn office_takes_the_year_from_the_name_or_stays_ambiguous() {
        let named = resolve_text(
            Versioning::Year,
            "office",
            "Professional Plus 2016",
            Some("16.0.4266.1001"),
        );
        assert_eq!(named.version.as_deref(), Some("2016"));
        assert_eq!(named.build.as_deref(), Some("16.0.4266.1001"));
        let build_only = resolve_text(Versioning::Year, "office", "", Some("16.0.4266.1001"));
        assert_eq!(build_only.version, None);
        assert_eq!(build_only.alternatives, ["2016", "2019", "2021", "2024"]);
        let sql = resolve_text(Versioning::Year, "sql_server", "", Some("15.0.2000.5"));
        assert_eq!(sql.version.as_deref(), Some("2019"));
    }

    #[test]
    fn windows_builds_name_the_release() {
        let ten = resolve_text(
            Versioning::Windows,
            "windows_10",
            "",
            Some("10.0.19045.3803"),
        );
        assert_eq!(ten.product.as_deref(), Some("windows_10_22h2"));
        assert_eq!(ten.version.as_deref(), Some("10.0.19045.3803"));
        let eleven = resolve_text(Versioning::Windows, "windows_10", "", Some("10.0.22631"));
        assert_eq!(eleven.product.as_deref(), Some("windows_11_23h2"));
        let by_name = resolve_text(Versioning::Windows, "windows_10", "專業版 22H2", None);
        assert_eq!(by_name.product.as_deref(), Some("windows_10_22h2"));
        assert_eq!(by_name.version, None);
        let unknown = resolve_text(Versioning::Windows, "windows_11", "專業版", None);
        assert!(unknown.alternatives.contains(&"windows_11_23h2".to_owned()));
        let seven = resolve_text(Versioning::Windows, "windows_7", "", Some("6.1.7601"));
        assert_eq!(seven.version.as_deref(), Some("-"));
        assert_eq!(seven.update.as_deref(), Some("sp1"));
    }

    #[test]
    fn windows_server_by_year_or_build() {
        let named = resolve_text(
            Versioning::WindowsServer,
            "windows_server",
            "2019 Standard",
            Some("10.0.17763.5329"),
        );
        assert_eq!(named.product.as_deref(), Some("windows_server_2019"));
        assert_eq!(named.version.as_deref(), Some("10.0.17763.5329"));
        let r2 = resolve_text(Versioning::WindowsServer, "windows_server", "2012 R2", None);
        assert_eq!(r2.product.as_deref(), Some("windows_server_2012"));
        assert_eq!(r2.version.as_deref(), Some("r2"));
        let build = resolve_text(
            Versioning::WindowsServer,
            "windows_server",
            "",
            Some("10.0.20348"),
        );
        assert_eq!(build.product.as_deref(), Some("windows_server_2022"));
    }

    #[test]
    fn a_version_in_the_name_wins_over_the_installer_build_of_the_same_major() {
        let python = resolve_text(
            Versioning::Dotted,
            "python",
            "3.12.1 (64-bit)",
            Some("3.12.1150.0"),
        );
        assert_eq!(python.version.as_deref(), Some("3.12.1"));
        let other = resolve_text(Versioning::Dotted, "x", "2.0 tools", Some("5.1.0"));
        assert_eq!(other.version.as_deref(), Some("5.1.0"));
        let launcher = resolve_text(
            Versioning::Dotted,
            "python",
            "launcher",
            Some("3.11.5150.0"),
        );
        assert_eq!(launcher.version.as_deref(), Some("3.11.5"));
        let runtime = resolve_text(
            Versioning::Dotted,
            ".net",
            "runtime 6.0.25",
            Some("6.0.25.33020"),
        );
        assert_eq!(runtime.version.as_deref(), Some("6.0.25"));
        let winrar = resolve_text(Versioning::Dotted, "winrar", "6.24", Some("6.24.0"));
        assert_eq!(winrar.version.as_deref(), Some("6.24"));
        let mysql = resolve_text(Versioning::Dotted, "mysql", "server 8.0", Some("8.0.36"));
        assert_eq!(mysql.version.as_deref(), Some("8.0.36"));
        let sudo = resolve_text(Versioning::Dotted, "sudo", "", Some("1.9.13p3"));
        assert_eq!(
            (sudo.version.as_deref(), sudo.update.as_deref()),
            (Some("1.9.13"), Some("p3"))
        );
        let openssl = resolve_text(Versioning::Dotted, "openssl", "", Some("1.0.2p"));
        assert_eq!(
            (openssl.version.as_deref(), openssl.update),
            (Some("1.0.2p"), None)
        );
        let exchange = resolve_text(
            Versioning::Year,
            "exchange_server",
            "2019 CU13",
            Some("15.2.1258.12"),
        );
        assert_eq!(exchange.version.as_deref(), Some("2019"));
        assert_eq!(exchange.update.as_deref(), Some("cumulative_update_13"));
        let studio = resolve_text(
            Versioning::YearInProduct,
            "visual_studio",
            "professional 2022",
            Some("17.8.34330.188"),
        );
        assert_eq!(studio.product.as_deref(), Some("visual_studio_2022"));
        assert_eq!(studio.version.as_deref(), Some("17.8.34330.188"));
        let office = resolve_text(Versioning::Year, "office", "2010 Service Pack 2", None);
        assert_eq!(office.update.as_deref(), Some("sp2"));
    }

    #[test]
    fn builds_carry_the_latest_update_they_reached_in_their_line() {
        let first_builds = vec![
            (vec![14, 0, 6029], "sp1".to_owned()),
            (vec![14, 0, 7015], "sp2".to_owned()),
            (vec![15, 0, 4569], "sp1".to_owned()),
        ];
        for (build, update) in [
            ("14.0.7015.1000", Some("sp2")),
            ("14.0.7268.5000", Some("sp2")),
            ("14.0.6029", Some("sp1")),
            ("14.0.4763.1000", None),
            ("15.0.4569.1506", Some("sp1")),
            ("15.0.4420.1017", None),
            ("16.0.4266.1001", None),
            ("14", None),
        ] {
            assert_eq!(
                update_of_build(&first_builds, build).as_deref(),
                update,
                "{build}"
            );
        }
    }

    #[test]
    fn updates_written_in_the_version_column_with_the_products_words() {
        let esxi = UpdateWords {
            words: vec!["update".to_owned(), "u".to_owned()],
            format: "update_{}".to_owned(),
        };
        let qts = UpdateWords {
            words: vec!["build".to_owned()],
            format: "build_{}".to_owned(),
        };
        let written = |field: &str, spelling: &UpdateWords| written_update(field, spelling);
        assert_eq!(
            written("7.0 Update 3o (22348816)", &esxi),
            Some(("7.0".to_owned(), "update_3o".to_owned()))
        );
        assert_eq!(
            written("7.0.3.01700 (7.0 U3n)", &esxi),
            Some(("7.0".to_owned(), "update_3n".to_owned()))
        );
        assert_eq!(
            written("7.2.1-69057 Update 4", &esxi),
            Some(("7.2.1-69057".to_owned(), "update_4".to_owned()))
        );
        assert_eq!(
            written("5.1.4.2596 build 20231128", &qts),
            Some(("5.1.4.2596".to_owned(), "build_20231128".to_owned()))
        );
        // No version before the word, no value after it, or a word that only starts with one
        // of the product's words: nothing is taken.
        assert_eq!(written("Update 3", &esxi), None);
        assert_eq!(written("7.0 Update", &esxi), None);
        assert_eq!(written("7.0 Ultimate", &esxi), None);
        assert_eq!(written("5.1.4.2596", &qts), None);
    }

    #[test]
    fn prefixes_end_at_a_dot() {
        assert!(has_prefix("12.0.6010", "12.0"));
        assert!(has_prefix("12.0.6010", "12"));
        assert!(has_prefix("12", "12"));
        assert!(!has_prefix("12.0.6010", "1"));
        assert!(!has_prefix("120.1", "12"));
        let years = vec![
            ("15.2".to_owned(), vec!["2019".to_owned()]),
            ("15".to_owned(), vec!["2013".to_owned()]),
        ];
        assert_eq!(years_of_build(&years, "15.2.1258.12"), ["2019"]);
        assert_eq!(years_of_build(&years, "15.0.1497.2"), ["2013"]);
        assert!(years_of_build(&years, "14.3.513.0").is_empty());
    }

    #[test]
    fn openssh_portable_releases_split_into_version_and_update() {
        let words = Vec::new();
        let resolved = resolve(
            Versioning::Dotted,
            &VersionInput {
                field: Some("1:9.2p1-2+deb12u2"),
                name_words: &words,
                package: true,
                product: "openssh",
                years: &[],
            },
        );
        assert_eq!(resolved.version.as_deref(), Some("9.2"));
        assert_eq!(resolved.update.as_deref(), Some("p1"));
    }
}
