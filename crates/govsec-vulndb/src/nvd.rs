//! Reader for NVD CVE JSON 2.0: the yearly and modified feed files
//! (`nvdcve-2.0-*.json`, plain or gzip) and pages of the CVE API 2.0, which
//! share one shape: `{"format":"NVD_CVE","version":"2.0",…,"vulnerabilities":[{"cve":{…}},…]}`
//! (NVD, "CVE API 2.0" and its JSON schema `cve_api_json_2.0.schema`).
//!
//! The reader streams: a splitter cuts each element of `vulnerabilities`
//! out of the byte stream, which is decoded into a [`CveRecord`], handed to
//! a callback and dropped; so memory holds one record at a time, whatever
//! the file's size. Key order does not matter.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use govsec_cpe::WellFormedName;
use serde::Deserialize;

use crate::cvss::{CvssScore, CvssVector, CvssVersion, Severity};
use crate::error::{Error, Location};
use crate::id::{CveId, CweId, MatchCriteriaId};
use crate::model::{
    AffectedProduct, AffectedStatus, AffectedVersion, CisaExploitNote, Configuration, CpeMatch,
    CveRecord, CvssMetric, Description, MatchCriteria, MetricKind, Node, Operator, Provenance,
    Reference, VersionBound, VulnStatus, Weakness,
};

/// How a reader treats invalid records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Skip a record that is invalid (a bad field, CVSS vector or CPE name)
    /// and report it, instead of stopping at it. A document that is not
    /// well-formed JSON, or of the wrong format, stops the reader either way.
    pub skip_invalid: bool,
}

/// What a reader did.
#[derive(Debug, Default)]
pub struct ReadReport {
    /// Records handed to the callback.
    pub records: usize,
    /// Records skipped under [`ReadOptions::skip_invalid`], with why.
    pub skipped: Vec<Error>,
}

/// Opens a file for reading, decompressing it when it starts with the gzip
/// magic bytes (RFC 1952 §2.3.1), whatever its name.
pub fn open(path: &Path) -> Result<Box<dyn BufRead>, Error> {
    let file = File::open(path).map_err(|error| Error::io(path, error))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let magic = reader.fill_buf().map_err(|error| Error::io(path, error))?;
    if magic.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            flate2::bufread::MultiGzDecoder::new(reader),
        )))
    } else {
        Ok(Box::new(reader))
    }
}

/// Reads an NVD feed file or API page, plain or gzip, calling `on_record`
/// for each CVE in file order.
pub fn read_nvd_file(
    path: &Path,
    options: ReadOptions,
    on_record: impl FnMut(CveRecord),
) -> Result<ReadReport, Error> {
    read_nvd(open(path)?, Some(path), options, on_record)
}

