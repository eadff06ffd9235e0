//! Agency registry files: reading CSV and XLSX (Chinese or English headers) into agencies,
//! checking an import against the registry as a whole, and writing the registry back out.
//!
//! An import is all-or-nothing: [`check_import`] either returns a plan that the store applies in
//! one transaction, or every problem found, each located as `file:row:column`. Rows and columns
//! are counted from 1 as a spreadsheet shows them; the header is row 1.
//!
//! Exported cells that begin with `=`, `+`, `-`, `@`, tab or carriage return are prefixed with an
//! apostrophe so that a spreadsheet does not run them as formulas (OWASP "CSV injection"); the
//! importer removes that prefix again, so an export re-imports unchanged.

use std::collections::{HashMap, HashSet};
use std::fmt;

use govsec_i18n::{Lang, Text};
use serde::Serialize;

use crate::agency::{LayerName, WebsiteUrlProblem};
use crate::tree;
use crate::{
    Agency, AgencyCode, CentreType, Contact, EmailAddress, Error, ExchangeLayer, InformationSystem,
    ResponsibilityLevel, Tier, WebsiteUrl,
};

/// The most rows one file may hold; far above the national registry's size, it bounds the
/// memory an upload can take.
pub const MAX_ROWS: usize = 100_000;
/// The longest a name or other single text may be, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// A column of the registry file layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// 機關代碼.
    Code,
    /// 機關名稱.
    NameZh,
    /// 英文名稱.
    NameEn,
    /// 機關層級.
    Tier,
    /// 上級機關代碼.
    Parent,
    /// 資通安全責任等級.
    Level,
    /// 公文交換層級.
    ExchangeLayer,
    /// 交換中心類型.
    ExchangeCentre,
    /// 聯絡人: `name|title|email|phone`, several separated by `;` or line breaks.
    Contacts,
    /// 網站: URLs separated by `;` or line breaks.
    Websites,
    /// 資訊系統: `name|core|VANS|EDR`, several separated by `;` or line breaks.
    Systems,
}

impl Column {
    /// Every column in file order.
    pub const ALL: [Column; 11] = [
        Column::Code,
        Column::NameZh,
        Column::NameEn,
        Column::Tier,
        Column::Parent,
        Column::Level,
        Column::ExchangeLayer,
        Column::ExchangeCentre,
        Column::Contacts,
        Column::Websites,
        Column::Systems,
    ];

    /// The English header, also the machine key.
    pub fn header_en(self) -> &'static str {
        match self {
            Column::Code => "code",
            Column::NameZh => "name_zh",
            Column::NameEn => "name_en",
            Column::Tier => "tier",
            Column::Parent => "parent",
            Column::Level => "level",
            Column::ExchangeLayer => "exchange_layer",
            Column::ExchangeCentre => "exchange_centre",
            Column::Contacts => "contacts",
            Column::Websites => "websites",
            Column::Systems => "systems",
        }
    }

    /// The Chinese header.
    pub fn header_zh(self) -> &'static str {
        match self {
            Column::Code => "機關代碼",
            Column::NameZh => "機關名稱",
            Column::NameEn => "英文名稱",
            Column::Tier => "機關層級",
            Column::Parent => "上級機關代碼",
            Column::Level => "資通安全責任等級",
            Column::ExchangeLayer => "公文交換層級",
            Column::ExchangeCentre => "交換中心類型",
            Column::Contacts => "聯絡人",
            Column::Websites => "網站",
            Column::Systems => "資訊系統",
        }
    }

    /// The header in the given language.
    pub fn header(self, language: HeaderLanguage) -> &'static str {
        match language {
            HeaderLanguage::Chinese => self.header_zh(),
            HeaderLanguage::English => self.header_en(),
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Code => &["agency_code", "代碼", "機關代號"],
            Column::NameZh => &["name", "中文名稱", "機關全銜"],
            Column::NameEn => &["english_name", "機關英文名稱"],
            Column::Tier => &["層級", "機關層級別"],
            Column::Parent => &["parent_code", "上級機關", "supervising_agency"],
            Column::Level => &["responsibility_level", "責任等級", "資安責任等級"],
            Column::ExchangeLayer => &["layer", "交換層級"],
            Column::ExchangeCentre => &["centre", "center", "exchange_center", "交換中心"],
            Column::Contacts => &["contact", "聯絡窗口"],
            Column::Websites => &["website", "urls", "網址", "網站網址"],
            Column::Systems => &["information_systems", "系統"],
        }
    }

    /// Recognises a header cell in Chinese or English, ignoring case, spaces and hyphens.
    pub fn from_header(text: &str) -> Option<Column> {
        let wanted: String = text
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Column::ALL.into_iter().find(|column| {
            column.header_en() == wanted
                || column.header_zh() == wanted
                || column.aliases().contains(&wanted.as_str())
        })
    }

    fn required(self) -> bool {
        matches!(
            self,
            Column::Code | Column::NameZh | Column::Tier | Column::Level
        )
    }
}

