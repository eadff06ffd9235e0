//! The finding model: stable codes, severities, structured evidence and the texts that
//! explain each finding and how to fix it.
//!
//! The codes are the stable identifiers of DESIGN.md ("Scanner finding codes"); they are
//! serialised exactly as written there. Each code's explanation and fix are entries of the
//! message catalogue (`govsec-i18n`), listed per code in [`TEXTS`]; a finding carries both
//! languages, since a report goes to readers of either.

use std::fmt;

use govsec_i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

/// A stable scanner finding code, serialised as e.g. `"CERT_HOSTNAME_MISMATCH"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingCode {
    /// `https://HOST/` does not answer (no TLS handshake or no HTTP response).
    HttpsUnreachable,
    /// The certificate's notAfter is in the past.
    CertExpired,
    /// The certificate's notBefore is in the future.
    CertNotYetValid,
    /// No subject alternative name of the certificate matches the host (seed pattern 1/3).
    CertHostnameMismatch,
    /// The certificate is self-signed.
    CertSelfSigned,
    /// The chain ends at a root that is not a trusted anchor.
    CertUntrustedRoot,
    /// The server does not send the intermediates needed to reach a trusted anchor.
    CertChainIncomplete,
    /// The certificate is signed with SHA-1 or MD5.
    CertWeakSignature,
    /// The certificate's key is too small (RSA under 2048 bits).
    CertWeakKey,
    /// The certificate expires soon.
    CertExpiringSoon,
    /// `http://HOST/` does not redirect to `https://HOST/`.
    NoHttpsRedirect,
    /// A redirect hop goes from https back to http.
    RedirectDowngrade,
    /// No `Strict-Transport-Security` header.
    HstsMissing,
    /// `Strict-Transport-Security` is invalid or its max-age is too short.
    HstsWeak,
    /// Scripts, frames, stylesheets or plugins loaded over http on an https page.
    MixedContentActive,
    /// Images, audio or video loaded over http on an https page (seed pattern 2/3).
    MixedContentPassive,
    /// A form submits to an http URL (seed pattern 3/3).
    InsecureFormAction,
    /// The server accepts SSL 3.0, TLS 1.0 or TLS 1.1.
    TlsLegacyProtocol,
    /// The server accepts a weak cipher suite.
    TlsWeakCipher,
    /// Recommended security headers are absent.
    HeaderMissing,
}

impl FindingCode {
    /// Every code, in the order of DESIGN.md.
    pub const ALL: [FindingCode; 20] = [
        FindingCode::HttpsUnreachable,
        FindingCode::CertExpired,
        FindingCode::CertNotYetValid,
        FindingCode::CertHostnameMismatch,
        FindingCode::CertSelfSigned,
        FindingCode::CertUntrustedRoot,
        FindingCode::CertChainIncomplete,
        FindingCode::CertWeakSignature,
        FindingCode::CertWeakKey,
        FindingCode::CertExpiringSoon,
        FindingCode::NoHttpsRedirect,
        FindingCode::RedirectDowngrade,
        FindingCode::HstsMissing,
        FindingCode::HstsWeak,
        FindingCode::MixedContentActive,
        FindingCode::MixedContentPassive,
        FindingCode::InsecureFormAction,
        FindingCode::TlsLegacyProtocol,
        FindingCode::TlsWeakCipher,
        FindingCode::HeaderMissing,
    ];

    /// The stable identifier, as serialised.
    pub fn as_str(self) -> &'static str {
        self.texts().code
    }

    /// Whether this is a `CERT_*` code.
    pub fn is_certificate(self) -> bool {
        self.as_str().starts_with("CERT_")
    }

    /// The entry of [`TEXTS`] for this code.
    pub fn texts(self) -> &'static CodeTexts {
        // TEXTS is in the order of ALL, which is the order of the enum's declaration;
        // `texts_table_is_in_code_order` checks it.
        &TEXTS[self as usize]
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, nothing to fix urgently.
    Info,
    /// A hardening gap.
    Low,
    /// Weakens the protection HTTPS gives.
    Medium,
    /// Browsers warn or the protection of HTTPS is defeated.
    High,
    /// HTTPS is absent or broken for every visitor.
    Critical,
}

/// A header name and value seen in a response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderValue {
    /// The header name as received.
    pub name: String,
    /// The header value as received.
    pub value: String,
}

