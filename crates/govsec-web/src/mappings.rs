//! Teaching the inventory normaliser. An officer tries a software name as the agency's
//! inventory writes it, sees how it normalises (the CPE name or the candidates, with the
//! reason), and picks a candidate or types a CPE name: the mapping is stored for the officer's
//! agency and applied to its inventories from then on. The authority promotes a mapping to
//! national. Mappings of other agencies are visible only inside the caller's scope; national
//! ones to everyone who reads vulnerabilities.

use std::sync::{Arc, OnceLock};

use axum::extract::{Form, OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govsec_core::AgencyCode;
use govsec_i18n::{Lang, Text};
use govsec_identity::Action;
use govsec_inventory::normalise::{Normalisation, Normaliser, ProductKey, mapping_key};
use govsec_inventory::{InventoryEntry, Position, SourceLocation};
use govsec_store::NewSoftwareMapping;
use maud::{Markup, html};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{ConnectInfoOption, SignedIn, actor_of, constant_time_equal, now_signed};
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, encode_query_value, page};

/// The routes of this resource.
pub fn routes() -> Vec<crate::Route> {
    use axum::routing::{get, post};
    vec![
        (
            "/vans/mappings",
            &["GET", "POST"][..],
            get(list).post(teach),
        ),
        ("/vans/mappings/promote", &["POST"], post(promote)),
    ]
}

/// The normaliser with the project's tables, built once.
fn normaliser() -> Option<&'static Normaliser> {
    static NORMALISER: OnceLock<Option<Normaliser>> = OnceLock::new();
    NORMALISER
        .get_or_init(|| Normaliser::builtin().ok())
        .as_ref()
}

/// The longest name, publisher or CPE a form may send: inventories' cells are capped the same.
const MAX_FIELD_CHARS: usize = 4096;

fn too_long(text: &str) -> bool {
    text.chars().count() > MAX_FIELD_CHARS
}

fn refused(lang: Lang, here: &str, status: StatusCode, text: Text) -> Response {
    let body = page(
        lang,
        text.get(lang),
        Section::Vans,
        here,
        html! { h1 { (text.get(lang)) } },
    );
    (status, body).into_response()
}

#[derive(Deserialize, Default)]
pub struct TryQuery {
    name: Option<String>,
    publisher: Option<String>,
    version: Option<String>,
    taught: Option<String>,
    promoted: Option<String>,
}

fn try_name(name: &str, publisher: Option<&str>, version: Option<&str>) -> Option<Normalisation> {
    let mut entry = InventoryEntry::new(
        SourceLocation {
            file: Arc::from("form"),
            position: Position::Row(1),
        },
        name.to_owned(),
    );
    entry.publisher = publisher.map(str::to_owned);
    entry.version = version.map(str::to_owned);
    Some(normaliser()?.normalise_entry(&entry, false))
}

fn teach_form(
    csrf: &str,
    lang: Lang,
    name: &str,
    publisher: &str,
    cpe: &str,
    label: Text,
) -> Markup {
    html! {
        form method="post" action="/vans/mappings" class="inline" {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="name" value=(name);
            input type="hidden" name="publisher" value=(publisher);
            input type="hidden" name="cpe" value=(cpe);
            button type="submit" { (label.get(lang)) }
        }
    }
}

