//! Accounts and sign-in state against real databases (SQLite, and PostgreSQL when configured):
//! the one-time rules must hold when two requests race.

use govsec_core::audit::{Actor, verify};
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_core::{AgencyCode, EmailAddress};
use govsec_identity::{FailureHistory, LoginName, RecoveryCodeHash, Role, TokenHash};
use govsec_store::testing::{TestDatabase, every_backend};
use govsec_store::{FailureKind, NewUser};

async fn with_agency() -> Vec<TestDatabase> {
    let databases = every_backend().await;
    for db in &databases {
        let registry = "code,name_zh,tier,level\n301000000A,內政部,二級機關,A\n";
        db.store
            .import_agencies(
                read_registry("a.csv", registry.as_bytes(), TextEncoding::Detect),
                &Actor::command_line(),
            )
            .await
            .unwrap();
    }
    databases
}

fn officer() -> NewUser {
    NewUser {
        login: LoginName::parse("officer.moi").unwrap(),
        agency: AgencyCode::parse("301000000A").unwrap(),
        role: Role::AgencyOfficer,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
            .to_owned(),
        email: EmailAddress::parse("officer@moi.gov.tw"),
        demo: true,
    }
}

#[tokio::test]
async fn accounts_are_created_audited_and_read_back() {
    for db in with_agency().await {
        let store = &db.store;
        store
            .create_user(&officer(), &Actor::command_line(), 1_700_000_000)
            .await
            .unwrap();
        let user = store.user(&officer().login).await.unwrap().unwrap();
        assert_eq!(user.role, Role::AgencyOfficer);
        assert_eq!(user.agency.as_str(), "301000000A");
        assert!(user.demo && !user.disabled && user.totp_secret.is_none());
        assert!(
            store
                .user(&LoginName::parse("nobody").unwrap())
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(store.demo_users().await.unwrap().len(), 1);
        let chain = store.audit_chain().await.unwrap();
        assert_eq!(chain.last().unwrap().record.action, "user.create");
        assert!(verify(&chain, None).is_ok());
        // The same login twice, or an unknown agency, is refused by the database.
        assert!(
            store
                .create_user(&officer(), &Actor::command_line(), 1)
                .await
                .is_err()
        );
        let stray = NewUser {
            login: LoginName::parse("stray").unwrap(),
            agency: AgencyCode::parse("999999999Z").unwrap(),
            ..officer()
        };
        assert!(
            store
                .create_user(&stray, &Actor::command_line(), 1)
                .await
                .is_err()
        );
        assert_eq!(
            store.audit_chain().await.unwrap().len(),
            chain.len(),
            "a failed creation leaves no entry"
        );
    }
}

#[tokio::test]
async fn a_totp_step_is_accepted_once_and_never_an_earlier_one() {
    for db in with_agency().await {
        let store = &db.store;
        let login = officer().login;
        store
            .create_user(&officer(), &Actor::command_line(), 1)
            .await
            .unwrap();
        store
            .set_totp_secret(&login, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
            .await
            .unwrap();
        let (first, second) = tokio::join!(
            store.accept_totp_step(&login, 100),
            store.accept_totp_step(&login, 100)
        );
        assert!(
            first.unwrap() ^ second.unwrap(),
            "exactly one of two racing requests passes"
        );
        assert!(!store.accept_totp_step(&login, 99).await.unwrap());
        assert!(store.accept_totp_step(&login, 101).await.unwrap());
        let user = store.user(&login).await.unwrap().unwrap();
        assert_eq!(user.totp_last_step, Some(101));
        store
            .set_totp_secret(&login, "JBSWY3DPEHPK3PXP")
            .await
            .unwrap();
        assert_eq!(
            store.user(&login).await.unwrap().unwrap().totp_last_step,
            None
        );
    }
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    for db in with_agency().await {
        let store = &db.store;
        let login = officer().login;
        store
            .create_user(&officer(), &Actor::command_line(), 1)
            .await
            .unwrap();
        let hashes: Vec<RecoveryCodeHash> = (1..=10u8).map(|n| RecoveryCodeHash([n; 32])).collect();
        store.replace_recovery_codes(&login, &hashes).await.unwrap();
        assert_eq!(store.recovery_codes(&login).await.unwrap().len(), 10);
        let (first, second) = tokio::join!(
            store.use_recovery_code(&login, &hashes[3]),
            store.use_recovery_code(&login, &hashes[3])
        );
        assert!(first.unwrap() ^ second.unwrap());
        assert!(!store.use_recovery_code(&login, &hashes[3]).await.unwrap());
        assert_eq!(store.recovery_codes(&login).await.unwrap().len(), 9);
        store
            .replace_recovery_codes(&login, &hashes[..2])
            .await
            .unwrap();
        assert_eq!(
            store.recovery_codes(&login).await.unwrap(),
            hashes[..2].to_vec()
        );
    }
}

#[tokio::test]
async fn failure_histories_are_kept_per_account_and_address() {
    for db in with_agency().await {
        let store = &db.store;
        assert_eq!(
            store
                .failure_history(FailureKind::Account, "officer.moi")
                .await
                .unwrap(),
            FailureHistory::default()
        );
        let history = FailureHistory {
            failures: 4,
            last_failure_at: 1_700_000_100,
        };
        store
            .save_failure_history(FailureKind::Account, "officer.moi", &history)
            .await
            .unwrap();
        store
            .save_failure_history(
                FailureKind::Address,
                "192.0.2.7",
                &FailureHistory {
                    failures: 1,
                    last_failure_at: 5,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .failure_history(FailureKind::Account, "officer.moi")
                .await
                .unwrap(),
            history
        );
        assert_eq!(
            store
                .failure_history(FailureKind::Address, "officer.moi")
                .await
                .unwrap(),
            FailureHistory::default()
        );
        store
            .save_failure_history(
                FailureKind::Account,
                "officer.moi",
                &FailureHistory::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .failure_history(FailureKind::Account, "officer.moi")
                .await
                .unwrap(),
            FailureHistory::default()
        );
        assert_eq!(
            store
                .failure_history(FailureKind::Address, "192.0.2.7")
                .await
                .unwrap()
                .failures,
            1
        );
    }
}

#[tokio::test]
async fn sessions_are_found_by_token_hash_and_ended() {
    for db in with_agency().await {
        let store = &db.store;
        let login = officer().login;
        store
            .create_user(&officer(), &Actor::command_line(), 1)
            .await
            .unwrap();
        let (a, b) = (TokenHash([1; 32]), TokenHash([2; 32]));
        store
            .create_session(&a, &login, "csrf-a", 100, true)
            .await
            .unwrap();
        store
            .create_session(&b, &login, "csrf-b", 100, false)
            .await
            .unwrap();
        store.touch_session(&a, 160).await.unwrap();
        let session = store.session(&a).await.unwrap().unwrap();
        assert_eq!(
            (
                session.created_at,
                session.last_seen,
                session.csrf_token.as_str()
            ),
            (100, 160, "csrf-a")
        );
        assert!(session.second_factor_passed);
        assert!(
            !store
                .session(&b)
                .await
                .unwrap()
                .unwrap()
                .second_factor_passed
        );
        assert!(session.second_factor_passed);
        assert!(
            !store
                .session(&b)
                .await
                .unwrap()
                .unwrap()
                .second_factor_passed
        );
        assert!(store.session(&TokenHash([3; 32])).await.unwrap().is_none());
        store.delete_session(&a).await.unwrap();
        assert!(store.session(&a).await.unwrap().is_none());
        assert_eq!(store.delete_sessions_of(&login).await.unwrap(), 1);
        assert!(store.session(&b).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn api_tokens_are_kept_as_hashes_listed_and_revoked() {
    use govsec_identity::ApiTokenRecord;
    for db in with_agency().await {
        let store = &db.store;
        let login = officer().login;
        store
            .create_user(&officer(), &Actor::command_line(), 1)
            .await
            .unwrap();
        let record = ApiTokenRecord {
            hash: TokenHash([0xab; 32]),
            owner: login.clone(),
            agency: AgencyCode::parse("301000000A").unwrap(),
            role: Role::AgencyOfficer,
            created_at: 100,
            expires_at: 200,
            revoked_at: None,
        };
        let id = store
            .create_api_token(&record, "nightly inventory upload", &Actor::command_line())
            .await
            .unwrap();
        assert_eq!(id, "abababababababab");
        assert_eq!(
            store.api_token(&record.hash).await.unwrap(),
            Some(record.clone())
        );
        assert!(
            store
                .api_token(&TokenHash([1; 32]))
                .await
                .unwrap()
                .is_none()
        );
        let listed = store.api_tokens_of(&login).await.unwrap();
        assert_eq!(
            (
                listed[0].id.as_str(),
                listed[0].label.as_str(),
                listed[0].revoked_at
            ),
            ("abababababababab", "nightly inventory upload", None)
        );
        assert!(
            !store
                .revoke_api_token(&login, "0000000000000000", 150, &Actor::command_line())
                .await
                .unwrap()
        );
        assert!(
            !store
                .revoke_api_token(&login, "%", 150, &Actor::command_line())
                .await
                .unwrap()
        );
        assert!(
            store
                .revoke_api_token(&login, "ABABABABABABABAB", 150, &Actor::command_line())
                .await
                .unwrap()
        );
        assert!(
            !store
                .revoke_api_token(&login, &id, 160, &Actor::command_line())
                .await
                .unwrap(),
            "once"
        );
        assert_eq!(
            store
                .api_token(&record.hash)
                .await
                .unwrap()
                .unwrap()
                .revoked_at,
            Some(150)
        );
        let actions: Vec<String> = store
            .audit_chain()
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.record.action)
            .collect();
        assert!(actions.ends_with(&["api_token.create".to_owned(), "api_token.revoke".to_owned()]));
    }
}
