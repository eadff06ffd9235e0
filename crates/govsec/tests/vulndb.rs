//! `govsec vulndb import|lookup|stats|update` as a user runs them: real processes on real
//! SQLite and PostgreSQL databases, bad input of every kind, an import killed midway, and
//! downloads from a real HTTP server on loopback that serves files built from
//! `../shared/data`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use govsec_store::testing::{TestDatabase, every_backend};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn govsec_in(db: &TestDatabase, data_dir: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(args)
        .arg("--database-url")
        .arg(&db.url)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--lang")
        .arg(lang)
        .env_remove("GOVSEC_CONFIG")
        .env_remove("GOVSEC_VULNDB_SOURCE")
        .output()
        .expect("run govsec")
}

fn govsec(db: &TestDatabase, args: &[&str]) -> Output {
    govsec_in(db, &std::env::temp_dir(), "en", args)
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output)).unwrap()
}

fn stats(db: &TestDatabase) -> Value {
    json(&govsec(db, &["vulndb", "stats", "--format", "json"]))
}

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        let _ = std::io::stderr()
            .write_all(b"SKIPPED: vulndb tests over the real sample (no ../shared/data)\n");
        None
    }
}

fn path_text(path: &Path) -> &str {
    path.to_str().unwrap()
}

const GOOD: &str = r#"{"cve":{"id":"CVE-2024-0001","vulnStatus":"Analyzed","published":"2024-01-02T03:04:05.678","lastModified":"2024-01-02T03:04:05.678","descriptions":[{"lang":"en","value":"good"}],"metrics":{"cvssMetricV31":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}}]},"configurations":[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*","matchCriteriaId":"D907BEC2-6930-4989-A6E1-847B4763BB12"}]}]}]}}"#;

fn feed(records: &[&str]) -> String {
    format!(
        r#"{{"resultsPerPage":{n},"startIndex":0,"totalResults":{n},"format":"NVD_CVE","version":"2.0","timestamp":"2026-01-01T00:00:00.000","vulnerabilities":[{}]}}"#,
        records.join(","),
        n = records.len()
    )
}

/// GOOD as another CVE with one part replaced.
fn bad(replace: &str, with: &str) -> String {
    assert!(GOOD.contains(replace), "{replace}");
    GOOD.replace("CVE-2024-0001", "CVE-2024-0002")
        .replace(replace, with)
}

