//! Security keys against real databases (SQLite, and PostgreSQL when configured): a credential
//! ID belongs to one user, a ceremony is taken once and not after it expires, the signature
//! counter only grows, and the last second factor is never removed.

use govsec_core::AgencyCode;
use govsec_core::audit::{Actor, verify};
use govsec_core::registry::{TextEncoding, read_registry};
use govsec_identity::{LoginName, Role, TokenHash};
use govsec_store::testing::{TestDatabase, every_backend};
use govsec_store::{CeremonyPurpose, KeyRemoval, NewSecurityKey, NewUser};

async fn two_users() -> Vec<TestDatabase> {
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
        for login in ["officer.moi", "other.moi"] {
            let user = NewUser {
                login: LoginName::parse(login).unwrap(),
                agency: AgencyCode::parse("301000000A").unwrap(),
                role: Role::AgencyOfficer,
                password_hash: "!".to_owned(),
                email: None,
                demo: false,
            };
            db.store
                .create_user(&user, &Actor::command_line(), 1)
                .await
                .unwrap();
        }
    }
    databases
}

fn login(name: &str) -> LoginName {
    LoginName::parse(name).unwrap()
}

fn key<'a>(id: &'a str, label: &'a str) -> NewSecurityKey<'a> {
    NewSecurityKey {
        credential_id: id,
        label,
        credential: "{\"cred\":\"opaque to the store\"}",
    }
}

#[tokio::test]
async fn keys_are_added_listed_and_unique_over_all_users() {
    for db in two_users().await {
        let store = &db.store;
        let officer = login("officer.moi");
        let actor = Actor::command_line();
        assert!(store.security_keys(&officer).await.unwrap().is_empty());
        assert!(
            store
                .add_security_key(&officer, &key("AAAAAAAAAAAAAAAAAAAAAA", "blue"), 10, &actor)
                .await
                .unwrap()
        );
        assert!(
            store
                .add_security_key(
                    &officer,
                    &key("BBBBBBBBBBBBBBBBBBBBBB", "spare"),
                    20,
                    &actor
                )
                .await
                .unwrap()
        );
        let before = store.audit_chain().await.unwrap().len();
        // The same credential for another user, or again for the same one: refused, unwritten.
        for owner in ["other.moi", "officer.moi"] {
            assert!(
                !store
                    .add_security_key(
                        &login(owner),
                        &key("AAAAAAAAAAAAAAAAAAAAAA", "copy"),
                        30,
                        &actor
                    )
                    .await
                    .unwrap()
            );
        }
        assert_eq!(store.audit_chain().await.unwrap().len(), before);
        assert!(
            store
                .security_keys(&login("other.moi"))
                .await
                .unwrap()
                .is_empty()
        );
        let keys = store.security_keys(&officer).await.unwrap();
        let labels: Vec<&str> = keys.iter().map(|k| k.label.as_str()).collect();
        assert_eq!(labels, ["blue", "spare"]);
        assert_eq!(
            (keys[0].created_at, keys[0].last_used_at, keys[0].sign_count),
            (10, None, 0)
        );
        let chain = store.audit_chain().await.unwrap();
        let registered: Vec<&str> = chain
            .iter()
            .filter(|e| e.record.action == "security_key.register")
            .map(|e| e.record.object.as_str())
            .collect();
        assert_eq!(
            registered,
            [
                "key AAAAAAAAAAAAAAAA of officer.moi",
                "key BBBBBBBBBBBBBBBB of officer.moi"
            ]
        );
        assert!(verify(&chain, None).is_ok());
    }
}

#[tokio::test]
async fn the_signature_counter_only_grows() {
    for db in two_users().await {
        let store = &db.store;
        let officer = login("officer.moi");
        let id = "CCCCCCCCCCCCCCCCCCCCCC";
        store
            .add_security_key(&officer, &key(id, "blue"), 1, &Actor::command_line())
            .await
            .unwrap();
        assert!(
            store
                .record_security_key_use(&officer, id, "{\"n\":5}", 5, 100)
                .await
                .unwrap()
        );
        // A clone replaying counter 5, or an older one, does not pass; nothing changes.
        assert!(
            !store
                .record_security_key_use(&officer, id, "{\"n\":5}", 5, 200)
                .await
                .unwrap()
        );
        assert!(
            !store
                .record_security_key_use(&officer, id, "{\"n\":3}", 3, 200)
                .await
                .unwrap()
        );
        // Another user cannot use the key.
        assert!(
            !store
                .record_security_key_use(&login("other.moi"), id, "{}", 9, 200)
                .await
                .unwrap()
        );
        let stored = &store.security_keys(&officer).await.unwrap()[0];
        assert_eq!(
            (
                stored.sign_count,
                stored.last_used_at,
                stored.credential.as_str()
            ),
            (5, Some(100), "{\"n\":5}")
        );
        assert!(
            store
                .record_security_key_use(&officer, id, "{\"n\":6}", 6, 300)
                .await
                .unwrap()
        );

        // A key without a counter always reports 0, and that is accepted.
        let plain = "DDDDDDDDDDDDDDDDDDDDDD";
        store
            .add_security_key(&officer, &key(plain, "plain"), 1, &Actor::command_line())
            .await
            .unwrap();
        assert!(
            store
                .record_security_key_use(&officer, plain, "{}", 0, 10)
                .await
                .unwrap()
        );
        assert!(
            store
                .record_security_key_use(&officer, plain, "{}", 0, 20)
                .await
                .unwrap()
        );
    }
}

