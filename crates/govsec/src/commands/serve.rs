//! `govsec serve`: the web UI and API on the configured database, over plain http on loopback
//! or over HTTPS (`--tls-cert`/`--tls-key`) with HSTS and, with `--http-redirect-addr`, a plain
//! listener that only redirects to https. Security keys answer at the public origin
//! (`--public-origin`), by default `localhost` on the served scheme.

use std::path::PathBuf;

use anyhow::Context;
use govsec_i18n::Text;
use govsec_store::Store;
use govsec_web::{AppState, RelyingParty, WebOptions};

use crate::Failure;
use crate::config::{DEFAULT_ADDR, Settings};

/// Flags of `govsec serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "GOVSEC_ADDR", value_name = "ADDR")]
    pub addr: Option<String>,
    /// PEM certificate chain: serve HTTPS (TLS 1.2 and 1.3) with HSTS.
    #[arg(
        long,
        env = "GOVSEC_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(
        long,
        env = "GOVSEC_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// With TLS: also listen for plain http here and redirect every request to https.
    #[arg(long, value_name = "ADDR", requires = "tls_cert")]
    pub http_redirect_addr: Option<String>,
    /// The https port clients reach, when it differs from the bound one (a port mapping or
    /// a load balancer in front): the redirect points there.
    #[arg(long, value_name = "PORT", requires = "http_redirect_addr")]
    pub public_https_port: Option<u16>,
    /// The origin browsers reach govsec at, such as https://govsec.example.gov.tw: security
    /// keys are registered for its host and work only there (default: localhost, any port).
    #[arg(long, env = "GOVSEC_PUBLIC_ORIGIN", value_name = "URL")]
    pub public_origin: Option<String>,
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
        hsts: false,
    }
}

/// The WebAuthn relying party: the public origin given, else `localhost` on any port over the
/// served scheme, which only browsers on this machine reach.
fn relying_party_for(origin: Option<&str>, tls: bool) -> Result<RelyingParty, Failure> {
    let party = match origin {
        Some(origin) => {
            RelyingParty::for_origin(origin).map_err(|error| Failure::Input(error.to_string()))?
        }
        None => RelyingParty::localhost(tls),
    };
    tracing::info!(
        origin = party.origin(),
        "security keys answer at this origin"
    );
    Ok(party)
}

/// Binds `addr` and serves plain http until SIGTERM or Ctrl-C. `announce` gets the URL once the
/// socket listens.
pub async fn serve_store(
    store: Store,
    options: WebOptions,
    settings: &Settings,
    addr: &str,
    announce: impl FnOnce(&str),
) -> Result<(), Failure> {
    let listener = bind(addr, settings).await?;
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

async fn bind(addr: &str, settings: &Settings) -> Result<tokio::net::TcpListener, Failure> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| Failure::Input(Text::CannotListen.fill(settings.lang, &[&addr, &error])))
}

/// Runs `govsec serve`.
pub async fn run(args: ServeArgs, settings: &Settings) -> Result<(), Failure> {
    let addr = args
        .addr
        .or_else(|| settings.web_addr.clone())
        .unwrap_or_else(|| DEFAULT_ADDR.to_owned());
    let lang = settings.lang;
    let announce = |url: &str| eprintln!("govsec: {}", Text::ServeListening.fill(lang, &[&url]));
    let origin = args
        .public_origin
        .or_else(|| settings.public_origin.clone());
    let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) else {
        let relying_party = relying_party_for(origin.as_deref(), false)?;
        let store = settings.open_store().await?;
        let mut options = web_options(settings);
        options.auth.relying_party = relying_party;
        return serve_store(store, options, settings, &addr, announce).await;
    };
    let relying_party = relying_party_for(origin.as_deref(), true)?;
    let config = govsec_web::server_config(&cert, &key)
        .map_err(|error| Failure::Input(error.to_string()))?;
    let store = settings.open_store().await?;
    let listener = bind(&addr, settings).await?;
    let local = listener.local_addr().context("reading the bound address")?;
    // One signal stops both listeners.
    let signal = govsec_web::termination_signal().context("installing signal handlers")?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        signal.await;
        let _ = stop.send(true);
    });
    let wait = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    let redirect = match args.http_redirect_addr {
        Some(plain) => {
            let plain_listener = bind(&plain, settings).await?;
            announce(&format!(
                "http://{}/",
                plain_listener
                    .local_addr()
                    .context("reading the bound address")?
            ));
            let app = govsec_web::redirect_app(args.public_https_port.unwrap_or(local.port()));
            let until = wait(stopped.clone());
            Some(tokio::spawn(async move {
                axum::serve(plain_listener, app)
                    .with_graceful_shutdown(until)
                    .await
            }))
        }
        None => None,
    };
    announce(&format!("https://{local}/"));
    let options = WebOptions {
        hsts: true,
        auth: govsec_web::AuthSettings {
            secure_cookies: true,
            relying_party,
            ..govsec_web::AuthSettings::default()
        },
        ..web_options(settings)
    };
    govsec_web::serve_tls(
        listener,
        AppState::new(store.clone(), options),
        config,
        wait(stopped),
    )
    .await
    .context("serving HTTPS")?;
    if let Some(redirect) = redirect {
        let _ = redirect.await;
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
