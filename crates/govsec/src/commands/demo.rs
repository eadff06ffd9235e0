//! `govsec demo`: a fresh, self-contained demo world on SQLite, served on loopback.
//!
//! The world is the registry in `demo/agencies.csv`: the Executive Yuan, its second- and
//! third-level agencies, the 22 city and county governments and some of their bureaus, with
//! their public names and websites, plausible codes, levels and systems. Later modules add their
//! demo data here.

use std::io::Write;

use govsec_core::AgencyCode;
use govsec_core::audit::Actor;
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_i18n::Text;
use govsec_identity::totp::TotpSecret;
use govsec_identity::{LoginName, PasswordContext, PasswordHasher, Role, check_password};
use govsec_store::NewUser;
use govsec_store::Store;
use govsec_web::{AuthSettings, WebOptions};
use rand_core::UnwrapErr;

use crate::Failure;
use crate::commands::serve::serve_store;
use crate::config::Settings;

/// The demo registry, embedded so the binary needs no files beside it.
pub const DEMO_REGISTRY: &[u8] = include_bytes!("../../demo/agencies.csv");

/// The demo database file, kept apart from a real `govsec.sqlite3` in the same directory.
const DEMO_DATABASE_FILE: &str = "demo.sqlite3";

/// Flags of `govsec demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to serve the UI on.
    #[arg(
        long,
        env = "GOVSEC_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub addr: String,
}

/// The demo accounts: one per role, at agencies that fit the role.
const DEMO_ACCOUNTS: [(&str, Role, &str); 5] = [
    ("admin.acs", Role::AuthorityAdmin, "327020000P"),
    ("analyst.acs", Role::AuthorityAnalyst, "327020000P"),
    ("supervisor.moi", Role::Supervisor, "301000000A"),
    ("officer.npa", Role::AgencyOfficer, "301010000A"),
    ("auditor.ey", Role::Auditor, "A00000000A"),
];

/// A demo account as created: its password is shown once, on the terminal.
pub struct DemoAccount {
    /// Login name.
    pub login: String,
    /// The generated password.
    pub password: String,
    /// Role.
    pub role: Role,
    /// Agency code.
    pub agency: String,
}

/// Creates the demo accounts with random passwords (checked against the policy) and TOTP
/// secrets, marked as demo accounts so the sign-in page shows their codes in demo mode.
pub async fn create_demo_accounts(store: &Store) -> anyhow::Result<Vec<DemoAccount>> {
    let hasher = PasswordHasher::recommended();
    let mut rng = UnwrapErr(getrandom::SysRng);
    let mut accounts = Vec::new();
    for (login, role, agency) in DEMO_ACCOUNTS {
        let login = LoginName::parse(login)?;
        let agency = AgencyCode::parse(agency)?;
        let context = PasswordContext {
            login: login.clone(),
            agency_code: agency.clone(),
            agency_names: Vec::new(),
            email: None,
        };
        let password = loop {
            let candidate: String = govsec_web::random_token().chars().take(18).collect();
            if check_password(&candidate, &context).is_ok() {
                break candidate;
            }
        };
        let user = NewUser {
            login: login.clone(),
            agency: agency.clone(),
            role,
            password_hash: hasher.hash(&password, &mut rng)?,
            email: None,
            demo: true,
        };
        let now = crate::commands::unix_now_signed();
        store
            .create_user(&user, &Actor::command_line(), now)
            .await?;
        store
            .set_totp_secret(&login, &TotpSecret::generate(&mut rng).to_base32())
            .await?;
        accounts.push(DemoAccount {
            login: login.as_str().to_owned(),
            password,
            role,
            agency: agency.to_string(),
        });
    }
    Ok(accounts)
}

/// Builds the demo world into `store`.
pub async fn load_world(store: &Store) -> anyhow::Result<usize> {
    let parsed = read_registry("demo/agencies.csv", DEMO_REGISTRY, TextEncoding::Utf8);
    let outcome = store
        .import_agencies(parsed, &Actor::command_line())
        .await?;
    Ok(outcome.created + outcome.updated)
}

/// Runs `govsec demo`.
pub async fn run(args: DemoArgs, settings: &Settings) -> Result<(), Failure> {
    // A temporary directory unless the user named one; it is removed when the demo stops.
    let temporary;
    let directory = if settings.data_dir_given {
        std::fs::create_dir_all(&settings.data_dir).map_err(|error| {
            Failure::Input(format!(
                "--data-dir {}: {error}",
                settings.data_dir.display()
            ))
        })?;
        settings.data_dir.clone()
    } else {
        temporary = tempfile::Builder::new()
            .prefix("govsec-demo-")
            .tempdir()
            .map_err(|error| Failure::Internal(error.into()))?;
        temporary.path().to_path_buf()
    };
    let path = directory.join(DEMO_DATABASE_FILE);
    for suffix in ["", "-wal", "-shm"] {
        let file = directory.join(format!("{DEMO_DATABASE_FILE}{suffix}"));
        if file.exists() {
            std::fs::remove_file(&file).map_err(|error| Failure::Internal(error.into()))?;
        }
    }
    let store = Store::open_sqlite(&path)
        .await
        .map_err(anyhow::Error::from)?;
    store.migrate().await.map_err(anyhow::Error::from)?;
    let agencies = load_world(&store).await?;
    let accounts = create_demo_accounts(&store).await?;
    let lang = settings.lang;
    let count = Text::AgenciesCount.fill(lang, &[&agencies]);
    eprintln!(
        "govsec: {}",
        Text::DemoReady.fill(lang, &[&count, &path.display()])
    );
    let options = WebOptions {
        auth: AuthSettings {
            demo: true,
            // The demo serves plain http on loopback, where Secure cookies would not be kept.
            secure_cookies: false,
            ..AuthSettings::default()
        },
        ..crate::commands::serve::web_options(settings)
    };
    serve_store(store, options, settings, &args.addr, |url| {
        // A reader that stops after the URL (`| head -1`) must not stop the demo: write errors
        // on stdout are ignored.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{url}");
        eprintln!("govsec: {}", Text::DemoOpen.fill(lang, &[&url]));
        if url.contains("://127.0.0.1:") {
            let local = url.replace("://127.0.0.1:", "://localhost:");
            eprintln!("govsec: {}", Text::DemoSecurityKeys.fill(lang, &[&local]));
        }
        eprintln!("govsec: {}", Text::DemoAccountsHeading.get(lang));
        for account in &accounts {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}",
                account.login,
                account.password,
                account.role.key(),
                account.agency
            );
        }
    })
    .await
}
