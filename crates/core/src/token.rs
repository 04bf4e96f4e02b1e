//! Session tokens: `v2.<kid>.<payload>.<mac>`, the last three parts unpadded base64url.
//!
//! `kid` names the signing key ([`key_id`]: 6 bytes of its SHA-256), so the edge can
//! rotate `SESSION_TOKEN_KEY` with an overlap: a token is verified with the one key of
//! the ring whose id it carries (the current key, or the previous one during a
//! rotation), one MAC per token whatever the ring holds.
//!
//! The payload is a small binary encoding (no JSON): for each of publishable key,
//! origin, session id and tenant id a big-endian `u16` length and the UTF-8 bytes (tenant id: a
//! presence byte first, and after it the tenant's first token time as a big-endian `i64`
//! and its token generation as a big-endian `u32`), then the expiry as a big-endian
//! `i64` of unix seconds; a session opened with an agency's client token then has a
//! `1` and its [`Grant`]'s three fields (each a presence byte and, if present, a
//! string), which tokens without one simply end before (so older tokens still decode).
//! The MAC
//! is HMAC-SHA256 over the ASCII text `v2.<kid>.<payload>`, compared in constant time.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const PREFIX: &str = "v2";
/// Shortest signing key accepted (bytes): [`issue`] and [`verify_signed`] refuse
/// shorter ones, so a weak key is a configuration error, not a forgeable token.
pub const MIN_KEY_LEN: usize = 32;
/// Longest token [`verify`] looks at.
pub const MAX_TOKEN_LEN: usize = 4096;

/// What a token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    /// The agency's publishable key (`pk_…`).
    pub publishable_key: String,
    /// The browser origin the session was opened from.
    pub origin: String,
    /// A random id (from the platform's CSPRNG) of the browser session, kept by the
    /// tenant-bound tokens issued from it. Two sessions never share a token, so it
    /// scopes per-session rate limits and idempotency keys.
    pub session_id: String,
    /// The tenant the token is bound to, once created.
    pub tenant_id: Option<String>,
    /// Expiry, unix seconds.
    pub expires_at: i64,
    /// Tenant tokens: when the tenant's first token was issued (unix seconds); renewals
    /// keep it, and stop at an absolute lifetime from it. 0 for a session token.
    pub since: i64,
    /// Tenant tokens: the tenant's token generation when issued; the agency revokes
    /// the applicant's access by moving the tenant to the next one. 0 for a session
    /// token.
    pub generation: u32,
    /// What the agency's server fixed for the session (`POST /v1/agency/sessions`):
    /// the browser can neither change nor add to it. `None` for a session opened with
    /// the publishable key alone, and for tenant tokens (the tenant keeps it).
    pub grant: Option<Grant>,
}

/// What an agency's client token fixes for the session it opens: the agency's own
/// record key and the product, taken from here at tenant creation whatever the
/// browser sends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    /// The agency's reference for the applicant (`externalReference`).
    pub external_reference: Option<String>,
    /// The property (`product.productId`).
    pub product_id: Option<String>,
    /// The monthly rent (`product.requestedAmount`).
    pub requested_amount: Option<String>,
}

impl SessionClaims {
    /// Whether the token is bound to `tenant_id`.
    pub fn is_for_tenant(&self, tenant_id: &str) -> bool {
        self.tenant_id.as_deref() == Some(tenant_id)
    }
}

/// Who a token must be for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// Expected publishable key.
    pub publishable_key: String,
    /// Expected origin.
    pub origin: String,
}

impl Audience {
    /// An audience.
    pub fn new(publishable_key: impl Into<String>, origin: impl Into<String>) -> Self {
        Audience {
            publishable_key: publishable_key.into(),
            origin: origin.into(),
        }
    }
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a token of this format.
    #[error("malformed session token")]
    Malformed,
    /// The MAC does not match (tampered, or another key).
    #[error("session token signature mismatch")]
    BadSignature,
    /// Past its expiry.
    #[error("session token expired at {expired_at}")]
    Expired {
        /// When it expired (unix seconds).
        expired_at: i64,
    },
    /// Issued for another publishable key or origin.
    #[error("session token issued for another key or origin")]
    WrongAudience,
    /// Signed with a key that is not in the ring (retired, or never ours).
    #[error("session token signed with an unknown key")]
    UnknownKey,
}

