//! The scanner against real servers on loopback: one test per finding code and verdict, and
//! the hostile servers a national scan meets.

mod support;

use std::time::{Duration, Instant};

use govsec_webscan::Overrides;
use support::*;

fn well_kept(host: &'static str) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    move |r: &Request| {
        if r.https {
            page(200, good_headers(), CLEAN_PAGE)
        } else {
            redirect(&format!("https://{host}{}", r.path))
        }
    }
}

async fn site_with(identity: Identity, host: &'static str) -> (Site, Overrides) {
    Site::routed(
        TlsMode::Serve(identity.server_config()),
        host,
        well_kept(host),
    )
    .await
}

#[tokio::test]
async fn a_well_kept_site_is_adopted_and_enforced_with_no_finding() {
    let ca = Ca::root("Test Root");
    let (_site, overrides) = site_with(ca.good_leaf(&["www.good.test"]), "www.good.test").await;
    let report = scan("www.good.test", options(&[&ca], overrides)).await;
    assert!(report.https_adopted, "{:#?}", report.reasons);
    assert!(report.https_enforced, "{:#?}", report.reasons);
    assert_eq!(
        codes(&report),
        Vec::<String>::new(),
        "{:#?}",
        report.findings
    );
    let tls = report.tls.as_ref().unwrap();
    assert_eq!(tls.protocol, "TLSv1.3");
    assert_eq!(tls.alpn.as_deref(), Some("h2"));
    assert_eq!(report.certificates.len(), 1);
    assert_eq!(report.redirect_chain.len(), 2);
    assert_eq!(report.redirect_chain[0].status, Some(301));
    assert_eq!(report.hsts.as_ref().unwrap().max_age, Some(31_536_000));
    let page = report.page.as_ref().unwrap();
    assert_eq!(page.encoding, "UTF-8");
    let legacy = report.legacy.as_ref().unwrap();
    assert!(legacy.accepted_versions.is_empty() && legacy.accepted_weak_suites.is_empty());
}

#[tokio::test]
async fn certificate_problems_block_adoption() {
    let ca = Ca::root("Test Root");
    let t = now();
    let cases: Vec<(&'static str, Identity, Vec<&Ca>, &str, bool)> = vec![
        (
            "expired.test",
            ca.leaf(&["expired.test"], t - 100 * DAY, t - DAY),
            vec![&ca],
            "CERT_EXPIRED",
            false,
        ),
        (
            "future.test",
            ca.leaf(&["future.test"], t + DAY, t + 100 * DAY),
            vec![&ca],
            "CERT_NOT_YET_VALID",
            false,
        ),
        (
            "mismatch.test",
            ca.good_leaf(&["other.test"]),
            vec![&ca],
            "CERT_HOSTNAME_MISMATCH",
            false,
        ),
        (
            "soon.test",
            ca.leaf(&["soon.test"], t - 80 * DAY, t + 5 * DAY),
            vec![&ca],
            "CERT_EXPIRING_SOON",
            true,
        ),
        (
            "self.test",
            self_signed(&["self.test"]),
            vec![&ca],
            "CERT_SELF_SIGNED",
            false,
        ),
    ];
    for (host, identity, anchors, code, adopted) in cases {
        let (_site, overrides) = site_with(identity, host).await;
        let report = scan(host, options(&anchors, overrides)).await;
        assert_eq!(
            codes(&report),
            vec![code.to_owned()],
            "{host}: {:#?}",
            report.findings
        );
        assert_eq!(report.https_adopted, adopted, "{host}");
        assert_eq!(report.https_enforced, adopted, "{host}");
        assert!(report.page.is_some(), "{host}: the page is still analysed");
    }
}

