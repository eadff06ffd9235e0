//! Does the server still accept SSL 3.0, TLS 1.0, TLS 1.1, or a weak cipher suite?
//!
//! rustls cannot speak any of these, and the OpenSSL of a current distribution refuses most
//! of them too (OpenSSL 3 needs security level 0 for TLS 1.0/1.1 and has no export suites at
//! all), so a probe linked against it would depend on how the scanning machine's OpenSSL was
//! built and configured. The answer needs only the first flight: a hand-written ClientHello
//! that offers one protocol version (or only weak suites), and the server's ServerHello or
//! alert. No handshake is completed and no key is computed, so the probe is a few hundred
//! bytes each way, is the same on every machine, and cannot be fooled into negotiating.
//!
//! Wire formats: RFC 6101 (SSL 3.0) §5.6.1.2, RFC 2246 (TLS 1.0) §7.4.1, RFC 4346 (TLS 1.1),
//! RFC 5246 (TLS 1.2) §7.4.1.2–§7.4.1.4; extensions RFC 6066 (server_name), RFC 8422
//! (supported_groups, ec_point_formats), RFC 5746 (renegotiation SCSV). Weak suites follow RFC
//! 7465 (RC4 prohibited), RFC 8996 (TLS 1.0/1.1 deprecated) and NIST SP 800-52r2 §3.3.1 (no
//! 3DES, NULL, export or anonymous suites).

use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::finding::{Evidence, Finding, FindingCode};
use crate::names::ReferenceHost;
use crate::net::Dialer;

/// A protocol version on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u16);

impl Version {
    /// SSL 3.0.
    pub const SSL3: Version = Version(0x0300);
    /// TLS 1.0.
    pub const TLS10: Version = Version(0x0301);
    /// TLS 1.1.
    pub const TLS11: Version = Version(0x0302);
    /// TLS 1.2.
    pub const TLS12: Version = Version(0x0303);

    /// The usual name.
    pub fn name(self) -> String {
        match self.0 {
            0x0300 => "SSLv3".to_owned(),
            0x0301 => "TLSv1.0".to_owned(),
            0x0302 => "TLSv1.1".to_owned(),
            0x0303 => "TLSv1.2".to_owned(),
            0x0304 => "TLSv1.3".to_owned(),
            other => format!("0x{other:04x}"),
        }
    }
}

/// Why a cipher suite is weak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weakness {
    /// RC4 (RFC 7465).
    Rc4,
    /// 3DES or single DES (64-bit blocks: Sweet32).
    Des,
    /// Export-grade (40/56-bit) suites.
    Export,
    /// No encryption at all.
    Null,
    /// No server authentication.
    Anonymous,
}

/// The weak suites probed for, with their IANA names.
pub const WEAK_SUITES: [(u16, &str, Weakness); 27] = [
    (0x0001, "TLS_RSA_WITH_NULL_MD5", Weakness::Null),
    (0x0002, "TLS_RSA_WITH_NULL_SHA", Weakness::Null),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256", Weakness::Null),
    (0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", Weakness::Null),
    (0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", Weakness::Null),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", Weakness::Export),
    (
        0x0006,
        "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
        Weakness::Export,
    ),
    (
        0x0008,
        "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
        Weakness::Export,
    ),
    (
        0x0014,
        "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
        Weakness::Export,
    ),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5", Weakness::Rc4),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA", Weakness::Rc4),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", Weakness::Rc4),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", Weakness::Rc4),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA", Weakness::Des),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", Weakness::Des),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Weakness::Des),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", Weakness::Des),
    (
        0xC008,
        "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        Weakness::Des,
    ),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", Weakness::Des),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", Weakness::Anonymous),
    (
        0x001B,
        "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",
        Weakness::Anonymous,
    ),
    (
        0x0034,
        "TLS_DH_anon_WITH_AES_128_CBC_SHA",
        Weakness::Anonymous,
    ),
    (
        0x003A,
        "TLS_DH_anon_WITH_AES_256_CBC_SHA",
        Weakness::Anonymous,
    ),
    (
        0x006C,
        "TLS_DH_anon_WITH_AES_128_CBC_SHA256",
        Weakness::Anonymous,
    ),
    (
        0x00A6,
        "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
        Weakness::Anonymous,
    ),
    (
        0xC018,
        "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
        Weakness::Anonymous,
    ),
    (
        0xC019,
        "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",
        Weakness::Anonymous,
    ),
];

