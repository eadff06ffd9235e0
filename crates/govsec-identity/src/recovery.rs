//! One-time recovery codes, for the day a user loses the authenticator.
//!
//! Ten codes such as `k7qm-3xpd-9vfa`: 12 characters from a 31-character alphabet without the
//! look-alikes 0/o, 1/l/i, so about 59 bits each, drawn from the caller's random number
//! generator without modulo bias (OWASP Multifactor Authentication Cheat Sheet, "backup codes").
//!
//! They are stored as SHA-256 hashes, not with Argon2. A slow hash is there for secrets people
//! choose, which fall to a dictionary; these are uniformly random, so there is no dictionary and
//! a stolen hash must be searched blindly: about 2^58 SHA-256 evaluations on average for one
//! code, on the order of a year for one GPU (a month for any one of the ten), and a code is
//! worthless without the password. A fast hash lets the store compare a typed code with ten
//! stored hashes in microseconds; ten Argon2 runs per attempt would hand anyone a way to tie up
//! the server. This is a deliberate trade-off for codes a person can type: NIST SP 800-63B
//! (rev. 3 §5.1.2.2) asks for a salted key-derivation function for look-up secrets below 112
//! bits. The
//! throttle limits online guessing as it does for passwords.
//!
//! One-time use is the store's job: it deletes (or marks used) the matched hash in the same
//! transaction that accepts the sign-in, so two concurrent requests cannot both use one code.

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How many codes a user gets at a time.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// The characters of a code: digits and lower-case letters without 0, 1, i, l and o.
pub const RECOVERY_ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// The characters in a code, without its hyphens.
pub const RECOVERY_CODE_CHARS: usize = 12;

/// A recovery code as shown to the user, once.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

/// The SHA-256 of a normalised recovery code: what the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecoveryCodeHash(pub [u8; 32]);

impl RecoveryCode {
    /// The code in groups of four, `k7qm-3xpd-9vfa`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its hash, to store.
    pub fn hash(&self) -> RecoveryCodeHash {
        hash_normalised(&normalise(&self.0))
    }
}

/// A fresh set of [`RECOVERY_CODE_COUNT`] codes. Show them once; store only their hashes,
/// replacing every earlier set.
pub fn generate_recovery_codes(rng: &mut impl CryptoRng) -> Vec<RecoveryCode> {
    (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            let mut code = String::with_capacity(RECOVERY_CODE_CHARS + 2);
            let mut drawn = 0;
            while drawn < RECOVERY_CODE_CHARS {
                let mut byte = [0u8; 1];
                rng.fill_bytes(&mut byte);
                // 248 = 8 × 31: rejecting the bytes above keeps every character equally likely.
                if usize::from(byte[0]) < 8 * RECOVERY_ALPHABET.len() {
                    if drawn > 0 && drawn % 4 == 0 {
                        code.push('-');
                    }
                    code.push(char::from(
                        RECOVERY_ALPHABET[usize::from(byte[0]) % RECOVERY_ALPHABET.len()],
                    ));
                    drawn += 1;
                }
            }
            RecoveryCode(code)
        })
        .collect()
}

/// The code as typed, lower-cased, without spaces and hyphens.
fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

fn hash_normalised(normalised: &str) -> RecoveryCodeHash {
    RecoveryCodeHash(Sha256::digest(normalised.as_bytes()).into())
}

/// Which of the stored hashes the typed code matches, if any: its index, so the store can
/// delete exactly that one. Case, spaces and hyphens do not matter. Every stored hash is
/// compared, in constant time, whatever matches.
pub fn match_recovery_code(typed: &str, stored: &[RecoveryCodeHash]) -> Option<usize> {
    let normalised = normalise(typed);
    if normalised.chars().count() != RECOVERY_CODE_CHARS {
        return None;
    }
    let typed = hash_normalised(&normalised);
    let mut found = None;
    for (index, hash) in stored.iter().enumerate() {
        if bool::from(hash.0.ct_eq(&typed.0)) {
            found = Some(index);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use proptest::prelude::*;

    use super::*;
    use crate::test_rng::TestRng;

    #[test]
    fn ten_distinct_codes_in_the_unambiguous_alphabet() {
        let codes = generate_recovery_codes(&mut TestRng::new(1));
        assert_eq!(codes.len(), 10);
        let unique: HashSet<_> = codes.iter().map(RecoveryCode::as_str).collect();
        assert_eq!(unique.len(), 10);
        for code in &codes {
            let text = code.as_str();
            assert_eq!(text.len(), 14, "{text}");
            assert_eq!(&text[4..5], "-");
            assert_eq!(&text[9..10], "-");
            assert!(
                text.bytes()
                    .filter(|&b| b != b'-')
                    .all(|b| RECOVERY_ALPHABET.contains(&b))
            );
            assert!(!text.contains(['0', 'o', '1', 'l', 'i']));
        }
        assert_eq!(
            generate_recovery_codes(&mut TestRng::new(1)),
            codes,
            "deterministic for one seed"
        );
    }

    #[test]
    fn codes_match_however_they_are_typed() {
        let codes = generate_recovery_codes(&mut TestRng::new(2));
        let stored: Vec<_> = codes.iter().map(RecoveryCode::hash).collect();
        let third = codes[2].as_str();
        assert_eq!(match_recovery_code(third, &stored), Some(2));
        assert_eq!(match_recovery_code(&third.to_uppercase(), &stored), Some(2));
        let spaced = third.replace('-', " ");
        assert_eq!(
            match_recovery_code(&format!("  {spaced} "), &stored),
            Some(2)
        );
        assert_eq!(
            match_recovery_code(&third.replace('-', ""), &stored),
            Some(2)
        );
        assert_eq!(match_recovery_code("2222-2222-2222", &stored), None);
        assert_eq!(match_recovery_code("", &stored), None);
        assert_eq!(match_recovery_code(third, &stored[3..]), None);
    }

    #[test]
    fn the_hash_is_sha256_of_the_normalised_code() {
        let code = RecoveryCode("k7qm-3xpd-9vfa".to_owned());
        let expected: [u8; 32] = Sha256::digest(b"k7qm3xpd9vfa").into();
        assert_eq!(code.hash(), RecoveryCodeHash(expected));
        assert_eq!(format!("{code:?}"), "RecoveryCode(…)");
    }

    proptest! {
        #[test]
        fn every_generated_code_matches_only_itself(seed in any::<u64>()) {
            let codes = generate_recovery_codes(&mut TestRng::new(seed));
            let stored: Vec<_> = codes.iter().map(RecoveryCode::hash).collect();
            for (index, code) in codes.iter().enumerate() {
                prop_assert_eq!(match_recovery_code(code.as_str(), &stored), Some(index));
            }
        }
    }
}
