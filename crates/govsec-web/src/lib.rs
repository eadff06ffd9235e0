//! The govsec web server: server-rendered HTML (readable without JavaScript), a JSON API,
//! `/healthz` and `/metrics`.
//!
//! [`app`] builds the whole router from an [`AppState`]; tests call it directly, and
//! [`serve`] runs it on a listener with graceful shutdown. Handlers are thin: they read the
//! caller's language and scope through extractors, ask the store, and render.

mod account;
mod api;
mod auth;
mod cache;
mod error;
mod language;
mod layout;
mod mappings;
mod metrics;
mod pages;
mod security_keys;
mod tls;
mod users;
mod webauthn;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::get;
use govsec_store::Store;
use tower_http::set_header::SetResponseHeaderLayer;

pub use auth::{AuthSettings, SESSION_COOKIE, random_token, role_label};
pub use error::WebError;
pub use metrics::Metrics;
pub use tls::{redirect_app, serve_tls, server_config};
pub use webauthn::RelyingParty;

/// Limits and settings of the web server.
#[derive(Debug, Clone)]
pub struct WebOptions {
    /// A request that takes longer is answered 408 and its work dropped.
    pub request_timeout: Duration,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How signing in behaves.
    pub auth: AuthSettings,
    /// Send Strict-Transport-Security: on when govsec serves TLS itself or behind a TLS proxy.
    pub hsts: bool,
}

impl Default for WebOptions {
    fn default() -> Self {
        WebOptions {
            request_timeout: Duration::from_secs(30),
            body_limit: 16 * 1024 * 1024,
            auth: AuthSettings::default(),
            hsts: false,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    options: WebOptions,
    metrics: Metrics,
    cache: cache::RegistryCache,
}

impl AppState {
    /// State over a store with the given options.
    pub fn new(store: Store, options: WebOptions) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                options,
                metrics: Metrics::default(),
                cache: cache::RegistryCache::default(),
            }),
        }
    }

    /// The store behind the application.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub(crate) fn cache(&self) -> &cache::RegistryCache {
        &self.inner.cache
    }

    pub(crate) fn options(&self) -> &WebOptions {
        &self.inner.options
    }
}

/// Security headers on every response. The only script allowed is govsec's own files (the
/// security-key script): nothing inline, nothing from elsewhere, no `eval`.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// A route: its path template, the methods it answers, and its handler.
pub(crate) type Route = (
    &'static str,
    &'static [&'static str],
    axum::routing::MethodRouter<AppState>,
);

/// Every route of the application. The router is built from this table, so [`routes`] lists
/// exactly what the server answers (the authorisation matrix test walks it).
fn route_table() -> Vec<Route> {
    let mut table = pages::routes();
    table.extend(api::routes());
    table.extend(users::routes());
    table.extend(mappings::routes());
    table.extend(security_keys::routes());
    table.extend([
        ("/healthz", &["GET"][..], get(health)),
        ("/metrics", &["GET"], get(metrics::render)),
        ("/static/govsec.css", &["GET"], get(stylesheet)),
        (
            "/static/security-key.js",
            &["GET"],
            get(security_key_script),
        ),
    ]);
    table
}

/// Every route as (method, path template).
pub fn routes() -> Vec<(&'static str, &'static str)> {
    route_table()
        .into_iter()
        .flat_map(|(path, methods, _)| methods.iter().map(move |method| (*method, path)))
        .collect()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let options = state.options().clone();
    let router = route_table()
        .into_iter()
        .fold(Router::new(), |router, (path, _, handler)| {
            router.route(path, handler)
        })
        .fallback(pages::not_found);
    router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            options.request_timeout,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(options.body_limit))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            options.body_limit,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "no-referrer"))
        .layer(tower::util::option_layer(options.hsts.then(|| {
            // Two years with subdomains: the preload list's requirement, and what the scanner's
            // HSTS_WEAK check asks of government sites.
            header_layer(
                header::STRICT_TRANSPORT_SECURITY,
                "max-age=63072000; includeSubDomains",
            )
        })))
        .with_state(state)
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (StatusCode, axum::Json<serde_json::Value>) {
    let backend = match state.store().backend() {
        govsec_store::BackendKind::Sqlite => "sqlite",
        govsec_store::BackendKind::Postgres => "postgres",
    };
    match state.store().ping().await {
        Ok(()) => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok", "database": backend})),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable", "database": backend})),
            )
        }
    }
}

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/govsec.css"),
    )
}

async fn security_key_script() -> impl axum::response::IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/security-key.js"),
    )
}

/// Serves the application on `listener` until `shutdown` completes, then finishes the requests
/// in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// A future that completes on SIGTERM or Ctrl-C: what `govsec serve` waits for before shutting
/// down. The handlers are installed when this is called, not when the future is first polled, so
/// a signal that arrives as soon as the server says it listens is not lost.
pub fn termination_signal()
-> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
