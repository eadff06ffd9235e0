//! Session tokens, API tokens and the session timeouts.
//!
//! Both kinds of token are 32 bytes (256 bits) from the caller's random number generator,
//! written in URL-safe base64 without padding (RFC 4648 §5), far above OWASP's 64-bit minimum
//! for session identifiers (Session Management Cheat Sheet, "session ID entropy"). Only their
//! SHA-256 is stored: a copy of the database then holds nothing that signs anyone in, and a
//! random 256-bit secret needs no slow hash. API tokens start with `govsec_` so that secret
//! scanners (and people) recognise a leaked one, are shown once when created, expire, and can
//! be revoked.

use base64ct::{Base64UrlUnpadded, Encoding};
use govsec_core::AgencyCode;
use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{Caller, Error, LoginName, Role};

/// The random bytes in a token.
pub const TOKEN_BYTES: usize = 32;
/// The characters of 32 bytes in unpadded base64.
const TOKEN_CHARS: usize = 43;
/// The start of every API token.
pub const API_TOKEN_PREFIX: &str = "govsec_";

/// The SHA-256 of a token: what the store keeps and looks tokens up by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    fn of(token: &str) -> TokenHash {
        TokenHash(Sha256::digest(token.as_bytes()).into())
    }

    /// Compares two hashes in constant time.
    pub fn ct_eq(&self, other: &TokenHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

/// Draws a token's random part.
fn random_text(rng: &mut impl CryptoRng) -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rng.fill_bytes(&mut bytes);
    Base64UrlUnpadded::encode_string(&bytes)
}

/// Whether a text is 32 bytes in canonical unpadded URL-safe base64.
fn is_token_text(text: &str) -> bool {
    let mut bytes = [0u8; TOKEN_BYTES];
    text.len() == TOKEN_CHARS
        && Base64UrlUnpadded::decode(text, &mut bytes).is_ok_and(|decoded| decoded.len() == 32)
}

/// A session identifier, as sent in the session cookie.
///
/// A new one is issued at sign-in and whenever the session's privileges change (second factor
/// passed, role changed), and the old one is deleted, so an identifier planted before sign-in
/// is worthless after it (OWASP Session Management Cheat Sheet, "renew the session ID after any
/// privilege level change"; session fixation).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

impl SessionToken {
    /// A fresh token.
    pub fn generate(rng: &mut impl CryptoRng) -> SessionToken {
        SessionToken(random_text(rng))
    }

    /// Reads a token from a cookie; anything that this crate cannot have issued is refused
    /// before the store is asked.
    pub fn parse(text: &str) -> Result<SessionToken, Error> {
        if is_token_text(text) {
            Ok(SessionToken(text.to_owned()))
        } else {
            Err(Error::MalformedToken)
        }
    }

    /// The token, for the cookie.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its hash, to store and to look the session up by.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }

    /// Whether this token is the one stored as `stored`, in constant time.
    pub fn matches(&self, stored: &TokenHash) -> bool {
        self.hash().ct_eq(stored)
    }
}

/// An API token for scripts: `govsec_` and 43 characters. Shown once, then only its hash exists.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken(govsec_…)")
    }
}

impl ApiToken {
    /// A fresh token.
    pub fn generate(rng: &mut impl CryptoRng) -> ApiToken {
        ApiToken(format!("{API_TOKEN_PREFIX}{}", random_text(rng)))
    }

    /// Reads a token from an `Authorization: Bearer` header.
    pub fn parse(text: &str) -> Result<ApiToken, Error> {
        match text.strip_prefix(API_TOKEN_PREFIX) {
            Some(random) if is_token_text(random) => Ok(ApiToken(text.to_owned())),
            _ => Err(Error::MalformedToken),
        }
    }

    /// The token, to show the user once.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// Its hash, to store and to look the token up by.
    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }
}

/// How long a session lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Seconds without a request after which the session ends.
    pub idle_timeout: u64,
    /// Seconds after sign-in after which the session ends however active it is.
    pub absolute_timeout: u64,
}

impl Default for SessionPolicy {
    /// 15 minutes idle, 8 hours absolute: OWASP's Session Management Cheat Sheet suggests
    /// 15–30 minutes idle for low-risk applications and less for high-value ones, and 4–8 hours
    /// absolute; the platform holds attack maps, so it takes the short end of the idle range
    /// and a working day.
    fn default() -> SessionPolicy {
        SessionPolicy {
            idle_timeout: 15 * 60,
            absolute_timeout: 8 * 60 * 60,
        }
    }
}