/// Reads an NVD feed or API page from `reader`; `file` names it in errors.
pub fn read_nvd(
    reader: impl Read,
    file: Option<&Path>,
    options: ReadOptions,
    mut on_record: impl FnMut(CveRecord),
) -> Result<ReadReport, Error> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut report = ReadReport::default();
    let mut splitter = Splitter::default();
    let mut last_id: Option<CveId> = None;
    let mut handle = |piece: Piece<'_>| -> Result<(), Error> {
        match piece {
            Piece::Header(text) => check_header(text, file),
            Piece::Element {
                text,
                index,
                line,
                column,
            } => {
                let field = format!("vulnerabilities[{index}]");
                match parse_element(text, line, column) {
                    Ok(record) => {
                        last_id = Some(record.id);
                        on_record(record);
                        report.records += 1;
                        Ok(())
                    }
                    Err(rejected) => {
                        let (error, malformed) = *rejected;
                        let error = error.within(file, None, &field);
                        // A record that is not well-formed JSON stops the reader either way.
                        if options.skip_invalid && !malformed {
                            report.skipped.push(error);
                            Ok(())
                        } else {
                            Err(error)
                        }
                    }
                }
            }
        }
    };
    loop {
        let chunk = reader.fill_buf().map_err(|error| match file {
            Some(path) => Error::io(path, error),
            None => Error::io(Path::new("(input)"), error),
        })?;
        if chunk.is_empty() {
            break;
        }
        let length = chunk.len();
        splitter
            .feed(chunk, &mut handle)
            .map_err(|error| error.within(file, None, ""))?;
        reader.consume(length);
    }
    let position = splitter.elements;
    let in_records = splitter.in_array;
    let skeleton = splitter.finish();
    let truncated = |line: usize, column: usize, message: String| {
        let field = match last_id {
            Some(id) if in_records => {
                format!("vulnerabilities[{position}] (the record after {id})")
            }
            _ if in_records => format!("vulnerabilities[{position}]"),
            _ => "(top level)".to_owned(),
        };
        Error::Json {
            location: Location {
                file: file.map(Path::to_owned),
                cve: None,
                field: Some(field),
            },
            line,
            column,
            message,
        }
    };
    let skeleton = match skeleton {
        Ok(skeleton) => skeleton,
        Err((line, column)) => {
            return Err(truncated(
                line,
                column,
                format!("EOF while parsing the document at line {line} column {column}"),
            ));
        }
    };
    // The text around the records (with `"vulnerabilities":[]`) is small: serde checks its
    // syntax and the schema fields, wherever they stand.
    check_header(&skeleton.text, file).map_err(|error| match error {
        Error::Json {
            location,
            line,
            column,
            message,
        } => {
            let (line, column) = skeleton.document_position(line, column);
            Error::Json {
                location,
                line,
                column,
                message,
            }
        }
        other => other,
    })?;
    if !skeleton.saw_records {
        return Err(Error::Schema {
            location: Location {
                file: file.map(Path::to_owned),
                cve: None,
                field: Some("vulnerabilities".to_owned()),
            },
            found: "no \"vulnerabilities\" array".to_owned(),
            expected: "an NVD CVE JSON 2.0 document with a \"vulnerabilities\" array",
        });
    }
    Ok(report)
}

fn json_error(
    error: &serde_json::Error,
    file: Option<&Path>,
    cve: Option<CveId>,
    field: String,
) -> Error {
    Error::Json {
        location: Location {
            file: file.map(Path::to_owned),
            cve,
            field: Some(field),
        },
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    }
}

/// Checks the document's own fields: `format` must be `NVD_CVE` and `version` `2.0` when
/// present (the CVE API 2.0 schema). `text` is the document up to or around the records,
/// completed into an object here when the records have only begun.
fn check_header(text: &[u8], file: Option<&Path>) -> Result<(), Error> {
    #[derive(Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<String>,
    }
    let completed;
    let text = if text.ends_with(b"[") {
        completed = [text, b"]}"].concat();
        &completed[..]
    } else {
        text
    };
    let header: Header = serde_json::from_slice(text)
        .map_err(|error| json_error(&error, file, None, "(top level)".to_owned()))?;
    for (key, value, expected, wanted) in [
        ("format", header.format, "NVD_CVE", "format \"NVD_CVE\""),
        ("version", header.version, "2.0", "version \"2.0\""),
    ] {
        if let Some(value) = value
            && value != expected
        {
            return Err(Error::Schema {
                location: Location {
                    file: file.map(Path::to_owned),
                    cve: None,
                    field: Some(key.to_owned()),
                },
                found: value,
                expected: wanted,
            });
        }
    }
    Ok(())
}

/// Decodes one record cut out of the document; syntax errors are placed in the document.
/// The flag says whether the record is not well-formed JSON (as opposed to JSON of the
/// wrong shape or with an invalid value).
fn parse_element(text: &[u8], line: usize, column: usize) -> Result<CveRecord, Box<(Error, bool)>> {
    let place = |error: &serde_json::Error| {
        let inner_line = error.line();
        Error::Json {
            location: Location::default(),
            line: line + inner_line.saturating_sub(1),
            column: if inner_line <= 1 {
                column + error.column().saturating_sub(1)
            } else {
                error.column()
            },
            message: error.to_string(),
        }
    };
    let malformed = || serde_json::from_slice::<serde::de::IgnoredAny>(text).err();
    let Ok(text) = std::str::from_utf8(text) else {
        let error = malformed().map_or_else(
            || Error::Json {
                location: Location::default(),
                line,
                column,
                message: "invalid UTF-8".to_owned(),
            },
            |e| place(&e),
        );
        return Err(Box::new((error, true)));
    };
    parse_vulnerability(text).map_err(|error| {
        Box::new(match (&error, malformed()) {
            (Error::Json { .. }, Some(syntax)) => (place(&syntax), true),
            _ => (error, false),
        })
    })
}