/// Which header row an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderLanguage {
    /// Chinese headers and values (the default: agencies' own spreadsheets use them).
    #[default]
    Chinese,
    /// English headers and values.
    English,
}

/// How the bytes of a CSV file are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// UTF-8, or UTF-16 when a byte-order mark says so; anything else is rejected.
    #[default]
    Detect,
    /// UTF-8 only.
    Utf8,
    /// Big5 (CP950), as older Windows exports in Taiwan write.
    Big5,
}

/// One problem found in a registry file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The bytes are not UTF-8 and carry no other byte-order mark.
    NotUtf8,
    /// The bytes cannot be decoded in the encoding asked for.
    NotDecodable(&'static str),
    /// The spreadsheet cannot be opened; the reader's reason.
    UnreadableFile(String),
    /// There is no header row.
    EmptyFile,
    /// A header that names no known column.
    UnknownColumn(String),
    /// A header that names a column already named.
    DuplicateColumn(String),
    /// A required column is absent.
    MissingColumn(Column),
    /// A required cell is empty.
    MissingValue(Column),
    /// A malformed agency code.
    BadCode(String),
    /// An unknown tier.
    BadTier(String),
    /// A responsibility level other than A–E.
    BadLevel(String),
    /// An unknown document-exchange layer.
    BadLayer(String),
    /// An unknown exchange-centre type.
    BadCentre(String),
    /// A centre type given for an agency outside the exchange layer.
    CentreWithoutExchange,
    /// An exchange-layer agency without a centre type.
    ExchangeWithoutCentre,
    /// A URL that does not parse; the parser's reason.
    BadUrl(String, String),
    /// A URL whose scheme is not http or https.
    UrlScheme(String),
    /// A URL without a host.
    UrlNoHost(String),
    /// A contact entry without the four fields.
    BadContact(String),
    /// A malformed e-mail address.
    BadEmail(String),
    /// A system entry without the four fields.
    BadSystem(String),
    /// A yes/no field that says neither.
    BadYesNo(String),
    /// A code that an earlier row of the file already used.
    DuplicateCode(AgencyCode, usize),
    /// A parent that is neither in the file nor in the registry.
    UnknownParent(AgencyCode),
    /// An agency named as its own parent.
    SelfParent,
    /// Parents that form a cycle.
    Cycle(Vec<AgencyCode>),
    /// A text longer than allowed.
    TooLong(Column, usize),
    /// More rows than [`MAX_ROWS`].
    TooManyRows(usize),
}