/// Whether a session may still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionState {
    /// It may.
    Live,
    /// It was idle for too long.
    IdleExpired,
    /// It is older than the absolute timeout.
    AbsoluteExpired,
}

impl SessionState {
    /// A stable machine key for the message catalogue.
    pub fn key(self) -> &'static str {
        match self {
            SessionState::Live => "session_live",
            SessionState::IdleExpired => "session_idle_expired",
            SessionState::AbsoluteExpired => "session_absolute_expired",
        }
    }
}

impl SessionPolicy {
    /// The state at `now` of a session created at `created_at` and last used at `last_seen`
    /// (Unix seconds). The absolute timeout wins when both have passed.
    pub fn session_state(&self, created_at: u64, last_seen: u64, now: u64) -> SessionState {
        if now.saturating_sub(created_at) >= self.absolute_timeout {
            SessionState::AbsoluteExpired
        } else if now.saturating_sub(last_seen) >= self.idle_timeout {
            SessionState::IdleExpired
        } else {
            SessionState::Live
        }
    }
}

/// Limits on API tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiTokenPolicy {
    /// The longest lifetime, in seconds.
    pub max_lifetime: u64,
}

impl Default for ApiTokenPolicy {
    /// 90 days: long enough for a quarterly script, short enough that a forgotten token dies.
    fn default() -> ApiTokenPolicy {
        ApiTokenPolicy {
            max_lifetime: 90 * 24 * 60 * 60,
        }
    }
}

/// An API token as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    /// The token's SHA-256.
    pub hash: TokenHash,
    /// The user who created it; the token acts as them.
    pub owner: LoginName,
    /// The agency it acts in: the owner's.
    pub agency: AgencyCode,
    /// The role it acts with: the owner's or one [`Role::may_delegate`] allows.
    pub role: Role,
    /// When it was created.
    pub created_at: u64,
    /// When it stops working.
    pub expires_at: u64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<u64>,
}

/// Why an API token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRejection {
    /// The token is not the one on record.
    Mismatch,
    /// Past its expiry.
    Expired,
    /// Revoked.
    Revoked,
}

impl TokenRejection {
    /// A stable machine key for the message catalogue.
    pub fn key(self) -> &'static str {
        match self {
            TokenRejection::Mismatch => "token_mismatch",
            TokenRejection::Expired => "token_expired",
            TokenRejection::Revoked => "token_revoked",
        }
    }
}

impl ApiTokenPolicy {
    /// Creates a token for `owner` with `role`, valid for `lifetime` seconds from `now`: the
    /// token to show once and the record to store.
    pub fn issue(
        &self,
        owner: &Caller,
        role: Role,
        lifetime: u64,
        now: u64,
        rng: &mut impl CryptoRng,
    ) -> Result<(ApiToken, ApiTokenRecord), Error> {
        if !owner.role.may_delegate(role) {
            return Err(Error::TokenRoleNotDelegable {
                owner: owner.role.key(),
                requested: role.key(),
            });
        }
        if lifetime == 0 || lifetime > self.max_lifetime {
            return Err(Error::TokenLifetime {
                max: self.max_lifetime,
                requested: lifetime,
            });
        }
        let token = ApiToken::generate(rng);
        let record = ApiTokenRecord {
            hash: token.hash(),
            owner: owner.login.clone(),
            agency: owner.agency.clone(),
            role,
            created_at: now,
            expires_at: now.saturating_add(lifetime),
            revoked_at: None,
        };
        Ok((token, record))
    }
}

