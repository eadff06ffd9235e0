//! The authorisation matrix: every route, for every role, against the caller's own agency, an
//! agency in its subtree and a foreign agency, with real HTTP requests over a real socket, on
//! SQLite and on PostgreSQL. A second test fails when the application answers a route that the
//! matrix does not list; a third shows the walk catching a deliberately unscoped route.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, header};
use axum::routing::get;
use govsec_core::audit::Actor;
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_core::{AgencyCode, Scope};
use govsec_identity::{LoginName, Role, SessionToken};
use govsec_store::NewUser;
use govsec_store::testing::{TestDatabase, every_backend};
use govsec_web::{AppState, WebOptions, app};
use http_body_util::BodyExt;

/// Every caller is at the ministry; the police agency is in its subtree, foreign affairs is not.
const OWN: &str = "301000000A";
const SUBTREE: &str = "301010000A";
const FOREIGN: &str = "303000000B";

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subject {
    Anonymous,
    Signed(Role),
}

const SUBJECTS: [Subject; 6] = [
    Subject::Anonymous,
    Subject::Signed(Role::AuthorityAdmin),
    Subject::Signed(Role::AuthorityAnalyst),
    Subject::Signed(Role::Supervisor),
    Subject::Signed(Role::AgencyOfficer),
    Subject::Signed(Role::Auditor),
];

/// The expected status for each subject, in [`SUBJECTS`] order; for routes with `{code}`, one
/// triple per subject: own agency, subtree agency, foreign agency.
enum Expect {
    Same([u16; 6]),
    PerTarget([[u16; 3]; 6]),
}

// Statuses, named for reading the table: 200 allowed, 303 sent to sign in (or onwards),
// 401 API needs sign-in, 403 role may not, 404 not in scope (indistinguishable from absent).
const OK: u16 = 200;
const SIGN_IN: u16 = 303;
const UNAUTHORISED: u16 = 401;
const FORBIDDEN: u16 = 403;
const HIDDEN: u16 = 404;

/// Pages every signed-in role but the auditor reads.
const READ_PAGE: Expect = Expect::Same([SIGN_IN, OK, OK, OK, OK, FORBIDDEN]);
/// One agency: national roles everywhere, a supervisor in its subtree, an officer at home.
const AGENCY_PAGE: Expect = Expect::PerTarget([
    [SIGN_IN; 3],
    [OK, OK, OK],
    [OK, OK, OK],
    [OK, OK, HIDDEN],
    [OK, HIDDEN, HIDDEN],
    [FORBIDDEN; 3],
]);
const AGENCY_API: Expect = Expect::PerTarget([
    [UNAUTHORISED; 3],
    [OK, OK, OK],
    [OK, OK, OK],
    [OK, OK, HIDDEN],
    [OK, HIDDEN, HIDDEN],
    [FORBIDDEN; 3],
]);
const PUBLIC: Expect = Expect::Same([OK; 6]);

