//! The `govsec` command as a user runs it: real processes, real databases, exit codes.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use govsec_store::testing::{TestDatabase, every_backend};

fn govsec(db: &TestDatabase, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(args)
        .arg("--database-url")
        .arg(&db.url)
        .arg("--lang")
        .arg("en")
        .env_remove("GOVSEC_CONFIG")
        .output()
        .expect("run govsec")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

const HEADER: &str = "機關代碼,機關名稱,英文名稱,機關層級,上級機關代碼,資通安全責任等級,公文交換層級,交換中心類型,聯絡人,網站,資訊系統\n";

fn good_registry() -> String {
    format!(
        "{HEADER}A00000000A,行政院,Executive Yuan,其他,,A,管理層,,,https://www.ey.gov.tw/,\n\
301000000A,=內政部,Ministry of the Interior,二級機關,A00000000A,A,交換層,自管,資安長|資安長|ciso@moi.gov.tw|02-2356-5000,https://www.moi.gov.tw/,戶役政資訊系統|是|是|否\n"
    )
}

#[tokio::test]
async fn a_bad_import_lists_every_error_exits_2_and_writes_nothing() {
    for db in every_backend().await {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.csv", &good_registry());
        assert!(govsec(&db, &["agency", "import", &good]).status.success());
        let bad = write(
            dir.path(),
            "bad.csv",
            &format!(
                "{HEADER}303000000B,外交部,,二級機關,A00000000A,A,,,,https://www.mofa.gov.tw/,\n\
305000000C,國防部,,二級機關,777777777Z,A,,,,,\n\
307000000D,財政部,,二級機關,A00000000A,Q,,,,http//mof,\n\
307000000D,財政部,,二級機關,A00000000A,A,,,,,\n\
A00000000A,行政院,,其他,301000000A,A,,,,,\n"
            ),
        );
        let output = govsec(&db, &["agency", "import", &bad]);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8(output.stderr).unwrap();
        for wanted in [
            format!(
                "{bad}:3:5: supervising agency 777777777Z is neither in the file nor in the registry"
            ),
            format!("{bad}:4:6: responsibility level “Q” is invalid"),
            format!("{bad}:4:10: malformed URL “http//mof”"),
            format!("{bad}:5:1: agency code 307000000D already appears on row 4"),
            format!("{bad}:6:5: the supervising agencies form a cycle"),
            "import aborted, nothing was written: 5 errors".to_owned(),
        ] {
            assert!(stderr.contains(&wanted), "missing {wanted:?} in:\n{stderr}");
        }
        let export = govsec(&db, &["agency", "export", "--headers", "en"]);
        assert!(export.status.success());
        let text = String::from_utf8(export.stdout).unwrap();
        assert_eq!(
            text.lines().count(),
            3,
            "only the first import is there:\n{text}"
        );
        assert!(!text.contains("303000000B"));
    }
}

#[tokio::test]
async fn export_neutralises_formulas_and_round_trips_through_xlsx() {
    for db in every_backend().await {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.csv", &good_registry());
        let imported = govsec(&db, &["agency", "import", &good, "--format", "json"]);
        let summary: serde_json::Value = serde_json::from_slice(&imported.stdout).unwrap();
        assert_eq!(summary["created"], 2);
        let csv = String::from_utf8(govsec(&db, &["agency", "export"]).stdout).unwrap();
        assert!(csv.starts_with("\u{feff}機關代碼,機關名稱"));
        assert!(csv.contains(",'=內政部,"), "{csv}");
        let xlsx = dir.path().join("registry.xlsx");
        let xlsx = xlsx.to_str().unwrap();
        let exported = govsec(
            &db,
            &["agency", "export", "--format", "xlsx", "--output", xlsx],
        );
        assert!(
            exported.status.success(),
            "{}",
            String::from_utf8_lossy(&exported.stderr)
        );
        let again = govsec(&db, &["agency", "import", xlsx, "--format", "json"]);
        let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(
            (summary["created"].as_i64(), summary["updated"].as_i64()),
            (Some(0), Some(2))
        );
        let after = String::from_utf8(govsec(&db, &["agency", "export"]).stdout).unwrap();
        assert_eq!(after, csv);
        let subtree =
            String::from_utf8(govsec(&db, &["agency", "export", "--subtree", "301000000A"]).stdout)
                .unwrap();
        assert_eq!(subtree.lines().count(), 2);
    }
}

#[tokio::test]
async fn unreadable_files_and_bad_flags_exit_2_with_the_name() {
    for db in every_backend().await {
        let output = govsec(&db, &["agency", "import", "/nonexistent/agencies.csv"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .contains("/nonexistent/agencies.csv: cannot read the file")
        );
        let output = govsec(&db, &["agency", "export", "--subtree", "bad"]);
        assert_eq!(output.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&output.stderr).contains("--subtree"));
        let output = govsec(&db, &["agency", "import"]);
        assert_eq!(output.status.code(), Some(2));
        // A public origin that cannot be a WebAuthn relying party stops serve before it listens.
        for origin in ["http://govsec.example.gov.tw", "https://192.0.2.7"] {
            let output = govsec(
                &db,
                &["serve", "--addr", "127.0.0.1:0", "--public-origin", origin],
            );
            assert_eq!(output.status.code(), Some(2), "{origin}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(origin) && stderr.contains("security keys"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn a_bad_configuration_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "govsec.toml", "[web]\nadress = \"x\"\n");
    let output = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(["migrate", "--config", &config])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("govsec.toml") && stderr.contains("adress"),
        "{stderr}"
    );
}

/// One HTTP/1.1 exchange over a fresh connection, as plain as a browser's.
struct Exchange {
    status: u16,
    location: String,
    cookies: Vec<(String, String)>,
    body: String,
}

fn exchange(address: &str, method: &str, path: &str, cookie: &str, form: Option<&str>) -> Exchange {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let body = form.unwrap_or_default();
    let content = if form.is_some() {
        format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        )
    } else {
        String::new()
    };
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n{content}Connection: close\r\n\r\n{body}").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut location = String::new();
    let mut cookies = Vec::new();
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(": ") else {
            continue;
        };
        match name.to_ascii_lowercase().as_str() {
            "location" => location = value.to_owned(),
            "set-cookie" => {
                if let Some((key, rest)) = value
                    .split(';')
                    .next()
                    .and_then(|pair| pair.split_once('='))
                {
                    cookies.push((key.to_owned(), rest.to_owned()));
                }
            }
            _ => {}
        }
    }
    Exchange {
        status,
        location,
        cookies,
        body: body.to_owned(),
    }
}

