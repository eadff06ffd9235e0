//! Signing in and out, and the extractors that make every page and API call know its caller.
//!
//! The sign-in steps follow `govsec-identity` (see its crate docs): throttle first, then the
//! password (or an equally slow check when the account does not exist), then a mandatory second
//! factor (a TOTP code, a registered security key, or a one-time recovery code). A session token
//! is issued after the password and replaced by a new one after the second factor, so a token
//! seen before sign-in never opens anything (session fixation). Cookies are HttpOnly, SameSite=Strict and, unless the server runs
//! on plain http for the demo, Secure. Every form that changes state carries the session's CSRF
//! token; the sign-in form carries a double-submit token of its own.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, FromRequestParts, OriginalUri, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use govsec_core::Scope;
use govsec_core::audit::Actor;
use govsec_i18n::{Lang, Text};
use govsec_identity::{
    ApiToken, Caller, LoginName, LoginThrottle, PasswordHasher, Role, SessionPolicy, SessionState,
    SessionToken, ThrottleDecision, TokenHash, match_recovery_code, totp::TotpSecret,
};
use govsec_store::{FailureKind, StoreError};
use maud::{Markup, PreEscaped, html};
use rand_core::UnwrapErr;
use serde::Deserialize;

use crate::language::Language;
use crate::layout::{Section, encode_query_value, page, page_with_script};
use crate::webauthn::RelyingParty;
use crate::{AppState, WebError, security_keys};

/// The session cookie.
pub const SESSION_COOKIE: &str = "govsec_session";
/// The double-submit token of the sign-in form, before any session exists.
const SIGN_IN_COOKIE: &str = "govsec_signin";

/// How signing in behaves.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Demo mode: the sign-in page lists the demo accounts with their current TOTP codes.
    pub demo: bool,
    /// Mark cookies Secure (off only for the plain-http demo on loopback).
    pub secure_cookies: bool,
    /// Session timeouts.
    pub session_policy: SessionPolicy,
    /// Back-off and lockout.
    pub throttle: LoginThrottle,
    /// Password hashing.
    pub hasher: PasswordHasher,
    /// The WebAuthn relying party security keys are registered with and answer to.
    pub relying_party: RelyingParty,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            demo: false,
            secure_cookies: true,
            session_policy: SessionPolicy::default(),
            throttle: LoginThrottle::default(),
            hasher: PasswordHasher::recommended(),
            relying_party: RelyingParty::localhost(false),
        }
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

pub(crate) fn now_signed() -> i64 {
    i64::try_from(now()).unwrap_or(i64::MAX)
}

/// A fresh random token (32 bytes, URL-safe base64) from the operating system's generator.
pub fn random_token() -> String {
    SessionToken::generate(&mut UnwrapErr(getrandom::SysRng))
        .as_str()
        .to_owned()
}

/// The value of cookie `name` among the request's Cookie headers.
pub(crate) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

fn set_cookie(
    settings: &AuthSettings,
    name: &str,
    value: &str,
    max_age: Option<u64>,
) -> HeaderValue {
    let secure = if settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = max_age.map_or_else(String::new, |age| format!("; Max-Age={age}"));
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}{age}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub(crate) fn constant_time_equal(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    // An empty expected token (a bearer caller has none) never matches.
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// The source address of the request, when the server knows it.
fn client_address(parts_extensions: &axum::http::Extensions) -> Option<String> {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_string())
}

/// The label of a role in the UI language.
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::AuthorityAdmin => Text::RoleAuthorityAdmin,
        Role::AuthorityAnalyst => Text::RoleAuthorityAnalyst,
        Role::Supervisor => Text::RoleSupervisor,
        Role::AgencyOfficer => Text::RoleAgencyOfficer,
        Role::Auditor => Text::RoleAuditor,
    }
    .get(lang)
}

pub(crate) fn actor_of(caller: &Caller, address: Option<String>) -> Actor {
    Actor {
        name: caller.login.as_str().to_owned(),
        agency: Some(caller.agency.to_string()),
        role: Some(caller.role.key().to_owned()),
        client_address: address,
    }
}

