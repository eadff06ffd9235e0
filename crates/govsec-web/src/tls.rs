//! HTTPS: govsec serving its own TLS (rustls: TLS 1.2 and 1.3 only, so no legacy protocol or
//! weak suite can be negotiated), the HSTS header that goes with it, and the plain-http listener
//! whose only answer is a permanent redirect to the same path over https — what the HTTPS
//! adoption table asks of every government website, govsec included.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tower::ServiceExt;

use crate::{AppState, WebError, app};

/// How long a client may take to finish the TLS handshake: a slow or silent peer must not hold a
/// connection slot.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long requests in flight may take to finish after the shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// A server configuration from a PEM certificate chain and a PEM private key.
pub fn server_config(certificate: &Path, key: &Path) -> Result<Arc<ServerConfig>, WebError> {
    let file_error = |path: &Path, reason: String| WebError::TlsFile {
        path: path.display().to_string(),
        reason,
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(certificate)
        .map_err(|e| file_error(certificate, e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_error(certificate, e.to_string()))?;
    if chain.is_empty() {
        return Err(file_error(
            certificate,
            "no certificate in the file".to_owned(),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| file_error(key, e.to_string()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| WebError::TlsConfig(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| WebError::TlsConfig(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves the application over TLS on `listener` until `shutdown` completes.
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    state: AppState,
    config: Arc<ServerConfig>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = TlsAcceptor::from(config);
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accept failed");
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let acceptor = acceptor.clone();
        let service = connection_service(router.clone(), peer);
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let Ok(Ok(tls)) =
                tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
            else {
                return;
            };
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(tls), service);
            let _ = watcher.watch(connection).await;
        });
    }
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period");
    }
    Ok(())
}

/// The router as a hyper service for one connection, with the peer's address where the
/// handlers look for it.
fn connection_service(
    router: Router,
    peer: SocketAddr,
) -> hyper_util::service::TowerToHyperService<
    impl tower::Service<
        Request<hyper::body::Incoming>,
        Response = Response,
        Error = std::convert::Infallible,
        Future: Send,
    > + Clone,
> {
    let service = router.map_request(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.map(axum::body::Body::new)
    });
    hyper_util::service::TowerToHyperService::new(service)
}

/// The plain-http application: every request is answered with a permanent redirect to the same
/// host and path over https (on `https_port` when it is not 443). Nothing else is served on
/// plain http, so no page or cookie ever travels unencrypted.
pub fn redirect_app(https_port: u16) -> Router {
    Router::new().fallback(move |request: Request| async move { redirect(&request, https_port) })
}

fn redirect(request: &Request, https_port: u16) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| {
            h.rsplit_once(':').map_or(h, |(name, port)| {
                if port.bytes().all(|b| b.is_ascii_digit()) {
                    name
                } else {
                    h
                }
            })
        })
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-[]:".contains(&b))
        });
    let Some(host) = host else {
        return (StatusCode::BAD_REQUEST, "a Host header is required").into_response();
    };
    let path = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let authority = if https_port == 443 {
        host.to_owned()
    } else {
        format!("{host}:{https_port}")
    };
    match format!("https://{authority}{path}").parse::<Uri>() {
        Ok(target) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, target.to_string())],
        )
            .into_response(),
        Err(_) => (StatusCode::BAD_REQUEST, "malformed request target").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redirect_of(host: Option<&str>, target: &str, port: u16) -> (StatusCode, String) {
        let mut builder = Request::get(target);
        if let Some(host) = host {
            builder = builder.header(header::HOST, host);
        }
        let response = redirect(&builder.body(axum::body::Body::empty()).unwrap(), port);
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (response.status(), location)
    }

    #[test]
    fn plain_http_goes_to_the_same_host_and_path_over_https() {
        assert_eq!(
            redirect_of(Some("govsec.gov.tw"), "/agencies?q=1", 443),
            (
                StatusCode::PERMANENT_REDIRECT,
                "https://govsec.gov.tw/agencies?q=1".to_owned()
            )
        );
        assert_eq!(
            redirect_of(Some("127.0.0.1:8080"), "/", 8443),
            (
                StatusCode::PERMANENT_REDIRECT,
                "https://127.0.0.1:8443/".to_owned()
            )
        );
        assert_eq!(redirect_of(None, "/", 443).0, StatusCode::BAD_REQUEST);
        assert_eq!(
            redirect_of(Some("evil.example/x"), "/", 443).0,
            StatusCode::BAD_REQUEST
        );
    }
}