impl Problem {
    /// The problem explained in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let column = |c: &Column| match lang {
            Lang::ZhTw => c.header_zh(),
            Lang::En => c.header_en(),
        };
        match self {
            Problem::NotUtf8 => Text::ProblemNotUtf8.fill(lang, &[]),
            Problem::NotDecodable(name) => Text::ProblemNotDecodable.fill(lang, &[name]),
            Problem::UnreadableFile(reason) => Text::ProblemUnreadableFile.fill(lang, &[reason]),
            Problem::EmptyFile => Text::ProblemEmptyFile.fill(lang, &[]),
            Problem::UnknownColumn(name) => Text::ProblemUnknownColumn.fill(lang, &[name]),
            Problem::DuplicateColumn(name) => Text::ProblemDuplicateColumn.fill(lang, &[name]),
            Problem::MissingColumn(c) => Text::ProblemMissingColumn.fill(lang, &[&column(c)]),
            Problem::MissingValue(c) => Text::ProblemMissingValue.fill(lang, &[&column(c)]),
            Problem::BadCode(text) => Text::ProblemBadCode.fill(lang, &[text]),
            Problem::BadTier(text) => {
                let allowed: Vec<&str> = Tier::ALL.iter().map(|t| t.label(lang)).collect();
                Text::ProblemBadTier.fill(lang, &[text, &allowed.join(", ")])
            }
            Problem::BadLevel(text) => Text::ProblemBadLevel.fill(lang, &[text]),
            Problem::BadLayer(text) => Text::ProblemBadLayer.fill(lang, &[text]),
            Problem::BadCentre(text) => Text::ProblemBadCentre.fill(lang, &[text]),
            Problem::CentreWithoutExchange => Text::ProblemCentreWithoutExchange.fill(lang, &[]),
            Problem::ExchangeWithoutCentre => Text::ProblemExchangeWithoutCentre.fill(lang, &[]),
            Problem::BadUrl(url, reason) => Text::ProblemBadUrl.fill(lang, &[url, reason]),
            Problem::UrlScheme(url) => Text::ProblemUrlScheme.fill(lang, &[url]),
            Problem::UrlNoHost(url) => Text::ProblemUrlNoHost.fill(lang, &[url]),
            Problem::BadContact(text) => Text::ProblemBadContact.fill(lang, &[text]),
            Problem::BadEmail(text) => Text::ProblemBadEmail.fill(lang, &[text]),
            Problem::BadSystem(text) => Text::ProblemBadSystem.fill(lang, &[text]),
            Problem::BadYesNo(text) => Text::ProblemBadYesNo.fill(lang, &[text]),
            Problem::DuplicateCode(code, row) => {
                Text::ProblemDuplicateCode.fill(lang, &[code, row])
            }
            Problem::UnknownParent(code) => Text::ProblemUnknownParent.fill(lang, &[code]),
            Problem::SelfParent => Text::ProblemSelfParent.fill(lang, &[]),
            Problem::Cycle(codes) => {
                let mut chain: Vec<&str> = codes.iter().map(AgencyCode::as_str).collect();
                if let Some(first) = codes.first() {
                    chain.push(first.as_str());
                }
                Text::ProblemCycle.fill(lang, &[&chain.join(" → ")])
            }
            Problem::TooLong(c, max) => Text::ProblemTooLong.fill(lang, &[&column(c), max]),
            Problem::TooManyRows(max) => Text::ProblemTooManyRows.fill(lang, &[max]),
        }
    }

    /// A stable identifier of the kind of problem, for the JSON API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::NotUtf8 => "not_utf8",
            Problem::NotDecodable(_) => "not_decodable",
            Problem::UnreadableFile(_) => "unreadable_file",
            Problem::EmptyFile => "empty_file",
            Problem::UnknownColumn(_) => "unknown_column",
            Problem::DuplicateColumn(_) => "duplicate_column",
            Problem::MissingColumn(_) => "missing_column",
            Problem::MissingValue(_) => "missing_value",
            Problem::BadCode(_) => "bad_code",
            Problem::BadTier(_) => "bad_tier",
            Problem::BadLevel(_) => "bad_level",
            Problem::BadLayer(_) => "bad_layer",
            Problem::BadCentre(_) => "bad_centre",
            Problem::CentreWithoutExchange => "centre_without_exchange",
            Problem::ExchangeWithoutCentre => "exchange_without_centre",
            Problem::BadUrl(..) => "bad_url",
            Problem::UrlScheme(_) => "url_scheme",
            Problem::UrlNoHost(_) => "url_no_host",
            Problem::BadContact(_) => "bad_contact",
            Problem::BadEmail(_) => "bad_email",
            Problem::BadSystem(_) => "bad_system",
            Problem::BadYesNo(_) => "bad_yes_no",
            Problem::DuplicateCode(..) => "duplicate_code",
            Problem::UnknownParent(_) => "unknown_parent",
            Problem::SelfParent => "self_parent",
            Problem::Cycle(_) => "cycle",
            Problem::TooLong(..) => "too_long",
            Problem::TooManyRows(_) => "too_many_rows",
        }
    }
}

/// A problem with the place it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocatedProblem {
    /// The file name as the user gave it.
    pub file: String,
    /// The row, counted from 1 (the header is row 1), when the problem has one.
    pub row: Option<usize>,
    /// The column, counted from 1, when the problem has one.
    pub column: Option<usize>,
    /// What is wrong.
    pub problem: Problem,
}

impl LocatedProblem {
    /// `file:row:column: message`, leaving out the parts the problem has not got.
    pub fn render(&self, lang: Lang) -> String {
        let mut place = self.file.clone();
        if let Some(row) = self.row {
            place.push_str(&format!(":{row}"));
            if let Some(column) = self.column {
                place.push_str(&format!(":{column}"));
            }
        }
        format!("{place}: {}", self.problem.message(lang))
    }
}

impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// One agency read from a file, with the row it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRecord {
    /// The row, counted from 1.
    pub row: usize,
    /// The agency.
    pub agency: Agency,
}

/// What a registry file held: the agencies it describes well and the problems in the rest.
#[derive(Debug, Clone, Default)]
pub struct ParsedRegistry {
    /// The file name as the user gave it.
    pub file: String,
    /// Rows that are well-formed on their own.
    pub records: Vec<AgencyRecord>,
    /// Problems found so far.
    pub problems: Vec<LocatedProblem>,
    /// What could be read of rows that have problems, so that their relations are checked too
    /// and their children are not blamed for a missing parent.
    bad_rows: Vec<PartialRow>,
    /// Where each column is, for locating problems that a later check finds.
    column_positions: HashMap<Column, usize>,
}

