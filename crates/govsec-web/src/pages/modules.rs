//! The four modules' pages. Until a module's own issue lands, its page shows the registry's
//! real figures that concern it and says what is still to come; it never shows invented data.

use axum::extract::{OriginalUri, State};
use govsec_i18n::Text;
use maud::{Markup, html};

use super::here;
use crate::AppState;
use crate::auth::CallerScope;
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, page, percent};

/// `GET /web-posture`: registered websites per tier.
pub async fn web_posture(
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
    Ok(page(
        lang,
        Text::WebPostureTitle.get(lang),
        Section::WebPosture,
        &here(&uri),
        html! {
            h1 { (Text::WebPostureTitle.get(lang)) }
            p class="notice" { (Text::WebPostureScanPending.get(lang)) }
            section class="card" {
                h2 { (Text::WebPostureRegistered.get(lang)) }
                table {
                    thead { tr {
                        th { (Text::ColumnTier.get(lang)) } th class="number" { (Text::HomeAgencies.get(lang)) }
                        th class="number" { (Text::HomeWebsites.get(lang)) } th class="number" { (Text::WebPostureHttpsShare.get(lang)) }
                    } }
                    tbody {
                        @for (tier, row) in &statistics.by_tier { tr {
                            td { (tier.label(lang)) } td class="number" { (row.agencies) } td class="number" { (row.websites) }
                            td class="number" { (row.https_websites) " (" (percent(row.https_websites, row.websites)) ")" }
                        } }
                        tr {
                            th { (Text::Total.get(lang)) } th class="number" { (total.agencies) } th class="number" { (total.websites) }
                            th class="number" { (total.https_websites) " (" (percent(total.https_websites, total.websites)) ")" }
                        }
                    }
                }
            }
        },
    ))
}

/// `GET /vans`: coverage of core systems by VANS and EDR, the audit's two figures.
pub async fn vans(
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
    let rows = statistics
        .by_tier
        .iter()
        .map(|(tier, row)| (tier.label(lang), row))
        .chain([(Text::Total.get(lang), &total)]);
    Ok(page(
        lang,
        Text::VansTitle.get(lang),
        Section::Vans,
        &here(&uri),
        html! {
            h1 { (Text::VansTitle.get(lang)) }
            p class="notice" { (Text::VansUploadPending.get(lang)) }
            p { a href="/vans/mappings" { (Text::VansMappingsLink.get(lang)) } }
            section class="card" {
                h2 { (Text::VansCoverageHeading.get(lang)) }
                table {
                    thead { tr {
                        th { (Text::ColumnTier.get(lang)) } th class="number" { (Text::VansCoreSystems.get(lang)) }
                        th class="number" { (Text::VansCovered.get(lang)) } th class="number" { (Text::VansNotCovered.get(lang)) }
                        th class="number" { (Text::VansEdrCovered.get(lang)) } th class="number" { (Text::VansNotCovered.get(lang)) }
                    } }
                    tbody { @for (label, row) in rows { tr {
                        td { (label) } td class="number" { (row.core_systems) }
                        td class="number" { (row.core_covered_by_vans) }
                        td class="number" { (percent(row.core_systems - row.core_covered_by_vans, row.core_systems)) }
                        td class="number" { (row.core_covered_by_edr) }
                        td class="number" { (percent(row.core_systems - row.core_covered_by_edr, row.core_systems)) }
                    } } }
                }
            }
        },
    ))
}

/// `GET /incidents`. Nothing is read yet, but the page is for signed-in roles that read incidents,
/// like every page.
pub async fn incidents(
    Language(lang): Language,
    CallerScope(_): CallerScope,
    uri: OriginalUri,
) -> Markup {
    page(
        lang,
        Text::IncidentsTitle.get(lang),
        Section::Incidents,
        &here(&uri),
        html! {
            h1 { (Text::IncidentsTitle.get(lang)) }
            p class="notice" { (Text::IncidentsPending.get(lang)) }
            section class="card" { p { (Text::ModuleIncidentsSummary.get(lang)) } }
        },
    )
}

/// `GET /compliance`: agencies per responsibility level and per document-exchange layer.
pub async fn compliance(
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
    Ok(page(
        lang,
        Text::ComplianceTitle.get(lang),
        Section::Compliance,
        &here(&uri),
        html! {
            h1 { (Text::ComplianceTitle.get(lang)) }
            p class="notice" { (Text::CompliancePending.get(lang)) }
            section class="card" {
                h2 { (Text::ComplianceLevelsHeading.get(lang)) }
                table {
                    thead { tr { th { (Text::ColumnLevel.get(lang)) } th class="number" { (Text::ColumnCount.get(lang)) } } }
                    tbody { @for (level, count) in &statistics.by_level { tr { td { (level) } td class="number" { (count) } } } }
                }
            }
            section class="card" {
                h2 { (Text::ComplianceLayersHeading.get(lang)) }
                table {
                    thead { tr { th { (Text::ColumnLayer.get(lang)) } th class="number" { (Text::ColumnCount.get(lang)) } } }
                    tbody { @for (layer, count) in &statistics.by_layer { tr {
                        td { (layer.text().get(lang)) @if let Some(centre) = layer.centre() { " · " (centre.label(lang)) } }
                        td class="number" { (count) }
                    } } }
                }
            }
        },
    ))
}
