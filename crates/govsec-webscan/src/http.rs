//! One HTTP/1.1 `GET` over an open stream, with timeouts and a cap on the body.
//!
//! The scanner follows redirects itself, hop by hop, so every response is observed; this
//! module never follows one. The body is read frame by frame and dropped past the cap, so a
//! server that sends a gigabyte costs the cap in memory, not the gigabyte.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use url::Url;

use crate::net::{Failure, Phase};

/// The `User-Agent` the scanner sends: honest about what it is.
pub const USER_AGENT: &str = concat!("govsec-webscan/", env!("CARGO_PKG_VERSION"));

/// Limits of one request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Until the response head has arrived.
    pub response_timeout: Duration,
    /// For the whole body.
    pub body_timeout: Duration,
    /// The most body bytes kept.
    pub max_body_bytes: usize,
}

/// A response as observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header fields in the order received (values decoded as Latin-1 where not UTF-8).
    pub headers: Vec<(String, String)>,
    /// The body, at most [`Limits::max_body_bytes`].
    pub body: Vec<u8>,
    /// Whether the body was longer than the cap.
    pub truncated: bool,
    /// Why reading the body stopped early, if it did.
    pub body_error: Option<String>,
}

impl Response {
    /// The values of a header, case-insensitively.
    pub fn header_values<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a str> + 'a {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(&name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.header_values(name).next()
    }
}

fn header_text(value: &[u8]) -> String {
    match std::str::from_utf8(value) {
        Ok(text) => text.to_owned(),
        Err(_) => value.iter().map(|b| char::from(*b)).collect(),
    }
}

/// Sends `GET url` over `stream` and reads the response. The body of a redirect is not read:
/// only its `Location` matters.
pub async fn get<S>(stream: S, url: &Url, limits: Limits) -> Result<Response, Failure>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let authority = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => {
            return Err(Failure::new(
                Phase::HttpResponse,
                format!("{url} has no host"),
            ));
        }
    };
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let request = Request::get(path)
        .header(hyper::header::HOST, authority)
        .header(hyper::header::USER_AGENT, USER_AGENT)
        .header(
            hyper::header::ACCEPT,
            "text/html,application/xhtml+xml,*/*;q=0.8",
        )
        .header(hyper::header::CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .map_err(|e| Failure::new(Phase::HttpResponse, e.to_string()))?;

    let exchange = async {
        let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
            .max_buf_size(256 * 1024)
            .handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Failure::new(Phase::HttpResponse, e.to_string()))?;
        let driver = tokio::spawn(connection);
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| Failure::new(Phase::HttpResponse, describe(&e)));
        Ok::<_, Failure>((response, driver))
    };
    let (response, driver) = tokio::time::timeout(limits.response_timeout, exchange)
        .await
        .map_err(|_| Failure::timeout(Phase::HttpResponse, limits.response_timeout))??;
    let response = match response {
        Ok(r) => r,
        Err(e) => {
            driver.abort();
            return Err(e);
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), header_text(v.as_bytes())))
        .collect();
    let mut observed = Response {
        status,
        headers,
        body: Vec::new(),
        truncated: false,
        body_error: None,
    };
    let redirect = (300..400).contains(&status) && observed.header("location").is_some();
    if !redirect {
        let mut body = response.into_body();
        let reading = async {
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| describe(&e))?;
                if let Some(data) = frame.data_ref() {
                    let room = limits.max_body_bytes - observed.body.len();
                    if data.len() > room {
                        observed.body.extend_from_slice(&data[..room]);
                        observed.truncated = true;
                        return Ok(());
                    }
                    observed.body.extend_from_slice(data);
                }
            }
            Ok::<_, String>(())
        };
        let outcome = tokio::time::timeout(limits.body_timeout, reading).await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => observed.body_error = Some(e),
            Err(_) => {
                observed.body_error =
                    Some(Failure::timeout(Phase::HttpBody, limits.body_timeout).error)
            }
        }
    }
    driver.abort();
    Ok(observed)
}

/// hyper's error with its cause, which carries the detail ("invalid HTTP version parsed").
fn describe(error: &hyper::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
