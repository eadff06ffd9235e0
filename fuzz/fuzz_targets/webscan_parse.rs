//! Fuzzes what the scanner reads from servers it does not trust: a landing page (any bytes,
//! any declared charset), a TLS server's first flight, a Strict-Transport-Security value, a
//! certificate chain and a target as typed. None may panic; page analysis must stay within
//! what it was given.
#![no_main]

use std::sync::OnceLock;

use govsec_webscan::certificate::{TrustAnchors, check_chain};
use govsec_webscan::names::ReferenceHost;
use govsec_webscan::{Target, hsts, legacy, page};
use libfuzzer_sys::fuzz_target;
use tokio_rustls::rustls::pki_types::CertificateDer;

fn anchors() -> &'static TrustAnchors {
    static ANCHORS: OnceLock<TrustAnchors> = OnceLock::new();
    ANCHORS.get_or_init(|| TrustAnchors::system(&[]).expect("Mozilla's roots load"))
}

fuzz_target!(|data: &[u8]| {
    let (selector, body) = data.split_first().unwrap_or((&0, &[]));
    let url = url::Url::parse("https://www.gov.tw/index.html").expect("a valid URL");
    let content_type = match selector % 4 {
        0 => None,
        1 => Some("text/html; charset=big5"),
        2 => Some("text/html; charset=utf-8"),
        _ => Some("text/html; charset=\"x-unknown\""),
    };
    let report = page::analyze(body, &url, content_type);
    assert!(report.findings.len() <= body.len());

    let _ = legacy::parse_answer(body);
    let text = String::from_utf8_lossy(body);
    let _ = hsts::parse(&text);
    let _ = Target::parse(&text);

    let host = ReferenceHost::Domain("www.gov.tw".to_owned());
    let chain = [CertificateDer::from(body.to_vec())];
    let _ = check_chain(&chain, &host, anchors(), 1_800_000_000, 30);
});