/// The code and parent of a row that has other problems.
#[derive(Debug, Clone)]
struct PartialRow {
    row: usize,
    code: Option<AgencyCode>,
    parent: Option<AgencyCode>,
}

/// A checked import, ready to be written in one transaction.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The agencies to write, every one after its parent.
    pub agencies: Vec<Agency>,
    /// How many of them are new to the registry.
    pub created: usize,
    /// How many of them replace an agency already registered.
    pub updated: usize,
    /// The new ancestry path of every agency whose path the import sets or changes.
    pub paths: Vec<(AgencyCode, String)>,
}

/// Reads a registry file (CSV, or XLSX when the bytes are a ZIP archive) into agencies and the
/// problems of its rows. Nothing is checked against the registry yet; see [`check_import`].
pub fn read_registry(file: &str, bytes: &[u8], encoding: TextEncoding) -> ParsedRegistry {
    let mut parsed = ParsedRegistry {
        file: file.to_owned(),
        ..ParsedRegistry::default()
    };
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx_grid(bytes)
    } else {
        decode_text(bytes, encoding).and_then(|text| read_csv_grid(&text))
    };
    match grid {
        Ok(grid) => parse_grid(&mut parsed, grid),
        Err((row, column, problem)) => parsed.problems.push(LocatedProblem {
            file: file.to_owned(),
            row,
            column,
            problem,
        }),
    }
    parsed
}

type GridError = (Option<usize>, Option<usize>, Problem);

/// Rows of cells with their 1-based row numbers.
type Grid = Vec<(usize, Vec<String>)>;

fn decode_text(bytes: &[u8], encoding: TextEncoding) -> Result<String, GridError> {
    match encoding {
        TextEncoding::Big5 => encoding_rs::BIG5
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|text| text.into_owned())
            .ok_or((None, None, Problem::NotDecodable("Big5"))),
        TextEncoding::Utf8 | TextEncoding::Detect => {
            let bom = encoding_rs::Encoding::for_bom(bytes).map(|(found, _)| found);
            if let Some(found) =
                bom.filter(|f| encoding == TextEncoding::Detect && *f != encoding_rs::UTF_8)
            {
                let (text, had_errors) = found.decode_with_bom_removal(bytes);
                return if had_errors {
                    Err((None, None, Problem::NotDecodable(found.name())))
                } else {
                    Ok(text.into_owned())
                };
            }
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(bytes) {
                Ok(text) => Ok(text.to_owned()),
                Err(error) => {
                    let (row, column) = text_position(bytes, error.valid_up_to());
                    Err((Some(row), Some(column), Problem::NotUtf8))
                }
            }
        }
    }
}

/// The line and the comma-separated field in which byte `offset` lies: close enough to the row
/// and column for the user to find a badly encoded cell.
fn text_position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let row = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before[line_start..].iter().filter(|&&b| b == b',').count() + 1;
    (row, column)
}

fn read_csv_grid(text: &str) -> Result<Grid, GridError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        if row > MAX_ROWS + 1 {
            return Err((None, None, Problem::TooManyRows(MAX_ROWS)));
        }
        let record = record
            .map_err(|error| (Some(row), None, Problem::UnreadableFile(error.to_string())))?;
        grid.push((row, record.iter().map(str::to_owned).collect()));
    }
    Ok(grid)
}

fn read_xlsx_grid(bytes: &[u8]) -> Result<Grid, GridError> {
    use calamine::{Data, Reader};
    let unreadable =
        |error: &dyn fmt::Display| (None, None, Problem::UnreadableFile(error.to_string()));
    let mut workbook =
        calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(range) => range.map_err(|e| unreadable(&e))?,
        None => return Err((None, None, Problem::EmptyFile)),
    };
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    if range.height() > MAX_ROWS + 1 {
        return Err((None, None, Problem::TooManyRows(MAX_ROWS)));
    }
    let mut grid = Vec::with_capacity(range.height());
    for (index, cells) in range.rows().enumerate() {
        // Cells before the range's first column are empty in the sheet; keep column numbers
        // as the spreadsheet shows them.
        let mut row: Vec<String> = vec![String::new(); first_column as usize];
        row.extend(cells.iter().map(|cell| match cell {
            Data::Empty => String::new(),
            Data::String(text) => text.clone(),
            Data::Int(value) => value.to_string(),
            Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => {
                format!("{value:.0}")
            }
            Data::Float(value) => value.to_string(),
            Data::Bool(value) => if *value { "是" } else { "否" }.to_owned(),
            Data::DateTime(value) => value.to_string(),
            Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
            Data::Error(error) => format!("#{error}"),
        }));
        grid.push((first_row as usize + index + 1, row));
    }
    Ok(grid)
}

