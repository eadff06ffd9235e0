//! Signing in as a user does it: real forms, cookies and redirects through `app()`, on SQLite and
//! PostgreSQL. Password, then a mandatory second factor (a TOTP code, a recovery code or a
//! security key answered by a software authenticator); throttling; sessions that rotate;
//! sign-out; and what each role may then see.

mod soft_key;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govsec_core::AgencyCode;
use govsec_core::audit::Actor;
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_identity::totp::TotpSecret;
use govsec_identity::{
    FailureLimits, LoginName, LoginThrottle, PasswordHasher, RecoveryCodeHash, Role,
};
use govsec_store::NewUser;
use govsec_store::testing::{TestDatabase, every_backend};
use govsec_web::{AppState, AuthSettings, WebOptions, app};
use http_body_util::BodyExt;
use rand_core::UnwrapErr;
use soft_key::{ORIGIN, SoftKey, page_options};
use tower::ServiceExt;

const PASSWORD: &str = "river lantern quietly 42";
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

struct Answer {
    status: StatusCode,
    location: String,
    cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.iter().find_map(|c| {
            let pair = c.split(';').next()?;
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    fn hidden_csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF field")
            + 19;
        self.body[at..].split('"').next().unwrap().to_owned()
    }
}

async fn send(router: &axum::Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let body = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    Answer {
        status,
        location,
        cookies,
        body,
    }
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, format!("govsec_lang=en; {cookie}"))
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str, cookie: &str, form: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("govsec_lang=en; {cookie}"))
        .body(Body::from(form.to_owned()))
        .unwrap()
}

fn quick_throttle(lockout_after: u32) -> LoginThrottle {
    let limits = FailureLimits {
        free_failures: 50,
        base_delay: 1,
        max_delay: 1,
        lockout_after,
        lockout: 900,
        forget_after: 86_400,
    };
    LoginThrottle {
        account: limits,
        address: limits,
    }
}

