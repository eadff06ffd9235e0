//! Time-based one-time passwords (RFC 6238) as the authenticator apps implement them:
//! HMAC-SHA-1, 6 digits, 30-second steps counted from the Unix epoch, enrolled with an
//! `otpauth://` URI shown as a QR code.
//!
//! Verification accepts the current step and one step either side (RFC 6238 §5.2 allows a
//! small window for clock drift and transmission delay) and returns the step that matched. The
//! caller stores it and passes it back as `last_used_step`: a code of that step or an earlier one
//! is refused, because RFC 6238 §5.2 says the verifier "MUST NOT accept the second attempt of
//! the OTP after the successful validation has been issued for the first OTP".

use hmac::{Hmac, KeyInit, Mac};
use qrcode::{EcLevel, QrCode};
use rand_core::CryptoRng;
use sha1::Sha1;
use subtle::ConstantTimeEq;

use crate::{Error, LoginName};

/// The length of a step in seconds (RFC 6238 §4.1 X, the default).
pub const TOTP_STEP_SECONDS: u64 = 30;
/// The digits in a code.
pub const TOTP_DIGITS: u32 = 6;
/// How many steps before and after the current one are accepted.
pub const TOTP_WINDOW_STEPS: u64 = 1;
/// The length of a generated secret: 160 bits, the length of the HMAC-SHA-1 output, as RFC 4226
/// §4 (R6) recommends.
pub const TOTP_SECRET_BYTES: usize = 20;
/// The issuer shown in the authenticator app.
pub const TOTP_ISSUER: &str = "govsec";

/// A shared TOTP secret. It is the key to the second factor: store it encrypted, never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

/// Why a TOTP code is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpRejection {
    /// Not six digits.
    Malformed,
    /// No step in the window gives this code.
    Wrong,
    /// The code is for a step at or before the last one accepted.
    Replayed,
}

impl TotpRejection {
    /// A stable machine key for the message catalogue.
    pub fn key(self) -> &'static str {
        match self {
            TotpRejection::Malformed => "totp_malformed",
            TotpRejection::Wrong => "totp_wrong",
            TotpRejection::Replayed => "totp_replayed",
        }
    }
}

impl TotpSecret {
    /// A fresh secret of [`TOTP_SECRET_BYTES`] from `rng`.
    pub fn generate(rng: &mut impl CryptoRng) -> TotpSecret {
        let mut bytes = vec![0u8; TOTP_SECRET_BYTES];
        rng.fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// A secret from its bytes, as decrypted from storage: 16 to 64 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<TotpSecret, Error> {
        if (16..=64).contains(&bytes.len()) {
            Ok(TotpSecret(bytes.to_vec()))
        } else {
            Err(Error::TotpSecretLength(bytes.len()))
        }
    }

    /// A secret from its base32 text.
    pub fn from_base32(text: &str) -> Result<TotpSecret, Error> {
        TotpSecret::from_bytes(&base32_decode(text)?)
    }

    /// The secret's bytes, to encrypt and store.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret in base32, for people who type it into their app instead of scanning.
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// The enrolment URI in the Key URI Format the authenticator apps read:
    /// `otpauth://totp/govsec:LOGIN?secret=…&issuer=govsec&algorithm=SHA1&digits=6&period=30`.
    pub fn otpauth_uri(&self, login: &LoginName) -> String {
        format!(
            "otpauth://totp/{issuer}:{login}?secret={secret}&issuer={issuer}\
             &algorithm=SHA1&digits={TOTP_DIGITS}&period={TOTP_STEP_SECONDS}",
            issuer = percent_encode(TOTP_ISSUER),
            login = percent_encode(login.as_str()),
            secret = self.to_base32(),
        )
    }

    /// The code for the step that contains `unix_time`.
    pub fn code_at(&self, unix_time: u64) -> String {
        format_code(
            hotp(&self.0, unix_time / TOTP_STEP_SECONDS, TOTP_DIGITS),
            TOTP_DIGITS,
        )
    }