fn parse_grid(parsed: &mut ParsedRegistry, grid: Grid) {
    let mut rows = grid
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()));
    let Some((header_row, headers)) = rows.next() else {
        parsed.problems.push(LocatedProblem {
            file: parsed.file.clone(),
            row: None,
            column: None,
            problem: Problem::EmptyFile,
        });
        return;
    };
    let mut header_problems = Vec::new();
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(headers.len());
    for (index, header) in headers.iter().enumerate() {
        let header = strip_formula_guard(header.trim_start_matches('\u{feff}'));
        let column = if header.trim().is_empty() {
            None
        } else if let Some(column) = Column::from_header(header) {
            match parsed.column_positions.entry(column) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    header_problems.push((index + 1, Problem::DuplicateColumn(header.to_owned())));
                    None
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(index + 1);
                    Some(column)
                }
            }
        } else {
            header_problems.push((index + 1, Problem::UnknownColumn(header.to_owned())));
            None
        };
        columns.push(column);
    }
    for column in Column::ALL {
        if column.required() && !parsed.column_positions.contains_key(&column) {
            header_problems.push((0, Problem::MissingColumn(column)));
        }
    }
    if !header_problems.is_empty() {
        let file = parsed.file.clone();
        parsed
            .problems
            .extend(
                header_problems
                    .into_iter()
                    .map(|(column, problem)| LocatedProblem {
                        file: file.clone(),
                        row: Some(header_row),
                        column: (column > 0).then_some(column),
                        problem,
                    }),
            );
        return;
    }
    for (row, cells) in rows {
        let mut values: HashMap<Column, (usize, &str)> = HashMap::new();
        for (index, cell) in cells.iter().enumerate() {
            if let Some(Some(column)) = columns.get(index) {
                values.insert(*column, (index + 1, strip_formula_guard(cell.trim())));
            }
        }
        let mut row_problems = Vec::new();
        match parse_row(&values, &mut row_problems) {
            Some(agency) if row_problems.is_empty() => {
                parsed.records.push(AgencyRecord { row, agency })
            }
            _ => {
                let code_in = |column: Column| {
                    values
                        .get(&column)
                        .and_then(|(_, text)| AgencyCode::parse(text).ok())
                };
                parsed.bad_rows.push(PartialRow {
                    row,
                    code: code_in(Column::Code),
                    parent: code_in(Column::Parent),
                });
                let file = parsed.file.clone();
                parsed
                    .problems
                    .extend(
                        row_problems
                            .into_iter()
                            .map(|(column, problem)| LocatedProblem {
                                file: file.clone(),
                                row: Some(row),
                                column: Some(column),
                                problem,
                            }),
                    );
            }
        }
    }
}

/// Removes the apostrophe an export puts before a cell that would otherwise read as a formula.
fn strip_formula_guard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_TRIGGERS) => rest,
        _ => cell,
    }
}

const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Parses one row; pushes a problem per bad cell and returns the agency only when all the cells
/// that make it up are well-formed.
fn parse_row(
    values: &HashMap<Column, (usize, &str)>,
    problems: &mut Vec<(usize, Problem)>,
) -> Option<Agency> {
    let cell = |column: Column| values.get(&column).copied().unwrap_or((0, ""));
    let required = |column: Column, problems: &mut Vec<(usize, Problem)>| {
        let (position, text) = cell(column);
        if text.is_empty() {
            problems.push((position.max(1), Problem::MissingValue(column)));
            None
        } else {
            Some((position, text))
        }
    };
    let code = required(Column::Code, problems).and_then(|(position, text)| {
        AgencyCode::parse(text)
            .map_err(|_| problems.push((position, Problem::BadCode(text.to_owned()))))
            .ok()
    });
    let name_zh = required(Column::NameZh, problems)
        .and_then(|(position, text)| limited_text(Column::NameZh, position, text, problems));
    let (name_en_position, name_en) = cell(Column::NameEn);
    let name_en = limited_text(Column::NameEn, name_en_position, name_en, problems);
    let tier = required(Column::Tier, problems).and_then(|(position, text)| {
        Tier::parse(text).or_else(|| {
            problems.push((position, Problem::BadTier(text.to_owned())));
            None
        })
    });
    let level = required(Column::Level, problems).and_then(|(position, text)| {
        ResponsibilityLevel::parse(text).or_else(|| {
            problems.push((position, Problem::BadLevel(text.to_owned())));
            None
        })
    });
    let (parent_position, parent_text) = cell(Column::Parent);
    let parent = if parent_text.is_empty() {
        Some(None)
    } else {
        match AgencyCode::parse(parent_text) {
            Ok(parent) => Some(Some(parent)),
            Err(_) => {
                problems.push((parent_position, Problem::BadCode(parent_text.to_owned())));
                None
            }
        }
    };
    let exchange_layer = parse_layer(
        cell(Column::ExchangeLayer),
        cell(Column::ExchangeCentre),
        problems,
    );
    let contacts = parse_contacts(cell(Column::Contacts), problems);
    let websites = parse_websites(cell(Column::Websites), problems);
    let systems = parse_systems(cell(Column::Systems), problems);
    Some(Agency {
        code: code?,
        name_zh: name_zh?,
        name_en: name_en?,
        tier: tier?,
        parent: parent?,
        level: level?,
        exchange_layer: exchange_layer?,
        contacts: contacts?,
        websites: websites?,
        systems: systems?,
    })
}

