//! WebAuthn security keys: each user's registered credentials, the random user handle they are
//! registered under, and the ceremonies under way.
//!
//! The store does not read the credentials: webauthn-rs (in the web layer) checks attestations
//! and assertions, and the store keeps its JSON as text. What the store does enforce is what must
//! hold under concurrency: a credential ID belongs to one user only, a challenge is answered at
//! most once, a signature counter only grows, and removing a key never leaves a user without a
//! second factor.

use govsec_core::audit::Actor;
use govsec_identity::{LoginName, TokenHash};

use crate::audit::append_audit;
use crate::{Store, StoreError, begin_write, on_pool};

/// A security key as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityKeyRecord {
    /// The credential ID, base64url without padding.
    pub credential_id: String,
    /// What the user called the key.
    pub label: String,
    /// webauthn-rs's JSON of the credential (public key, counter, flags).
    pub credential: String,
    /// The signature counter of the last assertion accepted, 0 before the first. webauthn-rs
    /// checks each assertion against the counter inside `credential`; this copy lets the store
    /// refuse the second of two racing assertions with the same counter.
    pub sign_count: i64,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last sign-in with the key.
    pub last_used_at: Option<i64>,
}

/// A key to add to a user's account.
#[derive(Debug, Clone)]
pub struct NewSecurityKey<'a> {
    /// The credential ID, base64url without padding.
    pub credential_id: &'a str,
    /// What the user called it.
    pub label: &'a str,
    /// webauthn-rs's JSON of the credential.
    pub credential: &'a str,
}

/// What a request to remove a key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRemoval {
    /// The key is gone.
    Removed,
    /// The user has no key with this ID.
    NotFound,
    /// It is the user's last second factor (no other key, no TOTP authenticator): kept.
    LastSecondFactor,
}

/// What a WebAuthn ceremony is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyPurpose {
    /// Registering a new key on the account page.
    Register,
    /// Signing in with a key as the second factor.
    Authenticate,
}

impl CeremonyPurpose {
    fn key(self) -> &'static str {
        match self {
            CeremonyPurpose::Register => "register",
            CeremonyPurpose::Authenticate => "authenticate",
        }
    }
}

type KeyRow = (String, String, String, i64, i64, Option<i64>);

fn key_record(row: KeyRow) -> SecurityKeyRecord {
    let (credential_id, label, credential, sign_count, created_at, last_used_at) = row;
    SecurityKeyRecord {
        credential_id,
        label,
        credential,
        sign_count,
        created_at,
        last_used_at,
    }
}

impl Store {
    /// The user's WebAuthn user handle, creating it from `candidate` when the user has none yet.
    /// Two concurrent first registrations agree on one handle.
    pub async fn webauthn_user_handle(
        &self,
        login: &LoginName,
        candidate: &str,
    ) -> Result<String, StoreError> {
        const INSERT: &str = "INSERT INTO webauthn_user_handles (login, user_handle) VALUES ($1, $2) ON CONFLICT (login) DO NOTHING";
        const SELECT: &str = "SELECT user_handle FROM webauthn_user_handles WHERE login = $1";
        let handle: String = on_pool!(self, pool => {
            sqlx::query(INSERT).bind(login.as_str()).bind(candidate).execute(pool).await?;
            sqlx::query_scalar(SELECT).bind(login.as_str()).fetch_one(pool).await?
        });
        Ok(handle)
    }

    /// The user's keys, oldest first.
    pub async fn security_keys(
        &self,
        login: &LoginName,
    ) -> Result<Vec<SecurityKeyRecord>, StoreError> {
        const SQL: &str = "SELECT credential_id, label, credential, sign_count, created_at, last_used_at \
            FROM webauthn_credentials WHERE login = $1 ORDER BY created_at, credential_id";
        let rows: Vec<KeyRow> =
            on_pool!(self, pool => sqlx::query_as(SQL).bind(login.as_str()).fetch_all(pool).await?);
        Ok(rows.into_iter().map(key_record).collect())
    }

