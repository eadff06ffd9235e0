//! Users and sign-in state: accounts, TOTP secrets with their last accepted step, one-time
//! recovery codes, sessions and failure histories. The decisions (is this password good, is this
//! code right, must this attempt wait) are `govsec-identity`'s; this module keeps what they need
//! and makes the one-time rules hold under concurrency with conditional writes.

use govsec_core::audit::Actor;
use govsec_core::{AgencyCode, EmailAddress, Scope};
use govsec_identity::{
    ApiTokenRecord, FailureHistory, LoginName, RecoveryCodeHash, Role, TokenHash,
};

use crate::agencies::{in_scope, scope_parameter};
use crate::audit::append_audit;
use crate::{Store, StoreError, begin_write, on_pool};

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub login: LoginName,
    /// The agency the user belongs to.
    pub agency: AgencyCode,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// A demo account, whose second factor the demo's sign-in page shows.
    pub demo: bool,
}

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Login name.
    pub login: LoginName,
    /// The agency the user belongs to.
    pub agency: AgencyCode,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// E-mail address.
    pub email: Option<EmailAddress>,
    /// Whether sign-in is refused.
    pub disabled: bool,
    /// Whether this is a demo account.
    pub demo: bool,
    /// The TOTP secret in base32, once enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP step accepted, so the same code is never accepted twice.
    pub totp_last_step: Option<i64>,
}

/// A session as stored (the token itself is only in the user's cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Whose session.
    pub login: LoginName,
    /// Unix seconds when it began.
    pub created_at: i64,
    /// Unix seconds of the last request.
    pub last_seen: i64,
    /// The token forms must carry back.
    pub csrf_token: String,
    /// Whether the second factor was passed; until then the session opens nothing else.
    pub second_factor_passed: bool,
}

/// Whose failures a history counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// A login name, whether or not such an account exists.
    Account,
    /// A source address.
    Address,
}

impl FailureKind {
    fn key(self) -> &'static str {
        match self {
            FailureKind::Account => "account",
            FailureKind::Address => "address",
        }
    }
}

#[derive(sqlx::FromRow)]
struct UserRow {
    login: String,
    agency_code: String,
    role: String,
    password_hash: String,
    email: Option<String>,
    disabled: bool,
    demo: bool,
    secret: Option<String>,
    last_used_step: Option<i64>,
}

fn corrupt(what: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.to_owned(),
    }
}

impl UserRow {
    fn record(self) -> Result<UserRecord, StoreError> {
        Ok(UserRecord {
            login: LoginName::parse(&self.login).map_err(|_| corrupt("login name", &self.login))?,
            agency: AgencyCode::parse(&self.agency_code)
                .map_err(|_| corrupt("agency code", &self.agency_code))?,
            role: Role::parse(&self.role).map_err(|_| corrupt("role", &self.role))?,
            password_hash: self.password_hash,
            email: match self.email.as_deref() {
                Some(text) => {
                    Some(EmailAddress::parse(text).ok_or_else(|| corrupt("e-mail address", text))?)
                }
                None => None,
            },
            disabled: self.disabled,
            demo: self.demo,
            totp_secret: self.secret,
            totp_last_step: self.last_used_step,
        })
    }
}

impl Store {
    /// Creates an account, recorded in the audit log as done by `actor`.
    pub async fn create_user(
        &self,
        user: &NewUser,
        actor: &Actor,
        now: i64,
    ) -> Result<(), StoreError> {
        const INSERT: &str = "INSERT INTO users (login, agency_code, role, password_hash, email, disabled, demo, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "users, audit_log");
            sqlx::query(INSERT)
                .bind(user.login.as_str())
                .bind(user.agency.as_str())
                .bind(user.role.key())
                .bind(&user.password_hash)
                .bind(user.email.as_ref().map(EmailAddress::as_str))
                .bind(false)
                .bind(user.demo)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let object = format!("{} ({} at {})", user.login.as_str(), user.role.key(), user.agency);
            append_audit!(tx, actor.record(crate::now_text(), "user.create", &object));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The account with this login name, with its TOTP state.
    pub async fn user(&self, login: &LoginName) -> Result<Option<UserRecord>, StoreError> {
        const SQL: &str = "SELECT u.login, u.agency_code, u.role, u.password_hash, u.email, u.disabled, u.demo, t.secret, t.last_used_step \
            FROM users u LEFT JOIN totp_credentials t ON t.login = u.login WHERE u.login = $1";
        let row: Option<UserRow> = on_pool!(self, pool => sqlx::query_as(SQL).bind(login.as_str()).fetch_optional(pool).await?);
        row.map(UserRow::record).transpose()
    }

    /// Every demo account, for the demo's sign-in page.
    pub async fn demo_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        const SQL: &str = "SELECT u.login, u.agency_code, u.role, u.password_hash, u.email, u.disabled, u.demo, t.secret, t.last_used_step \
            FROM users u LEFT JOIN totp_credentials t ON t.login = u.login WHERE u.demo ORDER BY u.login";
        let rows: Vec<UserRow> = on_pool!(self, pool => sqlx::query_as(SQL).fetch_all(pool).await?);
        rows.into_iter().map(UserRow::record).collect()
    }

