//! `govsec vulndb update`: downloads the current NVD feeds, the KEV catalogue and the EPSS
//! scores, then imports them (see `vulndb_import`).
//!
//! Files go to `DATA_DIR/vulndb-downloads/`. A download writes `NAME.partial` and, when the
//! connection breaks, goes on from where it stopped with an HTTP `Range` request (also in a
//! later run, for NVD feeds). Each NVD feed is checked against its `.meta` file (the SHA-256
//! and size of the uncompressed JSON) before anything is imported; a feed already downloaded
//! that matches its current `.meta` is not fetched again. KEV and EPSS publish no checksum:
//! their readers validate them, and the gzip CRC covers the EPSS file.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use govsec_i18n::{Lang, Text};
use govsec_store::Store;
use http_body_util::{BodyExt, Empty};
use hyper::StatusCode;
use hyper::body::Incoming;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sha2::{Digest, Sha256};

use crate::Failure;
use crate::commands::vulndb::Format;
use crate::commands::vulndb_import::{self, ImportFiles, Progress};
use crate::config::Settings;

/// NVD's CVE JSON 2.0 data feeds: `nvdcve-2.0-YEAR.json.gz` for each year since 2002 and
/// `nvdcve-2.0-modified.json.gz` (the last eight days' changes), each beside a `.meta` file
/// (NVD, "Data Feeds").
pub const NVD_FEEDS_URL: &str = "https://nvd.nist.gov/feeds/json/cve/2.0/";

/// CISA's Known Exploited Vulnerabilities catalogue, JSON.
pub const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";

/// FIRST's EPSS scores of the latest day, gzip-compressed CSV (FIRST, "EPSS data and
/// statistics").
pub const EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";

/// The first year NVD publishes a yearly feed for.
const FIRST_FEED_YEAR: u16 = 2002;

/// Attempts per file before a broken connection is an error.
const ATTEMPTS: usize = 4;

/// How long a connection, an answer or a download may take to show progress before it counts
/// as broken.
const STALL: Duration = Duration::from_secs(60);

/// The most bytes of a `.meta` file read.
const MAX_SMALL_BYTES: usize = 64 * 1024;

/// Redirects followed per request.
const REDIRECTS: usize = 5;

/// `govsec vulndb update`.
#[derive(clap::Args, Debug)]
pub struct UpdateArgs {
    /// A mirror laid out as `nvd/` (the feeds and their .meta), `kev/known_exploited_vulnerabilities.json`
    /// and `epss/epss_scores-current.csv.gz`; replaces the three URLs below.
    #[arg(long, value_name = "URL", env = "GOVSEC_VULNDB_SOURCE")]
    pub source: Option<String>,
    /// Where the NVD feeds are (a directory URL).
    #[arg(long, value_name = "URL", default_value = NVD_FEEDS_URL, env = "GOVSEC_VULNDB_NVD_URL")]
    pub nvd_url: String,
    /// The KEV catalogue.
    #[arg(long, value_name = "URL", default_value = KEV_URL, env = "GOVSEC_VULNDB_KEV_URL")]
    pub kev_url: String,
    /// The EPSS scores.
    #[arg(long, value_name = "URL", default_value = EPSS_URL, env = "GOVSEC_VULNDB_EPSS_URL")]
    pub epss_url: String,
    /// The yearly feeds to fetch: a year or FROM-TO (default: 2002 to this year); the
    /// modified feed is always fetched.
    #[arg(long, value_name = "YEARS")]
    pub years: Option<String>,
    /// Skip invalid records instead of aborting (as `govsec vulndb import --skip-invalid`).
    #[arg(long)]
    pub skip_invalid: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Downloads, checks and imports; returns the import's report.
pub async fn run(args: &UpdateArgs, settings: &Settings, store: &Store) -> Result<String, Failure> {
    let lang = settings.lang;
    let (nvd_url, kev_url, epss_url) = match &args.source {
        Some(base) => {
            let base = base.trim_end_matches('/');
            (
                format!("{base}/nvd/"),
                format!("{base}/kev/known_exploited_vulnerabilities.json"),
                format!("{base}/epss/epss_scores-current.csv.gz"),
            )
        }
        None => (
            args.nvd_url.clone(),
            args.kev_url.clone(),
            args.epss_url.clone(),
        ),
    };
    for url in [&nvd_url, &kev_url, &epss_url] {
        if url.parse::<hyper::Uri>().is_err()
            || !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(Failure::Input(Text::VulndbBadUrl.fill(lang, &[url])));
        }
    }
    let (from, to) = years(args.years.as_deref(), lang)?;
    let directory = settings.data_dir.join("vulndb-downloads");
    std::fs::create_dir_all(&directory).map_err(|error| {
        Failure::Internal(anyhow::anyhow!(
            "cannot create {}: {error}",
            directory.display()
        ))
    })?;
    let downloader = Downloader::new(directory, lang);
    let nvd_base = if nvd_url.ends_with('/') {
        nvd_url
    } else {
        format!("{nvd_url}/")
    };
    let mut feeds: Vec<String> = (from..=to)
        .map(|year| format!("nvdcve-2.0-{year}"))
        .collect();
    feeds.push("nvdcve-2.0-modified".to_owned());
    let mut nvd = Vec::with_capacity(feeds.len());
    for feed in &feeds {
        nvd.push(downloader.nvd_feed(&nvd_base, feed).await?);
    }
    let kev = downloader
        .fresh(&kev_url, "known_exploited_vulnerabilities.json")
        .await?;
    let epss = downloader
        .fresh(&epss_url, "epss_scores-current.csv.gz")
        .await?;
    let files = ImportFiles {
        nvd,
        cve5: Vec::new(),
        kev: Some(kev),
        epss: Some(epss),
    };
    let report = vulndb_import::import(store, files, args.skip_invalid, lang).await?;
    Ok(match args.format {
        Format::Json => serde_json::to_string_pretty(&report).expect("JSON values serialize"),
        Format::Text => report.text(lang),
    })
}