/// What the splitter hands on.
enum Piece<'a> {
    /// The document up to and including the `[` of `vulnerabilities`.
    Header(&'a [u8]),
    /// One element of `vulnerabilities`, with where it starts in the document.
    Element {
        text: &'a [u8],
        index: usize,
        line: usize,
        column: usize,
    },
}

/// The document without its records.
struct Skeleton {
    text: Vec<u8>,
    saw_records: bool,
    /// Where the records' closing `]` is: in the skeleton (line, column) and in the document
    /// (line, column), so that positions after the records can be given in the document.
    closing: Option<((usize, usize), (usize, usize))>,
}

impl Skeleton {
    /// A position in the skeleton as a position in the document.
    fn document_position(&self, line: usize, column: usize) -> (usize, usize) {
        match self.closing {
            Some(((skeleton_line, skeleton_column), (document_line, document_column)))
                if (line, column) >= (skeleton_line, skeleton_column) =>
            {
                if line == skeleton_line {
                    (document_line, document_column + column - skeleton_column)
                } else {
                    (document_line + line - skeleton_line, column)
                }
            }
            _ => (line, column),
        }
    }
}

/// The most bytes of the document outside its records: NVD's own fields are a few hundred
/// bytes, and they are held in memory to be checked at the end.
const MAX_SKELETON_BYTES: usize = 1 << 20;

/// Cuts the elements of the top-level `vulnerabilities` array out of the byte stream, so that
/// each is parsed from a slice instead of through serde_json's byte-at-a-time reader (the
/// reader's largest cost, docs/BENCHMARKS-vulndb.md). It tracks only strings, escapes and
/// nesting — the JSON syntax inside a record is checked when the record is parsed, and the
/// text around the records (kept, with an empty array) when the document ends.
#[derive(Default)]
struct Splitter {
    depth: usize,
    in_string: bool,
    escaped: bool,
    line: usize,
    column: usize,
    skeleton: Vec<u8>,
    last_string: Vec<u8>,
    capturing_string: bool,
    pending_key: Option<Vec<u8>>,
    in_array: bool,
    saw_records: bool,
    closing: Option<((usize, usize), (usize, usize))>,
    element: Vec<u8>,
    in_element: bool,
    /// The element is a bare scalar (a string, number, `null`…), not an object or array.
    scalar: bool,
    element_start: (usize, usize),
    elements: usize,
}

/// Where in a text its end is, as (line, column) of the last byte, 1-based.
fn end_position(text: &[u8]) -> (usize, usize) {
    let line = 1 + text.iter().filter(|b| **b == b'\n').count();
    let column = text.iter().rev().take_while(|b| **b != b'\n').count();
    (line, column)
}

impl Splitter {
    fn keep(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.skeleton.len() + bytes.len() > MAX_SKELETON_BYTES {
            return Err(Error::Schema {
                location: Location {
                    file: None,
                    cve: None,
                    field: Some("(top level)".to_owned()),
                },
                found: format!(
                    "more than {} KiB outside the records (line {})",
                    MAX_SKELETON_BYTES / 1024,
                    self.line
                ),
                expected: "an NVD CVE JSON 2.0 document whose bulk is its \"vulnerabilities\" array",
            });
        }
        self.skeleton.extend_from_slice(bytes);
        Ok(())
    }

