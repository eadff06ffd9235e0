//! `Strict-Transport-Security` (RFC 6797) parsing and judgement.
//!
//! Parsing follows RFC 6797 §6.1: directives are separated by `;`; names are
//! case-insensitive tokens (item 3); values are tokens or quoted-strings; `max-age` is
//! required and is delta-seconds (§6.1.1); a directive appearing twice makes the header
//! invalid (item 2), and so does anything else that does not conform to the syntax (item 4:
//! the user agent ignores the whole field); unknown directives are ignored (item 5).
//! `includeSubDomains` (§6.1.2) and `preload` (not in RFC 6797: the preload list's
//! convention) are valueless; we treat a value on them as invalid. A user agent
//! processes only the first header field (RFC 6797 §8.1), so [`judge`] does too.
//!
//! An invalid header is not an [`crate::Error`]: it is a property of the site, reported as
//! `HSTS_WEAK` with the [`Invalid`] reason in the evidence.
//!
//! Judgement: no header → `HSTS_MISSING`; invalid, or `max-age` under [`MIN_MAX_AGE`] →
//! `HSTS_WEAK`. One year is the minimum the HSTS preload list (hstspreload.org, "Submission
//! Requirements") demands together with `includeSubDomains`, and a shorter policy lapses
//! between visits of an occasional visitor — typical for a government site.

use crate::finding::{Evidence, Finding, FindingCode, HeaderValue};

/// The smallest `max-age` accepted: one year, in seconds.
pub const MIN_MAX_AGE: u64 = 31_536_000;

/// A valid HSTS policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// `max-age`, in seconds (saturated at `u64::MAX`).
    pub max_age: u64,
    /// Whether `includeSubDomains` is present.
    pub include_subdomains: bool,
    /// Whether `preload` is present.
    pub preload: bool,
}

/// Why a header value is not a valid policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// No `max-age` directive.
    MissingMaxAge,
    /// `max-age` is not delta-seconds.
    BadMaxAge,
    /// A directive appears more than once.
    Duplicate(String),
    /// Text the grammar does not allow.
    Syntax(String),
}

fn is_token(s: &str) -> bool {
    // RFC 9110 §5.6.2 tchar.
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses one `Strict-Transport-Security` field value.
pub fn parse(value: &str) -> Result<Policy, Invalid> {
    let mut max_age = None;
    let mut include_subdomains = false;
    let mut preload = false;
    let mut seen: Vec<String> = Vec::new();
    for directive in split_directives(value)? {
        let directive = directive.trim_matches([' ', '\t']);
        if directive.is_empty() {
            continue;
        }
        let (name, raw) = match directive.split_once('=') {
            Some((n, v)) => (
                n.trim_matches([' ', '\t']),
                Some(v.trim_matches([' ', '\t'])),
            ),
            None => (directive, None),
        };
        if !is_token(name) {
            return Err(Invalid::Syntax(directive.to_owned()));
        }
        let name = name.to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(Invalid::Duplicate(name));
        }
        let value = raw.map(unquote).transpose()?;
        match (name.as_str(), value) {
            ("max-age", Some(v)) => {
                if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Invalid::BadMaxAge);
                }
                max_age = Some(v.parse::<u64>().unwrap_or(u64::MAX));
            }
            ("max-age", None) => return Err(Invalid::BadMaxAge),
            ("includesubdomains", None) => include_subdomains = true,
            ("preload", None) => preload = true,
            ("includesubdomains" | "preload", Some(_)) => {
                return Err(Invalid::Syntax(directive.to_owned()));
            }
            _ => {}
        }
        seen.push(name);
    }
    Ok(Policy {
        max_age: max_age.ok_or(Invalid::MissingMaxAge)?,
        include_subdomains,
        preload,
    })
}

/// Splits on `;` outside quoted-strings.
fn split_directives(value: &str) -> Result<Vec<&str>, Invalid> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if quoted {
        return Err(Invalid::Syntax(value.to_owned()));
    }
    parts.push(&value[start..]);
    Ok(parts)
}

/// A token, or a quoted-string with its escapes removed (RFC 9110 §5.6.4).
fn unquote(raw: &str) -> Result<String, Invalid> {
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push(
                    chars
                        .next()
                        .ok_or_else(|| Invalid::Syntax(raw.to_owned()))?,
                ),
                '"' => return Err(Invalid::Syntax(raw.to_owned())),
                c => out.push(c),
            }
        }
        Ok(out)
    } else if is_token(raw) {
        Ok(raw.to_owned())
    } else {
        Err(Invalid::Syntax(raw.to_owned()))
    }
}