#[tokio::test]
async fn untrusted_roots_and_incomplete_chains() {
    let root = Ca::root("Private Root");
    let issuing = Ca::intermediate("Private Issuing CA", &root);
    let unrelated = Ca::root("Unrelated Root");

    let full = issuing.good_leaf(&["chain.test"]).with_chain(&[&issuing]);
    let (_a, overrides) = site_with(full.clone(), "chain.test").await;
    let report = scan("chain.test", options(&[&root], overrides.clone())).await;
    assert!(report.https_adopted, "{:#?}", report.findings);
    assert_eq!(report.certificates.len(), 2);
    let report = scan("chain.test", options(&[&unrelated], overrides)).await;
    assert_eq!(codes(&report), vec!["CERT_UNTRUSTED_ROOT"]);
    assert!(!report.https_adopted);

    let leaf_only = issuing.good_leaf(&["chain.test"]);
    let (_b, overrides) = site_with(leaf_only, "chain.test").await;
    let report = scan("chain.test", options(&[&root], overrides)).await;
    assert_eq!(codes(&report), vec!["CERT_CHAIN_INCOMPLETE"]);
    assert!(!report.https_adopted);
}

#[tokio::test]
async fn redirects_decide_enforcement() {
    let ca = Ca::root("Test Root");
    let identity = ca.good_leaf(&["r.test", "other.test"]);
    let https_page = || page(200, good_headers(), CLEAN_PAGE);

    // http answers directly.
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "r.test",
        move |r: &Request| {
            if r.https {
                https_page()
            } else {
                page(200, vec![], CLEAN_PAGE)
            }
        },
    )
    .await;
    let report = scan("r.test", options(&[&ca], o)).await;
    assert!(report.https_adopted && !report.https_enforced);
    assert_eq!(codes(&report), vec!["NO_HTTPS_REDIRECT"]);

    // http -> https -> http -> https: a downgrade on the way.
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "r.test",
        move |r: &Request| match (r.https, r.path.as_str()) {
            (false, "/") => redirect("https://r.test/a"),
            (true, "/a") => redirect("http://r.test/b"),
            (false, "/b") => redirect("https://r.test/c"),
            _ => https_page(),
        },
    )
    .await;
    let report = scan("r.test", options(&[&ca], o)).await;
    assert!(!report.https_enforced);
    assert!(
        codes(&report).contains(&"REDIRECT_DOWNGRADE".to_owned()),
        "{:?}",
        codes(&report)
    );
    assert_eq!(report.redirect_chain.len(), 4);

    // A redirect to another host does not enforce HTTPS for this one.
    let (site, mut o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "r.test",
        move |r: &Request| {
            if r.https {
                https_page()
            } else {
                redirect("https://other.test/")
            }
        },
    )
    .await;
    site.routes("other.test", &mut o);
    let report = scan("r.test", options(&[&ca], o)).await;
    assert!(report.https_adopted && !report.https_enforced);
    assert!(report.reasons.https_enforced.en.contains("another host"));
}

#[tokio::test]
async fn hsts_headers_and_page_findings() {
    let ca = Ca::root("Test Root");
    let identity = ca.good_leaf(&["p.test"]);
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "p.test",
        move |r: &Request| {
            if !r.https {
                return redirect("https://p.test/");
            }
            let headers = vec![
                ("Strict-Transport-Security".into(), "max-age=300".into()),
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
            ];
            page(
                200,
                headers,
                "<html><script src=http://cdn.p.test/a.js></script><img src=http://p.test/i.png>\
             <form action=http://p.test/login method=post></form></html>",
            )
        },
    )
    .await;
    let report = scan("p.test", options(&[&ca], o)).await;
    assert_eq!(
        codes(&report),
        vec![
            "HEADER_MISSING",
            "HSTS_WEAK",
            "INSECURE_FORM_ACTION",
            "MIXED_CONTENT_ACTIVE",
            "MIXED_CONTENT_PASSIVE"
        ]
    );
    assert!(
        report.https_adopted && report.https_enforced,
        "page findings do not change verdicts"
    );

    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "p.test",
        move |r: &Request| {
            if r.https {
                page(200, vec![], CLEAN_PAGE)
            } else {
                redirect("https://p.test/")
            }
        },
    )
    .await;
    let report = scan("p.test", options(&[&ca], o)).await;
    assert_eq!(codes(&report), vec!["HEADER_MISSING", "HSTS_MISSING"]);
    let missing = &report
        .findings
        .iter()
        .find(|f| f.code.as_str() == "HEADER_MISSING")
        .unwrap();
    assert_eq!(missing.evidence.missing_headers.len(), 4);
}