async fn world(throttle: LoginThrottle) -> Vec<(TestDatabase, axum::Router)> {
    let mut worlds = Vec::new();
    for db in every_backend().await {
        let registry = "code,name_zh,tier,parent,level\nA00000000A,行政院,其他,,A\n301000000A,內政部,二級機關,A00000000A,A\n301010000A,內政部警政署,三級機關,301000000A,A\n303000000B,外交部,二級機關,A00000000A,A\n";
        db.store
            .import_agencies(
                read_registry("a.csv", registry.as_bytes(), TextEncoding::Detect),
                &Actor::command_line(),
            )
            .await
            .unwrap();
        let hasher = PasswordHasher::with_params(64, 1, 1).unwrap();
        for (login, role, agency) in [
            ("officer.npa", Role::AgencyOfficer, "301010000A"),
            ("supervisor.moi", Role::Supervisor, "301000000A"),
            ("auditor.ey", Role::Auditor, "A00000000A"),
            ("admin.ey", Role::AuthorityAdmin, "A00000000A"),
        ] {
            let user = NewUser {
                login: LoginName::parse(login).unwrap(),
                agency: AgencyCode::parse(agency).unwrap(),
                role,
                password_hash: hasher
                    .hash(PASSWORD, &mut UnwrapErr(getrandom::SysRng))
                    .unwrap(),
                email: None,
                demo: false,
            };
            db.store
                .create_user(&user, &Actor::command_line(), 1)
                .await
                .unwrap();
            db.store.set_totp_secret(&user.login, SECRET).await.unwrap();
        }
        let options = WebOptions {
            auth: AuthSettings {
                throttle,
                hasher,
                ..AuthSettings::default()
            },
            ..WebOptions::default()
        };
        let router = app(AppState::new(db.store.clone(), options));
        worlds.push((db, router));
    }
    worlds
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Password step: returns the half-signed-in session cookie.
async fn password_step(router: &axum::Router, login: &str, password: &str) -> Answer {
    let form = send(router, get("/login?next=/agencies", "")).await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form
        .cookie("govsec_signin")
        .expect("a sign-in token cookie");
    assert_eq!(form.hidden_csrf(), csrf);
    send(
        router,
        post(
            "/login?next=/agencies",
            &format!("govsec_signin={csrf}"),
            &format!(
                "login={login}&password={}&csrf={csrf}",
                password.replace(' ', "+")
            ),
        ),
    )
    .await
}

async fn second_factor_step(router: &axum::Router, pending: &str, code: &str) -> Answer {
    let cookie = format!("govsec_session={pending}");
    let form = send(router, get("/login/second-factor?next=/agencies", &cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = form.hidden_csrf();
    send(
        router,
        post(
            "/login/second-factor?next=/agencies",
            &cookie,
            &format!("code={code}&csrf={csrf}"),
        ),
    )
    .await
}

#[tokio::test]
async fn a_password_and_a_totp_code_sign_in_and_the_session_rotates() {
    for (db, router) in world(quick_throttle(10)).await {
        let anonymous = send(&router, get("/agencies", "")).await;
        assert_eq!(
            (anonymous.status, anonymous.location.as_str()),
            (StatusCode::SEE_OTHER, "/login?next=/agencies")
        );
        let api = send(&router, get("/api/v1/agencies", "")).await;
        assert_eq!(api.status, StatusCode::UNAUTHORIZED);

        let step = password_step(&router, "supervisor.moi", PASSWORD).await;
        assert_eq!(step.status, StatusCode::SEE_OTHER, "{}", step.body);
        assert!(step.location.starts_with("/login/second-factor"));
        let pending = step.cookie("govsec_session").unwrap();
        assert!(step.cookies.iter().any(|c| c.contains("HttpOnly")
            && c.contains("SameSite=Strict")
            && c.contains("Secure")));
        // Half signed in opens nothing.
        assert_eq!(
            send(
                &router,
                get("/agencies", &format!("govsec_session={pending}"))
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );

        let code = TotpSecret::from_base32(SECRET).unwrap().code_at(now());
        let done = second_factor_step(&router, &pending, &code).await;
        assert_eq!(
            (done.status, done.location.as_str()),
            (StatusCode::SEE_OTHER, "/agencies"),
            "{}",
            done.body
        );
        let session = done.cookie("govsec_session").unwrap();
        assert_ne!(session, pending, "the session id rotates at sign-in");
        let cookie = format!("govsec_session={session}");
        let tree = send(&router, get("/agencies", &cookie)).await;
        assert_eq!(tree.status, StatusCode::OK);
        assert!(
            tree.body.contains("內政部警政署") && !tree.body.contains("外交部"),
            "a supervisor sees its subtree"
        );
        assert_eq!(
            send(
                &router,
                get("/login/second-factor", &format!("govsec_session={pending}"))
            )
            .await
            .location,
            "/login"
        );

        // The same code again is a replay, even in a new sign-in.
        let again = password_step(&router, "supervisor.moi", PASSWORD)
            .await
            .cookie("govsec_session")
            .unwrap();
        assert_eq!(
            second_factor_step(&router, &again, &code).await.status,
            StatusCode::UNAUTHORIZED
        );

        // Sign-out needs the session's CSRF token.
        let confirm = send(&router, get("/logout", &cookie)).await;
        let csrf = confirm.hidden_csrf();
        assert_eq!(
            send(&router, post("/logout", &cookie, "csrf=wrong&scope=this"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        let out = send(
            &router,
            post("/logout", &cookie, &format!("csrf={csrf}&scope=this")),
        )
        .await;
        assert_eq!(out.location, "/login");
        assert_eq!(
            send(&router, get("/agencies", &cookie)).await.status,
            StatusCode::SEE_OTHER
        );
        let actions: Vec<String> = db
            .store
            .audit_chain()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.record.action)
            .collect();
        assert!(
            actions.contains(&"session.sign_in".to_owned())
                && actions.contains(&"session.sign_out".to_owned())
        );
        assert!(
            actions.contains(&"session.sign_in_failed".to_owned()),
            "the replayed code counted as a failure"
        );
    }
}

#[tokio::test]
async fn failures_do_not_reveal_whether_the_account_exists() {
    for (_db, router) in world(quick_throttle(10)).await {
        let wrong = password_step(&router, "supervisor.moi", "not the password at all").await;
        let unknown = password_step(&router, "nobody.here", "not the password at all").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status, wrong.status);
        assert!(
            wrong
                .body
                .contains("Sign-in failed: the login name, password or verification code is wrong")
        );
        assert!(
            unknown
                .body
                .contains("Sign-in failed: the login name, password or verification code is wrong")
        );
        assert!(
            wrong.cookie("govsec_session").is_none() && unknown.cookie("govsec_session").is_none()
        );
        // A sign-in form without its token is refused.
        let forged = send(
            &router,
            post(
                "/login",
                "",
                &format!(
                    "login=supervisor.moi&password={}&csrf=x",
                    PASSWORD.replace(' ', "+")
                ),
            ),
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_brute_force_is_locked_out_even_with_the_right_password() {
    for (_db, router) in world(quick_throttle(5)).await {
        for _ in 0..5 {
            assert_eq!(
                password_step(&router, "officer.npa", "guess guess guess 1")
                    .await
                    .status,
                StatusCode::UNAUTHORIZED
            );
        }
        let locked = password_step(&router, "officer.npa", PASSWORD).await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(locked.body.contains("sign-in is paused"), "{}", locked.body);
        assert!(locked.cookie("govsec_session").is_none());
    }
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    for (db, router) in world(quick_throttle(10)).await {
        let login = LoginName::parse("officer.npa").unwrap();
        let codes = govsec_identity::generate_recovery_codes(&mut UnwrapErr(getrandom::SysRng));
        let hashes: Vec<RecoveryCodeHash> = codes.iter().map(|c| c.hash()).collect();
        db.store
            .replace_recovery_codes(&login, &hashes)
            .await
            .unwrap();
        let code = codes[0].as_str().to_owned();
        let typed = code.to_uppercase().replace('-', " ");
        let pending = password_step(&router, "officer.npa", PASSWORD)
            .await
            .cookie("govsec_session")
            .unwrap();
        let done = second_factor_step(&router, &pending, &typed.replace(' ', "+")).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let officer = format!("govsec_session={}", done.cookie("govsec_session").unwrap());
        let tree = send(&router, get("/agencies", &officer)).await.body;
        assert!(
            tree.contains("內政部警政署") && !tree.contains("外交部"),
            "an officer sees its own agency"
        );
        assert_eq!(
            send(&router, get("/agencies/301000000A", &officer))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(db.store.recovery_codes(&login).await.unwrap().len(), 9);
        let pending = password_step(&router, "officer.npa", PASSWORD)
            .await
            .cookie("govsec_session")
            .unwrap();
        assert_eq!(
            second_factor_step(&router, &pending, &code).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn an_auditor_has_no_registry_access() {
    for (_db, router) in world(quick_throttle(10)).await {
        let pending = password_step(&router, "auditor.ey", PASSWORD)
            .await
            .cookie("govsec_session")
            .unwrap();
        let code = TotpSecret::from_base32(SECRET).unwrap().code_at(now());
        let session = second_factor_step(&router, &pending, &code)
            .await
            .cookie("govsec_session")
            .unwrap();
        let page = send(
            &router,
            get("/agencies", &format!("govsec_session={session}")),
        )
        .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_password_change_follows_the_policy_and_ends_every_session() {
    for (db, router) in world(quick_throttle(10)).await {
        let pending = password_step(&router, "officer.npa", PASSWORD)
            .await
            .cookie("govsec_session")
            .unwrap();
        let code = TotpSecret::from_base32(SECRET).unwrap().code_at(now());
        let first = second_factor_step(&router, &pending, &code)
            .await
            .cookie("govsec_session")
            .unwrap();
        let cookie = format!("govsec_session={first}");
        let form = send(&router, get("/account/password", &cookie)).await;
        assert_eq!(form.status, StatusCode::OK);
        let csrf = form.hidden_csrf();
        let change = |new: &str, current: &str| {
            post(
                "/account/password",
                &cookie,
                &format!(
                    "csrf={csrf}&current={}&new={}&repeat={}",
                    current.replace(' ', "+"),
                    new.replace(' ', "+"),
                    new.replace(' ', "+")
                ),
            )
        };
        // The seed's breach: the agency code plus digits and a symbol.
        let weak = send(&router, change("301010000a2024!", PASSWORD)).await;
        assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            weak.body
                .contains("the password contains your agency's code"),
            "{}",
            weak.body
        );
        let short = send(&router, change("short", PASSWORD)).await;
        assert!(short.body.contains("at least 12 characters"));
        let wrong = send(
            &router,
            change("a calm heron at dawn", "not my password at all"),
        )
        .await;
        assert!(wrong.body.contains("The current password is wrong"));
        let done = send(&router, change("a calm heron at dawn", PASSWORD)).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.body);
        assert!(done.body.contains("Password changed"));
        let second = done.cookie("govsec_session").unwrap();
        assert_ne!(second, first);
        assert_eq!(
            send(&router, get("/agencies", &cookie)).await.status,
            StatusCode::SEE_OTHER,
            "the old session ended"
        );
        assert_eq!(
            send(
                &router,
                get("/agencies", &format!("govsec_session={second}"))
            )
            .await
            .status,
            StatusCode::OK
        );
        assert_eq!(
            password_step(&router, "officer.npa", PASSWORD).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            password_step(&router, "officer.npa", "a calm heron at dawn")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let actions: Vec<String> = db
            .store
            .audit_chain()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.record.action)
            .collect();
        assert!(actions.contains(&"user.password_change".to_owned()));
    }
}

/// Both sign-in steps: returns the session cookie header value.
async fn signed_in_cookie(router: &axum::Router, login: &str) -> String {
    let pending = password_step(router, login, PASSWORD)
        .await
        .cookie("govsec_session")
        .unwrap();
    let code = TotpSecret::from_base32(SECRET).unwrap().code_at(now());
    let session = second_factor_step(router, &pending, &code)
        .await
        .cookie("govsec_session")
        .unwrap();
    format!("govsec_session={session}")
}

#[tokio::test]
async fn a_role_change_ends_the_users_sessions_and_revokes_what_it_may_not_delegate() {
    for (db, router) in world(quick_throttle(10)).await {
        let officer = signed_in_cookie(&router, "officer.npa").await;
        let admin = signed_in_cookie(&router, "admin.ey").await;
        let officer_login = LoginName::parse("officer.npa").unwrap();
        let token = govsec_identity::ApiToken::generate(&mut UnwrapErr(getrandom::SysRng));
        let record = govsec_identity::ApiTokenRecord {
            hash: token.hash(),
            owner: officer_login.clone(),
            agency: AgencyCode::parse("301010000A").unwrap(),
            role: Role::AgencyOfficer,
            created_at: now(),
            expires_at: now() + 3600,
            revoked_at: None,
        };
        db.store
            .create_api_token(&record, "nightly upload", &Actor::command_line())
            .await
            .unwrap();

        assert_eq!(
            send(&router, get("/admin/users", &officer)).await.status,
            StatusCode::FORBIDDEN
        );
        let list = send(&router, get("/admin/users", &admin)).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert!(list.body.contains("officer.npa") && list.body.contains("內政部警政署"));
        let csrf = list.hidden_csrf();

        let unknown_role = send(
            &router,
            post(
                "/admin/users/officer.npa/role",
                &admin,
                &format!("csrf={csrf}&role=emperor"),
            ),
        )
        .await;
        assert_eq!(unknown_role.status, StatusCode::UNPROCESSABLE_ENTITY);
        let nobody = send(
            &router,
            post(
                "/admin/users/nobody.here/role",
                &admin,
                &format!("csrf={csrf}&role=auditor"),
            ),
        )
        .await;
        assert_eq!(nobody.status, StatusCode::NOT_FOUND);
        assert_eq!(
            send(&router, get("/agencies", &officer)).await.status,
            StatusCode::OK,
            "refused changes change nothing"
        );

        let done = send(
            &router,
            post(
                "/admin/users/officer.npa/role",
                &admin,
                &format!("csrf={csrf}&role=auditor"),
            ),
        )
        .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(done.location, "/admin/users?changed=officer.npa");
        assert_eq!(
            send(&router, get("/agencies", &officer)).await.status,
            StatusCode::SEE_OTHER,
            "the officer's session ended with the privilege change"
        );
        let user = db.store.user(&officer_login).await.unwrap().unwrap();
        assert_eq!(user.role, Role::Auditor);
        let tokens = db.store.api_tokens_of(&officer_login).await.unwrap();
        assert!(
            tokens[0].revoked_at.is_some(),
            "an auditor may not delegate an officer's token"
        );
        let shown = send(&router, get("/admin/users?changed=officer.npa", &admin)).await;
        assert!(shown.body.contains("The role of officer.npa was changed"));

        // Changing one's own role rotates one's own session.
        let own = send(
            &router,
            post(
                "/admin/users/admin.ey/role",
                &admin,
                &format!("csrf={csrf}&role=authority_analyst"),
            ),
        )
        .await;
        assert_eq!(own.status, StatusCode::SEE_OTHER);
        let rotated = format!("govsec_session={}", own.cookie("govsec_session").unwrap());
        assert_ne!(rotated, admin);
        assert_eq!(
            send(&router, get("/agencies", &admin)).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            send(&router, get("/admin/users", &rotated)).await.status,
            StatusCode::FORBIDDEN,
            "an analyst manages no users"
        );
        let changes: Vec<String> = db
            .store
            .audit_chain()
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.record.action == "user.role_change")
            .map(|e| e.record.object)
            .collect();
        assert_eq!(
            changes,
            vec![
                "officer.npa (agency_officer -> auditor)".to_owned(),
                "admin.ey (authority_admin -> authority_analyst)".to_owned()
            ]
        );
    }
}

/// Percent-encodes a form value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The page that asks for the key after a registration was started with `label`.
async fn start_registration(router: &axum::Router, cookie: &str, label: &str) -> (String, Answer) {
    let list = send(router, get("/account/security-keys", cookie)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let csrf = list.hidden_csrf();
    let touch = send(
        router,
        post(
            "/account/security-keys/new",
            cookie,
            &format!("csrf={csrf}&label={}", encode(label)),
        ),
    )
    .await;
    (csrf, touch)
}

async fn finish_registration(
    router: &axum::Router,
    cookie: &str,
    csrf: &str,
    answer: &str,
) -> Answer {
    send(
        router,
        post(
            "/account/security-keys",
            cookie,
            &format!("csrf={csrf}&answer={}", encode(answer)),
        ),
    )
    .await
}

/// Registers `key` labelled `label` through the account pages.
async fn register_key(router: &axum::Router, cookie: &str, key: &SoftKey, label: &str) -> Answer {
    let (csrf, touch) = start_registration(router, cookie, label).await;
    assert_eq!(touch.status, StatusCode::OK, "{}", touch.body);
    assert!(touch.body.contains("/static/security-key.js"));
    let answer = key.register(&page_options(&touch.body), ORIGIN);
    finish_registration(router, cookie, csrf.as_str(), &answer).await
}

/// The password step, then the second-factor page: the pending session's cookie and the page.
async fn key_page(router: &axum::Router, login: &str) -> (String, Answer) {
    let pending = password_step(router, login, PASSWORD)
        .await
        .cookie("govsec_session")
        .unwrap();
    let cookie = format!("govsec_session={pending}");
    let page = send(router, get("/login/second-factor?next=/agencies", &cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (cookie, page)
}

async fn post_key_answer(router: &axum::Router, cookie: &str, csrf: &str, answer: &str) -> Answer {
    send(
        router,
        post(
            "/login/second-factor/security-key?next=/agencies",
            cookie,
            &format!("csrf={csrf}&answer={}", encode(answer)),
        ),
    )
    .await
}

async fn audit_objects(db: &TestDatabase, action: &str) -> Vec<String> {
    db.store
        .audit_chain()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.record.action == action)
        .map(|e| e.record.object)
        .collect()
}

#[tokio::test]
async fn a_security_key_is_registered_and_then_signs_in_instead_of_a_code() {
    for (db, router) in world(quick_throttle(10)).await {
        let cookie = signed_in_cookie(&router, "supervisor.moi").await;
        let empty = send(&router, get("/account/security-keys", &cookie)).await;
        assert!(empty.body.contains("No security key is registered yet"));
        // A user without keys is not offered one at sign-in.
        let (_, page) = key_page(&router, "officer.npa").await;
        assert!(!page.body.contains("data-webauthn"));

        let mut key = SoftKey::new(1);
        let done = register_key(&router, &cookie, &key, "blue <office> key").await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_eq!(
            done.location,
            format!("/account/security-keys?added={}", key.id_text())
        );
        let listed = send(&router, get(&done.location, &cookie)).await;
        assert!(
            listed
                .body
                .contains("Security key &quot;blue &lt;office&gt; key&quot; registered"),
            "{}",
            listed.body
        );
        assert!(listed.body.contains("Never"), "not used yet");
        assert_eq!(
            audit_objects(&db, "security_key.register").await,
            [format!("key {} of supervisor.moi", &key.id_text()[..16])]
        );

        let (pending, page) = key_page(&router, "supervisor.moi").await;
        assert!(page.body.contains("data-webauthn=\"get\""), "{}", page.body);
        assert!(
            page.body
                .contains("<script src=\"/static/security-key.js\" defer>")
        );
        let options = page_options(&page.body);
        assert_eq!(options["publicKey"]["rpId"], "localhost");
        assert_eq!(
            options["publicKey"]["allowCredentials"][0]["id"],
            key.id_text().as_str()
        );
        let answer = key.assert(&options, ORIGIN);
        let signed = post_key_answer(&router, &pending, &page.hidden_csrf(), &answer).await;
        assert_eq!(
            (signed.status, signed.location.as_str()),
            (StatusCode::SEE_OTHER, "/agencies"),
            "{}",
            signed.body
        );
        let session = format!(
            "govsec_session={}",
            signed.cookie("govsec_session").unwrap()
        );
        assert_ne!(session, pending, "the session rotates");
        assert_eq!(
            send(&router, get("/agencies", &session)).await.status,
            StatusCode::OK
        );
        let sign_ins = audit_objects(&db, "session.sign_in").await;
        assert_eq!(
            sign_ins.last().unwrap(),
            &format!("security key {}", &key.id_text()[..16])
        );
        let stored = db
            .store
            .security_keys(&LoginName::parse("supervisor.moi").unwrap())
            .await
            .unwrap();
        assert_eq!(stored[0].sign_count, 1);
        assert!(stored[0].last_used_at.is_some());
        assert!(
            !send(&router, get("/account/security-keys", &session))
                .await
                .body
                .contains("Never")
        );
        // The code form stays beside the key; the key signs in a second time.
        let (pending, page) = key_page(&router, "supervisor.moi").await;
        assert!(page.body.contains("name=\"code\""));
        let answer = key.assert(&page_options(&page.body), ORIGIN);
        assert_eq!(
            post_key_answer(&router, &pending, &page.hidden_csrf(), &answer)
                .await
                .status,
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn bad_security_key_answers_are_refused_counted_and_write_nothing() {
    for (db, router) in world(quick_throttle(50)).await {
        let officer = signed_in_cookie(&router, "officer.npa").await;
        let mut key = SoftKey::new(2);
        assert_eq!(
            register_key(&router, &officer, &key, "officer key")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let supervisor = signed_in_cookie(&router, "supervisor.moi").await;
        let mut foreign = SoftKey::new(3);
        assert_eq!(
            register_key(&router, &supervisor, &foreign, "supervisor key")
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let login = LoginName::parse("officer.npa").unwrap();
        let failures_before = db
            .store
            .failure_history(govsec_store::FailureKind::Account, "officer.npa")
            .await
            .unwrap()
            .failures;

        let (pending, page) = key_page(&router, "officer.npa").await;
        let csrf = page.hidden_csrf();
        let first = page_options(&page.body);
        // Malformed JSON, and no answer at all (no script ran).
        for (answer, message) in [
            ("{", "the answer is malformed"),
            ("", "the browser may not run JavaScript"),
            ("{\"id\": 1}", "the answer is malformed"),
        ] {
            let answer = post_key_answer(&router, &pending, &csrf, answer).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
            assert!(answer.body.contains(message), "{}", answer.body);
        }
        // A stale challenge: each refused answer used up its challenge and the page came back
        // with a new one, so an answer to the first is now refused.
        let stale = key.clone().assert(&first, ORIGIN);
        let answer = post_key_answer(&router, &pending, &csrf, &stale).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains("did not verify"), "{}", answer.body);
        // Another user's key, and a key nobody registered, answering the current challenge.
        let current = page_options(&answer.body);
        for other in [&mut foreign, &mut SoftKey::new(4)] {
            let forged = other.assert(&current, ORIGIN);
            let answer = post_key_answer(&router, &pending, &csrf, &forged).await;
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert!(
                answer.body.contains("not registered to your account"),
                "{}",
                answer.body
            );
        }
        // The key's answer for another origin (a look-alike site) does not verify.
        let (pending, page) = key_page(&router, "officer.npa").await;
        let phished = key
            .clone()
            .assert(&page_options(&page.body), "https://govsec.example.com");
        let answer = post_key_answer(&router, &pending, &page.hidden_csrf(), &phished).await;
        assert!(answer.body.contains("did not verify"), "{}", answer.body);
        // An expired challenge.
        db.tamper("UPDATE webauthn_ceremonies SET expires_at = 0")
            .await;
        let late = key.clone().assert(&page_options(&answer.body), ORIGIN);
        let answer = post_key_answer(&router, &pending, &page.hidden_csrf(), &late).await;
        assert!(answer.body.contains("has expired"), "{}", answer.body);
        assert_eq!(
            db.store.security_keys(&login).await.unwrap()[0].sign_count,
            0,
            "no refused answer wrote anything"
        );
        let failures = |db: &TestDatabase| {
            let store = db.store.clone();
            async move {
                store
                    .failure_history(govsec_store::FailureKind::Account, "officer.npa")
                    .await
                    .unwrap()
                    .failures
            }
        };
        // Three malformed, one stale, two unknown keys, one origin, one expired.
        assert_eq!(failures(&db).await, failures_before + 8);

        // A good answer signs in; the same answer again, in a new sign-in, is refused.
        let good = key.assert(&page_options(&answer.body), ORIGIN);
        assert_eq!(
            post_key_answer(&router, &pending, &page.hidden_csrf(), &good)
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let (pending, page) = key_page(&router, "officer.npa").await;
        let replayed = post_key_answer(&router, &pending, &page.hidden_csrf(), &good).await;
        assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
        // A clone of the key, whose counter is behind the real one's.
        let mut clone = key.clone();
        clone.counter = 0;
        let cloned = clone.assert(&page_options(&replayed.body), ORIGIN);
        let answer = post_key_answer(&router, &pending, &page.hidden_csrf(), &cloned).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(
            answer.body.contains("may have been cloned"),
            "{}",
            answer.body
        );
        let stored = &db.store.security_keys(&login).await.unwrap()[0];
        assert_eq!(stored.sign_count, 1, "the clone changed nothing");

        let failed = audit_objects(&db, "session.sign_in_failed").await;
        for reason in [
            "security key: malformed_credential",
            "security key: rejected",
            "security key: unknown_key",
            "security key: no_ceremony",
            "security key: possible_clone",
        ] {
            assert!(failed.iter().any(|o| o == reason), "{reason}: {failed:?}");
        }
        assert_eq!(
            failures(&db).await,
            2,
            "the good sign-in reset the count; the replay and the clone counted"
        );
    }
}

#[tokio::test]
async fn refused_security_key_answers_lock_out_like_wrong_codes() {
    for (_db, router) in world(quick_throttle(3)).await {
        let officer = signed_in_cookie(&router, "officer.npa").await;
        let mut key = SoftKey::new(5);
        register_key(&router, &officer, &key, "k").await;
        let (pending, page) = key_page(&router, "officer.npa").await;
        let csrf = page.hidden_csrf();
        let mut last = page;
        for _ in 0..3 {
            last = post_key_answer(&router, &pending, &csrf, "not json").await;
            assert_eq!(last.status, StatusCode::UNAUTHORIZED);
        }
        let good = key.assert(&page_options(&last.body), ORIGIN);
        let locked = post_key_answer(&router, &pending, &csrf, &good).await;
        assert_eq!(
            locked.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            locked.body
        );
        assert!(locked.body.contains("sign-in is paused"));
    }
}

#[tokio::test]
async fn registration_and_removal_refuse_bad_input_clearly() {
    for (db, router) in world(quick_throttle(10)).await {
        let cookie = signed_in_cookie(&router, "officer.npa").await;
        let key = SoftKey::new(6);
        // Labels: empty, too long, control characters.
        for label in ["", "   ", &"x".repeat(65), "tab\there"] {
            let (_, answer) = start_registration(&router, &cookie, label).await;
            assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{label:?}");
            assert!(answer.body.contains("must be 1 to 64 characters"));
        }
        // An answer with no registration started, or with the wrong CSRF token.
        let list = send(&router, get("/account/security-keys", &cookie)).await;
        let csrf = list.hidden_csrf();
        let fake_options =
            serde_json::json!({"publicKey": {"rp": {"id": "localhost"}, "challenge": "AAAA"}});
        let unasked = finish_registration(
            &router,
            &cookie,
            &csrf,
            &key.register(&fake_options, ORIGIN),
        )
        .await;
        assert_eq!(unasked.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unasked.body.contains("has expired or was used already"));
        assert_eq!(
            finish_registration(&router, &cookie, "wrong", "{}")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // Malformed, then a replay of a good answer.
        let (csrf, touch) = start_registration(&router, &cookie, "k").await;
        let good = key.register(&page_options(&touch.body), ORIGIN);
        let malformed = finish_registration(&router, &cookie, &csrf, "[1, 2").await;
        assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(malformed.body.contains("the answer is malformed"));
        assert_eq!(
            finish_registration(&router, &cookie, &csrf, &good)
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "the malformed answer used up the challenge"
        );
        let (csrf, touch) = start_registration(&router, &cookie, "k").await;
        let good = key.register(&page_options(&touch.body), ORIGIN);
        assert_eq!(
            finish_registration(&router, &cookie, &csrf, &good)
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            finish_registration(&router, &cookie, &csrf, &good)
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a replayed registration"
        );
        // The same key again (a browser would exclude it; a forged answer does not), for this
        // user or another.
        let (csrf, touch) = start_registration(&router, &cookie, "again").await;
        let options = page_options(&touch.body);
        assert_eq!(
            options["publicKey"]["excludeCredentials"][0]["id"],
            key.id_text().as_str()
        );
        let again =
            finish_registration(&router, &cookie, &csrf, &key.register(&options, ORIGIN)).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.body.contains("registered already"));
        let supervisor = signed_in_cookie(&router, "supervisor.moi").await;
        let stolen = register_key(&router, &supervisor, &key, "not mine").await;
        assert_eq!(stolen.status, StatusCode::CONFLICT);
        assert_eq!(
            db.store
                .security_keys(&LoginName::parse("officer.npa").unwrap())
                .await
                .unwrap()
                .len(),
            1
        );

        // Removal: another user's key is not found; the last factor stays.
        let remove = |cookie: &str, csrf: &str, id: &str| {
            post(
                &format!("/account/security-keys/{id}/remove"),
                cookie,
                &format!("csrf={csrf}"),
            )
        };
        let supervisor_csrf = send(&router, get("/account/security-keys", &supervisor))
            .await
            .hidden_csrf();
        assert_eq!(
            send(
                &router,
                remove(&supervisor, &supervisor_csrf, &key.id_text())
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            send(&router, remove(&cookie, &csrf, "no-such-key"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            send(&router, remove(&cookie, "wrong", &key.id_text()))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        db.tamper("DELETE FROM totp_credentials WHERE login = 'officer.npa'")
            .await;
        let last = send(&router, remove(&cookie, &csrf, &key.id_text())).await;
        assert_eq!(last.status, StatusCode::CONFLICT);
        assert!(last.body.contains("only second factor"), "{}", last.body);
        db.store
            .set_totp_secret(&LoginName::parse("officer.npa").unwrap(), SECRET)
            .await
            .unwrap();
        let removed = send(&router, remove(&cookie, &csrf, &key.id_text())).await;
        assert_eq!(
            (removed.status, removed.location.as_str()),
            (StatusCode::SEE_OTHER, "/account/security-keys?removed=1")
        );
        assert_eq!(
            audit_objects(&db, "security_key.remove").await,
            [format!("key {} of officer.npa", &key.id_text()[..16])]
        );
    }
}

#[tokio::test]
async fn an_officer_teaches_a_mapping_and_the_authority_makes_it_national() {
    for (db, router) in world(quick_throttle(10)).await {
        let officer = signed_in_cookie(&router, "officer.npa").await;
        let supervisor = signed_in_cookie(&router, "supervisor.moi").await;
        let admin = signed_in_cookie(&router, "admin.ey").await;
        let tried = send(
            &router,
            get(
                "/vans/mappings?name=%E5%85%AC%E6%96%87%E8%A3%BD%E4%BD%9C%E7%B3%BB%E7%B5%B1+2.0&publisher=%E6%9F%90%E8%B3%87%E8%A8%8A%E5%85%AC%E5%8F%B8",
                &officer,
            ),
        )
        .await;
        assert_eq!(tried.status, StatusCode::OK, "{}", tried.body);
        assert!(
            tried.body.contains("未轉換") || tried.body.contains("unconverted"),
            "{}",
            tried.body
        );
        let csrf = tried.hidden_csrf();
        // A CPE without a product is refused and nothing is stored.
        let bad = send(
            &router,
            post(
                "/vans/mappings",
                &officer,
                &format!("csrf={csrf}&name=x&publisher=&cpe=cpe%3A2.3%3Aa%3A%2A%3A%2A"),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let taught = send(
            &router,
            post(
                "/vans/mappings",
                &officer,
                &format!(
                    "csrf={csrf}&name=%E5%85%AC%E6%96%87%E8%A3%BD%E4%BD%9C%E7%B3%BB%E7%B5%B1+2.0&publisher=%E6%9F%90%E8%B3%87%E8%A8%8A%E5%85%AC%E5%8F%B8&cpe=cpe%3A2.3%3Aa%3Aexample%3Adocument_editor%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A%3A%2A"
                ),
            ),
        )
        .await;
        assert_eq!(taught.status, StatusCode::SEE_OTHER, "{}", taught.body);
        let police = AgencyCode::parse("301010000A").unwrap();
        let stored = db.store.software_mappings(Some(&police)).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].product, "document_editor");
        assert_eq!(stored[0].taught_by, "officer.npa");
        // The supervisor sees its subtree's mapping; only the authority may promote it.
        let seen = send(&router, get("/vans/mappings", &supervisor)).await;
        assert!(seen.body.contains("document_editor"));
        let supervisor_csrf = send(&router, get("/account/password", &supervisor))
            .await
            .hidden_csrf();
        let key = stored[0].key.replace(' ', "+").replace('|', "%7C");
        let key: String = key
            .bytes()
            .map(|b| {
                if b.is_ascii() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let refused = send(
            &router,
            post(
                "/vans/mappings/promote",
                &supervisor,
                &format!("csrf={supervisor_csrf}&agency=301010000A&key={key}"),
            ),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let admin_csrf = send(&router, get("/vans/mappings", &admin))
            .await
            .hidden_csrf();
        let promoted = send(
            &router,
            post(
                "/vans/mappings/promote",
                &admin,
                &format!("csrf={admin_csrf}&agency=301010000A&key={key}"),
            ),
        )
        .await;
        assert_eq!(promoted.status, StatusCode::SEE_OTHER, "{}", promoted.body);
        let foreign = AgencyCode::parse("303000000B").unwrap();
        assert_eq!(
            db.store
                .software_mappings(Some(&foreign))
                .await
                .unwrap()
                .len(),
            1
        );
        let actions: Vec<String> = db
            .store
            .audit_chain()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.record.action)
            .collect();
        assert!(actions.contains(&"software_mapping.teach".to_owned()));
        assert!(actions.contains(&"software_mapping.promote".to_owned()));
    }
}