    /// Adds a registered key to the user's account, recorded in the audit log. False, and
    /// nothing written, when the credential ID is registered already, to this user or another.
    pub async fn add_security_key(
        &self,
        login: &LoginName,
        key: &NewSecurityKey<'_>,
        now: i64,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        const EXISTS: &str = "SELECT COUNT(*) FROM webauthn_credentials WHERE credential_id = $1";
        const INSERT: &str = "INSERT INTO webauthn_credentials (credential_id, login, label, credential, sign_count, created_at, last_used_at) \
            VALUES ($1, $2, $3, $4, 0, $5, NULL)";
        let added = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "webauthn_credentials, audit_log");
            let existing: i64 = sqlx::query_scalar(EXISTS).bind(key.credential_id).fetch_one(&mut *tx).await?;
            if existing > 0 {
                return Ok(false);
            }
            sqlx::query(INSERT)
                .bind(key.credential_id)
                .bind(login.as_str())
                .bind(key.label)
                .bind(key.credential)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let object = format!("key {} of {}", short_id(key.credential_id), login.as_str());
            append_audit!(tx, actor.record(crate::now_text(), "security_key.register", &object));
            tx.commit().await?;
            true
        });
        Ok(added)
    }

    /// Removes one of the user's keys, recorded in the audit log, unless it is the user's last
    /// second factor: without another key or a TOTP authenticator, the user could not sign in.
    pub async fn remove_security_key(
        &self,
        login: &LoginName,
        credential_id: &str,
        actor: &Actor,
    ) -> Result<KeyRemoval, StoreError> {
        const OWNED: &str =
            "SELECT COUNT(*) FROM webauthn_credentials WHERE login = $1 AND credential_id = $2";
        const OTHERS: &str = "SELECT (SELECT COUNT(*) FROM webauthn_credentials WHERE login = $1 AND credential_id <> $2) \
            + (SELECT COUNT(*) FROM totp_credentials WHERE login = $1)";
        const DELETE: &str =
            "DELETE FROM webauthn_credentials WHERE login = $1 AND credential_id = $2";
        let removal = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "webauthn_credentials, totp_credentials, audit_log");
            let owned: i64 = sqlx::query_scalar(OWNED).bind(login.as_str()).bind(credential_id).fetch_one(&mut *tx).await?;
            if owned == 0 {
                return Ok(KeyRemoval::NotFound);
            }
            let others: i64 = sqlx::query_scalar(OTHERS).bind(login.as_str()).bind(credential_id).fetch_one(&mut *tx).await?;
            if others == 0 {
                return Ok(KeyRemoval::LastSecondFactor);
            }
            sqlx::query(DELETE).bind(login.as_str()).bind(credential_id).execute(&mut *tx).await?;
            let object = format!("key {} of {}", short_id(credential_id), login.as_str());
            append_audit!(tx, actor.record(crate::now_text(), "security_key.remove", &object));
            tx.commit().await?;
            KeyRemoval::Removed
        });
        Ok(removal)
    }

    /// Records a sign-in with one of the user's keys: the updated credential, its new signature
    /// counter and the time. True only when the counter grew past the stored one, or both are
    /// zero (a key without a counter): one conditional update, so of two assertions carrying the
    /// same counter (a cloned key) at most one passes.
    pub async fn record_security_key_use(
        &self,
        login: &LoginName,
        credential_id: &str,
        credential: &str,
        sign_count: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE webauthn_credentials SET credential = $3, sign_count = $4, last_used_at = $5 \
            WHERE login = $1 AND credential_id = $2 AND (sign_count < $4 OR (sign_count = 0 AND $4 = 0))";
        let changed = on_pool!(self, pool => sqlx::query(SQL)
            .bind(login.as_str())
            .bind(credential_id)
            .bind(credential)
            .bind(sign_count)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected());
        Ok(changed == 1)
    }

    /// Keeps the state of a ceremony for the session until `expires_at`, replacing an earlier
    /// one of the same purpose (its challenge can then no longer be answered).
    pub async fn save_ceremony(
        &self,
        session: &TokenHash,
        purpose: CeremonyPurpose,
        state: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO webauthn_ceremonies (session_hash, purpose, state, expires_at) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (session_hash, purpose) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at";
        on_pool!(self, pool => sqlx::query(SQL)
            .bind(hex::encode(session.0))
            .bind(purpose.key())
            .bind(state)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Takes the session's ceremony of this purpose: it is deleted whether or not it has expired,
    /// and its state returned only if it has not. So each challenge is answered at most once.
    pub async fn take_ceremony(
        &self,
        session: &TokenHash,
        purpose: CeremonyPurpose,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        const SQL: &str = "DELETE FROM webauthn_ceremonies WHERE session_hash = $1 AND purpose = $2 RETURNING state, expires_at";
        let row: Option<(String, i64)> = on_pool!(self, pool => sqlx::query_as(SQL)
            .bind(hex::encode(session.0))
            .bind(purpose.key())
            .fetch_optional(pool)
            .await?);
        Ok(row.and_then(|(state, expires_at)| (now < expires_at).then_some(state)))
    }
}

/// The start of a credential ID, enough to tell a user's keys apart in the audit log.
fn short_id(credential_id: &str) -> &str {
    let end = credential_id
        .char_indices()
        .nth(16)
        .map_or(credential_id.len(), |(at, _)| at);
    &credential_id[..end]
}