/// Structured evidence for a finding. Every field is optional; a finding fills in what
/// applies to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// URLs involved (the insecure resource, the redirect hops, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// Header values involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderValue>,
    /// Names of headers that should be there and are not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_headers: Vec<String>,
    /// The HTML element (lower-case tag name) that carries the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// The attribute of [`Evidence::element`] that carries the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// The 1-based line of the element in the decoded page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Whether the problem is mitigated (e.g. by `upgrade-insecure-requests`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mitigated: bool,
    /// A short machine-oriented note (English) with the detail that does not fit elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Evidence {
    /// The evidence on one line, for a text report.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(element) = &self.element {
            let mut part = format!("<{element}");
            if let Some(attribute) = &self.attribute {
                part.push(' ');
                part.push_str(attribute);
            }
            part.push('>');
            if let Some(line) = self.line {
                part.push_str(&format!(" line {line}"));
            }
            parts.push(part);
        }
        parts.extend(self.urls.iter().cloned());
        if !self.missing_headers.is_empty() {
            parts.push(self.missing_headers.join(", "));
        }
        parts.extend(
            self.headers
                .iter()
                .map(|h| format!("{}: {}", h.name, h.value)),
        );
        if let Some(note) = &self.note {
            parts.push(note.clone());
        }
        parts.join("; ")
    }
}

/// One finding about a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The stable code.
    pub code: FindingCode,
    /// How serious it is here (the code's default, possibly lowered by mitigation).
    pub severity: Severity,
    /// What was observed.
    pub evidence: Evidence,
    /// What the finding means, in Traditional Chinese.
    pub explanation_zh: String,
    /// What the finding means, in English.
    pub explanation_en: String,
    /// How to fix it, in Traditional Chinese.
    pub fix_zh: String,
    /// How to fix it, in English.
    pub fix_en: String,
}

impl Finding {
    /// A finding with the code's default severity and texts.
    pub fn new(code: FindingCode, evidence: Evidence) -> Self {
        let t = code.texts();
        Finding {
            code,
            severity: t.severity,
            evidence,
            explanation_zh: t.explanation.get(Lang::ZhTw).to_owned(),
            explanation_en: t.explanation.get(Lang::En).to_owned(),
            fix_zh: t.fix.get(Lang::ZhTw).to_owned(),
            fix_en: t.fix.get(Lang::En).to_owned(),
        }
    }