    /// Sets (or replaces) the user's TOTP secret, forgetting the last accepted step.
    pub async fn set_totp_secret(
        &self,
        login: &LoginName,
        secret_base32: &str,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO totp_credentials (login, secret, last_used_step) VALUES ($1, $2, NULL) \
            ON CONFLICT (login) DO UPDATE SET secret = excluded.secret, last_used_step = NULL";
        on_pool!(self, pool => sqlx::query(SQL).bind(login.as_str()).bind(secret_base32).execute(pool).await.map(|_| ())?);
        Ok(())
    }

    /// Accepts TOTP `step` for the user only if it is later than every step accepted before:
    /// one conditional update, so two requests with the same code cannot both pass.
    pub async fn accept_totp_step(&self, login: &LoginName, step: i64) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE totp_credentials SET last_used_step = $2 WHERE login = $1 AND (last_used_step IS NULL OR last_used_step < $2)";
        let changed = on_pool!(self, pool => sqlx::query(SQL).bind(login.as_str()).bind(step).execute(pool).await?.rows_affected());
        Ok(changed == 1)
    }

    /// Replaces the user's recovery codes (stored as their hashes).
    pub async fn replace_recovery_codes(
        &self,
        login: &LoginName,
        hashes: &[RecoveryCodeHash],
    ) -> Result<(), StoreError> {
        const DELETE: &str = "DELETE FROM recovery_codes WHERE login = $1";
        const INSERT: &str = "INSERT INTO recovery_codes (login, code_hash) VALUES ($1, $2)";
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(DELETE).bind(login.as_str()).execute(&mut *tx).await?;
            for hash in hashes {
                sqlx::query(INSERT).bind(login.as_str()).bind(hex::encode(hash.0)).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The hashes of the user's unused recovery codes.
    pub async fn recovery_codes(
        &self,
        login: &LoginName,
    ) -> Result<Vec<RecoveryCodeHash>, StoreError> {
        const SQL: &str =
            "SELECT code_hash FROM recovery_codes WHERE login = $1 ORDER BY code_hash";
        let rows: Vec<String> = on_pool!(self, pool => sqlx::query_scalar(SQL).bind(login.as_str()).fetch_all(pool).await?);
        rows.iter()
            .map(|text| {
                let mut bytes = [0u8; 32];
                hex::decode_to_slice(text, &mut bytes)
                    .map_err(|_| corrupt("recovery code hash", text))?;
                Ok(RecoveryCodeHash(bytes))
            })
            .collect()
    }

    /// Uses up one recovery code: true only for the one request that deleted it.
    pub async fn use_recovery_code(
        &self,
        login: &LoginName,
        hash: &RecoveryCodeHash,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "DELETE FROM recovery_codes WHERE login = $1 AND code_hash = $2";
        let deleted = on_pool!(self, pool => sqlx::query(SQL).bind(login.as_str()).bind(hex::encode(hash.0)).execute(pool).await?.rows_affected());
        Ok(deleted == 1)
    }

    /// The failure history of an account name or a source address.
    pub async fn failure_history(
        &self,
        kind: FailureKind,
        subject: &str,
    ) -> Result<FailureHistory, StoreError> {
        const SQL: &str =
            "SELECT failures, last_failure_at FROM login_failures WHERE kind = $1 AND subject = $2";
        let row: Option<(i64, i64)> = on_pool!(self, pool => sqlx::query_as(SQL).bind(kind.key()).bind(subject).fetch_optional(pool).await?);
        Ok(match row {
            Some((failures, last)) => FailureHistory {
                failures: u32::try_from(failures).unwrap_or(u32::MAX),
                last_failure_at: u64::try_from(last).unwrap_or(0),
            },
            None => FailureHistory::default(),
        })
    }

    /// Stores a failure history as the throttle computed it.
    pub async fn save_failure_history(
        &self,
        kind: FailureKind,
        subject: &str,
        history: &FailureHistory,
    ) -> Result<(), StoreError> {
        const UPSERT: &str = "INSERT INTO login_failures (kind, subject, failures, last_failure_at) VALUES ($1, $2, $3, $4) \
            ON CONFLICT (kind, subject) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at";
        const DELETE: &str = "DELETE FROM login_failures WHERE kind = $1 AND subject = $2";
        on_pool!(self, pool => if history.failures > 0 {
            sqlx::query(UPSERT)
                .bind(kind.key())
                .bind(subject)
                .bind(i64::from(history.failures))
                .bind(i64::try_from(history.last_failure_at).unwrap_or(i64::MAX))
                .execute(pool)
                .await
                .map(|_| ())?
        } else {
            sqlx::query(DELETE).bind(kind.key()).bind(subject).execute(pool).await.map(|_| ())?
        });
        Ok(())
    }

    /// Starts a session for `login`: `second_factor_passed` is false between the password and
    /// the second factor, when the session opens nothing but the second-factor page.
    pub async fn create_session(
        &self,
        token: &TokenHash,
        login: &LoginName,
        csrf_token: &str,
        now: i64,
        second_factor_passed: bool,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO sessions (token_hash, login, created_at, last_seen, csrf_token, second_factor_passed) VALUES ($1, $2, $3, $3, $4, $5)";
        on_pool!(self, pool => sqlx::query(SQL)
            .bind(hex::encode(token.0))
            .bind(login.as_str())
            .bind(now)
            .bind(csrf_token)
            .bind(second_factor_passed)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// The session a token opens, if any.
    pub async fn session(&self, token: &TokenHash) -> Result<Option<SessionRecord>, StoreError> {
        const SQL: &str = "SELECT login, created_at, last_seen, csrf_token, second_factor_passed FROM sessions WHERE token_hash = $1";
        let row: Option<(String, i64, i64, String, bool)> = on_pool!(self, pool => sqlx::query_as(SQL).bind(hex::encode(token.0)).fetch_optional(pool).await?);
        row.map(
            |(login, created_at, last_seen, csrf_token, second_factor_passed)| {
                Ok(SessionRecord {
                    login: LoginName::parse(&login).map_err(|_| corrupt("login name", &login))?,
                    created_at,
                    last_seen,
                    csrf_token,
                    second_factor_passed,
                })
            },
        )
        .transpose()
    }

    /// Notes a request on the session.
    pub async fn touch_session(&self, token: &TokenHash, now: i64) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE sessions SET last_seen = $2 WHERE token_hash = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(hex::encode(token.0)).bind(now).execute(pool).await.map(|_| ())?);
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, token: &TokenHash) -> Result<(), StoreError> {
        const SQL: &str = "DELETE FROM sessions WHERE token_hash = $1";
        on_pool!(self, pool => sqlx::query(SQL).bind(hex::encode(token.0)).execute(pool).await.map(|_| ())?);
        Ok(())
    }

    /// Ends every session of a user ("sign out everywhere", and after a role change).
    pub async fn delete_sessions_of(&self, login: &LoginName) -> Result<u64, StoreError> {
        const SQL: &str = "DELETE FROM sessions WHERE login = $1";
        Ok(
            on_pool!(self, pool => sqlx::query(SQL).bind(login.as_str()).execute(pool).await?.rows_affected()),
        )
    }
}

/// An API token as listed to its owner: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenListing {
    /// The first 16 hex digits of the token's hash: enough to name it for revocation.
    pub id: String,
    /// What the owner called it.
    pub label: String,
    /// The role it acts with.
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// Unix seconds, when revoked.
    pub revoked_at: Option<i64>,
}

