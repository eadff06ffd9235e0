//! Test servers on loopback for the scanner: a certificate authority (rcgen), a TLS and a
//! plain listener that answer each request through a handler, and servers that misbehave on
//! purpose. HTTP is written by hand here so that a server can send exactly the bytes a
//! hostile or broken server would.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use govsec_webscan::certificate::TrustAnchors;
use govsec_webscan::{Overrides, ScanOptions, Scanner, Target, TargetReport};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub const DAY: i64 = 86_400;

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn at(seconds: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(seconds).unwrap()
}

/// A certificate authority.
pub struct Ca {
    pub der: CertificateDer<'static>,
    issuer: Issuer<'static, KeyPair>,
}

impl Ca {
    pub fn root(name: &str) -> Ca {
        Self::make(name, None)
    }

    pub fn intermediate(name: &str, parent: &Ca) -> Ca {
        Self::make(name, Some(parent))
    }

    fn make(name: &str, parent: Option<&Ca>) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.not_before = at(now() - 365 * DAY);
        params.not_after = at(now() + 3650 * DAY);
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

    /// A leaf for `names`, valid from `from` to `to` (Unix seconds).
    pub fn leaf(&self, names: &[&str], from: i64, to: i64) -> Identity {
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.not_before = at(from);
        params.not_after = at(to);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: key.serialize_der(),
        }
    }

    /// A leaf for `names` valid for 90 days from yesterday.
    pub fn good_leaf(&self, names: &[&str]) -> Identity {
        self.leaf(names, now() - DAY, now() + 90 * DAY)
    }
}

/// A self-signed leaf.
pub fn self_signed(names: &[&str]) -> Identity {
    let mut params =
        CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    params.not_before = at(now() - DAY);
    params.not_after = at(now() + 90 * DAY);
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Identity {
        chain: vec![cert.der().clone()],
        key: key.serialize_der(),
    }
}

/// A certificate chain and its key.
#[derive(Clone)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    key: Vec<u8>,
}

impl Identity {
    pub fn with_chain(mut self, extra: &[&Ca]) -> Self {
        self.chain.extend(extra.iter().map(|c| c.der.clone()));
        self
    }

    pub fn server_config(&self) -> Arc<ServerConfig> {
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                self.chain.clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key.clone())),
            )
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

/// A request as the test server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub https: bool,
    pub host: String,
    pub path: String,
}