/// `GET /vans/mappings[?name=…&publisher=…&version=…]`.
pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    signed_in: SignedIn,
    uri: OriginalUri,
    Query(query): Query<TryQuery>,
) -> Result<Response, PageError> {
    let here = uri.0.path().to_owned();
    let caller = &signed_in.caller;
    let scope = match caller.registry_scope() {
        Some(scope) if caller.role.permits(Action::ReadVulnerabilities) => scope,
        _ => {
            return Ok(refused(
                lang,
                &here,
                StatusCode::FORBIDDEN,
                Text::NoPermission,
            ));
        }
    };
    let mappings = state
        .store()
        .software_mappings_in_scope(&scope)
        .await
        .map_err(PageError::internal(lang))?;
    let may_teach = caller.role.permits(Action::UploadInventory);
    let may_promote = caller.role.permits(Action::ManageNationalSettings);
    let name = query
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty() && !too_long(n));
    let publisher = query
        .publisher
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty() && !too_long(p));
    let version = query
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty() && !too_long(v));
    let tried = name.and_then(|n| try_name(n, publisher, version));
    let csrf = signed_in.csrf.as_str();
    Ok(page(
        lang,
        Text::MappingsTitle.get(lang),
        Section::Vans,
        &here,
        html! {
            h1 { (Text::MappingsTitle.get(lang)) }
            p { (Text::MappingsIntro.get(lang)) }
            @if let Some(taught) = &query.taught {
                p class="notice good" role="status" { (Text::MappingsTaughtNotice.fill(lang, &[taught])) }
            }
            @if let Some(promoted) = &query.promoted {
                p class="notice good" role="status" { (Text::MappingsPromotedNotice.fill(lang, &[promoted])) }
            }
            h2 { (Text::MappingsTryHeading.get(lang)) }
            form method="get" action="/vans/mappings" {
                label { (Text::MappingsFieldName.get(lang)) " " input type="text" name="name" required maxlength="4096" value=[name]; }
                " "
                label { (Text::MappingsFieldPublisher.get(lang)) " " input type="text" name="publisher" maxlength="4096" value=[publisher]; }
                " "
                label { (Text::MappingsFieldVersion.get(lang)) " " input type="text" name="version" maxlength="4096" value=[version]; }
                " "
                button type="submit" { (Text::MappingsTry.get(lang)) }
            }
            @if let (Some(name), Some(found)) = (name, &tried) {
                p { (found.status.label(lang)) " · " (format!("{:.2}", found.confidence)) }
                @if found.candidates.is_empty() {
                    p { (Text::InventoryRemarkNoCandidate.get(lang)) }
                }
                ul {
                    @for candidate in &found.candidates {
                        li {
                            code { (candidate.cpe) } " (" (format!("{:.2}", candidate.score)) ") "
                            @if may_teach {
                                (teach_form(csrf, lang, name, publisher.unwrap_or(""), &candidate.cpe, Text::MappingsUseCandidate))
                            }
                        }
                    }
                }
                @if may_teach {
                    form method="post" action="/vans/mappings" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="name" value=(name);
                        input type="hidden" name="publisher" value=(publisher.unwrap_or(""));
                        label { (Text::MappingsFieldCpe.get(lang)) " " input type="text" name="cpe" required maxlength="4096" placeholder="cpe:2.3:a:vendor:product:*:*:*:*:*:*:*:*"; }
                        " "
                        button type="submit" { (Text::MappingsTeach.get(lang)) }
                    }
                }
            }
            h2 { (Text::MappingsListHeading.get(lang)) }
            @if mappings.is_empty() {
                p { (Text::MappingsNone.get(lang)) }
            } @else {
                table {
                    thead { tr {
                        th { (Text::MappingsColumnName.get(lang)) }
                        th { (Text::MappingsColumnProduct.get(lang)) }
                        th { (Text::MappingsColumnAgency.get(lang)) }
                        th { (Text::MappingsColumnScope.get(lang)) }
                        th { (Text::MappingsColumnTaughtBy.get(lang)) }
                    } }
                    tbody {
                        @for mapping in &mappings {
                            tr {
                                td { (mapping.software_name) @if let Some(p) = &mapping.publisher { " (" (p) ")" } }
                                td { code { "cpe:2.3:" (mapping.part) ":" (mapping.vendor) ":" (mapping.product) } }
                                td { (mapping.agency.as_str()) }
                                td {
                                    @if mapping.national { (Text::InventoryScopeNational.get(lang)) }
                                    @else {
                                        (Text::MappingsScopeAgencyOnly.get(lang))
                                        @if may_promote {
                                            " "
                                            form method="post" action="/vans/mappings/promote" class="inline" {
                                                input type="hidden" name="csrf" value=(csrf);
                                                input type="hidden" name="agency" value=(mapping.agency.as_str());
                                                input type="hidden" name="key" value=(mapping.key);
                                                button type="submit" { (Text::MappingsPromote.get(lang)) }
                                            }
                                        }
                                    }
                                }
                                td { (mapping.taught_by) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

/// A missing field reads as empty, so that the CSRF check comes first and a bad field is our
/// own located answer rather than the extractor's.
#[derive(Deserialize)]
pub struct TeachForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    publisher: String,
    #[serde(default)]
    cpe: String,
}

/// `POST /vans/mappings`: the caller's agency learns that the name is the CPE's product.
pub async fn teach(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Form(form): Form<TeachForm>,
) -> Result<Response, PageError> {
    let here = "/vans/mappings";
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return Ok(refused(
            lang,
            here,
            StatusCode::FORBIDDEN,
            Text::FormExpired,
        ));
    }
    let caller = &signed_in.caller;
    let Some(scope) = caller.registry_scope() else {
        return Ok(refused(
            lang,
            here,
            StatusCode::FORBIDDEN,
            Text::NoPermission,
        ));
    };
    if !caller.role.permits(Action::UploadInventory) {
        return Ok(refused(
            lang,
            here,
            StatusCode::FORBIDDEN,
            Text::NoPermission,
        ));
    }
    let name = form.name.trim();
    let publisher = Some(form.publisher.trim()).filter(|p| !p.is_empty());
    let product = ProductKey::from_cpe(&form.cpe);
    let (Some(product), Some(normaliser)) = (product, normaliser()) else {
        return Ok(refused(
            lang,
            here,
            StatusCode::UNPROCESSABLE_ENTITY,
            Text::MappingsBadCpe,
        ));
    };
    if name.is_empty() || too_long(name) || publisher.is_some_and(too_long) {
        return Ok(refused(
            lang,
            here,
            StatusCode::UNPROCESSABLE_ENTITY,
            Text::MappingsBadName,
        ));
    }
    let mapping = NewSoftwareMapping {
        key: mapping_key(normaliser.aliases(), name, publisher),
        software_name: name.to_owned(),
        publisher: publisher.map(str::to_owned),
        part: product.part.letter().to_owned(),
        vendor: product.vendor.to_string(),
        product: product.product.to_string(),
    };
    let taught = state
        .store()
        .teach_software_mapping(
            &scope,
            &caller.agency,
            &mapping,
            &actor_of(caller, address),
            now_signed(),
        )
        .await
        .map_err(PageError::internal(lang))?;
    if !taught {
        return Ok(refused(
            lang,
            here,
            StatusCode::FORBIDDEN,
            Text::NoPermission,
        ));
    }
    Ok(Redirect::to(&format!(
        "/vans/mappings?taught={}",
        encode_query_value(name)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub struct PromoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    key: String,
}

/// `POST /vans/mappings/promote`: the authority makes an agency's mapping national.
pub async fn promote(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Form(form): Form<PromoteForm>,
) -> Result<Response, PageError> {
    let here = "/vans/mappings";
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return Ok(refused(
            lang,
            here,
            StatusCode::FORBIDDEN,
            Text::FormExpired,
        ));
    }
    let caller = &signed_in.caller;
    if !caller.role.permits(Action::ManageNationalSettings) {
        return Ok(refused(
            lang,
            here,
            StatusCode::FORBIDDEN,
            Text::NoPermission,
        ));
    }
    let Ok(agency) = AgencyCode::parse(&form.agency) else {
        return Err(PageError::NotFound(lang, None));
    };
    let promoted = state
        .store()
        .promote_software_mapping(&agency, &form.key, &actor_of(caller, address), now_signed())
        .await
        .map_err(PageError::internal(lang))?;
    if !promoted {
        return Err(PageError::NotFound(lang, None));
    }
    let name = form.key.split('|').next().unwrap_or("");
    Ok(Redirect::to(&format!(
        "/vans/mappings?promoted={}",
        encode_query_value(name)
    ))
    .into_response())
}
