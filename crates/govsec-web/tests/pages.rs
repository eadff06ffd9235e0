//! The web application over real databases, through `app()` and over a real socket.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use govsec_core::AgencyCode;
use govsec_core::audit::Actor;
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_identity::{LoginName, Role, SessionToken};
use govsec_store::NewUser;
use govsec_store::testing::{TestDatabase, every_backend};
use govsec_web::{AppState, WebOptions, app};
use http_body_util::BodyExt;
use tower::ServiceExt;

const REGISTRY: &str = "code,name_zh,name_en,tier,parent,level,exchange_layer,exchange_centre,contacts,websites,systems\n\
A00000000A,行政院,Executive Yuan,其他,,A,管理層,,,https://www.ey.gov.tw/,公文管理系統|是|是|是\n\
301000000A,內政部,Ministry of the Interior,二級機關,A00000000A,A,交換層,自管,資安長|資安長|ciso@moi.gov.tw|02-2356-5000,https://www.moi.gov.tw/,戶役政資訊系統|是|否|是\n\
301010000A,內政部警政署,National Police Agency,三級機關,301000000A,A,終端層,,,http://www.npa.gov.tw/,\n\
303000000B,外交部,Ministry of Foreign Affairs,二級機關,A00000000A,A,終端層,,,https://www.mofa.gov.tw/,\n\
379000000A,\"<script>alert(1)</script>臺北市政府\",Taipei City Government,縣市政府,,A,交換層,自建,,https://www.gov.taipei/,\n";

