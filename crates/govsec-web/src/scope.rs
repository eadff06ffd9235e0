//! The caller's scope as an extractor, so that no handler can reach the store without one.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use govsec_core::Scope;

use crate::AppState;

/// The agencies the caller may see.
#[derive(Debug, Clone)]
pub struct CallerScope(pub Scope);

impl FromRequestParts<AppState> for CallerScope {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(CallerScope(state.options().operator_scope.clone()))
    }
}
