//! The audit log page: the authority reads and filters the whole log, a supervisor its
//! subtree's entries (資通安全管理法施行細則 on keeping and reviewing records).

use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use govsec_core::AgencyCode;
use govsec_i18n::Text;
use govsec_identity::Action;
use govsec_store::AuditFilter;
use maud::html;
use serde::Deserialize;

use super::here;
use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, page};

/// Entries shown at most.
const LIMIT: i64 = 200;

#[derive(Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    agency: Option<String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// `GET /audit-log[?actor=…&action=…&agency=…]`.
pub async fn audit_log(
    State(state): State<AppState>,
    Language(lang): Language,
    signed_in: SignedIn,
    uri: OriginalUri,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let scope = match signed_in.caller.registry_scope() {
        Some(scope) if signed_in.caller.role.permits(Action::ReadAuditLog) => scope,
        _ => {
            let body = page(
                lang,
                Text::NoPermission.get(lang),
                Section::AuditLog,
                &here(&uri),
                html! {
                    h1 { (Text::NoPermission.get(lang)) }
                },
            );
            return Ok((StatusCode::FORBIDDEN, body).into_response());
        }
    };
    let actor = non_empty(query.actor);
    let action = non_empty(query.action);
    let agency_text = non_empty(query.agency);
    let filter = AuditFilter {
        actor: actor.clone(),
        action: action.clone(),
        agency: agency_text
            .as_deref()
            .and_then(|code| AgencyCode::parse(code).ok()),
    };
    let entries = state
        .store()
        .audit_entries(&scope, &filter, LIMIT)
        .await
        .map_err(PageError::internal(lang))?;
    Ok(page(lang, Text::AuditLogTitle.get(lang), Section::AuditLog, &here(&uri), html! {
        h1 { (Text::AuditLogTitle.get(lang)) }
        p { (Text::AuditLogIntro.get(lang)) }
        form class="search" method="get" action="/audit-log" {
            input type="text" name="actor" value=[actor.as_deref()] placeholder=(Text::AuditFilterActor.get(lang)) aria-label=(Text::AuditFilterActor.get(lang));
            input type="text" name="action" value=[action.as_deref()] placeholder=(Text::AuditFilterAction.get(lang)) aria-label=(Text::AuditFilterAction.get(lang));
            input type="text" name="agency" value=[agency_text.as_deref()] placeholder=(Text::AuditFilterAgency.get(lang)) aria-label=(Text::AuditFilterAgency.get(lang));
            button type="submit" { (Text::AuditFilterButton.get(lang)) }
        }
        section class="card" {
            p { (Text::AuditLogNewest.fill(lang, &[&entries.len()])) }
            table {
                thead { tr {
                    th class="number" { (Text::AuditColumnSequence.get(lang)) }
                    th { (Text::AuditColumnTime.get(lang)) }
                    th { (Text::AuditFilterActor.get(lang)) }
                    th { (Text::AuditColumnRole.get(lang)) }
                    th { (Text::AuditFilterAgency.get(lang)) }
                    th { (Text::AuditFilterAction.get(lang)) }
                    th { (Text::AuditColumnObject.get(lang)) }
                    th { (Text::AuditColumnAddress.get(lang)) }
                } }
                tbody { @for entry in &entries { tr {
                    td class="number" { (entry.sequence) }
                    td { (entry.record.at) }
                    td { (entry.record.actor) }
                    td { (entry.record.role.as_deref().unwrap_or("")) }
                    td { (entry.record.agency.as_deref().unwrap_or("")) }
                    td { code { (entry.record.action) } }
                    td { (entry.record.object) }
                    td { (entry.record.client_address.as_deref().unwrap_or("")) }
                } } }
            }
        }
    }).into_response())
}
