//! `govsec scan` as a user runs it, and govsec's own site passing govsec's own scanner
//! (issue 3: "govsec served over TLS passes its own security-header and HTTPS checks").

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};

fn govsec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(args)
        .env_remove("GOVSEC_DATABASE_URL")
        .env_remove("GOVSEC_CONFIG")
        .env_remove("GOVSEC_LANG")
        .output()
        .unwrap()
}

struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `govsec serve` over TLS with a certificate for `host` from a CA written to `ca.pem`;
/// returns the https and http ports.
fn serve_tls(dir: &std::path::Path, host: &str) -> (Serve, u16, u16) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "govsec test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![host.to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--http-redirect-addr",
            "127.0.0.1:0",
            "--public-https-port",
            "443",
            "--lang",
            "en",
            "--tls-cert",
        ])
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env_remove("GOVSEC_DATABASE_URL")
        .env_remove("GOVSEC_CONFIG")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (mut plain, mut secure) = (0u16, 0u16);
    while secure == 0 || plain == 0 {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve exited before listening"
        );
        if let Some(url) = line.split("listening on ").nth(1) {
            let url = url.trim().trim_end_matches('/');
            let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
            if url.starts_with("https://") {
                secure = port;
            } else {
                plain = port;
            }
        }
    }
    (Serve(child), secure, plain)
}

#[test]
fn govsec_passes_its_own_scanner() {
    let dir = tempfile::tempdir().unwrap();
    let (_serve, https, http) = serve_tls(dir.path(), "govsec.test");
    let ca = dir.path().join("ca.pem");
    let output = govsec(&[
        "scan",
        "govsec.test",
        "--connect-to",
        &format!("govsec.test:443:127.0.0.1:{https}"),
        "--connect-to",
        &format!("govsec.test:80:127.0.0.1:{http}"),
        "--ca-file",
        ca.to_str().unwrap(),
        "--no-sibling",
        "--format",
        "json",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let target = &json["targets"][0];
    assert_eq!(target["host"], "govsec.test");
    assert_eq!(target["https_adopted"], true, "{:#}", target["reasons"]);
    assert_eq!(target["https_enforced"], true, "{:#}", target["reasons"]);
    assert_eq!(
        target["findings"],
        serde_json::json!([]),
        "{:#}",
        target["findings"]
    );
    assert_eq!(target["redirect_chain"][0]["status"], 308);
    assert!(target["hsts"]["max_age"].as_u64().unwrap() >= 31_536_000);
    let landing = target["page"]["url"].as_str().unwrap();
    assert!(landing.starts_with("https://govsec.test/"), "{landing}");
    assert!(
        target["legacy"]["accepted_versions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(json["summary"]["https_enforced"], 1);
}

#[test]
fn the_table_speaks_zh_tw_first_and_english_on_request() {
    let unreachable = [
        "scan",
        "down.test",
        "--connect-to",
        "down.test:443:127.0.0.1:9",
        "--connect-to",
        "down.test:80:127.0.0.1:9",
        "--no-sibling",
        "--no-legacy-probes",
    ];
    let output = govsec(&unreachable);
    assert_eq!(
        output.status.code(),
        Some(0),
        "a scan that ran exits 0 whatever it found"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("已導入 HTTPS"), "{text}");
    assert!(text.contains("HTTPS_UNREACHABLE"), "{text}");
    assert!(text.contains("修正方式"), "{text}");
    let mut english = unreachable.to_vec();
    english.extend(["--lang", "en"]);
    let text = String::from_utf8(govsec(&english).stdout).unwrap();
    assert!(
        text.contains("HTTPS adopted") && text.contains("fix: "),
        "{text}"
    );
}

#[test]
fn bad_input_exits_2_naming_it() {
    let output = govsec(&["scan", "not a host"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a host"));

    let output = govsec(&[
        "scan",
        "a.test",
        "--resolve",
        "a.test:https:127.0.0.1",
        "--lang",
        "en",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--resolve") && stderr.contains("a.test:https:127.0.0.1"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("targets.txt");
    std::fs::write(&list, "# agencies\nwww.gov.tw\n\nftp://files.gov.tw/\n").unwrap();
    let output = govsec(&[
        "scan",
        "--targets-file",
        list.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("targets.txt: line 4"), "{stderr}");

    let bad_ca = dir.path().join("ca.pem");
    std::fs::write(&bad_ca, "not a certificate").unwrap();
    let output = govsec(&["scan", "a.test", "--ca-file", bad_ca.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ca.pem"));

    let output = govsec(&["scan"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_scan_benchmark_gets_every_verdict_right() {
    let output = govsec(&["bench", "scan", "--targets", "40", "--concurrency", "16"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["targets"], 40);
    assert_eq!(report["verdicts_wrong"], 0, "{report:#}");
    assert_eq!(report["adopted"], 38);
    assert_eq!(report["enforced"], 32);
}
