//! Client tokens: what an agency's server fixes for one applicant's visit
//! (`POST /v1/agency/sessions`), sealed so the page carries it without reading or
//! changing it, and opened once by `POST /v1/sessions`.
//!
//! Form: `ct_<resume>.<kid>.<sealed>`. `sealed` is base64url of a 12-byte nonce and the
//! AES-256-GCM ciphertext of the grant's JSON, under a key derived from the session
//! key (`kid` names which, as session tokens do, so `SESSION_TOKEN_KEY` rotates with
//! the same overlap); `ct_<resume>.<kid>` is the associated data. Nothing is stored
//! until the token is used: the prefill (personal data) lives only in the page that
//! the agency served to that applicant.
//!
//! `resume` (16 base64url characters, public) is what the widget keys its saved
//! progress by: a keyed hash of the agency and its reference, so a reload with a new
//! token for the same applicant resumes, and a token for another applicant in the same
//! tab never shows the first one's application; random when there is no reference.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use onboarding_core::model::api::Prefill;
use onboarding_core::token::{Grant, key_id};

/// The prefix of every client token.
pub const PREFIX: &str = "ct_";
/// Longest client token looked at.
const MAX_LEN: usize = 4096;

/// What a client token carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The agency (`ag_…`).
    pub agency: String,
    /// Its publishable key when the token was made (the session token's audience).
    pub publishable_key: String,
    /// The session id the token opens: one per token, so whatever opens it twice
    /// lands in the same session (and its one tenant).
    pub session: String,
    /// Unix seconds: the token, and the session it opens, end here.
    pub expires_at: i64,
    /// The agency's reference for the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_reference: Option<String>,
    /// The property.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The rent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_amount: Option<String>,
    /// The form's first values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    /// The widget's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl Sealed {
    /// What the session token keeps of it (the rest goes to the widget once).
    pub fn grant(&self) -> Grant {
        Grant {
            external_reference: self.external_reference.clone(),
            product_id: self.product_id.clone(),
            requested_amount: self.requested_amount.clone(),
        }
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for p in parts {
        m.update(p);
        m.update(b"\0");
    }
    m.finalize().into_bytes().into()
}

fn cipher(session_key: &[u8]) -> Aes256Gcm {
    let key = hmac(session_key, &[b"client-token-seal"]);
    Aes256Gcm::new_from_slice(&key).unwrap_or_else(|_| unreachable!("a 32-byte key"))
}

/// The resume tag of a grant: keyed hash of agency and reference, or `random` bytes.
fn resume_tag(session_key: &[u8], sealed: &Sealed, random: [u8; 12]) -> String {
    match &sealed.external_reference {
        Some(r) => URL_SAFE_NO_PAD.encode(
            &hmac(
                session_key,
                &[
                    b"client-token-resume",
                    sealed.agency.as_bytes(),
                    r.as_bytes(),
                ],
            )[..12],
        ),
        None => URL_SAFE_NO_PAD.encode(random),
    }
}

/// Seals `sealed` under `session_key` (the key in force) with `nonce`; `random` makes
/// the resume tag of a grant without a reference.
pub fn seal(sealed: &Sealed, session_key: &[u8], nonce: [u8; 12], random: [u8; 12]) -> String {
    let head = [
        PREFIX,
        &resume_tag(session_key, sealed, random),
        ".",
        &key_id(session_key),
    ]
    .concat();
    let plain = serde_json::to_vec(sealed).unwrap_or_default();
    let ct = cipher(session_key)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: head.as_bytes(),
            },
        )
        .unwrap_or_default();
    let mut body = nonce.to_vec();
    body.extend_from_slice(&ct);
    [head, ".".into(), URL_SAFE_NO_PAD.encode(body)].concat()
}

