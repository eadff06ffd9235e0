//! Name resolution and TCP connections, with the run's overrides and timeouts.
//!
//! DNS goes through hickory's stub resolver with the system configuration, so that every
//! lookup has a timeout of its own and a broken name server cannot hold a scan. The
//! `--resolve` / `--connect-to` overrides ([`crate::target::Overrides`]) are applied first.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_resolver::TokioResolver;
use serde::Serialize;
use tokio::net::TcpStream;
use tokio::sync::OnceCell;

use crate::target::Overrides;

/// The step of a probe that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Looking up the host's addresses.
    Dns,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake.
    TlsHandshake,
    /// Sending the request and reading the response head.
    HttpResponse,
    /// Reading the response body.
    HttpBody,
}

/// Why a probe got no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// Where it failed.
    pub phase: Phase,
    /// What happened (English, technical).
    pub error: String,
}

impl Failure {
    /// A failure in `phase`.
    pub fn new(phase: Phase, error: impl Into<String>) -> Self {
        Failure {
            phase,
            error: error.into(),
        }
    }

    /// A timeout in `phase`.
    pub fn timeout(phase: Phase, limit: Duration) -> Self {
        Failure::new(phase, format!("timed out after {} ms", limit.as_millis()))
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.phase, self.error)
    }
}

/// Opens connections for the scanner.
pub struct Dialer {
    overrides: Overrides,
    resolver: OnceCell<Result<TokioResolver, String>>,
    dns_timeout: Duration,
    connect_timeout: Duration,
}

impl Dialer {
    /// A dialer with the run's overrides and timeouts.
    pub fn new(overrides: Overrides, dns_timeout: Duration, connect_timeout: Duration) -> Self {
        Dialer {
            overrides,
            resolver: OnceCell::new(),
            dns_timeout,
            connect_timeout,
        }
    }

    async fn resolver(&self) -> Result<&TokioResolver, Failure> {
        let timeout = self.dns_timeout;
        self.resolver
            .get_or_init(|| async move {
                let mut builder = TokioResolver::builder_tokio()
                    .map_err(|e| format!("no usable DNS configuration (/etc/resolv.conf): {e}"))?;
                builder.options_mut().timeout = timeout;
                builder.options_mut().attempts = 1;
                builder.build().map_err(|e| e.to_string())
            })
            .await
            .as_ref()
            .map_err(|e| Failure::new(Phase::Dns, e.clone()))
    }

    /// The addresses a connection to `host:port` goes to, overrides applied.
    pub async fn addresses(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Failure> {
        let (host, port, pinned) = self.overrides.route(host, port);
        if let Some(pinned) = pinned {
            return Ok(pinned.iter().map(|ip| SocketAddr::new(*ip, port)).collect());
        }
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&host);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        let resolver = self.resolver().await?;
        // A fully qualified name: the search domains of resolv.conf must not turn
        // `www.gov.tw` into `www.gov.tw.corp.example`.
        let fqdn = format!("{}.", host.trim_end_matches('.'));
        let lookup = tokio::time::timeout(self.dns_timeout, resolver.lookup_ip(fqdn))
            .await
            .map_err(|_| Failure::timeout(Phase::Dns, self.dns_timeout))?
            .map_err(|e| Failure::new(Phase::Dns, e.to_string()))?;
        let addresses: Vec<SocketAddr> =
            lookup.iter().map(|ip| SocketAddr::new(ip, port)).collect();
        if addresses.is_empty() {
            return Err(Failure::new(Phase::Dns, format!("{host} has no address")));
        }
        Ok(addresses)
    }

    /// Connects to the first address of `host:port` that answers.
    pub async fn connect(&self, host: &str, port: u16) -> Result<(TcpStream, SocketAddr), Failure> {
        let addresses = self.addresses(host, port).await?;
        let mut last = None;
        for address in addresses.iter().take(4) {
            match tokio::time::timeout(self.connect_timeout, TcpStream::connect(address)).await {
                Ok(Ok(stream)) => {
                    // Small requests and responses: no Nagle delay on the request.
                    let _ = stream.set_nodelay(true);
                    return Ok((stream, *address));
                }
                Ok(Err(e)) => last = Some(Failure::new(Phase::Connect, format!("{address}: {e}"))),
                Err(_) => last = Some(Failure::timeout(Phase::Connect, self.connect_timeout)),
            }
        }
        Err(last.unwrap_or_else(|| Failure::new(Phase::Connect, "no address to connect to")))
    }
}
