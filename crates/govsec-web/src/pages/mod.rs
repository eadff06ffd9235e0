//! The HTML pages: the overview, the agency registry, and the four modules' pages.

mod agencies;
mod audit_log;
mod modules;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::routing::get;
use govsec_i18n::Text;
use maud::{Markup, html};

use crate::AppState;
use crate::auth::CallerScope;
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, page};

/// Every page route.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/agencies", get(agencies::tree))
        .route("/agencies/{code}", get(agencies::detail))
        .route("/web-posture", get(modules::web_posture))
        .route("/vans", get(modules::vans))
        .route("/incidents", get(modules::incidents))
        .route("/compliance", get(modules::compliance))
        .route("/audit-log", get(audit_log::audit_log))
        .route("/lang/{tag}", get(crate::language::switch))
        .route(
            "/login",
            get(crate::auth::sign_in_form).post(crate::auth::sign_in),
        )
        .route(
            "/login/second-factor",
            get(crate::auth::second_factor_form).post(crate::auth::second_factor),
        )
        .route(
            "/logout",
            get(crate::auth::sign_out_form).post(crate::auth::sign_out),
        )
}

/// The path and query of the request, for the language switch to come back to.
fn here(uri: &OriginalUri) -> String {
    uri.0
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned())
}

async fn home(
    State(state): State<AppState>,
    Language(lang): Language,
    CallerScope(scope): CallerScope,
    uri: OriginalUri,
) -> Result<Markup, PageError> {
    let statistics = state
        .cache()
        .statistics(state.store(), &scope)
        .await
        .map_err(PageError::internal(lang))?;
    let total = statistics.total();
    let figure = |value: i64, label: Text| {
        html! { div class="figure" { div class="value" { (value) } div class="label" { (label.get(lang)) } } }
    };
    let modules = [
        (
            "/web-posture",
            Text::NavWebPosture,
            Text::ModuleWebPostureSummary,
        ),
        ("/vans", Text::NavVans, Text::ModuleVansSummary),
        (
            "/incidents",
            Text::NavIncidents,
            Text::ModuleIncidentsSummary,
        ),
        (
            "/compliance",
            Text::NavCompliance,
            Text::ModuleComplianceSummary,
        ),
    ];
    Ok(page(
        lang,
        Text::HomeTitle.get(lang),
        Section::Home,
        &here(&uri),
        html! {
            h1 { (Text::HomeTitle.get(lang)) }
            section class="card" {
                h2 { a href="/agencies" { (Text::HomeRegistryHeading.get(lang)) } }
                div class="figures" {
                    (figure(total.agencies, Text::HomeAgencies))
                    (figure(total.websites, Text::HomeWebsites))
                    (figure(statistics.systems, Text::HomeSystems))
                    (figure(total.core_systems, Text::HomeCoreSystems))
                }
            }
            section class="card" {
                h2 { (Text::HomeModulesHeading.get(lang)) }
                @for (href, name, summary) in modules {
                    h3 { a href=(href) { (name.get(lang)) } }
                    p { (summary.get(lang)) }
                }
            }
        },
    ))
}

/// The fallback: a localised 404 page.
pub async fn not_found(Language(lang): Language) -> PageError {
    PageError::NotFound(lang, None)
}
