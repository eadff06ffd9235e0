//! `govsec token create|list|revoke`: API tokens for scripts, made on the server's command line.
//! A token acts as its owner, in the owner's agency, with the owner's role or one the owner may
//! delegate; it is printed once and only its hash is kept.

use govsec_core::audit::Actor;
use govsec_identity::{ApiTokenPolicy, Caller, LoginName, Role};
use rand_core::UnwrapErr;

use crate::Failure;
use crate::config::Settings;

/// `govsec token …`.
#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Creates a token and prints it once.
    Create {
        /// The owner's login name.
        #[arg(long)]
        user: String,
        /// The role the token acts with (default: the owner's).
        #[arg(long)]
        role: Option<String>,
        /// Days until it expires (at most 90).
        #[arg(long, default_value_t = 30)]
        days: u64,
        /// What the token is for.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Lists the owner's tokens (never the tokens themselves).
    List {
        /// The owner's login name.
        #[arg(long)]
        user: String,
    },
    /// Revokes one of the owner's tokens by the id `list` shows.
    Revoke {
        /// The owner's login name.
        #[arg(long)]
        user: String,
        /// The token's id.
        id: String,
    },
}

/// Runs `govsec token …`.
pub async fn run(command: TokenCommand, settings: &Settings) -> Result<(), Failure> {
    let user = match &command {
        TokenCommand::Create { user, .. }
        | TokenCommand::List { user }
        | TokenCommand::Revoke { user, .. } => user,
    };
    let login =
        LoginName::parse(user).map_err(|error| Failure::Input(format!("--user: {error}")))?;
    let store = settings.open_store().await?;
    let owner = store
        .user(&login)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| Failure::Input(format!("--user: no account {}", login.as_str())))?;
    match command {
        TokenCommand::Create {
            role, days, label, ..
        } => {
            let role = match role {
                Some(text) => Role::parse(&text)
                    .map_err(|error| Failure::Input(format!("--role: {error}")))?,
                None => owner.role,
            };
            let caller = Caller {
                login: owner.login.clone(),
                agency: owner.agency.clone(),
                role: owner.role,
            };
            let (token, record) = ApiTokenPolicy::default()
                .issue(
                    &caller,
                    role,
                    days.saturating_mul(86_400),
                    crate::commands::unix_now(),
                    &mut UnwrapErr(getrandom::SysRng),
                )
                .map_err(|error| Failure::Input(error.to_string()))?;
            let id = store
                .create_api_token(&record, &label, &Actor::command_line())
                .await
                .map_err(anyhow::Error::from)?;
            super::print_line(format_args!("{id}\t{}", token.reveal()))
                .map_err(anyhow::Error::from)?;
        }
        TokenCommand::List { .. } => {
            for token in store
                .api_tokens_of(&login)
                .await
                .map_err(anyhow::Error::from)?
            {
                let state = if token.revoked_at.is_some() {
                    "revoked"
                } else if u64::try_from(token.expires_at).unwrap_or(0)
                    <= crate::commands::unix_now()
                {
                    "expired"
                } else {
                    "active"
                };
                super::print_line(format_args!(
                    "{}\t{}\t{}\t{}\t{}",
                    token.id,
                    token.role.key(),
                    state,
                    token.expires_at,
                    token.label
                ))
                .map_err(anyhow::Error::from)?;
            }
        }
        TokenCommand::Revoke { id, .. } => {
            let at = i64::try_from(crate::commands::unix_now()).unwrap_or(i64::MAX);
            if !store
                .revoke_api_token(&login, &id, at, &Actor::command_line())
                .await
                .map_err(anyhow::Error::from)?
            {
                return Err(Failure::Input(format!(
                    "ID: no active token {id} of {}",
                    login.as_str()
                )));
            }
        }
    }
    store.close().await;
    Ok(())
}