    /// Checks a code typed at `now`: the step it belongs to when it is right for the current
    /// step or one either side, and later than `last_used_step`. Spaces are ignored.
    pub fn verify(
        &self,
        code: &str,
        now: u64,
        last_used_step: Option<u64>,
    ) -> Result<u64, TotpRejection> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != TOTP_DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpRejection::Malformed);
        }
        let current = now / TOTP_STEP_SECONDS;
        let mut matched = None;
        for step in current.saturating_sub(TOTP_WINDOW_STEPS)..=current + TOTP_WINDOW_STEPS {
            let expected = format_code(hotp(&self.0, step, TOTP_DIGITS), TOTP_DIGITS);
            if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) {
                matched = Some(step);
            }
        }
        match (matched, last_used_step) {
            (None, _) => Err(TotpRejection::Wrong),
            (Some(step), Some(last)) if step <= last => Err(TotpRejection::Replayed),
            (Some(step), _) => Ok(step),
        }
    }
}

/// HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the counter, dynamic truncation, modulo 10^digits.
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac =
        <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

fn format_code(value: u32, digits: u32) -> String {
    format!("{value:0width$}", width = digits as usize)
}

/// The RFC 4648 §6 base32 alphabet.
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648 §6) without padding, as the Key URI Format asks.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u64::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[((buffer >> bits) & 0x1f) as usize],
            ));
        }
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[((buffer << (5 - bits)) & 0x1f) as usize],
        ));
    }
    out
}

/// Reads base32 without padding, in either case. Text whose length cannot come from whole bytes,
/// or whose unused last bits are not zero, is refused, so every secret has one spelling.
pub fn base32_decode(text: &str) -> Result<Vec<u8>, Error> {
    if matches!(text.len() % 8, 1 | 3 | 6) {
        return Err(Error::InvalidBase32);
    }
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let value = BASE32_ALPHABET
            .iter()
            .position(|&a| a == c.to_ascii_uppercase())
            .ok_or(Error::InvalidBase32)?;
        buffer = (buffer << 5) | value as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    if buffer & ((1 << bits) - 1) != 0 {
        return Err(Error::InvalidBase32);
    }
    Ok(out)
}

