//! The scan of one target, and of many at once.
//!
//! For a target the scanner, concurrently: records the TLS facts and certificate chain of
//! `https://HOST/`; follows the redirects from `https://HOST/` to the landing page (HSTS,
//! security headers, page analysis); follows the redirects from `http://HOST/` (the
//! enforcement verdict); sends the legacy-protocol and weak-suite probes; and looks at the
//! www./apex sibling. Every phase has its own timeout and all of them share the target's
//! deadline, so a hostile or dead server costs at most the deadline, and what was learnt
//! before it is kept.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio_rustls::rustls::pki_types::CertificateDer;
use url::Url;

use crate::Error;
use crate::certificate::{self, CertificateFacts, TrustAnchors};
use crate::finding::Finding;
use crate::hsts;
use crate::http::{self, Limits, Response};
use crate::legacy::{self, LegacyReport};
use crate::names::ReferenceHost;
use crate::net::{Dialer, Failure, Phase};
use crate::page::{self, CharsetSource};
use crate::target::{Overrides, Target, root_url, url_host};
use crate::tls::{self, Alpn, TlsFacts};
use crate::verdict::{self, Hop, HttpsOutcome, MAX_HOPS};

/// How a run scans.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// `--resolve` / `--connect-to`.
    pub overrides: Overrides,
    /// Trust anchors for the certificate checks.
    pub anchors: TrustAnchors,
    /// Per DNS lookup.
    pub dns_timeout: Duration,
    /// Per TCP connect.
    pub connect_timeout: Duration,
    /// Per TLS handshake.
    pub tls_timeout: Duration,
    /// Until a response head arrives.
    pub response_timeout: Duration,
    /// For a whole body.
    pub body_timeout: Duration,
    /// For everything about one target.
    pub target_deadline: Duration,
    /// The most bytes of the landing page read.
    pub max_page_bytes: usize,
    /// `CERT_EXPIRING_SOON` threshold.
    pub expiring_days: u32,
    /// Whether to send the legacy-protocol and weak-suite probes.
    pub legacy_probes: bool,
    /// Whether to probe the www./apex sibling.
    pub sibling: bool,
}

impl ScanOptions {
    /// The defaults: 5 s per network phase, 10 s per response, 30 s per target, 5 MiB
    /// pages, 30 days to expiry, every probe on.
    pub fn new(anchors: TrustAnchors) -> Self {
        ScanOptions {
            overrides: Overrides::default(),
            anchors,
            dns_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            tls_timeout: Duration::from_secs(5),
            response_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            target_deadline: Duration::from_secs(30),
            max_page_bytes: page::MAX_PAGE_BYTES,
            expiring_days: certificate::DEFAULT_EXPIRING_DAYS,
            legacy_probes: true,
            sibling: true,
        }
    }

    /// Every phase limited to `phase`, and the target to `deadline`.
    pub fn with_timeouts(mut self, phase: Duration, deadline: Duration) -> Self {
        self.dns_timeout = phase;
        self.connect_timeout = phase;
        self.tls_timeout = phase;
        self.response_timeout = phase;
        self.body_timeout = phase;
        self.target_deadline = deadline;
        self
    }
}

/// One observed request of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HopReport {
    /// The URL requested.
    pub url: String,
    /// The address connected to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The status, when a response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The `Location` header of a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Why no response came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

impl HopReport {
    fn answered(url: &Url, address: String, response: &Response) -> Self {
        HopReport {
            url: url.to_string(),
            address: Some(address),
            status: Some(response.status),
            location: response.header("location").map(str::to_owned),
            failure: None,
        }
    }

    fn failed(url: String, address: Option<String>, failure: Failure) -> Self {
        HopReport {
            url,
            address,
            status: None,
            location: None,
            failure: Some(failure),
        }
    }
}

/// One of the four endpoints pshtt looks at: http and https of the host and its sibling, with
/// the first request made to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// `host` or `sibling`.
    pub role: &'static str,
    /// Whether it answered at all.
    pub reachable: bool,
    /// The first request and its answer.
    #[serde(flatten)]
    pub first: HopReport,
}

impl Endpoint {
    fn from_hop(role: &'static str, first: HopReport) -> Self {
        Endpoint {
            role,
            reachable: first.status.is_some(),
            first,
        }
    }
}