fn limited_text(
    column: Column,
    position: usize,
    text: &str,
    problems: &mut Vec<(usize, Problem)>,
) -> Option<String> {
    if text.chars().count() > MAX_TEXT_CHARS {
        problems.push((position, Problem::TooLong(column, MAX_TEXT_CHARS)));
        None
    } else {
        Some(text.to_owned())
    }
}

fn parse_layer(
    (layer_position, layer_text): (usize, &str),
    (centre_position, centre_text): (usize, &str),
    problems: &mut Vec<(usize, Problem)>,
) -> Option<ExchangeLayer> {
    let layer = if layer_text.is_empty() {
        LayerName::Terminal
    } else {
        match LayerName::parse(layer_text) {
            Some(layer) => layer,
            None => {
                problems.push((layer_position, Problem::BadLayer(layer_text.to_owned())));
                return None;
            }
        }
    };
    let centre = if centre_text.is_empty() {
        None
    } else {
        match CentreType::parse(centre_text) {
            Some(centre) => Some(centre),
            None => {
                problems.push((centre_position, Problem::BadCentre(centre_text.to_owned())));
                return None;
            }
        }
    };
    match (layer, centre) {
        (LayerName::Exchange, Some(centre)) => Some(ExchangeLayer::Exchange(centre)),
        (LayerName::Exchange, None) => {
            problems.push((
                centre_position.max(layer_position),
                Problem::ExchangeWithoutCentre,
            ));
            None
        }
        (_, Some(_)) => {
            problems.push((centre_position, Problem::CentreWithoutExchange));
            None
        }
        (LayerName::Management, None) => Some(ExchangeLayer::Management),
        (LayerName::Terminal, None) => Some(ExchangeLayer::Terminal),
    }
}

fn entries(text: &str) -> impl Iterator<Item = &str> {
    text.split([';', '\n', '；'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
}

fn parse_contacts(
    (position, text): (usize, &str),
    problems: &mut Vec<(usize, Problem)>,
) -> Option<Vec<Contact>> {
    let before = problems.len();
    let mut contacts = Vec::new();
    for entry in entries(text) {
        let fields: Vec<&str> = entry.split('|').map(str::trim).collect();
        let [name, title, email, phone] = fields.as_slice() else {
            problems.push((position, Problem::BadContact(entry.to_owned())));
            continue;
        };
        if name.is_empty() || fields.iter().any(|f| f.chars().count() > MAX_TEXT_CHARS) {
            problems.push((position, Problem::BadContact(entry.to_owned())));
            continue;
        }
        let email = if email.is_empty() {
            None
        } else {
            match EmailAddress::parse(email) {
                Some(address) => Some(address),
                None => {
                    problems.push((position, Problem::BadEmail((*email).to_owned())));
                    continue;
                }
            }
        };
        contacts.push(Contact {
            name: (*name).to_owned(),
            title: (*title).to_owned(),
            email,
            phone: (*phone).to_owned(),
        });
    }
    (problems.len() == before).then_some(contacts)
}

fn parse_websites(
    (position, text): (usize, &str),
    problems: &mut Vec<(usize, Problem)>,
) -> Option<Vec<WebsiteUrl>> {
    let before = problems.len();
    let mut websites: Vec<WebsiteUrl> = Vec::new();
    for entry in entries(text) {
        match WebsiteUrl::parse(entry) {
            Ok(url) => {
                if !websites.contains(&url) {
                    websites.push(url);
                }
            }
            Err(problem) => problems.push((
                position,
                match problem {
                    WebsiteUrlProblem::Malformed(reason) => {
                        Problem::BadUrl(entry.to_owned(), reason)
                    }
                    WebsiteUrlProblem::Scheme => Problem::UrlScheme(entry.to_owned()),
                    WebsiteUrlProblem::NoHost => Problem::UrlNoHost(entry.to_owned()),
                },
            )),
        }
    }
    (problems.len() == before).then_some(websites)
}

fn parse_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "v" | "有" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "無" => Some(false),
        _ => None,
    }
}

