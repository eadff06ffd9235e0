//! Bad input: truncated or malformed JSON, a wrong schema version, an
//! invalid CVSS vector, a CPE that does not parse, a bad KEV date or EPSS
//! line. Each error names the file, the CVE and the field; with
//! `skip_invalid` the reader goes on and reports what it skipped.

use std::io::Write;
use std::path::{Path, PathBuf};

use govsec_vulndb::{Error, ReadOptions, read_epss_file, read_kev_file, read_nvd_file};

const GOOD: &str = r#"{"cve":{"id":"CVE-2024-0001","vulnStatus":"Analyzed","published":"2024-01-02T03:04:05.678","lastModified":"2024-01-02T03:04:05.678","descriptions":[{"lang":"en","value":"good"}],"metrics":{"cvssMetricV31":[{"source":"nvd@nist.gov","type":"Primary","cvssData":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"}}]},"configurations":[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:example:app:1.0:*:*:*:*:*:*:*","matchCriteriaId":"D907BEC2-6930-4989-A6E1-847B4763BB12"}]}]}]}}"#;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("govsec-vulndb-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn feed(records: &[&str]) -> String {
    format!(
        r#"{{"resultsPerPage":{n},"startIndex":0,"totalResults":{n},"format":"NVD_CVE","version":"2.0","timestamp":"2026-01-01T00:00:00.000","vulnerabilities":[{}]}}"#,
        records.join(","),
        n = records.len()
    )
}

fn read(path: &Path, skip_invalid: bool) -> Result<(Vec<String>, Vec<Error>), Error> {
    let mut ids = Vec::new();
    let report = read_nvd_file(path, ReadOptions { skip_invalid }, |record| {
        ids.push(record.id.to_string())
    })?;
    Ok((ids, report.skipped))
}

fn bad(replace: &str, with: &str) -> String {
    assert!(GOOD.contains(replace), "{replace}");
    GOOD.replace("CVE-2024-0001", "CVE-2024-0002")
        .replace(replace, with)
}

#[test]
fn truncated_json_names_the_file_and_the_record_after_the_last_good_one() {
    let dir = TempDir::new("truncated");
    let text = feed(&[GOOD, GOOD]);
    let path = dir.write("nvdcve-2.0-2024.json", &text.as_bytes()[..text.len() - 200]);
    let error = read(&path, true).unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, Error::Json { .. }), "{message}");
    assert!(message.contains("nvdcve-2.0-2024.json"), "{message}");
    assert!(
        message.contains("vulnerabilities[1] (the record after CVE-2024-0001)"),
        "{message}"
    );
}