#[tokio::test]
async fn the_real_sample_and_kev_import_and_lookups_answer_from_the_database() {
    let Some(data) = data_dir() else { return };
    let nvd = data.join("nvd/nvdcve-2.0-sample.json");
    let kev = data.join("kev/known_exploited_vulnerabilities.json");
    for db in every_backend().await {
        let empty = govsec(
            &db,
            &[
                "vulndb",
                "lookup",
                "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
            ],
        );
        assert_eq!(empty.status.code(), Some(2));
        assert!(
            stderr(&empty).contains("govsec vulndb import"),
            "{}",
            stderr(&empty)
        );

        let report = json(&govsec(
            &db,
            &[
                "vulndb",
                "import",
                "--nvd",
                path_text(&nvd),
                "--kev",
                path_text(&kev),
                "--format",
                "json",
            ],
        ));
        assert_eq!(report["new"], 152);
        assert_eq!(report["rejected"], 1);
        assert_eq!(report["kev_entries"], 1404);
        assert_eq!(report["skipped"].as_array().unwrap().len(), 0);
        let again = json(&govsec(
            &db,
            &[
                "vulndb",
                "import",
                "--nvd",
                path_text(&nvd),
                "--format",
                "json",
            ],
        ));
        assert_eq!(
            (again["new"].as_u64(), again["unchanged"].as_u64()),
            (Some(0), Some(153))
        );
        assert_eq!(stats(&db)["cves"], 153);

        let lookup = |cpe: &str, platforms: &[&str]| {
            let mut args = vec!["vulndb", "lookup", cpe, "--format", "json"];
            for platform in platforms {
                args.extend(["--platform", platform]);
            }
            json(&govsec(&db, &args))["results"]
                .as_array()
                .unwrap()
                .clone()
        };
        let ids = |results: &[Value]| -> Vec<String> {
            results
                .iter()
                .map(|row| row["cve"].as_str().unwrap().to_owned())
                .collect()
        };
        let log4j = lookup("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", &[]);
        assert_eq!(
            ids(&log4j),
            ["CVE-2021-44228", "CVE-2021-45046"],
            "ranked by KEV, then CVSS"
        );
        assert!(log4j[0]["kev"].is_object());
        assert_eq!(log4j[0]["cvss"]["score"], 10.0);
        assert_eq!(
            log4j[0]["configurations"][0]["matched"][0]["criteria"]["criteria"],
            "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"
        );
        assert_eq!(
            ids(&lookup("cpe:2.3:a:apache:log4j:2.15.0:*:*:*:*:*:*:*", &[])),
            ["CVE-2021-45046"]
        );
        assert!(lookup("cpe:2.3:a:apache:log4j:2.17.1:*:*:*:*:*:*:*", &[]).is_empty());
        assert_eq!(
            ids(&lookup(
                "cpe:2.3:a:openssl:openssl:3.0.6:*:*:*:*:*:*:*",
                &[]
            )),
            ["CVE-2022-3602"]
        );

        let winrar = "cpe:2.3:a:rarlab:winrar:7.12:*:*:*:*:*:*:*";
        let verdict = |platforms: &[&str]| {
            lookup(winrar, platforms)
                .iter()
                .find(|row| row["cve"] == "CVE-2025-8088")
                .map(|row| row["verdict"].as_str().unwrap().to_owned())
        };
        assert_eq!(
            verdict(&["cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"]).as_deref(),
            Some("met")
        );
        assert_eq!(
            verdict(&["cpe:2.3:o:linux:linux_kernel:6.1:*:*:*:*:*:*:*"]).as_deref(),
            Some("not_met")
        );
        assert_eq!(verdict(&[]).as_deref(), Some("unknown"));

        // The database answers as the files do.
        let from_files = Command::new(env!("CARGO_BIN_EXE_govsec"))
            .args([
                "vulndb",
                "lookup",
                "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
                "--nvd",
            ])
            .arg(&nvd)
            .arg("--kev")
            .arg(&kev)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let from_files: Value = serde_json::from_str(&stdout(&from_files)).unwrap();
        assert_eq!(from_files["results"].as_array().unwrap(), &log4j);
    }
}

#[tokio::test]
async fn an_openssl_letter_release_is_looked_up_through_storage() {
    // Heartbleed's NVD range: from 1.0.1 up to, excluding, 1.0.1g.
    let heartbleed = GOOD
        .replace("CVE-2024-0001", "CVE-2014-0160")
        .replace(
            r#""criteria":"cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*""#,
            r#""criteria":"cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*","versionStartIncluding":"1.0.1","versionEndExcluding":"1.0.1g""#,
        );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heartbleed.json");
    std::fs::write(&path, feed(&[&heartbleed])).unwrap();
    for db in every_backend().await {
        stdout(&govsec(
            &db,
            &["vulndb", "import", "--nvd", path_text(&path)],
        ));
        let found = |version: &str| {
            let cpe = format!("cpe:2.3:a:openssl:openssl:{version}:*:*:*:*:*:*:*");
            stdout(&govsec(&db, &["vulndb", "lookup", &cpe])).contains("CVE-2014-0160")
        };
        assert!(found("1.0.1f"));
        assert!(found("1.0.1"));
        assert!(!found("1.0.1g"));
        assert!(!found("1.0.0z"));
    }
}

/// A CVE 5 record of the CNA's own (no NVD analysis), for Example Widget before `fixed`.
fn cve5_record(id: &str, fixed: &str) -> String {
    format!(
        r#"{{"dataType":"CVE_RECORD","dataVersion":"5.1",
        "cveMetadata":{{"cveId":"{id}","state":"PUBLISHED","assignerShortName":"example",
          "datePublished":"2026-04-20T00:00:00.000Z","dateUpdated":"2026-04-21T00:00:00.000Z"}},
        "containers":{{"cna":{{"providerMetadata":{{"orgId":"00000000-0000-4000-8000-000000000000","shortName":"example"}},
          "descriptions":[{{"lang":"en","value":"A flaw in Widget before {fixed}."}}],
          "affected":[{{"vendor":"example","product":"widget","defaultStatus":"unaffected",
            "cpes":["cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*"],
            "versions":[{{"version":"2.0","lessThan":"{fixed}","status":"affected","versionType":"semver"}}]}}]}}}}}}"#
    )
}