/// Percent-encodes everything but RFC 3986 §2.3's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The enrolment URI as a QR code in SVG, to place inline in a page: no XML declaration, no
/// script, no external reference; black modules on white with the quiet zone.
pub fn qr_svg(uri: &str) -> Result<String, Error> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M)
        .map_err(|error| Error::QrCode(error.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::test_rng::TestRng;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    /// RFC 6238 Appendix B, the SHA-1 column: time, 8-digit code.
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        for (time, expected) in RFC_VECTORS {
            let code = format_code(hotp(RFC_SECRET, time / TOTP_STEP_SECONDS, 8), 8);
            assert_eq!(code, expected, "T = {time}");
        }
    }

    #[test]
    fn six_digit_codes_are_the_last_six_of_the_rfc_codes() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        for (time, expected) in RFC_VECTORS {
            assert_eq!(secret.code_at(time), expected[2..], "T = {time}");
        }
    }

    #[test]
    fn rfc_4226_appendix_d_hotp_values() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(format_code(hotp(RFC_SECRET, counter as u64, 6), 6), *code);
        }
    }

    #[test]
    fn the_window_is_one_step_either_side() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        let now = 1_111_111_111;
        let step = now / TOTP_STEP_SECONDS;
        assert_eq!(secret.verify(&secret.code_at(now), now, None), Ok(step));
        assert_eq!(
            secret.verify(&secret.code_at(now - 30), now, None),
            Ok(step - 1)
        );
        assert_eq!(
            secret.verify(&secret.code_at(now + 30), now, None),
            Ok(step + 1)
        );
        assert_eq!(
            secret.verify(&secret.code_at(now - 60), now, None),
            Err(TotpRejection::Wrong)
        );
        assert_eq!(
            secret.verify(&secret.code_at(now + 60), now, None),
            Err(TotpRejection::Wrong)
        );
    }

    #[test]
    fn a_used_step_cannot_be_replayed() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        let now = 1_234_567_890;
        let code = secret.code_at(now);
        let step = secret.verify(&code, now, None).unwrap();
        assert_eq!(
            secret.verify(&code, now + 5, Some(step)),
            Err(TotpRejection::Replayed)
        );
        let earlier = secret.code_at(now - 30);
        assert_eq!(
            secret.verify(&earlier, now, Some(step)),
            Err(TotpRejection::Replayed)
        );
        let next = secret.code_at(now + 30);
        assert_eq!(secret.verify(&next, now + 30, Some(step)), Ok(step + 1));
    }

    #[test]
    fn codes_must_be_six_digits() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        for bad in ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"] {
            assert_eq!(
                secret.verify(bad, 59, None),
                Err(TotpRejection::Malformed),
                "{bad}"
            );
        }
        let spaced = format!("{} {}", &secret.code_at(59)[..3], &secret.code_at(59)[3..]);
        assert!(secret.verify(&spaced, 59, None).is_ok());
    }

    #[test]
    fn the_start_of_the_epoch_has_no_earlier_step() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        assert_eq!(secret.verify(&secret.code_at(0), 0, None), Ok(0));
    }

    #[test]
    fn base32_matches_rfc_4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base32_encode(plain.as_bytes()), encoded);
            assert_eq!(base32_decode(encoded).unwrap(), plain.as_bytes());
            assert_eq!(
                base32_decode(&encoded.to_lowercase()).unwrap(),
                plain.as_bytes()
            );
        }
        assert_eq!(base32_decode("MZXW6YQ="), Err(Error::InvalidBase32));
        assert_eq!(base32_decode("M"), Err(Error::InvalidBase32));
        assert_eq!(base32_decode("MZ"), Err(Error::InvalidBase32));
        assert_eq!(base32_decode("MZXW1"), Err(Error::InvalidBase32));
    }

    #[test]
    fn generated_secrets_are_160_bits_from_the_rng() {
        let secret = TotpSecret::generate(&mut TestRng::new(7));
        assert_eq!(secret.as_bytes().len(), 20);
        assert_eq!(secret.to_base32().len(), 32);
        assert_eq!(
            TotpSecret::from_base32(&secret.to_base32()).unwrap(),
            secret
        );
        assert_ne!(TotpSecret::generate(&mut TestRng::new(8)), secret);
        assert_eq!(format!("{secret:?}"), "TotpSecret(…)");
        assert_eq!(
            TotpSecret::from_bytes(&[0; 10]),
            Err(Error::TotpSecretLength(10))
        );
    }

    #[test]
    fn the_enrolment_uri_encodes_the_label() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        let login = LoginName::parse("chen.ming@boca.gov.tw").unwrap();
        assert_eq!(
            secret.otpauth_uri(&login),
            "otpauth://totp/govsec:chen.ming%40boca.gov.tw?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=govsec&algorithm=SHA1&digits=6&period=30"
        );
    }

    #[test]
    fn the_qr_code_is_a_self_contained_svg() {
        let secret = TotpSecret::from_bytes(RFC_SECRET).unwrap();
        let uri = secret.otpauth_uri(&LoginName::parse("officer").unwrap());
        let svg = qr_svg(&uri).unwrap();
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>"));
        let lowered = svg.to_lowercase();
        for forbidden in [
            "<script",
            "href",
            "<?xml",
            "url(",
            "<image",
            "<foreignobject",
            " on",
        ] {
            assert!(!lowered.contains(forbidden), "{forbidden}");
        }
        assert!(qr_svg(&"x".repeat(8000)).is_err());
    }

    proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            let encoded = base32_encode(&bytes);
            prop_assert!(!encoded.contains('='));
            prop_assert_eq!(base32_decode(&encoded).unwrap(), bytes);
        }

        #[test]
        fn a_code_verifies_within_thirty_seconds_but_not_ninety(
            seed in any::<u64>(),
            now in 90u64..4_000_000_000,
        ) {
            let secret = TotpSecret::generate(&mut TestRng::new(seed));
            let code = secret.code_at(now);
            prop_assert_eq!(secret.verify(&code, now, None), Ok(now / 30));
            prop_assert!(secret.verify(&code, now + 30, None).is_ok());
            prop_assert!(secret.verify(&code, now - 30, None).is_ok());
            // Three steps away the code is refused, unless a step in that window happens to
            // have the same code (one chance in a million per step).
            for far in [now + 90, now - 90] {
                let collides = [far - 30, far, far + 30]
                    .iter()
                    .any(|&time| secret.code_at(time) == code);
                prop_assert_eq!(secret.verify(&code, far, None).is_ok(), collides);
            }
        }
    }
}