/// The parsed `Strict-Transport-Security` of `https://HOST/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HstsFacts {
    /// The header as received.
    pub value: String,
    /// `max-age`, when valid.
    pub max_age: Option<u64>,
    /// `includeSubDomains`.
    pub include_subdomains: bool,
    /// `preload`.
    pub preload: bool,
}

/// What the landing page analysis looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageFacts {
    /// The landing page's URL (after the redirects from `https://HOST/`).
    pub url: String,
    /// Its status.
    pub status: u16,
    /// Bytes read.
    pub bytes: usize,
    /// Whether the cap cut it.
    pub truncated: bool,
    /// The encoding used to decode it.
    pub encoding: &'static str,
    /// Where the encoding came from.
    pub charset_source: CharsetSource,
    /// Whether `upgrade-insecure-requests` is declared.
    pub upgrade_insecure_requests: bool,
    /// Why reading stopped early, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_error: Option<String>,
}

/// A verdict's reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// zh-TW.
    pub zh: String,
    /// English.
    pub en: String,
}

/// Why each verdict is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reasons {
    /// For `https_adopted`.
    pub https_adopted: Reason,
    /// For `https_enforced`.
    pub https_enforced: Reason,
}

/// Everything learnt about one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetReport {
    /// The target as given.
    pub target: String,
    /// The host the verdicts are for (ASCII form).
    pub host: String,
    /// When the scan started (RFC 3339).
    pub scanned_at: String,
    /// How long it took.
    pub duration_ms: u64,
    /// The national table's first verdict.
    pub https_adopted: bool,
    /// The national table's second verdict.
    pub https_enforced: bool,
    /// Why.
    pub reasons: Reasons,
    /// The four endpoints.
    pub endpoints: Vec<Endpoint>,
    /// From `http://HOST/`, hop by hop.
    pub redirect_chain: Vec<HopReport>,
    /// From `https://HOST/` to the landing page.
    pub https_redirect_chain: Vec<HopReport>,
    /// The handshake with `https://HOST/`.
    pub tls: Option<TlsFacts>,
    /// The chain presented by `https://HOST/`, leaf first.
    pub certificates: Vec<CertificateFacts>,
    /// Legacy protocols and weak suites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legacy: Option<LegacyReport>,
    /// HSTS of `https://HOST/`.
    pub hsts: Option<HstsFacts>,
    /// The landing page.
    pub page: Option<PageFacts>,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
    /// Whether the target's deadline cut the scan short.
    pub deadline_exceeded: bool,
}

/// A scanner for one run.
pub struct Scanner {
    options: ScanOptions,
    dialer: Dialer,
}

/// The time left before a deadline, capped by a phase's own limit.
fn budget(deadline: Instant, phase: Duration) -> Duration {
    phase.min(deadline.saturating_duration_since(Instant::now()))
}

/// Seconds since the Unix epoch.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

struct Fetched {
    address: String,
    response: Response,
}

struct HttpsSide {
    tls: Option<TlsFacts>,
    chain: Vec<CertificateDer<'static>>,
    hops: Vec<HopReport>,
    first: Option<Response>,
    landing: Option<(Url, Response)>,
}

struct Chain {
    hops: Vec<HopReport>,
    responses: Vec<(Url, Response)>,
}

/// What the concurrent probes of one target brought back.
struct Observed {
    https: HttpsSide,
    http_chain: Chain,
    legacy: Option<LegacyReport>,
    siblings: Vec<Endpoint>,
}

/// When a target's scan started and must end.
struct Timing {
    scanned_at: String,
    started: Instant,
    deadline: Instant,
}

impl Scanner {
    /// A scanner with these options.
    pub fn new(options: ScanOptions) -> Self {
        let dialer = Dialer::new(
            options.overrides.clone(),
            options.dns_timeout,
            options.connect_timeout,
        );
        Scanner { options, dialer }
    }

    fn limits(&self, deadline: Instant) -> Limits {
        Limits {
            response_timeout: budget(deadline, self.options.response_timeout),
            body_timeout: budget(deadline, self.options.body_timeout),
            max_body_bytes: self.options.max_page_bytes,
        }
    }

