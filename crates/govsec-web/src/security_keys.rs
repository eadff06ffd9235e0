//! Security keys (WebAuthn/FIDO2) as a second factor: the account page where a signed-in user
//! registers, lists and removes keys, and the two ceremonies behind it and behind the sign-in.
//!
//! A ceremony is two requests. The first starts it: webauthn-rs makes a challenge, the state it
//! needs to check the answer is kept in the store under the session's token hash with an expiry,
//! and the page carries only the options for the browser. The second brings the browser's
//! answer: the kept state is taken (deleted) before anything is checked, so a challenge is
//! answered at most once, and an expired, replayed or forged one finds nothing. The static
//! script `/static/security-key.js` calls `navigator.credentials` and submits the answer in an
//! ordinary form with the session's CSRF token; without it, the pages say what is needed.

use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use govsec_i18n::{Lang, Text};
use govsec_identity::TokenHash;
use govsec_store::{CeremonyPurpose, KeyRemoval, NewSecurityKey, SecurityKeyRecord, UserRecord};
use maud::{Markup, html};
use rand_core::{Rng, UnwrapErr};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{SecurityKey, SecurityKeyAuthentication, SecurityKeyRegistration, Uuid};

use crate::auth::{ConnectInfoOption, SignedIn, actor_of, constant_time_equal, now_signed};
use crate::language::Language;
use crate::layout::{Section, encode_query_value, page, page_with_script};
use crate::webauthn::{CEREMONY_TIMEOUT, credential_id, from_json, to_json};
use crate::{AppState, WebError};

/// The script that talks to the keys.
pub const SCRIPT_PATH: &str = "/static/security-key.js";

/// The longest label a key may have, in characters.
const LABEL_MAX: usize = 64;

/// The routes of the account's security keys.
pub fn routes() -> Vec<crate::Route> {
    use axum::routing::{get, post};
    vec![
        (
            "/account/security-keys",
            &["GET", "POST"][..],
            get(list).post(finish),
        ),
        ("/account/security-keys/new", &["POST"], post(start)),
        (
            "/account/security-keys/{id}/remove",
            &["POST"],
            post(remove),
        ),
    ]
}

/// What a registration keeps between its two requests: the label the user gave and
/// webauthn-rs's state.
#[derive(Serialize, Deserialize)]
struct KeptRegistration {
    label: String,
    state: SecurityKeyRegistration,
}

fn expires_at() -> i64 {
    now_signed().saturating_add(i64::try_from(CEREMONY_TIMEOUT.as_secs()).unwrap_or(i64::MAX))
}

fn stored_keys(records: &[SecurityKeyRecord]) -> Result<Vec<SecurityKey>, WebError> {
    records
        .iter()
        .map(|record| from_json(&record.credential))
        .collect()
}

/// A label as typed: trimmed, 1 to [`LABEL_MAX`] characters, no control characters.
fn clean_label(typed: &str) -> Result<String, WebError> {
    let label = typed.trim();
    let length = label.chars().count();
    if length == 0 || length > LABEL_MAX || label.chars().any(char::is_control) {
        return Err(WebError::Label { max: LABEL_MAX });
    }
    Ok(label.to_owned())
}

/// Starts a security-key sign-in for a half-signed-in session: the options for the browser, or
/// `None` when the user has no key.
pub(crate) async fn sign_in_challenge(
    state: &AppState,
    pending: &TokenHash,
    user: &UserRecord,
) -> Result<Option<String>, WebError> {
    let records = state.store().security_keys(&user.login).await?;
    if records.is_empty() {
        return Ok(None);
    }
    let keys = stored_keys(&records)?;
    let (options, kept) = state
        .options()
        .auth
        .relying_party
        .start_authentication(&keys)?;
    state
        .store()
        .save_ceremony(
            pending,
            CeremonyPurpose::Authenticate,
            &to_json(&kept)?,
            expires_at(),
        )
        .await?;
    Ok(Some(options))
}