#[tokio::test]
async fn cve5_directories_import_with_their_provenance_and_bad_records_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("cves/2026/10xxx");
    std::fs::create_dir_all(&records).unwrap();
    std::fs::write(
        records.join("CVE-2026-10001.json"),
        cve5_record("CVE-2026-10001", "2.4"),
    )
    .unwrap();
    std::fs::write(
        records.join("CVE-2026-10002.json"),
        cve5_record("CVE-2026-10002", "2.2"),
    )
    .unwrap();
    std::fs::write(records.join("notes.txt"), "not a record").unwrap();
    let bad = records.join("CVE-2026-10003.json");
    std::fs::write(
        &bad,
        cve5_record("CVE-2026-10003", "2.4").replace("\"5.1\"", "\"4.0\""),
    )
    .unwrap();
    let tree = dir.path().join("cves");
    for db in every_backend().await {
        let refused = govsec(&db, &["vulndb", "import", "--cve5", path_text(&tree)]);
        assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
        assert!(
            stderr(&refused).contains(path_text(&bad)),
            "{}",
            stderr(&refused)
        );
        assert_eq!(stats(&db)["cves"], 0);

        let report = json(&govsec(
            &db,
            &[
                "vulndb",
                "import",
                "--skip-invalid",
                "--cve5",
                path_text(&tree),
                "--format",
                "json",
            ],
        ));
        assert_eq!(report["new"], 2);
        assert!(
            report["skipped"][0]
                .as_str()
                .unwrap()
                .contains("CVE-2026-10003.json"),
            "{report}"
        );
        let found = json(&govsec(
            &db,
            &[
                "vulndb",
                "lookup",
                "cpe:2.3:a:example:widget:2.3:*:*:*:*:*:*:*",
                "--format",
                "json",
            ],
        ));
        let results = found["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "only the CVE fixed in 2.4: {found}");
        assert_eq!(results[0]["cve"], "CVE-2026-10001");
        assert_eq!(results[0]["configurations"][0]["provenance"], "Cna");
    }
}

/// One kind of bad input: the file's text, the words its error must contain.
struct BadInput {
    what: &'static str,
    text: String,
    wanted: Vec<&'static str>,
    /// Whether --skip-invalid keeps the good record of the file (a bad record), or takes the
    /// file back whole (a file that cannot be read to its end).
    keeps_good_record: bool,
}