/// `--years`: one year or FROM-TO, default 2002 to this year.
fn years(text: Option<&str>, lang: Lang) -> Result<(u16, u16), Failure> {
    let Some(text) = text else {
        return Ok((FIRST_FEED_YEAR, current_year()));
    };
    let bad = || Failure::Input(Text::VulndbBadYears.fill(lang, &[&text]));
    let year = |part: &str| {
        part.trim()
            .parse::<u16>()
            .ok()
            .filter(|year| (FIRST_FEED_YEAR..=9999).contains(year))
    };
    let (from, to) = match text.split_once('-') {
        Some((from, to)) => (year(from).ok_or_else(bad)?, year(to).ok_or_else(bad)?),
        None => {
            let only = year(text).ok_or_else(bad)?;
            (only, only)
        }
    };
    if from > to {
        return Err(bad());
    }
    Ok((from, to))
}

/// This year in UTC, from the system clock (civil-from-days, proleptic Gregorian).
fn current_year() -> u16 {
    let days = (crate::commands::unix_now() / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400 + i64::from(month_index >= 10);
    u16::try_from(year).unwrap_or(u16::MAX)
}

/// What NVD's `.meta` file states about its feed.
struct Meta {
    sha256: String,
    size: u64,
}

impl Meta {
    fn parse(text: &str, url: &str, lang: Lang) -> Result<Meta, Failure> {
        let field = |name: &str| {
            text.lines()
                .filter_map(|line| line.trim().split_once(':'))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.trim().to_owned())
        };
        let missing = |name: &str| Failure::Input(Text::VulndbBadMeta.fill(lang, &[&url, &name]));
        let sha256 = field("sha256")
            .filter(|hash| hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| missing("sha256"))?
            .to_ascii_lowercase();
        let size = field("size")
            .and_then(|size| size.parse().ok())
            .ok_or_else(|| missing("size"))?;
        Ok(Meta { sha256, size })
    }
}

/// Why a download attempt ended without the whole file.
enum Attempt {
    /// The connection broke or stalled: try again from where it stopped.
    Interrupted(String),
    /// The server refused: trying again will not help.
    Refused(Failure),
}

/// Fetches files into the download directory.
struct Downloader {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    directory: PathBuf,
    lang: Lang,
    progress: Progress,
}

