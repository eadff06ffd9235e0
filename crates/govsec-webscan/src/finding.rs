//! The finding model: stable codes, severities, structured evidence and the texts that
//! explain each finding and how to fix it.
//!
//! The codes are the stable identifiers of DESIGN.md ("Scanner finding codes"); they are
//! serialised exactly as written there. All user-facing texts live in one table,
//! [`TEXTS`], so that a later step can move them to the i18n crate in one piece.

use std::fmt;

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
            explanation_zh: t.explanation_zh.to_owned(),
            explanation_en: t.explanation_en.to_owned(),
            fix_zh: t.fix_zh.to_owned(),
            fix_en: t.fix_en.to_owned(),
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
    /// Explanation, zh-TW.
    pub explanation_zh: &'static str,
    /// Explanation, English.
    pub explanation_en: &'static str,
    /// Fix, zh-TW.
    pub fix_zh: &'static str,
    /// Fix, English.
    pub fix_en: &'static str,
}

/// All finding texts, one entry per code in the order of [`FindingCode::ALL`].
pub static TEXTS: [CodeTexts; 20] = [
    CodeTexts {
        code: "HTTPS_UNREACHABLE",
        severity: Severity::Critical,
        explanation_zh: "以 https:// 連線本網站時無法完成 TLS 交握或取得回應，民眾只能以未加密的 http 瀏覽。",
        explanation_en: "The site could not be reached over https://: no TLS handshake or no response, so visitors can only use unencrypted http.",
        fix_zh: "在網站伺服器或負載平衡器啟用 443 埠的 HTTPS 服務並安裝有效憑證，並確認防火牆允許連線。",
        fix_en: "Enable HTTPS on port 443 on the web server or load balancer with a valid certificate, and make sure the firewall lets it through.",
    },
    CodeTexts {
        code: "CERT_EXPIRED",
        severity: Severity::Critical,
        explanation_zh: "網站憑證已超過有效期限，瀏覽器會顯示安全警告並阻擋連線。",
        explanation_en: "The site's certificate has expired; browsers show a security warning and block the page.",
        fix_zh: "立即向憑證機構（如 GCA）申請換發憑證並安裝，並設定到期前提醒或自動更新。",
        fix_en: "Renew the certificate with the issuing CA (such as GCA) now, install it, and set up renewal reminders or automatic renewal.",
    },
    CodeTexts {
        code: "CERT_NOT_YET_VALID",
        severity: Severity::Critical,
        explanation_zh: "憑證的生效日期尚未到達，瀏覽器不會信任此憑證；也可能是伺服器時間錯誤。",
        explanation_en: "The certificate is not valid yet, so browsers reject it; the server clock may also be wrong.",
        fix_zh: "確認安裝的是正確的憑證，並校正伺服器時間（啟用 NTP 校時）。",
        fix_en: "Check that the right certificate is installed and correct the server clock (enable NTP).",
    },
    CodeTexts {
        code: "CERT_HOSTNAME_MISMATCH",
        severity: Severity::Critical,
        explanation_zh: "憑證主體（主體別名）與網站網域不符，瀏覽器會警告此連線可能遭冒用。",
        explanation_en: "The certificate's subject (its alternative names) does not match the site's domain, so browsers warn that the connection may be impersonated.",
        fix_zh: "重新申請並安裝與網域相符的 SSL 憑證，憑證須涵蓋民眾實際使用的每個網域名稱（含 www 與不含 www）。",
        fix_en: "Re-issue and install an SSL certificate that matches the domain, covering every name visitors use (with and without www).",
    },
    CodeTexts {
        code: "CERT_SELF_SIGNED",
        severity: Severity::Critical,
        explanation_zh: "網站使用自行簽發的憑證，瀏覽器無法驗證網站身分。",
        explanation_en: "The site uses a self-signed certificate, so browsers cannot verify who runs it.",
        fix_zh: "改用受信任憑證機構（如 GCA 或其他公開信任的 CA）簽發的憑證。",
        fix_en: "Replace it with a certificate from a publicly trusted CA (such as GCA).",
    },
    CodeTexts {
        code: "CERT_UNTRUSTED_ROOT",
        severity: Severity::Critical,
        explanation_zh: "憑證串鏈的根憑證不在瀏覽器或作業系統的信任清單中。",
        explanation_en: "The certificate chains to a root that browsers and operating systems do not trust.",
        fix_zh: "改用由公開信任根憑證簽發的憑證，或確認根憑證已列入主要瀏覽器的信任清單。",
        fix_en: "Use a certificate that chains to a publicly trusted root, or confirm the root is in the major browsers' trust stores.",
    },
    CodeTexts {
        code: "CERT_CHAIN_INCOMPLETE",
        severity: Severity::High,
        explanation_zh: "伺服器未送出必要的中繼憑證，部分瀏覽器與程式無法建立到信任根的串鏈。",
        explanation_en: "The server does not send the intermediate certificates, so some browsers and clients cannot build a chain to a trusted root.",
        fix_zh: "在伺服器設定中加入憑證機構提供的中繼憑證（完整憑證串鏈）。",
        fix_en: "Configure the server to send the full chain, including the intermediates your CA provides.",
    },
    CodeTexts {
        code: "CERT_WEAK_SIGNATURE",
        severity: Severity::High,
        explanation_zh: "憑證使用 SHA-1 或 MD5 等已不安全的簽章演算法，現行瀏覽器不接受。",
        explanation_en: "The certificate is signed with an obsolete algorithm such as SHA-1 or MD5, which current browsers reject.",
        fix_zh: "重新申請使用 SHA-256 以上簽章演算法的憑證。",
        fix_en: "Re-issue the certificate with a SHA-256 or stronger signature.",
    },
    CodeTexts {
        code: "CERT_WEAK_KEY",
        severity: Severity::High,
        explanation_zh: "憑證金鑰長度不足（RSA 少於 2048 位元），可能被破解。",
        explanation_en: "The certificate's key is too short (RSA under 2048 bits) and may be broken.",
        fix_zh: "產生 RSA 2048 位元以上或 ECDSA P-256 以上的新金鑰，並重新申請憑證。",
        fix_en: "Generate a new RSA key of at least 2048 bits (or ECDSA P-256 or better) and re-issue the certificate.",
    },
    CodeTexts {
        code: "CERT_EXPIRING_SOON",
        severity: Severity::Medium,
        explanation_zh: "憑證即將到期，到期後網站將無法安全連線。",
        explanation_en: "The certificate expires soon; after that the site can no longer be reached securely.",
        fix_zh: "儘早申請換發憑證並安裝，避免服務中斷。",
        fix_en: "Renew and install the certificate before it expires to avoid an outage.",
    },
    CodeTexts {
        code: "NO_HTTPS_REDIRECT",
        severity: Severity::High,
        explanation_zh: "輸入 http:// 網址時未自動轉址至同一網域的 https://，網站未強制使用 HTTPS。",
        explanation_en: "Requests to http:// are not redirected to https:// on the same host, so HTTPS is not enforced.",
        fix_zh: "設定伺服器將所有 http:// 請求以 301 轉址至同一網域的 https:// 網址。",
        fix_en: "Configure the server to answer every http:// request with a 301 redirect to the same host over https://.",
    },
    CodeTexts {
        code: "REDIRECT_DOWNGRADE",
        severity: Severity::High,
        explanation_zh: "轉址過程中由 https:// 轉回 http://，連線在該步驟失去加密保護。",
        explanation_en: "A redirect goes from https:// back to http://, losing encryption at that step.",
        fix_zh: "修正轉址規則，使每一步轉址都指向 https:// 網址。",
        fix_en: "Fix the redirect rules so that every hop points to an https:// URL.",
    },
    CodeTexts {
        code: "HSTS_MISSING",
        severity: Severity::Medium,
        explanation_zh: "網站未送出 Strict-Transport-Security 標頭，瀏覽器下次仍可能先以 http 連線而遭攔截。",
        explanation_en: "The site sends no Strict-Transport-Security header, so browsers may still try http first next time and be intercepted.",
        fix_zh: "在 HTTPS 回應加入 Strict-Transport-Security: max-age=31536000; includeSubDomains。",
        fix_en: "Add Strict-Transport-Security: max-age=31536000; includeSubDomains to HTTPS responses.",
    },
    CodeTexts {
        code: "HSTS_WEAK",
        severity: Severity::Low,
        explanation_zh: "Strict-Transport-Security 標頭格式錯誤，或 max-age 少於一年（31536000 秒）。",
        explanation_en: "The Strict-Transport-Security header is invalid or its max-age is under one year (31536000 seconds).",
        fix_zh: "將標頭修正為 max-age=31536000 以上，並視情況加上 includeSubDomains。",
        fix_en: "Set a valid header with max-age of at least 31536000 and, where possible, includeSubDomains.",
    },
    CodeTexts {
        code: "MIXED_CONTENT_ACTIVE",
        severity: Severity::High,
        explanation_zh: "HTTPS 網頁以 http 載入程式、框架、樣式表或外掛，攻擊者可竄改這些內容並控制整個網頁；瀏覽器通常會直接封鎖。",
        explanation_en: "The https page loads scripts, frames, stylesheets or plugins over http; an attacker can alter them and take over the page, and browsers usually block them.",
        fix_zh: "將這些資源全部改以 https 提供並修正網頁中的網址。",
        fix_en: "Serve every one of these resources over https and update the URLs in the page.",
    },
    CodeTexts {
        code: "MIXED_CONTENT_PASSIVE",
        severity: Severity::Medium,
        explanation_zh: "HTTPS 網頁以 http 載入圖片、音訊或影片（混合內容），瀏覽器不會顯示安全鎖頭，內容也可能被竄改。",
        explanation_en: "The https page loads images, audio or video over http (mixed content); browsers do not show the secure lock and the content can be altered.",
        fix_zh: "所有網頁資源皆改以 https 提供；可用瀏覽器開發人員工具（F12）的 Security 頁籤逐一檢視並修正。",
        fix_en: "Serve every resource over https; the browser's developer tools (F12, Security tab) list each one to fix.",
    },
    CodeTexts {
        code: "INSECURE_FORM_ACTION",
        severity: Severity::High,
        explanation_zh: "網頁表單的 action 指向 http:// 網址，民眾輸入的資料會以未加密方式送出。",
        explanation_en: "A form's action points to an http:// URL, so what visitors type is sent unencrypted.",
        fix_zh: "檢視網頁原始碼，將表單 action 改為 https:// 網址。",
        fix_en: "Change the form's action in the page source to an https:// URL.",
    },
    CodeTexts {
        code: "TLS_LEGACY_PROTOCOL",
        severity: Severity::Medium,
        explanation_zh: "伺服器仍接受 SSL 3.0、TLS 1.0 或 TLS 1.1 等已淘汰的協定版本。",
        explanation_en: "The server still accepts obsolete protocol versions such as SSL 3.0, TLS 1.0 or TLS 1.1.",
        fix_zh: "停用 TLS 1.1 以下版本，只保留 TLS 1.2 與 TLS 1.3。",
        fix_en: "Disable everything below TLS 1.2 and keep only TLS 1.2 and TLS 1.3.",
    },
    CodeTexts {
        code: "TLS_WEAK_CIPHER",
        severity: Severity::Medium,
        explanation_zh: "伺服器接受 RC4、3DES、NULL 或匯出等級等弱加密套件。",
        explanation_en: "The server accepts weak cipher suites such as RC4, 3DES, NULL or export-grade ones.",
        fix_zh: "移除弱加密套件，僅保留具前向保密的 AEAD 套件（如 ECDHE 搭配 AES-GCM 或 ChaCha20-Poly1305）。",
        fix_en: "Remove weak suites and keep forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305).",
    },
    CodeTexts {
        code: "HEADER_MISSING",
        severity: Severity::Low,
        explanation_zh: "網站缺少建議的安全標頭，較容易遭受跨站腳本、點擊劫持或資訊外洩等攻擊。",
        explanation_en: "The site lacks recommended security headers, which leaves it more exposed to cross-site scripting, clickjacking and information leaks.",
        fix_zh: "在伺服器設定加入所列缺少的標頭（如 Content-Security-Policy、X-Content-Type-Options: nosniff、X-Frame-Options 或 frame-ancestors、Referrer-Policy）。",
        fix_en: "Add the listed headers in the server configuration (Content-Security-Policy, X-Content-Type-Options: nosniff, X-Frame-Options or frame-ancestors, Referrer-Policy).",
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
            for s in [t.explanation_zh, t.explanation_en, t.fix_zh, t.fix_en] {
                assert!(!s.trim().is_empty(), "{code}");
            }
            assert!(
                t.explanation_zh.chars().any(|c| c > '\u{2e80}'),
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