#[tokio::test]
async fn a_big5_page_is_decoded() {
    let ca = Ca::root("Test Root");
    let identity = ca.good_leaf(&["big5.test"]);
    let (html, _, _) = encoding_rs::BIG5.encode(
        "<html><head><meta charset=big5><title>臺北市政府</title></head>\
         <body><iframe src=\"http://big5.test/地圖\"></iframe></body></html>",
    );
    let body = html.into_owned();
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "big5.test",
        move |r: &Request| {
            if r.https {
                Reply::Send {
                    status: 200,
                    headers: good_headers_without_charset(),
                    body: body.clone(),
                }
            } else {
                redirect("https://big5.test/")
            }
        },
    )
    .await;
    let report = scan("big5.test", options(&[&ca], o)).await;
    assert_eq!(report.page.as_ref().unwrap().encoding, "Big5");
    assert_eq!(codes(&report), vec!["MIXED_CONTENT_ACTIVE"]);
}

fn good_headers_without_charset() -> Vec<(String, String)> {
    good_headers()
        .into_iter()
        .filter(|(n, _)| n != "Content-Type")
        .collect()
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    let mut o = Overrides::default();
    o.add_connect_to("down.test:443:127.0.0.1:9").unwrap();
    o.add_connect_to("down.test:80:127.0.0.1:9").unwrap();
    let report = scan("down.test", options(&[], o)).await;
    assert_eq!(
        codes(&report),
        vec!["HTTPS_UNREACHABLE", "NO_HTTPS_REDIRECT"]
    );
    assert!(!report.https_adopted && !report.https_enforced);
    assert!(report.endpoints[0].first.failure.is_some());
}

#[tokio::test]
async fn hostile_servers_cost_bounded_time_and_memory() {
    let ca = Ca::root("Test Root");
    let identity = ca.good_leaf(&["h.test"]);

    // Slow drip: one byte of the response head every 300 ms.
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "h.test",
        |_: &Request| {
            Reply::Drip(
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec(),
                Duration::from_millis(300),
            )
        },
    )
    .await;
    let started = Instant::now();
    let report = scan("h.test", options(&[&ca], o)).await;
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert!(codes(&report).contains(&"HTTPS_UNREACHABLE".to_owned()));
    assert!(report.tls.is_some(), "the handshake itself succeeded");

    // Endless redirects, and a loop.
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "h.test",
        |r: &Request| {
            let n: u32 = r.path.trim_start_matches('/').parse().unwrap_or(0);
            redirect(&format!("http://h.test/{}", n + 1))
        },
    )
    .await;
    let report = scan("h.test", options(&[&ca], o)).await;
    assert!(!report.https_enforced);
    assert!(
        report.redirect_chain.len() <= 12,
        "{}",
        report.redirect_chain.len()
    );
    assert!(
        report.reasons.https_enforced.en.contains("10 hops"),
        "{}",
        report.reasons.https_enforced.en
    );
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "h.test",
        |r: &Request| {
            if r.path == "/a" {
                redirect("http://h.test/")
            } else {
                redirect("http://h.test/a")
            }
        },
    )
    .await;
    let report = scan("h.test", options(&[&ca], o)).await;
    assert!(
        report.reasons.https_enforced.en.contains("loop"),
        "{}",
        report.reasons.https_enforced.en
    );

    // A 1 GB body: read up to the cap, then dropped.
    let (_site, o) = Site::routed(
        TlsMode::Serve(identity.server_config()),
        "h.test",
        |r: &Request| {
            if r.https {
                Reply::Endless
            } else {
                redirect("https://h.test/")
            }
        },
    )
    .await;
    let mut opts = options(&[&ca], o);
    opts.max_page_bytes = 1024 * 1024;
    let report = scan("h.test", opts).await;
    let page = report.page.as_ref().unwrap();
    assert!(page.truncated);
    assert_eq!(page.bytes, 1024 * 1024);
    assert!(report.https_adopted && report.https_enforced);

    // Not TLS at all on 443, and garbage instead of HTTP on 80.
    let (_site, o) = Site::routed(TlsMode::Garbage, "h.test", |_: &Request| {
        Reply::Raw(b"HELLO THERE\r\n\r\n".to_vec())
    })
    .await;
    let report = scan("h.test", options(&[&ca], o)).await;
    assert_eq!(
        codes(&report),
        vec!["HTTPS_UNREACHABLE", "NO_HTTPS_REDIRECT"]
    );
    assert!(
        report.endpoints[1]
            .first
            .failure
            .as_ref()
            .unwrap()
            .error
            .contains("invalid"),
        "{:?}",
        report.endpoints[1]
    );
    assert!(
        !report.legacy.as_ref().unwrap().notes.is_empty(),
        "the legacy probes say it is not TLS"
    );

    // A handshake that never completes.
    let (_site, o) = Site::routed(TlsMode::Silent, "h.test", |_: &Request| Reply::Silent).await;
    let started = Instant::now();
    let report = scan("h.test", options(&[&ca], o)).await;
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        codes(&report),
        vec!["HTTPS_UNREACHABLE", "NO_HTTPS_REDIRECT"]
    );
    let failure = report.endpoints[0].first.failure.as_ref().unwrap();
    assert!(failure.error.contains("timed out"), "{failure:?}");
}

