//! `govsec bench scan`: the scanner against many virtual hosts on loopback, and pshtt beside it.
//!
//! One TLS listener (a certificate per host, chosen by SNI, from a CA made for the run) and one
//! plain listener serve every `site-N.bench.test`, each with its own landing page of about
//! 13 KB. The hosts are not all well kept: some do not redirect, some redirect to another
//! host, some have mixed content, some an expired certificate, in fixed proportions, so the
//! verdicts have a known answer that the run checks. `govsec scan` runs as a separate process
//! (so its peak RSS is its own, read from `/proc/PID/status` while it runs) with
//! `--connect-to` sending every name to the listeners. With `--pshtt PYTHON`, pshtt scans the
//! first `--pshtt-targets` hosts through a wrapper that maps the names to the same listeners
//! (pshtt has no override flag), and govsec scans the same hosts alone for the speed ratio.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;

use crate::Failure;

/// Flags of `govsec bench scan`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScanBenchArgs {
    /// Virtual hosts to serve and scan.
    #[arg(long, default_value_t = 1000)]
    pub targets: usize,
    /// `govsec scan --concurrency`.
    #[arg(long, default_value_t = 128)]
    pub concurrency: usize,
    /// A Python with pshtt installed: also run pshtt on the first hosts.
    #[arg(long, value_name = "PYTHON")]
    pub pshtt: Option<PathBuf>,
    /// Hosts pshtt scans.
    #[arg(long, default_value_t = 50)]
    pub pshtt_targets: usize,
}

/// How a virtual host is kept, with the verdicts it must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    WellKept,
    NoRedirect,
    OtherHost,
    MixedContent,
    Expired,
}

impl Kind {
    fn of(index: usize) -> Kind {
        match index % 20 {
            7 | 17 => Kind::NoRedirect,
            11 => Kind::OtherHost,
            3 => Kind::MixedContent,
            13 => Kind::Expired,
            _ => Kind::WellKept,
        }
    }

    /// (`https_adopted`, `https_enforced`) by DESIGN.md's definitions.
    fn expected(self) -> (bool, bool) {
        match self {
            Kind::WellKept | Kind::MixedContent => (true, true),
            Kind::NoRedirect | Kind::OtherHost => (true, false),
            Kind::Expired => (false, false),
        }
    }
}

fn host_name(index: usize) -> String {
    format!("site-{index}.bench.test")
}

fn index_of(host: &str) -> Option<usize> {
    host.strip_prefix("www.")
        .unwrap_or(host)
        .strip_prefix("site-")?
        .strip_suffix(".bench.test")?
        .parse()
        .ok()
}

fn unix_time(seconds: i64) -> anyhow::Result<time::OffsetDateTime> {
    time::OffsetDateTime::from_unix_timestamp(seconds).context("certificate time")
}

/// A certificate per name by SNI, and the first host's for clients that send none — as a
/// web server's default virtual host answers them.
#[derive(Debug)]
struct VirtualHosts {
    by_name: HashMap<String, Arc<CertifiedKey>>,
    default: Option<Arc<CertifiedKey>>,
}

impl ResolvesServerCert for VirtualHosts {
    fn resolve(&self, client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match client_hello.server_name() {
            Some(name) => self.by_name.get(&name.to_ascii_lowercase()).cloned(),
            None => self.default.clone(),
        }
    }
}

/// The CA's PEM and a TLS configuration with one certificate per host.
fn certificates(count: usize) -> anyhow::Result<(String, Arc<ServerConfig>)> {
    let now = super::unix_now_signed();
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "govsec bench CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate()?;
    let ca = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let mut resolver = VirtualHosts {
        by_name: HashMap::new(),
        default: None,
    };
    for index in 0..count {
        let host = host_name(index);
        let mut params = CertificateParams::new(vec![host.clone(), format!("www.{host}")])?;
        let (from, to) = if Kind::of(index) == Kind::Expired {
            (now - 400 * 86_400, now - 86_400)
        } else {
            (now - 86_400, now + 200 * 86_400)
        };
        params.not_before = unix_time(from)?;
        params.not_after = unix_time(to)?;
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &issuer)?;
        let signing = tokio_rustls::rustls::crypto::ring::sign::any_supported_type(
            &PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )?;
        let certified = Arc::new(CertifiedKey::new(
            vec![CertificateDer::from(cert.der().to_vec())],
            signing,
        ));
        resolver
            .default
            .get_or_insert_with(|| Arc::clone(&certified));
        resolver
            .by_name
            .insert(format!("www.{host}"), Arc::clone(&certified));
        resolver.by_name.insert(host, certified);
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((ca.pem(), Arc::new(config)))
}