    fn emit(
        &mut self,
        handle: &mut impl FnMut(Piece<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.in_element = false;
        self.scalar = false;
        let (line, column) = self.element_start;
        let index = self.elements;
        self.elements += 1;
        handle(Piece::Element {
            text: &self.element,
            index,
            line,
            column,
        })
    }

    fn feed(
        &mut self,
        chunk: &[u8],
        handle: &mut impl FnMut(Piece<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if self.line == 0 {
            self.line = 1;
        }
        let mut segment = 0;
        let mut index = 0;
        while index < chunk.len() {
            let byte = chunk[index];
            if self.in_string {
                // Inside a string only `"` and `\` matter: jump to the next of them.
                if self.escaped {
                    self.escaped = false;
                    self.column += 1;
                    index += 1;
                    continue;
                }
                let rest = &chunk[index..];
                let Some(offset) = memchr::memchr2(b'"', b'\\', rest) else {
                    self.column += rest.len();
                    if self.capturing_string {
                        self.last_string.extend_from_slice(rest);
                    }
                    index = chunk.len();
                    continue;
                };
                if self.capturing_string {
                    self.last_string.extend_from_slice(&rest[..offset]);
                }
                self.column += offset + 1;
                index += offset;
                if chunk[index] == b'\\' {
                    self.escaped = true;
                    if self.capturing_string {
                        self.last_string.push(b'\\');
                    }
                } else {
                    self.in_string = false;
                    self.capturing_string = false;
                    if self.scalar {
                        self.element.extend_from_slice(&chunk[segment..=index]);
                        segment = index + 1;
                        self.emit(handle)?;
                    }
                }
                index += 1;
                continue;
            }
            self.column += 1;
            if self.scalar && matches!(byte, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                self.element.extend_from_slice(&chunk[segment..index]);
                segment = index;
                self.emit(handle)?;
            }
            let mut consumed = false;
            match byte {
                b'\n' => {
                    self.line += 1;
                    self.column = 0;
                }
                b'"' => {
                    self.in_string = true;
                    if self.depth == 1 {
                        self.capturing_string = true;
                        self.last_string.clear();
                    }
                }
                b':' if self.depth == 1 => {
                    self.pending_key = Some(std::mem::take(&mut self.last_string));
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    let records_key = self.depth == 2
                        && byte == b'['
                        && self.pending_key.as_deref() == Some(b"vulnerabilities");
                    if records_key && self.saw_records {
                        return Err(Error::Schema {
                            location: Location {
                                file: None,
                                cve: None,
                                field: Some("vulnerabilities".to_owned()),
                            },
                            found: format!(
                                "a second \"vulnerabilities\" array at line {}",
                                self.line
                            ),
                            expected: "one \"vulnerabilities\" array",
                        });
                    }
                    if records_key {
                        self.keep(&chunk[segment..=index])?;
                        segment = index + 1;
                        self.in_array = true;
                        self.saw_records = true;
                        consumed = true;
                        handle(Piece::Header(&self.skeleton))?;
                    } else if self.in_array && self.depth == 3 {
                        self.in_element = true;
                        self.element.clear();
                        self.element_start = (self.line, self.column);
                        segment = index;
                    }
                }
                b'}' | b']' => {
                    if self.in_array && self.depth == 2 {
                        // The end of the records: the skeleton resumes at this `]`.
                        self.in_array = false;
                        segment = index;
                        let (line, column) = end_position(&self.skeleton);
                        self.closing = Some(((line, column + 1), (self.line, self.column)));
                    }
                    self.depth = self.depth.saturating_sub(1);
                    if self.in_element && !self.scalar && self.depth == 2 {
                        self.element.extend_from_slice(&chunk[segment..=index]);
                        segment = index + 1;
                        consumed = true;
                        self.emit(handle)?;
                    }
                }
                _ => {}
            }
            if self.in_array && !self.in_element && !consumed {
                if matches!(byte, b',' | b' ' | b'\t' | b'\r' | b'\n') {
                    segment = index + 1;
                } else {
                    // A scalar where a record should be: handed on as a record, so that its
                    // error names it; it ends at its closing quote or at a separator.
                    self.in_element = true;
                    self.scalar = true;
                    self.element.clear();
                    self.element_start = (self.line, self.column);
                    segment = index;
                }
            }
            index += 1;
        }
        if self.in_element {
            self.element.extend_from_slice(&chunk[segment..]);
        } else if !self.in_array {
            self.keep(&chunk[segment..])?;
        }
        Ok(())
    }

    /// The skeleton, or where the document ended too early.
    fn finish(self) -> Result<Skeleton, (usize, usize)> {
        if self.depth > 0 || self.in_string || self.in_element {
            return Err((self.line.max(1), self.column));
        }
        Ok(Skeleton {
            text: self.skeleton,
            saw_records: self.saw_records,
            closing: self.closing,
        })
    }
}

/// Decodes one element of `vulnerabilities`, `{"cve":{…}}`.
pub fn parse_vulnerability(text: &str) -> Result<CveRecord, Error> {
    #[derive(Deserialize)]
    struct Vulnerability {
        cve: RawCve,
    }
    let vulnerability: Vulnerability = decode(text, || {
        #[derive(Deserialize)]
        struct Id {
            cve: IdOnly,
        }
        serde_json::from_str::<Id>(text).ok().map(|id| id.cve.id)
    })?;
    let cve = vulnerability.cve;
    let id = parse_cve_id(&cve.id, "cve.id")?;
    convert(cve, id).map_err(|error| error.within(None, Some(id), "cve"))
}

#[derive(Deserialize)]
pub(crate) struct IdOnly {
    id: String,
}

/// Decodes `text` as `T`, naming the failing field by its JSON path and the
/// CVE by `id_of` when the text carries one.
///
/// The path is tracked only when the plain decoding has failed: tracking it
/// for every value of every record cost a tenth of an import, and decoding
/// the same text again fails at the same place.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    text: &str,
    id_of: impl FnOnce() -> Option<String>,
) -> Result<T, Error> {
    let plain = match serde_json::from_str(text) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let cve = || id_of().and_then(|id| id.parse().ok());
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(error) => Err(json_error(
            error.inner(),
            None,
            cve(),
            error.path().to_string(),
        )),
        Ok(_) => Err(json_error(&plain, None, cve(), String::new())),
    }
}