/// What the server does with a request.
pub enum Reply {
    /// A normal response (Content-Length and Connection: close added).
    Send {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// These bytes, whatever they are.
    Raw(Vec<u8>),
    /// These bytes, one every `Duration`.
    Drip(Vec<u8>, Duration),
    /// A 200 whose body never ends.
    Endless,
    /// Nothing, ever.
    Silent,
}

pub fn redirect(location: &str) -> Reply {
    Reply::Send {
        status: 301,
        headers: vec![("Location".into(), location.into())],
        body: Vec::new(),
    }
}

/// The headers a well-kept site sends.
pub fn good_headers() -> Vec<(String, String)> {
    vec![
        (
            "Strict-Transport-Security".into(),
            "max-age=31536000; includeSubDomains".into(),
        ),
        (
            "Content-Security-Policy".into(),
            "default-src 'self'; frame-ancestors 'none'".into(),
        ),
        ("X-Content-Type-Options".into(), "nosniff".into()),
        ("Referrer-Policy".into(), "no-referrer".into()),
        ("Content-Type".into(), "text/html; charset=utf-8".into()),
    ]
}

pub fn page(status: u16, headers: Vec<(String, String)>, html: &str) -> Reply {
    Reply::Send {
        status,
        headers,
        body: html.as_bytes().to_vec(),
    }
}

pub const CLEAN_PAGE: &str = "<!doctype html><html><head><title>機關網站</title>\
<link rel=stylesheet href=/site.css></head><body><img src=/logo.png>\
<form action=/search method=get><input name=q></form></body></html>";

/// What the TLS listener does with a connection.
#[derive(Clone)]
pub enum TlsMode {
    /// A real handshake with this identity, then HTTP.
    Serve(Arc<ServerConfig>),
    /// Bytes that are not a TLS record.
    Garbage,
    /// Accept the connection and never answer.
    Silent,
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A TLS and a plain listener on loopback.
pub struct Site {
    pub https: SocketAddr,
    pub http: SocketAddr,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Site {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Site {
    pub async fn start(
        tls: TlsMode,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> Site {
        let handler: Handler = Arc::new(handler);
        let https = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (https_addr, http_addr) = (https.local_addr().unwrap(), http.local_addr().unwrap());
        let tls_handler = Arc::clone(&handler);
        let tls_task = tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = https.accept().await else {
                    continue;
                };
                let handler = Arc::clone(&tls_handler);
                let mode = tls.clone();
                tokio::spawn(async move {
                    match mode {
                        TlsMode::Serve(config) => {
                            if let Ok(tls) = TlsAcceptor::from(config).accept(stream).await {
                                serve(tls, true, handler).await;
                            }
                        }
                        TlsMode::Garbage => {
                            let mut buffer = [0u8; 1024];
                            let _ = stream.read(&mut buffer).await;
                            let _ = stream.write_all(b"\x00\x01garbage, not TLS\r\n").await;
                        }
                        TlsMode::Silent => {
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                            drop(stream);
                        }
                    }
                });
            }
        });
        let http_task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = http.accept().await else {
                    continue;
                };
                let handler = Arc::clone(&handler);
                tokio::spawn(serve(stream, false, handler));
            }
        });
        Site {
            https: https_addr,
            http: http_addr,
            tasks: vec![tls_task, http_task],
        }
    }

    /// A site whose ports 443 and 80 for `host` are routed to it.
    pub async fn routed(
        tls: TlsMode,
        host: &str,
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> (Site, Overrides) {
        let site = Site::start(tls, handler).await;
        let mut overrides = Overrides::default();
        site.routes(host, &mut overrides);
        (site, overrides)
    }

    /// `--connect-to` entries that send HOST's ports 443 and 80 here.
    pub fn routes(&self, host: &str, overrides: &mut Overrides) {
        overrides
            .add_connect_to(&format!("{host}:443:127.0.0.1:{}", self.https.port()))
            .unwrap();
        overrides
            .add_connect_to(&format!("{host}:80:127.0.0.1:{}", self.http.port()))
            .unwrap();
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, https: bool, handler: Handler) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let path = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let host = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let request = Request { https, host, path };
    match handler(&request) {
        Reply::Send {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} Test\r\n");
            for (n, v) in headers {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
            out.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let mut bytes = out.into_bytes();
            bytes.extend_from_slice(&body);
            let _ = stream.write_all(&bytes).await;
        }
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
        }
        Reply::Drip(bytes, every) => {
            for byte in bytes {
                if stream.write_all(&[byte]).await.is_err() {
                    return;
                }
                let _ = stream.flush().await;
                tokio::time::sleep(every).await;
            }
        }
        Reply::Endless => {
            let head =
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1073741824\r\n\r\n";
            if stream.write_all(head).await.is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..(1 << 14) {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
            }
        }
        Reply::Silent => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }
    let _ = stream.shutdown().await;
}

/// Scan options for tests: only the given anchors, short timeouts, no sibling probe (its
/// name would go to a real name server).
pub fn options(anchors: &[&Ca], overrides: Overrides) -> ScanOptions {
    let anchors = if anchors.is_empty() {
        TrustAnchors::system(&[]).unwrap()
    } else {
        TrustAnchors::only(anchors.iter().map(|c| c.der.clone()).collect()).unwrap()
    };
    let mut options =
        ScanOptions::new(anchors).with_timeouts(Duration::from_secs(2), Duration::from_secs(8));
    options.overrides = overrides;
    options.sibling = false;
    options
}

pub async fn scan(host: &str, options: ScanOptions) -> TargetReport {
    Scanner::new(options)
        .scan(&Target::parse(host).unwrap())
        .await
}

pub fn codes(report: &TargetReport) -> Vec<String> {
    let mut codes: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.code.as_str().to_owned())
        .collect();
    codes.sort();
    codes
}
