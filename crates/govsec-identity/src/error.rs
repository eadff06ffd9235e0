//! The one error type of the crate.

use crate::login::LoginProblem;

/// What can go wrong in this crate, other than a rejected password, sign-in or token, which are
/// ordinary outcomes with their own types ([`crate::PasswordProblem`],
/// [`crate::ThrottleDecision`], [`crate::TokenRejection`], …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A login name does not follow the rules of [`crate::LoginName`].
    #[error("invalid login name {text:?}: {problem}")]
    InvalidLogin {
        /// The text as given.
        text: String,
        /// The first rule it breaks.
        problem: LoginProblem,
    },
    /// A role key is not one of the five roles.
    #[error("unknown role {0:?}")]
    UnknownRole(String),
    /// Argon2 parameters out of the range the algorithm allows (RFC 9106 §3.1).
    #[error("invalid Argon2 parameters: {0}")]
    Argon2Params(String),
    /// A stored password hash is not an Argon2 PHC string this crate can read.
    #[error("malformed stored password hash: {0}")]
    MalformedPasswordHash(String),
    /// Text that should be RFC 4648 base32 is not.
    #[error("invalid base32 text")]
    InvalidBase32,
    /// A TOTP secret of the wrong length (RFC 4226 §4 asks for at least 128 bits).
    #[error("a TOTP secret must be 16 to 64 bytes, got {0}")]
    TotpSecretLength(usize),
    /// The enrolment URI does not fit in a QR code.
    #[error("cannot render the QR code: {0}")]
    QrCode(String),
    /// A session or API token that does not have the shape this crate issues.
    #[error("malformed token")]
    MalformedToken,
    /// An API token may not carry more rights than the person who creates it.
    #[error("a {owner} may not issue an API token with the role {requested}")]
    TokenRoleNotDelegable {
        /// The owner's role key.
        owner: &'static str,
        /// The requested role key.
        requested: &'static str,
    },
    /// An API token's lifetime is zero or longer than the policy allows.
    #[error("API token lifetime must be 1 to {max} seconds, got {requested}")]
    TokenLifetime {
        /// The longest lifetime allowed.
        max: u64,
        /// The lifetime asked for.
        requested: u64,
    },
}

impl Error {
    /// A stable machine key for the UI's message catalogue and the JSON API.
    pub fn key(&self) -> &'static str {
        match self {
            Error::InvalidLogin { problem, .. } => problem.key(),
            Error::UnknownRole(_) => "unknown_role",
            Error::Argon2Params(_) => "argon2_params",
            Error::MalformedPasswordHash(_) => "malformed_password_hash",
            Error::InvalidBase32 => "invalid_base32",
            Error::TotpSecretLength(_) => "totp_secret_length",
            Error::QrCode(_) => "qr_code",
            Error::MalformedToken => "malformed_token",
            Error::TokenRoleNotDelegable { .. } => "token_role_not_delegable",
            Error::TokenLifetime { .. } => "token_lifetime",
        }
    }
}
