//! Configuration: defaults, then `govsec.toml`, then `GOVSEC_*` environment variables, then
//! command-line flags, each overriding the one before. clap reads the variables and flags
//! (`env = …` on each flag), so the file only fills what neither gave.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use govsec_i18n::{Lang, Text};
use serde::Deserialize;

use crate::Failure;

/// The file read when no `--config` is given and it exists in the working directory.
pub const DEFAULT_CONFIG_FILE: &str = "govsec.toml";
/// The data directory when none is configured.
pub const DEFAULT_DATA_DIR: &str = "./govsec-data";
/// The SQLite file inside the data directory.
pub const DATABASE_FILE: &str = "govsec.sqlite3";
/// The address `serve` listens on by default: loopback only, since sign-in is not there yet.
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

/// `govsec.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Where the SQLite file and uploads live.
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` to use PostgreSQL instead of the SQLite file.
    pub database_url: Option<String>,
    /// The language of command-line messages: `zh-TW` or `en`.
    pub lang: Option<String>,
    /// Log level: error, warn, info, debug or trace.
    pub log: Option<String>,
    /// The web server.
    #[serde(default)]
    pub web: WebSection,
}

/// `[web]` in `govsec.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSection {
    /// Listen address.
    pub addr: Option<String>,
    /// Seconds before a request is answered 408.
    pub request_timeout_secs: Option<u64>,
    /// Largest request body in bytes.
    pub body_limit_bytes: Option<usize>,
    /// Mark session cookies Secure (default true; false only for plain http on loopback).
    pub secure_cookies: Option<bool>,
    /// The origin browsers reach govsec at (`https://govsec.example.gov.tw`): security keys are
    /// registered for its host and answer only there.
    pub public_origin: Option<String>,
}

/// What the flags and variables gave, before the file fills the gaps.
#[derive(Debug, Default, Clone)]
pub struct GivenSettings {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub lang: Option<String>,
    pub log: Option<String>,
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// Whether the data directory was chosen by the user rather than defaulted.
    pub data_dir_given: bool,
    pub database_url: Option<String>,
    pub lang: Lang,
    pub log: String,
    pub web_addr: Option<String>,
    pub request_timeout: Duration,
    pub body_limit: usize,
    pub secure_cookies: bool,
    pub public_origin: Option<String>,
}

impl Settings {
    /// Combines flags and variables with the configuration file.
    pub fn resolve(given: GivenSettings) -> Result<Settings, Failure> {
        let (file, file_path) = match &given.config {
            Some(path) => (read_file(path)?, Some(path.clone())),
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => (
                read_file(Path::new(DEFAULT_CONFIG_FILE))?,
                Some(PathBuf::from(DEFAULT_CONFIG_FILE)),
            ),
            None => (ConfigFile::default(), None),
        };
        let origin =
            file_path.map_or_else(|| "configuration".to_owned(), |p| p.display().to_string());
        let lang_text = given.lang.clone().or(file.lang.clone());
        let lang = match lang_text {
            Some(text) => Lang::from_tag(&text).ok_or_else(|| {
                Failure::Input(Text::UnknownLanguage.fill(Lang::default(), &[&origin, &text]))
            })?,
            None => Lang::default(),
        };
        let data_dir_given = given.data_dir.is_some() || file.data_dir.is_some();
        Ok(Settings {
            data_dir: given
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
            data_dir_given,
            database_url: given.database_url.or(file.database_url),
            lang,
            log: given.log.or(file.log).unwrap_or_else(|| "info".to_owned()),
            web_addr: file.web.addr,
            request_timeout: Duration::from_secs(file.web.request_timeout_secs.unwrap_or(30)),
            body_limit: file.web.body_limit_bytes.unwrap_or(16 * 1024 * 1024),
            secure_cookies: file.web.secure_cookies.unwrap_or(true),
            public_origin: file.web.public_origin,
        })
    }

    /// The SQLite database file of the data directory (used when no database URL is set).
    pub fn database_file(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// Opens the configured database, creating the data directory and applying migrations.
    pub async fn open_store(&self) -> anyhow::Result<govsec_store::Store> {
        let store = match &self.database_url {
            Some(url) => govsec_store::Store::connect(url).await?,
            None => {
                std::fs::create_dir_all(&self.data_dir).with_context(|| {
                    format!(
                        "cannot create the data directory {}",
                        self.data_dir.display()
                    )
                })?;
                govsec_store::Store::open_sqlite(&self.data_dir.join(DATABASE_FILE)).await?
            }
        };
        store.migrate().await?;
        Ok(store)
    }
}

fn read_file(path: &Path) -> Result<ConfigFile, Failure> {
    let text = std::fs::read_to_string(path).map_err(|error| {
        Failure::Input(format!(
            "{}: {}",
            path.display(),
            Text::ProblemUnreadableFile.fill(Lang::default(), &[&error])
        ))
    })?;
    toml::from_str(&text).map_err(|error| {
        Failure::Input(format!(
            "{}: {}",
            path.display(),
            error.to_string().trim_end()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_file(text: &str) -> (tempfile::TempDir, PathBuf) {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("govsec.toml");
        std::fs::write(&path, text).unwrap();
        (directory, path)
    }

    #[test]
    fn flags_and_variables_override_the_file_which_overrides_defaults() {
        let (_dir, path) = with_file(
            "data_dir = \"/srv/govsec\"\nlang = \"en\"\n[web]\naddr = \"0.0.0.0:9000\"\npublic_origin = \"https://govsec.example.gov.tw\"\n",
        );
        let settings = Settings::resolve(GivenSettings {
            config: Some(path.clone()),
            lang: Some("zh-TW".into()),
            ..GivenSettings::default()
        })
        .unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("/srv/govsec"));
        assert_eq!(settings.lang, Lang::ZhTw);
        assert_eq!(settings.web_addr.as_deref(), Some("0.0.0.0:9000"));
        assert_eq!(
            settings.public_origin.as_deref(),
            Some("https://govsec.example.gov.tw")
        );
        let settings = Settings::resolve(GivenSettings {
            config: Some(path),
            data_dir: Some("/tmp/x".into()),
            ..GivenSettings::default()
        })
        .unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(settings.lang, Lang::En);
    }

    #[test]
    fn a_bad_file_names_the_file_and_the_key() {
        let (_dir, path) = with_file("data_dri = \"x\"\n");
        let Err(Failure::Input(message)) = Settings::resolve(GivenSettings {
            config: Some(path),
            ..GivenSettings::default()
        }) else {
            panic!("expected an input error");
        };
        assert!(
            message.contains("govsec.toml") && message.contains("data_dri"),
            "{message}"
        );
        let (_dir, path) = with_file("[web]\nsecure_cookies = \"yes\"\n");
        let Err(Failure::Input(message)) = Settings::resolve(GivenSettings {
            config: Some(path),
            ..GivenSettings::default()
        }) else {
            panic!("expected an input error");
        };
        assert!(message.contains("secure_cookies"), "{message}");
    }
}
