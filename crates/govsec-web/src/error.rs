//! Errors a page handler can end in, rendered as a page in the caller's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govsec_i18n::{Lang, Text};
use maud::html;

use crate::layout::{Section, page};

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