/// The id a token carries for `key`: 6 bytes of its SHA-256, base64url (8 characters).
/// Public: it says which key, not what the key is.
pub fn key_id(key: &[u8]) -> String {
    use sha2::Digest as _;
    URL_SAFE_NO_PAD.encode(&Sha256::digest(key)[..6])
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // Lengths over u16::MAX are truncated at a char boundary; keys and origins are short.
    let mut end = s.len().min(usize::from(u16::MAX));
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    out.extend_from_slice(&(end as u16).to_be_bytes());
    out.extend_from_slice(&s.as_bytes()[..end]);
}

fn encode(claims: &SessionClaims) -> Vec<u8> {
    let mut out = Vec::with_capacity(claims.publishable_key.len() + claims.origin.len() + 32);
    put_str(&mut out, &claims.publishable_key);
    put_str(&mut out, &claims.origin);
    put_str(&mut out, &claims.session_id);
    match &claims.tenant_id {
        Some(t) => {
            out.push(1);
            put_str(&mut out, t);
            out.extend_from_slice(&claims.since.to_be_bytes());
            out.extend_from_slice(&claims.generation.to_be_bytes());
        }
        None => out.push(0),
    }
    out.extend_from_slice(&claims.expires_at.to_be_bytes());
    if let Some(g) = &claims.grant {
        out.push(1);
        for field in [&g.external_reference, &g.product_id, &g.requested_amount] {
            match field {
                Some(v) => {
                    out.push(1);
                    put_str(&mut out, v);
                }
                None => out.push(0),
            }
        }
    }
    out
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn string(&mut self) -> Option<String> {
        let len = u16::from_be_bytes(self.take(2)?.try_into().ok()?);
        String::from_utf8(self.take(usize::from(len))?.to_vec()).ok()
    }
    /// A presence byte, then the string if present; `None` for a malformed one.
    fn optional(&mut self) -> Option<Option<String>> {
        match self.take(1)? {
            [0] => Some(None),
            [1] => Some(Some(self.string()?)),
            _ => None,
        }
    }
}

fn decode(bytes: &[u8]) -> Option<SessionClaims> {
    let mut r = Reader(bytes);
    let publishable_key = r.string()?;
    let origin = r.string()?;
    let session_id = r.string()?;
    let (tenant_id, since, generation) = match r.take(1)? {
        [0] => (None, 0, 0),
        [1] => (
            Some(r.string()?),
            i64::from_be_bytes(r.take(8)?.try_into().ok()?),
            u32::from_be_bytes(r.take(4)?.try_into().ok()?),
        ),
        _ => return None,
    };
    let expires_at = i64::from_be_bytes(r.take(8)?.try_into().ok()?);
    let grant = match r.0.first() {
        None => None,
        Some(1) => {
            r.take(1)?;
            Some(Grant {
                external_reference: r.optional()?,
                product_id: r.optional()?,
                requested_amount: r.optional()?,
            })
        }
        Some(_) => return None,
    };
    if !r.0.is_empty() {
        return None;
    }
    Some(SessionClaims {
        publishable_key,
        origin,
        session_id,
        tenant_id,
        expires_at,
        since,
        generation,
        grant,
    })
}

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// Issues a token for `claims`, signed with `key` (which should be at least
/// [`MIN_KEY_LEN`] bytes; the edge refuses shorter keys at configuration).
pub fn issue(claims: &SessionClaims, key: &[u8]) -> String {
    let mut token = String::with_capacity(170);
    token.push_str(PREFIX);
    token.push('.');
    token.push_str(&key_id(key));
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(encode(claims), &mut token);
    let mut m = mac(key);
    m.update(token.as_bytes());
    let tag = m.finalize().into_bytes();
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag, &mut token);
    token
}

/// Verifies a token at unix time `now` for the `expected` audience.
///
/// The checks run in this order: format, signature (constant time), expiry, audience.
///
/// # Errors
///
/// [`TokenError::Malformed`], [`TokenError::BadSignature`], [`TokenError::Expired`]
/// (`now >= expires_at`) or [`TokenError::WrongAudience`].
pub fn verify(
    token: &str,
    keys: &[&[u8]],
    now: i64,
    expected: &Audience,
) -> Result<SessionClaims, TokenError> {
    let claims = verify_signed(token, keys, now)?;
    if claims.publishable_key != expected.publishable_key || claims.origin != expected.origin {
        return Err(TokenError::WrongAudience);
    }
    Ok(claims)
}