/// Checks a security key's answer to the session's sign-in challenge: the challenge is used up
/// whatever the outcome, the key must be one of the user's, its signature must verify and its
/// counter must grow (webauthn-rs's check, then the store's conditional update). The start of
/// the key's credential ID, for the audit log.
pub(crate) async fn verify_sign_in(
    state: &AppState,
    pending: &TokenHash,
    user: &UserRecord,
    answer: &str,
) -> Result<String, WebError> {
    let store = state.store();
    let kept = store
        .take_ceremony(pending, CeremonyPurpose::Authenticate, now_signed())
        .await?
        .ok_or(WebError::NoCeremony)?;
    let kept: SecurityKeyAuthentication = from_json(&kept)?;
    let records = store.security_keys(&user.login).await?;
    let keys = stored_keys(&records)?;
    let (index, key, counter) = state
        .options()
        .auth
        .relying_party
        .finish_authentication(answer, &kept, &keys)?;
    let record = &records[index];
    let accepted = store
        .record_security_key_use(
            &user.login,
            &record.credential_id,
            &to_json(&key)?,
            i64::from(counter),
            now_signed(),
        )
        .await?;
    if !accepted {
        return Err(WebError::PossibleClone);
    }
    Ok(record.credential_id.chars().take(16).collect())
}

/// Starts registering a key labelled `label` for the signed-in user: the options for the
/// browser.
async fn begin_registration(
    state: &AppState,
    signed_in: &SignedIn,
    label: &str,
) -> Result<String, WebError> {
    let label = clean_label(label)?;
    let store = state.store();
    let login = &signed_in.caller.login;
    let mut random = [0u8; 16];
    UnwrapErr(getrandom::SysRng).fill_bytes(&mut random);
    let candidate = uuid::Builder::from_random_bytes(random).into_uuid();
    let handle = store
        .webauthn_user_handle(login, &candidate.hyphenated().to_string())
        .await?;
    let handle =
        Uuid::parse_str(&handle).map_err(|error| WebError::StoredState(error.to_string()))?;
    let keys = stored_keys(&store.security_keys(login).await?)?;
    let (options, kept) = state
        .options()
        .auth
        .relying_party
        .start_registration(handle, login, &keys)?;
    let kept = KeptRegistration { label, state: kept };
    store
        .save_ceremony(
            &signed_in.token,
            CeremonyPurpose::Register,
            &to_json(&kept)?,
            expires_at(),
        )
        .await?;
    Ok(options)
}

/// Finishes the session's registration with the browser's answer: the new key's credential ID.
async fn finish_registration(
    state: &AppState,
    signed_in: &SignedIn,
    answer: &str,
    address: Option<String>,
) -> Result<String, WebError> {
    let store = state.store();
    let kept = store
        .take_ceremony(&signed_in.token, CeremonyPurpose::Register, now_signed())
        .await?
        .ok_or(WebError::NoCeremony)?;
    let kept: KeptRegistration = from_json(&kept)?;
    let existing = stored_keys(&store.security_keys(&signed_in.caller.login).await?)?;
    let key =
        state
            .options()
            .auth
            .relying_party
            .finish_registration(answer, &kept.state, &existing)?;
    let id = credential_id(&key);
    let new = NewSecurityKey {
        credential_id: &id,
        label: &kept.label,
        credential: &to_json(&key)?,
    };
    let actor = actor_of(&signed_in.caller, address);
    if !store
        .add_security_key(&signed_in.caller.login, &new, now_signed(), &actor)
        .await?
    {
        return Err(WebError::AlreadyRegistered);
    }
    Ok(id)
}

