//! Landing-page analysis: charset detection, a small tolerant HTML tokenizer, mixed
//! content and insecure form actions.
//!
//! # Charset
//! Follows the order of the HTML standard's "determining the character encoding"
//! (§13.2.3.2), simplified: a byte-order mark, then the `charset` parameter of the
//! `Content-Type` header, then a `<meta charset>` or `<meta http-equiv="Content-Type">` in the
//! first 1024 bytes (the prescan), else a sniff: valid UTF-8 is UTF-8, anything else is Big5,
//! the legacy encoding of Taiwanese government pages. A declared UTF-16 in a `<meta>` means
//! UTF-8, as the standard says. Decoding is done by `encoding_rs` (the WHATWG Encoding
//! standard).
//!
//! # Tokenizer
//! A hand-written tokenizer rather than `html5ever` (a large dependency tree, a full tree
//! builder we do not need) or `tl`: we only need start tags with their attributes, comments
//! and raw-text elements skipped. Every step advances the position, and every search for a
//! terminator (`-->`, `>`, `</script`) moves past what it scanned, so the work is linear in
//! the input; it never indexes outside a character boundary, so it cannot panic on any input.
//! It is tolerant like browsers are: upper-case names, unquoted and unterminated attribute
//! values, and character references in values (`&#x2f;`, `&amp;`, …) are handled.
//!
//! # Size
//! The caller caps what it downloads; [`analyze`] in addition reads at most
//! [`MAX_PAGE_BYTES`] and says so in [`PageReport::truncated`].
//!
//! # Mixed content
//! Classification follows W3C Mixed Content (§3, "blockable" versus "upgradeable" content)
//! and the HTML standard's fetch destinations: scripts, frames, `<object>`, `<embed>` and
//! stylesheets are active (blockable) content; images, audio, video and icons are passive
//! (upgradeable). Only URLs whose resolved scheme is `http` on an `https` page count. A form
//! whose action resolves to `http` is reported as `INSECURE_FORM_ACTION` (the active finding
//! for forms; it is not counted a second time as `MIXED_CONTENT_ACTIVE`), whatever the page's
//! scheme, as in the HTTPS adoption document's third error pattern. A
//! `<meta http-equiv="Content-Security-Policy" content="upgrade-insecure-requests">`
//! (W3C Upgrade Insecure Requests) makes the browser fetch later subresources over https;
//! mixed content after it is reported as mitigated, with lower severity. Navigations, form
//! submissions included, are upgraded only in some cases (the spec's "upgrade insecure
//! navigations set"), so form actions are reported unmitigated.

use std::borrow::Cow;

use encoding_rs::{BIG5, Encoding, UTF_8};
use url::Url;

use crate::finding::{Evidence, Finding, FindingCode, Severity};

/// The most bytes of a page analysed by default (5 MiB: far above any real landing page,
/// the scanner's cap against endless bodies).
pub const MAX_PAGE_BYTES: usize = 5 * 1024 * 1024;

/// How many bytes the `<meta>` charset prescan looks at (HTML standard §13.2.3.2).
const PRESCAN_BYTES: usize = 1024;

/// Where the charset came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CharsetSource {
    /// A byte-order mark.
    Bom,
    /// The `Content-Type` header's `charset` parameter.
    ContentType,
    /// A `<meta>` element in the first 1024 bytes.
    Meta,
    /// Sniffed: valid UTF-8, else Big5.
    Sniffed,
}

/// The result of analysing a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageReport {
    /// The encoding used to decode the page (WHATWG name, e.g. `"Big5"`).
    pub encoding: &'static str,
    /// Where the encoding came from.
    pub charset_source: CharsetSource,
    /// Whether the page was longer than [`MAX_PAGE_BYTES`] and only its start was read.
    pub truncated: bool,
    /// Whether a `<meta>` CSP with `upgrade-insecure-requests` was seen.
    pub upgrade_insecure_requests: bool,
    /// `MIXED_CONTENT_*` and `INSECURE_FORM_ACTION` findings, in document order.
    pub findings: Vec<Finding>,
}