fn bad_inputs() -> Vec<BadInput> {
    let two = feed(&[GOOD, &GOOD.replace("CVE-2024-0001", "CVE-2024-0003")]);
    vec![
        BadInput {
            what: "truncated JSON",
            text: two[..two.len() - 200].to_owned(),
            wanted: vec![
                "vulnerabilities[1] (the record after CVE-2024-0001)",
                "malformed JSON",
            ],
            keeps_good_record: false,
        },
        BadInput {
            what: "malformed JSON",
            text: feed(&[GOOD, &bad(r#""vulnStatus":"#, r#""vulnStatus" "#)]),
            wanted: vec!["malformed JSON at line 1", "vulnerabilities[1]"],
            keeps_good_record: false,
        },
        BadInput {
            what: "wrong schema version",
            text: feed(&[GOOD]).replace(r#""version":"2.0""#, r#""version":"1.1""#),
            wanted: vec!["field version", "unsupported format", "\"1.1\""],
            keeps_good_record: false,
        },
        BadInput {
            what: "invalid CVSS vector",
            text: feed(&[GOOD, &bad("/A:H", "/A:Q")]),
            wanted: vec![
                "CVE-2024-0002",
                "field vulnerabilities[1].cve.metrics.cvssMetricV31[0].cvssData.vectorString",
                "invalid CVSS vector",
            ],
            keeps_good_record: true,
        },
        BadInput {
            what: "CPE that does not parse",
            text: feed(&[GOOD, &bad("app:1.0:*", "app:1.0:*:*")]),
            wanted: vec![
                "CVE-2024-0002",
                "field vulnerabilities[1].cve.configurations[0].nodes[0].cpeMatch[0].criteria",
                "invalid CPE name",
            ],
            keeps_good_record: true,
        },
    ]
}

#[tokio::test]
async fn bad_input_names_file_cve_and_field_and_writes_nothing_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let before = dir.path().join("before.json");
    std::fs::write(
        &before,
        feed(&[&GOOD.replace("CVE-2024-0001", "CVE-2023-9999")]),
    )
    .unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        feed(&[&GOOD.replace("CVE-2024-0001", "CVE-2024-0009")]),
    )
    .unwrap();
    for db in every_backend().await {
        stdout(&govsec(
            &db,
            &["vulndb", "import", "--nvd", path_text(&before)],
        ));
        for (index, case) in bad_inputs().into_iter().enumerate() {
            let path = dir.path().join(format!("bad-{index}.json"));
            std::fs::write(&path, &case.text).unwrap();
            // Without --skip-invalid: exit 2, the file, CVE and field named; nothing written,
            // not even the good file given first.
            let output = govsec(
                &db,
                &[
                    "vulndb",
                    "import",
                    "--nvd",
                    path_text(&other),
                    "--nvd",
                    path_text(&path),
                ],
            );
            let message = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{}: {message}", case.what);
            assert!(
                message.contains(path_text(&path)),
                "{}: {message}",
                case.what
            );
            assert!(message.contains("nothing"), "{}: {message}", case.what);
            for wanted in &case.wanted {
                assert!(
                    message.contains(wanted),
                    "{}: {wanted:?} missing in {message}",
                    case.what
                );
            }
            assert_eq!(stats(&db)["cves"], 1, "{}: nothing was written", case.what);

            // With it: the rest is imported and what was skipped is reported.
            let report = json(&govsec(
                &db,
                &[
                    "vulndb",
                    "import",
                    "--skip-invalid",
                    "--nvd",
                    path_text(&path),
                    "--nvd",
                    path_text(&other),
                    "--format",
                    "json",
                ],
            ));
            let skipped = report["skipped"].as_array().unwrap();
            assert_eq!(skipped.len(), 1, "{}: {report}", case.what);
            for wanted in &case.wanted {
                assert!(
                    skipped[0].as_str().unwrap().contains(wanted),
                    "{}: {report}",
                    case.what
                );
            }
            let stored: Vec<String> = json(&govsec(
                &db,
                &[
                    "vulndb",
                    "lookup",
                    "cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*",
                    "--format",
                    "json",
                ],
            ))["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|row| row["cve"].as_str().unwrap().to_owned())
                .collect();
            let mut expected = vec!["CVE-2023-9999", "CVE-2024-0009"];
            if case.keeps_good_record {
                expected.insert(1, "CVE-2024-0001");
            }
            assert_eq!(stored, expected, "{}", case.what);
            // Back to the state before the case.
            db.tamper("DELETE FROM vulndb_records WHERE cve_id <> 'CVE-2023-9999'")
                .await;
        }

        // The message in Traditional Chinese by default.
        let path = dir.path().join("bad-cvss.json");
        std::fs::write(&path, feed(&[&bad("/A:H", "/A:Q")])).unwrap();
        let output = govsec_in(
            &db,
            dir.path(),
            "zh-TW",
            &["vulndb", "import", "--nvd", path_text(&path)],
        );
        assert_eq!(output.status.code(), Some(2));
        let message = stderr(&output);
        assert!(
            message.contains("匯入已中止") && message.contains("無效的 CVSS 向量"),
            "{message}"
        );
        assert!(
            message.contains("CVE-2024-0002") && message.contains("欄位"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn an_import_killed_midway_leaves_the_previous_import_intact() {
    let Some(data) = data_dir() else { return };
    let sample = data.join("nvd/nvdcve-2.0-sample.json");
    let dir = tempfile::tempdir().unwrap();
    let large = dir.path().join("large.json");
    govsec_vulndb::synthetic::generate_nvd(40_000, 7, &large).unwrap();
    for db in every_backend().await {
        stdout(&govsec(
            &db,
            &["vulndb", "import", "--nvd", path_text(&sample)],
        ));
        let mut child = Command::new(env!("CARGO_BIN_EXE_govsec"))
            .args(["vulndb", "import", "--nvd"])
            .arg(&large)
            .arg("--database-url")
            .arg(&db.url)
            .args(["--lang", "en"])
            .env_remove("GOVSEC_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Killed once it has written records: after its first progress line.
        let progress = BufReader::new(child.stderr.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .find(|line| line.contains("CVE records"));
        assert_eq!(progress.as_deref(), Some("read 10000 CVE records"));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "killed before it finished");

        assert_eq!(db.integrity_check().await, "ok");
        let statistics = stats(&db);
        assert_eq!(
            statistics["cves"], 153,
            "only the previous import: {statistics}"
        );
        let again = json(&govsec(
            &db,
            &[
                "vulndb",
                "import",
                "--nvd",
                path_text(&sample),
                "--format",
                "json",
            ],
        ));
        assert_eq!(again["unchanged"], 153);
        assert!(
            stdout(&govsec(
                &db,
                &[
                    "vulndb",
                    "lookup",
                    "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"
                ]
            ))
            .contains("CVE-2021-44228")
        );
    }
}

/// Each request's path and `Range` header, in arrival order.
type RequestLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A plain HTTP/1.1 file server on loopback: answers GET with the file or, given
/// `Range: bytes=N-`, its rest; can break the connection halfway through one file once.
struct FileServer {
    address: SocketAddr,
    requests: RequestLog,
}

fn serve(files: HashMap<String, Vec<u8>>, break_once: Option<&str>) -> FileServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let files = Arc::new(files);
    let break_once = Arc::new(Mutex::new(break_once.map(str::to_owned)));
    {
        let requests = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (files, requests, break_once) =
                    (files.clone(), requests.clone(), break_once.clone());
                std::thread::spawn(move || answer(stream, &files, &requests, &break_once));
            }
        });
    }
    FileServer { address, requests }
}

fn answer(
    mut stream: TcpStream,
    files: &HashMap<String, Vec<u8>>,
    requests: &Mutex<Vec<(String, Option<String>)>>,
    break_once: &Mutex<Option<String>>,
) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).unwrap_or(0) == 0 {
            return;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let range = head
        .lines()
        .find_map(|line| {
            line.strip_prefix("range: ")
                .or_else(|| line.strip_prefix("Range: "))
        })
        .map(str::to_owned);
    requests.lock().unwrap().push((path.clone(), range.clone()));
    let Some(body) = files.get(&path) else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    };
    let from: usize = range
        .as_deref()
        .and_then(|range| {
            range
                .strip_prefix("bytes=")?
                .strip_suffix('-')?
                .parse()
                .ok()
        })
        .unwrap_or(0);
    if from >= body.len() && from > 0 {
        let _ = write!(
            stream,
            "HTTP/1.1 416 Range Not Satisfiable\r\ncontent-range: bytes */{}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            body.len()
        );
        return;
    }
    let rest = &body[from..];
    let status = if from > 0 {
        format!(
            "206 Partial Content\r\ncontent-range: bytes {from}-{}/{}",
            body.len() - 1,
            body.len()
        )
    } else {
        "200 OK".to_owned()
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\naccept-ranges: bytes\r\nconnection: close\r\n\r\n",
        rest.len()
    );
    let breaking = {
        let mut once = break_once.lock().unwrap();
        if once.as_deref() == Some(path.as_str()) {
            *once = None;
            true
        } else {
            false
        }
    };
    if breaking {
        let _ = stream.write_all(&rest[..rest.len() / 2]);
        let _ = stream.flush();
        let _ = stream.shutdown(std::net::Shutdown::Both);
    } else {
        let _ = stream.write_all(rest);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn meta(json: &[u8], gz: &[u8]) -> Vec<u8> {
    let hash = hex::encode_upper(Sha256::digest(json));
    format!(
        "lastModifiedDate:2026-12-01T03:00:01-05:00\r\nsize:{}\r\nzipSize:{}\r\ngzSize:{}\r\nsha256:{hash}\r\n",
        json.len(),
        gz.len(),
        gz.len()
    )
    .into_bytes()
}

/// The mirror's files: the real sample as the 2021 feed, a one-record modified feed, the real
/// KEV catalogue and a small EPSS file.
fn mirror(data: &Path) -> HashMap<String, Vec<u8>> {
    let sample = std::fs::read(data.join("nvd/nvdcve-2.0-sample.json")).unwrap();
    let modified = feed(&[GOOD]).into_bytes();
    let epss = b"#model_version:v2025.03.14,score_date:2026-11-30T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.94358,0.99957\n";
    let mut files = HashMap::new();
    for (name, json) in [
        ("nvdcve-2.0-2021", sample),
        ("nvdcve-2.0-modified", modified),
    ] {
        let gz = gzip(&json);
        files.insert(format!("/nvd/{name}.meta"), meta(&json, &gz));
        files.insert(format!("/nvd/{name}.json.gz"), gz);
    }
    files.insert(
        "/kev/known_exploited_vulnerabilities.json".to_owned(),
        std::fs::read(data.join("kev/known_exploited_vulnerabilities.json")).unwrap(),
    );
    files.insert("/epss/epss_scores-current.csv.gz".to_owned(), gzip(epss));
    files
}

fn update(db: &TestDatabase, server: &FileServer, data_dir: &Path) -> Output {
    let source = format!("http://{}", server.address);
    govsec_in(
        db,
        data_dir,
        "en",
        &[
            "vulndb", "update", "--source", &source, "--years", "2021", "--format", "json",
        ],
    )
}

#[tokio::test]
async fn update_downloads_checks_and_imports_and_a_second_run_reuses_the_files() {
    let Some(data) = data_dir() else { return };
    for db in every_backend().await {
        let server = serve(mirror(&data), None);
        let downloads = tempfile::tempdir().unwrap();
        let report = json(&update(&db, &server, downloads.path()));
        assert_eq!(
            (report["new"].as_u64(), report["rejected"].as_u64()),
            (Some(153), Some(1))
        );
        assert_eq!(report["kev_entries"], 1404);
        assert_eq!(report["epss_scores"], 1);
        assert_eq!(report["epss_model_version"], "v2025.03.14");
        let lookup = json(&govsec(
            &db,
            &[
                "vulndb",
                "lookup",
                "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
                "--format",
                "json",
            ],
        ));
        let first = &lookup["results"][0];
        assert_eq!(first["cve"], "CVE-2021-44228");
        assert!(first["kev"].is_object());
        assert_eq!(first["epss"]["epss"], 0.94358);

        let requests_before = server.requests.lock().unwrap().len();
        let again = json(&update(&db, &server, downloads.path()));
        assert_eq!(again["unchanged"], 154);
        let requests = server.requests.lock().unwrap();
        let fetched: Vec<&str> = requests[requests_before..]
            .iter()
            .map(|(path, _)| path.as_str())
            .collect();
        assert!(
            !fetched.contains(&"/nvd/nvdcve-2.0-2021.json.gz"),
            "a feed matching its .meta is not fetched again: {fetched:?}"
        );
        assert!(fetched.contains(&"/nvd/nvdcve-2.0-2021.meta"));
    }
}

#[tokio::test]
async fn a_feed_that_does_not_match_its_meta_is_refused_and_nothing_is_imported() {
    let Some(data) = data_dir() else { return };
    for db in every_backend().await {
        let mut files = mirror(&data);
        let other = files["/nvd/nvdcve-2.0-modified.meta"].clone();
        let size_line = String::from_utf8(files["/nvd/nvdcve-2.0-2021.meta"].clone()).unwrap();
        // The right size, another feed's hash.
        let hash_line = String::from_utf8(other).unwrap();
        let wrong = size_line
            .lines()
            .filter(|line| !line.starts_with("sha256:"))
            .chain(hash_line.lines().filter(|line| line.starts_with("sha256:")))
            .collect::<Vec<_>>()
            .join("\r\n");
        files.insert("/nvd/nvdcve-2.0-2021.meta".to_owned(), wrong.into_bytes());
        let server = serve(files, None);
        let downloads = tempfile::tempdir().unwrap();
        let output = update(&db, &server, downloads.path());
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{message}");
        assert!(
            message.contains("nvdcve-2.0-2021.json.gz") && message.contains("SHA-256"),
            "{message}"
        );
        assert!(
            message.contains("nvdcve-2.0-2021.meta") && message.contains("nothing was imported"),
            "{message}"
        );
        let statistics = stats(&db);
        assert_eq!(
            (
                statistics["cves"].as_u64(),
                statistics["kev_entries"].as_u64()
            ),
            (Some(0), Some(0))
        );
        assert!(
            !downloads
                .path()
                .join("vulndb-downloads/nvdcve-2.0-2021.json.gz")
                .exists(),
            "the bad file is not kept"
        );
    }
}

#[tokio::test]
async fn a_download_broken_halfway_resumes_with_a_range_request() {
    let Some(data) = data_dir() else { return };
    for db in every_backend().await {
        let files = mirror(&data);
        let length = files["/nvd/nvdcve-2.0-2021.json.gz"].len();
        let server = serve(files, Some("/nvd/nvdcve-2.0-2021.json.gz"));
        let downloads = tempfile::tempdir().unwrap();
        let output = update(&db, &server, downloads.path());
        let report = json(&output);
        assert_eq!(report["new"], 153);
        assert!(stderr(&output).contains("resuming"), "{}", stderr(&output));
        let requests = server.requests.lock().unwrap();
        let feed: Vec<&Option<String>> = requests
            .iter()
            .filter(|(path, _)| path == "/nvd/nvdcve-2.0-2021.json.gz")
            .map(|(_, range)| range)
            .collect();
        assert_eq!(
            feed,
            [&None, &Some(format!("bytes={}-", length / 2))],
            "{requests:?}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_source_is_explained_in_the_users_language() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let source = format!("http://127.0.0.1:{port}");
    let data_dir = tempfile::tempdir().unwrap();
    for db in every_backend().await {
        for (lang, expected) in [
            ("zh-TW", "對方拒絕連線"),
            ("en", "the connection was refused"),
        ] {
            let output = govsec_in(
                &db,
                data_dir.path(),
                lang,
                &["vulndb", "update", "--source", &source, "--years", "2021"],
            );
            assert!(!output.status.success());
            let message = stderr(&output);
            assert!(message.contains(&source), "{message}");
            assert!(message.contains(expected), "{lang}: {message}");
        }
    }
}

#[tokio::test]
async fn file_flags_without_nvd_files_are_refused_not_ignored() {
    for db in every_backend().await {
        for args in [
            &[
                "vulndb",
                "lookup",
                "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
                "--kev",
                "k.json",
            ][..],
            &["vulndb", "stats", "--skip-invalid"],
        ] {
            let output = govsec(&db, args);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?}: {}",
                stderr(&output)
            );
            assert!(stderr(&output).contains("--nvd"), "{}", stderr(&output));
        }
    }
}

#[tokio::test]
async fn statistics_read_in_traditional_chinese_and_english() {
    let Some(data) = data_dir() else { return };
    let nvd = data.join("nvd/nvdcve-2.0-sample.json");
    for db in every_backend().await {
        let import = govsec(&db, &["vulndb", "import", "--nvd", path_text(&nvd)]);
        stdout(&import);
        let zh = stdout(&govsec_in(
            &db,
            &std::env::temp_dir(),
            "zh-TW",
            &["vulndb", "stats"],
        ));
        assert!(zh.contains("CVE 數：153"), "{zh}");
        assert!(zh.contains("各來源紀錄數：nvd 153"), "{zh}");
        let en = stdout(&govsec(&db, &["vulndb", "stats"]));
        assert!(
            en.contains("CVEs: 153") && en.contains("records by source: nvd 153"),
            "{en}"
        );
        assert!(!en.contains("records_by_source"), "no raw keys: {en}");
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let Some(data) = data_dir() else { return };
    let nvd = data.join("nvd/nvdcve-2.0-sample.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args([
            "vulndb",
            "lookup",
            "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
            "--nvd",
            path_text(&nvd),
            "--format",
            "json",
        ])
        .env_remove("GOVSEC_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -0`: the reading end is closed before the answer is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let message = stderr(&output);
    assert!(!message.contains("panicked"), "{message}");
    assert_eq!(output.status.code(), Some(0), "{message}");
}
