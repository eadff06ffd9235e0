//! Certificate facts and the `CERT_*` findings, from the chain a server presented.
//!
//! The TLS layer records the chain without judging it (see [`crate::tls`]); this module
//! decides, as a pure function of the chain, the host, the trust anchors and the time:
//!
//! - validity: `CERT_EXPIRED`, `CERT_NOT_YET_VALID`, `CERT_EXPIRING_SOON` (RFC 5280 §4.1.2.5);
//! - the host against the subject alternative names: `CERT_HOSTNAME_MISMATCH` (RFC 6125 via
//!   [`crate::names`]; the subject CN is not used, as browsers no longer use it — CA/Browser
//!   Forum Baseline Requirements §7.1.2.7.12);
//! - weakness as browsers judge it: `CERT_WEAK_SIGNATURE` (MD2/MD4/MD5/SHA-1, refused by
//!   browsers since 2017) and `CERT_WEAK_KEY` (RSA or DSA under 2048 bits, EC under 256 bits;
//!   Baseline Requirements §6.1.5);
//! - trust: the path to an anchor is built by webpki at a moment inside the leaf's validity,
//!   so that an expired but otherwise good certificate is reported as expired only.
//!
//! When no path to an anchor exists, the chain as sent tells which problem it is:
//! a leaf that signed itself is `CERT_SELF_SIGNED`; a chain that ends at a self-signed root,
//! or sends intermediates up to an issuer nobody trusts (the case of Taiwan's GRCA, which is
//! not in Mozilla's store), is `CERT_UNTRUSTED_ROOT`; a leaf sent alone whose issuer is
//! unknown is `CERT_CHAIN_INCOMPLETE` when the missing issuer can be found (an Authority
//! Information Access URL) or an anchor was configured for this run (`--ca-file`: the
//! intermediate in between is what is missing), and `CERT_UNTRUSTED_ROOT` otherwise.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::ServerCertVerifier;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{CertificateError, RootCertStore};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::Error;
use crate::finding::{Evidence, Finding, FindingCode};
use crate::names::{ReferenceHost, SubjectAltName, host_matches};

/// Days before expiry from which `CERT_EXPIRING_SOON` is reported by default.
pub const DEFAULT_EXPIRING_DAYS: u32 = 30;

const SECONDS_PER_DAY: i64 = 86_400;

/// The anchors a chain may lead to: Mozilla's roots, the operating system's store and the
/// `--ca-file` certificates of this run.
#[derive(Clone)]
pub struct TrustAnchors {
    verifier: Arc<WebPkiServerVerifier>,
    configured: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustAnchors")
            .field("configured", &self.configured.len())
            .finish_non_exhaustive()
    }
}

impl TrustAnchors {
    /// Mozilla's roots, the OS store and the certificates in `ca_files` (PEM).
    pub fn system(ca_files: &[&Path]) -> Result<Self, Error> {
        let mut extra = Vec::new();
        for path in ca_files {
            extra.extend(read_pem(path)?);
        }
        Self::build(true, extra)
    }

    /// Only the given anchors (for tests and closed networks).
    pub fn only(anchors: Vec<CertificateDer<'static>>) -> Result<Self, Error> {
        Self::build(false, anchors)
    }

    fn build(public: bool, configured: Vec<CertificateDer<'static>>) -> Result<Self, Error> {
        let mut store = RootCertStore::empty();
        if public {
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            // The OS store may hold anchors an agency installed (a government CA); entries
            // that fail to parse are skipped, as every TLS client on the machine skips them.
            let native = rustls_native_certs::load_native_certs();
            store.add_parsable_certificates(native.certs);
        }
        for (index, der) in configured.iter().enumerate() {
            store.add(der.clone()).map_err(|e| Error::CaFile {
                path: format!("--ca-file certificate #{}", index + 1),
                reason: e.to_string(),
            })?;
        }
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
            .build()
            .map_err(|e| Error::CaFile {
                path: "trust anchors".to_owned(),
                reason: e.to_string(),
            })?;
        Ok(TrustAnchors {
            verifier,
            configured,
        })
    }
}