#[tokio::test]
async fn the_last_second_factor_is_never_removed() {
    for db in two_users().await {
        let store = &db.store;
        let officer = login("officer.moi");
        let actor = Actor::command_line();
        for id in ["EEEEEEEEEEEEEEEEEEEEEE", "FFFFFFFFFFFFFFFFFFFFFF"] {
            store
                .add_security_key(&officer, &key(id, "k"), 1, &actor)
                .await
                .unwrap();
        }
        assert_eq!(
            store
                .remove_security_key(&login("other.moi"), "EEEEEEEEEEEEEEEEEEEEEE", &actor)
                .await
                .unwrap(),
            KeyRemoval::NotFound,
            "another user's key is not found"
        );
        assert_eq!(
            store
                .remove_security_key(&officer, "EEEEEEEEEEEEEEEEEEEEEE", &actor)
                .await
                .unwrap(),
            KeyRemoval::Removed
        );
        let before = store.audit_chain().await.unwrap().len();
        assert_eq!(
            store
                .remove_security_key(&officer, "FFFFFFFFFFFFFFFFFFFFFF", &actor)
                .await
                .unwrap(),
            KeyRemoval::LastSecondFactor
        );
        assert_eq!(store.audit_chain().await.unwrap().len(), before);
        assert_eq!(store.security_keys(&officer).await.unwrap().len(), 1);
        // With a TOTP authenticator enrolled, the last key may go.
        store
            .set_totp_secret(&officer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
            .await
            .unwrap();
        assert_eq!(
            store
                .remove_security_key(&officer, "FFFFFFFFFFFFFFFFFFFFFF", &actor)
                .await
                .unwrap(),
            KeyRemoval::Removed
        );
        assert_eq!(
            store
                .remove_security_key(&officer, "FFFFFFFFFFFFFFFFFFFFFF", &actor)
                .await
                .unwrap(),
            KeyRemoval::NotFound
        );
        let removed = store
            .audit_chain()
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.record.action == "security_key.remove")
            .count();
        assert_eq!(removed, 2);
    }
}

#[tokio::test]
async fn a_ceremony_is_taken_once_and_not_after_it_expires() {
    for db in two_users().await {
        let store = &db.store;
        let officer = login("officer.moi");
        let session = TokenHash([7; 32]);
        let other_session = TokenHash([8; 32]);
        store
            .create_session(&session, &officer, "csrf", 1, false)
            .await
            .unwrap();
        store
            .create_session(&other_session, &login("other.moi"), "csrf", 1, false)
            .await
            .unwrap();
        let auth = CeremonyPurpose::Authenticate;
        assert_eq!(
            store.take_ceremony(&session, auth, 100).await.unwrap(),
            None
        );
        store
            .save_ceremony(&session, auth, "first", 400)
            .await
            .unwrap();
        // A second start replaces the first: only the latest challenge can be answered.
        store
            .save_ceremony(&session, auth, "second", 400)
            .await
            .unwrap();
        assert_eq!(
            store
                .take_ceremony(&session, CeremonyPurpose::Register, 100)
                .await
                .unwrap(),
            None,
            "purposes are apart"
        );
        assert_eq!(
            store
                .take_ceremony(&other_session, auth, 100)
                .await
                .unwrap(),
            None,
            "sessions are apart"
        );
        assert_eq!(
            store
                .take_ceremony(&session, auth, 100)
                .await
                .unwrap()
                .as_deref(),
            Some("second")
        );
        assert_eq!(
            store.take_ceremony(&session, auth, 100).await.unwrap(),
            None,
            "a replay finds nothing"
        );
        store
            .save_ceremony(&session, auth, "stale", 400)
            .await
            .unwrap();
        assert_eq!(
            store.take_ceremony(&session, auth, 400).await.unwrap(),
            None
        );
        store
            .save_ceremony(&session, auth, "stale", 400)
            .await
            .unwrap();
        assert_eq!(
            store.take_ceremony(&session, auth, 401).await.unwrap(),
            None,
            "an expired ceremony is gone"
        );
        // A ceremony ends with its session.
        store
            .save_ceremony(&session, auth, "kept", 400)
            .await
            .unwrap();
        store.delete_session(&session).await.unwrap();
        store
            .create_session(&session, &officer, "csrf", 1, false)
            .await
            .unwrap();
        assert_eq!(
            store.take_ceremony(&session, auth, 100).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn a_user_keeps_one_user_handle() {
    for db in two_users().await {
        let store = &db.store;
        let first = store
            .webauthn_user_handle(
                &login("officer.moi"),
                "11111111-1111-4111-8111-111111111111",
            )
            .await
            .unwrap();
        let again = store
            .webauthn_user_handle(
                &login("officer.moi"),
                "22222222-2222-4222-8222-222222222222",
            )
            .await
            .unwrap();
        assert_eq!(first, "11111111-1111-4111-8111-111111111111");
        assert_eq!(again, first);
        let other = store
            .webauthn_user_handle(&login("other.moi"), "33333333-3333-4333-8333-333333333333")
            .await
            .unwrap();
        assert_ne!(other, first);
    }
}