impl Exchange {
    fn cookie(&self, name: &str) -> String {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a CSRF field")
            + 19;
        self.body[at..].split('"').next().unwrap().to_owned()
    }

    /// The current code the demo's sign-in page shows for `login`.
    fn demo_code(&self, login: &str) -> String {
        let row = self
            .body
            .find(&format!("<code>{login}</code>"))
            .expect("the demo account is listed");
        let rest = &self.body[row + login.len() + 13..];
        let at = rest.find("<code>").unwrap() + 6;
        rest[at..].split('<').next().unwrap().to_owned()
    }
}

#[test]
fn the_demo_signs_in_each_role_and_serves_the_agency_tree_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(["demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("GOVSEC_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let base = line.trim().trim_end_matches('/').to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line:?}");
    let address = base.trim_start_matches("http://").to_owned();
    let mut accounts = Vec::new();
    for _ in 0..5 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let fields: Vec<String> = line.trim().split('\t').map(str::to_owned).collect();
        assert_eq!(fields.len(), 4, "{line:?}");
        accounts.push(fields);
    }
    let roles: Vec<&str> = accounts.iter().map(|a| a[2].as_str()).collect();
    assert_eq!(
        roles,
        [
            "authority_admin",
            "authority_analyst",
            "supervisor",
            "agency_officer",
            "auditor"
        ]
    );

    let anonymous = exchange(&address, "GET", "/agencies", "", None);
    assert_eq!(
        (anonymous.status, anonymous.location.as_str()),
        (303, "/login?next=/agencies")
    );

    let sign_in = |login: &str, password: &str| -> String {
        let form = exchange(&address, "GET", "/login?next=/agencies", "", None);
        assert_eq!(form.status, 200);
        let token = form.cookie("govsec_signin");
        let code = form.demo_code(login);
        let step = exchange(
            &address,
            "POST",
            "/login?next=/agencies",
            &format!("govsec_signin={token}"),
            Some(&format!("login={login}&password={password}&csrf={token}")),
        );
        assert_eq!(step.status, 303, "{}", step.body);
        let pending = format!("govsec_session={}", step.cookie("govsec_session"));
        let second = exchange(
            &address,
            "GET",
            "/login/second-factor?next=/agencies",
            &pending,
            None,
        );
        let done = exchange(
            &address,
            "POST",
            "/login/second-factor?next=/agencies",
            &pending,
            Some(&format!("code={code}&csrf={}", second.csrf())),
        );
        assert_eq!(
            (done.status, done.location.as_str()),
            (303, "/agencies"),
            "{}",
            done.body
        );
        format!("govsec_session={}", done.cookie("govsec_session"))
    };
    let admin = sign_in(&accounts[0][0], &accounts[0][1]);
    let zh = exchange(
        &address,
        "GET",
        "/agencies",
        &format!("govsec_lang=zh-TW; {admin}"),
        None,
    );
    assert_eq!(zh.status, 200);
    for name in ["行政院", "內政部", "臺北市政府", "連江縣政府"] {
        assert!(zh.body.contains(name), "missing {name}");
    }
    let en = exchange(
        &address,
        "GET",
        "/agencies",
        &format!("govsec_lang=en; {admin}"),
        None,
    );
    assert!(en.body.contains("Executive Yuan") && en.body.contains("Ministry of the Interior"));
    let agency = exchange(
        &address,
        "GET",
        "/agencies/A00000000A",
        &format!("govsec_lang=en; {admin}"),
        None,
    );
    assert!(agency.status == 200 && agency.body.contains("Subordinate agencies"));

    let officer = sign_in(&accounts[3][0], &accounts[3][1]);
    let own = exchange(&address, "GET", "/agencies", &officer, None);
    assert!(
        own.body.contains("共 1 個機關") && own.body.contains("內政部警政署"),
        "{}",
        own.body
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(dir.path().join("demo.sqlite3").exists());
}

