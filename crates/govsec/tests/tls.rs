//! `govsec serve` over HTTPS as a client meets it: a real TLS handshake with a certificate made
//! for the test, HSTS and the security headers on every answer, and the plain-http listener
//! answering only with a redirect to https.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;

use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

async fn https_get(
    address: &str,
    roots: RootCertStore,
    path: &str,
) -> (u16, hyper::HeaderMap, String, String) {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
    let tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("the TLS handshake succeeds with the configured certificate");
    let version = format!("{:?}", tls.get_ref().1.protocol_version().unwrap());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(connection);
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, "localhost")
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
        .into_owned();
    (status, headers, body, version)
}

#[tokio::test]
async fn https_with_hsts_and_a_plain_listener_that_only_redirects() {
    let dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--http-redirect-addr",
            "127.0.0.1:0",
            "--lang",
            "en",
            "--tls-cert",
        ])
        .arg(&cert_path)
        .arg("--tls-key")
        .arg(&key_path)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("GOVSEC_DATABASE_URL")
        .env_remove("GOVSEC_CONFIG")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (mut plain, mut secure) = (String::new(), String::new());
    while secure.is_empty() {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve exited before listening"
        );
        if let Some(url) = line.split("listening on ").nth(1) {
            let url = url.trim().trim_end_matches('/').to_owned();
            match url.strip_prefix("https://") {
                Some(address) => secure = address.to_owned(),
                None => plain = url.trim_start_matches("http://").to_owned(),
            }
        }
    }
    let mut roots = RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let (status, headers, body, version) = https_get(&secure, roots.clone(), "/healthz").await;
    assert_eq!(status, 200, "{body}");
    assert!(version == "TLSv1_3" || version == "TLSv1_2", "{version}");
    assert_eq!(
        headers["strict-transport-security"],
        "max-age=63072000; includeSubDomains"
    );
    let (status, headers, _, _) = https_get(&secure, roots, "/agencies").await;
    assert_eq!(status, 303, "pages still need a signed-in caller");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");

    // Plain http answers nothing but a redirect to the same path over https.
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<bytes::Bytes>>();
    let response = client
        .get(format!("http://{plain}/agencies?q=1").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 308);
    let port = secure.rsplit(':').next().unwrap();
    assert_eq!(
        response.headers()["location"],
        format!("https://127.0.0.1:{port}/agencies?q=1").as_str()
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(
        child.wait().unwrap().success(),
        "serve stops cleanly on SIGTERM"
    );
}

#[test]
fn unusable_certificate_files_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(["serve", "--addr", "127.0.0.1:0", "--tls-cert"])
        .arg(&empty)
        .arg("--tls-key")
        .arg(&empty)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("GOVSEC_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("empty.pem"));
    let missing_key = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(["serve", "--tls-cert"])
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(
        missing_key.status.code(),
        Some(2),
        "a certificate needs its key"
    );
}