fn read_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let fail = |reason: String| Error::CaFile {
        path: path.display().to_string(),
        reason,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| fail(e.to_string()))?;
    if certs.is_empty() {
        return Err(fail("no PEM certificate in the file".to_owned()));
    }
    Ok(certs)
}

/// The public key of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyFacts {
    /// `RSA`, `EC`, `DSA`, `Ed25519`, `Ed448` or the algorithm OID.
    pub algorithm: String,
    /// Key size in bits (the modulus for RSA, the field for EC), when known.
    pub bits: Option<usize>,
}

/// What one certificate of the chain says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateFacts {
    /// Subject distinguished name (RFC 4514 form).
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// notBefore, RFC 3339 UTC.
    pub not_before: String,
    /// notAfter, RFC 3339 UTC.
    pub not_after: String,
    /// Subject alternative names (DNS names and IP addresses).
    pub subject_alt_names: Vec<String>,
    /// Signature algorithm name (or OID).
    pub signature_algorithm: String,
    /// The public key.
    pub key: KeyFacts,
    /// Whether it is a CA certificate (basicConstraints cA).
    pub is_ca: bool,
    /// Whether it is signed by its own key.
    pub self_signed: bool,
    /// SHA-256 of the DER encoding, hex.
    pub sha256: String,
}

/// The chain's facts and findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Facts of each certificate, in the order sent (leaf first).
    pub certificates: Vec<CertificateFacts>,
    /// The `CERT_*` findings.
    pub findings: Vec<Finding>,
}

/// A certificate parsed once, with what the checks need.
struct Parsed<'a> {
    certificate: X509Certificate<'a>,
    der: &'a [u8],
}

impl Parsed<'_> {
    fn subject_is_issuer(&self) -> bool {
        self.certificate.subject().as_raw() == self.certificate.issuer().as_raw()
    }

    fn self_signed(&self) -> bool {
        self.subject_is_issuer() && self.certificate.verify_signature(None).is_ok()
    }

    fn issued(&self, child: &Parsed<'_>) -> bool {
        child.certificate.issuer().as_raw() == self.certificate.subject().as_raw()
            && child
                .certificate
                .verify_signature(Some(self.certificate.public_key()))
                .is_ok()
    }

    fn sans(&self) -> Vec<SubjectAltName> {
        let Ok(Some(san)) = self.certificate.subject_alternative_name() else {
            return Vec::new();
        };
        san.value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(d) => Some(SubjectAltName::Dns((*d).to_owned())),
                GeneralName::IPAddress(bytes) => ip_from_bytes(bytes).map(SubjectAltName::Ip),
                _ => None,
            })
            .collect()
    }

    fn has_ca_issuers_url(&self) -> bool {
        self.certificate.extensions().iter().any(|e| {
            matches!(e.parsed_extension(), ParsedExtension::AuthorityInfoAccess(aia)
                if aia.accessdescs.iter().any(|d| d.access_method.to_id_string() == "1.3.6.1.5.5.7.48.2"))
        })
    }

    fn facts(&self) -> CertificateFacts {
        let c = &self.certificate;
        let validity = c.validity();
        let oid = c.signature_algorithm.algorithm.to_id_string();
        CertificateFacts {
            subject: c.subject().to_string(),
            issuer: c.issuer().to_string(),
            serial: c.raw_serial_as_string().replace(':', ""),
            not_before: rfc3339(validity.not_before.timestamp()),
            not_after: rfc3339(validity.not_after.timestamp()),
            subject_alt_names: self
                .sans()
                .iter()
                .map(|s| match s {
                    SubjectAltName::Dns(d) => d.clone(),
                    SubjectAltName::Ip(ip) => ip.to_string(),
                })
                .collect(),
            signature_algorithm: signature_name(&oid).map_or(oid, str::to_owned),
            key: key_facts(c),
            is_ca: c.is_ca(),
            self_signed: self.self_signed(),
            sha256: hex(&Sha256::digest(self.der)),
        }
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => Some(std::net::IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(std::net::IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 3339 UTC text of a Unix time.
pub fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| seconds.to_string())
}

/// Signature algorithms browsers refuse (CA/Browser Forum: SHA-1 ended 2016; MD5 and MD2 long
/// before).
const WEAK_SIGNATURES: [&str; 7] = [
    "1.2.840.113549.1.1.2",
    "1.2.840.113549.1.1.3",
    "1.2.840.113549.1.1.4",
    "1.2.840.113549.1.1.5",
    "1.3.14.3.2.29",
    "1.2.840.10045.4.1",
    "1.2.840.10040.4.3",
];

fn signature_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.3" => "md4WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "1.3.101.112" => "Ed25519",
        "1.3.101.113" => "Ed448",
        _ => return None,
    })
}