/// A landing page of about 13 KB, like a ministry's home page.
fn landing_page(index: usize, kind: Kind) -> String {
    let mut html = String::with_capacity(32 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"zh-Hant-TW\"><head><meta charset=\"utf-8\">\
         <title>第 {index} 號機關全球資訊網</title>\
         <link rel=\"stylesheet\" href=\"/css/site.css\">\
         <script src=\"https://{}/js/site.js\"></script></head><body><header><nav><ul>",
        host_name(index)
    );
    for item in 0..40 {
        let _ = write!(
            html,
            "<li><a href=\"/news/{item}.html\">業務公告 {item}</a></li>"
        );
    }
    html.push_str("</ul></nav></header><main>");
    for article in 0..30 {
        let image = if kind == Kind::MixedContent && article == 3 {
            format!("http://{}/img/{article}.jpg", host_name(index))
        } else {
            format!("/img/{article}.jpg")
        };
        let _ = write!(
            html,
            "<article><h2>施政重點第 {article} 則</h2><img src=\"{image}\" alt=\"配圖\">\
             <p>本機關持續推動資通安全管理，落實網站全面採用 HTTPS 加密連線，保障民眾瀏覽與\
             填寫表單時的資料安全，並依規定定期辦理弱點掃描與滲透測試。</p>\
             <p>For more information please contact the service desk during office hours.</p>\
             </article>"
        );
    }
    html.push_str(
        "</main><form action=\"/search\" method=\"get\"><input name=\"q\"><button>搜尋</button>\
         </form><footer>地址：臺北市中正區 電話：(02) 0000-0000</footer></body></html>",
    );
    html
}

fn host_of(request: &Request) -> String {
    request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or(h).to_ascii_lowercase())
        .unwrap_or_default()
}

fn https_answer(request: Request) -> Response {
    let host = host_of(&request);
    let Some(index) = index_of(&host) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=31536000; includeSubDomains",
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self' https:; frame-ancestors 'none'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        ],
        landing_page(index, Kind::of(index)),
    )
        .into_response()
}

fn http_answer(request: Request) -> Response {
    let host = host_of(&request);
    let Some(index) = index_of(&host) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let location = match Kind::of(index) {
        Kind::NoRedirect => {
            return (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                landing_page(index, Kind::WellKept),
            )
                .into_response();
        }
        Kind::OtherHost if !host.starts_with("www.") => format!("https://www.{host}/"),
        _ => format!("https://{host}/"),
    };
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, location)],
    )
        .into_response()
}

/// Starts both listeners; returns their ports.
async fn start_servers(config: Arc<ServerConfig>) -> anyhow::Result<(u16, u16)> {
    let tls_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let plain_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let ports = (
        tls_listener.local_addr()?.port(),
        plain_listener.local_addr()?.port(),
    );
    let secure = Router::new().fallback(|request: Request| async move { https_answer(request) });
    let plain = Router::new().fallback(|request: Request| async move { http_answer(request) });
    tokio::spawn(async move {
        let _ = axum::serve(plain_listener, plain).await;
    });
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = tls_listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            let service = hyper_util::service::TowerToHyperService::new(secure.clone());
            tokio::spawn(async move {
                if let Ok(Ok(tls)) =
                    tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await
                {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                }
            });
        }
    });
    Ok(ports)
}

/// Peak RSS of a running process, KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct ScanRun {
    seconds: f64,
    peak_rss_kib: u64,
    verdicts: HashMap<String, (bool, bool)>,
}

