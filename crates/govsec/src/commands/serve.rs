//! `govsec serve`: the web UI and API on the configured database.

use anyhow::Context;
use govsec_i18n::Text;
use govsec_store::Store;
use govsec_web::{AppState, WebOptions};

use crate::Failure;
use crate::config::{DEFAULT_ADDR, Settings};

/// Flags of `govsec serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "GOVSEC_ADDR", value_name = "ADDR")]
    pub addr: Option<String>,
}

/// The web options the settings give.
pub fn web_options(settings: &Settings) -> WebOptions {
    WebOptions {
        request_timeout: settings.request_timeout,
        body_limit: settings.body_limit,
        auth: govsec_web::AuthSettings {
            secure_cookies: settings.secure_cookies,
            ..govsec_web::AuthSettings::default()
        },
    }
}

/// Binds `addr` and serves until SIGTERM or Ctrl-C. `announce` is printed to stdout with the URL
/// once the socket listens.
pub async fn serve_store(
    store: Store,
    options: WebOptions,
    settings: &Settings,
    addr: &str,
    announce: impl FnOnce(&str),
) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|error| {
        Failure::Input(Text::CannotListen.fill(settings.lang, &[&addr, &error]))
    })?;
    let local = listener.local_addr().context("reading the bound address")?;
    let shutdown = govsec_web::termination_signal().context("installing signal handlers")?;
    announce(&format!("http://{local}/"));
    tracing::info!(address = %local, "serving");
    govsec_web::serve(listener, AppState::new(store.clone(), options), shutdown)
        .await
        .context("serving HTTP")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Runs `govsec serve`.
pub async fn run(args: ServeArgs, settings: &Settings) -> Result<(), Failure> {
    let store = settings.open_store().await?;
    let addr = args
        .addr
        .or_else(|| settings.web_addr.clone())
        .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let lang = settings.lang;
    serve_store(store, web_options(settings), settings, &addr, |url| {
        eprintln!("govsec: {}", Text::ServeListening.fill(lang, &[&url]))
    })
    .await
}
