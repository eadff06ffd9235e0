//! The two verdicts the national HTTPS table counts, `https_adopted` and `https_enforced`,
//! as DESIGN.md defines them ("Scanner finding codes"):
//!
//! - `https_adopted`: `https://HOST/` answers with a certificate that is valid now, chains to
//!   a trusted anchor, matches HOST and is not weak. The certificate checks are done by the
//!   caller and handed in as [`HttpsOutcome::cert_problems`]; every `CERT_*` code except
//!   `CERT_EXPIRING_SOON` (still valid today) blocks adoption.
//! - `https_enforced`: `https_adopted`, and `http://HOST/` answers with a redirect, possibly
//!   over several hops, that ends on `https://HOST/…` (same host, default port) with no hop
//!   back to http. A redirect to another host — including the www./apex sibling — does not
//!   enforce HTTPS for this host; pshtt counts it, we do not, and the reason says so.
//!
//! Only HTTP redirects count (status 301, 302, 303, 307 or 308 with a `Location`, RFC 9110
//! §15.4); `<meta http-equiv=refresh>` and script redirects do not. Browsers and the caller
//! stop after [`MAX_HOPS`] redirects; a chain that revisits a URL is a loop.

use std::collections::HashSet;

use govsec_i18n::{Lang, Text};
use url::Url;

use crate::Error;
use crate::finding::{Evidence, Finding, FindingCode};
use crate::names::ReferenceHost;

/// The most redirects followed from `http://HOST/`. Browsers give up after 20 (the Fetch
/// standard's "HTTP-redirect fetch": a redirect count above 20 is a network error); a
/// landing page that needs more than 10 is misconfigured, and the scanner stops there.
pub const MAX_HOPS: usize = 10;

/// One observed response in the chain from `http://HOST/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The URL requested.
    pub url: String,
    /// The HTTP status of the response.
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<String>,
}

/// What `https://HOST/` gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpsOutcome {
    /// Whether a TLS handshake and an HTTP response happened at all.
    pub reachable: bool,
    /// The `CERT_*` problems the certificate checks found (empty: valid, trusted, matching,
    /// not weak).
    pub cert_problems: Vec<FindingCode>,
}

/// One verdict with its reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// The verdict.
    pub value: bool,
    /// Why, in Traditional Chinese.
    pub reason_zh: String,
    /// Why, in English.
    pub reason_en: String,
}

/// Both verdicts and the findings that explain them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdicts {
    /// `https_adopted`.
    pub https_adopted: Verdict,
    /// `https_enforced`.
    pub https_enforced: Verdict,
    /// `HTTPS_UNREACHABLE`, `NO_HTTPS_REDIRECT` and `REDIRECT_DOWNGRADE` findings.
    pub findings: Vec<Finding>,
}

