//! The JSON API, version 1: the agency registry, scoped like the pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use govsec_core::AgencyCode;
use serde_json::json;

use crate::AppState;
use crate::auth::CallerScope;

/// The API routes, version 1.
pub fn routes() -> Vec<crate::Route> {
    vec![
        ("/api/v1/agencies", &["GET"][..], get(list)),
        ("/api/v1/agencies/{code}", &["GET"], get(one)),
    ]
}

fn failure(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

fn internal(error: govsec_store::StoreError) -> Response {
    tracing::error!(%error, "API request failed");
    failure(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error",
    )
}

async fn list(State(state): State<AppState>, CallerScope(scope): CallerScope) -> Response {
    match state.store().agency_summaries(&scope).await {
        Ok(summaries) => Json(json!({ "agencies": summaries })).into_response(),
        Err(error) => internal(error),
    }
}

async fn one(
    State(state): State<AppState>,
    CallerScope(scope): CallerScope,
    Path(code): Path<String>,
) -> Response {
    let Ok(code) = AgencyCode::parse(&code) else {
        return failure(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such agency in your scope",
        );
    };
    match state.store().agency_detail(&scope, &code).await {
        Ok(Some(detail)) => Json(detail).into_response(),
        Ok(None) => failure(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such agency in your scope",
        ),
        Err(error) => internal(error),
    }
}