/// The length of a token's listed id, in hex digits.
const TOKEN_ID_DIGITS: usize = 16;

impl Store {
    /// Keeps a new API token's record, recorded in the audit log.
    pub async fn create_api_token(
        &self,
        record: &ApiTokenRecord,
        label: &str,
        actor: &Actor,
    ) -> Result<String, StoreError> {
        const INSERT: &str = "INSERT INTO api_tokens (token_hash, owner, agency_code, role, label, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)";
        let hash = hex::encode(record.hash.0);
        let id = hash[..TOKEN_ID_DIGITS].to_owned();
        on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "api_tokens, audit_log");
            sqlx::query(INSERT)
                .bind(&hash)
                .bind(record.owner.as_str())
                .bind(record.agency.as_str())
                .bind(record.role.key())
                .bind(label)
                .bind(i64::try_from(record.created_at).unwrap_or(i64::MAX))
                .bind(i64::try_from(record.expires_at).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await?;
            let object = format!("token {id} of {} as {}", record.owner.as_str(), record.role.key());
            append_audit!(tx, actor.record(crate::now_text(), "api_token.create", &object));
            tx.commit().await?;
        });
        Ok(id)
    }

    /// The record of the token with this hash.
    pub async fn api_token(&self, hash: &TokenHash) -> Result<Option<ApiTokenRecord>, StoreError> {
        const SQL: &str = "SELECT owner, agency_code, role, created_at, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1";
        let row: Option<(String, String, String, i64, i64, Option<i64>)> = on_pool!(self, pool => sqlx::query_as(SQL).bind(hex::encode(hash.0)).fetch_optional(pool).await?);
        row.map(
            |(owner, agency, role, created_at, expires_at, revoked_at)| {
                Ok(ApiTokenRecord {
                    hash: TokenHash(hash.0),
                    owner: LoginName::parse(&owner).map_err(|_| corrupt("login name", &owner))?,
                    agency: AgencyCode::parse(&agency)
                        .map_err(|_| corrupt("agency code", &agency))?,
                    role: Role::parse(&role).map_err(|_| corrupt("role", &role))?,
                    created_at: u64::try_from(created_at).unwrap_or(0),
                    expires_at: u64::try_from(expires_at).unwrap_or(0),
                    revoked_at: revoked_at.map(|r| u64::try_from(r).unwrap_or(0)),
                })
            },
        )
        .transpose()
    }

    /// The owner's tokens, newest first.
    pub async fn api_tokens_of(
        &self,
        owner: &LoginName,
    ) -> Result<Vec<ApiTokenListing>, StoreError> {
        const SQL: &str = "SELECT token_hash, label, role, created_at, expires_at, revoked_at FROM api_tokens WHERE owner = $1 ORDER BY created_at DESC, token_hash";
        let rows: Vec<(String, String, String, i64, i64, Option<i64>)> =
            on_pool!(self, pool => sqlx::query_as(SQL).bind(owner.as_str()).fetch_all(pool).await?);
        rows.into_iter()
            .map(|(hash, label, role, created_at, expires_at, revoked_at)| {
                Ok(ApiTokenListing {
                    id: hash.chars().take(TOKEN_ID_DIGITS).collect(),
                    label,
                    role: Role::parse(&role).map_err(|_| corrupt("role", &role))?,
                    created_at,
                    expires_at,
                    revoked_at,
                })
            })
            .collect()
    }

    /// Revokes the owner's token with this listed id; false when there is none (or it was
    /// revoked already).
    pub async fn revoke_api_token(
        &self,
        owner: &LoginName,
        id: &str,
        now: i64,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE api_tokens SET revoked_at = $3 WHERE owner = $1 AND substr(token_hash, 1, 16) = $2 AND revoked_at IS NULL";
        if id.len() != TOKEN_ID_DIGITS || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let id = id.to_ascii_lowercase();
        let revoked = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "api_tokens, audit_log");
            let changed = sqlx::query(SQL).bind(owner.as_str()).bind(&id).bind(now).execute(&mut *tx).await?.rows_affected();
            if changed == 1 {
                let object = format!("token {id} of {}", owner.as_str());
                append_audit!(tx, actor.record(crate::now_text(), "api_token.revoke", &object));
            }
            tx.commit().await?;
            changed == 1
        });
        Ok(revoked)
    }
}

