//! The TLS client of the scanner: it completes handshakes that a browser would refuse, so
//! that what the server presents can be recorded and judged.
//!
//! A normal client aborts on the first certificate error; a scanner must keep the whole chain
//! and go on to HTTP, since an expired certificate says nothing about the redirect or the
//! page. The verifier here therefore accepts every chain and keeps a copy, and accepts
//! handshake signatures that ring cannot check (RSA keys under 2048 bits) — nothing secret
//! is ever sent over these connections. The judgement is made afterwards, in
//! [`crate::certificate`].
//!
//! Only TLS 1.2 and 1.3 are spoken (rustls); older protocols and weak suites are detected by
//! [`crate::legacy`].

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use crate::names::ReferenceHost;

/// What the handshake negotiated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsFacts {
    /// `TLSv1.3` or `TLSv1.2`.
    pub protocol: String,
    /// IANA name of the cipher suite.
    pub cipher_suite: String,
    /// The ALPN protocol the server chose, if any.
    pub alpn: Option<String>,
    /// Whether the server's handshake signature could be verified (it cannot for keys ring
    /// refuses, such as RSA under 2048 bits).
    pub handshake_signature_verified: bool,
}

#[derive(Debug, Default)]
struct Recorded {
    chain: Vec<CertificateDer<'static>>,
    signature_unverified: bool,
}

#[derive(Debug)]
struct RecordingVerifier {
    algorithms: WebPkiSupportedAlgorithms,
    recorded: Arc<Mutex<Recorded>>,
}

impl RecordingVerifier {
    fn note_signature(
        &self,
        result: Result<HandshakeSignatureValid, tokio_rustls::rustls::Error>,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        if result.is_err()
            && let Ok(mut recorded) = self.recorded.lock()
        {
            recorded.signature_unverified = true;
        }
        Ok(HandshakeSignatureValid::assertion())
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, tokio_rustls::rustls::Error> {
        if let Ok(mut recorded) = self.recorded.lock() {
            recorded.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        self.note_signature(tokio_rustls::rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.algorithms,
        ))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        self.note_signature(tokio_rustls::rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.algorithms,
        ))
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A completed handshake: the stream, what was negotiated and the chain presented.
pub struct Handshake {
    /// The encrypted stream, ready for HTTP.
    pub stream: TlsStream<TcpStream>,
    /// What was negotiated.
    pub facts: TlsFacts,
    /// The chain as sent, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
}

/// Which ALPN protocols to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alpn {
    /// `h2` and `http/1.1`, as a browser offers: tells what the server prefers.
    Browser,
    /// `http/1.1` only, for the connections the scanner speaks HTTP on.
    Http1,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(tokio_rustls::rustls::crypto::ring::default_provider())
}

/// Performs a TLS handshake with `host` over `tcp`. The server name (SNI) is sent for
/// domains, not for IP addresses (RFC 6066 §3).
pub async fn handshake(
    tcp: TcpStream,
    host: &ReferenceHost,
    alpn: Alpn,
) -> Result<Handshake, String> {
    let provider = provider();
    let recorded = Arc::new(Mutex::new(Recorded::default()));
    let verifier = Arc::new(RecordingVerifier {
        algorithms: provider.signature_verification_algorithms,
        recorded: Arc::clone(&recorded),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = match alpn {
        Alpn::Browser => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        Alpn::Http1 => vec![b"http/1.1".to_vec()],
    };
    config.resumption = tokio_rustls::rustls::client::Resumption::disabled();
    let name = match host {
        ReferenceHost::Domain(d) => ServerName::try_from(d.clone()).map_err(|e| e.to_string())?,
        ReferenceHost::Ip(ip) => ServerName::IpAddress((*ip).into()),
    };
    let stream = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| e.to_string())?;
    let (_, connection) = stream.get_ref();
    let facts = TlsFacts {
        protocol: connection
            .protocol_version()
            .and_then(|v| v.as_str())
            .map(|v| v.replace('_', "."))
            .unwrap_or_default(),
        cipher_suite: connection
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .unwrap_or_default()
            .to_owned(),
        alpn: connection
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        handshake_signature_verified: true,
    };
    let recorded = recorded
        .lock()
        .map(|mut r| std::mem::take(&mut *r))
        .unwrap_or_default();
    Ok(Handshake {
        stream,
        facts: TlsFacts {
            handshake_signature_verified: !recorded.signature_unverified,
            ..facts
        },
        chain: recorded.chain,
    })
}