    /// Connects to the URL's host and port (TLS for https) and sends one GET.
    async fn fetch(
        &self,
        url: &Url,
        deadline: Instant,
    ) -> Result<Fetched, (Option<String>, Failure)> {
        let Some(host) = ReferenceHost::from_url(url) else {
            return Err((None, Failure::new(Phase::Dns, format!("{url} has no host"))));
        };
        let port = url.port_or_known_default().unwrap_or(80);
        let host_text = url_host(&host);
        let connect = self.dialer.connect(&host_text, port);
        let (tcp, address) =
            tokio::time::timeout(budget(deadline, self.options.target_deadline), connect)
                .await
                .map_err(|_| {
                    (
                        None,
                        Failure::new(Phase::Connect, "target deadline reached"),
                    )
                })?
                .map_err(|f| (None, f))?;
        let address_text = address.to_string();
        let limits = self.limits(deadline);
        let response = if url.scheme() == "https" {
            let tls_limit = budget(deadline, self.options.tls_timeout);
            let handshake =
                tokio::time::timeout(tls_limit, tls::handshake(tcp, &host, Alpn::Http1))
                    .await
                    .map_err(|_| {
                        (
                            Some(address_text.clone()),
                            Failure::timeout(Phase::TlsHandshake, tls_limit),
                        )
                    })?
                    .map_err(|e| {
                        (
                            Some(address_text.clone()),
                            Failure::new(Phase::TlsHandshake, e),
                        )
                    })?;
            http::get(handshake.stream, url, limits).await
        } else {
            http::get(tcp, url, limits).await
        };
        response
            .map(|response| Fetched {
                address: address_text.clone(),
                response,
            })
            .map_err(|f| (Some(address_text), f))
    }

    /// Follows redirects from `start`, hop by hop.
    async fn follow(&self, start: Url, deadline: Instant) -> Chain {
        let mut chain = Chain {
            hops: Vec::new(),
            responses: Vec::new(),
        };
        let mut seen = HashSet::new();
        let mut current = start;
        loop {
            seen.insert(current.clone());
            match self.fetch(&current, deadline).await {
                Err((address, failure)) => {
                    chain
                        .hops
                        .push(HopReport::failed(current.to_string(), address, failure));
                    return chain;
                }
                Ok(fetched) => {
                    let status = fetched.response.status;
                    let location = fetched.response.header("location").map(str::to_owned);
                    chain.hops.push(HopReport::answered(
                        &current,
                        fetched.address,
                        &fetched.response,
                    ));
                    chain.responses.push((current.clone(), fetched.response));
                    let next = location
                        .filter(|_| matches!(status, 301 | 302 | 303 | 307 | 308))
                        .and_then(|l| current.join(l.trim()).ok())
                        .filter(|u| matches!(u.scheme(), "http" | "https"));
                    let Some(next) = next else {
                        return chain;
                    };
                    if seen.contains(&next) || chain.hops.len() > MAX_HOPS {
                        return chain;
                    }
                    current = next;
                }
            }
        }
    }

    async fn https_side(&self, target: &Target, deadline: Instant) -> HttpsSide {
        let root = Url::parse(&root_url("https", &target.host, target.https_port)).ok();
        let mut side = HttpsSide {
            tls: None,
            chain: Vec::new(),
            hops: Vec::new(),
            first: None,
            landing: None,
        };
        let Some(root) = root else {
            return side;
        };
        let host_text = url_host(&target.host);
        let facts = async {
            let (tcp, _) = self.dialer.connect(&host_text, target.https_port).await?;
            let limit = budget(deadline, self.options.tls_timeout);
            tokio::time::timeout(limit, tls::handshake(tcp, &target.host, Alpn::Browser))
                .await
                .map_err(|_| Failure::timeout(Phase::TlsHandshake, limit))?
                .map_err(|e| Failure::new(Phase::TlsHandshake, e))
        };
        match facts.await {
            Ok(handshake) => {
                side.tls = Some(handshake.facts);
                side.chain = handshake.chain;
            }
            Err(failure) => {
                side.hops
                    .push(HopReport::failed(root.to_string(), None, failure));
                return side;
            }
        }
        let chain = self.follow(root, deadline).await;
        side.hops = chain.hops;
        let mut responses = chain.responses.into_iter();
        if let Some((url, first)) = responses.next() {
            side.first = Some(first.clone());
            side.landing = Some(responses.last().unwrap_or((url, first)));
        }
        side
    }

