//! Password hashing with Argon2id (RFC 9106), stored as PHC strings.
//!
//! The parameters are OWASP's Password Storage Cheat Sheet minimum for Argon2id: 19 MiB of
//! memory, 2 passes, 1 lane (m=19456, t=2, p=1), with a 128-bit salt (RFC 9106 §3.1) from the
//! caller's random number generator and a 256-bit tag. The PHC string
//! (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) carries the parameters, so a hash made with
//! older parameters still verifies, and [`PasswordHasher::needs_rehash`] tells the caller to
//! replace it with one made with the current parameters after the next successful sign-in
//! (OWASP: "upgrading the work factor").
//!
//! Verification recomputes the hash with the stored salt and parameters and compares the tags in
//! constant time (`phc::Output`'s equality is `subtle::ConstantTimeEq`).
//! [`PasswordHasher::verify_absent`] spends the same time for a login name that has no account,
//! so the response time does not reveal which accounts exist (OWASP Authentication Cheat Sheet,
//! "authentication responses").

use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use rand_core::CryptoRng;

use crate::Error;

/// The salt length in bytes: RFC 9106 §3.1 recommends 128 bits.
pub const SALT_BYTES: usize = 16;

/// Hashes and verifies passwords with one set of Argon2id parameters.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    params: Params,
}

impl PasswordHasher {
    /// OWASP's memory cost for Argon2id with two passes: 19 MiB, in KiB.
    pub const MEMORY_KIB: u32 = 19 * 1024;
    /// OWASP's pass count with 19 MiB.
    pub const PASSES: u32 = 2;
    /// One lane: the server handles concurrent sign-ins on its cores already.
    pub const LANES: u32 = 1;

    /// The production parameters: m=19456 KiB, t=2, p=1.
    pub fn recommended() -> PasswordHasher {
        const RECOMMENDED: Params = match Params::new(
            PasswordHasher::MEMORY_KIB,
            PasswordHasher::PASSES,
            PasswordHasher::LANES,
            Some(Params::DEFAULT_OUTPUT_LEN),
        ) {
            Ok(params) => params,
            Err(_) => panic!("the recommended Argon2 parameters are valid"),
        };
        PasswordHasher {
            params: RECOMMENDED,
        }
    }