/// Suites a pre-TLS 1.2 server is likely to accept: offered in the protocol probes so that a
/// refusal means the version, not the suites.
const LEGACY_SUITES: [u16; 14] = [
    0xC014, 0xC013, 0xC00A, 0xC009, 0x0039, 0x0033, 0x0035, 0x002F, 0x0041, 0x0084, 0xC012, 0x000A,
    0x0005, 0x0004,
];

/// Renegotiation SCSV (RFC 5746 §3.3): some servers refuse a hello without it.
const RENEGOTIATION_SCSV: u16 = 0x00FF;

fn suite_name(suite: u16) -> String {
    WEAK_SUITES
        .iter()
        .find(|(id, _, _)| *id == suite)
        .map(|(_, name, _)| (*name).to_owned())
        .unwrap_or_else(|| format!("0x{suite:04X}"))
}

fn push_u16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_be_bytes());
}

fn push_u24(out: &mut Vec<u8>, value: usize) {
    let bytes = (value as u32).to_be_bytes();
    out.extend_from_slice(&bytes[1..]);
}

fn extension(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    push_u16(out, kind);
    push_u16(out, body.len() as u16);
    out.extend_from_slice(body);
}

/// A ClientHello record offering `version` and `suites`, with SNI for a domain.
pub fn client_hello(version: Version, host: &ReferenceHost, suites: &[u16]) -> Vec<u8> {
    let mut body = Vec::with_capacity(256);
    push_u16(&mut body, version.0);
    // The random only has to differ between probes; nothing is derived from it.
    let seed = format!("{host:?}{}{:?}", version.0, std::time::SystemTime::now());
    body.extend_from_slice(&Sha256::digest(seed.as_bytes()));
    body.push(0);
    push_u16(&mut body, ((suites.len() + 1) * 2) as u16);
    for suite in suites {
        push_u16(&mut body, *suite);
    }
    push_u16(&mut body, RENEGOTIATION_SCSV);
    body.extend_from_slice(&[1, 0]);
    if version > Version::SSL3 {
        let mut extensions = Vec::new();
        if let ReferenceHost::Domain(name) = host
            && name.len() < 256
        {
            let mut sni = Vec::new();
            push_u16(&mut sni, (name.len() + 3) as u16);
            sni.push(0);
            push_u16(&mut sni, name.len() as u16);
            sni.extend_from_slice(name.as_bytes());
            extension(&mut extensions, 0x0000, &sni);
        }
        extension(
            &mut extensions,
            0x000A,
            &[0, 8, 0x00, 0x1D, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19],
        );
        extension(&mut extensions, 0x000B, &[1, 0]);
        if version >= Version::TLS12 {
            let schemes: [u16; 9] = [
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0601, 0x0203, 0x0201,
            ];
            let mut list = Vec::new();
            push_u16(&mut list, (schemes.len() * 2) as u16);
            for s in schemes {
                push_u16(&mut list, s);
            }
            extension(&mut extensions, 0x000D, &list);
        }
        push_u16(&mut body, extensions.len() as u16);
        body.extend_from_slice(&extensions);
    }
    let mut handshake = Vec::with_capacity(body.len() + 4);
    handshake.push(1);
    push_u24(&mut handshake, body.len());
    handshake.extend_from_slice(&body);
    let mut record = Vec::with_capacity(handshake.len() + 5);
    record.push(22);
    // The record layer version of the first flight stays at the lowest value servers
    // accept (RFC 5246 Appendix E.1).
    push_u16(&mut record, version.0.min(Version::TLS10.0));
    push_u16(&mut record, handshake.len() as u16);
    record.extend_from_slice(&handshake);
    record
}

/// How the server answered a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A ServerHello choosing this version and suite.
    Accepted {
        /// The version chosen.
        version: Version,
        /// The cipher suite chosen.
        suite: u16,
    },
    /// An alert or a closed connection: the offer was refused.
    Refused(String),
    /// Something that is not TLS.
    NotTls(String),
}