/// The form a ceremony's page submits: the script reads the options from `data-options`,
/// asks the browser (`kind` is `create` or `get`), puts the JSON answer in the `answer` field
/// and submits. Without the script, the button submits an empty answer, which the server
/// refuses with a message saying JavaScript is needed.
pub(crate) fn ceremony_form(
    lang: Lang,
    action: &str,
    kind: &str,
    options: &str,
    csrf: &str,
    button: Text,
) -> Markup {
    html! {
        p class="hint" { (Text::SecurityKeyNeedsScript.get(lang)) }
        form method="post" action=(action) class="stacked" data-webauthn=(kind) data-options=(options) data-failed=(Text::SecurityKeyScriptFailed.get(lang)) {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="answer" value="";
            button type="submit" { (button.get(lang)) }
            p class="status" role="status" {}
        }
    }
}

fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(
        || "–".to_owned(),
        |at| at.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// The notice at the top of the list: good news or a problem.
enum Notice {
    Good(String),
    Bad(String),
}

fn list_page(lang: Lang, csrf: &str, keys: &[SecurityKeyRecord], notice: Option<Notice>) -> Markup {
    page(
        lang,
        Text::SecurityKeysTitle.get(lang),
        Section::None,
        "/account/security-keys",
        html! {
            h1 { (Text::SecurityKeysTitle.get(lang)) }
            @match notice {
                Some(Notice::Good(text)) => p class="notice good" role="status" { (text) },
                Some(Notice::Bad(text)) => p class="notice bad" role="alert" { (text) },
                None => {},
            }
            p { (Text::SecurityKeysIntro.get(lang)) }
            section class="card" {
                @if keys.is_empty() {
                    p { (Text::SecurityKeysNone.get(lang)) }
                } @else {
                    table {
                        thead { tr {
                            th { (Text::SecurityKeyColumnLabel.get(lang)) }
                            th { (Text::SecurityKeyColumnAdded.get(lang)) }
                            th { (Text::SecurityKeyColumnLastUsed.get(lang)) }
                            th {}
                        } }
                        tbody { @for key in keys { tr {
                            td { (key.label) }
                            td { (date(key.created_at)) }
                            td { (key.last_used_at.map_or_else(|| Text::SecurityKeyNeverUsed.get(lang).to_owned(), date)) }
                            td {
                                form method="post" action={ "/account/security-keys/" (encode_query_value(&key.credential_id)) "/remove" } {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { (Text::SecurityKeyRemoveButton.get(lang)) }
                                }
                            }
                        } } }
                    }
                }
            }
            section class="card" {
                h2 { (Text::SecurityKeyAddHeading.get(lang)) }
                form method="post" action="/account/security-keys/new" class="stacked" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { (Text::SecurityKeyLabel.get(lang)) input type="text" name="label" maxlength=(LABEL_MAX) required; }
                    button type="submit" { (Text::SecurityKeyAddButton.get(lang)) }
                }
            }
        },
    )
}

/// The list with a notice, as a response with `status`; a store failure is a 500.
async fn list_answer(
    state: &AppState,
    lang: Lang,
    signed_in: &SignedIn,
    status: StatusCode,
    notice: Option<Notice>,
) -> Response {
    match state.store().security_keys(&signed_in.caller.login).await {
        Ok(keys) => (status, list_page(lang, &signed_in.csrf, &keys, notice)).into_response(),
        Err(error) => internal(&WebError::Store(error)),
    }
}

