//! The WebAuthn relying party: govsec's public origin, and the two ceremonies (registering a
//! security key, signing in with one) as webauthn-rs performs them.
//!
//! Security keys are a second factor here, after the password, so they are registered and used
//! as webauthn-rs's `SecurityKey`: no resident key, user verification preferred. The options a
//! ceremony sends to the browser and the state it keeps are JSON text; the state goes to the
//! store, keyed by the session, and never to the browser (WebAuthn Level 2 §13.4.3: the
//! challenge must be generated and kept by the server).

use std::sync::Arc;
use std::time::Duration;

use base64ct::{Base64UrlUnpadded, Encoding};
use govsec_identity::LoginName;
use webauthn_rs::prelude::{
    PublicKeyCredential, RegisterPublicKeyCredential, SecurityKey, SecurityKeyAuthentication,
    SecurityKeyRegistration, Url, Uuid, Webauthn, WebauthnBuilder, WebauthnError,
};

use crate::WebError;

/// How long a ceremony waits for the browser's answer: the browser's timeout and the expiry of
/// the state kept for it. Five minutes, the default WebAuthn Level 3 §5.4 recommends.
pub const CEREMONY_TIMEOUT: Duration = Duration::from_secs(300);

/// The longest browser answer read: a credential with its attestation is a few kilobytes, and
/// anything much larger is not one.
const ANSWER_LIMIT: usize = 64 * 1024;

/// The relying party name shown by browsers and authenticators.
const RP_NAME: &str = "govsec";

/// govsec as a WebAuthn relying party: the origin browsers reach it at, and its RP ID, the
/// origin's host, which every key registered is bound to (WebAuthn Level 2 §5.1.2).
#[derive(Debug, Clone)]
pub struct RelyingParty {
    webauthn: Arc<Webauthn>,
    origin: String,
}

impl RelyingParty {
    /// The relying party at a public origin such as `https://govsec.example.gov.tw`. The origin
    /// must be https, or http on `localhost` (WebAuthn needs a secure context, and browsers treat
    /// http://localhost as one), and its host a domain name: an IP address cannot be an RP ID
    /// (WebAuthn Level 2 §5.1.2 requires a valid domain string).
    pub fn for_origin(origin: &str) -> Result<RelyingParty, WebError> {
        let refuse = |reason: &str| WebError::PublicOrigin {
            origin: origin.to_owned(),
            reason: reason.to_owned(),
        };
        let url = Url::parse(origin).map_err(|error| refuse(&error.to_string()))?;
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(refuse(
                "an origin is a scheme, a host and a port, without a path",
            ));
        }
        let host = url
            .domain()
            .ok_or_else(|| refuse("the host must be a domain name, not an IP address"))?
            .to_owned();
        match url.scheme() {
            "https" => {}
            "http" if host == "localhost" => {}
            _ => return Err(refuse("security keys need https (or http://localhost)")),
        }
        let webauthn = WebauthnBuilder::new(&host, &url)
            .and_then(|builder| builder.rp_name(RP_NAME).timeout(CEREMONY_TIMEOUT).build())
            .map_err(|error| refuse(&error.to_string()))?;
        Ok(RelyingParty {
            webauthn: Arc::new(webauthn),
            origin: url.origin().ascii_serialization(),
        })
    }

    /// The relying party of a server reached on this machine only: `localhost` on any port,
    /// over https when `tls`, else http. The default until a public origin is configured.
    pub fn localhost(tls: bool) -> RelyingParty {
        let origin = if tls {
            "https://localhost"
        } else {
            "http://localhost"
        };
        let url = Url::parse(origin).expect("a literal URL");
        let webauthn = WebauthnBuilder::new("localhost", &url)
            .map(|builder| {
                builder
                    .rp_name(RP_NAME)
                    .timeout(CEREMONY_TIMEOUT)
                    .allow_any_port(true)
            })
            .and_then(WebauthnBuilder::build)
            .expect("localhost is an effective domain of itself");
        RelyingParty {
            webauthn: Arc::new(webauthn),
            origin: origin.to_owned(),
        }
    }

    /// The origin keys work at (without a port for [`RelyingParty::localhost`]).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Starts registering a key for the user: the options for `navigator.credentials.create`
    /// (JSON) and the state to keep. The user's keys are excluded, so a key is not registered
    /// twice (WebAuthn Level 2 §5.4, `excludeCredentials`).
    pub(crate) fn start_registration(
        &self,
        user_handle: Uuid,
        login: &LoginName,
        existing: &[SecurityKey],
    ) -> Result<(String, SecurityKeyRegistration), WebError> {
        let exclude = existing.iter().map(|key| key.cred_id().clone()).collect();
        let (mut options, state) = self
            .webauthn
            .start_securitykey_registration(
                user_handle,
                login.as_str(),
                login.as_str(),
                Some(exclude),
                None,
                None,
            )
            .map_err(rejected)?;
        // webauthn-rs asks for credProtect "userVerificationRequired" (CTAP 2.1 §12.1) while
        // user verification is only preferred, and Chromium refuses that combination as an
        // inconsistent protection policy (NotSupportedError). A key here is a second factor
        // after the password, so the browser is not asked for credProtect; webauthn-rs then
        // records the extension as ignored.
        if let Some(extensions) = options.public_key.extensions.as_mut() {
            extensions.cred_protect = None;
        }
        Ok((to_json(&options)?, state))
    }

    /// Checks the browser's answer to a registration against the kept state: the new key. A
    /// key the user has already is refused as such (a browser would not have offered it, since
    /// the options exclude it).
    pub(crate) fn finish_registration(
        &self,
        answer: &str,
        state: &SecurityKeyRegistration,
        existing: &[SecurityKey],
    ) -> Result<SecurityKey, WebError> {
        let answer: RegisterPublicKeyCredential = parse_answer(answer)?;
        if existing
            .iter()
            .any(|key| key.cred_id().as_slice() == answer.raw_id.as_slice())
        {
            return Err(WebError::AlreadyRegistered);
        }
        self.webauthn
            .finish_securitykey_registration(&answer, state)
            .map_err(rejected)
    }

    /// Starts a sign-in with any of the user's keys: the options for
    /// `navigator.credentials.get` (JSON) and the state to keep.
    pub(crate) fn start_authentication(
        &self,
        keys: &[SecurityKey],
    ) -> Result<(String, SecurityKeyAuthentication), WebError> {
        let (options, state) = self
            .webauthn
            .start_securitykey_authentication(keys)
            .map_err(rejected)?;
        Ok((to_json(&options)?, state))
    }

    /// Checks the browser's answer to a sign-in against the kept state and the user's keys:
    /// which key signed (its index in `keys`), that key with its new signature counter, and the
    /// counter. A key that is not the user's is refused before any signature is checked.
    pub(crate) fn finish_authentication(
        &self,
        answer: &str,
        state: &SecurityKeyAuthentication,
        keys: &[SecurityKey],
    ) -> Result<(usize, SecurityKey, u32), WebError> {
        let answer: PublicKeyCredential = parse_answer(answer)?;
        let index = keys
            .iter()
            .position(|key| key.cred_id().as_slice() == answer.raw_id.as_slice())
            .ok_or(WebError::UnknownKey)?;
        let result = self
            .webauthn
            .finish_securitykey_authentication(&answer, state)
            .map_err(|error| match error {
                // WebAuthn Level 2 §7.2 step 21: a counter that did not grow signals a cloned
                // authenticator.
                WebauthnError::CredentialPossibleCompromise => WebError::PossibleClone,
                other => rejected(other),
            })?;
        let mut key = keys[index].clone();
        key.update_credential(&result);
        Ok((index, key, result.counter()))
    }
}