/// Opens a client token with the ring's key it names, if it is one of ours and not
/// past its expiry at `now` (unix seconds). Whether it was used before is the
/// caller's to check.
pub fn open(token: &str, ring: &[&[u8]], now: i64) -> Option<Sealed> {
    if token.len() > MAX_LEN {
        return None;
    }
    let (head, body) = token.rsplit_once('.')?;
    let (_, kid) = head.strip_prefix(PREFIX)?.split_once('.')?;
    let key = ring.iter().find(|k| key_id(k) == kid)?;
    let body = URL_SAFE_NO_PAD.decode(body).ok()?;
    if body.len() < 12 {
        return None;
    }
    let (nonce, ct) = body.split_at(12);
    let plain = cipher(key)
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: head.as_bytes(),
            },
        )
        .ok()?;
    let sealed: Sealed = serde_json::from_slice(&plain).ok()?;
    (now < sealed.expires_at).then_some(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test-session-key-0123456789abcdef";
    const OLD: &[u8] = b"older-session-key-0123456789abcde";

    fn sealed(reference: Option<&str>) -> Sealed {
        Sealed {
            agency: "ag_1".into(),
            publishable_key: "pk_test_1".into(),
            session: "5e55".into(),
            expires_at: 1_000,
            external_reference: reference.map(str::to_owned),
            product_id: Some("PISO-7".into()),
            requested_amount: None,
            prefill: Some(Prefill {
                email: Some("ana@example.es".into()),
                ..Prefill::default()
            }),
            locale: Some("ca".into()),
        }
    }

    #[test]
    fn opens_what_it_sealed_until_expiry_and_with_the_previous_key() {
        let s = sealed(Some("CRM-1"));
        let t = seal(&s, KEY, [1; 12], [2; 12]);
        assert!(t.starts_with("ct_"));
        assert!(!t.contains("ana@example.es") && !t.contains("CRM-1"));
        assert_eq!(open(&t, &[KEY], 999), Some(s.clone()));
        assert_eq!(open(&t, &[KEY], 1_000), None, "expiry is exclusive");
        assert_eq!(open(&t, &[OLD], 0), None, "another key");
        let old = seal(&s, OLD, [1; 12], [2; 12]);
        assert_eq!(open(&old, &[KEY, OLD], 0), Some(s));
    }

    #[test]
    fn nothing_in_it_can_be_changed() {
        let t = seal(&sealed(Some("CRM-1")), KEY, [1; 12], [2; 12]);
        // Another resume tag, a flipped ciphertext byte, a cut: all refused.
        let (head, body) = t.rsplit_once('.').unwrap();
        let other_tag = format!("ct_AAAAAAAAAAAAAAAA{}", &head[19..]);
        assert_eq!(open(&format!("{other_tag}.{body}"), &[KEY], 0), None);
        let mut raw = URL_SAFE_NO_PAD.decode(body).unwrap();
        raw[20] ^= 1;
        let flipped = format!("{head}.{}", URL_SAFE_NO_PAD.encode(&raw));
        assert_eq!(open(&flipped, &[KEY], 0), None);
        assert_eq!(open(&t[..t.len() - 2], &[KEY], 0), None);
        assert_eq!(open("ct_x", &[KEY], 0), None);
    }

    #[test]
    fn the_resume_tag_follows_the_applicant_not_the_token() {
        let tag = |t: &str| t.split('.').next().unwrap().to_owned();
        let a1 = seal(&sealed(Some("CRM-1")), KEY, [1; 12], [2; 12]);
        let a2 = seal(&sealed(Some("CRM-1")), KEY, [3; 12], [4; 12]);
        let b = seal(&sealed(Some("CRM-2")), KEY, [1; 12], [2; 12]);
        assert_eq!(tag(&a1), tag(&a2));
        assert_ne!(tag(&a1), tag(&b));
        let n1 = seal(&sealed(None), KEY, [1; 12], [2; 12]);
        let n2 = seal(&sealed(None), KEY, [1; 12], [5; 12]);
        assert_ne!(tag(&n1), tag(&n2), "no reference: nothing to resume by");
        assert_eq!(tag(&a1).len(), 3 + 16);
    }
}