impl Store {
    /// Replaces the user's password hash and ends every session of the user, in one
    /// transaction recorded in the audit log: after a password change, whoever knew the old
    /// password or held an old session is out.
    pub async fn change_password(
        &self,
        login: &LoginName,
        password_hash: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        const UPDATE: &str = "UPDATE users SET password_hash = $2 WHERE login = $1";
        const END_SESSIONS: &str = "DELETE FROM sessions WHERE login = $1";
        on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "users, audit_log");
            sqlx::query(UPDATE).bind(login.as_str()).bind(password_hash).execute(&mut *tx).await?;
            sqlx::query(END_SESSIONS).bind(login.as_str()).execute(&mut *tx).await?;
            append_audit!(tx, actor.record(crate::now_text(), "user.password_change", login.as_str()));
            tx.commit().await?;
        });
        Ok(())
    }
}

/// An account as an administrator sees it: never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserListing {
    /// Login name.
    pub login: LoginName,
    /// The agency the user belongs to.
    pub agency: AgencyCode,
    /// The agency's name in Traditional Chinese.
    pub agency_name_zh: String,
    /// Role.
    pub role: Role,
    /// Whether sign-in is refused.
    pub disabled: bool,
    /// Whether this is a demo account.
    pub demo: bool,
    /// Whether a TOTP authenticator is enrolled.
    pub totp_enrolled: bool,
    /// How many security keys (WebAuthn) are registered.
    pub security_keys: i64,
}

