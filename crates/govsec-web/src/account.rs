//! The signed-in user's own account: changing the password under the policy (length, the
//! shipped common list, and nothing built on the user's agency code, agency names, login or
//! e-mail — the pattern of the breach in seed 001). A change ends every session and starts a
//! new one, so the session id rotates with the credential.

use axum::extract::{Form, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use govsec_i18n::{Lang, Text};
use govsec_identity::{PasswordContext, PasswordProblem, SessionToken, check_password};
use maud::{Markup, html};
use rand_core::UnwrapErr;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{
    ConnectInfoOption, SignedIn, actor_of, constant_time_equal, now_signed, random_token,
    set_session_cookie,
};
use crate::language::Language;
use crate::layout::{Section, page};

/// A password problem in the UI language.
fn problem_message(problem: PasswordProblem, lang: Lang) -> String {
    match problem {
        PasswordProblem::TooShort { min } => Text::PasswordTooShort.fill(lang, &[&min]),
        PasswordProblem::TooLong { max } => Text::PasswordTooLong.fill(lang, &[&max]),
        PasswordProblem::Common => Text::PasswordCommon.get(lang).to_owned(),
        PasswordProblem::ContainsAgencyCode => {
            Text::PasswordContainsAgencyCode.get(lang).to_owned()
        }
        PasswordProblem::ContainsLogin => Text::PasswordContainsLogin.get(lang).to_owned(),
        PasswordProblem::ContainsEmail => Text::PasswordContainsEmail.get(lang).to_owned(),
        PasswordProblem::ContainsAgencyName => {
            Text::PasswordContainsAgencyName.get(lang).to_owned()
        }
        PasswordProblem::ContextPattern => Text::PasswordContextPattern.get(lang).to_owned(),
        PasswordProblem::Repeated => Text::PasswordRepeated.get(lang).to_owned(),
        PasswordProblem::Sequence => Text::PasswordSequence.get(lang).to_owned(),
    }
}

fn form_page(lang: Lang, csrf: &str, messages: &[String], done: bool) -> Markup {
    page(
        lang,
        Text::PasswordChangeTitle.get(lang),
        Section::None,
        "/account/password",
        html! {
            h1 { (Text::PasswordChangeTitle.get(lang)) }
            @if done { p class="notice good" role="status" { (Text::PasswordChanged.get(lang)) } }
            @if !messages.is_empty() {
                ul class="notice bad" role="alert" { @for message in messages { li { (message) } } }
            }
            p { (Text::PasswordAdvice.get(lang)) }
            section class="card" {
                form method="post" action="/account/password" class="stacked" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { (Text::PasswordCurrent.get(lang)) input type="password" name="current" autocomplete="current-password" required; }
                    label { (Text::PasswordNew.get(lang)) input type="password" name="new" autocomplete="new-password" required; }
                    label { (Text::PasswordRepeat.get(lang)) input type="password" name="repeat" autocomplete="new-password" required; }
                    button type="submit" { (Text::PasswordChangeButton.get(lang)) }
                }
            }
        },
    )
}

/// `GET /account/password`.
pub async fn password_form(Language(lang): Language, signed_in: SignedIn) -> Markup {
    form_page(lang, &signed_in.csrf, &[], false)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// `POST /account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return (
            StatusCode::FORBIDDEN,
            form_page(
                lang,
                &signed_in.csrf,
                &[Text::FormExpired.get(lang).to_owned()],
                false,
            ),
        )
            .into_response();
    }
    let store = state.store();
    let caller = &signed_in.caller;
    let outcome: Result<Response, govsec_store::StoreError> = async {
        let Some(user) = store.user(&caller.login).await? else {
            return Ok(StatusCode::FORBIDDEN.into_response());
        };
        let hasher = &state.options().auth.hasher;
        if !hasher
            .verify(&form.current, &user.password_hash)
            .unwrap_or(false)
        {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(
                    lang,
                    &signed_in.csrf,
                    &[Text::PasswordCurrentWrong.get(lang).to_owned()],
                    false,
                ),
            )
                .into_response());
        }
        if form.new != form.repeat {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(
                    lang,
                    &signed_in.csrf,
                    &[Text::PasswordRepeatDiffers.get(lang).to_owned()],
                    false,
                ),
            )
                .into_response());
        }
        let agency_names = match store
            .agency_detail(
                &govsec_core::Scope::Agency(caller.agency.clone()),
                &caller.agency,
            )
            .await?
        {
            Some(detail) => vec![detail.agency.name_zh, detail.agency.name_en]
                .into_iter()
                .filter(|n| !n.is_empty())
                .collect(),
            None => Vec::new(),
        };
        let context = PasswordContext {
            login: caller.login.clone(),
            agency_code: caller.agency.clone(),
            agency_names,
            email: user.email.clone(),
        };
        if let Err(problems) = check_password(&form.new, &context) {
            let messages: Vec<String> = problems
                .into_iter()
                .map(|p| problem_message(p, lang))
                .collect();
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(lang, &signed_in.csrf, &messages, false),
            )
                .into_response());
        }
        let Ok(hash) = hasher.hash(&form.new, &mut UnwrapErr(getrandom::SysRng)) else {
            return Ok(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        };
        store
            .change_password(&caller.login, &hash, &actor_of(caller, address))
            .await?;
        // Every session ended with the old password; this browser gets a new one.
        let token = SessionToken::generate(&mut UnwrapErr(getrandom::SysRng));
        let csrf = random_token();
        store
            .create_session(&token.hash(), &caller.login, &csrf, now_signed(), true)
            .await?;
        let mut response = form_page(lang, &csrf, &[], true).into_response();
        response.headers_mut().append(
            header::SET_COOKIE,
            set_session_cookie(&state, token.as_str()),
        );
        Ok(response)
    }
    .await;
    outcome.unwrap_or_else(|error| {
        tracing::error!(%error, "password change failed inside");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}