pub(crate) fn parse_cve_id(text: &str, field: &str) -> Result<CveId, Error> {
    text.parse()
        .map_err(|reason| Error::invalid(field, text, reason))
}

/// Parses `text` as `T`, an [`Error::InvalidValue`] at `field` otherwise.
pub(crate) fn parse_field<T: std::str::FromStr<Err = String>>(
    text: &str,
    field: &str,
) -> Result<T, Error> {
    text.parse()
        .map_err(|reason| Error::invalid(field, text, reason))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCve {
    id: String,
    source_identifier: Option<String>,
    published: Option<String>,
    last_modified: Option<String>,
    vuln_status: Option<String>,
    #[serde(default)]
    descriptions: Vec<RawLangString>,
    #[serde(default)]
    weaknesses: Vec<RawWeakness>,
    #[serde(default)]
    references: Vec<RawReference>,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    configurations: Vec<RawConfiguration>,
    #[serde(default)]
    affected: Vec<RawNvdAffected>,
    cisa_exploit_add: Option<String>,
    cisa_action_due: Option<String>,
    cisa_required_action: Option<String>,
    cisa_vulnerability_name: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct RawLangString {
    pub(crate) lang: String,
    pub(crate) value: String,
}

#[derive(Deserialize)]
struct RawWeakness {
    source: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    description: Vec<RawLangString>,
}

#[derive(Deserialize)]
struct RawReference {
    url: String,
    source: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Default)]
struct RawMetrics {
    #[serde(default, rename = "cvssMetricV2")]
    v2: Vec<RawMetric>,
    #[serde(default, rename = "cvssMetricV30")]
    v30: Vec<RawMetric>,
    #[serde(default, rename = "cvssMetricV31")]
    v31: Vec<RawMetric>,
    #[serde(default, rename = "cvssMetricV40")]
    v40: Vec<RawMetric>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetric {
    source: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    cvss_data: RawCvssData,
    base_severity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawCvssData {
    pub(crate) version: Option<String>,
    pub(crate) vector_string: String,
    pub(crate) base_score: f64,
    pub(crate) base_severity: Option<String>,
}

#[derive(Deserialize)]
struct RawConfiguration {
    operator: Option<String>,
    #[serde(default)]
    negate: bool,
    nodes: Vec<RawNode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNode {
    operator: Option<String>,
    #[serde(default)]
    negate: bool,
    cpe_match: Vec<RawCpeMatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCpeMatch {
    vulnerable: bool,
    criteria: String,
    match_criteria_id: Option<String>,
    version_start_including: Option<String>,
    version_start_excluding: Option<String>,
    version_end_including: Option<String>,
    version_end_excluding: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawNvdAffected {
    source: Option<String>,
    #[serde(default)]
    affected_data: Vec<RawAffectedProduct>,
}

/// An `affected[]` product (CVE JSON 5 schema; NVD copies the same shape).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RawAffectedProduct {
    vendor: Option<String>,
    product: Option<String>,
    package_name: Option<String>,
    #[serde(default)]
    cpes: Vec<String>,
    #[serde(default)]
    platforms: Vec<String>,
    default_status: Option<String>,
    #[serde(default)]
    versions: Vec<RawAffectedVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAffectedVersion {
    version: String,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    status: String,
    version_type: Option<String>,
}

fn convert(cve: RawCve, id: CveId) -> Result<CveRecord, Error> {
    let status_text = cve.vuln_status.as_deref().unwrap_or("Received");
    let status = VulnStatus::from_nvd(status_text).ok_or_else(|| {
        Error::invalid("vulnStatus", status_text, "not an NVD vulnerability status")
    })?;
    let mut record = CveRecord::new(id, status);
    record.source_identifier = cve.source_identifier;
    record.published = cve
        .published
        .as_deref()
        .map(|t| parse_field(t, "published"))
        .transpose()?;
    record.last_modified = cve
        .last_modified
        .as_deref()
        .map(|t| parse_field(t, "lastModified"))
        .transpose()?;
    record.descriptions = descriptions(cve.descriptions);
    for (index, weakness) in cve.weaknesses.into_iter().enumerate() {
        let kind = metric_kind(
            weakness.kind.as_deref(),
            &format!("weaknesses[{index}].type"),
        )?;
        for (position, description) in weakness.description.into_iter().enumerate() {
            let field = format!("weaknesses[{index}].description[{position}].value");
            let cwe: CweId = parse_field(&description.value, &field)?;
            if !record.weaknesses.iter().any(|own| own.cwe == cwe) {
                record.weaknesses.push(Weakness {
                    source: weakness.source.clone(),
                    kind,
                    cwe,
                });
            }
        }
    }
    record.references = cve
        .references
        .into_iter()
        .map(|reference| Reference {
            url: reference.url,
            source: reference.source,
            tags: reference.tags,
        })
        .collect();
    let groups = [
        ("cvssMetricV2", CvssVersion::V2_0, cve.metrics.v2),
        ("cvssMetricV30", CvssVersion::V3_0, cve.metrics.v30),
        ("cvssMetricV31", CvssVersion::V3_1, cve.metrics.v31),
        ("cvssMetricV40", CvssVersion::V4_0, cve.metrics.v40),
    ];
    for (name, version, metrics) in groups {
        for (index, metric) in metrics.into_iter().enumerate() {
            let field = format!("metrics.{name}[{index}]");
            let kind = metric_kind(metric.kind.as_deref(), &format!("{field}.type"))?;
            let severity = metric
                .cvss_data
                .base_severity
                .clone()
                .or(metric.base_severity);
            record.metrics.push(cvss_metric(
                Provenance::Nvd,
                metric.source,
                kind,
                version,
                &metric.cvss_data,
                severity.as_deref(),
                &format!("{field}.cvssData"),
            )?);
        }
    }
    for (index, configuration) in cve.configurations.into_iter().enumerate() {
        record.configurations.push(configuration_of(
            configuration,
            &format!("configurations[{index}]"),
        )?);
    }
    for (index, affected) in cve.affected.into_iter().enumerate() {
        for (position, product) in affected.affected_data.into_iter().enumerate() {
            let field = format!("affected[{index}].affectedData[{position}]");
            record.affected.push(affected_product(
                product,
                Provenance::Cna,
                affected.source.clone(),
                &field,
            )?);
        }
    }
    let date = |text: Option<String>, field: &str| {
        text.as_deref().map(|t| parse_field(t, field)).transpose()
    };
    if cve.cisa_exploit_add.is_some()
        || cve.cisa_action_due.is_some()
        || cve.cisa_required_action.is_some()
    {
        record.cisa = Some(CisaExploitNote {
            exploit_added: date(cve.cisa_exploit_add, "cisaExploitAdd")?,
            action_due: date(cve.cisa_action_due, "cisaActionDue")?,
            required_action: cve.cisa_required_action,
            vulnerability_name: cve.cisa_vulnerability_name,
        });
    }
    Ok(record)
}

pub(crate) fn descriptions(raw: Vec<RawLangString>) -> Vec<Description> {
    raw.into_iter()
        .map(|description| Description {
            lang: description.lang,
            value: description.value,
        })
        .collect()
}

fn metric_kind(text: Option<&str>, field: &str) -> Result<Option<MetricKind>, Error> {
    match text {
        None => Ok(None),
        Some("Primary") => Ok(Some(MetricKind::Primary)),
        Some("Secondary") => Ok(Some(MetricKind::Secondary)),
        Some(other) => Err(Error::invalid(
            field,
            other,
            "the type is \"Primary\" or \"Secondary\"",
        )),
    }
}

/// A CVSS metric from a `cvssData` object, checked: the vector is valid and
/// of the version its container says, the score lies in 0.0–10.0.
pub(crate) fn cvss_metric(
    provenance: Provenance,
    source: Option<String>,
    kind: Option<MetricKind>,
    version: CvssVersion,
    data: &RawCvssData,
    severity: Option<&str>,
    field: &str,
) -> Result<CvssMetric, Error> {
    let vector_field = format!("{field}.vectorString");
    let vector = CvssVector::parse(&data.vector_string)
        .map_err(|error| error.within(None, None, &vector_field))?;
    if vector.version() != version {
        return Err(Error::invalid(
            vector_field,
            &data.vector_string,
            format!(
                "a CVSS v{} vector where v{version} is expected",
                vector.version()
            ),
        ));
    }
    if let Some(declared) = data
        .version
        .as_deref()
        .filter(|declared| *declared != version.as_str())
    {
        return Err(Error::invalid(
            format!("{field}.version"),
            declared,
            format!("the vector is CVSS v{version}"),
        ));
    }
    let base_score = CvssScore::from_stated(data.base_score).ok_or_else(|| {
        Error::invalid(
            format!("{field}.baseScore"),
            &data.base_score.to_string(),
            "a CVSS score lies in 0.0–10.0 with one decimal",
        )
    })?;
    let severity = match severity {
        Some(text) => parse_field(text, &format!("{field}.baseSeverity"))?,
        None => Severity::of(base_score, version),
    };
    Ok(CvssMetric {
        provenance,
        source,
        kind,
        vector,
        base_score,
        severity,
    })
}

fn operator(text: Option<&str>, field: &str) -> Result<Operator, Error> {
    match text {
        None | Some("OR") => Ok(Operator::Or),
        Some("AND") => Ok(Operator::And),
        Some(other) => Err(Error::invalid(
            field,
            other,
            "the operator is \"AND\" or \"OR\"",
        )),
    }
}

fn configuration_of(raw: RawConfiguration, field: &str) -> Result<Configuration, Error> {
    let mut nodes = Vec::with_capacity(raw.nodes.len());
    for (index, node) in raw.nodes.into_iter().enumerate() {
        let node_field = format!("{field}.nodes[{index}]");
        let mut matches = Vec::with_capacity(node.cpe_match.len());
        for (position, entry) in node.cpe_match.into_iter().enumerate() {
            let entry_field = format!("{node_field}.cpeMatch[{position}]");
            let (start, end) = bounds(&entry, &entry_field)?;
            matches.push(CpeMatch {
                vulnerable: entry.vulnerable,
                criteria: match_criteria(
                    &entry.criteria,
                    entry.match_criteria_id.as_deref(),
                    start,
                    end,
                    &entry_field,
                )?,
            });
        }
        nodes.push(Node {
            operator: operator(node.operator.as_deref(), &format!("{node_field}.operator"))?,
            negate: node.negate,
            matches,
        });
    }
    Ok(Configuration {
        provenance: Provenance::Nvd,
        operator: operator(raw.operator.as_deref(), &format!("{field}.operator"))?,
        negate: raw.negate,
        nodes,
    })
}

type Bounds = (Option<VersionBound>, Option<VersionBound>);

fn bounds(entry: &RawCpeMatch, field: &str) -> Result<Bounds, Error> {
    let pick = |including: &Option<String>, excluding: &Option<String>, name: &str| match (
        including, excluding,
    ) {
        (Some(_), Some(text)) => Err(Error::invalid(
            format!("{field}.{name}Excluding"),
            text,
            format!("{name}Including and {name}Excluding are both given"),
        )),
        (Some(text), None) => Ok(Some(VersionBound {
            version: govsec_cpe::Version::parse(text),
            inclusive: true,
        })),
        (None, Some(text)) => Ok(Some(VersionBound {
            version: govsec_cpe::Version::parse(text),
            inclusive: false,
        })),
        (None, None) => Ok(None),
    };
    Ok((
        pick(
            &entry.version_start_including,
            &entry.version_start_excluding,
            "versionStart",
        )?,
        pick(
            &entry.version_end_including,
            &entry.version_end_excluding,
            "versionEnd",
        )?,
    ))
}

/// Match criteria from a CPE name, NVD's id (or one derived from the
/// content), and bounds.
pub(crate) fn match_criteria(
    criteria: &str,
    id: Option<&str>,
    version_start: Option<VersionBound>,
    version_end: Option<VersionBound>,
    field: &str,
) -> Result<MatchCriteria, Error> {
    let name = WellFormedName::parse(criteria).map_err(|source| Error::InvalidCpe {
        location: Location {
            field: Some(format!("{field}.criteria")),
            ..Location::default()
        },
        name: criteria.to_owned(),
        source: Box::new(source),
    })?;
    let id = match id {
        Some(text) => parse_field::<MatchCriteriaId>(text, &format!("{field}.matchCriteriaId"))?,
        None => {
            let bound = |bound: &Option<VersionBound>| {
                bound
                    .as_ref()
                    .map(|b| format!("{}{}", if b.inclusive { "=" } else { "" }, b.version))
                    .unwrap_or_default()
            };
            MatchCriteriaId::derived(&format!(
                "{}|{}|{}",
                name.to_formatted_string(),
                bound(&version_start),
                bound(&version_end)
            ))
        }
    };
    Ok(MatchCriteria {
        id,
        name,
        version_start,
        version_end,
    })
}

pub(crate) fn affected_product(
    raw: RawAffectedProduct,
    provenance: Provenance,
    source: Option<String>,
    field: &str,
) -> Result<AffectedProduct, Error> {
    let status = |text: &str, name: &str| {
        AffectedStatus::parse(text).ok_or_else(|| {
            Error::invalid(
                name,
                text,
                "the status is \"affected\", \"unaffected\" or \"unknown\"",
            )
        })
    };
    let default_status = raw
        .default_status
        .as_deref()
        .map(|text| status(text, &format!("{field}.defaultStatus")))
        .transpose()?;
    let mut versions = Vec::with_capacity(raw.versions.len());
    for (index, version) in raw.versions.into_iter().enumerate() {
        versions.push(AffectedVersion {
            status: status(
                &version.status,
                &format!("{field}.versions[{index}].status"),
            )?,
            version: version.version,
            less_than: version.less_than,
            less_than_or_equal: version.less_than_or_equal,
            version_type: version.version_type,
        });
    }
    Ok(AffectedProduct {
        provenance,
        source,
        vendor: raw.vendor,
        product: raw.product,
        package_name: raw.package_name,
        cpes: raw.cpes,
        platforms: raw.platforms,
        default_status,
        versions,
    })
}