fn key_facts(c: &X509Certificate<'_>) -> KeyFacts {
    let spki = c.public_key();
    let (algorithm, bits) = match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA".to_owned(), Some(rsa.key_size())),
        Ok(PublicKey::EC(point)) => ("EC".to_owned(), Some(point.key_size())),
        Ok(PublicKey::DSA(y)) => ("DSA".to_owned(), Some(significant_bits(y))),
        _ => match spki.algorithm.algorithm.to_id_string().as_str() {
            "1.3.101.112" => ("Ed25519".to_owned(), Some(256)),
            "1.3.101.113" => ("Ed448".to_owned(), Some(456)),
            other => (other.to_owned(), None),
        },
    };
    KeyFacts { algorithm, bits }
}

fn significant_bits(integer: &[u8]) -> usize {
    let trimmed: &[u8] = match integer.iter().position(|b| *b != 0) {
        Some(first) => &integer[first..],
        None => return 0,
    };
    trimmed.len() * 8 - trimmed[0].leading_zeros() as usize
}

/// Whether a key is too small for a browser (Baseline Requirements §6.1.5).
fn weak_key(key: &KeyFacts) -> bool {
    match (key.algorithm.as_str(), key.bits) {
        ("RSA" | "DSA", Some(bits)) => bits < 2048,
        ("EC", Some(bits)) => bits < 256,
        _ => false,
    }
}

fn finding(code: FindingCode, note: String, urls: Vec<String>) -> Finding {
    Finding::new(
        code,
        Evidence {
            urls,
            note: Some(note),
            ..Evidence::default()
        },
    )
}