async fn world() -> Vec<TestDatabase> {
    let databases = every_backend().await;
    for db in &databases {
        db.store
            .import_agencies(
                read_registry("agencies.csv", REGISTRY.as_bytes(), TextEncoding::Detect),
                &Actor::command_line(),
            )
            .await
            .unwrap();
    }
    databases
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

async fn get(router: &axum::Router, path: &str, lang: Option<&str>) -> Answer {
    let mut request = Request::get(path);
    if let Some(lang) = lang {
        request = request.header(header::COOKIE, format!("govsec_lang={lang}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// A user with `role` at `agency` and a session that passed the second factor, made directly in
/// the store (the sign-in flow itself is tested in `sign_in.rs`).
async fn session_for(db: &TestDatabase, role: Role, agency: &str) -> String {
    // A distinct, well-formed token per caller: 43 URL-safe base64 characters (32 bytes) whose
    // last one carries no stray bits.
    let token = format!("{:A<43}", format!("T{agency}{}", role.key().len()));
    let login = LoginName::parse(&format!(
        "{}.{}",
        role.key().replace('_', "-"),
        agency.to_lowercase()
    ))
    .unwrap();
    let user = NewUser {
        login: login.clone(),
        agency: AgencyCode::parse(agency).unwrap(),
        role,
        password_hash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA".to_owned(),
        email: None,
        demo: false,
    };
    if db.store.user(&login).await.unwrap().is_none() {
        db.store
            .create_user(&user, &Actor::command_line(), 1)
            .await
            .unwrap();
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let token = SessionToken::parse(&token).unwrap();
    if db.store.session(&token.hash()).await.unwrap().is_none() {
        db.store
            .create_session(&token.hash(), &login, "test-csrf", now, true)
            .await
            .unwrap();
    }
    format!("govsec_session={}", token.as_str())
}

/// The application as seen by a signed-in caller with `role` at `agency`.
async fn signed_in(db: &TestDatabase, role: Role, agency: &str) -> axum::Router {
    let cookie = session_for(db, role, agency).await;
    app(AppState::new(db.store.clone(), WebOptions::default())).layer(
        tower::util::MapRequestLayer::new(move |mut request: Request<Body>| {
            request
                .headers_mut()
                .append(header::COOKIE, cookie.parse().unwrap());
            request
        }),
    )
}

async fn national(db: &TestDatabase) -> axum::Router {
    signed_in(db, Role::AuthorityAdmin, "A00000000A").await
}

#[tokio::test]
async fn the_tree_renders_in_chinese_by_default_and_in_english_on_request() {
    for db in world().await {
        let router = national(&db).await;
        let zh = get(&router, "/agencies", None).await;
        assert_eq!(zh.status, StatusCode::OK);
        assert!(zh.body.contains("<html lang=\"zh-TW\">"));
        assert!(
            zh.body.contains("內政部警政署") && zh.body.contains("共 5 個機關"),
            "{}",
            zh.body
        );
        assert!(zh.body.contains("二級機關"));
        assert!(zh.body.contains("href=\"/lang/en?next=/agencies\""));
        let en = get(&router, "/agencies", Some("en")).await;
        assert!(en.body.contains("<html lang=\"en\">"));
        assert!(en.body.contains("National Police Agency") && en.body.contains("5 agencies"));
        assert!(en.body.contains("Second-level agency"));
        // Nesting: the police agency's list item lies inside the ministry's.
        let ministry = en.body.find("Ministry of the Interior").unwrap();
        let police = en.body.find("National Police Agency").unwrap();
        let foreign = en.body.find("Ministry of Foreign Affairs").unwrap();
        assert!(ministry < police && police < foreign);
    }
}

#[tokio::test]
async fn an_agency_page_renders_in_both_languages() {
    for db in world().await {
        let router = national(&db).await;
        let zh = get(&router, "/agencies/301000000A", None).await;
        assert_eq!(zh.status, StatusCode::OK);
        for wanted in [
            "內政部",
            "資通安全責任等級",
            "交換層",
            "自管",
            "戶役政資訊系統",
            "ciso@moi.gov.tw",
            "內政部警政署",
            "行政院",
        ] {
            assert!(zh.body.contains(wanted), "missing {wanted}");
        }
        let en = get(&router, "/agencies/301000000A", Some("en")).await;
        for wanted in [
            "Ministry of the Interior",
            "Security responsibility level",
            "Exchange layer",
            "Self-managed",
            "Covered by VANS",
            "Executive Yuan",
        ] {
            assert!(en.body.contains(wanted), "missing {wanted}");
        }
    }
}

#[tokio::test]
async fn user_text_is_escaped() {
    for db in world().await {
        let body = get(&national(&db).await, "/agencies", None).await.body;
        assert!(!body.contains("<script>"));
        assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;臺北市政府"));
        let search = get(&national(&db).await, "/agencies?q=%3Cb%3E", None)
            .await
            .body;
        assert!(!search.contains("<b>") && search.contains("&lt;b&gt;"));
    }
}

#[tokio::test]
async fn search_finds_by_name_and_code() {
    for db in world().await {
        let router = national(&db).await;
        let body = get(&router, "/agencies?q=%E8%AD%A6%E6%94%BF", None)
            .await
            .body;
        assert!(
            body.contains("內政部警政署") && !body.contains("外交部"),
            "{body}"
        );
        let body = get(&router, "/agencies?q=303000000b", Some("en"))
            .await
            .body;
        assert!(body.contains("Ministry of Foreign Affairs") && body.contains("1 agencies match"));
    }
}

#[tokio::test]
async fn unknown_and_out_of_scope_agencies_are_not_found() {
    for db in world().await {
        let router = national(&db).await;
        assert_eq!(
            get(&router, "/agencies/999999999Z", None).await.status,
            StatusCode::NOT_FOUND
        );
        let bad = get(&router, "/agencies/..%2Fetc", Some("en")).await;
        assert_eq!(bad.status, StatusCode::NOT_FOUND);
        assert!(bad.body.contains("does not exist or is outside your scope"));
        let ministry = signed_in(&db, Role::Supervisor, "301000000A").await;
        assert_eq!(
            get(&ministry, "/agencies/303000000B", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            get(&ministry, "/agencies/301010000A", None).await.status,
            StatusCode::OK
        );
        let tree = get(&ministry, "/agencies", None).await.body;
        assert!(tree.contains("共 2 個機關") && !tree.contains("外交部"));
        let api = get(&ministry, "/api/v1/agencies/303000000B", None).await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        let list: serde_json::Value =
            serde_json::from_str(&get(&ministry, "/api/v1/agencies", None).await.body).unwrap();
        assert_eq!(list["agencies"].as_array().unwrap().len(), 2);
        assert_eq!(
            get(&router, "/no/such/page", None).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn module_pages_show_real_registry_figures() {
    for db in world().await {
        let router = national(&db).await;
        let vans = get(&router, "/vans", Some("en")).await;
        assert_eq!(vans.status, StatusCode::OK);
        // Two core systems, one not covered by VANS: 50.00 % uncovered.
        assert!(vans.body.contains("50.00%"), "{}", vans.body);
        let posture = get(&router, "/web-posture", None).await;
        assert!(posture.body.contains("80.00%"), "{}", posture.body);
        for path in ["/", "/incidents", "/compliance"] {
            for lang in ["zh-TW", "en"] {
                assert_eq!(
                    get(&router, path, Some(lang)).await.status,
                    StatusCode::OK,
                    "{path} {lang}"
                );
            }
        }
    }
}

#[tokio::test]
async fn health_metrics_and_headers() {
    for db in world().await {
        let router = national(&db).await;
        let health = get(&router, "/healthz", None).await;
        assert_eq!(health.status, StatusCode::OK);
        assert!(health.body.contains("\"status\":\"ok\""));
        get(&router, "/agencies/301000000A", None).await;
        let metrics = get(&router, "/metrics", None).await;
        assert!(
            metrics.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/plain; version=0.0.4")
        );
        assert!(metrics.body.contains("govsec_http_requests_total{route=\"/agencies/{code}\",method=\"GET\",status=\"200\"} 1"), "{}", metrics.body);
        assert!(metrics.body.contains(
            "govsec_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"
        ));
        assert!(metrics.body.contains("govsec_registry_agencies 5"));
        let page = get(&router, "/", None).await;
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
        assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
    }
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_and_only_goes_home_locally() {
    for db in world().await {
        let router = national(&db).await;
        let answer = get(&router, "/lang/en?next=/agencies/301000000A", None).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.headers[header::LOCATION], "/agencies/301000000A");
        let cookie = answer.headers[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.starts_with("govsec_lang=en;") && cookie.contains("SameSite=Strict"));
        let evil = get(&router, "/lang/zh-TW?next=//evil.example/", None).await;
        assert_eq!(evil.headers[header::LOCATION], "/");
        assert_eq!(
            get(&router, "/lang/fr", None).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    for db in world().await {
        let router = app(AppState::new(
            db.store.clone(),
            WebOptions {
                body_limit: 1024,
                ..WebOptions::default()
            },
        ));
        let request = Request::get("/agencies")
            .header(header::CONTENT_LENGTH, "4096")
            .body(Body::from(vec![b'x'; 4096]))
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}

#[tokio::test]
async fn a_real_socket_serves_and_shuts_down_gracefully() {
    for db in world().await {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(govsec_web::serve(
            listener,
            AppState::new(db.store.clone(), WebOptions::default()),
            async {
                let _ = stopped.await;
            },
        ));
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http::<Body>();
        let uri: axum::http::Uri = format!("http://{address}/agencies/303000000B")
            .parse()
            .unwrap();
        let anonymous = client.get(uri.clone()).await.unwrap();
        assert_eq!(
            anonymous.status(),
            StatusCode::SEE_OTHER,
            "pages need a signed-in caller"
        );
        let cookie = session_for(&db, Role::AuthorityAnalyst, "A00000000A").await;
        let request = Request::get(uri)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let response = client.request(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains("外交部"));
        stop.send(()).unwrap();
        drop(client);
        tokio::time::timeout(std::time::Duration::from_secs(10), server)
            .await
            .expect("server stops after the shutdown signal")
            .unwrap()
            .unwrap();
    }
}

#[tokio::test]
async fn cached_pages_follow_every_import() {
    for db in world().await {
        let router = national(&db).await;
        assert!(
            get(&router, "/agencies", None)
                .await
                .body
                .contains("共 5 個機關")
        );
        assert!(
            get(&router, "/vans", Some("en"))
                .await
                .body
                .contains("50.00%")
        );
        let more = "code,name_zh,tier,parent,level,systems\n305000000C,國防部,二級機關,A00000000A,A,軍事資訊系統|是|是|是\n";
        db.store
            .import_agencies(
                read_registry("more.csv", more.as_bytes(), TextEncoding::Detect),
                &Actor::command_line(),
            )
            .await
            .unwrap();
        let tree = get(&router, "/agencies", None).await.body;
        assert!(
            tree.contains("共 6 個機關") && tree.contains("國防部"),
            "{tree}"
        );
        // Three core systems now, one not covered by VANS.
        assert!(
            get(&router, "/vans", Some("en"))
                .await
                .body
                .contains("33.33%")
        );
    }
}

#[tokio::test]
async fn the_audit_log_page_follows_the_role() {
    for db in world().await {
        let officer_actor = Actor {
            name: "officer.x".into(),
            agency: Some("301010000A".into()),
            role: Some("agency_officer".into()),
            client_address: Some("192.0.2.1".into()),
        };
        db.store
            .record_audit(&officer_actor, "registry.export", "<b>1 agencies</b>")
            .await
            .unwrap();
        let foreign = Actor {
            agency: Some("303000000B".into()),
            ..officer_actor.clone()
        };
        db.store
            .record_audit(&foreign, "registry.export", "1 agencies")
            .await
            .unwrap();
        let everything = get(&national(&db).await, "/audit-log", Some("en")).await;
        assert_eq!(everything.status, StatusCode::OK);
        assert!(
            everything.body.contains("registry.import") && everything.body.contains("303000000B")
        );
        assert!(
            everything.body.contains("&lt;b&gt;1 agencies&lt;/b&gt;"),
            "objects are escaped"
        );
        let filtered = get(
            &national(&db).await,
            "/audit-log?action=registry.export&agency=301010000A",
            Some("en"),
        )
        .await;
        assert!(filtered.body.contains("192.0.2.1") && !filtered.body.contains("303000000B"));
        let supervisor = get(
            &signed_in(&db, Role::Supervisor, "301000000A").await,
            "/audit-log",
            Some("en"),
        )
        .await;
        assert_eq!(supervisor.status, StatusCode::OK);
        assert!(supervisor.body.contains("301010000A") && !supervisor.body.contains("303000000B"));
        assert!(
            !supervisor.body.contains("registry.import"),
            "national entries stay national"
        );
        let officer = get(
            &signed_in(&db, Role::AgencyOfficer, "301010000A").await,
            "/audit-log",
            Some("zh-TW"),
        )
        .await;
        assert_eq!(officer.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn api_tokens_open_the_json_api_only_while_valid() {
    use govsec_identity::{ApiTokenPolicy, Caller};
    for db in world().await {
        let _ = session_for(&db, Role::Supervisor, "301000000A").await;
        let owner = Caller {
            login: LoginName::parse("supervisor.301000000a").unwrap(),
            agency: AgencyCode::parse("301000000A").unwrap(),
            role: Role::Supervisor,
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
        let (token, record) = ApiTokenPolicy::default()
            .issue(&owner, Role::Supervisor, 3600, now, &mut rng)
            .unwrap();
        let id = db
            .store
            .create_api_token(&record, "script", &Actor::command_line())
            .await
            .unwrap();
        let (expired, mut expired_record) = ApiTokenPolicy::default()
            .issue(&owner, Role::Supervisor, 60, now, &mut rng)
            .unwrap();
        expired_record.created_at = now - 120;
        expired_record.expires_at = now - 60;
        db.store
            .create_api_token(&expired_record, "old", &Actor::command_line())
            .await
            .unwrap();
        let router = app(AppState::new(db.store.clone(), WebOptions::default()));
        let call = |path: &str, token: &str| {
            Request::get(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let answer = router
            .clone()
            .oneshot(call("/api/v1/agencies", token.reveal()))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let body = answer.into_body().collect().await.unwrap().to_bytes();
        let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            list["agencies"].as_array().unwrap().len(),
            2,
            "the token acts in its owner's subtree"
        );
        let foreign = router
            .clone()
            .oneshot(call("/api/v1/agencies/303000000B", token.reveal()))
            .await
            .unwrap();
        assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
        let page = router
            .clone()
            .oneshot(call("/agencies", token.reveal()))
            .await
            .unwrap();
        assert_eq!(
            page.status(),
            StatusCode::SEE_OTHER,
            "a token does not open pages"
        );
        let old = router
            .clone()
            .oneshot(call("/api/v1/agencies", expired.reveal()))
            .await
            .unwrap();
        assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
        let login = LoginName::parse("supervisor.301000000a").unwrap();
        assert!(
            db.store
                .revoke_api_token(&login, &id, now as i64, &Actor::command_line())
                .await
                .unwrap()
        );
        let revoked = router
            .clone()
            .oneshot(call("/api/v1/agencies", token.reveal()))
            .await
            .unwrap();
        assert_eq!(revoked.status(), StatusCode::UNAUTHORIZED);
        let garbage = router
            .clone()
            .oneshot(call("/api/v1/agencies", "govsec_not-a-token"))
            .await
            .unwrap();
        assert_eq!(garbage.status(), StatusCode::UNAUTHORIZED);
    }
}