/// Analyses a landing page.
///
/// `url` is the page's final URL (after redirects), `content_type` its `Content-Type`
/// header, if any.
pub fn analyze(body: &[u8], url: &Url, content_type: Option<&str>) -> PageReport {
    let truncated = body.len() > MAX_PAGE_BYTES;
    let body = &body[..body.len().min(MAX_PAGE_BYTES)];
    let (encoding, charset_source) = detect_charset(body, content_type);
    let (text, _, _) = encoding.decode(body);
    let mut report = PageReport {
        encoding: encoding.name(),
        charset_source,
        truncated,
        upgrade_insecure_requests: false,
        findings: Vec::new(),
    };
    let tags = tokenize(&text);
    let base = tags
        .iter()
        .find(|t| t.name == "base" && t.attr("href").is_some())
        .and_then(|t| url.join(t.attr("href")?.trim()).ok())
        .unwrap_or_else(|| url.clone());
    let https_page = url.scheme() == "https";
    for tag in &tags {
        if tag.name == "meta" && is_upgrade_meta(tag) {
            report.upgrade_insecure_requests = true;
            continue;
        }
        for (attr, kind) in classify(tag) {
            let Some(value) = tag.attr(attr) else {
                continue;
            };
            let candidates: Vec<&str> = if attr.ends_with("srcset") {
                srcset_urls(value)
            } else {
                vec![value.trim()]
            };
            for candidate in candidates {
                let Ok(resolved) = base.join(candidate) else {
                    continue;
                };
                if resolved.scheme() != "http" {
                    continue;
                }
                let evidence = Evidence {
                    urls: vec![resolved.to_string()],
                    element: Some(tag.name.clone()),
                    attribute: Some(attr.to_owned()),
                    line: Some(tag.line),
                    ..Evidence::default()
                };
                let finding = match kind {
                    Kind::Form => Finding::new(FindingCode::InsecureFormAction, evidence),
                    Kind::Active | Kind::Passive if !https_page => continue,
                    Kind::Active => mixed(
                        FindingCode::MixedContentActive,
                        Severity::Low,
                        evidence,
                        &report,
                    ),
                    Kind::Passive => mixed(
                        FindingCode::MixedContentPassive,
                        Severity::Info,
                        evidence,
                        &report,
                    ),
                };
                report.findings.push(finding);
            }
        }
    }
    report
}