/// Runs `govsec scan` as a child process on the hosts in `list`.
async fn run_scan(
    list: &Path,
    ca: &Path,
    ports: (u16, u16),
    concurrency: usize,
) -> anyhow::Result<ScanRun> {
    let exe = std::env::current_exe().context("locating the govsec binary")?;
    let started = Instant::now();
    let mut child = tokio::process::Command::new(exe)
        .arg("scan")
        .arg("--targets-file")
        .arg(list)
        .arg("--ca-file")
        .arg(ca)
        .args(["--connect-to", &format!(":443:127.0.0.1:{}", ports.0)])
        .args(["--connect-to", &format!(":80:127.0.0.1:{}", ports.1)])
        .args([
            "--concurrency",
            &concurrency.to_string(),
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting govsec scan")?;
    let pid = child.id().unwrap_or(0);
    let mut stdout = child.stdout.take().context("scan stdout")?;
    let reader = tokio::spawn(async move {
        let mut bytes = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut stdout, &mut bytes)
            .await
            .map(|_| bytes)
    });
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        peak = peak.max(peak_rss_kib(pid).unwrap_or(0));
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    let output = reader.await??;
    if !status.success() {
        bail!("govsec scan exited with {status}");
    }
    let document: serde_json::Value = serde_json::from_slice(&output).context("scan JSON")?;
    let verdicts = document["targets"]
        .as_array()
        .context("targets array")?
        .iter()
        .map(|t| {
            (
                t["host"].as_str().unwrap_or_default().to_owned(),
                (
                    t["https_adopted"].as_bool().unwrap_or(false),
                    t["https_enforced"].as_bool().unwrap_or(false),
                ),
            )
        })
        .collect();
    Ok(ScanRun {
        seconds,
        peak_rss_kib: peak,
        verdicts,
    })
}

/// The wrapper pshtt runs in. pshtt has no flag to override name resolution, so the names of
/// the run (and sslyze's connections to the address they resolve to) are mapped to the
/// loopback listeners in `socket.getaddrinfo`, as `--connect-to` does for govsec.
///
/// pshtt 0.7.6 requires sslyze 3 or 4, whose nassl 3/4 have no build for a current Python on
/// the package registry; sslyze 5 renamed the few entry points pshtt uses. The shim below
/// gives pshtt those names on top of sslyze 5, calling the same sslyze checks; pshtt's own
/// logic (requests-based probing, redirects, its verdicts) runs unchanged.
const PSHTT_WRAPPER: &str = r#"import socket, sys
TLS_PORT, PLAIN_PORT = int(sys.argv[1]), int(sys.argv[2])
PORTS = {443: TLS_PORT, 80: PLAIN_PORT, "443": TLS_PORT, "80": PLAIN_PORT, "https": TLS_PORT, "http": PLAIN_PORT}
real = socket.getaddrinfo
def mapped(host, port, *args, **kwargs):
    if isinstance(host, str) and (host.endswith(".bench.test") or host == "127.0.0.1"):
        return real("127.0.0.1", PORTS.get(port, port), *args, **kwargs)
    # Nothing else is reached: pshtt's downloads of the preload and suffix lists are
    # replaced by the cache below.
    raise socket.gaierror(socket.EAI_NONAME, "not reachable from the benchmark")
socket.getaddrinfo = mapped

import os, shutil, publicsuffixlist
CACHE = sys.argv[3]
os.makedirs(CACHE, exist_ok=True)
for name in ("preloaded.json", "preload-pending.json"):
    with open(os.path.join(CACHE, name), "w") as empty:
        empty.write("[]")
shutil.copy(os.path.join(os.path.dirname(publicsuffixlist.__file__), "public_suffix_list.dat"),
            os.path.join(CACHE, "public-suffix-list.txt"))

import sslyze
import sslyze.plugins.certificate_info.implementation as certificate_info
from sslyze.server_connectivity import check_connectivity_to_server
if not hasattr(sslyze, "ServerConnectivityTester"):
    RealScanner, RealScanRequest = sslyze.Scanner, sslyze.ServerScanRequest
    class ServerNetworkLocationViaDirectConnection:
        @staticmethod
        def with_ip_address_lookup(hostname, port):
            return sslyze.ServerNetworkLocation(hostname=hostname, port=port)
    class ConnectivityInfo:
        def __init__(self, location, configuration, probing):
            self.server_location, self.network_configuration, self.tls_probing_result = location, configuration, probing
    class ServerConnectivityTester:
        def perform(self, location):
            configuration = sslyze.ServerNetworkConfiguration.default_for_server_location(location)
            return ConnectivityInfo(location, configuration, check_connectivity_to_server(location, configuration))
    def ServerScanRequest(server_info, scan_commands, scan_commands_extra_arguments=None):
        extra = sslyze.ScanCommandsExtraArguments()
        for argument in (scan_commands_extra_arguments or {}).values():
            extra = sslyze.ScanCommandsExtraArguments(certificate_info=argument)
        return RealScanRequest(server_location=server_info.server_location,
            network_configuration=server_info.network_configuration,
            scan_commands=set(scan_commands), scan_commands_extra_arguments=extra)
    class Results:
        def __init__(self, result):
            attempt = result.scan_result.certificate_info if result.scan_result else None
            if attempt is None or attempt.result is None:
                # As sslyze 4 did: a failed scan command is an exception pshtt handles.
                raise RuntimeError("sslyze certificate_info: %s %s" % (
                    getattr(attempt, "error_reason", result.connectivity_error_trace),
                    getattr(attempt, "error_trace", "")))
            self.scan_commands_results = {sslyze.ScanCommand.CERTIFICATE_INFO: attempt.result}
    class Scanner:
        def __init__(self):
            self.inner = RealScanner()
        def queue_scan(self, request):
            self.inner.queue_scans([request])
        def get_results(self):
            return (Results(r) for r in self.inner.get_results())
    sslyze.ServerNetworkLocationViaDirectConnection = ServerNetworkLocationViaDirectConnection
    sslyze.ServerConnectivityTester = ServerConnectivityTester
    sslyze.ServerScanRequest = ServerScanRequest
    sslyze.Scanner = Scanner
    certificate_info.CertificateInfoExtraArguments = lambda custom_ca_file: sslyze.CertificateInfoExtraArgument(custom_ca_file=custom_ca_file)

sys.argv = ["pshtt", "--cache-third-parties", CACHE] + sys.argv[4:]
from pshtt.cli import main
main()
"#;

struct PshttRun {
    seconds: f64,
    verdicts: HashMap<String, (bool, bool)>,
    records: HashMap<String, serde_json::Value>,
}

/// The fields of a pshtt record that explain its verdicts.
const PSHTT_FIELDS: [&str; 12] = [
    "Valid HTTPS",
    "HTTPS Publicly Trusted",
    "HTTPS Custom Truststore Trusted",
    "HTTPS Expired Cert",
    "HTTPS Bad Chain",
    "HTTPS Bad Hostname",
    "Defaults to HTTPS",
    "Strictly Forces HTTPS",
    "Downgrades HTTPS",
    "Redirect",
    "Redirect To",
    "Canonical URL",
];

fn run_pshtt(
    python: &Path,
    dir: &Path,
    hosts: &[String],
    ca: &Path,
    ports: (u16, u16),
) -> anyhow::Result<PshttRun> {
    let wrapper = dir.join("pshtt_loopback.py");
    std::fs::write(&wrapper, PSHTT_WRAPPER)?;
    let output_file = dir.join("pshtt.json");
    let started = Instant::now();
    let status = Command::new(python)
        .arg(&wrapper)
        .arg(ports.0.to_string())
        .arg(ports.1.to_string())
        .arg(dir.join("pshtt-cache"))
        .args(hosts)
        .arg("--json")
        .arg("--output")
        .arg(&output_file)
        .arg("--ca-file")
        .arg(ca)
        .arg("--timeout")
        .arg("5")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .context("starting pshtt")?;
    let seconds = started.elapsed().as_secs_f64();
    if !status.success() {
        bail!("pshtt exited with {status}");
    }
    let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&output_file)?)?;
    let list = results.as_array().context("pshtt JSON is a list")?;
    let records = list
        .iter()
        .map(|r| {
            let fields: serde_json::Map<String, serde_json::Value> = PSHTT_FIELDS
                .iter()
                .map(|f| ((*f).to_owned(), r[*f].clone()))
                .collect();
            (
                r["Domain"].as_str().unwrap_or_default().to_owned(),
                serde_json::Value::Object(fields),
            )
        })
        .collect();
    let verdicts = list
        .iter()
        .map(|r| {
            (
                r["Domain"].as_str().unwrap_or_default().to_owned(),
                (
                    r["Valid HTTPS"].as_bool().unwrap_or(false),
                    r["Defaults to HTTPS"].as_bool().unwrap_or(false),
                ),
            )
        })
        .collect();
    Ok(PshttRun {
        seconds,
        verdicts,
        records,
    })
}