#[test]
fn malformed_json_gives_line_and_column() {
    let dir = TempDir::new("malformed");
    let path = dir.write(
        "feed.json",
        feed(&[GOOD])
            .replace(r#""vulnStatus":"#, r#""vulnStatus" "#)
            .as_bytes(),
    );
    match read(&path, false).unwrap_err() {
        Error::Json {
            location,
            line,
            column,
            ..
        } => {
            assert_eq!(location.file.as_deref(), Some(path.as_path()));
            assert_eq!(line, 1);
            assert!(column > 100);
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_wrong_schema_version_is_refused() {
    let dir = TempDir::new("schema");
    let path = dir.write(
        "feed.json",
        feed(&[GOOD])
            .replace(r#""version":"2.0""#, r#""version":"1.1""#)
            .as_bytes(),
    );
    let error = read(&path, true).unwrap_err();
    assert!(
        matches!(&error, Error::Schema { found, .. } if found == "1.1"),
        "{error}"
    );
    assert_eq!(error.location().field.as_deref(), Some("version"));
    let path = dir.write("other.json", br#"{"CVE_Items":[]}"#);
    assert!(matches!(
        read(&path, true).unwrap_err(),
        Error::Schema { .. }
    ));
}

#[test]
fn an_invalid_cvss_vector_names_cve_and_field_and_can_be_skipped() {
    let dir = TempDir::new("cvss");
    let broken = bad("/A:H", "/A:Q");
    let path = dir.write("feed.json", feed(&[GOOD, &broken]).as_bytes());
    let error = read(&path, false).unwrap_err();
    let location = error.location();
    assert!(matches!(error, Error::InvalidCvss { .. }), "{error}");
    assert_eq!(location.cve.unwrap().to_string(), "CVE-2024-0002");
    assert_eq!(
        location.field.as_deref(),
        Some("vulnerabilities[1].cve.metrics.cvssMetricV31[0].cvssData.vectorString")
    );
    assert!(error.to_string().contains("feed.json"));

    let (ids, skipped) = read(&path, true).unwrap();
    assert_eq!(ids, ["CVE-2024-0001"]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        skipped[0].location().cve.unwrap().to_string(),
        "CVE-2024-0002"
    );
}

#[test]
fn a_vector_of_the_wrong_version_or_a_bad_score_is_refused() {
    let dir = TempDir::new("cvss-version");
    let path = dir.write(
        "feed.json",
        feed(&[&bad("CVSS:3.1/", "CVSS:3.0/")]).as_bytes(),
    );
    let error = read(&path, false).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("v3.0 vector where v3.1 is expected"),
        "{error}"
    );
    let path = dir.write("score.json", feed(&[&bad("9.8", "19.8")]).as_bytes());
    let error = read(&path, false).unwrap_err();
    assert_eq!(
        error.location().field.as_deref(),
        Some("vulnerabilities[0].cve.metrics.cvssMetricV31[0].cvssData.baseScore")
    );
}

#[test]
fn a_cpe_that_does_not_parse_names_the_criteria_field() {
    let dir = TempDir::new("cpe");
    let path = dir.write(
        "feed.json",
        feed(&[&bad("app:1.0:*", "app:1.0:*:*")]).as_bytes(),
    );
    let error = read(&path, false).unwrap_err();
    assert!(matches!(error, Error::InvalidCpe { .. }), "{error}");
    assert_eq!(
        error.location().field.as_deref(),
        Some("vulnerabilities[0].cve.configurations[0].nodes[0].cpeMatch[0].criteria")
    );
    assert_eq!(error.location().cve.unwrap().to_string(), "CVE-2024-0002");
}

#[test]
fn a_field_of_the_wrong_type_is_named_by_its_path_and_skippable() {
    let dir = TempDir::new("type");
    let broken = bad(r#""vulnerable":true"#, r#""vulnerable":"yes""#);
    let path = dir.write("feed.json", feed(&[&broken, GOOD]).as_bytes());
    let error = read(&path, false).unwrap_err();
    assert!(matches!(error, Error::Json { .. }), "{error}");
    assert_eq!(error.location().cve.unwrap().to_string(), "CVE-2024-0002");
    assert_eq!(
        error.location().field.as_deref(),
        Some("vulnerabilities[0].cve.configurations[0].nodes[0].cpeMatch[0].vulnerable")
    );
    let (ids, skipped) = read(&path, true).unwrap();
    assert_eq!((ids.len(), skipped.len()), (1, 1));
}

#[test]
fn bad_ids_statuses_and_dates_are_refused() {
    let dir = TempDir::new("values");
    for (replace, with, field) in [
        ("CVE-2024-0002", "CVE-24-2", "vulnerabilities[0].cve.id"),
        ("Analyzed", "Done", "vulnerabilities[0].cve.vulnStatus"),
        (
            "2024-01-02T03:04:05.678\",\"lastModified",
            "2024-13-02T03:04:05.678\",\"lastModified",
            "vulnerabilities[0].cve.published",
        ),
        (
            "D907BEC2-6930",
            "D907BEC2-693",
            "vulnerabilities[0].cve.configurations[0].nodes[0].cpeMatch[0].matchCriteriaId",
        ),
    ] {
        let record = GOOD
            .replace("CVE-2024-0001", "CVE-2024-0002")
            .replace(replace, with);
        let path = dir.write("feed.json", feed(&[&record]).as_bytes());
        let error = read(&path, false).unwrap_err();
        assert!(matches!(error, Error::InvalidValue { .. }), "{error}");
        assert_eq!(error.location().field.as_deref(), Some(field), "{error}");
    }
}

#[test]
fn gzip_feeds_are_read() {
    let dir = TempDir::new("gzip");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(feed(&[GOOD]).as_bytes()).unwrap();
    let path = dir.write("nvdcve-2.0-2024.json.gz", &encoder.finish().unwrap());
    assert_eq!(read(&path, false).unwrap().0, ["CVE-2024-0001"]);
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let error = read(Path::new("/nonexistent/nvd.json"), false).unwrap_err();
    assert!(matches!(error, Error::Io { .. }));
    assert!(error.to_string().contains("/nonexistent/nvd.json"));
}

const KEV_ENTRY: &str = r#"{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Log4Shell","dateAdded":"2021-12-10","shortDescription":"JNDI","requiredAction":"Apply updates.","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","notes":"https://example.org/a ; https://example.org/b","cwes":["CWE-502"]}"#;

fn kev(entries: &[&str]) -> String {
    format!(
        r#"{{"title":"KEV","catalogVersion":"2025.08.25","dateReleased":"2025-08-25T17:04:19.9796Z","count":{},"vulnerabilities":[{}]}}"#,
        entries.len(),
        entries.join(",")
    )
}

#[test]
fn kev_entries_are_validated_and_skippable() {
    let dir = TempDir::new("kev");
    let good = dir.write("kev.json", kev(&[KEV_ENTRY]).as_bytes());
    let (catalog, _) = read_kev_file(&good, ReadOptions::default()).unwrap();
    let entry = catalog.get("CVE-2021-44228".parse().unwrap()).unwrap();
    assert_eq!(
        entry.note_links,
        ["https://example.org/a", "https://example.org/b"]
    );

    let broken = KEV_ENTRY
        .replace("CVE-2021-44228", "CVE-2021-44229")
        .replace("2021-12-24", "2021-12-32");
    let path = dir.write("kev-bad.json", kev(&[KEV_ENTRY, &broken]).as_bytes());
    let error = read_kev_file(&path, ReadOptions::default()).unwrap_err();
    assert_eq!(error.location().cve.unwrap().to_string(), "CVE-2021-44229");
    assert_eq!(
        error.location().field.as_deref(),
        Some("vulnerabilities[1].dueDate")
    );
    assert!(error.to_string().contains("kev-bad.json"));
    let (catalog, skipped) = read_kev_file(&path, ReadOptions { skip_invalid: true }).unwrap();
    assert_eq!((catalog.entries.len(), skipped.len()), (1, 1));

    let wrong_count = dir.write(
        "kev-count.json",
        kev(&[KEV_ENTRY])
            .replace(r#""count":1"#, r#""count":2"#)
            .as_bytes(),
    );
    assert!(read_kev_file(&wrong_count, ReadOptions::default()).is_err());
}

#[test]
fn epss_csv_header_and_lines() {
    let dir = TempDir::new("epss");
    let text = "#model_version:v2025.03.14,score_date:2026-11-30T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.94358,0.99957\nCVE-2024-0012,0.9,0.998\n";
    let path = dir.write("epss_scores-2026-11-30.csv", text.as_bytes());
    let (scores, skipped) = read_epss_file(&path, ReadOptions::default()).unwrap();
    assert!(skipped.is_empty());
    assert_eq!(scores.model_version, "v2025.03.14");
    assert_eq!(scores.score_date.as_str(), "2026-11-30T00:00:00+0000");
    let log4shell = scores.get("CVE-2021-44228".parse().unwrap()).unwrap();
    assert_eq!((log4shell.epss, log4shell.percentile), (0.94358, 0.99957));

    let broken = format!("{text}CVE-2024-0013,1.5,0.2\nCVE-2024-14,0.1,0.2\n");
    let path = dir.write("epss-bad.csv", broken.as_bytes());
    let error = read_epss_file(&path, ReadOptions::default()).unwrap_err();
    assert_eq!(
        error.location().field.as_deref(),
        Some("line 5, column epss")
    );
    assert_eq!(error.location().cve.unwrap().to_string(), "CVE-2024-0013");
    assert!(error.to_string().contains("epss-bad.csv"));
    let (scores, skipped) = read_epss_file(&path, ReadOptions { skip_invalid: true }).unwrap();
    assert_eq!((scores.scores.len(), skipped.len()), (2, 2));
    assert_eq!(
        skipped[1].location().field.as_deref(),
        Some("line 6, column cve")
    );

    let no_header = dir.write(
        "epss-old.csv",
        b"cve,epss,percentile\nCVE-2021-44228,0.9,0.9\n",
    );
    assert!(read_epss_file(&no_header, ReadOptions::default()).is_err());
}

/// A reader that hands out at most `step` bytes per read, so that every boundary between
/// reads falls somewhere else in the document.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buffer.len()).min(self.bytes.len());
        buffer[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

fn ids_of(bytes: &[u8], step: usize) -> Result<Vec<String>, Error> {
    let mut ids = Vec::new();
    govsec_vulndb::read_nvd(
        Trickle { bytes, step },
        None,
        ReadOptions::default(),
        |record| ids.push(record.id.to_string()),
    )?;
    Ok(ids)
}

#[test]
fn records_are_cut_out_the_same_wherever_the_reads_end() {
    let tricky = GOOD.replace("CVE-2024-0001", "CVE-2024-0009").replace(
        r#""value":"good""#,
        r#""value":"a \"quoted\" ] } [ { \\ value, 中文""#,
    );
    let pretty = format!(
        "{{\n  \"format\": \"NVD_CVE\",\n  \"vulnerabilities\": [\n    {GOOD},\n    {tricky}\n  ],\n  \"version\": \"2.0\"\n}}\n"
    );
    let expected = vec!["CVE-2024-0001".to_owned(), "CVE-2024-0009".to_owned()];
    for step in [1, 2, 3, 7, 64, 1 << 20] {
        assert_eq!(
            ids_of(pretty.as_bytes(), step).unwrap(),
            expected,
            "step {step}"
        );
    }
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/nvd/nvdcve-2.0-sample.json");
    if let Ok(bytes) = std::fs::read(&sample) {
        let whole = ids_of(&bytes, 1 << 20).unwrap();
        assert_eq!(whole.len(), 153);
        assert_eq!(ids_of(&bytes, 997).unwrap(), whole);
    }
}

#[test]
fn errors_inside_a_record_are_placed_in_the_document() {
    let broken = GOOD.replace(r#""vulnStatus":"#, r#""vulnStatus" "#);
    let text = format!(
        "{{\"format\":\"NVD_CVE\",\"version\":\"2.0\",\"vulnerabilities\":[\n{GOOD},\n  {broken}]}}"
    );
    match ids_of(text.as_bytes(), 5).unwrap_err() {
        Error::Json {
            line,
            column,
            location,
            ..
        } => {
            assert_eq!(line, 3);
            let record_column = broken.find(r#""vulnStatus" "#).unwrap() + 14;
            assert_eq!(column, 2 + record_column, "{column}");
            assert_eq!(location.field.as_deref(), Some("vulnerabilities[1]"));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn misshapen_documents_are_refused() {
    for (text, wanted) in [
        (
            r#"{"format":"NVD_CVE","vulnerabilities":["CVE-2024-0001"]}"#.to_owned(),
            "vulnerabilities[0]",
        ),
        (
            r#"{"format":"NVD_CVE","vulnerabilities":[1,2]}"#.to_owned(),
            "vulnerabilities[0]",
        ),
        (
            r#"{"format":"NVD_CVE","vulnerabilities":[]} trailing"#.to_owned(),
            "top level",
        ),
        (
            r#"{"format":"NVD_CVE","items":[]}"#.to_owned(),
            "vulnerabilities",
        ),
        (
            format!(r#"{{"format":"NVD_CVE","vulnerabilities":[{GOOD}]"#),
            "top level",
        ),
        (format!(r#"[{GOOD}]"#), "top level"),
        ("\u{feff}garbage".to_owned(), "top level"),
    ] {
        let error = ids_of(text.as_bytes(), 4).unwrap_err();
        assert!(error.to_string().contains(wanted), "{text}: {error}");
    }
}

#[test]
fn scalars_and_a_second_array_do_not_confuse_the_splitter() {
    let second = GOOD.replace("CVE-2024-0001", "CVE-2024-0002");
    // A string where a record should be, then a good record: with skip_invalid the string is
    // skipped and the record still read, wherever the reads end.
    let text =
        format!(r#"{{"format":"NVD_CVE","vulnerabilities":["CVE-2024-0001", null ,{second}]}}"#);
    for step in [1, 3, 5, 4096] {
        let mut ids = Vec::new();
        let report = govsec_vulndb::read_nvd(
            Trickle {
                bytes: text.as_bytes(),
                step,
            },
            None,
            ReadOptions { skip_invalid: true },
            |record| ids.push(record.id.to_string()),
        )
        .unwrap();
        assert_eq!(ids, vec!["CVE-2024-0002"], "step {step}");
        assert_eq!(report.skipped.len(), 2, "step {step}: {:?}", report.skipped);
    }
    let twice = format!(
        r#"{{"format":"NVD_CVE","vulnerabilities":[{GOOD}],"vulnerabilities":[{second}]}}"#
    );
    let error = ids_of(twice.as_bytes(), 7).unwrap_err();
    assert!(error.to_string().contains("second"), "{error}");
    let bulky = format!(
        r#"{{"format":"NVD_CVE","other":"{}","vulnerabilities":[]}}"#,
        "x".repeat(2 << 20)
    );
    let error = ids_of(bulky.as_bytes(), 1 << 16).unwrap_err();
    assert!(error.to_string().contains("outside the records"), "{error}");
}

#[test]
fn an_error_after_the_records_is_placed_in_the_document() {
    let text = format!(
        "{{\n\"format\": \"NVD_CVE\",\n\"vulnerabilities\": [\n{GOOD},\n{GOOD}\n],\n\"version\" \"2.0\"\n}}\n"
    );
    match ids_of(text.as_bytes(), 11).unwrap_err() {
        Error::Json { line, .. } => assert_eq!(line, 7),
        other => panic!("{other}"),
    }
}