/// A mixed-content finding, mitigated if `upgrade-insecure-requests` was seen before it.
fn mixed(
    code: FindingCode,
    mitigated: Severity,
    mut evidence: Evidence,
    r: &PageReport,
) -> Finding {
    if r.upgrade_insecure_requests {
        evidence.mitigated = true;
        evidence.note = Some("upgraded to https by CSP upgrade-insecure-requests".into());
        Finding::new(code, evidence).with_severity(mitigated)
    } else {
        Finding::new(code, evidence)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Active,
    Passive,
    Form,
}

/// The URL-bearing attributes of a tag and their mixed-content class.
fn classify(tag: &Tag) -> Vec<(&'static str, Kind)> {
    match tag.name.as_str() {
        "script" | "iframe" | "frame" | "embed" => vec![("src", Kind::Active)],
        "object" => vec![("data", Kind::Active)],
        "form" => vec![("action", Kind::Form)],
        "button" => vec![("formaction", Kind::Form)],
        "input"
            if tag
                .attr("type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("image")) =>
        {
            vec![("formaction", Kind::Form), ("src", Kind::Passive)]
        }
        "input" => vec![("formaction", Kind::Form)],
        "img" => vec![("src", Kind::Passive), ("srcset", Kind::Passive)],
        "audio" => vec![("src", Kind::Passive)],
        "video" => vec![("src", Kind::Passive), ("poster", Kind::Passive)],
        "source" => vec![("src", Kind::Passive), ("srcset", Kind::Passive)],
        "link" => {
            let rel = tag.attr("rel").unwrap_or_default().to_ascii_lowercase();
            let mut tokens = rel.split_ascii_whitespace();
            if tokens.clone().any(|t| t == "stylesheet") {
                vec![("href", Kind::Active)]
            } else if tokens.any(|t| t == "icon" || t == "apple-touch-icon") {
                vec![("href", Kind::Passive)]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

fn is_upgrade_meta(tag: &Tag) -> bool {
    tag.attr("http-equiv")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"))
        && tag.attr("content").is_some_and(|c| {
            c.split(';').any(|d| {
                d.split_ascii_whitespace()
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case("upgrade-insecure-requests"))
            })
        })
}

/// The URLs of a `srcset` value (the HTML standard's "parse a srcset attribute"):
/// candidates are separated by commas; a URL runs to whitespace, and trailing commas on it
/// end the candidate; descriptors run to the next comma outside parentheses.
fn srcset_urls(value: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        let trimmed = url.trim_end_matches(',');
        urls.push(trimmed);
        if trimmed.len() < url.len() {
            rest = after;
            continue;
        }
        let mut depth = 0usize;
        let mut cut = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[cut..];
    }
}

/// Picks the encoding (see the module docs).
fn detect_charset(body: &[u8], content_type: Option<&str>) -> (&'static Encoding, CharsetSource) {
    if let Some((enc, _)) = Encoding::for_bom(body) {
        return (enc, CharsetSource::Bom);
    }
    if let Some(enc) = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
    {
        return (enc, CharsetSource::ContentType);
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(PRESCAN_BYTES)]);
    for tag in tokenize(&head).iter().filter(|t| t.name == "meta") {
        let label = tag.attr("charset").map(Cow::Borrowed).or_else(|| {
            tag.attr("http-equiv")
                .filter(|h| h.trim().eq_ignore_ascii_case("content-type"))
                .and(tag.attr("content"))
                .and_then(charset_param)
                .map(Cow::Owned)
        });
        if let Some(enc) = label.and_then(|l| Encoding::for_label(l.trim().as_bytes())) {
            // HTML standard: a <meta> declaring UTF-16 means UTF-8; x-user-defined means
            // windows-1252.
            let enc = if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
                UTF_8
            } else if enc == encoding_rs::X_USER_DEFINED {
                encoding_rs::WINDOWS_1252
            } else {
                enc
            };
            return (enc, CharsetSource::Meta);
        }
    }
    let valid_utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        // An incomplete sequence at the very end (a truncated page) still counts as UTF-8.
        Err(e) => e.error_len().is_none(),
    };
    (
        if valid_utf8 { UTF_8 } else { BIG5 },
        CharsetSource::Sniffed,
    )
}

/// The `charset` parameter of a `Content-Type`-like value, unquoted.
fn charset_param(value: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (name, v) = p.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
    })
}

/// A start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    /// Lower-case name.
    name: String,
    /// Lower-case attribute names and decoded values; the first of duplicates wins, as in
    /// the HTML standard.
    attrs: Vec<(String, String)>,
    /// 1-based line of the `<`.
    line: u32,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The most attributes kept per tag; later ones are parsed and dropped.
const MAX_ATTRIBUTES: usize = 64;

/// Elements whose content is text up to their end tag (HTML standard §13.1.2, raw text and
/// escapable raw text elements, plus the legacy ones browsers treat alike).
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Splits `text` into start tags. Linear; never panics.
fn tokenize(text: &str) -> Vec<Tag> {
    let bytes = text.as_bytes();
    let lower = text.to_ascii_lowercase();
    let mut tags = Vec::new();
    let mut pos = 0;
    let mut line: u32 = 1;
    let mut line_pos = 0;
    while let Some(off) = text[pos..].find('<') {
        let lt = pos + off;
        line = line.saturating_add(count_newlines(&bytes[line_pos..lt]));
        line_pos = lt;
        let next = bytes.get(lt + 1).copied();
        pos = match next {
            Some(b'!') if text[lt..].starts_with("<!--") => {
                // Comment: to "-->", or to the end if unterminated.
                text[lt + 4..]
                    .find("-->")
                    .map_or(text.len(), |i| lt + 4 + i + 3)
            }
            Some(b'!' | b'?' | b'/') => text[lt..].find('>').map_or(text.len(), |i| lt + i + 1),
            Some(c) if c.is_ascii_alphabetic() => {
                let (tag, end) = start_tag(text, &lower, lt + 1, line);
                let mut after = end;
                if let Some(raw) = RAW_TEXT.iter().find(|r| **r == tag.name) {
                    let close = format!("</{raw}");
                    after = lower[end..].find(&close).map_or(text.len(), |i| end + i);
                }
                tags.push(tag);
                after
            }
            _ => lt + 1,
        };
    }
    tags
}

