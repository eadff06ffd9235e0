//! The HTML pages: the overview, the agency registry, and the four modules' pages.

mod agencies;
mod audit_log;
mod modules;

use axum::extract::{OriginalUri, State};
use axum::routing::get;
use govsec_i18n::Text;
use maud::{Markup, html};

use crate::AppState;
use crate::auth::CallerScope;
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, page};

/// Every page route: path, methods, handler.
pub fn routes() -> Vec<crate::Route> {
    use crate::auth;
    vec![
        ("/", &["GET"][..], get(home)),
        ("/agencies", &["GET"], get(agencies::tree)),
        ("/agencies/{code}", &["GET"], get(agencies::detail)),
        ("/web-posture", &["GET"], get(modules::web_posture)),
        ("/vans", &["GET"], get(modules::vans)),
        ("/incidents", &["GET"], get(modules::incidents)),
        ("/compliance", &["GET"], get(modules::compliance)),
        ("/audit-log", &["GET"], get(audit_log::audit_log)),
        ("/lang/{tag}", &["GET"], get(crate::language::switch)),
        (
            "/login",
            &["GET", "POST"],
            get(auth::sign_in_form).post(auth::sign_in),
        ),
        (
            "/login/second-factor",
            &["GET", "POST"],
            get(auth::second_factor_form).post(auth::second_factor),
        ),
        (
            "/login/second-factor/security-key",
            &["POST"],
            axum::routing::post(auth::second_factor_security_key),
        ),
        (
            "/logout",
            &["GET", "POST"],
            get(auth::sign_out_form).post(auth::sign_out),
        ),
        (
            "/account/password",
            &["GET", "POST"],
            get(crate::account::password_form).post(crate::account::change_password),
        ),
    ]
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
