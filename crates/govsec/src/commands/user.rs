//! `govsec user add`: creates an account on the server's command line — how the first
//! administrator comes to exist. The password is generated, checked against the policy and shown
//! once; the second factor is enrolled at the first sign-in.

use govsec_core::audit::Actor;
use govsec_core::{AgencyCode, EmailAddress};
use govsec_identity::{LoginName, PasswordContext, PasswordHasher, Role, check_password};
use govsec_store::NewUser;
use rand_core::UnwrapErr;

use crate::Failure;
use crate::config::Settings;

/// `govsec user …`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Creates an account with a generated password, printed once on stdout.
    Add {
        /// Login name (lower-case letters, digits and . _ - @).
        login: String,
        /// The user's agency code.
        #[arg(long)]
        agency: String,
        /// authority_admin, authority_analyst, supervisor, agency_officer or auditor.
        #[arg(long)]
        role: String,
        /// E-mail address.
        #[arg(long)]
        email: Option<String>,
    },
}

/// Runs `govsec user …`.
pub async fn run(command: UserCommand, settings: &Settings) -> Result<(), Failure> {
    let UserCommand::Add {
        login,
        agency,
        role,
        email,
    } = command;
    let login =
        LoginName::parse(&login).map_err(|error| Failure::Input(format!("LOGIN: {error}")))?;
    let agency =
        AgencyCode::parse(&agency).map_err(|error| Failure::Input(format!("--agency: {error}")))?;
    let role = Role::parse(&role).map_err(|error| Failure::Input(format!("--role: {error}")))?;
    let email = match email {
        Some(text) => Some(EmailAddress::parse(&text).ok_or_else(|| {
            Failure::Input(format!(
                "--email: {}",
                govsec_i18n::Text::ProblemBadEmail.fill(settings.lang, &[&text])
            ))
        })?),
        None => None,
    };
    let context = PasswordContext {
        login: login.clone(),
        agency_code: agency.clone(),
        agency_names: Vec::new(),
        email: email.clone(),
    };
    let password = loop {
        let candidate: String = govsec_web::random_token().chars().take(20).collect();
        if check_password(&candidate, &context).is_ok() {
            break candidate;
        }
    };
    let password_hash = PasswordHasher::recommended()
        .hash(&password, &mut UnwrapErr(getrandom::SysRng))
        .map_err(anyhow::Error::from)?;
    let store = settings.open_store().await?;
    if store
        .user(&login)
        .await
        .map_err(anyhow::Error::from)?
        .is_some()
    {
        return Err(Failure::Input(format!(
            "LOGIN: {} already exists",
            login.as_str()
        )));
    }
    let known = store
        .agency_detail(&govsec_core::Scope::National, &agency)
        .await
        .map_err(anyhow::Error::from)?;
    if known.is_none() {
        return Err(Failure::Input(format!(
            "--agency: {}",
            govsec_i18n::Text::AgencyNotFound.fill(settings.lang, &[&agency])
        )));
    }
    let now = crate::commands::unix_now_signed();
    let user = NewUser {
        login: login.clone(),
        agency,
        role,
        password_hash,
        email,
        demo: false,
    };
    store
        .create_user(&user, &Actor::command_line(), now)
        .await
        .map_err(anyhow::Error::from)?;
    store.close().await;
    super::print_line(format_args!("{}\t{password}", login.as_str()))
        .map_err(anyhow::Error::from)?;
    Ok(())
}