fn verdict(value: bool, reason: Text, args: &[&dyn std::fmt::Display]) -> Verdict {
    Verdict {
        value,
        reason_zh: reason.fill(Lang::ZhTw, args),
        reason_en: reason.fill(Lang::En, args),
    }
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Whether a certificate problem keeps the site from counting as adopted.
fn blocks_adoption(code: FindingCode) -> bool {
    code != FindingCode::CertExpiringSoon
}

fn parse(url: &str) -> Result<Url, Error> {
    Url::parse(url).map_err(|e| Error::InvalidUrl {
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

/// How the chain from `http://HOST/` ended.
enum ChainEnd {
    /// `http://HOST/` gave no response at all.
    NoAnswer,
    /// The last hop is a final (non-redirect) response at this URL.
    Final(Url),
    /// A redirect pointed back at a URL already visited.
    Loop(Url),
    /// More than [`MAX_HOPS`] redirects.
    TooManyHops,
}

/// Decides `https_adopted` and `https_enforced` for `host`.
///
/// `hops` are the responses observed from `http://HOST/` on, in order, as the caller followed
/// each `Location` (an empty slice means `http://HOST/` did not answer). An invalid host or
/// URL, or a chain that does not start at `http://HOST/`, is an [`Error`]; so is a non-`CERT_*`
/// code among the certificate problems.
pub fn judge(host: &str, hops: &[Hop], https: &HttpsOutcome) -> Result<Verdicts, Error> {
    let reference = ReferenceHost::parse(host)?;
    if let Some(code) = https.cert_problems.iter().find(|c| !c.is_certificate()) {
        return Err(Error::NotACertificateFinding(*code));
    }
    let mut findings = Vec::new();

    let adopted = if !https.reachable {
        findings.push(Finding::new(
            FindingCode::HttpsUnreachable,
            Evidence {
                urls: vec![format!("https://{host}/")],
                ..Evidence::default()
            },
        ));
        verdict(false, Text::HttpsVerdictUnreachable, &[&host])
    } else {
        let blocking: Vec<&str> = https
            .cert_problems
            .iter()
            .filter(|c| blocks_adoption(**c))
            .map(|c| c.as_str())
            .collect();
        if blocking.is_empty() {
            verdict(true, Text::HttpsVerdictAdopted, &[&host])
        } else {
            let list = blocking.join(", ");
            verdict(
                false,
                Text::HttpsVerdictCertificateProblems,
                &[&host, &list],
            )
        }
    };

    let (end, downgrades, urls) = walk(host, &reference, hops)?;
    if !downgrades.is_empty() {
        findings.push(Finding::new(
            FindingCode::RedirectDowngrade,
            Evidence {
                urls: downgrades.clone(),
                note: Some("a redirect hop goes from https back to http".into()),
                ..Evidence::default()
            },
        ));
    }

    let redirected = hops.first().is_some_and(|h| is_redirect(h.status));
    let redirects = hops
        .iter()
        .filter(|h| is_redirect(h.status) && h.location.is_some())
        .count();
    let host_text = host.to_owned();
    let (enforces, reason, args, note): (bool, Text, Vec<String>, Option<String>) = match &end {
        ChainEnd::NoAnswer => (
            false,
            Text::HttpsVerdictNoAnswer,
            vec![host_text],
            Some("http:// did not answer".to_owned()),
        ),
        ChainEnd::Loop(url) => (
            false,
            Text::HttpsVerdictLoop,
            vec![host_text, url.to_string()],
            Some(format!("redirect loop back to {url}")),
        ),
        ChainEnd::TooManyHops => (
            false,
            Text::HttpsVerdictTooManyHops,
            vec![host_text, MAX_HOPS.to_string()],
            Some(format!("more than {MAX_HOPS} redirects")),
        ),
        ChainEnd::Final(url) if !redirected => (
            false,
            Text::HttpsVerdictNoRedirect,
            vec![host_text, hops[0].status.to_string()],
            Some(format!("no redirect; final URL {url}")),
        ),
        ChainEnd::Final(url) if url.scheme() != "https" => (
            false,
            Text::HttpsVerdictEndsOnHttp,
            vec![host_text, url.to_string()],
            Some(format!("final URL {url} is not https")),
        ),
        ChainEnd::Final(url) if ReferenceHost::from_url(url).as_ref() != Some(&reference) => {
            let other = url.host_str().unwrap_or_default().to_owned();
            (
                false,
                Text::HttpsVerdictOtherHost,
                vec![host_text, other.clone(), url.to_string()],
                Some(format!("redirects to another host: {other}")),
            )
        }
        ChainEnd::Final(url) if url.port_or_known_default() != Some(443) => (
            false,
            Text::HttpsVerdictOtherPort,
            vec![host_text, url.to_string()],
            Some(format!("final URL {url} is not on port 443")),
        ),
        ChainEnd::Final(url) if !downgrades.is_empty() => (
            false,
            Text::HttpsVerdictDowngradeOnTheWay,
            vec![host_text, url.to_string()],
            None,
        ),
        ChainEnd::Final(url) if !adopted.value => (
            false,
            Text::HttpsVerdictRedirectsButNotAdopted,
            vec![host_text, url.to_string()],
            None,
        ),
        ChainEnd::Final(url) => (
            true,
            Text::HttpsVerdictEnforced,
            vec![host_text, redirects.to_string(), url.to_string()],
            None,
        ),
    };
    let args: Vec<&dyn std::fmt::Display> = args.iter().map(|a| a as _).collect();
    if let Some(note) = note {
        findings.push(Finding::new(
            FindingCode::NoHttpsRedirect,
            Evidence {
                urls,
                note: Some(note),
                ..Evidence::default()
            },
        ));
    }

    Ok(Verdicts {
        https_adopted: adopted,
        https_enforced: verdict(enforces, reason, &args),
        findings,
    })
}

/// Follows the observed chain: how it ended, the `from -> to` downgrade hops, and every URL.
fn walk(
    host: &str,
    reference: &ReferenceHost,
    hops: &[Hop],
) -> Result<(ChainEnd, Vec<String>, Vec<String>), Error> {
    let Some(first) = hops.first() else {
        return Ok((ChainEnd::NoAnswer, Vec::new(), Vec::new()));
    };
    let start = parse(&first.url)?;
    if start.scheme() != "http" || ReferenceHost::from_url(&start).as_ref() != Some(reference) {
        return Err(Error::ChainStart {
            host: host.to_owned(),
            first: Some(first.url.clone()),
        });
    }
    let mut seen = HashSet::new();
    let mut downgrades = Vec::new();
    let mut urls = Vec::new();
    let mut current = start;
    let mut hop = first;
    let mut redirects = 0;
    loop {
        urls.push(current.to_string());
        seen.insert(current.clone());
        let Some(location) = hop.location.as_deref().filter(|_| is_redirect(hop.status)) else {
            return Ok((ChainEnd::Final(current), downgrades, urls));
        };
        redirects += 1;
        // RFC 9110 §10.2.2: Location may be relative to the request URL.
        let target = current.join(location).map_err(|e| Error::InvalidUrl {
            url: location.to_owned(),
            reason: e.to_string(),
        })?;
        if current.scheme() == "https" && target.scheme() == "http" {
            downgrades.push(format!("{current} -> {target}"));
        }
        if seen.contains(&target) {
            urls.push(target.to_string());
            return Ok((ChainEnd::Loop(target), downgrades, urls));
        }
        if redirects > MAX_HOPS {
            return Ok((ChainEnd::TooManyHops, downgrades, urls));
        }
        let Some(next) = hops.get(redirects) else {
            // The caller stopped following although the last hop redirects: the chain ends
            // at the redirect's target, which was not fetched.
            urls.push(target.to_string());
            return Ok((ChainEnd::Final(target), downgrades, urls));
        };
        hop = next;
        current = parse(&hop.url)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hop(url: &str, status: u16, location: Option<&str>) -> Hop {
        Hop {
            url: url.to_owned(),
            status,
            location: location.map(str::to_owned),
        }
    }

    fn ok() -> HttpsOutcome {
        HttpsOutcome {
            reachable: true,
            cert_problems: Vec::new(),
        }
    }

    fn codes(v: &Verdicts) -> Vec<FindingCode> {
        v.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn direct_redirect_enforces() {
        let hops = [
            hop("http://www.gov.tw/", 301, Some("https://www.gov.tw/")),
            hop("https://www.gov.tw/", 200, None),
        ];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(v.https_adopted.value);
        assert!(v.https_enforced.value, "{}", v.https_enforced.reason_en);
        assert!(v.findings.is_empty());
        assert!(v.https_enforced.reason_zh.contains("同網域"));
    }

    #[test]
    fn relative_location_and_several_hops_enforce() {
        let hops = [
            hop("http://www.gov.tw/", 302, Some("/index.jsp")),
            hop(
                "http://www.gov.tw/index.jsp",
                301,
                Some("https://WWW.GOV.TW/ch/"),
            ),
            hop("https://www.gov.tw/ch/", 200, None),
        ];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(v.https_enforced.value, "{}", v.https_enforced.reason_en);
    }

    #[test]
    fn no_redirect_is_reported() {
        let hops = [hop("http://www.gov.tw/", 200, None)];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(v.https_adopted.value);
        assert!(!v.https_enforced.value);
        assert_eq!(codes(&v), vec![FindingCode::NoHttpsRedirect]);
    }

    #[test]
    fn redirect_to_another_host_does_not_enforce() {
        let hops = [
            hop("http://moea.gov.tw/", 301, Some("https://www.moea.gov.tw/")),
            hop("https://www.moea.gov.tw/", 200, None),
        ];
        let v = judge("moea.gov.tw", &hops, &ok()).unwrap();
        assert!(!v.https_enforced.value);
        assert!(v.https_enforced.reason_en.contains("another host"));
        assert!(v.https_enforced.reason_en.contains("pshtt"));
        assert!(v.https_enforced.reason_zh.contains("其他網域"));
        assert_eq!(codes(&v), vec![FindingCode::NoHttpsRedirect]);
    }

    #[test]
    fn downgrade_in_the_middle_is_reported() {
        let hops = [
            hop("http://www.gov.tw/", 301, Some("https://www.gov.tw/a")),
            hop("https://www.gov.tw/a", 302, Some("http://www.gov.tw/b")),
            hop("http://www.gov.tw/b", 301, Some("https://www.gov.tw/c")),
            hop("https://www.gov.tw/c", 200, None),
        ];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(!v.https_enforced.value);
        assert_eq!(codes(&v), vec![FindingCode::RedirectDowngrade]);
        assert_eq!(
            v.findings[0].evidence.urls,
            vec!["https://www.gov.tw/a -> http://www.gov.tw/b".to_owned()]
        );
    }

    #[test]
    fn loop_is_detected() {
        let hops = [
            hop("http://www.gov.tw/", 301, Some("https://www.gov.tw/")),
            hop("https://www.gov.tw/", 302, Some("http://www.gov.tw/")),
        ];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(!v.https_enforced.value);
        assert!(v.https_enforced.reason_en.contains("loop"));
        assert_eq!(
            codes(&v),
            vec![FindingCode::RedirectDowngrade, FindingCode::NoHttpsRedirect]
        );
    }

    #[test]
    fn hop_limit() {
        let mut hops: Vec<Hop> = (0..=MAX_HOPS)
            .map(|i| {
                let url = if i == 0 {
                    "http://www.gov.tw/".to_owned()
                } else {
                    format!("http://www.gov.tw/{i}")
                };
                hop(&url, 302, Some(&format!("/{}", i + 1)))
            })
            .collect();
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(v.https_enforced.reason_en.contains("10 hops"));
        assert!(!v.https_enforced.value);
        // Exactly MAX_HOPS redirects then a final https answer is fine.
        hops.truncate(MAX_HOPS);
        hops[MAX_HOPS - 1].location = Some("https://www.gov.tw/".into());
        hops.push(hop("https://www.gov.tw/", 200, None));
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(v.https_enforced.value, "{}", v.https_enforced.reason_en);
    }

    #[test]
    fn idn_hosts_compare_case_insensitively_in_punycode() {
        let ascii = url::Url::parse("http://政府.台灣/").unwrap();
        let ascii_host = ascii.host_str().unwrap().to_owned();
        let hops = [
            hop(ascii.as_str(), 301, Some("https://政府.台灣/")),
            hop(
                &format!("https://{}/", ascii_host.to_uppercase()),
                200,
                None,
            ),
        ];
        let v = judge("政府.台灣", &hops, &ok()).unwrap();
        assert!(v.https_enforced.value, "{}", v.https_enforced.reason_en);
        let v = judge(&ascii_host, &hops, &ok()).unwrap();
        assert!(v.https_enforced.value);
    }

    #[test]
    fn www_sibling_is_another_host() {
        let hops = [
            hop("http://www.gov.tw/", 301, Some("https://gov.tw/")),
            hop("https://gov.tw/", 200, None),
        ];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(!v.https_enforced.value);
    }

    #[test]
    fn certificate_problems_block_adoption_and_enforcement() {
        let hops = [
            hop("http://www.gov.tw/", 301, Some("https://www.gov.tw/")),
            hop("https://www.gov.tw/", 200, None),
        ];
        let bad = HttpsOutcome {
            reachable: true,
            cert_problems: vec![FindingCode::CertHostnameMismatch],
        };
        let v = judge("www.gov.tw", &hops, &bad).unwrap();
        assert!(!v.https_adopted.value);
        assert!(v.https_adopted.reason_en.contains("CERT_HOSTNAME_MISMATCH"));
        assert!(!v.https_enforced.value);
        let soon = HttpsOutcome {
            reachable: true,
            cert_problems: vec![FindingCode::CertExpiringSoon],
        };
        assert!(
            judge("www.gov.tw", &hops, &soon)
                .unwrap()
                .https_enforced
                .value
        );
    }

    #[test]
    fn unreachable_https() {
        let v = judge("www.gov.tw", &[], &HttpsOutcome::default()).unwrap();
        assert!(!v.https_adopted.value);
        assert!(!v.https_enforced.value);
        assert_eq!(
            codes(&v),
            vec![FindingCode::HttpsUnreachable, FindingCode::NoHttpsRedirect]
        );
    }

    #[test]
    fn bad_input_is_an_error() {
        let bad = HttpsOutcome {
            reachable: true,
            cert_problems: vec![FindingCode::HstsWeak],
        };
        assert_eq!(
            judge("www.gov.tw", &[], &bad),
            Err(Error::NotACertificateFinding(FindingCode::HstsWeak))
        );
        let hops = [hop("https://www.gov.tw/", 200, None)];
        assert!(matches!(
            judge("www.gov.tw", &hops, &ok()),
            Err(Error::ChainStart { .. })
        ));
        let hops = [hop("http://www.gov.tw/", 301, Some("http://[::1"))];
        assert!(matches!(
            judge("www.gov.tw", &hops, &ok()),
            Err(Error::InvalidUrl { .. })
        ));
    }

    #[test]
    fn redirect_staying_on_http_does_not_enforce() {
        let hops = [
            hop(
                "http://www.gov.tw/",
                301,
                Some("http://www.gov.tw/index.html"),
            ),
            hop("http://www.gov.tw/index.html", 200, None),
        ];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(!v.https_enforced.value);
        assert!(v.https_enforced.reason_en.contains("not https"));
        assert_eq!(codes(&v), vec![FindingCode::NoHttpsRedirect]);
    }

    #[test]
    fn chain_may_stop_at_the_https_redirect() {
        // The caller need not fetch https://HOST/ again inside the chain: it probed it apart.
        let hops = [hop("http://www.gov.tw/", 308, Some("https://www.gov.tw/"))];
        let v = judge("www.gov.tw", &hops, &ok()).unwrap();
        assert!(v.https_enforced.value, "{}", v.https_enforced.reason_en);
        assert!(v.https_enforced.reason_en.contains("in 1 hop"));
        let hops = [hop("http://www.gov.tw/", 301, None)];
        assert!(
            !judge("www.gov.tw", &hops, &ok())
                .unwrap()
                .https_enforced
                .value
        );
    }

    #[test]
    fn non_default_port_does_not_enforce() {
        let hops = [
            hop("http://www.gov.tw/", 301, Some("https://www.gov.tw:8443/")),
            hop("https://www.gov.tw:8443/", 200, None),
        ];
        assert!(
            !judge("www.gov.tw", &hops, &ok())
                .unwrap()
                .https_enforced
                .value
        );
    }

    fn arb_absolute() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("http://www.gov.tw/".to_owned()),
            Just("https://www.gov.tw/".to_owned()),
            Just("https://www.gov.tw/a".to_owned()),
            Just("http://www.gov.tw/a".to_owned()),
            Just("https://gov.tw/".to_owned()),
        ]
    }

    fn arb_location() -> impl Strategy<Value = String> {
        prop_oneof![
            arb_absolute(),
            Just("/b".to_owned()),
            Just("//www.gov.tw/c".to_owned()),
        ]
    }

    proptest! {
        #[test]
        fn enforced_implies_adopted_and_same_host_https(
            rest in proptest::collection::vec(
                (arb_absolute(), prop_oneof![Just(200u16), Just(301), Just(302), Just(308), Just(404)],
                 proptest::option::of(arb_location())),
                0..14),
            first_status in prop_oneof![Just(200u16), Just(301), Just(307)],
            first_location in proptest::option::of(arb_location()),
            reachable in any::<bool>(),
        ) {
            let mut hops = vec![Hop {
                url: "http://www.gov.tw/".into(),
                status: first_status,
                location: first_location,
            }];
            hops.extend(rest.into_iter().map(|(url, status, location)| Hop {
                url,
                status,
                location,
            }));
            let https = HttpsOutcome { reachable, cert_problems: Vec::new() };
            let v = judge("www.gov.tw", &hops, &https);
            prop_assert!(v.is_ok(), "{:?}", v);
            let v = v.unwrap();
            prop_assert_eq!(v.https_adopted.value, reachable);
            if v.https_enforced.value {
                prop_assert!(v.https_adopted.value);
                prop_assert!(v.findings.is_empty());
            } else {
                prop_assert!(v.findings.iter().any(|f| matches!(
                    f.code,
                    FindingCode::NoHttpsRedirect | FindingCode::RedirectDowngrade | FindingCode::HttpsUnreachable
                )));
            }
        }
    }
}