#[tokio::test]
async fn the_sibling_is_reported_not_held_against_the_host() {
    let ca = Ca::root("Test Root");
    let (_site, mut overrides) = site_with(ca.good_leaf(&["sib.test"]), "sib.test").await;
    overrides
        .add_connect_to("www.sib.test:443:127.0.0.1:9")
        .unwrap();
    overrides
        .add_connect_to("www.sib.test:80:127.0.0.1:9")
        .unwrap();
    let mut opts = options(&[&ca], overrides);
    opts.sibling = true;
    let report = scan("sib.test", opts).await;
    assert!(
        report.https_adopted && report.https_enforced,
        "{:#?}",
        report.reasons
    );
    let siblings: Vec<_> = report
        .endpoints
        .iter()
        .filter(|e| e.role == "sibling")
        .collect();
    assert_eq!(siblings.len(), 2);
    assert_eq!(siblings[0].first.url, "https://www.sib.test/");
    assert!(
        siblings
            .iter()
            .all(|e| !e.reachable && e.first.failure.is_some())
    );
    assert_eq!(codes(&report), Vec::<String>::new());
}

#[tokio::test]
async fn a_url_target_moves_its_own_scheme_to_its_port() {
    let ca = Ca::root("Test Root");
    let (site, _) = site_with(ca.good_leaf(&["port.test"]), "port.test").await;
    let mut overrides = Overrides::default();
    overrides
        .add_resolve(&format!("port.test:{}:127.0.0.1", site.https.port()))
        .unwrap();
    overrides
        .add_connect_to(&format!("port.test:80:127.0.0.1:{}", site.http.port()))
        .unwrap();
    overrides
        .add_connect_to(&format!("port.test:443:127.0.0.1:{}", site.https.port()))
        .unwrap();
    let target = format!("https://port.test:{}/", site.https.port());
    let report = scan(&target, options(&[&ca], overrides)).await;
    assert!(report.https_adopted, "{:#?}", report.reasons);
    assert_eq!(report.endpoints[0].first.url, target);
    // The http redirect goes to https://port.test/ on the default port: the same host.
    assert!(report.https_enforced, "{:#?}", report.reasons);
    assert_eq!(report.redirect_chain[1].url, "https://port.test/");
    assert_eq!(report.redirect_chain[1].status, Some(200));
}
