//! Webhook secrets at rest: the relay must sign with an agency's webhook secret, so the
//! registry cannot keep only a hash. Each is sealed with AES-256-GCM under
//! `AGENCY_SECRETS_KEY` (64 hex characters, a Worker secret; `_PREVIOUS` opens what an
//! older key sealed while that key is rotated), bound to its agency by the associated
//! data. The operator CLI (`scripts/agency.mjs`) seals, and so does the console when an
//! admin rotates the webhook secret; the relay opens.
//!
//! Sealed form: `v1:<key id>:<nonce hex>:<ciphertext+tag hex>`, the key id being the
//! first 8 hex characters of the key's SHA-256.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};

/// A sealing key: 32 bytes.
pub struct SealKey {
    id: String,
    cipher: Aes256Gcm,
}

impl SealKey {
    /// From the secret's text: exactly 64 hex characters.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok().filter(|b| b.len() == 32)?;
        Some(SealKey {
            id: hex::encode(&Sha256::digest(&bytes)[..4]),
            cipher: Aes256Gcm::new_from_slice(&bytes).ok()?,
        })
    }
}

/// Opens `sealed` for `agency_id` with whichever of `keys` sealed it.
pub fn open(sealed: &str, agency_id: &str, keys: &[SealKey]) -> Option<String> {
    let mut parts = sealed.split(':');
    let (Some("v1"), Some(kid), Some(nonce), Some(ct), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let key = keys.iter().find(|k| k.id == kid)?;
    let nonce = hex::decode(nonce).ok().filter(|n| n.len() == 12)?;
    let ct = hex::decode(ct).ok()?;
    let plain = key
        .cipher
        .decrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &ct,
                aad: agency_id.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok()
}

/// Seals `secret` for `agency_id` with `key` and a fresh `nonce` (random, never reused).
pub fn seal(secret: &str, agency_id: &str, key: &SealKey, nonce: [u8; 12]) -> Option<String> {
    let ct = key
        .cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: agency_id.as_bytes(),
            },
        )
        .ok()?;
    Some(format!(
        "v1:{}:{}:{}",
        key.id,
        hex::encode(nonce),
        hex::encode(ct)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const K2: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

    #[test]
    fn opens_with_the_key_that_sealed_for_the_same_agency_only() {
        let k1 = SealKey::from_hex(K1).unwrap();
        let sealed = seal("whsec_abc", "ag_1", &k1, [7; 12]).unwrap();
        let ring = [
            SealKey::from_hex(K2).unwrap(),
            SealKey::from_hex(K1).unwrap(),
        ];
        assert_eq!(open(&sealed, "ag_1", &ring).as_deref(), Some("whsec_abc"));
        assert_eq!(open(&sealed, "ag_2", &ring), None, "bound to its agency");
        assert_eq!(open(&sealed, "ag_1", &ring[..1]), None, "key rotated away");
        let mut tampered = sealed.clone();
        tampered.replace_range(tampered.len() - 2.., "00");
        assert_eq!(open(&tampered, "ag_1", &ring), None);
        assert_eq!(open("v1:x", "ag_1", &ring), None);
    }

    #[test]
    fn only_32_byte_hex_keys() {
        assert!(SealKey::from_hex(&K1[..62]).is_none());
        assert!(SealKey::from_hex("zz").is_none());
        assert!(SealKey::from_hex(K1).is_some());
    }

    /// The CLI seals with node's crypto: this value came from `scripts/agency.mjs`'s
    /// `seal("whsec_node", "ag_node", K1)`, so the two sides agree on the format.
    #[test]
    fn opens_what_the_cli_seals() {
        let ring = [SealKey::from_hex(K1).unwrap()];
        let from_cli = include_str!("sealed_by_cli.txt").trim();
        assert_eq!(
            open(from_cli, "ag_node", &ring).as_deref(),
            Some("whsec_node")
        );
    }
}