/// Reads the server's answer from the bytes received so far: `None` while more are needed.
pub fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let mut handshake = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 5 {
        let (kind, length) = (rest[0], usize::from(u16::from_be_bytes([rest[3], rest[4]])));
        if !(20..=24).contains(&kind) || rest[1] != 3 {
            return Some(Answer::NotTls(format!(
                "the server's first bytes are not a TLS record ({:02x} {:02x} {:02x})",
                rest[0], rest[1], rest[2]
            )));
        }
        if rest.len() < 5 + length {
            break;
        }
        let payload = &rest[5..5 + length];
        match kind {
            21 => {
                let description = payload.get(1).copied().unwrap_or(0);
                return Some(Answer::Refused(format!("alert {description}")));
            }
            22 => handshake.extend_from_slice(payload),
            _ => {}
        }
        rest = &rest[5 + length..];
        if let Some(answer) = server_hello(&handshake) {
            return Some(answer);
        }
    }
    None
}

fn server_hello(handshake: &[u8]) -> Option<Answer> {
    if handshake.len() < 4 {
        return None;
    }
    if handshake[0] != 2 {
        return Some(Answer::NotTls(format!(
            "the first handshake message is type {}, not ServerHello",
            handshake[0]
        )));
    }
    let body = &handshake[4..];
    let session_length = usize::from(*body.get(34)?);
    let suite_at = 35 + session_length;
    let suite = u16::from_be_bytes([*body.get(suite_at)?, *body.get(suite_at + 1)?]);
    Some(Answer::Accepted {
        version: Version(u16::from_be_bytes([body[0], body[1]])),
        suite,
    })
}

/// Sends one ClientHello to `host:port` and reads the answer.
async fn ask(
    dialer: &Dialer,
    host: &ReferenceHost,
    port: u16,
    hello: &[u8],
    timeout: Duration,
) -> Answer {
    let host_text = crate::target::url_host(host);
    let exchange = async {
        let (mut stream, _) = dialer
            .connect(&host_text, port)
            .await
            .map_err(|f| f.error)?;
        stream.write_all(hello).await.map_err(|e| e.to_string())?;
        let mut received = Vec::with_capacity(4096);
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).await.map_err(|e| e.to_string())?;
            if n == 0 {
                return Ok(Answer::Refused("connection closed".to_owned()));
            }
            received.extend_from_slice(&buffer[..n]);
            if let Some(answer) = parse_answer(&received) {
                return Ok(answer);
            }
            if received.len() > 64 * 1024 {
                return Ok(Answer::NotTls(
                    "no ServerHello in the first 64 KiB".to_owned(),
                ));
            }
        }
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => Answer::Refused(error),
        Err(_) => Answer::Refused(format!("no answer within {} ms", timeout.as_millis())),
    }
}

/// What the legacy probes found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LegacyReport {
    /// Legacy versions the server accepted (`SSLv3`, `TLSv1.0`, `TLSv1.1`).
    pub accepted_versions: Vec<String>,
    /// Weak suites the server accepted, with the version it chose.
    pub accepted_weak_suites: Vec<String>,
    /// Probes whose answer was not TLS (the reason), for the record.
    pub notes: Vec<String>,
}

impl LegacyReport {
    /// `TLS_LEGACY_PROTOCOL` and `TLS_WEAK_CIPHER`, as they apply.
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        if !self.accepted_versions.is_empty() {
            findings.push(Finding::new(
                FindingCode::TlsLegacyProtocol,
                Evidence {
                    note: Some(format!("accepts {}", self.accepted_versions.join(", "))),
                    ..Evidence::default()
                },
            ));
        }
        if !self.accepted_weak_suites.is_empty() {
            findings.push(Finding::new(
                FindingCode::TlsWeakCipher,
                Evidence {
                    note: Some(format!("accepts {}", self.accepted_weak_suites.join(", "))),
                    ..Evidence::default()
                },
            ));
        }
        findings
    }
}

/// The most weak suites enumerated per server: each accepted one is removed from the next
/// offer, so this bounds the probes.
const MAX_WEAK_ROUNDS: usize = 6;

