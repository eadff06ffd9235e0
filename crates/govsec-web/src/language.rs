//! The caller's UI language: the `govsec_lang` cookie set by the language switch, else zh-TW.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govsec_i18n::Lang;
use serde::Deserialize;

/// The cookie holding the chosen language.
pub const COOKIE: &str = "govsec_lang";

/// The language of the request.
#[derive(Debug, Clone, Copy)]
pub struct Language(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Language(from_cookies(&parts.headers).unwrap_or_default()))
    }
}

fn from_cookies(headers: &HeaderMap) -> Option<Lang> {
    crate::auth::cookie_value(headers, COOKIE).and_then(Lang::from_tag)
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{tag}?next=/path`: remembers the language and returns to the page. Only a local
/// path is followed, so the switch cannot be used as an open redirect.
pub async fn switch(
    axum::extract::Path(tag): axum::extract::Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Response {
    let Some(lang) = Lang::from_tag(&tag) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let next = query
        .next
        .filter(|next| is_local_path(next))
        .unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly",
        lang.tag()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response()
}

fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/agencies?q=內政"));
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "agencies",
            "/a\r\nSet-Cookie: x",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_cookie_picks_the_language() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "other=1; govsec_lang=en".parse().unwrap());
        assert_eq!(from_cookies(&headers), Some(Lang::En));
        assert_eq!(from_cookies(&HeaderMap::new()), None);
    }
}
