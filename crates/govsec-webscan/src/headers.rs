//! The security headers a government site is expected to send, and `HEADER_MISSING`.
//!
//! Checked on the https landing page's response:
//! - `Content-Security-Policy` (W3C CSP Level 3), present and non-empty
//!   (`Content-Security-Policy-Report-Only` enforces nothing and does not count);
//! - `X-Content-Type-Options: nosniff` (WHATWG Fetch), any other value counts as absent;
//! - frame protection: `X-Frame-Options` `DENY` or `SAMEORIGIN` (RFC 7034), or a CSP
//!   `frame-ancestors` directive, which supersedes it (CSP Level 3, `frame-ancestors`);
//! - `Referrer-Policy` (W3C Referrer Policy), present and non-empty.
//!
//! Header names are case-insensitive (RFC 9110 §5.1).

use crate::finding::{Evidence, Finding, FindingCode};

/// The name reported when neither `X-Frame-Options` nor CSP `frame-ancestors` protects
/// against framing.
pub const FRAME_PROTECTION: &str = "X-Frame-Options";

/// The names of the expected headers that are absent, in a fixed order.
pub fn missing<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)]) -> Vec<&'static str> {
    let values = |name: &'static str| {
        headers
            .iter()
            .filter(move |(n, _)| n.as_ref().trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref().trim())
    };
    let csp: Vec<&str> = values("content-security-policy")
        .filter(|v| !v.is_empty())
        .collect();
    let mut absent = Vec::new();
    if csp.is_empty() {
        absent.push("Content-Security-Policy");
    }
    if !values("x-content-type-options").any(|v| v.eq_ignore_ascii_case("nosniff")) {
        absent.push("X-Content-Type-Options");
    }
    let xfo = values("x-frame-options")
        .any(|v| v.eq_ignore_ascii_case("deny") || v.eq_ignore_ascii_case("sameorigin"));
    let frame_ancestors = csp.iter().any(|policy| {
        policy.split(';').any(|d| {
            d.split_ascii_whitespace()
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case("frame-ancestors"))
        })
    });
    if !xfo && !frame_ancestors {
        absent.push(FRAME_PROTECTION);
    }
    if !values("referrer-policy").any(|v| !v.is_empty()) {
        absent.push("Referrer-Policy");
    }
    absent
}

/// `HEADER_MISSING` naming the absent headers, or `None` when all are there.
pub fn judge<N: AsRef<str>, V: AsRef<str>>(headers: &[(N, V)]) -> Option<Finding> {
    let absent = missing(headers);
    (!absent.is_empty()).then(|| {
        Finding::new(
            FindingCode::HeaderMissing,
            Evidence {
                missing_headers: absent.iter().map(|s| (*s).to_owned()).collect(),
                ..Evidence::default()
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_missing() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            missing(&none),
            vec![
                "Content-Security-Policy",
                "X-Content-Type-Options",
                "X-Frame-Options",
                "Referrer-Policy"
            ]
        );
        let f = judge(&none).unwrap();
        assert_eq!(f.code, FindingCode::HeaderMissing);
        assert_eq!(f.evidence.missing_headers.len(), 4);
    }

    #[test]
    fn all_present_case_insensitive() {
        let h = [
            ("content-security-policy", "default-src 'self'"),
            ("X-CONTENT-TYPE-OPTIONS", "NoSniff"),
            ("x-frame-options", "sameorigin"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ];
        assert!(judge(&h).is_none());
    }

    #[test]
    fn frame_ancestors_replaces_x_frame_options() {
        let h = [
            (
                "Content-Security-Policy",
                "default-src 'self'; Frame-Ancestors 'none'",
            ),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ];
        assert!(missing(&h).is_empty());
    }

    #[test]
    fn wrong_values_count_as_absent() {
        let h = [
            ("Content-Security-Policy", " "),
            ("Content-Security-Policy-Report-Only", "default-src 'self'"),
            ("X-Content-Type-Options", "sniff"),
            ("X-Frame-Options", "ALLOW-FROM https://a.example/"),
            ("Referrer-Policy", "no-referrer"),
        ];
        assert_eq!(
            missing(&h),
            vec![
                "Content-Security-Policy",
                "X-Content-Type-Options",
                "X-Frame-Options"
            ]
        );
        let owned = vec![("Referrer-Policy".to_owned(), "same-origin".to_owned())];
        assert_eq!(missing(&owned).len(), 3);
    }
}