/// Checks the chain a server presented for `host` at Unix time `now`.
pub fn check_chain(
    chain: &[CertificateDer<'_>],
    host: &ReferenceHost,
    anchors: &TrustAnchors,
    now: i64,
    expiring_days: u32,
) -> ChainReport {
    let mut findings = Vec::new();
    let mut parsed = Vec::new();
    for (index, der) in chain.iter().enumerate() {
        match X509Certificate::from_der(der.as_ref()) {
            Ok((_, certificate)) => parsed.push(Parsed {
                certificate,
                der: der.as_ref(),
            }),
            Err(e) => {
                findings.push(finding(
                    FindingCode::CertUntrustedRoot,
                    format!(
                        "certificate #{} of the chain does not parse: {e}",
                        index + 1
                    ),
                    Vec::new(),
                ));
                break;
            }
        }
    }
    let certificates = parsed.iter().map(Parsed::facts).collect::<Vec<_>>();
    let Some(leaf) = parsed.first() else {
        if findings.is_empty() {
            findings.push(finding(
                FindingCode::CertUntrustedRoot,
                "the server presented no certificate".to_owned(),
                Vec::new(),
            ));
        }
        return ChainReport {
            certificates,
            findings,
        };
    };
    let leaf_facts = &certificates[0];

    let validity = leaf.certificate.validity();
    let (not_before, not_after) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    if now < not_before {
        findings.push(finding(
            FindingCode::CertNotYetValid,
            format!("notBefore {} is after now", leaf_facts.not_before),
            Vec::new(),
        ));
    } else if now > not_after {
        findings.push(finding(
            FindingCode::CertExpired,
            format!(
                "notAfter {} passed {} day(s) ago",
                leaf_facts.not_after,
                (now - not_after) / SECONDS_PER_DAY
            ),
            Vec::new(),
        ));
    } else if not_after - now < i64::from(expiring_days) * SECONDS_PER_DAY {
        findings.push(finding(
            FindingCode::CertExpiringSoon,
            format!(
                "notAfter {} is in {} day(s) (threshold {expiring_days})",
                leaf_facts.not_after,
                (not_after - now) / SECONDS_PER_DAY
            ),
            Vec::new(),
        ));
    }

    if !host_matches(host, &leaf.sans()) {
        let names = if leaf_facts.subject_alt_names.is_empty() {
            "the certificate has no subject alternative name".to_owned()
        } else {
            format!(
                "the certificate is for {}",
                leaf_facts.subject_alt_names.join(", ")
            )
        };
        findings.push(finding(
            FindingCode::CertHostnameMismatch,
            format!("{names}; the host is {}", crate::target::url_host(host)),
            Vec::new(),
        ));
    }

    // A self-signed root's own signature is never checked by anyone, so its algorithm
    // does not matter; every other certificate's does.
    let weak: Vec<String> = parsed
        .iter()
        .zip(&certificates)
        .enumerate()
        .filter(|(i, (p, _))| !(*i > 0 && p.self_signed()))
        .filter(|(_, (p, _))| {
            WEAK_SIGNATURES.contains(
                &p.certificate
                    .signature_algorithm
                    .algorithm
                    .to_id_string()
                    .as_str(),
            )
        })
        .map(|(i, (_, f))| {
            format!(
                "certificate #{} ({}) is signed with {}",
                i + 1,
                f.subject,
                f.signature_algorithm
            )
        })
        .collect();
    if !weak.is_empty() {
        findings.push(finding(
            FindingCode::CertWeakSignature,
            weak.join("; "),
            Vec::new(),
        ));
    }
    if weak_key(&leaf_facts.key) {
        findings.push(finding(
            FindingCode::CertWeakKey,
            format!(
                "{} key of {} bits",
                leaf_facts.key.algorithm,
                leaf_facts.key.bits.unwrap_or(0)
            ),
            Vec::new(),
        ));
    }

    // A self-signed certificate the user made an anchor (`--ca-file`) is trusted, as a
    // browser trusts one installed in its store.
    let anchored = anchors.configured.iter().any(|a| a.as_ref() == leaf.der);
    let trust = if anchored {
        None
    } else if leaf.self_signed() {
        Some(finding(
            FindingCode::CertSelfSigned,
            format!(
                "the certificate for {} is signed by its own key",
                leaf_facts.subject
            ),
            Vec::new(),
        ))
    } else {
        trust_problem(
            &parsed,
            chain,
            host,
            anchors,
            not_before,
            not_after,
            !weak.is_empty(),
        )
    };
    findings.extend(trust);
    ChainReport {
        certificates,
        findings,
    }
}

/// The trust finding, if the chain does not lead to an anchor.
fn trust_problem(
    parsed: &[Parsed<'_>],
    chain: &[CertificateDer<'_>],
    host: &ReferenceHost,
    anchors: &TrustAnchors,
    not_before: i64,
    not_after: i64,
    weak_signature: bool,
) -> Option<Finding> {
    let name = match host {
        ReferenceHost::Domain(d) => ServerName::try_from(d.clone()).ok()?,
        ReferenceHost::Ip(ip) => ServerName::IpAddress((*ip).into()),
    };
    // Inside the leaf's validity, so that expiry is reported once, as expiry.
    let moment = not_before + (not_after - not_before) / 2;
    let moment =
        UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(moment).unwrap_or(0)));
    let error =
        match anchors
            .verifier
            .verify_server_cert(&chain[0], &chain[1..], &name, &[], moment)
        {
            Ok(_) => return None,
            Err(tokio_rustls::rustls::Error::InvalidCertificate(e)) => e,
            Err(other) => {
                return Some(finding(
                    FindingCode::CertUntrustedRoot,
                    format!("the chain does not verify: {other}"),
                    Vec::new(),
                ));
            }
        };
    match error {
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => None,
        // webpki cannot check these signatures at all; CERT_WEAK_SIGNATURE already says why.
        CertificateError::UnsupportedSignatureAlgorithmContext { .. } if weak_signature => None,
        CertificateError::Expired
        | CertificateError::ExpiredContext { .. }
        | CertificateError::NotValidYet
        | CertificateError::NotValidYetContext { .. } => Some(finding(
            FindingCode::CertExpired,
            "an intermediate certificate of the chain is outside its validity".to_owned(),
            Vec::new(),
        )),
        CertificateError::UnknownIssuer => Some(unknown_issuer(parsed, anchors)),
        other => Some(finding(
            FindingCode::CertUntrustedRoot,
            format!("the chain does not verify to a trusted anchor: {other:?}"),
            Vec::new(),
        )),
    }
}

/// No path to an anchor: which problem the chain as sent shows (see the module doc).
fn unknown_issuer(parsed: &[Parsed<'_>], anchors: &TrustAnchors) -> Finding {
    let mut top = 0;
    let mut used = vec![false; parsed.len()];
    used[0] = true;
    while let Some(next) = (0..parsed.len()).find(|&i| !used[i] && parsed[i].issued(&parsed[top])) {
        used[next] = true;
        top = next;
    }
    let top_cert = &parsed[top];
    let issuer = top_cert.certificate.issuer().to_string();
    if top > 0 && top_cert.self_signed() {
        return finding(
            FindingCode::CertUntrustedRoot,
            format!(
                "the chain ends at the root {} which is not a trusted anchor",
                top_cert.certificate.subject()
            ),
            Vec::new(),
        );
    }
    if top > 0 {
        return finding(
            FindingCode::CertUntrustedRoot,
            format!(
                "the chain as sent leads to {issuer}, which is not a trusted anchor (a government root such as GRCA can be added with --ca-file)"
            ),
            Vec::new(),
        );
    }
    if top_cert.has_ca_issuers_url() || !anchors.configured.is_empty() {
        return finding(
            FindingCode::CertChainIncomplete,
            format!(
                "the server sent only the leaf certificate; its issuer {issuer} is missing from the chain"
            ),
            Vec::new(),
        );
    }
    finding(
        FindingCode::CertUntrustedRoot,
        format!("the issuer {issuer} is not a trusted anchor and the server sent no intermediate"),
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

    const DAY: i64 = SECONDS_PER_DAY;
    const NOW: i64 = 1_800_000_000;

    struct Ca {
        der: CertificateDer<'static>,
        issuer: Issuer<'static, KeyPair>,
    }

    fn at(seconds: i64) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp(seconds).unwrap()
    }

    fn ca(name: &str, parent: Option<&Ca>) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.not_before = at(NOW - 365 * DAY);
        params.not_after = at(NOW + 3650 * DAY);
        let key = KeyPair::generate().unwrap();
        let cert = match parent {
            Some(p) => params.signed_by(&key, &p.issuer).unwrap(),
            None => params.self_signed(&key).unwrap(),
        };
        Ca {
            der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    fn leaf_params(names: &[&str], from: i64, to: i64) -> CertificateParams {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.not_before = at(from);
        params.not_after = at(to);
        params
    }

    fn leaf(names: &[&str], issuer: &Ca, from: i64, to: i64) -> CertificateDer<'static> {
        let key = KeyPair::generate().unwrap();
        leaf_params(names, from, to)
            .signed_by(&key, &issuer.issuer)
            .unwrap()
            .der()
            .clone()
    }

    fn check(chain: &[CertificateDer<'static>], host: &str, anchors: &[&Ca]) -> Vec<FindingCode> {
        let anchors = TrustAnchors::only(anchors.iter().map(|a| a.der.clone()).collect()).unwrap();
        let host = ReferenceHost::parse(host).unwrap();
        check_chain(chain, &host, &anchors, NOW, DEFAULT_EXPIRING_DAYS)
            .findings
            .iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn significant_bits_ignores_leading_zeros() {
        assert_eq!(significant_bits(&[0, 0x80, 0]), 16);
        assert_eq!(significant_bits(&[0x01]), 1);
        assert_eq!(significant_bits(&[]), 0);
    }

    #[test]
    fn weak_keys_follow_the_baseline_requirements() {
        let key = |a: &str, b| KeyFacts {
            algorithm: a.into(),
            bits: Some(b),
        };
        assert!(weak_key(&key("RSA", 1024)));
        assert!(!weak_key(&key("RSA", 2048)));
        assert!(weak_key(&key("EC", 224)));
        assert!(!weak_key(&key("EC", 256)));
    }

    #[test]
    fn a_good_chain_has_no_finding_and_its_facts() {
        let root = ca("Test Root", None);
        let chain = [leaf(&["www.gov.tw"], &root, NOW - DAY, NOW + 90 * DAY)];
        assert_eq!(check(&chain, "www.gov.tw", &[&root]), vec![]);
        let anchors = TrustAnchors::only(vec![root.der.clone()]).unwrap();
        let host = ReferenceHost::parse("www.gov.tw").unwrap();
        let report = check_chain(&chain, &host, &anchors, NOW, 30);
        let facts = &report.certificates[0];
        assert_eq!(facts.subject_alt_names, vec!["www.gov.tw"]);
        assert_eq!(facts.key.algorithm, "EC");
        assert_eq!(facts.key.bits, Some(256));
        assert_eq!(facts.signature_algorithm, "ecdsa-with-SHA256");
        assert!(facts.issuer.contains("Test Root"));
        assert!(!facts.self_signed);
        assert_eq!(facts.sha256.len(), 64);
    }

    #[test]
    fn validity_is_judged_against_now_and_reported_once() {
        let root = ca("Test Root", None);
        let expired = [leaf(&["a.gov.tw"], &root, NOW - 100 * DAY, NOW - DAY)];
        assert_eq!(
            check(&expired, "a.gov.tw", &[&root]),
            vec![FindingCode::CertExpired]
        );
        let future = [leaf(&["a.gov.tw"], &root, NOW + DAY, NOW + 100 * DAY)];
        assert_eq!(
            check(&future, "a.gov.tw", &[&root]),
            vec![FindingCode::CertNotYetValid]
        );
        let soon = [leaf(&["a.gov.tw"], &root, NOW - 80 * DAY, NOW + 10 * DAY)];
        assert_eq!(
            check(&soon, "a.gov.tw", &[&root]),
            vec![FindingCode::CertExpiringSoon]
        );
    }

    #[test]
    fn names_are_matched_with_wildcards() {
        let root = ca("Test Root", None);
        let chain = [leaf(&["*.gov.tw"], &root, NOW - DAY, NOW + 90 * DAY)];
        assert_eq!(check(&chain, "www.gov.tw", &[&root]), vec![]);
        assert_eq!(
            check(&chain, "a.b.gov.tw", &[&root]),
            vec![FindingCode::CertHostnameMismatch]
        );
    }

    #[test]
    fn self_signed_leaf() {
        let key = KeyPair::generate().unwrap();
        let cert = leaf_params(&["a.gov.tw"], NOW - DAY, NOW + 90 * DAY)
            .self_signed(&key)
            .unwrap();
        let other = ca("Other Root", None);
        assert_eq!(
            check(&[cert.der().clone()], "a.gov.tw", &[&other]),
            vec![FindingCode::CertSelfSigned]
        );
        // Made an anchor by the user: trusted like a browser trusts an installed one.
        let anchors = TrustAnchors::only(vec![cert.der().clone()]).unwrap();
        let host = ReferenceHost::parse("a.gov.tw").unwrap();
        let report = check_chain(&[cert.der().clone()], &host, &anchors, NOW, 30);
        assert_eq!(report.findings, vec![]);
    }

    #[test]
    fn untrusted_roots_and_incomplete_chains_are_told_apart() {
        let root = ca("Private Root", None);
        let intermediate = ca("Private Issuing CA", Some(&root));
        let leaf_cert = leaf(&["a.gov.tw"], &intermediate, NOW - DAY, NOW + 90 * DAY);
        let unrelated = ca("Unrelated Root", None);

        // Complete chain up to a trusted root: fine.
        let full = [leaf_cert.clone(), intermediate.der.clone()];
        assert_eq!(check(&full, "a.gov.tw", &[&root]), vec![]);
        // The root itself sent, but not trusted.
        let with_root = [
            leaf_cert.clone(),
            intermediate.der.clone(),
            root.der.clone(),
        ];
        assert_eq!(
            check(&with_root, "a.gov.tw", &[&unrelated]),
            vec![FindingCode::CertUntrustedRoot]
        );
        // Intermediates up to an issuer nobody trusts (the GRCA case).
        assert_eq!(
            check(&full, "a.gov.tw", &[&unrelated]),
            vec![FindingCode::CertUntrustedRoot]
        );
        // The leaf alone, with the root configured: the intermediate is missing.
        assert_eq!(
            check(std::slice::from_ref(&leaf_cert), "a.gov.tw", &[&root]),
            vec![FindingCode::CertChainIncomplete]
        );
        // The leaf alone and only the public anchors: nothing says an intermediate exists.
        let public = TrustAnchors::system(&[]).unwrap();
        let host = ReferenceHost::parse("a.gov.tw").unwrap();
        let report = check_chain(std::slice::from_ref(&leaf_cert), &host, &public, NOW, 30);
        assert_eq!(
            report.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            vec![FindingCode::CertUntrustedRoot]
        );
    }

    #[test]
    fn several_problems_are_all_reported() {
        let root = ca("Private Root", None);
        let chain = [leaf(&["other.gov.tw"], &root, NOW - 100 * DAY, NOW - DAY)];
        let public = TrustAnchors::system(&[]).unwrap();
        let host = ReferenceHost::parse("a.gov.tw").unwrap();
        let report = check_chain(&chain, &host, &public, NOW, 30);
        let mut found: Vec<FindingCode> = report.findings.iter().map(|f| f.code).collect();
        found.sort();
        assert_eq!(
            found,
            vec![
                FindingCode::CertExpired,
                FindingCode::CertHostnameMismatch,
                FindingCode::CertUntrustedRoot
            ]
        );
    }

    #[test]
    fn garbage_and_empty_chains_are_findings_not_panics() {
        let anchors = TrustAnchors::system(&[]).unwrap();
        let host = ReferenceHost::parse("a.gov.tw").unwrap();
        let garbage = [CertificateDer::from(vec![0x30, 0x03, 0x01, 0x02])];
        let r = check_chain(&garbage, &host, &anchors, NOW, 30);
        assert_eq!(r.findings[0].code, FindingCode::CertUntrustedRoot);
        let r = check_chain(&[], &host, &anchors, NOW, 30);
        assert_eq!(r.findings[0].code, FindingCode::CertUntrustedRoot);
    }
}
