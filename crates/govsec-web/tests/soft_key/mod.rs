//! A software security key for tests: an ES256 (P-256) credential that answers WebAuthn
//! registration and sign-in options the way an authenticator and a browser together do —
//! "none" attestation (WebAuthn Level 2 §8.7), authenticator data as §6.1 lays it out, the
//! client data JSON of §5.8.1 and the assertion signature of §6.3.3 — so the handlers can be
//! tested with real, verifiable answers and with forged ones.

use base64ct::{Base64UrlUnpadded, Encoding};
use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::sign::Signer;

/// The origin the test server's relying party (localhost, any port) accepts.
pub const ORIGIN: &str = "http://localhost";

/// One credential on a software key, with its signature counter.
#[derive(Clone)]
pub struct SoftKey {
    key: PKey<Private>,
    x: Vec<u8>,
    y: Vec<u8>,
    /// The credential ID.
    pub id: Vec<u8>,
    /// The signature counter of the next assertion is this plus one.
    pub counter: u32,
}

/// The options a page carries in `data-options`, read back from its HTML.
pub fn page_options(html: &str) -> serde_json::Value {
    let at = html
        .find("data-options=\"")
        .expect("a page with security-key options")
        + "data-options=\"".len();
    let escaped = html[at..].split('"').next().unwrap();
    let text = escaped
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    serde_json::from_str(&text).expect("options are JSON")
}

fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    openssl::sha::sha256(bytes)
}

/// The head of a CBOR data item (RFC 8949 §3): major type and length.
fn cbor_head(out: &mut Vec<u8>, major: u8, length: usize) {
    let major = major << 5;
    match length {
        0..=23 => out.push(major | length as u8),
        24..=255 => out.extend([major | 24, length as u8]),
        _ => {
            out.push(major | 25);
            out.extend((length as u16).to_be_bytes());
        }
    }
}

fn cbor_int(out: &mut Vec<u8>, value: i64) {
    if value >= 0 {
        cbor_head(out, 0, value as usize);
    } else {
        cbor_head(out, 1, (-1 - value) as usize);
    }
}

fn cbor_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    cbor_head(out, 2, bytes.len());
    out.extend(bytes);
}

fn cbor_text(out: &mut Vec<u8>, text: &str) {
    cbor_head(out, 3, text.len());
    out.extend(text.as_bytes());
}

impl SoftKey {
    /// A fresh credential whose ID is `id_seed` repeated 32 times.
    pub fn new(id_seed: u8) -> SoftKey {
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let ec = EcKey::generate(&group).unwrap();
        let mut context = BigNumContext::new().unwrap();
        let (mut x, mut y) = (BigNum::new().unwrap(), BigNum::new().unwrap());
        ec.public_key()
            .affine_coordinates_gfp(&group, &mut x, &mut y, &mut context)
            .unwrap();
        SoftKey {
            x: x.to_vec_padded(32).unwrap(),
            y: y.to_vec_padded(32).unwrap(),
            key: PKey::from_ec_key(ec).unwrap(),
            id: vec![id_seed; 32],
            counter: 0,
        }
    }

    /// The credential ID as the server stores and shows it.
    pub fn id_text(&self) -> String {
        b64(&self.id)
    }

    /// The public key as a COSE_Key (RFC 9053 §7.1.1): EC2, ES256, P-256, x, y.
    fn cose_key(&self) -> Vec<u8> {
        let mut out = Vec::new();
        cbor_head(&mut out, 5, 5);
        for (label, value) in [(1, 2), (3, -7), (-1, 1)] {
            cbor_int(&mut out, label);
            cbor_int(&mut out, value);
        }
        cbor_int(&mut out, -2);
        cbor_bytes(&mut out, &self.x);
        cbor_int(&mut out, -3);
        cbor_bytes(&mut out, &self.y);
        out
    }

    fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
        serde_json::json!({
            "type": kind,
            "challenge": challenge,
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string()
        .into_bytes()
    }

    /// The answer of `navigator.credentials.create` to registration options, as the page's
    /// script sends it.
    pub fn register(&self, options: &serde_json::Value, origin: &str) -> String {
        let key = &options["publicKey"];
        let rp_id = key["rp"]["id"].as_str().unwrap();
        let challenge = key["challenge"].as_str().unwrap();
        let mut auth_data = sha256(rp_id.as_bytes()).to_vec();
        // User present, user verified, attested credential data included (§6.1).
        auth_data.push(0x01 | 0x04 | 0x40);
        auth_data.extend(self.counter.to_be_bytes());
        auth_data.extend([0u8; 16]);
        auth_data.extend((self.id.len() as u16).to_be_bytes());
        auth_data.extend(&self.id);
        auth_data.extend(self.cose_key());
        let mut attestation = Vec::new();
        cbor_head(&mut attestation, 5, 3);
        cbor_text(&mut attestation, "fmt");
        cbor_text(&mut attestation, "none");
        cbor_text(&mut attestation, "attStmt");
        cbor_head(&mut attestation, 5, 0);
        cbor_text(&mut attestation, "authData");
        cbor_bytes(&mut attestation, &auth_data);
        let client_data = Self::client_data("webauthn.create", challenge, origin);
        serde_json::json!({
            "id": self.id_text(),
            "rawId": self.id_text(),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(&client_data),
                "transports": ["usb"],
            },
            "extensions": {},
        })
        .to_string()
    }

    /// The answer of `navigator.credentials.get` to sign-in options, signed by this key with
    /// its next counter value.
    pub fn assert(&mut self, options: &serde_json::Value, origin: &str) -> String {
        let key = &options["publicKey"];
        let rp_id = key["rpId"].as_str().unwrap();
        let challenge = key["challenge"].as_str().unwrap();
        self.counter += 1;
        let mut auth_data = sha256(rp_id.as_bytes()).to_vec();
        auth_data.push(0x01 | 0x04);
        auth_data.extend(self.counter.to_be_bytes());
        let client_data = Self::client_data("webauthn.get", challenge, origin);
        let mut signer = Signer::new(MessageDigest::sha256(), &self.key).unwrap();
        signer.update(&auth_data).unwrap();
        signer.update(&sha256(&client_data)).unwrap();
        let signature = signer.sign_to_vec().unwrap();
        serde_json::json!({
            "id": self.id_text(),
            "rawId": self.id_text(),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(&signature),
                "userHandle": null,
            },
            "extensions": {},
        })
        .to_string()
    }
}