    async fn endpoint(&self, url: String, role: &'static str, deadline: Instant) -> Endpoint {
        let hop = match Url::parse(&url) {
            Err(e) => HopReport::failed(url, None, Failure::new(Phase::Dns, e.to_string())),
            Ok(parsed) => match self.fetch(&parsed, deadline).await {
                Ok(f) => HopReport::answered(&parsed, f.address, &f.response),
                Err((address, failure)) => HopReport::failed(url, address, failure),
            },
        };
        Endpoint::from_hop(role, hop)
    }

    async fn siblings(&self, target: &Target, deadline: Instant) -> Vec<Endpoint> {
        let Some(sibling) = target.sibling().filter(|_| self.options.sibling) else {
            return Vec::new();
        };
        let (https, http) = tokio::join!(
            self.endpoint(
                root_url("https", &sibling, target.https_port),
                "sibling",
                deadline
            ),
            self.endpoint(
                root_url("http", &sibling, target.http_port),
                "sibling",
                deadline
            ),
        );
        vec![https, http]
    }

    /// Scans one target. Never fails: what could not be reached is part of the report.
    pub async fn scan(&self, target: &Target) -> TargetReport {
        let started = Instant::now();
        let scanned_at = certificate::rfc3339(unix_now());
        let deadline = started + self.options.target_deadline;
        let http_root = Url::parse(&root_url("http", &target.host, target.http_port)).ok();
        let legacy_wanted = self.options.legacy_probes;
        let (https, http_chain, legacy, siblings) = tokio::join!(
            self.https_side(target, deadline),
            async {
                match http_root {
                    Some(root) => Some(self.follow(root, deadline).await),
                    None => None,
                }
            },
            async {
                if legacy_wanted {
                    Some(
                        legacy::probe(
                            &self.dialer,
                            &target.host,
                            target.https_port,
                            self.options.tls_timeout,
                            deadline,
                        )
                        .await,
                    )
                } else {
                    None
                }
            },
            self.siblings(target, deadline),
        );
        let http_chain = http_chain.unwrap_or(Chain {
            hops: Vec::new(),
            responses: Vec::new(),
        });
        let timing = Timing {
            scanned_at,
            started,
            deadline,
        };
        let observed = Observed {
            https,
            http_chain,
            legacy,
            siblings,
        };
        self.report(target, timing, observed)
    }

