//! The demo in a real browser: headless Chromium loads the pages, follows the language switch
//! (a redirect that sets a cookie) and we read the DOM it built. Skipped, visibly, when no
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
fn the_demo_tree_and_language_switch_work_in_chromium() {
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
    BufReader::new(demo.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let base = url.trim().trim_end_matches('/').to_owned();
    let profile = dir.path().join("profile");

    let tree = dump_dom(&browser, &profile, &format!("{base}/agencies"));
    assert!(tree.contains("<html lang=\"zh-TW\">"), "{tree}");
    assert!(tree.contains("共 206 個機關"));
    assert!(
        tree.contains("<details open=\"\"><summary><a href=\"/agencies/A00000000A\">行政院</a>")
    );

    // The switch redirects back to the page and leaves a cookie the next page load uses.
    let english = dump_dom(
        &browser,
        &profile,
        &format!("{base}/lang/en?next=/agencies/301000000A"),
    );
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(
        english.contains("Ministry of the Interior") && english.contains("Subordinate agencies")
    );
    let again = dump_dom(&browser, &profile, &format!("{base}/vans"));
    assert!(
        again.contains("VANS and EDR coverage of core systems"),
        "{again}"
    );

    demo.kill().unwrap();
    demo.wait().unwrap();
}