fn parse_systems(
    (position, text): (usize, &str),
    problems: &mut Vec<(usize, Problem)>,
) -> Option<Vec<InformationSystem>> {
    let before = problems.len();
    let mut systems = Vec::new();
    for entry in entries(text) {
        let fields: Vec<&str> = entry.split('|').map(str::trim).collect();
        let [name, core, vans, edr] = fields.as_slice() else {
            problems.push((position, Problem::BadSystem(entry.to_owned())));
            continue;
        };
        if name.is_empty() || name.chars().count() > MAX_TEXT_CHARS {
            problems.push((position, Problem::BadSystem(entry.to_owned())));
            continue;
        }
        let flags: Vec<Option<bool>> = [core, vans, edr].iter().map(|f| parse_yes_no(f)).collect();
        if let Some(bad) = [core, vans, edr]
            .iter()
            .zip(&flags)
            .find(|(_, flag)| flag.is_none())
        {
            problems.push((position, Problem::BadYesNo((**bad.0).to_owned())));
            continue;
        }
        systems.push(InformationSystem {
            name: (*name).to_owned(),
            core: flags[0] == Some(true),
            covered_by_vans: flags[1] == Some(true),
            covered_by_edr: flags[2] == Some(true),
        });
    }
    (problems.len() == before).then_some(systems)
}

/// Checks a read file against the registry it would change (`existing` maps every registered
/// agency to its parent): duplicate codes, unknown parents, an agency as its own parent and
/// cycles through file and registry. Returns the plan, or every problem of the file, in row
/// order.
pub fn check_import(
    parsed: ParsedRegistry,
    existing: &HashMap<AgencyCode, Option<AgencyCode>>,
) -> Result<ImportPlan, Error> {
    let ParsedRegistry {
        file,
        records,
        mut problems,
        bad_rows,
        column_positions,
    } = parsed;
    let at = |row: usize, column: Column, problem: Problem| LocatedProblem {
        file: file.clone(),
        row: Some(row),
        column: column_positions.get(&column).copied(),
        problem,
    };
    // Duplicates are judged over every row that has a readable code, in file order.
    let mut rows_with_codes: Vec<(usize, &AgencyCode, Option<&AgencyRecord>)> = records
        .iter()
        .map(|r| (r.row, &r.agency.code, Some(r)))
        .chain(
            bad_rows
                .iter()
                .filter_map(|b| b.code.as_ref().map(|c| (b.row, c, None))),
        )
        .collect();
    rows_with_codes.sort_by_key(|(row, ..)| *row);
    let mut first_row: HashMap<&AgencyCode, usize> = HashMap::new();
    let mut unique: Vec<&AgencyRecord> = Vec::with_capacity(records.len());
    for (row, code, record) in rows_with_codes {
        match first_row.get(code) {
            Some(&first) => problems.push(at(
                row,
                Column::Code,
                Problem::DuplicateCode(code.clone(), first),
            )),
            None => {
                first_row.insert(code, row);
                unique.extend(record);
            }
        }
    }
    let codes_of_bad_rows: HashSet<&AgencyCode> =
        bad_rows.iter().filter_map(|b| b.code.as_ref()).collect();
    let mut merged = existing.clone();
    for record in &unique {
        merged.insert(record.agency.code.clone(), record.agency.parent.clone());
    }
    let relations = unique
        .iter()
        .map(|r| (r.row, Some(&r.agency.code), r.agency.parent.as_ref()))
        .chain(
            bad_rows
                .iter()
                .map(|b| (b.row, b.code.as_ref(), b.parent.as_ref())),
        );
    for (row, code, parent) in relations {
        let Some(parent) = parent else { continue };
        if Some(parent) == code {
            problems.push(at(row, Column::Parent, Problem::SelfParent));
        } else if !merged.contains_key(parent) && !codes_of_bad_rows.contains(parent) {
            problems.push(at(
                row,
                Column::Parent,
                Problem::UnknownParent(parent.clone()),
            ));
        }
    }
    for cycle in tree::cycles(&merged) {
        if cycle.len() == 1 {
            continue; // reported above as SelfParent
        }
        let row = cycle
            .iter()
            .filter_map(|code| first_row.get(code))
            .min()
            .copied();
        if let Some(row) = row {
            problems.push(at(row, Column::Parent, Problem::Cycle(cycle)));
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| (p.row, p.column.unwrap_or(usize::MAX)));
        return Err(Error::ImportRejected { file, problems });
    }
    let imported: HashSet<&AgencyCode> = unique.iter().map(|r| &r.agency.code).collect();
    let order = tree::parent_first_order(&merged);
    let mut affected: HashSet<AgencyCode> = HashSet::new();
    let mut paths = Vec::new();
    for code in &order {
        let parent_affected = merged
            .get(code)
            .and_then(|p| p.as_ref())
            .is_some_and(|parent| affected.contains(parent));
        if imported.contains(code) || parent_affected {
            affected.insert(code.clone());
            if let Some(path) = tree::ancestry_path(code, &merged) {
                paths.push((code.clone(), path));
            }
        }
    }
    let position: HashMap<&AgencyCode, usize> =
        order.iter().enumerate().map(|(i, c)| (c, i)).collect();
    let created = unique
        .iter()
        .filter(|r| !existing.contains_key(&r.agency.code))
        .count();
    let updated = unique.len() - created;
    let mut agencies: Vec<Agency> = unique.into_iter().map(|r| r.agency.clone()).collect();
    agencies.sort_by_key(|agency| position.get(&agency.code).copied().unwrap_or(usize::MAX));
    Ok(ImportPlan {
        agencies,
        created,
        updated,
        paths,
    })
}