    /// The severity as serialised (`critical`, `high`, …).
    pub fn severity_label(&self) -> &'static str {
        match self.severity {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The same finding with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// The texts and default severity of one code.
#[derive(Debug)]
pub struct CodeTexts {
    /// The stable identifier.
    pub code: &'static str,
    /// The default severity.
    pub severity: Severity,
    /// What the finding means, from the message catalogue.
    pub explanation: Text,
    /// How to fix it, from the message catalogue.
    pub fix: Text,
}

/// All finding texts, one entry per code in the order of [`FindingCode::ALL`].
pub static TEXTS: [CodeTexts; 20] = [
    CodeTexts {
        code: "HTTPS_UNREACHABLE",
        severity: Severity::Critical,
        explanation: Text::FindingHttpsUnreachableExplanation,
        fix: Text::FindingHttpsUnreachableFix,
    },
    CodeTexts {
        code: "CERT_EXPIRED",
        severity: Severity::Critical,
        explanation: Text::FindingCertExpiredExplanation,
        fix: Text::FindingCertExpiredFix,
    },
    CodeTexts {
        code: "CERT_NOT_YET_VALID",
        severity: Severity::Critical,
        explanation: Text::FindingCertNotYetValidExplanation,
        fix: Text::FindingCertNotYetValidFix,
    },
    CodeTexts {
        code: "CERT_HOSTNAME_MISMATCH",
        severity: Severity::Critical,
        explanation: Text::FindingCertHostnameMismatchExplanation,
        fix: Text::FindingCertHostnameMismatchFix,
    },
    CodeTexts {
        code: "CERT_SELF_SIGNED",
        severity: Severity::Critical,
        explanation: Text::FindingCertSelfSignedExplanation,
        fix: Text::FindingCertSelfSignedFix,
    },
    CodeTexts {
        code: "CERT_UNTRUSTED_ROOT",
        severity: Severity::Critical,
        explanation: Text::FindingCertUntrustedRootExplanation,
        fix: Text::FindingCertUntrustedRootFix,
    },
    CodeTexts {
        code: "CERT_CHAIN_INCOMPLETE",
        severity: Severity::High,
        explanation: Text::FindingCertChainIncompleteExplanation,
        fix: Text::FindingCertChainIncompleteFix,
    },
    CodeTexts {
        code: "CERT_WEAK_SIGNATURE",
        severity: Severity::High,
        explanation: Text::FindingCertWeakSignatureExplanation,
        fix: Text::FindingCertWeakSignatureFix,
    },
    CodeTexts {
        code: "CERT_WEAK_KEY",
        severity: Severity::High,
        explanation: Text::FindingCertWeakKeyExplanation,
        fix: Text::FindingCertWeakKeyFix,
    },
    CodeTexts {
        code: "CERT_EXPIRING_SOON",
        severity: Severity::Medium,
        explanation: Text::FindingCertExpiringSoonExplanation,
        fix: Text::FindingCertExpiringSoonFix,
    },
    CodeTexts {
        code: "NO_HTTPS_REDIRECT",
        severity: Severity::High,
        explanation: Text::FindingNoHttpsRedirectExplanation,
        fix: Text::FindingNoHttpsRedirectFix,
    },
    CodeTexts {
        code: "REDIRECT_DOWNGRADE",
        severity: Severity::High,
        explanation: Text::FindingRedirectDowngradeExplanation,
        fix: Text::FindingRedirectDowngradeFix,
    },
    CodeTexts {
        code: "HSTS_MISSING",
        severity: Severity::Medium,
        explanation: Text::FindingHstsMissingExplanation,
        fix: Text::FindingHstsMissingFix,
    },
    CodeTexts {
        code: "HSTS_WEAK",
        severity: Severity::Low,
        explanation: Text::FindingHstsWeakExplanation,
        fix: Text::FindingHstsWeakFix,
    },
    CodeTexts {
        code: "MIXED_CONTENT_ACTIVE",
        severity: Severity::High,
        explanation: Text::FindingMixedContentActiveExplanation,
        fix: Text::FindingMixedContentActiveFix,
    },
    CodeTexts {
        code: "MIXED_CONTENT_PASSIVE",
        severity: Severity::Medium,
        explanation: Text::FindingMixedContentPassiveExplanation,
        fix: Text::FindingMixedContentPassiveFix,
    },
    CodeTexts {
        code: "INSECURE_FORM_ACTION",
        severity: Severity::High,
        explanation: Text::FindingInsecureFormActionExplanation,
        fix: Text::FindingInsecureFormActionFix,
    },
    CodeTexts {
        code: "TLS_LEGACY_PROTOCOL",
        severity: Severity::Medium,
        explanation: Text::FindingTlsLegacyProtocolExplanation,
        fix: Text::FindingTlsLegacyProtocolFix,
    },
    CodeTexts {
        code: "TLS_WEAK_CIPHER",
        severity: Severity::Medium,
        explanation: Text::FindingTlsWeakCipherExplanation,
        fix: Text::FindingTlsWeakCipherFix,
    },
    CodeTexts {
        code: "HEADER_MISSING",
        severity: Severity::Low,
        explanation: Text::FindingHeaderMissingExplanation,
        fix: Text::FindingHeaderMissingFix,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_table_is_in_code_order() {
        for (i, code) in FindingCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i);
            assert!(std::ptr::eq(code.texts(), &TEXTS[i]));
        }
    }

    #[test]
    fn serde_uses_the_stable_strings() {
        for code in FindingCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: FindingCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
        assert_eq!(
            serde_json::to_string(&FindingCode::CertHostnameMismatch).unwrap(),
            "\"CERT_HOSTNAME_MISMATCH\""
        );
    }

    #[test]
    fn design_codes_are_exactly_these() {
        let names: Vec<&str> = FindingCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names.join(","),
            "HTTPS_UNREACHABLE,CERT_EXPIRED,CERT_NOT_YET_VALID,CERT_HOSTNAME_MISMATCH,\
CERT_SELF_SIGNED,CERT_UNTRUSTED_ROOT,CERT_CHAIN_INCOMPLETE,CERT_WEAK_SIGNATURE,CERT_WEAK_KEY,\
CERT_EXPIRING_SOON,NO_HTTPS_REDIRECT,REDIRECT_DOWNGRADE,HSTS_MISSING,HSTS_WEAK,\
MIXED_CONTENT_ACTIVE,MIXED_CONTENT_PASSIVE,INSECURE_FORM_ACTION,TLS_LEGACY_PROTOCOL,\
TLS_WEAK_CIPHER,HEADER_MISSING"
        );
    }

    #[test]
    fn every_code_has_all_four_texts() {
        for code in FindingCode::ALL {
            let t = code.texts();
            for text in [t.explanation, t.fix] {
                for lang in [Lang::ZhTw, Lang::En] {
                    assert!(!text.get(lang).trim().is_empty(), "{code}");
                }
            }
            assert!(
                t.explanation
                    .get(Lang::ZhTw)
                    .chars()
                    .any(|c| c > '\u{2e80}'),
                "{code} zh text must be Chinese"
            );
        }
    }

    #[test]
    fn cert_codes_are_recognised() {
        assert!(FindingCode::CertWeakKey.is_certificate());
        assert!(!FindingCode::HstsWeak.is_certificate());
    }

    #[test]
    fn finding_serialises_with_evidence() {
        let f = Finding::new(
            FindingCode::InsecureFormAction,
            Evidence {
                urls: vec!["http://search.example/q".into()],
                element: Some("form".into()),
                attribute: Some("action".into()),
                line: Some(3),
                ..Evidence::default()
            },
        );
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["code"], "INSECURE_FORM_ACTION");
        assert_eq!(v["severity"], "high");
        assert_eq!(v["evidence"]["line"], 3);
        assert!(v["evidence"].get("mitigated").is_none());
        assert!(f.fix_zh.contains("https"));
    }
}