/// Judges the `Strict-Transport-Security` field values of an https response, in the order
/// received. Returns `None` when the policy is valid and at least [`MIN_MAX_AGE`].
pub fn judge(values: &[&str]) -> Option<Finding> {
    let Some(first) = values.first() else {
        return Some(Finding::new(FindingCode::HstsMissing, Evidence::default()));
    };
    let note = match parse(first) {
        Ok(p) if p.max_age >= MIN_MAX_AGE => return None,
        Ok(p) => format!(
            "max-age={} is under {MIN_MAX_AGE} (one year); includeSubDomains={}, preload={}",
            p.max_age, p.include_subdomains, p.preload
        ),
        Err(Invalid::MissingMaxAge) => "invalid: no max-age directive (RFC 6797 §6.1.1)".into(),
        Err(Invalid::BadMaxAge) => "invalid: max-age is not delta-seconds (RFC 6797 §6.1.1)".into(),
        Err(Invalid::Duplicate(d)) => {
            format!("invalid: directive {d} appears twice (RFC 6797 §6.1 item 2)")
        }
        Err(Invalid::Syntax(s)) => format!("invalid syntax near {s:?} (RFC 6797 §6.1 item 4)"),
    };
    Some(Finding::new(
        FindingCode::HstsWeak,
        Evidence {
            headers: vec![HeaderValue {
                name: "Strict-Transport-Security".into(),
                value: (*first).to_owned(),
            }],
            note: Some(note),
            ..Evidence::default()
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_policies() {
        assert_eq!(
            parse("max-age=31536000; includeSubDomains; preload"),
            Ok(Policy {
                max_age: 31_536_000,
                include_subdomains: true,
                preload: true
            })
        );
        assert_eq!(
            parse("MAX-AGE=\"63072000\" ;INCLUDESUBDOMAINS;;"),
            Ok(Policy {
                max_age: 63_072_000,
                include_subdomains: true,
                preload: false
            })
        );
        assert_eq!(parse("max-age=0").map(|p| p.max_age), Ok(0));
        assert_eq!(
            parse("max-age=99999999999999999999999").map(|p| p.max_age),
            Ok(u64::MAX)
        );
        assert!(parse("max-age=100; foo=\"a;b\"; bar").is_ok());
    }

    #[test]
    fn rejects_invalid_policies() {
        assert_eq!(parse(""), Err(Invalid::MissingMaxAge));
        assert_eq!(parse("includeSubDomains"), Err(Invalid::MissingMaxAge));
        assert_eq!(parse("max-age=abc"), Err(Invalid::BadMaxAge));
        assert_eq!(parse("max-age=-1"), Err(Invalid::BadMaxAge));
        assert_eq!(parse("max-age"), Err(Invalid::BadMaxAge));
        assert_eq!(
            parse("max-age=1; Max-Age=2"),
            Err(Invalid::Duplicate("max-age".into()))
        );
        assert_eq!(
            parse("max-age=31536000; preload; PRELOAD"),
            Err(Invalid::Duplicate("preload".into()))
        );
        assert!(matches!(parse("max-age=1 2"), Err(Invalid::Syntax(_))));
        assert!(matches!(parse("max age=1"), Err(Invalid::Syntax(_))));
        assert!(matches!(parse("max-age=\"1"), Err(Invalid::Syntax(_))));
        assert!(matches!(
            parse("max-age=1; includeSubDomains=yes"),
            Err(Invalid::Syntax(_))
        ));
    }

    #[test]
    fn judgement() {
        assert_eq!(judge(&[]).unwrap().code, FindingCode::HstsMissing);
        assert!(judge(&["max-age=31536000"]).is_none());
        assert!(judge(&["max-age=63072000; includeSubDomains; preload"]).is_none());
        let weak = judge(&["max-age=86400"]).unwrap();
        assert_eq!(weak.code, FindingCode::HstsWeak);
        assert!(weak.evidence.note.unwrap().contains("86400"));
        assert_eq!(weak.evidence.headers[0].value, "max-age=86400");
        assert_eq!(
            judge(&["max-age=1; max-age=31536000"]).unwrap().code,
            FindingCode::HstsWeak
        );
        // Only the first field counts (RFC 6797 §8.1).
        assert!(judge(&["max-age=31536000", "junk"]).is_none());
        assert!(judge(&["junk", "max-age=31536000"]).is_some());
    }
}