impl ApiTokenRecord {
    /// The caller a presented token acts as at `now`, or why it is refused.
    pub fn authenticate(&self, presented: &ApiToken, now: u64) -> Result<Caller, TokenRejection> {
        if !presented.hash().ct_eq(&self.hash) {
            return Err(TokenRejection::Mismatch);
        }
        if self.revoked_at.is_some_and(|revoked| revoked <= now) {
            return Err(TokenRejection::Revoked);
        }
        if now >= self.expires_at {
            return Err(TokenRejection::Expired);
        }
        Ok(Caller {
            login: self.owner.clone(),
            agency: self.agency.clone(),
            role: self.role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::TestRng;

    fn officer() -> Caller {
        Caller {
            login: LoginName::parse("officer").unwrap(),
            agency: AgencyCode::parse("A09000000E").unwrap(),
            role: Role::AgencyOfficer,
        }
    }

    #[test]
    fn session_tokens_are_256_random_bits_in_base64url() {
        let token = SessionToken::generate(&mut TestRng::new(1));
        assert_eq!(token.as_str().len(), 43);
        assert!(
            token
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(SessionToken::parse(token.as_str()).unwrap(), token);
        assert_ne!(SessionToken::generate(&mut TestRng::new(2)), token);
        assert!(token.matches(&token.hash()));
        assert!(!SessionToken::generate(&mut TestRng::new(2)).matches(&token.hash()));
        assert_eq!(format!("{token:?}"), "SessionToken(…)");
        for bad in [
            "",
            "short",
            &format!("{}=", token.as_str()),
            &"*".repeat(43),
        ] {
            assert_eq!(
                SessionToken::parse(bad),
                Err(Error::MalformedToken),
                "{bad}"
            );
        }
    }

    #[test]
    fn api_tokens_carry_the_prefix_and_only_their_hash_is_kept() {
        let token = ApiToken::generate(&mut TestRng::new(3));
        assert!(token.reveal().starts_with("govsec_"));
        assert_eq!(token.reveal().len(), 7 + 43);
        assert_eq!(ApiToken::parse(token.reveal()).unwrap(), token);
        let session_text = SessionToken::generate(&mut TestRng::new(3));
        assert_eq!(
            ApiToken::parse(session_text.as_str()),
            Err(Error::MalformedToken)
        );
        assert_eq!(ApiToken::parse("govsec_"), Err(Error::MalformedToken));
        let expected: [u8; 32] = Sha256::digest(token.reveal().as_bytes()).into();
        assert_eq!(token.hash(), TokenHash(expected));
        assert!(!format!("{token:?}").contains(&token.reveal()[7..]));
    }

    #[test]
    fn sessions_end_when_idle_or_old() {
        let policy = SessionPolicy::default();
        let created = 1_000_000;
        assert_eq!(
            policy.session_state(created, created, created),
            SessionState::Live
        );
        assert_eq!(
            policy.session_state(created, created + 600, created + 600 + 899),
            SessionState::Live
        );
        assert_eq!(
            policy.session_state(created, created + 600, created + 600 + 900),
            SessionState::IdleExpired
        );
        let end = created + 8 * 3600;
        assert_eq!(
            policy.session_state(created, end - 1, end - 1),
            SessionState::Live
        );
        assert_eq!(
            policy.session_state(created, end - 1, end),
            SessionState::AbsoluteExpired
        );
        assert_eq!(
            policy.session_state(created, created, end + 1),
            SessionState::AbsoluteExpired
        );
    }

    #[test]
    fn api_tokens_expire_and_can_be_revoked() {
        let policy = ApiTokenPolicy::default();
        let now = 1_700_000_000;
        let (token, record) = policy
            .issue(
                &officer(),
                Role::AgencyOfficer,
                3600,
                now,
                &mut TestRng::new(4),
            )
            .unwrap();
        assert_eq!(record.hash, token.hash());
        assert_eq!(record.authenticate(&token, now), Ok(officer()));
        assert_eq!(record.authenticate(&token, now + 3599), Ok(officer()));
        assert_eq!(
            record.authenticate(&token, now + 3600),
            Err(TokenRejection::Expired)
        );
        let other = ApiToken::generate(&mut TestRng::new(5));
        assert_eq!(
            record.authenticate(&other, now),
            Err(TokenRejection::Mismatch)
        );
        let revoked = ApiTokenRecord {
            revoked_at: Some(now + 10),
            ..record
        };
        assert_eq!(revoked.authenticate(&token, now + 9), Ok(officer()));
        assert_eq!(
            revoked.authenticate(&token, now + 10),
            Err(TokenRejection::Revoked)
        );
    }

    #[test]
    fn api_tokens_cannot_outgrow_their_owner_or_the_policy() {
        let policy = ApiTokenPolicy::default();
        let mut rng = TestRng::new(6);
        assert_eq!(
            policy
                .issue(&officer(), Role::AuthorityAdmin, 3600, 0, &mut rng)
                .unwrap_err(),
            Error::TokenRoleNotDelegable {
                owner: "agency_officer",
                requested: "authority_admin"
            }
        );
        assert_eq!(
            policy
                .issue(&officer(), Role::AgencyOfficer, 91 * 86400, 0, &mut rng)
                .unwrap_err()
                .key(),
            "token_lifetime"
        );
        assert!(
            policy
                .issue(&officer(), Role::AgencyOfficer, 0, 0, &mut rng)
                .is_err()
        );
    }
}
