//! The sign-in and access core of govsec, free of I/O.
//!
//! govsec holds attack maps (which agency runs which vulnerable software), incident details and
//! personal data, and the breach investigated in seed `001` began with guessable, patterned
//! passwords and ended with a second factor. This crate decides everything about identity that
//! can be decided without a database, a clock or a network: the store persists what it returns,
//! the web layer asks it before acting. Time is passed in as Unix seconds (`u64`) and randomness
//! as a [`rand_core::CryptoRng`], so every function is deterministic under test.
//!
//! - [`access`]: the five [`Role`]s, the [`Caller`] of a request, its [`AccessScope`] in the
//!   agency tree and the permission table ([`Role::permits`], [`Caller::can`]).
//! - [`login`]: [`LoginName`], validated when parsed.
//! - [`password_policy`]: [`check_password`], which refuses short, common and patterned
//!   passwords, and those built on the user's agency code, agency names, login or e-mail.
//! - [`password_hash`]: Argon2id ([`PasswordHasher`]) with OWASP's parameters, PHC strings,
//!   constant-time verification and [`PasswordHasher::needs_rehash`].
//! - [`totp`]: RFC 6238 codes, the `otpauth://` enrolment URI and its QR code as SVG.
//! - [`recovery`]: ten one-time recovery codes, stored as SHA-256.
//! - [`token`]: session and API tokens (stored as SHA-256), session timeouts, API token
//!   issue, expiry and revocation.
//! - [`throttle`]: exponential back-off and lockout per account and per source address.
//!
//! # Sign-in, step by step
//! 1. Parse the login name; look up the failure histories of that name and of the source
//!    address, and ask [`LoginThrottle::decide`]. Refuse without checking unless it says
//!    [`ThrottleDecision::Proceed`].
//! 2. Verify the password with [`PasswordHasher::verify`], or [`PasswordHasher::verify_absent`]
//!    when there is no such account, so both take the same time. Whatever failed, show one
//!    message that does not say whether the account exists, and record the failure on both
//!    histories ([`LoginThrottle::after_failure`]).
//! 3. Ask for the second factor, which every role must have: a TOTP code
//!    ([`TotpSecret::verify`], passing the last accepted step to refuse replays), a security key
//!    (below), or a recovery code ([`match_recovery_code`], then delete the matched hash).
//!    A wrong second factor counts as a failure too.
//! 4. Issue a new [`SessionToken`], deleting the pre-sign-in one, and check every later request
//!    with [`SessionPolicy::session_state`]. Rehash the password if
//!    [`PasswordHasher::needs_rehash`] says so.
//!
//! # Argon2 timing
//! One hash with the recommended parameters (m=19456 KiB, t=2, p=1), in a release build on the
//! project's 2-core machine while other builds shared it (load average about 4): median 23 ms,
//! fastest 17 ms, slowest 39 ms over 20 runs; one verification likewise about 20–24 ms. So a
//! sign-in costs about 20 ms of one core and 19 MiB for that time, and a guesser holding the
//! database gets some 50 guesses per second per core. Measure again with
//! `cargo run --release -p govsec-identity --example argon2_timing`. The tests use cheap
//! parameters through [`PasswordHasher::with_params`] and run the real ones once.
//!
//! # WebAuthn security keys
//! FIDO2/WebAuthn second factors live in the web layer (`govsec-web`), through `webauthn-rs`,
//! which needs the relying party's origin, the browser's JavaScript API and OpenSSL: none of
//! them belongs in an I/O-free crate. The store keeps each user's registered credentials
//! (credential id, public key, signature counter) next to the TOTP secret, and the sign-in steps
//! above stay the same: step 3 accepts a verified assertion as the second factor, and a failed
//! assertion counts as a failure for the throttle. The roles, scopes, sessions and throttle in
//! this crate do not depend on which second factor was used.

pub mod access;
pub mod error;
pub mod login;
pub mod password_hash;
pub mod password_policy;
pub mod recovery;
pub mod throttle;
pub mod token;
pub mod totp;

#[cfg(test)]
mod test_rng;

pub use access::{AccessScope, Action, Caller, Role, Target};
pub use error::Error;
pub use login::{LoginName, LoginProblem};
pub use password_hash::PasswordHasher;
pub use password_policy::{PasswordContext, PasswordProblem, check_password};
pub use recovery::{RecoveryCode, RecoveryCodeHash, generate_recovery_codes, match_recovery_code};
pub use throttle::{FailureHistory, FailureLimits, LoginThrottle, ThrottleDecision};
pub use token::{
    ApiToken, ApiTokenPolicy, ApiTokenRecord, SessionPolicy, SessionState, SessionToken, TokenHash,
    TokenRejection,
};
pub use totp::{TotpRejection, TotpSecret};