/// The matrix: every route the application answers.
fn matrix() -> Vec<(&'static str, &'static str, Expect)> {
    vec![
        ("GET", "/", READ_PAGE),
        ("GET", "/agencies", READ_PAGE),
        ("GET", "/agencies/{code}", AGENCY_PAGE),
        ("GET", "/web-posture", READ_PAGE),
        ("GET", "/vans", READ_PAGE),
        ("GET", "/vans/mappings", READ_PAGE),
        // Teaching and promoting need the session's CSRF token; the walk sends a wrong one.
        (
            "POST",
            "/vans/mappings",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        (
            "POST",
            "/vans/mappings/promote",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        ("GET", "/incidents", READ_PAGE),
        ("GET", "/compliance", READ_PAGE),
        (
            "GET",
            "/audit-log",
            Expect::Same([SIGN_IN, OK, OK, OK, FORBIDDEN, FORBIDDEN]),
        ),
        // The language switch redirects back, signed in or not.
        ("GET", "/lang/{tag}", Expect::Same([SIGN_IN; 6])),
        ("GET", "/login", PUBLIC),
        // A sign-in form without its token is refused, whoever posts it.
        ("POST", "/login", Expect::Same([FORBIDDEN; 6])),
        // Only a half-signed-in session reaches the second factor; everyone else starts over.
        ("GET", "/login/second-factor", Expect::Same([SIGN_IN; 6])),
        ("POST", "/login/second-factor", Expect::Same([SIGN_IN; 6])),
        (
            "POST",
            "/login/second-factor/security-key",
            Expect::Same([SIGN_IN; 6]),
        ),
        (
            "GET",
            "/logout",
            Expect::Same([SIGN_IN, OK, OK, OK, OK, OK]),
        ),
        // Signing out needs the session's CSRF token; the walk sends a wrong one.
        (
            "POST",
            "/logout",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        (
            "GET",
            "/account/password",
            Expect::Same([SIGN_IN, OK, OK, OK, OK, OK]),
        ),
        // Changing one's password needs the session's CSRF token; the walk sends a wrong one.
        (
            "POST",
            "/account/password",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        // Every role manages its own security keys; changes need the session's CSRF token,
        // and the walk sends a wrong one.
        (
            "GET",
            "/account/security-keys",
            Expect::Same([SIGN_IN, OK, OK, OK, OK, OK]),
        ),
        (
            "POST",
            "/account/security-keys",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        (
            "POST",
            "/account/security-keys/new",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        (
            "POST",
            "/account/security-keys/{id}/remove",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        // User administration is the authority administrator's.
        (
            "GET",
            "/admin/users",
            Expect::Same([SIGN_IN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN]),
        ),
        // A role change needs the session's CSRF token; the walk sends a wrong one.
        (
            "POST",
            "/admin/users/{login}/role",
            Expect::Same([
                SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
            ]),
        ),
        (
            "GET",
            "/api/v1/agencies",
            Expect::Same([UNAUTHORISED, OK, OK, OK, OK, FORBIDDEN]),
        ),
        ("GET", "/api/v1/agencies/{code}", AGENCY_API),
        ("GET", "/healthz", PUBLIC),
        ("GET", "/metrics", PUBLIC),
        ("GET", "/static/govsec.css", PUBLIC),
        ("GET", "/static/security-key.js", PUBLIC),
    ]
}

async fn world(db: &TestDatabase) -> Vec<(Subject, String)> {
    let registry = format!(
        "code,name_zh,tier,parent,level\nA00000000A,行政院,其他,,A\n{OWN},內政部,二級機關,A00000000A,A\n{SUBTREE},內政部警政署,三級機關,{OWN},A\n{FOREIGN},外交部,二級機關,A00000000A,A\n"
    );
    db.store
        .import_agencies(
            read_registry("a.csv", registry.as_bytes(), TextEncoding::Detect),
            &Actor::command_line(),
        )
        .await
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut cookies = Vec::new();
    for (index, subject) in SUBJECTS.iter().enumerate() {
        let Subject::Signed(role) = subject else {
            cookies.push((*subject, String::new()));
            continue;
        };
        let login = LoginName::parse(&format!("user{index}")).unwrap();
        let user = NewUser {
            login: login.clone(),
            agency: AgencyCode::parse(OWN).unwrap(),
            role: *role,
            password_hash: "!".into(),
            email: None,
            demo: false,
        };
        db.store
            .create_user(&user, &Actor::command_line(), now)
            .await
            .unwrap();
        let token = SessionToken::parse(&format!("{:A<43}", format!("M{index}"))).unwrap();
        db.store
            .create_session(&token.hash(), &login, "matrix-csrf", now, true)
            .await
            .unwrap();
        cookies.push((*subject, format!("govsec_session={}", token.as_str())));
    }
    cookies
}

/// Walks the matrix against a server on `address`; returns every cell that differs.
async fn walk(
    address: &str,
    cookies: &[(Subject, String)],
    table: &[(&'static str, &'static str, Expect)],
) -> Vec<String> {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Body>();
    let mut differences = Vec::new();
    for (method, template, expect) in table {
        for (index, (subject, cookie)) in cookies.iter().enumerate() {
            let targets: Vec<(Option<&str>, u16)> = match expect {
                Expect::Same(statuses) => vec![(None, statuses[index])],
                Expect::PerTarget(statuses) => vec![
                    (Some(OWN), statuses[index][0]),
                    (Some(SUBTREE), statuses[index][1]),
                    (Some(FOREIGN), statuses[index][2]),
                ],
            };
            for (target, wanted) in targets {
                let path = template
                    .replace("{code}", target.unwrap_or(OWN))
                    .replace("{tag}", "en")
                    .replace("{login}", "user4")
                    .replace("{id}", "AAAAAAAAAAAAAAAAAAAAAA");
                let mut request = Request::builder()
                    .method(*method)
                    .uri(format!("http://{address}{path}"));
                if !cookie.is_empty() {
                    request = request.header(header::COOKIE, cookie.as_str());
                }
                let body = if *method == "POST" {
                    request =
                        request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                    Body::from(
                        "csrf=not-the-token&login=x&password=y&code=000000&current=x&new=y&repeat=y&scope=this&role=auditor",
                    )
                } else {
                    Body::empty()
                };
                let response = client.request(request.body(body).unwrap()).await.unwrap();
                let status = response.status().as_u16();
                let _ = response.into_body().collect().await;
                if status != wanted {
                    differences.push(format!(
                        "{method} {path} as {subject:?}: {status}, expected {wanted}"
                    ));
                }
            }
        }
    }
    differences
}

async fn serve(router: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    (address, handle)
}

#[tokio::test]
async fn every_route_allows_and_denies_as_the_matrix_says() {
    for db in every_backend().await {
        let cookies = world(&db).await;
        let (address, server) =
            serve(app(AppState::new(db.store.clone(), WebOptions::default()))).await;
        let differences = walk(&address, &cookies, &matrix()).await;
        server.abort();
        assert!(differences.is_empty(), "{:#?}", differences);
    }
}

#[test]
fn the_matrix_lists_every_route_the_application_answers() {
    let listed: BTreeSet<(&str, &str)> = matrix()
        .iter()
        .map(|(method, path, _)| (*method, *path))
        .collect();
    let answered: BTreeSet<(&str, &str)> = govsec_web::routes().into_iter().collect();
    let missing: Vec<_> = answered.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&answered).collect();
    assert!(
        missing.is_empty(),
        "routes the matrix does not list: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for routes that do not exist: {stale:?}"
    );
}

/// A handler that forgets the caller's scope: it reads any agency.
async fn leaky(State(state): State<AppState>, Path(code): Path<String>) -> axum::http::StatusCode {
    let code = AgencyCode::parse(&code).unwrap();
    match state
        .store()
        .agency_detail(&Scope::National, &code)
        .await
        .unwrap()
    {
        Some(_) => axum::http::StatusCode::OK,
        None => axum::http::StatusCode::NOT_FOUND,
    }
}

#[tokio::test]
async fn the_walk_catches_a_deliberately_unscoped_route() {
    for db in every_backend().await {
        let cookies = world(&db).await;
        let state = AppState::new(db.store.clone(), WebOptions::default());
        let router = app(state.clone()).merge(
            axum::Router::new()
                .route("/leak/{code}", get(leaky))
                .with_state(state),
        );
        let (address, server) = serve(router).await;
        let differences = walk(&address, &cookies, &[("GET", "/leak/{code}", AGENCY_PAGE)]).await;
        server.abort();
        assert!(
            differences
                .iter()
                .any(|d| d.contains("/leak/303000000B as Signed(Supervisor): 200, expected 404")),
            "{differences:#?}"
        );
        assert!(
            differences
                .iter()
                .any(|d| d.contains("as Anonymous: 200, expected 303"))
        );
    }
}