/// Verifies a token's format, signature (constant time) and expiry at unix time `now`
/// against the key of `keys` whose [`key_id`] it carries, and returns what it says,
/// for a caller that then decides the audience from the claims itself (one MAC per
/// request, instead of one per candidate audience or key).
///
/// # Errors
///
/// [`TokenError::Malformed`], [`TokenError::UnknownKey`] (no key of the ring has the
/// token's id, or the matching key is shorter than [`MIN_KEY_LEN`]),
/// [`TokenError::BadSignature`] or [`TokenError::Expired`].
pub fn verify_signed(token: &str, keys: &[&[u8]], now: i64) -> Result<SessionClaims, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::Malformed);
    }
    let (signed, tag_b64) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let mut parts = signed.splitn(3, '.');
    let (Some(prefix), Some(kid), Some(payload_b64)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    if prefix != PREFIX || payload_b64.contains('.') {
        return Err(TokenError::Malformed);
    }
    let key = keys
        .iter()
        .copied()
        .find(|k| k.len() >= MIN_KEY_LEN && key_id(k) == kid)
        .ok_or(TokenError::UnknownKey)?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| TokenError::Malformed)?;
    let tag = URL_SAFE_NO_PAD
        .decode(tag_b64)
        .map_err(|_| TokenError::Malformed)?;
    if tag.len() != 32 {
        return Err(TokenError::Malformed);
    }
    let mut m = mac(key);
    m.update(signed.as_bytes());
    m.verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
    let claims = decode(&payload).ok_or(TokenError::Malformed)?;
    if now >= claims.expires_at {
        return Err(TokenError::Expired {
            expired_at: claims.expires_at,
        });
    }
    Ok(claims)
}

/// A live-status ticket: 16 random bytes (the `nonce`, from the caller) and a MAC
/// under the session key binding them to one tenant, 64 lowercase hex characters in
/// all. The edge checks the MAC before it reaches any object, so a ticket for an id it
/// never issued (or another tenant's) is refused without instantiating anything, and
/// the answer is the same whether the tenant exists or not; the tenant's object then
/// redeems the nonce once.
pub fn live_ticket(key: &[u8], tenant_id: &str, nonce: &[u8; 16]) -> String {
    let mut out = hex::encode(nonce);
    let tag = ticket_mac(key, tenant_id, &out).finalize().into_bytes();
    out.push_str(&hex::encode(&tag[..16]));
    out
}

fn ticket_mac(key: &[u8], tenant_id: &str, nonce_hex: &str) -> HmacSha256 {
    let mut m = mac(key);
    m.update(b"live-ticket\0");
    m.update(tenant_id.as_bytes());
    m.update(b"\0");
    m.update(nonce_hex.as_bytes());
    m
}

/// The nonce of `ticket` when it is one of [`live_ticket`]'s for `tenant_id` under any
/// of `keys` (the key in force, then the previous one during a rotation); `None`
/// otherwise (malformed, another tenant's, forged).
pub fn verify_live_ticket<'t>(ticket: &'t str, tenant_id: &str, keys: &[&[u8]]) -> Option<&'t str> {
    if ticket.len() != 64
        || !ticket
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    let (nonce, tag) = ticket.split_at(32);
    let tag = hex::decode(tag).ok()?;
    keys.iter()
        .any(|key| {
            ticket_mac(key, tenant_id, nonce)
                .verify_truncated_left(&tag)
                .is_ok()
        })
        .then_some(nonce)
}

#[cfg(test)]
mod tests {
    // In a browser (`wasm-pack test`), each `#[test]` runs under wasm-bindgen-test.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const KEY: &[u8] = b"test-session-key-0123456789abcdef";
    const ANOTHER: &[u8] = b"another-session-key-0123456789ab";

    fn claims(tenant: Option<&str>) -> SessionClaims {
        SessionClaims {
            publishable_key: "pk_test_demo".into(),
            origin: "https://agency.example".into(),
            session_id: "0123456789abcdef0123456789abcdef".into(),
            tenant_id: tenant.map(str::to_owned),
            expires_at: 1_700_000_900,
            since: if tenant.is_some() { 1_699_990_000 } else { 0 },
            generation: u32::from(tenant.is_some()) * 7,
            grant: None,
        }
    }

    fn aud() -> Audience {
        Audience::new("pk_test_demo", "https://agency.example")
    }

