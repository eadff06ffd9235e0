//! The demo in a real browser: headless Chromium follows the redirect to the sign-in page and
//! the language switch (a redirect that sets a cookie), and we read the DOM it built; then,
//! driven over the DevTools protocol with a virtual FIDO2 authenticator, it registers a security
//! key on the account page and signs in with it through govsec's own pages and script. Skipped,
//! visibly, when no Chromium is installed; `.ci/run` installs Debian's.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

fn chromium() -> Option<String> {
    let candidates = [
        std::env::var("GOVSEC_TEST_CHROMIUM").ok(),
        Some("/usr/bin/chromium".to_owned()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|path| Path::new(path).exists())
}

fn dump_dom(browser: &str, profile: &Path, url: &str) -> String {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stderr(Stdio::null())
        .output()
        .expect("run Chromium");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_sign_in_page_and_language_switch_work_in_chromium() {
    let Some(browser) = chromium() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: browser test (no Chromium; .ci/run installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut demo = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(["demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("GOVSEC_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    // The reader stays open for the demo's lifetime, as a terminal would.
    let mut stdout = BufReader::new(demo.stdout.take().unwrap());
    stdout.read_line(&mut url).unwrap();
    let base = url.trim().trim_end_matches('/').to_owned();
    let profile = dir.path().join("profile");

    // Signed out, the tree sends the browser to the sign-in page, which in demo mode lists the
    // demo accounts with their current codes.
    let sign_in = dump_dom(&browser, &profile, &format!("{base}/agencies"));
    assert!(sign_in.contains("<html lang=\"zh-TW\">"), "{sign_in}");
    assert!(sign_in.contains("name=\"password\"") && sign_in.contains("示範帳號"));
    assert!(sign_in.contains("<code>officer.npa</code>"));

    // The switch redirects back to the page and leaves a cookie the next page load uses.
    let english = dump_dom(&browser, &profile, &format!("{base}/lang/en?next=/login"));
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(english.contains("Demo accounts (shown in demo mode only)"));
    let again = dump_dom(&browser, &profile, &format!("{base}/agencies"));
    assert!(
        again.contains("Sign in") && again.contains("<html lang=\"en\">"),
        "{again}"
    );

    demo.kill().unwrap();
    demo.wait().unwrap();
}

/// A DevTools protocol connection to one page of a browser.
struct DevTools {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
    next_id: u64,
    session: Option<String>,
}

impl DevTools {
    /// Sends a command (to the attached page, once there is one) and waits for its result;
    /// events that arrive meanwhile are not needed and are skipped.
    async fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        match self.try_call(method, params).await {
            Ok(result) => result,
            Err(reply) => panic!("{method}: {reply}"),
        }
    }

    /// [`call`](Self::call), with Chromium's error reply as the error.
    async fn try_call(
        &mut self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, serde_json::Value> {
        use futures_util::{SinkExt, StreamExt};
        self.next_id += 1;
        let id = self.next_id;
        let mut message = serde_json::json!({"id": id, "method": method, "params": params});
        if let Some(session) = &self.session {
            message["sessionId"] = serde_json::Value::String(session.clone());
        }
        self.socket
            .send(tokio_tungstenite::tungstenite::Message::Text(
                message.to_string().into(),
            ))
            .await
            .unwrap();
        loop {
            let frame =
                tokio::time::timeout(std::time::Duration::from_secs(30), self.socket.next())
                    .await
                    .unwrap_or_else(|_| panic!("{method}: no answer from Chromium"))
                    .expect("the DevTools connection stays open")
                    .unwrap();
            let tokio_tungstenite::tungstenite::Message::Text(text) = frame else {
                continue;
            };
            let reply: serde_json::Value = serde_json::from_str(&text).unwrap();
            if reply["id"] == id {
                if !reply["error"].is_null() {
                    return Err(reply);
                }
                return Ok(reply["result"].clone());
            }
        }
    }

    /// The value of a JavaScript expression in the page; `gesture` runs it as if the user had
    /// clicked, which WebAuthn may require.
    async fn evaluate(&mut self, expression: &str, gesture: bool) -> serde_json::Value {
        let result = self
            .call(
                "Runtime.evaluate",
                serde_json::json!({"expression": expression, "returnByValue": true, "userGesture": gesture}),
            )
            .await;
        result["result"]["value"].clone()
    }

    /// Waits until the expression is true in a loaded page, for at most 30 seconds. A page that
    /// is navigating away while it is asked answers with an error: that is "not yet".
    async fn wait_for(&mut self, condition: &str) {
        let check = format!("document.readyState === 'complete' && ({condition})");
        for _ in 0..300 {
            let answer = self
                .try_call(
                    "Runtime.evaluate",
                    serde_json::json!({"expression": check, "returnByValue": true}),
                )
                .await;
            if answer.is_ok_and(|result| result["result"]["value"] == serde_json::Value::Bool(true))
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let page = self
            .evaluate("location.href + '\\n' + document.body.innerText", false)
            .await;
        panic!("waited in vain for {condition}; the page: {page}");
    }

    async fn open(&mut self, url: &str) {
        self.call("Page.navigate", serde_json::json!({"url": url}))
            .await;
        self.wait_for(&format!(
            "location.href === {}",
            serde_json::Value::String(url.to_owned())
        ))
        .await;
    }
}

/// Signs in with the password, landing on the second-factor page.
async fn password_step(page: &mut DevTools, base: &str, login: &str, password: &str) {
    page.open(&format!("{base}/login?next=/audit-log")).await;
    let fill = format!(
        "document.querySelector('input[name=login]').value = {};\
         document.querySelector('input[name=password]').value = {};\
         document.querySelector('input[name=password]').form.submit(); true",
        serde_json::Value::String(login.to_owned()),
        serde_json::Value::String(password.to_owned()),
    );
    page.evaluate(&fill, false).await;
    page.wait_for("location.pathname === '/login/second-factor'")
        .await;
}

#[tokio::test]
async fn a_security_key_registers_and_signs_in_in_chromium() {
    let Some(browser) = chromium() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: security-key browser test (no Chromium; .ci/run installs it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut demo = Command::new(env!("CARGO_BIN_EXE_govsec"))
        .args(["demo", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .env_remove("GOVSEC_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(demo.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    // WebAuthn needs a domain (an IP address cannot be a relying party ID), and the demo's
    // relying party is localhost, a secure context even over http.
    let base = url
        .trim()
        .trim_end_matches('/')
        .replace("127.0.0.1", "localhost");
    let mut password = None;
    for _ in 0..5 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let fields: Vec<&str> = line.trim().split('\t').collect();
        if fields[0] == "admin.acs" {
            password = Some(fields[1].to_owned());
        }
    }
    let password = password.expect("the demo prints the administrator's password");

    let profile = dir.path().join("cdp-profile");
    let mut chromium = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(chromium.stderr.take().unwrap());
    let endpoint = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "Chromium ended without a DevTools address"
        );
        if let Some(at) = line.find("ws://") {
            break line[at..].trim().to_owned();
        }
    };
    // Chromium keeps writing to stderr; reading it on keeps the pipe from filling.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));

    let (socket, _) = tokio_tungstenite::connect_async(endpoint.as_str())
        .await
        .unwrap();
    let mut page = DevTools {
        socket,
        next_id: 0,
        session: None,
    };
    let target = page
        .call(
            "Target.createTarget",
            serde_json::json!({"url": "about:blank"}),
        )
        .await;
    let attached = page
        .call(
            "Target.attachToTarget",
            serde_json::json!({"targetId": target["targetId"], "flatten": true}),
        )
        .await;
    page.session = Some(attached["sessionId"].as_str().unwrap().to_owned());
    page.call("Page.enable", serde_json::json!({})).await;
    page.call("WebAuthn.enable", serde_json::json!({"enableUI": false}))
        .await;
    let authenticator = page
        .call(
            "WebAuthn.addVirtualAuthenticator",
            serde_json::json!({"options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": false,
                "hasUserVerification": true,
                "isUserVerified": true,
                "automaticPresenceSimulation": true,
            }}),
        )
        .await;
    let authenticator = authenticator["authenticatorId"].clone();

    // First sign-in with the demo's TOTP code, which the demo's sign-in page shows.
    page.open(&format!("{base}/login")).await;
    let code = page
        .evaluate(
            "Array.from(document.querySelectorAll('tbody tr'))\
             .find(row => row.cells[0].innerText === 'admin.acs').cells[3].innerText",
            false,
        )
        .await;
    let code = code.as_str().expect("the demo shows a code").to_owned();
    password_step(&mut page, &base, "admin.acs", &password).await;
    page.evaluate(
        &format!(
            "document.querySelector('input[name=code]').value = '{code}';\
             document.querySelector('input[name=code]').form.submit(); true"
        ),
        false,
    )
    .await;
    page.wait_for("location.pathname === '/audit-log'").await;

    // Register the virtual key from the account page.
    page.open(&format!("{base}/account/security-keys")).await;
    page.evaluate(
        "document.querySelector('input[name=label]').value = 'Chromium virtual key';\
         document.querySelector('input[name=label]').form.submit(); true",
        false,
    )
    .await;
    page.wait_for("document.querySelector('form[data-webauthn=create]') !== null")
        .await;
    page.evaluate(
        "document.querySelector('form[data-webauthn] button').click(); true",
        true,
    )
    .await;
    page.wait_for("location.search.startsWith('?added=')").await;
    let listed = page.evaluate("document.body.innerText", false).await;
    let listed = listed.as_str().unwrap();
    assert!(
        listed.contains("Chromium virtual key") && listed.contains("已登錄安全金鑰"),
        "{listed}"
    );
    let credentials = page
        .call(
            "WebAuthn.getCredentials",
            serde_json::json!({"authenticatorId": authenticator}),
        )
        .await;
    assert_eq!(credentials["credentials"].as_array().unwrap().len(), 1);

    // Sign out, then sign in with the key instead of a code.
    page.open(&format!("{base}/logout")).await;
    page.evaluate(
        "document.querySelector('button[value=this]').click(); true",
        false,
    )
    .await;
    page.wait_for("location.pathname === '/login'").await;
    password_step(&mut page, &base, "admin.acs", &password).await;
    page.wait_for("document.querySelector('form[data-webauthn=get]') !== null")
        .await;
    page.evaluate(
        "document.querySelector('form[data-webauthn] button').click(); true",
        true,
    )
    .await;
    page.wait_for("location.pathname === '/audit-log'").await;
    let log = page.evaluate("document.body.innerText", false).await;
    let log = log.as_str().unwrap();
    assert!(
        log.contains("session.sign_in") && log.contains("security key"),
        "{log}"
    );
    assert!(log.contains("security_key.register"), "{log}");
    let credentials = page
        .call(
            "WebAuthn.getCredentials",
            serde_json::json!({"authenticatorId": authenticator}),
        )
        .await;
    assert!(credentials["credentials"][0]["signCount"].as_u64().unwrap() >= 1);

    chromium.kill().unwrap();
    chromium.wait().unwrap();
    demo.kill().unwrap();
    demo.wait().unwrap();
}