/// The credential ID of a key in base64url without padding, as stored and shown in paths.
pub(crate) fn credential_id(key: &SecurityKey) -> String {
    Base64UrlUnpadded::encode_string(key.cred_id().as_slice())
}

fn parse_answer<T: serde::de::DeserializeOwned>(answer: &str) -> Result<T, WebError> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Err(WebError::MalformedCredential(
            "no answer from the security key".to_owned(),
        ));
    }
    if answer.len() > ANSWER_LIMIT {
        return Err(WebError::MalformedCredential(format!(
            "longer than {ANSWER_LIMIT} bytes"
        )));
    }
    serde_json::from_str(answer).map_err(|error| WebError::MalformedCredential(error.to_string()))
}

fn rejected(error: WebauthnError) -> WebError {
    WebError::Rejected(error.to_string())
}

/// A credential or a ceremony state as JSON, to store.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, WebError> {
    serde_json::to_string(value).map_err(|error| WebError::StoredState(error.to_string()))
}

/// A stored credential or ceremony state.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, WebError> {
    serde_json::from_str(text).map_err(|error| WebError::StoredState(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(origin: &str) -> String {
        match RelyingParty::for_origin(origin) {
            Err(WebError::PublicOrigin { reason, .. }) => reason,
            other => panic!("{origin}: {other:?}"),
        }
    }

    #[test]
    fn public_origins_are_https_domains() {
        let party = RelyingParty::for_origin("https://govsec.example.gov.tw").unwrap();
        assert_eq!(party.origin(), "https://govsec.example.gov.tw");
        let party = RelyingParty::for_origin("https://govsec.example.gov.tw:8443/").unwrap();
        assert_eq!(party.origin(), "https://govsec.example.gov.tw:8443");
        assert!(RelyingParty::for_origin("http://localhost:8080").is_ok());
        assert!(reason("http://govsec.example.gov.tw").contains("https"));
        assert!(reason("https://192.0.2.7").contains("IP address"));
        assert!(reason("https://[::1]:8443").contains("IP address"));
        assert!(reason("https://govsec.example.gov.tw/login").contains("path"));
        assert!(!reason("not a url").is_empty());
    }

    #[test]
    fn answers_that_are_not_credentials_are_refused_with_a_reason() {
        let party = RelyingParty::localhost(false);
        let login = LoginName::parse("officer.npa").unwrap();
        let (options, state) = party
            .start_registration(Uuid::from_bytes([7; 16]), &login, &[])
            .unwrap();
        assert!(options.contains("\"challenge\""), "{options}");
        assert!(!options.contains("credentialProtectionPolicy"), "{options}");
        for answer in ["", "   ", "{", "[]", "{\"id\":1}", &"x".repeat(70_000)] {
            assert!(
                matches!(
                    party.finish_registration(answer, &state, &[]),
                    Err(WebError::MalformedCredential(_))
                ),
                "{answer:.20}"
            );
        }
        assert!(matches!(
            from_json::<SecurityKeyRegistration>("not state"),
            Err(WebError::StoredState(_))
        ));
    }
}