/// Prefixes a cell that a spreadsheet would read as a formula with an apostrophe.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_TRIGGERS) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn export_cells(agency: &Agency, language: HeaderLanguage, separator: &str) -> Vec<String> {
    let lang = match language {
        HeaderLanguage::Chinese => Lang::ZhTw,
        HeaderLanguage::English => Lang::En,
    };
    let yes_no = |flag: bool| if flag { Text::Yes } else { Text::No }.get(lang);
    let label = |text: Text| text.get(lang).to_owned();
    let contacts: Vec<String> = agency
        .contacts
        .iter()
        .map(|c| {
            format!(
                "{}|{}|{}|{}",
                c.name,
                c.title,
                c.email.as_ref().map_or("", EmailAddress::as_str),
                c.phone
            )
        })
        .collect();
    let websites: Vec<&str> = agency.websites.iter().map(WebsiteUrl::as_str).collect();
    let systems: Vec<String> = agency
        .systems
        .iter()
        .map(|s| {
            format!(
                "{}|{}|{}|{}",
                s.name,
                yes_no(s.core),
                yes_no(s.covered_by_vans),
                yes_no(s.covered_by_edr)
            )
        })
        .collect();
    vec![
        agency.code.to_string(),
        agency.name_zh.clone(),
        agency.name_en.clone(),
        label(agency.tier.text()),
        agency
            .parent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        agency.level.to_string(),
        label(agency.exchange_layer.text()),
        agency
            .exchange_layer
            .centre()
            .map(|c| label(c.text()))
            .unwrap_or_default(),
        contacts.join(separator),
        websites.join(separator),
        systems.join(separator),
    ]
    .into_iter()
    .map(|cell| neutralise_formula(&cell).into_owned())
    .collect()
}

/// Writes agencies as CSV (UTF-8 with a byte-order mark, so that Excel in a zh-TW locale opens
/// it as Unicode rather than Big5).
pub fn write_csv(agencies: &[Agency], language: HeaderLanguage) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let headers: Vec<&str> = Column::ALL.iter().map(|c| c.header(language)).collect();
    let write = |writer: &mut csv::Writer<Vec<u8>>, cells: &[String]| writer.write_record(cells);
    // Writing into a Vec cannot fail.
    let _ = writer.write_record(&headers);
    for agency in agencies {
        let _ = write(&mut writer, &export_cells(agency, language, ";"));
    }
    writer.into_inner().unwrap_or_default()
}

/// Writes agencies as an XLSX workbook with one sheet.
pub fn write_xlsx(agencies: &[Agency], language: HeaderLanguage) -> Result<Vec<u8>, Error> {
    let failed = |error: rust_xlsxwriter::XlsxError| Error::SpreadsheetWrite(error.to_string());
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let wrap = rust_xlsxwriter::Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name(match language {
            HeaderLanguage::Chinese => "機關",
            HeaderLanguage::English => "agencies",
        })
        .map_err(failed)?;
    for (index, column) in Column::ALL.iter().enumerate() {
        let index = index as u16;
        sheet
            .write_string_with_format(0, index, column.header(language), &bold)
            .map_err(failed)?;
        let width = match column {
            Column::NameZh
            | Column::NameEn
            | Column::Contacts
            | Column::Websites
            | Column::Systems => 40.0,
            _ => 14.0,
        };
        sheet.set_column_width(index, width).map_err(failed)?;
    }
    for (row, agency) in agencies.iter().enumerate() {
        let row =
            u32::try_from(row + 1).map_err(|_| Error::SpreadsheetWrite("too many rows".into()))?;
        for (index, cell) in export_cells(agency, language, "\n").iter().enumerate() {
            sheet
                .write_string_with_format(row, index as u16, cell, &wrap)
                .map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

#[cfg(test)]
mod tests;