/// The Set-Cookie value that hands a browser its session.
pub(crate) fn set_session_cookie(state: &AppState, token: &str) -> HeaderValue {
    set_cookie(&state.options().auth, SESSION_COOKIE, token, None)
}

/// A signed-in caller: a live session that passed the second factor, of an enabled account.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who.
    pub caller: Caller,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    /// The hash of the session's token, which ceremonies under way are kept under.
    pub(crate) token: TokenHash,
}

/// Why a request has no caller.
pub enum AuthRejection {
    /// Not signed in: pages go to the sign-in page, the API answers 401.
    SignInRequired { api: bool, next: String },
    /// The store failed.
    Store(StoreError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignInRequired { api: true, .. } => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                axum::Json(serde_json::json!({"error": {"code": "unauthorized", "message": "sign in first"}})),
            )
                .into_response(),
            AuthRejection::SignInRequired { api: false, next } => {
                Redirect::to(&format!("/login?next={}", encode_query_value(&next))).into_response()
            }
            AuthRejection::Store(error) => {
                tracing::error!(%error, "session lookup failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

/// Finds the session a request's cookie opens, ending it when it has expired.
async fn session_of(
    state: &AppState,
    headers: &HeaderMap,
    want_second_factor_passed: bool,
) -> Result<
    Option<(
        TokenHash,
        govsec_store::SessionRecord,
        govsec_store::UserRecord,
    )>,
    StoreError,
> {
    let Some(token) =
        cookie_value(headers, SESSION_COOKIE).and_then(|v| SessionToken::parse(v).ok())
    else {
        return Ok(None);
    };
    let hash = token.hash();
    let Some(session) = state.store().session(&hash).await? else {
        return Ok(None);
    };
    let settings = &state.options().auth;
    let at = now();
    let created = u64::try_from(session.created_at).unwrap_or(0);
    let seen = u64::try_from(session.last_seen).unwrap_or(0);
    if settings.session_policy.session_state(created, seen, at) != SessionState::Live {
        state.store().delete_session(&hash).await?;
        return Ok(None);
    }
    if session.second_factor_passed != want_second_factor_passed {
        return Ok(None);
    }
    let Some(user) = state.store().user(&session.login).await? else {
        return Ok(None);
    };
    if user.disabled {
        state.store().delete_sessions_of(&user.login).await?;
        return Ok(None);
    }
    // Writing last_seen on every request would make reads write; a minute's precision is
    // plenty for a 15-minute idle timeout.
    if at.saturating_sub(seen) >= 60 {
        state.store().touch_session(&hash, now_signed()).await?;
    }
    Ok(Some((hash, session, user)))
}

/// The caller an `Authorization: Bearer` API token acts as, if the token is valid now and its
/// owner's account is enabled.
async fn bearer_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Caller>, StoreError> {
    let Some(presented) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .and_then(|token| ApiToken::parse(token.trim()).ok())
    else {
        return Ok(None);
    };
    let Some(record) = state.store().api_token(&presented.hash()).await? else {
        return Ok(None);
    };
    let Ok(caller) = record.authenticate(&presented, now()) else {
        return Ok(None);
    };
    match state.store().user(&caller.login).await? {
        Some(owner) if !owner.disabled => Ok(Some(caller)),
        _ => Ok(None),
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let original_path = parts.extensions.get::<OriginalUri>().map_or_else(
            || parts.uri.path().to_owned(),
            |original| original.0.path().to_owned(),
        );
        // Scripts use bearer tokens, and only on the JSON API: pages need a browser session,
        // and a token never carries a CSRF token, so it must not reach a form.
        let bearer = if original_path.starts_with("/api/") {
            bearer_caller(state, &parts.headers)
                .await
                .map_err(AuthRejection::Store)?
        } else {
            None
        };
        if let Some(caller) = bearer {
            return Ok(SignedIn {
                caller,
                csrf: String::new(),
                token: TokenHash([0; 32]),
            });
        }
        let found = session_of(state, &parts.headers, true)
            .await
            .map_err(AuthRejection::Store)?;
        match found {
            Some((token, session, user)) => Ok(SignedIn {
                caller: Caller {
                    login: user.login,
                    agency: user.agency,
                    role: user.role,
                },
                csrf: session.csrf_token,
                token,
            }),
            None => {
                // Inside a nested router the URI lost its prefix; the original one has it.
                let uri = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map_or(&parts.uri, |original| &original.0);
                Err(AuthRejection::SignInRequired {
                    api: uri.path().starts_with("/api/"),
                    next: uri
                        .path_and_query()
                        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()),
                })
            }
        }
    }
}

/// The registry scope of the signed-in caller: every registry query takes it.
#[derive(Debug, Clone)]
pub struct CallerScope(pub Scope);

/// Why a request has no registry scope.
pub enum ScopeRejection {
    /// Not signed in.
    Auth(AuthRejection),
    /// Signed in with a role that does not read the registry (an auditor).
    Forbidden(Lang),
}

impl IntoResponse for ScopeRejection {
    fn into_response(self) -> Response {
        match self {
            ScopeRejection::Auth(rejection) => rejection.into_response(),
            ScopeRejection::Forbidden(lang) => {
                let body = page(
                    lang,
                    Text::NoRegistryAccess.get(lang),
                    Section::None,
                    "/",
                    html! {
                        h1 { (Text::NoRegistryAccess.get(lang)) }
                    },
                );
                (StatusCode::FORBIDDEN, body).into_response()
            }
        }
    }
}

impl FromRequestParts<AppState> for CallerScope {
    type Rejection = ScopeRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let signed_in = SignedIn::from_request_parts(parts, state)
            .await
            .map_err(ScopeRejection::Auth)?;
        let Language(lang) = Language::from_request_parts(parts, state)
            .await
            .unwrap_or(Language(Lang::ZhTw));
        signed_in
            .caller
            .registry_scope()
            .map(CallerScope)
            .ok_or(ScopeRejection::Forbidden(lang))
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn local_next(next: Option<String>) -> String {
    next.filter(|n| {
        n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.starts_with("/login")
    })
    .unwrap_or_else(|| "/".to_owned())
}

fn sign_in_page(
    lang: Lang,
    here: &str,
    message: Option<String>,
    csrf: &str,
    next: &str,
    demo: Markup,
) -> Markup {
    page(
        lang,
        Text::SignInTitle.get(lang),
        Section::SignIn,
        here,
        html! {
            h1 { (Text::SignInTitle.get(lang)) }
            @if let Some(message) = message { p class="notice bad" role="alert" { (message) } }
            section class="card" {
                form method="post" action={ "/login?next=" (encode_query_value(next)) } class="stacked" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { (Text::SignInLogin.get(lang)) input type="text" name="login" autocomplete="username" required autofocus; }
                    label { (Text::SignInPassword.get(lang)) input type="password" name="password" autocomplete="current-password" required; }
                    button type="submit" { (Text::SignInButton.get(lang)) }
                }
            }
            (demo)
        },
    )
}

async fn demo_accounts(state: &AppState, lang: Lang) -> Markup {
    if !state.options().auth.demo {
        return html! {};
    }
    let Ok(users) = state.store().demo_users().await else {
        return html! {};
    };
    let at = now();
    html! {
        section class="card" {
            h2 { (Text::DemoAccountsHeading.get(lang)) }
            p { (Text::DemoAccountsNote.get(lang)) }
            table {
                thead { tr { th { (Text::SignInLogin.get(lang)) } th { (Text::AuditColumnRole.get(lang)) } th { (Text::AgencyCode.get(lang)) } th { (Text::DemoCurrentCode.get(lang)) } } }
                tbody { @for user in &users { tr {
                    td { code { (user.login.as_str()) } }
                    td { (role_label(user.role, lang)) }
                    td { (user.agency) }
                    td { code { (user.totp_secret.as_deref().and_then(|s| TotpSecret::from_base32(s).ok()).map(|s| s.code_at(at)).unwrap_or_default()) } }
                } } }
            }
        }
    }
}

/// `GET /login`.
pub async fn sign_in_form(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    Query(query): Query<NextQuery>,
) -> Response {
    let csrf = random_token();
    let next = local_next(query.next);
    let here = uri
        .0
        .path_and_query()
        .map_or("/login", |pq| pq.as_str())
        .to_owned();
    let body = sign_in_page(
        lang,
        &here,
        None,
        &csrf,
        &next,
        demo_accounts(&state, lang).await,
    );
    (
        [(
            header::SET_COOKIE,
            set_cookie(&state.options().auth, SIGN_IN_COOKIE, &csrf, Some(600)),
        )],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct SignInForm {
    login: String,
    password: String,
    csrf: String,
}

/// The subject of the account's failure history: the login name as typed, normalised and
/// bounded, whether or not an account has it.
fn account_subject(typed: &str) -> String {
    typed.trim().to_lowercase().chars().take(64).collect()
}

fn throttled_message(decision: ThrottleDecision, lang: Lang, at: u64) -> Option<String> {
    match decision {
        ThrottleDecision::Proceed => None,
        ThrottleDecision::Wait { retry_after } => {
            Some(Text::SignInWait.fill(lang, &[&retry_after.max(1)]))
        }
        ThrottleDecision::LockedOut { until } => {
            Some(Text::SignInLockedOut.fill(lang, &[&until.saturating_sub(at).div_ceil(60).max(1)]))
        }
    }
}

/// Counts a failed attempt on the account's and the address's histories and records it in the
/// audit log; `object` says which factor failed and why, never what was typed.
async fn record_failure(
    state: &AppState,
    subject: &str,
    address: Option<&str>,
    existing: Option<&govsec_store::UserRecord>,
    object: &str,
) -> Result<(), StoreError> {
    let store = state.store();
    let throttle = &state.options().auth.throttle;
    let at = now();
    let account = store.failure_history(FailureKind::Account, subject).await?;
    let from = match address {
        Some(address) => store.failure_history(FailureKind::Address, address).await?,
        None => Default::default(),
    };
    let (account, from) = throttle.after_failure(&account, &from, at);
    store
        .save_failure_history(FailureKind::Account, subject, &account)
        .await?;
    if let Some(address) = address {
        store
            .save_failure_history(FailureKind::Address, address, &from)
            .await?;
    }
    // An unknown name is not recorded: it may be a password typed into the wrong field.
    let actor = match existing {
        Some(user) => Actor {
            name: user.login.as_str().to_owned(),
            agency: Some(user.agency.to_string()),
            role: Some(user.role.key().to_owned()),
            client_address: address.map(str::to_owned),
        },
        None => Actor {
            name: "unknown".to_owned(),
            agency: None,
            role: None,
            client_address: address.map(str::to_owned),
        },
    };
    store
        .record_audit(&actor, "session.sign_in_failed", object)
        .await
}

async fn throttle_decision(
    state: &AppState,
    subject: &str,
    address: Option<&str>,
) -> Result<ThrottleDecision, StoreError> {
    let store = state.store();
    let account = store.failure_history(FailureKind::Account, subject).await?;
    let from = match address {
        Some(address) => store.failure_history(FailureKind::Address, address).await?,
        None => Default::default(),
    };
    Ok(state.options().auth.throttle.decide(&account, &from, now()))
}

/// The sign-in page again, with a message and a fresh form token.
async fn retry(
    state: &AppState,
    lang: Lang,
    next: &str,
    message: String,
    status: StatusCode,
) -> Response {
    let csrf = random_token();
    let body = sign_in_page(
        lang,
        "/login",
        Some(message),
        &csrf,
        next,
        demo_accounts(state, lang).await,
    );
    (
        status,
        [(
            header::SET_COOKIE,
            set_cookie(&state.options().auth, SIGN_IN_COOKIE, &csrf, Some(600)),
        )],
        body,
    )
        .into_response()
}

/// `POST /login`: the password step.
pub async fn sign_in(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = local_next(query.next);
    let expected = cookie_value(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_equal(expected, &form.csrf) {
        return retry(
            &state,
            lang,
            &next,
            Text::FormExpired.get(lang).to_owned(),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let subject = account_subject(&form.login);
    let address = address.as_deref();
    let outcome: Result<Response, StoreError> = async {
        let at = now();
        let decision = throttle_decision(&state, &subject, address).await?;
        if let Some(message) = throttled_message(decision, lang, at) {
            return Ok(retry(&state, lang, &next, message, StatusCode::TOO_MANY_REQUESTS).await);
        }
        let user = match LoginName::parse(&form.login) {
            Ok(login) => state.store().user(&login).await?,
            Err(_) => None,
        };
        let hasher = &state.options().auth.hasher;
        let password_ok = match &user {
            Some(user) if !user.disabled => hasher
                .verify(&form.password, &user.password_hash)
                .unwrap_or(false),
            _ => {
                hasher.verify_absent(&form.password);
                false
            }
        };
        let user = match (user, password_ok) {
            (Some(user), true) => user,
            (user, _) => {
                record_failure(&state, &subject, address, user.as_ref(), "password").await?;
                return Ok(retry(
                    &state,
                    lang,
                    &next,
                    Text::SignInFailed.get(lang).to_owned(),
                    StatusCode::UNAUTHORIZED,
                )
                .await);
            }
        };
        // Half a sign-in: this session opens only the second-factor page.
        let token = SessionToken::generate(&mut UnwrapErr(getrandom::SysRng));
        state
            .store()
            .create_session(
                &token.hash(),
                &user.login,
                &random_token(),
                now_signed(),
                false,
            )
            .await?;
        let mut response = Redirect::to(&format!(
            "/login/second-factor?next={}",
            encode_query_value(&next)
        ))
        .into_response();
        let headers = response.headers_mut();
        headers.append(
            header::SET_COOKIE,
            set_cookie(&state.options().auth, SESSION_COOKIE, token.as_str(), None),
        );
        headers.append(
            header::SET_COOKIE,
            set_cookie(&state.options().auth, SIGN_IN_COOKIE, "", Some(0)),
        );
        Ok(response)
    }
    .await;
    outcome.unwrap_or_else(|error| {
        tracing::error!(%error, "sign-in failed inside");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// The client's address from the connection, when the server was started with it.
pub struct ConnectInfoOption(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ConnectInfoOption {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ConnectInfoOption(client_address(&parts.extensions)))
    }
}

/// The second-factor page. `key_options` are the options of a security-key sign-in when the
/// user has keys: then the page offers the key beside the code.
fn second_factor_page(
    lang: Lang,
    message: Option<String>,
    csrf: &str,
    next: &str,
    enrolment: Option<(String, String)>,
    key_options: Option<String>,
) -> Markup {
    let script = key_options.is_some().then_some(security_keys::SCRIPT_PATH);
    page_with_script(
        lang,
        Text::SecondFactorTitle.get(lang),
        Section::SignIn,
        "/login/second-factor",
        script,
        html! {
            h1 { (Text::SecondFactorTitle.get(lang)) }
            @if let Some(message) = message { p class="notice bad" role="alert" { (message) } }
            @if let Some((svg, secret)) = enrolment {
                section class="card" {
                    p { (Text::TotpEnrolInstructions.get(lang)) }
                    div class="qr" { (PreEscaped(svg)) }
                    p { (Text::TotpManualSecret.fill(lang, &[&secret])) }
                }
            }
            section class="card" {
                p { (Text::SecondFactorPrompt.get(lang)) }
                form method="post" action={ "/login/second-factor?next=" (encode_query_value(next)) } class="stacked" {
                    input type="hidden" name="csrf" value=(csrf);
                    label { (Text::SecondFactorCode.get(lang)) input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus; }
                    button type="submit" { (Text::SecondFactorButton.get(lang)) }
                }
            }
            @if let Some(options) = key_options {
                section class="card" {
                    h2 { (Text::SecurityKeySignInHeading.get(lang)) }
                    p { (Text::SecurityKeySignInPrompt.get(lang)) }
                    (security_keys::ceremony_form(
                        lang,
                        &format!("/login/second-factor/security-key?next={}", encode_query_value(next)),
                        "get",
                        &options,
                        csrf,
                        Text::SecurityKeySignInButton,
                    ))
                }
            }
        },
    )
}

/// A TOTP secret shown for enrolment, created when the account has none yet.
async fn enrolment(
    state: &AppState,
    user: &govsec_store::UserRecord,
) -> Result<Option<(String, String)>, StoreError> {
    if user.totp_secret.is_some() {
        return Ok(None);
    }
    let secret = TotpSecret::generate(&mut UnwrapErr(getrandom::SysRng));
    state
        .store()
        .set_totp_secret(&user.login, &secret.to_base32())
        .await?;
    let svg = govsec_identity::totp::qr_svg(&secret.otpauth_uri(&user.login)).unwrap_or_default();
    Ok(Some((svg, secret.to_base32())))
}

/// The second-factor page with `status`, offering the user's security keys with a fresh
/// challenge (which replaces any earlier one of this session).
async fn second_factor_answer(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    message: Option<String>,
    (pending, session, user): &Pending,
    next: &str,
    enrolment: Option<(String, String)>,
) -> Result<Response, StoreError> {
    let key_options = match security_keys::sign_in_challenge(state, pending, user).await {
        Ok(options) => options,
        Err(WebError::Store(error)) => return Err(error),
        Err(error) => {
            // The page still offers the code; the key section is left out.
            tracing::error!(error = error.key(), "security-key challenge failed");
            None
        }
    };
    Ok((
        status,
        second_factor_page(
            lang,
            message,
            &session.csrf_token,
            next,
            enrolment,
            key_options,
        ),
    )
        .into_response())
}

/// `GET /login/second-factor`.
pub async fn second_factor_form(
    State(state): State<AppState>,
    Language(lang): Language,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> Response {
    let next = local_next(query.next);
    let outcome: Result<Response, StoreError> = async {
        let Some(found) = session_of(&state, &headers, false).await? else {
            return Ok(Redirect::to("/login").into_response());
        };
        let enrol = enrolment(&state, &found.2).await?;
        second_factor_answer(&state, lang, StatusCode::OK, None, &found, &next, enrol).await
    }
    .await;
    outcome.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

#[derive(Deserialize)]
pub struct SecondFactorForm {
    code: String,
    csrf: String,
}

/// A half-signed-in session: its token's hash, the session and its user.
type Pending = (
    TokenHash,
    govsec_store::SessionRecord,
    govsec_store::UserRecord,
);

/// What the second-factor step checks first, whichever factor is used: a half-signed-in
/// session, its CSRF token, and the throttle. `Err` holds the answer to give instead.
async fn second_factor_gate(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    address: Option<&str>,
    csrf: &str,
    next: &str,
) -> Result<Result<Pending, Response>, StoreError> {
    let Some(found) = session_of(state, headers, false).await? else {
        return Ok(Err(Redirect::to("/login").into_response()));
    };
    let (_, session, user) = &found;
    let refusal = if !constant_time_equal(&session.csrf_token, csrf) {
        Some((
            StatusCode::FORBIDDEN,
            Text::FormExpired.get(lang).to_owned(),
        ))
    } else {
        let subject = account_subject(user.login.as_str());
        throttled_message(
            throttle_decision(state, &subject, address).await?,
            lang,
            now(),
        )
        .map(|message| (StatusCode::TOO_MANY_REQUESTS, message))
    };
    match refusal {
        Some((status, message)) => Ok(Err(second_factor_answer(
            state,
            lang,
            status,
            Some(message),
            &found,
            next,
            None,
        )
        .await?)),
        None => Ok(Ok(found)),
    }
}

/// Ends a successful second factor: the failure history of the account is cleared, the
/// half-signed-in session is replaced by a new one that opens the platform, and the sign-in is
/// recorded in the audit log with the factor used (`method`).
async fn complete_sign_in(
    state: &AppState,
    pending: &TokenHash,
    user: &govsec_store::UserRecord,
    address: Option<String>,
    next: &str,
    method: &str,
) -> Result<Response, StoreError> {
    let store = state.store();
    store
        .save_failure_history(
            FailureKind::Account,
            &account_subject(user.login.as_str()),
            &state.options().auth.throttle.after_success(),
        )
        .await?;
    store.delete_session(pending).await?;
    let token = SessionToken::generate(&mut UnwrapErr(getrandom::SysRng));
    store
        .create_session(
            &token.hash(),
            &user.login,
            &random_token(),
            now_signed(),
            true,
        )
        .await?;
    let caller = Caller {
        login: user.login.clone(),
        agency: user.agency.clone(),
        role: user.role,
    };
    store
        .record_audit(&actor_of(&caller, address), "session.sign_in", method)
        .await?;
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state.options().auth, SESSION_COOKIE, token.as_str(), None),
    );
    Ok(response)
}

/// `POST /login/second-factor`: a TOTP code or a recovery code; on success the session is
/// replaced by a new one that opens the platform.
pub async fn second_factor(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
    Form(form): Form<SecondFactorForm>,
) -> Response {
    let next = local_next(query.next);
    let outcome: Result<Response, StoreError> = async {
        let found = match second_factor_gate(
            &state,
            lang,
            &headers,
            address.as_deref(),
            &form.csrf,
            &next,
        )
        .await?
        {
            Ok(found) => found,
            Err(answer) => return Ok(answer),
        };
        let (pending, _, user) = &found;
        let store = state.store();
        let at = now();
        let totp_ok = match user
            .totp_secret
            .as_deref()
            .and_then(|s| TotpSecret::from_base32(s).ok())
        {
            Some(secret) => {
                let last = user.totp_last_step.and_then(|s| u64::try_from(s).ok());
                match secret.verify(&form.code, at, last) {
                    Ok(step) => {
                        store
                            .accept_totp_step(&user.login, i64::try_from(step).unwrap_or(i64::MAX))
                            .await?
                    }
                    Err(_) => false,
                }
            }
            None => false,
        };
        let passed = if totp_ok {
            true
        } else {
            let hashes = store.recovery_codes(&user.login).await?;
            match match_recovery_code(&form.code, &hashes) {
                Some(index) => store.use_recovery_code(&user.login, &hashes[index]).await?,
                None => false,
            }
        };
        if !passed {
            let subject = account_subject(user.login.as_str());
            record_failure(&state, &subject, address.as_deref(), Some(user), "code").await?;
            return second_factor_answer(
                &state,
                lang,
                StatusCode::UNAUTHORIZED,
                Some(Text::SignInFailed.get(lang).to_owned()),
                &found,
                &next,
                None,
            )
            .await;
        }
        let method = if totp_ok { "totp" } else { "recovery code" };
        complete_sign_in(&state, pending, user, address, &next, method).await
    }
    .await;
    outcome.unwrap_or_else(|error| {
        tracing::error!(%error, "second factor failed inside");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

#[derive(Deserialize)]
pub struct SecurityKeyForm {
    csrf: String,
    /// The JSON the security-key script put in the form; empty when no script ran.
    #[serde(default)]
    answer: String,
}

/// `POST /login/second-factor/security-key`: the answer of one of the user's security keys to
/// the challenge of the second-factor page. A refused answer counts as a failed sign-in, like a
/// wrong code, and is recorded with its reason.
pub async fn second_factor_security_key(
    State(state): State<AppState>,
    Language(lang): Language,
    ConnectInfoOption(address): ConnectInfoOption,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
    Form(form): Form<SecurityKeyForm>,
) -> Response {
    let next = local_next(query.next);
    let outcome: Result<Response, StoreError> = async {
        let found = match second_factor_gate(
            &state,
            lang,
            &headers,
            address.as_deref(),
            &form.csrf,
            &next,
        )
        .await?
        {
            Ok(found) => found,
            Err(answer) => return Ok(answer),
        };
        let (pending, _, user) = &found;
        match security_keys::verify_sign_in(&state, pending, user, &form.answer).await {
            Ok(key) => {
                let method = format!("security key {key}");
                complete_sign_in(&state, pending, user, address, &next, &method).await
            }
            Err(WebError::Store(error)) => Err(error),
            Err(error) => {
                let subject = account_subject(user.login.as_str());
                let object = format!("security key: {}", error.key());
                record_failure(&state, &subject, address.as_deref(), Some(user), &object).await?;
                second_factor_answer(
                    &state,
                    lang,
                    StatusCode::UNAUTHORIZED,
                    Some(error.message(lang)),
                    &found,
                    &next,
                    None,
                )
                .await
            }
        }
    }
    .await;
    outcome.unwrap_or_else(|error| {
        tracing::error!(%error, "security-key sign-in failed inside");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

/// `GET /logout`: a confirmation with the CSRF-protected form (a link alone must not sign out).
pub async fn sign_out_form(Language(lang): Language, signed_in: SignedIn) -> Markup {
    page(
        lang,
        Text::SignOut.get(lang),
        Section::None,
        "/logout",
        html! {
            h1 { (Text::SignOutConfirm.get(lang)) }
            section class="card" {
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(signed_in.csrf);
                    button type="submit" name="scope" value="this" { (Text::SignOut.get(lang)) }
                    " "
                    button type="submit" name="scope" value="everywhere" { (Text::SignOutEverywhere.get(lang)) }
                }
            }
        },
    )
}

#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
    scope: Option<String>,
}

/// `POST /logout`.
pub async fn sign_out(
    State(state): State<AppState>,
    ConnectInfoOption(address): ConnectInfoOption,
    signed_in: SignedIn,
    Form(form): Form<SignOutForm>,
) -> Response {
    if !constant_time_equal(&signed_in.csrf, &form.csrf) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let store = state.store();
    let everywhere = form.scope.as_deref() == Some("everywhere");
    let result = async {
        if everywhere {
            store.delete_sessions_of(&signed_in.caller.login).await?;
        } else {
            store.delete_session(&signed_in.token).await?;
        }
        store
            .record_audit(
                &actor_of(&signed_in.caller, address),
                if everywhere {
                    "session.sign_out_everywhere"
                } else {
                    "session.sign_out"
                },
                "",
            )
            .await
    }
    .await;
    if let Err(error) = result {
        tracing::error!(%error, "sign-out failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state.options().auth, SESSION_COOKIE, "", Some(0)),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_pages_are_returned_to() {
        assert_eq!(local_next(Some("/agencies?q=1".into())), "/agencies?q=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/login/second-factor",
            "/\\x",
        ] {
            assert_eq!(local_next(Some(bad.into())), "/", "{bad}");
        }
        assert_eq!(local_next(None), "/");
    }

    #[test]
    fn cookies_are_strict_http_only_and_secure_unless_told() {
        let settings = AuthSettings::default();
        let cookie = set_cookie(&settings, SESSION_COOKIE, "abc", None);
        assert_eq!(
            cookie.to_str().unwrap(),
            "govsec_session=abc; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        let demo = AuthSettings {
            secure_cookies: false,
            ..AuthSettings::default()
        };
        assert!(
            !set_cookie(&demo, SESSION_COOKIE, "abc", Some(0))
                .to_str()
                .unwrap()
                .contains("Secure")
        );
    }

    #[test]
    fn failure_subjects_are_bounded_and_normalised() {
        assert_eq!(account_subject("  Officer.MOI "), "officer.moi");
        assert_eq!(account_subject(&"x".repeat(500)).len(), 64);
    }
}