fn count_newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|b| **b == b'\n').count()).unwrap_or(u32::MAX)
}

/// Parses a start tag whose name starts at `start`; returns it and the position after `>`.
fn start_tag(text: &str, lower: &str, start: usize, line: u32) -> (Tag, usize) {
    let bytes = text.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = start;
    while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'/' && bytes[i] != b'>' {
        i += 1;
    }
    let mut tag = Tag {
        name: lower[start..i].to_owned(),
        attrs: Vec::new(),
        line,
    };
    loop {
        while i < bytes.len() && (is_space(bytes[i]) || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (tag, i);
        }
        if bytes[i] == b'>' {
            return (tag, i + 1);
        }
        // Attribute name: up to whitespace, '/', '>' or '=' (the first character may be '=').
        let name_start = i;
        i += 1;
        while i < bytes.len() && !is_space(bytes[i]) && !matches!(bytes[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = lower[name_start..i].to_owned();
        let mut j = i;
        while j < bytes.len() && is_space(bytes[j]) {
            j += 1;
        }
        let mut value = String::new();
        if j < bytes.len() && bytes[j] == b'=' {
            j += 1;
            while j < bytes.len() && is_space(bytes[j]) {
                j += 1;
            }
            let (raw, end) = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = text[j + 1..]
                        .find(q as char)
                        .map_or(text.len(), |k| j + 1 + k);
                    (&text[j + 1..close], (close + 1).min(text.len()))
                }
                _ => {
                    let mut k = j;
                    while k < bytes.len() && !is_space(bytes[k]) && bytes[k] != b'>' {
                        k += 1;
                    }
                    (&text[j..k], k)
                }
            };
            value = decode_references(raw);
            i = end;
        }
        // Bounded so that the duplicate check stays linear in the input.
        if tag.attrs.len() < MAX_ATTRIBUTES && tag.attr(&name).is_none() {
            tag.attrs.push((name, value));
        }
    }
}