/// Probes `host:port` for legacy versions and weak suites. Each exchange may take up to
/// `timeout`, and none starts or runs past `deadline` (the target's).
pub async fn probe(
    dialer: &Dialer,
    host: &ReferenceHost,
    port: u16,
    timeout: Duration,
    deadline: std::time::Instant,
) -> LegacyReport {
    let limit = || timeout.min(deadline.saturating_duration_since(std::time::Instant::now()));
    let mut report = LegacyReport::default();
    let versions = [Version::SSL3, Version::TLS10, Version::TLS11];
    let answers = futures_join(versions.map(|v| {
        let hello = client_hello(v, host, &LEGACY_SUITES);
        async move { (v, ask(dialer, host, port, &hello, limit()).await) }
    }))
    .await;
    for (version, answer) in answers {
        match answer {
            Answer::Accepted {
                version: chosen, ..
            } if chosen == version => {
                report.accepted_versions.push(version.name());
            }
            Answer::NotTls(why) => report.notes.push(format!("{}: {why}", version.name())),
            _ => {}
        }
    }

    let mut offered: Vec<u16> = WEAK_SUITES.iter().map(|(id, _, _)| *id).collect();
    for _ in 0..MAX_WEAK_ROUNDS {
        let hello = client_hello(Version::TLS12, host, &offered);
        if limit().is_zero() {
            report
                .notes
                .push("weak suites: the target's deadline was reached".to_owned());
            break;
        }
        match ask(dialer, host, port, &hello, limit()).await {
            Answer::Accepted { version, suite } if offered.contains(&suite) => {
                report.accepted_weak_suites.push(format!(
                    "{} ({})",
                    suite_name(suite),
                    version.name()
                ));
                offered.retain(|s| *s != suite);
            }
            Answer::NotTls(why) => {
                report.notes.push(format!("weak suites: {why}"));
                break;
            }
            _ => break,
        }
    }
    report
}

async fn futures_join<F: std::future::Future>(futures: [F; 3]) -> [F::Output; 3] {
    let [a, b, c] = futures;
    let (a, b, c) = tokio::join!(a, b, c);
    [a, b, c]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain() -> ReferenceHost {
        ReferenceHost::Domain("www.gov.tw".into())
    }

    #[test]
    fn hello_is_a_well_formed_record() {
        let hello = client_hello(Version::TLS11, &domain(), &LEGACY_SUITES);
        assert_eq!(hello[0], 22);
        assert_eq!(&hello[1..3], &[3, 1]);
        let record_length = usize::from(u16::from_be_bytes([hello[3], hello[4]]));
        assert_eq!(record_length, hello.len() - 5);
        assert_eq!(hello[5], 1);
        let handshake_length =
            (usize::from(hello[6]) << 16) | (usize::from(hello[7]) << 8) | usize::from(hello[8]);
        assert_eq!(handshake_length, hello.len() - 9);
        assert_eq!(&hello[9..11], &[3, 2]);
        let sni = b"www.gov.tw";
        assert!(hello.windows(sni.len()).any(|w| w == sni));
    }

    #[test]
    fn ssl3_hello_has_no_extensions_and_ips_no_sni() {
        let ip = ReferenceHost::Ip("127.0.0.1".parse().unwrap());
        let hello = client_hello(Version::SSL3, &ip, &[0x000A]);
        // header 5 + 4, version 2, random 32, session 1, suites 2+4, compression 2
        assert_eq!(hello.len(), 9 + 2 + 32 + 1 + 6 + 2);
        assert_eq!(&hello[1..3], &[3, 0]);
    }

    fn server_hello_record(version: u16, suite: u16) -> Vec<u8> {
        let mut body = Vec::new();
        push_u16(&mut body, version);
        body.extend_from_slice(&[7; 32]);
        body.push(32);
        body.extend_from_slice(&[9; 32]);
        push_u16(&mut body, suite);
        body.push(0);
        let mut handshake = vec![2];
        push_u24(&mut handshake, body.len());
        handshake.extend_from_slice(&body);
        let mut record = vec![22, 3, 1];
        push_u16(&mut record, handshake.len() as u16);
        record.extend_from_slice(&handshake);
        record
    }

    #[test]
    fn answers_are_parsed_incrementally() {
        let record = server_hello_record(0x0301, 0x000A);
        for cut in 0..record.len() {
            assert_eq!(parse_answer(&record[..cut]), None, "cut at {cut}");
        }
        assert_eq!(
            parse_answer(&record),
            Some(Answer::Accepted {
                version: Version::TLS10,
                suite: 0x000A
            })
        );
        assert_eq!(
            parse_answer(&[21, 3, 3, 0, 2, 2, 70]),
            Some(Answer::Refused("alert 70".into()))
        );
        assert!(matches!(
            parse_answer(b"HTTP/1.1 400 Bad Request\r\n"),
            Some(Answer::NotTls(_))
        ));
    }

    #[test]
    fn weak_suite_table_has_unique_ids() {
        let mut ids: Vec<u16> = WEAK_SUITES.iter().map(|(id, _, _)| *id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), WEAK_SUITES.len());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = parse_answer(&bytes);
        }
    }
}
