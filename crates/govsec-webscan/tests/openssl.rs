//! Findings that rustls cannot produce on the server side, against OpenSSL's own server
//! (`openssl s_server`, from the distribution's `openssl` package, which `.ci/run` installs):
//! SSL/TLS versions before 1.2, weak cipher suites, SHA-1 signatures and 1024-bit RSA keys.
//! OpenSSL 3 offers them only at security level 0, which these servers ask for explicitly.

mod support;

use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use govsec_webscan::certificate::TrustAnchors;
use govsec_webscan::{Overrides, ScanOptions, Scanner, Target, TargetReport};
use support::codes;

/// Whether OpenSSL's command is here; without it these tests say so and skip, as the
/// PostgreSQL and Chromium tests do.
fn openssl_present() -> bool {
    let present = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        // Straight to the terminal, past the test harness's capture.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED: OpenSSL s_server tests: no openssl command (.ci/run installs it)\n",
        );
    }
    present
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the openssl command is needed for these tests (.ci/run installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A CA (RSA 2048, SHA-256) and a leaf for `host` with the given key size and digest.
fn make_pki(dir: &Path, host: &str, leaf_bits: &str, digest: &str) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "365",
            "-subj",
            "/CN=govsec test CA",
            "-sha256",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            &format!("rsa:{leaf_bits}"),
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            &format!("/CN={host}"),
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        format!("subjectAltName=DNS:{host}\nbasicConstraints=CA:FALSE\n"),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "365",
            &format!("-{digest}"),
            "-extfile",
            "leaf.ext",
        ],
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn s_server(dir: &Path, extra: &[&str]) -> (Server, u16) {
    let port = free_port();
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            "leaf.pem",
            "-key",
            "leaf.key",
            "-www",
            "-quiet",
        ])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let server = Server(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "s_server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

async fn scan(dir: &Path, host: &str, port: u16) -> TargetReport {
    let anchors = TrustAnchors::system(&[&dir.join("ca.pem")]).unwrap();
    let mut options =
        ScanOptions::new(anchors).with_timeouts(Duration::from_secs(2), Duration::from_secs(10));
    let mut overrides = Overrides::default();
    overrides
        .add_connect_to(&format!("{host}:443:127.0.0.1:{port}"))
        .unwrap();
    overrides
        .add_connect_to(&format!("{host}:80:127.0.0.1:{}", free_port()))
        .unwrap();
    options.overrides = overrides;
    options.sibling = false;
    Scanner::new(options)
        .scan(&Target::parse(host).unwrap())
        .await
}

#[tokio::test]
async fn sha1_signatures_and_1024_bit_keys_are_weak() {
    if !openssl_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_pki(dir.path(), "weak.test", "1024", "sha1");
    let (_server, port) = s_server(dir.path(), &["-cipher", "DEFAULT:@SECLEVEL=0"]);
    let report = scan(dir.path(), "weak.test", port).await;
    let found = codes(&report);
    assert!(
        found.contains(&"CERT_WEAK_SIGNATURE".to_owned()),
        "{found:?}"
    );
    assert!(found.contains(&"CERT_WEAK_KEY".to_owned()), "{found:?}");
    assert!(
        !found.contains(&"CERT_UNTRUSTED_ROOT".to_owned()),
        "{found:?}"
    );
    assert!(!report.https_adopted, "weak certificates are not adopted");
    assert_eq!(report.certificates[0].key.bits, Some(1024));
    assert_eq!(
        report.certificates[0].signature_algorithm,
        "sha1WithRSAEncryption"
    );
    assert!(!report.tls.as_ref().unwrap().handshake_signature_verified);
}

#[tokio::test]
async fn a_good_openssl_server_is_adopted_and_refuses_legacy_probes() {
    if !openssl_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_pki(dir.path(), "modern.test", "2048", "sha256");
    let (_server, port) = s_server(dir.path(), &[]);
    let report = scan(dir.path(), "modern.test", port).await;
    let found = codes(&report);
    assert!(report.https_adopted, "{:?} {found:?}", report.reasons);
    assert!(
        !found
            .iter()
            .any(|c| c.starts_with("CERT_") || c.starts_with("TLS_")),
        "{found:?}"
    );
}

#[tokio::test]
async fn tls_1_0_only_is_legacy_and_unreachable_for_browsers() {
    if !openssl_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_pki(dir.path(), "old.test", "2048", "sha256");
    let (_server, port) = s_server(dir.path(), &["-tls1", "-cipher", "ALL:@SECLEVEL=0"]);
    let report = scan(dir.path(), "old.test", port).await;
    let found = codes(&report);
    assert!(
        found.contains(&"TLS_LEGACY_PROTOCOL".to_owned()),
        "{found:?}"
    );
    assert!(found.contains(&"HTTPS_UNREACHABLE".to_owned()), "{found:?}");
    let legacy = report.legacy.as_ref().unwrap();
    assert_eq!(legacy.accepted_versions, vec!["TLSv1.0"]);
}

#[tokio::test]
async fn weak_suites_are_enumerated() {
    if !openssl_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_pki(dir.path(), "suites.test", "2048", "sha256");
    let (_server, port) = s_server(
        dir.path(),
        &[
            "-no_tls1_3",
            "-cipher",
            "ECDHE-RSA-AES128-GCM-SHA256:NULL-SHA256:AECDH-AES128-SHA:@SECLEVEL=0",
        ],
    );
    let report = scan(dir.path(), "suites.test", port).await;
    let found = codes(&report);
    assert!(found.contains(&"TLS_WEAK_CIPHER".to_owned()), "{found:?}");
    assert!(
        !found.contains(&"TLS_LEGACY_PROTOCOL".to_owned()),
        "{found:?}"
    );
    let weak = &report.legacy.as_ref().unwrap().accepted_weak_suites;
    // Debian's OpenSSL 3 has no 3DES, RC4 or export suites left to offer; NULL and
    // anonymous suites it still has.
    assert!(weak.iter().any(|s| s.contains("anon")), "{weak:?}");
    assert!(weak.iter().any(|s| s.contains("NULL")), "{weak:?}");
    assert!(
        report.https_adopted,
        "a weak suite on offer does not stop adoption"
    );
}