/// Decodes the character references that matter in URLs: numeric ones and a few named ones.
/// Unknown references are kept as written, as browsers do.
fn decode_references(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = match name.as_bytes().first() {
            Some(b'#') => {
                let digits = &name[1..];
                let n = match digits.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => digits.parse().ok(),
                };
                n.and_then(char::from_u32)
            }
            _ => match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "sol" => Some('/'),
                "colon" => Some(':'),
                _ => None,
            },
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn page_url() -> Url {
        Url::parse("https://www.example.gov.tw/index.jsp").unwrap()
    }

    fn run(html: &str) -> PageReport {
        analyze(
            html.as_bytes(),
            &page_url(),
            Some("text/html; charset=utf-8"),
        )
    }

    fn codes(r: &PageReport) -> Vec<FindingCode> {
        r.findings.iter().map(|f| f.code).collect()
    }

    fn urls(r: &PageReport) -> Vec<String> {
        r.findings
            .iter()
            .flat_map(|f| f.evidence.urls.clone())
            .collect()
    }

    fn big5(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = BIG5.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    const BIG5_PAGE: &str = "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n\
<HTML><HEAD>\n\
<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=big5\">\n\
<TITLE>交通部全球資訊網 <img src=http://fake.example/title.gif></TITLE>\n\
<LINK REL=\"StyleSheet\" HREF=\"http://www.motc.gov.tw/css/main.css\">\n\
<SCRIPT LANGUAGE=javascript SRC=http://www.motc.gov.tw/js/menu.js></SCRIPT>\n\
</HEAD><BODY>\n\
<!-- 舊版橫幅 <img src=\"http://old.example/banner.gif\"> -->\n\
<IMG SRC=\"http://www.motc.gov.tw/images/logo.gif\" ALT=\"中華民國交通部\">\n\
<form name=\"searchform\" method=\"post\" action=\"http://search.motc.gov.tw/cgi-bin/search/query.cgi\" target=\"_blank\">\n\
<input type=\"hidden\" name=\"descps\" value=\"中華民國交通部\">\n\
<img src=\"img&#x2f;standard/motc_r8_c27.jpg\">\n\
</form></BODY></HTML>\n";

    #[test]
    fn big5_page_with_mixed_content() {
        let bytes = big5(BIG5_PAGE);
        assert!(std::str::from_utf8(&bytes).is_err());
        let url = Url::parse("https://www.motc.gov.tw/ch/index.jsp").unwrap();
        let r = analyze(&bytes, &url, Some("text/html"));
        assert_eq!(r.encoding, "Big5");
        assert_eq!(r.charset_source, CharsetSource::Meta);
        assert_eq!(
            codes(&r),
            vec![
                FindingCode::MixedContentActive,
                FindingCode::MixedContentActive,
                FindingCode::MixedContentPassive,
                FindingCode::InsecureFormAction,
            ]
        );
        assert_eq!(
            urls(&r),
            vec![
                "http://www.motc.gov.tw/css/main.css",
                "http://www.motc.gov.tw/js/menu.js",
                "http://www.motc.gov.tw/images/logo.gif",
                "http://search.motc.gov.tw/cgi-bin/search/query.cgi",
            ]
        );
        let form = &r.findings[3].evidence;
        assert_eq!(form.element.as_deref(), Some("form"));
        assert_eq!(form.attribute.as_deref(), Some("action"));
        assert_eq!(form.line, Some(10));
        assert_eq!(r.findings[0].evidence.element.as_deref(), Some("link"));
        assert_eq!(r.findings[1].evidence.line, Some(6));
    }

    #[test]
    fn big5_sniffed_without_declaration() {
        let bytes = big5("<p>行政院</p><img src=\"http://a.example/x.png\">");
        let r = analyze(&bytes, &page_url(), None);
        assert_eq!(
            (r.encoding, r.charset_source),
            ("Big5", CharsetSource::Sniffed)
        );
        assert_eq!(codes(&r), vec![FindingCode::MixedContentPassive]);
    }

    #[test]
    fn charset_sources() {
        let r = analyze(
            "\u{feff}<p>".as_bytes(),
            &page_url(),
            Some("text/html; charset=big5"),
        );
        assert_eq!(
            (r.encoding, r.charset_source),
            ("UTF-8", CharsetSource::Bom)
        );
        let r = analyze(b"<p>", &page_url(), Some("text/html; Charset=\"Big5\""));
        assert_eq!(
            (r.encoding, r.charset_source),
            ("Big5", CharsetSource::ContentType)
        );
        let r = analyze(b"<meta charset=utf-16le><p>", &page_url(), None);
        assert_eq!(
            (r.encoding, r.charset_source),
            ("UTF-8", CharsetSource::Meta)
        );
        let r = analyze("<p>臺灣</p>".as_bytes(), &page_url(), None);
        assert_eq!(
            (r.encoding, r.charset_source),
            ("UTF-8", CharsetSource::Sniffed)
        );
        let mut late = vec![b' '; PRESCAN_BYTES];
        late.extend_from_slice(b"<meta charset=big5>");
        let r = analyze(&late, &page_url(), None);
        assert_eq!(r.charset_source, CharsetSource::Sniffed);
    }

    #[test]
    fn base_href_http_makes_relative_urls_insecure() {
        let r = run(
            "<head><base href=\"http://cdn.example.gov.tw/site/\"></head>\
<form action=\"search.cgi\"></form><img src=logo.png><script src=\"/js/a.js\"></script>",
        );
        assert_eq!(
            codes(&r),
            vec![
                FindingCode::InsecureFormAction,
                FindingCode::MixedContentPassive,
                FindingCode::MixedContentActive,
            ]
        );
        assert_eq!(
            urls(&r),
            vec![
                "http://cdn.example.gov.tw/site/search.cgi",
                "http://cdn.example.gov.tw/site/logo.png",
                "http://cdn.example.gov.tw/js/a.js",
            ]
        );
    }

    #[test]
    fn relative_action_on_https_page_is_fine() {
        let r = run(
            "<form action=\"/search\"></form><form action=\"//search.example/q\"></form>\
<form action=\"https://search.example/q\"></form><form></form>",
        );
        assert!(r.findings.is_empty(), "{:?}", r.findings);
        let plain = Url::parse("http://www.example.gov.tw/").unwrap();
        let r = analyze(
            b"<form action=\"/search\"></form><img src=/a.png>",
            &plain,
            None,
        );
        assert_eq!(codes(&r), vec![FindingCode::InsecureFormAction]);
    }

    #[test]
    fn srcset_with_several_candidates() {
        let r = run(
            "<img srcset=\"https://a.example/1x.png 1x, http://a.example/2x.png 2x,\
http://a.example/3x.png 3x\"><picture><source srcset=\"http://b.example/a,b.webp 480w, /c.webp 800w\"></picture>",
        );
        assert_eq!(
            urls(&r),
            vec![
                "http://a.example/2x.png",
                "http://a.example/3x.png",
                "http://b.example/a,b.webp",
            ]
        );
        assert_eq!(
            srcset_urls("a.png, b.png , c.png 2x"),
            vec!["a.png", "b.png", "c.png"]
        );
        // A comma inside a URL does not split it (only whitespace ends a URL).
        assert_eq!(srcset_urls("a.png,b.png 1x"), vec!["a.png,b.png"]);
        assert_eq!(srcset_urls("a.png 1x,b.png 2x"), vec!["a.png", "b.png"]);
        assert_eq!(srcset_urls("a.png,, b.png"), vec!["a.png", "b.png"]);
    }

    #[test]
    fn comments_and_script_bodies_do_not_count() {
        let r = run(
            "<script>document.write('<img src=\"http://x.example/a.gif\">');\
var s = \"<script src=http://x.example/b.js>\";</SCRIPT>\
<!-- <iframe src=\"http://x.example/c\"></iframe> -->\
<style>/* <img src=http://x.example/d.png> */</style>\
<textarea><form action=http://x.example/e></textarea>\
<img src=http://real.example/ok.gif>",
        );
        assert_eq!(urls(&r), vec!["http://real.example/ok.gif"]);
    }

    #[test]
    fn upper_case_and_unquoted_attributes() {
        let r = run(
            "<IFRAME SRC=http://a.example/f></IFRAME><OBJECT DATA='http://a.example/o.swf'>\
</OBJECT><EMBED Src=http://a.example/e.swf><Video POSTER=http://a.example/p.jpg>\
<SOURCE SRC=http://a.example/v.mp4></Video><AUDIO src = \"http://a.example/a.mp3\">\
<LINK rel=\"shortcut ICON\" href=http://a.example/favicon.ico><FRAME src=http://a.example/fr>",
        );
        let got: Vec<(FindingCode, Option<String>)> = r
            .findings
            .iter()
            .map(|f| (f.code, f.evidence.element.clone()))
            .collect();
        let a = FindingCode::MixedContentActive;
        let p = FindingCode::MixedContentPassive;
        let want: Vec<(FindingCode, Option<String>)> = [
            (a, "iframe"),
            (a, "object"),
            (a, "embed"),
            (p, "video"),
            (p, "source"),
            (p, "audio"),
            (p, "link"),
            (a, "frame"),
        ]
        .into_iter()
        .map(|(c, e)| (c, Some(e.to_owned())))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn upgrade_insecure_requests_mitigates_later_content() {
        let r = run("<img src=http://a.example/before.png>\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src https:; Upgrade-Insecure-Requests\">\
<img src=http://a.example/after.png><script src=http://a.example/s.js></script>\
<form action=http://a.example/f></form>");
        assert!(r.upgrade_insecure_requests);
        let got: Vec<(bool, Severity)> = r
            .findings
            .iter()
            .map(|f| (f.evidence.mitigated, f.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                (false, Severity::Medium),
                (true, Severity::Info),
                (true, Severity::Low),
                (false, Severity::High),
            ]
        );
    }

    #[test]
    fn http_page_has_no_mixed_content_and_other_schemes_are_ignored() {
        let plain = Url::parse("http://www.example.gov.tw/").unwrap();
        let r = analyze(
            b"<img src=http://a.example/x.png><script src=http://a/b.js></script>",
            &plain,
            None,
        );
        assert!(r.findings.is_empty());
        let r = run(
            "<img src=\"data:image/png;base64,AAAA\"><img src=\"javascript:void(0)\">\
<img src=\"HTTP://A.EXAMPLE/caps.png\"><a href=http://a.example/link>x</a>",
        );
        assert_eq!(urls(&r), vec!["http://a.example/caps.png"]);
    }

    #[test]
    fn form_overrides_and_image_inputs() {
        let r = run(
            "<form action=/ok><input type=IMAGE src=http://a.example/go.gif>\
<button formaction=http://a.example/submit>送出</button><input type=text src=http://a.example/no></form>",
        );
        assert_eq!(
            codes(&r),
            vec![
                FindingCode::MixedContentPassive,
                FindingCode::InsecureFormAction
            ]
        );
        assert_eq!(
            r.findings[1].evidence.attribute.as_deref(),
            Some("formaction")
        );
    }

    #[test]
    fn truncation_is_reported() {
        let mut body = b"<img src=http://a.example/x.png>".to_vec();
        body.resize(MAX_PAGE_BYTES + 10, b' ');
        let r = analyze(&body, &page_url(), None);
        assert!(r.truncated);
        assert_eq!(r.findings.len(), 1);
    }

    #[test]
    fn references_in_values() {
        assert_eq!(
            decode_references("img&#x2f;a&amp;b&#47;c&bogus;&"),
            "img/a&b/c&bogus;&"
        );
        assert_eq!(decode_references("http&colon;&sol;&sol;x"), "http://x");
    }

    #[test]
    fn unterminated_constructs_do_not_hang_or_panic() {
        for html in [
            "<img src=\"http://a",
            "<!-- <img",
            "<script>",
            "<",
            "<a",
            "<img src=",
            "&#xffffffff;",
        ] {
            run(html);
        }
        assert_eq!(
            codes(&run("<img src=\"http://a.example/x")),
            vec![FindingCode::MixedContentPassive]
        );
    }

    #[test]
    fn pathological_inputs_stay_linear() {
        // Quadratic work on any of these (1 MiB each) would not finish in a test run.
        let n = 1 << 20;
        let patterns: [&str; 10] = [
            "<a ",
            "<!",
            "</",
            "<!--",
            "<img src=\"",
            "&#",
            "<script>",
            "<a x=1 ",
            "<img srcset=\"a ,",
            "<",
        ];
        for p in patterns {
            let html = p.repeat(n / p.len());
            run(&html);
        }
        let many_attrs: String = std::iter::once("<img ".to_owned())
            .chain((0..100_000).map(|i| format!("a{i}=x ")))
            .collect();
        assert!(run(&many_attrs).findings.is_empty());
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let r = analyze(&bytes, &page_url(), None);
            prop_assert!(r.findings.len() <= bytes.len());
        }

        #[test]
        fn never_panics_on_tag_soup(parts in proptest::collection::vec(
            prop_oneof![
                Just("<".to_owned()), Just(">".to_owned()), Just("\"".to_owned()),
                Just("'".to_owned()), Just("=".to_owned()), Just("<!--".to_owned()),
                Just("-->".to_owned()), Just("<script>".to_owned()), Just("</script".to_owned()),
                Just("img src=http://a/".to_owned()), Just("&#x".to_owned()), Just("臺".to_owned()),
                Just(" ".to_owned()), Just("srcset=".to_owned()), Just(",".to_owned()),
            ], 0..200)) {
            run(&parts.concat());
        }

        #[test]
        fn n_insecure_images_give_n_passive_findings(n in 0usize..200, quoted in any::<bool>()) {
            let q = if quoted { "\"" } else { "" };
            let html: String = (0..n)
                .map(|i| format!("<p>第{i}張</p><IMG alt=x src={q}http://img.example.gov.tw/{i}.png{q}>\n"))
                .collect();
            let r = run(&html);
            prop_assert_eq!(r.findings.len(), n);
            prop_assert!(r.findings.iter().all(|f| f.code == FindingCode::MixedContentPassive));
        }
    }
}