fn internal(error: &WebError) -> Response {
    tracing::error!(%error, "security keys failed inside");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// The status a refused security-key request answers with.
fn refusal_status(error: &WebError) -> StatusCode {
    match error {
        WebError::AlreadyRegistered | WebError::LastSecondFactor => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A refused request shown on the list, or a 500 when the server failed.
async fn refused(state: &AppState, lang: Lang, signed_in: &SignedIn, error: WebError) -> Response {
    match error {
        WebError::Store(_) | WebError::StoredState(_) => internal(&error),
        error => {
            list_answer(
                state,
                lang,
                signed_in,
                refusal_status(&error),
                Some(Notice::Bad(error.message(lang))),
            )
            .await
        }
    }
}

fn form_expired(lang: Lang, signed_in: &SignedIn) -> Response {
    (
        StatusCode::FORBIDDEN,
        list_page(
            lang,
            &signed_in.csrf,
            &[],
            Some(Notice::Bad(Text::FormExpired.get(lang).to_owned())),
        ),
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct ListQuery {
    added: Option<String>,
    removed: Option<String>,
}

/// `GET /account/security-keys[?added=ID|?removed=1]`.
pub async fn list(
    State(state): State<AppState>,
    Language(lang): Language,
    signed_in: SignedIn,
    Query(query): Query<ListQuery>,
) -> Response {
    let keys = match state.store().security_keys(&signed_in.caller.login).await {
        Ok(keys) => keys,
        Err(error) => return internal(&WebError::Store(error)),
    };
    let notice = match (&query.added, &query.removed) {
        (Some(added), _) => keys
            .iter()
            .find(|key| &key.credential_id == added)
            .map(|key| Notice::Good(Text::SecurityKeyAdded.fill(lang, &[&key.label]))),
        (None, Some(_)) => Some(Notice::Good(Text::SecurityKeyRemoved.get(lang).to_owned())),
        (None, None) => None,
    };
    list_page(lang, &signed_in.csrf, &keys, notice).into_response()
}

#[derive(Deserialize)]
pub struct StartForm {
    csrf: String,
    #[serde(default)]
    label: String,
}

/// `POST /account/security-keys/new`: starts a registration and shows the page that asks the
/// browser for the key.
pub async fn start(
    State(state): State<AppState>,
    Language(lang): Language,
    signed_in: SignedIn,
    Form(form): Form<StartForm>,
) -> Response {
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return form_expired(lang, &signed_in);
    }
    let options = match begin_registration(&state, &signed_in, &form.label).await {
        Ok(options) => options,
        Err(error) => return refused(&state, lang, &signed_in, error).await,
    };
    page_with_script(
        lang,
        Text::SecurityKeyTouchTitle.get(lang),
        Section::None,
        "/account/security-keys",
        Some(SCRIPT_PATH),
        html! {
            h1 { (Text::SecurityKeyTouchTitle.get(lang)) }
            section class="card" {
                p { (Text::SecurityKeyTouchPrompt.get(lang)) }
                (ceremony_form(lang, "/account/security-keys", "create", &options, &signed_in.csrf, Text::SecurityKeyRegisterButton))
            }
            p { a href="/account/security-keys" { (Text::SecurityKeysTitle.get(lang)) } }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    /// The JSON the script put in the form; empty when no script ran.
    #[serde(default)]
    answer: String,
}

/// `POST /account/security-keys`: the browser's answer to the registration; on success, back
/// to the list, which names the new key.
pub async fn finish(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Form(form): Form<AnswerForm>,
) -> Response {
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return form_expired(lang, &signed_in);
    }
    match finish_registration(&state, &signed_in, &form.answer, address).await {
        Ok(id) => Redirect::to(&format!(
            "/account/security-keys?added={}",
            encode_query_value(&id)
        ))
        .into_response(),
        Err(error) => refused(&state, lang, &signed_in, error).await,
    }
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: String,
}

/// `POST /account/security-keys/{id}/remove`: removes one of the caller's own keys, unless it is
/// the last second factor.
pub async fn remove(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<RemoveForm>,
) -> Response {
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return form_expired(lang, &signed_in);
    }
    let actor = actor_of(&signed_in.caller, address);
    match state
        .store()
        .remove_security_key(&signed_in.caller.login, &id, &actor)
        .await
    {
        Ok(KeyRemoval::Removed) => Redirect::to("/account/security-keys?removed=1").into_response(),
        Ok(KeyRemoval::LastSecondFactor) => {
            refused(&state, lang, &signed_in, WebError::LastSecondFactor).await
        }
        Ok(KeyRemoval::NotFound) => {
            list_answer(
                &state,
                lang,
                &signed_in,
                StatusCode::NOT_FOUND,
                Some(Notice::Bad(Text::SecurityKeyUnknown.get(lang).to_owned())),
            )
            .await
        }
        Err(error) => internal(&WebError::Store(error)),
    }
}