    #[test]
    fn round_trip() {
        for c in [claims(None), claims(Some("ten_123")), claims(Some(""))] {
            let t = issue(&c, KEY);
            assert!(t.starts_with("v2."));
            assert!(
                t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            );
            assert_eq!(verify(&t, &[KEY], 1_700_000_000, &aud()), Ok(c));
        }
        let c = claims(Some("ten_1"));
        assert!(
            verify(&issue(&c, KEY), &[KEY], 0, &aud())
                .unwrap()
                .is_for_tenant("ten_1")
        );
        assert!(!c.is_for_tenant("ten_2"));
    }

    #[test]
    fn a_grant_round_trips_and_tokens_without_one_still_decode() {
        let granted = SessionClaims {
            grant: Some(Grant {
                external_reference: Some("CRM-42".into()),
                product_id: None,
                requested_amount: Some("950.00".into()),
            }),
            ..claims(None)
        };
        let t = issue(&granted, KEY);
        assert_eq!(verify(&t, &[KEY], 0, &aud()), Ok(granted.clone()));
        // An empty grant is still a grant (the session was opened by the agency).
        let empty = SessionClaims {
            grant: Some(Grant::default()),
            ..claims(None)
        };
        assert_eq!(verify(&issue(&empty, KEY), &[KEY], 0, &aud()), Ok(empty));
        // Before grants, the payload ended at the expiry: such a token reads as none.
        let plain = encode(&claims(None));
        assert_eq!(decode(&plain), Some(claims(None)));
        // A grant cut short, or a marker that is not one, is malformed.
        let mut full = encode(&granted);
        full.pop();
        assert_eq!(decode(&full), None);
        let mut odd = plain.clone();
        odd.push(2);
        assert_eq!(decode(&odd), None);
    }

    #[test]
    fn sessions_opened_together_get_different_tokens() {
        let a = claims(None);
        let b = SessionClaims {
            session_id: "fedcba9876543210fedcba9876543210".into(),
            ..a.clone()
        };
        assert_ne!(issue(&a, KEY), issue(&b, KEY));
    }

    #[test]
    fn unicode_and_long_fields() {
        let c = SessionClaims {
            publishable_key: "pk_ñ".into(),
            origin: "https://exámple.es:8443".into(),
            session_id: "s".repeat(40),
            tenant_id: Some("t".repeat(300)),
            expires_at: i64::MAX,
            since: i64::MIN,
            generation: u32::MAX,
            grant: None,
        };
        let t = issue(&c, KEY);
        let a = Audience::new("pk_ñ", "https://exámple.es:8443");
        assert_eq!(verify(&t, &[KEY], i64::MAX - 1, &a), Ok(c));
    }

    #[test]
    fn expiry_is_exclusive() {
        let t = issue(&claims(None), KEY);
        assert!(verify(&t, &[KEY], 1_700_000_899, &aud()).is_ok());
        assert_eq!(
            verify(&t, &[KEY], 1_700_000_900, &aud()),
            Err(TokenError::Expired {
                expired_at: 1_700_000_900
            })
        );
    }

    #[test]
    fn verify_signed_checks_signature_and_expiry_but_not_audience() {
        let t = issue(&claims(Some("ten_1")), KEY);
        assert_eq!(
            verify_signed(&t, &[KEY], 1_700_000_000),
            Ok(claims(Some("ten_1")))
        );
        assert_eq!(
            verify_signed(&t, &[ANOTHER], 1_700_000_000),
            Err(TokenError::UnknownKey)
        );
        assert!(matches!(
            verify_signed(&t, &[KEY], 1_700_000_900),
            Err(TokenError::Expired { .. })
        ));
        assert_eq!(verify_signed("v2.x", &[KEY], 0), Err(TokenError::Malformed));
    }

    #[test]
    fn wrong_audience() {
        let t = issue(&claims(None), KEY);
        let other_key = Audience::new("pk_live_other", "https://agency.example");
        let other_origin = Audience::new("pk_test_demo", "https://evil.example");
        assert_eq!(
            verify(&t, &[KEY], 0, &other_key),
            Err(TokenError::WrongAudience)
        );
        assert_eq!(
            verify(&t, &[KEY], 0, &other_origin),
            Err(TokenError::WrongAudience)
        );
    }

