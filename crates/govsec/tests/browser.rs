//! The demo in a real browser: headless Chromium follows the redirect to the sign-in page and
//! the language switch (a redirect that sets a cookie), and we read the DOM it built. Skipped, visibly, when no
//! Chromium is installed; `.ci/run` installs Debian's.

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