    fn report(&self, target: &Target, timing: Timing, observed: Observed) -> TargetReport {
        let Observed {
            https,
            http_chain,
            legacy,
            siblings,
        } = observed;
        let Timing {
            scanned_at,
            started,
            deadline,
        } = timing;
        let host_text = url_host(&target.host);
        let mut findings = Vec::new();
        let chain_report = (!https.chain.is_empty()).then(|| {
            certificate::check_chain(
                &https.chain,
                &target.host,
                &self.options.anchors,
                unix_now(),
                self.options.expiring_days,
            )
        });
        let cert_problems = chain_report
            .as_ref()
            .map(|r| r.findings.iter().map(|f| f.code).collect())
            .unwrap_or_default();
        let reachable = https.first.is_some();
        let hops: Vec<Hop> = http_chain
            .hops
            .iter()
            .filter_map(|h| {
                Some(Hop {
                    url: h.url.clone(),
                    status: h.status?,
                    location: h.location.clone(),
                })
            })
            .collect();
        let judge_host = match &target.host {
            ReferenceHost::Ip(std::net::IpAddr::V6(ip)) => ip.to_string(),
            _ => host_text.clone(),
        };
        let outcome = HttpsOutcome {
            reachable,
            cert_problems,
        };
        let (adopted, enforced) = match verdict::judge(&judge_host, &hops, &outcome) {
            Ok(v) => {
                findings.extend(v.findings);
                (v.https_adopted, v.https_enforced)
            }
            Err(error) => {
                let text = govsec_i18n::Text::HttpsVerdictUnjudgeable;
                let reason = verdict::Verdict {
                    value: false,
                    reason_zh: text.fill(govsec_i18n::Lang::ZhTw, &[&error]),
                    reason_en: text.fill(govsec_i18n::Lang::En, &[&error]),
                };
                (reason.clone(), reason)
            }
        };
        let certificates = chain_report
            .map(|r| {
                findings.extend(r.findings);
                r.certificates
            })
            .unwrap_or_default();

        let hsts_facts = https.first.as_ref().map(|first| {
            let values: Vec<&str> = first.header_values("strict-transport-security").collect();
            if let Some(finding) = hsts::judge(&values) {
                findings.push(finding);
            }
            values.first().map(|value| {
                let parsed = hsts::parse(value).ok();
                HstsFacts {
                    value: (*value).to_owned(),
                    max_age: parsed.as_ref().map(|p| p.max_age),
                    include_subdomains: parsed.as_ref().is_some_and(|p| p.include_subdomains),
                    preload: parsed.as_ref().is_some_and(|p| p.preload),
                }
            })
        });

        let page = https.landing.as_ref().and_then(|(url, response)| {
            if let Some(f) = crate::headers::judge(&response.headers) {
                findings.push(f);
            }
            (url.scheme() == "https").then(|| {
                let report = page::analyze(&response.body, url, response.header("content-type"));
                findings.extend(report.findings);
                PageFacts {
                    url: url.to_string(),
                    status: response.status,
                    bytes: response.body.len(),
                    truncated: response.truncated || report.truncated,
                    encoding: report.encoding,
                    charset_source: report.charset_source,
                    upgrade_insecure_requests: report.upgrade_insecure_requests,
                    body_error: response.body_error.clone(),
                }
            })
        });
        if let Some(legacy) = &legacy {
            findings.extend(legacy.findings());
        }
        findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));

        let first_endpoint = |hops: &[HopReport], url: String| {
            let first = hops.first().cloned().unwrap_or(HopReport {
                url,
                address: None,
                status: None,
                location: None,
                failure: None,
            });
            Endpoint::from_hop("host", first)
        };
        let mut endpoints = vec![
            first_endpoint(
                &https.hops,
                root_url("https", &target.host, target.https_port),
            ),
            first_endpoint(
                &http_chain.hops,
                root_url("http", &target.host, target.http_port),
            ),
        ];
        endpoints.extend(siblings);

        TargetReport {
            target: target.input.clone(),
            host: host_text,
            scanned_at,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            https_adopted: adopted.value,
            https_enforced: enforced.value,
            reasons: Reasons {
                https_adopted: Reason {
                    zh: adopted.reason_zh,
                    en: adopted.reason_en,
                },
                https_enforced: Reason {
                    zh: enforced.reason_zh,
                    en: enforced.reason_en,
                },
            },
            endpoints,
            redirect_chain: http_chain.hops,
            https_redirect_chain: https.hops,
            tls: https.tls,
            certificates,
            legacy,
            hsts: hsts_facts.flatten(),
            page,
            findings,
            deadline_exceeded: Instant::now() >= deadline,
        }
    }

    /// Scans `targets` with at most `concurrency` at a time; `done` is called as each one
    /// finishes (for a progress bar). Reports come back in the order of `targets`. A scan
    /// that failed inside (a defect, never a finding about the site) is an
    /// [`Error::ScanFailed`] naming its target, not a report that would misstate the site.
    pub async fn scan_all(
        self: Arc<Self>,
        targets: Vec<Target>,
        concurrency: usize,
        mut done: impl FnMut(&TargetReport),
    ) -> Result<Vec<TargetReport>, Error> {
        let limit = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        let mut inputs = std::collections::HashMap::new();
        let count = targets.len();
        for (index, target) in targets.into_iter().enumerate() {
            let scanner = Arc::clone(&self);
            let limit = Arc::clone(&limit);
            let input = target.input.clone();
            let handle = tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                (index, scanner.scan(&target).await)
            });
            inputs.insert(handle.id(), input);
        }
        let mut reports: Vec<Option<TargetReport>> = vec![None; count];
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((index, report)) => {
                    done(&report);
                    reports[index] = Some(report);
                }
                Err(failure) => {
                    tasks.abort_all();
                    return Err(Error::ScanFailed {
                        target: inputs.remove(&failure.id()).unwrap_or_default(),
                        reason: failure.to_string(),
                    });
                }
            }
        }
        Ok(reports.into_iter().flatten().collect())
    }
}