fn write_list(path: &Path, hosts: &[String]) -> anyhow::Result<()> {
    std::fs::write(path, hosts.join("\n") + "\n").with_context(|| path.display().to_string())
}

/// Runs the benchmark and prints its report.
pub async fn run(args: ScanBenchArgs) -> Result<(), Failure> {
    let count = args.targets.max(1);
    let dir = tempfile::tempdir().context("temporary directory")?;
    let generated = Instant::now();
    let (ca_pem, config) = certificates(count)?;
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, ca_pem).context("writing the CA")?;
    let ports = start_servers(config).await?;
    eprintln!(
        "bench scan: {count} virtual hosts on 127.0.0.1:{} (https) and :{} (http), certificates in {:.1} s",
        ports.0,
        ports.1,
        generated.elapsed().as_secs_f64()
    );
    let hosts: Vec<String> = (0..count).map(host_name).collect();
    let all = dir.path().join("all.txt");
    write_list(&all, &hosts)?;
    let full = run_scan(&all, &ca, ports, args.concurrency).await?;
    let wrong: Vec<&String> = hosts
        .iter()
        .enumerate()
        .filter(|(i, h)| full.verdicts.get(*h) != Some(&Kind::of(*i).expected()))
        .map(|(_, h)| h)
        .collect();
    let mut report = serde_json::json!({
        "targets": count,
        "concurrency": args.concurrency,
        "govsec_seconds": (full.seconds * 100.0).round() / 100.0,
        "govsec_targets_per_second": (count as f64 / full.seconds).round(),
        "govsec_peak_rss_mib": full.peak_rss_kib / 1024,
        "verdicts_checked": count,
        "verdicts_wrong": wrong.len(),
        "adopted": full.verdicts.values().filter(|v| v.0).count(),
        "enforced": full.verdicts.values().filter(|v| v.1).count(),
    });
    if !wrong.is_empty() {
        report["wrong_hosts"] = serde_json::json!(wrong.iter().take(10).collect::<Vec<_>>());
    }
    if let Some(python) = &args.pshtt {
        let sample: Vec<String> = hosts.iter().take(args.pshtt_targets).cloned().collect();
        let list = dir.path().join("sample.txt");
        write_list(&list, &sample)?;
        let ours = run_scan(&list, &ca, ports, args.concurrency).await?;
        let python = python.clone();
        let (dir_path, ca_path, sample_for_pshtt) =
            (dir.path().to_path_buf(), ca.clone(), sample.clone());
        let theirs = tokio::task::spawn_blocking(move || {
            run_pshtt(&python, &dir_path, &sample_for_pshtt, &ca_path, ports)
        })
        .await
        .context("pshtt task")??;
        let differences: Vec<serde_json::Value> = sample
            .iter()
            .filter_map(|host| {
                let (o, t) = (ours.verdicts.get(host)?, theirs.verdicts.get(host)?);
                (o != t).then(|| {
                    serde_json::json!({
                        "host": host,
                        "kind": format!("{:?}", Kind::of(index_of(host).unwrap_or(0))),
                        "govsec": {"https_adopted": o.0, "https_enforced": o.1},
                        "pshtt": theirs.records.get(host),
                    })
                })
            })
            .collect();
        report["pshtt"] = serde_json::json!({
            "targets": sample.len(),
            "pshtt_seconds": (theirs.seconds * 100.0).round() / 100.0,
            "govsec_seconds_same_targets": (ours.seconds * 100.0).round() / 100.0,
            "speed_ratio": (theirs.seconds / ours.seconds * 10.0).round() / 10.0,
            "pshtt_results": theirs.verdicts.len(),
            "verdicts_differing": differences,
        });
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&report).context("report")?
    );
    Ok(())
}
