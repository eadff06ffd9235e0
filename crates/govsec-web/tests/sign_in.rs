//! Signing in as a user does it: real forms, cookies and redirects through `app()`, on SQLite and
//! PostgreSQL. Password, then a mandatory second factor; throttling; sessions that rotate;
//! sign-out; and what each role may then see.

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