/// What a role change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleChange {
    /// The role before.
    pub previous: Role,
    /// Sessions of the user that ended.
    pub sessions_ended: u64,
    /// API tokens of the user revoked because the new role may not delegate theirs.
    pub tokens_revoked: u64,
}

impl Store {
    /// The accounts of the agencies in `scope`, by agency and login.
    pub async fn users(&self, scope: &Scope) -> Result<Vec<UserListing>, StoreError> {
        const SQL: &str = concat!(
            "SELECT u.login, u.agency_code, a.name_zh, u.role, u.disabled, u.demo, t.login IS NOT NULL, \
             (SELECT COUNT(*) FROM webauthn_credentials k WHERE k.login = u.login) \
             FROM users u JOIN agencies a ON a.code = u.agency_code \
             LEFT JOIN totp_credentials t ON t.login = u.login AND t.secret IS NOT NULL WHERE ",
            in_scope!("a"),
            " ORDER BY u.agency_code, u.login"
        );
        type Row = (String, String, String, String, bool, bool, bool, i64);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(SQL).bind(scope_parameter(scope)).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(
                |(
                    login,
                    agency,
                    agency_name_zh,
                    role,
                    disabled,
                    demo,
                    totp_enrolled,
                    security_keys,
                )| {
                    Ok(UserListing {
                        login: LoginName::parse(&login).map_err(|_| corrupt("login", &login))?,
                        agency: AgencyCode::parse(&agency)
                            .map_err(|_| corrupt("agency code", &agency))?,
                        agency_name_zh,
                        role: Role::parse(&role).map_err(|_| corrupt("role", &role))?,
                        disabled,
                        demo,
                        totp_enrolled,
                        security_keys,
                    })
                },
            )
            .collect()
    }

    /// Gives the user of an agency in `scope` another role, in one transaction recorded in the
    /// audit log. A change of privilege rotates the user's sessions: every one ends, so the
    /// user signs in again under the new role; API tokens whose role the new role may not
    /// delegate are revoked. `None` when no such user is in the scope.
    pub async fn change_role(
        &self,
        scope: &Scope,
        login: &LoginName,
        role: Role,
        actor: &Actor,
        now: i64,
    ) -> Result<Option<RoleChange>, StoreError> {
        const CURRENT: &str = concat!(
            "SELECT u.role FROM users u JOIN agencies a ON a.code = u.agency_code WHERE u.login = $2 AND ",
            in_scope!("a")
        );
        const UPDATE: &str = "UPDATE users SET role = $2 WHERE login = $1";
        const END_SESSIONS: &str = "DELETE FROM sessions WHERE login = $1";
        const TOKENS: &str =
            "SELECT token_hash, role FROM api_tokens WHERE owner = $1 AND revoked_at IS NULL";
        const REVOKE: &str = "UPDATE api_tokens SET revoked_at = $2 WHERE token_hash = $1";
        let change = on_pool!(self, pool => {
            let mut tx = begin_write!(self, pool, "users, sessions, api_tokens, audit_log");
            let current: Option<String> = sqlx::query_scalar(CURRENT)
                .bind(scope_parameter(scope))
                .bind(login.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(current) = current else {
                return Ok(None);
            };
            let previous = Role::parse(&current).map_err(|_| corrupt("role", &current))?;
            if previous == role {
                // No change of privilege: nothing to rotate, nothing to record.
                return Ok(Some(RoleChange { previous, sessions_ended: 0, tokens_revoked: 0 }));
            }
            sqlx::query(UPDATE).bind(login.as_str()).bind(role.key()).execute(&mut *tx).await?;
            let sessions_ended = sqlx::query(END_SESSIONS).bind(login.as_str()).execute(&mut *tx).await?.rows_affected();
            let tokens: Vec<(String, String)> = sqlx::query_as(TOKENS).bind(login.as_str()).fetch_all(&mut *tx).await?;
            let mut tokens_revoked = 0;
            for (hash, token_role) in tokens {
                let keeps = Role::parse(&token_role).is_ok_and(|r| role.may_delegate(r));
                if !keeps {
                    sqlx::query(REVOKE).bind(&hash).bind(now).execute(&mut *tx).await?;
                    tokens_revoked += 1;
                }
            }
            let object = format!("{} ({} -> {})", login.as_str(), previous.key(), role.key());
            append_audit!(tx, actor.record(crate::now_text(), "user.role_change", &object));
            tx.commit().await?;
            RoleChange { previous, sessions_ended, tokens_revoked }
        });
        Ok(Some(change))
    }
}
