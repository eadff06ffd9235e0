//! User administration for the authority: every account with its agency, role and second
//! factor, and the role change. A change of privilege ends the user's sessions (they sign in
//! again under the new role) and revokes API tokens the new role may not delegate — the
//! session rotation the identity issue asks for on every privilege change; changing one's own
//! role rotates one's own session here and now.

use axum::extract::{Form, OriginalUri, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govsec_i18n::{Lang, Text};
use govsec_identity::{Action, LoginName, Role, SessionToken};
use maud::{Markup, html};
use rand_core::UnwrapErr;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{
    ConnectInfoOption, SignedIn, actor_of, constant_time_equal, now_signed, random_token,
    role_label, set_session_cookie,
};
use crate::error::PageError;
use crate::language::Language;
use crate::layout::{Section, page};

/// The routes of this resource.
pub fn routes() -> Vec<crate::Route> {
    use axum::routing::{get, post};
    vec![
        ("/admin/users", &["GET"][..], get(list)),
        ("/admin/users/{login}/role", &["POST"], post(change_role)),
    ]
}

fn forbidden(lang: Lang, here: &str) -> Response {
    let body = page(
        lang,
        Text::NoPermission.get(lang),
        Section::None,
        here,
        html! { h1 { (Text::NoPermission.get(lang)) } },
    );
    (StatusCode::FORBIDDEN, body).into_response()
}

#[derive(Deserialize)]
pub struct ListQuery {
    changed: Option<String>,
}

/// `GET /admin/users[?changed=LOGIN]`.
pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    signed_in: SignedIn,
    uri: OriginalUri,
    Query(query): Query<ListQuery>,
) -> Result<Response, PageError> {
    let here = uri.0.path().to_owned();
    let scope = match signed_in.caller.registry_scope() {
        Some(scope) if signed_in.caller.role.permits(Action::ManageUsers) => scope,
        _ => return Ok(forbidden(lang, &here)),
    };
    let users = state
        .store()
        .users(&scope)
        .await
        .map_err(PageError::internal(lang))?;
    let changed = query
        .changed
        .as_deref()
        .and_then(|login| LoginName::parse(login).ok());
    Ok(page(
        lang,
        Text::UsersTitle.get(lang),
        Section::None,
        &here,
        html! {
            h1 { (Text::UsersTitle.get(lang)) }
            p { (Text::UsersIntro.get(lang)) }
            @if let Some(login) = &changed {
                p class="notice good" role="status" { (Text::UsersRoleChanged.fill(lang, &[&login.as_str()])) }
            }
            table {
                thead { tr {
                    th { (Text::UsersColumnLogin.get(lang)) }
                    th { (Text::UsersColumnAgency.get(lang)) }
                    th { (Text::UsersColumnRole.get(lang)) }
                    th { (Text::UsersColumnSecondFactor.get(lang)) }
                } }
                tbody {
                    @for user in &users {
                        tr {
                            td { (user.login.as_str()) }
                            td { (user.agency.as_str()) " " (user.agency_name_zh) }
                            td {
                                form method="post" action=(format!("/admin/users/{}/role", user.login.as_str())) class="inline" {
                                    input type="hidden" name="csrf" value=(signed_in.csrf);
                                    select name="role" aria-label=(Text::UsersColumnRole.get(lang)) {
                                        @for role in Role::ALL {
                                            option value=(role.key()) selected[role == user.role] { (role_label(role, lang)) }
                                        }
                                    }
                                    button type="submit" { (Text::UsersChangeRole.get(lang)) }
                                }
                            }
                            td {
                                @if user.totp_enrolled { (Text::UsersTotpEnrolled.get(lang)) }
                                @else { (Text::UsersTotpPending.get(lang)) }
                                @if user.security_keys > 0 {
                                    (Text::UsersSecurityKeys.fill(lang, &[&user.security_keys]))
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    csrf: String,
    role: String,
}

/// `POST /admin/users/{login}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Path(login): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let here = "/admin/users";
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        let body = page(
            lang,
            Text::FormExpired.get(lang),
            Section::None,
            here,
            html! { h1 { (Text::FormExpired.get(lang)) } },
        );
        return Ok((StatusCode::FORBIDDEN, body).into_response());
    }
    let caller = &signed_in.caller;
    let scope = match caller.registry_scope() {
        Some(scope) if caller.role.permits(Action::ManageUsers) => scope,
        _ => return Ok(forbidden(lang, here)),
    };
    let Ok(role) = Role::parse(&form.role) else {
        let body: Markup = page(
            lang,
            Text::UsersTitle.get(lang),
            Section::None,
            here,
            html! { p class="notice bad" role="alert" { (Text::UsersUnknownRole.get(lang)) } },
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    };
    let not_found = || PageError::NotFound(lang, Some(Text::UsersNoSuchUser.get(lang).to_owned()));
    let Ok(login) = LoginName::parse(&login) else {
        return Err(not_found());
    };
    let store = state.store();
    let change = store
        .change_role(
            &scope,
            &login,
            role,
            &actor_of(caller, address),
            now_signed(),
        )
        .await
        .map_err(PageError::internal(lang))?;
    if change.is_none() {
        return Err(not_found());
    }
    let mut response =
        Redirect::to(&format!("/admin/users?changed={}", login.as_str())).into_response();
    if login == caller.login {
        // The caller's own sessions ended with the change: this browser gets a new one.
        let token = SessionToken::generate(&mut UnwrapErr(getrandom::SysRng));
        store
            .create_session(&token.hash(), &login, &random_token(), now_signed(), true)
            .await
            .map_err(PageError::internal(lang))?;
        response.headers_mut().append(
            header::SET_COOKIE,
            set_session_cookie(&state, token.as_str()),
        );
    }
    Ok(response)
}