    #[test]
    fn wrong_key_and_tampering() {
        let t = issue(&claims(Some("ten_1")), KEY);
        assert_eq!(
            verify(&t, &[ANOTHER], 0, &aud()),
            Err(TokenError::UnknownKey)
        );
        // Swap the payload for another tenant's while keeping the MAC.
        let other = issue(&claims(Some("ten_2")), KEY);
        let forged = format!(
            "{}.{}",
            other.rsplit_once('.').unwrap().0,
            t.rsplit_once('.').unwrap().1
        );
        assert_eq!(
            verify(&forged, &[KEY], 0, &aud()),
            Err(TokenError::BadSignature)
        );
        // Flip a character in every position of payload and MAC.
        let bytes = t.as_bytes();
        for i in 3..bytes.len() {
            let mut b = bytes.to_vec();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let s = String::from_utf8(b).unwrap();
            if s == t {
                continue;
            }
            let r = verify(&s, &[KEY], 0, &aud());
            assert!(
                matches!(
                    r,
                    Err(TokenError::BadSignature | TokenError::Malformed | TokenError::UnknownKey)
                ),
                "position {i}: {r:?}"
            );
        }
    }

    #[test]
    fn malformed() {
        let t = issue(&claims(None), KEY);
        let (signed, tag) = t.rsplit_once('.').unwrap();
        for bad in [
            String::new(),
            "v1".into(),
            "v1..".into(),
            "v1.".to_owned() + &t[3..],
            "v2.x.y".into(),
            format!("{t}.x"),
            format!("{signed}.{}", &tag[..10]),
            format!("{signed}.{tag}="),
            format!("{signed}.{tag}!"),
            "x".repeat(MAX_TOKEN_LEN + 1),
            format!("v2.{}.!!!.AAAA", key_id(KEY)),
        ] {
            assert_eq!(
                verify(&bad, &[KEY], 0, &aud()),
                Err(TokenError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn correctly_signed_garbage_is_malformed() {
        let payload = URL_SAFE_NO_PAD.encode([0xFF, 0xFF, 1]);
        let signed = format!("v2.{}.{payload}", key_id(KEY));
        let mut m = mac(KEY);
        m.update(signed.as_bytes());
        let tag = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
        assert_eq!(
            verify(&format!("{signed}.{tag}"), &[KEY], 0, &aud()),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn a_ring_verifies_with_the_key_the_token_names() {
        // During a rotation the ring holds the new key and the previous one: a token of
        // either verifies, one of a key no longer in the ring does not.
        let old = issue(&claims(None), ANOTHER);
        let new = issue(&claims(None), KEY);
        assert_ne!(key_id(KEY), key_id(ANOTHER));
        assert_eq!(key_id(KEY).len(), 8);
        for t in [&old, &new] {
            assert_eq!(verify(t, &[KEY, ANOTHER], 0, &aud()), Ok(claims(None)));
        }
        assert_eq!(verify(&old, &[KEY], 0, &aud()), Err(TokenError::UnknownKey));
        // A short key is never used, even when the token names it.
        let short: &[u8] = b"short";
        let weak = issue(&claims(None), short);
        assert_eq!(
            verify(&weak, &[short], 0, &aud()),
            Err(TokenError::UnknownKey)
        );
    }

    #[test]
    fn a_live_ticket_names_its_tenant_and_verifies_under_the_key_ring() {
        let key = [7u8; 32];
        let old = [9u8; 32];
        let t = live_ticket(&key, "ten_1", &[1; 16]);
        assert_eq!(t.len(), 64);
        assert_eq!(verify_live_ticket(&t, "ten_1", &[&key]), Some(&t[..32]));
        assert_eq!(
            verify_live_ticket(&t, "ten_2", &[&key]),
            None,
            "another tenant"
        );
        assert_eq!(
            verify_live_ticket(&t, "ten_1", &[&old]),
            None,
            "another key"
        );
        assert_eq!(
            verify_live_ticket(&t, "ten_1", &[&old, &key]),
            Some(&t[..32]),
            "a ring"
        );
        let mut forged = t.clone();
        forged.replace_range(63.., if t.ends_with('0') { "1" } else { "0" });
        assert_eq!(verify_live_ticket(&forged, "ten_1", &[&key]), None);
        assert_eq!(verify_live_ticket(&"0".repeat(64), "ten_1", &[&key]), None);
        assert_eq!(
            verify_live_ticket(&t.to_uppercase(), "ten_1", &[&key]),
            None
        );
        assert_eq!(verify_live_ticket(&t[..32], "ten_1", &[&key]), None);
    }
}