impl Downloader {
    fn new(directory: PathBuf, lang: Lang) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(STALL));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Downloader {
            client: Client::builder(TokioExecutor::new()).build(connector),
            directory,
            lang,
            progress: Progress::new(),
        }
    }

    /// Downloads one NVD feed unless the copy on disk matches its current `.meta`; checks it.
    async fn nvd_feed(&self, base: &str, feed: &str) -> Result<PathBuf, Failure> {
        let meta_url = format!("{base}{feed}.meta");
        let meta_text = self.small(&meta_url).await?;
        let meta = Meta::parse(&meta_text, &meta_url, self.lang)?;
        let file = self.directory.join(format!("{feed}.json.gz"));
        if file.exists() && self.check(&file, &meta, &meta_url).await.is_ok() {
            eprintln!(
                "{}",
                Text::VulndbDownloadUnchanged.fill(self.lang, &[&file.display()])
            );
            return Ok(file);
        }
        let url = format!("{base}{feed}.json.gz");
        let resumed = self.download(&url, &file).await?;
        match self.check(&file, &meta, &meta_url).await {
            Ok(()) => Ok(file),
            // A partial file from an earlier run may belong to an older version of the feed:
            // once more from the start.
            Err(_) if resumed => {
                let _ = std::fs::remove_file(&file);
                self.download(&url, &file).await?;
                self.check(&file, &meta, &meta_url).await.inspect_err(|_| {
                    let _ = std::fs::remove_file(&file);
                })?;
                Ok(file)
            }
            Err(failure) => {
                let _ = std::fs::remove_file(&file);
                Err(failure)
            }
        }
    }

    /// Downloads a file that has no checksum, always afresh (a partial file from an earlier
    /// run could belong to another day's version).
    async fn fresh(&self, url: &str, name: &str) -> Result<PathBuf, Failure> {
        let file = self.directory.join(name);
        let _ = std::fs::remove_file(partial_path(&file));
        self.download(url, &file).await?;
        Ok(file)
    }

    /// Checks a downloaded feed against its `.meta`: the SHA-256 and size of the JSON inside.
    async fn check(&self, file: &Path, meta: &Meta, meta_url: &str) -> Result<(), Failure> {
        let path = file.to_owned();
        let (hash, size) = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let mut reader = govsec_vulndb::open(&path)
                .map_err(|error| std::io::Error::other(error.to_string()))?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let mut buffer = vec![0u8; 1 << 16];
            loop {
                let read = reader.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                hasher.update(&buffer[..read]);
                size += read as u64;
            }
            Ok((hex::encode(hasher.finalize()), size))
        })
        .await
        .map_err(|error| Failure::Internal(error.into()))?
        .map_err(|error| {
            Failure::Input(Text::VulndbCannotRead.fill(self.lang, &[&file.display(), &error]))
        })?;
        if hash != meta.sha256 {
            return Err(Failure::Input(Text::VulndbChecksumMismatch.fill(
                self.lang,
                &[&file.display(), &hash, &meta_url, &meta.sha256],
            )));
        }
        if size != meta.size {
            return Err(Failure::Input(
                Text::VulndbSizeMismatch
                    .fill(self.lang, &[&file.display(), &size, &meta_url, &meta.size]),
            ));
        }
        Ok(())
    }

    /// A small text file, held in memory.
    async fn small(&self, url: &str) -> Result<String, Failure> {
        let response = self.get(url, 0).await.map_err(|attempt| match attempt {
            Attempt::Refused(failure) => failure,
            Attempt::Interrupted(reason) => self.failed(url, &reason),
        })?;
        // A `.meta` file is three short lines: a mirror that sends more, or stalls, is refused
        // rather than followed.
        let mut body = response.into_body();
        let mut text = Vec::new();
        loop {
            let frame = tokio::time::timeout(STALL, body.frame())
                .await
                .map_err(|_| self.failed(url, &self.nothing_received()))?;
            let Some(frame) = frame else { break };
            let frame =
                frame.map_err(|error| self.failed(url, &network_problem(&error, self.lang)))?;
            if let Ok(data) = frame.into_data() {
                if text.len() + data.len() > MAX_SMALL_BYTES {
                    return Err(self.failed(
                        url,
                        &Text::VulndbAnswerTooLarge.fill(self.lang, &[&MAX_SMALL_BYTES]),
                    ));
                }
                text.extend_from_slice(&data);
            }
        }
        Ok(String::from_utf8_lossy(&text).into_owned())
    }

    fn nothing_received(&self) -> String {
        Text::VulndbNothingReceived.fill(self.lang, &[&STALL.as_secs()])
    }

    fn failed(&self, url: &str, reason: &str) -> Failure {
        Failure::Internal(anyhow::anyhow!(
            Text::VulndbDownloadFailed.fill(self.lang, &[&url, &reason])
        ))
    }

    /// Downloads `url` to `file` through `file.partial`, resuming after broken connections;
    /// returns whether it resumed a partial file.
    async fn download(&self, url: &str, file: &Path) -> Result<bool, Failure> {
        let partial = partial_path(file);
        let mut resumed = false;
        let mut last = String::new();
        for _ in 0..ATTEMPTS {
            let have = std::fs::metadata(&partial).map_or(0, |metadata| metadata.len());
            if have > 0 {
                resumed = true;
                self.progress
                    .show(&Text::VulndbResuming.fill(self.lang, &[&url, &have]));
                self.progress.finish();
            }
            match self.attempt(url, &partial, have).await {
                Ok(()) => {
                    std::fs::rename(&partial, file).map_err(|error| {
                        Failure::Internal(anyhow::anyhow!(
                            "cannot rename {} to {}: {error}",
                            partial.display(),
                            file.display()
                        ))
                    })?;
                    return Ok(resumed);
                }
                Err(Attempt::Refused(failure)) => return Err(failure),
                Err(Attempt::Interrupted(reason)) => last = reason,
            }
        }
        Err(self.failed(url, &last))
    }

    /// One request for the rest of `partial` (all of it when `have` is 0).
    async fn attempt(&self, url: &str, partial: &Path, have: u64) -> Result<(), Attempt> {
        let response = self.get(url, have).await?;
        let length = response
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        let append = match response.status() {
            StatusCode::PARTIAL_CONTENT => true,
            StatusCode::OK => false,
            // The range starts at the end: the partial file is whole already.
            StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => return Ok(()),
            status => {
                return Err(Attempt::Refused(Failure::Internal(anyhow::anyhow!(
                    Text::VulndbHttpStatus.fill(self.lang, &[&url, &status.as_u16()])
                ))));
            }
        };
        let mut written = if append { have } else { 0 };
        let total = length.map(|length| written + length);
        let mut output = std::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .append(append)
            .truncate(!append)
            .open(partial)
            .map_err(|error| Attempt::Refused(Failure::Internal(error.into())))?;
        let name = url.rsplit('/').next().unwrap_or(url).to_owned();
        let mut body = response.into_body();
        let mut shown = 0u64;
        let step = self.progress.byte_step(total);
        loop {
            let frame = tokio::time::timeout(STALL, body.frame())
                .await
                .map_err(|_| Attempt::Interrupted(self.nothing_received()))?;
            let Some(frame) = frame else { break };
            let frame =
                frame.map_err(|error| Attempt::Interrupted(network_problem(&error, self.lang)))?;
            if let Ok(data) = frame.into_data() {
                output
                    .write_all(&data)
                    .map_err(|error| Attempt::Refused(Failure::Internal(error.into())))?;
                written += data.len() as u64;
                if written - shown >= step {
                    shown = written;
                    self.progress.show(&progress_line(&name, written, total));
                }
            }
        }
        output
            .flush()
            .map_err(|error| Attempt::Refused(Failure::Internal(error.into())))?;
        self.progress.show(&progress_line(&name, written, total));
        self.progress.finish();
        match total {
            Some(total) if written < total => Err(Attempt::Interrupted(
                Text::VulndbConnectionEnded.fill(self.lang, &[&written, &total]),
            )),
            _ => Ok(()),
        }
    }

    /// GET, from byte `from` on, following redirects.
    async fn get(&self, url: &str, from: u64) -> Result<hyper::Response<Incoming>, Attempt> {
        let mut url = url.to_owned();
        for _ in 0..=REDIRECTS {
            let mut request = hyper::Request::get(url.as_str()).header(
                hyper::header::USER_AGENT,
                concat!("govsec/", env!("CARGO_PKG_VERSION")),
            );
            if from > 0 {
                request = request.header(hyper::header::RANGE, format!("bytes={from}-"));
            }
            let request = request.body(Empty::new()).map_err(|_| {
                Attempt::Refused(Failure::Input(Text::VulndbBadUrl.fill(self.lang, &[&url])))
            })?;
            let response = tokio::time::timeout(STALL, self.client.request(request))
                .await
                .map_err(|_| Attempt::Interrupted(self.nothing_received()))?
                .map_err(|error| Attempt::Interrupted(network_problem(&error, self.lang)))?;
            if !response.status().is_redirection() {
                return Ok(response);
            }
            let Some(location) = response
                .headers()
                .get(hyper::header::LOCATION)
                .and_then(|value| value.to_str().ok())
            else {
                return Ok(response);
            };
            url = redirect_target(&url, location);
        }
        Err(Attempt::Refused(
            self.failed(
                &url,
                Text::VulndbTooManyRedirects
                    .fill(self.lang, &[&REDIRECTS])
                    .as_str(),
            ),
        ))
    }
}