#[test]
fn serve_shuts_down_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--lang",
            "en",
            "--data-dir",
        ])
        .arg(dir.path())
        .env_remove("GOVSEC_DATABASE_URL")
        .env_remove("GOVSEC_CONFIG")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "serve exited before listening"
        );
    }
    let address = line
        .split("http://")
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches('/')
        .to_owned();
    std::net::TcpStream::connect(&address).expect("serve accepts connections");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "serve exited with {status} after SIGTERM");
    assert!(dir.path().join("govsec.sqlite3").exists());
}

/// A database with three audit entries: two imports and an export.
async fn audited(db: &TestDatabase) {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.csv", &good_registry());
    assert!(govsec(db, &["agency", "import", &good]).status.success());
    assert!(govsec(db, &["agency", "import", &good]).status.success());
    assert!(govsec(db, &["agency", "export"]).status.success());
}

fn verify(db: &TestDatabase, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["audit", "verify"];
    args.extend_from_slice(extra);
    let output = govsec(db, &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[tokio::test]
async fn audit_verify_detects_each_kind_of_tampering() {
    type Scenario = (&'static str, &'static [&'static str], serde_json::Value);
    let scenarios: Vec<Scenario> = vec![
        (
            "modified",
            &["UPDATE audit_log SET object = 'nothing happened' WHERE sequence = 2"],
            serde_json::json!({"kind": "modified", "sequence": 2}),
        ),
        (
            "deleted",
            &["DELETE FROM audit_log WHERE sequence = 2"],
            serde_json::json!({"kind": "deleted", "first": 2, "last": 2}),
        ),
        (
            "reordered",
            &[
                "UPDATE audit_log SET sequence = 100 WHERE sequence = 1",
                "UPDATE audit_log SET sequence = 1 WHERE sequence = 2",
                "UPDATE audit_log SET sequence = 2 WHERE sequence = 100",
            ],
            serde_json::json!({"kind": "reordered", "sequence": 1, "points_to": 2}),
        ),
        (
            "inserted",
            &[
                "UPDATE audit_log SET sequence = sequence + 100 WHERE sequence >= 2",
                "UPDATE audit_log SET sequence = sequence - 99 WHERE sequence >= 100",
                "INSERT INTO audit_log (sequence, at, actor, agency, role, action, object, client_address, previous_hash, content_hash) \
                 SELECT 2, at, actor, agency, role, action, 'forged', client_address, content_hash, content_hash FROM audit_log WHERE sequence = 1",
            ],
            // The forged row's own hash is wrong too, which is found first.
            serde_json::json!({"kind": "modified", "sequence": 2}),
        ),
    ];
    for (name, statements, expected) in scenarios {
        for db in every_backend().await {
            audited(&db).await;
            let before = verify(&db, &[]);
            assert_eq!(before["intact"], true, "{name}: {before}");
            assert_eq!(before["entries"], 3);
            for statement in statements {
                db.tamper(statement).await;
            }
            let after = verify(&db, &[]);
            assert_eq!(after["intact"], false, "{name}: {after}");
            assert_eq!(after["tampering"], expected, "{name}: {after}");
        }
    }
}

#[tokio::test]
async fn a_forged_entry_with_a_correct_hash_is_found_as_inserted() {
    use govsec_core::audit::{AuditRecord, ChainHash, ChainHead, chain};
    for db in every_backend().await {
        audited(&db).await;
        let entries = db.store.audit_chain().await.unwrap();
        let forged = chain(
            &ChainHead {
                sequence: 1,
                hash: entries[0].content_hash.clone(),
            },
            AuditRecord {
                object: "forged".into(),
                ..entries[0].record.clone()
            },
        );
        db.tamper("UPDATE audit_log SET sequence = sequence + 100 WHERE sequence >= 2")
            .await;
        db.tamper("UPDATE audit_log SET sequence = sequence - 99 WHERE sequence >= 100")
            .await;
        let r = &forged.record;
        let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
        let optional = |s: &Option<String>| s.as_deref().map_or("NULL".to_owned(), quote);
        db.tamper(&format!(
            "INSERT INTO audit_log (sequence, at, actor, agency, role, action, object, client_address, previous_hash, content_hash) VALUES (2, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            quote(&r.at), quote(&r.actor), optional(&r.agency), optional(&r.role), quote(&r.action), quote(&r.object),
            optional(&r.client_address), quote(forged.previous_hash.as_str()), quote(forged.content_hash.as_str()),
        ))
        .await;
        let after = verify(&db, &[]);
        assert_eq!(
            after["tampering"],
            serde_json::json!({"kind": "inserted", "sequence": 2}),
            "{after}"
        );
        assert!(ChainHash::parse(forged.content_hash.as_str()).is_some());
    }
}

#[tokio::test]
async fn deleting_the_newest_entries_is_caught_with_an_anchor() {
    for db in every_backend().await {
        audited(&db).await;
        let head = verify(&db, &[])["head"].as_str().unwrap().to_owned();
        assert!(head.starts_with("3:"));
        assert_eq!(verify(&db, &["--anchor", &head])["intact"], true);
        db.tamper("DELETE FROM audit_log WHERE sequence = 3").await;
        assert_eq!(
            verify(&db, &[])["intact"],
            true,
            "without an anchor a shorter chain is whole"
        );
        let after = verify(&db, &["--anchor", &head]);
        assert_eq!(
            after["tampering"],
            serde_json::json!({"kind": "anchor_missing", "sequence": 3})
        );
        let bad = govsec(&db, &["audit", "verify", "--anchor", "nonsense"]);
        assert_eq!(bad.status.code(), Some(2));
    }
}

fn plain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cpe_and_version_commands_follow_the_contract() {
    let parsed = plain(&[
        "cpe",
        "parse",
        "cpe:/a:microsoft:internet_explorer:8.0.6001:beta",
    ]);
    assert!(parsed.status.success());
    let wfn: serde_json::Value = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(wfn["vendor"], "microsoft");
    assert_eq!(wfn["update"], "beta");
    assert_eq!(wfn["edition"], "ANY");
    let compare = |a: &str, b: &str| {
        String::from_utf8(plain(&["cpe", "compare", a, b]).stdout)
            .unwrap()
            .trim()
            .to_owned()
    };
    assert_eq!(
        compare(
            "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"
        ),
        "SUPERSET"
    );
    assert_eq!(
        compare(
            "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*"
        ),
        "SUBSET"
    );
    assert_eq!(
        compare(
            "cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"
        ),
        "DISJOINT"
    );
    assert_eq!(
        compare(
            "cpe:/a:apache:http_server:2.4.49",
            "cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*"
        ),
        "EQUAL"
    );
    let version = |a: &str, b: &str| {
        String::from_utf8(plain(&["version", "compare", a, b]).stdout)
            .unwrap()
            .trim()
            .to_owned()
    };
    assert_eq!(version("1.10", "1.9"), ">");
    assert_eq!(version("1.0", "1.0.0"), "=");
    assert_eq!(version("1.0-rc1", "1.0"), "<");
    assert_eq!(version("1.0.1g", "1.0.1f"), ">");
    let bad = plain(&["cpe", "parse", "cpe:2.3:a:vendor"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!bad.stderr.is_empty());
    assert_eq!(
        plain(&["cpe", "compare", "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn vulndb_lookup_ranks_the_real_sample() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !data.exists() {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"SKIPPED: vulndb CLI test (no ../shared/data)\n",
        );
        return;
    }
    let nvd = data.join("nvd/nvdcve-2.0-sample.json");
    let kev = data.join("kev/known_exploited_vulnerabilities.json");
    let output = plain(&[
        "vulndb",
        "lookup",
        "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
        "--nvd",
        nvd.to_str().unwrap(),
        "--kev",
        kev.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let first = text
        .find("CVE-2021-44228")
        .expect("Log4Shell applies to 2.14.1");
    assert!(text.contains("CVE-2021-45046"));
    assert!(
        first < text.find("CVE-2021-45046").unwrap(),
        "ranked by KEV, then CVSS"
    );
    let fixed = plain(&[
        "vulndb",
        "lookup",
        "cpe:2.3:a:apache:log4j:2.17.1:*:*:*:*:*:*:*",
        "--nvd",
        nvd.to_str().unwrap(),
    ]);
    assert!(!String::from_utf8_lossy(&fixed.stdout).contains("CVE-2021-44228"));
    let bad = plain(&[
        "vulndb",
        "lookup",
        "not-a-cpe",
        "--nvd",
        nvd.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test]
async fn user_add_creates_an_account_with_a_password_shown_once() {
    for db in every_backend().await {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.csv", &good_registry());
        assert!(govsec(&db, &["agency", "import", &good]).status.success());
        let added = govsec(
            &db,
            &[
                "user",
                "add",
                "ciso.moi",
                "--agency",
                "301000000A",
                "--role",
                "supervisor",
                "--email",
                "ciso@moi.gov.tw",
            ],
        );
        assert!(
            added.status.success(),
            "{}",
            String::from_utf8_lossy(&added.stderr)
        );
        let line = String::from_utf8(added.stdout).unwrap();
        let (login, password) = line.trim().split_once('\t').unwrap();
        assert_eq!(login, "ciso.moi");
        assert!(password.chars().count() >= 12);
        let user = db
            .store
            .user(&govsec_identity::LoginName::parse("ciso.moi").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(
            user.password_hash.starts_with("$argon2id$") && !user.password_hash.contains(password)
        );
        assert_eq!(
            govsec(
                &db,
                &[
                    "user",
                    "add",
                    "ciso.moi",
                    "--agency",
                    "301000000A",
                    "--role",
                    "supervisor"
                ]
            )
            .status
            .code(),
            Some(2)
        );
        assert_eq!(
            govsec(
                &db,
                &[
                    "user",
                    "add",
                    "x.y",
                    "--agency",
                    "999999999Z",
                    "--role",
                    "supervisor"
                ]
            )
            .status
            .code(),
            Some(2)
        );
        assert_eq!(
            govsec(
                &db,
                &[
                    "user",
                    "add",
                    "x.y",
                    "--agency",
                    "301000000A",
                    "--role",
                    "king"
                ]
            )
            .status
            .code(),
            Some(2)
        );
        assert_eq!(
            govsec(
                &db,
                &[
                    "user",
                    "add",
                    "X Y",
                    "--agency",
                    "301000000A",
                    "--role",
                    "auditor"
                ]
            )
            .status
            .code(),
            Some(2)
        );
    }
}

#[tokio::test]
async fn tokens_are_created_once_listed_and_revoked() {
    for db in every_backend().await {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "good.csv", &good_registry());
        assert!(govsec(&db, &["agency", "import", &good]).status.success());
        assert!(
            govsec(
                &db,
                &[
                    "user",
                    "add",
                    "officer.moi",
                    "--agency",
                    "301000000A",
                    "--role",
                    "agency_officer"
                ]
            )
            .status
            .success()
        );
        let created = govsec(
            &db,
            &[
                "token",
                "create",
                "--user",
                "officer.moi",
                "--days",
                "7",
                "--label",
                "nightly",
            ],
        );
        assert!(
            created.status.success(),
            "{}",
            String::from_utf8_lossy(&created.stderr)
        );
        let line = String::from_utf8(created.stdout).unwrap();
        let (id, token) = line.trim().split_once('\t').unwrap();
        assert!(token.starts_with("govsec_"));
        let listed =
            String::from_utf8(govsec(&db, &["token", "list", "--user", "officer.moi"]).stdout)
                .unwrap();
        assert!(listed.contains(id) && listed.contains("active") && !listed.contains(token));
        assert_eq!(
            govsec(
                &db,
                &[
                    "token",
                    "create",
                    "--user",
                    "officer.moi",
                    "--role",
                    "authority_admin"
                ]
            )
            .status
            .code(),
            Some(2),
            "no escalation"
        );
        assert_eq!(
            govsec(
                &db,
                &["token", "create", "--user", "officer.moi", "--days", "365"]
            )
            .status
            .code(),
            Some(2)
        );
        assert!(
            govsec(&db, &["token", "revoke", "--user", "officer.moi", id])
                .status
                .success()
        );
        assert_eq!(
            govsec(&db, &["token", "revoke", "--user", "officer.moi", id])
                .status
                .code(),
            Some(2)
        );
        assert!(
            String::from_utf8(govsec(&db, &["token", "list", "--user", "officer.moi"]).stdout)
                .unwrap()
                .contains("revoked")
        );
        assert_eq!(
            govsec(&db, &["token", "list", "--user", "nobody"])
                .status
                .code(),
            Some(2)
        );
    }
}
