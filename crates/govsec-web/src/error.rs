//! The crate's errors: [`WebError`] for what can go wrong in the server (its TLS files, its
//! WebAuthn origin, a security-key ceremony), and [`PageError`] for the pages a handler can end
//! in, rendered in the caller's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govsec_i18n::{Lang, Text};
use maud::html;

use crate::layout::{Section, page};

/// What can go wrong in the web server, each with what the user or operator needs to act on it.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A PEM file could not be read or holds nothing usable.
    #[error("{path}: {reason}")]
    TlsFile {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The key does not fit the certificate, or rustls refuses them.
    #[error("the certificate and key cannot be used together: {0}")]
    TlsConfig(String),
    /// The configured public origin cannot be a WebAuthn relying party.
    #[error("the public origin {origin:?} cannot be used for security keys: {reason}")]
    PublicOrigin {
        /// The origin as configured.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The browser's answer is not the JSON of a WebAuthn credential (or there is none: the
    /// page ran without JavaScript).
    #[error("the browser's answer is not a security-key credential: {0}")]
    MalformedCredential(String),
    /// No ceremony waits for this answer: none began, it expired, or it was answered already.
    #[error("no security-key request is waiting: it expired or was answered already")]
    NoCeremony,
    /// The answering key is not registered to this account.
    #[error("this security key is not registered to the account")]
    UnknownKey,
    /// webauthn-rs refused the answer (wrong challenge, origin, signature, flags, …).
    #[error("the security key's answer was refused: {0}")]
    Rejected(String),
    /// The key's signature counter did not grow: it may have been cloned.
    #[error("the security key's signature counter did not grow: the key may have been cloned")]
    PossibleClone,
    /// The key is registered already, to this account or another.
    #[error("this security key is registered already")]
    AlreadyRegistered,
    /// A key's label is empty or too long.
    #[error("a security key's label must be 1 to {max} characters")]
    Label {
        /// The most characters allowed.
        max: usize,
    },
    /// Removing the key would leave the account without a second factor.
    #[error("this is the account's last second factor")]
    LastSecondFactor,
    /// A ceremony state or a stored credential does not read back: the database was changed
    /// outside govsec, or govsec was upgraded during a ceremony.
    #[error("a stored security-key state cannot be read: {0}")]
    StoredState(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] govsec_store::StoreError),
}

impl WebError {
    /// A stable machine key, for logs and the audit log.
    pub fn key(&self) -> &'static str {
        match self {
            WebError::TlsFile { .. } => "tls_file",
            WebError::TlsConfig(_) => "tls_config",
            WebError::PublicOrigin { .. } => "public_origin",
            WebError::MalformedCredential(_) => "malformed_credential",
            WebError::NoCeremony => "no_ceremony",
            WebError::UnknownKey => "unknown_key",
            WebError::Rejected(_) => "rejected",
            WebError::PossibleClone => "possible_clone",
            WebError::AlreadyRegistered => "already_registered",
            WebError::Label { .. } => "label",
            WebError::LastSecondFactor => "last_second_factor",
            WebError::StoredState(_) => "stored_state",
            WebError::Store(_) => "store",
        }
    }

    /// What a security-key error means for the user, in the UI language.
    pub(crate) fn message(&self, lang: Lang) -> String {
        match self {
            WebError::MalformedCredential(_) => Text::SecurityKeyMalformed.get(lang).to_owned(),
            WebError::NoCeremony => Text::SecurityKeyNoCeremony.get(lang).to_owned(),
            WebError::UnknownKey => Text::SecurityKeyUnknown.get(lang).to_owned(),
            WebError::Rejected(_) => Text::SecurityKeyRejected.get(lang).to_owned(),
            WebError::PossibleClone => Text::SecurityKeyPossibleClone.get(lang).to_owned(),
            WebError::AlreadyRegistered => Text::SecurityKeyAlreadyRegistered.get(lang).to_owned(),
            WebError::Label { max } => Text::SecurityKeyLabelInvalid.fill(lang, &[max]),
            WebError::LastSecondFactor => Text::SecurityKeyLastFactor.get(lang).to_owned(),
            WebError::TlsFile { .. }
            | WebError::TlsConfig(_)
            | WebError::PublicOrigin { .. }
            | WebError::StoredState(_)
            | WebError::Store(_) => Text::ErrorInternal.get(lang).to_owned(),
        }
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Nothing at this address, or nothing the caller may see.
    NotFound(Lang, Option<String>),
    /// The store failed; logged, not shown.
    Internal(Lang, govsec_store::StoreError),
}

impl PageError {
    pub fn internal(lang: Lang) -> impl FnOnce(govsec_store::StoreError) -> PageError {
        move |error| PageError::Internal(lang, error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound(lang, message) => {
                let body = page(
                    lang,
                    Text::ErrorNotFoundTitle.get(lang),
                    Section::None,
                    "/",
                    html! {
                        h1 { (Text::ErrorNotFoundTitle.get(lang)) }
                        p { (message.unwrap_or_else(|| Text::ErrorNotFound.get(lang).to_owned())) }
                        p { a href="/agencies" { (Text::BackToAgencies.get(lang)) } }
                    },
                );
                (StatusCode::NOT_FOUND, body).into_response()
            }
            PageError::Internal(lang, error) => {
                tracing::error!(%error, "page failed");
                let body = page(
                    lang,
                    Text::ErrorInternalTitle.get(lang),
                    Section::None,
                    "/",
                    html! {
                        h1 { (Text::ErrorInternalTitle.get(lang)) }
                        p { (Text::ErrorInternal.get(lang)) }
                    },
                );
                (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
            }
        }
    }
}