/// A network failure explained in `lang`: what went wrong, found in the error's chain (the
/// connection refused, reset or timed out, the server's name not found, the TLS handshake
/// refused), followed by the client's own words for whoever investigates.
fn network_problem(error: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    use std::io::ErrorKind;
    let mut kind = None;
    let mut detail: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            kind = match io.kind() {
                ErrorKind::ConnectionRefused => Some(Text::VulndbNetworkRefused),
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => Some(Text::VulndbNetworkReset),
                ErrorKind::TimedOut => Some(Text::VulndbNetworkTimedOut),
                _ => kind,
            };
        }
        if error
            .downcast_ref::<tokio_rustls::rustls::Error>()
            .is_some()
        {
            kind = Some(Text::VulndbNetworkTls);
        }
        // hyper-util's resolver reports a name that does not resolve as a "dns error".
        if kind.is_none() && text.starts_with("dns error") {
            kind = Some(Text::VulndbNetworkName);
        }
        if !detail.iter().any(|seen| seen.contains(&text)) {
            detail.push(text);
        }
        current = error.source();
    }
    let kind = kind.unwrap_or(Text::VulndbNetworkOther);
    Text::VulndbNetworkProblem.fill(lang, &[&kind.get(lang), &detail.join(": ")])
}

/// Where a redirect's `Location` points, resolved against the URL that answered.
fn redirect_target(url: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let origin_end = url
        .find("://")
        .and_then(|scheme| url[scheme + 3..].find('/').map(|path| scheme + 3 + path))
        .unwrap_or(url.len());
    if location.starts_with('/') {
        format!("{}{location}", &url[..origin_end])
    } else {
        let directory = url
            .rfind('/')
            .filter(|&slash| slash >= origin_end)
            .unwrap_or(url.len());
        format!("{}/{location}", &url[..directory])
    }
}

fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn progress_line(name: &str, written: u64, total: Option<u64>) -> String {
    const WIDTH: u64 = 30;
    match total {
        Some(total) if total > 0 => {
            let filled = (written.min(total) * WIDTH / total) as usize;
            format!(
                "{name} [{}{}] {:>3}% {} / {} KiB",
                "#".repeat(filled),
                "-".repeat(WIDTH as usize - filled),
                written.min(total) * 100 / total,
                written / 1024,
                total / 1024
            )
        }
        _ => format!("{name} {} KiB", written / 1024),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_resolve_against_the_answering_url() {
        let url = "https://example.org/feeds/a.json";
        assert_eq!(
            redirect_target(url, "https://other.org/x"),
            "https://other.org/x"
        );
        assert_eq!(
            redirect_target(url, "/y/b.json"),
            "https://example.org/y/b.json"
        );
        assert_eq!(
            redirect_target(url, "b.json"),
            "https://example.org/feeds/b.json"
        );
    }

    #[test]
    fn years_are_one_or_a_range_from_2002() {
        assert_eq!(years(Some("2021"), Lang::En).ok(), Some((2021, 2021)));
        assert_eq!(years(Some("2002-2026"), Lang::En).ok(), Some((2002, 2026)));
        assert!(years(Some("1999"), Lang::En).is_err());
        assert!(years(Some("2026-2020"), Lang::En).is_err());
        assert!(current_year() >= 2026);
    }

    #[test]
    fn meta_files_give_the_hash_and_size() {
        let text = "lastModifiedDate:2026-12-01T03:00:01-05:00\r\nsize:1234\r\nzipSize:100\r\n\
                    gzSize:90\r\nsha256:ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789\r\n";
        let meta = Meta::parse(text, "x.meta", Lang::En).ok().unwrap();
        assert_eq!(meta.size, 1234);
        assert_eq!(&meta.sha256[..6], "abcdef");
        assert!(Meta::parse("size:1\n", "x.meta", Lang::En).is_err());
    }
}