    /// Other parameters: stronger ones for production, or cheap ones so tests stay fast.
    /// `memory_kib` must be at least `8 * lanes` (RFC 9106 §3.1).
    pub fn with_params(memory_kib: u32, passes: u32, lanes: u32) -> Result<PasswordHasher, Error> {
        let params = Params::new(memory_kib, passes, lanes, Some(Params::DEFAULT_OUTPUT_LEN))
            .map_err(|error| Error::Argon2Params(error.to_string()))?;
        Ok(PasswordHasher { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password with a fresh salt from `rng`; the PHC string to store.
    pub fn hash(&self, password: &str, rng: &mut impl CryptoRng) -> Result<String, Error> {
        let mut salt = [0u8; SALT_BYTES];
        rng.fill_bytes(&mut salt);
        self.hash_with_salt(password, &salt)
    }

    fn hash_with_salt(&self, password: &str, salt: &[u8]) -> Result<String, Error> {
        self.argon2()
            .hash_password_with_salt(password.as_bytes(), salt)
            .map(|hash| hash.to_string())
            .map_err(|error| Error::Argon2Params(error.to_string()))
    }

    /// Whether `password` matches the stored PHC string, in constant time over the tag. A
    /// stored string that is not an Argon2id hash is an error, not a mismatch, so that a
    /// corrupted row is noticed.
    pub fn verify(&self, password: &str, stored: &str) -> Result<bool, Error> {
        let hash = parse_argon2id(stored)?;
        match self.argon2().verify_password(password.as_bytes(), &hash) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(error) => Err(Error::MalformedPasswordHash(error.to_string())),
        }
    }

    /// Spends the time of one verification for a login name without an account, and answers
    /// `false`, so that a sign-in for an unknown name cannot be told apart by its timing.
    pub fn verify_absent(&self, password: &str) -> bool {
        let salt = [0u8; SALT_BYTES];
        let _ = self.hash_with_salt(password, &salt);
        false
    }

    /// Whether the stored hash was made with other parameters (or another algorithm or
    /// version) and should be replaced after the next successful verification.
    pub fn needs_rehash(&self, stored: &str) -> Result<bool, Error> {
        let hash = parse_argon2id(stored)?;
        let stored_params = Params::try_from(&hash)
            .map_err(|error| Error::MalformedPasswordHash(error.to_string()))?;
        Ok(hash.version != Some(Version::V0x13.into())
            || stored_params.m_cost() != self.params.m_cost()
            || stored_params.t_cost() != self.params.t_cost()
            || stored_params.p_cost() != self.params.p_cost()
            || hash.hash.map(|output| output.len()) != self.params.output_len())
    }
}

/// Reads a stored PHC string and checks that it is Argon2id.
fn parse_argon2id(stored: &str) -> Result<PasswordHash, Error> {
    let hash = PasswordHash::new(stored)
        .map_err(|error| Error::MalformedPasswordHash(error.to_string()))?;
    if hash.algorithm.as_str() != Algorithm::Argon2id.ident().as_str() {
        return Err(Error::MalformedPasswordHash(format!(
            "algorithm {} is not argon2id",
            hash.algorithm
        )));
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::TestRng;

    fn cheap() -> PasswordHasher {
        PasswordHasher::with_params(64, 1, 1).unwrap()
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hasher = cheap();
        let stored = hasher
            .hash("correct horse battery staple", &mut TestRng::new(1))
            .unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
        assert!(
            hasher
                .verify("correct horse battery staple", &stored)
                .unwrap()
        );
        assert!(
            !hasher
                .verify("correct horse battery stable", &stored)
                .unwrap()
        );
        assert!(!hasher.verify("", &stored).unwrap());
    }

    #[test]
    fn salts_come_from_the_rng() {
        let hasher = cheap();
        let a = hasher.hash("same password", &mut TestRng::new(1)).unwrap();
        let b = hasher.hash("same password", &mut TestRng::new(1)).unwrap();
        let c = hasher.hash("same password", &mut TestRng::new(2)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn hashes_made_with_other_parameters_still_verify_and_ask_for_a_rehash() {
        let old = cheap();
        let new = PasswordHasher::with_params(128, 2, 1).unwrap();
        let stored = old
            .hash("correct horse battery staple", &mut TestRng::new(3))
            .unwrap();
        assert!(new.verify("correct horse battery staple", &stored).unwrap());
        assert!(new.needs_rehash(&stored).unwrap());
        assert!(!old.needs_rehash(&stored).unwrap());
    }

    #[test]
    fn stored_strings_that_are_not_argon2id_are_errors() {
        let hasher = cheap();
        assert!(matches!(
            hasher.verify("x", "not a hash"),
            Err(Error::MalformedPasswordHash(_))
        ));
        let argon2i = "$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$\
                       AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert!(matches!(
            hasher.verify("x", argon2i),
            Err(Error::MalformedPasswordHash(_))
        ));
        assert!(hasher.needs_rehash("$bcrypt$").is_err());
    }

    #[test]
    fn invalid_parameters_are_refused() {
        assert!(matches!(
            PasswordHasher::with_params(4, 1, 1),
            Err(Error::Argon2Params(_))
        ));
        assert!(PasswordHasher::with_params(64, 0, 1).is_err());
    }

    #[test]
    fn absent_accounts_never_verify() {
        assert!(!cheap().verify_absent("anything at all"));
    }

    #[test]
    fn the_recommended_parameters_are_owasps() {
        let hasher = PasswordHasher::recommended();
        let stored = hasher
            .hash("correct horse battery staple", &mut TestRng::new(4))
            .unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(
            hasher
                .verify("correct horse battery staple", &stored)
                .unwrap()
        );
        assert!(!hasher.needs_rehash(&stored).unwrap());
    }
}
